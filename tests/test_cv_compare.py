"""``python -m kg.train.compare``: two ``make cv --json`` results compared fold by fold.

Hand-made results stand in for the CV's (which needs ../shared and minutes per seed)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.train.compare import compare, lines, main


def result(seed: int, learned: list[float], union: list[float], names: list[list[str]] | None = None) -> dict:
    def folds(values: list[float]) -> dict:
        return {"core five": {"folds": [{"f1": v} for v in values], "pooled": {}}}

    names = names or [[f"a{i}.txt", f"b{i}.txt"] for i in range(len(learned))]
    return {"settings": {"tree_seed": seed}, "folds": names, "learned": folds(learned), "union": folds(union)}


def test_a_steady_gain_stands_out_of_the_noise() -> None:
    base = {"seeds": {"0": result(0, [0.40, 0.50, 0.30], [0.4, 0.5, 0.3]), "1": result(1, [0.42, 0.48, 0.33], [0.4, 0.5, 0.3])}}
    changed = {"seeds": {"0": result(0, [0.45, 0.54, 0.36], [0.4, 0.5, 0.3]), "1": result(1, [0.46, 0.53, 0.37], [0.4, 0.5, 0.3])}}
    learned, union = compare(base, changed)
    assert len(learned.differences) == 6
    assert learned.mean == pytest.approx(0.0467, abs=1e-3)
    assert learned.verdict() == "better beyond the noise"
    assert union.mean == 0 and union.verdict() == "not shown to differ"


def test_gains_and_losses_that_cancel_are_not_a_difference() -> None:
    base = result(0, [0.40, 0.50, 0.30, 0.45], [0.4, 0.5, 0.3, 0.45])
    changed = result(0, [0.45, 0.45, 0.35, 0.40], [0.45, 0.45, 0.35, 0.40])
    learned, _ = compare(base, changed)
    assert learned.mean == pytest.approx(0.0)
    assert learned.verdict() == "not shown to differ"
    row = lines([learned])[1].split()
    assert row[:3] == ["learned", "4", "+0.000"] and row[4:6] == ["2", "2"]
    assert " ".join(row[6:]) == "not shown to differ"


def test_folds_are_matched_by_their_articles_not_their_order() -> None:
    names = [["x.txt"], ["y.txt"]]
    base = result(0, [0.3, 0.6], [0.3, 0.6], names)
    changed = result(0, [0.7, 0.4], [0.7, 0.4], [["y.txt"], ["x.txt"]])  # y then x: each 0.1 higher
    learned, _ = compare(base, changed)
    assert learned.differences == pytest.approx([0.1, 0.1])


def test_different_folds_are_refused() -> None:
    with pytest.raises(ValueError, match="same folds"):
        compare(result(0, [0.3], [0.3], [["x.txt"]]), result(0, [0.3], [0.3], [["y.txt"]]))
    with pytest.raises(ValueError, match="no tree seed"):
        compare(result(0, [0.3], [0.3]), result(1, [0.3], [0.3]))


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base, changed = tmp_path / "base.json", tmp_path / "changed.json"
    base.write_text(json.dumps(result(0, [0.4, 0.5], [0.4, 0.5])), encoding="utf-8")
    changed.write_text(json.dumps(result(0, [0.4, 0.5], [0.4, 0.5])), encoding="utf-8")
    assert main([str(base), str(changed)]) == 0
    assert "not shown to differ" in capsys.readouterr().out
    assert main([str(base), str(tmp_path / "missing.json")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("compare: ") and len(err.strip().splitlines()) == 1
