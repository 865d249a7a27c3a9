"""Where graphs live: an embedded pyoxigraph store on disk, or a SPARQL server over HTTP.

Embedded loads stream the file through Oxigraph's bulk loader into a staging store that is
renamed into place, so they take constant memory and are all-or-nothing. Remote loads use the SPARQL 1.1
Graph Store HTTP Protocol with the standard library only. Passwords come from the
environment (``KG_STORE_PASSWORD``) or ``~/.netrc``, never from the command line, and
never appear in messages.
"""
from __future__ import annotations

import html
import itertools
import http.client
import netrc
import os
import re
import shutil
import socket
import tempfile
import uuid
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Literal

import pyoxigraph as ox

from kg.errors import InputError, KgError

PASSWORD_ENV = "KG_STORE_PASSWORD"
DEFAULT_STORE = Path("out/store")
DEFAULT_TIMEOUT = 10.0
AuthScheme = Literal["digest", "basic"]

_FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
    ".n3": ox.RdfFormat.N3,
}
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


# ---------------------------------------------------------------- reading RDF files


def rdf_format(path: Path) -> ox.RdfFormat:
    """The RDF syntax of ``path``, from its extension."""
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(_FORMATS))
        raise InputError(path, f"unknown RDF file extension {path.suffix or '(none)'!r}; use one of {known}")
    return fmt


def read_quads(path: Path, graph: str | None = None) -> list[ox.Quad]:
    """Every distinct quad in ``path``, parsed fully in memory (a syntax error raises).

    With ``graph``, all statements go into that named graph (quad formats included);
    without it, triples go to the default graph and named graphs keep their names.
    """
    path = Path(path)
    fmt = rdf_format(path)
    if not path.is_file():
        raise InputError(path, "no such file")
    refuse_xml_entities(path, fmt)
    try:
        parsed = ox.parse(path=str(path), format=fmt, rename_blank_nodes=True)
        quads = dict.fromkeys(parsed)
    except SyntaxError as error:
        raise InputError(path, f"not valid {fmt.name}: {_one_line(str(error))}") from None
    except (OSError, ValueError) as error:
        raise InputError(path, _one_line(str(error))) from None
    if graph is None:
        return list(quads)
    target = named_node(graph, "--graph")
    return list(dict.fromkeys(ox.Quad(q.subject, q.predicate, q.object, target) for q in quads))


def refuse_xml_entities(path: Path, fmt: ox.RdfFormat) -> None:
    """RDF/XML with entity declarations is refused: the parser expands them without limit
    (a 1 KB "billion laughs" file asks for gigabytes)."""
    if fmt != ox.RdfFormat.RDF_XML:
        return
    with open(path, "rb") as handle:
        head = handle.read(1 << 20)
    if b"<!ENTITY" in head or b"<!entity" in head:
        raise InputError(path, "RDF/XML with <!ENTITY> declarations is refused (entity expansion); remove the DOCTYPE")


def named_node(iri: str, what: str = "IRI") -> ox.NamedNode:
    """A NamedNode for an absolute IRI, or a KgError naming the option."""
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", iri):
        raise KgError(f"{what}: {iri!r} is not an absolute IRI")
    try:
        return ox.NamedNode(iri)
    except ValueError as error:
        raise KgError(f"{what}: {iri!r} is not a valid IRI ({_one_line(str(error))})") from None


def graph_names(quads: Iterable[ox.Quad]) -> list[str]:
    """Display names of the graphs the quads go to: ``default`` or the IRI, sorted."""
    names = {"default" if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value for q in quads}
    return sorted(names, key=lambda name: (name != "default", name))


# ---------------------------------------------------------------- the embedded store


@dataclass(frozen=True)
class LoadReport:
    """What a load wrote: number of distinct statements and the graphs they went to."""

    triples: int
    graphs: list[str]
    target: str

    def line(self) -> str:
        """One line; a build's TriG has a graph per article, so past ``SHOWN_GRAPHS`` names the
        rest are counted, not listed."""
        label = "graph" if len(self.graphs) <= 1 else "graphs"
        shown = self.graphs[:SHOWN_GRAPHS]
        names = ", ".join(shown) or "default"
        if len(self.graphs) > len(shown):
            names += f" and {len(self.graphs) - len(shown):,} more"
        return f"loaded {self.triples} triples into {self.target} ({label} {names})"


