"""The OWL ontology and `kg check-ontology`: vocabulary, HermiT, lint, broken copies."""
from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest
import typer
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, XSD
from typer.testing import CliRunner

from kg.commands.ontology_cmds import register
from kg.errors import InputError, KgError
from kg.namespaces import KG, SEM
from kg.ontology import check_ontology, ontology_counts, run_hermit

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology"
SHAPES = ROOT / "shapes"
DATA = Path(__file__).parent / "data"
BROKEN = DATA / "broken-ontology"
MINIMAL = DATA / "shapes" / "minimal_PASS.ttl"

needs_java = pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs Java, not installed")

CLASSES = {
    "Entity": None,
    "Actor": "Entity", "State": "Actor", "ArmedGroup": "Actor", "Person": "Actor",
    "Organization": "Actor", "Civilians": "Actor",
    "Place": "Entity", "Country": "Place", "Region": "Place", "Settlement": "Place",
    "Event": None, "Strike": "Event", "Attack": "Event", "Evacuation": "Event",
    "Capture": "Event", "Support": "Event",
    "Document": None, "Evidence": None, "Assertion": None, "RelationSummary": None,
}
OBJECT_PROPERTIES = {  # name: (domain, range); None = a union
    "strikes": ("Actor", "Entity"), "attacks": ("Actor", "Entity"), "backs": ("Actor", "Actor"),
    "captures": ("Actor", "Place"), "evacuates": ("Actor", "Place"), "allyOf": ("Actor", "Actor"),
    "controls": ("Actor", "Place"), "designatesTerrorist": ("Actor", "Actor"),
    "locatedIn": ("Place", "Place"), "memberOf": ("Actor", "Actor"), "leaderOf": ("Person", "Actor"),
    "repels": ("Actor", "Actor"), "standsFor": ("Entity", "Actor"),
    "agent": ("Event", "Actor"), "target": ("Event", "Entity"), "place": ("Event", "Place"),
    "origin": ("Event", "Place"), "destination": ("Event", "Place"), "reportedBy": ("Event", "Actor"),
    "evidence": (None, "Evidence"), "event": ("Assertion", "Event"),
}
DATATYPE_PROPERTIES = {
    "date", "dateText", "killed", "injured", "evacuatedCount", "killedQualifier",
    "injuredQualifier", "countQualifier", "means", "trigger", "text", "demonym", "fileName",
    "softwareVersion", "spacyModel", "spacyModelVersion", "tier",
    "articleCount", "sentenceCount", "firstDate", "lastDate", "rank", "firstRank", "eventRank",
    "kindRank", "casualtyRank",
}


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(ONTOLOGY / "conflict.ttl")


def kg_terms(graph: Graph, kind: URIRef) -> set[str]:
    return {
        str(s)[len(str(KG)):] for s in graph.subjects(RDF.type, kind) if str(s).startswith(str(KG))
    }


# --- the ontology file -------------------------------------------------------------------------


def test_header(onto: Graph) -> None:
    header = URIRef("https://w3id.org/kg-conflict/ontology")
    assert (header, RDF.type, OWL.Ontology) in onto
    for prop in (OWL.versionInfo, DCTERMS.title, RDFS.comment):
        assert onto.value(header, prop) is not None, prop
    assert not list(onto.triples((None, OWL.imports, None)))


def test_classes_and_hierarchy_match_the_vocabulary(onto: Graph) -> None:
    assert kg_terms(onto, OWL.Class) == set(CLASSES)
    for name, parent in CLASSES.items():
        kg_parents = {p for p in onto.objects(KG[name], RDFS.subClassOf) if str(p).startswith(str(KG))}
        assert kg_parents == ({KG[parent]} if parent else set()), name


def test_alignments(onto: Graph) -> None:
    for sub, sup in [
        (KG.Actor, SEM.Actor), (KG.Actor, PROV.Agent), (KG.Place, SEM.Place),
        (KG.Event, SEM.Event), (KG.Event, PROV.Entity), (KG.Document, PROV.Entity),
        (KG.Evidence, PROV.Entity), (KG.Assertion, PROV.Entity),
    ]:
        assert (sub, RDFS.subClassOf, sup) in onto
    for sub, sup in [
        (KG.agent, SEM.hasActor), (KG.agent, PROV.wasAttributedTo), (KG.target, SEM.hasActor),
        (KG.place, SEM.hasPlace), (KG.origin, SEM.hasPlace), (KG.destination, SEM.hasPlace),
        (KG.date, SEM.hasTimeStamp),
    ]:
        assert (sub, RDFS.subPropertyOf, sup) in onto
    # External terms are declared (with a label), never imported.
    for term in (SEM.Actor, SEM.Place, SEM.Event, PROV.Agent, PROV.Entity):
        assert (term, RDF.type, OWL.Class) in onto and onto.value(term, RDFS.label)
    for term in (SEM.hasActor, SEM.hasPlace, PROV.wasAttributedTo):
        assert (term, RDF.type, OWL.ObjectProperty) in onto and onto.value(term, RDFS.label)


