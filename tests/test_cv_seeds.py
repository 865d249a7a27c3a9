"""``make cv ARGS="--tree-seeds 0,1"`` (``kg.train.cv``): the seed list and the summary over seeds.

One run's F1 carries about ±0.02 from LightGBM's seed alone (README), so a change is compared
with main on several seeds; these test the reading of the list and the arithmetic of the summary
on hand-made fold scores (the full CV needs ../shared and minutes per seed)."""
from __future__ import annotations

import argparse

import pytest

from kg.train.cv import _seed_list, seed_summary


def folds(*f1: float) -> dict[str, object]:
    return {"core five": {"folds": [{"p": 0.0, "r": 0.0, "f1": value, "tp": 0, "fp": 0, "fn": 0} for value in f1]}}


def test_seed_summary_is_the_mean_over_folds_then_over_seeds() -> None:
    results = {
        0: {"learned": folds(0.4, 0.5), "union": folds(0.5, 0.6)},
        1: {"learned": folds(0.3, 0.4), "union": folds(0.4, 0.4)},
    }
    lines = seed_summary(results)
    assert lines[2].split() == ["0", "0.450", "0.550"]
    assert lines[3].split() == ["1", "0.350", "0.400"]
    assert lines[4].split() == ["mean", "0.400", "0.475"]


@pytest.mark.parametrize("text, seeds", [("0,1", [0, 1]), ("3", [3]), ("0, 1, 2", [0, 1, 2])])
def test_seed_list(text: str, seeds: list[int]) -> None:
    assert _seed_list(text) == seeds


@pytest.mark.parametrize("text", ["", "a,b", "0,0", "1.5"])
def test_bad_seed_lists_are_refused(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        _seed_list(text)
