"""`kg export events`: the event table through pandas (CSV and Parquet), against the graph itself."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from kg.events_table import COLUMNS
from tests.conftest import ROOT, run_kg

pd = pytest.importorskip("pandas", reason="pandas not installed: `make test` installs requirements-test.txt (pandas, pyarrow)")

GOLDEN_GRAPH = ROOT / "tests" / "golden" / "004_0ed98a606f84a882.ttl"
KG = "https://w3id.org/kg-conflict/ontology#"


@pytest.fixture(scope="module")
def seed_graph(seed_build) -> Path:
    out, _ = seed_build
    return out / "graph.ttl"


def test_csv_round_trips_through_pandas(seed_graph: Path, tmp_path: Path) -> None:
    table = tmp_path / "events.csv"
    result = run_kg("export", "events", str(seed_graph), "-f", "csv", "-o", str(table))
    assert result.returncode == 0, result.stderr
    frame = pd.read_csv(table, dtype=str, keep_default_na=False)
    assert list(frame.columns) == [name for name, _ in COLUMNS]
    graph = Graph().parse(seed_graph)
    kinds = {URIRef(KG + k) for k in ("Strike", "Attack", "Support", "Capture", "Evacuation")}
    events = {str(s) for s, o in graph.subject_objects(URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")) if o in kinds}
    assert sorted(frame["event_iri"]) == sorted(events) and len(frame) == len(events)
    label = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
    for row in frame.itertuples():
        node = URIRef(row.event_iri)
        # Agents: ;-joined labels, IRIs in the parallel column, same order, as the graph says.
        iris = row.agent_iris.split(";") if row.agent_iris else []
        assert sorted(iris) == sorted(str(o) for o in graph.objects(node, URIRef(KG + "agent")))
        assert (row.agents.split(";") if row.agents else []) == [str(graph.value(URIRef(i), label)) for i in iris]
        killed = graph.value(node, URIRef(KG + "killed"))
        assert row.killed == ("" if killed is None else str(int(killed)))
        # Each sentence is the text at its offsets, in its article.
        sentences = row.sentences.split("\n")
        offsets = row.offsets.split(";")
        assert len(sentences) == len(offsets) == len(row.article_ids.split(";"))
        for sentence, span in zip(sentences, offsets):
            start, end = map(int, span.split("-"))
            assert len(sentence) == end - start
    dated = frame[frame["date"] != ""]
    assert list(dated["date"]) == sorted(dated["date"])  # rows in date order
    assert (frame["date"] == "").sum() < len(frame)
    with_casualties = frame[frame["killed"] != ""]
    assert len(with_casualties) >= 1 and with_casualties["killed"].astype(int).min() >= 0


def test_parquet_holds_the_same_table_and_both_are_deterministic(seed_graph: Path, tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow", reason="pyarrow not installed: `make test` installs requirements-test.txt (pandas, pyarrow)")
    import pyarrow.parquet as pq

    outputs = {}
    for seed in ("1", "2"):
        for fmt in ("csv", "parquet"):
            path = tmp_path / f"events-{seed}.{fmt}"
            result = run_kg("export", "events", str(seed_graph), "-f", fmt, "-o", str(path), env={**os.environ, "PYTHONHASHSEED": seed})
            assert result.returncode == 0, result.stderr
            outputs[seed, fmt] = path
    for fmt in ("csv", "parquet"):
        assert outputs["1", fmt].read_bytes() == outputs["2", fmt].read_bytes()
    from_csv = pd.read_csv(outputs["1", "csv"], dtype=str, keep_default_na=False)
    from_parquet = pd.read_parquet(outputs["1", "parquet"])
    schema = pq.read_schema(outputs["1", "parquet"])
    assert schema.names == list(from_csv.columns)
    assert {name for name in schema.names if schema.field(name).type == pa.int64()} == {"killed", "injured", "evacuated"}
    assert all(schema.field(name).type == pa.string() for name in schema.names if name not in ("killed", "injured", "evacuated"))
    as_text = from_parquet.astype(object).where(from_parquet.notna(), "")
    for column in from_csv.columns:
        values = ["" if v == "" else str(int(v)) if isinstance(v, float) else str(v) for v in as_text[column]]
        assert values == list(from_csv[column]), column


def test_parquet_without_pyarrow_is_one_clear_line(tmp_path: Path) -> None:
    out = tmp_path / "events.parquet"
    # The interpreter as a user without pyarrow has it: the import fails.
    code = ("import sys; sys.modules['pyarrow'] = None; sys.modules['pyarrow.parquet'] = None; "
            "sys.argv = ['kg', 'export', 'events', sys.argv[1], '-f', 'parquet', '-o', sys.argv[2]]; "
            "from kg.cli import main; main()")
    result = subprocess.run([sys.executable, "-c", code, str(GOLDEN_GRAPH), str(out)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 2
    assert result.stderr == "kg: -f parquet needs pyarrow, which is not installed; pip install 'kg[export]' (or use -f csv)\n"
    assert not out.exists() and not list(tmp_path.iterdir())


def test_export_errors(tmp_path: Path) -> None:
    result = run_kg("export", "events", str(tmp_path / "none.ttl"), "-o", str(tmp_path / "x.csv"))
    assert result.returncode == 2 and result.stderr.startswith("kg: ") and "none.ttl: no such file" in result.stderr
    result = run_kg("export", "events", str(GOLDEN_GRAPH), "-o", str(tmp_path))
    assert result.returncode == 2 and "is a folder" in result.stderr
    result = run_kg("export", "events", str(GOLDEN_GRAPH), "-f", "xlsx", "-o", str(tmp_path / "x.xlsx"))
    assert result.returncode == 2
    assert not (tmp_path / "x.csv").exists() and not (tmp_path / "x.xlsx").exists()
