"""``kg build``: articles in, validated RDF out.

documents → nlp (spaCy + ruler + relation component) → resolve → rdf → validate → write.
Output is written to a temporary folder beside ``out`` and moved in only when complete, so a
failed build leaves ``out`` as it was.
"""
from __future__ import annotations

import io
import os
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from rdflib import Dataset, Graph, Literal, URIRef

import kg
from kg import gazetteer as gaz
from kg.documents import DEFAULT_MAX_BYTES, Document, iter_input_files, load_file
from kg.errors import InputError, KgError
from kg.extract import Event, Extraction, Fact, Mention
from kg.namespaces import PREFIXES, new_graph
from kg.nlp import RESULT_KEY, build_pipeline, model_meta
from kg.rdf import RunInfo, add_run, document_graph, entities_graph, run_iri
from kg.resolve import DocumentResult, Entity, ResolvedEvent, Resolver, enforce_roles, resolve_document

if TYPE_CHECKING:
    from spacy.language import Language

FORMATS = {"turtle": "ttl", "nt": "nt", "json-ld": "jsonld", "jsonld": "jsonld", "trig": "trig"}
BATCH_SIZE = 16
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
    timings: dict[str, float] = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [f"documents: {self.documents}" + (f" ({len(self.skipped)} skipped)" if self.skipped else "")]
        out.append(f"entities:  {self.entities}")
        total = sum(self.relations.values())
        out.append(f"relations: {total}" + ("" if not total else "  (" + ", ".join(f"{k} {v}" for k, v in sorted(self.relations.items())) + ")"))
        out.append(f"events:    {sum(self.events.values())}" + ("" if not self.events else "  (" + ", ".join(f"{k} {v}" for k, v in sorted(self.events.items())) + ")"))
        out.append(f"triples:   {self.triples}")
        out.append("conforms:  " + ("yes" if self.conforms else f"NO ({self.violations} violations, see validation.txt)"))
        for path in self.files:
            out.append(f"wrote {path}")
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
    """Every article in ``inputs``. A bad input stops the build, or with ``keep_going`` is
    listed in ``skipped`` and passed to ``on_skip`` (a bad JSONL line skips that line only).
    ``out_dir``'s validation.txt is not an article, even when ``out_dir`` is inside an input."""

    def problem(error: InputError) -> None:
        if not keep_going:
            raise error
        skipped.append(str(error))
        if on_skip is not None:
            on_skip(str(error))

    documents: list[Document] = []
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
                documents.append(document)
        except InputError as error:
            problem(error)
    if not documents:
        raise KgError("no articles to build" + (f" ({len(skipped)} inputs skipped)" if skipped else ""))
    return documents


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
    """Run the NLP pipeline and resolution over documents, in input order.

    ``nlp`` is a pipeline from ``kg.nlp.build_pipeline`` to reuse (tests load it once).
    Texts over ``chunk_chars`` (default CHUNK_CHARS) are analysed in pieces and the pieces'
    extractions joined, offsets relative to the whole text.
    """
    gazetteer = gaz.load(gazetteer_path or gaz.default_path())
    nlp = nlp if nlp is not None else build_pipeline(model, gazetteer_path)
    limit = max(1, chunk_chars or CHUNK_CHARS)
    resolver = Resolver(gazetteer)
    name, version = model_meta(nlp)
    results: list[DocumentResult] = []
    pieces: dict[int, list[tuple[int, Extraction]]] = {}
    texts = _chunked_texts(documents, limit)
    for spacy_doc, (index, offset, last) in nlp.pipe(texts, as_tuples=True, batch_size=BATCH_SIZE, n_process=max(1, workers)):
        pieces.setdefault(index, []).append((offset, Extraction.from_dict(spacy_doc.user_data[RESULT_KEY])))
        if not last:
            continue
        extraction = join_extractions(pieces.pop(index))
        results.append(resolve_document(documents[index], extraction, resolver))
        if progress is not None:
            progress(1)
    info = RunInfo(kg.__version__, name, version, tuple(d.id for d in documents))
    # Types are settled across the corpus first, then every participant must fit its role.
    return enforce_roles(results, merge_entities(results)), info


def _chunked_texts(documents: list[Document], limit: int) -> Iterator[tuple[str, tuple[int, int, bool]]]:
    """(text, (document index, offset, is last piece)) for spaCy, in order."""
    for index, document in enumerate(documents):
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


