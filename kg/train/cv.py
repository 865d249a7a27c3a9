"""6-fold cross-validation by article on the dev set: the rules alone vs the learned scorer.

    python -m kg.train.cv [--C 0.5] [--m2e2-weight 0.5] [--json out.json]

Each outer fold tests 6 dev articles. Its model is trained on the other 30 dev articles, the
seed articles, kg's labelled FA-KES pool articles (``eval/fakes-pool/``, none of them a dev
article) and the M2E2 sentences, minus the M2E2 documents that are the test fold's VOA
articles. Thresholds are tuned inside the training folds only: an inner 5-fold split of the
30 training articles (and of the pool articles, unless ``--no-tune-on-pool``) gives held-out scores for them (each inner model again without the
held-out VOA articles' M2E2 documents), and each relation's threshold is the one with the best
F1 there. Test folds are scored with ``kg.evaluate`` (``kg eval``'s counting), and so are the
rules' own relations for the same articles. The report gives the mean and standard deviation
over folds, and the pooled counts.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Sequence

import numpy as np

from kg.corpora.m2e2 import dev_doc_map
from kg.evaluate import EvalReport, Score
from kg.extraction import CORE
from kg.resolve import DocumentResult, Resolver
from kg.scorer import StageA, object_role
from kg.train.corpus import SHARED, dev_articles, seed_articles, written_articles
from kg.train import pool
from kg.train.dataset import (
    add_settings_arguments, settings_from,
    ArticleData, GoldSet, SentenceData, Settings, fit, gold_sets, official_score, prepare_articles, prepare_m2e2, resolver,
    rule_results, scorer_results, training_rows, thresholds_for, written_gold,
)

FOLDS = 6
INNER = 5


@dataclass
class Material:
    dev: list[ArticleData]
    seeds: list[ArticleData]
    m2e2: list[SentenceData]
    voa_docs: dict[str, str]  # dev file name → M2E2 doc id
    pool: list[ArticleData] = field(default_factory=list)  # labelled FA-KES pool articles: training only
    written: list[ArticleData] = field(default_factory=list)  # articles written for hard constructions: training only


def load_material(settings: Settings = Settings()) -> Material:
    """Everything a fold may train or be scored on. The articles written for hard constructions
    are parsed only for settings that give them weight."""
    golds = gold_sets()
    res = resolver()
    dev = prepare_articles(dev_articles(), "dev", golds["dev"], res)
    seeds = prepare_articles(seed_articles(), "seeds", golds["seeds"], res)
    m2e2 = prepare_m2e2()
    voa = {name: doc for doc, name in dev_doc_map(SHARED / "eval" / "dev" / "texts").items()}
    pool_data: list[ArticleData] = []
    if pool.available() and settings.pool_weight > 0:
        articles, gold, index = pool.pool_articles(pool.read_rounds(settings.pool_rounds), settings.pool_rounds)
        pool_data = prepare_articles(articles, "pool", GoldSet(gold, index), res)
    extra = prepare_articles(written_articles(), "written", written_gold(), res) if settings.written_weight > 0 else []
    return Material(dev, seeds, m2e2, voa, pool_data, extra)


def write_json(path: str, result: dict[str, object]) -> None:
    """A CV run's result (``--json``), readable as UTF-8."""
    with open(path, "w", encoding="utf-8") as out:
        json.dump(result, out, indent=1, ensure_ascii=False)


def groups_of(articles: Sequence[ArticleData], n_splits: int) -> list[list[int]]:
    """Article indices of each test fold (scikit-learn's GroupKFold, one group per article)."""
    from sklearn.model_selection import GroupKFold

    sizes = np.arange(len(articles))
    names = [a.name for a in articles]
    return [list(test) for _, test in GroupKFold(n_splits=n_splits).split(sizes, groups=names)]


def pool_splits(material: Material, settings: Settings, n_splits: int) -> list[list[int]]:
    """With ``tune_on_pool``, the pool articles split into ``n_splits`` parts that go with the
    dev folds, so thresholds also see held-out scores of the pool (each fold's model trained
    without its part); otherwise empty parts."""
    if settings.tune_on_pool and settings.pool_weight > 0 and len(material.pool) >= n_splits:
        return groups_of(material.pool, n_splits)
    return [[] for _ in range(n_splits)]


