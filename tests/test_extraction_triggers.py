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


@pytest.mark.parametrize("text, expected", [
    ("Districts in Nangarhar have witnessed heavy fighting between IS and the Taliban.", {("islamic-state", "attacks", "taliban"), ("taliban", "attacks", "islamic-state")}),
    ("There were clashes between Armenia and Azerbaijan in Nagorno-Karabakh.", {("armenia", "attacks", "azerbaijan"), ("azerbaijan", "attacks", "armenia")}),
    # "between" on the verb the noun is the subject of
    ("Fierce clashes erupted between Hezbollah and Israel near the border.", {("hezbollah", "attacks", "israel"), ("israel", "attacks", "hezbollah")}),
])
def test_fighting_between_two_sides_is_an_attack_each_way(extract_text, text: str, expected: set[tuple[str, str, str]]) -> None:
    assert expected <= set(triples(extract_text(text)))


@pytest.mark.parametrize("text, expected", [
    ("Kurdish fighters clashed with Islamic State militants near Kobani on Monday.", {("kurds", "attacks", "islamic-state"), ("islamic-state", "attacks", "kurds")}),
    # a participle's subject is its clause's
    ("Houthi fighters pressed an offensive on Marib, clashing with Saudi-led coalition forces.", {("houthis", "attacks", "saudi-led-coalition"), ("saudi-led-coalition", "attacks", "houthis")}),
])
def test_clashing_with_someone_is_an_attack_each_way(extract_text, text: str, expected: set[tuple[str, str, str]]) -> None:
    assert expected <= set(triples(extract_text(text)))


@pytest.mark.parametrize("text", [
    "Protesters clashed with police in Cairo.",  # no named side
    "Hezbollah fighters fought with the Syrian army near Qusair.",  # "fought with": against or alongside
])
def test_with_names_no_sides_for_unnamed_crowds_or_fighting_alongside(extract_text, text: str) -> None:
    assert not [t for t in triples(extract_text(text)) if t[1] == "attacks"]


@pytest.mark.parametrize("text", [
    "The fighting between Damascus and Aleppo killed 20 people.",  # places, not sides
    "The two countries denied reports of fighting between Russia and Ukraine.",
    "Talks on ending the war between Armenia and Azerbaijan resumed.",  # a war is no fighting that happened
])
def test_between_names_no_sides_where_it_locates_or_is_denied(extract_text, text: str) -> None:
    assert not [t for t in triples(extract_text(text)) if t[1] == "attacks"]


@pytest.mark.parametrize("text, expected, absent", [
    ("Russian jets struck Kafr Nabl in Idlib province.", {("russia", "strikes", "kafr-nabl"), ("russia", "strikes", "idlib")}, set()),
    ("Russian jets struck a hospital in Kafr Nabl in Idlib province.", {("russia", "strikes", "kafr-nabl"), ("russia", "strikes", "idlib")}, set()),
    # a country is where, not what: "a base in Iraq" targets the base's town only
    ("Kataib Hezbollah attacked Ain al-Asad in Iraq.", {("kataib-hezbollah", "attacks", "ain-al-asad")}, {("kataib-hezbollah", "attacks", "iraq")}),
])
def test_the_places_a_target_lies_in_are_targets(extract_text, text: str, expected: set[tuple[str, str, str]], absent: set[tuple[str, str, str]]) -> None:
    found = set(triples(extract_text(text)))
    assert expected <= found and not absent & found, found


@pytest.mark.parametrize("text, expected", [
    # an armed group's bombs are set on the ground
    ("The IRA had been carrying out bomb and gun attacks in London.", ("provisional-ira", "attacks", "london")),
    ("IS fighters bombed two buildings inside Mosul.", ("islamic-state", "attacks", "mosul")),
    # its aircraft, and a state's bombs, strike
    ("LNA warplanes had bombed the outskirts of Ubari.", ("libyan-national-army", "strikes", "ubari")),
    ("Russian jets bombed Idlib.", ("russia", "strikes", "idlib")),
])
def test_an_armed_groups_bombing_is_an_attack_on_the_ground(extract_text, text: str, expected: tuple[str, str, str]) -> None:
    found = set(triples(extract_text(text)))
    other = "strikes" if expected[1] == "attacks" else "attacks"
    assert expected in found and (expected[0], other, expected[2]) not in found, found


def test_a_former_states_demonym_names_it(extract_text) -> None:
    found = set(triples(extract_text("The Soviet withdrawal from Afghanistan ended in 1989.")))
    assert ("soviet-union", "evacuates", "afghanistan") in found


def test_an_irregular_past_the_model_cannot_lemmatise_is_read(extract_text) -> None:
    """"retook" is tagged as a present-tense verb and kept as its own lemma: the lexicon's
    ``misread_past_forms`` give it "retake" and the past tag (a present tense in running text
    reads as a habit, no event)."""
    text = "Fighting went on. Iraqi forces retook Ramadi from Islamic State militants in December, officials said."
    assert ("iraq", "captures", "ramadi") in set(triples(extract_text(text)))


@pytest.mark.parametrize("text, expected", [
    ("Government troops took back the town of Morek.", ("syrian-government", "captures", "morek")),
    ("The Syrian army also won back the village of al-Tiba in the eastern countryside of Aleppo.", ("syrian-government", "captures", "al-tiba")),
])
def test_taking_or_winning_back_a_place_is_a_capture(extract_text, text: str, expected: tuple[str, str, str]) -> None:
    assert expected in set(triples(extract_text(text)))


def test_taking_back_what_is_no_place_is_no_capture(extract_text) -> None:
    assert not [t for t in triples(extract_text("The rebels took back their words, and Russia won back its influence.")) if t[1] == "captures"]


def test_a_leaders_forces_are_what_he_leads_as_target_too(extract_text) -> None:
    """"Assad's forces" as an object are the Syrian government's, as they are as a subject."""
    found = set(triples(extract_text("Ahrar al-Sham is fighting President Bashar Assad's forces near Idlib.")))
    assert ("ahrar-al-sham", "attacks", "syrian-government") in found and not any(t[2] == "bashar-al-assad" for t in found), found


@pytest.mark.parametrize("text, expected", [
    ("The fall of Mosul to Islamic State in 2014 shocked Baghdad.", ("islamic-state", "captures", "mosul")),
    # "to" read as the governing verb's
    ("The violence followed last month's loss of the border town of Tal Abyad to Kurdish fighters.", ("kurds", "captures", "tal-abyad")),
])
def test_the_fall_or_loss_of_a_place_to_someone_is_their_capture(extract_text, text: str, expected: tuple[str, str, str]) -> None:
    assert expected in set(triples(extract_text(text)))


@pytest.mark.parametrize("text", ["The rebels suffered heavy losses in Aleppo.", "The fall of Aleppo was a blow to the rebels."])
def test_a_fall_or_loss_with_no_captor_is_no_capture(extract_text, text: str) -> None:
    assert not [t for t in triples(extract_text(text)) if t[1] == "captures"]


@pytest.mark.parametrize("text, expected", [
    ("The convoy was carrying residents from the besieged village of al-Foua in Idlib province.", ("civilians", "evacuates", "fuaa")),
    ("Buses carried 300 civilians out of eastern Aleppo to Idlib.", ("civilians", "evacuates", "aleppo")),
])
def test_people_carried_from_a_place_leave_it(extract_text, text: str, expected: tuple[str, str, str]) -> None:
    assert expected in set(triples(extract_text(text)))


