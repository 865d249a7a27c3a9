"""The learned relation scorer (stage A): a model over candidate-pair features.

``kg/data/scorer.json`` (written by ``python -m kg.train.train``) holds either gradient-boosted
trees (``kg.trees.TreeScorer``, LightGBM; the shipped model) or a multinomial logistic model
(``RelationScorer``: weights, feature vocabulary; numpy only), each with one threshold per
relation; ``load_stage_a`` reads either. Classes are ``none`` and the five core relations;
direction is the candidate's order (subject first).

``score_document(doc, extraction, scorer)`` gives the pairs whose score passes their relation's
threshold. Per article a triple (s, p, o) is kept once, from its best-scoring pair, whose
sentence is its evidence: ``resolve_pairs`` does that after mapping mentions to entities with
``kg.resolve``'s rules, and returns ``Relation``s like the rule pipeline's.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence, Union

import numpy as np
from spacy.tokens import Doc

from kg.candidates import Candidate, MentionLayer, candidates, mention_layer
from kg.documents import Document
from kg.extraction import CORE, Extraction, Extractor, Mention
from kg.features import DocContext, Features, document_features
from kg.resolve import ACTOR_OBJECT, PLACE_OBJECT, Relation, Resolver

if TYPE_CHECKING:
    from kg.pair_model import PairModel
    from kg.trees import TreeScorer

MODEL_PATH = Path(__file__).with_name("data") / "scorer.json"
CLASSES: tuple[str, ...] = ("none",) + CORE


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax of [n, classes] scores (stage A's and stage B's heads alike)."""
    scores = logits - logits.max(axis=1, keepdims=True)
    np.exp(scores, out=scores)
    scores /= scores.sum(axis=1, keepdims=True)
    return scores


@dataclass
class RelationScorer:
    classes: tuple[str, ...]
    vocabulary: dict[str, int]
    weights: np.ndarray  # (features, classes)
    bias: np.ndarray  # (classes,)
    thresholds: dict[str, float]
    meta: dict[str, object]

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> "RelationScorer":
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> "RelationScorer":
        features: list[str] = list(data["features"])  # type: ignore[arg-type]
        weights = np.asarray(data["weights"], dtype=np.float64).reshape(len(features), -1)
        return cls(
            tuple(data["classes"]),  # type: ignore[arg-type]
            {name: i for i, name in enumerate(features)},
            weights,
            np.asarray(data["bias"], dtype=np.float64),
            {k: float(v) for k, v in dict(data["thresholds"]).items()},  # type: ignore[call-overload]
            dict(data.get("meta", {})),  # type: ignore[call-overload]
        )

    def to_dict(self, digits: int = 4) -> dict[str, object]:
        names = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        return {
            "classes": list(self.classes),
            "features": names,
            "weights": [[round(float(x), digits) for x in row] for row in self.weights],
            "bias": [round(float(x), digits) for x in self.bias],
            "thresholds": {k: round(v, 4) for k, v in sorted(self.thresholds.items())},
            "meta": self.meta,
        }

    def save(self, path: Path = MODEL_PATH) -> None:
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")

    def decision(self, rows: Sequence[Features]) -> np.ndarray:
        scores = np.tile(self.bias, (len(rows), 1))
        for n, row in enumerate(rows):
            columns = [(self.vocabulary[k], v) for k, v in row.items() if k in self.vocabulary]
            if columns:
                index = np.fromiter((c for c, _ in columns), dtype=np.int64, count=len(columns))
                values = np.fromiter((v for _, v in columns), dtype=np.float64, count=len(columns))
                scores[n] += values @ self.weights[index]
        return scores

    def predict_proba(self, rows: Sequence[Features]) -> np.ndarray:
        """(rows, classes) probabilities, as scikit-learn's multinomial ``predict_proba``."""
        if not rows:
            return np.zeros((0, len(self.classes)))
        return softmax(self.decision(rows))


@dataclass(frozen=True)
class ScoredPair:
    """One candidate pair and relation whose score passed the relation's threshold."""

    subject: int  # index into ``mentions`` (the rule mentions keep their indices)
    relation: str
    object: int
    sentence: int  # index into ``doc.sents`` (the object's sentence)
    score: float
    cross: bool  # subject taken from the previous sentence


@dataclass
class DocumentScores:
    mentions: list[Mention]
    pairs: list[ScoredPair]
    anchors: list[tuple[int, int, int]] = field(default_factory=list)  # the candidate layer's (MentionLayer.anchors)


def candidate_rows(doc: Doc, extraction: Extraction) -> tuple[MentionLayer, list[Candidate], list[Features]]:
    layer = mention_layer(doc, extraction)
    found = candidates(doc, layer)
    ctx = DocContext.build(doc, extraction, layer)
    return layer, found, document_features(ctx, found)


# A subject scored under this share of the best subject for the same object, relation and sentence
# is a rival reading of that sentence, not a second agent: its score is dropped to zero before
# thresholds (tuned with it). Coordinated agents ("Syrian and Russian jets") score alike and stay.
# `make cv` (docs/extraction-log.md, 2026-12-07): a plateau from 0.2 to 0.4 on seed 0's folds.
RIVAL_RATIO = 0.3


def rivals_suppressed(found: Sequence[Candidate], proba: np.ndarray, classes: Sequence[str], ratio: float = RIVAL_RATIO) -> np.ndarray:
    """``proba`` with each candidate's relation column set to 0 where another subject of the same
    object in the same sentence scores over ``1 / ratio`` times as high for that relation."""
    if ratio <= 0 or not len(found):
        return proba
    groups: dict[tuple[int, int], list[int]] = {}
    for n, candidate in enumerate(found):
        groups.setdefault((candidate.sentence, candidate.object.mention), []).append(n)
    out = proba.copy()
    for k, relation in enumerate(classes):
        if relation == "none":
            continue
        for rows in groups.values():
            if len(rows) > 1:
                column = proba[rows, k]
                out[[r for r, v in zip(rows, column) if v < ratio * column.max()], k] = 0.0
    return out


