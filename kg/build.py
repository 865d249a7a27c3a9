"""``kg build``: articles in, validated RDF out.

documents → nlp (spaCy + ruler + relation component) → resolve → rdf → validate → write.
Output is written to a temporary folder beside ``out`` and moved in only when complete, so a
failed build leaves ``out`` as it was.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from rdflib import Graph

import kg
from kg import gazetteer as gaz
from kg.cluster import WorkerSettings
from kg.checkpoint import Checkpoint, code_fingerprint, file_hash
from kg.documents import DEFAULT_MAX_BYTES, Document, iter_input_files, load_file
from kg.errors import InputError, KgError
from kg.export import merge_runs, nt_lines, quad_lines, trig_from_quad_lines, turtle_from_nt, turtle_text, write_run
from kg.extraction import LEXICON_PATH, Event, Extraction, Fact, Mention
from kg.failures import ArticleFailed, Failure, failure_of, injected_fault
from kg.namespaces import PREFIXES, new_graph
from kg.nlp import build_pipeline, model_meta, model_name, scorer_path
from kg.rdf import RunInfo, document_graph, run_iri
from kg.resolve import DocumentResult, Entity, Resolver, enforce_roles, resolve_document
from kg.stream import BATCH_DOCS, EventSummaries, StreamBuild, corpus_graph, merge_entity, settle
from kg.summaries import summarise
from kg.validate import ValidationReport, ValidationResult
from kg.workers import WorkerPool, analyse_in_process

if TYPE_CHECKING:
    from spacy.language import Language

    from kg.cluster import ClusterSession

FORMATS = {"turtle": "ttl", "nt": "nt", "json-ld": "jsonld", "jsonld": "jsonld", "trig": "trig"}
# Longer texts go to spaCy in pieces cut at paragraph or sentence ends: spaCy refuses texts over
# nlp.max_length (1,000,000 characters, error E088) and its memory grows with the text.
CHUNK_CHARS = 100_000


@dataclass
class BuildSummary:
    documents: int = 0
    skipped: list[str] = field(default_factory=list)
    entities: int = 0
    relations: Counter[str] = field(default_factory=Counter)
    events: Counter[str] = field(default_factory=Counter)
    triples: int = 0
    conforms: bool = True
    violations: int = 0
    files: list[Path] = field(default_factory=list)
    # Wall time of the build's stages in order; batch work (RDF, sorted runs, SHACL) is timed
    # apart in batch_timings, since it overlaps the NLP when it runs in the background.
    timings: dict[str, float] = field(default_factory=dict)
    batch_timings: dict[str, float] = field(default_factory=dict)
    rewritten: int = 0
    background: bool = False
    failures: list[Failure] = field(default_factory=list)
    failures_file: Path | None = None
    resumed: int = 0  # articles whose analysis came from an interrupted build's checkpoint

    @property
    def ok(self) -> bool:
        """Exit code 0: every article built and the graph conforms."""
        return self.conforms and not self.failures

    def lines(self) -> list[str]:
        notes = [f"{len(self.skipped)} skipped"] if self.skipped else []
        notes += [f"{len(self.failures)} failed"] if self.failures else []
        out = [f"documents: {self.documents}" + (f" ({', '.join(notes)})" if notes else "")]
        if self.resumed:
            out.append(f"resumed:   {self.resumed} articles analysed by the interrupted build")
        out.append(f"entities:  {self.entities}")
        total = sum(self.relations.values())
        out.append(f"relations: {total}" + ("" if not total else "  (" + ", ".join(f"{k} {v}" for k, v in sorted(self.relations.items())) + ")"))
        out.append(f"events:    {sum(self.events.values())}" + ("" if not self.events else "  (" + ", ".join(f"{k} {v}" for k, v in sorted(self.events.items())) + ")"))
        out.append(f"triples:   {self.triples}")
        out.append("conforms:  " + ("yes" if self.conforms else f"NO ({self.violations} violations, see validation.txt)"))
        for path in self.files:
            out.append(f"wrote {path}")
        if self.failures:
            out.append(f"{len(self.failures)} article{'s' if len(self.failures) != 1 else ''} failed (see {self.failures_file})")
        return out


def blank_furniture(document: Document) -> str:
    """The text spaCy sees: furniture replaced by spaces, so offsets do not move."""
    if not document.skip:
        return document.text
    chars = list(document.text)
    for start, end in document.skip:
        for index in range(start, end):
            if chars[index] != "\n":
                chars[index] = " "
    return "".join(chars)


def iter_documents(
    inputs: list[Path],
    *,
    encoding: str | None,
    max_bytes: int,
    keep_going: bool,
    on_problem: Callable[[InputError], None] | None = None,
    out_dir: Path | None = None,
) -> Iterator[Document]:
    """Every article in ``inputs``, read one file at a time. A bad input raises, or with
    ``keep_going`` goes to ``on_problem`` (a bad JSONL line skips that line only).
    ``out_dir``'s validation.txt is not an article, even when ``out_dir`` is inside an input."""

    def problem(error: InputError) -> None:
        if not keep_going:
            raise error
        if on_problem is not None:
            on_problem(error)

    seen: dict[str, str] = {}
    # os.path.realpath, not Path.resolve: that raises on a symbolic link loop.
    report = os.path.realpath(out_dir / "validation.txt") if out_dir is not None else None
    for path in iter_input_files(inputs, on_error=problem):
        if report is not None and os.path.realpath(path) == report:
            continue
        try:
            for document in load_file(path, encoding=encoding, max_bytes=max_bytes, on_error=problem if keep_going else None):
                if document.id in seen:
                    problem(InputError(document.source, f"duplicate article id {document.id!r} (also in {seen[document.id]})"))
                    continue
                seen[document.id] = document.source
                yield document
        except InputError as error:
            problem(error)


