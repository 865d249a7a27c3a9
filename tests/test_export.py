"""kg.export writes N-Triples lines exactly as Oxigraph writes them."""
from __future__ import annotations

import pyoxigraph
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from kg.export import nt_lines

NODE = URIRef("https://w3id.org/kg-conflict/entity/Aleppo%20City")
PREDICATE = URIRef("https://w3id.org/kg-conflict/ontology#text")

TEXTS = [
    "".join(chr(code) for code in range(0x00, 0x80)),
    'quote " backslash \\ both \\" end\\',
    "line\nfeed\rreturn\r\n tab\t form\f back\b",
    "U+2028\u2028 U+0085\u0085 NBSP\u00a0 BOM\ufeff RTL\u202e",
    "Ḥalab حلب 😀 é e\u0301 Å",
    "",
    "   ",
]


def ox_term(term: object) -> pyoxigraph.NamedNode | pyoxigraph.Literal:
    """The term as pyoxigraph builds it: the reference kg.export.nt_term must match."""
    if isinstance(term, URIRef):
        return pyoxigraph.NamedNode(str(term))
    assert isinstance(term, Literal)
    if term.language:
        return pyoxigraph.Literal(str(term), language=term.language)
    if term.datatype:
        return pyoxigraph.Literal(str(term), datatype=pyoxigraph.NamedNode(str(term.datatype)))
    return pyoxigraph.Literal(str(term))


def _oxigraph_lines(triples: list[tuple[object, object, object]]) -> list[str]:
    ox = [pyoxigraph.Triple(ox_term(s), ox_term(p), ox_term(o)) for s, p, o in triples]
    text = pyoxigraph.serialize(ox, format=pyoxigraph.RdfFormat.N_TRIPLES).decode("utf-8")
    return sorted({line for line in text.split("\n") if line})


def test_literals_and_iris_are_written_as_oxigraph_writes_them() -> None:
    objects: list[object] = [NODE, URIRef("http://www.wikidata.org/entity/Q41183"), URIRef("https://example.org/a?b=c&d=%C3%A9#frag")]
    for text in TEXTS:
        objects += [Literal(text), Literal(text, lang="en"), Literal(text, lang="en-GB"), Literal(text, datatype=XSD.string)]
    objects += [Literal(40000, datatype=XSD.nonNegativeInteger), Literal("2024-03-02", datatype=XSD.date), Literal(True), Literal("x", datatype=URIRef("https://example.org/dt"))]
    triples = [(NODE, PREDICATE, o) for o in objects]
    assert nt_lines(triples) == _oxigraph_lines(triples)


def test_lines_are_sorted_and_unique() -> None:
    triples = [(NODE, PREDICATE, Literal("b")), (NODE, PREDICATE, Literal("a")), (NODE, PREDICATE, Literal("b"))]
    assert nt_lines(triples) == [f'<{NODE}> <{PREDICATE}> "a" .', f'<{NODE}> <{PREDICATE}> "b" .']