SHOWN_GRAPHS = 5


def open_store(directory: Path, *, read_only: bool = True) -> ox.Store:
    """Open an existing store directory (read-only unless asked) with clear errors."""
    directory = Path(directory)
    if not directory.is_dir():
        raise KgError(f"{directory}: no store here; create one with `kg load GRAPH --store {directory}`")
    if not (directory / "CURRENT").is_file():  # every RocksDB folder has one
        raise KgError(f"{directory}: not a kg store (no CURRENT file); create one with `kg load GRAPH --store DIR`")
    try:
        return ox.Store.read_only(str(directory)) if read_only else ox.Store(str(directory))
    except OSError as error:
        raise KgError(f"{directory}: cannot open the store: {_store_problem(error)}") from None


def create_store(directory: Path) -> ox.Store:
    """Open a store for writing, creating the directory when needed."""
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise KgError(f"{directory}: exists and is not a directory")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        return ox.Store(str(directory))
    except OSError as error:
        raise KgError(f"{directory}: cannot open the store: {_store_problem(error)}") from None


def load_into_store(path: Path, directory: Path, graph: str | None = None, replace: bool = False) -> LoadReport:
    """Stream an RDF file into the store at ``directory``, all or nothing, in constant memory.

    Oxigraph's bulk loader reads the file (never held whole, in Python or in Oxigraph) into a
    fresh staging store beside ``directory``; a syntax error removes the staging store and
    leaves the target as it was. An absent or empty target is then replaced by the staging
    store (one rename). A target that holds data is copied (a RocksDB checkpoint: hard links,
    no data copied), ``replace`` empties the file's graphs in the copy, the file is bulk-loaded
    into the copy, and the copy is renamed into place. The count is of distinct statements in
    the file, as the staging store holds them.

    ``replace`` empties the graphs the file writes to: the ``graph`` given, or for a TriG or
    N-Quads file each of its graphs.
    """
    path, directory = Path(path), Path(directory)
    fmt = _readable(path)
    target = named_node(graph, "--graph") if graph is not None else None
    if directory.exists() and not directory.is_dir():
        raise KgError(f"{directory}: exists and is not a directory")
    existing = directory.is_dir() and any(directory.iterdir())
    if existing and not (directory / "CURRENT").is_file():
        raise KgError(f"{directory}: not a kg store (no CURRENT file) and not empty; give an empty or new directory")
    try:
        directory.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{directory.name}.kg-load-", dir=directory.parent))
    except OSError as error:
        raise KgError(f"{directory}: cannot create a staging store beside it: {_one_line(str(error))}") from None
    try:
        staging = work / "staging"
        triples, names = _stage(path, fmt, target, staging)
        if existing and _has_data(directory):
            copy = work / "copy"
            _backup(directory, copy)
            store = _writable(copy, directory)
            problem = None
            try:
                if replace:
                    cleared = [graph] if graph is not None else (names or ["default"])
                    store.update(" ;\n".join(_clear(name) for name in cleared))
                _bulk(store, path, fmt, target)
                store.flush()
            except (OSError, SyntaxError, ValueError) as error:
                problem = _one_line(str(error))
            finally:
                del store  # closed before any error is raised (see _stage)
            if problem is not None:
                raise KgError(f"{directory}: load failed, store unchanged: {problem}")
            _swap(copy, directory, work / "old")
        else:
            _swap(staging, directory, work / "old")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return LoadReport(triples, names if graph is None else [graph], str(directory))


def _readable(path: Path) -> ox.RdfFormat:
    """The file's syntax, after the checks that need no parsing."""
    fmt = rdf_format(path)
    if not path.is_file():
        raise InputError(path, "no such file")
    refuse_xml_entities(path, fmt)
    return fmt


