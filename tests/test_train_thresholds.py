"""Choosing a relation's threshold from its held-out F-beta curve (kg.train.dataset.pick_threshold)."""
from __future__ import annotations

from kg.train.dataset import Settings, pick_threshold

# (F1, threshold), from the highest threshold down, as tune_thresholds walks the scores.
FLAT = [(0.30, 0.60), (0.395, 0.40), (0.40, 0.30), (0.401, 0.06)]


def test_without_tolerance_the_best_f1_wins() -> None:
    assert pick_threshold(FLAT) == 0.06


def test_a_flat_curve_keeps_the_higher_threshold() -> None:
    # 0.40 and 0.395 are within 0.01 of the best 0.401: the highest of them is taken.
    assert pick_threshold(FLAT, 0.01) == 0.40
    assert pick_threshold(FLAT, 0.002) == 0.30


def test_ties_take_the_higher_threshold_and_nothing_scores_gives_099() -> None:
    assert pick_threshold([(0.5, 0.7), (0.5, 0.2)]) == 0.7
    assert pick_threshold([]) == 0.99
    assert pick_threshold([(0.0, 0.5), (0.0, 0.1)], 0.01) == 0.99


def test_the_default_is_the_best_f1() -> None:
    assert pick_threshold(FLAT, Settings().threshold_tolerance) == 0.06


def test_smoothing_prefers_a_broad_plateau_to_a_lone_spike() -> None:
    from kg.train.dataset import smooth_curve

    # A spike at 0.52 beside a broad plateau around 0.30: raw argmax takes the spike.
    curve = [(0.30, 0.60), (0.46, 0.52), (0.32, 0.48), (0.43, 0.34), (0.44, 0.30), (0.43, 0.26), (0.35, 0.12)]
    assert pick_threshold(curve) == 0.52
    assert pick_threshold(smooth_curve(curve, 0.05)) == 0.34  # mean of 0.43 and 0.44 beats the spike's 0.39
    assert smooth_curve(curve, 0.0) == curve


def test_centre_takes_the_middle_of_the_plateau() -> None:
    # The argmax (0.45) sits at one end of a plateau that runs from 0.47 down to 0.33; a
    # retraining moves it along the plateau, the median of the plateau moves little.
    curve = [(0.50, 0.60), (0.592, 0.47), (0.595, 0.45), (0.590, 0.41), (0.588, 0.37), (0.591, 0.33), (0.55, 0.20), (0.40, 0.10)]
    assert pick_threshold(curve) == 0.45
    assert pick_threshold(curve, 0.0, 0.01) == 0.41  # median of 0.47, 0.45, 0.41, 0.37, 0.33
    assert pick_threshold(curve, 0.0, 0.001) == 0.45  # a narrow plateau is the best alone
    assert pick_threshold([(0.0, 0.5)], 0.0, 0.02) == 0.99  # nothing scores
    assert Settings().threshold_centre >= 0


def _article(scores: list[tuple[str, str, float]], gold: list[tuple[str, str, str]]):
    """A held-out article with one candidate per (subject, object, strikes score), ids as gold ids."""
    from types import SimpleNamespace

    import numpy as np

    from kg.evaluate import GoldLine

    resolved = SimpleNamespace(
        subject_ids=[s for s, _, _ in scores], subject_gold=[frozenset({s}) for s, _, _ in scores],
        object_ids=[{"place": o, "actor": o, "any": o} for _, o, _ in scores],
        object_gold=[{"place": frozenset({o}), "actor": frozenset({o}), "any": frozenset({o})} for _, o, _ in scores],
    )
    lines = [GoldLine("a.txt", s, p, o, "explicit", "") for s, p, o in gold]
    data = SimpleNamespace(name="a.txt", found=[None] * len(scores), resolved=resolved, gold=lines)
    return data, np.array([[v, 1 - v] for _, _, v in scores])


def test_union_thresholds_count_what_the_rules_already_state(monkeypatch) -> None:
    """The scorer's only right triple is one the rules state; below it a wrong one. Alone, the
    scorer's best F1 takes both; with the rules' triple counted, adding either gains nothing."""
    import kg.train.dataset as dataset
    from kg.train.dataset import tune_thresholds

    monkeypatch.setattr(dataset, "rivals_suppressed", lambda found, proba, classes: proba)
    monkeypatch.setattr(dataset, "object_role", lambda relation: "place")
    item = _article([("a", "x", 0.3), ("a", "z", 0.35)], [("a", "strikes", "x"), ("a", "strikes", "y")])
    alone = tune_thresholds([item], ["strikes", "none"], floor=0.1)
    union = tune_thresholds([item], ["strikes", "none"], floor=0.1, rules={"a.txt": {("a", "strikes", "x")}})
    assert alone["strikes"] < 0.3 and union["strikes"] == 0.99