def merge_events(results: Iterable[DocumentResult]) -> dict[str, ResolvedEvent]:
    """One event per key across the corpus; reports of it keep their own evidence."""
    merged: dict[str, ResolvedEvent] = {}
    for result in results:
        for event in result.events:
            known = merged.get(event.key)
            if known is None:
                merged[event.key] = replace(event, doc_ids=list(event.doc_ids), evidence=list(event.evidence))
                continue
            for doc_id in event.doc_ids:
                if doc_id not in known.doc_ids:
                    known.doc_ids.append(doc_id)
            for item in event.evidence:
                if item not in known.evidence:
                    known.evidence.append(item)
            known.places = tuple(dict.fromkeys(known.places + event.places))
            known.destinations = tuple(dict.fromkeys(known.destinations + event.destinations))
            known.reported_by = tuple(dict.fromkeys(known.reported_by + event.reported_by))
            known.means = tuple(sorted(set(known.means) | set(event.means)))
            for name in ("killed", "injured", "count"):
                values = [v for v in (getattr(known, name), getattr(event, name)) if v is not None]
                if values and max(values) != getattr(known, name):
                    setattr(known, name, max(values))
                    setattr(known, f"{name}_qualifier", getattr(event, f"{name}_qualifier"))
    return merged


def merge_entities(results: Iterable[DocumentResult]) -> dict[str, Entity]:
    entities: dict[str, Entity] = {}
    for result in results:
        for entity_id, entity in result.entities.items():
            known = entities.get(entity_id)
            if known is None:
                entities[entity_id] = Entity(entity.id, entity.label, set(entity.types), set(entity.surface), entity.gazetteer)
            else:
                known.types |= entity.types
                known.surface |= entity.surface
    _settle_types(entities)
    return entities


def _settle_types(entities: dict[str, Entity]) -> None:
    """Minted names seen as both a place and a group keep one side, so disjointness holds."""
    actor_types = {"ArmedGroup", "Person", "Organization", "Civilians"}
    for entity in entities.values():
        if entity.gazetteer:
            continue
        if entity.types & actor_types and entity.types & {"Settlement", "Region"}:
            entity.types -= {"Settlement", "Region"}


def build_graphs(results: list[DocumentResult], info: RunInfo) -> tuple[Graph, list[Graph]]:
    """(default graph: entities and the run, per-document graphs)."""
    gazetteer = gaz.load(gaz.default_path())
    documents = {r.document.id: r.document for r in results}
    events = merge_events(results)
    entities = merge_entities(results)
    default = entities_graph(entities, gazetteer)
    run = add_run(default, info)
    named: list[Graph] = []
    for result in results:
        own = []
        for key in dict.fromkeys(e.key for e in result.events):
            event = events[key]
            own.append(replace(event, evidence=[x for x in event.evidence if x[0] == result.document.id], doc_ids=[result.document.id]))
        named.append(document_graph(result, own, documents, run))
    return default, named


def union(default: Graph, named: list[Graph]) -> Graph:
    graph = new_graph()
    for part in (default, *named):
        for triple in part:
            graph.add(triple)
    return graph


def to_dataset(default: Graph, named: list[Graph]) -> Dataset:
    dataset = Dataset()
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace, override=True, replace=True)
    for triple in default:
        dataset.default_graph.add(triple) if hasattr(dataset, "default_graph") else dataset.add(triple)
    for graph in named:
        target = dataset.graph(graph.identifier)
        for triple in graph:
            target.add(triple)
    return dataset


def serialise(graph: Graph, fmt: str) -> str:
    """Serialise deterministically. N-Triples are sorted; Turtle from rdflib is sorted by subject."""
    if fmt == "nt":
        lines = graph.serialize(format="nt").split("\n")  # not splitlines(): literals may hold U+2028, U+0085
        return "\n".join(sorted(line for line in lines if line.strip())) + "\n"
    if fmt in ("json-ld", "jsonld"):
        context = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
        return graph.serialize(format="json-ld", context=context, sort_keys=True, indent=1)
    return turtle(graph)


def _ox_term(term: object) -> "pyoxigraph.NamedNode | pyoxigraph.Literal":
    import pyoxigraph

    if isinstance(term, URIRef):
        return pyoxigraph.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return pyoxigraph.Literal(str(term), language=term.language)
        if term.datatype:
            return pyoxigraph.Literal(str(term), datatype=pyoxigraph.NamedNode(str(term.datatype)))
        return pyoxigraph.Literal(str(term))
    raise KgError(f"cannot write {term!r}: kg graphs have no blank nodes")


