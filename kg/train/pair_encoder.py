"""Stage B's head: a softmax layer over frozen MiniLM pair vectors (training only: scikit-learn).

A candidate is encoded as marked text (``kg.encoder.marked_text``: subject between ``@``, object
between ``#``) by the int8 ONNX encoder, and its vector is the final states at the two opening
markers (``kg.encoder.PairEncoder.vectors``). The head is a multinomial logistic regression on
standardised vectors; the standardisation is folded into its weights, so at run time it is one
matrix product. The encoder itself is not fine-tuned: on this project's two-core machine one
fine-tuning run of the 23M-parameter encoder takes about an hour per fold.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from kg.scorer import CLASSES, softmax


@dataclass(frozen=True)
class HeadSettings:
    C: float = 0.05
    max_iter: int = 300


@dataclass
class PairHead:
    weights: np.ndarray  # [2H, classes] over raw (unstandardised) vectors
    bias: np.ndarray
    classes: tuple[str, ...]

    def predict_proba_vectors(self, vectors: np.ndarray) -> np.ndarray:
        """Probabilities in ``CLASSES`` order."""
        if len(vectors) == 0:
            return np.zeros((0, len(self.classes)))
        return softmax(vectors.astype(np.float64) @ self.weights + self.bias)


def fit_head(vectors: np.ndarray, labels: Sequence[str], weights: Sequence[float], settings: HeadSettings) -> PairHead:
    from sklearn.linear_model import LogisticRegression

    x = vectors.astype(np.float64)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    model = LogisticRegression(C=settings.C, solver="lbfgs", max_iter=settings.max_iter, tol=1e-4)
    model.fit((x - mean) / scale, np.asarray(labels), sample_weight=np.asarray(weights))
    column = {str(c): k for k, c in enumerate(model.classes_)}
    order = [column[c] for c in CLASSES]
    coef = model.coef_[order].T / scale[:, None]  # [2H, classes]
    bias = model.intercept_[order] - mean @ coef
    return PairHead(coef, bias, tuple(CLASSES))
