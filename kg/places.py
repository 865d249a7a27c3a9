"""Where, not who: tests that a place mention in a scored pair only says where something is.

``kg.decide.asserted`` drops a pair whose subject names where the event happens ("In Syria,
coalition forces conducted 23 strikes", "the Syrian province of Idlib", "Sudan's Rapid Support
Forces"), or where a weapon or aircraft set out from ("drones launched from Russia's Kursk
region"); a pair whose object only says where another place is ("swept into Aleppo, east of
Idlib"); and an evacuation whose object is where people go, not where they leave ("fled Ariha
toward Afrin"), or lies outside the trigger's own "from". Who acts is ``kg.agency``'s. Word lists
come from the lexicon, through the extractor.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from spacy.tokens import Token

from kg.agency import climb, mention_root
from kg.extraction import Mention
from kg.extraction.tokens import PLACE_LABELS

if TYPE_CHECKING:
    from kg.extraction import Extractor


def located(extractor: "Extractor", mention: Mention) -> bool:
    """The mention is a place name that says where, not who: it is governed by a preposition of
    place (``place_preps``), itself or through the name it is conjoined or apposed to ("In Syria,
    coalition forces conducted 23 strikes", "in Iraq and Syria", "near Palmyra, Syria"). Its own
    root is read, not the noun it modifies ("killed in Russian airstrikes" keeps Russia), and only
    places and states: a group after "in" may still act ("the largest group in Jaysh al-Fateh, the
    coalition that took control of Idlib"). A place's possessive on another place or a place noun
    (``located_heads``) only locates too ("Syria's Homs", "Syria's northern province"), while
    "Syria's army" still acts. A demonym that only describes a place noun ("the Syrian province
    of Idlib", "the Turkish border") only locates too, while "Syrian jets" still act."""
    root = mention_root(extractor, mention) if mention.label in PLACE_LABELS or mention.label == "NORP" else None
    if root is None:
        return False
    if mention.label in ("NORP", "GPE") and root.dep_ == "amod" and root.head.i != root.i and extractor.lemma(root.head) in extractor.located_heads:
        return True  # "the Syrian province of Idlib": a demonym describing a place noun
    if mention.label not in PLACE_LABELS:
        return False
    token = climb(root, ("conj", "appos"))
    if token.dep_ == "poss" and (token.head.ent_type_ in (*PLACE_LABELS, "ORG") or extractor.lemma(token.head) in extractor.located_heads):
        # "a car bomb in Syria's Homs", "Syria's northern province": where, not who; "Sudan's Rapid
        # Support Forces shelled …": the named group acts, not the state
        return True
    return token.dep_ == "pobj" and token.head.lower_ in extractor.place_preps


def landmark(extractor: "Extractor", mention: Mention) -> bool:
    """The mention is a place named only to say where another is (``landmark_directions``,
    ``distance_nouns``): "Insurgents swept into Aleppo, east of Idlib", "Kafar Naya, 25 kilometres
    north of Aleppo", "Zabadani, to the west of Damascus", "30 km from the border town of Tal
    Abyad". Not "the east of Idlib" or "in the west of Aleppo": a part of the place, which is hit
    where its part is."""
    token = mention_root(extractor, mention) if mention.label in PLACE_LABELS else None
    if token is None:
        return False
    token = climb(token, ("conj", "appos", "compound"))
    while token.dep_ == "pobj" and token.head.lower_ == "of" and extractor.lemma(token.head.head) in extractor.container \
            and extractor.lemma(token.head.head) not in extractor.landmark_directions and token.head.head.head.i != token.head.head.i:
        token = token.head.head  # "north of the city of Aleppo": the container stands for the place
    if token.dep_ != "pobj":
        return False
    word, head = token.head.lower_, token.head.head
    if word == "from":  # "30 km from X": the distance hangs from "from" or heads it
        return any(extractor.lemma(t) in extractor.distance_nouns for t in (head, *token.head.children))
    if word != "of" or extractor.lemma(head) not in extractor.landmark_directions:
        return False
    if any(child.dep_ == "det" for child in head.children):
        return head.dep_ == "pobj" and head.head.lower_ == "to"  # "to the west of", not "the west of"
    return True


def destination(extractor: "Extractor", mention: Mention) -> bool:
    """The mention is where people go, not where they leave: "Tens of thousands have fled Ariha,
    heading north toward Afrin and Azaz", "fled Zamzam camp, most of them towards Tawila",
    "retreating toward the village of Gaskindé", "fled Mahas for Beledweyne"."""
    token = mention_root(extractor, mention)
    if token is None:
        return False
    token = climb(token, ("conj", "appos", "compound"))
    if token.dep_ == "pobj" and token.head.lower_ == "of" and extractor.lemma(token.head.head) in extractor.container:
        token = token.head.head  # "toward the village of Gaskindé"
    if token.dep_ != "pobj":
        return False
    if token.head.lower_ == "for":  # "fled Mahas for Beledweyne": "for" after a verb of leaving
        return extractor.lemma(token.head.head) in extractor.lex.rel_set("evacuates", "verbs")
    return token.head.lower_ in extractor.destination_preps


def left_elsewhere(extractor: "Extractor", mention: Mention, trigger: Token) -> bool:
    """The trigger names where people leave ("from" on the verb or noun) and the mention is not
    in that phrase: "strikes on rebel-held Idlib two days after the evacuation of rebels from
    their last pocket in Aleppo" is no evacuation of Idlib."""
    token = mention_root(extractor, mention)
    sources = [c for c in trigger.children if c.dep_ == "prep" and c.lower_ == "from"
               and not any(o.dep_ == "pobj" and o.pos_ == "PRON" for o in c.children)]  # "withdrew from it" stands for a place
    if token is None or not sources:
        return False
    return not any(token in source.subtree for source in sources)


def launched_from(extractor: "Extractor", mention: Mention, whole: bool = True) -> bool:
    """The mention is the place a weapon was fired or launched from, or aircraft set out from
    (``fire_verbs`` of strikes, ``origin_verbs``): "Shahed drones launched from Russia's Kursk
    region", "a rocket fired from Lebanon struck a field near Haifa", "Typhoons flying from
    Cyprus". Where an attack comes from is neither its target nor, as a place, its agent. With
    ``whole`` (a target) a name that modifies the origin is the origin too ("Russia's Kursk and
    Bryansk regions"); an agent must be the origin itself, since the owner of what fires is who
    fires ("missiles fired from US warships")."""
    token = mention_root(extractor, mention) if mention.label in PLACE_LABELS else None
    if token is None:
        return False
    token = climb(token, ("conj", "appos", "compound", "amod", "poss") if whole else ("conj", "appos"))
    if token.dep_ != "pobj" or token.head.lower_ != "from":
        return False
    verb = token.head.head
    lemma = extractor.lemma(verb)
    if any(c.dep_ == "prt" for c in verb.children):
        lemma = "_".join([lemma, *(c.lower_ for c in verb.children if c.dep_ == "prt")])  # "took off" → take_off
    return lemma in extractor.origin_verbs
