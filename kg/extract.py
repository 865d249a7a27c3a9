"""Relations and events from a parsed spaCy ``Doc``, as plain dataclasses.

Everything here reads the dependency parse, the entity spans set by the gazetteer ruler and the
statistical NER, and the word lists in ``data/lexicon.yaml``. It returns plain data (no spaCy
objects), so it survives ``nlp.pipe(n_process=N)``.
"""
from __future__ import annotations

import itertools
import re
from bisect import bisect_left
from dataclasses import dataclass, field, fields
from functools import lru_cache, wraps
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, TypeVar

import yaml
from spacy.tokens import Doc, Span, Token

LEXICON_PATH = Path(__file__).with_name("data") / "lexicon.yaml"
CORE = ("strikes", "attacks", "backs", "captures", "evacuates")
SKIP_ENT_LABELS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT", "LANGUAGE", "LAW", "WORK_OF_ART", "PRODUCT", "EVENT"}
PLACE_LABELS = {"GPE", "LOC", "FAC"}
SUBJECTS = {"nsubj", "csubj"}
PASSIVE_SUBJECTS = {"nsubjpass", "csubjpass"}
OBJECTS = {"dobj", "obj"}
RELATIVE = {"which", "that", "who", "whom", "whose"}
PRONOUNS = {"they", "them", "their", "it", "its", "he", "his", "she", "her", "we", "our", "us", "i", "my"}
# A relative clause, subject or apposition is not in the scope of the verb it hangs from.
SCOPE_ISLANDS = {"relcl", "nsubj", "nsubjpass", "csubj", "appos"}
# "two days", "recent months", "the second day": spans, not the date of an event.
DURATION = re.compile(r"\S*year-old|(?:the |about |some |nearly |over |the past |past |recent |several |many |a few )*(?:\w+ )?(?:days?|weeks?|months?|years?|hours?|decades?)")
TEMPORAL_PREPS = {"after", "before", "since", "until", "as", "while", "when", "once"}
PLACE_NOUNS = {"town", "city", "village", "province", "region", "district", "governorate", "oblast"}
# Argument resolution recurses (arg → generic → resolve_pronoun → args → arg); this bounds its
# nesting whatever the sentence, far above what any real construction needs.
MAX_NESTING = 48
OBJECT_CONTROL = {"prompt", "drive", "persuade", "convince", "ask", "tell", "instruct", "force", "oblige", "compel", "order", "allow", "help", "enable", "push", "lead", "cause", "permit", "urge", "get"}


_Resolver = TypeVar("_Resolver", bound=Callable[..., list[int]])


def bounded(method: _Resolver) -> _Resolver:
    """Resolution of a token that is already being resolved is a cycle, not an answer: "fighters
    and their families" resolves "their" through the subject that holds "families" itself. Such
    a revisit, or nesting past MAX_NESTING, finds nothing on that path instead of recursing for
    ever."""

    @wraps(method)
    def guarded(self: "Extractor", token: Token, *rest: Any) -> list[int]:
        key = (method.__name__, token.i)
        if key in self.resolving or len(self.resolving) >= MAX_NESTING:
            return []
        self.resolving.add(key)
        try:
            return method(self, token, *rest)
        finally:
            self.resolving.discard(key)

    return guarded  # type: ignore[return-value]


# --- plain data ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Mention:
    """A reference to an actor or place. ``kind`` says how resolve must read it."""

    start: int
    end: int
    text: str
    kind: str  # named | force | group | civilians
    key: str | None = None  # gazetteer id: the entity, or the owner/qualifier of a generic noun
    label: str = ""  # spaCy entity label for named mentions
    head: str = ""  # lemma class of a generic noun: rebels, militias, civilians, army…
    qualifier: str | None = None  # a non-gazetteer adjective: "Shiite", "Kurdish"
    backer: str | None = None  # gazetteer id in "X-backed Y"
    phrase: str = ""  # the descriptive words of a generic noun phrase ("mainstream secular armed groups")


@dataclass(frozen=True)
class Event:
    relation: str
    agents: tuple[int, ...]
    targets: tuple[int, ...]
    sentence: int
    trigger: str
    trigger_start: int
    trigger_end: int
    tier: str = "explicit"
    places: tuple[int, ...] = ()
    origins: tuple[int, ...] = ()
    destinations: tuple[int, ...] = ()
    date_text: str | None = None
    killed: int | None = None
    killed_qualifier: str | None = None
    injured: int | None = None
    injured_qualifier: str | None = None
    count: int | None = None
    count_qualifier: str | None = None
    means: tuple[str, ...] = ()
    reported_by: tuple[int, ...] = ()


@dataclass(frozen=True)
class Fact:
    """A secondary relation (allyOf, controls, …): subject and object mention indices."""

    relation: str
    subject: int
    object: int
    sentence: int
    trigger: str
    trigger_start: int
    trigger_end: int
    tier: str = "explicit"


@dataclass(frozen=True)
class Extraction:
    mentions: tuple[Mention, ...]
    events: tuple[Event, ...]
    facts: tuple[Fact, ...]
    sentences: tuple[tuple[int, int], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "mentions": [_record(m) for m in self.mentions],
            "events": [_record(e) for e in self.events],
            "facts": [_record(f) for f in self.facts],
            "sentences": [list(s) for s in self.sentences],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Extraction":
        def tuples(record: dict[str, Any]) -> dict[str, Any]:
            return {k: tuple(v) if isinstance(v, list) else v for k, v in record.items()}

        return cls(
            mentions=tuple(Mention(**m) for m in data["mentions"]),
            events=tuple(Event(**tuples(e)) for e in data["events"]),
            facts=tuple(Fact(**f) for f in data["facts"]),
            sentences=tuple(tuple(s) for s in data["sentences"]),  # type: ignore[misc]
        )


_FIELD_NAMES = {cls: tuple(f.name for f in fields(cls)) for cls in (Mention, Event, Fact)}


def _record(obj: Mention | Event | Fact) -> dict[str, Any]:
    """``asdict`` for the flat records above, without its deep copy: their fields hold only
    ints, strings, None and tuples of those, which are immutable."""
    return {name: getattr(obj, name) for name in _FIELD_NAMES[type(obj)]}


# --- lexicon -------------------------------------------------------------------------------


@dataclass
class Lexicon:
    raw: dict[str, Any]
    verb_relation: dict[str, list[str]] = field(default_factory=dict)
    noun_relation: dict[str, str] = field(default_factory=dict)
    group_class: dict[str, str] = field(default_factory=dict)
    # Word lists as frozensets, built once: the extractor asks for them in its inner loops.
    _frozen: dict[tuple[str, ...], frozenset[str]] = field(default_factory=dict, repr=False, compare=False)

    def words(self, key: str) -> set[str]:
        return set(self.raw.get(key, []))

    def rel(self, relation: str, key: str) -> set[str]:
        return set(self.raw["relations"][relation].get(key, []))

    def word_set(self, key: str) -> frozenset[str]:
        """``words(key)``, shared and read-only."""
        found = self._frozen.get((key,))
        if found is None:
            found = self._frozen[(key,)] = frozenset(self.raw.get(key, []))
        return found

    def rel_set(self, relation: str, key: str) -> frozenset[str]:
        """``rel(relation, key)``, shared and read-only."""
        found = self._frozen.get((relation, key))
        if found is None:
            found = self._frozen[(relation, key)] = frozenset(self.raw["relations"][relation].get(key, []))
        return found


class _WordLoader(yaml.SafeLoader):
    """YAML 1.1 reads "on", "no" and "yes" as booleans; in a word list they are words."""


_WordLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_WordLoader)  # noqa: S506 - safe loader subclass


@lru_cache(maxsize=2)
def load_lexicon(path: Path = LEXICON_PATH) -> Lexicon:
    raw = read_yaml(path)
    lexicon = Lexicon(raw=raw)
    for relation, spec in raw["relations"].items():
        for verb in spec.get("verbs", []):
            lexicon.verb_relation.setdefault(verb, []).append(relation)
        for noun in spec.get("nouns", []):
            lexicon.noun_relation.setdefault(noun, relation)
    for cls, nouns in raw["group_nouns"].items():
        for noun in nouns:
            lexicon.group_class.setdefault(noun, cls)
    return lexicon


# --- the extractor --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ent:
    """An entity span's attributes, read once: ``Span`` recomputes ``root``, ``text`` and the
    label strings on every access. Named like ``Span``'s so the rules read the same."""

    start: int
    end: int
    start_char: int
    end_char: int
    text: str
    label_: str
    ent_id_: str
    root: Token

    @classmethod
    def of(cls, span: Span, doc_text: str) -> "Ent":
        return cls(span.start, span.end, span.start_char, span.end_char, doc_text[span.start_char:span.end_char], span.label_, span.ent_id_, span.root)


def is_pronoun(token: Token) -> bool:
    """A personal pronoun ("they", "its"), not the name "US"."""
    return token.lower_ in PRONOUNS and token.pos_ == "PRON"


def lemma_forms(token: Token) -> set[str]:
    """The lemma plus naive stems of the word, since the small model mislemmatises some verbs
    ("staged" → "stag")."""
    return set(word_forms(token.lemma_.lower(), token.lower_)[0])


