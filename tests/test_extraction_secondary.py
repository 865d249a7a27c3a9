"""Secondary relations and the verb rules that report core events in other words
(``kg.extraction.secondary``), on sentences written for these tests."""
from __future__ import annotations

import pytest

from tests.conftest import triples


@pytest.mark.parametrize("text, expected", [
    ("Rebel-held Idlib was shelled again.", ("syrian-rebels", "controls", "idlib")),
    ("The Houthis, who control much of northern Yemen, fired missiles at ships.", ("houthis", "controls", "yemen")),
    ("Assad is a close ally of Moscow.", ("syrian-government", "allyOf", "russia")),
    # firing weapons at X strikes X; sending fighters to X backs X
    ("Hezbollah fired rockets at a base in northern Israel.", ("hezbollah", "strikes", "israel")),
    ("Iran sent militias to Syria.", ("iran", "backs", "syrian-government")),
])
def test_secondary_rules(extract_text, text: str, expected: tuple[str, str, str]) -> None:
    found = triples(extract_text(text))
    assert expected in found, found


def test_control_is_not_read_from_a_denial(extract_text) -> None:
    found = triples(extract_text("The Houthis do not control northern Yemen."))
    assert not any(p == "controls" for _, p, _ in found), found
