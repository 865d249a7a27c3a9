"""A fast in-memory rdflib store for the throwaway graph of one batch.

rdflib's default Memory store keeps, for every triple, the set of graphs it belongs to, and
checks it on every match; with its event dispatch that was a third of the time kg spends
mapping a batch to RDF and validating it. A batch graph is one graph, so this store keeps three
indexes and nothing else. It says it is context- and graph-aware because pySHACL wraps any data
graph in an rdflib Dataset, which asks for that; every graph over it sees the same triples, so
use it for one graph only (``batch_graph``).
"""
from __future__ import annotations

from typing import Any, Iterable, Iterator

from rdflib import Graph, URIRef
from rdflib.store import Store

from kg.namespaces import new_graph

Index = dict[Any, dict[Any, dict[Any, None]]]


def _no_contexts() -> Iterator[Any]:
    return iter(())


class OneGraphStore(Store):
    """Triples indexed by subject, predicate and object; no contexts, no events."""

    context_aware = True
    graph_aware = True
    formula_aware = False
    transaction_aware = False

    def __init__(self) -> None:
        super().__init__()
        self.spo: Index = {}
        self.pos: Index = {}
        self.osp: Index = {}
        self.size = 0
        self.by_prefix: dict[str, URIRef] = {}
        self.by_namespace: dict[URIRef, str] = {}

    def add(self, triple: tuple[Any, Any, Any], context: Any, quoted: bool = False) -> None:
        s, p, o = triple
        objects = self.spo.setdefault(s, {}).setdefault(p, {})
        if o in objects:
            return
        objects[o] = None
        self.pos.setdefault(p, {}).setdefault(o, {})[s] = None
        self.osp.setdefault(o, {}).setdefault(s, {})[p] = None
        self.size += 1

    def addN(self, quads: Iterable[tuple[Any, Any, Any, Any]]) -> None:  # noqa: N802 (rdflib's name)
        for s, p, o, context in quads:
            self.add((s, p, o), context)

    def remove(self, triple: tuple[Any, Any, Any], context: Any = None) -> None:
        for (s, p, o), _ in list(self.triples(triple)):
            del self.spo[s][p][o]
            del self.pos[p][o][s]
            del self.osp[o][s][p]
            self.size -= 1

    def triples(self, triple: tuple[Any, Any, Any], context: Any = None) -> Iterator[tuple[tuple[Any, Any, Any], Iterator[Any]]]:  # type: ignore[override]
        # Keys are listed before yielding, so a caller may change the graph while it iterates.
        s, p, o = triple
        if s is not None:
            for pred, objects in self._subject_predicates(s, p):
                if o is not None:
                    if o in objects:
                        yield (s, pred, o), _no_contexts()
                    continue
                for obj in list(objects):
                    yield (s, pred, obj), _no_contexts()
        elif p is not None:
            by_object = self.pos.get(p, {})
            pairs = [(o, by_object.get(o, {}))] if o is not None else list(by_object.items())
            for obj, subjects in pairs:
                for subj in list(subjects):
                    yield (subj, p, obj), _no_contexts()
        elif o is not None:
            for subj, predicates in list(self.osp.get(o, {}).items()):
                for pred in list(predicates):
                    yield (subj, pred, o), _no_contexts()
        else:
            for subj, by_predicate in list(self.spo.items()):
                for pred, objects in list(by_predicate.items()):
                    for obj in list(objects):
                        yield (subj, pred, obj), _no_contexts()

    def _subject_predicates(self, s: Any, p: Any) -> list[tuple[Any, dict[Any, None]]]:
        by_predicate = self.spo.get(s)
        if not by_predicate:
            return []
        if p is None:
            return list(by_predicate.items())
        objects = by_predicate.get(p)
        return [(p, objects)] if objects else []

    def __len__(self, context: Any = None) -> int:
        return self.size

    def contexts(self, triple: Any = None) -> Iterator[Any]:  # type: ignore[override]
        return iter(())

    # Prefixes, as rdflib's Memory store keeps them.
    def bind(self, prefix: str, namespace: URIRef, override: bool = True) -> None:
        bound_namespace = self.by_prefix.get(prefix)
        bound_prefix = self.by_namespace.get(namespace)
        if bound_prefix is None and bound_namespace is not None:
            bound_prefix = self.by_namespace.get(bound_namespace)
        if override:
            if bound_prefix is not None:
                self.by_prefix.pop(bound_prefix, None)
            if bound_namespace is not None:
                self.by_namespace.pop(bound_namespace, None)
            self.by_namespace[namespace] = prefix
            self.by_prefix[prefix] = namespace
        else:
            self.by_namespace[namespace if bound_namespace is None else bound_namespace] = prefix if bound_prefix is None else bound_prefix
            self.by_prefix[prefix if bound_prefix is None else bound_prefix] = namespace if bound_namespace is None else bound_namespace

    def namespace(self, prefix: str) -> URIRef | None:
        return self.by_prefix.get(prefix)

    def prefix(self, namespace: URIRef) -> str | None:
        return self.by_namespace.get(namespace)

    def namespaces(self) -> Iterator[tuple[str, URIRef]]:
        yield from list(self.by_prefix.items())


def batch_graph() -> Graph:
    """An empty graph on a OneGraphStore, with kg's prefixes."""
    return new_graph(store=OneGraphStore())