def training_parts(material: Material, train: Sequence[ArticleData], held_out: Sequence[ArticleData], settings: Settings,
                   use_seeds: bool = True, inputs: Callable[[Any], Sequence[Any]] = lambda item: item.rows) -> list[tuple[Sequence[Any], Sequence[tuple[str, ...]], float]]:
    """(inputs, labels, weight) of everything a model for ``held_out`` may learn from: ``train``, the
    seeds, the pool articles not held out and the M2E2 sentences not of a held-out VOA article.
    ``inputs`` gives each item's per-candidate inputs (feature rows by default)."""
    excluded = {material.voa_docs[a.name] for a in held_out if a.name in material.voa_docs}
    # A VOA article labelled to kg's standard (``eval/voa-pool/``) replaces its M2E2 sentences,
    # whose ACE labels know no backing or capture.
    excluded |= {a.name.removesuffix(".txt") for a in material.pool if a.name.startswith(pool.VOA_PREFIX)}
    parts = [(inputs(a), a.labels, 1.0) for a in train]
    if use_seeds:
        parts += [(inputs(a), a.labels, settings.seeds_weight) for a in material.seeds]
    if settings.pool_weight > 0:
        skip = {id(a) for a in held_out}
        parts += [(inputs(a), a.labels, settings.pool_weight) for a in material.pool if id(a) not in skip]
    if settings.written_weight > 0:
        parts += [(inputs(a), a.labels, settings.written_weight) for a in material.written]
    if settings.m2e2_weight > 0:
        parts += [(inputs(s), s.labels, settings.m2e2_weight) for s in material.m2e2 if s.doc_id not in excluded]
    return parts


def train_model(material: Material, train: Sequence[ArticleData], held_out: Sequence[ArticleData], settings: Settings, use_seeds: bool = True) -> StageA:
    rows, ys, weights = training_rows(training_parts(material, train, held_out, settings, use_seeds), settings)
    return fit(rows, ys, weights, settings)


def tuned_model(material: Material, train: Sequence[ArticleData], held_out: Sequence[ArticleData], settings: Settings, use_seeds: bool = True) -> StageA:
    """A model on ``train`` with thresholds tuned by an inner CV over ``train`` alone."""
    items = []
    for inner, pool_inner in zip(groups_of(train, INNER), pool_splits(material, settings, INNER)):
        inner_test = [train[i] for i in inner]
        pool_test = [material.pool[i] for i in pool_inner]
        inner_train = [a for i, a in enumerate(train) if i not in set(inner)]
        model = train_model(material, inner_train, list(held_out) + inner_test + pool_test, settings, use_seeds)
        items += [(a, model.predict_proba(a.rows)) for a in inner_test + pool_test]
        classes = model.classes
    scorer = train_model(material, train, held_out, settings, use_seeds)
    scorer.thresholds = thresholds_for(items, classes, settings)
    return scorer


def _fmt(values: list[float]) -> str:
    return f"{np.mean(values):.3f} ± {np.std(values):.3f}" if values else "   –"


def report(title: str, folds: list[EvalReport]) -> list[str]:
    lines = [f"{title}", f"  {'relation':<11}{'P (mean ± std)':>16}{'R (mean ± std)':>18}{'F1 (mean ± std)':>18}   pooled P / R / F1 (TP FP FN)"]
    for name in list(CORE) + ["core five"]:
        per_fold = [r.core if name == "core five" else r.scores.get(name, Score()) for r in folds]
        # A relation with no required gold and no prediction in a fold says nothing about it.
        used = [s for s in per_fold if s.recall_total or s.tp + s.fp]
        pooled = Score()
        for s in per_fold:
            pooled.add(s)
        lines.append(
            f"  {name:<11}{_fmt([s.precision for s in used]):>16}{_fmt([s.recall for s in used]):>18}{_fmt([s.f1 for s in used]):>18}"
            f"   {pooled.precision:.3f} / {pooled.recall:.3f} / {pooled.f1:.3f} ({pooled.tp} {pooled.fp} {pooled.fn})"
        )
    return lines


def summary(folds: list[EvalReport]) -> dict[str, object]:
    out: dict[str, object] = {}
    for name in list(CORE) + ["core five"]:
        per_fold = [r.core if name == "core five" else r.scores.get(name, Score()) for r in folds]
        pooled = Score()
        for s in per_fold:
            pooled.add(s)
        out[name] = {
            "folds": [{"p": round(s.precision, 4), "r": round(s.recall, 4), "f1": round(s.f1, 4), "tp": s.tp, "fp": s.fp, "fn": s.fn} for s in per_fold],
            "pooled": {"p": round(pooled.precision, 4), "r": round(pooled.recall, 4), "f1": round(pooled.f1, 4)},
        }
    return out


