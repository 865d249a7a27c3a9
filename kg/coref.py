"""Pronoun subjects as anchors of the mention they stand for.

"Islamic State … has made rapid gains since it seized Mosul", "separatist warlords … led armed
operations in Dagestan. In 1995 and 1996, they seized hundreds of hostages": the event's agent is
a pronoun, and the pair (Islamic State, Mosul) is read from the pronoun's place in the parse. A
pronoun that is a verb's subject (``it``, ``they``, ``he``, ``she``) anchors the nearest mention
before it that fits (a person for he and she, an actor for an active subject, any mention for a
passive one), in its own sentence first, else the sentence before, preferring one that is itself
a subject. A deterministic, local rule (Hobbs-like salience), not a coreference model."""
from __future__ import annotations

from typing import Callable, Sequence

from spacy.tokens import Doc, Span

from kg.extraction import Mention

# Not kg.extraction.tokens.PRONOUNS: only these, as a verb's subject, stand for an antecedent here.
SUBJECT_PRONOUNS = frozenset({"it", "they", "he", "she"})
PERSONAL = frozenset({"he", "she"})
SUBJECT_DEPS = ("nsubj", "nsubjpass")


def is_anchor_pronoun(first_word: str, length: int) -> bool:
    """Whether an argument of ``length`` tokens whose first word (lower case) is ``first_word`` is
    read from a pronoun this module anchors (the candidate layer and the features ask)."""
    return length == 1 and first_word in SUBJECT_PRONOUNS


def pronoun_anchors(doc: Doc, mentions: Sequence[Mention], is_actor: Callable[[Mention], bool],
                    is_person: Callable[[Mention], bool]) -> list[tuple[int, int, int]]:
    """(mention, token start, token end) for each subject pronoun with an antecedent."""
    sentences = list(doc.sents)
    spans: list[tuple[int, Span]] = []
    for index, mention in enumerate(mentions):
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is not None and len(span) > 0:
            spans.append((index, span))
    out: list[tuple[int, int, int]] = []
    for number, sent in enumerate(sentences):
        for token in sent:
            if token.lower_ not in SUBJECT_PRONOUNS or token.dep_ not in SUBJECT_DEPS or token.head.pos_ not in ("VERB", "AUX"):
                continue
            first = sentences[number - 1].start if number else sent.start
            if token.lower_ in PERSONAL:
                fits = is_person
            elif token.dep_ == "nsubj":
                fits = is_actor
            else:
                fits = lambda m: True  # noqa: E731 - "it was shelled": a place as well as an actor
            pool = [(i, s) for i, s in spans if first <= s.start and s.end <= token.i and fits(mentions[i])]
            same = [x for x in pool if x[1].start >= sent.start]
            group = same or pool
            if not group:
                continue
            subjects = [x for x in group if x[1].root.dep_ in SUBJECT_DEPS]
            index, _ = max(subjects or group, key=lambda x: (x[1].end, -x[0]))
            out.append((index, token.i, token.i + 1))
    return out


def pronoun_antecedents(doc: Doc, mentions: Sequence[Mention], anchors: Sequence[tuple[int, int, int]]) -> dict[int, Mention]:
    """Subject pronoun token → the mention it stands for, from the candidate layer's ``anchors``
    (``pronoun_anchors`` made them; the layer's other anchors, "the group", are left out)."""
    return {start: mentions[index] for index, start, end in anchors if is_anchor_pronoun(doc[start].lower_, end - start)}
