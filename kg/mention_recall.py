"""Mention recall on the dev set: does the mention layer find the arguments of the gold relations?

For each explicit or implicit gold line, the evidence quote is located in the article (quotes
may hold "..." gaps; matching ignores case, spacing and punctuation), giving its sentence(s);
implicit lines also get the sentence before. An argument is *found* when a mention overlapping
those sentences has a surface (its text, its text without determiners and quantities, or one of
its owners) equal to one of the gold entity's label or aliases after ``kg.evaluate.norm``, or
canonicalises (as agent, place or either) to the gold id, directly or through the gazetteer
entry's names as ``kg eval`` maps them. The old layer (``Extraction.mentions`` of the
``kg_relations`` component) is measured the same way, its ids being its gazetteer keys.

    python -m kg.mentions recall [--dev DIR] [--cache FILE.spacy]
"""
from __future__ import annotations

import argparse
import json
import os
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from spacy.tokens import Doc, DocBin

from kg import gazetteer as gaz
from kg.canonical import DocContext, canonicalise
from kg.evaluate import EntityIndex, GoldLine, load_entities, load_gold, norm
from kg.extraction import Extraction, Mention
from kg.mentions import OpenMention, detect_mentions, load_words
from kg.nlp import RESULT_KEY

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DEV = ROOT.parent / "shared" / "eval" / "dev"
ROLES = ("agent", "place", "any")


@dataclass
class Tally:
    args: int = 0
    found: int = 0
    lines: int = 0
    both: int = 0
    missed: Counter[str] = field(default_factory=Counter)

    def recall(self) -> float:
        return self.found / self.args if self.args else 0.0

    def both_share(self) -> float:
        return self.both / self.lines if self.lines else 0.0


# --- locating evidence --------------------------------------------------------------------------


def _alnum_key(text: str) -> tuple[str, list[int]]:
    """Lowercase letters and digits only, with each one's offset in ``text``."""
    keep = [(i, c.lower()) for i, c in enumerate(text) if c.isalnum()]
    return "".join(c for _, c in keep), [i for i, _ in keep]


def evidence_spans(text: str, evidence: str) -> list[tuple[int, int]]:
    """Character spans of the quote's fragments in ``text`` (empty when not found)."""
    key, offsets = _alnum_key(text)
    spans: list[tuple[int, int]] = []
    position = 0
    for fragment in re.split(r"\.\.\.|…", evidence):
        needle, _ = _alnum_key(fragment)
        if len(needle) < 3:
            continue
        found = key.find(needle, position)
        if found < 0:
            found = key.find(needle)
        if found < 0:
            continue
        spans.append((offsets[found], offsets[found + len(needle) - 1] + 1))
        position = found + len(needle)
    return spans


def evidence_sentences(doc: Doc, line: GoldLine) -> list[tuple[int, int]]:
    sentences = [(s.start_char, s.end_char) for s in doc.sents]
    starts = [s for s, _ in sentences]
    chosen: set[int] = set()
    for start, end in evidence_spans(doc.text, line.evidence):
        first, last = bisect_right(starts, start) - 1, bisect_right(starts, end - 1) - 1
        chosen.update(range(max(first, 0), last + 1))
    if chosen and line.tier == "implicit" and min(chosen) > 0:
        chosen.add(min(chosen) - 1)
    return [sentences[i] for i in sorted(chosen)]


# --- matching -----------------------------------------------------------------------------------


def entity_names(path: Path) -> dict[str, set[str]]:
    names: dict[str, set[str]] = defaultdict(set)
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.strip():
            record = json.loads(line)
            names[record["id"]].update(norm(n) for n in [record["label"], *record.get("aliases", [])])
    return names


def _gold_ids(entity_id: str, index: EntityIndex, gazetteer: gaz.Gazetteer) -> set[str]:
    """A predicted id and the gold ids its gazetteer names map to, as ``kg eval`` maps them."""
    entry = gazetteer.get(entity_id)
    names = [entry.label, *entry.alt_labels] if entry else [entity_id]
    return {entity_id} | index.lookup(*names)


def _new_surfaces(mention: OpenMention) -> set[str]:
    """The text, its core (no determiners or quantities), the core with its last word in the
    other number ("terrorist" / "terrorists"), a place phrase's own name, and the owners."""
    core = norm(mention.core_text or mention.text)
    other = core[:-1] if core.endswith("s") else core + "s"
    named = [norm(mention.name_text)] if mention.name_text else []
    return {norm(mention.text), core, other, *named, *(norm(o) for o in mention.owners)}


def _overlaps(start: int, end: int, sentences: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in sentences)


@dataclass
class Candidate:
    """One mention as recall sees it: its character span, normalised surfaces and possible ids."""

    start: int
    end: int
    surfaces: set[str]
    ids: set[str]


def new_candidates(doc: Doc, gazetteer: gaz.Gazetteer, index: EntityIndex) -> list[Candidate]:
    mentions = detect_mentions(doc, load_words(), gazetteer)
    context = DocContext.from_mentions(mentions, gazetteer)
    found = []
    for m in mentions:
        ids: set[str] = set()
        for role in ROLES:
            ids |= _gold_ids(canonicalise(m, context, gazetteer, role).id, index, gazetteer)
        found.append(Candidate(m.start_char, m.end_char, _new_surfaces(m), ids))
    return found


def old_candidates(doc: Doc, gazetteer: gaz.Gazetteer, index: EntityIndex) -> list[Candidate]:
    found = []
    for m in Extraction.from_dict(doc.user_data[RESULT_KEY]).mentions:
        ids: set[str] = {"civilians"} if m.kind == "civilians" and m.head == "civilians" else set()
        if m.key:
            ids |= _gold_ids(m.key, index, gazetteer) | _gold_ids(gazetteer.actor_for(m.key), index, gazetteer)
        found.append(Candidate(m.start, m.end, {norm(m.text)}, ids))
    return found