@pytest.mark.parametrize("text", ["Russian jets carried out strikes from Hmeimim on Idlib.", "Trucks carried aid from Turkey to Idlib."])
def test_carrying_out_strikes_or_carrying_goods_is_no_evacuation(extract_text, text: str) -> None:
    assert not [t for t in triples(extract_text(text)) if t[1] == "evacuates"]


@pytest.mark.parametrize("text, expected", [
    ("Iraqi forces came under attack by Islamic State militants near Mosul.", ("islamic-state", "attacks", "iraq")),
    ("Kurdish fighters faced fierce attacks from Islamic State militants.", ("islamic-state", "attacks", "kurds")),
    ("Iraqi and Kurdish forces contend with roadside bombs, snipers, suicide bombers, and hit-and-run attacks by the extremists of the Islamic State.", ("islamic-state", "attacks", "kurds")),
    ("Houthi fighters came under heavy bombardment by Saudi-led coalition jets.", ("saudi-led-coalition", "strikes", "houthis")),
])
def test_who_comes_under_or_faces_attack_is_its_target(extract_text, text: str, expected: tuple[str, str, str]) -> None:
    found = set(triples(extract_text(text)))
    assert expected in found and (expected[2], expected[1], expected[0]) not in found, found


def test_taking_on_someone_is_an_attack_not_a_capture(extract_text) -> None:
    found = set(triples(extract_text("Kurdish forces are taking on Islamic State militants near Raqqa.")))
    assert ("kurds", "attacks", "islamic-state") in found and not [t for t in found if t[1] == "captures"], found
    assert not set(triples(extract_text("Iraq took on more debt.")))


def test_clearing_a_town_of_fighters_captures_it_and_attacks_them(extract_text) -> None:
    found = set(triples(extract_text("Iraqi forces cleared Ramadi of Islamic State fighters.")))
    assert {("iraq", "captures", "ramadi"), ("iraq", "attacks", "islamic-state")} <= found, found


@pytest.mark.parametrize("text", ["The UN cleared Israel of wrongdoing in the strike.", "Rescuers worked to clear the road to Aleppo."])
def test_clearing_a_state_or_a_road_is_no_capture(extract_text, text: str) -> None:
    assert not [t for t in triples(extract_text(text)) if t[1] == "captures"]


@pytest.mark.parametrize("text, captured", [
    # a purpose, not a deed
    ("Turkey launched an operation to capture the towns of Jarablus and al Bab from Daesh.", False),
    ("The army attacked in order to capture Palmyra.", False),
    ("The army managed to capture Palmyra.", True),
])
def test_a_capture_that_is_only_the_purpose_of_an_operation_is_none(extract_text, text: str, captured: bool) -> None:
    assert bool([t for t in triples(extract_text(text)) if t[1] == "captures"]) is captured


def test_seizing_hostages_is_an_attack_where_it_happens(extract_text) -> None:
    found = set(triples(extract_text("Chechen rebels seized hundreds of hostages in hospitals in Budyonnovsk and Kizlyar.")))
    assert {("chechen-rebels", "attacks", "budyonnovsk"), ("chechen-rebels", "attacks", "kizlyar")} <= found, found
    assert not [t for t in found if t[1] == "captures"], found


@pytest.mark.parametrize("text, expected", [
    # the helped are the clause's subject, and the infinitive's subject is the helped object
    ("The U.S.-led coalition has been helping Iraqi forces fight IS in Iraq.", {("us-led-coalition", "backs", "iraq"), ("iraq", "attacks", "islamic-state")}),
    ("The U.S.-led coalition has been helping a combination of Iraqi, Kurdish and Arab forces fight IS in Iraq.",
     {("us-led-coalition", "backs", "kurds"), ("kurds", "attacks", "islamic-state")}),
])
def test_helping_someone_fight_backs_them_and_they_fight(extract_text, text: str, expected: set[tuple[str, str, str]]) -> None:
    found = set(triples(extract_text(text)))
    assert expected <= found and ("us-led-coalition", "attacks", "islamic-state") not in found, found


@pytest.mark.parametrize("text, expected", [
    ("The army has been locked in fierce battles with IS militants in Deir al-Zor.",
     {("syrian-government", "attacks", "islamic-state"), ("islamic-state", "attacks", "syrian-government")}),
    ("The Kurdish militia had fierce clashes with Turkish troops near Afrin.", {("kurds", "attacks", "turkey"), ("turkey", "attacks", "kurds")}),
])
def test_who_is_engaged_in_fighting_with_someone_fights_them(extract_text, text: str, expected: set[tuple[str, str, str]]) -> None:
    found = triples(extract_text(text))
    assert expected <= found, found


def test_who_is_killed_in_clashes_does_not_fight(extract_text) -> None:
    found = triples(extract_text("Three civilians were killed in clashes with IS fighters in Raqqa."))
    assert not any(s == "civilians" for s, p, o in found), found


def test_a_nominal_attack_with_a_victim_also_attacks_where_it_happens(extract_text) -> None:
    found = triples(extract_text("At least six militants were killed in attacks by the Syrian ground forces in the provinces of Hama and Idlib."))
    assert {("syrian-government", "attacks", "hama"), ("syrian-government", "attacks", "idlib")} <= found, found
    found = triples(extract_text("Militants launched fresh attacks on civilians and security forces across Syria."))
    assert not any(o == "syria" for s, p, o in found), found


def test_an_attack_with_shells_is_a_strike(extract_text) -> None:
    found = triples(extract_text("A woman was killed in terrorist attacks with rocket shells on residential neighborhoods in Aleppo city."))
    assert ("syrian-rebels", "strikes", "aleppo") in found and ("syrian-rebels", "attacks", "aleppo") not in found, found
    found = triples(extract_text("A woman was killed in an attack with a car bomb on a checkpoint in Kabul by Taliban fighters."))
    assert ("taliban", "strikes", "kabul") not in found, found


def test_a_state_owned_airfield_is_the_state_as_target(extract_text) -> None:
    found = triples(extract_text("US missile strikes on a Syrian airfield killed six soldiers."))
    assert ("united-states", "strikes", "syrian-government") in found, found


@pytest.mark.parametrize("text, expected", [
    # the parser reads "Sheikh Maqsoud neighborhood injuring three" as a clause after "on"
    ("Terrorists fired rockets on Aleppo. Later, rocket shells fell on Sheikh Maqsoud neighborhood injuring three civilians.",
     ("syrian-rebels", "strikes", "sheikh-maqsoud")),
    # "Barrel", first in its sentence, is taken for a name: a kind of bomb, not its owner
    ("The army shelled Douma. Barrel bombs fell on Harasta.", ("syrian-government", "strikes", "harasta")),
])
def test_a_landing_weapon_strikes_where_it_falls(extract_text, text: str, expected: tuple[str, str, str]) -> None:
    found = triples(extract_text(text))
    assert expected in found and not any(s == "barrel" for s, p, o in found), found


@pytest.mark.parametrize("text, expected", [
    ("Putin discussed possible Russian support in the Taliban's fight against IS.", {("taliban", "attacks", "islamic-state")}),
    ("The fight for Mosul continued.", set()),
    ("Iraq's struggle against corruption continued.", set()),
])
def test_a_fight_against_someone_attacks_them(extract_text, text: str, expected: set[tuple[str, str, str]]) -> None:
    found = {t for t in triples(extract_text(text)) if t[1] == "attacks"}
    assert found == expected, found


