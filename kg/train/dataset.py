"""Candidates, features and labels for every training article, and the pieces CV and training
share: fitting a model (scikit-learn, imported lazily), tuning thresholds on held-out
articles, and scoring with ``kg.evaluate`` exactly as ``kg eval`` does.
"""
from __future__ import annotations

import argparse
import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

import numpy as np

from kg import gazetteer as gaz
from kg.build import merge_entities
from kg.candidates import Candidate, MentionLayer
from kg.pair_model import pair_texts
from kg.corpora.m2e2 import examples_from_record
from kg.evaluate import TIER_RANK, EntityIndex, EvalReport, GoldLine, load_entities, load_gold, predictions, score
from kg.extraction import CORE
from kg.features import Features
from kg.resolve import DocumentResult, Resolver, enforce_roles, resolve_document
from kg.scorer import CLASSES, DocumentScores, RelationScorer, StageA, candidate_rows, object_role, pairs_from_proba, resolve_pairs, rivals_suppressed
from kg.train.corpus import SHARED, WRITTEN, Article, dev_articles, m2e2_sentences, seed_articles
from kg.train.labels import Resolved, gold_labels, m2e2_labels, resolve_candidates

if TYPE_CHECKING:
    from spacy.tokens import Doc

SEED = 13
# Experiment switch (docs/scorer.md): stage B's texts also mark the sentence's other arguments.
# Off for everything kg ships; the run-time encoder reads plain marked texts.
MARK_OTHERS = os.environ.get("KG_PAIR_OTHERS") == "1"


@dataclass
class ArticleData:
    article: Article
    corpus: str  # dev | seeds
    layer: MentionLayer
    found: list[Candidate]
    rows: list[Features]
    labels: list[tuple[str, ...]]
    resolved: Resolved
    gold: list[GoldLine]

    @property
    def name(self) -> str:
        return self.article.name

    @property
    def texts(self) -> list[str]:
        return pair_texts(self.article.doc, self.found, MARK_OTHERS)


@dataclass
class SentenceData:
    doc_id: str  # M2E2 document: dev VOA articles are left out of folds that test them
    rows: list[Features]
    labels: list[tuple[str, ...]]
    texts: list[str]  # each candidate as marked text (the pair encoder's input)


@dataclass
class GoldSet:
    gold: list[GoldLine]
    index: EntityIndex


def gold_sets() -> dict[str, GoldSet]:
    dev, seeds = SHARED / "eval" / "dev", SHARED / "eval"
    return {
        "dev": GoldSet(load_gold(dev / "gold.jsonl"), load_entities(dev / "entities.jsonl")),
        "seeds": GoldSet(load_gold(seeds / "seeds.gold.jsonl"), load_entities(seeds / "entities.jsonl")),
    }


def written_gold() -> GoldSet:
    """The gold of the written articles, with their own entity inventory."""
    return GoldSet(load_gold(WRITTEN / "gold.jsonl"), load_entities(WRITTEN / "entities.jsonl"))


def prepare_articles(articles: Sequence[Article], corpus: str, golds: GoldSet, resolver: Resolver) -> list[ArticleData]:
    out = []
    for article in articles:
        layer, found, rows = candidate_rows(article.doc, article.extraction)
        resolved = resolve_candidates(article.extraction, layer, found, resolver, golds.index)
        gold = [g for g in golds.gold if g.doc == article.name]
        labels = gold_labels(article.doc, article.document.text, found, resolved, gold)
        out.append(ArticleData(article, corpus, layer, found, rows, labels, resolved, gold))
    return out


def prepare_m2e2() -> list[SentenceData]:
    out = []
    for sentence in m2e2_sentences():
        layer, found, rows = candidate_rows(sentence.doc, sentence.extraction)
        labels = m2e2_labels(sentence.doc, found, list(examples_from_record(sentence.record)))
        out.append(SentenceData(sentence.doc_id, rows, labels, pair_texts(sentence.doc, found, MARK_OTHERS)))
    return out


def resolver() -> Resolver:
    return Resolver(gaz.load(gaz.default_path()))


