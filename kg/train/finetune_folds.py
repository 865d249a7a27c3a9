"""Stage B's cross-validation folds fine-tuned on any machine with torch (a GPU box, say).

    python -m kg.train.cv_finetune --export folds.json.gz            (here: spaCy, the data)
    python -m kg.train.finetune_folds pack weights/                  (here: base weights, float16)
    python -m kg.train.finetune_folds run folds.json.gz b.npz --weights weights/ --device cuda
    python -m kg.train.cv_finetune --stage-b b.npz                   (here: scored as make cv-finetune)

``run`` needs torch, transformers, tokenizers, safetensors and numpy, and nothing else of kg's
(no spaCy, no ``../shared``). Per fold it subsamples the ``none`` rows, fine-tunes MiniLM as
``kg.train.pair_classifier.PairClassifier`` does on CPU, and writes every scored article's
probabilities (``fold/tune|test/name``) to the npz, after each fold, so a run cut short keeps
its finished folds. On a GPU the numbers are not the CPU's bit for bit (other kernels, dropout
masks, TF32 off by default here), so use it to compare settings, not to reproduce a model.
``pack`` writes the pinned weights as float16 (45 MB instead of 91 MB, for a copy that must
travel); they are read back as float32.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import sys
import time
from pathlib import Path

import numpy as np

from kg.train.pair_classifier import PairClassifier, TuneSettings, subsample


def pack(directory: Path) -> None:
    from safetensors.numpy import load_file, save_file

    from kg.train.export_encoder import weights_dir

    source = weights_dir()
    directory.mkdir(parents=True, exist_ok=True)
    weights = load_file(str(source / "model.safetensors"))
    save_file({k: v.astype(np.float16) for k, v in weights.items() if v.dtype == np.float32}, str(directory / "model.safetensors"))
    for name in ("config.json", "tokenizer.json"):
        shutil.copyfile(source / name, directory / name)


def run(folds_path: Path, out: Path, tune: TuneSettings, weights: Path | None, device: str, only: set[int], budget: float) -> None:
    with gzip.open(folds_path, "rt", encoding="utf-8") as f:
        data = json.load(f)
    texts, classes = data["texts"], data["classes"]
    began = time.time()
    saved: dict[str, np.ndarray] = {}
    for fold in data["folds"]:
        number = int(fold["fold"])
        if only and number not in only:
            continue
        if time.time() - began > budget:
            print(f"fold {number}: time budget spent, stopping", file=sys.stderr, flush=True)
            break
        train = fold["train"]
        xs, ys, ws = subsample([texts[i] for i in train["ids"]], train["ys"], train["ws"], tune.negatives, tune.seed)
        model = PairClassifier(tune, classes, source=weights, device=device).fit(xs, ys, ws, verbose=False)
        fitted = time.time()
        for key, ids in fold["score"].items():
            saved[key] = model.predict_proba([texts[i] for i in ids]) if ids else np.zeros((0, len(classes)), dtype=np.float32)
        partial = out.with_name(out.name + ".partial.npz")
        np.savez_compressed(partial, **saved)
        os.replace(partial, out)
        print(f"fold {number}: {len(xs)} rows, scored {len(fold['score'])} articles in {time.time() - fitted:.0f}s [{time.time() - began:.0f}s]", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("pack", help="write the pinned base weights as float16, with config and tokenizer")
    p.add_argument("directory", type=Path)
    r = commands.add_parser("run", help="fine-tune and score each fold")
    r.add_argument("folds", type=Path, help="cv_finetune --export's file")
    r.add_argument("out", type=Path, help="the npz to write")
    r.add_argument("--weights", type=Path, help="base weights folder (pack's); default the pinned package")
    r.add_argument("--device", default="cpu")
    r.add_argument("--folds-only", default="", help="e.g. 1,2")
    r.add_argument("--budget", type=float, default=float("inf"), help="seconds after which no new fold starts")
    r.add_argument("--epochs", type=int, default=TuneSettings.epochs)
    r.add_argument("--lr", type=float, default=TuneSettings.lr)
    r.add_argument("--negatives", type=float, default=TuneSettings.negatives)
    r.add_argument("--seed", type=int, default=TuneSettings.seed)
    r.add_argument("--threads", type=int, default=TuneSettings.threads)
    args = parser.parse_args(argv)
    if args.command == "pack":
        pack(args.directory)
        return 0
    tune = TuneSettings(epochs=args.epochs, lr=args.lr, negatives=args.negatives, seed=args.seed, threads=args.threads)
    only = {int(k) for k in args.folds_only.split(",") if k}
    run(args.folds, args.out, tune, args.weights, args.device, only, args.budget)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
