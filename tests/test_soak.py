"""A 100-article slice of the soak on real news (``make soak`` runs all 764)."""
from __future__ import annotations

import pytest

from bench.soak import DEFAULT_ARTICLES, soak

pytestmark = pytest.mark.slow


def test_soak_slice_on_real_news() -> None:
    if not DEFAULT_ARTICLES.exists():
        pytest.skip(f"{DEFAULT_ARTICLES} is absent: the soak needs ../shared/corpora/fakes-pool")
    report = soak(DEFAULT_ARTICLES, limit=100)
    assert report.passed, "\n".join(report.lines())
    assert report.articles == 100 and report.triples > 5000
    assert [run.failures for run in report.runs] == [0, 0]
