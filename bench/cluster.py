"""`kg build --cluster local:N` against the single-machine build (`--workers N`) on one corpus:
wall time, CPU time, peak RSS of every process, and whether the outputs are the same bytes.

    .venv/bin/python bench/cluster.py --articles 5000          # or: make bench ARGS="--cluster-articles 5000"

Each build runs in a fresh `python -m kg build` process. Every process of its tree is sampled
(/proc/PID/status VmHWM, the kernel's own peak RSS of that process) until the build exits, so the
peak of the client and of each worker is exact for processes that live until the end and a
lower bound for one that dies earlier. Results go to bench/results/cluster.{md,json}.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bench import process_tree  # noqa: E402
from corpus import load_sources, write_corpus  # noqa: E402

OUTPUTS = ("graph.ttl", "graph.trig", "validation.txt", "failures.jsonl")


def _status(pid: int, root: int) -> tuple[str, float, float] | None:
    """(role, peak RSS in MiB, CPU seconds so far) of a live process."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            command = handle.read().replace(b"\0", b" ").decode("utf-8", "replace")
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            peak = next(int(line.split()[1]) for line in handle if line.startswith("VmHWM:"))
        with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, StopIteration, ValueError, IndexError):
        return None
    if "resource_tracker" in command:
        role = "resource tracker"
    elif "spawn_main" in command:
        role = "worker (spawned)"
    elif pid == root:
        role = "main"
    else:
        role = "worker (forked)"
    return role, peak / 1024, cpu


def run_build(label: str, command: list[str], log: Path) -> dict[str, Any]:
    """Run one build; wall and CPU time (the process and its reaped children), per-process peaks."""
    print(f"[cluster bench] {label}: {' '.join(command[3:])}", file=sys.stderr, flush=True)
    peaks: dict[int, tuple[str, float, float]] = {}
    with log.open("w", encoding="utf-8") as output:
        clock = time.perf_counter()
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)
        while True:
            status = os.wait4(process.pid, os.WNOHANG)
            if status[0] != 0:
                process.returncode = os.waitstatus_to_exitcode(status[1])
                break
            for pid in process_tree(process.pid):
                found = _status(pid, process.pid)
                if found is not None:
                    peaks[pid] = (found[0], max(found[1], peaks.get(pid, ("", 0.0, 0.0))[1]), found[2])
            time.sleep(0.2)
        wall = time.perf_counter() - clock
    usage = status[2]
    # cpu_s per process: its last sample (at most 0.2 s before it ended): slightly low.
    processes = sorted(({"pid": pid, "role": role, "peak_rss_mb": round(mb, 1), "cpu_s": round(cpu, 1)}
                        for pid, (role, mb, cpu) in peaks.items() if role != "resource tracker"),
                       key=lambda p: (p["role"] != "main", -p["peak_rss_mb"]))
    result = {
        "label": label, "command": command[3:], "pid": process.pid, "exit_code": process.returncode, "wall_s": round(wall, 2),
        # CPU of the process and of the children it waited for (a spawned Dask worker is one).
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2), "processes": processes,
        "loadavg_after": os.getloadavg()[0],
    }
    print(f"[cluster bench]   exit {process.returncode} in {wall:.1f} s; peaks "
          + ", ".join(f"{p['role']} {p['peak_rss_mb']:.0f} MiB" for p in processes), file=sys.stderr, flush=True)
    return result


