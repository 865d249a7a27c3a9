"""Extraction quality, measured: floors at the levels reached, so a regression fails the build.

Two decisions are held to floors: what ``kg build`` does by default (the rules and the shipped
learned scorer, ``kg/data/scorer.json``) and the rules alone (``--scorer none``). Seeds are the
development set (and in the shipped model's training data); tests/data/ holds 109
single-sentence cases and 8 articles from other wars, eval/heldout2 8 more, written
independently of the extractor. The figures that count are ``make cv``'s on real news; these
catch regressions.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.evaluate import evaluate_cases, evaluate_corpus
from tests.conftest import DATA, ROOT, SEEDS

# (set, decision) → floors on core-five precision and F1, a little under what was measured
# (2026-12-05; README "Extraction quality"). The shipped floors were lowered once, with the
# model retrained when civilians became one id: `make cv` rose from 0.429 to 0.442, while these
# sets, which the rules were written against, fell by up to 0.02 (seeds 0.851 → 0.831), through
# lower captures and evacuates thresholds.
FLOORS = {
    ("seeds", "rules"): (0.95, 0.90),
    ("seeds", "shipped"): (0.71, 0.80),
    ("heldout", "rules"): (0.80, 0.65),
    ("heldout", "shipped"): (0.62, 0.70),
    ("heldout2", "rules"): (0.82, 0.58),
    ("heldout2", "shipped"): (0.60, 0.65),
    ("sentences", "rules"): (0.95, 0.88),
    ("sentences", "shipped"): (0.75, 0.81),
}
# Negative sentences (no relation stated) that may still give one, per decision.
NEGATIVES_ALLOWED = {"rules": 1, "shipped": 3}


@pytest.fixture(scope="module", params=["rules", "shipped"])
def decision(request, nlp, shipped_nlp):
    return request.param, (nlp if request.param == "rules" else shipped_nlp)


@pytest.fixture(scope="module")
def reports(decision):
    name, pipeline = decision
    heldout2 = ROOT / "eval" / "heldout2"
    return name, {
        "seeds": evaluate_corpus([SEEDS], ROOT / "eval" / "seeds.gold.jsonl", ROOT / "eval" / "entities.jsonl", nlp=pipeline),
        "heldout": evaluate_corpus([DATA / "heldout" / "articles"], DATA / "heldout" / "gold.jsonl", DATA / "entities.jsonl", nlp=pipeline),
        "heldout2": evaluate_corpus([heldout2 / "articles"], heldout2 / "gold.jsonl", heldout2 / "entities.jsonl", nlp=pipeline),
        "sentences": evaluate_cases(DATA / "sentences.jsonl", DATA / "entities.jsonl", nlp=pipeline),
    }


@pytest.mark.parametrize("name", ["seeds", "heldout", "heldout2", "sentences"])
def test_core_relations_meet_their_floor(reports, name: str) -> None:
    decision, found = reports
    report = found[name]
    precision, f1 = FLOORS[(name, decision)]
    assert report.core.precision >= precision, f"{decision}\n{report.to_text()}"
    assert report.core.f1 >= f1, f"{decision}\n{report.to_text()}"


def test_seed_recall_of_explicit_relations(reports) -> None:
    decision, found = reports
    assert found["seeds"].core.explicit_recall >= 0.90, found["seeds"].to_text()


def test_seed_secondary_relations_stay_precise(reports) -> None:
    """The relations only the rules state (allyOf, controls, designatesTerrorist…) keep their precision."""
    decision, found = reports
    floor = 0.95 if decision == "rules" else 0.75
    assert found["seeds"].overall.precision >= floor, found["seeds"].to_text()


def test_negative_cases_yield_nothing(reports) -> None:
    decision, found = reports
    negatives = {json.loads(line)["id"] for line in (DATA / "sentences.jsonl").read_text().splitlines() if line.strip() and not json.loads(line)["expect"]}
    assert len(negatives) >= 20
    wrong = sorted({p.doc for p in found["sentences"].false_positives} & negatives)
    assert len(wrong) <= NEGATIVES_ALLOWED[decision], wrong