def read_documents(
    inputs: list[Path],
    *,
    encoding: str | None,
    max_bytes: int,
    keep_going: bool,
    skipped: list[str],
    on_skip: Callable[[str], None] | None = None,
    out_dir: Path | None = None,
) -> list[Document]:
    """Every article in ``inputs``, in memory; skipped inputs are listed in ``skipped`` and
    passed to ``on_skip``."""

    def problem(error: InputError) -> None:
        skipped.append(str(error))
        if on_skip is not None:
            on_skip(str(error))

    documents = list(iter_documents(inputs, encoding=encoding, max_bytes=max_bytes, keep_going=keep_going, on_problem=problem, out_dir=out_dir))
    if not documents:
        raise KgError("no articles to build" + (f" ({len(skipped)} inputs skipped)" if skipped else ""))
    return documents


def iter_outcomes(
    documents: Iterable[Document],
    nlp: "Language",
    resolver: Resolver,
    *,
    workers: int = 1,
    chunk_chars: int | None = None,
    timeout: float | None = None,
) -> Iterator[DocumentResult | Failure]:
    """Each document through the NLP pipeline and per-document resolution, in input order: its
    result, or the failure that leaves it out of the build.

    Texts over ``chunk_chars`` (default CHUNK_CHARS) are analysed in pieces and the pieces'
    extractions joined, offsets relative to the whole text; a failed piece fails its document.
    With ``workers`` > 1 the NLP runs in a ``WorkerPool``. Only documents in flight are held."""
    limit = max(1, chunk_chars or CHUNK_CHARS)
    in_flight: dict[int, Document] = {}
    pieces: dict[int, list[tuple[int, Extraction]]] = {}
    failed: dict[int, Failure] = {}
    contexts: dict[int, tuple[int, int, bool]] = {}  # piece number → (document index, offset, last)

    def items() -> Iterator[tuple[int, str]]:
        for number, (text, context) in enumerate(_chunked_texts(documents, limit, in_flight)):
            contexts[number] = context
            yield number, text

    pool = WorkerPool(nlp, workers, timeout=timeout) if workers > 1 else None
    payloads = pool.run(items()) if pool is not None else analyse_in_process(nlp, items())
    try:
        for number, payload in payloads:
            index, offset, last = contexts.pop(number)
            if "failure" in payload:
                failed.setdefault(index, Failure.from_dict(payload["failure"]))
            elif index not in failed:
                pieces.setdefault(index, []).append((offset, Extraction.from_dict(payload)))
            if not last:
                continue
            document = in_flight.pop(index)
            parts = pieces.pop(index, [])
            if index in failed:
                yield failed.pop(index).of(document.id, document.source)
                continue
            try:
                injected_fault("resolve", document.text)
                yield resolve_document(document, join_extractions(parts), resolver)
            except Exception as error:  # noqa: BLE001 - one article's bug, not the build's
                yield failure_of("resolve", error).of(document.id, document.source)
    finally:
        payloads.close()


