"""The training material, parsed once with kg's real pipeline and cached.

Articles (dev set, seeds) go through exactly what ``kg build`` does: ``read_documents``, page
furniture blanked, the spaCy pipeline with the gazetteer and the rule extractor. M2E2 sentences
(VOA, ACE events) are parsed one by one. Parsed ``Doc``s are cached as ``DocBin`` files (with
``user_data``, which holds the rule extraction) under ``$KG_CACHE`` (default ``/tmp/kg-cache``),
keyed by a hash of the texts and of kg's extraction code and word lists, so a changed extractor
re-parses.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from spacy.tokens import Doc, DocBin

from kg import gazetteer as gaz
from kg.build import blank_furniture, read_documents
from kg.documents import DEFAULT_MAX_BYTES, Document
from kg.extraction import Extraction
from kg.nlp import FAILURE_KEY, RESULT_KEY, RULES_ONLY, build_pipeline

SHARED = Path(os.environ.get("KG_SHARED", Path(__file__).resolve().parents[3] / "shared"))
CACHE = Path(os.environ.get("KG_CACHE", "/tmp/kg-cache"))
_KG = Path(__file__).resolve().parents[1]
# What a cached parse depends on: the rule extractor and the pipeline around it, its word lists,
# and the gazetteer (the entity ruler and the rules read it: a parse cached before a gazetteer
# change would train and score the old names).
_CODE = sorted((_KG / "extraction").glob("*.py")) + [_KG / name for name in ("nlp.py", "name_lists.py", "parse_repairs.py", "gazetteer.py", "documents.py", "furniture.py", "build.py")]
_DATA = Path(__file__).resolve().parents[1] / "data"


@dataclass
class Article:
    """One parsed article: its document, the Doc spaCy made of it and the rule extraction."""

    name: str  # file name, as the gold names it
    document: Document
    doc: Doc
    extraction: Extraction


def _fingerprint(texts: list[str]) -> str:
    digest = hashlib.sha1()
    for path in _CODE + sorted(_DATA.glob("*.yaml")) + sorted(_DATA.glob("*.json*")) + [gaz.default_path()]:
        if path.name.startswith("scorer"):
            continue
        digest.update(path.read_bytes())
    for text in texts:
        digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:16]


_NLP: Any = None


def pipeline() -> Any:
    global _NLP
    if _NLP is None:
        _NLP = build_pipeline(scorer=RULES_ONLY)  # the candidates and features are made after the rules
    return _NLP


def _parse_cached(tag: str, texts: list[str]) -> list[Doc]:
    nlp = pipeline()
    path = CACHE / f"{tag}-{_fingerprint(texts)}.spacy"
    if path.exists():
        return list(DocBin().from_disk(path).get_docs(nlp.vocab))
    docs = list(nlp.pipe(texts, batch_size=32))
    for doc in docs:
        if FAILURE_KEY in doc.user_data:
            raise RuntimeError(f"rule extraction failed on a {tag} text: {doc.user_data[FAILURE_KEY]}")
    path.parent.mkdir(parents=True, exist_ok=True)
    DocBin(store_user_data=True, docs=docs).to_disk(path)
    return docs


def load_articles(folder: Path, tag: str) -> list[Article]:
    """Every article in ``folder``, parsed (cached) as ``kg build`` parses it."""
    documents = read_documents([folder], encoding=None, max_bytes=DEFAULT_MAX_BYTES, keep_going=False, skipped=[])
    documents.sort(key=lambda d: Path(d.source).name)
    texts = [blank_furniture(d) for d in documents]
    docs = _parse_cached(tag, texts)
    return [Article(Path(d.source).name, d, doc, Extraction.from_dict(doc.user_data[RESULT_KEY])) for d, doc in zip(documents, docs)]


def dev_articles() -> list[Article]:
    return load_articles(SHARED / "eval" / "dev" / "texts", "dev")


def seed_articles() -> list[Article]:
    return load_articles(SHARED / "seeds", "seeds")


# kg's own articles, written for hard constructions (see eval/written/README.md): in the project.
WRITTEN = Path(__file__).resolve().parents[2] / "eval" / "written"


def written_articles() -> list[Article]:
    return load_articles(WRITTEN / "texts", "written")


@dataclass
class Sentence:
    """One M2E2 sentence, parsed, with its annotation record."""

    doc_id: str
    record: dict[str, Any]
    doc: Doc
    extraction: Extraction


def m2e2_records() -> Iterator[dict[str, Any]]:
    """M2E2 sentences that report an attack, death or transport (the ones that give pairs)."""
    from kg.corpora.m2e2 import NEGATIVE_CONTEXT

    path = SHARED / "corpora" / "m2e2" / "sentences.jsonl"
    with path.open(encoding="utf-8-sig") as handle:
        for line in handle:
            if not line.strip():
                continue
            record = json.loads(line)
            if any(e["event_type"] in NEGATIVE_CONTEXT for e in record["golden-event-mentions"]):
                yield record


def m2e2_sentences() -> list[Sentence]:
    from kg.corpora.m2e2 import doc_id

    records = list(m2e2_records())
    docs = _parse_cached("m2e2", [r["sentence"] for r in records])
    return [Sentence(doc_id(r["sentence_id"]), r, d, Extraction.from_dict(d.user_data[RESULT_KEY])) for r, d in zip(records, docs)]


if __name__ == "__main__":  # pragma: no cover - cache warm-up
    import time

    for name, loader in (("dev", dev_articles), ("seeds", seed_articles), ("m2e2", m2e2_sentences)):
        began = time.time()
        items = loader()
        print(f"{name}: {len(items)} parsed in {time.time() - began:.1f}s", flush=True)