def turtle(graph: Graph) -> str:
    """Turtle written by Oxigraph (about twice rdflib's speed, and strict escaping) from triples
    sorted by subject, predicate and object, with the prefix block sorted: byte-identical output
    for the same graph."""
    import pyoxigraph

    triples = sorted(
        (pyoxigraph.Triple(_ox_term(s), _ox_term(p), _ox_term(o)) for s, p, o in graph),
        key=lambda t: (t.subject.value, t.predicate.value, str(t.object)),
    )
    text = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.TURTLE, prefixes={k: str(v) for k, v in PREFIXES.items()}).decode("utf-8")
    lines = text.split("\n")
    head = [line for line in lines[: len(PREFIXES) + 1] if line.startswith("@prefix ")]
    return "\n".join(sorted(head) + lines[len(head):])


def serialise_trig(default: Graph, named: list[Graph]) -> str:
    """TriG with the named graphs in IRI order: rdflib writes them in its store's set order,
    which changes with PYTHONHASHSEED."""
    from rdflib.plugins.serializers.trig import TrigSerializer

    dataset = to_dataset(default, named)
    serializer = TrigSerializer(dataset)
    contexts = getattr(serializer, "contexts", None)
    if not isinstance(contexts, list):  # a future rdflib; its own order then
        return dataset.serialize(format="trig")
    default_id = serializer.default_context
    contexts.sort(key=lambda graph: (graph.identifier == default_id, str(graph.identifier)))
    stream = io.BytesIO()
    serializer.serialize(stream, encoding="utf-8")
    return stream.getvalue().decode("utf-8")


def check_out_dir(out_dir: Path) -> None:
    """Fail before the slow stages if ``out_dir`` cannot be an output folder."""
    if out_dir.exists() and not out_dir.is_dir():
        raise KgError(f"{out_dir}: exists and is not a folder; choose another --out")


def write_outputs(out_dir: Path, files: dict[str, str]) -> list[Path]:
    """Write every file to a temporary folder beside ``out_dir``, then move each in.

    Each move is atomic, and if one fails the files already moved are put back as they were,
    so ``out_dir`` ends up either fully updated or untouched.
    """
    check_out_dir(out_dir)
    temporary: Path | None = None
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        temporary = Path(tempfile.mkdtemp(prefix=".kg-build-", dir=out_dir.parent))
        for name, content in files.items():
            (temporary / name).write_text(content, encoding="utf-8")
        return _move_in(temporary, out_dir, list(files))
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
) -> BuildSummary:
    from kg.validate import validate_graph

    if fmt not in FORMATS:
        raise KgError(f"unknown format {fmt!r}; choose one of turtle, nt, json-ld, trig")
    check_out_dir(out_dir)
    summary = BuildSummary()
    clock = time.perf_counter()
    documents = read_documents(
        inputs, encoding=encoding, max_bytes=max_bytes, keep_going=keep_going, skipped=summary.skipped, on_skip=on_skip,
        out_dir=out_dir,
    )
    if on_documents is not None:
        on_documents(len(documents))
    summary.timings["read"] = time.perf_counter() - clock
    clock = time.perf_counter()
    results, info = analyse(documents, model=model, workers=workers, progress=progress)
    summary.timings["nlp+extract+resolve"] = time.perf_counter() - clock
    clock = time.perf_counter()
    default, named = build_graphs(results, info)
    graph = union(default, named)
    summary.timings["rdf"] = time.perf_counter() - clock
    clock = time.perf_counter()
    files: dict[str, str] = {}
    if validate:
        report = validate_graph(graph)
        summary.conforms = report.conforms
        summary.violations = len(report.results)
        files["validation.txt"] = report.to_text()
    summary.timings["validate"] = time.perf_counter() - clock
    clock = time.perf_counter()
    files["graph.ttl"] = serialise(graph, "turtle")
    if fmt == "trig":
        files["graph.trig"] = serialise_trig(default, named)
    elif fmt != "turtle":
        files[f"graph.{FORMATS[fmt]}"] = serialise(graph, fmt)
    summary.timings["serialise"] = time.perf_counter() - clock
    summary.files = write_outputs(out_dir, files)
    summary.documents = len(documents)
    summary.entities = len(merge_entities(results))
    for result in results:
        for relation in result.relations:
            summary.relations[relation.predicate] += 1
    for event in merge_events(results).values():
        summary.events[event.kind] += 1
    summary.triples = len(graph)
    return summary


def print_summary(summary: BuildSummary, stream=sys.stdout) -> None:  # type: ignore[no-untyped-def]
    for line in summary.lines():
        print(line, file=stream)


def iter_relations(results: list[DocumentResult]) -> Iterator[tuple[str, object]]:
    for result in results:
        for relation in result.relations:
            yield result.document.id, relation