@pytest.mark.parametrize("text, expected, absent", [
    ("Iraqi forces are advancing faster than expected in the fight to retake Mosul.", ("iraq", "attacks", "mosul"), ("iraq", "captures", "mosul")),
    ("The SDF launched the Euphrates Rage campaign to retake Raqqa last November.", ("syrian-democratic-forces", "attacks", "raqqa"),
     ("syrian-democratic-forces", "captures", "raqqa")),
    ("Syrian troops had been attempting to seize Aleppo for more than two years.", ("syrian-government", "attacks", "aleppo"),
     ("syrian-government", "captures", "aleppo")),
    ("The SDF is now fighting to recapture the town of Tabqa from Islamic State.", ("syrian-democratic-forces", "attacks", "islamic-state"),
     ("syrian-democratic-forces", "captures", "tabqa")),
])
def test_a_capture_fought_for_is_an_attack(extract_text, text: str, expected: tuple[str, str, str], absent: tuple[str, str, str]) -> None:
    found = triples(extract_text(text))
    assert expected in found and absent not in found, found


def test_a_planned_offensive_to_capture_is_nothing_yet(extract_text) -> None:
    found = triples(extract_text("Turkey plans an offensive to capture Manbij."))
    assert not found, found


def test_whom_a_place_fought_for_was_lost_to_is_attacked(extract_text) -> None:
    found = triples(extract_text("Iraqi forces backed by Shiite militias have been struggling to recapture areas lost to the ISIS group."))
    assert ("iraq", "attacks", "islamic-state") in found, found


@pytest.mark.parametrize("text, expected", [
    ("Activists reported regime airstrikes on Aleppo.", {("syrian-government", "strikes", "aleppo")}),
    # the model tags "airstrikes" here as a present-tense verb
    ("Aid groups condemned Russian and Assad regime airstrikes on besieged eastern Aleppo.",
     {("russia", "strikes", "aleppo"), ("syrian-government", "strikes", "aleppo")}),
    # a gerund with a "by" agent is a noun; where its victims were is what it hit
    ("Shelling by the Syrian army killed at least 21 civilians in Eastern Ghouta.", {("syrian-government", "strikes", "eastern-ghouta")}),
])
def test_nominal_strikes_owned_by_the_state(extract_text, text: str, expected: set[tuple[str, str, str]]) -> None:
    found = triples(extract_text(text))
    assert expected <= found, found


@pytest.mark.parametrize("text, expected", [
    ("Terrorists attacked al-Ramouseh neighborhood in Aleppo city with rockets.", ("syrian-rebels", "strikes", "ramouseh")),
    ("Rebels attacked Hama with mortars.", ("syrian-rebels", "strikes", "hama")),
    ("IS attacked Kobani with car bombs.", ("islamic-state", "attacks", "kobani")),
])
def test_attacking_with_rockets_is_a_strike(extract_text, text: str, expected: tuple[str, str, str]) -> None:
    assert expected in triples(extract_text(text))


@pytest.mark.parametrize("text, expected", [
    ("The Syrian army killed 30 IS militants in Hama.", {("syrian-government", "attacks", "islamic-state")}),
    ("A soldier was killed in Aleppo.", set()),
    ("A man dressed as an Afghan soldier killed a US general.", set()),
    ("2 Syrians killed 5 Injured in Deir Ezzor City", set()),
    # the shelling is the event; the man it killed a casualty of it
    ("Russian troops shelled Kherson's Dniprovskyi district, killing a 63-year-old man.", {("russia", "strikes", "kherson")}),
])
def test_an_actor_that_kills_a_side_attacks_it(extract_text, text: str, expected: set[tuple[str, str, str]]) -> None:
    found = {t for t in triples(extract_text(text)) if t[1] in ("attacks", "strikes")}
    assert found == expected, found


@pytest.mark.parametrize("text, expected", [
    ("The war in Syria goes on. The talks were attended by regime supporters Russia and Iran.",
     {("russia", "backs", "syrian-government"), ("iran", "backs", "syrian-government")}),
    ("The talks were attended by Assad backers Russia and Iran.", {("russia", "backs", "syrian-government"), ("iran", "backs", "syrian-government")}),
    ("The war in Syria goes on. The government advance was backed by fighters from the Lebanese Shiite Muslim group Hezbollah.",
     {("hezbollah", "backs", "syrian-government")}),
    ("The women, vocal supporters of Democratic presidential nominee Hillary Clinton, fought back tears.", set()),
])
def test_named_backers_and_supporters(extract_text, text: str, expected: set[tuple[str, str, str]]) -> None:
    found = {t for t in triples(extract_text(text)) if t[1] == "backs"}
    assert found == expected, found


@pytest.mark.parametrize("text, expected", [
    ("US strikes on IS positions in Raqqa killed dozens.", {("united-states", "strikes", "islamic-state"), ("united-states", "strikes", "raqqa")}),
    ("The monitor reported at least five US air strikes against the group's bases and a vehicle in Idlib province.",
     {("united-states", "strikes", "idlib")}),
])
def test_where_a_nominal_strikes_targets_were_is_struck(extract_text, text: str, expected: set[tuple[str, str, str]]) -> None:
    found = triples(extract_text(text))
    assert expected <= found, found


@pytest.mark.parametrize("text, expected", [
    ("The rebels took the town of Saraqeb.", {("syrian-rebels", "captures", "saraqeb")}),
    ("The rebels took part in the talks in Saraqeb.", set()),
])
def test_taking_a_town_captures_it(extract_text, text: str, expected: set[tuple[str, str, str]]) -> None:
    assert {t for t in triples(extract_text(text)) if t[1] == "captures"} == expected


@pytest.mark.parametrize("text, expected", [
    ("8 persons were wounded in terrorist rocket shells on al-Foaa and Kafrya in Idleb countryside.",
     {("syrian-rebels", "strikes", "fuaa"), ("syrian-rebels", "strikes", "kafriya")}),
    ("Russian bombs on Aleppo killed 20.", {("russia", "strikes", "aleppo")}),
    ("The ban on cluster bombs was debated.", set()),
])
def test_a_weapon_on_a_place_strikes_it(extract_text, text: str, expected: set[tuple[str, str, str]]) -> None:
    found = {t for t in triples(extract_text(text)) if t[1] == "strikes"}
    assert expected <= found and (expected or not found), found


def test_the_target_of_an_attacks_means(extract_text) -> None:
    """"on Hadar village" hangs on the rocket shell the attack was made with."""
    found = triples(extract_text("A person was injured in a terrorist attack with a rocket shell on Hadar village in Quneitra southern province."))
    assert ("syrian-rebels", "strikes", "hadar") in found, found


@pytest.mark.parametrize("text, expected", [
    ("The YPG captured Tel Abyad from ISIS last year.", {("ypg", "captures", "tal-abyad"), ("ypg", "attacks", "islamic-state")}),
    # "from" hangs on the villages
    ("Jund Al Aqsa seized over a dozen villages from local NDF militias.", {("jund-al-aqsa", "attacks", "national-defence-forces")}),
])
def test_whom_a_place_is_taken_from_is_attacked(extract_text, text: str, expected: set[tuple[str, str, str]]) -> None:
    found = triples(extract_text(text))
    assert expected <= found, found


