"""A slice of the soak on real news: the first 100 FA-KES articles and the 36 dev articles
(``make soak`` runs all 764 FA-KES articles and the dev articles)."""
from __future__ import annotations

import pytest

from bench.soak import DEFAULT_ARTICLES, DEFAULT_INPUTS, soak

pytestmark = pytest.mark.slow


def test_soak_slice_on_real_news() -> None:
    if not DEFAULT_ARTICLES.exists():
        pytest.skip(f"{DEFAULT_ARTICLES} is absent: the soak needs ../shared/corpora/fakes-pool")
    report = soak(DEFAULT_INPUTS, limit=100)
    assert report.passed, "\n".join(report.lines())
    assert report.articles == 136 and report.triples > 5000
    assert [run.failures for run in report.runs] == [0, 0]
