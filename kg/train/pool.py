"""kg's own labels for FA-KES pool articles (``eval/fakes-pool/``), as training material.

The labels are committed; the texts are not. ``gold.jsonl`` gives each relation's evidence as
character spans of the pool record's ``text`` (``../shared/corpora/fakes-pool/articles.jsonl``),
so no article text lives in the project. Here the texts are written to ``$KG_CACHE`` as one
file per labelled article (``<id>.txt``), parsed by ``kg.train.corpus`` like the dev articles,
and the spans become evidence quotes again. ``entities.jsonl`` holds the entities the labels
minted and the surface forms they add to dev-set entities; the index is the dev inventory with
those merged in.

None of these articles is a dev article (they were chosen by text overlap, see the README), so
every cross-validation fold may train on all of them.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from kg.corpora.common import read_json_lines
from kg.evaluate import EntityIndex, GoldLine, load_entities, norm
from kg.train.corpus import CACHE, SHARED, Article, load_articles

EVAL = Path(__file__).resolve().parents[2] / "eval"
LABELS = EVAL / "fakes-pool"
# The rounds of labels, oldest first: each round reuses the ids the rounds before it minted.
ROUNDS = ("fakes-pool", "fakes-pool-2", "fakes-pool-3", "voa-pool")
POOL = SHARED / "corpora" / "fakes-pool" / "articles.jsonl"
# VOA articles rebuilt from M2E2's sentences (``kg.corpora.m2e2.article_texts``): ids ``VOA_EN_NW_…``.
M2E2 = SHARED / "corpora" / "m2e2" / "sentences.jsonl"
VOA_PREFIX = "VOA_"
GAP = " ... "


@dataclass(frozen=True)
class PoolLine:
    """One committed label: a relation and where its evidence is in the pool text."""

    doc: str  # pool record id
    s: str
    p: str
    o: str
    tier: str
    spans: tuple[tuple[int, int], ...]


def read_lines(path: Path = LABELS / "gold.jsonl") -> list[PoolLine]:
    return [PoolLine(r["doc"], r["s"], r["p"], r["o"], r["tier"], tuple((int(a), int(b)) for a, b in r["spans"])) for r in read_json_lines(path)]


def read_rounds(rounds: Sequence[str]) -> list[PoolLine]:
    """The labels of several rounds (``eval/<round>/gold.jsonl``); a round that is absent or shares
    an article with another is an error."""
    lines: list[PoolLine] = []
    seen: set[str] = set()
    for name in rounds:
        if not (EVAL / name / "gold.jsonl").is_file():
            raise ValueError(f"pool round {name}: {EVAL / name / 'gold.jsonl'} is absent")
        these = read_lines(EVAL / name / "gold.jsonl")
        docs = {line.doc for line in these}
        if docs & seen:
            raise ValueError(f"pool rounds {', '.join(rounds)} share articles: {', '.join(sorted(docs & seen)[:3])}")
        seen |= docs
        lines += these
    return lines


def pool_texts(ids: set[str]) -> dict[str, str]:
    """The text of each id: a FA-KES pool record's (the whole pool file is small: 1.6 MB), or
    for an M2E2 document id the VOA article rebuilt from its sentences."""
    from kg.corpora.m2e2 import article_texts

    voa = {i for i in ids if i.startswith(VOA_PREFIX)}
    texts = article_texts(M2E2, voa) if voa and M2E2.is_file() else {}
    if ids - voa:
        texts |= {r["id"]: r["text"] for r in read_json_lines(POOL) if r["id"] in ids}
    return texts


def file_name(record_id: str) -> str:
    return f"{record_id}.txt"


def gold_lines(lines: list[PoolLine], texts: dict[str, str]) -> list[GoldLine]:
    """Labels as ``kg eval`` gold lines: the document is the cached file, evidence is quoted again."""
    return [
        GoldLine(file_name(line.doc), line.s, line.p, line.o, line.tier, GAP.join(texts[line.doc][a:b] for a, b in line.spans))
        for line in lines
    ]


def entity_index(base: Path, extra: Path = LABELS / "entities.jsonl") -> EntityIndex:
    """The dev inventory at ``base`` (read as ``kg eval`` reads it) with the pool labels'
    entities and surface forms merged in; a line for a dev id carries aliases only."""
    return merge_entities(load_entities(base), extra)


def merge_entities(index: EntityIndex, extra: Path) -> EntityIndex:
    """``index`` with the labels and aliases of an ``entities.jsonl`` of pool labels added."""
    for record in read_json_lines(extra):
        if record.get("label"):
            index.labels[norm(record["label"])].add(record["id"])
        for alias in record.get("aliases", []):
            index.aliases[norm(alias)].add(record["id"])
    return index


def pool_folder(texts: dict[str, str]) -> Path:
    """The labelled texts as files under ``$KG_CACHE`` (rewritten only when they differ)."""
    folder = CACHE / "fakes-pool-texts"
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {file_name(i) for i in texts}
    for stale in folder.glob("*.txt"):
        if stale.name not in wanted:
            stale.unlink()
    for record_id, text in texts.items():
        path = folder / file_name(record_id)
        data = text.encode("utf-8")
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
    return folder


def available() -> bool:
    return POOL.is_file() and (LABELS / "gold.jsonl").is_file()


def labelled_texts(lines: list[PoolLine]) -> dict[str, str]:
    """The pool text of every labelled article; an article the pool lacks is an error."""
    texts = pool_texts({line.doc for line in lines})
    missing = sorted({line.doc for line in lines} - set(texts))
    if missing:
        source = M2E2 if missing[0].startswith(VOA_PREFIX) else POOL
        raise ValueError(f"{source}: labelled articles missing from it: {', '.join(missing[:5])}")
    return texts


def pool_articles(lines: list[PoolLine], rounds: Sequence[str] = ("fakes-pool",)) -> tuple[list[Article], list[GoldLine], EntityIndex]:
    """The labelled pool articles, parsed as ``kg build`` parses them, their gold and index (the
    dev inventory with the entities of these rounds and of the rounds before them merged in)."""
    texts = labelled_texts(lines)
    articles = load_articles(pool_folder(texts), "pool")
    index = load_entities(SHARED / "eval" / "dev" / "entities.jsonl")
    # A round reuses the ids the rounds before it minted: those inventories come first.
    files = [f for name in rounds for f in earlier_rounds(EVAL / name) + [EVAL / name / "entities.jsonl"]]
    for path in dict.fromkeys(files):
        index = merge_entities(index, path)
    return articles, gold_lines(lines, texts), index


def write_gold_set(labels: Path, out: Path, base: Path = SHARED / "eval" / "dev" / "entities.jsonl") -> Path:
    """Lay out a folder of pool labels (``gold.jsonl`` as spans, ``entities.jsonl``) as a gold set
    ``kg eval --set`` reads: ``texts/`` (the pool texts, quoted from ``../shared``), ``gold.jsonl``
    (evidence quoted again) and ``entities.jsonl`` (the dev inventory, then the entities of the
    rounds before this one and of this folder merged in: aliases added to known ids, new ids
    appended)."""
    lines = read_lines(labels / "gold.jsonl")
    texts = labelled_texts(lines)
    listed = labels / "articles.txt"  # every article labelled, those with no relation too
    if listed.is_file():
        ids = {line.strip() for line in listed.read_text(encoding="utf-8").splitlines() if line.strip()}
        texts |= pool_texts(ids - set(texts))
    (out / "texts").mkdir(parents=True, exist_ok=True)
    for record_id, text in sorted(texts.items()):
        (out / "texts" / file_name(record_id)).write_text(text, encoding="utf-8")
    with (out / "gold.jsonl").open("w", encoding="utf-8") as f:
        for g in gold_lines(lines, texts):
            f.write(json.dumps({"doc": g.doc, "s": g.s, "p": g.p, "o": g.o, "tier": g.tier, "evidence": g.evidence}, ensure_ascii=False) + "\n")
    entities = {r["id"]: dict(r) for r in read_json_lines(base)}
    for extra in earlier_rounds(labels) + [labels / "entities.jsonl"]:
        for record in read_json_lines(extra):
            known = entities.setdefault(record["id"], {"id": record["id"], "label": record.get("label", record["id"]), "types": record.get("types", []), "aliases": []})
            known["aliases"] = list(dict.fromkeys([*known.get("aliases", []), *record.get("aliases", [])]))
    with (out / "entities.jsonl").open("w", encoding="utf-8") as f:
        for record in entities.values():
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return out


def earlier_rounds(labels: Path) -> list[Path]:
    """The entity files of the rounds before ``labels`` (all rounds for a folder that is none)."""
    names = ROUNDS[: ROUNDS.index(labels.name)] if labels.name in ROUNDS else ROUNDS
    return [EVAL / name / "entities.jsonl" for name in names if (EVAL / name / "entities.jsonl").is_file()]


def main(argv: list[str] | None = None) -> int:
    """``python -m kg.train.pool LABELS OUT``: write LABELS (e.g. ``eval/fakes-pool-2``) as a
    gold set folder OUT for ``kg eval --set OUT``."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(description=main.__doc__.splitlines()[0] if main.__doc__ else None)
    parser.add_argument("labels", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    if not POOL.is_file():
        print(f"pool: {POOL} is absent", file=sys.stderr)
        return 2
    write_gold_set(args.labels, args.out)
    print(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
