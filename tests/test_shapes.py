"""SHACL shapes and kg.validate: UCO-style PASS/XFAIL fixtures compared as result sets."""
from __future__ import annotations

import json
from pathlib import Path

import pyshacl
import pytest
import typer
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, XSD
from typer.testing import CliRunner

from kg.commands.ontology_cmds import register
from kg.errors import InputError
from kg.namespaces import DOC, ENT, EVENT, EVID, KG, OA, RUN, STMT
from kg.validate import (
    ValidationReport,
    load_ontology_graph,
    load_shapes,
    validate_file,
    validate_graph,
)

DATA = Path(__file__).parent / "data" / "shapes"
KGSH = "https://w3id.org/kg-conflict/shapes#"
RELATIONS = [
    "strikes", "attacks", "backs", "captures", "evacuates", "allyOf",
    "controls", "designatesTerrorist", "locatedIn", "memberOf", "leaderOf", "repels",
]


def sh(name: str) -> str:
    return KGSH + name


def key(focus: URIRef, path: URIRef | None, shape: str) -> tuple[str, str | None, str]:
    return (str(focus), str(path) if path is not None else None, sh(shape))


EXPECTED: dict[str, set[tuple[str, str | None, str]]] = {
    "entity_XFAIL.ttl": {
        key(ENT["nameless"], RDFS.label, "Entity-label"),
        key(ENT["two-names"], RDFS.label, "Entity-label"),
        key(ENT["tagged-name"], RDFS.label, "Entity-label"),
        key(ENT["vague"], RDF.type, "Entity-type"),
    },
    "relations_XFAIL.ttl": {
        key(ENT["idlib"], None, "strikes-domain"),
        key(ENT["hts"], KG.captures, "captures-range"),
        key(ENT["hts"], None, "leaderOf-domain"),
        key(ENT["idlib"], KG.locatedIn, "locatedIn-range"),
        key(ENT["russia"], KG.allyOf, "allyOf-range"),
    },
    "events_XFAIL.ttl": {
        key(EVENT["no-parties"], None, "Event"),
        key(EVENT["unsourced"], KG.evidence, "Event-evidence"),
        key(EVENT["unsourced"], PROV.wasDerivedFrom, "Event-source"),
        key(EVENT["untyped"], RDF.type, "Event-type"),
        key(EVENT["untyped"], PROV.wasDerivedFrom, "Event-source"),
        key(EVENT["bad-values"], KG.date, "Event-date"),
        key(EVENT["bad-values"], KG.date, "date-range"),
        key(EVENT["bad-values"], KG.killed, "killed-range"),
        key(EVENT["bad-values"], KG.injured, "injured-range"),
        key(EVENT["wrong-roles"], KG.agent, "agent-range"),
        key(EVENT["wrong-roles"], KG.place, "place-range"),
        key(ENT["idlib"], None, "agent-domain"),
        key(ENT["idlib"], None, "killed-domain"),
    },
    "assertions_XFAIL.ttl": {
        key(STMT["s1"], RDF.subject, "Assertion-subject"),
        key(STMT["s1"], RDF.predicate, "Assertion-predicate"),
        key(STMT["s1"], RDF.object, "Assertion-object"),
        key(STMT["s2"], RDF.subject, "Assertion-subject"),
        key(STMT["s2"], RDF.predicate, "Assertion-predicate"),
        key(STMT["s2"], KG.evidence, "Assertion-evidence"),
        key(STMT["s2"], PROV.wasDerivedFrom, "Assertion-source"),
        key(STMT["s3"], KG.event, "event-range"),
        key(STMT["s3"], PROV.wasGeneratedBy, "Assertion-run"),
        key(STMT["s3"], KG.tier, "tier-range"),
        key(DOC["d1"], None, "trigger-domain"),
    },
    "summaries_XFAIL.ttl": {
        key(STMT["summary-bad1"], RDF.subject, "RelationSummary-subject"),
        key(STMT["summary-bad1"], RDF.predicate, "RelationSummary-predicate"),
        key(STMT["summary-bad1"], RDF.object, "RelationSummary-object"),
        key(STMT["summary-bad1"], KG.articleCount, "RelationSummary-articleCount"),
        key(STMT["summary-bad1"], KG.sentenceCount, "RelationSummary-sentenceCount"),
        key(STMT["summary-bad2"], KG.articleCount, "articleCount-range"),
        key(STMT["summary-bad2"], KG.firstDate, "RelationSummary-dates"),
        key(STMT["summary-bad1"], KG.firstRank, "RelationSummary-firstRank"),
        key(STMT["summary-bad2"], KG.firstRank, "RelationSummary-firstRank"),
        key(STMT["summary-bad2"], KG.firstRank, "firstRank-range"),
        key(ENT["idlib"], None, "rank-domain"),
        key(STMT["twice"], KG.rank, "rank-range"),
        key(STMT["text"], KG.rank, "rank-range"),
    },
    "provenance_XFAIL.ttl": {
        key(EVID["e1"], OA.hasSource, "Evidence-source"),
        key(EVID["e1"], KG.text, "Evidence-text"),
        key(EVID["e1"], OA.hasSelector, "Evidence-selector"),
        key(EVID["e2"], OA.hasSource, "Evidence-source"),
        key(EVID["e2"], KG.text, "Evidence-text"),
        key(EVID["e2-pos"], OA.start, "PositionSelector-order"),
        key(EVID["e3-pos"], OA.start, "PositionSelector-start"),
        key(EVID["e3-pos"], OA.end, "PositionSelector-end"),
        key(EVID["e3-quote"], OA.exact, "QuoteSelector-exact"),
        key(EVID["e3-quote"], OA.prefix, "QuoteSelector-prefix"),
        key(DOC["d2"], DCTERMS.identifier, "Document-identifier"),
        key(DOC["d3"], DCTERMS.identifier, "Document-identifier"),
        key(DOC["d3"], DCTERMS.date, "Document-date"),
        key(RUN["kg-x"], KG.softwareVersion, "SoftwareAgent-version"),
        key(RUN["build-x"], PROV.wasAssociatedWith, "Activity-agent"),
    },
}


