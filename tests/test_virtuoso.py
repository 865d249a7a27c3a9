"""kg load / kg query against a real Virtuoso (started by `.ci/virtuoso.sh start`).

Connection details come from the environment that `eval "$(.ci/virtuoso.sh start)"` sets
(KG_VIRTUOSO_HTTP, KG_VIRTUOSO_PORT, KG_STORE_PASSWORD), or from the script's state file
when the variables are not exported. With KG_REQUIRE_VIRTUOSO=1 (CI) a missing server is a
failure; otherwise these tests are skipped, loudly.
"""
from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import urllib.request
import uuid
import warnings
from pathlib import Path

import pytest
import rdflib

from kg import store as kgstore

pytestmark = pytest.mark.virtuoso

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "data" / "store" / "sample.ttl"
CANNED = ["backs", "strikes", "attacks-captures-timeline", "evacuations", "evidence", "both-sides", "casualties"]
HINT = 'start it with: eval "$(.ci/virtuoso.sh start)"'


def _state_file_env() -> dict[str, str]:
    """The variables .ci/virtuoso.sh wrote for a server it started, if any."""
    state = Path(os.environ.get("KG_VIRTUOSO_STATE") or f"{os.environ.get('TMPDIR', '/tmp')}/kg-virtuoso-{os.getuid()}")
    found: dict[str, str] = {}
    try:
        for line in (state / "env").read_text(encoding="utf-8").splitlines():
            key, _, value = line.removeprefix("export ").partition("=")
            found[key.strip()] = value.strip()
    except OSError:
        pass
    return found


def _answers(http_port: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"http://127.0.0.1:{http_port}/sparql?query=ASK%7B%7D", timeout=3) as reply:
            return reply.status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def virtuoso() -> dict[str, str]:
    """HTTP port and dba password of a running Virtuoso, or fail (CI) / skip (elsewhere)."""
    required = os.environ.get("KG_REQUIRE_VIRTUOSO", "") not in ("", "0")
    settings = {k: os.environ[k] for k in ("KG_VIRTUOSO_HTTP", "KG_STORE_PASSWORD") if os.environ.get(k)}
    if "KG_VIRTUOSO_HTTP" not in settings:
        settings = {**_state_file_env(), **settings}
    port, password = settings.get("KG_VIRTUOSO_HTTP"), settings.get("KG_STORE_PASSWORD")
    if not port:
        problem = "KG_VIRTUOSO_HTTP is not set and .ci/virtuoso.sh has no running server"
    elif not password:
        problem = "KG_STORE_PASSWORD is not set"
    elif not _answers(port):
        problem = f"nothing answers at http://127.0.0.1:{port}/sparql"
    else:
        return {"http": port, "password": password}
    if required:
        pytest.fail(f"KG_REQUIRE_VIRTUOSO=1 but {problem}; {HINT}", pytrace=False)
    pytest.skip(f"VIRTUOSO NOT RUNNING, Virtuoso tests skipped: {problem}; {HINT} "
                "(CI sets KG_REQUIRE_VIRTUOSO=1, which turns this into a failure)")


@pytest.fixture(scope="module")
def seed_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The graph `kg build seeds` makes (exit 1 = does not conform, still written)."""
    out = tmp_path_factory.mktemp("seeds-build")
    done = subprocess.run([sys.executable, "-m", "kg", "build", str(ROOT / "seeds"), "-o", str(out), "-q"],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)
    graph = out / "graph.ttl"
    if done.returncode in (0, 1) and graph.is_file():
        return graph
    warnings.warn(f"kg build seeds failed (exit {done.returncode}: {done.stderr.strip()[-300:]}); "
                  f"the Virtuoso tests use {SAMPLE.name} instead")
    return SAMPLE


def kg(*args: object, password: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("KG_STORE_PASSWORD", None)
    if password is not None:
        env["KG_STORE_PASSWORD"] = password
    return subprocess.run([sys.executable, "-m", "kg", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture(scope="module")
def loaded(virtuoso: dict[str, str], seed_graph: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The seed graph in a fresh named graph on Virtuoso and in an embedded store."""
    graph = f"https://example.org/kg-test/{uuid.uuid4().hex}"
    base = f"http://127.0.0.1:{virtuoso['http']}"
    store = tmp_path_factory.mktemp("virtuoso") / "store"
    local = kg("load", seed_graph, "--store", store)
    assert local.returncode == 0, local.stderr
    remote = kg("load", seed_graph, "--endpoint", f"{base}/sparql-graph-crud-auth", "--graph", graph,
                "--user", "dba", password=virtuoso["password"])
    assert remote.returncode == 0, remote.stderr
    yield {"graph": graph, "base": base, "store": store, "file": seed_graph,
           "local": local.stdout, "remote": remote.stdout, "password": virtuoso["password"]}
    kg("query", f"DROP SILENT GRAPH <{graph}>", "--endpoint", f"{base}/sparql-auth", "--user", "dba", "--update",
       password=virtuoso["password"])


