"""The learned scorer's decisions as events of the extraction.

The rule extractor has run over the Doc; the scorer has scored every candidate pair
(``kg.scorer.score_document``). Each pair that passes its relation's threshold and that no rule
event already states becomes an event of its own, made with the extractor's ``add_event`` so that
it carries the same details as a rule event: the date, casualties, means and who reported it,
read around its trigger. A pair that shares an argument with a rule event of its relation and
sentence joins that event (same trigger, so the same event node); otherwise its trigger is the
relation's trigger word nearest the object in the pair's sentence, or the sentence's root. Pairs
the text does not assert are dropped first (``asserted``). Everything after this (resolution,
RDF, validation) is unchanged: an event is an event, whoever decided it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from spacy.tokens import Span, Token

from kg.agency import alongside, another_subject, attacked, backed_elsewhere, coordinated, fired, helper, reciprocal, reports_only, supported, undergoes
from kg.places import destination, landmark, launched_from, left_elsewhere, located
from kg.coref import pronoun_antecedents
from kg.extraction import Event, Extraction, Mention, iter_core

if TYPE_CHECKING:
    from kg.extraction import Extractor
    from kg.scorer import DocumentScores, ScoredPair


def trigger_for(sent: Span, relation: str, anchor: int, triggers: frozenset[str]) -> Token:
    """The token that stands for the event: the relation's trigger word nearest ``anchor`` (a
    token index) in the sentence, else the sentence's root."""
    found = [t for t in sent if t.lemma_.lower() in triggers or t.lower_ in triggers]
    if found:
        return min(found, key=lambda t: (abs(t.i - anchor), t.i))
    return sent.root


def outermost(pairs: Sequence["ScoredPair"], mentions: Sequence[Mention]) -> list["ScoredPair"]:
    """The pairs in text order, less those that repeat another pair of the same sentence and
    relation with an argument nested inside the other's ("Syrian" inside "Syrian warplanes")."""

    def inside(a: int, b: int) -> bool:
        x, y = mentions[a], mentions[b]
        return a != b and y.start <= x.start and x.end <= y.end and (x.start, x.end) != (y.start, y.end)

    kept = []
    for pair in pairs:
        if any(
            other.sentence == pair.sentence and other.relation == pair.relation
            and ((other.object == pair.object and inside(pair.subject, other.subject))
                 or (other.subject == pair.subject and inside(pair.object, other.object)))
            for other in pairs
        ):
            continue
        kept.append(pair)
    return sorted(kept, key=lambda p: (p.sentence, p.subject, p.object, p.relation))


def overlaps(mentions: Sequence[Mention], index: int, others: Sequence[int]) -> bool:
    """Mention ``index`` is one of ``others`` or shares words with one ("Russian" in "Russian jets")."""
    m = mentions[index]
    return any(i == index or (mentions[i].start < m.end and m.start < mentions[i].end) for i in others)


def rule_event_for(extractor: "Extractor", mentions: Sequence[Mention], pair: "ScoredPair") -> Event | None:
    """The event of the pair's relation and sentence that shares an argument with it
    ("Russian jets struck Idlib ..., killing 25 people": the strike on the people is that
    strike), so that the pair joins it rather than making a second event of its own."""
    for event in extractor.events:
        objects = event.origins if event.relation == "evacuates" else event.targets
        if event.relation == pair.relation and event.sentence == pair.sentence and (
                overlaps(mentions, pair.subject, event.agents) or overlaps(mentions, pair.object, objects)):
            return event
    return None


def contradicts(mentions: Sequence[Mention], event: Event, pair: "ScoredPair") -> bool:
    """The event reads the pair's object, or subject, in another role: a destination is not where
    they left, the agent is not a target."""
    other_roles = list(event.destinations) + list(event.places) + list(event.agents)
    if event.relation == "evacuates":
        other_roles += list(event.targets)
    return overlaps(mentions, pair.object, other_roles) or overlaps(mentions, pair.subject, list(event.targets) + list(event.origins))


