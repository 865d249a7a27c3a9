"""kg.batchgraph's store answers as rdflib's Memory store does, and pySHACL reports the same."""
from __future__ import annotations

import itertools
import random
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from kg.batchgraph import batch_graph
from kg.namespaces import new_graph
from kg.validate import validate_graph

ROOT = Path(__file__).resolve().parent.parent
KG = "https://w3id.org/kg-conflict/ontology#"


def _random_triples(seed: int, count: int) -> list[tuple[URIRef, URIRef, object]]:
    rng = random.Random(seed)
    nodes = [URIRef(f"https://example.org/n{i}") for i in range(12)]
    predicates = [URIRef(f"https://example.org/p{i}") for i in range(4)]
    objects: list[object] = nodes + [Literal(f"v{i}") for i in range(5)] + [Literal(3, datatype=XSD.integer)]
    return [(rng.choice(nodes), rng.choice(predicates), rng.choice(objects)) for _ in range(count)]


def test_every_pattern_matches_what_the_memory_store_matches() -> None:
    triples = _random_triples(1, 300)
    fast, reference = batch_graph(), Graph()
    for triple in triples:
        fast.add(triple)
        reference.add(triple)
    assert len(fast) == len(reference) < len(triples)  # duplicates counted once
    terms = [sorted({t[i] for t in triples}) + [None] for i in range(3)]
    missing = URIRef("https://example.org/missing")
    for s, p, o in itertools.product(terms[0][::3] + [missing], terms[1] + [missing], terms[2][::2] + [missing]):
        assert sorted(fast.triples((s, p, o))) == sorted(reference.triples((s, p, o))), (s, p, o)
    for triple in triples[:50]:
        fast.remove(triple)
        reference.remove(triple)
    fast.remove((None, URIRef("https://example.org/p0"), None))
    reference.remove((None, URIRef("https://example.org/p0"), None))
    assert len(fast) == len(reference)
    assert sorted(fast) == sorted(reference)
    assert (triples[60] in fast) == (triples[60] in reference)


def test_prefixes_bind_as_in_rdflib() -> None:
    graph = batch_graph()
    assert graph.namespace_manager.store.namespace("kg") == URIRef(KG)
    graph.bind("ex", "https://example.org/")
    graph.add((URIRef("https://example.org/a"), RDF.type, URIRef(KG + "State")))
    assert "ex:a a kg:State" in graph.serialize(format="turtle")


def test_pyshacl_reports_the_same_on_either_store() -> None:
    """A seed-like graph broken in several ways, validated on both stores."""
    source = Graph().parse(ROOT / "tests" / "data" / "shapes" / "minimal_PASS.ttl")
    fast, reference = batch_graph(), new_graph()
    for s, p, o in source:
        for graph in (fast, reference):
            graph.add((s, p, o))
    for graph in (fast, reference):
        for node in sorted(set(graph.subjects(RDF.type, URIRef(KG + "Settlement")))):
            graph.remove((node, RDFS.label, None))
            graph.add((node, RDF.type, URIRef(KG + "ArmedGroup")))
        for event in sorted(set(graph.subjects(URIRef(KG + "evidence"), None))):
            graph.add((event, URIRef(KG + "killed"), Literal("-4", datatype=XSD.nonNegativeInteger)))
            graph.remove((event, URIRef(KG + "evidence"), None))
    expected = validate_graph(reference, inplace=True)
    report = validate_graph(fast, inplace=True)
    assert not expected.conforms and len(expected.results) >= 3
    assert report.to_json() == expected.to_json()
