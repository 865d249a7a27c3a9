"""SHACL validation of built graphs: a thin, cached wrapper around pySHACL."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyshacl
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, NamespaceManager
from rdflib.plugins.stores.memory import SimpleMemory

from kg.errors import InputError
from kg.namespaces import PREFIXES


def _resource_dir(name: str) -> Path:
    """The repository's shapes/ or ontology/; in an installed wheel, the packaged kg/data/."""
    repo = Path(__file__).resolve().parent.parent / name
    return repo if repo.is_dir() else Path(__file__).resolve().parent / "data"


SHAPES_DIR = _resource_dir("shapes")
ONTOLOGY_DIR = _resource_dir("ontology")
SHAPES_FILE = "conflict.shapes.ttl"
ONTOLOGY_FILE = "conflict.ttl"

# rdflib parser names by file extension; kg reads only these.
FORMATS: dict[str, str] = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".jsonld": "json-ld",
    ".trig": "trig",
    ".nq": "nquads",
}
_DATASET_FORMATS = {"trig", "nquads"}

# "none", not "rdfs": RDFS inference types every subject from rdfs:domain, which hides
# the domain and range errors the shapes exist to report; with the ontology passed as
# ont_graph, sh:class and sh:targetClass still follow rdfs:subClassOf.
INFERENCE = "none"


