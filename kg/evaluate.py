"""``kg eval``: precision, recall and F1 of extracted relations against gold relations.

Counting follows eval/README.md: relations are compared per article after mapping both
arguments to gold entity ids through labels and aliases (case, hyphens, apostrophes and "the"
ignored). Recall is over explicit + implicit gold lines; precision over all predictions, where a
prediction matching no gold line (optional ones included) is a false positive. ``allyOf`` is
symmetric, so either direction matches.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from kg import gazetteer as gaz
from kg.build import analyse, read_documents
from kg.documents import DEFAULT_MAX_BYTES
from kg.errors import InputError
from kg.extraction import CORE
from kg.documents import Document
from kg.resolve import DocumentResult, Relation

if TYPE_CHECKING:
    from spacy.language import Language

SYMMETRIC = {"allyOf"}
TIER_RANK = {"explicit": 0, "implicit": 1, "optional": 2}


def norm(text: str) -> str:
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"['\u02bc`]", "", text)
    text = re.sub(r"[-\u2010-\u2015_/]", " ", text)
    text = re.sub(r"^the\s+", "", text.strip())
    text = re.sub(r"\s+(s)$", "", text) if False else text
    return " ".join(text.split())


@dataclass(frozen=True)
class GoldLine:
    doc: str
    s: str
    p: str
    o: str
    tier: str
    evidence: str


@dataclass
class EntityIndex:
    labels: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    aliases: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def lookup(self, *names: str) -> set[str]:
        """Gold ids for the first name that matches a label, else an alias."""
        for name in names:
            key = norm(name)
            if key in self.labels:
                return set(self.labels[key])
            if key in self.aliases:
                return set(self.aliases[key])
        return set()


def _read_jsonl(path: Path) -> Iterable[tuple[int, dict[str, Any]]]:
    try:
        lines = path.read_text(encoding="utf-8").split("\n")  # not splitlines(): U+2028 may sit inside a record
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(path, f"cannot read ({error})") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(f"{path}:{number}", f"malformed JSON ({error.msg})") from None
        if not isinstance(record, dict):
            raise InputError(f"{path}:{number}", "each line must be a JSON object")
        yield number, record


def load_entities(path: Path) -> EntityIndex:
    index = EntityIndex()
    for number, record in _read_jsonl(path):
        if "id" not in record or "label" not in record:
            raise InputError(f"{path}:{number}", 'an entity needs "id" and "label"')
        index.labels[norm(record["label"])].add(record["id"])
        for alias in record.get("aliases", []):
            index.aliases[norm(alias)].add(record["id"])
    return index


def load_gold(path: Path) -> list[GoldLine]:
    lines = []
    for number, record in _read_jsonl(path):
        missing = [k for k in ("doc", "s", "p", "o") if k not in record]
        if missing:
            raise InputError(f"{path}:{number}", f"missing {', '.join(missing)}")
        lines.append(GoldLine(record["doc"], record["s"], record["p"], record["o"], record.get("tier", "explicit"), record.get("evidence", "")))
    return lines


@dataclass
class Prediction:
    doc: str
    predicate: str
    subjects: frozenset[str]
    objects: frozenset[str]
    relation: Relation
    sentence: str

    def matches(self, line: GoldLine) -> bool:
        if line.p != self.predicate:
            return False
        if line.s in self.subjects and line.o in self.objects:
            return True
        return self.predicate in SYMMETRIC and line.o in self.subjects and line.s in self.objects


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    recall_hits: int = 0
    recall_total: int = 0
    explicit_hits: int = 0
    explicit_total: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.recall_hits / self.recall_total if self.recall_total else 0.0

    @property
    def explicit_recall(self) -> float:
        return self.explicit_hits / self.explicit_total if self.explicit_total else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: "Score") -> None:
        for name in ("tp", "fp", "fn", "recall_hits", "recall_total", "explicit_hits", "explicit_total"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class EvalReport:
    scores: dict[str, Score]
    false_positives: list[Prediction]
    misses: list[GoldLine]
    documents: int

    def total(self, relations: Iterable[str]) -> Score:
        total = Score()
        for name in relations:
            if name in self.scores:
                total.add(self.scores[name])
        return total

    @property
    def core(self) -> Score:
        return self.total(CORE)

    @property
    def overall(self) -> Score:
        return self.total(self.scores)

    def to_text(self, details: bool = True) -> str:
        rows = [f"{'relation':<22}{'P':>7}{'R':>7}{'F1':>7}{'R(expl)':>9}{'TP':>5}{'FP':>5}{'FN':>5}"]

        def row(name: str, score: Score) -> str:
            return (
                f"{name:<22}{score.precision:7.3f}{score.recall:7.3f}{score.f1:7.3f}{score.explicit_recall:9.3f}"
                f"{score.tp:5d}{score.fp:5d}{score.fn:5d}"
            )

        for name in sorted(self.scores, key=lambda n: (n not in CORE, CORE.index(n) if n in CORE else 0, n)):
            rows.append(row(name, self.scores[name]))
        rows.append(row("core five", self.core))
        rows.append(row("overall", self.overall))
        lines = [f"kg eval: {self.documents} documents", *rows]
        if details:
            lines.append("")
            lines.append(f"false positives ({len(self.false_positives)}):")
            for item in self.false_positives:
                r = item.relation
                lines.append(f"  {item.doc}: {r.subject} {item.predicate} {r.object}  [{r.subject_text!r} → {r.object_text!r}]  «{_short(item.sentence)}»")
            lines.append(f"misses ({len(self.misses)}):")
            for line in self.misses:
                lines.append(f"  {line.doc}: {line.s} {line.p} {line.o} ({line.tier})  «{_short(line.evidence)}»")
        return "\n".join(lines)

    def to_json(self) -> str:
        def as_dict(score: Score) -> dict[str, Any]:
            return {
                "precision": round(score.precision, 4), "recall": round(score.recall, 4), "f1": round(score.f1, 4),
                "explicit_recall": round(score.explicit_recall, 4), "tp": score.tp, "fp": score.fp, "fn": score.fn,
            }

        return json.dumps(
            {
                "documents": self.documents,
                "relations": {k: as_dict(v) for k, v in sorted(self.scores.items())},
                "core": as_dict(self.core),
                "overall": as_dict(self.overall),
                "false_positives": [
                    {"doc": p.doc, "s": p.relation.subject, "p": p.predicate, "o": p.relation.object, "sentence": p.sentence} for p in self.false_positives
                ],
                "misses": [{"doc": m.doc, "s": m.s, "p": m.p, "o": m.o, "tier": m.tier, "evidence": m.evidence} for m in self.misses],
            },
            indent=2,
            ensure_ascii=False,
        )


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def predictions(results: list[DocumentResult], index: EntityIndex, file_names: dict[str, str]) -> list[Prediction]:
    gazetteer = gaz.load(gaz.default_path())
    found: dict[tuple[object, ...], Prediction] = {}
    for result in results:
        doc_name = file_names[result.document.id]
        labels = {k: v.label for k, v in result.entities.items()}
        for relation in result.relations:
            subjects = _candidates(relation.subject, labels, relation.subject_text, index, gazetteer)
            objects = _candidates(relation.object, labels, relation.object_text, index, gazetteer)
            key = (doc_name, relation.predicate, frozenset(subjects), frozenset(objects))
            if key not in found:
                start, end = relation.sentence
                found[key] = Prediction(doc_name, relation.predicate, frozenset(subjects), frozenset(objects), relation, result.document.text[start:end])
    return list(found.values())


def _candidates(entity_id: str, labels: dict[str, str], surface: str, index: EntityIndex, gazetteer: gaz.Gazetteer) -> set[str]:
    entry = gazetteer.get(entity_id)
    names = [labels.get(entity_id, entity_id)]
    if entry is not None:
        names.extend(entry.alt_labels)
    names.append(surface)  # a minted name, or a metonym such as "Tripoli" for the GNA, comes last
    found = index.lookup(*names)
    return found or {f"?{entity_id}"}


def score(preds: list[Prediction], gold: list[GoldLine], docs: set[str]) -> EvalReport:
    best: dict[tuple[str, str, str, str], GoldLine] = {}
    for line in gold:
        if line.doc not in docs:
            continue
        key = (line.doc, line.s, line.p, line.o)
        if key not in best or TIER_RANK.get(line.tier, 2) < TIER_RANK.get(best[key].tier, 2):
            best[key] = line
    lines = list(best.values())
    by_doc: dict[str, list[GoldLine]] = defaultdict(list)
    for line in lines:
        by_doc[line.doc].append(line)
    scores: dict[str, Score] = defaultdict(Score)
    false_positives = []
    for pred in preds:
        if any(pred.matches(line) for line in by_doc[pred.doc]):
            scores[pred.predicate].tp += 1
        else:
            scores[pred.predicate].fp += 1
            false_positives.append(pred)
    misses = []
    for line in lines:
        if line.tier == "optional":
            continue
        hit = any(pred.doc == line.doc and pred.matches(line) for pred in preds)
        score_ = scores[line.p]
        score_.recall_total += 1
        score_.recall_hits += hit
        if line.tier == "explicit":
            score_.explicit_total += 1
            score_.explicit_hits += hit
        if not hit:
            score_.fn += 1
            misses.append(line)
    return EvalReport(dict(scores), false_positives, misses, len(docs))


def load_cases(path: Path) -> tuple[list["Document"], list[GoldLine]]:
    """Single-sentence test cases: {"id", "text", "date", "expect": [{"s", "p", "o"}]} a line.

    Each case becomes a document; its expectations become explicit gold lines, so a case with
    no expectations scores every prediction as a false positive."""
    from kg.documents import make_document

    documents, gold = [], []
    for number, record in _read_jsonl(path):
        if "id" not in record or "text" not in record:
            raise InputError(f"{path}:{number}", 'a case needs "id" and "text"')
        raw = f"date {record['date']}\n{record['text']}" if record.get("date") else record["text"]
        documents.append(make_document(raw, doc_id=record["id"], source=f"{path.name}#{number}"))
        for item in record.get("expect", []):
            gold.append(GoldLine(record["id"], item["s"], item["p"], item["o"], item.get("tier", "explicit"), record["text"]))
    return documents, gold


def evaluate_cases(cases_path: Path, entities_path: Path, *, model: str | None = None, nlp: "Language | None" = None) -> EvalReport:
    index = load_entities(entities_path)
    documents, gold = load_cases(cases_path)
    results, _ = analyse(documents, model=model, nlp=nlp)
    preds = [p for p in predictions(results, index, {d.id: d.id for d in documents}) if p.predicate in CORE]
    return score(preds, gold, {d.id for d in documents})


def evaluate_corpus(
    inputs: list[Path], gold_path: Path, entities_path: Path, *, model: str | None = None, nlp: "Language | None" = None,
) -> EvalReport:
    index = load_entities(entities_path)
    gold = load_gold(gold_path)
    skipped: list[str] = []
    documents = read_documents(inputs, encoding=None, max_bytes=DEFAULT_MAX_BYTES, keep_going=False, skipped=skipped)
    results, _ = analyse(documents, model=model, nlp=nlp)
    file_names = {d.id: Path(d.source.split("#")[0]).name if "#" not in d.source else d.id for d in documents}
    gold_docs = {line.doc for line in gold}
    # Gold may name articles by file name or by id.
    file_names = {doc_id: (name if name in gold_docs else doc_id if doc_id in gold_docs else name) for doc_id, name in file_names.items()}
    preds = predictions(results, index, file_names)
    return score(preds, gold, set(file_names.values()))


@dataclass(frozen=True)
class GoldSet:
    """A named gold set: relations, the entity inventory they use, and the articles."""

    name: str
    gold: Path
    entities: Path
    inputs: tuple[Path, ...]

    @classmethod
    def folder(cls, path: Path) -> "GoldSet":
        """A folder laid out as ``../shared/eval/dev``: gold.jsonl, entities.jsonl and texts/."""
        missing = [n for n in ("gold.jsonl", "entities.jsonl", "texts") if not (path / n).exists()]
        if missing:
            raise InputError(str(path), f"not a gold set folder (no {', '.join(missing)}; expected gold.jsonl, entities.jsonl and texts/)")
        return cls(path.resolve().name, path / "gold.jsonl", path / "entities.jsonl", (path / "texts",))


@dataclass
class MultiReport:
    """``kg eval`` over several gold sets in one run: one report each, and their core sums."""

    reports: dict[str, EvalReport]

    @property
    def core(self) -> Score:
        total = Score()
        for report in self.reports.values():
            total.add(report.core)
        return total

    def to_text(self, details: bool = True) -> str:
        if len(self.reports) == 1:
            return next(iter(self.reports.values())).to_text(details)
        parts = [f"== {name}\n{report.to_text(details)}" for name, report in self.reports.items()]
        core = self.core
        parts.append(
            f"== all sets ({sum(r.documents for r in self.reports.values())} documents), core five: "
            f"P {core.precision:.3f}  R {core.recall:.3f}  F1 {core.f1:.3f}  (TP {core.tp}, FP {core.fp}, FN {core.fn})"
        )
        return "\n\n".join(parts)

    def to_json(self) -> str:
        if len(self.reports) == 1:
            return next(iter(self.reports.values())).to_json()
        core = self.core
        sets = {name: json.loads(report.to_json()) for name, report in self.reports.items()}
        combined = {"precision": round(core.precision, 4), "recall": round(core.recall, 4), "f1": round(core.f1, 4), "tp": core.tp, "fp": core.fp, "fn": core.fn}
        return json.dumps({"sets": sets, "core": combined}, indent=2, ensure_ascii=False)


def evaluate_sets(sets: list[GoldSet], *, model: str | None = None, scorer: Path | None = None) -> MultiReport:
    """Every gold set scored with one loaded pipeline."""
    from kg.nlp import build_pipeline

    if not sets:
        raise InputError("kg eval", "no gold set given (use --gold/--entities with articles, or --set FOLDER)")
    names = [s.name for s in sets]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise InputError("kg eval", f"two gold sets are named {duplicates[0]!r}")
    nlp = build_pipeline(model, scorer=scorer)
    return MultiReport({s.name: evaluate_corpus(list(s.inputs), s.gold, s.entities, nlp=nlp) for s in sets})
