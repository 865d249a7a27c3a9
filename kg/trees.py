"""Stage A as gradient-boosted trees: a LightGBM multiclass model over the candidate features.

``TreeScorer`` has the interface of the linear ``kg.scorer.RelationScorer`` (``classes``,
``thresholds``, ``meta``, ``predict_proba(rows)``, ``save``) and is read from the same kind of
file (``kg/data/scorer.json``), told apart by its ``"model"`` field. The file holds LightGBM's
own model text, the feature name of every column a tree splits on (other columns never change a
prediction, so they are not kept) and the thresholds. Prediction runs LightGBM's C++ code on one
thread: every row's score is the same sum of leaves in the same order, whatever the build's
worker count.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from kg.features import Features

KIND = "lightgbm"


@dataclass
class TreeScorer:
    classes: tuple[str, ...]
    columns: dict[str, int]  # feature name → the booster's column, for the columns its trees use
    n_columns: int
    model_text: str  # LightGBM's model file, as Booster.model_to_string writes it
    thresholds: dict[str, float]
    meta: dict[str, object] = field(default_factory=dict)
    # Further boosters over the same columns (other seeds), averaged with the first.
    extra_texts: tuple[str, ...] = ()
    _boosters: Any = field(default=None, repr=False, compare=False)

    @property
    def boosters(self) -> list[Any]:
        if self._boosters is None:
            import lightgbm

            self._boosters = [lightgbm.Booster(model_str=text) for text in (self.model_text, *self.extra_texts)]
        return self._boosters

    @property
    def vocabulary(self) -> dict[str, int]:
        return self.columns

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "TreeScorer":
        return cls(
            tuple(data["classes"]), {str(k): int(v) for k, v in dict(data["columns"]).items()}, int(data["n_columns"]),
            str(data["booster"]), {k: float(v) for k, v in dict(data["thresholds"]).items()}, dict(data.get("meta", {})),
            tuple(str(t) for t in data.get("more_boosters", ())),
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "model": KIND,
            "classes": list(self.classes),
            "columns": dict(sorted(self.columns.items())),
            "n_columns": self.n_columns,
            "booster": self.model_text,
            **({"more_boosters": list(self.extra_texts)} if self.extra_texts else {}),
            "thresholds": {k: round(v, 4) for k, v in sorted(self.thresholds.items())},
            "meta": self.meta,
        }

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")

    def predict_proba(self, rows: Sequence[Features]) -> np.ndarray:
        """(rows, classes) probabilities, in ``classes`` order."""
        if not rows:
            return np.zeros((0, len(self.classes)))
        matrix = sparse_rows(rows, self.columns, self.n_columns)
        total = np.zeros((len(rows), len(self.classes)))
        for booster in self.boosters:  # summed in a fixed order: the same floats every run
            total += np.asarray(booster.predict(matrix, num_threads=1), dtype=np.float64).reshape(len(rows), len(self.classes))
        return total / len(self.boosters)


def sparse_rows(rows: Sequence[Features], columns: dict[str, int], n_columns: int, dtype: Any = np.float64) -> Any:
    """The rows as a CSR matrix over ``columns`` (feature name → column; others dropped)."""
    from scipy.sparse import csr_matrix

    indptr = [0]
    indices: list[int] = []
    values: list[float] = []
    for row in rows:
        # Sorted columns: the same matrix, hence the same floats, whatever the dict order.
        cells = sorted((columns[k], v) for k, v in row.items() if k in columns)
        indices += [c for c, _ in cells]
        values += [float(v) for _, v in cells]
        indptr.append(len(indices))
    return csr_matrix((np.asarray(values, dtype=dtype), np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int64)),
                      shape=(len(rows), n_columns))


def used_columns(booster: Any) -> list[int]:
    """The columns some split of the booster tests."""
    counts = booster.feature_importance(importance_type="split")
    return [int(j) for j in np.flatnonzero(counts > 0)]
