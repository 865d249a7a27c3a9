"""Train the shipped relation scorer and write ``kg/data/scorer.json``.

    python -m kg.train.train [--out kg/data/scorer.json] [--C 0.5] [--m2e2-weight 0.5]

The model is fitted on every dev article, the seed articles, the labelled pool articles and all
M2E2 sentences, with the same settings as ``python -m kg.train.cv``. Its thresholds come from a
6-fold CV by article over the dev set and the pool (held-out scores of every dev and pool
article, each fold's model trained as the final one but without the held-out articles and their
M2E2 documents). It also reports the seed-set
score of a model trained without the seeds (honest) and of the shipped one (seen in training).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg.scorer import MODEL_PATH, StageA
from kg.train.cv import FOLDS, Material, groups_of, load_material, pool_splits, train_model, tuned_model
from kg.extraction import CORE
from kg.train.dataset import SEED, Settings, add_settings_arguments, linear_settings, gold_sets, settings_from, official_score, resolver, rule_results, scorer_results, thresholds_for


def shipped_model(material: Material, settings: Settings) -> StageA:
    """Stage A on all the data, thresholds from held-out scores of every dev (and pool) article
    in a 6-fold CV by article; its ``meta`` says what it was trained on and how."""
    held: list = []
    pool_parts = pool_splits(material, settings, FOLDS)
    tune_pool = any(pool_parts)
    for test, pool_test in zip(groups_of(material.dev, FOLDS), pool_parts):
        held_out = [material.dev[i] for i in test] + [material.pool[i] for i in pool_test]
        train = [a for i, a in enumerate(material.dev) if i not in set(test)]
        model = train_model(material, train, held_out, settings)
        held += [(a, model.predict_proba(a.rows)) for a in held_out]
    scorer = train_model(material, material.dev, [], settings)
    scorer.thresholds = thresholds_for(held, scorer.classes, settings)
    linear = settings.model == "linear"
    scorer.meta = {
        "trained_on": "kg dev set (36 articles), seed articles (5), M2E2 attack/transport sentences (VOA)"
        + (f", kg's labels for {len(material.pool)} FA-KES pool articles ({', '.join('eval/' + r for r in settings.pool_rounds)})" if material.pool and settings.pool_weight > 0 else "")
        + (f", {len(material.written)} articles written for hard constructions (eval/written)" if material.written and settings.written_weight > 0 else ""),
        "licences": "M2E2: VOA text public domain, annotation licence not stated; dev and pool FA-KES texts (CC BY 4.0 dataset) and WikiEvents texts keep their publishers' copyright (in-project use)"
        + ("; eval/written: kg's own (MIT)" if material.written and settings.written_weight > 0 else ""),
        "model": "multinomial logistic regression (scikit-learn newton-cg), features seen at least min_count times" if linear
        else "LightGBM multiclass gradient-boosted trees (deterministic, fixed seed and threads), features seen at least tree_min_count times",
        "settings": linear_settings(settings) if linear else settings.__dict__,
        "seed": SEED,
        "thresholds_from": "6-fold CV by article over the dev set" + (" and the pool articles" if tune_pool else "") + " (held-out probabilities)",
    }
    return scorer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    add_settings_arguments(parser)
    args = parser.parse_args(argv)
    settings = settings_from(args)
    material = load_material(settings)
    golds = gold_sets()
    res = resolver()

    # Seeds, honestly: a model that never saw them (thresholds by inner CV over the dev set).
    without = tuned_model(material, material.dev, [], settings, use_seeds=False)
    items = [(a, without.predict_proba(a.rows)) for a in material.seeds]
    unseen = official_score(scorer_results(items, without.classes, without.thresholds, res), material.seeds, golds["seeds"])

    scorer = shipped_model(material, settings)
    items = [(a, scorer.predict_proba(a.rows)) for a in material.seeds]
    seen = official_score(scorer_results(items, scorer.classes, scorer.thresholds, res), material.seeds, golds["seeds"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    scorer.save(args.out)
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({settings.model}: {len(scorer.vocabulary)} features × {len(scorer.classes)} classes, {size / 1024:.0f} KiB)")
    print(f"thresholds: {scorer.thresholds}")
    rules = official_score(rule_results(material.seeds, res), material.seeds, golds["seeds"])
    for title, report in (
        ("seeds, rules alone", rules),
        ("seeds, model trained without them", unseen),
        ("seeds, shipped model (seen in training)", seen),
    ):
        core = report.core
        print(f"{title}: core five P {core.precision:.3f} R {core.recall:.3f} F1 {core.f1:.3f} (TP {core.tp} FP {core.fp} FN {core.fn})")
        for name in CORE:
            s = report.scores.get(name)
            if s is not None:
                print(f"    {name:<10} P {s.precision:.3f} R {s.recall:.3f} F1 {s.f1:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
