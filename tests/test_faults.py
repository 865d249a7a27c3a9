"""One bad article never costs the corpus: failures are isolated, recorded and left out.

Faults are injected with the test-only ``KG_TEST_FAULT=MARKER:STAGE:ACTION`` hook (kg.failures):
an article whose text holds MARKER fails at STAGE. Each build here is compared byte for byte
with a build of the same corpus without the bad article.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.build import build
from kg.failures import ArticleFailed
from tests.conftest import ROOT, SEEDS, run_kg

pytestmark = pytest.mark.slow

MARKER = "Zorblax"
BAD_TEXT = f"Rebel fighters from {MARKER} attacked the town of Binnish on Monday.\n\nGovernment jets later struck Saraqeb.\n"


def corpus(folder: Path, *, bad: bool) -> Path:
    """Two seed articles, and a third one that carries the marker."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in sorted(p.name for p in SEEDS.iterdir())[:2]:
        shutil.copy(SEEDS / name, folder / name)
    if bad:
        (folder / "zz_bad.txt").write_text(BAD_TEXT, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> bytes:
    """graph.ttl of the corpus without the bad article."""
    base = tmp_path_factory.mktemp("reference")
    summary = build([corpus(base / "in", bad=False)], base / "out")
    assert summary.ok
    return (base / "out" / "graph.ttl").read_bytes()


def faulty_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fault: str, **options: object):
    monkeypatch.setenv("KG_TEST_FAULT", f"{MARKER}:{fault}")
    out = tmp_path / "out"
    summary = build([corpus(tmp_path / "in", bad=True)], out, **options)  # type: ignore[arg-type]
    return summary, out


@pytest.mark.parametrize("stage", ["nlp", "extract", "resolve", "rdf", "validate"])
def test_an_article_that_raises_is_left_out_at_every_stage(tmp_path, monkeypatch, reference, stage) -> None:
    summary, out = faulty_build(tmp_path, monkeypatch, f"{stage}:raise")
    assert [(f.doc_id, f.stage, f.error) for f in summary.failures] == [("zz_bad", stage, "RuntimeError")]
    assert summary.documents == 2 and not summary.ok and summary.conforms
    assert (out / "graph.ttl").read_bytes() == reference
    (line,) = (out / "failures.jsonl").read_text(encoding="utf-8").splitlines()
    record = json.loads(line)
    assert record["id"] == "zz_bad" and record["file"].endswith("zz_bad.txt") and record["stage"] == stage
    assert "traceback" not in record
    assert summary.lines()[-1] == f"1 article failed (see {out / 'failures.jsonl'})"


@pytest.mark.parametrize("action, error", [("kill", "WorkerDied"), ("exit", "WorkerDied"), ("hang", "Timeout")])
def test_a_worker_that_dies_or_hangs_costs_only_its_article(tmp_path, monkeypatch, reference, action, error) -> None:
    started = time.monotonic()
    summary, out = faulty_build(tmp_path, monkeypatch, f"extract:{action}", workers=2, timeout=5.0)
    assert time.monotonic() - started < 120
    assert [(f.doc_id, f.stage, f.error) for f in summary.failures] == [("zz_bad", "worker", error)]
    assert (out / "graph.ttl").read_bytes() == reference
    if action == "kill":
        assert summary.failures[0].message == "the worker process was killed by SIGKILL"


def test_a_dead_background_process_costs_nothing(tmp_path, monkeypatch) -> None:
    """The process that maps and validates batches is killed: its batches are done in the main
    process instead (where the hook does not kill), and the graph is the whole corpus's."""
    whole = build([corpus(tmp_path / "whole-in", bad=True)], tmp_path / "whole")
    summary, out = faulty_build(tmp_path, monkeypatch, "rdf:kill", background=True)
    assert summary.ok and summary.documents == 3
    assert (out / "graph.ttl").read_bytes() == (tmp_path / "whole" / "graph.ttl").read_bytes()
    assert whole.ok


def test_a_background_process_that_cannot_start_costs_nothing(tmp_path, monkeypatch, reference) -> None:
    """The batch process breaks before a batch is sent (as a spawn from a script read on stdin
    does): the batches are done in the main process and the graph is unchanged."""
    from concurrent.futures.process import BrokenProcessPool

    import kg.stream

    class Broken:
        def submit(self, *args: object, **kwargs: object) -> None:
            raise BrokenProcessPool("A child process terminated abruptly")

        def shutdown(self, *args: object, **kwargs: object) -> None:
            pass

    monkeypatch.setattr(kg.stream, "_start_background", Broken)
    summary = build([corpus(tmp_path / "in", bad=False)], tmp_path / "out", background=True)
    assert summary.ok and (tmp_path / "out" / "graph.ttl").read_bytes() == reference


def test_fail_fast_stops_at_the_first_failed_article(tmp_path, monkeypatch) -> None:
    with pytest.raises(ArticleFailed, match="zz_bad.*failed in extract: RuntimeError"):
        faulty_build(tmp_path, monkeypatch, "extract:raise", fail_fast=True)
    assert not (tmp_path / "out").exists()


