"""kg load and kg/store.py: the embedded store and the Graph Store Protocol client."""
from __future__ import annotations

import base64
import hashlib
import http.server
import json
import re
import socket
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox
import pytest
import rdflib

from kg import store as kgstore
from kg.errors import KgError

DATA = Path(__file__).parent / "data" / "store"
SAMPLE = DATA / "sample.ttl"
G1 = "https://example.org/graph/one"
G2 = "https://example.org/graph/two"


def sample_size() -> int:
    """Distinct triples in the fixture, counted by rdflib (an independent parser)."""
    return len(rdflib.Graph().parse(SAMPLE, format="turtle"))


def quads_in(directory: Path, graph: ox.NamedNode | ox.DefaultGraph | None = None) -> list[ox.Quad]:
    store = ox.Store.read_only(str(directory))
    return list(store.quads_for_pattern(None, None, None, graph))


def one_line_error(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("kg: ")
    return lines[0]


# ---------------------------------------------------------------- embedded store


def test_load_reports_and_persists(kg, tmp_path: Path) -> None:
    directory = tmp_path / "store"
    result = kg("load", SAMPLE, "--store", directory)
    assert result.exit_code == 0, result.output
    n = sample_size()
    assert result.stdout.strip() == f"loaded {n} triples into {directory} (graph default)"
    assert len(quads_in(directory)) == n
    assert len(quads_in(directory, ox.DefaultGraph())) == n


def test_loading_twice_keeps_one_copy(kg, tmp_path: Path) -> None:
    directory = tmp_path / "store"
    assert kg("load", SAMPLE, "--store", directory).exit_code == 0
    assert kg("load", SAMPLE, "--store", directory).exit_code == 0
    assert len(quads_in(directory)) == sample_size()


def test_default_store_is_out_store(kg, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = kg("load", SAMPLE)
    assert result.exit_code == 0, result.output
    assert "into out/store (graph default)" in result.stdout
    assert len(quads_in(tmp_path / "out" / "store")) == sample_size()


def broken_file(tmp_path: Path) -> Path:
    """Good triples first, a syntax error at the end: all must be rejected."""
    path = tmp_path / "broken.ttl"
    good = "".join(f"<https://example.org/new/{i}> <https://example.org/p> \"{i}\" .\n" for i in range(50))
    path.write_text(good + "<https://example.org/new/x> <https://example.org/p> \"unterminated .\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("extra", [[], ["--replace"], ["--graph", G1, "--replace"]])
def test_parse_error_leaves_store_untouched(kg, tmp_path: Path, extra: list[str]) -> None:
    directory = tmp_path / "store"
    assert kg("load", SAMPLE, "--store", directory).exit_code == 0
    assert kg("load", SAMPLE, "--store", directory, "--graph", G1).exit_code == 0
    before = sorted(str(q) for q in quads_in(directory))
    line = one_line_error(kg("load", broken_file(tmp_path), "--store", directory, *extra))
    assert "broken.ttl: not valid Turtle" in line and "line 51" in line
    assert sorted(str(q) for q in quads_in(directory)) == before


def test_named_graph_and_replace(kg, tmp_path: Path) -> None:
    directory = tmp_path / "store"
    small = tmp_path / "small.nt"
    small.write_text('<https://example.org/a> <https://example.org/p> "x" .\n', encoding="utf-8")
    assert kg("load", SAMPLE, "--store", directory, "--graph", G1).stdout.strip().endswith(f"(graph {G1})")
    assert kg("load", SAMPLE, "--store", directory, "--graph", G2).exit_code == 0
    assert kg("load", small, "--store", directory).exit_code == 0
    n = sample_size()
    assert len(quads_in(directory, ox.NamedNode(G1))) == n
    assert len(quads_in(directory, ox.DefaultGraph())) == 1

    result = kg("load", small, "--store", directory, "--graph", G1, "--replace")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"loaded 1 triples into {directory} (graph {G1})"
    assert [str(q.object) for q in quads_in(directory, ox.NamedNode(G1))] == ['"x"']
    assert len(quads_in(directory, ox.NamedNode(G2))) == n  # other graphs untouched
    assert len(quads_in(directory, ox.DefaultGraph())) == 1


def test_replace_default_graph(kg, tmp_path: Path) -> None:
    directory = tmp_path / "store"
    small = tmp_path / "small.ttl"
    small.write_text('<https://example.org/a> <https://example.org/p> "x" .\n', encoding="utf-8")
    assert kg("load", SAMPLE, "--store", directory).exit_code == 0
    assert kg("load", SAMPLE, "--store", directory, "--graph", G1).exit_code == 0
    assert kg("load", small, "--store", directory, "--replace").exit_code == 0
    assert len(quads_in(directory, ox.DefaultGraph())) == 1
    assert len(quads_in(directory, ox.NamedNode(G1))) == sample_size()


def trig_file(tmp_path: Path) -> Path:
    path = tmp_path / "data.trig"
    path.write_text(
        f"""<https://example.org/d> <https://example.org/p> "default" .
<{G1}> {{ <https://example.org/a> <https://example.org/p> "one" . }}
<{G2}> {{ <https://example.org/b> <https://example.org/p> "two" . <https://example.org/c> <https://example.org/p> "2" . }}
""",
        encoding="utf-8",
    )
    return path


def test_trig_keeps_named_graphs(kg, tmp_path: Path) -> None:
    directory = tmp_path / "store"
    result = kg("load", trig_file(tmp_path), "--store", directory)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"loaded 4 triples into {directory} (graphs default, {G1}, {G2})"
    assert len(quads_in(directory, ox.DefaultGraph())) == 1
    assert len(quads_in(directory, ox.NamedNode(G1))) == 1
    assert len(quads_in(directory, ox.NamedNode(G2))) == 2


def test_trig_with_graph_goes_into_that_graph(kg, tmp_path: Path) -> None:
    directory = tmp_path / "store"
    other = "https://example.org/graph/all"
    assert kg("load", trig_file(tmp_path), "--store", directory, "--graph", other).exit_code == 0
    assert len(quads_in(directory, ox.NamedNode(other))) == 4
    assert len(quads_in(directory)) == 4


def test_trig_replace_empties_only_its_graphs(kg, tmp_path: Path) -> None:
    directory = tmp_path / "store"
    assert kg("load", SAMPLE, "--store", directory, "--graph", G1).exit_code == 0
    assert kg("load", SAMPLE, "--store", directory, "--graph", "https://example.org/graph/kept").exit_code == 0
    assert kg("load", trig_file(tmp_path), "--store", directory, "--replace").exit_code == 0
    assert len(quads_in(directory, ox.NamedNode(G1))) == 1
    assert len(quads_in(directory, ox.NamedNode("https://example.org/graph/kept"))) == sample_size()


@pytest.mark.parametrize("fmt,suffix", [(ox.RdfFormat.N_TRIPLES, ".nt"), (ox.RdfFormat.JSON_LD, ".jsonld"),
                                        (ox.RdfFormat.N_QUADS, ".nq")])
def test_other_syntaxes(kg, tmp_path: Path, fmt: ox.RdfFormat, suffix: str) -> None:
    quads = list(ox.parse(path=str(SAMPLE), format=ox.RdfFormat.TURTLE))
    path = tmp_path / f"sample{suffix}"
    ox.serialize(quads if fmt == ox.RdfFormat.N_QUADS else [q.triple for q in quads], str(path), fmt)
    result = kg("load", path, "--store", tmp_path / "store")
    assert result.exit_code == 0, result.output
    assert len(quads_in(tmp_path / "store")) == sample_size()


def test_bad_inputs_are_one_line_errors(kg, tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text("a,b\n", encoding="utf-8")
    assert "unknown RDF file extension" in one_line_error(kg("load", tmp_path / "x.csv", "--store", tmp_path / "s"))
    assert "no such file" in one_line_error(kg("load", tmp_path / "missing.ttl", "--store", tmp_path / "s"))
    assert "absolute IRI" in one_line_error(kg("load", SAMPLE, "--store", tmp_path / "s", "--graph", "relative"))
    (tmp_path / "file").write_text("", encoding="utf-8")
    assert "not a directory" in one_line_error(kg("load", SAMPLE, "--store", tmp_path / "file"))


def test_store_in_use_is_reported(kg, tmp_path: Path) -> None:
    directory = tmp_path / "store"
    holder = ox.Store(str(directory))
    try:
        line = one_line_error(kg("load", SAMPLE, "--store", directory))
        assert "in use" in line or "cannot open" in line
    finally:
        del holder


def test_load_into_store_api(tmp_path: Path) -> None:
    report = kgstore.load_into_store(SAMPLE, tmp_path / "s", graph=G1)
    assert report.triples == sample_size() and report.graphs == [G1]
    assert kgstore.count_store(tmp_path / "s", G1) == sample_size()
    assert kgstore.count_store(tmp_path / "s") == sample_size()
    with pytest.raises(KgError, match="no store here"):
        kgstore.open_store(tmp_path / "nothing")


# ---------------------------------------------------------------- URLs and credentials


def test_redact_and_check_urls() -> None:
    assert kgstore.redact_url("http://dba:s3cret@host:8890/x?y=1") == "http://***@host:8890/x?y=1"
    assert kgstore.redact_url("http://host/x") == "http://host/x"
    with pytest.raises(KgError) as caught:
        kgstore.check_url("http://dba:s3cret@host/sparql")
    assert "s3cret" not in str(caught.value) and "KG_STORE_PASSWORD" in str(caught.value)
    with pytest.raises(KgError, match="not an http"):
        kgstore.check_url("ftp://host/x")


def test_sparql_url_derivation() -> None:
    assert kgstore.sparql_url_for("http://h:8890/sparql-graph-crud-auth") == "http://h:8890/sparql"
    assert kgstore.sparql_url_for("http://h:8890/sparql-graph-crud") == "http://h:8890/sparql"
    assert kgstore.sparql_url_for("http://h:3030/ds/data") == "http://h:3030/ds/sparql"
    assert kgstore.sparql_url_for("http://h/other") is None


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv(kgstore.PASSWORD_ENV, raising=False)
    return tmp_path


def test_password_from_environment_first(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (home / ".netrc").write_text("machine h login dba password fromnetrc\n", encoding="utf-8")
    (home / ".netrc").chmod(0o600)
    monkeypatch.setenv(kgstore.PASSWORD_ENV, "fromenv")
    assert kgstore.resolve_credentials("http://h/x", "dba").password == "fromenv"
    monkeypatch.delenv(kgstore.PASSWORD_ENV)
    assert kgstore.resolve_credentials("http://h/x", "dba").password == "fromnetrc"
    found = kgstore.resolve_credentials("http://h/x", None)
    assert (found.user, found.password) == ("dba", "fromnetrc")
    assert "fromnetrc" not in repr(found)
    assert kgstore.resolve_credentials("http://other/x", None).user is None


def test_missing_password_is_explained(home: Path) -> None:
    with pytest.raises(KgError, match="no password for user 'dba' at h: set KG_STORE_PASSWORD"):
        kgstore.resolve_credentials("http://h/x", "dba")
    (home / ".netrc").write_text("machine h login someoneelse password pw\n", encoding="utf-8")
    (home / ".netrc").chmod(0o600)
    with pytest.raises(KgError, match="no password"):
        kgstore.resolve_credentials("http://h/x", "dba")


def test_bad_netrc_does_not_leak(home: Path) -> None:
    (home / ".netrc").write_text("machine h login dba password topsecret\n", encoding="utf-8")
    (home / ".netrc").chmod(0o644)
    with pytest.raises(KgError) as caught:
        kgstore.resolve_credentials("http://h/x", "dba")
    assert str(caught.value) == "~/.netrc: readable by others; run chmod 600 ~/.netrc"
    (home / ".netrc").write_text("machine h login dba password topsecret bogus\n", encoding="utf-8")
    (home / ".netrc").chmod(0o600)
    with pytest.raises(KgError) as caught:
        kgstore.resolve_credentials("http://h/x", "dba")
    assert "topsecret" not in str(caught.value) and "bogus" not in str(caught.value)


# ---------------------------------------------------------------- a fake Graph Store server


class FakeServer:
    """A tiny Graph Store + SPARQL server in a thread: digest or basic auth, in-memory graphs."""

    def __init__(self, auth: str = "digest", password: str = "s3cret", fail_with: tuple[int, str] | None = None):
        self.auth = auth
        self.password = password
        self.fail_with = fail_with
        self.store = ox.Store()
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []
        self.unauthorized = 0
        handler = self._handler()
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def authorised(self, method: str, uri: str, header: str | None) -> bool:
        if header is None:
            return False
        if self.auth == "basic":
            return header == "Basic " + base64.b64encode(f"dba:{self.password}".encode()).decode()
        if not header.startswith("Digest "):
            return False
        fields = dict(re.findall(r'(\w+)="?([^",]*)"?', header[7:]))

        def md5(text: str) -> str:
            return hashlib.md5(text.encode()).hexdigest()

        ha1 = md5(f"{fields.get('username')}:SPARQL:{self.password}")
        ha2 = md5(f"{method}:{fields.get('uri')}")
        expected = md5(f"{ha1}:{fields.get('nonce')}:{fields.get('nc')}:{fields.get('cnonce')}:{fields.get('qop')}:{ha2}")
        return fields.get("username") == "dba" and fields.get("response") == expected and fields.get("uri") == uri

    def _handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def _reply(self, status: int, body: bytes = b"", content_type: str = "text/plain",
                       extra: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for key, value in (extra or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            def _graph_store(self) -> None:
                body = self._body()
                server.requests.append((self.command, self.path, dict(self.headers), body))
                if not server.authorised(self.command, self.path, self.headers.get("Authorization")):
                    server.unauthorized += 1
                    challenge = ('Basic realm="SPARQL"' if server.auth == "basic" else
                                 'Digest realm="SPARQL", nonce="n%d", qop="auth", algorithm="MD5", opaque="o"'
                                 % server.unauthorized)
                    return self._reply(401, extra={"WWW-Authenticate": challenge})
                if server.fail_with:
                    code, text = server.fail_with
                    return self._reply(code, text.encode())
                graph = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)["graph"][0]
                target = ox.NamedNode(graph)
                if self.command == "PUT":
                    server.store.remove_graph(target) if server.store.contains_named_graph(target) else None
                for triple in ox.parse(body, format=ox.RdfFormat.N_TRIPLES):
                    server.store.add(ox.Quad(triple.subject, triple.predicate, triple.object, target))
                self._reply(201)

            do_POST = do_PUT = _graph_store

            def do_GET(self) -> None:
                split = urllib.parse.urlsplit(self.path)
                if split.path != "/sparql":
                    return self._reply(404, b"not found")
                query = urllib.parse.parse_qs(split.query)["query"][0]
                self._answer(query)

            def _answer(self, query: str) -> None:
                answer = server.store.query(query)
                self._reply(200, answer.serialize(format=ox.QueryResultsFormat.JSON),
                            "application/sparql-results+json")

        original_post = Handler._graph_store

        def post(self: Handler) -> None:
            if urllib.parse.urlsplit(self.path).path == "/sparql":
                form = urllib.parse.parse_qs(self._body().decode())
                server.requests.append(("POST", self.path, dict(self.headers), b""))
                return self._answer(form["query"][0])
            return original_post(self)

        Handler.do_POST = post  # type: ignore[method-assign]
        return Handler


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch, home: Path) -> Iterator[FakeServer]:
    fake = FakeServer()
    monkeypatch.setenv(kgstore.PASSWORD_ENV, "s3cret")
    yield fake
    fake.close()


def test_gsp_post_with_digest_then_count(kg, server: FakeServer) -> None:
    endpoint = server.url("/sparql-graph-crud-auth")
    result = kg("load", SAMPLE, "--endpoint", endpoint, "--graph", G1, "--user", "dba")
    assert result.exit_code == 0, result.output
    n = sample_size()
    assert result.stdout.splitlines() == [
        f"loaded {n} triples into {endpoint} (graph {G1})",
        f"server holds {n} triples in graph {G1}",
    ]
    loads = [r for r in server.requests if r[1].startswith("/sparql-graph-crud-auth")]
    assert [r[0] for r in loads] == ["POST", "POST"]  # challenge, then the authorised retry
    method, path, headers, body = loads[-1]
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(path).query) == {"graph": [G1]}
    assert headers["Content-Type"].startswith("application/n-triples")
    assert len(list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))) == n


def test_gsp_replace_uses_put(kg, server: FakeServer, tmp_path: Path) -> None:
    endpoint = server.url("/sparql-graph-crud-auth")
    small = tmp_path / "small.ttl"
    small.write_text('<https://example.org/a> <https://example.org/p> "x" .\n', encoding="utf-8")
    assert kg("load", SAMPLE, "--endpoint", endpoint, "--graph", G1, "--user", "dba").exit_code == 0
    result = kg("load", small, "--endpoint", endpoint, "--graph", G1, "--user", "dba", "--replace")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == f"server holds 1 triples in graph {G1}"
    assert server.requests[-2][0] == "PUT"


def test_gsp_basic_auth(kg, monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    fake = FakeServer(auth="basic")
    monkeypatch.setenv(kgstore.PASSWORD_ENV, "s3cret")
    try:
        result = kg("load", SAMPLE, "--endpoint", fake.url("/sparql-graph-crud-auth"), "--graph", G1,
                    "--user", "dba", "--auth", "basic")
        assert result.exit_code == 0, result.output
        assert fake.unauthorized == 0  # basic credentials go with the first request
    finally:
        fake.close()


def test_wrong_password_one_line_no_secret(kg, server: FakeServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(kgstore.PASSWORD_ENV, "Wr0ngPassw0rd")
    result = kg("load", SAMPLE, "--endpoint", server.url("/sparql-graph-crud-auth"), "--graph", G1, "--user", "dba")
    line = one_line_error(result)
    assert "401" in line and "refused the password for user 'dba'" in line
    assert "Wr0ngPassw0rd" not in result.output and "s3cret" not in result.output
    assert server.unauthorized == 2  # one challenge, one failed answer: no retry loop


def test_no_user_against_auth_endpoint(kg, server: FakeServer) -> None:
    line = one_line_error(kg("load", SAMPLE, "--endpoint", server.url("/sparql-graph-crud-auth"), "--graph", G1))
    assert "wants a login" in line


def test_server_rejection_is_one_line(kg, monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    fake = FakeServer(fail_with=(500, "Virtuoso 37000 Error SP029: TURTLE RDF loader,\nline 2: syntax error"))
    monkeypatch.setenv(kgstore.PASSWORD_ENV, "s3cret")
    try:
        line = one_line_error(kg("load", SAMPLE, "--endpoint", fake.url("/sparql-graph-crud-auth"),
                                 "--graph", G1, "--user", "dba"))
        assert "HTTP 500" in line and "SP029: TURTLE RDF loader, line 2: syntax error" in line
    finally:
        fake.close()


def test_parse_error_sends_nothing(kg, server: FakeServer, tmp_path: Path) -> None:
    one_line_error(kg("load", broken_file(tmp_path), "--endpoint", server.url("/sparql-graph-crud-auth"),
                      "--graph", G1, "--user", "dba"))
    assert server.requests == []


def test_connection_refused(kg, home: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()
    line = one_line_error(kg("load", SAMPLE, "--endpoint", f"http://127.0.0.1:{port}/sparql-graph-crud",
                             "--graph", G1))
    assert "connection refused" in line
    assert time.monotonic() - started < 5


def test_timeout(kg, home: Path) -> None:
    with socket.socket() as silent:  # accepts connections (backlog) but never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(5)
        port = silent.getsockname()[1]
        started = time.monotonic()
        line = one_line_error(kg("load", SAMPLE, "--endpoint", f"http://127.0.0.1:{port}/sparql-graph-crud",
                                 "--graph", G1, "--timeout", "0.5"))
    assert "no answer within 0.5 s" in line
    assert time.monotonic() - started < 5


def test_endpoint_needs_graph_and_not_store(kg, tmp_path: Path) -> None:
    assert "needs --graph" in one_line_error(kg("load", SAMPLE, "--endpoint", "http://127.0.0.1:1/x"))
    assert "either --store or --endpoint" in one_line_error(
        kg("load", SAMPLE, "--endpoint", "http://127.0.0.1:1/x", "--graph", G1, "--store", tmp_path))
    assert "only apply with --endpoint" in one_line_error(kg("load", SAMPLE, "--user", "dba", "--store", tmp_path))


def test_unknown_sparql_url_skips_count(kg, server: FakeServer) -> None:
    result = kg("load", SAMPLE, "--endpoint", server.url("/other-store"), "--graph", G1, "--user", "dba")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "pass --sparql URL to count the triples on the server"
    result = kg("load", SAMPLE, "--endpoint", server.url("/other-store"), "--graph", G1, "--user", "dba",
                "--sparql", server.url("/sparql"))
    assert result.stdout.splitlines()[-1] == f"server holds {sample_size()} triples in graph {G1}"


def test_count_remote_api(server: FakeServer) -> None:
    server.store.add(ox.Quad(ox.NamedNode("https://example.org/a"), ox.NamedNode("https://example.org/p"),
                             ox.Literal("x"), ox.NamedNode(G2)))
    assert kgstore.count_remote(server.url("/sparql"), G2) == 1
    assert kgstore.count_remote(server.url("/sparql"), G1) == 0
    assert json.loads(kgstore.sparql_post(server.url("/sparql"), "ASK {}", accept="*/*").body)["boolean"] is True


def test_a_load_into_many_graphs_names_the_first_and_counts_the_rest() -> None:
    """A build's TriG has a graph per article: the line stays one short line."""
    graphs = ["default"] + [f"https://example.org/g{n:05d}" for n in range(10_000)]
    line = kgstore.LoadReport(12, graphs, "store").line()
    assert line == ("loaded 12 triples into store (graphs default, https://example.org/g00000, https://example.org/g00001, "
                    "https://example.org/g00002, https://example.org/g00003 and 9,996 more)")
    assert kgstore.LoadReport(1, ["default"], "s").line() == "loaded 1 triples into s (graph default)"
