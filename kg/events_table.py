"""`kg export events`: one row per event, for pandas, R or a spreadsheet (docs/events-table.md).

Multi-valued cells hold `;`-joined labels with the IRIs in a parallel column, in the same order.
An event reported by several articles lists every article, sentence and offset, `;`-joined in
reading order (sentences, which may hold `;`, are joined by a line break instead). Rows are sorted
by date (undated last), then type and IRI, so the same graph gives the same bytes.
"""
from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path
from typing import Iterable

from kg.errors import KgError
from kg.graphread import GraphData, read_graphs

# (column, kind): kind is "str" or "int"; the order is the file's.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("event_iri", "str"),
    ("event_type", "str"),
    ("date", "str"),
    ("date_text", "str"),
    ("agents", "str"),
    ("agent_iris", "str"),
    ("targets", "str"),
    ("target_iris", "str"),
    ("places", "str"),
    ("place_iris", "str"),
    ("origins", "str"),
    ("origin_iris", "str"),
    ("destinations", "str"),
    ("destination_iris", "str"),
    ("killed", "int"),
    ("killed_qualifier", "str"),
    ("injured", "int"),
    ("injured_qualifier", "str"),
    ("evacuated", "int"),
    ("evacuated_qualifier", "str"),
    ("means", "str"),
    ("reported_by", "str"),
    ("reported_by_iris", "str"),
    ("trigger", "str"),
    ("article_ids", "str"),
    ("article_iris", "str"),
    ("sentences", "str"),
    ("offsets", "str"),
    ("evidence_iris", "str"),
)
FORMATS = ("csv", "parquet")
Row = dict[str, "str | int | None"]


def event_rows(data: GraphData) -> list[Row]:
    """The events of ``data`` as rows keyed by column name (None for an empty cell)."""
    rows: list[Row] = []
    for event in data.events.values():
        row: Row = {"event_iri": event.iri, "event_type": event.type, "date": event.date,
                    "date_text": event.date_text}
        for column, iris in (("agent", event.agents), ("target", event.targets), ("place", event.places),
                             ("origin", event.origins), ("destination", event.destinations),
                             ("reported_by", event.reported_by)):
            ordered = sorted(iris, key=lambda iri: (data.label(iri), iri))
            plural = column if column == "reported_by" else column + "s"
            row[plural] = _join(data.label(iri) for iri in ordered)
            row[column + "_iris"] = _join(ordered)
        row.update(killed=event.killed, killed_qualifier=event.killed_qualifier, injured=event.injured,
                   injured_qualifier=event.injured_qualifier, evacuated=event.evacuated,
                   evacuated_qualifier=event.evacuated_qualifier, means=_join(event.means),
                   trigger=event.trigger)
        evidence = [data.evidence[e] for e in event.evidence if e in data.evidence]
        docs = [data.documents.get(e.doc) for e in evidence]
        row["article_ids"] = _join(d.id if d is not None else e.doc.rsplit("/", 1)[-1] for d, e in zip(docs, evidence))
        row["article_iris"] = _join(e.doc for e in evidence)
        row["sentences"] = "\n".join(e.text for e in evidence) or None
        row["offsets"] = _join(f"{e.start}-{e.end}" for e in evidence)
        row["evidence_iris"] = _join(e.iri for e in evidence)
        rows.append(row)
    rows.sort(key=lambda r: (r["date"] is None, r["date"] or "", r["event_type"], r["event_iri"]))
    return rows


def _join(values: Iterable[str]) -> str | None:
    joined = ";".join(values)
    return joined or None


def to_csv(rows: list[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([name for name, _ in COLUMNS])
    for row in rows:
        writer.writerow(["" if row.get(name) is None else row[name] for name, _ in COLUMNS])
    return buffer.getvalue()


def to_parquet(rows: list[Row], path: Path) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise KgError("-f parquet needs pyarrow, which is not installed; pip install 'kg[export]' (or use -f csv)") from None
    types = {"str": pa.string(), "int": pa.int64()}
    schema = pa.schema([(name, types[kind]) for name, kind in COLUMNS])
    table = pa.table({name: [row.get(name) for row in rows] for name, _ in COLUMNS}, schema=schema)
    pq.write_table(table, str(path), compression="zstd", write_statistics=True)


def export_events(graphs: list[Path], out: Path, fmt: str = "csv") -> int:
    """Write the event table of ``graphs`` to ``out`` (whole or not at all); the number of rows."""
    if fmt not in FORMATS:
        raise KgError(f"-f {fmt}: unknown format; use csv or parquet")
    if out.is_dir():
        raise KgError(f"{out}: is a folder; give a file name for -o")
    rows = event_rows(read_graphs(graphs))
    temporary: str | None = None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
        os.close(handle)
        os.chmod(temporary, 0o644)  # mkstemp makes 0600; the table is meant to be shared
        if fmt == "csv":
            Path(temporary).write_text(to_csv(rows), encoding="utf-8")
        else:
            to_parquet(rows, Path(temporary))
        os.replace(temporary, out)
    except OSError as error:
        raise KgError(f"{error.filename or out}: cannot write: {error.strerror or error}") from None
    finally:
        if temporary is not None and os.path.exists(temporary):
            os.unlink(temporary)
    return len(rows)
