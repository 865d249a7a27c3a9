"""`kg check-ontology`: lint the ontology, reason over it with HermiT, check a built graph.

HermiT (through owlready2) is the authority on consistency; it says *that* something is
wrong, not *which* axiom. So kg also runs a direct check over subclass closure, rdfs:domain
and rdfs:range and disjointness, whose findings name the classes, individuals and axioms.
"""
from __future__ import annotations

import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyshacl
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from kg.errors import InputError, KgError
from kg.namespaces import KG
from kg.validate import ONTOLOGY_DIR, compact, parse_graph_file, report_from_graph

LINT_SHAPES = "ontology-lint.shapes.ttl"
GAZETTEER = "gazetteer.ttl"
INCONSISTENT = ": inconsistent (HermiT)"
DECLARATION_TYPES = (
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    RDFS.Class,
    RDF.Property,
)


@dataclass(frozen=True)
class OntologyFiles:
    """The parsed ontology directory: TBox files merged, and the gazetteer ABox if any."""

    tbox: Graph
    gazetteer: Graph | None
    gazetteer_path: Path | None


def check_ontology(
    ontology_dir: Path,
    shapes_dir: Path,
    gazetteer: Path | None = None,
    graph: Path | None = None,
) -> list[str]:
    """Problems with the ontology (and optionally a built graph); empty means clean.

    ``gazetteer`` defaults to ``ontology_dir/gazetteer.ttl`` when that file exists; every
    other .ttl in ``ontology_dir`` is part of the ontology.
    """
    files = load_ontology_files(Path(ontology_dir), gazetteer)
    shapes_dir = Path(shapes_dir)
    problems: list[str] = []
    problems += lint_ontology(files.tbox, shapes_dir / LINT_SHAPES)
    problems += undeclared_terms(files, shapes_dir)
    abox = files.gazetteer if files.gazetteer is not None else Graph()
    what = f"ontology + {files.gazetteer_path.name}" if files.gazetteer_path else "ontology"
    verdict = reason(files.tbox, [abox], what)
    problems += verdict
    if graph is not None:
        name = Path(graph).name
        data = parse_graph_file(Path(graph))
        problems += _undeclared_in(data, declared_terms(files.tbox), name)
        if any(line.endswith(INCONSISTENT) for line in verdict):
            problems.append(f"graph {name}: not reasoned over, {what} is already inconsistent")
        else:
            problems += reason(files.tbox, [abox, data], f"graph {name}", tbox_report=False)
    return problems


def ontology_counts(ontology_dir: Path | None = None) -> tuple[int, int]:
    """How many kg classes and kg properties the ontology declares."""
    files = load_ontology_files(Path(ontology_dir) if ontology_dir else ONTOLOGY_DIR, None, with_gazetteer=False)
    terms = declared_terms(files.tbox)
    classes = {t for t in terms if (t, RDF.type, OWL.Class) in files.tbox}
    return len(classes), len(terms - classes)


def load_ontology_files(
    ontology_dir: Path, gazetteer: Path | None, with_gazetteer: bool = True
) -> OntologyFiles:
    if not ontology_dir.is_dir():
        raise InputError(ontology_dir, "no such ontology directory")
    gazetteer_path = Path(gazetteer) if gazetteer is not None else ontology_dir / GAZETTEER
    if gazetteer is not None and not gazetteer_path.is_file():
        raise InputError(gazetteer_path, "no such gazetteer file")
    # The directory's own gazetteer is never TBox, even when another gazetteer is given.
    skip = {gazetteer_path.resolve(), (ontology_dir / GAZETTEER).resolve()}
    paths = sorted(p for p in ontology_dir.glob("*.ttl") if p.resolve() not in skip)
    if not paths:
        raise InputError(ontology_dir, "no ontology files (*.ttl) in this directory")
    tbox = Graph()
    for path in paths:
        tbox += parse_graph_file(path)
    has_gazetteer = with_gazetteer and gazetteer_path.is_file()
    return OntologyFiles(
        tbox=tbox,
        gazetteer=parse_graph_file(gazetteer_path) if has_gazetteer else None,
        gazetteer_path=gazetteer_path if has_gazetteer else None,
    )


# --- (d) lint ---------------------------------------------------------------------------


def lint_ontology(tbox: Graph, lint_shapes: Path) -> list[str]:
    """The lint shapes applied to the ontology, one line per result naming the term."""
    shapes = parse_graph_file(lint_shapes)
    conforms, report_graph, _ = pyshacl.validate(
        tbox, shacl_graph=shapes, inference="none", allow_warnings=True
    )
    report = report_from_graph(bool(conforms), report_graph)
    return [f"{compact(r.focus_node)}: {r.message}" for r in report.results]


# --- (e) undeclared kg terms --------------------------------------------------------------


def declared_terms(tbox: Graph) -> set[URIRef]:
    """kg-namespace terms the ontology declares as a class or a property."""
    return {
        s
        for kind in DECLARATION_TYPES
        for s in tbox.subjects(RDF.type, kind)
        if isinstance(s, URIRef) and s.startswith(str(KG))
    }


