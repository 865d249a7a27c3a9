"""Writing graphs too large to hold: sorted N-Triples runs on disk, merged into one stream.

A build writes each batch's triples as a sorted run of N-Triples lines; the runs are merged
(duplicates dropped) into graph.nt order, and Turtle and TriG are written from that stream by
Oxigraph's serialisers. Memory stays flat whatever the corpus size, and the output depends only
on the set of triples: sorted N-Triples lines are the canonical order.
"""
from __future__ import annotations

import heapq
import io
import os
from pathlib import Path
from typing import IO, Iterable, Iterator

import pyoxigraph
from rdflib import Graph, Literal, URIRef

from kg.errors import KgError
from kg.namespaces import PREFIXES

# Runs merged at once; more are merged in rounds, so open files stay well under the usual limit.
MERGE_FAN_IN = 128


# N-Triples string escapes as Oxigraph writes them: the short forms where N-Triples has one,
# \uXXXX (upper-case hex) for the other control characters, everything else as it is.
_ESCAPES = {code: f"\\u{code:04X}" for code in [*range(0x20), 0x7F]}
_ESCAPES.update({ord("\\"): "\\\\", ord('"'): '\\"', 0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r"})
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def nt_term(term: object) -> str:
    """One term in N-Triples, exactly as Oxigraph writes it (language tags in lower case, no
    ^^xsd:string); kg's IRIs are valid by construction (tests compare with Oxigraph)."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        text = '"' + str(term).translate(_ESCAPES) + '"'
        if term.language:
            return f"{text}@{term.language.lower()}"
        if term.datatype and str(term.datatype) != _XSD_STRING:
            return f"{text}^^<{term.datatype}>"
        return text
    raise KgError(f"cannot write {term!r}: kg graphs have no blank nodes")


def nt_lines(triples: Iterable[tuple[object, object, object]]) -> list[str]:
    """N-Triples lines (no newline) of rdflib triples, as Oxigraph writes them, sorted and unique."""
    iris: dict[object, str] = {}  # IRIs repeat (predicates, classes, entities): format each once

    def term(node: object) -> str:
        found = iris.get(node)
        if found is None:
            found = nt_term(node)
            if isinstance(node, URIRef):
                iris[node] = found
        return found

    return sorted({f"{term(s)} {term(p)} {term(o)} ." for s, p, o in triples})


def write_run(path: Path, lines: Iterable[str]) -> None:
    """Write a run under a name of this process's, then rename it: a run on disk is always
    whole, even when the process writing it is killed (a cluster's worker: kg.cluster)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "w", encoding="utf-8", newline="\n") as out:
        for line in lines:
            out.write(line + "\n")
    os.replace(temporary, path)


def _read(handle: IO[str]) -> Iterator[str]:
    for line in handle:
        yield line.rstrip("\n")


def merge_runs(runs: list[Path], work: Path) -> Iterator[str]:
    """The lines of sorted runs, merged and without duplicates (merged in rounds above
    MERGE_FAN_IN runs)."""
    runs = list(runs)
    round_number = 0
    while len(runs) > MERGE_FAN_IN:
        merged: list[Path] = []
        for start in range(0, len(runs), MERGE_FAN_IN):
            target = work / f"merge-{round_number}-{start // MERGE_FAN_IN:05d}.nt"
            write_run(target, _merge(runs[start:start + MERGE_FAN_IN]))
            merged.append(target)
        for path in runs:
            if path.parent == work and path.name.startswith("merge-"):
                os.unlink(path)
        runs, round_number = merged, round_number + 1
    yield from _merge(runs)


def _merge(runs: list[Path]) -> Iterator[str]:
    handles = [open(path, encoding="utf-8", newline="\n") for path in runs]
    try:
        previous = None
        for line in heapq.merge(*(_read(h) for h in handles)):
            if line != previous:
                yield line
                previous = line
    finally:
        for handle in handles:
            handle.close()


def _sorted_prefixes() -> dict[str, str]:
    return {prefix: str(PREFIXES[prefix]) for prefix in sorted(PREFIXES)}


class _SortedPrefixes:
    """A binary writer that sorts the "@prefix" block Oxigraph writes first (in hash-map order,
    which changes from run to run) and passes the rest through."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.head = b""
        self.done = False

    def write(self, data: bytes) -> int:
        if self.done:
            return self.out.write(data)
        self.head += data
        lines = self.head.split(b"\n")
        prefixes = _prefix_lines(lines[:-1])  # the last piece may be a line still being written
        if prefixes < len(lines) - 1 or prefixes == len(PREFIXES):
            self.flush_head()
        return len(data)

    def flush_head(self) -> None:
        if self.done:
            return
        lines = self.head.split(b"\n")
        count = _prefix_lines(lines)
        self.out.write(b"\n".join(sorted(lines[:count]) + lines[count:]))
        self.head, self.done = b"", True

    def flush(self) -> None:
        self.out.flush()


def _prefix_lines(lines: list[bytes]) -> int:
    """How many of ``lines`` are "@prefix" lines at the start."""
    count = 0
    while count < len(lines) and lines[count].startswith(b"@prefix "):
        count += 1
    return count


def _serialise_sorted(data: Iterable[object], out: IO[bytes], fmt: pyoxigraph.RdfFormat) -> None:
    writer = _SortedPrefixes(out)
    pyoxigraph.serialize(data, writer, format=fmt, prefixes=_sorted_prefixes())
    writer.flush_head()


def turtle_from_nt(nt_path: Path, out_path: Path) -> None:
    """Turtle of a sorted N-Triples file, streamed through Oxigraph: subjects grouped in file
    order, prefix block sorted."""
    with open(out_path, "wb") as out:
        triples = pyoxigraph.parse(path=str(nt_path), format=pyoxigraph.RdfFormat.N_TRIPLES)
        _serialise_sorted(triples, out, pyoxigraph.RdfFormat.TURTLE)


def turtle_text(graph: Graph) -> str:
    """Turtle of an in-memory graph in the same canonical form as ``turtle_from_nt``."""
    lines = nt_lines(graph)
    triples = pyoxigraph.parse("\n".join(lines) + "\n", format=pyoxigraph.RdfFormat.N_TRIPLES)
    out = io.BytesIO()
    _serialise_sorted(triples, out, pyoxigraph.RdfFormat.TURTLE)
    return out.getvalue().decode("utf-8")


def graph_key(graph_iri: str | None) -> str:
    """Sort key putting named graphs in IRI order and the default graph last."""
    return "\U0010ffff" if graph_iri is None else graph_iri


def quad_lines(graph_iri: str | None, triples: Iterable[tuple[object, object, object]]) -> list[str]:
    """Lines "graph-key TAB N-Triples line" for a TriG run: sorting them groups each graph."""
    key = graph_key(graph_iri)
    return [f"{key}\t{line}" for line in nt_lines(triples)]


def trig_from_quad_lines(lines: Iterable[str], out_path: Path) -> None:
    """TriG from merged quad lines, one graph block at a time."""

    def quads() -> Iterator[pyoxigraph.Quad]:
        current: str | None = None
        block: list[str] = []
        for line in lines:
            key, _, triple = line.partition("\t")
            if key != current and block:
                yield from _graph_quads(current, block)
                block = []
            current = key
            block.append(triple)
        if block:
            yield from _graph_quads(current, block)

    with open(out_path, "wb") as out:
        _serialise_sorted(quads(), out, pyoxigraph.RdfFormat.TRIG)


def _graph_quads(key: str | None, block: list[str]) -> Iterator[pyoxigraph.Quad]:
    graph: pyoxigraph.NamedNode | pyoxigraph.DefaultGraph
    graph = pyoxigraph.DefaultGraph() if key in (None, graph_key(None)) else pyoxigraph.NamedNode(key)
    for triple in pyoxigraph.parse("\n".join(block) + "\n", format=pyoxigraph.RdfFormat.N_TRIPLES):
        yield pyoxigraph.Quad(triple.subject, triple.predicate, triple.object, graph)
