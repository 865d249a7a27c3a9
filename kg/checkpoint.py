"""Checkpoints that let a killed build go on where it stopped (``kg build --resume``).

The slow part of a build is the NLP. Its outcome for each article (the resolved result, or the
failure that leaves the article out) is saved in segments of consecutive articles, each written
whole to a temporary name and then renamed, so a segment on disk is always complete. A resumed
build replays the saved outcomes through the same batching, RDF and validation code and analyses
only the articles after them, so it writes the bytes an uninterrupted build writes.

The checkpoint lives in a hidden folder beside the output (``.OUT.kg-partial``) and is removed
when the build succeeds. Its manifest names what the outcomes depend on: the inputs, the spaCy
model, kg's version and code, the gazetteer and the lexicon. A resume whose manifest differs is
refused: its outcomes would not be the ones this build would compute.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
from pathlib import Path
from typing import Iterator

import kg
from kg.errors import KgError
from kg.failures import Failure
from kg.resolve import DocumentResult

SEGMENT = 32  # articles per saved segment
MANIFEST = "manifest.json"
FORMAT = 1
Outcome = DocumentResult | Failure


def checkpoint_dir(out_dir: Path) -> Path:
    return out_dir.parent / f".{out_dir.name}.kg-partial"


def code_fingerprint() -> str:
    """A hash of kg's own source and data files: a changed extractor changes the outcomes even
    when the version number does not."""
    root = Path(kg.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".py", ".yaml", ".ttl", ".json", ".onnx")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def file_hash(path: Path) -> str:
    """sha256 of a file; of a folder (an A+B scorer model), of its files' names and hashes."""
    if path.is_dir():
        digest = hashlib.sha256()
        for item in sorted(p for p in path.iterdir() if p.is_file()):
            digest.update(f"{item.name}\0{file_hash(item)}\n".encode())
        return digest.hexdigest()
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Checkpoint:
    """The saved outcomes of one build (``resume`` keeps and checks those of an earlier one)."""

    def __init__(self, out_dir: Path, manifest: dict[str, object], *, resume: bool) -> None:
        self.folder = checkpoint_dir(out_dir)
        self.manifest = {"format": FORMAT, **manifest}
        self.pending: list[Outcome] = []
        self.segments = 0
        self.saved: list[Path] = []
        self.resumed = False
        if resume and (self.folder / MANIFEST).is_file():
            self._check()
            self.resumed = True
            self.saved = self._complete_segments()
        else:
            shutil.rmtree(self.folder, ignore_errors=True)
        self.segments = len(self.saved)

    def _check(self) -> None:
        try:
            earlier = json.loads((self.folder / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise KgError(f"{self.folder}: cannot resume: the checkpoint's manifest is unreadable; run without --resume to start again") from None
        names = {"format": "checkpoint format", "inputs": "inputs", "model": "spaCy model", "kg_version": "kg version",
                 "code": "kg code", "gazetteer": "gazetteer", "lexicon": "lexicon", "scorer": "scorer model"}
        differ = [label for key, label in names.items() if earlier.get(key) != self.manifest.get(key)]
        if differ:
            raise KgError(
                f"{self.folder}: cannot resume: the {', '.join(differ)} differ from the interrupted build's; "
                "run without --resume to start again"
            )

    def _complete_segments(self) -> list[Path]:
        """The saved segments, in order, up to the first gap."""
        found = []
        while (self.folder / f"{len(found):06d}.pickle").is_file():
            found.append(self.folder / f"{len(found):06d}.pickle")
        return found

    def replay(self) -> Iterator[Outcome]:
        for path in self.saved:
            with open(path, "rb") as handle:
                outcomes: list[Outcome] = pickle.load(handle)
            yield from outcomes

    @property
    def replayed(self) -> int:
        return len(self.saved) * SEGMENT

    def start(self) -> None:
        """Write the manifest (a fresh build) before any segment."""
        if self.resumed:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        self._write(self.folder / MANIFEST, json.dumps(self.manifest, sort_keys=True, indent=1).encode())

    def add(self, outcome: Outcome) -> None:
        self.pending.append(outcome)
        if len(self.pending) >= SEGMENT:
            self._write(self.folder / f"{self.segments:06d}.pickle", pickle.dumps(self.pending, protocol=pickle.HIGHEST_PROTOCOL))
            self.segments += 1
            self.pending = []

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        temporary = path.with_name(path.name + ".tmp")
        with open(temporary, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
