"""Transfer recall: how many annotated (subject, relation, object) pairs of a public corpus kg finds.

The corpora annotate argument spans, not kg's entity ids, so a gold pair counts as found when kg
extracts the same relation, in the same direction, between mentions whose text matches the gold
arguments' (after normalisation, one inside the other as whole words, or the same head word),
in the same text. RAMS annotates one event per window and re3d is not exhaustive, so only recall
means anything here.

    python -m kg.transfer [--corpus rams-test|re3d] [--limit N]
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from kg.corpora.common import CORE_LABELS, PairExample

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
ATTACK_FAMILY = {"strikes", "attacks"}
_DROP = re.compile(r"^(?:the|a|an|its|their|his|her)\s+")
_NON_WORD = re.compile(r"[^\w]+")


def norm(text: str) -> str:
    text = _NON_WORD.sub(" ", text.lower().replace("'s", "")).strip()
    return _DROP.sub("", text)


def same_mention(found: str, gold: str) -> bool:
    """A kg mention text and a gold argument text name the same thing (lenient on extent)."""
    a, b = norm(found), norm(gold)
    if not a or not b:
        return False
    if f" {a} " in f" {b} " or f" {b} " in f" {a} ":
        return True
    return a.split()[-1] == b.split()[-1]


@dataclass
class TransferReport:
    corpus: str
    total: Counter[str] = field(default_factory=Counter)
    found: Counter[str] = field(default_factory=Counter)
    found_family: Counter[str] = field(default_factory=Counter)  # strikes and attacks taken as one
    texts: int = 0
    failed: int = 0

    def recall(self, counter: Counter[str] | None = None) -> float:
        total = sum(self.total.values())
        return sum((counter or self.found).values()) / total if total else 0.0

    def lines(self) -> list[str]:
        out = [f"{self.corpus}: {sum(self.found.values())} of {sum(self.total.values())} gold pairs found, "
               f"recall {self.recall():.3f} (strikes/attacks as one: {self.recall(self.found_family):.3f}); "
               f"{self.texts} texts, {self.failed} failed"]
        for label in CORE_LABELS:
            if self.total[label]:
                out.append(f"  {label:<10} {self.found[label]:>4} / {self.total[label]:<4} {self.found[label] / self.total[label]:.3f}")
        return out


def load(corpus: str, shared: Path = SHARED) -> list[PairExample]:
    """The positive core pairs of a corpus: ``rams-test`` or ``re3d``."""
    from kg.corpora import rams, re3d

    if corpus == "rams-test":
        examples: Iterable[PairExample] = rams.load(shared / "corpora" / "rams", splits=("test",))
    elif corpus == "re3d":
        examples = re3d.load(shared / "corpora" / "re3d")
    else:
        raise ValueError(f"unknown corpus {corpus!r}")
    return [e for e in examples if e.label in CORE_LABELS]


def transfer_recall(corpus: str, examples: list[PairExample], *, model: str | None = None, workers: int = 1) -> TransferReport:
    """Run kg over each distinct text of ``examples`` and count the gold pairs it finds."""
    from kg import gazetteer as gaz
    from kg.build import iter_outcomes
    from kg.documents import make_document
    from kg.failures import Failure
    from kg.nlp import build_pipeline
    from kg.resolve import Resolver

    report = TransferReport(corpus)
    texts = sorted({e.sentence for e in examples})
    ids = {text: f"t{index:05d}" for index, text in enumerate(texts)}
    documents = [make_document(text, doc_id=ids[text], source=f"{corpus}-{ids[text]}") for text in texts]
    nlp = build_pipeline(model)
    found: dict[str, list[tuple[str, str, str]]] = {}
    for outcome in iter_outcomes(documents, nlp, Resolver(gaz.load(gaz.default_path())), workers=workers):
        if isinstance(outcome, Failure):
            report.failed += 1
            continue
        found[outcome.document.id] = [(r.subject_text, r.predicate, r.object_text) for r in outcome.relations]
    report.texts = len(texts)
    for example in examples:
        report.total[example.label] += 1
        relations = found.get(ids[example.sentence], [])
        pairs = [(p, s, o) for s, p, o in relations if same_mention(s, example.arg1_text) and same_mention(o, example.arg2_text)]
        if any(p == example.label for p, _, _ in pairs):
            report.found[example.label] += 1
        if any(p == example.label or (p in ATTACK_FAMILY and example.label in ATTACK_FAMILY) for p, _, _ in pairs):
            report.found_family[example.label] += 1
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Transfer recall of kg on RAMS test and re3d.")
    parser.add_argument("--corpus", action="append", choices=("rams-test", "re3d"))
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--workers", type=int, default=1)
    options = parser.parse_args(argv)
    if not (options.shared / "corpora").is_dir():
        print(f"transfer: {options.shared / 'corpora'} is absent", file=sys.stderr)
        return 2
    for corpus in options.corpus or ["rams-test", "re3d"]:
        report = transfer_recall(corpus, load(corpus, options.shared), workers=options.workers)
        print("\n".join(report.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
