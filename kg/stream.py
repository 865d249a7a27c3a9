"""The streaming half of ``kg build``: resolved documents in, sorted N-Triples runs out.

Documents arrive in input order and are cut into batches. Each batch is mapped to RDF, validated
with pySHACL and written as a sorted run, in a background process when there is enough work, so
RDF, SHACL and writing overlap the NLP. Memory holds only what crosses documents: merged entity
types and labels, the single-valued facts of each event, the distinct entity-to-entity triples,
and a few keys per batch.

Three things a batch writes depend on documents after it: the corpus-wide types that decide
which participants fit their roles, the types its entities are written with, and the merged
facts of the events it was first to report. A batch is written with what is known when it is
cut, and what it read is recorded; at the end any batch that read something that has since
changed is written again. The output is therefore exactly what a build holding the whole corpus
would write, whatever the batch size, worker count or timing.
"""
from __future__ import annotations

import heapq
import itertools
import multiprocessing
import pickle
import sys
import time
from collections import Counter, deque
from concurrent.futures import CancelledError, Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable

from rdflib import Graph, URIRef
from rdflib.namespace import PROV, RDF

from kg import gazetteer as gaz
from kg.batchgraph import batch_graph
from kg.export import graph_key, nt_lines, quad_lines, write_run
from kg.failures import Failure, failure_of, injected_fault
from kg.namespaces import KG
from kg.rdf import RankedEvent, StatementRanks, add_relation_summaries, add_run, event_rank_triples, rank_triples, statement_ranks, doc_iri, document_graph, entities_graph, entity_iri, entity_types, run_iri, RunInfo
from kg.resolve import DocumentResult, Entity, ResolvedEvent, enforce_roles
from kg.summaries import RelationSummaries

# Documents per batch: big enough for pySHACL's per-call cost to vanish, small enough that a
# batch written again at the end is cheap.
BATCH_DOCS = 32
# Batches queued for the background process at most; the NLP waits beyond that (bounded memory).
QUEUED = 3

# The types resolution gives minted (non-gazetteer) names, by side.
MINTED_ACTOR_TYPES = {"ArmedGroup", "Person", "Organization", "Civilians"}
MINTED_PLACE_TYPES = {"Settlement", "Region"}


def settle(entity: Entity) -> Entity:
    """A minted name seen as both a place and a group keeps the group side, so classes stay
    disjoint (gazetteer entries keep their types)."""
    if entity.gazetteer or not (entity.types & MINTED_ACTOR_TYPES and entity.types & MINTED_PLACE_TYPES):
        return entity
    return replace(entity, types=entity.types - MINTED_PLACE_TYPES)


def merge_entity(into: dict[str, Entity], entity: Entity) -> None:
    known = into.get(entity.id)
    if known is None:
        into[entity.id] = Entity(entity.id, entity.label, set(entity.types), set(entity.surface), entity.gazetteer)
    else:
        known.types |= entity.types
        known.surface |= entity.surface


