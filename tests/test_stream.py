"""The streaming build writes what a build holding the whole corpus would write.

These tests drive kg.stream with hand-made resolved documents (no NLP), so each cross-document
dependency can be provoked on purpose: a later document changing an earlier one's entity types,
and later reports of an event raising its casualty figures.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kg import stream
from kg.build import build_graphs, merge_entities, merged_report, union
from kg.documents import Document
from kg.export import merge_runs, nt_lines, write_run
from kg.rdf import RunInfo, run_iri
from kg.resolve import DocumentResult, Entity, Relation, ResolvedEvent, enforce_roles
from kg.validate import validate_graph

DAY = dt.date(2024, 3, 2)


def _document(doc_id: str, text: str) -> Document:
    return Document(doc_id, text, f"{doc_id}.txt", title=f"Title {doc_id}", date=DAY)


def _strike(doc_id: str, key: str, agent: str, target: str, *, places: tuple[str, ...] = (), killed: int | None = None, trigger: str = "struck", date: dt.date | None = DAY) -> ResolvedEvent:
    return ResolvedEvent(
        key=key, kind="Strike", relation="strikes", doc_ids=[doc_id], agents=(agent,), targets=(target,), places=places,
        origins=(), destinations=(), date=date, date_text="on Saturday" if date else None, evidence=[(doc_id, (0, 20))], trigger=trigger,
        killed=killed, killed_qualifier="at least" if killed else None,
    )


def _relation(doc_id: str, predicate: str, subject: str, obj: str, event: str | None = None) -> Relation:
    return Relation(doc_id, predicate, subject, obj, (0, 20), "struck", (5, 11), "explicit", subject, obj, event)


def _result(doc_id: str, entities: list[Entity], relations: list[Relation], events: list[ResolvedEvent]) -> DocumentResult:
    text = "Jets struck a town. Fighters attacked a base. More words follow here."
    return DocumentResult(_document(doc_id, text), {e.id: e for e in entities}, relations, events)


def corpus() -> list[DocumentResult]:
    """Four articles. "zeta" is a place in a and an armed group in c (minted names, so the group
    side wins corpus-wide and a's place role must go); event E is told by a, b and d, and d
    raises its death toll; a's undated event U-a is a's alone."""
    russia = lambda: Entity("russia", "Russia", {"State"}, {"Russia"}, gazetteer=True)  # noqa: E731
    zeta_place = Entity("zeta", "Zeta", {"Settlement"}, {"Zeta"})
    zeta_group = Entity("zeta", "Zeta", {"ArmedGroup"}, {"Zeta fighters"})
    town = lambda: Entity("omicron", "Omicron", {"Settlement"}, {"Omicron"})  # noqa: E731
    a = _result("a", [russia(), zeta_place, town()], [_relation("a", "strikes", "russia", "omicron", "E")], [_strike("a", "E", "russia", "omicron", places=("zeta",), killed=3), _strike("a", "U-a", "russia", "omicron", killed=1, trigger="shelled", date=None)])
    b = _result("b", [russia(), town()], [_relation("b", "strikes", "russia", "omicron", "E")], [_strike("b", "E", "russia", "omicron", killed=2, trigger="bombed")])
    c = _result("c", [zeta_group, russia()], [_relation("c", "attacks", "zeta", "russia")], [])
    d = _result("d", [russia(), town()], [_relation("d", "strikes", "russia", "omicron", "E")], [_strike("d", "E", "russia", "omicron", killed=9)])
    return [a, b, c, d]


def info_for(results: list[DocumentResult]) -> RunInfo:
    return RunInfo("test", "model", "1.0", tuple(r.document.id for r in results))


def streamed(results: list[DocumentResult], folder: Path, monkeypatch: pytest.MonkeyPatch, *, batch: int, background: bool = False) -> tuple[list[str], list[object], stream.StreamBuild]:
    monkeypatch.setattr(stream, "BATCH_DOCS", batch)
    info = info_for(results)
    build = stream.StreamBuild(info, run_iri(info), folder, validate=True, quads=False, background=background)
    try:
        for result in results:
            build.add(result)
        build.finish()
    finally:
        build.close()
    lines, _, final = build.final_graphs()
    write_run(folder / "default.nt", lines)
    runs = [folder / f"{index:06d}.nt" for index in range(len(build.batches))] + [folder / "default.nt"]
    return list(merge_runs(runs, folder)), build.validation_results() + final, build


def whole(results: list[DocumentResult]) -> list[str]:
    enforced = enforce_roles(results, merge_entities(results))
    default, named = build_graphs(enforced, info_for(results))
    return nt_lines(union(default, named))


@pytest.mark.parametrize("batch", [1, 2, 3, 32])
def test_streamed_graph_equals_whole_corpus_graph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int) -> None:
    lines, results, _ = streamed(corpus(), tmp_path, monkeypatch, batch=batch)
    assert lines == whole(corpus())
    assert merged_report(results).conforms


def test_later_documents_rewrite_earlier_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines, _, build = streamed(corpus(), tmp_path, monkeypatch, batch=1)
    text = "\n".join(lines)
    # a's place role for zeta is gone (zeta is a group), and the event has d's toll.
    assert "<https://w3id.org/kg-conflict/ontology#place> <https://w3id.org/kg-conflict/entity/zeta>" not in text
    assert '<https://w3id.org/kg-conflict/ontology#killed> "9"' in text
    assert '<https://w3id.org/kg-conflict/ontology#killed> "3"' not in text
    assert text.count("ontology#trigger> \"struck\"") >= 1 and "ontology#trigger> \"bombed\"" not in text.split("statement/")[0]
    assert build.entities()["zeta"].types == {"ArmedGroup"}
    assert '<https://w3id.org/kg-conflict/event/U-a> <https://w3id.org/kg-conflict/ontology#trigger> "shelled"' in text
    assert build.rewritten >= 1 and build.events.kinds()["Strike"] == 2


def test_streamed_validation_equals_whole_graph_validation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A corpus whose graph breaks shapes (a negative death toll, an event report without
    evidence): the batches' results are the whole graph's results."""
    results = corpus()
    broken = _strike("e", "F", "russia", "omicron", killed=-1)
    unsourced = _strike("e", "G", "russia", "omicron", trigger="shelled")
    unsourced.evidence = []
    entities = [Entity("russia", "Russia", {"State"}, {"Russia"}, gazetteer=True), Entity("omicron", "Omicron", {"Settlement"}, {"Omicron"})]
    results.insert(1, _result("e", entities, [], [broken, unsourced]))
    lines, streamed_results, _ = streamed(results, tmp_path, monkeypatch, batch=2)
    from rdflib import Graph

    graph = Graph().parse(data="\n".join(lines) + "\n", format="nt")
    reference = validate_graph(graph)
    report = merged_report(streamed_results)
    assert not reference.conforms and len(reference.results) >= 2
    assert report.conforms == reference.conforms
    assert set(report.results) == set(reference.results)


def test_background_process_writes_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    here, _, _ = streamed(corpus(), tmp_path / "here", monkeypatch, batch=1) if (tmp_path / "here").mkdir() is None else ([], [], None)
    (tmp_path / "there").mkdir()
    there, _, _ = streamed(corpus(), tmp_path / "there", monkeypatch, batch=1, background=True)
    assert here == there
