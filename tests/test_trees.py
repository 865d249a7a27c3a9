"""Stage A as LightGBM trees (``kg.trees``): the file round trip, agreement with LightGBM's own
prediction, column order, unknown features, and byte-identical refits.

Synthetic rows. Fitting needs lightgbm and scipy only (run-time dependencies), so these run
everywhere; one comparison with scikit-learn's LightGBM wrapper skips without scikit-learn.
"""
from __future__ import annotations

import json

import numpy as np
import pytest

from kg.extraction import CORE
from kg.scorer import CLASSES, load_stage_a
from kg.trees import TreeScorer


def synthetic(n: int = 600, seed: int = 5) -> tuple[list[dict[str, float]], list[str], list[float]]:
    """Rows whose label a few cue features decide, with noise features and a numeric one."""
    rng = np.random.default_rng(seed)
    rows, ys, ws = [], [], []
    for k in range(n):
        label = CLASSES[k % len(CLASSES)]
        row = {f"noise:{j}": 1.0 for j in rng.choice(30, size=4, replace=False)}
        if rng.random() < 0.8:
            row[f"cue:{label}"] = 1.0
        row["distance"] = float(rng.integers(1, 9))
        if k % 50 == 0:
            row[f"rare:{k}"] = 1.0  # too rare for any split: a column the trees never use
        rows.append(row)
        ys.append(label)
        ws.append(1.0 if k % 7 else 0.5)
    return rows, ys, ws


def fitted(**changes: object) -> TreeScorer:
    from dataclasses import replace

    from kg.train.boosting import fit_trees
    from kg.train.dataset import Settings

    rows, ys, ws = synthetic()
    settings = replace(Settings(), trees=40, tree_min_count=2, **changes)  # type: ignore[arg-type]
    return fit_trees(rows, ys, ws, settings)


def test_trees_learn_the_cues_and_match_lightgbm():
    scorer = fitted()
    assert set(scorer.classes) == set(CLASSES)
    rows, ys, _ = synthetic(seed=11)
    proba = scorer.predict_proba(rows)
    assert proba.shape == (len(rows), len(CLASSES))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    cued = [n for n, row in enumerate(rows) if f"cue:{ys[n]}" in row]
    right = sum(scorer.classes[int(np.argmax(proba[n]))] == ys[n] for n in cued)
    assert right / len(cued) > 0.9
    # The same numbers as LightGBM's own predict, on a matrix whose columns are the file's.
    import lightgbm

    names = sorted(scorer.columns, key=scorer.columns.__getitem__)
    expected = lightgbm.Booster(model_str=scorer.model_text).predict(dense(rows, names))
    np.testing.assert_array_equal(proba, expected)


def test_unknown_features_and_key_order_do_not_matter():
    scorer = fitted()
    row = {"cue:strikes": 1.0, "distance": 3.0, "noise:2": 1.0}
    shuffled = {"noise:2": 1.0, "never-seen": 1.0, "distance": 3.0, "cue:strikes": 1.0}
    np.testing.assert_array_equal(scorer.predict_proba([row]), scorer.predict_proba([shuffled]))
    assert scorer.predict_proba([]).shape == (0, len(CLASSES))
    # Columns no split uses are not kept: the file lists only the features the trees read.
    assert "cue:strikes" in scorer.columns and not any(name.startswith("rare:") for name in scorer.columns)
    assert scorer.n_columns == len(scorer.columns)


def test_file_round_trip_and_refit_are_byte_identical(tmp_path):
    scorer = fitted()
    scorer.thresholds = {r: 0.3 for r in CORE}
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    scorer.save(first)
    fitted().save(second)
    data = json.loads(first.read_text(encoding="utf-8"))
    assert data["model"] == "lightgbm"
    again = load_stage_a(first)
    assert isinstance(again, TreeScorer) and again.thresholds == scorer.thresholds
    rows, _, _ = synthetic(seed=2)
    np.testing.assert_array_equal(again.predict_proba(rows), scorer.predict_proba(rows))
    # A refit with the same settings writes the same trees (thresholds aside).
    assert json.loads(second.read_text(encoding="utf-8"))["booster"] == data["booster"]
    # Another seed (feature sampling) gives other trees: the seed is really used.
    assert fitted(tree_seed=1).model_text != scorer.model_text