def pair_trigger(extractor: "Extractor", mentions: Sequence[Mention], pair: "ScoredPair", triggers: dict[str, frozenset[str]], event: Event | None) -> Token:
    """The token that stands for a scored pair's event: the trigger of the rules' ``event`` it
    joins (``rule_event_for``), else ``trigger_for`` near its object."""
    if event is not None:
        token = extractor.doc.char_span(event.trigger_start, event.trigger_end, alignment_mode="expand")
        if token is not None:
            return token.root
    sent = extractor.sentences[pair.sentence]
    obj = mentions[pair.object]
    anchor = extractor.doc.char_span(obj.start, obj.end, alignment_mode="expand")
    return trigger_for(sent, pair.relation, anchor.start if anchor is not None else sent.start, triggers.get(pair.relation, frozenset()))


def asserted(extractor: "Extractor", mentions: Sequence[Mention], pairs: Sequence["ScoredPair"], triggers: dict[str, frozenset[str]],
             anchors: Sequence[tuple[int, int, int]] = ()) -> dict["ScoredPair", Token]:
    """The pairs whose event the text asserts, in order, each with its trigger. Dropped:
    - a pair the rules' context filters block at its trigger (``ContextMixin.is_blocked``:
      negation, denial, condition, plan, threat or order, a hedged event noun, question, a report
      called false, the habitual present); the scorer sees these cues only as features, which a
      strong trigger outweighs ("Russia denied striking the hospital");
    - a pair whose subject only reports, repels or suffers the event (``reports_only``; the
      reporting verb itself where the sentence has no trigger word), whose trigger verb, object's
      verb or controlling verb (a copula or objectless verb before an infinitive included: "the
      army was able to take Aleppo after Russia conducted raids") has a subject of its own that is
      not the pair's, a subject pronoun read as another mention included (``another_subject``), or
      that names where the event happens (``located``: "In Syria, coalition forces conducted 23
      strikes", "the Syrian province of Idlib"), or that its own trigger verb acts on or is aimed
      at (``undergoes``: "the rebels were bombed near Idlib", "fired rockets at an Israeli army
      base"), or whose object only says where another place is (``landmark``: "east of Idlib");
    - a ``backs`` pair whose object is attacked in its clause (``attacked``) or is not the noun
      its "backed by" participle modifies (``backed_elsewhere``); an ``evacuates``
      pair whose object is where they go (``destination``: "fled Ariha toward Afrin") or lies
      outside the trigger's own "from" (``left_elsewhere``); a ``strikes``, ``attacks`` or
      ``captures`` pair whose subject only helps (``helper``: "with support from Australia", "with
      US air support", "troops, backed by Russian airpower, captured"); a ``strikes`` or
      ``attacks`` pair whose object is what is fired (``fired``: "launched a salvo of Katyusha
      rockets at …"), one fights beside (``alongside``), one backs (``supported``: "supports the
      SDF through training and airstrikes") or that names where the weapon or
      aircraft set out from (``launched_from``: "drones launched from Russia's Kursk region",
      "Typhoons flying from Cyprus");
    - a pair whose arguments are conjuncts of one phrase (``coordinated``: "attacks on IS and the
      PKK"), unless the trigger holds both sides ("fighting between X and Y");
    - a pair that reads an argument of the rules' event it joins in another role
      (``contradicts``);
    - the less likely of two pairs that read one trigger both ways ("The RSF stormed Wad Madani,
      prompting army units to withdraw": not the army storming the RSF), unless the trigger holds
      both sides (``reciprocal_triggers``: "fighting between X and Y").
    ``extractor.events`` are the rules' events and ``extractor.mentions`` is ``mentions``;
    ``anchors`` are the candidate layer's (``MentionLayer.anchors``), whose subject pronouns
    ``another_subject`` reads as their antecedents."""
    stands_for = pronoun_antecedents(extractor.doc, mentions, anchors)
    hostile = extractor.hostile | extractor.casualty_words | triggers.get("strikes", frozenset()) | triggers.get("attacks", frozenset())
    kept = {}
    for pair in pairs:
        event = rule_event_for(extractor, mentions, pair)
        token = pair_trigger(extractor, mentions, pair, triggers, event)
        subject, obj = mentions[pair.subject], mentions[pair.object]
        if extractor.is_blocked(token, pair.relation) or reports_only(extractor, subject, token, triggers.get(pair.relation, frozenset())):
            continue
        if located(extractor, subject) or landmark(extractor, obj) or (not pair.cross and another_subject(extractor, subject, obj, token, stands_for)):
            continue
        if not pair.cross and pair.relation != "evacuates" and undergoes(extractor, subject, token):
            continue
        if pair.relation == "backs" and (attacked(extractor, obj, hostile) or backed_elsewhere(extractor, obj, token)):
            continue
        if pair.relation == "evacuates" and (destination(extractor, obj) or left_elsewhere(extractor, obj, token)):
            continue
        if pair.relation in ("strikes", "attacks", "captures") and helper(extractor, subject):
            continue
        if pair.relation in ("strikes", "attacks") and (alongside(extractor, obj) or fired(extractor, obj) or supported(extractor, obj)
                                                        or launched_from(extractor, obj) or launched_from(extractor, subject, whole=False)):
            continue
        if not pair.cross and coordinated(extractor, subject, obj) and not reciprocal(extractor, token):
            continue
        if event is not None and contradicts(mentions, event, pair):
            continue
        kept[pair] = token
    return one_way(extractor, mentions, kept)


