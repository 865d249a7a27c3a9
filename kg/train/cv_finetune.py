"""Cross-validation of stage B fine-tuned: MiniLM-L6 trained end to end as a pair classifier.

    python -m kg.train.cv_finetune [--folds 1,2] [--epochs 2] [--json out.json]   (make cv-finetune)

Training only (torch 2.13.0 CPU and transformers; nothing here runs at build time). The protocol
is ``kg.train.cv_encoder``'s, so the three decisions compare fairly on the same folds: in each
outer fold, the 30 training articles are split once more by article (GroupKFold 5, first split)
and the pool articles likewise; stage A (the feature model) and stage B (the fine-tuned encoder)
are both trained on the inner-training dev articles, the seeds, the other pool articles and the
M2E2 sentences (less the VOA documents of held-out and test articles); thresholds are tuned on
the held-out dev and pool articles; the test fold is scored with those models and thresholds.

Stage B reads a candidate as ``kg.encoder.marked_text`` (subject between ``@``, object between
``#``) and classifies the concatenated final states at the two opening markers, the input
``kg.encoder.PairEncoder`` gives at run time. ``none`` rows are subsampled to ``--negatives``
per positive (fixed seed) to keep an epoch within minutes on two cores.
"""
from __future__ import annotations

import argparse
import gzip
import json
import tempfile
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from kg.pair_model import PairModel, combine, over_floor
from kg.scorer import CLASSES, in_class_order
from kg.train.cv import FOLDS, INNER, Material, groups_of, load_material, pool_splits, train_model, training_parts, write_json
from kg.train.cv_encoder import Comparison, three_ways
from kg.train.dataset import ArticleData, Settings, add_settings_arguments, settings_from, training_rows
from kg.train.pair_classifier import PairClassifier, TuneSettings, subsample


@dataclass(frozen=True)
class FoldSplit:
    """One outer fold of the protocol: its test articles, the inner split of the other 30 (and
    the pool's held-out part) whose scores tune thresholds, and what both stages train on."""

    number: int  # 1-based
    held_out: list[ArticleData]
    inner_val: list[ArticleData]
    inner_train: list[ArticleData]
    pool_val: list[ArticleData]

    @property
    def tuning(self) -> list[ArticleData]:
        return self.inner_val + self.pool_val

    @property
    def unseen(self) -> list[ArticleData]:
        """Articles whose M2E2 documents and pool parts stay out of training."""
        return self.held_out + self.inner_val + self.pool_val


def fold_splits(material: Material, settings: Settings) -> list[FoldSplit]:
    pool_parts = pool_splits(material, settings, INNER)
    out = []
    for number, test in enumerate(groups_of(material.dev, FOLDS)):
        train = [a for i, a in enumerate(material.dev) if i not in set(test)]
        inner_index = set(groups_of(train, INNER)[0])
        out.append(FoldSplit(
            number + 1, [material.dev[i] for i in test], [train[i] for i in sorted(inner_index)],
            [a for i, a in enumerate(train) if i not in inner_index], [material.pool[i] for i in pool_parts[0]],
        ))
    return out