def dense(rows: list[dict[str, float]], names: list[str]) -> np.ndarray:
    matrix = np.zeros((len(rows), len(names)))
    for n, row in enumerate(rows):
        for j, name in enumerate(names):
            matrix[n, j] = row.get(name, 0.0)
    return matrix


def test_compact_model_text_predicts_exactly_as_the_full_one():
    """The shipped file keeps only the used columns and what prediction reads; LightGBM must
    give the same probabilities, bit for bit, from it as from its own full model text."""
    import lightgbm

    from kg.train.boosting import compact
    from kg.trees import used_columns

    rows, ys, ws = synthetic()
    names = sorted({name for row in rows for name in row})
    classes = sorted(set(ys))
    params = {"objective": "multiclass", "num_class": len(classes), "num_leaves": 7, "feature_fraction": 0.5, "deterministic": True,
              "force_row_wise": True, "num_threads": 1, "verbose": -1, "seed": 0}
    booster = lightgbm.train(params, lightgbm.Dataset(dense(rows, names), label=[classes.index(y) for y in ys], weight=ws), num_boost_round=30)
    full = booster.model_to_string()
    used = used_columns(booster)
    assert 0 < len(used) < len(names)  # the rare columns are never split on
    small = compact(full, used)
    assert len(small) < 0.7 * len(full) and "split_gain" not in small and "tree_sizes" not in small
    test = dense(synthetic(seed=9)[0], names)
    expected = booster.predict(test)
    got = lightgbm.Booster(model_str=small).predict(test[:, used])
    np.testing.assert_array_equal(got, expected)


def test_fit_matches_scikit_learns_lightgbm_wrapper():
    """``fit_trees`` calls LightGBM's core API; scikit-learn's ``LGBMClassifier`` with the same
    settings must give the same probabilities (the settings map one to one)."""
    pytest.importorskip("sklearn", reason="scikit-learn not installed: training-only dependency")
    import lightgbm

    scorer = fitted()
    rows, ys, ws = synthetic()
    kept = sorted({name for row in rows for name in row if sum(name in r for r in rows) >= 2})
    model = lightgbm.LGBMClassifier(objective="multiclass", n_estimators=40, learning_rate=0.05, num_leaves=15, min_child_samples=10,
                                    colsample_bytree=0.5, reg_lambda=1.0, random_state=0, deterministic=True, force_row_wise=True,
                                    num_threads=2, verbose=-1).fit(dense(rows, kept).astype(np.float32), ys, sample_weight=ws)
    test = synthetic(seed=4)[0]
    assert list(model.classes_) == list(scorer.classes)
    np.testing.assert_allclose(model.predict_proba(dense(test, kept).astype(np.float32)), scorer.predict_proba(test), rtol=0, atol=1e-12)


def test_an_ensemble_averages_its_seeds_boosters_and_round_trips(tmp_path):
    import lightgbm

    one, three = fitted(), fitted(ensemble=3)
    assert not one.extra_texts and len(three.extra_texts) == 2
    rows, _, _ = synthetic(seed=11)
    names = sorted(three.columns, key=three.columns.__getitem__)
    each = [lightgbm.Booster(model_str=t).predict(dense(rows, names)) for t in (three.model_text, *three.extra_texts)]
    np.testing.assert_allclose(three.predict_proba(rows), sum(each) / 3, rtol=0, atol=1e-12)
    assert not np.array_equal(each[0], each[1])  # other seeds, other trees
    three.thresholds = {r: 0.3 for r in CORE}
    three.save(tmp_path / "e.json")
    again = load_stage_a(tmp_path / "e.json")
    np.testing.assert_array_equal(again.predict_proba(rows), three.predict_proba(rows))
    # A single booster's file has no "more_boosters" key: older files read as before.
    one.thresholds = {r: 0.3 for r in CORE}
    assert "more_boosters" not in one.to_dict()