def _longest_alias(text: str, names: Iterable[str]) -> str | None:
    lowered = norm(text)
    hits = [n for n in names if n and re.search(rf"(?<!\w){re.escape(n)}(?!\w)", lowered)]
    return max(hits, key=len) if hits else None


def measure(
    docs: dict[str, Doc], gold: list[GoldLine], names: dict[str, set[str]],
    layer: Callable[[Doc], list[Candidate]],
) -> tuple[dict[str, Tally], int]:
    """Per-slice tallies (and "all") for one mention layer, plus the number of unlocated quotes."""
    tallies: dict[str, Tally] = defaultdict(Tally)
    candidates = {name: layer(doc) for name, doc in docs.items()}
    unlocated = 0
    for line in gold:
        if line.tier == "optional" or line.doc not in docs:
            continue
        doc = docs[line.doc]
        sentences = evidence_sentences(doc, line)
        unlocated += not sentences
        nearby = [c for c in candidates[line.doc] if _overlaps(c.start, c.end, sentences)]
        hits = 0
        for entity_id in (line.s, line.o):
            aliases = names.get(entity_id, set())
            hit = any(entity_id in c.ids or c.surfaces & aliases for c in nearby)
            hits += hit
            for slice_name in ("all", line.doc.split("_")[0]):
                tallies[slice_name].args += 1
                tallies[slice_name].found += hit
            if not hit:
                text = " ".join(doc.text[s:e] for s, e in sentences)
                surface = _longest_alias(text, aliases) or f"<{entity_id}>"
                tallies["all"].missed[f"{surface}  ({entity_id})"] += 1
        for slice_name in ("all", line.doc.split("_")[0]):
            tallies[slice_name].lines += 1
            tallies[slice_name].both += hits == 2
    return tallies, unlocated


# --- the dev set --------------------------------------------------------------------------------


def parse_dev(texts: Path, cache: Path | None) -> dict[str, Doc]:
    """Every dev article parsed by kg's own pipeline, keyed by file name; cached as a DocBin."""
    from kg.nlp import RULES_ONLY, build_pipeline

    nlp = build_pipeline(scorer=RULES_ONLY)
    if cache and cache.exists():
        bin_ = DocBin(store_user_data=True).from_disk(cache)
        docs = list(bin_.get_docs(nlp.vocab))
        return {d.user_data["name"]: d for d in docs}
    from kg.build import blank_furniture, read_documents
    from kg.documents import DEFAULT_MAX_BYTES

    documents = read_documents([texts], encoding=None, max_bytes=DEFAULT_MAX_BYTES, keep_going=False, skipped=[])
    bin_ = DocBin(store_user_data=True)
    docs = {}
    for document in documents:
        doc = nlp(blank_furniture(document))
        doc.user_data["name"] = Path(document.source.split("#")[0]).name
        docs[doc.user_data["name"]] = doc
        bin_.add(doc)
    if cache:
        bin_.to_disk(cache)
    return docs


def mention_recall(dev: Path = DEFAULT_DEV, cache: Path | None = None) -> dict[str, object]:
    """Recall of the new and old mention layers on the dev set, with mentions per sentence."""
    docs = parse_dev(dev / "texts", cache)
    gold = load_gold(dev / "gold.jsonl")
    index = load_entities(dev / "entities.jsonl")
    names = entity_names(dev / "entities.jsonl")
    gazetteer = gaz.load(gaz.default_path())
    new, unlocated = measure(docs, gold, names, lambda d: new_candidates(d, gazetteer, index))
    old, _ = measure(docs, gold, names, lambda d: old_candidates(d, gazetteer, index))
    sentences = sum(len(list(d.sents)) for d in docs.values())
    new_count = sum(len(detect_mentions(d, load_words(), gazetteer)) for d in docs.values())
    old_count = sum(len(Extraction.from_dict(d.user_data[RESULT_KEY]).mentions) for d in docs.values())
    return {"new": new, "old": old, "unlocated": unlocated, "sentences": sentences, "new_per_sentence": new_count / sentences, "old_per_sentence": old_count / sentences}


def report(result: dict[str, object], top: int = 30) -> str:
    new, old = result["new"], result["old"]
    assert isinstance(new, dict) and isinstance(old, dict)
    lines = ["slice        new recall  (args)     old recall   new both-args  old both-args"]
    for name in ("all", "voa", "fakes", "wikievents"):
        n, o = new[name], old[name]
        lines.append(f"{name:<12} {n.recall():.3f} ({n.found}/{n.args})  {o.recall():.3f}        {n.both_share():.3f} ({n.both}/{n.lines})  {o.both_share():.3f}")
    lines.append(f"mentions per sentence: new {result['new_per_sentence']:.2f}, old {result['old_per_sentence']:.2f} ({result['sentences']} sentences)")
    lines.append(f"evidence quotes not located: {result['unlocated']}")
    lines.append(f"top {top} missed arguments (new layer):")
    lines.extend(f"  {count:3d}  {what}" for what, count in new["all"].missed.most_common(top))
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m kg.mentions", description="mention recall on the dev set")
    parser.add_argument("command", choices=["recall"])
    parser.add_argument("--dev", type=Path, default=Path(os.environ.get("KG_DEV", DEFAULT_DEV)))
    parser.add_argument("--cache", type=Path, default=None, help="DocBin of the parsed dev set, written when absent")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args(argv)
    if not (args.dev / "gold.jsonl").exists():
        print(f"no dev set at {args.dev} (expected gold.jsonl, entities.jsonl, texts/)")
        return 2
    print(report(mention_recall(args.dev, args.cache), args.top))
    return 0