class EventSummaries:
    """For each event key: the document that first reported it (its owner) and the facts that
    take one value across reports: the first report's trigger and date wording, the largest
    casualty and evacuee figures with their qualifiers.

    Kept as short lists (one per event for the whole corpus, so size matters); an undated event
    is told by one article only (its key holds the article's id) and is forgotten once that
    article's batch is cut (``forget_local``), all but its key, which ``chronology`` needs."""

    def __init__(self) -> None:
        # key → [owner doc id, kind, trigger, date text, killed, qualifier, injured, qualifier, count, qualifier, ISO date]
        self.items: dict[str, list[object]] = {}
        self.counts: Counter[str] = Counter()
        self.local: list[str] = []
        # every undated event's key with its kind and whether it has a casualty figure, kept for
        # the event ranks (its summary is forgotten with its batch)
        self.undated: dict[str, tuple[str, bool]] = {}

    def add(self, result: DocumentResult, *, local_only: bool = False) -> None:
        """Fold in a document's events; ``local_only`` brings back its forgotten undated ones
        (to write its batch again)."""
        for event in result.events:
            if local_only and event.date is not None:
                continue
            known = self.items.get(event.key)
            if known is None:
                self.items[event.key] = [
                    result.document.id, event.kind, sys.intern(event.trigger), event.date_text, event.killed, event.killed_qualifier,
                    event.injured, event.injured_qualifier, event.count, event.count_qualifier,
                    event.date.isoformat() if event.date is not None else None,
                ]
                if not local_only:
                    self.counts[event.kind] += 1
                if event.date is None:
                    self.local.append(event.key)
                    if not local_only:
                        self.undated[event.key] = (event.kind, event.killed is not None or event.injured is not None)
                continue
            for slot, value, qualifier in ((4, event.killed, event.killed_qualifier), (6, event.injured, event.injured_qualifier), (8, event.count, event.count_qualifier)):
                values = [v for v in (known[slot], value) if v is not None]
                if values and max(values) != known[slot]:  # type: ignore[type-var]
                    known[slot], known[slot + 1] = max(values), qualifier  # type: ignore[type-var]

    def owned_by(self, doc_id: str, keys: Iterable[str]) -> list[ResolvedEvent]:
        """The summaries of the events among ``keys`` that ``doc_id`` reported first."""
        out = []
        for key in dict.fromkeys(keys):
            item = self.items.get(key)
            if item is not None and item[0] == doc_id:
                owner, kind, trigger, date_text, killed, kq, injured, iq, count, cq, _ = item
                out.append(ResolvedEvent(
                    key=key, kind=kind, relation="", doc_ids=[owner], agents=(), targets=(), places=(), origins=(), destinations=(),  # type: ignore[arg-type]
                    date=None, date_text=date_text, evidence=[], trigger=trigger, killed=killed, killed_qualifier=kq,  # type: ignore[arg-type]
                    injured=injured, injured_qualifier=iq, count=count, count_qualifier=cq,  # type: ignore[arg-type]
                ))
        return out

    def forget_local(self) -> None:
        for key in self.local:
            self.items.pop(key, None)
        self.local = []

    def kinds(self) -> Counter[str]:
        return Counter(self.counts)

    def chronology(self) -> list[RankedEvent]:
        """Every event in time order, the order of kg:eventRank: dated events by day, then the
        undated ones; ties by key, which is the event IRI's order too (one namespace). This is
        the order the canned event listings sort by first (date bound, date, event IRI). Each
        comes with its kind and whether it has a killed or injured figure, for the ranks within
        a kind (kg:kindRank) and among events with casualties (kg:casualtyRank)."""
        dated = sorted((str(item[10]), key) for key, item in self.items.items() if item[10] is not None)
        out = []
        for _, key in dated:
            item = self.items[key]
            out.append(RankedEvent(key, str(item[1]), item[4] is not None or item[6] is not None))
        return out + [RankedEvent(key, *self.undated[key]) for key in sorted(self.undated)]


def corpus_graph(entities: dict[str, Entity], relations: RelationSummaries, info: RunInfo, gazetteer: gaz.Gazetteer,
                 ranks: StatementRanks | None = None, chronology: Iterable[RankedEvent] = ()) -> Graph:
    """The corpus-wide triples of a build (the reduce step): every entity with its merged types
    and labels, the run, and the relation summaries; with ``ranks`` given, the assertions'
    kg:rank triples and the events' kg:eventRank triples are left to the caller (``rank_triples``,
    ``event_rank_triples``), else they are in the graph too (events in ``chronology``'s order)."""
    default = entities_graph(entities, gazetteer)
    add_run(default, info)
    add_relation_summaries(default, relations, ranks)
    if ranks is None:
        for triple in rank_triples(statement_ranks(relations)):
            default.add(triple)
        for triple in event_rank_triples(chronology):
            default.add(triple)
    return default


def summary_fields(event: ResolvedEvent) -> tuple[object, ...]:
    return (event.trigger, event.date_text, event.killed, event.killed_qualifier, event.injured, event.injured_qualifier, event.count, event.count_qualifier)


@dataclass
class BatchJob:
    """What the background process needs to write and validate one batch."""

    index: int
    results: list[DocumentResult]
    owned: dict[str, list[ResolvedEvent]]
    context: dict[str, tuple[str, ...]]
    run: str
    validate: bool
    quads: bool
    folder: str


@dataclass
class BatchDone:
    index: int
    results: list[object]
    seconds: dict[str, float]
    failed: list[Failure] = field(default_factory=list)


def emit_batch(job: BatchJob) -> BatchDone:
    """Write the batch's triples as a sorted run (and quad run) and validate them.

    An article whose mapping or validation raises is left out: the batch is tried again without
    it, and it comes back in ``failed``, for the main process to drop from the corpus."""
    failed: list[Failure] = []
    results = job.results
    while True:
        try:
            done = _emit(job, results)
            done.failed = failed
            return done
        except Exception:
            culprit = _culprit(job, results)
            if culprit is None:
                raise  # not one article's fault: a bug in the batch work itself
            index, failure = culprit
            failed.append(failure)
            results = results[:index] + results[index + 1:]


