"""Clause structure (``kg.extraction.clauses``): subjects, objects and passive agents."""
from __future__ import annotations

from tests.conftest import token_of, triples


def test_active_clause_subject_and_object(extractor_for) -> None:
    extractor = extractor_for("Russia struck the hospital in Kharkiv.")
    verb = token_of(extractor, "struck")
    subjects, _ = extractor.subject_tokens(verb)
    assert [t.text for t in subjects] == ["Russia"]
    assert [t.text for t in extractor.objects(verb)] == ["hospital"]
    assert not extractor.is_passive(verb) and extractor.by_agent(verb) is None


def test_passive_clause_agent(extractor_for) -> None:
    extractor = extractor_for("Odesa was shelled by Russian forces on Tuesday.")
    verb = token_of(extractor, "shelled")
    assert extractor.is_passive(verb)
    agent = extractor.by_agent(verb)
    assert agent is not None and agent.text == "forces"
    assert [t.text for t in extractor.prep_objects(verb, ("by",))] == ["forces"]


def test_a_participle_on_an_attack_noun_is_read_from_the_noun(extract_text) -> None:
    """"launch attacks targeting X": the attacks target X; "targeting" gets no subject of its own."""
    found = triples(extract_text('Boko Haram "continued to launch indiscriminate, violent attacks targeting both Christians and Muslims."'))
    assert ("boko-haram", "attacks", "christians") in found and not any(p == "strikes" for _, p, _ in found), found


def test_sorties_targeting_places_strike_them(extract_text) -> None:
    """A strike noun's participle keeps the clause's subject: where the sorties' targets are is struck."""
    found = triples(extract_text("The Syrian army's air force carried out intensive sorties targeting hideouts of ISIL terrorists in the villages of Tal Alam and Sarjeh."))
    assert ("syrian-government", "strikes", "tal-alam") in found, found


def test_a_gerund_after_a_preposition_takes_the_verbs_subject(extract_text) -> None:
    """"X declared victory after seizing Y": the gerund under "after" is X's deed (not "accused of")."""
    found = triples(extract_text("Hezbollah declared victory after seizing Qusayr."))
    assert ("hezbollah", "captures", "qusayr") in found, found
    found = triples(extract_text("The Syrian army declared victory after attacking Idlib."))
    assert ("syrian-government", "attacks", "idlib") in found, found
    assert not triples(extract_text("Russia was accused of striking hospitals in Idlib."))


def test_an_armed_groups_leader_acts_for_the_group(extract_text) -> None:
    """The metonymy rule for groups: a named leader who acts stands for the group he leads."""
    found = triples(extract_text("IS leader Abu Bakr al-Baghdadi formally declared an Islamic caliphate after fighting the Iraqi army."))
    assert ("islamic-state", "attacks", "iraq") in found, found
    assert ("abu-bakr-al-baghdadi", "leaderOf", "islamic-state") in found, found
