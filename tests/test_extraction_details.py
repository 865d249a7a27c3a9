"""Event details (``kg.extraction.details``): dates, casualties, means, headcounts, reporters."""
from __future__ import annotations

import pytest

from kg.extraction.details import casualties, parse_number


def test_event_details_date_casualties_means_and_reporter(extract_text) -> None:
    result = extract_text(
        "Russian jets struck Idlib with cluster bombs on Sunday, killing at least 25 people and wounding dozens, according to the White Helmets.",
        date="2024-12-03",
    )
    (event,) = [e for e in result.events if e.kind == "Strike"]
    assert event.date is not None and event.date.isoformat() == "2024-12-01"
    assert event.date_text == "Sunday"
    assert (event.killed, event.killed_qualifier) == (25, "at least")
    assert event.injured_qualifier == "dozens"
    assert any("cluster bombs" in m for m in event.means)
    assert "white-helmets" in event.reported_by


def test_date_stays_unresolved_without_article_date(extract_text) -> None:
    result = extract_text("Russian jets struck Idlib on Sunday.")
    (event,) = [e for e in result.events if e.kind == "Strike"]
    assert event.date is None and event.date_text == "Sunday"


def test_evacuation_details(extract_text) -> None:
    result = extract_text("About 40,000 rebels and civilians were evacuated from eastern Aleppo to Idlib.")
    (event,) = [e for e in result.events if e.kind == "Evacuation"]
    assert event.origins == ("aleppo",) and event.destinations == ("idlib",)


def test_number_evacuated(extract_text) -> None:
    result = extract_text("About 40,000 rebels and civilians were evacuated from eastern Aleppo to Idlib.")
    (event,) = [e for e in result.events if e.kind == "Evacuation"]
    assert (event.count, event.count_qualifier) == (40000, "about")
    result = extract_text("The evacuation of 300 civilians from Mariupol began on Friday.")
    (event,) = [e for e in result.events if e.kind == "Evacuation"]
    assert event.count == 300 and event.origins == ("mariupol",)


@pytest.mark.parametrize("text, value", [
    ("25", 25), ("1,500", 1500), ("40.000", 40000), ("four", 4), ("a hundred", 100),
    ("3 million", 3_000_000), ("2.5 million", 2_500_000), ("twenty thousand", 20_000),
    ("dozens", None), ("1.5", None), ("", None),
])
def test_parse_number(text: str, value: int | None) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("sentence, expected", [
    ("At least 25 people were killed and dozens wounded in the strike.", {"killed": 25, "killed_qualifier": "at least", "injured_qualifier": "dozens"}),
    ("The death toll rose to 40, officials said.", {"killed": 40}),
    ("The strike wounded 1,200 people.", {"injured": 1200}),
    ("Fighting continued on Monday.", {}),
])
def test_casualties(sentence: str, expected: dict[str, object]) -> None:
    assert casualties(sentence) == expected
