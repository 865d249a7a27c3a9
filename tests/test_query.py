"""kg query and kg/query.py: canned queries on the fixture graph, formats, bindings, update refusal."""
from __future__ import annotations

import csv
import http.server
import io
import json
import threading
import urllib.parse
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.plugins.sparql.parser import parseQuery

from kg import query as kgquery
from kg import store as kgstore
from kg.errors import KgError

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "queries"
SAMPLE = Path(__file__).parent / "data" / "store" / "sample.ttl"
G = "https://example.org/graph/sample"
CANNED = ["backs", "strikes", "attacks-captures-timeline", "evacuations", "evidence", "both-sides", "casualties"]


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("query") / "store"
    kgstore.load_into_store(SAMPLE, directory)
    return directory


def table(store_dir: Path, name: str, **bind: str) -> list[list[str]]:
    """Rows of a canned query as displayed strings (prefixed names, plain values)."""
    text = kgquery.read_query(str(QUERIES / f"{name}.rq"))
    bindings = kgquery.parse_bindings([f"{k}={v}" for k, v in bind.items()], text)
    result = kgquery.run(text, kgquery.Source("store", str(store_dir)), bindings)
    assert isinstance(result, kgquery.SelectResult)
    return [[kgquery.display(term) for term in row] for row in result.rows]


def columns(store_dir: Path, name: str, *wanted: str, **bind: str) -> list[tuple[str, ...]]:
    text = kgquery.read_query(str(QUERIES / f"{name}.rq"))
    bindings = kgquery.parse_bindings([f"{k}={v}" for k, v in bind.items()], text)
    result = kgquery.run(text, kgquery.Source("store", str(store_dir)), bindings)
    assert isinstance(result, kgquery.SelectResult)
    index = [result.variables.index(name) for name in wanted]
    return [tuple(kgquery.display(row[i]) for i in index) for row in result.rows]


# ---------------------------------------------------------------- the canned queries


@pytest.mark.parametrize("name", CANNED)
def test_canned_query_files_are_documented_standard_sparql(name: str) -> None:
    text = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    first, second = text.splitlines()[:2]
    assert first.startswith("# ") and len(first) > 5
    assert second.startswith("# ") and len(second) > 20
    parseQuery(text)  # plain SPARQL 1.1 with its own PREFIX lines, no kg-only syntax
    assert f"{name}.rq" in (QUERIES / "README.md").read_text(encoding="utf-8")


def test_backs(store_dir: Path) -> None:
    assert table(store_dir, "backs") == [
        ["ent:iran", "Iran", "ent:syrian-government", "Syrian government", "2", "2", "2024-11-30", "2024-12-02"],
        ["ent:russia", "Russia", "ent:syrian-government", "Syrian government", "1", "1", "2016-12-24", "2016-12-24"],
        ["ent:turkey", "Turkey", "ent:sna", "Syrian National Army", "1", "1", "2024-12-02", "2024-12-02"],
    ]


def test_strikes(store_dir: Path) -> None:
    assert columns(store_dir, "strikes", "actor", "target", "place", "date", "doc", "title") == [
        ("ent:russia", "ent:idlib", "ent:idlib", "2016-12-24", "doc:000_d053f4596e0511ff", "Russian jets step up strikes on Idlib"),
        ("ent:hts", "ent:sna", "", "2024-12-03", "doc:001_2ee66f902f40f20f", "Thousands flee Tal Rifaat as fighting spreads"),
        ("ent:syrian-government", "ent:hts", "ent:idlib", "", "doc:002_6aedafef10f2137f", "Rebels take Aleppo in lightning offensive"),
    ]
    assert columns(store_dir, "strikes", "event", actor="ent:russia") == [("event:9a1f0c",)]