def run(settings: Settings, tune: TuneSettings, material: Material, folds: Sequence[int], verbose: bool = True,
        int8: bool = False, floors: Sequence[float] = (), save: str | None = None, stage_b: Sequence[str] = ()) -> dict[str, object]:
    """``int8``: also score stage B as shipped, exported to int8 ONNX and run by
    ``kg.pair_model.PairModel``, alone, averaged with A, and averaged with A where stage B runs
    only on the pairs A gives some relation at least each of ``floors``. ``save``: write every
    scored article's probabilities (npz) for later analysis. ``stage_b``: take stage B's
    probabilities from these npz files (``kg.train.finetune_folds`` wrote them from
    ``export_folds``'s file, elsewhere) instead of fine-tuning here: each is scored alone, in the
    mean with A, and in the mean with A under each of ``floors``, against one stage A per fold."""
    began = time.time()
    given = [(Path(path).stem, np.load(path)) for path in stage_b]
    if given and int8:
        raise SystemExit("cv_finetune: --int8 needs the models, not --stage-b probabilities")
    names = ["A: features", "B: fine-tuned", "A+B: mean"]
    if given:
        names = ["A: features"] + [f"{kind} {stem}" for stem, _ in given for kind in ("B:", "A+B:")]
        names += [f"A+B: {stem}, floor {f:g}" for stem, _ in given for f in floors]
    if int8:
        names += ["B: int8", "A+B: int8 mean"] + [f"A+B: int8, floor {f:g}" for f in floors]
    comparison = Comparison(names, settings)
    saved: dict[str, np.ndarray] = {}
    for split in fold_splits(material, settings):
        number, held_out = split.number - 1, split.held_out
        if split.number not in folds:
            continue
        scorer = train_model(material, split.inner_train, split.unseen, settings)
        # Stage B's rows: exactly stage A's training parts, as marked texts.
        parts = training_parts(material, split.inner_train, split.unseen, settings, inputs=lambda item: item.texts)
        model: PairClassifier | None = None
        if not given:
            texts, ys, ws = subsample(*training_rows(parts, settings), tune.negatives, tune.seed)
            if verbose:
                print(f"fold {number + 1}: {len(texts)} training rows ({sum(y != 'none' for y in ys)} positive)", file=sys.stderr, flush=True)
            model = PairClassifier(tune, CLASSES).fit(texts, ys, ws, verbose)
        shipped: PairModel | None = None
        if int8 and model is not None:
            directory = Path(tempfile.mkdtemp(prefix="kg-pair-"))
            model.export(directory, {}, 0.0, {})
            shipped = PairModel.load(directory)

        def probabilities(articles: Sequence[ArticleData], tag: str) -> dict[str, list[tuple[ArticleData, np.ndarray]]]:
            empty = np.zeros((0, len(CLASSES)), dtype=np.float32)
            a = [in_class_order(scorer.predict_proba(x.rows), scorer.classes) for x in articles]
            if given:
                out = {names[0]: list(zip(articles, a))}
                for stem, data in given:
                    bs = [data[f"{number + 1}/{tag}/{x.name}"] for x in articles]
                    out.update(three_ways([names[0], f"B: {stem}", f"A+B: {stem}"], articles, a, bs))
                    for f in floors:
                        out[f"A+B: {stem}, floor {f:g}"] = [(x, combine(p, lambda rows, q=q: q[rows], f)) for x, p, q in zip(articles, a, bs)]
                return out
            b = [model.predict_proba(x.texts) if x.found else empty for x in articles]  # type: ignore[union-attr]
            out = three_ways(names, articles, a, b)
            if shipped is not None:
                b8 = [shipped.predict_proba(x.texts) if x.found else empty for x in articles]
                out[names[3]] = list(zip(articles, b8))
                out[names[4]] = [(x, (p + q) / 2) for x, p, q in zip(articles, a, b8)]
                for name, f in zip(names[5:], floors):
                    out[name] = [(x, combine(p, lambda rows, q=q: q[rows], f)) for x, p, q in zip(articles, a, b8)]
                if verbose:
                    for f in floors:
                        kept = sum(len(over_floor(p, f)) for p in a)
                        print(f"  {tag}: floor {f:g} keeps {kept} of {sum(len(p) for p in a)} pairs", file=sys.stderr, flush=True)
            if save is not None:
                for x, p, q in zip(articles, a, b):
                    saved[f"{number + 1}/{tag}/{x.name}/A"] = p
                    saved[f"{number + 1}/{tag}/{x.name}/B"] = q
                if shipped is not None:
                    for x, q in zip(articles, b8):
                        saved[f"{number + 1}/{tag}/{x.name}/B8"] = q
            return out

        line = comparison.fold(number, held_out, probabilities(split.tuning, "tune"), probabilities(held_out, "test"))
        if verbose:
            print(line + f"  [{time.time() - began:.0f}s]", file=sys.stderr, flush=True)
    if save is not None:
        np.savez_compressed(save, **saved)
    lines = comparison.lines(f"CV by article, folds {list(folds)} of {FOLDS}, single inner split for thresholds; settings {settings}, {tune}")
    if verbose:
        print("\n".join(lines))
    return {"settings": settings.__dict__, "fine_tune": tune.__dict__, "folds": list(folds), **comparison.result(), "text": lines}