def undeclared_terms(files: OntologyFiles, shapes_dir: Path) -> list[str]:
    declared = declared_terms(files.tbox)
    problems = _undeclared_in(files.tbox, declared, None)
    for path in sorted(shapes_dir.glob("*.ttl")):
        problems += _undeclared_in(parse_graph_file(path), declared, path.name)
    if files.gazetteer is not None and files.gazetteer_path is not None:
        problems += _undeclared_in(files.gazetteer, declared, files.gazetteer_path.name)
    return problems


def _undeclared_in(graph: Graph, declared: set[URIRef], where: str | None) -> list[str]:
    """kg terms used in graph but not declared; where=None means the ontology itself."""
    used = {t for triple in graph for t in triple if isinstance(t, URIRef) and t.startswith(str(KG))}
    place = f"used in {where} but" if where else "used in the ontology but"
    return [
        f"{compact(str(t))}: {place} not declared as a class or property in the ontology"
        for t in sorted(used - declared)
    ]


# --- (c, f) reasoning ---------------------------------------------------------------------


def reason(tbox: Graph, aboxes: list[Graph], what: str, tbox_report: bool = True) -> list[str]:
    """HermiT's verdict on the TBox and ABoxes, with direct explanations naming culprits."""
    consistent, unsatisfiable = run_hermit([tbox, *aboxes])
    model = _Model(tbox)
    if not consistent:
        clashes = model.individual_clashes(aboxes)
        for abox in aboxes:
            clashes += model.literal_clashes(abox)
        if not clashes:
            clashes = ["no disjointness or datatype clash found directly; check owl:sameAs links"]
        return [f"{what}{INCONSISTENT}"] + sorted(set(clashes))
    if not tbox_report:
        return []
    return [
        f"{compact(str(c))}: unsatisfiable class (HermiT)" + model.class_clash(c)
        for c in sorted(unsatisfiable)
    ]


def run_hermit(graphs: list[Graph]) -> tuple[bool, set[URIRef]]:
    """(consistent, unsatisfiable named classes) from HermiT, offline, in a fresh World."""
    import owlready2  # slow to import; only check-ontology needs it

    if shutil.which(owlready2.JAVA_EXE) is None:
        raise KgError(
            f"Java not found (looked for {owlready2.JAVA_EXE!r}): check-ontology runs HermiT, "
            "which needs Java 17 or later on PATH"
        )
    with tempfile.TemporaryDirectory(prefix="kg-hermit-") as tmp:
        path = Path(tmp) / "kg-check.nt"
        _write_ntriples(graphs, path)
        owlready2.onto_path.insert(0, tmp)
        world = owlready2.World()
        try:
            world.get_ontology(path.as_uri()).load()
            # HermiT knows only the OWL 2 datatype map, which lacks xsd:date (kg:date);
            # the SHACL shapes check kg:date values instead.
            owlready2.sync_reasoner_hermit(
                world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True
            )
            unsatisfiable = {
                URIRef(c.iri) for c in world.inconsistent_classes() if c.iri != str(OWL.Nothing)
            }
        except owlready2.OwlReadyInconsistentOntologyError:
            return False, set()
        except owlready2.OwlReadyJavaError as error:
            raise KgError(f"HermiT failed: {_java_error_line(str(error))}") from error
        finally:
            owlready2.onto_path.remove(tmp)
            world.close()
    return True, unsatisfiable


def _write_ntriples(graphs: list[Graph], path: Path) -> None:
    """One N-Triples file without owl:imports (nothing to fetch), graphs not copied."""
    with path.open("wb") as out:
        for graph in graphs:
            imports = list(graph.triples((None, OWL.imports, None)))
            if imports:
                graph = Graph() + graph  # copy only when there is something to drop
                for triple in imports:
                    graph.remove(triple)
            out.write(graph.serialize(format="nt", encoding="utf-8"))
            out.write(b"\n")


def _java_error_line(message: str) -> str:
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    for line in lines:
        if "Exception" in line:
            return line
    return lines[-1] if lines else "unknown Java error"


# --- direct explanations --------------------------------------------------------------------