@lru_cache(maxsize=1 << 16)
def word_forms(lemma: str, lower: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """``lemma_forms`` of a word from its lowercased lemma and form, as a set and sorted: a pure
    function of two strings, so computed once per word rather than once per token."""
    forms = {lemma, lower}
    for suffix, replacement in (("ied", "y"), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"), ("es", ""), ("s", "")):
        if lower.endswith(suffix) and len(lower) > len(suffix) + 2:
            stem = lower[: -len(suffix)] + replacement
            forms.add(stem)
            if len(stem) > 3 and stem[-1] == stem[-2] and replacement == "":
                forms.add(stem[:-1])  # "stepped" → "step"
    return frozenset(forms), tuple(sorted(forms))


class Extractor:
    """One pass over one ``Doc``. Keeps mention indices stable in order of creation."""

    def __init__(
        self, doc: Doc, lexicon: Lexicon, demonyms: dict[str, str], groups: frozenset[str] = frozenset(),
        actors: frozenset[str] = frozenset(), places: frozenset[str] = frozenset(),
    ) -> None:
        self.doc = doc
        self.resolving: set[tuple[str, int]] = set()  # (method, token) pairs being resolved: see ``bounded``
        self.groups = groups  # gazetteer ids of armed groups, for "the group" anaphora
        self.actors = actors  # gazetteer ids that can act (states, groups, people, capitals)
        self.places = places  # gazetteer ids that are places
        self.lex = lexicon
        self.demonyms = demonyms
        self.mentions: list[Mention] = []
        self.mention_index: dict[Mention, int] = {}
        self.events: list[Event] = []
        self.facts: list[Fact] = []
        # Read once: Doc.text, Span.text and Doc.ents rebuild their result on every access, and
        # spaCy builds a new Token object on every doc[i]. Sharing these is safe: the rules' ``is``
        # tests compare a token only with itself or with a fresh ``.head`` / ``.subtree`` token.
        self.tokens = list(doc)
        self.text = "".join([t.text_with_ws for t in self.tokens])  # = doc.text, without a second pass over the Doc
        self.sentences = list(doc.sents)
        self._sentence_cache: dict[int, dict[str, Any]] = {}
        self.sent_of: dict[int, int] = {}
        for number, sent in enumerate(self.sentences):
            self.sent_of.update(dict.fromkeys(range(sent.start, sent.end), number))
        self.ents = [Ent.of(ent, self.text) for ent in doc.ents]
        self.ent_starts = [ent.start for ent in self.ents]
        self.ent_of: dict[int, Ent] = {}
        for ent in self.ents:
            if ent.label_ in SKIP_ENT_LABELS:
                continue
            self.ent_of.update(dict.fromkeys(range(ent.start, ent.end), ent))
        # The kept entities by the index of their root token, in order, for backward scans.
        self.ent_roots = sorted(((ent.root.i, ent) for ent in self.ents if ent.label_ not in SKIP_ENT_LABELS), key=lambda pair: pair[0])
        self.ent_root_index = [i for i, _ in self.ent_roots]
        self._named: dict[int, int] = {}  # entity start → its mention
        # Token.lemma_ looks the string up on every access; the rules ask for it again and again.
        self.lemmas = [t.lemma_.lower() for t in self.tokens]
        self.light = lexicon.word_set("light_verbs")
        self.pass_through = lexicon.word_set("pass_through_verbs")
        self.container = lexicon.word_set("container_nouns")
        self.container_preps = lexicon.word_set("container_preps")
        self.force = lexicon.word_set("force_nouns")
        self.owned = lexicon.word_set("owned_nouns")
        self.civilian = lexicon.word_set("civilian_nouns")
        self.state_nouns = lexicon.word_set("state_nouns")
        self.air = lexicon.word_set("air_means")
        self.blocking = lexicon.word_set("blocking_verbs")
        self.blocking_marks = lexicon.word_set("blocking_marks")
        self.blocking_modals = lexicon.word_set("blocking_modals")
        self.reporting = lexicon.word_set("reporting_verbs")
        self.trigger_nouns = frozenset(lexicon.noun_relation)
        self.verb_words = frozenset(lexicon.verb_relation)
        self.group_words = frozenset(lexicon.group_class)
        # Unions the argument rules test every token against, built once.
        self.generic_words = self.owned | self.force | self.group_words | self.civilian
        self.arg_words = self.generic_words | self.container
        self.ground = lexicon.word_set("ground_means")
        self.ally_nouns = lexicon.word_set("ally_nouns")
        self.ally_adjectives = lexicon.word_set("ally_adjectives")
        self.leader_titles = lexicon.word_set("leader_titles")
        self.secondary_verb_words = frozenset().union(
            lexicon.rel_set("strikes", "fire_verbs"), lexicon.rel_set("backs", "alongside_verbs"), lexicon.word_set("control_verbs"),
            lexicon.word_set("ally_verbs"), lexicon.word_set("landing_verbs"), lexicon.rel_set("captures", "lose_verbs"),
            lexicon.word_set("designate_verbs"), lexicon.word_set("repel_verbs"), lexicon.rel_set("backs", "send_verbs"), {"lead"},
        )  # every word secondary_verb has a rule for
        # Lemmas for which secondary_noun has a rule (besides ally adjectives, read by form)
        self.secondary_noun_lemmas = self.ally_nouns | self.leader_titles | (self.container & PLACE_NOUNS)
        self.group_force = self.group_words | self.force
        self.casualty_words = lexicon.word_set("killed_words") | lexicon.word_set("injured_words")
        self.pass_through_target = self.pass_through | {"target"}
        self.weapon_means = self.air | {"bomb", "missile", "rocket", "drone", "shell"}
        self.container_group = self.container | self.group_words
        self.group_civilian = self.group_words | self.civilian
        self.ground_group = self.ground | self.group_words
        self.name_preps = lexicon.word_set("container_name_preps")
        self.anaphoric = lexicon.word_set("anaphoric_group_nouns")
        self.shift_openers = tuple(lexicon.raw.get("topic_shift_openers", []))
        self.hearsay = lexicon.word_set("hearsay_nouns")
        self.false_words = lexicon.word_set("false_words")

    # -- mentions --

    def add_mention(self, mention: Mention) -> int:
        if mention not in self.mention_index:
            self.mention_index[mention] = len(self.mentions)
            self.mentions.append(mention)
        return self.mention_index[mention]

    def named(self, ent: Ent) -> int:
        index = self._named.get(ent.start)  # entities never overlap: the start identifies one
        if index is None:
            key = ent.ent_id_ or None
            start, end = ent.start_char, ent.end_char
            text = ent.text
            if text.lower().startswith("the "):
                start, text = start + 4, text[4:]
            index = self._named[ent.start] = self.add_mention(Mention(start, end, text, "named", key=key, label=ent.label_))
        return index

    def ent_key(self, token: Token) -> str | None:
        ent = self.ent_of.get(token.i)
        if ent is not None and ent.ent_id_:
            return ent.ent_id_
        return self.demonyms.get(token.lower_)

    def is_actor_mention(self, index: int) -> bool:
        """Could this mention be an antecedent that acts? Towns and regions cannot."""
        mention = self.mentions[index]
        if mention.kind != "named":
            return True
        if mention.key:
            return mention.key in self.actors or not self.actors
        return mention.label in ("ORG", "PERSON", "NORP")

    def is_place_mention(self, index: int) -> bool:
        return self.mentions[index].kind == "named" and self.mentions[index].label in PLACE_LABELS | {"FAC"}

    # -- argument resolution --

    def expand(self, token: Token) -> list[Token]:
        """A token and its coordinated siblings ("Binish, Saraqeb and Jisr al Shaqour")."""
        ent = self.ent_of.get(token.i)
        out = [token]
        for conj in token.conjuncts:
            if ent is not None and conj.i in range(ent.start, ent.end):
                continue
            out.append(conj)
        return sorted(out, key=lambda t: t.i)

    def args(self, token: Token | None, depth: int = 0) -> list[int]:
        """Mentions an argument token refers to, through coordination and containers."""
        if token is None:
            return []
        found: list[int] = []
        for item in self.expand(token):
            found.extend(self.arg(item, depth))
        return list(dict.fromkeys(found))

    @bounded
    def arg(self, token: Token, depth: int = 0) -> list[int]:
        if depth > 6:
            return []
        ent = self.ent_of.get(token.i)
        if ent is not None and not ent.ent_id_ and self.word(ent.root, self.force) in self.force and token.i == ent.root.i:
            ent = None  # NER's "defence ministry": a generic noun whose owner is outside the span
        if ent is not None and not (ent.label_ == "NORP" and token.dep_ in ("amod", "compound")):
            if ent.label_ == "NORP" and self.lemma(token) in self.group_force:
                pass
            else:
                return [self.named(ent)]
        lemma = self.word(token, self.arg_words)
        if token.lower_ in RELATIVE and token.head.dep_ == "relcl":
            return self.args(token.head.head, depth + 1)
        if lemma in self.owned or lemma in self.force or lemma in self.lex.group_class or lemma in self.civilian:
            owners = self.generic(token)
            if owners:
                return owners
        if lemma in self.container or token.pos_ == "NUM" or token.like_num:
            inner = self.descend(token, depth)
            if inner:
                return inner
            owners = self.modifier_entities(token)
            if owners:
                return owners
        if token.dep_ == "appos" and token.head.i in self.ent_of:
            return self.args(token.head, depth + 1)
        for child in token.children:
            if child.dep_ == "appos" and child.i in self.ent_of and lemma in self.container_group:
                return self.args(child, depth + 1)
        return []

    def descend(self, token: Token, depth: int) -> list[int]:
        """"the city of Idlib", "towns in Idlib", "Kherson's Dniprovskyi district", "cities such as X".

        A name given by a compound, "of", "including" or "such as" wins over "in Y", which only
        says where the named place is."""
        found: list[int] = []
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ in self.name_preps:
                for pobj in child.children:
                    if pobj.dep_ in ("pobj", "pcomp"):
                        # "cities such as Kharkiv and Odesa amount to…" misparsed: names hang below
                        found.extend(self.args(pobj, depth + 1) or self.modifier_entities(pobj))
        if not found:
            for child in token.children:
                if child.dep_ in ("compound", "poss", "nmod") and child.i in self.ent_of and self.ent_of[child.i].label_ in PLACE_LABELS:
                    found.extend(self.args(child, depth + 1))  # not "the Lukoil refinery in Kstovo"
                elif child.dep_ == "poss" and child.i not in self.ent_of:
                    found.extend(self.anaphoric_place(child))  # "the city's eastern neighbourhoods"
            known = [m for m in found if self.mentions[m].key]
            found = known or found  # "Kherson's Dniprovskyi district": the gazetteer's Kherson
        if not found:
            found = self.anaphoric_place(token) + self.demonym_place(token)
        if found:
            return list(dict.fromkeys(found))
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ in self.container_preps:
                for pobj in child.children:
                    if pobj.dep_ in ("pobj", "pcomp"):
                        found.extend(self.args(pobj, depth + 1))
                # "in and around Idlib": the object hangs on the coordinated preposition
                for conj in child.conjuncts:
                    for pobj in conj.children:
                        if pobj.dep_ == "pobj":
                            found.extend(self.args(pobj, depth + 1))
        return list(dict.fromkeys(found))

    def anaphoric_place(self, token: Token) -> list[int]:
        """"took control of the town": the last place named before, in this or the last sentence."""
        if self.word(token, self.lex.word_set("anaphoric_place_nouns")) not in self.lex.word_set("anaphoric_place_nouns"):
            return []
        if not any(c.lower_ == "the" for c in token.children) or any(c.dep_ in ("compound", "amod", "poss") for c in token.children if c.i in self.ent_of):
            return []
        countries = set(self.demonyms.values())
        index = self.sent_of.get(token.i, 0)
        # This sentence first, else the one before; two candidate places make it ambiguous.
        for start, end in ((max(self.sentences[index].start, token.i - 60), token.i), (self.sentences[index - 1].start, self.sentences[index - 1].end) if index else (0, 0)):
            candidates: dict[str, Ent] = {}
            for root, ent in self.ents_rooted_in(start, end):
                candidate = self.tokens[root]
                known_place = ent.ent_id_ in self.places if ent.ent_id_ and self.places else True
                if known_place and ent.label_ in PLACE_LABELS and ent.ent_id_ not in countries:
                    role = candidate.dep_ if candidate.dep_ != "compound" else candidate.head.dep_
                    if role in ("pobj", "dobj", "nsubjpass", "appos", "conj", "ROOT", "attr", "nsubj"):
                        candidates.setdefault(ent.ent_id_ or ent.text, ent)
            if len(candidates) == 1:
                return [self.named(next(iter(candidates.values())))]
            if candidates:
                return []
        return []

    def demonym_place(self, token: Token) -> list[int]:
        """"Ukrainian cities": a demonym on a place noun names the country."""
        for child in token.children:
            if child.dep_ == "amod" and child.i in self.ent_of and self.ent_of[child.i].label_ == "NORP" and self.ent_key(child):
                return [self.add_mention(Mention(child.idx, token.idx + len(token.text), f"{child.text} {token.text}", "named", key=self.ent_key(child), label="GPE"))]
        return []

    def modifier_entities(self, token: Token) -> list[int]:
        found = []
        for child in token.children:
            if child.dep_ in ("compound", "amod", "poss", "nmod") and child.i in self.ent_of:
                ent = self.ent_of[child.i]
                if ent.label_ != "NORP":
                    found.extend(self.args(child, 1))
        return found

    def owner_tokens(self, token: Token) -> list[Token]:
        """Demonyms and entities modifying a noun, with their coordinated siblings."""
        owners: list[Token] = []
        stack = [c for c in token.children if c.i < token.i]
        while stack:
            child = stack.pop()
            if child.dep_ not in ("amod", "compound", "nmod", "poss", "npadvmod", "conj", "cc"):
                continue
            if child.lower_ == "backed" or child.lower_ in self.lex.word_set("control_adjectives"):
                continue
            if self.hyphen_modifier(child):
                continue  # "an al-Qaida-linked group" is not al-Qaida
            if child.dep_ == "cc":
                continue
            key = self.ent_key(child)
            own_span = child.i in self.ent_of and token.i in range(self.ent_of[child.i].start, self.ent_of[child.i].end)
            if not own_span and (key is not None or (child.i in self.ent_of and self.ent_of[child.i].label_ != "NORP")):
                ent = self.ent_of.get(child.i)
                if ent is not None:
                    owners.append(ent.root)
                else:
                    owners.append(child)
                for conj in child.conjuncts:
                    if self.ent_key(conj) is not None or conj.i in self.ent_of:
                        owners.append(conj)
                continue
            if child.dep_ != "poss":  # "the Palestinian group's attack": the group is the owner, not "Palestinian"
                stack.extend(c for c in child.children if c.i < child.i or c.dep_ == "conj")
        return list(dict.fromkeys(owners))

    def hyphen_modifier(self, token: Token) -> bool:
        """Is this token the X of "X-linked", "X-made", "X-based" (not an owner)?"""
        ent = self.ent_of.get(token.i)
        end = ent.end if ent is not None else token.i + 1
        return end + 1 < len(self.tokens) and self.tokens[end].text == "-" and self.tokens[end + 1].lower_ in self.lex.word_set("hyphen_not_owner")

    def backer_of(self, token: Token) -> Token | None:
        """In "Iranian-backed militias" the token for Iran; ``None`` when not backed."""
        for child in token.children:
            if child.lower_ == "backed" and child.dep_ in ("amod", "compound", "nmod", "npadvmod", "advmod", "dep"):
                for grand in child.children:
                    if grand.dep_ != "punct" and (grand.i in self.ent_of or self.ent_key(grand)):
                        return grand
                if child.i >= 2 and self.tokens[child.i - 1].text == "-":
                    before = self.tokens[child.i - 2]
                    if before.i in self.ent_of or self.ent_key(before):
                        return before
        return None

    def word(self, token: Token, vocabulary: set[str] | frozenset[str]) -> str:
        """The form of a token found in a vocabulary (lemma first), else its lemma."""
        lemma = self.lemmas[token.i]
        if lemma in vocabulary:
            return lemma
        for form in word_forms(lemma, token.lower_)[1]:
            if form in vocabulary:
                return form
        return lemma

    def lemma(self, token: Token) -> str:
        """``token.lemma_.lower()``, read once per Doc."""
        return self.lemmas[token.i]

    def forms(self, token: Token) -> frozenset[str]:
        """``lemma_forms(token)``, read-only."""
        return word_forms(self.lemma(token), token.lower_)[0]

    @bounded
    def generic(self, token: Token) -> list[int]:
        """Mentions for a generic noun: "Russian jets", "Syrian rebels", "Iranian-backed militias"."""
        lemma = self.word(token, self.generic_words)
        backer_token = self.backer_of(token)
        if backer_token is None and token.dep_ == "compound":
            backer_token = self.backer_of(token.head)  # "an Iranian-backed militia assault"
        loyal = self.loyal_to(token)
        if loyal:
            return loyal
        for child in token.children:
            if child.dep_ == "poss" and is_pronoun(child):  # "its troops"
                owners_of_pronoun, _ = self.resolve_pronoun(child, None)
                if owners_of_pronoun:
                    return owners_of_pronoun
        if lemma in self.anaphoric and any(c.lower_ == "the" for c in token.children):
            antecedent = self.previous_group(token)
            if antecedent is not None:
                return [antecedent]
        backer = self.ent_key(backer_token) if backer_token is not None else None
        owners = self.owner_tokens(token)
        named_owners = [o for o in owners if o.i in self.ent_of and self.ent_of[o.i].label_ in ("ORG", "PERSON")]
        if named_owners:
            owners = named_owners  # "Russian Wagner mercenaries" are Wagner's
        start, end = token.idx, token.idx + len(token.text)
        phrase = self.phrase(token)
        found: list[int] = []
        group_class = self.lex.group_class.get(lemma)
        if group_class == "fighters":  # "militant groups", "rebel forces": the modifier names the class
            for child in token.children:
                refined = self.lex.group_class.get(self.word(child, self.group_words))
                if child.dep_ in ("amod", "compound") and refined and refined != "fighters":
                    group_class = refined
        for owner in owners:
            ent = self.ent_of.get(owner.i)
            key = self.ent_key(owner)
            is_demonym = ent is None or ent.label_ == "NORP"
            if not is_demonym:
                # "Hezbollah fighters", "Syria's military": the named owner acts.
                if lemma in self.civilian:
                    found.append(self.add_mention(Mention(owner.idx, end, f"{owner.text} {token.text}", "civilians", key=key, head="civilians")))
                elif group_class in ("rebels", "militias", "militants") and ent is not None and ent.label_ in PLACE_LABELS:
                    found.append(self.add_mention(Mention(owner.idx, end, f"{owner.text} {token.text}", "group", key=key, head=group_class, phrase=phrase)))
                else:
                    found.append(self.named(ent) if ent is not None else self.add_mention(Mention(owner.idx, end, owner.text, "force", key=key)))
                continue
            text = f"{owner.text} {token.text}"
            if lemma in self.civilian:
                found.append(self.add_mention(Mention(owner.idx, end, text, "civilians", key=key, head="civilians")))
            elif group_class in ("rebels", "militias", "militants") or (group_class == "fighters" and lemma not in self.force):
                found.append(self.add_mention(Mention(owner.idx, end, text, "group", key=key, head=group_class or lemma, phrase=phrase, backer=backer)))
            elif lemma in self.force or lemma in self.owned:
                found.append(self.add_mention(Mention(owner.idx, end, text, "force", key=key, head=lemma)))
        if found:
            return found
        appositive = self.appositive_entity(token)
        if appositive:
            return appositive  # "Hezbollah, an Iran-backed militia": the militia is Hezbollah
        if backer is not None:
            return [self.add_mention(Mention(backer_token.idx, end, self.doc[backer_token.i:token.i + 1].text, "group", backer=backer, head=group_class or lemma, phrase=phrase))]
        for child in token.children:  # "fighters of the LNA", "a source in Ukraine's SBU"
            if child.dep_ == "prep" and child.lower_ in ("of", "in", "at", "for", "within"):
                for pobj in child.children:
                    ent = self.ent_of.get(pobj.i)
                    if pobj.dep_ == "pobj" and ent is not None and ent.label_ in ("ORG", "NORP", "PERSON", "GPE"):
                        found = [m for m in self.args(pobj) if self.is_actor_mention(m)]
                        if found:
                            return found
                    elif pobj.dep_ == "pobj" and ent is None and self.word(pobj, self.force) in self.force:
                        found = self.generic(pobj)  # "a source in Ukraine's SBU security service"
                        if found:
                            return found
            if child.dep_ == "prep" and child.lower_ == "from" and (group_class or lemma in self.force):
                for pobj in child.children:  # "forces from Misrata"
                    ent = self.ent_of.get(pobj.i)
                    if pobj.dep_ == "pobj" and ent is not None and ent.label_ in PLACE_LABELS and ent.ent_id_:
                        return [self.add_mention(Mention(token.idx, pobj.idx + len(pobj.text), self.doc[token.i:pobj.i + 1].text, "group", key=ent.ent_id_, head=token.lower_))]
        if lemma in self.anaphoric and any(c.lower_ == "the" for c in token.children):
            antecedent = self.previous_group(token)
            if antecedent is not None:
                return [antecedent]
        if lemma in self.civilian:
            if lemma not in self.lex.word_set("plain_civilian_nouns"):
                # "aid workers", "medical staff": a named kind of civilian, not the population
                return [self.add_mention(Mention(start, end, token.text, "civilians", head="specific", phrase=self.phrase(token)))]
            return [self.add_mention(Mention(start, end, token.text, "civilians", head="civilians"))]
        if group_class in ("rebels", "militias", "militants"):
            qualifier = self.qualifier(token)
            return [self.add_mention(Mention(start, end, token.text, "group", head=group_class, qualifier=qualifier, phrase=phrase))]
        if (lemma in self.state_nouns or lemma in self.lex.word_set("platform_nouns")) and token.pos_ in ("NOUN", "PROPN"):
            group = self.group_modifier(token)
            if group is not None:
                return [group]
            # "the army", "Drones": whose is decided from context (previous event, the article);
            # "government forces", "regime troops" always mean the article's own government.
            own = any(self.word(c, {"government", "regime"}) in ("government", "regime") for c in token.children if c.dep_ in ("compound", "amod"))
            return [self.add_mention(Mention(start, end, token.text, "force", head="government" if own or lemma in ("government", "regime") else lemma))]
        group = self.group_modifier(token)
        return [group] if group is not None else []

    def loyal_to(self, token: Token) -> list[int]:
        """"forces loyal to the Government of National Accord" are that government's."""
        loyal_words = self.lex.word_set("loyal_adjectives")
        for child in token.children:
            if child.dep_ in ("amod", "acl", "relcl") and child.lower_ in loyal_words:
                found = [m for p in self.prep_objects(child, ("to", "with")) for m in self.args(p)]
                if found:
                    return found
        return []

    def appositive_entity(self, token: Token) -> list[int]:
        """The named entity a descriptive noun phrase stands in apposition to."""
        current = token
        for _ in range(3):
            if current.dep_ == "appos" and current.head.i in self.ent_of:
                return self.args(current.head)
            if current.dep_ == "pobj" and current.head.lower_ == "of":
                current = current.head.head  # "an umbrella of Iran-backed groups"
                continue
            break
        return []

    def previous_group(self, token: Token) -> int | None:
        """"the group", "the movement": the last armed group named in this or the last sentences."""
        # The most often named group so far, the latest on a tie: articles keep returning to their subject.
        counts: dict[str, int] = {}
        latest: dict[str, Ent] = {}
        for _, ent in self.ents_rooted_in(max(0, token.i - 2000), token.i):
            if ent.ent_id_ in self.groups:
                counts[ent.ent_id_] = counts.get(ent.ent_id_, 0) + 1
                latest[ent.ent_id_] = ent
        if not counts:
            return None
        best = max(counts, key=lambda k: (counts[k], latest[k].start))
        return self.named(latest[best])

    def group_modifier(self, token: Token) -> int | None:
        """"rebel positions", "militia assault": a generic group noun modifying this one."""
        for child in token.children:
            if child.dep_ in ("compound", "amod", "nmod") and self.word(child, self.group_words) in self.lex.group_class:
                if self.lex.group_class[self.word(child, self.group_words)] != "fighters":
                    mentions = self.generic(child)
                    return mentions[0] if mentions else None
        return None

    def qualifier(self, token: Token) -> str | None:
        for child in token.children:
            if self.word(child, self.group_words) in self.lex.group_class:
                continue  # "Rebel fighters" at the start of a sentence: a class word, not a name
            if child.dep_ in ("amod", "compound") and child.i < token.i and child.text[:1].isupper() and child.i not in self.ent_of:
                return child.text
            if child.dep_ in ("amod", "compound") and child.i in self.ent_of and self.ent_of[child.i].label_ == "NORP" and not self.ent_key(child):
                return child.text
        return None

    def phrase(self, token: Token) -> str:
        """Descriptive words before a head noun, excluding determiners and the backer part."""
        words = []
        for child in token.lefts:
            if child.dep_ in ("amod", "compound") and child.lower_ != "backed" and child.i not in self.ent_of and child.pos_ != "PROPN":
                words.append(child.text.lower())
        return " ".join(words + [token.text.lower()])

    # -- clause structure --

    def subject_tokens(self, verb: Token, depth: int = 0) -> tuple[list[Token], bool]:
        """The subject of a verb, climbing control and coordination. Returns (tokens, passive?)."""
        if depth > 6:
            return [], False
        for child in verb.children:
            if child.dep_ in SUBJECTS:
                if child.lower_ in RELATIVE and verb.dep_ == "relcl":
                    return [verb.head], False
                return [child], False
        for aux in verb.children:  # the small model sometimes hangs the subject on "has"
            if aux.dep_ == "aux":
                for child in aux.children:
                    if child.dep_ in SUBJECTS:
                        return [child], False
        if verb.dep_ == "acomp":  # "was able to take": climb to the copula
            return self.subject_tokens(verb.head, depth + 1)
        if verb.dep_ == "xcomp":
            head = verb.head
            if self.lemma(head) in OBJECT_CONTROL:
                for child in head.children:
                    if child.dep_ in OBJECTS:
                        return [child], False
            for child in head.children:  # "are estimated to have fled", "were forced to leave"
                if child.dep_ in PASSIVE_SUBJECTS:
                    return [child], False
            return self.subject_tokens(head, depth + 1)
        if verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX"):
            return self.subject_tokens(verb.head, depth + 1)
        if verb.dep_ in ("advcl", "ccomp", "pcomp") and verb.tag_ in ("VB", "VBG"):
            return self.subject_tokens(verb.head, depth + 1)
        if verb.dep_ in ("relcl", "acl") and verb.head.pos_ in ("NOUN", "PROPN", "PRON"):
            return [verb.head], False
        if verb.dep_ == "acl" and verb.head.pos_ == "NOUN":
            governor = verb.head.head
            if governor.pos_ in ("VERB", "AUX"):
                return self.subject_tokens(governor, depth + 1)
        if verb.dep_ == "pobj" or (verb.dep_ == "acl" and verb.head.pos_ == "NOUN"):
            return self.subject_tokens(verb.head.head, depth + 1)
        for child in verb.children:  # "Bakhmut fell …": the tagger read the name as an adverb
            if child.dep_ in ("advmod", "npadvmod", "dep") and child.i < verb.i and child.i in self.ent_of and self.ent_of[child.i].label_ != "DATE":
                return [child], False
        if verb.tag_ in ("VBD", "VBZ", "VBP"):
            # The small model reads "after insurgents … launched" as a preposition and its object.
            for candidate in reversed(self.before(verb)):
                if candidate.dep_ == "pobj" and candidate.head.lower_ in TEMPORAL_PREPS and candidate.pos_ in ("NOUN", "PROPN"):
                    return [candidate], False
                if candidate.dep_ in ("nsubj", "nsubjpass") or candidate.pos_ == "VERB" and candidate.dep_ not in ("acl", "amod", "prep"):
                    break
        return [], False

    def by_agent(self, verb: Token) -> Token | None:
        for child in verb.children:
            if child.dep_ == "agent" or (child.dep_ == "prep" and child.lower_ == "by"):
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        return pobj
        if verb.pos_ in ("VERB", "AUX") and self.is_passive(verb):
            # "designated a terrorist group by the US": the parser hangs "by" on the object.
            for obj in verb.children:
                if obj.dep_ in ("dobj", "oprd", "attr", "xcomp"):
                    for child in obj.children:
                        if child.dep_ == "prep" and child.lower_ == "by":
                            for pobj in child.children:
                                if pobj.dep_ == "pobj":
                                    return pobj
        return None

    def is_passive(self, verb: Token) -> bool:
        return any(c.dep_ in PASSIVE_SUBJECTS or c.dep_ == "auxpass" for c in verb.children) or (
            verb.tag_ == "VBN" and verb.dep_ in ("acl", "amod") and not any(c.dep_ == "aux" for c in verb.children)
        )

    def objects(self, verb: Token, depth: int = 0) -> list[Token]:
        found = []
        for child in verb.children:
            if child.dep_ not in OBJECTS:
                continue
            # "bolster Syrian forces battling rebels", misparsed as a clause inside the object.
            clause_subjects = [s for c in child.children if c.tag_ == "VBG" and c.i < child.i for s in c.children if s.dep_ == "nsubj"]
            found.extend(clause_subjects or [child])
        if not found and depth == 0:  # "funds, arms and trains the Iraqi militias": one object for all
            for conj in verb.conjuncts:
                if conj.pos_ in ("VERB", "AUX") and conj.i > verb.i:
                    found = self.objects(conj, depth=1)
                    if found:
                        break
        if not found:  # "recaptured Mosul from …" with "Mosul" read as an adverb
            found = [c for c in verb.children if c.dep_ in ("advmod", "npadvmod", "dep") and c.i > verb.i and c.i in self.ent_of and self.ent_of[c.i].label_ in PLACE_LABELS | {"ORG"}]
        return found

    def prep_objects(self, token: Token, preps: Iterable[str]) -> list[Token]:
        wanted = set(preps)
        found = []
        for child in token.children:
            if child.dep_ in ("prep", "agent", "dative", "prt") and child.lower_ in wanted:
                for pobj in child.children:
                    if pobj.dep_ in ("pobj", "pcomp"):
                        found.append(pobj)
                    elif pobj.dep_ == "prep":  # "swept through to the city"
                        found.extend(p for p in pobj.children if p.dep_ == "pobj")
            elif child.dep_ == "acl" and child.lower_ in wanted:  # "targeting Idlib"
                found.extend(self.objects(child))
        return found

    # -- blocking: denials, threats, plans, conditions, habits --

    def before(self, token: Token, window: int = 60) -> list[Token]:
        """Tokens before this one in its sentence, at most ``window``: keeps long sentences linear."""
        start = max(self.sentence(token).start, token.i - window)
        return self.tokens[start:token.i]

    def sentence(self, token: Token) -> Span:
        """The token's sentence, from the index built once (``Token.sent`` rescans every call)."""
        return self.sentences[self.sent_of.get(token.i, 0)]

    def sentence_facts(self, index: int) -> dict[str, Any]:
        """Per-sentence work done once, however many triggers the sentence holds."""
        facts = self._sentence_cache.get(index)
        if facts is None:
            sent = self.sentences[index]
            text = self.text[sent.start_char:sent.end_char]
            facts = {
                "question": text.rstrip().endswith("?"),
                "headline": index == 0 or (len(text.strip()) < 160 and text.strip()[-1:] not in ".!?\"'"),
                "casualties": casualties(text, self.lex),
                "dates": [e for e in self.ents_within(sent) if e.label_ == "DATE" and (e.text.lower().startswith(("last ", "this ", "next ")) or not DURATION.fullmatch(e.text.lower()))],
                "means": self.sentence_means(sent),
                "according": self.according_to(sent),
            }
            self._sentence_cache[index] = facts
        return facts

    def ents_within(self, sent: Span) -> list[Ent]:
        """``Span.ents`` over the entities read once: those that start in the span, up to the
        first one that runs past its end."""
        found = []
        for ent in itertools.islice(self.ents, bisect_left(self.ent_starts, sent.start), None):
            if ent.end > sent.end:
                break
            found.append(ent)
        return found

    def is_blocked(self, token: Token, relation: str) -> bool:
        if self.sentence_facts(self.sent_of.get(token.i, 0))["question"]:
            return True
        current: Token | None = token
        steps = 0
        while current is not None and steps < 8:
            steps += 1
            for child in current.children:
                if child.dep_ == "neg" or child.lower_ in ("never", "no"):
                    if child.dep_ in ("neg", "det", "advmod"):
                        return True
                if child.dep_ == "mark" and child.lower_ in self.blocking_marks:
                    return True
                if child.dep_ == "aux" and child.lower_ in self.blocking_modals and relation != "backs":
                    return True
            lemma = self.lemma(current)
            if current is not token and lemma in self.blocking:
                return True
            if current is not token and self.is_false_hearsay(current):
                return True
            if current is not token and lemma in self.reporting:
                break
            if current.dep_ == "ROOT" or current.head.i == current.i:
                break
            if current.dep_ in SCOPE_ISLANDS:
                break  # "Sirte, which the LNA seized," is asserted whatever the main clause plans
            current = current.head
        if any(self.is_false_hearsay(a) for a in itertools.islice(token.ancestors, 12)):
            return True  # bounded: a 1,000-item coordination must not make this quadratic
        if relation in ("strikes", "attacks", "captures", "evacuates") and token.pos_ == "VERB":
            # Present simple in running text states a habit or policy, not an event.
            if token.tag_ in ("VBZ", "VBP") and not self.in_headline(token):
                return True
        return False

    def is_false_hearsay(self, token: Token) -> bool:
        """"Reports that the LNA had captured Mitiga were false": the report is denied."""
        if token.pos_ not in ("NOUN", "PROPN") or self.word(token, self.hearsay) not in self.hearsay:
            return False
        predicate = token.head
        false_words = self.false_words
        return any(c.dep_ in ("acomp", "attr", "oprd") and c.lower_ in false_words for c in predicate.children) or predicate.lower_ in false_words

    def in_headline(self, token: Token) -> bool:
        return bool(self.sentence_facts(self.sent_of.get(token.i, 0))["headline"])

    # -- pronouns and context --

    def resolve_pronoun(self, token: Token, relation: str | None) -> tuple[list[int], str]:
        """Antecedents of a pronoun: the clause subject (possessives), a reporting subject,
        a quote's speaker, or the agents of the last event (the previous sentence's "They")."""
        word = token.lower_
        if word in ("its", "their", "his", "her", "our"):
            # "Israel stepped up its strikes": the subject of the clause the noun sits in.
            governor = token.head
            while governor.pos_ not in ("VERB", "AUX") and governor.head.i != governor.i:
                governor = governor.head
            subj, _ = self.subject_tokens(governor)
            for item in subj:
                if item.i != token.i and item.i != token.head.i and not is_pronoun(item):
                    mentions = self.args(item)
                    if mentions:
                        return mentions, "explicit"
            reporter = self.reporting_subject(governor)
            if reporter:
                return reporter, "explicit"  # "The army said its jets had struck…"
            before = self.actors_before(token)
            if before:
                return before, "explicit"
        elif word in ("they", "it", "he", "she", "we"):
            # "Rebels said they repelled…": the pronoun's clause is what the subject said.
            verb = token.head
            if verb.dep_ == "ccomp" and self.lemma(verb.head) in self.reporting:
                subj, _ = self.subject_tokens(verb.head)
                for item in subj:
                    if not is_pronoun(item):
                        mentions = self.args(item)
                        if mentions:
                            return mentions, "explicit"
        if word in ("we", "our", "us", "i", "my"):
            speaker = self.quote_speaker(token)
            if speaker:
                return speaker, "explicit"
        if word in ("he", "she", "his", "her"):
            person = self.previous_person(token)
            if person is not None:
                return [person], "explicit" if self.sent_of.get(token.i) == self.sent_of.get(self.doc.char_span(self.mentions[person].start, self.mentions[person].end, alignment_mode="expand")[0].i) else "implicit"
        return self.previous_event_agents(token, relation), "implicit"

    def previous_person(self, token: Token) -> int | None:
        """"He thanked Britain…": the last person named in this or the previous two sentences."""
        first = self.sentences[max(0, self.sent_of.get(token.i, 0) - 2)].start
        for _, ent in reversed(self.ents_rooted_in(first, token.i)):
            if ent.label_ == "PERSON":
                return self.named(ent)
        return None

    def ents_rooted_in(self, start: int, end: int) -> list[tuple[int, Ent]]:
        """(root, entity) for the kept entities whose root token lies in ``[start, end)``, in
        order: what a scan of those tokens for entity roots finds, without the scan."""
        return self.ent_roots[bisect_left(self.ent_root_index, start):bisect_left(self.ent_root_index, end)]

    def reporting_subject(self, verb: Token) -> list[int]:
        """The subject of the reporting verb whose complement holds this verb."""
        current = verb
        for _ in range(4):
            if current.dep_ in ("ccomp", "xcomp", "conj") and self.word(current.head, self.reporting) in self.reporting:
                subj, _ = self.subject_tokens(current.head)
                found = [m for item in subj if not is_pronoun(item) for m in self.args(item) if self.is_actor_mention(m)]
                return found
            if current.head.i == current.i:
                break
            current = current.head
        return []

    def actors_before(self, token: Token) -> list[int]:
        """The nearest actor mentioned before a possessive in the same sentence."""
        for candidate in reversed(self.before(token)):
            if candidate.dep_ == "pobj":
                continue  # "in Syria", "from Aleppo": places, not antecedents
            if candidate.dep_ in ("dobj", "dative") and self.word(candidate.head, self.reporting) in self.reporting:
                continue  # "told Reuters its drones…": the addressee is not the antecedent
            if candidate.dep_ in ("nsubj", "nsubjpass", "conj", "appos") or candidate.i in self.ent_of:
                mentions = [m for m in self.args(candidate) if self.is_actor_mention(m)]
                if mentions:
                    return mentions
        index = self.sent_of.get(token.i, 0)
        if index > 0:  # "Islamic State launched an offensive. … its fighters had captured Mosul"
            for candidate in self.sentences[index - 1]:
                if candidate.dep_ in ("nsubj", "nsubjpass") and not is_pronoun(candidate):
                    mentions = self.args(candidate)
                    if mentions:
                        return mentions
        return []

    def quote_speaker(self, token: Token) -> list[int]:
        sent_index = self.sent_of.get(token.i, 0)
        for index in (sent_index, sent_index - 1):
            if index < 0:
                continue
            for candidate in self.sentences[index]:
                if self.lemma(candidate) in self.reporting and candidate.pos_ == "VERB":
                    subj, _ = self.subject_tokens(candidate)
                    for item in subj:
                        if not is_pronoun(item):
                            mentions = self.args(item)
                            if mentions:
                                return mentions
        return []

    def previous_event_agents(self, token: Token, relation: str | None) -> list[int]:
        sent_index = self.sent_of.get(token.i, 0)
        sent = self.sentences[sent_index]
        if self.text[sent.start_char:sent.end_char].strip().lower().startswith(self.shift_openers):
            return []  # "Separately, a drone attack on…" starts a new story
        family = {"strikes", "attacks"} if relation in ("strikes", "attacks") else {relation}
        for event in reversed(self.events):
            if event.sentence < sent_index - 1 or event.sentence >= sent_index:
                continue  # an earlier event in the same sentence is usually someone else's
            if event.relation in family and event.agents and event.trigger_start < token.idx:
                return list(event.agents)
        return []

    # -- agents and targets --

    def actor_args(self, tokens: Iterable[Token], relation: str | None) -> tuple[list[int], str]:
        found: list[int] = []
        tier = "explicit"
        for token in tokens:
            for item in self.expand(token):
                if is_pronoun(item):
                    mentions, tier = self.resolve_pronoun(item, relation)
                    found.extend(mentions)
                else:
                    found.extend(m for m in self.arg(item) if not self.is_place_mention(m) or self.mentions[m].key)
        if relation in CORE and found and all(self.is_unowned_force(m) for m in found) and tokens:
            # "Drones also attacked a bus": whose drones the sentence before said.
            previous = self.previous_event_agents(next(iter(tokens)) if isinstance(tokens, list) else found and self.doc[0], relation)
            if previous:
                return previous, "implicit"
        return list(dict.fromkeys(found)), tier

    def is_unowned_force(self, index: int) -> bool:
        mention = self.mentions[index]
        return mention.kind == "force" and mention.key is None

    def nominal_agents(self, noun: Token, relation: str) -> tuple[list[int], str]:
        """Agents of a nominal trigger: possessive, modifiers, "by X", "with X", a light verb."""
        found: list[int] = []
        tier = "explicit"
        poss_is_object = self.word(noun, self.lex.rel_set("backs", "poss_object_nouns")) in self.lex.rel_set("backs", "poss_object_nouns") and relation == "backs"
        for child in noun.children:
            if child.dep_ == "poss" and not poss_is_object:
                if is_pronoun(child):
                    mentions, tier = self.resolve_pronoun(child, relation)
                    found.extend(mentions)
                else:
                    found.extend(self.args(child))
        for owner in self.owner_tokens(noun):
            if poss_is_object and owner.dep_ == "poss":
                continue  # "Israel's main arms supplier": Israel is supplied, not the supplier
            ent = self.ent_of.get(owner.i)
            if ent is None or ent.label_ == "NORP":
                key = self.ent_key(owner)
                means = [c.text.lower() for c in noun.children if c.dep_ == "compound" and self.word(c, self.air) in self.air]
                head = self.word(noun, self.trigger_nouns)
                found.append(self.add_mention(Mention(owner.idx, noun.idx + len(noun.text), f"{owner.text} {noun.text}", "force", key=key, head=means[0] if means else head)))
            else:
                found.extend(self.actor_args([owner], relation)[0])
        group = self.group_modifier(noun)
        if group is not None:
            found.append(group)
        by = self.by_agent(noun)
        if by is not None:
            found.extend(self.actor_args([by], relation)[0])
        for child in noun.children:
            if child.dep_ == "acl" and child.tag_ == "VBN":
                agent = self.by_agent(child)
                if agent is not None:
                    found.extend(self.actor_args([agent], relation)[0])
                for prt in child.children:  # "carried out by X"
                    agent = self.by_agent(prt)
                    if agent is not None:
                        found.extend(self.actor_args([agent], relation)[0])
            if child.dep_ == "prep" and child.lower_ == "with" and found:
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        found.extend(self.actor_args([pobj], relation)[0])
        if not found:
            governor, role = self.governing_verb(noun)
            if governor is not None and self.forms(governor) & (self.light | self.reporting - {"say"}):
                if role == "object":
                    subj, _ = self.subject_tokens(governor)
                    found, tier = self.actor_args(subj, relation)
                elif role == "passive":
                    agent = self.by_agent(governor)
                    if agent is None:
                        for prt in governor.children:
                            agent = agent or self.by_agent(prt)
                    if agent is not None:
                        found, tier = self.actor_args([agent], relation)
            for child in noun.children:  # "the offensive that Haftar launched"
                if not found and child.dep_ == "relcl" and self.forms(child) & self.light:
                    subj, _ = self.subject_tokens(child)
                    found, tier = self.actor_args([t for t in subj if t.i != noun.i], relation)
            if not found and noun.dep_ == "attr":
                subj, _ = self.subject_tokens(noun.head)
                found, tier = self.actor_args(subj, relation)
            if not found and noun.dep_ == "appos":
                found = self.args(noun.head)
        return list(dict.fromkeys(found)), tier

    def governing_verb(self, noun: Token) -> tuple[Token | None, str]:
        """The verb a nominal trigger hangs from: ("launched", "object") for "launched an attack"."""
        current = noun
        for _ in range(3):
            if current.dep_ in OBJECTS:
                return current.head, "object"
            if current.dep_ in PASSIVE_SUBJECTS:
                return current.head, "passive"
            if current.dep_ == "pobj" and current.head.dep_ == "prep" and current.head.lower_ == "of":
                current = current.head.head  # "hundreds of raids", "one of the raids"
                continue
            if current.dep_ == "pobj" and current.head.dep_ == "prt":
                return current.head.head, "object"
            if current.dep_ in ("conj", "appos"):
                current = current.head
                continue
            break
        return None, ""

    def nominal_targets(self, noun: Token, relation: str) -> list[int]:
        preps = self.lex.rel_set(relation, "noun_preps")
        lemma = self.word(noun, self.trigger_nouns)
        if relation == "backs" and (lemma in self.lex.rel_set(relation, "of_object_nouns") or (noun.dep_ == "pobj" and noun.head.lower_ == "in")):
            preps = preps | {"of"}  # "the key backers of Assad", "in support of its ally Hamas"
        if relation == "backs" and lemma in self.lex.rel_set("backs", "poss_object_nouns"):
            owners = [c for c in noun.children if c.dep_ == "poss"]
            if owners:  # "Israel's main arms supplier"
                return [m for o in owners for m in self.actor_args([o], relation)[0]]
        found: list[int] = []
        for pobj in self.prep_objects(noun, preps):
            found.extend(self.args(pobj) or (self.event_owner(pobj) if relation == "backs" else []))
        governor, role = self.governing_verb(noun)
        if governor is not None and role == "object" and not found:
            # "staged strikes on X", "repelled an assault on Krynky": the parser hangs "on" on the verb
            for pobj in self.prep_objects(governor, preps - ({"of"} if relation == "backs" else {"of", "to"})):
                found.extend(self.args(pobj))
        for child in noun.children:
            if child.dep_ == "conj" and child.i in self.ent_of and self.ent_of[child.i].label_ in PLACE_LABELS:
                found.extend(self.args(child))  # the parser's "strikes on X and rural Y"
        for child in noun.children:
            if child.dep_ == "acl" and self.lemma(child) in self.pass_through_target:
                for obj in self.objects(child):
                    found.extend(self.args(obj))
        for child in noun.children:
            if child.dep_ in ("xcomp", "relcl") and self.word(child, self.pass_through) in self.pass_through and not any(c.dep_ in SUBJECTS for c in child.children):
                for obj in self.objects(child):
                    found.extend(self.victims(obj, child))
        if noun.dep_ in SUBJECTS and self.word(noun.head, self.pass_through) in self.pass_through:
            for obj in self.objects(noun.head):
                found.extend(self.victims(obj, noun.head))
            for pobj in self.prep_objects(noun.head, ("on", "in", "at")):
                if relation in ("strikes", "attacks"):
                    found.extend(self.args(pobj))
        if noun.dep_ == "pobj" and noun.head.lower_ in ("in", "by") and self.word(noun.head.head, self.casualty_words) in self.casualty_words:
            verb = noun.head.head  # "The Turkish soldiers were killed in an airstrike by Syrian forces"
            for subj in verb.children:
                if subj.dep_ in PASSIVE_SUBJECTS:
                    found.extend(self.victims(subj, verb))
        return list(dict.fromkeys(found))

    def event_owner(self, token: Token) -> list[int]:
        """"support for Israel's war": the backed one is whoever wages the war."""
        if self.word(token, self.lex.rel_set("backs", "event_nouns")) not in self.lex.rel_set("backs", "event_nouns"):
            return []
        for child in token.children:
            if child.dep_ == "poss":
                return self.actor_args([child], "backs")[0]
        agents, _ = self.nominal_agents(token, "attacks") if self.word(token, self.trigger_nouns) in self.trigger_nouns else ([], "")
        return agents

    def victims(self, obj: Token, verb: Token) -> list[int]:
        """Objects of kill/wound verbs count as targets only when they are armed actors or places."""
        mentions = self.args(obj)
        if self.lemma(verb) in self.casualty_words:
            return [m for m in mentions if self.mentions[m].kind != "civilians"]
        return mentions

    def place_args(self, token: Token) -> list[int]:
        found = []
        for pobj in self.prep_objects(token, ("in", "around", "near", "across", "inside", "throughout", "at")):
            found.extend(m for m in self.args(pobj) if self.is_place_mention(m))
        return found

    # -- triggers --

    def run(self) -> Extraction:
        for ent in self.ents:
            if ent.label_ not in SKIP_ENT_LABELS and ent.ent_id_:
                self.named(ent)
        control_adjectives = self.lex.word_set("control_adjectives")
        for sent_index, sent in enumerate(self.sentences):
            for token in self.tokens[sent.start:sent.end]:
                if token.is_space or token.is_punct:
                    continue
                pos, tag, lower = token.pos_, token.tag_, token.lower_
                if pos in ("VERB", "AUX") or tag.startswith("VB"):
                    lemma = self.word(token, self.verb_words)
                    for relation in self.lex.verb_relation.get(lemma, []):
                        self.verb_trigger(token, relation, sent_index)
                    self.secondary_verb(token, sent_index)
                if (pos in ("NOUN", "PROPN") or tag == "VBG" and self.is_gerund_noun(token)) and token.i not in self.ent_of:
                    lemma = self.word(token, self.trigger_nouns)
                    if tag == "VBG":
                        lemma = lower
                    if lemma in self.lex.noun_relation:
                        self.noun_trigger(token, self.lex.noun_relation[lemma], sent_index)
                if lower == "backed":
                    self.backed(token, sent_index)
                if lower in control_adjectives:
                    self.controlled(token, sent_index)
                if self.lemmas[token.i] in self.secondary_noun_lemmas or lower in self.ally_adjectives:
                    self.secondary_noun(token, sent_index)  # only words it has a rule for
        return Extraction(
            mentions=tuple(self.mentions),
            events=tuple(self.events),
            facts=tuple(self.facts),
            sentences=tuple(_trimmed(self.text, s) for s in self.sentences),
        )

    def is_gerund_noun(self, token: Token) -> bool:
        """"Russian shelling hit…": a gerund with a demonym and no subject acts as a noun."""
        return (
            token.tag_ == "VBG"
            and token.lower_ in self.trigger_nouns
            and not any(c.dep_ in SUBJECTS | OBJECTS for c in token.children)
            and any(c.dep_ in ("amod", "poss", "compound", "det") for c in token.children)
        )

    def verb_trigger(self, verb: Token, relation: str, sent_index: int) -> None:
        if self.is_gerund_noun(verb):
            return
        lemma = self.word(verb, self.verb_words)
        spec = self.lex.raw["relations"][relation]
        if lemma in set(spec.get("motion_verbs", [])):
            if relation != "attacks":
                return
            targets_tokens = self.prep_objects(verb, spec.get("motion_preps", []))
            if not targets_tokens:
                return
        if relation == "captures" and lemma in set(spec.get("control_verbs", [])) and lemma not in ("seize",):
            if not any(self.lemma(o) == "control" for o in self.objects(verb)):
                takes_place = lemma == "take" and any(o.i in self.ent_of and self.ent_of[o.i].label_ in PLACE_LABELS for o in self.objects(verb))
                if lemma in ("take", "win", "gain", "regain", "assume", "establish", "wrest") and not takes_place:
                    return  # "took part", "gained ground"; but "Israeli tanks take Rafah crossing" is a capture
        if relation == "backs" and lemma in set(spec.get("send_verbs", [])):
            return  # handled by secondary_verb's sending rule
        if relation == "captures" and lemma in set(spec.get("fall_verbs", [])):
            self.fell(verb, sent_index)
            return
        if relation == "captures" and lemma in set(spec.get("lose_verbs", [])):
            return  # secondary_verb's lost_to reads "lost X to Y"
        if lemma in ("strike", "hit", "target", "pound") and relation == "strikes":
            subj, _ = self.subject_tokens(verb)
            if any(self.lemma(s) in self.trigger_nouns for s in subj):
                return  # "strikes targeted X" is read from the noun
        if lemma in ("leave",) and any(c.dep_ == "dobj" and self.lemma(c) in ("comment", "message", "note") for c in verb.children):
            return
        if self.is_blocked(verb, relation):
            return
        passive = self.is_passive(verb)
        if passive:
            agent = self.by_agent(verb)
            if agent is not None and self.lemma(agent) in self.trigger_nouns and relation in ("strikes", "attacks"):
                agents, tier = self.nominal_agents(agent, relation)
            else:
                agents, tier = self.actor_args([agent] if agent is not None else [], relation)
            patient = [c for c in verb.children if c.dep_ in PASSIVE_SUBJECTS]
            if not patient and verb.dep_ in ("acl", "amod", "relcl"):
                patient = [verb.head]
            if agent is None and not agents:
                for conj in verb.conjuncts:  # "funded and armed by Iran"
                    shared = self.by_agent(conj)
                    if shared is not None:
                        agents, tier = self.actor_args([shared], relation)
                        break
            if not agents and relation in ("strikes", "attacks"):
                # "The port of Izmail was hit": by whoever struck in the sentence before.
                agents = self.previous_event_agents(verb, relation)
                tier = "implicit"
        else:
            subj, _ = self.subject_tokens(verb)
            if any(self.lemma(s) in self.trigger_nouns for s in subj) and relation in ("strikes", "attacks"):
                return
            agents, tier = self.actor_args(subj, relation)
            patient = self.objects(verb)
        if relation == "evacuates":
            self.evacuation(verb, relation, agents, tier, patient, passive, sent_index)
            return
        targets: list[int] = []
        for item in patient:
            targets.extend(self.args(item) or (self.event_owner(item) if relation == "backs" else []))
        if lemma in set(spec.get("motion_verbs", [])):
            targets = []
            for item in self.prep_objects(verb, spec.get("motion_preps", [])):
                targets.extend(self.args(item))
        if not targets:
            preps = set(spec.get("preps", []))
            if verb.tag_ == "VBG" and verb.dep_ in SUBJECTS | OBJECTS | {"pobj"}:
                preps.add("of")  # "RSF shelling of the Abu Shouk and Zamzam camps has intensified"
            for item in self.prep_objects(verb, preps):
                targets.extend(self.args(item))
        places = self.place_args(verb)
        if not targets and relation in ("strikes", "attacks"):
            targets = places or [m for item in patient for m in self.subtree_places(item)]
        if relation in ("strikes", "attacks") and targets and not any(self.is_place_mention(t) for t in targets):
            # "struck Hezbollah infrastructure in the villages of Aitaroun and Kfarkela": where, too
            targets += [m for item in patient for m in self.subtree_places(item)]
        if relation in ("strikes", "attacks", "captures"):
            # "struck 18 Houthi targets …, including the capital, Sanaa, and the port of Hodeidah"
            targets += [m for p in self.prep_objects(verb, ("including",)) for m in self.args(p) if self.is_place_mention(m)]
        if not targets and verb.dep_ == "relcl" and not any(c.dep_ in OBJECTS for c in verb.children):
            targets = self.args(verb.head)  # "the town (that) the army seized"
        if relation in ("strikes", "attacks") and lemma != "attack" and self.mentions and agents:
            relation = self.by_means(relation, verb, agents)
        self.add_event(relation, verb, agents, targets, sent_index, tier, places=places)

    def evacuation(self, verb: Token, relation: str, agents: list[int], tier: str, patient: list[Token], passive: bool, sent_index: int) -> None:
        lemma = self.lemma(verb)
        origins: list[int] = []
        if lemma == "evacuate" and not passive and patient:
            # "The ICRC evacuated 300 civilians from Mariupol": the evacuees leave.
            evacuees = []
            for item in patient:
                evacuees.extend(self.args(item))
            if evacuees and not any(self.is_place_mention(m) for m in evacuees):
                agents, tier = evacuees, "explicit"
            else:
                origins.extend(m for m in evacuees if self.is_place_mention(m))
        elif lemma == "evacuate" and passive:
            agents = []
            for item in patient:
                agents.extend(self.args(item))
        else:
            for item in patient:
                origins.extend(m for m in self.args(item) if self.is_place_mention(m))
        for item in self.prep_objects(verb, ("from", "out")):
            origins.extend(m for m in self.args(item) if self.is_place_mention(m))
        destinations = []
        for item in self.prep_objects(verb, ("to", "into", "towards", "toward", "for")):
            destinations.extend(m for m in self.args(item) if self.is_place_mention(m))
        for item in self.prep_objects(verb, ("from", "out")):  # "from eastern Aleppo to Idlib"
            for inner in self.prep_objects(item, ("to", "into", "towards", "toward")):
                destinations.extend(m for m in self.args(inner) if self.is_place_mention(m))
        count = self.headcount(patient if (lemma == "evacuate") else [s for s in self.subject_tokens(verb)[0]])
        if not origins and verb.dep_ == "relcl" and not patient:
            origins = [m for m in self.args(verb.head) if self.is_place_mention(m)]  # "the town troops abandoned"
        if not origins:
            origins = self.own_location(agents, verb)
        self.add_event(relation, verb, agents, [], sent_index, tier, origins=origins, destinations=destinations, count=count)

    def headcount(self, tokens: list[Token]) -> tuple[int | None, str | None]:
        """"40.000 of rebels", "about 300 civilians", "thousands": how many, and how sure."""
        qualifiers = [q.split() for q in self.lex.raw["count_qualifiers"]]
        for token in tokens:
            number = token if token.like_num else next((c for c in token.children if c.dep_ == "nummod"), None)
            if number is None:
                if token.lower_ in self.lex.word_set("vague_counts"):
                    return None, token.lower_
                continue
            text = " ".join(t.text for t in number.subtree if t.like_num or t.lower_ in ("million", "thousand"))
            value = parse_number(text or number.text)
            before = [t.lower_ for t in self.doc[max(number.left_edge.i - 3, 0):number.left_edge.i + 1] if not t.like_num]
            qualifier = next((" ".join(q) for q in qualifiers if before[-len(q):] == q), None)
            return value, qualifier
        return None, None

    def own_location(self, agents: list[int], verb: Token) -> list[int]:
        """"the rebels in Aleppo … leave the area": where the evacuees are is where they leave."""
        found: list[int] = []
        for token in self.before(verb):
            if token.dep_ == "prep" and token.lower_ == "in" and self.lemma(token.head) in self.group_civilian:
                for pobj in token.children:
                    if pobj.dep_ == "pobj":
                        found.extend(m for m in self.args(pobj) if self.is_place_mention(m))
        return found

    def noun_trigger(self, noun: Token, relation: str, sent_index: int) -> None:
        if self.is_blocked(noun, relation):
            return
        lemma = self.word(noun, self.trigger_nouns)
        helper_nouns = self.lex.rel_set("backs", "helper_nouns")
        if relation == "backs" and lemma in helper_nouns and noun.dep_ == "pobj" and noun.head.lower_ == "with":
            # "the army, with the help of Iranian-backed militias, took…": the helper backs the subject.
            helpers = []
            for pobj in self.prep_objects(noun, ("of", "from")):
                helpers.extend(self.args(pobj))
            for owner in self.owner_tokens(noun):  # "with US air support"
                helpers.extend(self.actor_args([owner], relation)[0] or ([self.demonym_state(owner)[0]] if self.demonym_state(owner) else []))
            clause = noun.head.head
            while clause.pos_ not in ("VERB", "AUX") and clause.head.i != clause.i:
                clause = clause.head
            subj, _ = self.subject_tokens(clause)
            helped, tier = self.actor_args(subj, relation)
            self.add_event(relation, noun, helpers, helped, sent_index, tier)
            return
        if relation == "backs" and lemma in helper_nouns and noun.dep_ == "pobj" and noun.head.lower_ == "in":
            # "its attacks are in support of Hamas": whoever the clause is about backs Hamas.
            backed = [m for p in self.prep_objects(noun, ("of",)) for m in self.actor_args([p], relation)[0]]
            clause = noun.head.head
            while clause.pos_ not in ("VERB", "AUX") and clause.head.i != clause.i:
                clause = clause.head
            subj, _ = self.subject_tokens(clause)
            backers: list[int] = []
            tier = "explicit"
            for item in subj:
                if self.word(item, self.trigger_nouns) in self.trigger_nouns:
                    found, tier = self.nominal_agents(item, "attacks")
                    backers.extend(found)
                else:
                    found, tier = self.actor_args([item], relation)
                    backers.extend(found)
            self.add_event(relation, noun, backers, backed, sent_index, tier)
            return
        if relation == "backs" and lemma in helper_nouns and noun.dep_ == "pobj" and noun.head.lower_ == "for" and self.word(noun.head.head, self.lex.rel_set("backs", "thanks_verbs")) in self.lex.rel_set("backs", "thanks_verbs"):
            # "He thanked Britain and France for their support": the thanked back the thanker.
            verb = noun.head.head
            helpers = [m for o in self.objects(verb) for m in self.actor_args([o], relation)[0]]
            subj, _ = self.subject_tokens(verb)
            helped, tier = self.actor_args(subj, relation)
            self.add_event(relation, noun, helpers, helped, sent_index, tier)
            return
        if relation == "evacuates":
            agents: list[int] = []
            evacuees = self.prep_objects(noun, ("of",))
            for pobj in evacuees:
                agents.extend(m for m in self.args(pobj) if not self.is_place_mention(m))
            tier = "explicit"
            if not agents:
                agents, tier = self.nominal_agents(noun, relation)
            origins = []
            # "the evacuation of 300 civilians from Mariupol": "from" may hang on the evacuees
            for pobj in self.prep_objects(noun, ("from", "out")) + [p for e in evacuees for p in self.prep_objects(e, ("from", "out"))]:
                origins.extend(m for m in self.args(pobj) if self.is_place_mention(m))
            destinations = []
            for pobj in self.prep_objects(noun, ("to", "into", "towards")):
                destinations.extend(m for m in self.args(pobj) if self.is_place_mention(m))
            if agents and not origins:
                origins = self.nearest_place_before(noun)
            self.add_event(relation, noun, agents, [], sent_index, tier, origins=origins, destinations=destinations, count=self.headcount(evacuees))
            return
        if relation == "captures" and lemma == "fall":
            return
        agents, tier = self.nominal_agents(noun, relation)
        targets = self.nominal_targets(noun, relation)
        partner = noun.head if noun.dep_ == "conj" and self.word(noun.head, self.trigger_nouns) in self.trigger_nouns else None
        if partner is not None:  # "Israeli air strikes and ground operations have killed … in Gaza"
            agents = agents or self.nominal_agents(partner, relation)[0]
            targets = targets or self.nominal_targets(partner, relation)
            if not targets and partner.dep_ in SUBJECTS:
                targets = [m for p in self.prep_objects(partner.head, ("on", "in", "at")) for m in self.args(p) if self.is_place_mention(m)]
        explicit_targets = bool(targets)
        if relation == "backs":
            targets = [m for m in targets if not self.is_place_mention(m) or self.mentions[m].key]
        places = self.place_args(noun)
        governor, role = self.governing_verb(noun)
        if not places and governor is not None and role == "object":
            places = self.place_args(governor)  # "waging an offensive in Lebanon"
        if not targets and relation in ("strikes", "attacks"):
            targets = places or self.subtree_places(noun) or (self.purpose_places(governor) if governor is not None and agents else [])
            if not targets:
                targets = self.witness_target(noun)
        killed_in = noun.dep_ == "pobj" and noun.head.lower_ in ("in", "by")
        if not agents and relation in ("strikes", "attacks") and explicit_targets and not killed_in:
            # "at least eight strikes targeted Binish": the agent was named just before.
            agents = self.previous_event_agents(noun, relation)
            tier = "implicit"
        relation = self.by_means(relation, noun, agents)
        self.add_event(relation, noun, agents, targets, sent_index, tier, places=places)

    def uses_air_means(self, agents: list[int], trigger: Token | None = None) -> bool:
        if trigger is not None and any(c.dep_ in ("compound", "nmod") and self.word(c, self.air) in self.air for c in trigger.children):
            return True  # "a drone attack", "missile attacks"
        return any(self.mentions[a].kind == "force" and self.mentions[a].head in self.air for a in agents)

    def uses_ground_means(self, agents: list[int]) -> bool:
        return bool(agents) and all(
            self.mentions[a].kind in ("force", "group") and self.mentions[a].head in self.ground_group for a in agents
        )

    def by_means(self, relation: str, trigger: Token, agents: list[int]) -> str:
        """A raid by jets is a strike; a raid by special forces is an attack on the ground."""
        if relation not in ("strikes", "attacks"):
            return relation
        if any(c.dep_ in ("compound", "amod") and c.lower_ in ("ground", "land") for c in trigger.children):
            return "attacks"  # "ground operations", "a land offensive"
        if self.uses_air_means(agents, trigger):
            return "strikes"
        if self.word(trigger, self.lex.rel_set("attacks", "means_dependent")) in self.lex.rel_set("attacks", "means_dependent") and self.uses_ground_means(agents):
            return "attacks"
        return relation

    def subtree_places(self, noun: Token) -> list[int]:
        """"an assault … to gain ground in the Rashideen area": a place inside the trigger's phrase."""
        found = []
        if noun.pos_ == "PRON" or noun.lower_ in RELATIVE:
            return []
        for token in noun.subtree:
            if token.i != noun.i and token.dep_ == "pobj" and token.head.lower_ in ("in", "into", "on"):
                found.extend(m for m in self.args(token) if self.is_place_mention(m))
        return found[:3]

    def purpose_places(self, verb: Token) -> list[int]:
        """"repelled an assault … to gain ground in the Rashideen area": the purpose clause's place."""
        found = []
        for child in verb.children:
            if child.dep_ in ("advcl", "xcomp") and any(c.lower_ == "to" and c.dep_ == "aux" for c in child.children):
                found.extend(self.place_args(child))
        return found

    def witness_target(self, noun: Token) -> list[int]:
        """"Idlib is witnessing massacres by …": the subject suffers the event."""
        verb = noun.head
        if noun.dep_ == "pobj" and noun.head.lower_ == "under":
            verb = noun.head.head  # "Kupiansk came under heavy Russian shelling"
        if (noun.dep_ in OBJECTS or noun.head.lower_ == "under") and self.word(verb, self.lex.word_set("suffer_verbs")) in self.lex.word_set("suffer_verbs"):
            subj, _ = self.subject_tokens(verb)
            found = []
            for item in subj:
                found.extend(self.args(item))
            return found
        return []

    def nearest_place_before(self, token: Token) -> list[int]:
        for candidate in reversed(self.before(token)):
            ent = self.ent_of.get(candidate.i)
            if ent is not None and ent.label_ in PLACE_LABELS and ent.ent_id_:
                return [self.named(ent)]
        return []

    def fell(self, verb: Token, sent_index: int) -> None:
        """"Bakhmut fell to Russian forces": the captor is after "to"."""
        if self.is_blocked(verb, "captures"):
            return
        captors = []
        for item in self.prep_objects(verb, ("to",)):
            captors.extend(self.args(item))
        places = []
        subj, _ = self.subject_tokens(verb)
        for item in subj:
            places.extend(m for m in self.args(item) if self.is_place_mention(m))
        self.add_event("captures", verb, captors, places, sent_index, "explicit")

    def backed(self, token: Token, sent_index: int) -> None:
        """"Iranian-backed militias", "US-backed Israel": X backs the modified noun."""
        head = token.head
        if token.dep_ not in ("amod", "compound", "nmod", "npadvmod", "advmod", "dep", "acl"):
            return
        backer_token = self.backer_of(head) if head is not token else None
        if backer_token is None:
            return
        backers, _ = self.actor_args([backer_token], "backs")
        backed, _ = self.actor_args([head], "backs")
        if not backed:
            group = self.group_modifier(head)
            backed = [group] if group is not None else []
        backed = [m for m in backed if self.mentions[m].backer is not None or m not in backers]
        self.add_event("backs", token, backers, backed, sent_index, "explicit")

    def controlled(self, token: Token, sent_index: int) -> None:
        """"rebel-held Idlib": the group controls the place."""
        if token.i < 2 or self.tokens[token.i - 1].text != "-":
            return
        holder = self.tokens[token.i - 2]
        holders, _ = self.actor_args([holder], None) if self.lemma(holder) not in self.lex.group_class else (self.generic(holder), "explicit")
        if not holders:
            return
        head = token.head
        # "rebel-held Idlib", "the rebel-held city of Idlib"; not "opposition-run White Helmets"
        places = self.named_place(head)  # not its conjuncts: "rebel-held Idlib and rural Aleppo" is ambiguous
        for holder_mention in holders:
            for place in places:
                self.add_fact("controls", holder_mention, place, token, sent_index)

    # -- secondary relations --

    def secondary_verb(self, verb: Token, sent_index: int) -> None:
        lemma = self.lemma(verb)
        forms = self.forms(verb)  # holds the lemma too
        if forms.isdisjoint(self.secondary_verb_words):
            return  # most verbs: none of the rules below can fire
        if forms & self.lex.rel_set("strikes", "fire_verbs"):
            self.firing(verb, sent_index)
        if forms & self.lex.rel_set("backs", "alongside_verbs"):
            self.alongside(verb, sent_index)
        if forms & self.lex.word_set("control_verbs"):
            self.control_verb(verb, sent_index)
        if forms & self.lex.word_set("ally_verbs"):
            self.ally_verb(verb, sent_index)
        if forms & self.lex.word_set("landing_verbs"):
            self.landing(verb, sent_index)
        if forms & self.lex.rel_set("captures", "lose_verbs"):
            self.lost_to(verb, sent_index)
        if lemma in self.lex.word_set("designate_verbs"):
            self.designation(verb, sent_index)
        if lemma in self.lex.word_set("repel_verbs"):
            self.repel(verb, sent_index)
        if lemma in self.lex.rel_set("backs", "send_verbs"):
            self.sending(verb, sent_index)
        if lemma == "lead" and self.is_passive(verb):
            leader = self.by_agent(verb)
            if leader is not None and verb.dep_ in ("acl", "relcl"):
                for led in self.args(verb.head):
                    for boss in self.args(leader):
                        self.add_fact("leaderOf", boss, led, verb, sent_index)

    def firing(self, verb: Token, sent_index: int) -> None:
        """"Hezbollah fired rockets at a base in northern Israel": firing weapons at X strikes X."""
        weapons = self.lex.rel_set("strikes", "fire_objects")
        objects = self.objects(verb) or ([c for c in verb.children if c.dep_ in PASSIVE_SUBJECTS] if self.is_passive(verb) else [])
        def is_weapon(token: Token) -> bool:
            return self.word(token, weapons) in weapons or any(
                c.dep_ == "prep" and c.lower_ == "of" and any(self.word(g, weapons) in weapons for g in c.children) for c in token.children
            )
        if not any(is_weapon(o) or any(is_weapon(c) for c in o.conjuncts) for o in objects) or self.is_blocked(verb, "strikes"):
            return
        targets: list[int] = []
        for item in self.prep_objects(verb, self.lex.rel_set("strikes", "fire_preps")):
            targets.extend(self.args(item))
        for obj in objects:
            for item in self.prep_objects(obj, self.lex.rel_set("strikes", "fire_preps")):
                targets.extend(self.args(item))
        if not targets:  # "launched drones at a military headquarters in Safed"
            for item in self.prep_objects(verb, self.lex.rel_set("strikes", "fire_preps")) + [p for o in objects for p in self.prep_objects(o, self.lex.rel_set("strikes", "fire_preps"))]:
                targets.extend(self.subtree_places(item))
        if self.is_passive(verb):
            agent = self.by_agent(verb)
            agents, tier = self.actor_args([agent] if agent is not None else [], "strikes")
        else:
            subj, _ = self.subject_tokens(verb)
            agents, tier = self.actor_args(subj, "strikes")
        self.add_event("strikes", verb, agents, targets, sent_index, tier, places=self.place_args(verb))

    def landing(self, verb: Token, sent_index: int) -> None:
        """"The regime's barrel bombs fell on Douma": the weapon's owner strikes the place."""
        weapons = self.lex.word_set("weapon_nouns")
        subj, _ = self.subject_tokens(verb)
        if not subj or self.word(subj[0], weapons) not in weapons or self.is_blocked(verb, "strikes"):
            return
        weapon = subj[0]
        owners: list[int] = []
        for child in weapon.children:
            if child.dep_ == "poss":
                owners.extend(self.actor_args([child], "strikes")[0])
        for owner in self.owner_tokens(weapon):
            owners.extend(self.generic(weapon) if owner.i in self.ent_of and self.ent_of[owner.i].label_ == "NORP" else self.actor_args([owner], "strikes")[0])
        targets = [m for p in self.prep_objects(verb, ("on", "in", "into", "onto")) for m in self.args(p)]
        if not targets:  # "A ballistic missile hit an industrial facility in Bila Tserkva"
            targets = [m for o in self.objects(verb) for m in self.args(o) or self.subtree_places(o)]
        tier = "explicit"
        if not owners:
            owners, tier = self.previous_event_agents(verb, "strikes"), "implicit"
        self.add_event("strikes", verb, list(dict.fromkeys(owners)), targets, sent_index, tier)

    def lost_to(self, verb: Token, sent_index: int) -> None:
        """"Islamic State lost the city to forces from Misrata": the forces captured it."""
        captors = [m for p in self.prep_objects(verb, ("to",)) for m in self.args(p)]
        places = [m for o in self.objects(verb) for m in self.args(o) if self.is_place_mention(m)]
        if captors and places and not self.is_blocked(verb, "captures"):
            self.add_event("captures", verb, captors, places, sent_index, "explicit")

    def alongside(self, verb: Token, sent_index: int) -> None:
        """"Wagner mercenaries, who had fought alongside the LNA": fighting beside X backs X."""
        partners = [m for p in self.prep_objects(verb, ("alongside",)) for m in self.args(p)]
        if not partners or self.is_blocked(verb, "backs"):
            return
        subj, _ = self.subject_tokens(verb)
        agents, tier = self.actor_args(subj, "backs")
        self.add_event("backs", verb, agents, partners, sent_index, tier)

    def control_verb(self, verb: Token, sent_index: int) -> None:
        """"the Houthis, who control much of northern Yemen", "the town was run by the Kaniyat"."""
        if self.is_blocked(verb, "controls") and verb.tag_ not in ("VBZ", "VBP"):
            return
        if any(c.dep_ == "neg" for c in verb.children):
            return
        if self.is_passive(verb):
            agent = self.by_agent(verb)
            holders = self.actor_args([agent], None)[0] if agent is not None else []
            patient = [c for c in verb.children if c.dep_ in PASSIVE_SUBJECTS] or ([verb.head] if verb.dep_ in ("acl", "amod") else [])
        else:
            subj, _ = self.subject_tokens(verb)
            holders = self.actor_args(subj, None)[0]
            patient = self.objects(verb)
            if not patient and verb.dep_ == "relcl":
                patient = [verb.head]
        patient = patient + self.prep_objects(verb, ("including",))
        places = [m for p in patient for m in self.args(p) if self.is_place_mention(m)]
        for holder in holders:
            for place in places:
                if holder != place and self.mentions[holder].key != self.mentions[place].key:
                    self.add_fact("controls", holder, place, verb, sent_index)

    def ally_verb(self, verb: Token, sent_index: int) -> None:
        """"a militia that allied itself with Haftar"."""
        partners = [m for p in self.prep_objects(verb, ("with", "to")) for m in self.args(p)]
        if not partners or any(c.dep_ == "neg" for c in verb.children):
            return
        subj, _ = self.subject_tokens(verb)
        for holder in self.actor_args(subj, None)[0]:
            for partner in partners:
                if holder != partner:
                    self.add_fact("allyOf", holder, partner, verb, sent_index)

    def designation(self, verb: Token, sent_index: int) -> None:
        if not any(self.lemma(t) in self.lex.word_set("terror_words") for t in verb.subtree):
            return
        if self.is_blocked(verb, "designatesTerrorist"):
            return
        if self.is_passive(verb):
            agent = self.by_agent(verb)
            designators = self.args(agent) if agent is not None else []
            patient = [c for c in verb.children if c.dep_ in PASSIVE_SUBJECTS]
            if not patient and verb.dep_ in ("acl", "relcl"):
                patient = [verb.head]
            designated = [m for p in patient for m in self.actor_args([p], None)[0]]
        else:
            subj, _ = self.subject_tokens(verb)
            designators, _ = self.actor_args(subj, None)
            designated = [m for o in self.objects(verb) for m in self.args(o)]
        for s in designators:
            for o in designated:
                self.add_fact("designatesTerrorist", s, o, verb, sent_index)

    def repel(self, verb: Token, sent_index: int) -> None:
        subj, _ = self.subject_tokens(verb)
        defenders, _ = self.actor_args(subj, None)
        for obj in self.objects(verb):
            attackers = self.nominal_agents(obj, "attacks")[0] if self.lemma(obj) in self.trigger_nouns else self.args(obj)
            for d in defenders:
                for a in attackers:
                    self.add_fact("repels", d, a, verb, sent_index)

    def sending(self, verb: Token, sent_index: int) -> None:
        """"Iran sent militias to Syria": sending fighters or arms to X backs X."""
        sent_objects = self.lex.rel_set("backs", "send_objects")
        objects = self.objects(verb)

        def is_thing(token: Token) -> bool:
            return self.word(token, sent_objects) in sent_objects or any(
                c.dep_ == "prep" and c.lower_ == "of" and any(self.word(g, sent_objects) in sent_objects for g in c.children) for c in token.children
            )

        things = [o for o in objects if is_thing(o)]
        with_things = [p for p in self.prep_objects(verb, ("with",)) if is_thing(p)]
        if with_things and objects and not things:
            # "Iran has supplied Russia with Shahed drones": the object receives.
            if self.is_blocked(verb, "backs"):
                return
            subj, _ = self.subject_tokens(verb)
            senders, tier = self.actor_args(subj, "backs")
            receivers = [m for o in objects for m in self.actor_args([o], "backs")[0]]
            self.add_event("backs", verb, senders, receivers, sent_index, tier)
            return
        if not things or self.is_blocked(verb, "backs"):
            return
        subj, _ = self.subject_tokens(verb)
        senders, tier = self.actor_args(subj, "backs")
        receivers = []
        for item in self.prep_objects(verb, ("to",)):
            receivers.extend(m for m in self.actor_args([item], "backs")[0] if self.is_actor_mention(m))  # not "to Al-Jufra" airbase
        for child in verb.children:
            if child.dep_ == "dative":
                receivers.extend(self.actor_args([child], "backs")[0])
        self.add_event("backs", verb, senders, receivers, sent_index, tier)

    def secondary_noun(self, token: Token, sent_index: int) -> None:
        lemma = self.lemmas[token.i]
        lower = token.lower_
        if lemma in self.ally_nouns and token.pos_ == "NOUN":
            self.ally(token, sent_index)
        elif lower in self.ally_adjectives:
            partner = []
            for item in self.prep_objects(token, ("to", "with")):
                partner.extend(self.args(item))
            allied = self.args(token.head) if token.dep_ in ("amod", "acl") else []
            for s in allied:
                for o in partner:
                    self.add_fact("allyOf", s, o, token, sent_index)
        elif lemma in self.leader_titles and token.dep_ == "compound" and token.head.i in self.ent_of:
            self.leader(token, sent_index)
        elif lemma in self.container and lemma in PLACE_NOUNS:
            self.located(token, sent_index)

    def ally(self, token: Token, sent_index: int) -> None:
        """"the army and its ally Russia", "Assad is a close ally of Moscow"."""
        partners: list[int] = []
        for child in token.children:
            if child.dep_ == "appos":
                partners.extend(self.args(child))
        if token.dep_ in ("compound", "appos") and token.head.i in self.ent_of:
            partners.extend(self.args(token.head))
        others: list[int] = []
        for child in token.children:
            if child.dep_ == "poss":
                if is_pronoun(child):
                    others.extend(m for m in self.actors_before(child) if m not in partners)
                else:
                    others.extend(self.args(child))
        of_side = [m for p in self.prep_objects(token, ("of", "to")) for m in self.args(p)]
        if token.dep_ == "attr" and of_side:
            subj, _ = self.subject_tokens(token.head)
            partners, _ = self.actor_args(subj, None)
            others = of_side
        elif of_side and not others:
            others = of_side
        for s in partners:
            for o in others:
                if s != o:
                    self.add_fact("allyOf", s, o, token, sent_index)

    def leader(self, title: Token, sent_index: int) -> None:
        person = self.ent_of[title.head.i]
        if person.label_ != "PERSON":
            return
        states: list[int] = []
        for child in title.children:
            if child.dep_ in ("amod", "poss", "compound", "nmod") and (child.i in self.ent_of or self.ent_key(child)):
                states.extend(self.actor_args([child], None)[0] if child.i in self.ent_of and self.ent_of[child.i].label_ != "NORP" else self.demonym_state(child))
        for child in person.root.children:
            if child.dep_ in ("amod", "poss", "compound", "nmod") and child.i < title.i and (child.i in self.ent_of or self.ent_key(child)):
                states.extend(self.actor_args([child], None)[0] if child.i in self.ent_of and self.ent_of[child.i].label_ != "NORP" else self.demonym_state(child))
        me = self.named(person)
        for state in dict.fromkeys(states):
            self.add_fact("leaderOf", me, state, title, sent_index)

    def demonym_state(self, token: Token) -> list[int]:
        key = self.ent_key(token)
        if key is None:
            return []
        return [self.add_mention(Mention(token.idx, token.idx + len(token.text), token.text, "force", key=key, head="state"))]

    def named_place(self, token: Token) -> list[int]:
        """A place named directly, or by "the province of X": nothing vaguer ("near the border")."""
        ent = self.ent_of.get(token.i)
        if ent is not None:
            return [self.named(ent)] if ent.label_ in PLACE_LABELS else []
        if self.word(token, self.container) in self.container:
            for child in token.children:
                if child.dep_ == "prep" and child.lower_ == "of":
                    return [m for p in child.children if p.dep_ == "pobj" for m in self.named_place(p)]
                if child.dep_ == "compound" and child.i in self.ent_of and self.ent_of[child.i].label_ in PLACE_LABELS:
                    return [self.named(self.ent_of[child.i])]
        return []

    def located(self, noun: Token, sent_index: int) -> None:
        """"Binish, Saraqeb and Jisr al Shaqour – main towns in the province of Idlib"."""
        containers = [m for p in self.prep_objects(noun, ("in", "of")) for m in self.named_place(p)]
        if not containers:
            return
        inside: list[int] = []
        if noun.dep_ == "appos" and noun.head.i in self.ent_of:
            inside = self.args(noun.head)
        elif noun.dep_ == "appos" or noun.head.i in self.ent_of and noun.dep_ in ("appos", "npadvmod", "dep"):
            inside = self.args(noun.head)
        inside = [m for m in inside if self.is_place_mention(m)]
        for s in inside:
            for o in containers:
                if s != o:
                    self.add_fact("locatedIn", s, o, noun, sent_index)

    # -- recording --

    def add_event(
        self,
        relation: str,
        trigger: Token,
        agents: list[int],
        targets: list[int],
        sent_index: int,
        tier: str,
        *,
        places: list[int] | None = None,
        origins: list[int] | None = None,
        destinations: list[int] | None = None,
        count: tuple[int | None, str | None] = (None, None),
    ) -> None:
        agents = [a for a in dict.fromkeys(agents) if not self.is_place_mention(a) or self.mentions[a].key]
        targets = [t for t in dict.fromkeys(targets) if t not in agents]
        origins = list(dict.fromkeys(origins or []))
        objects = origins if relation == "evacuates" else targets
        if not agents or not objects:
            return
        sent = self.sentences[sent_index]
        details = self.details(trigger, sent)
        details["count"], details["count_qualifier"] = count
        self.events.append(
            Event(
                relation=relation,
                agents=tuple(agents),
                targets=tuple(targets),
                sentence=sent_index,
                trigger=trigger.text,
                trigger_start=trigger.idx,
                trigger_end=trigger.idx + len(trigger.text),
                tier=tier,
                places=tuple(dict.fromkeys(places or [])),
                origins=tuple(origins),
                destinations=tuple(dict.fromkeys(destinations or [])),
                **details,
            )
        )

    def add_fact(self, relation: str, subject: int, obj: int, trigger: Token, sent_index: int, tier: str = "explicit") -> None:
        fact = Fact(relation, subject, obj, sent_index, trigger.text, trigger.idx, trigger.idx + len(trigger.text), tier)
        if fact not in self.facts:
            self.facts.append(fact)

    def details(self, trigger: Token, sent: Span) -> dict[str, Any]:
        facts = self.sentence_facts(self.sent_of.get(trigger.i, 0))
        out: dict[str, Any] = {"date_text": self.date_text(trigger, facts["dates"])}
        out.update(facts["casualties"])
        out["means"] = tuple(self.means(trigger, facts["means"]))
        out["reported_by"] = tuple(self.reporters(trigger, facts["according"]))
        return out

    def date_text(self, trigger: Token, dates: list[Span]) -> str | None:
        if not dates:
            return None
        clause = trigger.head if trigger.dep_ != "ROOT" else trigger
        low, high = clause.left_edge.i, clause.right_edge.i
        near = [e for e in dates if low <= e.start <= high] or dates
        best = min(near, key=lambda e: abs(e.start - trigger.i))
        return best.text

    def sentence_means(self, sent: Span) -> list[str]:
        """"with cluster bombs", "using missiles, barrel bombs and heavy machine guns"."""
        found = []
        for token in self.tokens[sent.start:sent.end]:
            if token.dep_ == "pobj" and token.head.lower_ in ("with", "using") and self.lemma(token) in self.weapon_means:
                found.append(" ".join(t.text for t in token.subtree if t.dep_ not in ("det", "prep", "pobj") or t is token).strip())
            if token.dep_ in ("conj",) and token.head.dep_ == "pobj" and token.head.head.lower_ in ("with", "using"):
                found.append(token.text)
        return found

    def means(self, trigger: Token, in_sentence: list[str]) -> list[str]:
        found = list(in_sentence)
        for child in trigger.children:
            if child.dep_ == "compound" and self.lemma(child) in self.air and self.lemma(child) not in ("strike", "airstrike"):
                found.append(f"{child.text} {trigger.text}".lower())
        return sorted(set(found))

    def according_to(self, sent: Span) -> list[int]:
        found: list[int] = []
        for token in self.tokens[sent.start:sent.end]:
            if token.lower_ == "according" and token.i + 1 < len(self.tokens) and self.tokens[token.i + 1].lower_ == "to":
                for pobj in self.tokens[token.i + 1].children:
                    if pobj.dep_ == "pobj":
                        found.extend(self.reporter_args(pobj))
        return found

    def reporters(self, trigger: Token, according: list[int]) -> list[int]:
        found: list[int] = []
        current = trigger
        for _ in range(8):
            if self.lemma(current) in self.reporting and current is not trigger and current.pos_ == "VERB":
                subj, _ = self.subject_tokens(current)
                for item in subj:
                    if not is_pronoun(item):
                        found.extend(self.reporter_args(item))
                break
            if current.head.i == current.i:
                break
            current = current.head
        return list(dict.fromkeys(found + according))

    def reporter_args(self, token: Token) -> list[int]:
        mentions = self.args(token)
        if mentions:
            return mentions
        # "army sources", "rescuers at the scene": keep the words themselves as the reporter.
        if token.pos_ in ("NOUN", "PROPN"):
            words = [t for t in token.subtree if t is token or t.dep_ not in ("det", "punct", "prep", "pobj", "acl", "relcl")]
            start, end = words[0].idx, words[-1].idx + len(words[-1].text)
            return [self.add_mention(Mention(start, end, self.text[start:end], "group", head="source", phrase=self.text[start:end].lower()))]
        return []


def _trimmed(doc_text: str, sent: Span) -> tuple[int, int]:
    """A sentence's offsets without the blank lines and spaces around it."""
    text = doc_text[sent.start_char:sent.end_char]
    start = sent.start_char + (len(text) - len(text.lstrip()))
    return start, max(start, sent.start_char + len(text.rstrip()))


# --- casualty counts ---------------------------------------------------------------------

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "a hundred": 100,
}


def parse_number(text: str) -> int | None:
    """"25", "1,500", "40.000" (European thousands), "four", "3 million"."""
    text = text.strip().lower()
    scale = 1
    for word, factor in (("million", 1_000_000), ("thousand", 1_000)):
        if text.endswith(" " + word):
            text, scale = text[: -len(word) - 1].strip(), factor
    if text in _NUMBER_WORDS:
        return _NUMBER_WORDS[text] * scale
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", text):
        return int(re.sub(r"[.,]", "", text)) * scale
    if re.fullmatch(r"\d+", text):
        return int(text) * scale
    if re.fullmatch(r"\d+\.\d+", text) and scale > 1:
        return int(float(text) * scale)
    return None


@lru_cache(maxsize=1)
def _casualty_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    lexicon = load_lexicon()
    qualifiers = "|".join(sorted((re.escape(q) for q in lexicon.raw["count_qualifiers"]), key=len, reverse=True))
    vague = "|".join(lexicon.raw["vague_counts"])
    number = r"(?:\d{1,3}(?:[.,]\d{3})+|\d+(?:\.\d+)?(?:\s+(?:million|thousand))?|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + ")"

    def count(i: int) -> str:
        return rf"(?P<q{i}>{qualifiers})?\s*(?P<n{i}>{number}|{vague})"

    noun = r"(?:\s+[\w-]+){0,3}?"
    killed = re.compile(
        rf"\b{count(1)}{noun}\s+(?:(?:people|civilians|persons|soldiers|fighters|children)\s+)?(?:were|have been|had been|was|are|being)?\s*(?:killed|dead|died|slain|massacred)\b"
        rf"|\bkill(?:ed|ing)\s+{count(2)}\b|\bdeath toll\b[^.]{{0,60}}?\b(?:to|at|of)\s+{count(3)}",
        re.IGNORECASE,
    )
    injured = re.compile(
        rf"\b{count(1)}{noun}\s+(?:(?:people|civilians|others|persons)\s+)?(?:were|have been|had been|was|are)?\s*(?:injured|wounded|hurt)\b"
        rf"|\b(?:injur|wound)(?:ed|ing)\s+{count(2)}\b|\band\s+{count(3)}\s+(?:injured|wounded)\b",
        re.IGNORECASE,
    )
    return killed, injured