@pytest.mark.parametrize("text, expected", [
    ("SDF fighters have been advancing under the cover of intense airstrikes by the U.S.-led coalition.",
     {("us-led-coalition", "backs", "syrian-democratic-forces")}),
    ("The Manbij area has seen intense battles between Daesh extremists and SDF fighters who have been advancing under the cover "
     "of intense airstrikes by the U.S.-led coalition.", {("us-led-coalition", "backs", "syrian-democratic-forces")}),
    ("Civilians took cover in basements in Aleppo.", set()),
])
def test_who_gives_cover_backs(extract_text, text: str, expected: set[tuple[str, str, str]]) -> None:
    assert {t for t in triples(extract_text(text)) if t[1] == "backs"} == expected


def test_whoever_holds_an_attacked_area_is_attacked(extract_text) -> None:
    found = triples(extract_text("Russian jets bombed areas held by the rebels in Idlib."))
    assert ("russia", "strikes", "syrian-rebels") in found, found


@pytest.mark.parametrize("text, expected", [
    ("The SDF has been advancing under the cover of airstrikes by the U.S.-led coalition.",
     {("us-led-coalition", "backs", "syrian-democratic-forces")}),
    ("Assad has been backed by Russia and by Iran.",
     {("russia", "backs", "syrian-government"), ("iran", "backs", "syrian-government")}),
    ("Bashar al-Assad spoke in Damascus on Monday. He has been backed by Russia.", {("russia", "backs", "syrian-government")}),
    ("Bashar al-Assad spoke in Damascus on Monday. Russia backs him.", {("russia", "backs", "syrian-government")}),
    ("Syrian troops fought in Aleppo. The army backed by pro-government militias won back the village of al-Tiba.",
     {("pro-government-militias", "backs", "syrian-government")}),
    ("Russia's intervention has helped bolster Assad's government.", {("russia", "backs", "syrian-government")}),
])
def test_backers_in_other_words(extract_text, text: str, expected: set[tuple[str, str, str]]) -> None:
    assert {t for t in triples(extract_text(text)) if t[1] == "backs"} == expected


def test_a_passive_read_as_a_past_tense_backs_its_subject_not_the_next_object(extract_text) -> None:
    found = triples(extract_text("Syrian troops fought in Aleppo. The army backed by pro-government militias won back the village of al-Tiba."))
    assert ("syrian-government", "backs", "al-tiba") not in found and ("syrian-government", "captures", "al-tiba") in found, found


@pytest.mark.parametrize("text, expected", [
    ("George W. Bush ordered an invasion to topple the Taliban government and al-Qaida terrorists.",
     {("united-states", "attacks", "taliban"), ("united-states", "attacks", "al-qaeda")}),
    ("US forces launched an invasion to topple the Taliban.", {("united-states", "attacks", "taliban")}),
    ("Daesh militants have staged counterattacks against the SDF.", {("islamic-state", "attacks", "syrian-democratic-forces")}),
])
def test_an_attack_with_a_hostile_purpose_attacks_its_object(extract_text, text: str, expected: set[tuple[str, str, str]]) -> None:
    assert {t for t in triples(extract_text(text)) if t[1] == "attacks"} == expected


def test_an_attack_with_a_peaceful_purpose_attacks_nobody_by_it(extract_text) -> None:
    assert not triples(extract_text("US forces launched an operation to protect the Kurds."))


def test_a_participle_on_an_abstract_object_belongs_to_the_clause_subject(extract_text) -> None:
    """Comma stripped: "scored a stunning victory overrunning Ramadi" hangs "overrunning" on "victory"."""
    found = triples(extract_text("In May the militant group Islamic State scored a stunning victory overrunning Ramadi."))
    assert ("islamic-state", "captures", "ramadi") in found, found


def test_a_pub_called_the_mulberry_bush_is_no_president(extract_text) -> None:
    found = triples(extract_text("The IRA bombed The Mulberry Bush and The Tavern in The Town in Birmingham."))
    assert "george-w-bush" not in {x for s, _, o in found for x in (s, o)}, found


@pytest.mark.parametrize("text, expected", [
    ("ISIS attacks Hasaka city with mortars.", ("islamic-state", "strikes", "hasakah")),  # "ISIS" parsed as a compound of "attacks"
    ("The Russian Air Force struck several sites controlled by ISIS near al-Qaryatain.", ("russia", "strikes", "islamic-state")),
    ("Terrorists committed a massacre against civilians in the village of Zara in Syria.", ("syrian-rebels", "attacks", "civilians")),
    ("ISILs terrorists fired 6 rocket shells on al-Qosour and al-Joura neighborhoods in Deir Ezzor city.", ("islamic-state", "strikes", "al-qosour")),
])
def test_headline_subjects_air_forces_massacres_and_acronym_possessives(extract_text, text: str, expected: tuple[str, str, str]) -> None:
    assert expected in triples(extract_text(text))


def test_an_event_an_air_force_carries_out_is_a_strike(extract_text) -> None:
    found = triples(extract_text("The Assad regime's air force also carried out a massacre against civilians in the town of Douma."))
    assert ("syrian-government", "strikes", "douma") in found and ("syrian-government", "attacks", "douma") not in found, found
    found = triples(extract_text("The army carried out a massacre against civilians in the town of Douma."))
    assert ("syrian-government", "attacks", "douma") in found, found


@pytest.mark.parametrize("text, expected", [
    ("The SDF broke into western districts of Manbij.", {("syrian-democratic-forces", "attacks", "manbij")}),
    ("Clashes broke out in Aleppo. The army broke the siege of Deir ez-Zor.", set()),
    ("The predominantly Kurdish U.S.-backed Syria Democratic Forces have been the main force fighting IS group in northern Syria.",
     {("syrian-democratic-forces", "attacks", "islamic-state"), ("syrian-democratic-forces", "attacks", "syria")}),
])
def test_breaking_into_a_place_and_the_force_a_group_is(extract_text, text: str, expected: set[tuple[str, str, str]]) -> None:
    assert {t for t in triples(extract_text(text)) if t[1] == "attacks"} == expected


def test_a_bomb_dropped_on_a_place_through_a_clause_in_its_phrase(extract_text) -> None:
    found = triples(extract_text("Syrian troops fought rebels in Aleppo. A helicopter belonging to the regime dropped a barrel bomb containing toxic gasses on the Zubdiya neighbourhood in Aleppo."))
    assert ("syrian-government", "strikes", "zubdiya") in found, found


def test_killing_civilians_named_as_such_attacks_them_and_where(extract_text) -> None:
    """The dev gold requires civilians named as civilians, protesters, journalists or hostages;
    a bare count of people is a casualty figure, no target."""
    found = triples(extract_text("Government forces killed 30 civilians in Douma."))
    assert {("syrian-government", "attacks", "civilians"), ("syrian-government", "attacks", "douma")} <= found, found
    found = triples(extract_text("Syrian government forces killed 20 people in Hama."))
    assert not {t for t in found if t[1] == "attacks"}, found


def test_victims_never_strike(extract_text) -> None:
    found = triples(extract_text("2 persons killed 13 injured in terrorist rocket attacks on Harasta suburb in Damascus Countryside."))
    assert not any(s == "civilians" for s, _, _ in found), found


def test_taking_over_a_place_captures_it(extract_text) -> None:
    """"took over Palmyra" is a capture; "took over as leader" is not."""
    assert ("islamic-state", "captures", "palmyra") in triples(extract_text("Islamic State took over Palmyra in May."))
    assert not any(p == "captures" for _, p, _ in triples(extract_text("Abu Bakr al-Baghdadi took over as leader of the group in 2010.")))


