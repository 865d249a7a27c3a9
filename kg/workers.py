"""The NLP stage, run so that no article can stop or stall a build.

``analyse_items`` runs the spaCy pipeline over a batch of texts and returns, for each, kg's
result or a failure: an error inside one Doc is that Doc's alone.

``WorkerPool`` runs it in forked worker processes (``--workers N``). Unlike spaCy's own
``n_process``, which waits for ever on a worker that died, it watches every worker's process
sentinel and its progress, never blocking without a timeout on a process that can die:

- a worker that dies (an exception that escapes, a segfault, the OOM killer, ``os._exit``) is
  noticed within a second;
- a worker that makes no progress for ``timeout`` seconds is killed;
- either way the articles it held are retried one at a time in a fresh worker, so the one that
  kills its worker is found and reported, and every other article is analysed as usual.

Items carry sequence numbers and results are yielded in that order, so the output does not
depend on which worker did what.
"""
from __future__ import annotations

import ctypes
import multiprocessing
import os
import queue
import signal
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import TYPE_CHECKING, Iterable, Iterator

from kg.failures import Failure, failure_of
from kg.nlp import payload_of

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess
    from multiprocessing.queues import Queue

    from spacy.language import Language

# Texts sent to a worker at a time, and tasks queued per worker (one running, one waiting, so
# that a worker never idles while the main process is busy).
BATCH_SIZE = 16
QUEUED_TASKS = 2
# Default seconds a worker may go without finishing an item before it is taken for hung.
DEFAULT_TIMEOUT = 300.0
POLL_SECONDS = 1.0
STOP_SECONDS = 5.0

Payload = dict  # kg's result for one text, or {"failure": Failure.to_dict()}


def analyse_items(nlp: "Language", items: list[tuple[int, str]]) -> Iterator[tuple[int, Payload]]:
    """(sequence number, payload) for each (sequence number, text), in order.

    The relation component keeps its own errors per Doc. An error that escapes a spaCy component
    breaks the whole ``nlp.pipe`` call, so the texts not yet done are then run one at a time, and
    only the text that fails alone is reported."""
    done = 0
    try:
        for doc in nlp.pipe((text for _, text in items), batch_size=max(1, len(items))):
            yield items[done][0], payload_of(doc)
            done += 1
        return
    except Exception:  # noqa: BLE001 - find the culprit below, one text at a time
        pass
    for number, text in items[done:]:
        try:
            doc = nlp(text)
        except Exception as error:  # noqa: BLE001
            yield number, {"failure": failure_of("nlp", error).to_dict()}
            continue
        yield number, payload_of(doc)


def analyse_in_process(nlp: "Language", items: Iterable[tuple[int, str]]) -> Iterator[tuple[int, Payload]]:
    """``analyse_items`` over a stream, batch by batch, in this process."""
    batch: list[tuple[int, str]] = []
    for item in items:
        batch.append(item)
        if len(batch) >= BATCH_SIZE:
            yield from analyse_items(nlp, batch)
            batch = []
    if batch:
        yield from analyse_items(nlp, batch)


PR_SET_PDEATHSIG = 1


def _die_with(parent: int) -> None:
    """Linux: have the kernel kill this worker when the main process dies. Polling is not enough:
    a worker blocked sending to a full result pipe never polls, and the pipe never breaks because
    the other forked workers hold copies of its reading end (seen after a SIGTERM to the build)."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # it died before the request above
        os._exit(0)


def _serve(nlp: "Language", inbox: "Queue[tuple[int, list[tuple[int, str]]] | None]", outbox: Connection, parent: int) -> None:
    """A worker's loop: a task in, one message per item out, then an end-of-task message."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    _die_with(parent)
    while True:
        try:
            task = inbox.get(timeout=POLL_SECONDS)
        except queue.Empty:
            if os.getppid() != parent:
                break  # the main process was killed: no one will read the results
            continue
        if task is None:
            break
        number, items = task
        for sequence, payload in analyse_items(nlp, items):
            outbox.send((number, sequence, payload))
        outbox.send((number, None, None))
    outbox.close()


@dataclass
class Task:
    number: int
    items: list[tuple[int, str]]
    alone: bool = False  # a retry of one item whose worker died: a second death is its own
    done: set[int] = field(default_factory=set)


