"""Date resolution and IRI slugs."""
from __future__ import annotations

import datetime as dt

import pytest

from kg.resolve import resolve_date, slugify

SUNDAY = dt.date(2024, 12, 1)


@pytest.mark.parametrize("text, expected", [
    ("Sunday", SUNDAY),
    ("on Saturday", dt.date(2024, 11, 30)),
    ("Friday night", dt.date(2024, 11, 29)),
    ("yesterday", dt.date(2024, 11, 30)),
    ("today", SUNDAY),
    ("November 27", dt.date(2024, 11, 27)),
    ("December 25", dt.date(2023, 12, 25)),
    ("the 20th of October", dt.date(2024, 10, 20)),
    ("3 May 2023", dt.date(2023, 5, 3)),
    ("recent days", None),
    ("two days ago", dt.date(2024, 11, 29)),
    ("last week", None),
    ("in November", None),
])
def test_relative_dates_resolve_against_the_article_date(text: str, expected: dt.date | None) -> None:
    assert resolve_date(text, SUNDAY) == expected


def test_relative_dates_stay_unresolved_without_an_article_date() -> None:
    assert resolve_date("on Sunday", None) is None
    assert resolve_date("3 May 2023", None) == dt.date(2023, 5, 3)


def test_slugs_are_readable_and_safe() -> None:
    assert slugify("Hayat Tahrir al-Sham") == "hayat-tahrir-al-sham"
    assert slugify("Foo> <bar") == "foo-bar"
    assert slugify("\u062d\u0645\u0627\u0647").startswith("x-")
    assert slugify("Türkiye") == "turkiye"
