"""The gazetteer: known actors and places, read from RDF (SKOS labels).

It is the single source of the names the pipeline matches (``phrases``, read by
``kg.nlp.GazetteerMatcher``) and of the facts kg knows without reading
an article: types, ``locatedIn``, ``standsFor`` (metonymy) and Wikidata links.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Mapping

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, SKOS

from kg.errors import InputError
from kg.namespaces import ENT, KG

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "ontology" / "gazetteer.ttl"
PACKAGED_PATH = Path(__file__).with_name("data") / "gazetteer.ttl"

ACTOR_TYPES = ("State", "ArmedGroup", "Person", "Organization", "Civilians")
PLACE_TYPES = ("Country", "Region", "Settlement")
# spaCy labels for the ruler, so the statistical NER and downstream users see familiar names.
SPACY_LABEL = {
    "State": "GPE", "Country": "GPE", "Region": "GPE", "Settlement": "GPE",
    "ArmedGroup": "ORG", "Organization": "ORG", "Person": "PERSON", "Civilians": "NORP",
}
_ACRONYM = re.compile(r"^[A-Z0-9&.\-]{2,6}$")


@dataclass(frozen=True)
class Entry:
    id: str
    label: str
    types: tuple[str, ...]
    alt_labels: tuple[str, ...] = ()
    # skos:hiddenLabel: text that names the entry inside a longer phrase but is not a name to
    # show ("US-led" in "US-led airstrikes" is the US-led coalition, not the United States)
    hidden_labels: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    stands_for: str | None = None
    located_in: tuple[str, ...] = ()
    leader_of: tuple[str, ...] = ()
    same_as: tuple[str, ...] = ()

    @property
    def is_actor(self) -> bool:
        return any(t in ACTOR_TYPES for t in self.types)

    @property
    def is_place(self) -> bool:
        return any(t in PLACE_TYPES for t in self.types)


@dataclass
class Gazetteer:
    entries: dict[str, Entry]
    demonyms: dict[str, str] = field(default_factory=dict)  # lowercased demonym → entry id
    path: Path | None = None

    def get(self, entry_id: str | None) -> Entry | None:
        return self.entries.get(entry_id) if entry_id else None

    def country_of(self, entry_id: str | None) -> str | None:
        """The country a place or actor belongs to, climbing ``locatedIn``."""
        seen: set[str] = set()
        current = entry_id
        while current and current not in seen:
            seen.add(current)
            entry = self.entries.get(current)
            if entry is None:
                return None
            if "Country" in entry.types:
                return current
            current = entry.located_in[0] if entry.located_in else None
        return None

    def actor_for(self, entry_id: str) -> str:
        """What an entity stands for when it acts: Moscow → Russia, Syria → Syrian government."""
        entry = self.entries.get(entry_id)
        return entry.stands_for if entry and entry.stands_for else entry_id

    def demonym_of(self, country_id: str) -> str | None:
        entry = self.entries.get(country_id)
        return entry.demonyms[0] if entry and entry.demonyms else None

    def id_sets(self) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
        """The ids the rule extractor reads: (armed groups, those that can act, metonyms
        included, places)."""
        entries = self.entries.values()
        return (
            frozenset(e.id for e in entries if "ArmedGroup" in e.types),
            frozenset(e.id for e in entries if e.is_actor or e.stands_for),
            frozenset(e.id for e in entries if e.is_place),
        )

    def phrases(self) -> list[tuple[str, str, str]]:
        """(name, spaCy label, entry id) for every label, alias and demonym, in a stable order."""
        found: list[tuple[str, str, str]] = []
        for entry in sorted(self.entries.values(), key=lambda e: e.id):
            label = SPACY_LABEL.get(entry.types[0], "ORG")
            for name in sorted({entry.label, *entry.alt_labels, *entry.hidden_labels}):
                found.append((re.sub(r"^(the|The)\s+", "", name.strip()), label, entry.id))
            for demonym in sorted(set(entry.demonyms)):
                found.append((demonym, "NORP", entry.id))
        return [f for f in found if f[0]]


_TOKEN = re.compile(r"[A-Za-z\u00c0-\u024f0-9]+|[^\sA-Za-z\u00c0-\u024f0-9]")


def forces_named_after(label_index: Mapping[str, str], people: str) -> str | None:
    """A people's name alone ("Kurdish" in "Kurdish-controlled town"): the id of the forces the
    gazetteer names after it ("Kurdish forces" → kurds), from a lowercase label → id index."""
    return label_index.get(f"{people.lower()} forces")


def token_pattern(name: str, tokenize: Callable[[str], list[str]] | None = None) -> list[dict[str, object]]:
    """A case-tolerant token pattern: acronyms match exactly, names need a capital letter.
    ``tokenize`` is the pipeline's own tokenizer where there is one: a name must be split as the
    text will be ("U.S.-led", "Hay'at" and "Dara'a" are one token each to spaCy's English
    tokenizer), or the pattern can never fit a match."""
    name = re.sub(r"^(the|The)\s+", "", name.strip())
    pieces = tokenize(name) if tokenize else _split_like_spacy(name)
    # The last capitalised word must be capitalised in the text too: "Hit" never matches "hit",
    # while "south Lebanon" and "northern Gaza" still match "South Lebanon" and "Northern Gaza".
    capitals = [i for i, piece in enumerate(pieces) if piece[:1].isupper()]
    anchor = capitals[-1] if capitals else None
    pattern: list[dict[str, object]] = []
    for index, piece in enumerate(pieces):
        if _ACRONYM.match(piece) and piece.upper() == piece and any(c.isalpha() for c in piece):
            pattern.append({"ORTH": piece})
        elif index == anchor:
            pattern.append({"LOWER": piece.lower(), "IS_LOWER": False})
        else:
            pattern.append({"LOWER": piece.lower()})
    return pattern


def _split_like_spacy(name: str) -> list[str]:
    """Split a label as spaCy's English tokenizer would for names (hyphens and 's apart)."""
    pieces: list[str] = []
    for word in name.split():
        if word.endswith("'s") and len(word) > 2:
            pieces.extend(_split_word(word[:-2]))
            pieces.append("'s")
        else:
            pieces.extend(_split_word(word))
    return pieces


def _split_word(word: str) -> list[str]:
    if re.fullmatch(r"(?:[A-Za-z]\.){2,}", word):  # U.S., U.K. stay whole
        return [word]
    return _TOKEN.findall(word)


def _local(iri: URIRef) -> str:
    text = str(iri)
    if text.startswith(str(ENT)):
        return text[len(str(ENT)):]
    return text.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _texts(graph: Graph, subject: URIRef, predicate: URIRef) -> tuple[str, ...]:
    return tuple(sorted(str(o) for o in graph.objects(subject, predicate)))


def _links(graph: Graph, subject: URIRef, predicate: URIRef) -> tuple[str, ...]:
    return tuple(sorted(_local(o) for o in graph.objects(subject, predicate) if isinstance(o, URIRef)))


def from_graph(graph: Graph, path: Path | None = None) -> Gazetteer:
    entries: dict[str, Entry] = {}
    for subject in sorted(set(graph.subjects(SKOS.prefLabel, None))):
        if not isinstance(subject, URIRef):
            continue
        types = tuple(
            sorted(
                (str(t)[len(str(KG)):] for t in graph.objects(subject, RDF.type) if str(t).startswith(str(KG))),
                key=lambda t: (t not in ACTOR_TYPES, t),
            )
        )
        labels = _texts(graph, subject, SKOS.prefLabel)
        if not types or not labels:
            continue
        stands = _links(graph, subject, KG.standsFor)
        entry = Entry(
            id=_local(subject),
            label=labels[0],
            types=types,
            alt_labels=_texts(graph, subject, SKOS.altLabel),
            hidden_labels=_texts(graph, subject, SKOS.hiddenLabel),
            demonyms=tuple(str(o) for o in graph.objects(subject, KG.demonym)),
            stands_for=stands[0] if stands else None,
            located_in=_links(graph, subject, KG.locatedIn),
            leader_of=_links(graph, subject, KG.leaderOf),
            same_as=tuple(sorted(str(o) for o in graph.objects(subject, OWL.sameAs))),
        )
        entries[entry.id] = entry
    demonyms: dict[str, str] = {}
    for entry in sorted(entries.values(), key=lambda e: e.id):
        for demonym in entry.demonyms:
            demonyms.setdefault(demonym.lower(), entry.id)
    return Gazetteer(entries=entries, demonyms=demonyms, path=path)


def default_path() -> Path:
    """``KG_GAZETTEER`` if set, else the repository's ontology/gazetteer.ttl, else the packaged copy."""
    configured = os.environ.get("KG_GAZETTEER")
    if configured:
        return Path(configured)
    return DEFAULT_PATH if DEFAULT_PATH.exists() else PACKAGED_PATH


@lru_cache(maxsize=4)
def load(path: Path | None = None) -> Gazetteer:
    path = path or default_path()
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except FileNotFoundError:
        raise InputError(path, "gazetteer not found") from None
    except Exception as error:  # rdflib raises many parser types
        raise InputError(path, f"gazetteer is not valid Turtle ({str(error).splitlines()[0][:200]})") from None
    return from_graph(graph, path)


def entries_with_label(gazetteer: Gazetteer, names: Iterable[str]) -> dict[str, str]:
    """Lowercased label or alias → entry id (first by id order), for lookups by name."""
    index: dict[str, str] = {}
    for entry in sorted(gazetteer.entries.values(), key=lambda e: e.id):
        for name in (entry.label, *entry.alt_labels):
            index.setdefault(name.lower(), entry.id)
    wanted = {n.lower() for n in names}
    return {k: v for k, v in index.items() if k in wanted} if wanted else index