# Statements per bulk-load call. Oxigraph's bulk loader holds a batch (up to a million
# statements, about 0.8 KB each) while it sorts it into its indexes; smaller batches bound the
# memory of a load of any size (about 350 MB at this size) at little cost in speed.
BULK_QUADS = 250_000


def _bulk(store: ox.Store, path: Path, fmt: ox.RdfFormat, target: ox.NamedNode | None) -> None:
    """Bulk-load ``path`` in batches of ``BULK_QUADS``; with ``target`` every statement goes
    into that graph. One streaming parse of the whole file, so blank node labels keep one
    meaning across batches (each load gets fresh ones) and errors name the file's own line."""
    quads: Iterator[ox.Quad] = iter(ox.parse(path=str(path), format=fmt, rename_blank_nodes=True))
    if target is not None:
        quads = (ox.Quad(q.subject, q.predicate, q.object, target) for q in quads)
    while True:
        batch = list(itertools.islice(quads, BULK_QUADS))
        if not batch:
            return
        store.bulk_extend(batch)


def _staging_store(directory: Path) -> ox.Store:
    """A new store at ``directory`` for a load to go through before it is swapped in or sent."""
    try:
        return ox.Store(str(directory))
    except OSError as error:
        raise KgError(f"{directory.parent}: cannot create a staging store: {_store_problem(error)}") from None


def _stage(path: Path, fmt: ox.RdfFormat, target: ox.NamedNode | None, staging: Path) -> tuple[int, list[str]]:
    """Bulk-load the file into a new store at ``staging``: its distinct statements and graphs."""
    store = _staging_store(staging)
    # The error is raised only once the store is closed: a traceback that is still alive keeps
    # _bulk's frame, and so the store, open while the caller removes the staging folder.
    try:
        _bulk(store, path, fmt, target)
        store.flush()
        names = [name.value for name in store.named_graphs() if isinstance(name, ox.NamedNode)]
        if next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None:
            names.append("default")
        return len(store), sorted(names, key=lambda name: (name != "default", name))
    except SyntaxError as error:
        problem = f"not valid {fmt.name}: {_one_line(str(error))}"
    except (OSError, ValueError) as error:
        problem = _one_line(str(error))
    finally:
        del store
    raise InputError(path, problem)


def _has_data(directory: Path) -> bool:
    store = _writable(directory, directory)
    try:
        return next(iter(store), None) is not None
    finally:
        del store


def _writable(location: Path, shown: Path) -> ox.Store:
    try:
        return ox.Store(str(location))
    except OSError as error:
        raise KgError(f"{shown}: cannot open the store: {_store_problem(error)}") from None


def _backup(directory: Path, copy: Path) -> None:
    """A copy of the store to load into (hard links to its immutable files: cheap)."""
    store = _writable(directory, directory)
    try:
        store.backup(str(copy))
    except OSError as error:
        raise KgError(f"{directory}: cannot copy the store to load into: {_one_line(str(error))}") from None
    finally:
        del store


def _swap(new: Path, directory: Path, old: Path) -> None:
    """Put the loaded store ``new`` in place of ``directory`` (kept as ``old`` until then)."""
    try:
        if directory.exists():
            directory.rename(old)
        try:
            new.rename(directory)
        except OSError:
            if old.exists():
                old.rename(directory)
            raise
    except OSError as error:
        raise KgError(f"{directory}: load failed, store unchanged: cannot move the loaded store in: {_one_line(str(error))}") from None


def _clear(name: str) -> str:
    return "CLEAR SILENT DEFAULT" if name == "default" else f"CLEAR SILENT GRAPH {ox.NamedNode(name)}"


def count_store(directory: Path, graph: str | None = None) -> int:
    """Number of statements in the store (all graphs), or in one named graph."""
    store = open_store(directory)
    if graph is None:
        return len(store)
    return sum(1 for _ in store.quads_for_pattern(None, None, None, named_node(graph, "graph")))