# Words every alternative of the killed / injured patterns contains: without one, neither can match.
_KILLED_CUE = re.compile(r"kill|dead|died|slain|massacred|death toll", re.IGNORECASE)
_INJURED_CUE = re.compile(r"injur|wound|hurt", re.IGNORECASE)


def casualties(sentence: str, lexicon: Lexicon | None = None) -> dict[str, Any]:
    """Killed and injured counts with their qualifier, from one sentence."""
    killed_re, injured_re = _casualty_patterns()
    out: dict[str, Any] = {}
    for name, pattern, cue in (("killed", killed_re, _KILLED_CUE), ("injured", injured_re, _INJURED_CUE)):
        if not cue.search(sentence):
            continue  # cheap test first: most sentences have no casualty word at all
        match = pattern.search(sentence)
        if not match:
            continue
        groups = {k: v for k, v in match.groupdict().items() if v}
        raw_number = next((v for k, v in sorted(groups.items()) if k.startswith("n")), None)
        qualifier = next((v for k, v in sorted(groups.items()) if k.startswith("q")), None)
        if raw_number is None:
            continue
        value = parse_number(raw_number)
        if value is None:
            out[f"{name}_qualifier"] = raw_number.lower()
        else:
            out[name] = value
            if qualifier:
                out[f"{name}_qualifier"] = qualifier.lower()
    return out


def extract(
    doc: Doc, lexicon: Lexicon | None = None, demonyms: dict[str, str] | None = None,
    groups: frozenset[str] = frozenset(), actors: frozenset[str] = frozenset(), places: frozenset[str] = frozenset(),
) -> Extraction:
    return Extractor(doc, lexicon or load_lexicon(), demonyms or {}, groups, actors, places).run()


def iter_core(extraction: Extraction) -> Iterator[tuple[str, int, int, Event]]:
    """(relation, subject mention, object mention, event) for each core relation pair."""
    for event in extraction.events:
        objects = event.origins if event.relation == "evacuates" else event.targets
        for agent in event.agents:
            for obj in objects:
                yield event.relation, agent, obj, event
