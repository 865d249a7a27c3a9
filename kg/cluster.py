"""``kg build --cluster``: the build's map steps on a Dask distributed cluster.

The single-machine build has two kinds of work (see kg.stream):

- per article: spaCy, extraction and per-document resolution (``kg.build.iter_outcomes``), about
  nine tenths of the time;
- per batch of 32 articles: RDF mapping, pySHACL and a sorted N-Triples run
  (``kg.stream.emit_batch``), given the corpus-wide state known when the batch is cut.

On a cluster both run on the Dask workers, through the very same functions: ``analyse_partition``
calls ``iter_outcomes`` on a partition of articles, and ``emit_shard`` calls ``emit_batch``, which
writes its run (a shard) into the shared shard folder. What crosses articles (merged entity
types, event summaries, the distinct entity-to-entity triples) is folded on the client by
``kg.stream.StreamBuild`` in input order, exactly as on one machine, so the output is the same
bytes by construction. ``docs/cluster.md`` has the design and how to run it on real machines.

Dask is an optional extra (``pip install 'kg[cluster]'``): it is imported only here, and only
when a cluster is asked for.
"""
from __future__ import annotations

import os
import re
import socket
import threading
from collections import deque
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from kg.errors import KgError
from kg.failures import Failure

if TYPE_CHECKING:
    from kg.documents import Document
    from kg.resolve import DocumentResult
    from kg.stream import BatchDone, BatchJob

# Articles per map task: long enough that Dask's per-task cost (a few ms) vanishes against the
# NLP (about 100 ms an article), short enough that a lost worker costs little to redo.
PARTITION = 32
# Map tasks in flight per worker thread: one running, one queued, so no worker idles while the
# client folds results; also bounds what the client holds.
IN_FLIGHT_PER_THREAD = 2
# Seconds to reach a scheduler (or to see its first worker) before giving up with one line.
CONNECT_SECONDS = 10.0
INSTALL_HINT = "pip install 'kg[cluster]' (Dask distributed)"

class WorkerMismatch(KgError):
    """A worker's kg, model, gazetteer or lexicon differs from the client's: its results would
    not be the ones this build computes."""


class ShardNotWritable(KgError):
    """A worker could not write its shard: the shard folder is not shared, or not writable."""


@dataclass(frozen=True)
class WorkerSettings:
    """What a worker needs to analyse articles as the client would, and the fingerprints it
    must match (those of the checkpoint's manifest: code, gazetteer, lexicon, scorer)."""

    model: str
    scorer: str
    fingerprints: tuple[tuple[str, object], ...]
    # The (name, version) the first worker loaded: every other worker must load the same.
    model_meta: tuple[str, str] | None = None

    def key(self) -> tuple[object, ...]:
        return (self.model, self.scorer, self.fingerprints)


LABELS = {"kg_version": "kg version", "code": "kg code", "gazetteer": "gazetteer", "lexicon": "lexicon", "scorer": "scorer model"}


def connect_seconds() -> float:
    """``KG_CLUSTER_CONNECT_TIMEOUT`` seconds, else CONNECT_SECONDS."""
    value = os.environ.get("KG_CLUSTER_CONNECT_TIMEOUT", "")
    try:
        return float(value) if value else CONNECT_SECONDS
    except ValueError:
        raise KgError(f"KG_CLUSTER_CONNECT_TIMEOUT={value!r} is not a number of seconds") from None


def parse_address(address: str) -> tuple[str, str | int]:
    """("local", N) for ``local:N``; ("scheduler", address) for ``tcp://host:port`` (or tls://)."""
    local = re.fullmatch(r"local:(\d+)", address.strip())
    if local:
        count = int(local.group(1))
        if not 1 <= count <= 512:
            raise KgError(f"--cluster {address}: the number of local workers must be 1 to 512")
        return "local", count
    if re.fullmatch(r"(tcp|tls)://[^\s/:]+:\d{1,5}", address.strip()):
        return "scheduler", address.strip()
    raise KgError(f"--cluster {address}: expected tcp://HOST:PORT (a running Dask scheduler) or local:N (N local workers)")


