"""No network at run time: kg build, validate, check-ontology, load, query, report and export
events work with sockets blocked, and nothing tries to connect. Remote JSON-LD contexts, owl:imports and XML external
entities are never fetched.

Python sockets are blocked by a ``sitecustomize.py`` on PYTHONPATH that logs every attempt;
Java (HermiT) is pointed at a local proxy that logs every connection. A local HTTP server
stands in for "the internet", so a fetch would be seen, not just fail.
"""
from __future__ import annotations

import http.server
import json
import os
import resource
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Iterator

import pytest

from tests.conftest import ROOT, SEEDS

SITECUSTOMIZE = '''
import os, socket

_LOG = os.environ["KG_NET_LOG"]
with open(os.environ["KG_NET_LOADED"], "a") as _marker:
    _marker.write(f"{os.getpid()}\\n")


def _record(what, detail):
    with open(_LOG, "a") as log:
        log.write(f"{os.getpid()} {what} {detail!r}\\n")


def _blocked(what):
    def refuse(*args, **kwargs):
        _record(what, args)
        raise OSError(101, "network blocked by kg's test")
    return refuse


_connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex


def _connect_guard(original, what):
    def connect(self, address, *args):
        if self.family == getattr(socket, "AF_UNIX", None):
            return original(self, address, *args)  # local pipes (multiprocessing) are not network
        _record(what, address)
        raise OSError(101, "network blocked by kg's test")
    return connect


socket.socket.connect = _connect_guard(_connect, "connect")
socket.socket.connect_ex = _connect_guard(_connect_ex, "connect_ex")
socket.create_connection = _blocked("create_connection")
socket.getaddrinfo = _blocked("getaddrinfo")
socket.gethostbyname = _blocked("gethostbyname")
socket.gethostbyname_ex = _blocked("gethostbyname_ex")
'''