def test_properties_match_the_vocabulary(onto: Graph) -> None:
    assert kg_terms(onto, OWL.ObjectProperty) == set(OBJECT_PROPERTIES)
    assert kg_terms(onto, OWL.DatatypeProperty) == DATATYPE_PROPERTIES
    for name, (domain, range_) in OBJECT_PROPERTIES.items():
        if domain:
            assert onto.value(KG[name], RDFS.domain) == KG[domain], name
        assert onto.value(KG[name], RDFS.range) == KG[range_], name
    assert (KG.allyOf, RDF.type, OWL.SymmetricProperty) in onto
    assert (KG.locatedIn, RDF.type, OWL.TransitiveProperty) in onto
    assert onto.value(KG.date, RDFS.range) == XSD.date
    assert onto.value(KG.killed, RDFS.range) == XSD.nonNegativeInteger


def test_every_kg_term_has_english_label_and_comment(onto: Graph) -> None:
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for name in kg_terms(onto, kind):
            labels = list(onto.objects(KG[name], RDFS.label))
            comments = list(onto.objects(KG[name], RDFS.comment))
            assert [lbl.language for lbl in labels] == ["en"], name
            assert len(comments) == 1 and comments[0].language == "en", name
            assert str(comments[0]).endswith("."), name


def test_disjointness_leaves_state_and_country_free(onto: Graph) -> None:
    pairs = {frozenset(p) for p in onto.subject_objects(OWL.disjointWith)}
    for actor in ("ArmedGroup", "Person", "Organization", "Civilians"):
        assert frozenset({KG[actor], KG.Place}) in pairs
    for place in ("Settlement", "Region"):
        assert frozenset({KG[place], KG.Actor}) in pairs
    assert frozenset({KG.State, KG.Place}) not in pairs
    assert frozenset({KG.Country, KG.Actor}) not in pairs


def test_counts() -> None:
    assert ontology_counts(ONTOLOGY) == (len(CLASSES), len(OBJECT_PROPERTIES) + len(DATATYPE_PROPERTIES))


# --- HermiT -----------------------------------------------------------------------------------------


@needs_java
def test_hermit_consistent_with_no_unsatisfiable_classes(onto: Graph) -> None:
    assert run_hermit([onto]) == (True, set())


@needs_java
def test_russia_as_state_and_country_is_consistent(onto: Graph) -> None:
    assert run_hermit([onto, Graph().parse(MINIMAL)]) == (True, set())


@needs_java
def test_check_ontology_on_conflict_ttl_alone_is_clean(tmp_path: Path) -> None:
    shutil.copy(ONTOLOGY / "conflict.ttl", tmp_path)
    assert check_ontology(tmp_path, SHAPES, None) == []


@needs_java
def test_check_ontology_on_the_real_ontology_dir_is_clean() -> None:
    """ontology/ as shipped, with the gazetteer when it is there."""
    assert check_ontology(ONTOLOGY, SHAPES, None) == []


@needs_java
def test_check_ontology_with_a_conforming_graph_is_clean() -> None:
    assert check_ontology(ONTOLOGY, SHAPES, None, graph=MINIMAL) == []


@pytest.fixture()
def broken_dir(tmp_path: Path) -> Path:
    """A copy of the real ontology plus broken-terms.ttl."""
    target = tmp_path / "ontology"
    target.mkdir()
    shutil.copy(ONTOLOGY / "conflict.ttl", target)
    shutil.copy(BROKEN / "broken-terms.ttl", target)
    return target