# --- fitting -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    model: str = "lightgbm"  # stage A: "lightgbm" (gradient-boosted trees, kg.trees) or "linear" (logistic regression)
    C: float = 0.5
    m2e2_weight: float = 0.5
    seeds_weight: float = 1.0
    pool_weight: float = 1.0  # kg's own labelled FA-KES pool articles (eval/fakes-pool/); 0 leaves them out
    tune_on_pool: bool = True  # thresholds also from held-out scores of the pool articles (inner folds)
    # Rounds of pool labels trained on (``eval/<round>/``); the later rounds are test sets otherwise.
    pool_rounds: tuple[str, ...] = ("fakes-pool",)
    # Articles written for hard constructions (eval/written/): training only, never held out nor
    # tuned on, since their texts are kg's own and not news. 1 and 0.3 gave `make cv` −0.005 and
    # +0.003 over two seeds (2026-12-06), not shown to differ: off (0 does not even parse them).
    written_weight: float = 0.0
    none_weight: float = 1.0
    min_count: int = 2
    min_weight: float = 0.01  # features with all |weight| below this are dropped after fitting
    shared_threshold: bool = False  # one threshold for all five relations (steadier on little data)
    beta: float = 1.0  # thresholds maximise F-beta: below 1 weighs precision more (analysts' trust)
    # Take the highest threshold whose held-out F-beta is within this of the best (0: the best).
    # 0.01 cost F1 on three folds of six in `make cv` (2026-12-05): the rare relations' curves
    # are flat but their best still sits near the floor.
    threshold_tolerance: float = 0.0
    # F-beta averaged over thresholds within this distance before the best is taken: on a flat
    # curve the raw argmax jumps between retrainings (strikes 0.34 → 0.53 with the same CV F1).
    # 0.05 gave `make cv` −0.003 / −0.002 over two seeds (2026-12-05, late night): off.
    threshold_smoothing: float = 0.0
    # Take the median threshold of those whose held-out F-beta is within this of the best (0: off;
    # see ``pick_threshold``). About the standard error of F1 on the tuning articles, so the whole
    # plateau counts. 0.02 against the best alone: `make cv` +0.009 ± 0.004 learned, +0.007 ± 0.003
    # rules ∪ learned over two seeds (2026-12-06, afternoon), better beyond the noise.
    threshold_centre: float = 0.02
    # No relation's threshold is tuned below this. At 0.05 the rare relations (captures,
    # evacuates) settled on it; 0.1 gave the same `make cv` (0.442 against 0.441) and fewer
    # false captures and evacuations on the held-out sets (2026-12-05).
    threshold_floor: float = 0.1
    # Thresholds for the F-beta of the rules' and the scorer's triples together (what the build
    # emits) rather than of the scorer's alone: a scored triple the rules state adds nothing.
    # `make cv` two seeds (2026-12-07, afternoon): rules ∪ learned −0.003 ± 0.002 (not shown to
    # differ), learned −0.008 ± 0.002 (worse beyond the noise): off.
    union_thresholds: bool = False
    # LightGBM (model "lightgbm"): boosting rounds, step, leaves per tree, rows per leaf, share of
    # features each tree may use, L2 on leaf values, features seen in fewer rows left out, seed.
    trees: int = 300
    learning_rate: float = 0.05
    leaves: int = 15
    min_child_samples: int = 10
    colsample: float = 0.5
    l2: float = 1.0
    tree_min_count: int = 3
    tree_seed: int = 0
    # Boosters averaged, seeds tree_seed, tree_seed + 1, …: one seed moves single folds by ±0.02.
    # Three gave `make cv` +0.006 learned, +0.005 rules ∪ learned against seed 0 alone (2026-12-05)
    # but tripled the trees' share of the build (27 → 74 ms an article): not the default.
    ensemble: int = 1


