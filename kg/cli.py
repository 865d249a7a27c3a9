"""The ``kg`` command line: thin typer wrappers over plain functions.

Exit codes follow pySHACL: 0 success / conforms, 1 does not conform, 2 error (one line on stderr).
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable, List, Optional, TypeVar

import typer

from kg.documents import DEFAULT_MAX_BYTES
from kg.errors import KgError
from kg.failures import debugging

app = typer.Typer(
    name="kg",
    help="Build a conflict knowledge graph (RDF) from English news articles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
T = TypeVar("T")


def one_line(message: str) -> str:
    """A message as one printable line: file names and input may hold line breaks, controls,
    bidi marks or undecodable bytes."""
    text = " ".join(message.splitlines())
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def fail(message: str) -> "typer.Exit":
    print(f"kg: {one_line(message)}", file=sys.stderr)
    return typer.Exit(2)


def internal_error(error: BaseException) -> str:
    detail = " ".join(str(error).split())
    if len(detail) > 300:
        detail = detail[:297] + "..."
    return f"internal error: {type(error).__name__}: {detail} (set KG_DEBUG=1 for the traceback)"


def guarded(action: Callable[[], T]) -> T:
    """Run an action; user errors become one line on stderr and exit code 2. Anything else is a
    bug in kg: one line too, unless KG_DEBUG=1 asks for the traceback."""
    try:
        return action()
    except KgError as error:
        raise fail(str(error)) from None
    except KeyboardInterrupt:
        raise fail("interrupted") from None
    except MemoryError:
        raise fail("out of memory") from None
    except Exception as error:
        if debugging():
            raise
        raise fail(internal_error(error)) from None


def report_skip(problem: str) -> None:
    """--keep-going: say at once which input is skipped and why."""
    print(f"kg: skipped {one_line(problem)}", file=sys.stderr)


class Progress:
    """A progress bar on a terminal; silent when stderr is not one."""

    def __init__(self) -> None:
        self.total = 0
        self.done = 0
        self.enabled = sys.stderr.isatty()

    def start(self, total: int) -> None:
        self.total = total

    def step(self, count: int) -> None:
        self.done += count
        if self.enabled and self.total:
            width = 30
            filled = int(width * self.done / self.total)
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} articles")
            if self.done >= self.total:
                sys.stderr.write("\n")
            sys.stderr.flush()


@app.command()
def build(
    inputs: List[Path] = typer.Argument(..., help="Article files or folders (.txt, .md, .html, .jsonl)."),
    out: Path = typer.Option(Path("out"), "-o", "--out", help="Output folder."),
    fmt: str = typer.Option("turtle", "-f", "--format", help="Extra output: turtle, nt, json-ld or trig (graph.ttl is always written)."),
    model: Optional[str] = typer.Option(None, "--model", help="spaCy pipeline name or path (env KG_SPACY_MODEL)."),
    workers: int = typer.Option(1, "--workers", min=1, help="Processes for the NLP stage."),
    encoding: Optional[str] = typer.Option(None, "--encoding", help="Text encoding of the inputs (default UTF-8)."),
    max_bytes: int = typer.Option(DEFAULT_MAX_BYTES, "--max-bytes", min=1, help="Largest article accepted, in bytes."),
    keep_going: bool = typer.Option(False, "--keep-going", help="Skip bad inputs instead of stopping."),
    fail_fast: bool = typer.Option(False, "--fail-fast", help="Stop at the first article kg fails to analyse (exit 2) instead of leaving it out."),
    resume: bool = typer.Option(False, "--resume", help="Go on from the checkpoint of an interrupted build of the same inputs into OUT."),
    scorer: Optional[Path] = typer.Option(None, "--scorer", help="The learned scorer whose decisions join the rules': a stage A file (default: the shipped kg/data/scorer.json, make train), the stage A+B folder kg/data/pair (make train-pair), or none for the rules alone (env KG_SCORER)."),
    fast: bool = typer.Option(False, "--fast", help="With the A+B scorer folder: stage A alone, no encoder (faster; lower F1, docs/scorer.md)."),
    timeout: float = typer.Option(300.0, "--timeout", min=1.0, help="With --workers > 1: seconds a worker may go without finishing an article before it is stopped and the article left out."),
    cluster: Optional[str] = typer.Option(None, "--cluster", help="Run on a Dask cluster: tcp://HOST:PORT (a running scheduler) or local:N (N local workers); needs pip install 'kg[cluster]'."),
    shards: Optional[Path] = typer.Option(None, "--shards", help="With --cluster: a folder every machine shares, for the workers' sorted N-Triples shards (default: beside OUT)."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="Print nothing but errors."),
) -> None:
    """Build the knowledge graph of INPUTS into OUT/graph.ttl, OUT/validation.txt and OUT/failures.jsonl.

    Exit codes: 0 every article built and the graph conforms; 1 the graph was written but some
    articles failed (see failures.jsonl) or it does not conform (see validation.txt); 2 nothing
    was built (bad input, or --fail-fast met a failure)."""
    from kg.build import build as run_build
    from kg.nlp import without_encoder

    progress = Progress()
    summary = guarded(
        lambda: run_build(
            inputs, out, fmt=fmt, model=model, workers=workers, encoding=encoding, max_bytes=max_bytes,
            keep_going=keep_going, progress=progress.step, on_documents=progress.start, on_skip=report_skip,
            fail_fast=fail_fast, resume=resume, timeout=timeout, scorer=without_encoder(scorer) if fast else scorer, cluster=cluster, shards=shards,
        )
    )
    if not quiet:
        for line in summary.lines():
            print(line)
    elif summary.failures:
        print(f"kg: {summary.lines()[-1]}", file=sys.stderr)
    raise typer.Exit(0 if summary.ok else 1)


@app.command("eval")
def evaluate(
    inputs: List[Path] = typer.Argument(None, help="The articles the --gold file describes."),
    gold: Optional[Path] = typer.Option(None, "--gold", help="Gold relations (JSONL: doc, s, p, o, tier, evidence)."),
    entities: Optional[Path] = typer.Option(None, "--entities", help="Entity inventory (JSONL: id, label, aliases)."),
    sets: List[Path] = typer.Option([], "--set", help="A gold set folder (gold.jsonl, entities.jsonl, texts/); repeat for several."),
    model: Optional[str] = typer.Option(None, "--model", help="spaCy pipeline name or path."),
    scorer: Optional[Path] = typer.Option(None, "--scorer", help="The learned scorer: kg/data/scorer.json (default), the folder kg/data/pair, or none for the rules alone (env KG_SCORER)."),
    details: bool = typer.Option(True, "--details/--no-details", help="List false positives and misses."),
    fmt: str = typer.Option("text", "-f", "--format", help="text or json"),
) -> None:
    """Precision, recall and F1 of the extracted relations against one or several gold sets."""
    from kg.evaluate import GoldSet, evaluate_sets

    def gold_sets() -> list[GoldSet]:
        found = [GoldSet.folder(path) for path in sets]
        if gold is not None or entities is not None or inputs:
            if gold is None or entities is None or not inputs:
                raise KgError("--gold, --entities and the articles go together")
            found.insert(0, GoldSet(gold.stem.removesuffix(".gold"), gold, entities, tuple(inputs)))
        return found

    report = guarded(lambda: evaluate_sets(gold_sets(), model=model, scorer=scorer))
    print(report.to_json() if fmt == "json" else report.to_text(details=details))


def _register_optional() -> None:
    """Commands that live in their own modules (validate, check-ontology, load, query, report,
    export)."""
    from kg.commands import ontology_cmds, report_cmds, store_cmds

    ontology_cmds.register(app)
    store_cmds.register(app)
    report_cmds.register(app)


_register_optional()


def main() -> None:
    """Entry point; commands outside ``guarded`` get the same one-line errors."""
    try:
        app()
    except KeyboardInterrupt:
        print("kg: interrupted", file=sys.stderr)
        sys.exit(2)
    except Exception as error:
        if debugging():
            raise
        print(f"kg: {one_line(internal_error(error))}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