def one_way(extractor: "Extractor", mentions: Sequence[Mention], kept: dict["ScoredPair", Token]) -> dict["ScoredPair", Token]:
    """``kept`` less the weaker of each two pairs that read one non-reciprocal trigger both ways
    (ties: the pair whose subject comes first in the text)."""

    def reading(pair: "ScoredPair", token: Token, reverse: bool = False) -> tuple[object, ...]:
        subject, obj = (mentions[pair.subject].key or pair.subject), (mentions[pair.object].key or pair.object)
        return (pair.relation, pair.sentence, token.i, *((obj, subject) if reverse else (subject, obj)))

    by_reading = {reading(p, token): p for p, token in kept.items()}

    def weaker(pair: "ScoredPair", token: Token) -> bool:
        if reciprocal(extractor, token):
            return False
        other = by_reading.get(reading(pair, token, reverse=True))
        if other is None or other is pair:
            return False
        return (other.score, -mentions[other.subject].start) > (pair.score, -mentions[pair.subject].start)

    return {p: token for p, token in kept.items() if not weaker(p, token)}


def add_decisions(extractor: "Extractor", extraction: Extraction, scored: "DocumentScores", triggers: dict[str, frozenset[str]]) -> Extraction:
    """The rule extraction plus an event for each scored pair the rules did not state.

    ``scored.mentions`` starts with the rule mentions (same indices) and goes on with the
    mentions the candidate layer added; the extractor takes them all, so indices hold."""
    from kg.candidates import use_mentions

    stated = {(relation, subject, obj) for relation, subject, obj, _ in iter_core(extraction)}
    use_mentions(extractor, scored.mentions)
    kept = asserted(extractor, extractor.mentions, scored.pairs, triggers, scored.anchors)
    for pair in outermost(list(kept), extractor.mentions):
        if (pair.relation, pair.subject, pair.object) in stated:
            continue
        stated.add((pair.relation, pair.subject, pair.object))
        trigger = kept[pair]
        tier = "implicit" if pair.cross else "explicit"
        if pair.relation == "evacuates":
            extractor.add_event(pair.relation, trigger, [pair.subject], [], pair.sentence, tier, origins=[pair.object])
        else:
            extractor.add_event(pair.relation, trigger, [pair.subject], [pair.object], pair.sentence, tier)
    return Extraction(tuple(extractor.mentions), tuple(extractor.events), extraction.facts, extraction.sentences)