def _store_problem(error: OSError) -> str:
    text = _one_line(str(error))
    if "lock" in text.lower():
        return "it is in use by another process (close it and retry)"
    return text


# ---------------------------------------------------------------- HTTP: URLs and credentials


def redact_url(url: str) -> str:
    """``url`` with any user name or password replaced by ``***``."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return "<unparsable URL>"
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urllib.parse.urlunsplit(parts._replace(netloc=f"***@{host}"))


def check_url(url: str, option: str = "--endpoint") -> str:
    """An http(s) URL without credentials in it, or a KgError."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        raise KgError(f"{option}: not a valid URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise KgError(f"{option}: {redact_url(url)!r} is not an http(s) URL")
    if "@" in parts.netloc:
        raise KgError(
            f"{option}: {redact_url(url)} carries credentials; use --user and "
            f"{PASSWORD_ENV} or ~/.netrc instead"
        )
    return url


# Graph Store URL suffix → (SPARQL query, SPARQL update) suffix, for Virtuoso and Fuseki.
_NEIGHBOURS = (
    ("/sparql-graph-crud-auth", "/sparql", "/sparql-auth"),
    ("/sparql-graph-crud", "/sparql", "/sparql"),
    ("/data", "/sparql", "/update"),
)


def _neighbour_url(gsp_url: str, which: int) -> str | None:
    base = gsp_url.partition("?")[0]
    for suffix, *replacements in _NEIGHBOURS:
        if base.endswith(suffix):
            return base[: -len(suffix)] + replacements[which]
    return None


def sparql_url_for(gsp_url: str) -> str | None:
    """The SPARQL query URL next to a Graph Store URL (Virtuoso, Fuseki), if known."""
    return _neighbour_url(gsp_url, 0)


@dataclass(frozen=True)
class Credentials:
    """A login for one server. The password is kept out of ``repr``."""

    user: str | None = None
    password: str | None = field(default=None, repr=False)
    scheme: AuthScheme = "digest"


def resolve_credentials(url: str, user: str | None, scheme: AuthScheme = "digest") -> Credentials:
    """Find the password for ``user`` at ``url``'s host: ``KG_STORE_PASSWORD``, then ~/.netrc.

    Without ``user``, a ~/.netrc entry for the host supplies both; otherwise requests go
    without credentials.
    """
    if scheme not in ("digest", "basic"):
        raise KgError(f"--auth: {scheme!r} is not one of digest, basic")
    host = urllib.parse.urlsplit(url).hostname or ""
    entry = _netrc_entry(host)
    env_password = os.environ.get(PASSWORD_ENV) or None
    if user is None:
        if entry is not None and entry[0]:
            return Credentials(entry[0], entry[1], scheme)
        return Credentials(None, None, scheme)
    if env_password is not None:
        return Credentials(user, env_password, scheme)
    if entry is not None and entry[0] in ("", user):
        return Credentials(user, entry[1], scheme)
    raise KgError(
        f"no password for user {user!r} at {host}: set {PASSWORD_ENV} or add "
        f"'machine {host} login {user} password …' to ~/.netrc"
    )


def _netrc_entry(host: str) -> tuple[str, str] | None:
    path = Path(os.path.expanduser("~/.netrc"))
    if not path.is_file():
        return None
    try:
        found = netrc.netrc().authenticators(host)  # no argument: Python checks the file's permissions
    except netrc.NetrcParseError as error:
        # The parser's message can quote a token from the file (maybe a password): never show it.
        if "permissive" in error.msg:
            problem = "readable by others; run chmod 600 ~/.netrc"
        elif "owner" in error.msg:
            problem = "not owned by you"
        else:
            problem = f"cannot parse line {error.lineno}"
        raise KgError(f"~/.netrc: {problem}") from None
    except OSError as error:
        raise KgError(f"~/.netrc: {error.strerror}") from None
    if found is None or found[2] is None:
        return None
    return (found[0] or "", found[2])


# ---------------------------------------------------------------- HTTP: requests


