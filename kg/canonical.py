"""Canonical ids for open mentions (``kg/mentions.py``), one deterministic rule list.

Rules, first that applies wins:

1. the mention is a gazetteer span (or its text is a gazetteer label): that entry; as an agent,
   what it stands for (``Moscow`` → ``russia``, ``Syria`` → ``syrian-government``);
2. civilian heads ("civilians", "people", "protesters", "Syrian civilians") → ``civilians``;
3. an owned force, weapon or event ("Russian jets", "Assad's forces", "Taliban fighters",
   "U.S. missile strikes"): the owner's gazetteer entry, as an actor; but a demonym on a group
   noun names a group ("Syrian rebels" → ``syrian-rebels``, "Kurdish militias" → ``kurdish-militias``);
4. a "government"/"regime" modifier or a bare state head ("regime forces", "the army") → the
   actor of the article's main country (``DocContext.main_country``), when there is one;
5. "X-backed" groups → ``<x>-backed-<class>`` ("Iranian-backed militias" → ``iran-backed-militias``);
6. otherwise a minted id from the head phrase: group nouns by class ("the rebels", "rebel
   fighters" → ``rebels``; "militants", "terrorists" → ``rebels`` too), else the modifiers and singular head
   word without determiners and quantities ("three warplanes" → ``warplane``, "security forces"
   → ``security-force``); a place phrase with a name after "of" → the slug of that name ("the
   village of Tal Abyad al-Gharbi" → ``tal-abyad-al-gharbi``); a named mention the gazetteer
   lacks → the slug of its text.

``role`` is "agent", "place" or "any": metonymy applies to agents only.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from kg.gazetteer import Gazetteer, forces_named_after
from kg.mentions import MentionWords, OpenMention, load_words
from kg.resolve import CIVILIANS, clean_name, descriptive_qualifiers, slugify


@dataclass(frozen=True)
class CanonicalRef:
    id: str
    types: tuple[str, ...]
    minted: bool  # True when the id is not a gazetteer entry's


@dataclass(frozen=True)
class DocContext:
    """What canonicalisation may know about the article: the country its fighting is in."""

    main_country: str | None = None

    @classmethod
    def from_mentions(cls, mentions: list[OpenMention], gazetteer: Gazetteer) -> "DocContext":
        """The country most of the article's named places are in (sovereign states count a
        quarter: articles name outside powers far from the fighting)."""
        counts: Counter[str] = Counter()
        first: dict[str, int] = {}
        for index, mention in enumerate(mentions):
            entry = gazetteer.get(mention.gazetteer_id)
            if entry is None or not entry.is_place:
                continue
            country = gazetteer.country_of(entry.id)
            if country is None:
                continue
            counts[country] += 0.25 if "State" in entry.types else 1.0
            first.setdefault(country, index)
        if not counts:
            return cls(None)
        return cls(min(counts, key=lambda c: (-counts[c], first[c])))


def _label_index(gazetteer: Gazetteer) -> dict[str, str]:
    cached = getattr(gazetteer, "_kg_label_index", None)
    if cached is None:
        cached = {}
        for entry in sorted(gazetteer.entries.values(), key=lambda e: e.id):
            for name in (entry.label, *entry.alt_labels):
                cached.setdefault(clean_name(name).lower(), entry.id)
        gazetteer._kg_label_index = cached  # type: ignore[attr-defined]
    return cached


def _entry_ref(gazetteer: Gazetteer, entry_id: str, as_actor: bool) -> CanonicalRef:
    if as_actor:
        entry_id = gazetteer.actor_for(entry_id)
    entry = gazetteer.get(entry_id)
    return CanonicalRef(entry_id, entry.types if entry else (), minted=entry is None)


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def minted_name(mention: OpenMention, words: MentionWords) -> str:
    """The head phrase without determiners, quantities and owners, singular, or a group class."""
    head = mention.head_word or mention.text.split()[-1].lower()
    group_class = words.group_class.get(head)
    if head in words.plain_group or group_class is None:
        refined = [words.group_class[m] for m in mention.modifiers if m in words.group_class]
        group_class = refined[-1] if refined else group_class
    if group_class:
        return group_class
    kept = [m for m in mention.modifiers if m not in words.drop and not m.isdigit()]
    return "-".join([*kept, _singular(head)])


def canonicalise(
    mention: OpenMention, context: DocContext | None, gazetteer: Gazetteer, role: str = "any", words: MentionWords | None = None
) -> CanonicalRef:
    words = words or load_words()
    as_actor = role == "agent"
    # 1. the gazetteer, by span id or by label
    if mention.gazetteer_id and gazetteer.get(mention.gazetteer_id):
        return _entry_ref(gazetteer, mention.gazetteer_id, as_actor)
    for name in (mention.text, mention.name_text or ""):
        known = _label_index(gazetteer).get(clean_name(name).lower())
        if known:
            return _entry_ref(gazetteer, known, as_actor)
    if mention.ner_label == "NORP" and not mention.head_class:  # "Kurdish-controlled town"
        known = forces_named_after(_label_index(gazetteer), clean_name(mention.text))
        if known:
            return _entry_ref(gazetteer, known, as_actor)
    # 2. civilians are one id, whoever's they are
    if mention.head_class == "civilian":
        return CanonicalRef(CIVILIANS, ("Civilians",), minted=False)
    # 3. an owner named by demonym, possessor, compound or "X-led"; a demonym on a group class
    # names the group, not the state ("Syrian rebels" → syrian-rebels, never the government)
    group = minted_name(mention, words) if mention.head_class == "force" else ""
    # A creed ("Islamist rebel groups") describes the group; it does not name it.
    named_owner = bool(mention.owner_text) and clean_name(mention.owner_text or "").lower() not in descriptive_qualifiers()
    if group in set(words.group_class.values()) and mention.kind == "demonym_force" and named_owner:
        return CanonicalRef(slugify(f"{mention.owner_text} {group}"), ("ArmedGroup",), minted=True)
    if mention.head_class in ("force", "weapon", "owned") and mention.owner_id and gazetteer.get(mention.owner_id):
        return _entry_ref(gazetteer, mention.owner_id, True)
    # 4. the article's own government
    own_state = bool(set(mention.modifiers) & words.government) or (mention.head_word in words.state and not mention.owners)
    if mention.head_class in ("force", "weapon", "owned") and own_state and context and context.main_country:
        return _entry_ref(gazetteer, context.main_country, True)
    # 5. "X-backed" groups, named after the backer's country
    if mention.backer_text and mention.head_class == "force":
        backer = gazetteer.actor_for(mention.backer_id) if mention.backer_id else None
        entry = gazetteer.get(gazetteer.country_of(backer) or backer) if backer else None
        name = entry.label if entry else mention.backer_text
        return CanonicalRef(slugify(f"{name}-backed {minted_name(mention, words)}"), ("ArmedGroup",), minted=True)
    # 6. minted from the phrase: a place by its own name ("the village of X" → x)
    if mention.head_class == "place" and mention.name_text:
        return CanonicalRef(slugify(clean_name(mention.name_text)), ("Settlement",), minted=True)
    if mention.head_class:
        types = ("Settlement",) if mention.head_class == "place" else ("ArmedGroup",)
        return CanonicalRef(slugify(minted_name(mention, words)), types, minted=True)
    name = clean_name(mention.text)
    types = {"PERSON": ("Person",), "ORG": ("Organization",), "NORP": ("ArmedGroup",)}.get(mention.ner_label or "", ("Settlement",) if mention.kind == "place" else ("Organization",))
    return CanonicalRef(slugify(name), types, minted=True)