def iter_resolved(
    documents: Iterable[Document],
    nlp: "Language",
    resolver: Resolver,
    *,
    workers: int = 1,
    chunk_chars: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Iterator[DocumentResult]:
    """``iter_outcomes`` for callers that need every document: the first failure raises."""
    for outcome in iter_outcomes(documents, nlp, resolver, workers=workers, chunk_chars=chunk_chars):
        if isinstance(outcome, Failure):
            raise ArticleFailed(outcome)
        yield outcome
        if progress is not None:
            progress(1)


def analyse(
    documents: list[Document],
    *,
    model: str | None = None,
    workers: int = 1,
    gazetteer_path: Path | None = None,
    progress: Callable[[int], None] | None = None,
    nlp: "Language | None" = None,
    chunk_chars: int | None = None,
) -> tuple[list[DocumentResult], RunInfo]:
    """The NLP pipeline and resolution over documents held in memory, in input order.

    ``nlp`` is a pipeline from ``kg.nlp.build_pipeline`` to reuse (tests load it once)."""
    gazetteer = gaz.load(gazetteer_path or gaz.default_path())
    nlp = nlp if nlp is not None else build_pipeline(model, gazetteer_path)
    name, version = model_meta(nlp)
    results = list(iter_resolved(documents, nlp, Resolver(gazetteer), workers=workers, chunk_chars=chunk_chars, progress=progress))
    info = RunInfo(kg.__version__, name, version, tuple(d.id for d in documents))
    # Types are settled across the corpus first, then every participant must fit its role.
    return enforce_roles(results, merge_entities(results)), info


def _chunked_texts(documents: Iterable[Document], limit: int, in_flight: dict[int, Document]) -> Iterator[tuple[str, tuple[int, int, bool]]]:
    """(text, (document index, offset, is last piece)) for spaCy, in order; each document is
    put in ``in_flight`` until its results are taken."""
    for index, document in enumerate(documents):
        in_flight[index] = document
        text = blank_furniture(document)
        spans = chunk_spans(text, limit)
        for number, (start, end) in enumerate(spans):
            yield text[start:end], (index, start, number == len(spans) - 1)


# Where to cut, best first: after a blank line, a line break, a sentence end, any space.
_CUTS = (re.compile(r"\n[ \t]*\n\s*"), re.compile(r"\n\s*"), re.compile(r"[.!?][\"')\]]*\s+"), re.compile(r"\s+"))


def chunk_spans(text: str, limit: int = CHUNK_CHARS) -> list[tuple[int, int]]:
    """Consecutive (start, end) spans covering ``text``, each at most ``limit`` characters,
    cut at the best boundary in the second half of each window (a hard cut if none)."""
    spans: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > limit:
        window_start, window_end = start + limit // 2, start + limit
        cut = window_end
        for pattern in _CUTS:
            ends = [m.end() for m in pattern.finditer(text, window_start, window_end) if m.end() <= window_end]
            if ends:
                cut = ends[-1]
                break
        spans.append((start, cut))
        start = cut
    spans.append((start, len(text)))
    return spans


def join_extractions(parts: list[tuple[int, Extraction]]) -> Extraction:
    """One extraction from the extractions of consecutive pieces of a text.

    Character offsets move by the piece's offset; mention and sentence indices by the counts of
    the pieces before it.
    """
    if len(parts) == 1 and parts[0][0] == 0:
        return parts[0][1]
    mentions: list[Mention] = []
    events: list[Event] = []
    facts: list[Fact] = []
    sentences: list[tuple[int, int]] = []
    for offset, part in parts:
        m, n = len(mentions), len(sentences)

        def moved(indices: tuple[int, ...]) -> tuple[int, ...]:
            return tuple(i + m for i in indices)

        mentions.extend(replace(x, start=x.start + offset, end=x.end + offset) for x in part.mentions)
        events.extend(
            replace(
                e, agents=moved(e.agents), targets=moved(e.targets), places=moved(e.places), origins=moved(e.origins),
                destinations=moved(e.destinations), reported_by=moved(e.reported_by), sentence=e.sentence + n,
                trigger_start=e.trigger_start + offset, trigger_end=e.trigger_end + offset,
            )
            for e in part.events
        )
        facts.extend(
            replace(
                f, subject=f.subject + m, object=f.object + m, sentence=f.sentence + n,
                trigger_start=f.trigger_start + offset, trigger_end=f.trigger_end + offset,
            )
            for f in part.facts
        )
        sentences.extend((start + offset, end + offset) for start, end in part.sentences)
    return Extraction(tuple(mentions), tuple(events), tuple(facts), tuple(sentences))


def merge_entities(results: Iterable[DocumentResult]) -> dict[str, Entity]:
    entities: dict[str, Entity] = {}
    for result in results:
        for entity in result.entities.values():
            merge_entity(entities, entity)
    return {entity_id: settle(entity) for entity_id, entity in entities.items()}


def build_graphs(results: list[DocumentResult], info: RunInfo) -> tuple[Graph, list[Graph]]:
    """(default graph: entities and the run, per-document graphs), all in memory.

    The same triples ``build`` streams: each document graph holds its own report of each event,
    and the document that first reported an event also holds the event's summary."""
    gazetteer = gaz.load(gaz.default_path())
    summaries = EventSummaries()
    for result in results:
        summaries.add(result)
    default = corpus_graph(merge_entities(results), summarise(results), info, gazetteer, chronology=summaries.chronology())
    run = run_iri(info)
    named = [
        document_graph(result, summaries.owned_by(result.document.id, (e.key for e in result.events)), run)
        for result in results
    ]
    return default, named


def union(default: Graph, named: list[Graph]) -> Graph:
    graph = new_graph()
    for part in (default, *named):
        for triple in part:
            graph.add(triple)
    return graph


def serialise(graph: Graph, fmt: str) -> str:
    """Serialise an in-memory graph deterministically, as ``build`` writes it: N-Triples as
    sorted lines, Turtle in that order, JSON-LD with kg's prefixes as its context."""
    if fmt == "nt":
        return "".join(line + "\n" for line in nt_lines(graph))
    if fmt in ("json-ld", "jsonld"):
        context = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
        return graph.serialize(format="json-ld", context=context, sort_keys=True, indent=1)
    return turtle_text(graph)


def serialise_trig(default: Graph, named: list[Graph]) -> str:
    """TriG with the named graphs in IRI order, then the default graph."""
    lines = quad_lines(None, default)
    for graph in named:
        lines.extend(quad_lines(str(graph.identifier), graph))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "graph.trig"
        trig_from_quad_lines(sorted(set(lines)), path)
        return path.read_text(encoding="utf-8")


def check_out_dir(out_dir: Path) -> None:
    """Fail before the slow stages if ``out_dir`` cannot be an output folder."""
    if out_dir.exists() and not out_dir.is_dir():
        raise KgError(f"{out_dir}: exists and is not a folder; choose another --out")


def write_outputs(out_dir: Path, files: dict[str, str]) -> list[Path]:
    """Write every file to a temporary folder beside ``out_dir``, then move each in (see
    ``staged_outputs``)."""
    with staged_outputs(out_dir) as temporary:
        for name, content in files.items():
            (temporary / name).write_text(content, encoding="utf-8")
        return _move_in(temporary, out_dir, list(files))


@contextmanager
def staged_outputs(out_dir: Path) -> Iterator[Path]:
    """A temporary folder beside ``out_dir`` to write outputs in, removed afterwards.

    ``_move_in`` moves the finished files in: each move is atomic, and if one fails the files
    already moved are put back as they were, so ``out_dir`` ends up fully updated or untouched."""
    check_out_dir(out_dir)
    temporary: Path | None = None
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        temporary = Path(tempfile.mkdtemp(prefix=".kg-build-", dir=out_dir.parent))
        yield temporary
    except OSError as error:
        raise KgError(f"{error.filename or out_dir}: cannot write the output: {error.strerror or error}") from None
    finally:
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)


