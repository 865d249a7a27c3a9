"""The sentence encoder: a tokenizer and an int8 ONNX model behind one small class.

MiniLM-L6 (all-MiniLM-L6-v2 weights, Apache-2.0) exported by ``kg.train.export_encoder``, run
with ``onnxruntime`` and ``tokenizers``; no torch. One thread and sequential execution, so the
same text gives the same numbers whatever else runs (the build's determinism rests on it).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import numpy as np

from kg.errors import KgError

if TYPE_CHECKING:
    from spacy.tokens import Doc

DEFAULT_DIR = Path(__file__).resolve().parent / "data" / "encoder"
MAX_TOKENS = 128  # wordpieces per sentence, [CLS] and [SEP] included


@dataclass(frozen=True)
class Encoded:
    """One text's contextual wordpiece vectors and their character offsets in the text."""

    vectors: np.ndarray  # [n, hidden] float32, [CLS]/[SEP] excluded
    offsets: tuple[tuple[int, int], ...]

    def mean(self) -> np.ndarray:
        return self.vectors.mean(axis=0) if len(self.vectors) else np.zeros(self.vectors.shape[1], dtype=np.float32)


class Encoder:
    def __init__(self, directory: Path | None = None) -> None:
        directory = directory or DEFAULT_DIR
        model, vocab = directory / "encoder.onnx", directory / "tokenizer.json"
        if not model.is_file() or not vocab.is_file():
            raise KgError(f"{directory}: no encoder model (make encoder writes it)")
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as error:
            raise KgError(f"the encoder needs onnxruntime and tokenizers ({error.name} is not installed)") from None
        self.tokenizer = Tokenizer.from_file(str(vocab))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        # Extended fusions break on this hand-built graph (a Slice with scalar starts); basic ones do not.
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        self.path = model

    def encode(self, texts: Sequence[str]) -> list[Encoded]:
        """Contextual wordpiece vectors of each text, [CLS] and [SEP] left out."""
        encodings = self.tokenizer.encode_batch(list(texts))
        out = []
        for enc, states in zip(encodings, self.hidden(encodings)):
            keep = [j for j, special in enumerate(enc.special_tokens_mask) if not special]
            out.append(Encoded(states[keep], tuple(enc.offsets[j] for j in keep)))
        return out

    def hidden(self, encodings: Sequence["object"]) -> list[np.ndarray]:
        """Final hidden states [tokens, H] of tokenized texts. Each text runs on its own: int8
        dynamic quantization scales activations per tensor, so in a batch a text's vectors
        would depend on its neighbours (seen: up to 0.31 apart)."""
        out = []
        for enc in encodings:
            ids = np.asarray([enc.ids], dtype=np.int64)  # type: ignore[attr-defined]
            feed = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
            out.append(self.session.run(["last_hidden_state"], feed)[0][0].astype(np.float32))
        return out

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Sentence embeddings: the mean of the word-piece vectors ([CLS] and [SEP] left out, which
        sentence-transformers keeps), unit length."""
        vectors = []
        for enc in self.encode(texts):
            v = enc.mean()
            vectors.append(v / max(float(np.linalg.norm(v)), 1e-12))
        return np.stack(vectors) if vectors else np.zeros((0, 384), dtype=np.float32)


# --- candidate pairs as marked text (the pair classifier's input) ---------------------------

SUBJECT_MARK = "@"
OBJECT_MARK = "#"


OTHER_MARK = "^"


def marked_text(doc: "Doc", subject: tuple[int, int, int], obj: tuple[int, int, int],
                others: Sequence[tuple[int, int]] = ()) -> str:
    """The sentence of a candidate pair with its subject between ``@`` and its object between
    ``#`` (typed-marker style); a subject from the previous sentence brings that sentence along.
    Each argument is (token start, token end, sentence index). ``others`` (token ranges) are the
    sentence's other arguments, marked ``^`` where they overlap neither argument nor each other."""
    sents = list(doc.sents)
    first = min(subject[2], obj[2])
    last = max(subject[2], obj[2])
    opens: set[int] = set()
    closes: set[int] = set()
    taken = [(subject[0], subject[1]), (obj[0], obj[1])]
    for start, end in sorted(others, key=lambda span: (span[0], -span[1])):
        if all(end <= a or start >= b for a, b in taken):
            taken.append((start, end))
            opens.add(start)
            closes.add(end - 1)
    pieces: list[str] = []
    for n in range(first, last + 1):
        sent = sents[n]
        words: list[str] = []
        for token in sent:
            i = token.i
            if i == subject[0]:
                words.append(SUBJECT_MARK)
            if i == obj[0]:
                words.append(OBJECT_MARK)
            if i in opens:
                words.append(OTHER_MARK)
            words.append(token.text)
            if i in closes:
                words.append(OTHER_MARK)
            if i == subject[1] - 1:
                words.append(SUBJECT_MARK)
            if i == obj[1] - 1:
                words.append(OBJECT_MARK)
        pieces.append(" ".join(w for w in words if not w.isspace()))
    return " ".join(pieces)


class PairEncoder:
    """Stage B's input: the encoder's final states at the opening ``@`` and ``#`` markers of a
    marked candidate, concatenated (its head is ``kg.train.pair_encoder.PairHead``)."""

    def __init__(self, encoder: Encoder) -> None:
        self.encoder = encoder
        self._marks = (encoder.tokenizer.token_to_id(SUBJECT_MARK), encoder.tokenizer.token_to_id(OBJECT_MARK))

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """[n, 2H] pair vectors of marked texts (a marker lost to truncation falls back on
        [CLS], as in fine-tuning: ``kg.train.cv_finetune``)."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        encodings = self.encoder.tokenizer.encode_batch(list(texts))
        out = []
        for enc, states in zip(encodings, self.encoder.hidden(encodings)):
            ids = list(enc.ids)
            pair = [states[ids.index(mark) if mark in ids else 0] for mark in self._marks]
            out.append(np.concatenate(pair))
        return np.stack(out)