def test_same_triple_count_in_file_store_and_virtuoso(loaded) -> None:  # type: ignore[no-untyped-def]
    in_file = len(rdflib.Graph().parse(loaded["file"]))
    assert in_file > 0
    assert loaded["local"].strip() == f"loaded {in_file} triples into {loaded['store']} (graph default)"
    assert kgstore.count_store(loaded["store"]) == in_file
    assert loaded["remote"].splitlines() == [
        f"loaded {in_file} triples into {loaded['base']}/sparql-graph-crud-auth (graph {loaded['graph']})",
        f"server holds {in_file} triples in graph {loaded['graph']}",
    ]
    assert kgstore.count_remote(f"{loaded['base']}/sparql", loaded["graph"]) == in_file


def test_backs_same_on_virtuoso_and_store(loaded) -> None:  # type: ignore[no-untyped-def]
    local = kg("query", "backs", "--store", loaded["store"], "--format", "csv")
    remote = kg("query", ROOT / "queries" / "backs.rq", "--endpoint", f"{loaded['base']}/sparql",
                "--default-graph", loaded["graph"], "--format", "csv")
    assert remote.returncode == 0, remote.stderr
    local_rows, remote_rows = csv_rows(local.stdout), csv_rows(remote.stdout)
    assert len(local_rows) > 1 or loaded["file"] == SAMPLE
    assert remote_rows[0] == local_rows[0]
    # Virtuoso orders IRIs its own way on ties; the counts per pair must agree exactly.
    assert sorted(remote_rows[1:]) == sorted(local_rows[1:])


@pytest.mark.parametrize("name", [n for n in CANNED if n != "backs"])
def test_every_canned_query_runs_on_virtuoso(loaded, name: str) -> None:  # type: ignore[no-untyped-def]
    local = kg("query", name, "--store", loaded["store"], "--format", "csv")
    remote = kg("query", name, "--endpoint", f"{loaded['base']}/sparql", "--default-graph", loaded["graph"],
                "--format", "csv")
    assert remote.returncode == 0, remote.stderr
    assert sorted(csv_rows(remote.stdout)) == sorted(csv_rows(local.stdout))


def test_bindings_and_ask_on_virtuoso(loaded) -> None:  # type: ignore[no-untyped-def]
    sparql = f"{loaded['base']}/sparql"
    backs = csv_rows(kg("query", "backs", "--store", loaded["store"], "--format", "csv").stdout)
    if len(backs) < 2:
        pytest.skip("the seed graph has no kg:backs relation")
    backer = backs[1][0]
    args = ["--bind", f"s={backer}", "--bind", "p=kg:backs", "--format", "csv"]
    local = kg("query", "evidence", "--store", loaded["store"], *args)
    remote = kg("query", "evidence", "--endpoint", sparql, "--default-graph", loaded["graph"], *args)
    assert remote.returncode == 0, remote.stderr
    assert sorted(csv_rows(remote.stdout)) == sorted(csv_rows(local.stdout)) and len(csv_rows(local.stdout)) > 1
    ask = f"ASK {{ <{backer}> kg:backs ?o }}"
    assert kg("query", ask, "--endpoint", sparql, "--default-graph", loaded["graph"]).stdout == "true\n"
    never = "ASK { <https://example.org/nobody> kg:backs ?o }"
    assert kg("query", never, "--endpoint", sparql, "--default-graph", loaded["graph"]).stdout == "false\n"


