"""`kg validate` and `kg check-ontology`: thin typer wrappers over kg.validate and kg.ontology."""
from __future__ import annotations

import logging
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from kg.errors import KgError

# Exit codes as pySHACL's: 0 conforms, 1 does not, 2 error.
EXIT_OK, EXIT_PROBLEMS, EXIT_ERROR = 0, 1, 2


class ReportFormat(str, Enum):
    text = "text"
    json = "json"


def validate(
    graph: Path = typer.Argument(..., help="Graph file: .ttl, .nt, .jsonld, .trig or .nq."),
    report_format: ReportFormat = typer.Option(
        ReportFormat.text, "--format", "-f", help="text: one line per result; json: a list of results."
    ),
    shapes: Optional[Path] = typer.Option(
        None, "--shapes", help="Shapes file, or a directory holding conflict.shapes.ttl (default: kg's shapes/)."
    ),
) -> None:
    """Validate a built graph against the kg SHACL shapes. Exit 0 conforms, 1 not, 2 error."""
    from kg.validate import load_shapes, validate_file

    _quiet_rdflib()
    try:
        report = validate_file(graph, shapes=load_shapes(shapes) if shapes else None)
    except KgError as error:
        _fail(error)
    typer.echo(report.to_json() if report_format is ReportFormat.json else report.to_text())
    raise typer.Exit(EXIT_OK if report.conforms else EXIT_PROBLEMS)


def check_ontology(
    ontology: Optional[Path] = typer.Option(
        None, "--ontology", help="Ontology directory (default: kg's ontology/)."
    ),
    shapes: Optional[Path] = typer.Option(
        None, "--shapes", help="Shapes directory (default: kg's shapes/)."
    ),
    graph: Optional[Path] = typer.Option(
        None, "--graph", help="Also check this built graph's individuals against the ontology."
    ),
) -> None:
    """Lint the ontology, reason over it with HermiT, and optionally check a built graph."""
    from kg.ontology import check_ontology as run_check
    from kg.ontology import ontology_counts
    from kg.validate import ONTOLOGY_DIR, SHAPES_DIR

    _quiet_rdflib()
    ontology_dir = ontology or ONTOLOGY_DIR
    try:
        problems = run_check(ontology_dir, shapes or SHAPES_DIR, None, graph)
        if not problems:
            classes, properties = ontology_counts(ontology_dir)
    except KgError as error:
        _fail(error)
    if problems:
        for problem in problems:
            typer.echo(problem)
        raise typer.Exit(EXIT_PROBLEMS)
    typer.echo(f"ontology OK: {classes} classes, {properties} properties, consistent")
    raise typer.Exit(EXIT_OK)


def register(app: typer.Typer) -> None:
    """Add `validate` and `check-ontology` to the kg app."""
    app.command("validate")(validate)
    app.command("check-ontology")(check_ontology)


def _fail(error: KgError) -> None:
    typer.echo(f"kg: {error}", err=True)
    raise typer.Exit(EXIT_ERROR)


def _quiet_rdflib() -> None:
    # rdflib logs a traceback for every ill-typed literal; the report already names them.
    logging.getLogger("rdflib.term").setLevel(logging.ERROR)