@needs_java
def test_broken_ontology_problems_name_the_terms(broken_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("check-ontology opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    problems = check_ontology(broken_dir, SHAPES, None)
    text = "\n".join(problems)
    assert "kg:Unlabelled: Declared class or property needs one rdfs:label" in text
    assert "kg:Unlabelled: kg class or property needs one rdfs:comment" in text
    assert "kg:rangeless: kg property needs an rdfs:range" in text
    assert "owl:imports" in text
    assert "kg:Undeclared: used in the ontology but not declared" in text
    unsatisfiable = [p for p in problems if "unsatisfiable" in p]
    assert unsatisfiable == [
        "kg:ArmedSettlement: unsatisfiable class (HermiT): a subclass of kg:ArmedGroup and of "
        "kg:Place, but kg:ArmedGroup owl:disjointWith kg:Place"
    ]
    assert not any("kg:rangeless: kg property needs an rdfs:domain" in p for p in problems)


@needs_java
def test_inconsistent_gazetteer_names_individuals(broken_dir: Path) -> None:
    (broken_dir / "broken-terms.ttl").unlink()
    shutil.copy(BROKEN / "gazetteer.ttl", broken_dir)
    problems = check_ontology(broken_dir, SHAPES, None)
    assert "ontology + gazetteer.ttl: inconsistent (HermiT)" in problems
    assert "kg:population: used in gazetteer.ttl but not declared as a class or property in the ontology" in problems
    aleppo = [p for p in problems if p.startswith("ent:aleppo:")]
    assert len(aleppo) == 1 and "kg:ArmedGroup owl:disjointWith kg:Place" in aleppo[0]
    idlib = [p for p in problems if p.startswith("ent:idlib:")]
    assert idlib == [
        "ent:idlib: is a kg:Region (rdf:type kg:Region) and a kg:Actor (subject of kg:strikes), "
        "but kg:Region owl:disjointWith kg:Actor"
    ]
    assert not any(p.startswith("ent:russia") for p in problems)


@needs_java
def test_explicit_gazetteer_path_and_missing_gazetteer(tmp_path: Path) -> None:
    problems = check_ontology(ONTOLOGY, SHAPES, BROKEN / "gazetteer.ttl")
    assert "ontology + gazetteer.ttl: inconsistent (HermiT)" in problems
    assert not any("Declared class" in p or "rdfs:comment" in p for p in problems)
    with pytest.raises(InputError, match="no such gazetteer file"):
        check_ontology(ONTOLOGY, SHAPES, tmp_path / "gazetteer.ttl")


def test_undeclared_term_in_shapes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shapes = tmp_path / "shapes"
    shutil.copytree(SHAPES, shapes)
    shutil.copy(BROKEN / "extra.shapes.ttl", shapes)
    monkeypatch.setattr("kg.ontology.run_hermit", lambda graphs: (True, set()))
    problems = check_ontology(ONTOLOGY, shapes, None)
    assert problems == [
        "kg:Ghost: used in extra.shapes.ttl but not declared as a class or property in the ontology"
    ]


@needs_java
def test_inconsistent_graph_names_individuals() -> None:
    graph = BROKEN / "inconsistent-graph.ttl"
    problems = check_ontology(ONTOLOGY, SHAPES, None, graph=graph)
    assert problems[0] == (
        "kg:striker: used in inconsistent-graph.ttl but not declared as a class or property in the ontology"
    )
    assert "graph inconsistent-graph.ttl: inconsistent (HermiT)" in problems
    assert any(p.startswith("ent:binnish: is a kg:ArmedGroup") for p in problems)
    assert any(p.startswith("event:e1: kg:killed \"-2\"^^xsd:integer is not a xsd:nonNegativeInteger") for p in problems)
    # A state as the object of captures breaks a shape, not the logic: State and Place may meet.
    assert not any("syrian-army" in p for p in problems)


def test_missing_java_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, onto: Graph) -> None:
    import owlready2

    monkeypatch.setattr(owlready2, "JAVA_EXE", "/nonexistent/java")
    with pytest.raises(KgError, match="Java not found"):
        run_hermit([onto])


def test_missing_ontology_dir_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such ontology directory"):
        check_ontology(tmp_path / "absent", SHAPES, None)


# --- CLI ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


@needs_java
def test_cli_check_ontology(app: typer.Typer, broken_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(app, ["check-ontology", "--ontology", str(ONTOLOGY), "--shapes", str(SHAPES)])
    assert ok.exit_code == 0, ok.output
    n_classes, n_properties = len(CLASSES), len(OBJECT_PROPERTIES) + len(DATATYPE_PROPERTIES)
    assert ok.stdout.strip() == f"ontology OK: {n_classes} classes, {n_properties} properties, consistent"
    bad = runner.invoke(app, ["check-ontology", "--ontology", str(broken_dir)])
    assert bad.exit_code == 1
    assert "kg:ArmedSettlement: unsatisfiable class (HermiT)" in bad.stdout
    error = runner.invoke(app, ["check-ontology", "--graph", str(tmp_path / "absent.ttl")])
    assert error.exit_code == 2
    assert error.stderr.startswith("kg: ") and "no such file" in error.stderr
