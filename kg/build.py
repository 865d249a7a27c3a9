"""``kg build``: articles in, validated RDF out.

documents → nlp (spaCy + ruler + relation component) → resolve → rdf → validate → write.
Output is written to a temporary folder beside ``out`` and moved in only when complete, so a
failed build leaves ``out`` as it was.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator

from rdflib import Dataset, Graph

import kg
from kg import gazetteer as gaz
from kg.documents import DEFAULT_MAX_BYTES, Document, iter_input_files, load_file
from kg.errors import InputError, KgError
from kg.extract import Extraction
from kg.namespaces import PREFIXES, new_graph
from kg.nlp import RESULT_KEY, build_pipeline, model_meta
from kg.rdf import RunInfo, add_run, document_graph, entities_graph, run_iri
from kg.resolve import DocumentResult, Entity, ResolvedEvent, Resolver, resolve_document

FORMATS = {"turtle": "ttl", "nt": "nt", "json-ld": "jsonld", "jsonld": "jsonld", "trig": "trig"}
BATCH_SIZE = 16


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
    inputs: list[Path], *, encoding: str | None, max_bytes: int, keep_going: bool, skipped: list[str]
) -> list[Document]:
    documents: list[Document] = []
    seen: dict[str, str] = {}
    for path in iter_input_files(inputs):
        try:
            for document in load_file(path, encoding=encoding, max_bytes=max_bytes):
                if document.id in seen:
                    raise InputError(document.source, f"duplicate article id {document.id!r} (also in {seen[document.id]})")
                seen[document.id] = document.source
                documents.append(document)
        except InputError as error:
            if not keep_going:
                raise
            skipped.append(str(error))
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
) -> tuple[list[DocumentResult], RunInfo]:
    """Run the NLP pipeline and resolution over documents, in input order."""
    gazetteer = gaz.load(gazetteer_path or gaz.default_path())
    nlp = build_pipeline(model, gazetteer_path)
    resolver = Resolver(gazetteer)
    name, version = model_meta(nlp)
    results: list[DocumentResult] = []
    texts = ((blank_furniture(d), i) for i, d in enumerate(documents))
    for spacy_doc, index in nlp.pipe(texts, as_tuples=True, batch_size=BATCH_SIZE, n_process=max(1, workers)):
        extraction = Extraction.from_dict(spacy_doc.user_data[RESULT_KEY])
        results.append(resolve_document(documents[index], extraction, resolver))
        if progress is not None:
            progress(1)
    info = RunInfo(kg.__version__, name, version, tuple(d.id for d in documents))
    return results, info


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
        lines = graph.serialize(format="nt").splitlines()
        return "\n".join(sorted(line for line in lines if line.strip())) + "\n"
    if fmt in ("json-ld", "jsonld"):
        context = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
        return graph.serialize(format="json-ld", context=context, sort_keys=True, indent=1)
    return graph.serialize(format="turtle")


def serialise_trig(default: Graph, named: list[Graph]) -> str:
    dataset = to_dataset(default, named)
    return dataset.serialize(format="trig")


def write_outputs(out_dir: Path, files: dict[str, str]) -> list[Path]:
    """Write every file to a temporary folder, then move each into ``out_dir``."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=".kg-build-", dir=out_dir.parent))
    try:
        for name, content in files.items():
            (temporary / name).write_text(content, encoding="utf-8")
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for name in files:
            os.replace(temporary / name, out_dir / name)
            written.append(out_dir / name)
        return written
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


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
) -> BuildSummary:
    from kg.validate import validate_graph

    if fmt not in FORMATS:
        raise KgError(f"unknown format {fmt!r}; choose one of turtle, nt, json-ld, trig")
    summary = BuildSummary()
    clock = time.perf_counter()
    documents = read_documents(inputs, encoding=encoding, max_bytes=max_bytes, keep_going=keep_going, skipped=summary.skipped)
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