def test_cli_exit_codes_and_failures_file_for_jsonl(tmp_path) -> None:
    articles = tmp_path / "articles.jsonl"
    lines = [
        {"id": "a1", "text": "Government jets struck the town of Binnish on Monday."},
        {"id": "a2", "text": BAD_TEXT},
        {"id": "a3", "text": "Rebels captured the town of Saraqeb."},
    ]
    articles.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    env = {**os.environ, "KG_TEST_FAULT": f"{MARKER}:extract:raise"}
    done = run_kg("build", str(articles), "-o", str(tmp_path / "out"), env=env)
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines()[0] == "documents: 2 (1 failed)"
    assert done.stdout.splitlines()[-1] == f"1 article failed (see {tmp_path / 'out' / 'failures.jsonl'})"
    record = json.loads((tmp_path / "out" / "failures.jsonl").read_text(encoding="utf-8"))
    assert (record["id"], record["file"], record["line"], record["stage"]) == ("a2", articles.name, 2, "extract")
    debug = run_kg("build", str(articles), "-o", str(tmp_path / "debug"), "--fail-fast", env={**env, "KG_DEBUG": ""})
    assert debug.returncode == 2 and debug.stdout == ""
    assert debug.stderr.count("\n") == 1 and "a2" in debug.stderr and "Traceback" not in debug.stderr
    clean = run_kg("build", str(articles), "-o", str(tmp_path / "clean"), "-q")
    assert clean.returncode == 0 and (tmp_path / "clean" / "failures.jsonl").read_text() == ""


# --- resume --------------------------------------------------------------------------------

STALL = "An opening line that only the stalled article has."


def many_articles(path: Path, count: int) -> Path:
    """``count`` articles made from the seeds (new ids, so each is its own article); the last
    one opens with STALL."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.iterdir())]
    with open(path, "w", encoding="utf-8") as out:
        for index in range(count):
            text = texts[index % len(texts)]
            out.write(json.dumps({"id": f"art-{index:03d}", "text": f"{STALL}\n{text}" if index == count - 1 else text}) + "\n")
    return path


def interrupted_build(articles: Path, out: Path, wait_for: str) -> None:
    """A build whose last article stalls its worker, SIGKILLed (workers too) once the checkpoint
    holds ``wait_for``: surely mid-way."""
    checkpoint = out.parent / f".{out.name}.kg-partial"
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "build", str(articles), "-o", str(out), "--workers", "2", "-q"],
        cwd=ROOT, env={**os.environ, "KG_TEST_FAULT": f"{STALL}:extract:hang"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 240
        while not (checkpoint / wait_for).exists():
            assert process.poll() is None and time.monotonic() < deadline, "the build ended before it could be killed"
            time.sleep(0.05)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(30)
    assert not out.exists()


def test_a_killed_build_resumes_to_the_same_bytes(tmp_path) -> None:
    articles = many_articles(tmp_path / "articles.jsonl", 72)
    whole = run_kg("build", str(articles), "-o", str(tmp_path / "whole"), "-q")
    assert whole.returncode == 0, whole.stderr
    out = tmp_path / "out"
    interrupted_build(articles, out, "000001.pickle")
    resumed = run_kg("build", str(articles), "-o", str(out), "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert "resumed:   64 articles analysed by the interrupted build" in resumed.stdout
    for name in ("graph.ttl", "validation.txt", "failures.jsonl"):
        assert (out / name).read_bytes() == (tmp_path / "whole" / name).read_bytes(), name
    assert not (tmp_path / ".out.kg-partial").exists()


def test_resume_refuses_other_inputs(tmp_path) -> None:
    articles = many_articles(tmp_path / "articles.jsonl", 40)
    interrupted_build(articles, tmp_path / "out", "manifest.json")
    many_articles(articles, 41)
    refused = run_kg("build", str(articles), "-o", str(tmp_path / "out"), "--resume")
    assert refused.returncode == 2
    assert refused.stderr.startswith("kg: ") and refused.stderr.count("\n") == 1
    assert "cannot resume: the inputs differ from the interrupted build's; run without --resume" in refused.stderr
    assert not (tmp_path / "out").exists()


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_die_with_a_main_process_that_stopped_reading(tmp_path) -> None:
    # The main process is stopped, so its workers fill their result pipes and block on them;
    # then it is killed. Blocked workers never poll for their parent, and the pipes never break
    # (each forked worker holds a copy of the others' reading ends): they used to stay for ever.
    articles = many_articles(tmp_path / "articles.jsonl", 72)
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "build", str(articles), "-o", str(tmp_path / "out"), "--workers", "2", "-q"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 120
        while len(workers) < 2:
            assert process.poll() is None and time.monotonic() < deadline, "the build ended before its workers started"
            workers = _children(process.pid)
            time.sleep(0.1)
        time.sleep(2)
        os.kill(process.pid, signal.SIGSTOP)
        time.sleep(4)  # long enough for the workers to fill their pipes
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(30)
    deadline = time.monotonic() + 10
    alive = workers
    while alive and time.monotonic() < deadline:
        time.sleep(0.2)
        alive = [w for w in workers if Path(f"/proc/{w}").exists() and "Z" not in Path(f"/proc/{w}/stat").read_text().split()[2]]
    for w in alive:
        os.kill(w, signal.SIGKILL)
    assert not alive, "workers outlived the main process"