def test_updates_refused_on_virtuoso(loaded) -> None:  # type: ignore[no-untyped-def]
    result = kg("query", f"CLEAR GRAPH <{loaded['graph']}>", "--endpoint", f"{loaded['base']}/sparql-auth",
                "--user", "dba", password=loaded["password"])
    assert result.returncode == 2 and "--update" in result.stderr
    assert kgstore.count_remote(f"{loaded['base']}/sparql", loaded["graph"]) > 0


def test_replace_uses_put(virtuoso: dict[str, str], tmp_path: Path) -> None:
    graph = f"https://example.org/kg-test/{uuid.uuid4().hex}"
    endpoint = f"http://127.0.0.1:{virtuoso['http']}/sparql-graph-crud-auth"
    small = tmp_path / "small.nt"
    small.write_text('<https://example.org/a> <https://example.org/p> "café ’ x"@en .\n', encoding="utf-8")
    try:
        assert kg("load", SAMPLE, "--endpoint", endpoint, "--graph", graph, "--user", "dba",
                  password=virtuoso["password"]).returncode == 0
        again = kg("load", small, "--endpoint", endpoint, "--graph", graph, "--user", "dba", "--replace",
                   password=virtuoso["password"])
        assert again.returncode == 0, again.stderr
        assert again.stdout.splitlines()[-1] == f"server holds 1 triples in graph {graph}"
        back = kg("query", "SELECT ?o WHERE { ?s ?p ?o }", "--endpoint", f"http://127.0.0.1:{virtuoso['http']}/sparql",
                  "--default-graph", graph, "--format", "json")
        assert '"value": "café ’ x"' in back.stdout and '"xml:lang": "en"' in back.stdout
    finally:
        kg("query", f"DROP SILENT GRAPH <{graph}>", "--endpoint", f"http://127.0.0.1:{virtuoso['http']}/sparql-auth",
           "--user", "dba", "--update", password=virtuoso["password"])


def test_wrong_password_fails_cleanly(virtuoso: dict[str, str]) -> None:
    wrong = "Not" + virtuoso["password"][::-1]
    result = kg("load", SAMPLE, "--endpoint", f"http://127.0.0.1:{virtuoso['http']}/sparql-graph-crud-auth",
                "--graph", "https://example.org/kg-test/wrong", "--user", "dba", password=wrong)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "401" in lines[0] and "dba" in lines[0]
    for secret in (wrong, virtuoso["password"]):
        assert secret not in result.stderr and secret not in result.stdout


def _staging_graphs(base: str) -> int:
    query = ('SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), "urn:kg:staging:")) }')
    answer = kg("query", query, "--endpoint", f"{base}/sparql", "--format", "csv")
    assert answer.returncode == 0, answer.stderr
    return int(csv_rows(answer.stdout)[1][0])