def test_attacks_captures_timeline_undated_last(store_dir: Path) -> None:
    assert columns(store_dir, "attacks-captures-timeline", "date", "kind", "actor", "target", "event") == [
        ("2024-11-27", "kg:Attack", "ent:hts", "ent:aleppo", "event:2d9c77"),
        ("2024-11-30", "kg:Capture", "ent:hts", "ent:aleppo", "event:f10c6d"),
        ("2024-12-02", "kg:Attack", "ent:sdf", "ent:sna", "event:a6e402"),
        ("", "kg:Attack", "ent:sna", "ent:sdf", "event:5f0b93"),
    ]


def test_evacuations(store_dir: Path) -> None:
    assert columns(store_dir, "evacuations", "who", "origin", "destination", "count", "qualifier", "date") == [
        ("ent:civilians", "ent:tal-rifaat", "ent:tabqa", "120000", "about", "2024-12-01"),
    ]


def test_evidence_for_one_relation(store_dir: Path) -> None:
    rows = columns(store_dir, "evidence", "sentence", "doc", "start", "end", s="ent:iran", p="kg:backs")
    assert rows == [
        ("Iran, which has backed the Syrian government throughout the war, sent more militias.",
         "doc:001_2ee66f902f40f20f", "410", "494"),
        ("Tehran is the main backer of Assad's government alongside Moscow.", "doc:002_6aedafef10f2137f", "1200", "1265"),
    ]
    russia = columns(store_dir, "evidence", "o", "sentence", s="ent:russia", p="kg:backs")
    assert russia == [("ent:syrian-government", "Russia, Assad's main backer, has stepped up its air campaign.")]
    full = columns(store_dir, "evidence", "s", "p", "o", s="https://w3id.org/kg-conflict/entity/russia",
                   p="kg:strikes", o="ent:idlib")
    assert full == [("ent:russia", "kg:strikes", "ent:idlib")]
    assert len(table(store_dir, "evidence")) == 14  # one sentence per assertion in the fixture


def test_both_sides(store_dir: Path) -> None:
    assert table(store_dir, "both-sides") == [
        ["ent:sna", "kg:allyOf", "ent:hts", "ent:hts", "kg:strikes", "ent:sna", "friends yet hostile"],
        ["ent:sdf", "kg:attacks", "ent:sna", "ent:sna", "kg:attacks", "ent:sdf", "hostile both ways"],
    ]


def test_casualties(store_dir: Path) -> None:
    assert columns(store_dir, "casualties", "event", "killed", "killedQualifier", "injured", "reportedBy") == [
        ("event:9a1f0c", "12", "at least", "", "ent:sohr"),
        ("event:2d9c77", "", "", "15", ""),
        ("event:4b7e21", "3", "", "7", "ent:white-helmets"),
    ]


# ---------------------------------------------------------------- formats


