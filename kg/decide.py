"""The learned scorer's decisions as events of the extraction.

The rule extractor has run over the Doc; the scorer has scored every candidate pair
(``kg.scorer.score_document``). Each pair that passes its relation's threshold and that no rule
event already states becomes an event of its own, made with the extractor's ``add_event`` so that
it carries the same details as a rule event: the date, casualties, means and who reported it,
read around its trigger. The trigger is the relation's trigger word nearest the object in the
pair's sentence, or the sentence's root. Everything after this (resolution, RDF, validation) is
unchanged: an event is an event, whoever decided it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from spacy.tokens import Span, Token

from kg.extraction import Extraction, Mention, iter_core

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


def pair_trigger(extractor: "Extractor", mentions: Sequence[Mention], pair: "ScoredPair", triggers: dict[str, frozenset[str]]) -> Token:
    """The token that stands for a scored pair's event (``trigger_for`` near its object)."""
    sent = extractor.sentences[pair.sentence]
    obj = mentions[pair.object]
    anchor = extractor.doc.char_span(obj.start, obj.end, alignment_mode="expand")
    return trigger_for(sent, pair.relation, anchor.start if anchor is not None else sent.start, triggers.get(pair.relation, frozenset()))


def asserted(extractor: "Extractor", mentions: Sequence[Mention], pairs: Sequence["ScoredPair"], triggers: dict[str, frozenset[str]]) -> dict["ScoredPair", Token]:
    """The pairs whose event the text asserts, in order, each with its trigger: the rules' context
    filters (``ContextMixin.is_blocked``: negation, denial, condition, plan or threat, question, a
    report called false, the habitual present) read at each pair's trigger. The scorer sees these
    cues only as features, which a strong trigger outweighs ("Russia denied striking the hospital")."""
    found = {p: pair_trigger(extractor, mentions, p, triggers) for p in pairs}
    return {p: token for p, token in found.items() if not extractor.is_blocked(token, p.relation)}


def add_decisions(extractor: "Extractor", extraction: Extraction, scored: "DocumentScores", triggers: dict[str, frozenset[str]]) -> Extraction:
    """The rule extraction plus an event for each scored pair the rules did not state.

    ``scored.mentions`` starts with the rule mentions (same indices) and goes on with the
    mentions the candidate layer added; the extractor takes them all, so indices hold."""
    stated = {(relation, subject, obj) for relation, subject, obj, _ in iter_core(extraction)}
    extractor.mentions = list(scored.mentions)
    extractor.mention_index = {m: i for i, m in enumerate(extractor.mentions)}
    kept = asserted(extractor, extractor.mentions, scored.pairs, triggers)
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