def _culprit(job: BatchJob, results: list[DocumentResult]) -> tuple[int, Failure] | None:
    """The first article that fails alone, in mapping or in validation."""
    from kg.validate import validate_graph

    run = URIRef(job.run)
    for index, result in enumerate(results):
        stage = "rdf"
        try:
            injected_fault("rdf", result.document.text)
            graph = batch_graph()
            document_graph(result, job.owned.get(result.document.id, []), run, into=graph)
            if job.validate:
                stage = "validate"
                injected_fault("validate", result.document.text)
                validate_graph(graph, inplace=True)
        except Exception as error:  # noqa: BLE001
            return index, failure_of(stage, error).of(result.document.id, result.document.source)
    return None


def _emit(job: BatchJob, results: list[DocumentResult]) -> BatchDone:
    """The batch's triples and validation, for ``emit_batch``.

    The graph validated is the batch's triples plus the types of the entities and run they point
    to. Results about those context nodes are dropped here: entities and the run are validated
    whole at the end (``final_graphs``)."""
    from kg.validate import validate_graph

    seconds: dict[str, float] = {}
    clock = time.perf_counter()
    run = URIRef(job.run)
    graph = batch_graph()
    quads: list[str] = []
    for result in results:
        injected_fault("rdf", result.document.text)
        owned = job.owned.get(result.document.id, [])
        if job.quads:
            own = document_graph(result, owned, run)
            quads.extend(quad_lines(str(own.identifier), own))
            for triple in own:
                graph.add(triple)
        else:
            document_graph(result, owned, run, into=graph)
    seconds["rdf"] = time.perf_counter() - clock
    clock = time.perf_counter()
    folder = Path(job.folder)
    write_run(folder / f"{job.index:06d}.nt", nt_lines(graph))
    if job.quads:
        write_run(folder / f"{job.index:06d}.nq", sorted(quads))
    seconds["sorted runs"] = time.perf_counter() - clock
    clock = time.perf_counter()
    found: list[object] = []
    if job.validate:
        for result in results:
            injected_fault("validate", result.document.text)
        context = {str(run)}
        graph.add((run, RDF.type, PROV.Activity))
        for entity_id, types in job.context.items():
            node = entity_iri(entity_id)
            context.add(str(node))
            for type_name in types:
                graph.add((node, RDF.type, KG[type_name]))
        report = validate_graph(graph, inplace=True)
        found = [r for r in report.results if r.focus_node not in context]
    seconds["SHACL"] = time.perf_counter() - clock
    return BatchDone(job.index, found, seconds)


@dataclass
class BatchRecord:
    """What the main process keeps of a batch: where its input is spilled and what it read."""

    index: int
    spill: Path
    doc_ids: list[str]
    pre: dict[str, frozenset[str]]
    context: dict[str, tuple[str, ...]] = field(default_factory=dict)
    owned: dict[str, tuple[object, ...]] = field(default_factory=dict)
    reported: dict[str, tuple[str, ...]] = field(default_factory=dict)
    relations: Counter[str] = field(default_factory=Counter)


def _start_background() -> ProcessPoolExecutor:
    # spawn, not fork: the parent may hold spaCy worker pipes and threads.
    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))