class _DigestOnce(urllib.request.HTTPDigestAuthHandler):
    """Digest auth that answers one challenge; a second 401 means wrong credentials."""

    def http_error_401(self, req, fp, code, msg, headers):  # type: ignore[no-untyped-def]
        challenge = (headers.get("www-authenticate") or "").lower()
        if req.get_header("Authorization") and 'stale="true"' not in challenge and "stale=true" not in challenge:
            return None
        return super().http_error_401(req, fp, code, msg, headers)


def _opener(url: str, credentials: Credentials) -> urllib.request.OpenerDirector:
    handlers: list[urllib.request.BaseHandler] = []
    host = urllib.parse.urlsplit(url).hostname or ""
    if host in _LOOPBACK:
        handlers.append(urllib.request.ProxyHandler({}))
    if credentials.user is not None and credentials.password is not None:
        if credentials.scheme == "basic":
            basic = urllib.request.HTTPPasswordMgrWithPriorAuth()
            basic.add_password(None, url, credentials.user, credentials.password, is_authenticated=True)
            handlers.append(urllib.request.HTTPBasicAuthHandler(basic))
        else:
            digest = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            digest.add_password(None, url, credentials.user, credentials.password)
            handlers.append(_DigestOnce(digest))
    return urllib.request.build_opener(*handlers)


@dataclass(frozen=True)
class HttpReply:
    status: int
    content_type: str
    body: bytes


def http_request(
    url: str,
    *,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    credentials: Credentials = Credentials(),
    timeout: float = DEFAULT_TIMEOUT,
) -> HttpReply:
    """One HTTP exchange; every failure becomes a one-line KgError without secrets."""
    shown = redact_url(url.split("?", 1)[0])
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with _opener(url, credentials).open(request, timeout=timeout) as response:
            return HttpReply(response.status, response.headers.get("Content-Type", ""), response.read())
    except urllib.error.HTTPError as error:
        message = _http_error_message(shown, error, credentials)
    except urllib.error.URLError as error:
        message = f"{shown}: {_network_problem(error.reason, timeout)}"
    except (TimeoutError, socket.timeout) as error:
        message = f"{shown}: {_network_problem(error, timeout)}"
    except (http.client.HTTPException, OSError) as error:
        message = f"{shown}: connection failed: {_one_line(str(error)) or type(error).__name__}"
    raise KgError(_scrub(message, credentials)) from None


def _http_error_message(shown: str, error: urllib.error.HTTPError, credentials: Credentials) -> str:
    try:
        detail = _body_summary(error.read())
    except (OSError, http.client.HTTPException):
        detail = ""
    finally:
        error.close()
    status = f"HTTP {error.code} {error.reason}".rstrip()
    if error.code == 401:
        if credentials.user is None:
            return f"{shown}: {status}: the server wants a login; pass --user and set {PASSWORD_ENV} or ~/.netrc"
        return (
            f"{shown}: {status}: the server refused the password for user {credentials.user!r} "
            f"(check {PASSWORD_ENV} or ~/.netrc, and --auth {credentials.scheme})"
        )
    return f"{shown}: {status}" + (f": {detail}" if detail else "")


def _network_problem(reason: object, timeout: float) -> str:
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused; is the server running?"
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return f"no answer within {timeout:g} s"
    if isinstance(reason, socket.gaierror):
        return "unknown host"
    text = _one_line(str(getattr(reason, "strerror", None) or reason))
    return f"cannot connect: {text}"