def add_settings_arguments(parser: "argparse.ArgumentParser", model: str = Settings.model) -> None:
    """The training settings as command-line options (``kg.train.cv`` and ``kg.train.train``)."""
    parser.add_argument("--model", choices=("lightgbm", "linear"), default=model, help="stage A: gradient-boosted trees or logistic regression")
    parser.add_argument("--trees", type=int, default=Settings.trees)
    parser.add_argument("--learning-rate", type=float, default=Settings.learning_rate)
    parser.add_argument("--leaves", type=int, default=Settings.leaves)
    parser.add_argument("--colsample", type=float, default=Settings.colsample)
    parser.add_argument("--min-child-samples", type=int, default=Settings.min_child_samples, help="LightGBM: rows a leaf needs at least")
    parser.add_argument("--l2", type=float, default=Settings.l2, help="LightGBM: L2 penalty on leaf values")
    parser.add_argument("--tree-min-count", type=int, default=Settings.tree_min_count, help="LightGBM: features seen in fewer training rows are left out")
    parser.add_argument("--tree-seed", type=int, default=Settings.tree_seed)
    parser.add_argument("--ensemble", type=int, default=Settings.ensemble, help="average this many boosters, seeds --tree-seed upwards")
    parser.add_argument("--C", type=float, default=Settings.C)
    parser.add_argument("--m2e2-weight", type=float, default=Settings.m2e2_weight)
    parser.add_argument("--seeds-weight", type=float, default=Settings.seeds_weight)
    parser.add_argument("--pool-weight", type=float, default=Settings.pool_weight, help="weight of the labelled FA-KES pool articles (0: not used)")
    parser.add_argument("--pool-rounds", type=lambda text: tuple(t for t in text.split(",") if t), default=Settings.pool_rounds,
                        help="comma-separated rounds of pool labels to train on (eval/fakes-pool, eval/fakes-pool-2, …)")
    parser.add_argument("--tune-on-pool", action=argparse.BooleanOptionalAction, default=Settings.tune_on_pool, help="tune thresholds on held-out pool articles too")
    parser.add_argument("--written-weight", type=float, default=Settings.written_weight, help="weight of the articles written for hard constructions, eval/written/ (0: not used)")
    parser.add_argument("--none-weight", type=float, default=Settings.none_weight)
    parser.add_argument("--min-count", type=int, default=Settings.min_count)
    parser.add_argument("--shared-threshold", action="store_true", help="one threshold for all five relations")
    parser.add_argument("--beta", type=float, default=Settings.beta, help="thresholds maximise F-beta (below 1 favours precision)")
    parser.add_argument("--threshold-floor", type=float, default=Settings.threshold_floor, help="no threshold is tuned below this")
    parser.add_argument("--union-thresholds", action=argparse.BooleanOptionalAction, default=Settings.union_thresholds,
                        help="tune thresholds for the rules' and the scorer's triples together (what kg build emits)")
    parser.add_argument("--threshold-tolerance", type=float, default=Settings.threshold_tolerance,
                        help="take the highest threshold whose F-beta is within this of the best")
    parser.add_argument("--threshold-smoothing", type=float, default=Settings.threshold_smoothing,
                        help="average F-beta over thresholds this close before taking the best (0: raw curve)")
    parser.add_argument("--threshold-centre", type=float, default=Settings.threshold_centre,
                        help="take the median threshold of those whose F-beta is within this of the best (0: off)")


def settings_from(args: "argparse.Namespace") -> Settings:
    return Settings(
        model=args.model, trees=args.trees, learning_rate=args.learning_rate, leaves=args.leaves, colsample=args.colsample, tree_seed=args.tree_seed, ensemble=args.ensemble,
        C=args.C, m2e2_weight=args.m2e2_weight, seeds_weight=args.seeds_weight, pool_weight=args.pool_weight, pool_rounds=args.pool_rounds, tune_on_pool=args.tune_on_pool, written_weight=args.written_weight, none_weight=args.none_weight,
        min_count=args.min_count, shared_threshold=args.shared_threshold, beta=args.beta, threshold_tolerance=args.threshold_tolerance, threshold_floor=args.threshold_floor,
        threshold_smoothing=args.threshold_smoothing, threshold_centre=args.threshold_centre, union_thresholds=args.union_thresholds, min_child_samples=args.min_child_samples, l2=args.l2, tree_min_count=args.tree_min_count,
    )


def training_rows(parts: Iterable[tuple[Sequence[Any], Sequence[tuple[str, ...]], float]], settings: Settings) -> tuple[list[Any], list[str], list[float]]:
    """Rows (feature dicts, or any per-candidate items such as encoder vectors), one per label of
    each candidate, with their weights."""
    rows, ys, weights = [], [], []
    for features, labels, weight in parts:
        for row, label in zip(features, labels):
            for value in label:
                rows.append(row)
                ys.append(value)
                weights.append(weight / len(label) * (settings.none_weight if value == "none" else 1.0))
    return rows, ys, weights


def fit(rows: Sequence[Features], ys: Sequence[str], weights: Sequence[float], settings: Settings) -> StageA:
    """Stage A as ``settings.model`` says: LightGBM trees, or the linear model (``fit_linear``)."""
    if settings.model == "lightgbm":
        from kg.train.boosting import fit_trees

        return fit_trees(rows, ys, weights, settings)
    return fit_linear(rows, ys, weights, settings)


