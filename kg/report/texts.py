"""Article text for the report: the real text when the articles are given, else what the graph holds.

The graph stores each evidence sentence with its offsets and 32 characters of context on either
side (oa:TextQuoteSelector), not the article. With ``--texts`` the articles are read exactly as
`kg build` reads them (same normalisation, so the offsets agree) and checked against the graph;
without, an article is shown as the pieces of it the graph holds, in place, with gaps marked.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.documents import iter_input_files, load_file
from kg.errors import InputError
from kg.graphread import Evidence, GraphData

GAP = "\u2026"  # shown between pieces of an article the graph does not hold


@dataclass(frozen=True)
class ArticleText:
    """The characters known of one article: (start offset, text) pieces, sorted, not overlapping."""

    pieces: tuple[tuple[int, str], ...]
    complete: bool  # the whole article (from --texts), not pieces

    def paragraph_around(self, start: int, end: int) -> tuple[int, str]:
        """The paragraph (line) holding [start, end): its start offset and text."""
        for offset, text in self.pieces:
            if offset <= start and end <= offset + len(text):
                left = text.rfind("\n", 0, start - offset) + 1
                right = text.find("\n", end - offset)
                right = len(text) if right < 0 else right
                return offset + left, text[left:right]
        return start, ""


def read_texts(inputs: list[Path], data: GraphData) -> dict[str, tuple[str, str]]:
    """Document IRI → (source file, text) for every article of ``inputs`` that the graph holds,
    after checking that the graph's evidence is where the graph says it is."""
    by_id = {doc.id: iri for iri, doc in data.documents.items()}
    by_doc: dict[str, list[Evidence]] = {}
    for evidence in data.evidence.values():
        by_doc.setdefault(evidence.doc, []).append(evidence)
    texts: dict[str, tuple[str, str]] = {}
    for path, document in ((path, d) for path in iter_input_files(inputs) for d in load_file(path)):
        iri = by_id.get(document.id)
        if iri is None:
            continue
        # The file as the user named it, with the JSONL line ("a.jsonl#7") where there is one.
        where = str(path) + document.source[len(path.name):] if document.source.startswith(path.name) else str(path)
        for evidence in sorted(by_doc.get(iri, ()), key=lambda e: (e.start, e.iri)):
            if document.text[evidence.start:evidence.end] != evidence.text:
                raise InputError(
                    where,
                    f"article {document.id!r} does not match the graph (its evidence at {evidence.start}-{evidence.end} "
                    "differs); give the files the graph was built from",
                )
        texts[iri] = (where, document.text)
    return texts


def article_texts(data: GraphData, given: dict[str, tuple[str, str]]) -> dict[str, ArticleText]:
    """Document IRI → what is known of its text."""
    by_doc: dict[str, list[Evidence]] = {}
    for evidence in data.evidence.values():
        by_doc.setdefault(evidence.doc, []).append(evidence)
    result: dict[str, ArticleText] = {}
    for iri in sorted(set(data.documents) | set(by_doc)):
        if iri in given:
            result[iri] = ArticleText(((0, given[iri][1]),), True)
        else:
            result[iri] = ArticleText(_pieces(by_doc.get(iri, [])), False)
    return result


def _pieces(evidence: list[Evidence]) -> tuple[tuple[int, str], ...]:
    """Each evidence with its quote context, placed at its offset; overlapping spans merged."""
    spans: list[tuple[int, str]] = []
    for item in sorted(evidence, key=lambda e: (e.start, e.iri)):
        prefix = item.prefix
        # The context runs into neighbouring paragraphs: keep only this sentence's paragraph.
        if "\n" in prefix:
            prefix = prefix[prefix.rfind("\n") + 1:]
        suffix = item.suffix.split("\n", 1)[0]
        start = item.start - len(prefix)
        if start < 0:
            prefix, start = prefix[-start:], 0
        spans.append((start, prefix + item.text + suffix))
    merged: list[tuple[int, str]] = []
    for start, text in sorted(spans):
        if merged and start <= merged[-1][0] + len(merged[-1][1]):
            first, known = merged[-1]
            overlap = first + len(known) - start
            if len(text) > overlap:
                known = known + text[overlap:]
            merged[-1] = (first, known)
        else:
            merged.append((start, text))
    return tuple(merged)


def find_mentions(text: str, names: dict[str, str]) -> list[tuple[int, int, str]]:
    """(start, end, entity IRI) of every whole-word occurrence of a name in ``text``, longest
    name first, not overlapping. ``names`` maps a surface form to its entity.

    Plain ``str.find`` per name, not one regular expression per article: compiling an
    alternation of a hundred names cost 10 ms an article, most of a report's time."""
    found: list[tuple[int, int, str]] = []
    for name, iri in names.items():
        if not name:
            continue
        position = text.find(name)
        while position >= 0:
            end = position + len(name)
            if (position == 0 or not _word(text[position - 1])) and (end == len(text) or not _word(text[end])):
                found.append((position, end, iri))
            position = text.find(name, position + 1)
    found.sort(key=lambda m: (m[0], -(m[1] - m[0]), m[2]))
    chosen: list[tuple[int, int, str]] = []
    for mention in found:
        if not chosen or mention[0] >= chosen[-1][1]:
            chosen.append(mention)
    return chosen


def _word(char: str) -> bool:
    return char.isalnum() or char == "_"