def test_gains_against_an_enemy_attack_it(extract_text) -> None:
    """"made gains against X" attacks X; territorial gains alone attack no one."""
    found = triples(extract_text("The army made gains against the rebels in Hama."))
    assert ("syrian-government", "attacks", "syrian-rebels") in found, found
    assert not any(p == "attacks" for _, p, _ in triples(extract_text("The army made significant territorial gains in Hama.")))


def test_the_province_a_targeted_town_lies_in_is_targeted(extract_text) -> None:
    """"attacked the town of X in Y state": Y is attacked too (town and province both, as the gold reads)."""
    found = triples(extract_text("Boko Haram fighters attacked the town of Malam Fatori in Borno state late on Saturday."))
    assert {("boko-haram", "attacks", "malam-fatori"), ("boko-haram", "attacks", "borno")} <= found, found


def test_civilians_a_strike_kills_are_its_targets(extract_text) -> None:
    """"struck X, killing nine civilians", "air strikes on X killed 12 civilians": the civilians are
    struck too; a bare count of people is a casualty figure, not a target."""
    found = triples(extract_text("Russian warplanes struck the town of Maarat al-Numan on Sunday, killing at least nine civilians."))
    assert ("russia", "strikes", "civilians") in found, found
    found = triples(extract_text("Russian air strikes on Idlib killed 12 civilians."))
    assert ("russia", "strikes", "civilians") in found, found
    found = triples(extract_text("IS fighters stormed the town of Palma on Wednesday, burning homes and killing dozens of civilians."))
    assert ("islamic-state", "attacks", "civilians") in found, found
    found = triples(extract_text("IS fighters stormed the town of Palma on Wednesday, killing dozens of people."))
    assert not any(o == "civilians" for _, _, o in found), found


def test_the_region_an_event_happens_in_is_targeted_with_its_towns(extract_text) -> None:
    """"pounded X and Y in southern Idlib": Idlib is struck too; a country only says where."""
    found = triples(extract_text("Russian and Syrian government jets pounded Maarat al-Numan, Kafranbel and Khan Sheikhoun in southern Idlib on Tuesday."))
    assert {("russia", "strikes", "idlib"), ("syrian-government", "strikes", "idlib")} <= found, found
    found = triples(extract_text("Myanmar's military carried out air strikes on the village of Pazigyi in the Sagaing region."))
    assert ("myanmar", "strikes", "sagaing") in found, found
    assert ("russia", "strikes", "ukraine") not in triples(extract_text("Russian jets struck Kharkiv in eastern Ukraine."))


def test_an_actors_supply_lines_are_its_own(extract_text) -> None:
    """Struck infrastructure named after an actor targets the actor ("LNA supply lines")."""
    assert ("turkey", "strikes", "libyan-national-army") in triples(extract_text("Turkish drones had pounded LNA supply lines."))


def test_who_withdraws_as_a_place_is_taken_leaves_it(extract_text) -> None:
    """"retook Mekelle as federal troops withdrew": the troops left Mekelle."""
    found = triples(extract_text("The rebels captured Idlib after government forces fled."))
    assert ("syrian-government", "evacuates", "idlib") in found, found


def test_a_relative_object_is_the_noun_it_modifies(extract_text) -> None:
    """"Idlib, which the rebels seized": the relative pronoun stands for Idlib."""
    assert ("syrian-rebels", "captures", "idlib") in triples(extract_text("Idlib, which the rebels seized last year, was shelled."))
    assert ("turkey", "backs", "syrian-rebels") in triples(extract_text("Turkey, which backs some of the Syrian rebel factions, has deployed troops in Idlib."))


def test_a_backed_modifier_does_not_reach_a_conjunct_with_its_own_owner(extract_text) -> None:
    """"backed by Iranian-backed militias and Russian air power": Iran does not back Russia."""
    found = triples(extract_text("Syrian government troops, backed by Iranian-backed militias and Russian air power, then stormed the village of Tal Mardikh."))
    assert ("iran", "backs", "russia") not in found, found
    assert ("russia", "backs", "syrian-government") in found, found


def test_trained_or_armed_by_a_state_is_backed(extract_text) -> None:
    """"Russian-trained Syrian troops": Russia backs them, as "Russian-backed" would say."""
    found = triples(extract_text("Russian-trained Syrian troops recaptured Palmyra."))
    assert {("russia", "backs", "syrian-government"), ("syrian-government", "captures", "palmyra")} <= found, found


def test_annexing_a_place_captures_it(extract_text) -> None:
    """"annexed Crimea", "the annexation of Crimea": captures."""
    assert ("russia", "captures", "crimea") in triples(extract_text("Since Russia annexed Crimea in 2014, relations have soured."))
    assert ("russia", "captures", "crimea") in triples(extract_text("Russia's annexation of Crimea in 2014 sparked sanctions."))


def test_establishing_or_restoring_control_over_a_place_captures_it(extract_text) -> None:
    """"restored control over Palmyra", "extended their control over Kunduz"; "restored electricity" is no capture."""
    assert ("syrian-government", "captures", "palmyra") in triples(extract_text("Syrian government forces restored control over Palmyra."))
    assert ("taliban", "captures", "kunduz") in triples(extract_text("The Taliban have extended their control over Kunduz."))
    assert not triples(extract_text("The UN restored electricity in Aleppo."))


def test_an_unhyphenated_participle_beside_x_backed_adds_nothing(extract_text) -> None:
    """"Turkey-backed mainstream secular armed groups": one backing, through "backed", not a second through "armed"."""
    result = extract_text("The insurgents are a coalition of Turkey-backed mainstream secular armed groups along with Hayat Tahrir al-Sham.")
    backing = [r for r in result.relations if r.predicate == "backs"]
    assert [r.trigger for r in backing] == ["backed"], backing


def test_drones_or_jets_that_attack_strike(extract_text) -> None:
    """"Ukrainian drones attacked an oil depot": remote violence is a strike whatever the verb; a
    suicide bomber's attack stays on the ground."""
    assert ("ukraine", "strikes", "belgorod-oblast") in triples(extract_text("Ukrainian drones attacked an oil depot in Russia's Belgorod region."))
    assert ("russia", "strikes", "idlib") in triples(extract_text("Russian jets attacked Idlib on Monday."))
    found = triples(extract_text("Daesh suicide bombers attacked a refugee camp near Hasakah."))
    assert ("islamic-state", "attacks", "hasakah") in found and ("islamic-state", "strikes", "hasakah") not in found, found


def test_pulling_back_or_out_leaves_a_place(extract_text) -> None:
    """"pulled back from", "pulled out of", "fell back from", "pulled its troops out of": who
    leaves; "pulled the trigger" and "fell to" are no departures."""
    assert ("syrian-government", "evacuates", "palmyra") in triples(extract_text("Syrian troops pulled back from Palmyra on Sunday."))
    assert ("russia", "evacuates", "kherson") in triples(extract_text("Russian troops pulled out of Kherson in November."))
    assert ("russia", "evacuates", "kherson") in triples(extract_text("Russian forces fell back from Kherson."))
    assert ("russia", "evacuates", "kherson") in triples(extract_text("Russia pulled its troops out of Kherson."))
    assert ("ukraine", "evacuates", "avdiivka") in triples(extract_text("Russian glide bombs hit Kharkiv as Ukraine pulls troops out of Avdiivka."))
    assert not [t for t in triples(extract_text("The gunman pulled the trigger in Aleppo.")) if t[1] == "evacuates"]
    assert ("syrian-rebels", "captures", "aleppo") in triples(extract_text("Aleppo fell to the rebels."))