def run(settings: Settings, material: Material | None = None, verbose: bool = True) -> dict[str, object]:
    began = time.time()
    material = material or load_material(settings)
    golds = gold_sets()
    res = resolver()
    rule_folds: list[EvalReport] = []
    learned_folds: list[EvalReport] = []
    union_folds: list[EvalReport] = []
    thresholds: list[dict[str, float]] = []
    test_names: list[list[str]] = []
    for number, test in enumerate(groups_of(material.dev, FOLDS)):
        held_out = [material.dev[i] for i in test]
        train = [a for i, a in enumerate(material.dev) if i not in set(test)]
        scorer = tuned_model(material, train, held_out, settings)
        items = [(a, scorer.predict_proba(a.rows)) for a in held_out]
        learned = scorer_results(items, scorer.classes, scorer.thresholds, res)
        rules = rule_results(held_out, res)
        learned_folds.append(official_score(learned, held_out, golds["dev"]))
        rule_folds.append(official_score(rules, held_out, golds["dev"]))
        union_folds.append(official_score(union(rules, learned), held_out, golds["dev"]))
        thresholds.append({k: round(v, 3) for k, v in scorer.thresholds.items()})
        test_names.append([a.name for a in held_out])
        if verbose:
            print(f"fold {number + 1}: rules F1 {rule_folds[-1].core.f1:.3f}, learned P {learned_folds[-1].core.precision:.3f} "
                  f"R {learned_folds[-1].core.recall:.3f} F1 {learned_folds[-1].core.f1:.3f}  thresholds {thresholds[-1]}  [{time.time() - began:.0f}s]",
                  file=sys.stderr, flush=True)
    recall = fold_mention_recall(material, test_names, golds["dev"], res)
    lines = [f"6-fold CV by article on the dev set ({len(material.dev)} articles), settings {settings}"]
    lines.append(f"mention recall of the open layer on the test folds (gold arguments found in their evidence sentences): "
                 f"{_fmt([r for r, _, _ in recall])} (pooled {sum(f for _, f, _ in recall) / max(1, sum(n for _, _, n in recall)):.3f})")
    lines += report("(a) rules alone", rule_folds)
    lines += report("(b) learned scorer", learned_folds)
    lines += report("(c) rules ∪ learned (both outputs kept)", union_folds)
    if verbose:
        print("\n".join(lines))
    return {
        "settings": settings.__dict__, "folds": test_names, "thresholds": thresholds,
        "rules": summary(rule_folds), "learned": summary(learned_folds), "union": summary(union_folds), "text": lines,
        "mention_recall": [{"recall": round(r, 4), "found": f, "args": n} for r, f, n in recall],
        "misses": [[m.__dict__ for m in r.misses] for r in learned_folds],
        "false_positives": [_false_positives(r) for r in learned_folds],
        "union_misses": [[m.__dict__ for m in r.misses] for r in union_folds],
        "union_false_positives": [_false_positives(r) for r in union_folds],
    }


def _false_positives(report: EvalReport) -> list[dict[str, str]]:
    return [{"doc": p.doc, "p": p.predicate, "s": p.relation.subject, "o": p.relation.object, "trigger": p.relation.trigger,
             "sentence": p.sentence[:200]} for p in report.false_positives]


def fold_mention_recall(material: Material, folds: list[list[str]], golds: GoldSet, res: Resolver) -> list[tuple[float, int, int]]:
    """Per test fold: mention recall of the open layer (``kg.mention_recall``), found, arguments."""
    from kg.mention_recall import entity_names, measure, new_candidates

    names = entity_names(SHARED / "eval" / "dev" / "entities.jsonl")
    docs = {a.name: a.article.doc for a in material.dev}
    out = []
    for fold in folds:
        tallies, _ = measure({n: docs[n] for n in fold}, golds.gold, names, lambda d: new_candidates(d, res.gaz, golds.index))
        out.append((tallies["all"].recall(), tallies["all"].found, tallies["all"].args))
    return out