def fit_linear(rows: Sequence[Features], ys: Sequence[str], weights: Sequence[float], settings: Settings) -> RelationScorer:
    """Multinomial logistic regression (scikit-learn) → a numpy ``RelationScorer``."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        for name in row:
            counts[name] += 1
    keep = {name for name, n in counts.items() if n >= settings.min_count}
    vectorizer = DictVectorizer(sort=True)
    matrix = vectorizer.fit_transform([{k: v for k, v in row.items() if k in keep} for row in rows])
    model = LogisticRegression(C=settings.C, solver="newton-cg", max_iter=200, tol=1e-4)
    model.fit(matrix, np.asarray(ys), sample_weight=np.asarray(weights))
    classes = tuple(str(c) for c in model.classes_)
    weights_ = model.coef_.T.copy()
    bias = model.intercept_.copy()
    if len(classes) == 2:  # binary: scikit-learn keeps one column; never with our 6 classes
        raise ValueError("need more than two classes")
    # Features whose weights are all near zero change no decision: left out of the model file.
    names = vectorizer.get_feature_names_out()
    kept = np.flatnonzero(np.abs(weights_).max(axis=1) >= settings.min_weight)
    vocabulary = {str(names[j]): n for n, j in enumerate(kept)}
    return RelationScorer(classes, vocabulary, weights_[kept], bias, {r: 0.5 for r in CORE}, {"settings": linear_settings(settings)})


TREE_SETTINGS = ("model", "trees", "learning_rate", "leaves", "min_child_samples", "colsample", "l2", "tree_min_count", "tree_seed")


def linear_settings(settings: Settings) -> dict[str, Any]:
    """The settings a linear model depends on (its file records these and no more)."""
    return {k: v for k, v in settings.__dict__.items() if k not in TREE_SETTINGS}


# --- thresholds ----------------------------------------------------------------------------


def triple_scores(data: ArticleData, proba: np.ndarray, classes: Sequence[str], with_ids: bool = False) -> dict[tuple[str, str, frozenset[str], frozenset[str]], Any]:
    """Best score of each predicted triple (as ``kg eval`` keys predictions) in one article; with
    ``with_ids``, each with the (subject, object) resolved ids it stands for."""
    best: dict[tuple[str, str, frozenset[str], frozenset[str]], float] = {}
    ids: dict[tuple[str, str, frozenset[str], frozenset[str]], set[tuple[str, str]]] = defaultdict(set)
    column = {c: k for k, c in enumerate(classes)}
    proba = rivals_suppressed(data.found, proba, classes)  # as the build decides (``pairs_from_proba``)
    for i in range(len(data.found)):
        sid = data.resolved.subject_ids[i]
        for relation in CORE:
            if relation not in column:
                continue
            oid = data.resolved.object_ids[i][object_role(relation)]
            if sid is None or oid is None or sid == oid:
                continue
            key = (data.name, relation, data.resolved.subject_gold[i], data.resolved.object_gold[i][object_role(relation)])
            value = float(proba[i, column[relation]])
            ids[key].add((sid, oid))
            if value > best.get(key, -1.0):
                best[key] = value
    if with_ids:
        return {key: (value, ids[key]) for key, value in best.items()}
    return best


def pick_threshold(curve: Sequence[tuple[float, float]], tolerance: float = 0.0, centre: float = 0.0) -> float:
    """The highest threshold whose F-beta is within ``tolerance`` of the best, from a curve of
    (F-beta, threshold) pairs listed from the highest threshold down; 0.99 when nothing scores.
    Where the curve is flat its argmax is noise (a rare relation's best F1 can sit at the floor),
    and the higher threshold keeps precision. With ``centre``, the median of the thresholds whose
    F-beta is within ``centre`` of the best: the middle of the plateau, where the argmax wanders
    from one retraining to the next (strikes 0.33, then 0.45, on a plateau from 0.33 to 0.47)."""
    top = max((f for f, _ in curve), default=0.0)
    if centre > 0 and top > 0:
        return float(np.median([t for f, t in curve if f >= top - centre]))
    return next((t for f, t in curve if f > 0 and f >= top - tolerance), 0.99)


def smooth_curve(curve: Sequence[tuple[float, float]], window: float) -> list[tuple[float, float]]:
    """Each point's F-beta replaced by the mean over the points whose threshold lies within
    ``window`` of its own (the curve's order kept): a broad plateau beats a lone spike."""
    if window <= 0:
        return list(curve)
    return [(float(np.mean([g for g, u in curve if abs(u - t) <= window])), t) for _, t in curve]


def thresholds_for(items: Sequence[tuple[ArticleData, np.ndarray]], classes: Sequence[str], settings: Settings, res: Resolver | None = None) -> dict[str, float]:
    """``tune_thresholds`` as ``settings`` ask (``make cv`` and ``make train`` alike); with
    ``union_thresholds``, for the F-beta of what the build emits, the rules' triples and the
    scorer's together."""
    rules = None
    if settings.union_thresholds:
        results = rule_results([data for data, _ in items], res or resolver())
        rules = {data.name: {(r.subject, r.predicate, r.object) for r in result.relations if r.predicate in CORE} for (data, _), result in zip(items, results)}
    return tune_thresholds(items, classes, floor=settings.threshold_floor, shared=settings.shared_threshold, beta=settings.beta,
                           tolerance=settings.threshold_tolerance, smoothing=settings.threshold_smoothing, centre=settings.threshold_centre,
                           rules=rules)


def _gold_of_ids(data: ArticleData) -> dict[str, set[str]]:
    """Each resolved id of the article's candidates → the gold ids its mentions map to."""
    out: dict[str, set[str]] = defaultdict(set)
    for i in range(len(data.found)):
        sid = data.resolved.subject_ids[i]
        if sid is not None:
            out[sid] |= data.resolved.subject_gold[i]
        for role, oid in data.resolved.object_ids[i].items():
            if oid is not None:
                out[oid] |= data.resolved.object_gold[i][role]
    return out


def _hits(lines: dict[tuple[str, str, str], str], relation: str, subjects: set[str] | frozenset[str], objects: set[str] | frozenset[str]) -> set[tuple[str, str, str]]:
    """The gold triples of ``relation`` whose subject and object are among these gold ids."""
    return {(s, p, o) for (s, p, o) in lines if p == relation and s in subjects and o in objects}


def _f_beta(tp: int, fp: int, found: int, total: int, beta: float) -> float:
    """F-beta of ``tp`` right and ``fp`` wrong triples that find ``found`` of ``total`` required."""
    p = tp / (tp + fp)
    r = found / total if total else 0.0
    return (1 + beta * beta) * p * r / (beta * beta * p + r) if p + r else 0.0


def tune_thresholds(
    items: Sequence[tuple[ArticleData, np.ndarray]], classes: Sequence[str], floor: float = 0.05, shared: bool = False, beta: float = 1.0,
    tolerance: float = 0.0, smoothing: float = 0.0, centre: float = 0.0, rules: dict[str, set[tuple[str, str, str]]] | None = None,
) -> dict[str, float]:
    """Per relation (or, ``shared``, one for all five), the threshold with the best F-beta over
    held-out articles (kg eval counting: a triple matching any gold line is right; recall over
    explicit + implicit lines). With ``rules`` (each article's rule triples, by resolved ids) the
    F-beta is that of the rules' triples and the scorer's together, as the build emits them: a
    scored triple the rules already state adds nothing, and the curve starts from the rules'."""
    scored: dict[str, list[tuple[float, bool, set[tuple[str, str, str]]]]] = defaultdict(list)
    required: dict[str, set[tuple[str, str, str, str]]] = defaultdict(set)
    base: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # the rules' (right, wrong) per relation
    base_found: dict[str, set[tuple[str, str, str, str]]] = defaultdict(set)
    for data, proba in items:
        lines: dict[tuple[str, str, str], str] = {}  # triple → its best tier
        for line in data.gold:
            key = (line.s, line.p, line.o)
            if key not in lines or TIER_RANK.get(line.tier, 2) < TIER_RANK.get(lines[key], 2):
                lines[key] = line.tier
        for (s, p, o), tier in lines.items():
            if tier != "optional" and p in CORE:
                required[p].add((data.name, s, p, o))
        stated = rules.get(data.name, set()) if rules is not None else set()
        if stated:
            gold_of = _gold_of_ids(data)
            for s_id, relation, o_id in stated:
                hits = _hits(lines, relation, gold_of.get(s_id, set()) | {s_id}, gold_of.get(o_id, set()) | {o_id})
                base[relation][0 if hits else 1] += 1
                base_found[relation] |= {(data.name, *h) for h in hits if lines[h] != "optional"}  # type: ignore[misc]
        for (name, relation, subjects, objects), (value, ids) in triple_scores(data, proba, classes, with_ids=True).items():
            if any((s_id, relation, o_id) in stated for s_id, o_id in ids):
                continue  # the rules state it: emitted whatever the threshold
            hits = _hits(lines, relation, subjects, objects)
            required_hits = {(s, p, o) for (s, p, o) in hits if lines[(s, p, o)] != "optional"}
            scored[relation].append((value, bool(hits), {(name, *h) for h in required_hits}))  # type: ignore[misc]
    groups = {"core": list(CORE)} if shared else {r: [r] for r in CORE}
    thresholds: dict[str, float] = {}
    for group, members in groups.items():
        items_r = sorted((x for r in members for x in scored[r]), key=lambda x: -x[0])
        total = sum(len(required[r]) for r in members)
        tp, fp = sum(base[r][0] for r in members), sum(base[r][1] for r in members)
        found: set[tuple[str, str, str]] = {h for r in members for h in base_found[r]}  # type: ignore[misc]
        curve: list[tuple[float, float]] = []  # (F-beta, threshold), from high thresholds down
        if tp + fp:  # the rules' triples alone: no scored triple added (0.99, as when nothing scores)
            curve.append((_f_beta(tp, fp, len(found), total, beta), 0.99))
        for n, (value, right, hit) in enumerate(items_r):
            tp += right
            fp += not right
            found |= hit
            if n + 1 < len(items_r) and items_r[n + 1][0] == value:
                continue
            if value < floor:
                break
            nxt = items_r[n + 1][0] if n + 1 < len(items_r) else 0.0
            curve.append((_f_beta(tp, fp, len(found), total, beta), (value + max(nxt, floor)) / 2 if nxt < value else value))
        chosen = pick_threshold(smooth_curve(curve, smoothing), tolerance, centre)
        for relation in members:
            thresholds[relation] = chosen
    return thresholds


# --- official scoring ---------------------------------------------------------------------

# The build drops scored pairs that the rules' context filters block (kg.decide.asserted); the
# scores here do too. KG_ASSERTED_ONLY=0 scores without that filter (to measure what it does).
ASSERTED_ONLY = os.environ.get("KG_ASSERTED_ONLY", "1") != "0"


def scorer_results(items: Sequence[tuple[ArticleData, np.ndarray]], classes: Sequence[str], thresholds: dict[str, float], res: Resolver) -> list[DocumentResult]:
    from kg.candidates import make_extractor, use_mentions
    from kg.decide import asserted
    from kg.features import words

    results = []
    for data, proba in items:
        pairs = pairs_from_proba(data.found, proba, classes, thresholds)
        if pairs and ASSERTED_ONLY:  # as the build does (kg.decide.add_decisions)
            extractor = make_extractor(data.article.doc)
            use_mentions(extractor, data.layer.mentions)
            extractor.events = list(data.article.extraction.events)
            pairs = list(asserted(extractor, data.layer.mentions, pairs, words().triggers, data.layer.anchors))
        entities, relations = resolve_pairs(data.article.document, data.article.doc, data.article.extraction, DocumentScores(data.layer.mentions, pairs), res)
        results.append(DocumentResult(data.article.document, entities, relations, []))  # type: ignore[arg-type]
    return results


def rule_results(items: Sequence[ArticleData], res: Resolver) -> list[DocumentResult]:
    return [resolve_document(d.article.document, d.article.extraction, res) for d in items]


def official_score(results: list[DocumentResult], items: Sequence[ArticleData], golds: GoldSet) -> EvalReport:
    """``kg eval``'s numbers for these articles: roles enforced, predictions mapped to gold ids
    through labels and aliases, core relations only."""
    results = enforce_roles(results, merge_entities(results))
    names = {d.article.document.id: d.name for d in items}
    preds = [p for p in predictions(results, golds.index, names) if p.predicate in CORE]
    return score(preds, golds.gold, set(names.values()))


def predict(scorer: StageA, data: ArticleData) -> np.ndarray:
    return scorer.predict_proba(data.rows)


def model_card(scorer: StageA) -> dict[str, Any]:
    return {"features": len(scorer.vocabulary), "classes": list(scorer.classes)}


def write_json(path: Path, payload: Any) -> None:
    import json

    path.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n", encoding="utf-8")