def _body_summary(body: bytes, limit: int = 300) -> str:
    text = body.decode("utf-8", errors="replace")
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = _one_line(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _scrub(message: str, credentials: Credentials) -> str:
    if credentials.password:
        message = message.replace(credentials.password, "***")
    return message


def _one_line(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------- Graph Store Protocol


@dataclass(frozen=True)
class RemoteLoadReport:
    """What a remote load sent, and what the server holds afterwards (None: not counted)."""

    triples: int
    graph: str
    endpoint: str
    server_triples: int | None

    def lines(self) -> list[str]:
        out = [f"loaded {self.triples} triples into {self.endpoint} (graph {self.graph})"]
        if self.server_triples is None:
            out.append("pass --sparql URL to count the triples on the server")
        else:
            out.append(f"server holds {self.server_triples} triples in graph {self.graph}")
        return out


# N-Triples bytes per request of a remote load: a larger file is sent in chunks through a
# staging graph. Small enough for servers' default request limits (Virtuoso, Fuseki).
CHUNK_BYTES = 8 << 20


def gsp_load(
    path: Path,
    endpoint: str,
    graph: str,
    *,
    user: str | None = None,
    auth: AuthScheme = "digest",
    replace: bool = False,
    sparql: str | None = None,
    update: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    chunk_bytes: int = CHUNK_BYTES,
) -> RemoteLoadReport:
    """Send an RDF file to a Graph Store endpoint, all or nothing for ``graph``.

    The file is first bulk-loaded into a local staging store (constant memory; a syntax error
    sends nothing) and written out as sorted, distinct N-Triples: every statement of a quad
    file goes to ``graph``. Up to ``chunk_bytes`` it goes in one request: POST adds, PUT
    (``replace``) replaces. A larger file is POSTed in chunks into a fresh staging graph on the
    server, which one SPARQL update then swaps in (``MOVE`` with ``replace``, else ``ADD``
    and ``DROP``); if any chunk or the swap fails, the staging graph is dropped and ``graph`` is
    as it was. The update goes to ``update`` (default: derived from ``endpoint``).
    """
    check_url(endpoint)
    target = named_node(graph, "--graph")
    fmt = _readable(Path(path))
    credentials = resolve_credentials(endpoint, user, auth)
    with tempfile.TemporaryDirectory(prefix="kg-load-") as work:
        lines = Path(work) / "graph.nt"
        triples = _as_ntriples(Path(path), fmt, target, lines, Path(work) / "store")
        size = lines.stat().st_size
        if size <= chunk_bytes:
            _gsp_send(endpoint, graph, lines.read_bytes(), "PUT" if replace else "POST", credentials, timeout)
        else:
            update_url = update or update_url_for(endpoint)
            if update_url is None:
                raise KgError(
                    f"{path}: {size:,} bytes of N-Triples go in chunks through a staging graph, which needs "
                    "a SPARQL update URL to swap it in; pass --update URL"
                )
            check_url(update_url, "--update")
            _staged_load(lines, endpoint, update_url, target, replace, credentials, timeout, chunk_bytes)
    query_url = sparql or sparql_url_for(endpoint)
    server = None if query_url is None else count_remote(query_url, graph, credentials, timeout)
    return RemoteLoadReport(triples, graph, redact_url(endpoint), server)


def update_url_for(gsp_url: str) -> str | None:
    """The SPARQL update URL next to a Graph Store URL (Virtuoso, Fuseki), if known."""
    return _neighbour_url(gsp_url, 1)


def _as_ntriples(path: Path, fmt: ox.RdfFormat, target: ox.NamedNode, out: Path, work: Path) -> int:
    """The file's distinct statements, all in ``target``, as N-Triples in ``out``; their number."""
    store = _staging_store(work)
    try:
        _bulk(store, path, fmt, target)
        store.dump(str(out), format=ox.RdfFormat.N_TRIPLES, from_graph=target)
        return len(store)
    except SyntaxError as error:
        raise InputError(path, f"not valid {fmt.name}: {_one_line(str(error))}") from None
    except (OSError, ValueError) as error:
        raise InputError(path, _one_line(str(error))) from None
    finally:
        del store


def _chunks(lines: Path, chunk_bytes: int) -> Iterator[bytes]:
    """The N-Triples file in pieces of whole lines, each at most ``chunk_bytes`` (or one line)."""
    with open(lines, "rb") as handle:
        piece: list[bytes] = []
        size = 0
        for line in handle:
            if piece and size + len(line) > chunk_bytes:
                yield b"".join(piece)
                piece, size = [], 0
            piece.append(line)
            size += len(line)
        if piece:
            yield b"".join(piece)


def _bad_chunk(number: int, body: bytes) -> bytes:
    """Test hook: ``KG_TEST_BAD_CHUNK=N`` sends chunk N with a line no server accepts, to check
    that a load the server rejects midway leaves the target graph as it was."""
    if os.environ.get("KG_TEST_BAD_CHUNK") == str(number):
        return body + b"<this is not N-Triples\n"
    return body


def _gsp_send(endpoint: str, graph: str, body: bytes, method: str, credentials: Credentials, timeout: float) -> None:
    separator = "&" if "?" in endpoint else "?"
    http_request(
        f"{endpoint}{separator}{urllib.parse.urlencode({'graph': graph})}",
        method=method,
        body=body,
        headers={"Content-Type": "application/n-triples; charset=utf-8"},
        credentials=credentials,
        timeout=timeout,
    )


def _staged_load(lines: Path, endpoint: str, update_url: str, target: ox.NamedNode, replace: bool,
                 credentials: Credentials, timeout: float, chunk_bytes: int) -> None:
    """POST the chunks into a new staging graph, then swap it in with one update."""
    staging = ox.NamedNode(f"urn:kg:staging:{uuid.uuid4().hex}")
    about = -(-lines.stat().st_size // chunk_bytes)  # chunks hold whole lines: at least this many
    step = "chunk 1"
    try:
        for number, body in enumerate(_chunks(lines, chunk_bytes), 1):
            step = f"chunk {number} (of about {about})"
            _gsp_send(endpoint, staging.value, _bad_chunk(number, body), "POST", credentials, timeout)
        step = "the swap of the staging graph"
        swap = f"MOVE {staging} TO {target}" if replace else f"ADD {staging} TO {target} ;\nDROP SILENT GRAPH {staging}"
        sparql_post(update_url, swap, accept="*/*", update=True, credentials=credentials, timeout=timeout)
    except KgError as error:
        cleaned = _drop_graph(update_url, staging, credentials, timeout)
        left = "dropped" if cleaned else f"{staging.value} is left on the server: drop it"
        raise KgError(f"{error}; the load stopped at {step}: graph {target.value} is unchanged, staging graph {left}") from None


def _drop_graph(update_url: str, graph: ox.NamedNode, credentials: Credentials, timeout: float) -> bool:
    try:
        sparql_post(update_url, f"DROP SILENT GRAPH {graph}", accept="*/*", update=True, credentials=credentials, timeout=timeout)
        return True
    except KgError:
        return False


def count_remote(sparql: str, graph: str, credentials: Credentials = Credentials(), timeout: float = DEFAULT_TIMEOUT) -> int:
    """Triples in one graph on a SPARQL server, by ``COUNT(*)``."""
    check_url(sparql, "--sparql")
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {named_node(graph, 'graph')} {{ ?s ?p ?o }} }}"
    reply = sparql_post(sparql, query, accept="application/sparql-results+json", credentials=credentials, timeout=timeout)
    try:
        results = ox.parse_query_results(reply.body, format=ox.QueryResultsFormat.JSON)
        rows = [row["n"] for row in results]  # type: ignore[index,union-attr]
        return int(rows[0].value)
    except (SyntaxError, ValueError, IndexError, TypeError, KeyError, AttributeError):
        raise KgError(f"{redact_url(sparql)}: unexpected answer to a COUNT query") from None


def sparql_post(
    url: str,
    text: str,
    *,
    accept: str,
    update: bool = False,
    default_graph: str | None = None,
    credentials: Credentials = Credentials(),
    timeout: float = DEFAULT_TIMEOUT,
) -> HttpReply:
    """POST a query (or an update) to a SPARQL 1.1 Protocol endpoint, form-encoded."""
    form = [("update" if update else "query", text)]
    if default_graph:
        form.append(("using-graph-uri" if update else "default-graph-uri", default_graph))
    return http_request(
        url,
        method="POST",
        body=urllib.parse.urlencode(form).encode("utf-8"),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
        credentials=credentials,
        timeout=timeout,
    )