def union(rules: list[DocumentResult], learned: list[DocumentResult]) -> list[DocumentResult]:
    """Per article, the rules' relations and the scorer's together."""
    out = []
    for a, b in zip(rules, learned):
        entities = {**b.entities, **a.entities}
        out.append(DocumentResult(a.document, entities, a.relations + b.relations, a.events))
    return out


def coverage(articles: Sequence[ArticleData]) -> dict[str, tuple[int, int, int]]:
    """Per relation: required gold triples, those some candidate pair maps to (anywhere in the
    article), and those with a positive-labelled candidate (in the evidence sentence). The
    second bounds any scorer's recall over these candidates."""
    out: dict[str, list[int]] = {r: [0, 0, 0] for r in CORE}
    for data in articles:
        required = {(g.s, g.p, g.o) for g in data.gold if g.p in CORE and g.tier != "optional"}
        anywhere: set[tuple[str, str, str]] = set()
        labelled: set[tuple[str, str, str]] = set()
        for i in range(len(data.found)):
            for relation in CORE:
                for s in data.resolved.subject_gold[i]:
                    for o in data.resolved.object_gold[i][object_role(relation)]:
                        anywhere.add((s, relation, o))
                        if relation in data.labels[i]:
                            labelled.add((s, relation, o))
        for triple in required:
            counts = out[triple[1]]
            counts[0] += 1
            counts[1] += triple in anywhere
            counts[2] += triple in labelled
    return {r: (a, b, c) for r, (a, b, c) in out.items()}


def label_counts(material: Material) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for name, parts in (("dev", [(a.labels) for a in material.dev]), ("seeds", [a.labels for a in material.seeds]), ("m2e2", [s.labels for s in material.m2e2]), ("pool", [a.labels for a in material.pool]), ("written", [a.labels for a in material.written])):
        found: dict[str, int] = defaultdict(int)
        for labels in parts:
            for label in labels:
                found[label[0] if label else "(left out)"] += 1
        counts[name] = dict(sorted(found.items()))
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_settings_arguments(parser)
    parser.add_argument("--json", help="write the fold scores, thresholds, misses and false positives here")
    parser.add_argument("--tree-seeds", type=_seed_list, default=None,
                        help="run the CV once per LightGBM seed (\"0,1\") and report the mean over seeds: "
                             "about ±0.02 of one run's F1 is its seed")
    args = parser.parse_args(argv)
    settings = settings_from(args)
    material = load_material(settings)
    print(f"candidates and labels: {json.dumps(label_counts(material))}", file=sys.stderr)
    cover = coverage(material.dev)
    total = [sum(v[k] for v in cover.values()) for k in range(3)]
    print(f"dev required core triples / reachable by a candidate pair / labelled positive in their evidence sentence: "
          f"{total[0]} / {total[1]} ({total[1] / total[0]:.1%}) / {total[2]} ({total[2] / total[0]:.1%}); per relation {cover}")
    if args.tree_seeds:
        results = {seed: run(replace(settings, tree_seed=seed), material) for seed in args.tree_seeds}
        print("\n".join(seed_summary(results)))
        if args.json:
            write_json(args.json, {"seeds": {str(seed): result for seed, result in results.items()}})
        return 0
    result = run(settings, material)
    if args.json:
        write_json(args.json, result)
    return 0


def _seed_list(text: str) -> list[int]:
    try:
        seeds = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of integers: {text!r}") from None
    if not seeds or len(set(seeds)) != len(seeds):
        raise argparse.ArgumentTypeError(f"give distinct seeds, such as 0,1: {text!r}")
    return seeds


def seed_summary(results: dict[int, dict[str, object]]) -> list[str]:
    """Core-five F1 (mean over folds) per seed for the learned scorer and for rules ∪ learned,
    and the mean of those over the seeds."""
    lines = ["core five F1 by LightGBM seed (mean over folds):", f"  {'seed':<6}{'learned':>9}{'rules ∪ learned':>17}"]
    table: dict[str, list[float]] = {"learned": [], "union": []}
    for seed, result in results.items():
        for key in table:
            folds = result[key]["core five"]["folds"]  # type: ignore[index]
            table[key].append(float(np.mean([fold["f1"] for fold in folds])))
        lines.append(f"  {seed:<6}{table['learned'][-1]:>9.3f}{table['union'][-1]:>17.3f}")
    lines.append(f"  {'mean':<6}{np.mean(table['learned']):>9.3f}{np.mean(table['union']):>17.3f}")
    return lines


if __name__ == "__main__":
    raise SystemExit(main())