# --- fixtures: PASS conforms, XFAIL fails with exactly the expected results ----------------


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*_PASS.ttl")))
def test_pass_fixture_conforms(name: str) -> None:
    report = validate_file(DATA / name)
    assert report.conforms, report.to_text()
    assert report.results == ()


def test_every_xfail_fixture_has_expectations() -> None:
    assert {p.name for p in DATA.glob("*_XFAIL.ttl")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_xfail_fixture_results(name: str) -> None:
    report = validate_file(DATA / name)
    assert not report.conforms
    assert report.keys() == EXPECTED[name]
    assert all(r.message and r.severity == "Violation" for r in report.results)


def test_minimal_graph_follows_the_vocabulary() -> None:
    graph = Graph().parse(DATA / "minimal_PASS.ttl")
    russia = set(graph.objects(ENT["russia"], RDF.type))
    assert {KG.State, KG.Country} <= russia
    assert (ENT["idlib"], RDF.type, KG.Region) in graph
    events = set(graph.subjects(RDF.type, KG.Strike))
    assert len(events) == 1
    event = events.pop()
    for prop in (KG.agent, KG.target, KG.date, KG.killed, KG.evidence, PROV.wasDerivedFrom):
        assert graph.value(event, prop) is not None, prop
    assert not any(isinstance(t, BNode) for triple in graph for t in triple)


# --- what the shapes need from pySHACL --------------------------------------------------------


def test_subclass_instances_need_the_ontology() -> None:
    """Without ont_graph a kg:Strike is not seen as a kg:Event (pySHACL #148)."""
    data = Graph().parse(DATA / "events_XFAIL.ttl")
    with_ontology = validate_graph(data).keys()
    without = validate_graph(data, ontology=Graph()).keys()
    assert key(EVENT["no-parties"], None, "Event") in with_ontology
    assert key(EVENT["no-parties"], None, "Event") not in without


def test_out_of_range_count_and_bad_date_fail() -> None:
    data = Graph().parse(DATA / "minimal_PASS.ttl")
    event = next(data.subjects(RDF.type, KG.Strike))
    data.set((event, KG.killed, Literal("-1", datatype=XSD.nonNegativeInteger)))
    data.set((event, KG.date, Literal("2024-13-45", datatype=XSD.date)))
    keys = validate_graph(data).keys()
    assert key(event, KG.killed, "killed-range") in keys
    assert key(event, KG.date, "date-range") in keys


def test_blank_nodes_are_reported() -> None:
    data = Graph().parse(DATA / "minimal_PASS.ttl")
    node = BNode()
    data.add((node, RDF.type, KG.Settlement))
    data.add((node, RDFS.label, Literal("somewhere")))
    report = validate_graph(data)
    named = [r for r in report.results if r.source_shape == sh("NamedNode")]
    assert len(named) == 1 and named[0].focus_node.startswith("_:")


# --- the shapes file itself ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


def test_shapes_are_valid_shacl(shapes: Graph) -> None:
    conforms, _, text = pyshacl.validate(Graph(), shacl_graph=shapes, meta_shacl=True)
    assert conforms, text


def test_shapes_are_shacl_core(shapes: Graph) -> None:
    assert not list(shapes.subject_objects(SH.sparql))
    assert not list(shapes.subjects(RDF.type, SH.SPARQLConstraint))


def test_every_shape_is_named(shapes: Graph) -> None:
    nodes = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.objects(None, SH.property))
    nodes |= set(shapes.subjects(RDF.type, SH.PropertyShape))
    assert all(isinstance(n, URIRef) for n in nodes), [n for n in nodes if isinstance(n, BNode)]