# --- on the workers -----------------------------------------------------------------------------

# One pipeline per worker process, loaded at its first task and kept: the spaCy model and the
# gazetteer are read once per worker, not once per partition. The lock keeps a worker started with
# several threads correct (spaCy pipelines are not shared between threads); run one thread per
# process (``dask worker --nthreads 1 --nworkers N``) for parallelism.
_LOADED: dict[tuple[object, ...], tuple[Any, Any, tuple[str, str]]] = {}
_LOCK = threading.Lock()


def _pipeline(settings: WorkerSettings) -> tuple[Any, Any, tuple[str, str]]:
    loaded = _LOADED.get(settings.key())
    if loaded is None:
        from kg import gazetteer as gaz
        from kg.build import worker_fingerprints
        from kg.nlp import RULES_ONLY, build_pipeline, model_meta
        from kg.resolve import Resolver

        try:
            mine = dict(worker_fingerprints(settings.scorer))
        except OSError as error:  # the scorer model (--scorer) is not at the same path here
            raise _mismatch(f"scorer model ({error.filename}: {error.strerror})") from None
        differ = [LABELS.get(key, key) for key, value in settings.fingerprints if mine.get(key) != value]
        if differ:
            raise _mismatch(", ".join(differ))
        nlp = build_pipeline(settings.model, scorer=settings.scorer or RULES_ONLY)
        loaded = (nlp, Resolver(gaz.load(gaz.default_path())), model_meta(nlp))
        _LOADED.clear()  # a new build's settings: drop the old pipeline
        _LOADED[settings.key()] = loaded
    if settings.model_meta is not None and loaded[2] != settings.model_meta:
        raise _mismatch(f"spaCy model ({' '.join(loaded[2])}, not {' '.join(settings.model_meta)})")
    return loaded


def _mismatch(what: str) -> WorkerMismatch:
    return WorkerMismatch(
        f"the Dask worker on {socket.gethostname()} has a different {what} than the first worker or this machine; "
        "install the same kg, spaCy model and data on every worker"
    )


def worker_model(settings: WorkerSettings) -> tuple[str, str]:
    """The (name, version) of the model a worker loads: the run's IRI names it."""
    with _LOCK:
        return _pipeline(settings)[2]


def analyse_partition(settings: WorkerSettings, documents: list["Document"]) -> list["DocumentResult | Failure"]:
    """The outcome of each article of a partition, in order: the single-machine
    ``iter_outcomes``, in this worker process."""
    from kg.build import iter_outcomes

    with _LOCK:
        nlp, resolver, _ = _pipeline(settings)
        return list(iter_outcomes(documents, nlp, resolver, workers=1))


def emit_shard(job: "BatchJob") -> "BatchDone":
    """``emit_batch`` on a worker: the batch's sorted run (its shard) is written into the shared
    shard folder, and its validation results come back."""
    from kg.stream import emit_batch

    try:
        return emit_batch(job)
    except OSError as error:
        raise ShardNotWritable(
            f"{job.folder}: the Dask worker on {socket.gethostname()} cannot write its shard ({error.strerror or error}); "
            "--shards must be a folder that every machine shares at the same path"
        ) from None


# --- on the client ------------------------------------------------------------------------------


