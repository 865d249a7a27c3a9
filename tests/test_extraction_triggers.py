"""Triggers of the core relations (``kg.extraction.triggers``), on sentences written for these
tests (not the seeds)."""
from __future__ import annotations

import pytest

from tests.conftest import token_of, triples


@pytest.mark.parametrize("text, expected", [
    # active voice, demonym metonymy, coordination of agents and targets
    ("Russian and Belarusian jets bombed Kharkiv and Sumy.", {("russia", "strikes", "kharkiv"), ("belarus", "strikes", "kharkiv"), ("russia", "strikes", "sumy"), ("belarus", "strikes", "sumy")}),
    # passive with a by-agent; capital as metonym for the state
    ("Odesa was shelled by Russian forces on Tuesday.", {("russia", "strikes", "odesa")}),
    ("Moscow launched a new offensive on Avdiivka.", {("russia", "attacks", "avdiivka")}),
    # nominal trigger with an owner
    ("An Israeli air strike on Rafah killed 12 people.", {("israel", "strikes", "rafah")}),
    # X-backed Y
    ("Iran-backed Houthi rebels seized Hodeidah.", {("iran", "backs", "houthis"), ("houthis", "captures", "hodeidah")}),
    # backer of / support for
    ("The United Arab Emirates has been the main backer of Khalifa Haftar.", {("united-arab-emirates", "backs", "libyan-national-army")}),
    # capture: took control of the city of X
    ("The Rapid Support Forces took control of the city of Nyala.", {("rapid-support-forces", "captures", "nyala")}),
    # evacuation with from/to
    ("Hundreds of civilians were evacuated from Mariupol to Zaporizhzhia.", {("civilians", "evacuates", "mariupol")}),
    # the previous sentence's agent
    ("Russian drones struck Kyiv overnight. They also hit the city of Lviv.", {("russia", "strikes", "kyiv"), ("russia", "strikes", "lviv")}),
])
def test_relations(extract_text, text: str, expected: set[tuple[str, str, str]]) -> None:
    found = {t for t in triples(extract_text(text)) if t[1] in ("strikes", "attacks", "backs", "captures", "evacuates")}
    assert expected <= found, found


def test_verb_and_noun_triggers_become_events(extractor_for) -> None:
    verb = extractor_for("Russian jets bombed Kharkiv.")
    verb_events = verb.run().events
    assert [(e.relation, e.trigger) for e in verb_events] == [("strikes", "bombed")]
    noun = extractor_for("An Israeli air strike on Rafah killed 12 people.")
    assert {(e.relation, e.trigger) for e in noun.run().events} == {("strikes", "strike")}


def test_gerund_with_a_demonym_is_a_noun_trigger(extractor_for) -> None:
    extractor = extractor_for("Russian shelling hit Kharkiv.")
    assert extractor.is_gerund_noun(token_of(extractor, "shelling"))
    extractor = extractor_for("Russia was shelling Kharkiv.")
    assert not extractor.is_gerund_noun(token_of(extractor, "shelling"))


def test_an_x_backed_modifier_does_not_reach_an_earlier_conjunct(extract_text) -> None:
    """"between the militants and US-backed fighters": only the fighters are backed; a modifier
    before both conjuncts still backs both ("Russian-backed rebels and militias")."""
    found = triples(extract_text("Heavy fighting raged between Islamic State militants and U.S.-backed fighters near Manbij."))
    assert ("united-states", "backs", "islamic-state") not in found, found
    found = triples(extract_text("Russian-backed rebels and militias attacked Mariupol."))
    assert {("russia", "backs", "russia-backed-rebels"), ("russia", "backs", "ukrainian-militias")} <= found, found


def test_an_event_noun_whose_relative_clause_names_what_it_hit(extract_text) -> None:
    """"the strikes that targeted X": the relative pronoun is the noun itself, so X is the target."""
    found = triples(extract_text("Russian air strikes that targeted the town of Maarat al-Numan killed 12 people."))
    assert ("russia", "strikes", "maarat-al-numan") in found, found
