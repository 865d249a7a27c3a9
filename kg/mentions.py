"""The open mention layer: every phrase in a parsed ``Doc`` that may name an actor or a place.

Detection is kept apart from canonicalisation (``kg/canonical.py``): a mention is found whether or
not the gazetteer knows it. Sources, in one pass:

- named: spaCy NER and gazetteer spans (GPE, LOC, NORP, ORG, PERSON, FAC), and unlabelled
  proper-noun chunks (the small model misses many names);
- noun phrases whose head is in a word list of ``data/mentions.yaml``: forces and groups
  ("regime forces", "Taliban fighters"), weapons ("jets"), civilians, places ("the village of X");
- ownership inside such a phrase: a demonym, possessor or "X-led" modifier is the *owner*, kept
  on the mention rather than as a mention of its own ("Syrian troops" is one mention, owner
  "Syrian"). A backer ("Iranian-backed") or a place after "from" names another referent, so it
  stays a mention of its own as well.

``python -m kg.mentions recall`` measures mention recall on the dev set (``kg/mention_recall.py``).
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, Span, Token

from kg.extract import read_yaml
from kg.gazetteer import Gazetteer

MENTIONS_PATH = Path(__file__).with_name("data") / "mentions.yaml"
KINDS = ("named", "generic_force", "demonym_force", "place", "pronoun")
# Dependents that sit before a head noun inside its phrase ("the three US-led coalition jets").
PREMODIFIERS = {"det", "amod", "compound", "nummod", "poss", "nmod", "npadvmod", "quantmod", "predet", "advmod", "punct", "case", "cc", "conj", "prep", "pobj", "dep"}


@dataclass(frozen=True)
class MentionWords:
    """The word lists of ``data/mentions.yaml`` as frozensets."""

    force: frozenset[str]
    weapon: frozenset[str]
    owned_only: frozenset[str]
    civilian: frozenset[str]
    place: frozenset[str]
    group_class: dict[str, str]
    plain_group: frozenset[str]
    government: frozenset[str]
    state: frozenset[str]
    led: frozenset[str]
    backed: frozenset[str]
    not_owner: frozenset[str]
    drop: frozenset[str]
    locative: frozenset[str]
    named_labels: frozenset[str]
    place_labels: frozenset[str]

    def head_class(self, word: str) -> str | None:
        """Which list a head word is in; civilians first ("people" is never a force)."""
        for name, words in (("civilian", self.civilian), ("force", self.force), ("weapon", self.weapon), ("owned", self.owned_only), ("place", self.place)):
            if word in words:
                return name
        return None


@lru_cache(maxsize=2)
def load_words(path: Path = MENTIONS_PATH) -> MentionWords:
    raw: dict[str, Any] = read_yaml(path)
    words = lambda key: frozenset(str(w).lower() for w in raw.get(key, []))  # noqa: E731
    classes = {str(w): cls for cls, members in raw["group_classes"].items() for w in members}
    return MentionWords(
        force=words("force_heads"), weapon=words("weapon_heads"), owned_only=words("owned_only_heads"),
        civilian=words("civilian_heads"), place=words("place_heads"), group_class=classes,
        plain_group=words("plain_group_heads"), government=words("government_words"), state=words("state_heads"),
        led=words("led_words"), backed=words("backed_words"), not_owner=words("hyphen_not_owner"),
        drop=words("drop_words"), locative=words("locative_preps"),
        named_labels=frozenset(raw["named_labels"]), place_labels=frozenset(raw["place_labels"]),
    )


@dataclass(frozen=True)
class OpenMention:
    """A phrase that may name an actor or place. Offsets are tokens (``start``/``end``) and
    characters (``start_char``/``end_char``) of the Doc; ``head`` is a token index."""

    start: int
    end: int
    start_char: int
    end_char: int
    text: str
    kind: str  # one of KINDS
    head: int
    head_word: str = ""  # the head's word as found in a list ("force", "jet"), or its lowercase form
    head_class: str = ""  # force | weapon | owned | civilian | place | "" (named)
    gazetteer_id: str | None = None
    owner_text: str | None = None  # first owner: demonym, possessor, compound name or "X-led"
    owner_id: str | None = None  # gazetteer id of that owner, when known
    owners: tuple[str, ...] = ()  # every owner, for "Iraqi, Kurdish and Arab forces"
    backer_text: str | None = None  # "Iranian" in "Iranian-backed militias" (not the owner)
    backer_id: str | None = None
    origin_text: str | None = None  # "Kandahar" in "a suicide bomber from Kandahar"
    modifiers: tuple[str, ...] = ()  # lowercase premodifier words ("regime", "security", "suicide")
    ner_label: str | None = None


# --- detection ----------------------------------------------------------------------------------


class _Detector:
    def __init__(self, doc: Doc, words: MentionWords, gazetteer: Gazetteer | None) -> None:
        self.doc, self.w, self.gaz = doc, words, gazetteer
        self.demonyms = gazetteer.demonyms if gazetteer else {}
        self.ents = [e for e in doc.ents if e.label_ in words.named_labels]
        self.ent_at: dict[int, Span] = {i: e for e in self.ents for i in range(e.start, e.end)}
        self.memo: dict[int, OpenMention | None] = {}
        self.absorbed: set[int] = set()  # tokens whose entity became an owner inside a larger mention

    def word(self, token: Token) -> str:
        """The form of a token found in the word lists: lemma, lowercase, or a naive singular."""
        lower, lemma = token.lower_, token.lemma_.lower()
        for form in (lemma, lower, lower[:-1] if lower.endswith("s") else lower, lower[:-2] if lower.endswith("es") else lower):
            if self.w.head_class(form):
                return form
        return lemma

    def gaz_id(self, token: Token) -> str | None:
        ent = self.ent_at.get(token.i)
        if ent is not None and (ent.ent_id_ or ent.id_):
            return ent.ent_id_ or ent.id_
        return self.demonyms.get(token.lower_)

    def is_demonym(self, token: Token) -> bool:
        ent = self.ent_at.get(token.i)
        return token.lower_ in self.demonyms or (ent is not None and ent.label_ == "NORP")

    def hyphen_word(self, token: Token) -> str | None:
        """For X in "X-led"/"X-backed": the word after the hyphen that follows X's span."""
        ent = self.ent_at.get(token.i)
        end = ent.end if ent is not None else token.i + 1
        doc = self.doc
        if end + 1 < len(doc) and doc[end].text == "-":
            return doc[end + 1].lower_
        return None

    def candidate(self, token: Token) -> OpenMention | None:
        if token.i not in self.memo:
            self.memo[token.i] = self._candidate(token)
        return self.memo[token.i]

    def _candidate(self, token: Token) -> OpenMention | None:
        """A mention headed by ``token`` when its word is in a head list, else ``None``."""
        if token.pos_ not in ("NOUN", "PROPN") and not (token.pos_ == "ADJ" and token.dep_ not in ("amod", "acomp")):
            return None
        word = self.word(token)
        head_class = self.w.head_class(word)
        if head_class is None:
            return None
        ent = self.ent_at.get(token.i)
        if ent is not None and ent.root.i == token.i and ent.start < token.i:
            return None  # "Syrian Democratic Forces": the name itself is the mention
        if token.dep_ == "compound" and token.head.i > token.i and self.candidate(token.head) is not None:
            return None  # "coalition warplanes": the larger phrase is the mention
        lefts = [c for c in token.lefts if c.dep_ in PREMODIFIERS and not (c.dep_ == "punct" and c.text not in "-'")]
        start = min((c.left_edge.i for c in lefts), default=token.i)
        while start < token.i and (self.doc[start].is_punct and self.doc[start].text not in "-'" or self.doc[start].dep_ in ("cc", "prep")):
            start += 1  # a phrase does not open on a comma or a stray conjunction
        if start in self.ent_at:
            start = min(start, self.ent_at[start].start)
        owners, owner_ids, backer, backer_id, modifiers = self.modifiers(start, token)
        end, origin = token.i + 1, None
        for child in token.rights:
            if child.dep_ == "prep" and child.lower_ == "from" and head_class in ("force", "weapon"):
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if objects and (objects[0].i in self.ent_at or objects[0].pos_ == "PROPN"):
                    end, origin = objects[0].right_edge.i + 1, self.phrase_text(objects[0])
            if child.dep_ == "prep" and child.lower_ == "of" and head_class == "place":
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if objects and objects[0].pos_ == "PROPN":
                    end = objects[0].right_edge.i + 1  # "the village of Tal Abyad al-Gharbi"
            if child.dep_ == "appos" and head_class == "place" and child.pos_ == "PROPN" and child.i == token.i + 1:
                end = child.right_edge.i + 1
        if head_class == "owned" and not owners and not (set(modifiers) & self.w.government):
            return None
        gazetteer_id = None
        if ent is not None and ent.start >= start and ent.end <= end:
            gazetteer_id = ent.ent_id_ or ent.id_ or None
        if head_class == "place":
            named = [self.ent_at[i] for i in range(start, end) if i in self.ent_at]
            if named and not gazetteer_id:
                gazetteer_id = named[0].ent_id_ or named[0].id_ or None
            kind = "place"
        elif owners and self.is_demonym_text(owners[0], start, token.i):
            kind = "demonym_force" if head_class in ("force", "weapon", "owned") else "generic_force"
        else:
            kind = "generic_force"
        span = self.doc[start:end]
        return OpenMention(
            start, end, span.start_char, span.end_char, span.text, kind, token.i, word, head_class,
            gazetteer_id=gazetteer_id, owner_text=owners[0] if owners else None,
            owner_id=owner_ids[0] if owner_ids else None, owners=tuple(owners),
            backer_text=backer, backer_id=backer_id, origin_text=origin, modifiers=tuple(modifiers),
            ner_label=ent.label_ if ent is not None else None,
        )

    def is_demonym_text(self, text: str, start: int, head: int) -> bool:
        return any(self.doc[i].text == text.split()[0] and self.is_demonym(self.doc[i]) for i in range(start, head))

    def phrase_text(self, token: Token) -> str:
        ent = self.ent_at.get(token.i)
        return ent.text if ent is not None else self.doc[token.left_edge.i:token.i + 1].text

    def modifiers(self, start: int, head: Token) -> tuple[list[str], list[str], str | None, str | None, list[str]]:
        """Owners, owner ids, backer, backer id and plain modifier words between start and head."""
        owners: list[str] = []
        owner_ids: list[str] = []
        backer = backer_id = None
        words: list[str] = []
        i = start
        while i < head.i:
            token = self.doc[i]
            ent = self.ent_at.get(i)
            span_end = ent.end if ent is not None else i + 1
            text = ent.text if ent is not None else token.text
            hyphen = self.hyphen_word(token)
            if ent is not None or token.lower_ in self.demonyms or token.dep_ == "poss":
                if hyphen in self.w.backed:
                    backer, backer_id = text, self.gaz_id(token)  # a separate referent: not absorbed
                elif hyphen in self.w.not_owner:
                    pass  # "an al-Qaida-linked group" is not al-Qaida
                elif token.dep_ == "poss" and token.pos_ == "PRON":
                    owners.append(token.text)
                else:
                    owners.append(text.removeprefix("the ").removeprefix("The "))
                    found = self.gaz_id(token)
                    if found:
                        owner_ids.append(found)
                    self.absorbed.update(range(i, span_end))
            elif token.is_alpha:
                words.append(token.lower_)
            i = max(span_end, i + 1)
        return owners, owner_ids, backer, backer_id, words

    def named(self, ent: Span) -> OpenMention:
        span = ent[1:] if ent[0].lower_ == "the" and len(ent) > 1 else ent
        entry_id = ent.ent_id_ or ent.id_ or None
        entry = self.gaz.get(entry_id) if self.gaz and entry_id else None
        place = ent.label_ in self.w.place_labels or (ent.label_ == "GPE" and (entry is None or not entry.is_actor))
        return OpenMention(
            span.start, span.end, span.start_char, span.end_char, span.text, "place" if place else "named",
            ent.root.i, ent.root.lower_, "", gazetteer_id=entry_id, ner_label=ent.label_,
        )

    def proper_chunks(self, taken: set[int]) -> list[OpenMention]:
        """Proper-noun chunks that no entity or head phrase covers: names the NER missed."""
        found = []
        for chunk in self.doc.noun_chunks:
            tokens = [t for t in chunk if t.pos_ == "PROPN"]
            if chunk.root.pos_ != "PROPN" or not tokens or any(t.i in taken for t in chunk):
                continue
            if any(t.ent_type_ and t.ent_type_ not in self.w.named_labels for t in chunk):
                continue  # "Monday", "Oct. 18": dates and numbers are not names
            span = self.doc[tokens[0].i:chunk.end]
            if not any(c.isalpha() and c.isupper() for c in span.text):
                continue
            governor = chunk.root.head if chunk.root.dep_ == "pobj" else None
            kind = "place" if governor is not None and governor.lower_ in self.w.locative else "named"
            found.append(OpenMention(span.start, span.end, span.start_char, span.end_char, span.text, kind, chunk.root.i, chunk.root.lower_, ""))
        return found

    def run(self) -> list[OpenMention]:
        phrases = [m for m in (self.candidate(t) for t in self.doc) if m is not None]
        named = [self.named(e) for e in self.ents if e.start not in self.absorbed]
        # An entity that is exactly a head phrase's span ("Hezbollah", tagged by both) is one mention.
        spans = {(m.start, m.end) for m in phrases}
        named = [m for m in named if (m.start, m.end) not in spans]
        taken = {i for m in phrases + named for i in range(m.start, m.end)}
        found = phrases + named + self.proper_chunks(taken)
        # A place phrase absorbs the names inside it ("the village of Tal Abyad" holds "Tal Abyad").
        places = [(m.start, m.end) for m in phrases if m.kind == "place"]
        found = [m for m in found if m.head_class == "place" or not any(s <= m.start and m.end <= e for s, e in places)]
        return sorted(set(found), key=lambda m: (m.start_char, m.end_char, m.kind))


def detect_mentions(doc: Doc, lexicon: MentionWords | None = None, gazetteer: Gazetteer | None = None) -> list[OpenMention]:
    """Every actor or place mention in ``doc``, by character start then end."""
    words = lexicon if isinstance(lexicon, MentionWords) else load_words()
    return _Detector(doc, words, gazetteer).run()


if __name__ == "__main__":
    from kg.mention_recall import main

    sys.exit(main(sys.argv[1:]))