def test_every_reporting_shape_has_a_message(shapes: Graph) -> None:
    targets = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
    targeted = {s for t in targets for s in shapes.subjects(t, None)}
    params = set(shapes.predicates()) - {RDF.type, SH.property, SH.message, RDFS.comment, *targets}
    missing = []
    for shape in targeted:
        own = {p for p in shapes.predicates(shape, None)} & params
        if own and shapes.value(shape, SH.message) is None:
            missing.append(shape)
        for prop in shapes.objects(shape, SH.property):
            if shapes.value(prop, SH.message) is None:
                missing.append(prop)
    assert missing == []


def test_each_ontology_property_has_domain_and_range_shapes(shapes: Graph) -> None:
    ontology = load_ontology_graph()
    declared = {
        p
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty)
        for p in ontology.subjects(RDF.type, kind)
        if str(p).startswith(str(KG))
    }
    assert set(shapes.objects(None, SH.targetSubjectsOf)) == declared
    for prop in declared:
        local = str(prop)[len(str(KG)):]
        domain, range_ = URIRef(sh(f"{local}-domain")), URIRef(sh(f"{local}-range"))
        # The range shape targets the domain shape's focus nodes itself (evaluated once for all,
        # not once per node), so hanging it from the domain shape would report it twice.
        assert shapes.value(domain, SH.targetSubjectsOf) == prop == shapes.value(range_, SH.targetSubjectsOf)
        assert (domain, SH.property, range_) not in shapes
        onto_domain, onto_range = ontology.value(prop, RDFS.domain), ontology.value(prop, RDFS.range)
        if prop in (KG.rank, KG.eventRank, KG.kindRank, KG.casualtyRank):
            # Written in the default graph about assertions (events) typed in their articles'
            # graphs: the domain shape checks the IRI, as the type is not where the rank is validated.
            assert onto_domain == (KG.Assertion if prop == KG.rank else KG.Event) and shapes.value(domain, SH.nodeKind) == SH.IRI
        elif isinstance(onto_domain, URIRef):
            assert shapes.value(domain, SH["class"]) == onto_domain, prop
        if (prop, RDF.type, OWL.ObjectProperty) in ontology:
            assert shapes.value(range_, SH["class"]) == onto_range, prop
        elif onto_range != RDF.PlainLiteral:
            assert shapes.value(range_, SH.datatype) == onto_range, prop