class StreamBuild:
    """Collects resolved documents batch by batch; ``finish`` returns the runs and the report."""

    def __init__(
        self, info: RunInfo, run: URIRef, folder: Path, *, validate: bool, quads: bool, background: bool,
        executor: Executor | None = None, lost: tuple[type[BaseException], ...] = (), queued: int = QUEUED,
    ) -> None:
        """``executor`` does the batch work elsewhere (a Dask cluster, kg.cluster) instead of a
        background process of this machine; ``lost`` are its exceptions that mean the process
        doing a batch died (the batch is then done here); ``queued`` bounds the batches in flight."""
        self.info = info
        self.run = run
        self.folder = folder
        self.validate = validate
        self.quads = quads
        self.gazetteer = gaz.load(gaz.default_path())
        self.pending: list[DocumentResult] = []
        self.batches: list[BatchRecord] = []
        self.pre: dict[str, Entity] = {}
        self.post: dict[str, Entity] = {}
        self.events = EventSummaries()
        self.direct: set[tuple[str, str, str]] = set()
        self.relations = RelationSummaries()
        self.reports: dict[int, list[object]] = {}
        self.seconds: Counter[str] = Counter()  # batch work by stage, wherever it ran
        self.rewritten = 0
        self.failures: list[Failure] = []  # articles left out by the batch work
        self.excluded: set[str] = set()  # their ids: dropped from the corpus state at the end
        self.left_out: set[str] = set()  # articles that failed before reaching the stream
        self.owns_executor = executor is None
        self.executor: Executor | None = executor if executor is not None else (_start_background() if background else None)
        self.lost = (BrokenProcessPool, CancelledError, *lost)
        self.queued = queued
        self.queue: deque[tuple[Future[BatchDone], BatchJob]] = deque()

    # --- while documents arrive ------------------------------------------------------------

    def add(self, result: DocumentResult) -> None:
        for entity in result.entities.values():
            merge_entity(self.pre, entity)
        self.pending.append(result)
        if len(self.pending) >= BATCH_DOCS:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        results, self.pending = self.pending, []
        record = BatchRecord(len(self.batches), self.folder / f"{len(self.batches):06d}.pickle", [r.document.id for r in results], {})
        with open(record.spill, "wb") as out:
            pickle.dump(results, out, protocol=pickle.HIGHEST_PROTOCOL)
        self.batches.append(record)
        job = self._prepare(record, results)
        if self.executor is None:
            self._done(emit_batch(job))
            return
        try:
            self.queue.append((self.executor.submit(emit_batch, job), job))
        except BrokenProcessPool:  # the background process died before this batch was sent
            while self.queue:
                self._wait()
            self.close()
            self._done(emit_batch(job))
            return
        while len(self.queue) > self.queued:
            self._wait()

    def _wait(self) -> None:
        """The oldest queued batch's outcome. If the background process died, its batches are
        done here instead (the executor notices a dead process at once: no wait is unbounded)."""
        future, job = self.queue.popleft()
        try:
            done = future.result()
        except self.lost:
            if self.owns_executor:
                self.close()
            done = emit_batch(job)
        self._done(done)

    def _prepare(self, record: BatchRecord, results: list[DocumentResult]) -> BatchJob:
        """Enforce roles with the corpus types known now, fold the batch into the corpus-wide
        state, and record what the batch read."""
        record.pre = {i: frozenset(settle(self.pre[i]).types) for r in results for i in r.entities}
        enforced = self._enforce(results)
        self._fold(record, enforced)
        return self._job(record, enforced)

    def _enforce(self, results: list[DocumentResult]) -> list[DocumentResult]:
        """Roles enforced with the corpus-wide types known now."""
        return enforce_roles(results, {i: settle(self.pre[i]) for r in results for i in r.entities})

    def _fold(self, record: BatchRecord, enforced: list[DocumentResult]) -> None:
        """Add a batch's enforced results to the corpus-wide state written at the end."""
        record.relations = Counter()
        for result in enforced:
            for entity in result.entities.values():
                merge_entity(self.post, entity)
            self.events.add(result)
            self.direct.update((r.subject, r.predicate, r.object) for r in result.relations)
            self.relations.add(result)
            record.relations.update(r.predicate for r in result.relations)

    def _job(self, record: BatchRecord, enforced: list[DocumentResult]) -> BatchJob:
        owned = {r.document.id: self.events.owned_by(r.document.id, (e.key for e in r.events)) for r in enforced}
        # Only dated events can be reported by a later article; the rest are final already.
        record.reported = {r.document.id: tuple(dict.fromkeys(e.key for e in r.events if e.date is not None)) for r in enforced}
        dated = {k for keys in record.reported.values() for k in keys}
        record.owned = {e.key: summary_fields(e) for events in owned.values() for e in events if e.key in dated}
        record.context = {i: entity_types(settle(self.post[i]), self.gazetteer) for r in enforced for i in r.entities}
        self.events.forget_local()
        return BatchJob(record.index, enforced, owned, record.context, str(self.run), self.validate, self.quads, str(self.folder))

    def _done(self, done: BatchDone) -> None:
        self.reports[done.index] = done.results
        self.seconds.update(done.seconds)
        for failure in done.failed:
            if failure.doc_id not in self.excluded:
                self.excluded.add(failure.doc_id)
                self.failures.append(failure)

    def leave_out(self, doc_id: str) -> None:
        """An article that failed before its batch: the run does not list it."""
        self.left_out.add(doc_id)

    # --- at the end ------------------------------------------------------------------------

    def finish(self) -> None:
        """Flush, wait for the background process, then write again every batch that read
        something that changed after it was cut."""
        try:
            self.flush()
            while self.queue:
                self._wait()
        finally:
            if self.owns_executor:
                self.close()
        # A borrowed executor (a cluster) also does the rewrites; a background process does not.
        try:
            while True:
                excluded = len(self.excluded)
                self._settle()
                if len(self.excluded) == excluded:
                    break
        finally:
            self.close()

    def _settle(self) -> None:
        """Write again each batch that read something that changed after it was cut. Articles
        left out change the run (its IRI names the documents it built) and, when the batch work
        dropped them, the corpus state they were folded into: then every batch is written again."""
        built = tuple(d for d in self.info.documents if d not in self.left_out and d not in self.excluded)
        every = built != self.info.documents
        if every:
            self.info = replace(self.info, documents=built)
            self.run = run_iri(self.info)
        if self.excluded:
            self.pre = {}
            for record in self.batches:
                for result in self._load(record):
                    for entity in result.entities.values():
                        merge_entity(self.pre, entity)
        pre_changed = {b.index for b in self.batches if any(i not in self.pre or frozenset(settle(self.pre[i]).types) != t for i, t in b.pre.items())}
        if pre_changed or self.excluded:
            self._refold()
        for record in self.batches:
            if every or record.index in pre_changed or self._read_changed(record):
                enforced = self._enforce(self._load(record))
                for result in enforced:
                    self.events.add(result, local_only=True)
                job = self._job(record, enforced)
                self.rewritten += 1
                if self.executor is None:
                    self._done(emit_batch(job))
                    continue
                # Jobs are made in order (they share the corpus state); their work is independent.
                self.queue.append((self.executor.submit(emit_batch, job), job))
                while len(self.queue) > self.queued:
                    self._wait()
        while self.queue:
            self._wait()

    def _read_changed(self, record: BatchRecord) -> bool:
        """Whether the entity types or event summaries a batch was written with have changed."""
        context = {i: entity_types(settle(self.post[i]), self.gazetteer) for i in record.context}
        owned = {e.key: summary_fields(e) for d, keys in record.reported.items() for e in self.events.owned_by(d, keys)}
        return context != record.context or owned != record.owned

    def _refold(self) -> None:
        """Some batch enforced roles with types that changed later: rebuild the corpus-wide
        state from the spilled batches with the final types."""
        self.post, self.events, self.direct, self.relations = {}, EventSummaries(), set(), RelationSummaries()
        for record in self.batches:
            self._fold(record, self._enforce(self._load(record)))
            self.events.forget_local()

    def _load(self, record: BatchRecord) -> list[DocumentResult]:
        with open(record.spill, "rb") as handle:
            results: list[DocumentResult] = pickle.load(handle)
        return [r for r in results if r.document.id not in self.excluded]

    def close(self) -> None:
        if self.executor is not None:
            for future, _ in self.queue:
                future.cancel()
            if self.owns_executor:
                self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None

    def entities(self) -> dict[str, Entity]:
        return {i: settle(e) for i, e in self.post.items()}

    def relation_counts(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for record in self.batches:
            total.update(record.relations)
        return total

    def final_graphs(self) -> tuple[list[str], list[str], list[object]]:
        """The default graph (entities, the run, the relation summaries) as a sorted run and
        quad run, and its validation: the graph with every distinct entity-to-entity triple and
        each document's type, results about the documents dropped (their batches reported them)."""
        from kg.validate import validate_graph

        # The assertions' and events' ranks (one triple each) go straight to lines: held in the
        # graph and validated by pySHACL they would cost ~1 KB each (a 10,000-article build
        # peaked at ~1 GiB). Their shapes are checked where they are made (tests/test_scale_store.py).
        ranks = statement_ranks(self.relations)
        default = corpus_graph(self.entities(), self.relations, self.info, self.gazetteer, ranks)
        ranked = nt_lines(itertools.chain(rank_triples(ranks), event_rank_triples(self.events.chronology())))
        lines = list(heapq.merge(nt_lines(default), ranked))
        quads = list(heapq.merge(quad_lines(None, default), (f"{graph_key(None)}\t{line}" for line in ranked))) if self.quads else []
        del ranked
        results: list[object] = []
        if self.validate:
            documents = {str(doc_iri(d)) for d in self.info.documents}
            for subject, predicate, obj in self.direct:
                default.add((entity_iri(subject), KG[predicate], entity_iri(obj)))
            for doc in documents:
                default.add((URIRef(doc), RDF.type, KG.Document))
            report = validate_graph(default, inplace=True)
            results = [r for r in report.results if r.focus_node not in documents]
        return lines, quads, results

    def validation_results(self) -> list[object]:
        return [r for index in sorted(self.reports) for r in self.reports[index]]