def pairs_from_proba(found: Sequence[Candidate], proba: np.ndarray, classes: Sequence[str], thresholds: dict[str, float]) -> list[ScoredPair]:
    proba = rivals_suppressed(found, proba, classes)
    out: list[ScoredPair] = []
    for n, candidate in enumerate(found):
        for k, relation in enumerate(classes):
            if relation == "none":
                continue
            value = float(proba[n, k])
            if value >= thresholds.get(relation, 1.0):
                out.append(ScoredPair(candidate.subject.mention, relation, candidate.object.mention, candidate.sentence, value, candidate.cross))
    return out


def in_class_order(proba: np.ndarray, classes: Sequence[str]) -> np.ndarray:
    """Probability columns reordered to ``CLASSES``."""
    column = {c: k for k, c in enumerate(classes)}
    return proba[:, [column[c] for c in CLASSES]]


StageA = Union[RelationScorer, "TreeScorer"]


def load_stage_a(path: Path = MODEL_PATH) -> StageA:
    """A stage-A model file: LightGBM trees (``"model": "lightgbm"``) or the linear model."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("model") == "lightgbm":
        from kg.trees import TreeScorer

        return TreeScorer.from_dict(data)
    return RelationScorer.from_dict(data)


def load_scorer(path: Path) -> tuple[StageA, "PairModel | None"]:
    """A scorer model: a ``scorer.json`` file (stage A), or a folder holding one beside the
    fine-tuned pair model (stage A+B, ``kg.pair_model``; ``make train-pair`` writes it)."""
    if path.is_dir():
        from kg.pair_model import PairModel

        return load_stage_a(path / "scorer.json"), PairModel.load(path)
    return load_stage_a(path), None


def threshold_pairs(doc: Doc, layer: MentionLayer, found: Sequence[Candidate], rows: Sequence[Features], scorer: StageA,
           pair: "PairModel | None" = None) -> DocumentScores:
    """Stage A's probabilities, or with ``pair`` the A+B mean, against their thresholds."""
    proba = scorer.predict_proba(rows)
    if pair is None:
        return DocumentScores(layer.mentions, pairs_from_proba(found, proba, scorer.classes, scorer.thresholds), layer.anchors)
    from kg.pair_model import pair_texts

    mean = pair.combined(in_class_order(proba, scorer.classes), lambda chosen: pair_texts(doc, [found[i] for i in chosen]))
    return DocumentScores(layer.mentions, pairs_from_proba(found, mean, CLASSES, pair.thresholds), layer.anchors)


def score_with(extractor: "Extractor", doc: Doc, extraction: Extraction, scorer: StageA, pair: "PairModel | None" = None) -> DocumentScores:
    """``score_document`` reusing the extractor that made ``extraction`` (its state is read once)."""
    layer = mention_layer(doc, extraction, extractor)
    found = candidates(doc, layer)
    rows = document_features(DocContext.build(doc, extraction, layer), found)
    return threshold_pairs(doc, layer, found, rows, scorer, pair)


def score_document(doc: Doc, extraction: Extraction, scorer: StageA, pair: "PairModel | None" = None) -> DocumentScores:
    """Mentions (rule mentions first) and every pair that passes its relation's threshold."""
    layer, found, rows = candidate_rows(doc, extraction)
    return threshold_pairs(doc, layer, found, rows, scorer, pair)


def object_role(relation: str) -> str:
    return "place" if relation in PLACE_OBJECT else "actor" if relation in ACTOR_OBJECT else "any"


def resolve_pairs(document: Document, doc: Doc, extraction: Extraction, scored: DocumentScores, resolver: Resolver) -> tuple[dict[str, object], list[Relation]]:
    """Entities and relations (one per triple, from its best pair), as ``resolve_document``
    makes them for the rules: mentions are read with the same roles and article context."""
    from kg.resolve import Entity, type_by_role

    country, default_force, antecedents = resolver.context(extraction)
    entities: dict[str, Entity] = {}
    sentences = list(doc.sents)
    best: dict[tuple[str, str, str], tuple[float, Relation]] = {}
    for pair in sorted(scored.pairs, key=lambda p: (-p.score, p.sentence, p.subject, p.object, p.relation)):
        subject = resolver.entity(scored.mentions[pair.subject], "actor", country, entities, default_force, antecedents)
        obj = resolver.entity(scored.mentions[pair.object], object_role(pair.relation), country, entities, default_force, antecedents)
        if subject is None or obj is None or subject == obj:
            continue
        key = (subject, pair.relation, obj)
        if key in best:
            continue
        sent = sentences[pair.sentence]
        relation = Relation(
            document.id, pair.relation, subject, obj, (sent.start_char, sent.end_char), "", (sent.start_char, sent.start_char),
            "implicit" if pair.cross else "explicit", scored.mentions[pair.subject].text, scored.mentions[pair.object].text,
        )
        best[key] = (pair.score, relation)
    relations = [r for _, r in best.values()]
    type_by_role(relations, entities)
    return dict(entities), relations


def dedupe_best(pairs: Iterable[ScoredPair]) -> list[ScoredPair]:
    """One pair per (subject mention, relation, object mention): the best-scoring one."""
    best: dict[tuple[int, str, int], ScoredPair] = {}
    for pair in pairs:
        key = (pair.subject, pair.relation, pair.object)
        if key not in best or pair.score > best[key].score:
            best[key] = pair
    return sorted(best.values(), key=lambda p: (p.sentence, p.subject, p.object, p.relation))