def run(articles: int, workers: int, work: Path, results: Path, seeds: Path, jsonl: list[Path]) -> dict[str, Any]:
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / f"corpus-{articles}.jsonl"
    write_corpus(load_sources(seeds, jsonl), articles, corpus)
    python = sys.executable
    report: dict[str, Any] = {"articles": articles, "workers": workers, "started": dt.datetime.now().isoformat(timespec="seconds"),
                              "cpus": os.cpu_count(), "corpus": str(corpus)}
    outs = {"single": work / "single", "cluster": work / "cluster"}
    for out in outs.values():
        shutil.rmtree(out, ignore_errors=True)
    report["single"] = run_build(f"kg build --workers {workers}", [python, "-m", "kg", "build", str(corpus), "-o", str(outs["single"]),
                                 "-f", "trig", "-q", "--workers", str(workers)], work / "single.log")
    report["cluster"] = run_build(f"kg build --cluster local:{workers}", [python, "-m", "kg", "build", str(corpus), "-o", str(outs["cluster"]),
                                  "-f", "trig", "-q", "--cluster", f"local:{workers}"], work / "cluster.log")
    report["identical"] = {name: (outs["single"] / name).read_bytes() == (outs["cluster"] / name).read_bytes() for name in OUTPUTS}
    report["finished"] = dt.datetime.now().isoformat(timespec="seconds")
    results.mkdir(parents=True, exist_ok=True)
    (results / "cluster.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    (results / "cluster.md").write_text(markdown(report), encoding="utf-8")
    return report


def markdown(report: dict[str, Any]) -> str:
    lines = [f"# kg build --cluster local:{report['workers']} against --workers {report['workers']}", "",
             f"{report['articles']:,} articles (bench/corpus.py), {report['cpus']} CPUs, started {report['started']}.", "",
             "| build | wall s | articles/s | CPU s (main + reaped children) | peak RSS per process, MiB (its CPU s, sampled) | exit |", "|---|---|---|---|---|---|"]
    for key in ("single", "cluster"):
        item = report[key]
        peaks = "; ".join(f"{p['role']} {p['peak_rss_mb']:.0f} ({p['cpu_s']:.0f} CPU s)" for p in item["processes"])
        lines.append(f"| `{item['label']}` | {item['wall_s']:.1f} | {report['articles'] / item['wall_s']:.1f} | {item['cpu_s']:.1f} | {peaks} | {item['exit_code']} |")
    same = all(report["identical"].values())
    lines += ["", f"Outputs byte-identical: **{'yes' if same else 'NO'}** ({', '.join(f'{k} {v}' for k, v in report['identical'].items())})."]
    return "\n".join(lines) + "\n"


def deep_size(root: object) -> int:
    """Bytes held by an object graph (sys.getsizeof of every object reached once; interned
    strings shared with the rest of the process are counted too, so this is an upper bound)."""
    import dataclasses

    seen: set[int] = set()
    total, pending = 0, [root]
    while pending:
        item = pending.pop()
        if id(item) in seen or item is None or isinstance(item, (bool, type)):
            continue
        seen.add(id(item))
        total += sys.getsizeof(item)
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            pending.extend(item)
        elif dataclasses.is_dataclass(item):
            pending.extend(getattr(item, f.name) for f in dataclasses.fields(item))
        elif hasattr(item, "__dict__") and not isinstance(item, (str, bytes, int, float, Path)):
            pending.extend(vars(item).values())
    return total


def reduce_state(corpus: Path, out: Path) -> dict[str, Any]:
    """The memory of the reduce: the corpus-wide state that ``StreamBuild`` holds once every
    article is folded in (the same on one machine and on a cluster), measured by wrapping
    ``StreamBuild.final_graphs`` during an in-process build (no kg file is edited)."""
    from kg import stream
    from kg.build import build

    found: dict[str, Any] = {}
    original = stream.StreamBuild.final_graphs

    def measured(self: stream.StreamBuild) -> Any:
        parts = {
            "entities (as read and after roles)": (self.pre, self.post),
            "event summaries": self.events,
            "relation summaries (with each assertion's key, for kg:rank)": self.relations,
            "entity-to-entity triples": self.direct,
            "per-batch records": self.batches,
            "SHACL results": self.reports,
        }
        found["bytes"] = {name: deep_size(part) for name, part in parts.items()}
        found["counts"] = {"entities": len(self.post), "event summaries": len(self.events.items), "triples": len(self.direct), "relation summaries": len(self.relations),
                           "assertions": sum(len(r.statements) for _, r in self.relations),
                           "batches": len(self.batches), "articles": len(self.info.documents)}
        return original(self)

    stream.StreamBuild.final_graphs = measured  # type: ignore[method-assign]
    try:
        build([corpus], out, workers=2)
    finally:
        stream.StreamBuild.final_graphs = original  # type: ignore[method-assign]
    articles = found["counts"]["articles"]
    found["total_bytes"] = sum(found["bytes"].values())
    found["bytes_per_article"] = round(found["total_bytes"] / articles)
    found["gib_per_million_articles"] = round(found["total_bytes"] / articles * 1e6 / 2**30, 2)
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2, help="local Dask workers, and --workers of the single-machine build")
    parser.add_argument("--work", type=Path, default=ROOT / ".bench-cluster")
    parser.add_argument("--results", type=Path, default=HERE / "results")
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    parser.add_argument("--jsonl", type=Path, action="append", default=[])
    parser.add_argument("--reduce-state", type=Path, metavar="CORPUS", help="only measure the reduce's memory on CORPUS (an in-process build)")
    options = parser.parse_args(argv)
    if options.reduce_state:
        found = reduce_state(options.reduce_state, options.work / "reduce-state")
        options.results.mkdir(parents=True, exist_ok=True)
        (options.results / f"reduce-state-{options.reduce_state.stem}.json").write_text(json.dumps(found, indent=1) + "\n", encoding="utf-8")
        print(json.dumps(found, indent=1))
        return
    report = run(options.articles, options.workers, options.work, options.results, options.seeds, options.jsonl)
    print(markdown(report))
    if not all(report["identical"].values()):
        raise SystemExit("cluster bench: the outputs differ")


if __name__ == "__main__":
    main()