def test_table_format(kg, store_dir: Path) -> None:
    result = kg("query", QUERIES / "backs.rq", "--store", store_dir)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["backer", "backerLabel", "backed", "backedLabel", "sentences", "documents", "first", "last"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    assert lines[2].split()[:1] == ["ent:iran"] and lines[-1] == "(3 rows)"
    starts = [lines[0].index("backed "), lines[2].index("ent:syrian-government")]
    assert starts[0] == starts[1]  # columns are aligned


def test_csv_format(kg, store_dir: Path) -> None:
    result = kg("query", "backs", "--store", store_dir, "--format", "csv")
    assert result.exit_code == 0, result.output
    text = kgquery.format_result(kgquery.run("SELECT ?x WHERE { VALUES ?x { 1 2 } }",
                                             kgquery.Source("store", str(store_dir))), "csv")
    assert text == "x\r\n1\r\n2\r\n"  # RFC 4180 line ends, as SPARQL CSV asks
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["backer", "backerLabel", "backed", "backedLabel", "sentences", "documents", "first", "last"]
    assert rows[1] == ["https://w3id.org/kg-conflict/entity/iran", "Iran",
                       "https://w3id.org/kg-conflict/entity/syrian-government", "Syrian government", "2", "2",
                       "2024-11-30", "2024-12-02"]


def test_tsv_format(kg, store_dir: Path) -> None:
    result = kg("query", "backs", "--store", store_dir, "--format", "tsv")
    lines = result.stdout.splitlines()
    assert lines[0] == "?backer\t?backerLabel\t?backed\t?backedLabel\t?sentences\t?documents\t?first\t?last"
    assert lines[1].split("\t")[0] == "<https://w3id.org/kg-conflict/entity/iran>"
    assert lines[1].split("\t")[4] == '"2"^^<http://www.w3.org/2001/XMLSchema#integer>'


def test_json_format_is_sparql_results(kg, store_dir: Path) -> None:
    result = kg("query", "evacuations", "--store", store_dir, "--format", "json")
    document = json.loads(result.stdout)
    assert document["head"]["vars"][:3] == ["who", "origin", "destination"]
    row = document["results"]["bindings"][0]
    assert row["who"] == {"type": "uri", "value": "https://w3id.org/kg-conflict/entity/civilians"}
    assert row["qualifier"] == {"type": "literal", "value": "about"}
    assert row["date"]["datatype"] == "http://www.w3.org/2001/XMLSchema#date"
    parsed = ox.parse_query_results(result.stdout, format=ox.QueryResultsFormat.JSON)
    assert len(list(parsed)) == 1


@pytest.mark.parametrize("query,answer", [
    ("ASK { ent:russia kg:strikes ent:idlib }", "true"),
    ("ASK { ent:iran kg:strikes ent:idlib }", "false"),
])
def test_ask_prints_true_or_false_and_exits_0(kg, store_dir: Path, query: str, answer: str) -> None:
    result = kg("query", query, "--store", store_dir)
    assert result.exit_code == 0 and result.stdout == answer + "\n"
    as_json = kg("query", query, "--store", store_dir, "--format", "json")
    assert json.loads(as_json.stdout) == {"head": {}, "boolean": answer == "true"}


def test_construct_gives_turtle(kg, store_dir: Path) -> None:
    result = kg("query", "CONSTRUCT { ?s kg:backs ?o } WHERE { ?s kg:backs ?o }", "--store", store_dir)
    assert result.exit_code == 0, result.output
    assert "@prefix kg: <https://w3id.org/kg-conflict/ontology#>" in result.stdout
    assert "ent:iran kg:backs ent:syrian-government" in result.stdout
    assert len(rdflib.Graph().parse(data=result.stdout, format="turtle")) == 3
    nt = kg("query", "DESCRIBE ent:iran", "--store", store_dir, "--format", "nt")
    assert len(rdflib.Graph().parse(data=nt.stdout, format="nt")) == 6
    assert "give triples" in kg("query", "DESCRIBE ent:iran", "--store", store_dir, "--format", "csv").stderr


def test_select_star_keeps_query_order(store_dir: Path) -> None:
    text = "SELECT * WHERE { ?subject kg:backs ?object ; rdfs:label ?name }"
    result = kgquery.run(text, kgquery.Source("store", str(store_dir)))
    assert isinstance(result, kgquery.SelectResult)
    assert result.variables == ["subject", "object", "name"]


def test_query_an_rdf_file(kg) -> None:
    result = kg("query", "backs", "--graph", SAMPLE, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 4


def test_default_graph_option(kg, tmp_path: Path) -> None:
    directory = tmp_path / "store"
    kgstore.load_into_store(SAMPLE, directory, graph=G)
    extra = tmp_path / "extra.ttl"
    extra.write_text("@prefix kg: <https://w3id.org/kg-conflict/ontology#> .\n"
                     "<https://example.org/x> kg:backs <https://example.org/y> .\n", encoding="utf-8")
    kgstore.load_into_store(extra, directory)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s kg:backs ?o }"
    union = kg("query", count, "--store", directory, "--format", "csv")
    assert union.stdout.splitlines()[1] == "4"  # default: the union of all graphs
    only = kg("query", count, "--store", directory, "--format", "csv", "--default-graph", G)
    assert only.stdout.splitlines()[1] == "3"


# ---------------------------------------------------------------- updates are refused


UPDATES = [
    "INSERT DATA { ent:a kg:backs ent:b }",
    "insert data { <https://example.org/a> <https://example.org/p> 1 }",
    "PREFIX x: <https://example.org/>\n# a comment\nDELETE WHERE { ?s ?p ?o }",
    "DELETE { ?s ?p ?o } WHERE { ?s kg:backs ?o }",
    "WITH <https://example.org/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "LOAD <https://example.org/remote.ttl>",
    "CLEAR ALL",
    "DROP GRAPH <https://example.org/g>",
    "CREATE GRAPH <https://example.org/g>",
    "ADD DEFAULT TO <https://example.org/g>",
    "MOVE DEFAULT TO <https://example.org/g>",
    "COPY DEFAULT TO <https://example.org/g>",
    "CLEAR DEFAULT ; INSERT DATA { ent:a kg:backs ent:b }",
]


@pytest.mark.parametrize("update", UPDATES)
def test_updates_are_refused_without_flag(kg, store_dir: Path, update: str) -> None:
    before = kgstore.count_store(store_dir)
    result = kg("query", update, "--store", store_dir)
    assert result.exit_code == 2
    assert result.stderr.strip() == f"kg: {kgquery.REFUSED_UPDATE}"
    assert kgstore.count_store(store_dir) == before


@pytest.mark.parametrize("update", UPDATES[:3])
def test_updates_refused_on_files(kg, update: str) -> None:
    result = kg("query", update, "--graph", SAMPLE, "--update")
    assert result.exit_code == 2 and "never changed" in result.stderr


def test_update_with_flag(kg, tmp_path: Path) -> None:
    directory = tmp_path / "store"
    kgstore.load_into_store(SAMPLE, directory)
    before = kgstore.count_store(directory)
    result = kg("query", "INSERT DATA { ent:a kg:backs ent:b }", "--store", directory, "--update")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"update done: {directory} holds {before + 1} triples (was {before})"
    ask = kg("query", "ASK { ent:a kg:backs ent:b }", "--store", directory, "--update")
    assert ask.stdout.strip() == "true"  # queries still run as queries with --update
    assert "--bind works with queries" in kg("query", "DELETE WHERE { ?s kg:backs ?o }", "--store", directory,
                                              "--update", "--bind", "s=ent:a").stderr


def test_syntax_error_is_one_line(kg, store_dir: Path) -> None:
    result = kg("query", "SELECT * WHERE { ?s ?p }", "--store", store_dir)
    assert result.exit_code == 2 and result.stderr.startswith("kg: query syntax error:")
    assert len(result.stderr.strip().splitlines()) == 1


# ---------------------------------------------------------------- bindings


def test_to_term() -> None:
    assert kgquery.to_term("ent:russia") == ox.NamedNode("https://w3id.org/kg-conflict/entity/russia")
    assert kgquery.to_term("kg:backs") == ox.NamedNode("https://w3id.org/kg-conflict/ontology#backs")
    assert kgquery.to_term("https://example.org/x") == ox.NamedNode("https://example.org/x")
    assert kgquery.to_term("<urn:x:1>") == ox.NamedNode("urn:x:1")
    assert kgquery.to_term("Idlib") == ox.Literal("Idlib")
    assert kgquery.to_term("nope:thing") == ox.Literal("nope:thing")  # unknown prefix: a string
    assert kgquery.to_term("12:30") == ox.Literal("12:30")
    assert kgquery.to_term("two words") == ox.Literal("two words")


def test_bind_uses_query_prefixes() -> None:
    text = "PREFIX my: <https://example.org/my#> SELECT ?x WHERE { ?x ?p ?o }"
    assert kgquery.parse_bindings(["x=my:thing"], text) == {"x": ox.NamedNode("https://example.org/my#thing")}


def test_bind_value_is_never_pasted_into_the_query(kg, tmp_path: Path) -> None:
    directory = tmp_path / "store"
    kgstore.load_into_store(SAMPLE, directory)
    before = kgstore.count_store(directory)
    hostile = 'x" } } ; DROP ALL ; SELECT * WHERE { ?s ?p "'
    result = kg("query", "SELECT ?name WHERE { ?e rdfs:label ?name }", "--store", directory,
                "--bind", f"name={hostile}", "--update", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["name"]
    assert kgstore.count_store(directory) == before
    label = kg("query", "SELECT ?e ?name WHERE { ?e rdfs:label ?name }", "--store", directory,
               "--bind", "name=Syrian National Army")
    assert "ent:sna" in label.stdout and "(1 row)" in label.stdout


@pytest.mark.parametrize("args,message", [
    (["--bind", "zz=ent:russia"], "the query has no variable ?zz"),
    (["--bind", "justaname"], "expected NAME=VALUE"),
    (["--bind", "s=<not an iri>"], "--bind"),
])
def test_bad_bindings(kg, store_dir: Path, args: list[str], message: str) -> None:
    result = kg("query", "evidence", "--store", store_dir, *args)
    assert result.exit_code == 2 and message in result.stderr


def test_bound_variable_must_be_selected(kg, store_dir: Path) -> None:
    result = kg("query", "SELECT (COUNT(*) AS ?n) WHERE { ?s kg:backs ?o }", "--store", store_dir, "--bind", "s=ent:iran")
    assert result.exit_code == 2 and "not in the query's SELECT list" in result.stderr


@pytest.mark.parametrize("text,expected", [
    ("SELECT ?s WHERE { ?s ?p ?o }", "SELECT ?s WHERE { VALUES (?s) { (<urn:x>) }  ?s ?p ?o }"),
    ("SELECT ?s { ?s ?p ?o }", "SELECT ?s { VALUES (?s) { (<urn:x>) }  ?s ?p ?o }"),
    ("PREFIX a: <urn:{x}> SELECT (EXISTS { ?s ?p ?o } AS ?e) ?s # { not this\nWHERE { ?s ?p '{' }",
     "PREFIX a: <urn:{x}> SELECT (EXISTS { ?s ?p ?o } AS ?e) ?s # { not this\nWHERE { VALUES (?s) { (<urn:x>) }  ?s ?p '{' }"),
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT { ?s ?p ?o } WHERE { VALUES (?s) { (<urn:x>) }  ?s ?p ?o }"),
    ("CONSTRUCT { ?s ?p ?o } FROM <urn:g> { ?s ?p ?o }", "CONSTRUCT { ?s ?p ?o } FROM <urn:g> { VALUES (?s) { (<urn:x>) }  ?s ?p ?o }"),
    ("ASK { ?s ?p \"}\" }", "ASK { VALUES (?s) { (<urn:x>) }  ?s ?p \"}\" }"),
    ("DESCRIBE ?s WHERE { ?s ?p ?o }", "DESCRIBE ?s WHERE { VALUES (?s) { (<urn:x>) }  ?s ?p ?o }"),
])
def test_values_block_goes_first_in_outer_where(text: str, expected: str) -> None:
    assert kgquery.with_values(text, {"s": ox.NamedNode("urn:x")}) == expected


def test_values_block_terms_are_serialised() -> None:
    out = kgquery.with_values("SELECT ?a ?b WHERE { ?a ?p ?b }",
                              {"a": ox.Literal('say "hi"\n'), "b": ox.NamedNode("https://example.org/b")})
    assert 'VALUES (?a ?b) { ("say \\"hi\\"\\n" <https://example.org/b>) }' in out
    parseQuery(out)


def test_short_construct_cannot_take_values() -> None:
    with pytest.raises(KgError, match="long form"):
        kgquery.with_values("CONSTRUCT WHERE { ?s ?p ?o }", {"s": ox.NamedNode("urn:x")})


def test_compact_names() -> None:
    assert kgquery.compact("https://w3id.org/kg-conflict/entity/russia") == "ent:russia"
    assert kgquery.compact("https://w3id.org/kg-conflict/ontology#backs") == "kg:backs"
    assert kgquery.compact("https://example.org/x") == "<https://example.org/x>"
    assert kgquery.compact("https://w3id.org/kg-conflict/entity/a/b") == "<https://w3id.org/kg-conflict/entity/a/b>"


# ---------------------------------------------------------------- reading queries, choosing sources


def test_read_query_sources(tmp_path: Path) -> None:
    path = tmp_path / "q.rq"
    path.write_text("ASK {}", encoding="utf-8")
    assert kgquery.read_query(str(path)) == "ASK {}"
    assert kgquery.read_query("backs") == (QUERIES / "backs.rq").read_text(encoding="utf-8")
    assert kgquery.read_query("ASK { ?s ?p ?o }") == "ASK { ?s ?p ?o }"
    with pytest.raises(KgError, match="no such file"):
        kgquery.read_query(str(tmp_path / "missing.rq"))
    with pytest.raises(KgError, match="canned query name .*backs, both-sides"):
        kgquery.read_query("bakcs")


def test_no_store_explains_what_to_do(kg, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = kg("query", "backs")
    assert result.exit_code == 2 and "out/store does not exist" in result.stderr


def test_default_store_is_used(kg, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    kgstore.load_into_store(SAMPLE, Path("out/store"))
    result = kg("query", "backs", "--format", "csv")
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 4


def test_not_a_store(kg, tmp_path: Path) -> None:
    result = kg("query", "backs", "--store", tmp_path)
    assert result.exit_code == 2 and "not a kg store" in result.stderr
    result = kg("query", "backs", "--store", tmp_path / "missing")
    assert result.exit_code == 2 and "no store here" in result.stderr


def test_one_source_only(kg, store_dir: Path) -> None:
    result = kg("query", "backs", "--store", store_dir, "--graph", SAMPLE)
    assert result.exit_code == 2 and "only one of" in result.stderr


# ---------------------------------------------------------------- endpoints (a fake SPARQL server)


class FakeEndpoint:
    """Answers SPARQL Protocol POSTs from a pyoxigraph store holding the fixture in graph G."""

    def __init__(self, virtuoso_ask: bool = False) -> None:
        self.store = ox.Store()
        self.store.load(path=str(SAMPLE), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(G))
        self.virtuoso_ask = virtuoso_ask
        self.forms: list[dict[str, list[str]]] = []
        endpoint = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                form = urllib.parse.parse_qs(body)
                endpoint.forms.append(form)
                if "update" in form:
                    endpoint.store.update(form["update"][0])
                    return self.reply(200, b"", "text/plain")
                graphs = form.get("default-graph-uri")
                options = {"default_graph": ox.NamedNode(graphs[0])} if graphs else {"use_default_graph_as_union": True}
                answer = endpoint.store.query(form["query"][0], **options)
                if isinstance(answer, ox.QueryTriples):
                    return self.reply(200, ox.serialize(answer, format=ox.RdfFormat.N_TRIPLES), "application/n-triples")
                if isinstance(answer, ox.QueryBoolean) and endpoint.virtuoso_ask:
                    rows = '[{"__ASK_RETVAL": {"type": "typed-literal", "datatype": ' \
                           '"http://www.w3.org/2001/XMLSchema#integer", "value": "1"}}]' if bool(answer) else "[]"
                    text = '{"head": {"link": [], "vars": ["__ASK_RETVAL"]}, "results": {"bindings": %s}}' % rows
                    return self.reply(200, text.encode(), "application/sparql-results+json")
                self.reply(200, answer.serialize(format=ox.QueryResultsFormat.JSON), "application/sparql-results+json")

            def reply(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/sparql"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def endpoint(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeEndpoint]:
    monkeypatch.setenv("HOME", str(tmp_path))
    fake = FakeEndpoint()
    yield fake
    fake.close()


@pytest.mark.parametrize("name", CANNED)
def test_endpoint_answers_match_the_store(kg, store_dir: Path, endpoint: FakeEndpoint, name: str) -> None:
    local = kg("query", name, "--store", store_dir, "--format", "tsv")
    remote = kg("query", name, "--endpoint", endpoint.url, "--default-graph", G, "--format", "tsv")
    assert remote.exit_code == 0, remote.output
    assert remote.stdout == local.stdout
    assert endpoint.forms[-1]["default-graph-uri"] == [G]


def test_endpoint_bindings_become_values(kg, store_dir: Path, endpoint: FakeEndpoint) -> None:
    args = ["--bind", "s=ent:iran", "--bind", "p=kg:backs", "--format", "csv"]
    local = kg("query", "evidence", "--store", store_dir, *args)
    remote = kg("query", "evidence", "--endpoint", endpoint.url, *args)
    assert remote.exit_code == 0, remote.output
    assert remote.stdout == local.stdout and len(remote.stdout.splitlines()) == 3
    sent = endpoint.forms[-1]["query"][0]
    assert "VALUES (?s ?p) { (<https://w3id.org/kg-conflict/entity/iran> <https://w3id.org/kg-conflict/ontology#backs>) }" in sent


def test_endpoint_prefixes_added(kg, endpoint: FakeEndpoint) -> None:
    result = kg("query", "SELECT ?o WHERE { ent:turkey kg:backs ?o }", "--endpoint", endpoint.url)
    assert result.exit_code == 0 and "ent:sna" in result.stdout
    assert "PREFIX ent: <https://w3id.org/kg-conflict/entity/>" in endpoint.forms[-1]["query"][0]


def test_endpoint_ask_construct(kg, endpoint: FakeEndpoint) -> None:
    assert kg("query", "ASK { ent:turkey kg:backs ent:sna }", "--endpoint", endpoint.url).stdout == "true\n"
    result = kg("query", "CONSTRUCT { ?s kg:backs ?o } WHERE { ?s kg:backs ?o }", "--endpoint", endpoint.url,
                "--bind", "s=ent:turkey")
    assert result.exit_code == 0, result.output
    assert len(rdflib.Graph().parse(data=result.stdout, format="turtle")) == 1


@pytest.mark.parametrize("answer", [True, False])
def test_virtuoso_style_ask_is_read_as_boolean(kg, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, answer: bool) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    fake = FakeEndpoint(virtuoso_ask=True)
    try:
        target = "ent:sna" if answer else "ent:iran"
        result = kg("query", f"ASK {{ ent:turkey kg:backs {target} }}", "--endpoint", fake.url)
        assert result.stdout == ("true\n" if answer else "false\n")
    finally:
        fake.close()


@pytest.mark.parametrize("update", UPDATES)
def test_endpoint_updates_refused_before_sending(kg, endpoint: FakeEndpoint, update: str) -> None:
    result = kg("query", update, "--endpoint", endpoint.url)
    assert result.exit_code == 2 and kgquery.REFUSED_UPDATE in result.stderr
    assert endpoint.forms == []


def test_endpoint_update_with_flag(kg, endpoint: FakeEndpoint) -> None:
    result = kg("query", "INSERT DATA { GRAPH <https://example.org/new> { ent:a kg:backs ent:b } }",
                "--endpoint", endpoint.url, "--update")
    assert result.exit_code == 0, result.output
    assert "update" in endpoint.forms[-1]
    assert kg("query", "ASK { ent:a kg:backs ent:b }", "--endpoint", endpoint.url).stdout == "true\n"


def test_endpoint_unparsable_query_not_sent(kg, endpoint: FakeEndpoint) -> None:
    result = kg("query", "SELECT * WHERE { ?s ?p }", "--endpoint", endpoint.url)
    assert result.exit_code == 2 and "query syntax error" in result.stderr
    assert endpoint.forms == []


def test_endpoint_bound_variable_must_be_selected(kg, endpoint: FakeEndpoint) -> None:
    result = kg("query", "SELECT (COUNT(*) AS ?n) WHERE { ?s kg:backs ?o }", "--endpoint", endpoint.url,
                "--bind", "s=ent:iran")
    assert result.exit_code == 2 and "not in the query's SELECT list" in result.stderr
