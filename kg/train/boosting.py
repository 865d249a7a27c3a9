"""Fitting stage A as LightGBM gradient-boosted trees (``kg.trees.TreeScorer``).

Training needs lightgbm and scipy alone (both run-time dependencies), not scikit-learn. The trees see the same feature rows, labels and weights as
the linear model; features seen in fewer than ``tree_min_count`` rows are left out. LightGBM runs
with ``deterministic`` and a fixed thread count and seed, so a model is rebuilt byte for byte.
"""
from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Sequence

import numpy as np

from kg.extraction import CORE
from kg.features import Features
from kg.trees import TreeScorer, sparse_rows, used_columns

if TYPE_CHECKING:
    from kg.train.dataset import Settings

THREADS = 2


def fit_trees(rows: Sequence[Features], ys: Sequence[str], weights: Sequence[float], settings: "Settings") -> TreeScorer:
    """LightGBM's own training API (no scikit-learn): columns are the kept feature names in
    sorted order, classes the sorted labels."""
    import lightgbm

    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        for name in row:
            counts[name] += 1
    names = sorted(name for name, n in counts.items() if n >= settings.tree_min_count)
    matrix = sparse_rows(rows, {name: j for j, name in enumerate(names)}, len(names), np.float32)
    classes = sorted(set(ys))
    label = np.asarray([classes.index(y) for y in ys], dtype=np.float64)
    boosters = []
    for k in range(max(1, settings.ensemble)):
        params = {
            "objective": "multiclass", "num_class": len(classes), "learning_rate": settings.learning_rate, "num_leaves": settings.leaves,
            "min_data_in_leaf": settings.min_child_samples, "feature_fraction": settings.colsample, "lambda_l2": settings.l2,
            "seed": settings.tree_seed + k, "deterministic": True, "force_row_wise": True, "num_threads": THREADS, "verbose": -1,
        }
        data = lightgbm.Dataset(matrix, label=label, weight=np.asarray(weights, dtype=np.float64))
        boosters.append(lightgbm.train(params, data, num_boost_round=settings.trees))
    used = sorted({j for booster in boosters for j in used_columns(booster)})
    columns = {names[j]: n for n, j in enumerate(used)}
    texts = tuple(compact(booster.model_to_string(num_iteration=-1), used) for booster in boosters)
    return TreeScorer(tuple(classes), columns, len(used), texts[0], {r: 0.5 for r in CORE}, {"settings": settings.__dict__}, extra_texts=texts[1:])


# Per-tree statistics LightGBM writes for analysis; prediction reads none of them.
STATISTICS = ("split_gain=", "leaf_weight=", "leaf_count=", "internal_value=", "internal_weight=", "internal_count=")


def compact(text: str, used: list[int]) -> str:
    """LightGBM's model text over the ``used`` columns only, renumbered 0…n-1 in that order,
    without the statistics and the feature importances: the same splits and leaf values, so the
    same predictions, in a file a tenth the size. (``tree_sizes`` goes too: it gives the byte
    length of each tree as written, and LightGBM reads the trees one after another without it.)"""
    new = {old: n for n, old in enumerate(used)}
    header, rest = text.split("\nTree=", 1)
    trees, tail = rest.split("end of trees", 1)
    out: list[str] = []
    for line in header.split("\n"):
        key, _, value = line.partition("=")
        if key == "max_feature_idx":
            line = f"max_feature_idx={len(used) - 1}"
        elif key == "feature_names":
            line = "feature_names=" + " ".join(f"Column_{n}" for n in range(len(used)))
        elif key == "feature_infos":
            infos = value.split(" ")
            line = "feature_infos=" + " ".join(infos[j] for j in used)
        elif key == "tree_sizes":
            continue
        out.append(line)
    body: list[str] = []
    for line in ("Tree=" + trees).split("\n"):
        if line.startswith(STATISTICS):
            continue
        if line.startswith("split_feature="):
            line = "split_feature=" + " ".join(str(new[int(j)]) for j in line[len("split_feature="):].split())
        body.append(line)
    parameters = tail[tail.index("parameters:"):] if "parameters:" in tail else "\n"
    return "\n".join(out) + "\n" + "\n".join(body) + "end of trees\n\n" + parameters
