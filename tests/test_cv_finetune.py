"""The fine-tuning experiment's row sampling (kg.train.cv_finetune; torch is not needed here)."""
from __future__ import annotations

from kg.train.cv_finetune import subsample


def rows(positives: int, negatives: int) -> tuple[list[str], list[str], list[float]]:
    ys = ["strikes"] * positives + ["none"] * negatives
    return [f"text {i}" for i in range(len(ys))], ys, [1.0] * len(ys)


def test_keeps_every_positive_and_the_asked_share_of_none() -> None:
    texts, ys, weights = subsample(*rows(10, 100), ratio=4.0, seed=0)
    assert ys.count("strikes") == 10
    assert ys.count("none") == 40
    assert set(t for t, y in zip(texts, ys) if y == "strikes") == {f"text {i}" for i in range(10)}


def test_kept_none_rows_carry_the_weight_of_all_of_them() -> None:
    _, ys, weights = subsample(*rows(10, 100), ratio=4.0, seed=0)
    assert sum(w for w, y in zip(weights, ys) if y == "none") == 100.0
    assert all(w == 1.0 for w, y in zip(weights, ys) if y != "none")


def test_same_seed_same_rows_and_order_kept() -> None:
    first = subsample(*rows(5, 50), ratio=2.0, seed=3)
    assert first == subsample(*rows(5, 50), ratio=2.0, seed=3)
    assert first[0] == sorted(first[0], key=lambda t: int(t.split()[1]))
    assert first != subsample(*rows(5, 50), ratio=2.0, seed=4)


def test_fewer_none_rows_than_asked_keeps_them_all() -> None:
    _, ys, weights = subsample(*rows(10, 5), ratio=4.0, seed=0)
    assert ys.count("none") == 5 and weights == [1.0] * 15