def export_folds(settings: Settings, material: Material, path: Path) -> None:
    """Write what stage B needs for every outer fold to ``path`` (gzipped JSON), so that
    ``kg.train.finetune_folds`` can fine-tune and score it on a machine with torch alone: each
    fold's training rows as marked texts with labels and weights (before ``none`` rows are
    subsampled) and, per scored article (``fold/tune|test/name``), its candidates' texts. Texts
    are stored once and referred to by number."""
    table: dict[str, int] = {}

    def ids(texts: Sequence[str]) -> list[int]:
        return [table.setdefault(t, len(table)) for t in texts]

    folds = []
    for split in fold_splits(material, settings):
        parts = training_parts(material, split.inner_train, split.unseen, settings, inputs=lambda item: item.texts)
        texts, ys, ws = training_rows(parts, settings)
        score = {f"{split.number}/{tag}/{x.name}": ids(x.texts) if x.found else []
                 for tag, articles in (("tune", split.tuning), ("test", split.held_out)) for x in articles}
        folds.append({"fold": split.number, "train": {"ids": ids(texts), "ys": ys, "ws": ws}, "score": score})
    texts_by_id = sorted(table, key=table.__getitem__)
    with gzip.open(path, "wt", encoding="utf-8") as out:
        json.dump({"classes": list(CLASSES), "texts": texts_by_id, "folds": folds}, out, ensure_ascii=False)


def record(path: Path, result: dict[str, object]) -> None:
    """Keep ``result`` (less its text) in the record file of runs, replacing runs of the same
    folds; ``kg.train.train_pair`` takes the shipped thresholds from it."""
    data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {"runs": []}
    folds = set(result["folds"])  # type: ignore[call-overload]
    runs = [r for r in data["runs"] if not folds & set(r["folds"])]
    runs.append({k: v for k, v in result.items() if k != "text"})
    data["runs"] = sorted(runs, key=lambda r: min(r["folds"]))
    write_json(str(path), data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_settings_arguments(parser, model="linear")  # the shipped A+B thresholds assume the linear stage A
    parser.add_argument("--folds", default=",".join(str(k + 1) for k in range(FOLDS)), help="outer folds to run, e.g. 1,2")
    parser.add_argument("--epochs", type=int, default=TuneSettings.epochs)
    parser.add_argument("--lr", type=float, default=TuneSettings.lr)
    parser.add_argument("--negatives", type=float, default=TuneSettings.negatives)
    parser.add_argument("--json", help="write the fold scores and thresholds here")
    parser.add_argument("--int8", action="store_true", help="also score stage B exported to int8 ONNX, as the build runs it")
    parser.add_argument("--floors", default="0.02,0.05,0.1", help="with --int8: stage-A floors below which stage B is not run")
    parser.add_argument("--save", help="write every scored article's probabilities here (npz)")
    parser.add_argument("--export", type=Path, help="only write every fold's stage-B rows and texts here (gzipped JSON) for kg.train.finetune_folds")
    parser.add_argument("--stage-b", nargs="+", default=[], help="stage B's probabilities from kg.train.finetune_folds (npz files, each scored against the same stage A) instead of fine-tuning here")
    parser.add_argument("--record", type=Path, help="also keep the result in this record of runs (eval/cv-finetune.json), replacing runs of the same folds")
    args = parser.parse_args(argv)
    tune = TuneSettings(epochs=args.epochs, lr=args.lr, negatives=args.negatives)
    folds = [int(k) for k in args.folds.split(",")]
    floors = [float(f) for f in args.floors.split(",") if f]
    settings = settings_from(args)
    if args.export:
        export_folds(settings, load_material(settings), args.export)
        return 0
    result = run(settings, tune, load_material(settings), folds, int8=args.int8, floors=floors, save=args.save, stage_b=args.stage_b)
    if args.json:
        write_json(args.json, result)
    if args.record:
        record(args.record, result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
