"""Transfer recall on public corpora: the matching of kg's mentions to gold argument spans."""
from __future__ import annotations

from pathlib import Path

import pytest

from kg.corpora.common import PairExample
from kg.transfer import SHARED, TransferReport, load, same_mention, transfer_recall


@pytest.mark.parametrize("found, gold, same", [
    ("Russian jets", "Russian jets", True),
    ("the US-led coalition", "US-led coalition", True),
    ("Syrian government forces", "government forces", True),  # one inside the other
    ("Islamic State", "the Islamic State group", True),
    ("Aleppo", "eastern Aleppo", True),
    ("Aleppo", "Idlib", False),
    ("rebels", "Russian jets", False),
    ("", "Idlib", False),
])
def test_same_mention(found: str, gold: str, same: bool) -> None:
    assert same_mention(found, gold) is same


@pytest.mark.slow
def test_transfer_recall_counts_found_pairs_by_relation_and_direction() -> None:
    text = "Russian jets struck Idlib on Monday. Rebels captured the town of Saraqeb."
    examples = [
        PairExample("t", "d1", text, 0, (0, 12), (20, 25), "Russian jets", "Idlib", "strikes"),
        PairExample("t", "d1", text, 0, (20, 25), (0, 12), "Idlib", "Russian jets", "strikes"),  # wrong direction
        PairExample("t", "d1", text, 0, (0, 12), (20, 25), "Russian jets", "Idlib", "attacks"),  # family only
    ]
    report = transfer_recall("t", examples)
    assert report.texts == 1 and report.failed == 0
    assert (report.found["strikes"], report.total["strikes"]) == (1, 2)
    assert (report.found["attacks"], report.found_family["attacks"]) == (0, 1)


def test_rams_test_and_re3d_load_only_core_positives() -> None:
    if not (SHARED / "corpora").is_dir():
        pytest.skip(f"{SHARED / 'corpora'} is absent: transfer corpora are in ../shared")
    for corpus in ("rams-test", "re3d"):
        examples = load(corpus)
        assert len(examples) > 100 and {e.label for e in examples} <= {"strikes", "attacks", "backs", "captures", "evacuates"}
    assert not TransferReport("x").recall()