def test_an_unknown_name_a_departure_leaves_is_a_place(extract_text) -> None:
    """"civilians fled Walikale", which the NER calls an organisation; not an agreement or an acronym."""
    assert ("civilians", "evacuates", "walikale") in triples(extract_text("Thousands of civilians have fled Walikale."))
    assert ("burundi", "evacuates", "kamanyola") in triples(extract_text("Burundian troops withdrew from Kamanyola."))
    assert not triples(extract_text("Russia pulled out of the Black Sea Grain Deal."))
    assert not triples(extract_text("Turkey withdrew from NATO."))


def test_the_side_whose_fighters_a_strike_killed_is_its_target(extract_text) -> None:
    """"struck a vehicle near Qamishli, killing two members of the SDF"; not unowned soldiers, not
    the monitor the parser hangs on "civilians" ("…, killing nine civilians, the Observatory said")."""
    found = triples(extract_text("Turkish drones struck a vehicle near Qamishli on Sunday, killing two members of the Syrian Democratic Forces."))
    assert ("turkey", "strikes", "syrian-democratic-forces") in found, found
    assert ("islamic-state", "attacks", "iraq") in triples(extract_text("IS attacked the base, killing five Iraqi soldiers."))
    found = triples(extract_text("Russian warplanes struck the town of Maarat al-Numan on Tuesday, killing at least nine civilians, the Syrian Observatory for Human Rights said."))
    assert ("russia", "strikes", "civilians") in found and not [t for t in found if t[2] == "sohr"], found
    assert not [t for t in triples(extract_text("Israeli jets struck a car in Tyre, killing two soldiers.")) if t[2] not in ("tyre",)]


def test_who_takes_a_place_after_fighting_with_a_side_attacks_it(extract_text) -> None:
    """"seized Rubaya after days of fighting with Congolese troops": one way, the captor's."""
    found = triples(extract_text("M23 rebels seized the town of Rubaya after days of fighting with Congolese troops."))
    assert ("m23", "attacks", "democratic-republic-of-the-congo") in found, found
    assert ("democratic-republic-of-the-congo", "attacks", "m23") not in found, found
    assert ("islamic-state", "attacks", "kurds") in triples(extract_text("IS militants attacked Kobani after clashes with Kurdish forces."))


def test_an_unnamed_sides_possessive_owns_its_positions(extract_text) -> None:
    """"the terrorists' positions", "the rebels' supply lines": the side's own."""
    assert ("syrian-government", "strikes", "syrian-rebels") in triples(extract_text("Syrian army units targeted the terrorists' positions near Hama."))
    assert ("russia", "strikes", "syrian-rebels") in triples(extract_text("Russian jets struck the rebels' supply lines in Idlib."))


def test_a_convoy_of_two_sides_is_attacked_as_both(extract_text) -> None:
    """"ambushed a convoy of Malian soldiers and Wagner Group mercenaries": both are attacked."""
    found = triples(extract_text("JNIM ambushed a convoy of Malian soldiers and Wagner Group mercenaries near Boni."))
    assert {("jnim", "attacks", "mali"), ("jnim", "attacks", "wagner-group")} <= found, found


def test_a_bare_junta_is_the_articles_state(extract_text) -> None:
    """"The junta bombed …", "China, which backs the junta": the article's state, as "the regime" is."""
    found = triples(extract_text("Myanmar's military seized power in 2021. China, which backs the junta, called for calm."))
    assert ("china", "backs", "myanmar") in found, found


def test_new_states_are_named(extract_text) -> None:
    """UN members the gazetteer lacked ("donated weapons … to Fiji") are states that act."""
    assert ("russia", "backs", "fiji") in triples(extract_text("Moscow donated weapons and other military hardware to Fiji."))


def test_a_possessive_backing_for_someone_is_no_helper(extract_text) -> None:
    """"angered Riyadh with its support for Iran": Russia backs Iran, not a helper of the subject."""
    assert ("russia", "backs", "iran") in triples(extract_text("Russia angered Riyadh with its support for Iran."))


def test_the_government_in_a_capital_is_its_state(extract_text) -> None:
    """"the U.S.-backed government in Kabul" is Afghanistan, as actor and as target."""
    found = triples(extract_text("The Taliban continued its war against the U.S.-backed government in Kabul."))
    assert {("taliban", "attacks", "afghanistan"), ("united-states", "backs", "afghanistan")} <= found, found
    assert ("afghanistan", "attacks", "taliban") in triples(extract_text("The government in Kabul attacked the Taliban."))


def test_helping_to_train_or_arm_backs(extract_text) -> None:
    """"The US helped arm the rebels": the object of the helped verb is backed."""
    assert [t for t in triples(extract_text("The US helped arm the Free Syrian Army.")) if t[1] == "backs" and t[2] == "free-syrian-army"]


def test_a_place_before_a_comma_is_what_its_participle_describes(extract_text) -> None:
    """"East Mosul, recaptured by Iraqi forces in January, …", parsed as a clause of the main verb."""
    assert ("iraq", "captures", "mosul") in triples(extract_text("In parts of East Mosul, recaptured by Iraqi forces in January, recovery is more promising."))


def test_opening_fire_on_someone_attacks_them(extract_text) -> None:
    """"opened fire on protesters in Istanbul": the protesters (civilians) and where; "opened a
    front" is no attack."""
    found = triples(extract_text("Turkish soldiers opened fire on protesters in Istanbul."))
    assert {("turkey", "attacks", "civilians"), ("turkey", "attacks", "istanbul")} <= found, found
    assert ("syrian-government", "attacks", "syrian-rebels") in triples(extract_text("Syrian soldiers opened fire on rebels in Homs."))
    assert not triples(extract_text("The army opened a new front in Idlib."))


def test_an_unknown_name_ending_in_army_is_a_group_of_its_own(extract_text) -> None:
    """"the Kachin Independence Army" is not the state's army; "the Iraqi Army" still is Iraq's."""
    found = triples(extract_text("The Kachin Independence Army pushed junta troops out of the town of Bhamo."))
    assert ("kachin-independence-army", "captures", "bhamo") in found, found
    assert ("iraq", "captures", "ramadi") in triples(extract_text("The Iraqi Army captured Ramadi."))


def test_a_place_evacuated_by_someone_is_left_by_them(extract_text) -> None:
    """"Daraya, which was evacuated by opposition forces": they left it; evacuated people still leave."""
    assert ("syrian-rebels", "evacuates", "darayya") in triples(extract_text("Daraya was evacuated by rebel fighters in August."))
    assert ("civilians", "evacuates", "aleppo") in triples(extract_text("Civilians were evacuated from Aleppo by the Red Cross."))


def test_an_apposed_place_names_a_stronghold(extract_text) -> None:
    """"by seizing its last key bastion in the region, the town of Yabrud"."""
    found = triples(extract_text("The Syrian army dealt a major blow to the opposition by seizing its last key bastion in the region, the town of Yabrud."))
    assert ("syrian-government", "captures", "yabroud") in found, found


def test_an_ally_apposed_names_the_backer(extract_text) -> None:
    """"backed by their ally Hezbollah": Hezbollah backs them."""
    assert ("hezbollah", "backs", "syrian-government") in triples(extract_text("Syrian troops, backed by their ally Hezbollah, took Qusayr."))


