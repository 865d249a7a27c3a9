"""``kg report`` (a static HTML site of a graph) and ``kg export events`` (the event table)."""
from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, List, Optional

import typer


class TableFormat(str, Enum):
    csv = "csv"
    parquet = "parquet"


def report(
    graphs: Annotated[List[Path], typer.Argument(metavar="GRAPH...", help="Graphs written by kg build (.ttl .nt .trig .nq .jsonld).")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Folder to write the site into (replaced if it holds an earlier report).")] = Path("out/report"),
    texts: Annotated[Optional[List[Path]], typer.Option(
        "--texts", help="The article files or folders the graph was built from, to show whole articles (repeat for several).")] = None,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="Print nothing but errors.")] = False,
) -> None:
    """Write a static HTML evidence browser of GRAPH into OUT: overview, a page per entity and per
    article, search. It works from file:// with no server and no network."""
    from kg.cli import guarded
    from kg.report.site import write_report

    summary = guarded(lambda: write_report(list(graphs), out, list(texts) if texts else None))
    if not quiet:
        typer.echo(summary.line())


def export_events(
    graphs: Annotated[List[Path], typer.Argument(metavar="GRAPH...", help="Graphs written by kg build.")],
    out: Annotated[Path, typer.Option("-o", "--out", help="The file to write.")],
    fmt: Annotated[TableFormat, typer.Option("-f", "--format", help="csv, or parquet (needs pyarrow: pip install 'kg[export]').")] = TableFormat.csv,
) -> None:
    """One row per event: type, date, agents, targets, places, casualties, means, reported-by,
    articles, sentences and offsets (columns: docs/events-table.md)."""
    from kg.cli import guarded
    from kg.events_table import export_events as run_export

    rows = guarded(lambda: run_export(list(graphs), out, fmt.value))
    typer.echo(f"wrote {out}: {rows:,} events")


def register(app: typer.Typer) -> None:
    app.command("report")(report)
    export = typer.Typer(help="Write tables of a graph for pandas, R or a spreadsheet.", no_args_is_help=True)
    export.command("events")(export_events)
    app.add_typer(export, name="export")
