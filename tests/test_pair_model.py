"""Stage A+B at run time (kg/pair_model.py): the mean with a floor, the committed model folder,
its determinism, and the build with ``--scorer kg/data/pair``.

Tests of the committed model skip with one line when onnxruntime/tokenizers (make install puts
them in) or the model folder are missing."""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from kg.checkpoint import file_hash
from kg.errors import KgError
from kg.extraction import CORE, Extraction
from kg.nlp import RESULT_KEY, scorer_path
from kg.pair_model import PAIR_DIR, PairModel, combine, pair_texts
from kg.scorer import CLASSES, candidate_rows, load_scorer, score_document

ROOT = Path(__file__).resolve().parents[1]


def needs_model() -> None:
    pytest.importorskip("onnxruntime", reason="onnxruntime not installed (make install puts it in: requirements-onnx.txt)")
    pytest.importorskip("tokenizers", reason="tokenizers not installed (make install puts it in: requirements-onnx.txt)")
    if not (PAIR_DIR / "pair.json").is_file():
        pytest.skip("no kg/data/pair/pair.json: make train-pair writes it")


def test_combine_asks_stage_b_only_above_the_floor() -> None:
    a = np.array([[0.9, 0.02, 0.02, 0.02, 0.02, 0.02], [0.5, 0.4, 0.1, 0.0, 0.0, 0.0], [0.97, 0.0, 0.03, 0.0, 0.0, 0.0]])
    asked: list[list[int]] = []

    def b_of(rows: list[int]) -> np.ndarray:
        asked.append(rows)
        return np.tile(np.array([0.0, 0.0, 1.0, 0.0, 0.0, 0.0]), (len(rows), 1))

    out = combine(a, b_of, 0.03)
    assert asked == [[1, 2]]
    assert np.allclose(out.sum(axis=1), 1.0)
    assert np.allclose(out[0], [0.95, 0.01, 0.01, 0.01, 0.01, 0.01])  # below the floor: B is a sure none
    assert np.allclose(out[1], [0.25, 0.2, 0.55, 0.0, 0.0, 0.0])
    assert combine(np.zeros((0, 6)), b_of, 0.03).shape == (0, 6)


def test_scorer_folder_must_hold_the_four_files(tmp_path: Path) -> None:
    (tmp_path / "scorer.json").write_text("{}", encoding="utf-8")
    with pytest.raises(KgError) as error:
        scorer_path(tmp_path)
    message = str(error.value)
    assert "\n" not in message and str(tmp_path) in message and "pair.json" in message and "encoder.onnx" in message


def test_folder_fingerprint_follows_its_files(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text("1", encoding="utf-8")
    (tmp_path / "b.bin").write_bytes(b"x")
    before = file_hash(tmp_path)
    assert file_hash(tmp_path) == before
    (tmp_path / "b.bin").write_bytes(b"y")
    assert file_hash(tmp_path) != before


def test_committed_model_card_fields() -> None:
    needs_model()
    data = json.loads((PAIR_DIR / "pair.json").read_text(encoding="utf-8"))
    assert data["classes"] == list(CLASSES)
    assert set(data["thresholds"]) == set(CORE) and 0.0 < data["floor"] < 1.0
    assert np.asarray(data["weights"]).shape == (2 * 384, len(CLASSES))
    for key in ("base", "trained_on", "thresholds_from", "fine_tune"):
        assert key in data["meta"]


def test_pair_probabilities_do_not_depend_on_their_neighbours(nlp) -> None:  # type: ignore[no-untyped-def]
    needs_model()
    model = PairModel.load()
    doc = nlp("Russian jets struck Idlib on Monday. Iran backs the Syrian government.")
    extraction = Extraction.from_dict(doc.user_data[RESULT_KEY])
    _, found, _ = candidate_rows(doc, extraction)
    texts = pair_texts(doc, found)
    assert len(texts) >= 3
    together = model.predict_proba(texts)
    alone = np.concatenate([model.predict_proba([t]) for t in reversed(texts)])[::-1]
    assert np.array_equal(together, alone)
    assert np.allclose(together.sum(axis=1), 1.0)


def test_committed_a_plus_b_reads_plain_cases(nlp) -> None:  # type: ignore[no-untyped-def]
    needs_model()
    scorer, pair = load_scorer(PAIR_DIR)
    assert pair is not None
    doc = nlp("Russian jets struck the town of Binish on Monday. Iran backs the Syrian government.")
    scored = score_document(doc, Extraction.from_dict(doc.user_data[RESULT_KEY]), scorer, pair)
    found = {(scored.mentions[p.subject].text, p.relation, scored.mentions[p.object].text) for p in scored.pairs}
    assert any(r == "strikes" and "Russian" in s and "Binish" in o for s, r, o in found), found
    assert any(r == "backs" and s == "Iran" and "Syrian government" in o for s, r, o in found), found


@pytest.mark.slow
def test_build_with_a_plus_b_is_byte_identical_across_seeds_workers_and_threads(tmp_path: Path) -> None:
    """The same graph with the A+B scorer folder whatever PYTHONHASHSEED, worker count and
    BLAS/OpenMP thread settings, and not the rules' graph."""
    needs_model()
    from tests.conftest import run_kg

    inputs = tmp_path / "in"
    inputs.mkdir()
    for path in sorted((ROOT / "seeds").glob("*.txt"))[:2]:
        (inputs / path.name).write_bytes(path.read_bytes())
    outputs = []
    for seed, workers, threads in (("1", "1", "1"), ("987", "2", "2")):
        env = {**os.environ, "PYTHONHASHSEED": seed, "OMP_NUM_THREADS": threads, "OPENBLAS_NUM_THREADS": threads}
        out = tmp_path / f"out-{seed}"
        result = run_kg("build", str(inputs), "-o", str(out), "--workers", workers, "--scorer", str(PAIR_DIR), "-q", env=env)
        assert result.returncode == 0, result.stderr
        outputs.append((out / "graph.ttl").read_bytes())
    assert outputs[0] == outputs[1]
    rules = tmp_path / "rules"
    assert run_kg("build", str(inputs), "-o", str(rules), "-q").returncode == 0
    assert (rules / "graph.ttl").read_bytes() != outputs[0]  # the scorer did add something