def test_assertion_predicates_are_the_twelve_relations(shapes: Graph) -> None:
    listed = Collection(shapes, shapes.value(URIRef(sh("Assertion-predicate")), SH["in"]))
    assert list(listed) == [KG[name] for name in RELATIONS]


# --- ValidationReport -------------------------------------------------------------------------------


def test_report_text_and_json_are_sorted_and_complete() -> None:
    report = validate_file(DATA / "relations_XFAIL.ttl")
    lines = report.to_text().splitlines()
    assert lines[0] == "Conforms: False (5 results)"
    assert lines[1:] == sorted(lines[1:])
    assert "ent:idlib  -  Subject of kg:strikes must be an actor (kg:Actor)" in lines
    rows = json.loads(report.to_json())
    assert [r["focusNode"] for r in rows] == sorted(r["focusNode"] for r in rows)
    assert set(rows[0]) == {"focusNode", "resultPath", "value", "severity", "sourceShape", "message"}
    allies = next(r for r in rows if r["resultPath"] == str(KG.allyOf))
    assert allies["value"] == '"Syria"'
    assert validate_file(DATA / "relations_XFAIL.ttl") == report  # deterministic


def test_conforming_report_text() -> None:
    assert ValidationReport(True, ()).to_text() == "Conforms: True (0 results)"
    assert ValidationReport(True, ()).to_json() == "[]"


def test_shapes_and_ontology_are_cached() -> None:
    assert load_shapes() is load_shapes()
    assert load_ontology_graph() is load_ontology_graph()


# --- files --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix,rdf_format", [(".nt", "nt"), (".jsonld", "json-ld"), (".trig", "trig"), (".nq", "nquads")])
def test_other_formats_parse_by_extension(tmp_path: Path, suffix: str, rdf_format: str) -> None:
    graph = Graph().parse(DATA / "minimal_PASS.ttl")
    if rdf_format in ("trig", "nquads"):
        from rdflib import Dataset

        dataset = Dataset()
        named = dataset.graph(URIRef("https://w3id.org/kg-conflict/run/build-0123456789abcdef"))
        for triple in graph:
            named.add(triple)
        text = dataset.serialize(format=rdf_format)
    else:
        text = graph.serialize(format=rdf_format)
    path = tmp_path / f"graph{suffix}"
    path.write_text(text, encoding="utf-8")
    assert validate_file(path).conforms


def test_missing_file_raises_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        validate_file(tmp_path / "absent.ttl")