def _move_in(temporary: Path, out_dir: Path, names: list[str]) -> list[Path]:
    created = not out_dir.exists()
    out_dir.mkdir(parents=True, exist_ok=True)
    backups: list[str] = []
    moved: list[str] = []
    try:
        for name in names:
            target = out_dir / name
            if target.exists():
                _keep_copy(target, temporary / f"previous.{name}")
                backups.append(name)
            os.replace(temporary / name, target)
            moved.append(name)
        return [out_dir / name for name in names]
    except BaseException:
        for name in moved:
            if name not in backups:
                (out_dir / name).unlink(missing_ok=True)
        for name in backups:
            os.replace(temporary / f"previous.{name}", out_dir / name)
        if created:
            shutil.rmtree(out_dir, ignore_errors=True)
        raise


def _keep_copy(path: Path, copy: Path) -> None:
    """A copy of ``path`` to restore on failure: a hard link where possible, else a real copy."""
    try:
        os.link(path, copy)
    except OSError:
        shutil.copy2(path, copy)


def build(
    inputs: list[Path],
    out_dir: Path,
    *,
    fmt: str = "turtle",
    model: str | None = None,
    workers: int = 1,
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    keep_going: bool = False,
    validate: bool = True,
    progress: Callable[[int], None] | None = None,
    on_documents: Callable[[int], None] | None = None,
    on_skip: Callable[[str], None] | None = None,
    background: bool | None = None,
    fail_fast: bool = False,
    resume: bool = False,
    timeout: float | None = None,
    scorer: Path | None = None,
    cluster: str | None = None,
    shards: Path | None = None,
) -> BuildSummary:
    """Build ``out_dir``/graph.ttl, validation.txt and failures.jsonl (and graph.nt, .jsonld or
    .trig); see ``_build``.

    ``cluster`` (``tcp://host:port`` or ``local:N``) runs the NLP and the batch work on a Dask
    cluster (kg.cluster); the batches' shards go to ``shards`` (a folder every machine shares),
    by default the build's temporary folder beside ``out_dir``. The output is the same bytes."""
    if cluster is None:
        if shards is not None:
            raise KgError("--shards is for --cluster builds only")
        return _build(inputs, out_dir, fmt=fmt, model=model, workers=workers, encoding=encoding, max_bytes=max_bytes,
                      keep_going=keep_going, validate=validate, progress=progress, on_documents=on_documents, on_skip=on_skip,
                      background=background, fail_fast=fail_fast, resume=resume, timeout=timeout, scorer=scorer)
    if workers != 1:
        raise KgError("--workers is for one machine; with --cluster the Dask workers do the work (local:N starts N)")
    from kg.cluster import ClusterSession

    session = ClusterSession(cluster)  # checks the address and that Dask is installed; connects later
    try:
        return _build(inputs, out_dir, fmt=fmt, model=model, encoding=encoding, max_bytes=max_bytes, keep_going=keep_going,
                      validate=validate, progress=progress, on_documents=on_documents, on_skip=on_skip, fail_fast=fail_fast,
                      resume=resume, scorer=scorer, session=session, shards=shards)
    finally:
        session.close()


