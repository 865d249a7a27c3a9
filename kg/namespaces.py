"""The namespaces kg writes. One place binds prefixes so rdflib never invents ``ns1:``."""
from __future__ import annotations

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD
from rdflib.store import Store


class Vocabulary(Namespace):
    """A Namespace that makes each term once: rdflib's makes a new URIRef at every ``KG.x`` or
    ``KG["x"]``, and a build asks for millions. Only for fixed vocabularies (the cache would
    grow with a namespace of instance IRIs)."""

    def term(self, name: str) -> URIRef:
        terms = self.__dict__.setdefault("_kg_terms", {})
        found = terms.get(name)
        if found is None:
            found = terms[name] = super().term(name)
        return found


BASE = "https://w3id.org/kg-conflict/"
KG = Vocabulary(BASE + "ontology#")
ENT = Namespace(BASE + "entity/")
EVENT = Namespace(BASE + "event/")
STMT = Namespace(BASE + "statement/")
EVID = Namespace(BASE + "evidence/")
DOC = Namespace(BASE + "document/")
RUN = Namespace(BASE + "run/")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
OA = Vocabulary("http://www.w3.org/ns/oa#")
WD = Namespace("http://www.wikidata.org/entity/")

PREFIXES: dict[str, Namespace] = {
    "kg": KG,
    "ent": ENT,
    "event": EVENT,
    "stmt": STMT,
    "evid": EVID,
    "doc": DOC,
    "run": RUN,
    "sem": SEM,
    "oa": OA,
    "wd": WD,
    "prov": PROV,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
}


def new_graph(identifier: str | None = None, store: Store | str = "default") -> Graph:
    """A graph with kg's prefixes bound and no others guessed later."""
    graph = Graph(store=store, bind_namespaces="none", identifier=identifier)
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph
