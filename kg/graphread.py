"""A built graph read back as plain records: documents, entities, events, assertions, evidence.

The reader of `kg report` and `kg export events`. It parses with Oxigraph (a 1,000-article
graph is ~440,000 triples) and keeps only the predicates it knows, so extra triples (summaries,
other vocabularies) are ignored. Several files are read as one graph (their union). Every
collection is sorted, so what is made from it does not depend on the order of the input.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS

from kg.errors import InputError, KgError
from kg.namespaces import DOC, ENT, KG, OA
from kg.store import rdf_format, refuse_xml_entities

# Event classes in the order pages list them; relations likewise (the core five first).
EVENT_TYPES = ("Strike", "Attack", "Support", "Capture", "Evacuation")
CORE_RELATIONS = ("strikes", "attacks", "backs", "captures", "evacuates")
RELATIONS = CORE_RELATIONS + (
    "allyOf", "controls", "designatesTerrorist", "leaderOf", "locatedIn", "memberOf", "repels",
)
ACTOR_TYPES = ("State", "ArmedGroup", "Person", "Organization", "Civilians", "Actor")
PLACE_TYPES = ("Country", "Region", "Settlement", "Place")

_KG = str(KG)
_RDF_TYPE = str(RDF.type)
_SUBJECT, _PREDICATE, _OBJECT = str(RDF.subject), str(RDF.predicate), str(RDF.object)
_WANTED = {
    _RDF_TYPE, _SUBJECT, _PREDICATE, _OBJECT, str(RDFS.label), str(SKOS.prefLabel), str(SKOS.altLabel),
    str(OWL.sameAs), str(PROV.wasDerivedFrom), str(DCTERMS.identifier), str(DCTERMS.title),
    str(DCTERMS.date), str(DCTERMS.source), str(OA.hasSource), str(OA.hasSelector), str(OA.start),
    str(OA.end), str(OA.exact), str(OA.prefix), str(OA.suffix),
}
_WANTED.update(_KG + name for name in (
    "agent", "target", "place", "origin", "destination", "date", "dateText", "killed", "injured",
    "evacuatedCount", "killedQualifier", "injuredQualifier", "countQualifier", "means", "reportedBy",
    "evidence", "trigger", "event", "tier", "text", "fileName",
))
_WANTED.update(_KG + name for name in RELATIONS)


@dataclass(frozen=True)
class Evidence:
    iri: str
    doc: str  # document IRI
    text: str  # the sentence
    start: int  # code points into the article text, end excluded
    end: int
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class Entity:
    iri: str
    label: str
    types: tuple[str, ...]  # kg class local names, sorted
    alt_labels: tuple[str, ...] = ()
    same_as: tuple[str, ...] = ()  # Wikidata (or other) IRIs

    @property
    def is_actor(self) -> bool:
        return any(t in ACTOR_TYPES for t in self.types)

    @property
    def kind(self) -> str:
        """The most specific type to show: actor types first, as a State that is also a Country acts."""
        for name in ACTOR_TYPES + PLACE_TYPES:
            if name in self.types:
                return name
        return self.types[0] if self.types else "Entity"

    @property
    def wikidata(self) -> str | None:
        for iri in self.same_as:
            if iri.startswith("http://www.wikidata.org/entity/"):
                return "https://www.wikidata.org/wiki/" + iri.rsplit("/", 1)[1]
        return None


@dataclass(frozen=True)
class Document:
    iri: str
    id: str
    title: str | None = None
    date: str | None = None  # YYYY-MM-DD
    url: str | None = None
    file_name: str | None = None


@dataclass(frozen=True)
class Event:
    iri: str
    type: str
    date: str | None
    date_text: str | None
    agents: tuple[str, ...]
    targets: tuple[str, ...]
    places: tuple[str, ...]
    origins: tuple[str, ...]
    destinations: tuple[str, ...]
    killed: int | None
    killed_qualifier: str | None
    injured: int | None
    injured_qualifier: str | None
    evacuated: int | None
    evacuated_qualifier: str | None
    means: tuple[str, ...]
    reported_by: tuple[str, ...]
    docs: tuple[str, ...]
    evidence: tuple[str, ...]  # evidence IRIs, in document and offset order
    trigger: str | None


@dataclass(frozen=True)
class Assertion:
    iri: str
    subject: str
    relation: str  # kg property local name
    object: str
    evidence: str | None
    doc: str | None
    event: str | None
    tier: str | None


@dataclass
class GraphData:
    entities: dict[str, Entity] = field(default_factory=dict)
    documents: dict[str, Document] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    assertions: list[Assertion] = field(default_factory=list)
    evidence: dict[str, Evidence] = field(default_factory=dict)

    def label(self, iri: str) -> str:
        entity = self.entities.get(iri)
        if entity is not None:
            return entity.label
        return local_name(iri)


def local_name(iri: str) -> str:
    for base in (str(ENT), str(DOC), _KG):
        if iri.startswith(base):
            return iri[len(base):]
    return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1] or iri


def read_graphs(paths: Iterable[Path]) -> GraphData:
    """The union of the graphs in ``paths`` as plain records (an unreadable file raises InputError)."""
    props: dict[str, dict[str, set[str]]] = {}
    for path in paths:
        _read_into(Path(path), props)
    data = _assemble(props)
    if not data.documents and not data.events and not data.assertions:
        names = ", ".join(str(p) for p in paths)
        raise KgError(f"{names}: no kg documents, events or relations in the graph; is it a graph written by kg build?")
    return data


def _read_into(path: Path, props: dict[str, dict[str, set[str]]]) -> None:
    fmt = rdf_format(path)
    if not path.is_file():
        raise InputError(path, "no such file" if not path.exists() else "not a regular file")
    refuse_xml_entities(path, fmt)
    wanted = _WANTED
    named = ox.NamedNode
    try:
        # The hot loop of a report on a large graph: plain dict look-ups, no helper calls.
        for subject, predicate, obj, _ in ox.parse(path=str(path), format=fmt, rename_blank_nodes=True):
            key = predicate.value
            if key not in wanted or type(subject) is not named:
                continue
            node = props.get(subject.value)
            if node is None:
                node = props[subject.value] = {}
            values = node.get(key)
            if values is None:
                node[key] = {obj.value}
            else:
                values.add(obj.value)
    except SyntaxError as error:
        raise InputError(path, f"not valid {fmt.name}: {' '.join(str(error).split())}") from None
    except (OSError, ValueError) as error:
        raise InputError(path, " ".join(str(error).split())) from None


def _one(values: set[str] | None) -> str | None:
    # A property meant to be single-valued may hold two values in a union of graphs: take the
    # smallest, so the choice does not depend on the order of the files.
    return min(values) if values else None


def _int(values: set[str] | None) -> int | None:
    text = _one(values)
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        return None


def _assemble(props: dict[str, dict[str, set[str]]]) -> GraphData:
    data = GraphData()
    P = lambda name: _KG + name  # noqa: E731
    kg_class = {_KG + name: name for name in EVENT_TYPES + ACTOR_TYPES + PLACE_TYPES + ("Document", "Evidence", "Assertion")}
    label_p, pref_p, alt_p = str(RDFS.label), str(SKOS.prefLabel), str(SKOS.altLabel)
    derived_p = str(PROV.wasDerivedFrom)
    ent_base, doc_base = str(ENT), str(DOC)
    evid_pending: dict[str, dict[str, set[str]]] = {}
    for subject in sorted(props):
        p = props[subject]
        types = {kg_class[t] for t in p.get(_RDF_TYPE, ()) if t in kg_class}
        if "Evidence" in types:
            evid_pending[subject] = p
        elif "Assertion" in types:
            relation = _one(p.get(_PREDICATE))
            if relation is None or not relation.startswith(_KG):
                continue
            data.assertions.append(Assertion(
                iri=subject, subject=_one(p.get(_SUBJECT)) or "", relation=relation[len(_KG):],
                object=_one(p.get(_OBJECT)) or "", evidence=_one(p.get(P("evidence"))),
                doc=_one(p.get(derived_p)), event=_one(p.get(P("event"))), tier=_one(p.get(P("tier"))),
            ))
        elif "Document" in types or subject.startswith(doc_base) and p.get(str(DCTERMS.identifier)):
            data.documents[subject] = Document(
                iri=subject, id=_one(p.get(str(DCTERMS.identifier))) or local_name(subject),
                title=_one(p.get(str(DCTERMS.title))), date=_one(p.get(str(DCTERMS.date))),
                url=_one(p.get(str(DCTERMS.source))), file_name=_one(p.get(P("fileName"))),
            )
        elif types & set(EVENT_TYPES):
            kind = next(t for t in EVENT_TYPES if t in types)
            data.events[subject] = Event(
                iri=subject, type=kind, date=_one(p.get(P("date"))), date_text=_one(p.get(P("dateText"))),
                agents=tuple(sorted(p.get(P("agent"), ()))), targets=tuple(sorted(p.get(P("target"), ()))),
                places=tuple(sorted(p.get(P("place"), ()))), origins=tuple(sorted(p.get(P("origin"), ()))),
                destinations=tuple(sorted(p.get(P("destination"), ()))),
                killed=_int(p.get(P("killed"))), killed_qualifier=_one(p.get(P("killedQualifier"))),
                injured=_int(p.get(P("injured"))), injured_qualifier=_one(p.get(P("injuredQualifier"))),
                evacuated=_int(p.get(P("evacuatedCount"))), evacuated_qualifier=_one(p.get(P("countQualifier"))),
                means=tuple(sorted(p.get(P("means"), ()))), reported_by=tuple(sorted(p.get(P("reportedBy"), ()))),
                docs=tuple(sorted(p.get(derived_p, ()))), evidence=tuple(sorted(p.get(P("evidence"), ()))),
                trigger=_one(p.get(P("trigger"))),
            )
        elif subject.startswith(ent_base) and (types or p.get(label_p) or p.get(pref_p)):
            label = _one(p.get(label_p)) or _one(p.get(pref_p)) or local_name(subject)
            data.entities[subject] = Entity(
                iri=subject, label=label, types=tuple(sorted(types)),
                alt_labels=tuple(sorted((p.get(alt_p, set()) | p.get(pref_p, set())) - {label})),
                same_as=tuple(sorted(p.get(str(OWL.sameAs), ()))),
            )
    for subject, p in evid_pending.items():
        selectors = [props.get(s, {}) for s in sorted(p.get(str(OA.hasSelector), ()))]
        start = end = None
        prefix = suffix = ""
        for selector in selectors:
            if str(OA.start) in selector:
                start, end = _int(selector.get(str(OA.start))), _int(selector.get(str(OA.end)))
            if str(OA.exact) in selector:
                prefix = _one(selector.get(str(OA.prefix))) or ""
                suffix = _one(selector.get(str(OA.suffix))) or ""
        doc = _one(p.get(str(OA.hasSource))) or _one(p.get(derived_p))
        text = _one(p.get(P("text"))) or ""
        if doc is None or start is None or end is None:
            continue
        data.evidence[subject] = Evidence(subject, doc, text, start, end, prefix, suffix)
    # Events list their evidence in reading order: by document, then offset.
    for iri, event in data.events.items():
        ordered = sorted(event.evidence, key=lambda e: _evidence_key(data.evidence.get(e), e))
        if list(ordered) != list(event.evidence):
            data.events[iri] = replace(event, evidence=tuple(ordered))
    data.assertions.sort(key=lambda a: a.iri)
    return data


def _evidence_key(evidence: Evidence | None, iri: str) -> tuple[str, int, int, str]:
    if evidence is None:
        return ("\uffff", 0, 0, iri)
    return (evidence.doc, evidence.start, evidence.end, iri)