class _Model:
    """Subclass closure, domains, ranges and disjoint pairs read straight from the TBox."""

    def __init__(self, tbox: Graph) -> None:
        self.supers: dict[URIRef, set[URIRef]] = defaultdict(set)
        for sub, sup in tbox.subject_objects(RDFS.subClassOf):
            if isinstance(sub, URIRef) and isinstance(sup, URIRef):
                self.supers[sub].add(sup)
        self.disjoint: list[tuple[URIRef, URIRef, str]] = list(_disjoint_pairs(tbox))
        self.domains = self._property_classes(tbox, RDFS.domain)
        self.ranges = self._property_classes(tbox, RDFS.range)
        self.symmetric = set(tbox.subjects(RDF.type, OWL.SymmetricProperty))
        self.datatype_ranges = {
            p: r
            for p in tbox.subjects(RDF.type, OWL.DatatypeProperty)
            for r in tbox.objects(p, RDFS.range)
            if isinstance(r, URIRef)
        }

    def _property_classes(self, tbox: Graph, axiom: URIRef) -> dict[URIRef, set[URIRef]]:
        direct: dict[URIRef, set[URIRef]] = defaultdict(set)
        for prop, cls in tbox.subject_objects(axiom):
            if isinstance(cls, URIRef) and (cls, RDF.type, OWL.Class) in tbox:
                direct[prop].add(cls)
        parents: dict[URIRef, set[URIRef]] = defaultdict(set)
        for sub, sup in tbox.subject_objects(RDFS.subPropertyOf):
            parents[sub].add(sup)
        result: dict[URIRef, set[URIRef]] = {}
        for prop in set(direct) | set(parents):
            seen, todo = set(), [prop]
            while todo:
                p = todo.pop()
                if p not in seen:
                    seen.add(p)
                    todo.extend(parents.get(p, ()))
            result[prop] = set().union(*(direct.get(p, set()) for p in seen))
        return result

    def closure(self, classes: dict[URIRef, str]) -> dict[URIRef, str]:
        """Every superclass of the given classes, each with the reason it applies."""
        result: dict[URIRef, str] = {}
        todo = sorted(classes.items())
        while todo:
            cls, why = todo.pop(0)
            if cls in result:
                continue
            result[cls] = why
            todo.extend((sup, why) for sup in sorted(self.supers.get(cls, ())))
        return result

    def class_clash(self, cls: URIRef) -> str:
        closure = self.closure({cls: ""})
        for a, b, axiom in self.disjoint:
            if a in closure and b in closure:
                return f": a subclass of {self.short(a)} and of {self.short(b)}, but {axiom}"
        return ""

    def individual_clashes(self, aboxes: list[Graph]) -> list[str]:
        """Individuals whose asserted and domain/range types fall in two disjoint classes."""
        problems = []
        for node, classes in sorted(self._individual_types(aboxes).items()):
            closure = self.closure(classes)
            for a, b, axiom in self.disjoint:
                if a in closure and b in closure:
                    problems.append(
                        f"{self.short(node)}: is a {self.short(a)} ({closure[a]}) and a "
                        f"{self.short(b)} ({closure[b]}), but {axiom}"
                    )
                    break
        return problems

    def literal_clashes(self, abox: Graph) -> list[str]:
        problems = []
        for prop, rng in sorted(self.datatype_ranges.items()):
            if not str(rng).startswith(str(XSD)) or rng == XSD.date:
                continue
            for node, value in sorted(abox.subject_objects(prop)):
                if isinstance(value, Literal) and (value.datatype != rng or value.ill_typed):
                    problems.append(
                        f"{self.short(node)}: {self.short(prop)} {_literal(value)} "
                        f"is not a {self.short(rng)} (rdfs:range of {self.short(prop)})"
                    )
        return problems

    def _individual_types(self, graphs: list[Graph]) -> dict[URIRef, dict[URIRef, str]]:
        types: dict[URIRef, dict[URIRef, str]] = defaultdict(dict)

        def add(node: object, classes: Iterable[URIRef], why: str) -> None:
            if isinstance(node, URIRef):
                for cls in classes:
                    types[node].setdefault(cls, why)

        for s, p, o in sorted(t for g in graphs for t in g):
            if p == RDF.type and isinstance(o, URIRef):
                add(s, [o], f"rdf:type {self.short(o)}")
                continue
            add(s, self.domains.get(p, ()), f"subject of {self.short(p)}")
            add(o, self.ranges.get(p, ()), f"object of {self.short(p)}")
            if p in self.symmetric:
                add(o, self.domains.get(p, ()), f"object of symmetric {self.short(p)}")
                add(s, self.ranges.get(p, ()), f"subject of symmetric {self.short(p)}")
        return types

    @staticmethod
    def short(term: object) -> str:
        return compact(str(term))


def _literal(value: Literal) -> str:
    if value.datatype is None:
        return value.n3()
    return f'"{value}"^^{compact(str(value.datatype))}'


def _disjoint_pairs(tbox: Graph) -> Iterator[tuple[URIRef, URIRef, str]]:
    short = _Model.short
    for a, b in sorted(tbox.subject_objects(OWL.disjointWith)):
        if isinstance(a, URIRef) and isinstance(b, URIRef):
            yield a, b, f"{short(a)} owl:disjointWith {short(b)}"
    for node in sorted(tbox.subjects(RDF.type, OWL.AllDisjointClasses)):
        for members_list in tbox.objects(node, OWL.members):
            members = [m for m in Collection(tbox, members_list) if isinstance(m, URIRef)]
            axiom = "owl:AllDisjointClasses (" + " ".join(short(m) for m in members) + ")"
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    yield a, b, axiom