class Worker:
    """One worker process, its task queue and its result pipe."""

    def __init__(self, context: multiprocessing.context.BaseContext, nlp: "Language") -> None:
        self.inbox: Queue[tuple[int, list[tuple[int, str]]] | None] = context.Queue()  # type: ignore[attr-defined]
        self.outbox, child_end = context.Pipe(duplex=False)  # type: ignore[attr-defined]
        self.process: BaseProcess = context.Process(target=_serve, args=(nlp, self.inbox, child_end, os.getpid()), daemon=True)  # type: ignore[attr-defined]
        self.process.start()
        child_end.close()  # so that only the worker holds the writing end
        self.tasks: deque[Task] = deque()
        self.progress = time.monotonic()

    def submit(self, task: Task) -> None:
        if not self.tasks:
            self.progress = time.monotonic()
        self.tasks.append(task)
        self.inbox.put((task.number, task.items))

    def death(self) -> str:
        code = self.process.exitcode
        if code is not None and code < 0:
            try:
                return f"the worker process was killed by {signal.Signals(-code).name}"
            except ValueError:
                return f"the worker process was killed by signal {-code}"
        return f"the worker process exited with code {code}"

    def stop(self, *, wait_seconds: float = STOP_SECONDS) -> None:
        """Ask the worker to finish, then make sure it is gone; never waits without a bound."""
        if self.process.is_alive():
            try:
                self.inbox.put(None)
            except (OSError, ValueError):
                pass
            self.process.join(wait_seconds)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(wait_seconds)
        self.inbox.cancel_join_thread()  # a dead reader must not block this process's exit
        self.inbox.close()
        self.outbox.close()


class WorkerPool:
    """``processes`` forked workers sharing the parent's loaded pipeline (copy on write)."""

    def __init__(self, nlp: "Language", processes: int, *, timeout: float | None = None) -> None:
        self.nlp = nlp
        self.processes = max(1, processes)
        self.timeout = DEFAULT_TIMEOUT if timeout is None else timeout
        self.context = multiprocessing.get_context("fork")
        self.workers: list[Worker] = []
        self.restarts = 0

    def run(self, items: Iterable[tuple[int, str]]) -> Iterator[tuple[int, Payload]]:
        """(sequence number, payload) for every item, in sequence order."""
        source = iter(items)
        retries: deque[Task] = deque()
        results: dict[int, Payload] = {}
        order: deque[int] = deque()  # sequence numbers handed out, in order
        numbers = iter(range(1 << 62))
        exhausted = False
        self.workers = [Worker(self.context, self.nlp) for _ in range(self.processes)]
        try:
            while True:
                for worker in self.workers:
                    while len(worker.tasks) < QUEUED_TASKS:
                        if retries:
                            task = retries.popleft()
                        elif not exhausted:
                            batch = [item for _, item in zip(range(BATCH_SIZE), source)]
                            exhausted = len(batch) < BATCH_SIZE
                            if not batch:
                                break
                            order.extend(number for number, _ in batch)
                            task = Task(next(numbers), batch)
                        else:
                            break
                        worker.submit(task)
                while order and order[0] in results:
                    number = order.popleft()
                    yield number, results.pop(number)
                if exhausted and not retries and not any(w.tasks for w in self.workers):
                    break
                self._collect(results, retries, numbers)
        finally:
            for worker in self.workers:
                worker.stop()
            self.workers = []

    def _collect(self, results: dict[int, Payload], retries: deque[Task], numbers: Iterator[int]) -> None:
        """Wait (at most POLL_SECONDS) for messages or deaths, and deal with each."""
        busy = [w for w in self.workers if w.tasks]
        ready = wait([w.outbox for w in busy] + [w.process.sentinel for w in busy], POLL_SECONDS)
        now = time.monotonic()
        for index, worker in enumerate(self.workers):
            if not worker.tasks:
                continue
            reason = None
            try:
                while worker.outbox.poll():
                    number, sequence, payload = worker.outbox.recv()
                    worker.progress = time.monotonic()
                    task = worker.tasks[0]
                    if sequence is None:
                        worker.tasks.popleft()
                    else:
                        task.done.add(sequence)
                        results[sequence] = payload
            except (EOFError, OSError):
                reason = "died"
            if reason is None and worker.process.sentinel in ready and not worker.process.is_alive():
                reason = "died"
            if reason is None and worker.tasks and now - worker.progress > self.timeout:
                worker.process.kill()
                worker.process.join(STOP_SECONDS)
                reason = "timeout"
            if reason is None:
                continue
            if reason == "died":
                worker.process.join(STOP_SECONDS)
            failure = (
                Failure("worker", "Timeout", f"no progress for {self.timeout:g} seconds; the worker process was stopped")
                if reason == "timeout" else Failure("worker", "WorkerDied", worker.death())
            )
            self._reassign(worker, failure, results, retries, numbers)
            worker.stop(wait_seconds=0.1)
            self.workers[index] = Worker(self.context, self.nlp)
            self.restarts += 1

    @staticmethod
    def _reassign(worker: Worker, failure: Failure, results: dict[int, Payload], retries: deque[Task], numbers: Iterator[int]) -> None:
        """The items a dead worker held: each retried alone, unless it was already alone."""
        alone: list[Task] = []
        for task in worker.tasks:
            for sequence, text in task.items:
                if sequence in task.done:
                    continue
                if task.alone:
                    results[sequence] = {"failure": failure.to_dict()}
                else:
                    alone.append(Task(next(numbers), [(sequence, text)], alone=True))
        worker.tasks.clear()
        retries.extendleft(reversed(alone))