class ShardExecutor(Executor):
    """What ``StreamBuild`` needs of an executor: ``submit`` returning a future. Batch work goes
    to the cluster as ``emit_shard`` tasks."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def submit(self, fn: Callable[..., Any], job: "BatchJob") -> Any:
        return self.client.submit(emit_shard, job, pure=False)


class ClusterSession:
    """A Dask client (and, for ``local:N``, the local cluster it runs) for one build."""

    def __init__(self, address: str) -> None:
        self.kind, self.target = parse_address(address)
        self.address = address
        try:
            import distributed
        except ImportError:
            raise KgError(f"--cluster needs Dask distributed, which is not installed; {INSTALL_HINT}") from None
        self.distributed = distributed
        self.cluster: Any = None
        self.client: Any = None

    def __enter__(self) -> "ClusterSession":
        self.open()
        return self

    def open(self) -> None:
        """Start the local cluster, or connect to the scheduler (one line if it cannot be reached)."""
        import logging

        distributed = self.distributed
        try:
            if self.kind == "local":
                # Processes with one thread each; Dask's nanny keeps numeric libraries to one thread
                # (OMP_NUM_THREADS=1 …) and restarts a worker that dies.
                self.cluster = distributed.LocalCluster(
                    n_workers=int(self.target), threads_per_worker=1, processes=True, dashboard_address=None,
                    silence_logs=logging.ERROR, worker_dashboard_address=None,
                )
                self.client = distributed.Client(self.cluster, set_as_default=False)
            else:
                self.client = distributed.Client(str(self.target), timeout=connect_seconds(), set_as_default=False)
        except OSError as error:
            self.close()
            raise KgError(f"--cluster {self.address}: cannot reach the Dask scheduler ({' '.join(str(error).split())})") from None
        except BaseException:
            self.close()
            raise
        if not self.client.scheduler_info().get("workers"):
            try:
                self.client.wait_for_workers(1, timeout=connect_seconds())
            except (OSError, TimeoutError):
                self.close()
                raise KgError(f"--cluster {self.address}: the Dask scheduler has no workers") from None

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None

    @property
    def threads(self) -> int:
        return max(1, sum(w.get("nthreads", 1) for w in self.client.scheduler_info().get("workers", {}).values()))

    def lost(self) -> tuple[type[BaseException], ...]:
        """Exceptions that mean a task's workers died, not that the task failed."""
        return (self.distributed.KilledWorker,)

    def model(self, settings: WorkerSettings) -> tuple[str, str]:
        return self._result(self.client.submit(worker_model, settings, pure=False))

    def executor(self) -> ShardExecutor:
        return ShardExecutor(self.client)

    def outcomes(self, settings: WorkerSettings, documents: Iterable["Document"]) -> Iterator["DocumentResult | Failure"]:
        """Each article's outcome, in input order, from ``analyse_partition`` tasks; a bounded
        number of partitions are in flight."""
        pending: deque[tuple[Any, list[Document]]] = deque()
        limit = IN_FLIGHT_PER_THREAD * self.threads
        source = iter(documents)
        try:
            while True:
                while len(pending) < limit:
                    partition = [d for _, d in zip(range(PARTITION), source)]
                    if not partition:
                        break
                    pending.append((self.client.submit(analyse_partition, settings, partition, pure=False), partition))
                if not pending:
                    return
                future, partition = pending.popleft()
                yield from self._partition(settings, future, partition)
        finally:
            for future, _ in pending:
                future.cancel()

    def _partition(self, settings: WorkerSettings, future: Any, partition: list["Document"], *, alone: bool = False) -> list["DocumentResult | Failure"]:
        """A partition's outcomes. Dask runs a task again on another worker when its worker dies;
        when its workers have died too often (KilledWorker), the articles are run again one task
        each. Dask also counts a death against the tasks queued behind the one that killed the
        worker, so an article whose own task meets KilledWorker is run once more, by itself, and
        only a death then is its own: it is left out, as on one machine."""
        try:
            return self._result(future)
        except self.distributed.KilledWorker:
            if alone:
                document = partition[0]
                return [Failure("worker", "WorkerDied", "the Dask workers running it died").of(document.id, document.source)]
        if len(partition) == 1:  # by itself now: nothing else of this build is submitted meanwhile
            again = self.client.submit(analyse_partition, settings, partition, pure=False)
            return self._partition(settings, again, partition, alone=True)
        singles = [self.client.submit(analyse_partition, settings, [d], pure=False) for d in partition]
        outcomes: list[DocumentResult | Failure] = []
        for single, document in zip(singles, partition):
            outcomes.extend(self._partition(settings, single, [document]))
        return outcomes

    def _result(self, future: Any) -> Any:
        try:
            return future.result()
        except (OSError, TimeoutError) as error:
            raise KgError(f"--cluster {self.address}: lost the Dask scheduler ({' '.join(str(error).split())})") from None


def cluster_available() -> bool:
    """Whether the ``cluster`` extra is installed."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True
