"""Context filters and antecedents (``kg.extraction.context``): what the text does not assert,
and who a pronoun points to."""
from __future__ import annotations

import pytest

from tests.conftest import token_of, triples


@pytest.mark.parametrize("text", [
    "Russia denied striking the hospital in Kharkiv.",
    "Israel threatened to attack Rafah if the hostages are not freed.",
    "The Houthis vowed to strike ships in the Red Sea.",
    "If the army advances on Marib, thousands could flee.",
    "Did Russian jets bomb Idlib last night?",
    "Reports that the LNA had captured Tripoli were false, officials said.",
    "Read more: Russian jets strike Idlib",
    "Picture: Israeli troops raid Jenin. Photo: AFP",
    "Syrian government forces were mobilising to encircle rebels in the countryside of Aleppo.",
    "Russia vowed to strike and capture Idlib.",
    "Russian jets did not strike or bomb Idlib.",
])
def test_nothing_from_denials_threats_conditions_questions_and_furniture(extract_text, text: str) -> None:
    core = {t for t in triples(extract_text(text)) if t[1] in ("strikes", "attacks", "backs", "captures", "evacuates")}
    assert core == set(), core


def test_a_strike_by_workers_or_prisoners_is_blocked_and_an_air_strike_is_not(extractor_for) -> None:
    """"the 1981 hunger strike", "a general strike": no trigger for either layer."""
    hunger = extractor_for("Britain held firm during the 1981 hunger strike by IRA prisoners.")
    assert hunger.is_blocked(token_of(hunger, "strike"), "strikes")
    general = extractor_for("Unions called a general strike in Colombia.")
    assert general.is_blocked(token_of(general, "strike"), "strikes")
    air = extractor_for("Russian air strikes hit Kharkiv.")
    assert not air.is_blocked(token_of(air, "strikes"), "strikes")


def test_a_denied_strike_is_blocked_and_a_stated_one_is_not(extractor_for) -> None:
    denial = extractor_for("Russia denied striking the hospital in Kharkiv.")
    assert denial.is_blocked(token_of(denial, "striking"), "strikes")
    statement = extractor_for("Russia struck the hospital in Kharkiv.")
    assert not statement.is_blocked(token_of(statement, "struck"), "strikes")


def test_a_blocking_verb_does_not_block_a_verb_coordinated_with_it(extractor_for) -> None:
    """A blocking verb scopes over its complement ("vowed to strike"), not over what the subject
    went on to do ("massed near Hama and attacked"); negation still reaches both conjuncts."""
    for text, word in [("Rebels massed near Hama and attacked army positions on Friday.", "attacked"),
                       ("Hezbollah threatened Israel and fired rockets at Kiryat Shmona.", "fired")]:
        extractor = extractor_for(text)
        assert not extractor.is_blocked(token_of(extractor, word), "attacks"), text
    vow = extractor_for("Russia vowed to strike and capture Idlib.")
    assert vow.is_blocked(token_of(vow, "capture"), "captures")
    negated = extractor_for("Russian jets did not strike or bomb Idlib.")
    assert negated.is_blocked(token_of(negated, "bomb"), "strikes")


def test_questions_and_false_reports_are_blocked(extractor_for) -> None:
    question = extractor_for("Did Russian jets bomb Idlib last night?")
    assert question.is_blocked(token_of(question, "bomb"), "strikes")
    hearsay = extractor_for("Reports that the LNA had captured Tripoli were false, officials said.")
    assert hearsay.is_false_hearsay(token_of(hearsay, "Reports"))
    assert hearsay.is_blocked(token_of(hearsay, "captured"), "captures")


def test_they_takes_the_agents_of_the_previous_sentence(extractor_for) -> None:
    extractor = extractor_for("Russian drones struck Kyiv overnight. They also hit the city of Lviv.")
    extractor.run()
    mentions, tier = extractor.resolve_pronoun(token_of(extractor, "They"), "strikes")
    assert tier == "implicit"
    assert [(extractor.mentions[m].text, extractor.mentions[m].key) for m in mentions] == [("Russian drones", "russia")]


def test_a_participle_on_a_planned_verbs_object_is_asserted(extract_text) -> None:
    """"seeking to contain" plans the containing, not the fighting of the forces it names; and
    with the comma stripped the parser reads "Daesh" as the next clause's subject."""
    found = triples(extract_text("But Ankara is also seeking to contain the US-backed Syrian Kurdish forces fighting Daesh putting it at odds with the United States."))
    assert ("kurds", "attacks", "islamic-state") in found, found
    found = triples(extract_text("Ankara is seeking to attack the Kurdish forces in Afrin."))
    assert ("turkey", "attacks", "kurds") not in found, found


@pytest.mark.parametrize("text, expected", [
    ("Syrian and Russian warplanes regularly bomb Idlib.", {("syrian-government", "strikes", "idlib"), ("russia", "strikes", "idlib")}),
    ("The army attacks rebel positions whenever it can, the minister said.", set()),  # a habit, no event
])
def test_a_present_tense_that_repeats_reports_events(extract_text, text: str, expected: set[tuple[str, str, str]]) -> None:
    found = {t for t in triples(extract_text(text)) if t[1] in ("strikes", "attacks")}
    assert found == expected, found


def test_it_is_not_a_plural_main_subject_but_the_speaker(extract_text) -> None:
    """"when it launched …, militants … took shelter": "it" is Pakistan, who complained, not the militants."""
    found = triples(extract_text("Pakistan has often complained that when it launched military operations in Swat and South Waziristan in 2009, militants belonging to Pakistani Taliban took shelter in Afghanistan."))
    assert {("pakistan", "attacks", "swat"), ("pakistan", "attacks", "south-waziristan")} <= found, found
    assert not any(s == "tehrik-i-taliban-pakistan" for s, _, _ in found), found
