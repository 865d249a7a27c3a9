"""Open mentions (``kg/mentions.py``) as rule mentions (``kg.extraction.Mention``).

The scorer's candidates and ``kg.resolve.Resolver`` read rule mentions; this maps each open
mention to the rule kind that ``Resolver`` canonicalises the same way the open layer means it:

- a name or place (NER, gazetteer or proper-noun chunk; "the village of X", "Aleppo province")
  → ``named`` with ``key`` = gazetteer id and ``label`` = NER label (a place phrase keeps its own
  name as text, so an unknown one is minted from the name, not from "the village of ...");
- civilians → ``civilians`` (``key`` = owner, as the rules' "Syrian civilians");
- a group noun (rebels, militants, militias, or a plain "fighters"/"group" with no state owner)
  → ``group`` with ``head`` = class, ``key`` = owner id, ``backer`` and ``qualifier``;
- a force, weapon or owned event whose owner is an organisation or person ("Taliban fighters",
  "Hezbollah's rockets") → ``named`` for the owner, which is who acts;
- other forces, weapons and owned events → ``force`` with ``key`` = owner id, and ``head``
  "government" for "regime forces" (the article's own state, never the default force).

An open mention that names nothing ``Resolver`` can read (an anaphoric "the town") maps to
``None``.
"""
from __future__ import annotations

from functools import lru_cache

from kg.canonical import _label_index
from kg.extraction import Mention, load_lexicon
from kg.gazetteer import Gazetteer
from kg.mentions import MentionWords, OpenMention, load_words
from kg.resolve import clean_name

GROUP_CLASSES = ("rebels", "militants", "militias")
# Read a phrase that is a gazetteer label as that entry, and mint an ownerless non-state force
# ("the coalition", "a gunman") as a name rather than the article's state. Off: it raised
# coverage (253 vs 231 of 336 reachable) but lowered CV F1 (learned 0.287 vs 0.302): more noise.
READ_NAMES = False


def _group_class(mention: OpenMention, words: MentionWords) -> str | None:
    """rebels | militants | militias from the head or, on a plain head, a modifier ("rebel
    fighters"); "fighters" for a plain group head without one; else None (a state force)."""
    head = mention.head_word
    found = words.group_class.get(head)
    if found is None or head in words.plain_group:
        refined = [words.group_class[m] for m in mention.modifiers if m in words.group_class]
        found = refined[-1] if refined else found
    if found is None and head in words.plain_group and head not in ("force", "unit"):
        return "fighters"  # "armed groups", "fighters": not a state's force
    return found


@lru_cache(maxsize=1)
def _context_nouns() -> frozenset[str]:
    """Heads whose owner, when none is named, is the article's state (as the rules read them:
    "the army", "jets"): the rule lexicon's state and platform nouns."""
    lexicon = load_lexicon()
    return frozenset(lexicon.word_set("state_nouns") | lexicon.word_set("platform_nouns"))


@lru_cache(maxsize=1)
def _platform_nouns() -> frozenset[str]:
    return load_lexicon().word_set("platform_nouns")


@lru_cache(maxsize=1)
def _ground_bomb_modifiers() -> frozenset[str]:
    return load_lexicon().rel_set("attacks", "ground_bomb_modifiers")


def _is_place_or_state(gazetteer: Gazetteer, entry_id: str | None) -> bool:
    entry = gazetteer.get(entry_id) if entry_id else None
    return entry is not None and (entry.is_place or "State" in entry.types or "Country" in entry.types)


def to_rule_mention(mention: OpenMention, gazetteer: Gazetteer, words: MentionWords | None = None) -> Mention | None:
    """The rule mention ``Resolver`` reads as the open mention is meant, or ``None``."""
    words = words or load_words()
    start, end, text = mention.start_char, mention.end_char, mention.text
    key = mention.gazetteer_id if mention.gazetteer_id and gazetteer.get(mention.gazetteer_id) else None
    owner = mention.owner_id if mention.owner_id and gazetteer.get(mention.owner_id) else None
    backer = mention.backer_id if mention.backer_id and gazetteer.get(mention.backer_id) else None
    cls = mention.head_class
    if key is None and READ_NAMES:  # a phrase that is a gazetteer name ("the U.S.-led coalition"): that entry
        key = next((k for k in (_label_index(gazetteer).get(clean_name(t).lower()) for t in (text, mention.core_text) if t) if k), None)
        if key is not None and cls not in ("place", "civilian"):
            return Mention(start, end, text, "named", key=key, label=mention.ner_label or "ORG")
    if not cls:  # a name: NER or gazetteer span, proper-noun chunk, a separated modifier
        if mention.kind == "generic_force":
            return None  # a lone force word ("rebel" in "rebel-held"): read by the rules' own generic()
        label = mention.ner_label or ("GPE" if mention.kind == "place" else "ORG")
        return Mention(start, end, text, "named", key=key, label=label)
    if cls == "place":
        if key is None and not mention.name_text:
            return None  # "the town": anaphoric, nothing to resolve it with here
        return Mention(start, end, mention.name_text or text, "named", key=key, label=mention.ner_label or "GPE")
    if cls == "civilian":
        return Mention(start, end, text, "civilians", key=owner, head="civilians")
    if owner is not None and not _is_place_or_state(gazetteer, owner) and mention.kind != "demonym_force":
        # "Taliban fighters", "Hezbollah's rockets": the named owner acts
        return Mention(start, end, mention.owner_text or text, "named", key=owner, label="ORG")
    if mention.head_word in _platform_nouns() and set(mention.modifiers) & _ground_bomb_modifiers():
        # "a Pakistani suicide bomber" is a man from Pakistan, not Pakistan's aircraft: an attacker
        # whom a claim may name (as the rules read him, ``attacker_heads``)
        return Mention(start, end, text, "force", head="attacker")
    own_state = bool(set(mention.modifiers) & words.government)
    if cls == "force":
        group = _group_class(mention, words)
        if group is not None and not own_state:
            qualifier = mention.owner_text if owner is None and mention.owner_text else None
            return Mention(start, end, text, "group", key=owner, head=group, qualifier=qualifier, backer=backer)
    if cls == "weapon" and owner is None and not own_state and mention.head_word not in _context_nouns():
        return None  # "hit by rockets", "a car bomb": a weapon no one is named as firing is no one's
    if READ_NAMES and owner is None and not own_state and mention.head_word not in _context_nouns() | words.state:
        if cls != "force":
            return None  # "a rocket", "the attack": no one named
        # "the coalition", "a gunman": not a state's force; minted from its words, as a name
        return Mention(start, end, mention.core_text or text, "named", label="ORG")
    head = "government" if own_state and owner is None else mention.head_word
    return Mention(start, end, text, "force", key=owner, head=head)