def test_what_an_air_force_destroys_it_strikes(extract_text) -> None:
    """"The Russian Aerospace Forces have destroyed a Daesh command center in Deir ez-Zor
    province"; "IS destroyed the temple" is no strike."""
    assert ("russia", "strikes", "deir-ez-zor") in triples(extract_text("The Russian Aerospace Forces have destroyed a Daesh command center in Deir ez-Zor province."))
    assert ("russia", "strikes", "islamic-state") in triples(extract_text("Russian warplanes destroyed an IS weapons depot near Raqqa."))
    assert not triples(extract_text("IS destroyed the temple of Bel in Palmyra."))


def test_a_weapon_launched_by_someone_is_theirs(extract_text) -> None:
    """"Drones launched by Iran-backed militias struck …", "Missiles fired by the Houthis struck Jizan"."""
    assert ("houthis", "strikes", "jizan") in triples(extract_text("Missiles fired by the Houthis struck Jizan."))
    found = triples(extract_text("Drones launched by Hezbollah struck an army base in Safed."))
    assert [t for t in found if t[0] == "hezbollah" and t[1] == "strikes"] and not [t for t in found if t[0] == "israel"], found


def test_those_trained_to_fight_are_its_subject_and_a_purpose(extract_text) -> None:
    """"Washington, which has armed and trained Baghdad's forces and the Peshmerga to fight
    Islamic State": Washington backs them and does not fight; their fight is a purpose."""
    found = triples(extract_text("Washington, which has armed and trained both Baghdad's forces and the Peshmerga to fight Islamic State, called for calm."))
    assert ("united-states", "backs", "peshmerga") in found, found
    assert not [t for t in found if t[1] == "attacks"], found


def test_a_force_led_by_a_named_leader_is_theirs(extract_text) -> None:
    """"forces led by Haftar": the LNA, and no fact that Haftar leads himself; "rebels led by
    Hayat Tahrir al-Sham" stay the rebels, a coalition the seed gold reads so."""
    assert ("syrian-rebels", "captures", "aleppo") in triples(extract_text("In Syria, rebels led by Hayat Tahrir al-Sham seized most of Aleppo city."))
    result = extract_text("Forces led by General Haftar attacked Tripoli.")
    assert ("libyan-national-army", "attacks", "tripoli") in triples(result), triples(result)
    assert not [r for r in result.relations if r.predicate == "leaderOf" and r.subject == r.object]


def test_a_transport_verb_without_object_moves_its_subject(extract_text) -> None:
    """"Jaish al-Islam fighters bused out of Douma", a headline's passive."""
    assert ("jaish-al-islam", "evacuates", "douma") in triples(extract_text("Jaish al-Islam fighters bused out of Douma on Sunday."))


def test_an_assault_repelled_is_a_repel_not_an_attack_on_the_repeller(extract_text) -> None:
    """"Somali troops repelled an al-Shabaab assault": Somalia repels al-Shabaab; that the assault
    attacked Somalia is optional in the dev standard and absent from the seed gold."""
    result = extract_text("Somali troops repelled an al-Shabaab assault on the base.")
    assert ("somalia", "repels", "al-shabaab") in triples(result), triples(result)
    assert ("al-shabaab", "attacks", "somalia") not in triples(result)


def test_shells_fired_by_someone_on_a_place_strike_it(extract_text) -> None:
    """"a mortar shell fired by terrorists on al-Wafideen Camp …": the parser hangs "on" on the agent."""
    found = triples(extract_text("A mortar shell fired by terrorists on al-Wafideen Camp neighborhood in the countryside of Damascus injured two people."))
    assert ("syrian-rebels", "strikes", "al-wafideen-camp") in found, found


def test_a_backer_noun_with_its_name_apposed_backs_the_possessor(extract_text) -> None:
    """"the rebels' main backer, Turkey", "Israel's main arms supplier, the United States"."""
    assert ("united-states", "backs", "israel") in triples(extract_text("Israel's main arms supplier, the United States, paused deliveries."))
    assert [t for t in triples(extract_text("The talks angered the rebels' supporter Turkey.")) if t[:2] == ("turkey", "backs")]


def test_fire_on_a_place_strikes_it(extract_text) -> None:
    """"killed by rebel fire on Damascus"; "a fire broke out" is none, nor the monitor parsed as
    a second object of the killing."""
    assert ("syrian-rebels", "strikes", "damascus") in triples(extract_text("Two people were killed by rebel fire on Damascus."))
    assert not triples(extract_text("A fire broke out in a warehouse in Homs."))
    found = triples(extract_text("In Syria, artillery fire by the army on the town of Douma killed another two civilians the Britain-based Syrian Observatory for Human Rights monitor said."))
    assert not [t for t in found if t[2] == "sohr"], found


def test_acting_on_someones_behalf_backs_them(extract_text) -> None:
    """"Russia's entry into the Syrian conflict on behalf of Assad"; not speaking on someone's
    behalf, nor condolences on behalf of a people."""
    found = triples(extract_text("Officials worried that Russia's entry into the Syrian conflict on behalf of Syrian President Bashar al-Assad would spur militants."))
    assert ("russia", "backs", "syrian-government") in found, found
    assert not [t for t in triples(extract_text("The UN envoy spoke on behalf of the Secretary-General.")) if t[1] == "backs"]
    assert not [t for t in triples(extract_text("Obama offered his condolences on behalf of the American people.")) if t[1] == "backs"]


def test_a_campaign_against_a_side_attacks_it(extract_text) -> None:
    """"Turkey launched a campaign against the PKK"."""
    assert ("turkey", "attacks", "pkk") in triples(extract_text("Turkey launched a campaign against the PKK in northern Iraq."))


def test_streaming_out_and_residents_of_a_place_leave_it(extract_text) -> None:
    """"Thousands of families streamed out of Rubaya"; "Residents of Aleppo fled"."""
    assert ("civilians", "evacuates", "rubaya") in triples(extract_text("Thousands of families streamed out of Rubaya on Sunday."))
    assert ("syrian-rebels", "evacuates", "aleppo") in triples(extract_text("Opposition groups have moved out of Aleppo."))
    assert ("civilians", "evacuates", "aleppo") in triples(extract_text("Residents of Aleppo fled on Monday."))


def test_farmers_are_civilians(extract_text) -> None:
    """"Boko Haram gunmen killed 37 farmers": the civilians are attacked."""
    assert ("boko-haram", "attacks", "civilians") in triples(extract_text("Boko Haram gunmen killed 37 farmers near Maiduguri."))


def test_pushing_back_or_advancing_against_a_side_attacks_it(extract_text) -> None:
    """"pushed back opposition fighters", "advancing against IS"; not "pushed back against sanctions"."""
    assert ("iraq", "attacks", "islamic-state") in triples(extract_text("Iraqi forces pushed back IS fighters near Mosul."))
    assert ("iraq", "attacks", "islamic-state") in triples(extract_text("Iraqi forces advanced against IS in Mosul."))
    assert not triples(extract_text("Russia pushed back against Western sanctions."))


