"""``kg load`` and ``kg query``: put a graph into a store and ask it questions."""
from __future__ import annotations

import sys
from enum import Enum
from functools import wraps
from pathlib import Path
from typing import Annotated, Callable, Optional, TypeVar

import typer

from kg import query as kgquery
from kg import store as kgstore
from kg.errors import KgError


F = TypeVar("F", bound=Callable[..., None])


def _guarded(command: F) -> F:
    """User errors become one line on stderr (``kg: …``) and exit code 2."""

    @wraps(command)
    def run(*args: object, **kwargs: object) -> None:
        try:
            command(*args, **kwargs)
        except KgError as error:
            print(f"kg: {error}", file=sys.stderr)
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            print("kg: interrupted", file=sys.stderr)
            raise typer.Exit(2) from None

    return run  # type: ignore[return-value]


class Auth(str, Enum):
    digest = "digest"
    basic = "basic"


class OutputFormat(str, Enum):
    table = "table"
    csv = "csv"
    tsv = "tsv"
    json = "json"
    ttl = "ttl"
    nt = "nt"


def load(
    graph_file: Annotated[Path, typer.Argument(metavar="GRAPH", help="RDF file: .ttl .nt .trig .nq .jsonld (.rdf .n3)")],
    store: Annotated[Optional[Path], typer.Option("--store", help="Store directory (default out/store).")] = None,
    endpoint: Annotated[Optional[str], typer.Option(
        "--endpoint", help="Graph Store Protocol URL, e.g. http://host:8890/sparql-graph-crud-auth.")] = None,
    graph: Annotated[Optional[str], typer.Option("--graph", help="Named graph IRI to load into.")] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Empty the target graph first (same transaction; PUT on endpoints).")] = False,
    user: Annotated[Optional[str], typer.Option(
        "--user", help="Login for the endpoint; the password comes from KG_STORE_PASSWORD or ~/.netrc.")] = None,
    auth: Annotated[Auth, typer.Option("--auth", help="HTTP authentication scheme.")] = Auth.digest,
    sparql: Annotated[Optional[str], typer.Option(
        "--sparql", help="SPARQL query URL used to count the loaded triples (default: derived from --endpoint).")] = None,
    update: Annotated[Optional[str], typer.Option(
        "--update", help="SPARQL update URL that swaps in the staging graph of a chunked load (default: derived from --endpoint).")] = None,
    chunk_bytes: Annotated[int, typer.Option(
        "--chunk-bytes", min=1, help="N-Triples bytes per request; larger files go in chunks through a staging graph.")] = kgstore.CHUNK_BYTES,
    timeout: Annotated[float, typer.Option("--timeout", min=0.1, help="Seconds to wait for the server.")] = kgstore.DEFAULT_TIMEOUT,
) -> None:
    """Load an RDF graph into the embedded store (streamed, all or nothing), or into a SPARQL
    server (in chunks through a staging graph, all or nothing for --graph)."""
    if endpoint is not None:
        if store is not None:
            raise KgError("give either --store or --endpoint, not both")
        if graph is None:
            raise KgError("--endpoint needs --graph IRI (the Graph Store Protocol loads one named graph)")
        report = kgstore.gsp_load(graph_file, endpoint, graph, user=user, auth=auth.value, replace=replace,
                                  sparql=sparql, update=update, timeout=timeout, chunk_bytes=chunk_bytes)
        for line in report.lines():
            typer.echo(line)
        return
    if user is not None or sparql is not None or update is not None:
        raise KgError("--user, --sparql and --update only apply with --endpoint")
    directory = store if store is not None else kgstore.DEFAULT_STORE
    typer.echo(kgstore.load_into_store(graph_file, directory, graph=graph, replace=replace).line())


def query(
    query_or_file: Annotated[str, typer.Argument(
        metavar="QUERY_OR_FILE", help="A .rq file, a canned query name (backs, strikes, …) or the query text.")],
    store: Annotated[Optional[Path], typer.Option("--store", help="Store directory (default out/store).")] = None,
    graph: Annotated[Optional[Path], typer.Option("--graph", help="Query an RDF file instead of a store.")] = None,
    endpoint: Annotated[Optional[str], typer.Option("--endpoint", help="SPARQL endpoint URL.")] = None,
    output: Annotated[OutputFormat, typer.Option("--format", help="table, csv, tsv, json; ttl/nt for CONSTRUCT.")] = OutputFormat.table,
    bind: Annotated[Optional[list[str]], typer.Option(
        "--bind", help="NAME=VALUE: fix ?NAME to an IRI (https://…, ent:x) or a string. Repeatable.")] = None,
    update: Annotated[bool, typer.Option("--update", help="Allow SPARQL updates (INSERT, DELETE, LOAD, CLEAR, …).")] = False,
    limit: Annotated[Optional[int], typer.Option(
        "--limit", min=0, help="At most this many rows (a SPARQL LIMIT; pages are stable under the query's ORDER BY).")] = None,
    offset: Annotated[Optional[int], typer.Option("--offset", min=0, help="Skip this many rows first (a SPARQL OFFSET).")] = None,
    default_graph: Annotated[Optional[str], typer.Option(
        "--default-graph", help="Use this named graph as the default graph (default: union of all graphs).")] = None,
    user: Annotated[Optional[str], typer.Option("--user", help="Login for the endpoint (password: KG_STORE_PASSWORD or ~/.netrc).")] = None,
    auth: Annotated[Auth, typer.Option("--auth", help="HTTP authentication scheme.")] = Auth.digest,
    timeout: Annotated[float, typer.Option("--timeout", min=0.1, help="Seconds to wait for the server.")] = kgstore.DEFAULT_TIMEOUT,
) -> None:
    """Run a SPARQL query against the store, an RDF file or an endpoint."""
    text = kgquery.read_query(query_or_file)
    kgquery.with_page(text, limit, offset)  # a bad page is refused before any source is opened
    source = _source(store, graph, endpoint, user, auth, timeout, default_graph)
    bindings = kgquery.parse_bindings(bind or [], text)
    result = kgquery.run(text, source, bindings, allow_update=update, limit=limit, offset=offset)
    typer.echo(kgquery.format_result(result, output.value), nl=False)


def _source(store: Optional[Path], graph: Optional[Path], endpoint: Optional[str], user: Optional[str],
            auth: Auth, timeout: float, default_graph: Optional[str]) -> kgquery.Source:
    given = [name for name, value in (("--store", store), ("--graph", graph), ("--endpoint", endpoint)) if value is not None]
    if len(given) > 1:
        raise KgError(f"give only one of --store, --graph, --endpoint (got {', '.join(given)})")
    if user is not None and endpoint is None:
        raise KgError("--user only applies with --endpoint")
    if endpoint is not None:
        return kgquery.Source("endpoint", endpoint, user, auth.value, timeout, default_graph)
    if graph is not None:
        return kgquery.Source("file", str(graph), default_graph=default_graph)
    directory = store if store is not None else kgstore.DEFAULT_STORE
    if store is None and not directory.is_dir():
        raise KgError(
            f"nothing to query: {directory} does not exist; load a graph (`kg load out/graph.ttl`) "
            "or give --store DIR, --graph FILE or --endpoint URL"
        )
    return kgquery.Source("store", str(directory), default_graph=default_graph)


def register(app: typer.Typer) -> None:
    """Add ``load`` and ``query`` to the kg command line."""
    app.command("load")(_guarded(load))
    app.command("query")(_guarded(query))
