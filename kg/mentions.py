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

from kg.extraction import read_yaml
from kg.gazetteer import Entry, Gazetteer

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
    controller: frozenset[str]
    backed: frozenset[str]
    not_owner: frozenset[str]
    drop: frozenset[str]
    locative: frozenset[str]
    anaphoric_place: frozenset[str]
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
        led=words("led_words"), controller=words("controller_words"), backed=words("backed_words"), not_owner=words("hyphen_not_owner"),
        drop=words("drop_words"), locative=words("locative_preps"), anaphoric_place=words("anaphoric_place_heads"),
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
    core_text: str = ""  # the text without leading determiners and quantities ("rebels" for "some 200 rebels")
    name_text: str | None = None  # a place phrase's own name: "Tal Abyad al-Gharbi" in "the village of ..."


# --- detection ----------------------------------------------------------------------------------


@dataclass
class _Modifiers:
    """What the words before a head say: owners (same referent's owner), a backer, plain words."""

    owners: list[Token]
    backer: Token | None
    words: list[str]


class _Detector:
    def __init__(self, doc: Doc, words: MentionWords, gazetteer: Gazetteer | None) -> None:
        self.doc, self.w, self.gaz = doc, words, gazetteer
        self.demonyms = gazetteer.demonyms if gazetteer else {}
        self.ents = [e for e in doc.ents if e.label_ in words.named_labels]
        self.ent_at: dict[int, Span] = {i: e for e in self.ents for i in range(e.start, e.end)}
        self.memo: dict[int, OpenMention | None] = {}
        self.absorbed: set[int] = set()  # tokens of names that became an owner inside a larger mention
        self.extra: dict[int, OpenMention] = {}  # modifiers that name another referent ("rebel" in "rebel-held")
        # Words after "X-" that say how X stands to the head ("led", "held", "backed", "linked").
        self.hyphen_words = words.led | words.controller | words.backed | words.not_owner

    # -- words and tokens --

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

    def unit(self, token: Token) -> Span:
        """The name a token belongs to, or the token alone."""
        ent = self.ent_at.get(token.i)
        return ent if ent is not None else self.doc[token.i:token.i + 1]

    def hyphen_word(self, token: Token) -> str | None:
        """For X in "X-led"/"X-backed": the word after the hyphen that follows X's span."""
        end = self.unit(token).end
        if end + 1 < len(self.doc) and self.doc[end].text == "-":
            return self.doc[end + 1].lower_
        return None

    def is_force_word(self, token: Token) -> bool:
        return self.w.head_class(self.word(token)) == "force" and token.pos_ in ("NOUN", "PROPN", "ADJ")

    @staticmethod
    def core_start(span: Span) -> int:
        """The first token after determiners and quantities ("some 200", "at least six")."""
        i = span.start
        while i < span.end - 1:
            token = span.doc[i]
            if token.dep_ in ("det", "predet", "nummod", "quantmod") or token.like_num or token.lower_ in ("at", "least", "more", "than", "about", "some", "nearly", "up", "to"):
                i += 1
            else:
                break
        return i

    # -- head phrases --

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
        if ent is not None and ent.start < token.i:
            return None  # "Syrian Democratic Forces", "Islamic State group": the name is the mention
        if token.dep_ == "compound" and token.head.i > token.i:
            if self.candidate(token.head) is not None:
                return None  # "coalition warplanes": the larger phrase is the mention
            if head_class in ("weapon", "owned", "place"):
                return None  # "rocket attacks", "village elders": a modifier, not a referent
        lefts = [c for c in token.lefts if c.dep_ in PREMODIFIERS and not (c.dep_ == "punct" and c.text not in "-'")]
        start = min((c.left_edge.i for c in lefts), default=token.i)
        while start < token.i and (self.doc[start].is_punct and self.doc[start].text not in "-'" or self.doc[start].dep_ in ("cc", "prep")):
            start += 1  # a phrase does not open on a comma or a stray conjunction
        if start in self.ent_at:
            start = min(start, self.ent_at[start].start)
        mods = self.modifiers(start, token, head_class)
        end, origin = token.i + 1, None
        name: tuple[int, int] | None = None  # the place's own name after "of"
        for child in token.rights:
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if not objects or child.dep_ != "prep":
                continue
            obj = objects[0]
            if child.lower_ == "from" and head_class in ("force", "weapon") and (obj.i in self.ent_at or obj.pos_ == "PROPN"):
                end, origin = self.unit(obj).end, self.unit(obj).text
            if child.lower_ == "of" and head_class == "place" and obj.pos_ == "PROPN" and child.i == token.i + 1:
                end = max(self.unit(obj).end, obj.i + 1)  # "the village of Tal Abyad al-Gharbi"
                name = (child.i + 1, end)
        if head_class == "owned" and not mods.owners and not (set(mods.words) & self.w.government):
            return None
        if mods.owners and all(o.dep_ == "poss" and o.pos_ == "PRON" for o in mods.owners) and head_class != "place":
            return None  # "its fighters": an anaphor the rule layer resolves (a minted "its-…" names no one)
        gazetteer_id = (ent.ent_id_ or ent.id_ or None) if ent is not None else None
        if head_class == "place":
            # The name after "of" is the place itself: absorbed, and its gazetteer id is the
            # phrase's only when the entry covers all of it ("Tal Abyad" is not "Tal Abyad al-Gharbi").
            if name is not None:
                inside = {self.ent_at[i] for i in range(*name) if i in self.ent_at}
                self.absorbed.update(i for e in inside for i in range(e.start, e.end))
                exact = [e for e in inside if (e.start, e.end) == name]
                gazetteer_id = gazetteer_id or (exact[0].ent_id_ or exact[0].id_ or None if exact else None)
            gazetteer_id = gazetteer_id or self.place_owner_id(start, token.i)
            kind = "place"
        elif mods.owners and self.is_demonym(mods.owners[0]):
            kind = "demonym_force" if head_class in ("force", "weapon", "owned") else "generic_force"
        elif self.is_proper_name(start, token, mods):
            # "The Balcombe Street Gang", "the Hamza Division": a name the NER missed, not the forces
            # of an owner called "Balcombe Street"
            span = self.doc[start:end]
            core = self.doc[self.core_start(span):end]
            return OpenMention(start, end, span.start_char, span.end_char, span.text, "named", token.i, word, "",
                               ner_label="ORG", core_text=core.text)
        else:
            kind = "generic_force"
        span = self.doc[start:end]
        owner = mods.owners[0] if mods.owners else None
        owner_unit = self.unit(owner) if owner is not None else None
        core = self.doc[self.core_start(span):end]
        return OpenMention(
            start, end, span.start_char, span.end_char, span.text, kind, token.i, word, head_class,
            gazetteer_id=gazetteer_id, owner_text=_strip_the(owner_unit.text) if owner_unit is not None else None,
            owner_id=self.gaz_id(owner) if owner is not None else None,
            owners=tuple(_strip_the(self.unit(o).text) for o in mods.owners),
            backer_text=self.unit(mods.backer).text if mods.backer is not None else None,
            backer_id=self.gaz_id(mods.backer) if mods.backer is not None else None,
            origin_text=origin, modifiers=tuple(mods.words),
            ner_label=ent.label_ if ent is not None else None, core_text=core.text,
            name_text=self.doc[name[0]:name[1]].text if name is not None else None,
        )

    def place_owner_id(self, start: int, head: int) -> str | None:
        """"Aleppo province": the gazetteer place named before a place head."""
        for i in range(start, head):
            ent = self.ent_at.get(i)
            if ent is not None and self.hyphen_word(self.doc[i]) in self.hyphen_words:
                continue  # "a Turkish-held town" is not Turkey
            if ent is not None and self.is_place_name(ent) and ent.end <= head and self.doc[i].dep_ != "poss":
                return ent.ent_id_ or ent.id_ or None
        return None

    def entry(self, ent: Span) -> Entry | None:
        """The gazetteer entry an entity was matched to, if any."""
        entry_id = ent.ent_id_ or ent.id_ or None
        return self.gaz.get(entry_id) if self.gaz and entry_id else None

    def is_place_name(self, ent: Span) -> bool:
        entry = self.entry(ent)
        return entry.is_place if entry is not None else ent.label_ in ("GPE", "LOC", "FAC")

    def is_town(self, ent: Span) -> bool:
        """A place that cannot act, not even for a state: a town or region, not a country or a
        capital ("Moscow" acts for Russia)."""
        entry = self.entry(ent)
        if entry is not None:
            return entry.is_place and not entry.is_actor and not entry.stands_for
        return ent.label_ in ("GPE", "LOC", "FAC")

    def modifiers(self, start: int, head: Token, head_class: str) -> _Modifiers:
        """Sort the words between ``start`` and the head: owners, a backer, separate referents
        ("rebel" in "rebel-held"), plain words. Owners of a force are absorbed into its mention;
        a place's modifiers are absorbed only when they are the place's own name."""
        owners: list[Token] = []
        backer: Token | None = None
        words: list[str] = []
        i = start
        while i < head.i:
            token = self.doc[i]
            unit = self.unit(token)
            hyphen = self.hyphen_word(token)
            named = token.i in self.ent_at or token.lower_ in self.demonyms or token.pos_ == "PROPN"
            if hyphen in self.w.backed and (named or self.is_force_word(token)):
                backer = token
                self.separate(token)
            elif hyphen in self.w.controller and (named or self.is_force_word(token)):
                self.separate(token)  # "rebel-held town": the rebels are another referent
            elif hyphen in self.w.not_owner:
                pass  # "an al-Qaida-linked group" is not al-Qaida
            elif head_class == "place":
                if token.i in self.ent_at and self.is_place_name(unit) and token.dep_ != "poss":
                    self.absorbed.update(range(unit.start, unit.end))  # "Aleppo province"
                elif self.is_force_word(token):
                    self.separate(token)
                elif named or token.dep_ == "poss":
                    owners.append(token)
                elif token.is_alpha and token.pos_ != "ADV" and token.lower_ not in self.hyphen_words:
                    words.append(token.lower_)  # not "controlled" or "mainly" of "a mainly Kurdish-controlled town"
            elif token.tag_ == "WP$":
                pass  # "Khorasani, whose group Jamaat-ul-Ahrar": "whose" names no owner
            elif head_class == "owned" and token.i in self.ent_at and self.is_town(unit):
                pass  # "the Idlib offensive", "the Birmingham pub bombings": where, not whose
            elif named or token.dep_ == "poss":
                owners.append(token)
                if not (token.dep_ == "poss" and token.pos_ == "PRON"):
                    self.absorbed.update(range(unit.start, unit.end))
            elif head_class in ("owned", "weapon") and self.is_force_word(token):
                self.separate(token)  # "terrorist rocket attacks": the terrorists act
            elif token.is_alpha and token.lower_ not in self.hyphen_words:
                words.append(token.lower_)
            i = max(unit.end, i + 1)
        # The owner nearest the head is the primary one ("Syrian Kurdish forces" are Kurdish), unless
        # the owners are coordinated ("Iraqi, Kurdish and Arab forces": the first heads the list).
        stacked = [o for o in owners if o.dep_ != "conj"]
        if len(stacked) > 1:
            primary = stacked[-1]
            owners = [primary] + [o for o in owners if o is not primary]
        return _Modifiers(owners, backer, words)

    def is_proper_name(self, start: int, head: Token, mods: "_Modifiers") -> bool:
        """A force or group word that is itself capitalised after capitalised names that are
        neither known nor demonyms, every word title case: the phrase is one name."""
        if head.pos_ != "PROPN" or not head.text[:1].isupper() or not mods.owners or set(mods.words) - {"the"}:
            return False
        if any(o.dep_ == "poss" or self.gaz_id(o) or self.is_demonym(o) or o.i in self.ent_at for o in mods.owners):
            return False
        words = [t for t in self.doc[start:head.i] if t.is_alpha and t.lower_ != "the"]
        # "Government Forces", "Army Special Forces": a force word is no name of its own
        return bool(words) and all(t.pos_ == "PROPN" and t.text[:1].isupper() and not self.is_force_word(t) and t.lower_ not in self.w.government for t in words)

    def separate(self, token: Token) -> None:
        """A modifier that names another referent: its own mention unless an entity covers it."""
        if token.i in self.ent_at or token.i in self.extra:
            return
        kind = "generic_force" if self.is_force_word(token) else "named"
        self.extra[token.i] = OpenMention(
            token.i, token.i + 1, token.idx, token.idx + len(token.text), token.text, kind, token.i,
            self.word(token), "force" if kind == "generic_force" else "", core_text=token.text,
            gazetteer_id=self.gaz_id(token),  # a demonym the NER missed: "Turkish-held" is Turkey
        )

    # -- names --

    def named(self, ent: Span) -> OpenMention:
        span = ent[1:] if ent[0].lower_ == "the" and len(ent) > 1 else ent
        entry_id = ent.ent_id_ or ent.id_ or None
        entry = self.entry(ent)
        place = ent.label_ in self.w.place_labels or (ent.label_ == "GPE" and (entry is None or not entry.is_actor))
        return OpenMention(
            span.start, span.end, span.start_char, span.end_char, span.text, "place" if place else "named",
            ent.root.i, ent.root.lower_, "", gazetteer_id=entry_id, ner_label=ent.label_, core_text=span.text,
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
            found.append(OpenMention(span.start, span.end, span.start_char, span.end_char, span.text, kind, chunk.root.i, chunk.root.lower_, "", core_text=span.text))
        return found

    def run(self) -> list[OpenMention]:
        phrases = [m for m in (self.candidate(t) for t in self.doc) if m is not None]
        named = [self.named(e) for e in self.ents if e.start not in self.absorbed]
        # An entity that is exactly a head phrase's span ("Hezbollah", tagged by both) is one mention.
        spans = {(m.start, m.end) for m in phrases}
        named = [m for m in named if (m.start, m.end) not in spans]
        extra = [m for m in self.extra.values() if (m.start, m.end) not in spans]
        taken = {i for m in phrases + named + extra for i in range(m.start, m.end)}
        found = phrases + named + extra + self.proper_chunks(taken)
        return sorted(set(found), key=lambda m: (m.start_char, m.end_char, m.kind))


def _strip_the(text: str) -> str:
    return text[4:] if text[:4].lower() == "the " else text


def detect_mentions(doc: Doc, lexicon: MentionWords | None = None, gazetteer: Gazetteer | None = None) -> list[OpenMention]:
    """Every actor or place mention in ``doc``, by character start then end."""
    words = lexicon if isinstance(lexicon, MentionWords) else load_words()
    return _Detector(doc, words, gazetteer).run()


if __name__ == "__main__":
    from kg.mention_recall import main

    sys.exit(main(sys.argv[1:]))