def worker_fingerprints(scorer_file: str | None) -> list[tuple[str, object]]:
    """What an article's analysis depends on besides its text and the model: checked on resume
    (kg.checkpoint) and on each cluster worker (kg.cluster)."""
    return [
        ("kg_version", kg.__version__), ("code", code_fingerprint()), ("gazetteer", file_hash(gaz.default_path())),
        ("lexicon", file_hash(LEXICON_PATH)), ("scorer", file_hash(Path(scorer_file)) if scorer_file else None),
    ]


def _build(
    inputs: list[Path],
    out_dir: Path,
    *,
    fmt: str = "turtle",
    model: str | None = None,
    workers: int = 1,
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    keep_going: bool = False,
    validate: bool = True,
    progress: Callable[[int], None] | None = None,
    on_documents: Callable[[int], None] | None = None,
    on_skip: Callable[[str], None] | None = None,
    background: bool | None = None,
    fail_fast: bool = False,
    resume: bool = False,
    timeout: float | None = None,
    scorer: Path | None = None,
    session: "ClusterSession | None" = None,
    shards: Path | None = None,
) -> BuildSummary:
    """Build ``out_dir``/graph.ttl, validation.txt and failures.jsonl (and graph.nt, .jsonld or
    .trig).

    The inputs are read twice: once to check them all and count the articles before the slow
    stages, once as the articles stream through the NLP. RDF, SHACL and the sorted runs are
    made batch by batch (see kg.stream), in a background process when ``background`` is true
    (default: with one worker and more than two batches); the output is the same either way.

    An article that kg fails to analyse is left out and listed in failures.jsonl (``fail_fast``
    raises instead). The NLP outcomes are checkpointed beside ``out_dir``; ``resume`` goes on
    from those of an interrupted build of the same inputs (see kg.checkpoint)."""
    if fmt not in FORMATS:
        raise KgError(f"unknown format {fmt!r}; choose one of turtle, nt, json-ld, trig")
    check_out_dir(out_dir)
    summary = BuildSummary()
    clock = time.perf_counter()

    def skip(error: InputError) -> None:
        summary.skipped.append(str(error))
        if on_skip is not None:
            on_skip(str(error))

    reading = dict(encoding=encoding, max_bytes=max_bytes, keep_going=keep_going, out_dir=out_dir)
    inputs_hash = hashlib.sha256()
    doc_ids = []
    for document in iter_documents(inputs, on_problem=skip, **reading):  # type: ignore[arg-type]
        doc_ids.append(document.id)
        inputs_hash.update(_fingerprint(document))
    if not doc_ids:
        raise KgError("no articles to build" + (f" ({len(summary.skipped)} inputs skipped)" if summary.skipped else ""))
    if on_documents is not None:
        on_documents(len(doc_ids))
    summary.timings["read"] = time.perf_counter() - clock
    clock = time.perf_counter()
    gazetteer = gaz.load(gaz.default_path())
    if session is None:
        nlp = build_pipeline(model, scorer=scorer)
        scorer_file = nlp.get_pipe("kg_relations").scorer_path
        name, version = model_meta(nlp)
        fingerprints = worker_fingerprints(scorer_file)
    else:
        # The client loads no model: the workers do, and say which (the run's IRI names it).
        scorer_file = scorer_path(scorer)
        fingerprints = worker_fingerprints(scorer_file)
        settings = WorkerSettings(model_name(model), scorer_file, tuple(fingerprints))
        session.open()
        name, version = session.model(settings)
        settings = replace(settings, model_meta=(name, version))
    info = RunInfo(kg.__version__, name, version, tuple(doc_ids))
    checkpoint = Checkpoint(out_dir, {"inputs": inputs_hash.hexdigest(), "model": [name, version], **dict(fingerprints)}, resume=resume)
    summary.resumed = checkpoint.replayed
    summary.timings["model load"] = time.perf_counter() - clock
    clock = time.perf_counter()
    if background is None:
        # With spaCy workers the main process mostly waits for them, so it does the batch work
        # itself: a fourth process on two cores only added switching (measured 2-6 % slower).
        background = workers == 1 and len(doc_ids) > 2 * BATCH_DOCS
    with staged_outputs(out_dir) as temporary, _shard_folder(temporary, shards) as work:
        if session is None:
            stream = StreamBuild(info, run_iri(info), work, validate=validate, quads=fmt == "trig", background=background)
        else:
            stream = StreamBuild(info, run_iri(info), work, validate=validate, quads=fmt == "trig", background=False,
                                 executor=session.executor(), lost=session.lost(), queued=session.threads + 1)
        failures: list[Failure] = []
        try:
            checkpoint.start()
            documents = _same_documents(iter_documents(inputs, **reading), doc_ids)  # type: ignore[arg-type]
            todo = itertools.islice(documents, checkpoint.replayed, None)
            fresh = (
                iter_outcomes(todo, nlp, Resolver(gazetteer), workers=workers, timeout=timeout)
                if session is None else session.outcomes(settings, todo)
            )
            for number, outcome in enumerate(itertools.chain(checkpoint.replay(), fresh)):
                if number >= checkpoint.replayed:
                    checkpoint.add(outcome)
                if isinstance(outcome, Failure):
                    if fail_fast:
                        raise ArticleFailed(outcome)
                    failures.append(outcome)
                    stream.leave_out(outcome.doc_id)
                else:
                    stream.add(outcome)
                if progress is not None:
                    progress(1)
            summary.timings["nlp+extract+resolve"] = time.perf_counter() - clock
            clock = time.perf_counter()
            stream.finish()
            if fail_fast and stream.failures:
                raise ArticleFailed(stream.failures[0])
        finally:
            stream.close()
        order = {doc_id: index for index, doc_id in enumerate(doc_ids)}
        summary.failures = sorted(failures + stream.failures, key=lambda f: order[f.doc_id])
        (temporary / "failures.jsonl").write_text("".join(f.to_json() + "\n" for f in summary.failures), encoding="utf-8")
        summary.timings["after NLP: wait for batches, rewrite changed ones"] = time.perf_counter() - clock
        summary.batch_timings = dict(stream.seconds)
        summary.rewritten = stream.rewritten
        summary.background = background
        clock = time.perf_counter()
        lines, quads, final_results = stream.final_graphs()
        write_run(work / "default.nt", lines)
        if quads:
            write_run(work / "default.nq", quads)
        report = merged_report(stream.validation_results() + final_results)
        summary.timings["default graph and its SHACL"] = time.perf_counter() - clock
        clock = time.perf_counter()
        if session is not None:
            _check_shards(work, len(stream.batches), fmt == "trig")
        names = _write_graphs(temporary, work, len(stream.batches), fmt, summary)
        if validate:
            (temporary / "validation.txt").write_text(report.to_text(), encoding="utf-8")
            names.append("validation.txt")
        names.append("failures.jsonl")
        summary.timings["merge runs, write outputs"] = time.perf_counter() - clock
        summary.files = _move_in(temporary, out_dir, names)
    checkpoint.remove()
    summary.conforms = report.conforms
    summary.violations = len(report.results)
    summary.documents = len(stream.info.documents)
    summary.failures_file = out_dir / "failures.jsonl"
    summary.entities = len(stream.post)
    summary.relations = stream.relation_counts()
    summary.events = stream.events.kinds()
    return summary