def test_unparseable_file_raises_one_line_input_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.ttl"
    path.write_text("ent:x a kg:Region", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        validate_file(path)
    assert "cannot parse as turtle" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_unknown_extension_raises_input_error(tmp_path: Path) -> None:
    path = tmp_path / "graph.xml"
    path.write_text("<rdf/>", encoding="utf-8")
    with pytest.raises(InputError, match="unknown RDF file extension"):
        validate_file(path)


def test_remote_jsonld_context_is_refused_not_fetched(tmp_path: Path) -> None:
    path = tmp_path / "graph.jsonld"
    path.write_text(json.dumps({"@context": "https://example.org/context.jsonld", "@id": "x"}))
    with pytest.raises(InputError, match="remote @context"):
        validate_file(path)


# --- CLI ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def test_cli_validate_exit_codes(app: typer.Typer, tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(app, ["validate", str(DATA / "minimal_PASS.ttl")])
    assert ok.exit_code == 0 and ok.stdout.startswith("Conforms: True")
    bad = runner.invoke(app, ["validate", "--format", "json", str(DATA / "entity_XFAIL.ttl")])
    assert bad.exit_code == 1
    assert len(json.loads(bad.stdout)) == 4
    missing = runner.invoke(app, ["validate", str(tmp_path / "absent.ttl")])
    assert missing.exit_code == 2
    assert missing.stderr.strip() == f"kg: {tmp_path / 'absent.ttl'}: no such file"
    assert "Traceback" not in missing.output


def test_cli_validate_with_shapes_option(app: typer.Typer, tmp_path: Path) -> None:
    shapes = tmp_path / "empty.ttl"
    shapes.write_text("", encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", "--shapes", str(shapes), str(DATA / "entity_XFAIL.ttl")])
    assert result.exit_code == 0, result.output


def test_strings_typed_xsd_string_explicitly_conform() -> None:
    """kg.rdf writes "x"^^xsd:string; rdflib keeps that apart from "x", the shapes must not."""
    graph = Graph()
    for s, p, o in Graph().parse(DATA / "minimal_PASS.ttl"):
        if isinstance(o, Literal) and o.datatype is None and o.language is None:
            o = Literal(str(o), datatype=XSD.string)
        graph.add((s, p, o))
    assert validate_graph(graph).conforms


EQUIVALENCE_SCRIPT = """
import json, sys
from pathlib import Path
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from kg.validate import validate_graph
KG = "https://w3id.org/kg-conflict/ontology#"
out = {}
for path in sorted(Path("tests/data/shapes").glob("*.ttl")):
    out[path.name] = validate_graph(Graph().parse(path)).to_json()
graph = Graph().parse(sys.argv[1])
# Break it in several ways at once: wrong types, lost labels, ill-typed numbers, blank nodes.
subjects = sorted(set(graph.subjects(RDF.type, URIRef(KG + "Settlement"))))[:3]
for node in subjects:
    graph.remove((node, RDFS.label, None))
    graph.add((node, RDF.type, URIRef(KG + "ArmedGroup")))
for event in sorted(set(graph.subjects(RDF.type, URIRef(KG + "Strike"))))[:3]:
    graph.add((event, URIRef(KG + "killed"), Literal("-4", datatype=XSD.nonNegativeInteger)))
    graph.remove((event, URIRef(KG + "evidence"), None))
# sh:or failures: evidence and a trigger on an entity, a demonym that is a number.
evidence = sorted(set(graph.objects(None, URIRef(KG + "evidence"))))[0]
for node in subjects:
    graph.add((node, URIRef(KG + "evidence"), evidence))
    graph.add((node, URIRef(KG + "trigger"), Literal("struck")))
    graph.add((node, URIRef(KG + "demonym"), Literal(5)))
out["corrupted seed graph"] = validate_graph(graph).to_json()
assert all(name in out["corrupted seed graph"] for name in ("evidence-domain", "trigger-domain", "demonym-range")), "must break sh:or shapes"
# pySHACL's own text report too: kg reads the report graph, but the patched descriptions must
# still make the same text in the same order.
import pyshacl
from kg.validate import INFERENCE, load_ontology_graph, load_shapes
out["pyshacl text"] = pyshacl.validate(graph, shacl_graph=load_shapes(), ont_graph=load_ontology_graph(), inference=INFERENCE)[2]
print(json.dumps(out, sort_keys=True))
"""


def test_pyshacl_speed_up_reports_what_plain_pyshacl_reports(seed_build: tuple[Path, object]) -> None:
    """kg.validate patches pySHACL 0.40 internals for speed; the reports must not change."""
    import os
    import subprocess
    import sys

    def reports(plain: bool) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "KG_PLAIN_PYSHACL"}
        if plain:
            env["KG_PLAIN_PYSHACL"] = "1"
        run = subprocess.run([sys.executable, "-c", EQUIVALENCE_SCRIPT, str(seed_build[0] / "graph.ttl")], capture_output=True, text=True,
                             cwd=Path(__file__).resolve().parent.parent, env=env, timeout=600)
        assert run.returncode == 0, run.stderr
        return json.loads(run.stdout)

    fast, plain = reports(False), reports(True)
    assert json.loads(plain["corrupted seed graph"]), "the corrupted graph must break shapes"
    assert fast == plain