def _speed_up_pyshacl() -> None:
    """Five pure speed fixes to pySHACL 0.40.x internals; validation results are unchanged.

    pySHACL's ``Shape.validate`` runs once per top-level shape and once more for every nested
    evaluation (each value node of an sh:property, sh:or, sh:node or qualified value shape),
    about 30,000 times on a 50-article graph. Each time it (1) filters the shape's predicates
    with ``p in ALL_CONSTRAINT_PARAMETERS``, a linear scan of a ~35-item list of URIRefs, and
    (2) builds a fresh constraint component object for each parameter, re-reading the shapes
    graph (sh:in re-parses its RDF list every time). Both were about a third of validation time.

    ``Shape.validate`` reads both tables from the module attribute ``CONSTRAINT_PARAMS`` of
    pyshacl.shape, filling it on first use; setting it beforehand swaps in
    (1) the same list with a set-backed ``in`` (same members; URIRef hashing agrees with its
    equality), and (2) per-class factories that build each component once per (shapes graph,
    shape) and reuse it. Core components read only the shapes graph when built and keep no
    state between ``evaluate`` calls (sh:pattern caches compiled regexes); a constructor that
    raises is not cached, so it raises again as before. There is one factory object per class,
    so pySHACL's ``done_constraints`` de-duplication (by class) behaves as before. The cache
    lives on pySHACL's ShapesGraph object, built afresh for each ``pyshacl.validate`` call.

    (3) sh:class: for every value node and each of its rdf:type values pySHACL walks the
    rdfs:subClassOf closure in the data graph again (some 50,000 walks on a 50-article graph).
    The patched ``ClassConstraintComponent.evaluate`` remembers, per validation run (on the
    SHACLExecutor, with the data graph's identity in the key), whether a type reaches the class,
    and otherwise checks exactly as pySHACL does, in the same order, making the same results.
    The data graph does not change while shapes are evaluated; SHACL rules, which could change
    it, exist only in advanced mode, and there (and in SPARQL mode) the original method runs.

    Other pySHACL versions are left alone: the attribute and these internals may differ.
    """
    if not pyshacl.__version__.startswith("0.40.") or os.environ.get("KG_PLAIN_PYSHACL"):
        return  # KG_PLAIN_PYSHACL=1: pySHACL as released (tests compare the two)
    import pyshacl.shape as shape_module
    from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
    from pyshacl.constraints.constraint_component import ConstraintComponent
    from pyshacl.constraints.core.logical_constraints import OrConstraintComponent
    from pyshacl.constraints.core.value_constraints import ClassConstraintComponent
    from rdflib.namespace import RDFS

    if getattr(shape_module, "_kg_speed_up", False):
        return

    class ParameterList(list):  # type: ignore[type-arg]
        """The parameter list with O(1) membership; .copy() (advanced/JS mode) is a plain list."""

        def __init__(self, items: list) -> None:  # type: ignore[type-arg]
            super().__init__(items)
            self._members = frozenset(items)

        def __contains__(self, item: object) -> bool:
            return item in self._members

    def cached(component):  # type: ignore[no-untyped-def]
        def build(shape):  # type: ignore[no-untyped-def]
            cache = shape.sg.__dict__.setdefault("_kg_components", {})
            key = (shape, component)  # Shape hashes by identity
            found = cache.get(key)
            if found is None:
                found = cache[key] = component(shape)
            return found

        return build

    # One factory per component class, shared by all its parameters (sh:qualifiedValueShape and
    # sh:qualifiedMinCount; sh:closed and sh:ignoredProperties), or done_constraints would run
    # such a component twice.
    factories = {component: cached(component) for component in set(CONSTRAINT_PARAMETERS_MAP.values())}
    shape_module.CONSTRAINT_PARAMS = (
        ParameterList(ALL_CONSTRAINT_PARAMETERS),
        {parameter: factories[component] for parameter, component in CONSTRAINT_PARAMETERS_MAP.items()},
    )

    original_class_evaluate = ClassConstraintComponent.evaluate

    def class_evaluate(self, executor, target_graph, focus_value_nodes, _evaluation_path):  # type: ignore[no-untyped-def]
        if executor.sparql_mode or executor.advanced_mode or not hasattr(executor, "__dict__"):
            return original_class_evaluate(self, executor, target_graph, focus_value_nodes, _evaluation_path)
        memos = executor.__dict__.setdefault("_kg_subclass_memo", {})
        memo = memos.setdefault(id(target_graph), ({}, target_graph))[0]
        reports = []
        non_conformant = False
        for class_rule in self.class_rules:  # as _evaluate_class_rules_rdflib, with the memo
            for focus, value_nodes in focus_value_nodes.items():
                for value in value_nodes:
                    found = False
                    if isinstance(value, Literal):
                        self.shape.logger.debug(
                            "Class Constraint won't work with Literals. "
                            "Attempting to match Literal node {} to class of {} will fail.".format(value, class_rule)
                        )
                    else:
                        for ctype in target_graph.objects(value, RDF.type):
                            key = (ctype, class_rule)
                            reaches = memo.get(key)
                            if reaches is None:
                                reaches = memo[key] = ctype == class_rule or class_rule in iter(
                                    target_graph.transitive_objects(ctype, RDFS.subClassOf)
                                )
                            if reaches:
                                found = True
                                break
                    if not found:
                        non_conformant = True
                        reports.append(self.make_v_result(target_graph, focus, value_node=value))
        return (not non_conformant), reports

    ClassConstraintComponent.evaluate = class_evaluate

    # (4) The text of a result is made only when read. Shapes nested in sh:or and qualified
    # value shapes make a result for every member a value fails (an assertion fails kgsh:IsEvent
    # before it passes kgsh:IsAssertion), and pySHACL throws those away; their text, which
    # pretty-prints nodes through the namespace manager, was about a fifth of validation time.
    original_description = ConstraintComponent.make_v_result_description

    def lazy_description(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return _LazyText(lambda: original_description(self, *args, **kwargs))

    ConstraintComponent.make_v_result_description = lazy_description

    # (5) sh:or stops at the first member a value conforms to, trying members in list order.
    # pySHACL validates the value against every member (in set order) and keeps only whether
    # one conformed: the members' own results are discarded (logged in debug mode, where the
    # original runs). So the shapes list the member that usually conforms first.
    original_or = OrConstraintComponent._evaluate_or_constraint

    def or_evaluate(self, executor, or_c, target_graph, focus_value_nodes, _evaluation_path):  # type: ignore[no-untyped-def]
        sg = self.shape.sg
        if executor.sparql_mode or executor.advanced_mode or sg.debug:
            return original_or(self, executor, or_c, target_graph, focus_value_nodes, _evaluation_path)
        members = []
        for node in dict.fromkeys(sg.graph.items(or_c)):
            if sg.is_filtered_out_shape(node):
                continue
            member = self.shape.get_other_shape(node)
            if not member:  # a broken list or shape: the original raises its error
                return original_or(self, executor, or_c, target_graph, focus_value_nodes, _evaluation_path)
            if member not in members:
                members.append(member)
        if not members:
            return original_or(self, executor, or_c, target_graph, focus_value_nodes, _evaluation_path)
        reports = []
        for focus, value_nodes in focus_value_nodes.items():
            for value in value_nodes:
                if not any(m.validate(executor, target_graph, focus=value, _evaluation_path=_evaluation_path[:])[0] for m in members):
                    reports.append(self.make_v_result(target_graph, focus, value_node=value))
        return bool(reports), reports

    OrConstraintComponent._evaluate_or_constraint = or_evaluate
    shape_module._kg_speed_up = True


class _LazyText:
    """A result description made on first use. pySHACL sorts results by it, adds it to strings,
    formats, indents and logs it; it answers those as the string would, and any other str method
    through ``__getattr__``."""

    __slots__ = ("_make", "_text")

    def __init__(self, make) -> None:  # type: ignore[no-untyped-def]
        self._make = make
        self._text: str | None = None

    def __str__(self) -> str:
        if self._text is None:
            self._text = self._make()
            self._make = None
        return self._text

    def __radd__(self, other: str) -> str:
        return other + str(self)

    def __add__(self, other: str) -> str:
        return str(self) + other

    def __lt__(self, other: object) -> bool:
        return str(self) < str(other)

    def __eq__(self, other: object) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __repr__(self) -> str:
        return repr(str(self))

    def __len__(self) -> int:
        return len(str(self))

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(str(self))

    def __contains__(self, item: str) -> bool:
        return item in str(self)

    def __getitem__(self, index):  # type: ignore[no-untyped-def]
        return str(self)[index]

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(str(self), name)


_speed_up_pyshacl()


@dataclass(frozen=True)
class ValidationResult:
    """One sh:ValidationResult, its nodes as IRIs (literals in N-Triples form)."""

    focus_node: str
    result_path: str | None
    value: str | None
    severity: str
    source_shape: str
    message: str

    def sort_key(self) -> tuple[str, str, str, str, str]:
        return (
            self.focus_node,
            self.result_path or "",
            self.source_shape,
            self.value or "",
            self.message,
        )


@dataclass(frozen=True)
class ValidationReport:
    """A pySHACL report as plain data, results sorted."""

    conforms: bool
    results: tuple[ValidationResult, ...]

    def to_text(self) -> str:
        lines = [f"Conforms: {self.conforms} ({len(self.results)} results)"]
        for result in self.results:
            path = compact(result.result_path) if result.result_path else "-"
            lines.append(f"{compact(result.focus_node)}  {path}  {result.message}")
        return "\n".join(lines)

    def to_json(self) -> str:
        rows = [
            {
                "focusNode": r.focus_node,
                "resultPath": r.result_path,
                "value": r.value,
                "severity": r.severity,
                "sourceShape": r.source_shape,
                "message": r.message,
            }
            for r in self.results
        ]
        return json.dumps(rows, indent=2, ensure_ascii=False)

    def keys(self) -> set[tuple[str, str | None, str]]:
        """(focus node, path, source shape) of each result: what tests compare."""
        return {(r.focus_node, r.result_path, r.source_shape) for r in self.results}


@lru_cache(maxsize=8)
def load_shapes(shapes_dir: Path | None = None) -> Graph:
    """The SHACL shapes graph, parsed once per path. Do not modify the returned graph.

    ``shapes_dir`` may be a directory holding conflict.shapes.ttl or a shapes file.
    """
    path = Path(shapes_dir) if shapes_dir is not None else SHAPES_DIR
    if path.is_dir():
        path = path / SHAPES_FILE
    shapes = _parse_file(path)
    if len(_SHAPES_COPIES) >= 16:  # lru_cache holds 8; drop the copies of evicted graphs
        _SHAPES_COPIES.clear()
    _SHAPES_COPIES[id(shapes)] = (shapes, _indexed_shapes(shapes))
    return shapes


# Shapes graphs from load_shapes, by id, each with its copy in a context-free SimpleMemory store:
# pySHACL queries the shapes graph some 100,000 times per validation, and rdflib's default
# Memory store spends much of each query on named-graph bookkeeping a shapes graph does not need.
_SHAPES_COPIES: dict[int, tuple[Graph, Graph]] = {}


def _indexed_shapes(shapes: Graph) -> Graph:
    """``shapes`` copied into a SimpleMemory graph: same triples and prefixes, faster lookups.

    Graphs from load_shapes (documented as not to be modified) are copied once; any other graph
    is copied on each call (a few milliseconds), as it may have changed since. Datasets and
    other graph types are passed through unchanged. pySHACL adds two system triples to the
    shapes graph it is given; they now go to the copy, not to the caller's graph."""
    if type(shapes) is not Graph:
        return shapes
    known = _SHAPES_COPIES.get(id(shapes))
    if known is not None and known[0] is shapes:
        return known[1]
    copy = Graph(store=SimpleMemory(), identifier=shapes.identifier, bind_namespaces="none")
    for prefix, namespace in shapes.namespace_manager.namespaces():
        copy.namespace_manager.bind(prefix, namespace, override=True, replace=True)
    for triple in shapes:
        copy.add(triple)
    return copy


@lru_cache(maxsize=8)
def load_ontology_graph(path: Path | None = None) -> Graph:
    """The kg ontology (ontology/conflict.ttl), parsed once. Do not modify it."""
    path = Path(path) if path is not None else ONTOLOGY_DIR / ONTOLOGY_FILE
    if path.is_dir():
        path = path / ONTOLOGY_FILE
    return _parse_file(path)


def validate_graph(
    data: Graph, shapes: Graph | None = None, ontology: Graph | None = None, *, inplace: bool = False
) -> ValidationReport:
    """Validate ``data`` against the kg shapes, with the ontology's class hierarchy.

    ``inplace=True`` lets pySHACL mix the ontology into ``data`` instead of copying it first
    (about a sixth faster); use it only on a graph you throw away afterwards."""
    shapes = shapes if shapes is not None else load_shapes()
    ontology = ontology if ontology is not None else load_ontology_graph()
    conforms, report_graph, _ = pyshacl.validate(
        data,
        shacl_graph=_indexed_shapes(shapes),
        ont_graph=ontology,
        inference=INFERENCE,
        abort_on_first=False,
        allow_warnings=True,
        advanced=False,
        meta_shacl=False,
        inplace=inplace,
    )
    return report_from_graph(bool(conforms), report_graph)


def validate_file(
    path: Path, shapes: Graph | None = None, ontology: Graph | None = None
) -> ValidationReport:
    """Parse a graph file (by extension) and validate it."""
    return validate_graph(_parse_file(Path(path)), shapes, ontology)


def parse_graph_file(path: Path) -> Graph:
    """Parse an RDF file chosen by extension into one graph (named graphs merged)."""
    return _parse_file(Path(path))


def _parse_file(path: Path) -> Graph:
    if not path.is_file():
        raise InputError(path, "no such file")
    rdf_format = FORMATS.get(path.suffix.lower())
    if rdf_format is None:
        known = ", ".join(sorted(FORMATS))
        raise InputError(path, f"unknown RDF file extension; use one of {known}")
    if rdf_format == "json-ld":
        _refuse_remote_contexts(path)
    try:
        if rdf_format in _DATASET_FORMATS:
            dataset = Dataset()
            dataset.parse(path, format=rdf_format)
            graph = Graph()
            for s, p, o, _ in dataset.quads((None, None, None, None)):
                graph.add((s, p, o))
            return graph
        return Graph().parse(path, format=rdf_format)
    except Exception as error:  # rdflib raises many types; the user needs one line
        detail = " ".join(str(error).split()) or type(error).__name__
        if len(detail) > 200:
            detail = detail[:197] + "..."
        raise InputError(path, f"cannot parse as {rdf_format}: {detail}") from error


def _refuse_remote_contexts(path: Path) -> None:
    """rdflib would fetch a remote @context; kg never touches the network."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(path, f"cannot parse as json-ld: {error}") from error
    if _has_remote_context(document):
        raise InputError(path, "JSON-LD with a remote @context; kg does not fetch contexts, inline it")


def _has_remote_context(node: object) -> bool:
    if isinstance(node, list):
        return any(_has_remote_context(item) for item in node)
    if not isinstance(node, dict):
        return False
    context = node.get("@context")
    contexts = context if isinstance(context, list) else [context]
    if any(isinstance(c, str) for c in contexts):
        return True
    # JSON-LD 1.1 "@import" inside an inline context also names a document to fetch.
    if any(isinstance(c, dict) and "@import" in c for c in contexts):
        return True
    return any(_has_remote_context(value) for value in node.values())


def report_from_graph(conforms: bool, report: Graph) -> ValidationReport:
    """A ValidationReport from pySHACL's conforms flag and results graph."""
    results = [
        _result(report, node) for node in report.subjects(RDF.type, SH.ValidationResult)
    ]
    return ValidationReport(conforms, tuple(sorted(results, key=ValidationResult.sort_key)))


def _result(report: Graph, node: URIRef | BNode) -> ValidationResult:
    severity = report.value(node, SH.resultSeverity)
    messages = sorted(str(m) for m in report.objects(node, SH.resultMessage))
    return ValidationResult(
        focus_node=_term(report.value(node, SH.focusNode)) or "",
        result_path=_term(report.value(node, SH.resultPath)),
        value=_term(report.value(node, SH.value)),
        severity=_local_name(severity) if severity is not None else "Violation",
        source_shape=_term(report.value(node, SH.sourceShape)) or "",
        message=messages[0] if messages else "",
    )


def _term(node: object) -> str | None:
    if node is None:
        return None
    if isinstance(node, Literal):
        return node.n3()
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


def _local_name(iri: object) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


@lru_cache(maxsize=1)
def _namespace_manager() -> NamespaceManager:
    names = NamespaceManager(Graph(bind_namespaces="none"), bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        names.bind(prefix, namespace, override=True, replace=True)
    names.bind("sh", SH, override=True, replace=True)
    names.bind("kgsh", "https://w3id.org/kg-conflict/shapes#", override=True, replace=True)
    names.bind("kglint", "https://w3id.org/kg-conflict/ontology-lint#", override=True, replace=True)
    return names


def compact(term: str) -> str:
    """A prefixed name for an IRI in a namespace kg binds; literals and others unchanged."""
    if term.startswith(("_:", '"')):
        return term
    best: tuple[str, str] | None = None
    for prefix, namespace in _namespace_manager().namespaces():
        space = str(namespace)
        local = term[len(space):]
        if term.startswith(space) and local and not any(c in local for c in "/#?"):
            if best is None or len(space) > len(best[1]):
                best = (prefix, space)
    return f"{best[0]}:{term[len(best[1]):]}" if best else f"<{term}>"