@contextmanager
def _shard_folder(temporary: Path, shards: Path | None) -> Iterator[Path]:
    """Where the batches' runs (shards) go, removed afterwards: the build's temporary folder, or a
    folder of its own inside ``shards`` (a cluster's shared folder)."""
    if shards is None:
        folder = temporary / "work"
        folder.mkdir()
    else:
        try:
            folder = Path(tempfile.mkdtemp(prefix=".kg-shards-", dir=shards))
        except OSError as error:
            raise KgError(f"{shards}: cannot make the shard folder: {error.strerror or error}") from None
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _check_shards(work: Path, batches: int, quads: bool) -> None:
    """Every batch's shard is where the client reads it: workers on other machines write them into
    their own file systems unless the folder is shared."""
    suffixes = (".nt", ".nq") if quads else (".nt",)
    for index in range(batches):
        for suffix in suffixes:
            if not (work / f"{index:06d}{suffix}").is_file():
                raise KgError(
                    f"{work}: the workers' shards are not in this folder; with machines of their own, "
                    "--shards must be a folder that every machine shares at the same path"
                )


def merged_report(results: Iterable[ValidationResult]) -> ValidationReport:
    """One report from the batches' results: duplicates dropped, sorted; it conforms when no
    result is a violation (warnings and infos are allowed, as in ``validate_graph``)."""
    unique = sorted(set(results), key=ValidationResult.sort_key)
    return ValidationReport(all(r.severity in ("Warning", "Info") for r in unique), tuple(unique))


