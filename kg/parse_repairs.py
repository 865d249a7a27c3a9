"""Repairs of the small parser's misreadings of comma-stripped copy, made once on the ``Doc``.

FA-KES and other outlets' copy reaches kg with its commas stripped. After an opening phrase the
parser then runs the place into the subject: "In the remote northeastern city of Hassakeh ISIS
suicide bombers detonated a truck" is read with "Hassakeh ISIS suicide bombers" the object of
"of", and "detonated" has no subject. ``kg_opening_subjects`` splits such a run where its place
(or date) entity ends: the entity stays the object of the opening phrase, the words after it are the
verb's subject. Runs without such an entity are left as parsed.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from kg.name_lists import reparse

SUBJECTS = {"nsubj", "nsubjpass", "csubj", "expl"}
FINITE = {"VBD", "VBZ", "VBP"}
# Entities that end an opening phrase: "In the city of Hassakeh", "On Sunday".
OPENING_ENTITIES = {"GPE", "LOC", "FAC", "DATE", "TIME"}


def _has_subject(verb: Token) -> bool:
    return any(c.dep_ in SUBJECTS for c in verb.children) or any(
        c.dep_ in SUBJECTS for a in verb.children if a.dep_ in ("aux", "auxpass") for c in a.children)


def _opening_object(verb: Token, sent: Span) -> Token | None:
    """The object right before the verb of a phrase that opens the sentence and hangs on the verb."""
    if verb.i <= sent.start + 2:
        return None
    last = verb.doc[verb.i - 1]
    if last.dep_ != "pobj" or last.pos_ not in ("NOUN", "PROPN"):
        return None
    opener = last
    while opener.head.i != opener.i and opener.head.i < verb.i and opener.dep_ in ("pobj", "prep"):
        opener = opener.head
    if opener.dep_ != "prep" or opener.head.i != verb.i or opener.i != sent.start:
        return None
    return last


def split_opening_subject(doc: Doc, verb: Token, sent: Span) -> None:
    """Make the words after the opening phrase's entity the verb's subject, if that gives a tree."""
    last = _opening_object(verb, sent)
    if last is None or _has_subject(verb):
        return
    if not all(t.dep_ in ("compound", "amod", "nmod", "det") for t in doc[last.left_edge.i:last.i]):
        return
    entity = next((e for e in doc.ents if e.start >= last.left_edge.i and e.start < last.i and e.label_ in OPENING_ENTITIES), None)
    if entity is None or entity.end > last.i:
        return
    if any(t.ent_type_ in OPENING_ENTITIES for t in doc[entity.end:last.i + 1]):
        return  # "In the city of Aleppo province": all place, no subject in it
    heads = [t.head.i for t in doc]
    deps = [t.dep_ for t in doc]
    place_root = entity.end - 1
    heads[place_root], deps[place_root] = last.head.i, "pobj"
    for k in range(last.left_edge.i, entity.end - 1):
        heads[k], deps[k] = place_root, ("det" if doc[k].dep_ == "det" else "compound")
    for k in range(entity.end, last.i):
        if heads[k] < entity.end or heads[k] > last.i:
            heads[k] = last.i
    heads[last.i], deps[last.i] = verb.i, "nsubj"
    reparse(doc, heads, deps, sent.start, sent.end)


@Language.component("kg_opening_subjects")
def opening_subjects(doc: Doc) -> Doc:
    """See the module's docstring: after the NER, which the split needs."""
    # A split stays inside its sentence, so the sentences are read once (``Token.sent`` rescans).
    for sent in list(doc.sents):
        verbs = [t.i for t in sent if t.pos_ in ("VERB", "AUX") and t.tag_ in FINITE and t.dep_ in ("ROOT", "conj", "ccomp")]
        for i in verbs:
            split_opening_subject(doc, doc[i], sent)
    return doc