class Internet:
    """A local HTTP server that answers anything and remembers every request and connection."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.connections = 0
        internet = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def setup(self) -> None:
                internet.connections += 1
                super().setup()

            def do_GET(self) -> None:  # noqa: N802
                internet.requests.append(self.path)
                body = json.dumps({"@context": {"ex": "http://example.org/"}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/ld+json")
                self.end_headers()
                self.wfile.write(body)

            do_CONNECT = do_POST = do_GET  # noqa: N815

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def internet() -> Iterator[Internet]:
    server = Internet()
    yield server
    server.close()


class Offline:
    """Runs kg with Python sockets blocked and Java proxied to ``internet``."""

    def __init__(self, folder: Path, internet: Internet) -> None:
        self.folder = folder
        self.internet = internet
        site = folder / "site"
        site.mkdir()
        (site / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
        self.log = folder / "network.log"
        self.loaded = folder / "loaded.log"
        port = internet.server.server_address[1]
        self.env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
            "KG_NET_LOG": str(self.log),
            "KG_NET_LOADED": str(self.loaded),
            "JAVA_TOOL_OPTIONS": " ".join(
                f"-D{scheme}.proxyHost=127.0.0.1 -D{scheme}.proxyPort={port}" for scheme in ("http", "https", "ftp")
            ) + " -DsocksProxyHost=127.0.0.1 -DsocksProxyPort=" + str(port),
            "http_proxy": internet.url,
            "https_proxy": internet.url,
            "HTTP_PROXY": internet.url,
            "HTTPS_PROXY": internet.url,
            "no_proxy": "",
        }

    def kg(self, *args: object, limit_memory: bool = False) -> subprocess.CompletedProcess[str]:
        before = self._loaded()
        result = subprocess.run(
            [sys.executable, "-m", "kg", *(str(a) for a in args)],
            capture_output=True, text=True, cwd=self.folder, env=self.env, timeout=600,
            preexec_fn=_limit_memory if limit_memory else None,
        )
        assert self._loaded() > before, "the socket guard did not load: the test would prove nothing"
        return result

    def _loaded(self) -> int:
        return len(self.loaded.read_text().splitlines()) if self.loaded.exists() else 0

    def attempts(self) -> list[str]:
        python = self.log.read_text().splitlines() if self.log.exists() else []
        return python + [f"java or proxy-aware client: {path}" for path in self.internet.requests] + (
            [f"{self.internet.connections} connection(s) to the local 'internet'"] if self.internet.connections else []
        )


def _limit_memory() -> None:
    """A parser that expands entities without bound must fail, not take the machine."""
    limit = 3 * 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@pytest.fixture
def offline(tmp_path: Path, internet: Internet) -> Offline:
    return Offline(tmp_path, internet)


def test_guard_catches_a_connection(offline: Offline) -> None:
    """The guard itself works: a Python program that connects is seen and stopped."""
    code = f"import urllib.request; urllib.request.urlopen({offline.internet.url + '/probe'!r}, timeout=5)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**offline.env, "http_proxy": "", "HTTP_PROXY": ""}, timeout=60)
    assert result.returncode != 0 and "network blocked" in result.stderr
    assert offline.attempts() and not offline.internet.requests


def test_build_validate_check_ontology_load_query_offline(offline: Offline) -> None:
    out = offline.folder / "out"
    build = offline.kg("build", SEEDS, "-o", out, "-f", "trig", "--workers", "2")
    assert build.returncode == 0, build.stdout + build.stderr
    validate = offline.kg("validate", out / "graph.ttl")
    assert validate.returncode == 0, validate.stdout + validate.stderr
    trig = offline.kg("validate", out / "graph.trig")
    assert trig.returncode == 0, trig.stdout + trig.stderr
    ontology = offline.kg("check-ontology", "--graph", out / "graph.ttl")
    assert ontology.returncode == 0, ontology.stdout + ontology.stderr
    load = offline.kg("load", out / "graph.ttl", "--store", offline.folder / "store")
    assert load.returncode == 0, load.stdout + load.stderr
    query = offline.kg("query", "strikes", "--store", offline.folder / "store", "--format", "csv")
    assert query.returncode == 0, query.stdout + query.stderr
    report = offline.kg("report", out / "graph.ttl", "-o", offline.folder / "report", "--texts", SEEDS)
    assert report.returncode == 0, report.stdout + report.stderr
    export = offline.kg("export", "events", out / "graph.ttl", "-f", "csv", "-o", offline.folder / "events.csv")
    assert export.returncode == 0, export.stdout + export.stderr
    assert offline.attempts() == []


def test_owl_imports_are_not_fetched(offline: Offline) -> None:
    ontology = offline.folder / "ontology"
    shutil.copytree(ROOT / "ontology", ontology)
    extra = ontology / "imports.ttl"
    extra.write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        f"<https://w3id.org/kg-conflict/ontology> owl:imports <{offline.internet.url}/remote.owl>, <http://example.org/x.owl> .\n",
        encoding="utf-8",
    )
    result = offline.kg("check-ontology", "--ontology", ontology)
    assert "Traceback" not in result.stderr
    assert result.returncode in (0, 1), result.stdout + result.stderr
    graph = offline.folder / "with-imports.ttl"
    graph.write_text(extra.read_text(encoding="utf-8"), encoding="utf-8")
    validate = offline.kg("validate", graph)
    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert offline.attempts() == []


REMOTE_CONTEXTS = {
    "string": lambda url: {"@context": f"{url}/context.jsonld", "@id": "http://example.org/s", "http://example.org/p": "o"},
    "list": lambda url: {"@context": [{"ex": "http://example.org/"}, f"{url}/context.jsonld"], "@id": "ex:s", "ex:p": "o"},
    "nested": lambda url: {"@context": {"ex": "http://example.org/"}, "@graph": [{"@context": f"{url}/c", "@id": "ex:s", "ex:p": "o"}]},
    "scoped": lambda url: {"@context": {"ex": "http://example.org/", "ex:p": {"@context": f"{url}/c"}}, "@id": "ex:s", "ex:p": {"ex:q": "o"}},
}


@pytest.mark.parametrize("shape", sorted(REMOTE_CONTEXTS))
def test_remote_json_ld_context_is_refused_not_fetched(offline: Offline, shape: str) -> None:
    path = offline.folder / f"{shape}.jsonld"
    path.write_text(json.dumps(REMOTE_CONTEXTS[shape](offline.internet.url)), encoding="utf-8")
    for command in (["validate", path], ["load", path, "--store", offline.folder / "store"], ["query", "--graph", path, "SELECT * WHERE { ?s ?p ?o }"]):
        result = offline.kg(*command)
        assert result.returncode == 2, (command, result.stdout, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and str(path.name) in lines[0] and "Traceback" not in result.stderr, result.stderr
    assert offline.attempts() == []


def test_json_ld_context_import_is_refused_not_fetched(offline: Offline) -> None:
    path = offline.folder / "import.jsonld"
    path.write_text(json.dumps({"@context": {"@import": f"{offline.internet.url}/import.jsonld", "ex": "http://example.org/"}, "@id": "ex:s", "ex:p": "o"}), encoding="utf-8")
    result = offline.kg("validate", path)
    assert offline.attempts() == [], offline.attempts()
    assert result.returncode == 2, result.stdout + result.stderr


def _rdf_xml(internet: Internet, entities: str, body: str) -> str:
    return (
        '<?xml version="1.0"?>\n'
        f"<!DOCTYPE rdf:RDF [\n{entities}\n]>\n"
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">\n'
        f'  <rdf:Description rdf:about="http://example.org/s">{body}</rdf:Description>\n'
        "</rdf:RDF>\n"
    )


def test_xml_external_entities_are_not_resolved(offline: Offline) -> None:
    """XXE: a file:///etc/passwd entity and a remote one. kg validate does not read RDF/XML at
    all; kg load and kg query (pyoxigraph) refuse external entities."""
    xml = _rdf_xml(
        offline.internet,
        '<!ENTITY xxe SYSTEM "file:///etc/passwd">\n'
        f'<!ENTITY remote SYSTEM "{offline.internet.url}/evil.xml">\n'
        '<!ENTITY % param SYSTEM "' + offline.internet.url + '/param.dtd"> %param;',
        "<ex:p>a&xxe;b</ex:p><ex:q>c&remote;d</ex:q>",
    )
    secret = Path("/etc/passwd").read_text(encoding="utf-8", errors="replace").split(":", 1)[0] + ":x:"
    for suffix in (".rdf", ".owl", ".xml"):
        path = offline.folder / f"xxe{suffix}"
        path.write_text(xml, encoding="utf-8")
        validate = offline.kg("validate", path)
        assert validate.returncode == 2 and "unknown RDF file extension" in validate.stderr
        for command in (
            ["load", path, "--store", offline.folder / f"store{suffix}"],
            ["query", "--graph", path, "--format", "csv", "SELECT ?o WHERE { ?s ?p ?o }"],
        ):
            result = offline.kg(*command)
            assert secret not in result.stdout + result.stderr
            assert "Traceback" not in result.stderr
            assert result.returncode in (0, 2), result.stderr
            if result.returncode == 2:
                assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert offline.attempts() == []


def test_rdflib_rdf_xml_parser_does_not_resolve_external_entities(tmp_path: Path, internet: Internet) -> None:
    """In case RDF/XML is ever read with rdflib: its SAX parser leaves external entities empty."""
    from rdflib import Graph

    path = tmp_path / "xxe.rdf"
    path.write_text(
        _rdf_xml(internet, f'<!ENTITY xxe SYSTEM "file:///etc/passwd">\n<!ENTITY remote SYSTEM "{internet.url}/evil">', "<ex:p>a&xxe;b&remote;c</ex:p>"),
        encoding="utf-8",
    )
    values = {str(o) for o in Graph().parse(path, format="xml").objects()}
    assert values == {"abc"}
    assert internet.requests == [] and internet.connections == 0


def test_rdf_xml_entity_expansion_is_bounded(offline: Offline) -> None:
    entities = ['<!ENTITY lol0 "lollollollollollollollollollol">']
    entities += [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    path = offline.folder / "laughs.rdf"
    path.write_text(_rdf_xml(offline.internet, "\n".join(entities), "<ex:p>&lol9;</ex:p>"), encoding="utf-8")
    result = offline.kg("query", "--graph", path, "--format", "csv", "SELECT (STRLEN(?o) AS ?n) WHERE { ?s ?p ?o }", limit_memory=True)
    assert result.returncode == 2, result.stderr[-500:]
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def _has_unshare() -> bool:
    if shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _has_unshare(), reason="cannot create a network namespace here (needs unshare -n)")
def test_everything_works_in_an_empty_network_namespace(tmp_path: Path) -> None:
    """The strongest form: no network device at all, Java included."""
    out = tmp_path / "out"
    for args in (["build", SEEDS, "-o", out], ["validate", out / "graph.ttl"], ["check-ontology", "--graph", out / "graph.ttl"]):
        result = subprocess.run(
            ["unshare", "-n", sys.executable, "-m", "kg", *(str(a) for a in args)], capture_output=True, text=True, cwd=ROOT, timeout=600
        )
        assert result.returncode == 0, (args, result.stdout, result.stderr)

