"""Stage B at run time: the fine-tuned MiniLM pair classifier, averaged with stage A.

``kg/data/pair/`` holds what ``python -m kg.train.train_pair`` writes: ``encoder.onnx`` (the
fine-tuned encoder, int8), ``tokenizer.json`` and ``pair.json`` (the linear head over the final
states at the ``@`` and ``#`` markers, the thresholds of the mean, the floor and the model's
metadata). Only onnxruntime, tokenizers and numpy are needed; no torch.

A candidate's probabilities are the mean of stage A's and stage B's. Stage B runs only where
stage A gives some relation at least ``floor``: elsewhere it counts as a sure ``none``, which
keeps the encoder to a few pairs an article (its cost is one ONNX run per pair).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

import numpy as np

from kg.errors import KgError

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from kg.candidates import Candidate

PAIR_DIR = Path(__file__).resolve().parent / "data" / "pair"
# What a scorer folder holds besides its NOTICE and licence (kg.nlp.scorer_path checks them).
PAIR_FILES = ("scorer.json", "pair.json", "encoder.onnx", "tokenizer.json")


def pair_texts(doc: "Doc", found: Sequence["Candidate"], others: bool = False) -> list[str]:
    """Each candidate as marked text, the pair classifier's input. With ``others`` (a training
    experiment, ``KG_PAIR_OTHERS=1`` in ``kg.train.dataset``; the shipped model is trained
    without it) the other arguments of the candidate's sentences are marked ``^`` too."""
    from kg.encoder import marked_text

    spans: dict[int, set[tuple[int, int]]] = {}
    if others:
        for c in found:
            for arg in (c.subject, c.object):
                spans.setdefault(arg.sentence, set()).add((arg.start, arg.end))
    return [marked_text(doc, (c.subject.start, c.subject.end, c.subject.sentence), (c.object.start, c.object.end, c.object.sentence),
                        sorted(spans.get(c.subject.sentence, set()) | spans.get(c.object.sentence, set()))) for c in found]


def over_floor(a: np.ndarray, floor: float) -> list[int]:
    """The rows of stage A's probabilities ``a`` ([n, classes], ``none`` first) whose best
    relation reaches ``floor``: the candidates stage B reads."""
    return [i for i in range(len(a)) if float(a[i, 1:].max()) >= floor]


def combine(a: np.ndarray, b_of: Callable[[list[int]], np.ndarray], floor: float) -> np.ndarray:
    """Mean of stage A's probabilities ``a`` ([n, classes], ``none`` first) and stage B's, asked
    (``b_of``) only for the rows ``over_floor``; stage B counts as ``none`` with certainty on the
    other rows."""
    out = a / 2.0
    out[:, 0] += 0.5
    rows = over_floor(a, floor)
    if rows:
        out[rows] = (a[rows] + b_of(rows)) / 2.0
    return out


@dataclass
class PairModel:
    """The fine-tuned encoder and its head, with the thresholds of the A+B mean."""

    directory: Path
    weights: np.ndarray  # [2H, classes], float64
    bias: np.ndarray  # [classes], float64
    classes: tuple[str, ...]
    thresholds: dict[str, float]
    floor: float
    meta: dict[str, object] = field(default_factory=dict)
    _pairs: object = None

    @classmethod
    def load(cls, directory: Path = PAIR_DIR) -> "PairModel":
        path = directory / "pair.json"
        if not path.is_file():
            raise KgError(f"{directory}: no pair model (pair.json missing; make train-pair writes it)")
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            directory,
            np.asarray(data["weights"], dtype=np.float64),
            np.asarray(data["bias"], dtype=np.float64),
            tuple(data["classes"]),
            {k: float(v) for k, v in data["thresholds"].items()},
            float(data["floor"]),
            dict(data.get("meta", {})),
        )

    @property
    def pairs(self) -> "object":
        # The ONNX session is opened on first use: a build that scores no pair never pays for it.
        if self._pairs is None:
            from kg.encoder import Encoder, PairEncoder

            self._pairs = PairEncoder(Encoder(self.directory))
        return self._pairs

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """[n, classes] probabilities of marked texts (``kg.encoder.marked_text``)."""
        if not texts:
            return np.zeros((0, len(self.classes)), dtype=np.float32)
        vectors = self.pairs.vectors(texts)  # type: ignore[attr-defined]
        # Row by row: a matrix product's rounding depends on its shape (BLAS kernels), and a
        # pair's score must not depend on how many others are scored with it.
        from kg.scorer import softmax

        return softmax(np.stack([vector.astype(np.float64) @ self.weights + self.bias for vector in vectors]))

    def combined(self, a: np.ndarray, texts_of: Callable[[list[int]], list[str]]) -> np.ndarray:
        """The A+B mean for candidates whose stage-A probabilities are ``a``."""
        return combine(a, lambda rows: self.predict_proba(texts_of(rows)), self.floor)
