"""Extraction quality, measured: floors at the levels reached, so a regression fails the build.

Seeds are the development set; tests/data/ holds 109 single-sentence cases and 8 articles from
other wars, written independently of the extractor (held out from its development).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.evaluate import evaluate_cases, evaluate_corpus
from tests.conftest import DATA, ROOT, SEEDS


@pytest.fixture(scope="module")
def seeds_report():
    return evaluate_corpus([SEEDS], ROOT / "eval" / "seeds.gold.jsonl", ROOT / "eval" / "entities.jsonl")


@pytest.fixture(scope="module")
def heldout_report():
    return evaluate_corpus([DATA / "heldout" / "articles"], DATA / "heldout" / "gold.jsonl", DATA / "entities.jsonl")


@pytest.fixture(scope="module")
def heldout2_report():
    root = ROOT / "eval" / "heldout2"
    return evaluate_corpus([root / "articles"], root / "gold.jsonl", root / "entities.jsonl")


@pytest.fixture(scope="module")
def cases_report():
    return evaluate_cases(DATA / "sentences.jsonl", DATA / "entities.jsonl")


def test_seed_core_relations_meet_the_bar(seeds_report) -> None:
    core = seeds_report.core
    assert core.precision >= 0.95, seeds_report.to_text()
    assert core.explicit_recall >= 0.90, seeds_report.to_text()
    assert core.f1 >= 0.90, seeds_report.to_text()


def test_seed_secondary_relations_stay_precise(seeds_report) -> None:
    assert seeds_report.overall.precision >= 0.95, seeds_report.to_text()


def test_heldout_articles_from_other_wars(heldout_report) -> None:
    core = heldout_report.core
    assert core.precision >= 0.80, heldout_report.to_text()
    assert core.f1 >= 0.65, heldout_report.to_text()


def test_second_heldout_set(heldout2_report) -> None:
    core = heldout2_report.core
    assert core.precision >= 0.82, heldout2_report.to_text()
    assert core.f1 >= 0.58, heldout2_report.to_text()


def test_single_sentence_cases(cases_report) -> None:
    core = cases_report.core
    assert core.precision >= 0.95, cases_report.to_text()
    assert core.f1 >= 0.88, cases_report.to_text()


def test_negative_cases_yield_nothing(cases_report) -> None:
    negatives = {json.loads(line)["id"] for line in (DATA / "sentences.jsonl").read_text().splitlines() if line.strip() and not json.loads(line)["expect"]}
    assert len(negatives) >= 20
    wrong = sorted({p.doc for p in cases_report.false_positives} & negatives)
    assert len(wrong) <= 1, wrong
