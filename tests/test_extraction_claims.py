"""Claims of responsibility (``kg.extraction.claims``), on sentences written for these tests."""
from __future__ import annotations

import pytest

from tests.conftest import triples


@pytest.mark.parametrize("text, expected", [
    # The claimant of a claimed event noun in its own sentence.
    ("Jamaat-ul-Ahrar claimed responsibility for an Easter bombing in Lahore in March.", ("jamaat-ul-ahrar", "attacks", "lahore")),
    # The article's only claimant is the agent of an attack no sentence gives an agent.
    ("A suicide bomber struck a police training ground in Kabul. The Taliban claimed responsibility for the attack.", ("taliban", "attacks", "kabul")),
    ("A bomb exploded in a market in Baghdad, killing 20 people. Islamic State said it was responsible for the bombing.", ("islamic-state", "attacks", "baghdad")),
])
def test_the_claimant_is_the_agent(extract_text, text: str, expected: tuple[str, str, str]) -> None:
    found = triples(extract_text(text))
    assert expected in found, found


@pytest.mark.parametrize("text", [
    "A car bomb exploded in Kabul. No group has claimed responsibility for the attack.",
    "A car bomb exploded in Kabul. The Taliban denied responsibility for the attack.",
    "A car bomb exploded in Kabul. The Taliban might claim responsibility for the attack.",
])
def test_no_claim_names_nobody(extract_text, text: str) -> None:
    assert not any(p in ("attacks", "strikes") for _, p, _ in triples(extract_text(text))), triples(extract_text(text))


def test_rival_claims_name_nobody_for_the_agentless_attack(extract_text) -> None:
    """One claim by two groups names both; two groups each claiming it apart name neither."""
    joint = triples(extract_text("A suicide bomber struck a police post in Kabul. The Taliban and the Islamic State both claimed responsibility for the attack."))
    assert {("taliban", "attacks", "kabul"), ("islamic-state", "attacks", "kabul")} <= joint, joint
    rival = triples(extract_text("A suicide bomber struck a police post in Kabul. The Taliban claimed responsibility for the attack. "
                                 "The Islamic State also claimed responsibility for the attack."))
    assert not any(o == "kabul" for _, _, o in rival), rival


def test_a_suicide_bomber_is_no_aircraft_and_no_state(extract_text) -> None:
    found = triples(extract_text("A suicide bomber attacked a hotel in Kabul."))
    assert not any(s == "afghanistan" for s, _, _ in found), found
    assert ("russia", "strikes", "aleppo") in triples(extract_text("Russian bombers struck Aleppo."))


def test_a_demonym_owned_suicide_bomber_is_no_state_and_borrows_no_agent(extract_text) -> None:
    """"A Pakistani suicide bomber" is a man from Pakistan, not Pakistan's aircraft; nor is he the
    force of the sentence before ("Drones also struck…" would be)."""
    found = triples(extract_text("A Pakistani suicide bomber struck a mosque in Kabul."))
    assert not any(s == "pakistan" for s, _, _ in found), found
    found = triples(extract_text("Russian jets struck Idlib. A suicide bomber struck a mosque in Kabul. "
                                 "The Taliban claimed responsibility for the attack."))
    assert ("russia", "strikes", "kabul") not in found and ("taliban", "attacks", "kabul") in found, found


def test_where_a_claimed_attack_took_place_is_its_target(extract_text) -> None:
    """"The attack took place in X": an event noun that is the subject of an occurrence verb
    happens where the verb says; the article's only claimant is its agent. A landmark ("near
    the embassy") is not where."""
    found = triples(extract_text("Two bombings shook Afghanistan on Monday. The Haqqani network claimed responsibility for the attacks. "
                                 "The first attack took place in Jalalabad. The second bombing occurred in Kabul near the Italian embassy."))
    assert {("haqqani-network", "attacks", "jalalabad"), ("haqqani-network", "attacks", "kabul")} <= found, found
    assert not any(o == "italy" for _, _, o in found), found
    found = triples(extract_text("The meeting took place in Kabul. The Haqqani network claimed responsibility for the attack."))
    assert not any(p == "attacks" for _, p, _ in found), found


@pytest.mark.parametrize("text, expected", [
    # Blamed for: the one blamed is the agent (the parser may hang "for" on the one blamed).
    ("Villagers blamed Hezbollah for the rocket attack on Kiryat Shmona.", ("hezbollah", "strikes", "kiryat-shmona")),
    ("Residents blamed the U.S.-led coalition for the strikes that hit two villages, Tokhar and Hoshariyeh.", ("us-led-coalition", "strikes", "tokhar")),
    # Blamed on, and a raising verb over "carried out by".
    ("The car bombing in Mogadishu was blamed on al-Shabaab.", ("al-shabaab", "attacks", "mogadishu")),
    ("The attack on the police station in Quetta is widely believed to have been carried out by the Baloch Liberation Army.",
     ("baloch-liberation-army", "attacks", "quetta")),
])
def test_the_one_an_attack_is_blamed_on_is_its_agent(extract_text, text: str, expected: tuple[str, str, str]) -> None:
    found = triples(extract_text(text))
    assert expected in found, found


def test_a_blame_that_is_denied_or_the_accuser_names_nobody(extract_text) -> None:
    found = triples(extract_text("The government denied that it blamed Hezbollah for the rocket attack on Kiryat Shmona."))
    assert not any(p in ("attacks", "strikes") for _, p, _ in found), found
    found = triples(extract_text("Villagers blamed Hezbollah for the rocket attack on Kiryat Shmona."))
    assert not any(s == "civilians" for s, _, _ in found), found


@pytest.mark.parametrize("claim", [
    "Zabiullah Mujahid, the spokesperson for the Taliban, claimed they were responsible for the attack.",
    "Taliban spokesman Zabiullah Mujahid claimed responsibility for the attack.",
])
def test_a_spokespersons_claim_is_the_groups(extract_text, claim: str) -> None:
    found = set(triples(extract_text("A suicide bomber attacked a NATO convoy near Bagram. " + claim)))
    assert ("taliban", "attacks", "nato") in found
    assert not any(s.startswith("zabiullah") for s, _, _ in found), found