def _fingerprint(document: Document) -> bytes:
    """What a document's analysis depends on, as bytes for the checkpoint's inputs hash."""
    fields = [document.id, document.text, document.source, document.title, document.date.isoformat() if document.date else None, document.url, document.skip]
    return json.dumps(fields, ensure_ascii=False).encode("utf-8", "surrogatepass") + b"\n"


def _same_documents(documents: Iterator[Document], doc_ids: list[str]) -> Iterator[Document]:
    """The second read of the inputs, checked against the first: the run's IRI names them."""
    count = 0
    for document in documents:
        if count >= len(doc_ids) or document.id != doc_ids[count]:
            raise KgError(f"{document.source}: the inputs changed while kg was building; run it again")
        count += 1
        yield document
    if count != len(doc_ids):
        raise KgError("the inputs changed while kg was building (articles went missing); run it again")


def _write_graphs(temporary: Path, work: Path, batches: int, fmt: str, summary: BuildSummary) -> list[str]:
    """graph.ttl (and the extra format) from the sorted runs."""
    runs = [work / f"{index:06d}.nt" for index in range(batches)] + [work / "default.nt"]
    nt_path = temporary / "graph.nt" if fmt == "nt" else work / "graph.nt"
    triples = 0
    with open(nt_path, "w", encoding="utf-8", newline="\n") as out:
        for line in merge_runs(runs, work):
            out.write(line + "\n")
            triples += 1
    summary.triples = triples
    turtle_from_nt(nt_path, temporary / "graph.ttl")
    names = ["graph.ttl"]
    if fmt == "nt":
        names.append("graph.nt")
    elif fmt == "trig":
        quad_runs = [work / f"{index:06d}.nq" for index in range(batches)] + [work / "default.nq"]
        trig_from_quad_lines(merge_runs(quad_runs, work), temporary / "graph.trig")
        names.append("graph.trig")
    elif fmt in ("json-ld", "jsonld"):
        graph = new_graph()
        graph.parse(nt_path, format="nt")
        (temporary / "graph.jsonld").write_text(serialise(graph, "json-ld"), encoding="utf-8")
        names.append("graph.jsonld")
    return names


def print_summary(summary: BuildSummary, stream=sys.stdout) -> None:  # type: ignore[no-untyped-def]
    for line in summary.lines():
        print(line, file=stream)