@pytest.mark.parametrize("text, expected", [
    ("Israeli tanks also shelled the al-Awda hospital.", ("israel", "strikes", "al-awda-hospital")),
    ("Ukrainian drones hit the Novoshakhtinsk oil refinery.", ("ukraine", "strikes", "novoshakhtinsk-oil-refinery")),
    ("Houthi drones hit the Sahn al-Jin base as troops were gathering.", ("houthis", "strikes", "sahn-al-jin-base")),
    ("Israeli jets struck a Hezbollah base.", ("israel", "strikes", "hezbollah")),
])
def test_an_unknown_name_before_a_facility_noun_names_the_site(extract_text, text: str, expected: tuple[str, str, str]) -> None:
    """"the al-Awda hospital", "the Novoshakhtinsk oil refinery", "the Sahn al-Jin base" (a word the
    NER left out taken back): the site is hit, not a town or group called al-Awda; a known name
    stays itself."""
    found = triples(extract_text(text))
    assert expected in found, found


def test_where_a_sides_sites_are_is_hit(extract_text) -> None:
    """"struck Houthi targets in Hodeidah": Hodeidah too; "attacked border posts in the Kurram
    district"; a country is only where ("targets in Yemen")."""
    found = triples(extract_text("British jets struck Houthi targets in Hodeidah."))
    assert {("united-kingdom", "strikes", "houthis"), ("united-kingdom", "strikes", "hodeidah")} <= found, found
    found = triples(extract_text("British jets struck Houthi targets in Yemen."))
    assert ("united-kingdom", "strikes", "yemen") not in found, found


def test_survivors_are_civilians_and_hardware_is_sent(extract_text) -> None:
    """"Thousands of survivors fled Barsalogho"; "supplied Ukraine with military hardware"."""
    assert ("civilians", "evacuates", "barsalogho") in triples(extract_text("Thousands of survivors fled Barsalogho."))
    assert ("united-states", "backs", "ukraine") in triples(extract_text("The United States supplied Ukraine with military hardware."))


def test_who_takes_part_in_an_event_does_it(extract_text) -> None:
    """"participated in the air campaign against IS", "took part in", "joined the offensive";
    not what is only refused or denied."""
    for text in ("Jordan participated in the air campaign against the Islamic State group.",
                 "Jordan took part in the air campaign against the Islamic State group.",
                 "Jordan joined the air campaign against Islamic State."):
        assert ("jordan", "strikes", "islamic-state") in triples(extract_text(text)), text
    assert ("hezbollah", "attacks", "qusayr") in triples(extract_text("Hezbollah fighters joined the offensive on Qusayr."))
    assert not triples(extract_text("Turkey refused to join the campaign against IS."))


def test_commandos_act_for_their_state_and_snipers_attack(extract_text) -> None:
    """"Somali commandos retook the town"; snipers firing on troops attack them (no shell or
    rocket is fired); "rebels fired into Damascus" stays a strike."""
    assert ("somalia", "captures", "awdheegle") in triples(extract_text("Turkish-trained Somali commandos retook the town of Awdheegle."))
    found = triples(extract_text("IS snipers fired on Iraqi troops in Mosul."))
    assert ("islamic-state", "attacks", "iraq") in found and ("islamic-state", "strikes", "iraq") not in found, found
    assert ("syrian-rebels", "strikes", "damascus") in triples(extract_text("Rebels fired into Damascus."))


def test_civilians_a_strike_wounds_are_its_targets(extract_text) -> None:
    """"shelled villages west of Manbij, wounding four civilians", as "…, killing nine civilians";
    troops who wound protesters attack them; no agent, no event."""
    found = triples(extract_text("Rebels shelled the village of Arima on Thursday, wounding four civilians."))
    assert ("rebels", "strikes", "civilians") in found, found
    assert ("israel", "attacks", "civilians") in triples(extract_text("Israeli troops wounded 12 protesters near the fence."))
    assert not triples(extract_text("A soldier was wounded in an attack near Kabul."))


def test_a_group_known_as_a_name_is_that_name(extract_text) -> None:
    """"clan militias known as Macawisley", "a group called Ansar al-Sunna": the name, whatever
    label the NER gave it (PRODUCT, or a PERSON span that lost a word)."""
    assert ("macawisley", "backs", "somalia") in triples(extract_text("Somali troops, backed by clan militias known as Macawisley, retook the town."))
    assert ("ansar-al-sunna", "attacks", "palma") in triples(extract_text("Fighters from a group called Ansar al-Sunna stormed the town of Palma."))


def test_who_withdrew_before_a_place_fell_left_it(extract_text) -> None:
    """"Manbij fell to the Ankara-backed groups after the SDF withdrew", "Kherson was retaken
    after Russian troops withdrew", as "seized Walikale after Congolese soldiers withdrew"."""
    assert ("syrian-democratic-forces", "evacuates", "manbij") in triples(extract_text("Manbij itself fell to the Ankara-backed groups in December after the SDF withdrew."))
    assert ("russia", "evacuates", "kherson") in triples(extract_text("Kherson was retaken by Ukrainian forces after Russian troops withdrew."))


def test_aggression_and_executions_are_attacks(extract_text) -> None:
    """"Russia's aggression against Ukraine"; "summary executions against civilians"; not "the
    execution of the plan"."""
    assert ("russia", "attacks", "ukraine") in triples(extract_text("NATO condemned Russia's aggression against Ukraine."))
    assert not triples(extract_text("The execution of the plan took months."))


def test_a_weapon_belonging_to_a_side_is_theirs(extract_text) -> None:
    """"a helicopter believed to belong to the Syrian army dropped barrel bombs on Tafas": the
    Syrian government's, not the previous sentence's striker; "a drone belonging to the Houthis"."""
    found = triples(extract_text("Israeli missiles targeted several sites near Damascus. Separately, a helicopter believed to belong to the Syrian army dropped barrel bombs on the town of Tafas."))
    assert ("syrian-government", "strikes", "tafas") in found and ("israel", "strikes", "tafas") not in found, found
    assert ("houthis", "strikes", "marib") in triples(extract_text("A drone belonging to the Houthis struck the city of Marib."))


def test_a_series_of_strikes_and_fighters_from_a_group(extract_text) -> None:
    """"A series of strikes by a US-led coalition killed 14 IS jihadists" (the "by" and the
    killing hung on "series"); "…, killing 14 fighters from the Nusra Front" (the "from" hung on
    the verb) names the side hit; people "from the town" name none."""
    found = triples(extract_text("A series of strikes by a US-led coalition killed 14 IS jihadists."))
    assert ("us-led-coalition", "strikes", "islamic-state") in found, found
    found = triples(extract_text("Russian jets pounded Saraqeb, killing 14 fighters from the Nusra Front."))
    assert ("russia", "strikes", "nusra-front") in found, found
    assert triples(extract_text("Russian jets pounded Saraqeb, killing 14 people from the town.")) == {("russia", "strikes", "saraqeb")}


def test_an_owner_after_the_noun_is_its_own_mention(extractor_for) -> None:
    """"other terrorists belonging to Al Qaeda organization": the owner follows the noun, so it
    is read as its own mention; a phrase from owner to noun ran backwards, and the learned
    layer's mention pass failed the whole article on it (`make soak` caught it)."""
    extractor = extractor_for("Abu Jahjah was killed along with other terrorists belonging to Al Qaeda organization in the Ras al-Ein area.")
    noun = next(t for t in extractor.doc if t.lower_ == "terrorists")
    found = extractor.generic(noun)
    assert found and all(extractor.mentions[m].start < extractor.mentions[m].end for m in found), [extractor.mentions[m] for m in found]
    assert all(m.start < m.end for m in extractor.mentions)
