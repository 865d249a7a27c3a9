"""Cross-validation of stage B (frozen MiniLM pair vectors + a softmax head) against stage A.

    python -m kg.train.cv_encoder [--head-C 0.05] [--json out.json]     (make cv-encoder)

6 outer folds by article (the same GroupKFold folds as ``kg.train.cv``). In each, the 30
training articles are split once more by article (GroupKFold 5, first split): both models are
trained on the 24 inner-training articles, the seeds and the M2E2 sentences (less the VOA
documents of the held-out and test articles); thresholds are tuned on the 6 inner held-out
articles; the test fold is scored with those models and thresholds. Stage A alone, stage B
alone and their average are all scored under this same protocol, so they compare fairly.
Every candidate is encoded once (int8 ONNX, ``kg.encoder``) before the folds.
"""
from __future__ import annotations

import argparse
import sys
import time
from typing import Sequence

import numpy as np

from kg.evaluate import EvalReport
from kg.train.cv import FOLDS, INNER, Material, groups_of, load_material, report, summary, union, write_json
from kg.train.dataset import (
    ArticleData, Settings, add_settings_arguments, fit, gold_sets, official_score, resolver, rule_results, scorer_results,
    settings_from, training_rows, tune_thresholds,
)
from kg.encoder import Encoder, PairEncoder
from kg.train.pair_encoder import HeadSettings, fit_head
from kg.scorer import CLASSES, in_class_order


def three_ways(names: Sequence[str], articles: Sequence[ArticleData], a: Sequence[np.ndarray], b: Sequence[np.ndarray]) -> dict[str, list[tuple[ArticleData, np.ndarray]]]:
    """Each article's class probabilities from stage A, stage B and their mean, under ``names``."""
    return {
        names[0]: list(zip(articles, a)),
        names[1]: list(zip(articles, b)),
        names[2]: [(x, (p + q) / 2) for x, p, q in zip(articles, a, b)],
    }


class Comparison:
    """Test-fold scores of several decisions under one protocol: per fold, each decision's
    thresholds are tuned on its held-out probabilities and its test-fold relations are scored
    alone and together with the rules'."""

    def __init__(self, names: Sequence[str], settings: Settings) -> None:
        self.names = tuple(names)
        self.settings = settings
        self.golds = gold_sets()
        self.res = resolver()
        self.rules: list[EvalReport] = []
        self.scores: dict[str, list[EvalReport]] = {n: [] for n in self.names}
        self.unions: dict[str, list[EvalReport]] = {n: [] for n in self.names}
        self.thresholds: dict[str, list[dict[str, float]]] = {n: [] for n in self.names}

    def fold(self, number: int, held_out: Sequence[ArticleData], tuning: dict[str, list[tuple[ArticleData, np.ndarray]]],
             testing: dict[str, list[tuple[ArticleData, np.ndarray]]]) -> str:
        """Score one test fold; returns its one-line summary."""
        golds = self.golds["dev"]
        rules = rule_results(held_out, self.res)
        self.rules.append(official_score(rules, held_out, golds))
        line = [f"fold {number + 1}: rules F1 {self.rules[-1].core.f1:.3f}"]
        for name in self.names:
            cut = tune_thresholds(tuning[name], CLASSES, shared=self.settings.shared_threshold, beta=self.settings.beta)
            self.thresholds[name].append({k: round(v, 3) for k, v in cut.items()})
            learned = scorer_results(testing[name], CLASSES, cut, self.res)
            self.scores[name].append(official_score(learned, held_out, golds))
            self.unions[name].append(official_score(union(rules, learned), held_out, golds))
            core = self.scores[name][-1].core
            line.append(f"{name} P {core.precision:.3f} R {core.recall:.3f} F1 {core.f1:.3f}")
        return "; ".join(line)

    def lines(self, title: str) -> list[str]:
        out = [title]
        out += report("rules alone", self.rules)
        for name in self.names:
            out += report(name, self.scores[name])
            out += report(f"rules ∪ {name}", self.unions[name])
        return out

    def result(self) -> dict[str, object]:
        return {
            "thresholds": self.thresholds, "rules": summary(self.rules),
            **{name: summary(self.scores[name]) for name in self.names}, **{f"rules ∪ {name}": summary(self.unions[name]) for name in self.names},
        }


def run(settings: Settings, tune: HeadSettings, material: Material, verbose: bool = True) -> dict[str, object]:
    began = time.time()
    pairs = PairEncoder(Encoder())
    vectors: dict[int, np.ndarray] = {}
    for item in [*material.dev, *material.seeds, *material.m2e2]:
        vectors[id(item)] = pairs.vectors(item.texts) if item.texts else np.zeros((0, 2 * 384), dtype=np.float32)
    if verbose:
        print(f"pair vectors: {sum(len(v) for v in vectors.values())} [{time.time() - began:.0f}s]", file=sys.stderr, flush=True)
    names = ("A: features", "B: encoder", "A+B: mean")
    comparison = Comparison(names, settings)
    for number, test in enumerate(groups_of(material.dev, FOLDS)):
        test_set = set(test)
        held_out = [material.dev[i] for i in test]
        train = [a for i, a in enumerate(material.dev) if i not in test_set]
        inner_val_index = groups_of(train, INNER)[0]
        inner_val = [train[i] for i in inner_val_index]
        inner_train = [a for i, a in enumerate(train) if i not in set(inner_val_index)]
        excluded = {material.voa_docs[a.name] for a in held_out + inner_val if a.name in material.voa_docs}
        m2e2 = [s for s in material.m2e2 if s.doc_id not in excluded]
        row_parts = [(a.rows, a.labels, 1.0) for a in inner_train] + [(a.rows, a.labels, settings.seeds_weight) for a in material.seeds]
        row_parts += [(s.rows, s.labels, settings.m2e2_weight) for s in m2e2]
        vec_parts = [(vectors[id(a)], a.labels, 1.0) for a in inner_train] + [(vectors[id(a)], a.labels, settings.seeds_weight) for a in material.seeds]
        vec_parts += [(vectors[id(s)], s.labels, settings.m2e2_weight) for s in m2e2]
        scorer = fit(*training_rows(row_parts, settings), settings)
        xs, ys, ws = training_rows(vec_parts, settings)
        model = fit_head(np.stack(xs), ys, ws, tune)

        def probabilities(articles: Sequence[ArticleData]) -> dict[str, list[tuple[ArticleData, np.ndarray]]]:
            a = [in_class_order(scorer.predict_proba(x.rows), scorer.classes) for x in articles]
            b = [model.predict_proba_vectors(vectors[id(x)]) for x in articles]
            return three_ways(names, articles, a, b)

        line = comparison.fold(number, held_out, probabilities(inner_val), probabilities(held_out))
        if verbose:
            print(line + f"  [{time.time() - began:.0f}s]", file=sys.stderr, flush=True)
    lines = comparison.lines(f"6-fold CV by article, single inner split for thresholds; settings {settings}, {tune}")
    if verbose:
        print("\n".join(lines))
    return {"settings": settings.__dict__, "fine_tune": tune.__dict__, **comparison.result(), "text": lines}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_settings_arguments(parser, model="linear")
    parser.add_argument("--head-C", type=float, default=HeadSettings.C)
    parser.add_argument("--json", help="write the fold scores and thresholds here")
    args = parser.parse_args(argv)
    tune = HeadSettings(C=args.head_C)
    settings = settings_from(args)
    result = run(settings, tune, load_material(settings))
    if args.json:
        write_json(args.json, result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
