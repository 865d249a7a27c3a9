"""Articles that kg failed to analyse: one record each, so that one bad article never costs the
rest of a build.

A failure is plain data (it crosses process boundaries and checkpoints) and is written as one line
of ``failures.jsonl``. The traceback is kept only when ``KG_DEBUG=1``: it holds paths and source
lines that users do not need in a report.
"""
from __future__ import annotations

import json
import os
import signal
import time
import traceback as tb
from dataclasses import asdict, dataclass, replace
from multiprocessing import parent_process

from kg.errors import KgError

# Where in kg an article failed, in pipeline order.
STAGES = ("nlp", "extract", "worker", "resolve", "rdf", "validate")
MESSAGE_CHARS = 500


def debugging() -> bool:
    return os.environ.get("KG_DEBUG", "") not in ("", "0")


@dataclass(frozen=True)
class Failure:
    """One article left out of the build, and why."""

    stage: str
    error: str  # the exception's type name, or WorkerDied / Timeout
    message: str
    doc_id: str = ""
    source: str = ""
    traceback: str | None = None

    def of(self, doc_id: str, source: str) -> "Failure":
        return replace(self, doc_id=doc_id, source=source)

    def to_json(self) -> str:
        """One line of failures.jsonl: the source's file and line apart (``file.jsonl#12``)."""
        path, _, line = self.source.rpartition("#")
        record: dict[str, object] = {"id": self.doc_id, "file": path if line.isdigit() else self.source}
        if line.isdigit():
            record["line"] = int(line)
        record.update(stage=self.stage, error=self.error, message=self.message)
        if self.traceback:
            record["traceback"] = self.traceback
        return json.dumps(record, ensure_ascii=False, sort_keys=False)

    def line(self) -> str:
        return f"{self.source}: article {self.doc_id!r} failed in {self.stage}: {self.error}: {self.message}"

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> "Failure":
        return cls(**data)  # type: ignore[arg-type]

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def failure_of(stage: str, error: BaseException) -> Failure:
    """A failure from an exception caught while analysing one article."""
    message = " ".join(str(error).split()) or type(error).__name__
    if len(message) > MESSAGE_CHARS:
        message = message[: MESSAGE_CHARS - 3] + "..."
    trace = "".join(tb.format_exception(type(error), error, error.__traceback__)) if debugging() else None
    return Failure(stage, type(error).__name__, message, traceback=trace)


class ArticleFailed(KgError):
    """--fail-fast: the first failed article stops the build."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.line() + ("" if failure.traceback else " (set KG_DEBUG=1 for the traceback)"))
        self.failure = failure


def injected_fault(stage: str, text: str) -> None:
    """A test-only hook: ``KG_TEST_FAULT=MARKER:STAGE:ACTION`` makes an article whose text holds
    MARKER fail at STAGE (nlp, extract, resolve, rdf or validate). ACTION is ``raise`` anywhere;
    ``kill`` (SIGKILL), ``exit`` (``os._exit``) and ``hang`` act only inside a worker process, so
    that a test never kills or stalls the process running it."""
    spec = os.environ.get("KG_TEST_FAULT")
    if not spec:
        return
    marker, _, rest = spec.rpartition(":")
    marker, _, where = marker.rpartition(":")
    if where != stage or not marker or marker not in text:
        return
    in_worker = parent_process() is not None
    if rest == "raise":
        raise RuntimeError(f"test fault injected at {stage}")
    if rest == "kill" and in_worker:
        os.kill(os.getpid(), signal.SIGKILL)
    elif rest == "exit" and in_worker:
        os._exit(3)
    elif rest == "hang" and in_worker:
        while True:
            time.sleep(60)
