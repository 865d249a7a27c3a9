"""RDF mapping: the only module that spells out the ontology's terms.

Every node has an IRI (no blank nodes): entities a readable slug, events/statements/evidence a
hash of document and offsets, so the same input always mints the same IRIs.
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Iterator, NamedTuple
from urllib.parse import quote, urlsplit

import pyoxigraph
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from kg.documents import Document
from kg.gazetteer import Gazetteer
from kg.namespaces import DOC, ENT, EVENT, EVID, KG, OA, RUN, STMT, new_graph
from kg.resolve import DocumentResult, Entity, Relation, ResolvedEvent, short_hash
from kg.summaries import RelationSummaries

CONTEXT_CHARS = 32


@dataclass(frozen=True)
class RunInfo:
    kg_version: str
    model_name: str
    model_version: str
    documents: tuple[str, ...]


@lru_cache(maxsize=1 << 16)  # entity and document ids repeat across a batch's triples
def iri_segment(value: str) -> str:
    """A path segment for any string: percent-encoded UTF-8, one-to-one. Leading and trailing
    dots are encoded too: "." and ".." would read as dot segments, and a Turtle local name may
    neither start nor end with "." ("doc:..%2F.." is not Turtle)."""
    segment = quote(value.encode("utf-8", "surrogatepass"), safe="-._~")
    body = segment.strip(".")
    lead = len(segment) - len(segment.lstrip("."))
    trail = len(segment) - len(segment.rstrip(".")) if body else 0
    return "%2E" * lead + body + "%2E" * trail


def entity_iri(entity_id: str) -> URIRef:
    return ENT[iri_segment(entity_id)]


def doc_iri(doc_id: str) -> URIRef:
    return DOC[iri_segment(doc_id)]


def evidence_key(doc_id: str, span: tuple[int, int]) -> str:
    return short_hash(doc_id, span[0], span[1])


def evidence_iri(doc_id: str, span: tuple[int, int]) -> URIRef:
    return EVID[evidence_key(doc_id, span)]


def statement_iri(relation: Relation) -> URIRef:
    return _statement_iri(relation.doc_id, relation.subject, relation.predicate, relation.object, relation.sentence, relation.trigger_span)


def _statement_iri(doc_id: str, subject: str, predicate: str, obj: str, sentence: tuple[int, int], trigger: tuple[int, int]) -> URIRef:
    return STMT[short_hash(doc_id, subject, predicate, obj, *sentence, *trigger)]


def summary_iri(subject: str, predicate: str, obj: str) -> URIRef:
    return STMT["summary-" + short_hash(subject, predicate, obj)]


def agent_iri(info: RunInfo) -> URIRef:
    return RUN[f"kg-{quote(info.kg_version, safe='-._~')}"]


def run_iri(info: RunInfo) -> URIRef:
    return RUN["build-" + short_hash(info.kg_version, info.model_name, info.model_version, *info.documents)]


def _escape_quotes_in_long_literals() -> None:
    # rdflib 7 writes a multi-line literal ending in a backslash and a quote as: backslash,
    # backslash, then four quotes. That is not Turtle (rdflib reads it back; pyoxigraph and
    # other parsers do not). In multi-line literals kg escapes every quote: always valid.
    original = getattr(Literal, "_quote_encode", None)
    if original is None or getattr(original, "kg_fixed", False):
        return

    def quote_encode(self: Literal) -> str:
        if "\n" in self:
            return '"""' + self.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r") + '"""'
        return original(self)

    quote_encode.kg_fixed = True  # type: ignore[attr-defined]
    Literal._quote_encode = quote_encode  # type: ignore[method-assign]


_escape_quotes_in_long_literals()


def text_literal(text: str) -> Literal:
    return Literal(text)


# --- pieces --------------------------------------------------------------------------------


def add_document(graph: Graph, document: Document) -> URIRef:
    node = doc_iri(document.id)
    graph.add((node, RDF.type, KG.Document))
    graph.add((node, RDF.type, PROV.Entity))
    graph.add((node, DCTERMS.identifier, text_literal(document.id)))
    graph.add((node, KG.fileName, text_literal(document.source)))
    if document.title:
        graph.add((node, DCTERMS.title, text_literal(document.title)))
    if document.date:
        graph.add((node, DCTERMS.date, Literal(document.date.isoformat(), datatype=XSD.date)))
    source = web_iri(document.url) if document.url else None
    if source is not None:
        graph.add((node, DCTERMS.source, URIRef(source)))
    return node


# ASCII an IRI may hold as it is; "[" and "]" only around an IPv6 host.
_IRI_ASCII = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?@!$&'()*+,;=")
_HEX = frozenset("0123456789abcdefABCDEF")


def _iri_allows(char: str) -> bool:
    """RFC 3987 ucschar, minus what parsers or terminals trip on: spaces and line separators
    (rdflib's N-Triples reader ends an IRI at any Unicode space) and format characters such as
    bidi controls, which RFC 3987 forbids."""
    code = ord(char)
    if code < 0x80:
        return char in _IRI_ASCII
    in_ucschar = (0xA0 <= code <= 0xD7FF or 0xF900 <= code <= 0xFDCF or 0xFDF0 <= code <= 0xFFEF) or (
        0x10000 <= code <= 0xEFFFD and (code & 0xFFFF) < 0xFFFE and not 0xE0000 <= code <= 0xE0FFF
    )
    return in_ucschar and unicodedata.category(char) not in ("Zs", "Zl", "Zp", "Cf")


def _iri_part(text: str, keep: str = "") -> str:
    out = []
    for index, char in enumerate(text):
        if char == "%" and set(text[index + 1:index + 3]) <= _HEX and len(text[index + 1:index + 3]) == 2:
            out.append(char)  # an existing escape
        elif _iri_allows(char) or char in keep:
            out.append(char)
        else:
            out.append(quote(char.encode("utf-8", "surrogatepass"), safe=""))
    return "".join(out)


def web_iri(url: str) -> str | None:
    """An http(s) URL as a valid IRI, stray characters percent-encoded; None if it is not an
    http(s) URL or still not a valid IRI (a bad host or port): left out, never written broken."""
    url = url.strip()
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower() not in ("http", "https"):
        return None
    cut = min((i for i in (rest.find("/"), rest.find("?"), rest.find("#")) if i >= 0), default=len(rest))
    authority, rest = rest[:cut], rest[cut:]
    location, hash_, fragment = rest.partition("#")
    iri = f"{scheme}://{_iri_part(authority, keep='[]')}{_iri_part(location)}"
    if hash_:
        iri += "#" + _iri_part(fragment)
    try:
        pyoxigraph.NamedNode(iri)  # the RFC 3987 parser pyoxigraph and SPARQL stores use
        return iri if urlsplit(iri).hostname else None
    except ValueError:
        return None


def add_evidence(graph: Graph, document: Document, span: tuple[int, int]) -> URIRef:
    start, end = span
    node = evidence_iri(document.id, span)
    if (node, RDF.type, KG.Evidence) in graph:
        return node
    text = document.text
    exact = text[start:end]
    graph.add((node, RDF.type, KG.Evidence))
    graph.add((node, OA.hasSource, doc_iri(document.id)))
    graph.add((node, KG.text, text_literal(exact.strip())))
    graph.add((node, PROV.wasDerivedFrom, doc_iri(document.id)))
    position = URIRef(f"{node}-pos")
    graph.add((node, OA.hasSelector, position))
    graph.add((position, RDF.type, OA.TextPositionSelector))
    graph.add((position, OA.start, Literal(start, datatype=XSD.nonNegativeInteger)))
    graph.add((position, OA.end, Literal(end, datatype=XSD.nonNegativeInteger)))
    quote_node = URIRef(f"{node}-quote")
    graph.add((node, OA.hasSelector, quote_node))
    graph.add((quote_node, RDF.type, OA.TextQuoteSelector))
    graph.add((quote_node, OA.exact, text_literal(exact)))
    graph.add((quote_node, OA.prefix, text_literal(text[max(0, start - CONTEXT_CHARS):start])))
    graph.add((quote_node, OA.suffix, text_literal(text[end:end + CONTEXT_CHARS])))
    return node


def entity_types(entity: Entity, gazetteer: Gazetteer) -> tuple[str, ...]:
    """The kg classes an entity is written with: its resolved types and its gazetteer entry's."""
    entry = gazetteer.get(entity.id) if entity.gazetteer else None
    return tuple(sorted(set(entity.types) | (set(entry.types) if entry else set())))


def add_entity(graph: Graph, entity: Entity, gazetteer: Gazetteer) -> None:
    node = entity_iri(entity.id)
    entry = gazetteer.get(entity.id) if entity.gazetteer else None
    for type_name in entity_types(entity, gazetteer):
        graph.add((node, RDF.type, KG[type_name]))
    graph.add((node, RDFS.label, text_literal(entity.label)))
    graph.add((node, SKOS.prefLabel, Literal(entity.label, lang="en")))
    for surface in sorted(entity.surface):
        if surface != entity.label:
            graph.add((node, SKOS.altLabel, Literal(surface, lang="en")))
    if entry is not None:
        for same in entry.same_as:
            graph.add((node, OWL.sameAs, URIRef(same)))
        for container in entry.located_in:
            graph.add((node, KG.locatedIn, entity_iri(container)))


def add_event_report(graph: Graph, event: ResolvedEvent, documents: dict[str, Document], run: URIRef) -> URIRef:
    """What one article says of an event: its type, participants, place, day and evidence.

    Several articles may report the same event (same key); the union of their reports is the
    event. What needs one value across reports (trigger, casualty figures) is in
    ``add_event_summary``, written once."""
    node = EVENT[event.key]
    graph.add((node, RDF.type, KG[event.kind]))
    graph.add((node, PROV.wasGeneratedBy, run))
    for agent in event.agents:
        graph.add((node, KG.agent, entity_iri(agent)))
    for target in event.targets:
        graph.add((node, KG.target, entity_iri(target)))
    for place in event.places:
        graph.add((node, KG.place, entity_iri(place)))
    for origin in event.origins:
        graph.add((node, KG.origin, entity_iri(origin)))
    for destination in event.destinations:
        graph.add((node, KG.destination, entity_iri(destination)))
    for reporter in event.reported_by:
        graph.add((node, KG.reportedBy, entity_iri(reporter)))
    if event.date is not None:
        graph.add((node, KG.date, Literal(event.date.isoformat(), datatype=XSD.date)))
    for means in event.means:
        graph.add((node, KG.means, text_literal(means)))
    for doc_id, span in event.evidence:
        graph.add((node, KG.evidence, add_evidence(graph, documents[doc_id], span)))
        graph.add((node, PROV.wasDerivedFrom, doc_iri(doc_id)))
    return node


def add_event_summary(graph: Graph, event: ResolvedEvent) -> None:
    """The single-valued facts of an event merged across reports (see kg.stream.EventSummaries):
    the first report's trigger and date wording, the largest figures with their qualifiers."""
    node = EVENT[event.key]
    graph.add((node, KG.trigger, text_literal(event.trigger)))
    if event.date_text:
        graph.add((node, KG.dateText, text_literal(event.date_text)))
    for name, value in (("killed", event.killed), ("injured", event.injured), ("evacuatedCount", event.count)):
        if value is not None:
            graph.add((node, KG[name], Literal(value, datatype=XSD.nonNegativeInteger)))
    for name, value in (("killedQualifier", event.killed_qualifier), ("injuredQualifier", event.injured_qualifier), ("countQualifier", event.count_qualifier)):
        if value:
            graph.add((node, KG[name], text_literal(value)))


def add_relation(graph: Graph, relation: Relation, document: Document, run: URIRef) -> None:
    subject, obj = entity_iri(relation.subject), entity_iri(relation.object)
    predicate = KG[relation.predicate]
    graph.add((subject, predicate, obj))
    node = statement_iri(relation)
    graph.add((node, RDF.type, KG.Assertion))
    graph.add((node, RDF.type, RDF.Statement))
    graph.add((node, RDF.subject, subject))
    graph.add((node, RDF.predicate, predicate))
    graph.add((node, RDF.object, obj))
    graph.add((node, KG.tier, text_literal(relation.tier)))
    graph.add((node, KG.trigger, text_literal(relation.trigger)))
    graph.add((node, KG.evidence, add_evidence(graph, document, relation.sentence)))
    graph.add((node, PROV.wasDerivedFrom, doc_iri(document.id)))
    graph.add((node, PROV.wasGeneratedBy, run))
    if relation.event:
        graph.add((node, KG.event, EVENT[relation.event]))


def add_relation_summaries(graph: Graph, summaries: RelationSummaries, ranks: StatementRanks | None = None) -> None:
    """One kg:RelationSummary per relation triple stated by the articles (kg.summaries): the
    number of articles and of evidence sentences, the first and last article date (when
    some article has one) and the kg:rank of its first assertion (``statement_ranks``). Written
    with the corpus-wide triples, in the default graph. The assertions' own ranks are not added
    here: ``rank_triples`` gives them, for the caller to write as it can (a large build streams
    them as N-Triples lines instead of holding them in a graph)."""
    ranks = ranks if ranks is not None else statement_ranks(summaries)
    for triple, summary in summaries:
        subject, predicate, obj = triple
        node = summary_iri(subject, predicate, obj)
        graph.add((node, RDF.type, KG.RelationSummary))
        graph.add((node, RDF.subject, entity_iri(subject)))
        graph.add((node, RDF.predicate, KG[predicate]))
        graph.add((node, RDF.object, entity_iri(obj)))
        graph.add((node, KG.articleCount, Literal(summary.articles, datatype=XSD.nonNegativeInteger)))
        graph.add((node, KG.sentenceCount, Literal(summary.sentences, datatype=XSD.nonNegativeInteger)))
        if summary.first is not None:
            graph.add((node, KG.firstDate, date_literal(summary.first)))
        if summary.last is not None:
            graph.add((node, KG.lastDate, date_literal(summary.last)))
        graph.add((node, KG.firstRank, Literal(ranks.first[triple], datatype=XSD.nonNegativeInteger)))


@dataclass
class StatementRanks:
    """Every assertion's kg:rank and each relation triple's first rank."""

    first: dict[tuple[str, str, str], int]
    statements: list[URIRef]  # the assertion IRIs in rank order


def statement_ranks(summaries: RelationSummaries) -> StatementRanks:
    """Number every kg:Assertion (kg:rank, from 0) in the order of ``queries/evidence.rq``:
    subject, predicate and object IRI, article IRI, evidence start, assertion IRI. A page of
    that listing is then a lookup of known ranks (``kg query --limit/--offset``, ``#+ page``),
    not a sort of every row. Relations are sorted first and each one's assertions on their own,
    so that only one relation's sort keys are held at a time."""
    relations = sorted(((str(entity_iri(s)), str(KG[p]), str(entity_iri(o))), (s, p, o), summary) for (s, p, o), summary in summaries)
    first: dict[tuple[str, str, str], int] = {}
    statements: list[URIRef] = []
    for _, triple, summary in relations:
        first[triple] = len(statements)
        keys = sorted((str(doc_iri(doc_id)), sentence[0], str(_statement_iri(doc_id, *triple, sentence, trigger)))
                      for doc_id, sentence, trigger in summary.statements)
        statements.extend(URIRef(key[2]) for key in keys)
    return StatementRanks(first, statements)


def rank_triples(ranks: StatementRanks) -> Iterator[tuple[URIRef, URIRef, Literal]]:
    """(assertion, kg:rank, n) for every assertion, in rank order."""
    for rank, statement in enumerate(ranks.statements):
        yield statement, KG.rank, _rank(rank)


class RankedEvent(NamedTuple):
    """An event in the build's time order (``EventSummaries.chronology``)."""

    key: str
    kind: str  # the kg:Event subclass's local name
    casualties: bool  # it has a kg:killed or kg:injured figure


def event_rank_triples(chronology: Iterable[RankedEvent]) -> Iterator[tuple[URIRef, URIRef, Literal]]:
    """Each event's kg:eventRank (its position among all events, in the order given: the build's
    time order), kg:kindRank (among the events of its kind) and, where it has a casualty
    figure, kg:casualtyRank (among those events). A page of an event listing is then the
    listing's first events in one of these sequences (``kg query --limit/--offset``,
    ``#+ page-events``, ``#+ page-sequence``), found without sorting every row; a listing of
    one kind, or of the events with casualties, walks a sequence in which its events are dense."""
    kinds: dict[str, int] = {}
    casualties = 0
    for rank, event in enumerate(chronology):
        node = EVENT[event.key]
        yield node, KG.eventRank, _rank(rank)
        within = kinds.get(event.kind, 0)
        kinds[event.kind] = within + 1
        yield node, KG.kindRank, _rank(within)
        if event.casualties:
            yield node, KG.casualtyRank, _rank(casualties)
            casualties += 1


def _rank(n: int) -> Literal:
    return Literal(n, datatype=XSD.nonNegativeInteger)


def add_run(graph: Graph, info: RunInfo) -> URIRef:
    run, agent = run_iri(info), agent_iri(info)
    graph.add((run, RDF.type, PROV.Activity))
    graph.add((run, RDFS.label, text_literal(f"kg build of {len(info.documents)} documents")))
    graph.add((run, PROV.wasAssociatedWith, agent))
    for doc_id in info.documents:
        graph.add((run, PROV.used, doc_iri(doc_id)))
    graph.add((agent, RDF.type, PROV.SoftwareAgent))
    graph.add((agent, RDFS.label, text_literal(f"kg {info.kg_version}")))
    graph.add((agent, KG.softwareVersion, text_literal(info.kg_version)))
    graph.add((agent, KG.spacyModel, text_literal(info.model_name)))
    graph.add((agent, KG.spacyModelVersion, text_literal(info.model_version)))
    return run


# --- whole graphs --------------------------------------------------------------------------


def document_graph(result: DocumentResult, summaries: Iterable[ResolvedEvent], run: URIRef, into: Graph | None = None) -> Graph:
    """One article's facts and evidence (a TriG named graph): its relations, its own report of
    each event, and the summaries of the events it was first to report. With ``into``, the
    triples are added to that graph instead of a new one."""
    graph = into if into is not None else new_graph(identifier=doc_iri(result.document.id))
    documents = {result.document.id: result.document}
    add_document(graph, result.document)
    for relation in result.relations:
        add_relation(graph, relation, result.document, run)
    for event in result.events:
        add_event_report(graph, event, documents, run)
    for event in summaries:
        add_event_summary(graph, event)
    return graph


def entities_graph(entities: dict[str, Entity], gazetteer: Gazetteer) -> Graph:
    """Every entity once, with the containers its gazetteer entry places it in."""
    graph = new_graph()
    pending = sorted(entities)
    done: set[str] = set()
    while pending:
        entity_id = pending.pop()
        if entity_id in done:
            continue
        done.add(entity_id)
        entity = entities.get(entity_id)
        if entity is None:
            entry = gazetteer.get(entity_id)
            if entry is None:
                continue
            entity = Entity(entry.id, entry.label, set(entry.types), gazetteer=True)
        add_entity(graph, entity, gazetteer)
        entry = gazetteer.get(entity_id) if entity.gazetteer else None
        if entry is not None:
            pending.extend(c for c in entry.located_in if c not in done)
    return graph


def date_literal(value: dt.date) -> Literal:
    return Literal(value.isoformat(), datatype=XSD.date)
