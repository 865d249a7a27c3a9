"""Soak test on real news: build the FA-KES pool (and the dev set's real articles) with one and
with two workers and check both.

    python bench/soak.py [--articles PATH ...] [--limit N] [--out DIR]

Checks: each build exits 0 with 0 failed articles; graph.ttl is byte-identical for --workers 1
and --workers 2; it parses in rdflib and in pyoxigraph; the build's SHACL validation conforms.
Prints time, failures and peak memory per build; exits 1 if a check fails. ``make soak`` runs
all 764 FA-KES articles plus the 36 dev articles; ``make test`` runs the first 100 FA-KES
articles plus the dev articles (tests/test_soak.py). ``--limit`` cuts the first input only.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ARTICLES = ROOT.parent / "shared" / "corpora" / "fakes-pool" / "articles.jsonl"
# More real text: the dev set's articles (VOA, FA-KES and WikiEvents news, as published).
DEV_TEXTS = ROOT.parent / "shared" / "eval" / "dev" / "texts"
DEFAULT_INPUTS = (DEFAULT_ARTICLES, DEV_TEXTS)


@dataclass
class Run:
    workers: int
    seconds: float
    peak_mib: float
    exit_code: int
    failures: int
    stdout: str
    stderr: str


@dataclass
class SoakReport:
    articles: int
    runs: list[Run] = field(default_factory=list)
    triples: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        out = [f"soak: {self.articles} articles, {self.triples} triples"]
        for run in self.runs:
            out.append(
                f"  --workers {run.workers}: {run.seconds:.1f} s, {run.failures} failed, peak RSS {run.peak_mib:.0f} MiB "
                f"(largest single process), exit {run.exit_code}"
            )
        out.extend(f"  FAILED: {problem}" for problem in self.problems)
        out.append("soak: " + ("passed" if self.passed else "FAILED"))
        return out


def slice_articles(source: Path, limit: int | None, folder: Path) -> tuple[Path, int]:
    """The first ``limit`` articles of ``source`` (all of them when ``limit`` is None)."""
    lines = [line for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    if limit is None or limit >= len(lines):
        return source, len(lines)
    path = folder / f"first-{limit}.jsonl"
    path.write_text("\n".join(lines[:limit]) + "\n", encoding="utf-8")
    return path, limit


def run_build(articles: list[Path], out: Path, workers: int) -> Run:
    """``kg build`` in a child process; its peak memory from wait4 (the child and the workers it
    waited for: the largest single process, not their sum)."""
    command = [sys.executable, "-m", "kg", "build", *map(str, articles), "-o", str(out), "--workers", str(workers)]
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as stdout, tempfile.TemporaryFile("w+") as stderr:
        process = subprocess.Popen(command, cwd=ROOT, stdout=stdout, stderr=stderr)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        stdout.seek(0)
        stderr.seek(0)
        out_text, err_text = stdout.read(), stderr.read()
    failures_file = out / "failures.jsonl"
    failures = len(failures_file.read_text(encoding="utf-8").splitlines()) if failures_file.exists() else -1
    return Run(workers, seconds, usage.ru_maxrss / 1024, process.returncode, failures, out_text, err_text)


def soak(inputs: tuple[Path, ...] = DEFAULT_INPUTS, *, limit: int | None = None, out: Path | None = None) -> SoakReport:
    import pyoxigraph
    from rdflib import Graph

    with tempfile.TemporaryDirectory(prefix="kg-soak-") as scratch:
        folder = out or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        source, count = slice_articles(inputs[0], limit, folder)
        extra = [p for p in inputs[1:] if p.exists()]
        count += sum(1 for p in extra for _ in (p.glob("*.txt") if p.is_dir() else [p]))
        report = SoakReport(count)
        for workers in (2, 1):
            run = run_build([source, *extra], folder / f"workers-{workers}", workers)
            report.runs.append(run)
            if run.exit_code != 0:
                report.problems.append(f"--workers {workers} exited {run.exit_code}: {(run.stderr or run.stdout).strip()[-500:]}")
            if run.failures != 0:
                report.problems.append(f"--workers {workers}: {run.failures} failed articles (see failures.jsonl)")
            if "conforms:  yes" not in run.stdout:
                report.problems.append(f"--workers {workers}: the graph does not conform")
        graphs = [folder / f"workers-{w}" / "graph.ttl" for w in (1, 2)]
        if not all(g.exists() for g in graphs):
            report.problems.append("a build wrote no graph.ttl")
            return report
        if graphs[0].read_bytes() != graphs[1].read_bytes():
            report.problems.append("graph.ttl differs between --workers 1 and --workers 2")
        try:
            report.triples = len(Graph().parse(graphs[0], format="turtle"))
        except Exception as error:  # noqa: BLE001 - reported, not raised
            report.problems.append(f"rdflib cannot parse graph.ttl: {error}")
        try:
            store = pyoxigraph.Store()
            store.bulk_load(path=str(graphs[0]), format=pyoxigraph.RdfFormat.TURTLE)
            if len(store) != report.triples:
                report.problems.append(f"pyoxigraph read {len(store)} triples, rdflib {report.triples}")
        except Exception as error:  # noqa: BLE001
            report.problems.append(f"pyoxigraph cannot parse graph.ttl: {error}")
        return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=Path, action="append", help="JSONL files or folders of articles (default: the FA-KES pool and the dev texts)")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--out", type=Path, default=None, help="keep the outputs here (default: a temporary folder)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    options = parser.parse_args()
    inputs = tuple(options.articles or DEFAULT_INPUTS)
    if not inputs[0].exists():
        print(f"soak: {inputs[0]} is absent (../shared/corpora/fakes-pool is needed)", file=sys.stderr)
        return 2
    report = soak(inputs, limit=options.limit, out=options.out)
    if options.json:
        print(json.dumps({"articles": report.articles, "triples": report.triples, "problems": report.problems,
                          "runs": [{k: v for k, v in vars(r).items() if k not in ("stdout", "stderr")} for r in report.runs]}, indent=1))
    else:
        print("\n".join(report.lines()))
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
