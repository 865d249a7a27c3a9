"""Paired comparison of two ``make cv --json`` results: is a change better than the noise?

Two CV runs of the same folds and tree seeds are compared fold by fold (same test articles, same
seed), for the learned scorer and for rules ∪ learned, core five F1. The paired differences
carry the noise of retraining (a change to one article's labels moves single folds by up to
0.05) and of the tree seed; their mean and standard error say whether a difference stands out
of it. A mean difference within two standard errors of zero has not been shown to matter.

    python -m kg.train.compare BASE.json CHANGED.json
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path

DECISIONS = {"learned": "learned", "union": "rules ∪ learned"}


@dataclass(frozen=True)
class Paired:
    decision: str  # learned | union
    differences: list[float]  # changed − base, one per (seed, fold)

    @property
    def mean(self) -> float:
        return sum(self.differences) / len(self.differences)

    @property
    def stderr(self) -> float:
        n = len(self.differences)
        if n < 2:
            return math.inf
        variance = sum((d - self.mean) ** 2 for d in self.differences) / (n - 1)
        return math.sqrt(variance / n)

    def verdict(self) -> str:
        if self.mean - 2 * self.stderr > 0:
            return "better beyond the noise"
        if self.mean + 2 * self.stderr < 0:
            return "worse beyond the noise"
        return "not shown to differ"


def runs(result: dict) -> dict[str, dict]:
    """Tree seed → one CV run, for a plain ``--json`` result (seed as in its settings) or a
    ``--tree-seeds`` one."""
    if "seeds" in result:
        return dict(result["seeds"])
    return {str(result["settings"].get("tree_seed", 0)): result}


def fold_f1(run: dict, decision: str) -> dict[tuple[str, ...], float]:
    """Core five F1 of each fold, keyed by the fold's test articles."""
    folds = run[decision]["core five"]["folds"]
    return {tuple(sorted(names)): fold["f1"] for names, fold in zip(run["folds"], folds)}


def compare(base: dict, changed: dict) -> list[Paired]:
    """Paired differences over the (seed, fold) pairs both runs hold."""
    base_runs, changed_runs = runs(base), runs(changed)
    seeds = sorted(set(base_runs) & set(changed_runs))
    if not seeds:
        raise ValueError("the two results share no tree seed")
    out = []
    for decision in DECISIONS:
        differences: list[float] = []
        for seed in seeds:
            before, after = fold_f1(base_runs[seed], decision), fold_f1(changed_runs[seed], decision)
            shared = sorted(set(before) & set(after))
            if len(shared) != len(before) or len(shared) != len(after):
                raise ValueError(f"seed {seed}: the two results do not have the same folds")
            differences += [after[k] - before[k] for k in shared]
        out.append(Paired(decision, differences))
    return out


def lines(paired: list[Paired]) -> list[str]:
    out = [f"{'decision':<17}{'pairs':>6}{'mean Δ F1':>11}{'± s.e.':>9}{'better':>8}{'worse':>7}   verdict"]
    for p in paired:
        better = sum(d > 0 for d in p.differences)
        worse = sum(d < 0 for d in p.differences)
        out.append(f"{DECISIONS[p.decision]:<17}{len(p.differences):>6}{p.mean:>+11.3f}{p.stderr:>9.3f}{better:>8}{worse:>7}   {p.verdict()}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", type=Path, help="make cv --json of the code before the change")
    parser.add_argument("changed", type=Path, help="make cv --json of the code with the change")
    args = parser.parse_args(argv)
    try:
        results = [json.loads(path.read_text(encoding="utf-8")) for path in (args.base, args.changed)]
        paired = compare(*results)
    except (OSError, ValueError, KeyError, TypeError) as error:
        print(f"compare: {error}", file=sys.stderr)
        return 2
    print("\n".join(lines(paired)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