def test_chunked_load_is_all_or_nothing(virtuoso: dict[str, str], seed_graph: Path, tmp_path: Path) -> None:
    """A file larger than --chunk-bytes goes in chunks into a staging graph that is swapped in.
    When Virtuoso rejects a chunk midway (KG_TEST_BAD_CHUNK makes chunk 3 invalid N-Triples),
    the target graph is exactly as it was and the staging graph is gone; a load that goes
    through holds what a one-request load holds."""
    base = f"http://127.0.0.1:{virtuoso['http']}"
    endpoint = f"{base}/sparql-graph-crud-auth"
    graph, whole = (f"https://example.org/kg-test/{uuid.uuid4().hex}" for _ in range(2))
    small = tmp_path / "small.nt"
    small.write_text('<https://example.org/a> <https://example.org/p> "kept" .\n', encoding="utf-8")
    login = ("--user", "dba")
    chunked = ("--chunk-bytes", "20000")

    def load(path: Path, target: str, *args: str, bad_chunk: str | None = None) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k != "KG_TEST_BAD_CHUNK"}
        env["KG_STORE_PASSWORD"] = virtuoso["password"]
        if bad_chunk is not None:
            env["KG_TEST_BAD_CHUNK"] = bad_chunk
        return subprocess.run([sys.executable, "-m", "kg", "load", str(path), "--endpoint", endpoint, "--graph", target,
                               *login, *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)

    try:
        one = load(seed_graph, whole)
        assert one.returncode == 0, one.stderr
        n = kgstore.count_remote(f"{base}/sparql", whole)
        assert load(small, graph).returncode == 0
        for extra in ((), ("--replace",)):
            failed = load(seed_graph, graph, *chunked, *extra, bad_chunk="3")
            assert failed.returncode == 2 and failed.stdout == ""
            lines = failed.stderr.strip().splitlines()
            assert len(lines) == 1, failed.stderr
            assert "the load stopped at chunk 3" in lines[0] and f"graph {graph} is unchanged" in lines[0]
            assert lines[0].endswith("staging graph dropped")
            assert kgstore.count_remote(f"{base}/sparql", graph) == 1
            assert _staging_graphs(base) == 0
        added = load(seed_graph, graph, *chunked)
        assert added.returncode == 0, added.stderr
        assert added.stdout.splitlines() == [f"loaded {n} triples into {endpoint} (graph {graph})",
                                             f"server holds {n + 1} triples in graph {graph}"]
        replaced = load(seed_graph, graph, *chunked, "--replace")
        assert replaced.returncode == 0, replaced.stderr
        assert replaced.stdout.splitlines()[-1] == f"server holds {n} triples in graph {graph}"
        same = ("ASK { FILTER NOT EXISTS { GRAPH <%s> { ?s ?p ?o } FILTER NOT EXISTS { GRAPH <%s> { ?s ?p ?o } } } }"
                % (graph, whole))
        assert kg("query", same, "--endpoint", f"{base}/sparql").stdout == "true\n"
        assert _staging_graphs(base) == 0
    finally:
        for name in (graph, whole):
            kg("query", f"DROP SILENT GRAPH <{name}>", "--endpoint", f"{base}/sparql-auth", "--user", "dba", "--update",
               password=virtuoso["password"])


def test_ranked_evidence_pages_on_virtuoso(loaded) -> None:  # type: ignore[no-untyped-def]
    """A page of evidence.rq is a VALUES block of kg:rank literals: Virtuoso must match them as
    the embedded store does (the same ranks, so the same rows), unbound and for one relation."""
    sparql = f"{loaded['base']}/sparql"
    backs = csv_rows(kg("query", "backs", "--store", loaded["store"], "--format", "csv").stdout)
    if len(backs) < 2:
        pytest.skip("the seed graph has no kg:backs relation")
    bound = ["--bind", f"s={backs[1][0]}", "--bind", "p=kg:backs", "--bind", f"o={backs[1][2]}"]
    for args in (["--limit", "7", "--offset", "3"], [*bound, "--limit", "2", "--offset", "1"]):
        local = kg("query", "evidence", "--store", loaded["store"], "--format", "csv", *args)
        remote = kg("query", "evidence", "--endpoint", sparql, "--default-graph", loaded["graph"], "--format", "csv", *args)
        assert remote.returncode == 0, remote.stderr
        assert sorted(csv_rows(remote.stdout)) == sorted(csv_rows(local.stdout)) and len(csv_rows(local.stdout)) > 1


def test_event_pages_on_virtuoso(loaded) -> None:  # type: ignore[no-untyped-def]
    """A page of an event listing walks kg:eventRank, kg:kindRank or kg:casualtyRank: Virtuoso must give the rows
    the embedded store gives, for the whole listing and for one bound actor."""
    sparql = f"{loaded['base']}/sparql"
    for name, args in (("strikes", ["--limit", "5", "--offset", "2"]), ("attacks-captures-timeline", ["--limit", "4"]),
                       ("strikes", ["--bind", "actor=ent:russia", "--limit", "3", "--offset", "1"]),
                       ("casualties", ["--limit", "3", "--offset", "1"]), ("evacuations", ["--limit", "2", "--offset", "1"])):
        local = kg("query", name, "--store", loaded["store"], "--format", "csv", *args)
        remote = kg("query", name, "--endpoint", sparql, "--default-graph", loaded["graph"], "--format", "csv", *args)
        assert remote.returncode == 0, remote.stderr
        assert csv_rows(remote.stdout) == csv_rows(local.stdout) and len(csv_rows(local.stdout)) > 1, (name, args)
