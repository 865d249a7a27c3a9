"""Benchmark corpora: source articles repeated to N, each copy with its own id, title, date and text.

Copies differ so nothing can be cached across them: each gets a neutral closing sentence with
its copy number, and a dated source is shifted by one day per copy so that relative dates
("on Sunday") resolve to different days and copies do not all merge into the same events.
Absolute dates written in the text ("December 1 2024") still merge, as they would for real
articles reporting the same event.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from kg.documents import Document, load_file


@dataclass(frozen=True)
class CorpusInfo:
    path: Path
    articles: int
    sources: int
    source_names: list[str]
    chars: int


def load_sources(seeds: Path, jsonl: list[Path]) -> list[Document]:
    """The articles to repeat: every seed text file, then every record of each JSONL file."""
    documents: list[Document] = []
    for path in sorted(seeds.glob("*.txt")):
        documents.extend(load_file(path))
    for path in jsonl:
        documents.extend(load_file(path))
    if not documents:
        raise SystemExit(f"bench: no source articles in {seeds} or --jsonl")
    return documents


def copy_record(document: Document, copy: int) -> dict[str, object]:
    """One JSONL record: a distinct copy of ``document``."""
    text = document.text.rstrip() + f"\n\nThis is archive item number {copy + 1}.\n"
    date = document.date + dt.timedelta(days=copy) if document.date else None
    title = document.title or document.id
    return {
        "id": f"b{copy:05d}-{document.id}",
        "title": f"{title} [copy {copy + 1}]",
        "date": date.isoformat() if date else None,
        "text": text,
    }


def write_corpus(sources: list[Document], articles: int, path: Path) -> CorpusInfo:
    """Round-robin over the sources until ``articles`` records are written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    chars = 0
    with path.open("w", encoding="utf-8") as out:
        for index in range(articles):
            record = copy_record(sources[index % len(sources)], index // len(sources))
            chars += len(str(record["text"]))
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return CorpusInfo(path, articles, len(sources), [d.source for d in sources], chars)


def read_texts(path: Path) -> list[str]:
    """The article texts of a corpus file, as bare spaCy gets them."""
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in lines if line.strip()]
