"""Labels for candidate pairs, from kg's gold (dev set, seeds) and from M2E2.

Gold articles: a candidate is positive for relation r when its subject and object mentions map
to gold ids (s, o) (mention → entity by ``kg.resolve``'s rules, entity → gold ids through the
gold labels and aliases exactly as ``kg eval`` maps predictions) and (s, r, o) is an explicit or
implicit gold line of the article whose evidence quote overlaps the candidate's sentence (or the
previous sentence, for a pair across sentences). A candidate that matches an optional line, or
a required line whose evidence is elsewhere in the article (the pair restated, annotated once),
is left out of training: it is neither a clean positive nor a safe negative. Everything else
is ``none``.

M2E2 sentences: a candidate is labelled with the ``kg.corpora.m2e2`` pair whose argument spans
its two mentions overlap (a positive first); a candidate no annotated pair covers is left out.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Sequence

from spacy.tokens import Doc

from kg import gazetteer as gaz
from kg.candidates import Candidate, MentionLayer
from kg.corpora.dev import locate_quote
from kg.evaluate import EntityIndex, GoldLine, _candidates
from kg.extraction import CORE, Extraction
from kg.resolve import Entity, Resolver
from kg.scorer import object_role

Span = tuple[int, int]


@dataclass
class Resolved:
    """Each candidate's entity ids (per object role) and the gold ids they map to."""

    subject_ids: list[str | None] = field(default_factory=list)
    object_ids: list[dict[str, str | None]] = field(default_factory=list)  # role → entity id
    subject_gold: list[frozenset[str]] = field(default_factory=list)
    object_gold: list[dict[str, frozenset[str]]] = field(default_factory=list)


ROLES = ("actor", "place", "any")


def resolve_candidates(extraction: Extraction, layer: MentionLayer, found: Sequence[Candidate], resolver: Resolver, index: EntityIndex) -> Resolved:
    country, default_force, antecedents = resolver.context(extraction)
    entities: dict[str, Entity] = {}
    gazetteer = resolver.gaz
    cache: dict[tuple[int, str], tuple[str | None, frozenset[str]]] = {}

    def lookup(mention: int, role: str) -> tuple[str | None, frozenset[str]]:
        key = (mention, role)
        if key not in cache:
            entity_id = resolver.entity(layer.mentions[mention], role, country, entities, default_force, antecedents)
            if entity_id is None:
                cache[key] = (None, frozenset())
            else:
                labels = {k: v.label for k, v in entities.items()}
                cache[key] = (entity_id, frozenset(_candidates(entity_id, labels, layer.mentions[mention].text, index, gazetteer)))
        return cache[key]

    out = Resolved()
    for candidate in found:
        sid, sgold = lookup(candidate.subject.mention, "actor")
        out.subject_ids.append(sid)
        out.subject_gold.append(sgold)
        ids: dict[str, str | None] = {}
        golds: dict[str, frozenset[str]] = {}
        for role in ROLES:
            ids[role], golds[role] = lookup(candidate.object.mention, role)
        out.object_ids.append(ids)
        out.object_gold.append(golds)
    return out


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def gold_labels(doc: Doc, text: str, found: Sequence[Candidate], resolved: Resolved, gold: Sequence[GoldLine]) -> list[tuple[str, ...]]:
    """Per candidate: its positive relations, ("none",), or () to leave it out."""
    sentences = list(doc.sents)
    evidence: dict[int, Span | None] = {}
    for n, line in enumerate(gold):
        located = locate_quote(text, line.evidence) if line.evidence else None
        evidence[n] = located[0] if located else None
    by_triple: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for n, line in enumerate(gold):
        by_triple[(line.s, line.p, line.o)].append(n)
    out: list[tuple[str, ...]] = []
    for i, candidate in enumerate(found):
        sent = sentences[candidate.sentence]
        window = (sentences[candidate.sentence - 1].start_char if candidate.cross else sent.start_char, sent.end_char)
        positives: list[str] = []
        unclear = False
        for relation in CORE:
            objects = resolved.object_gold[i][object_role(relation)]
            for s in resolved.subject_gold[i]:
                for o in objects:
                    for n in by_triple.get((s, relation, o), []):
                        line, span = gold[n], evidence[n]
                        here = span is not None and _overlaps(span, window)
                        if here and line.tier in ("explicit", "implicit"):
                            positives.append(relation)
                        else:
                            unclear = True
        if positives:
            out.append(tuple(sorted(set(positives), key=CORE.index)))
        elif unclear:
            out.append(())
        else:
            out.append(("none",))
    return out


def m2e2_labels(doc: Doc, found: Sequence[Candidate], examples: Sequence[object]) -> list[tuple[str, ...]]:
    """Per candidate: the label of the annotated M2E2 pair its mentions overlap, or ()."""
    out: list[tuple[str, ...]] = []
    for candidate in found:
        if candidate.cross:
            out.append(())
            continue
        s = (doc[candidate.subject.start].idx, doc[candidate.subject.end - 1].idx + len(doc[candidate.subject.end - 1]))
        o = (doc[candidate.object.start].idx, doc[candidate.object.end - 1].idx + len(doc[candidate.object.end - 1]))
        labels = {e.label for e in examples if _overlaps(s, e.arg1) and _overlaps(o, e.arg2)}  # type: ignore[attr-defined]
        positives = tuple(sorted(labels - {"none"}, key=CORE.index))
        out.append(positives or (("none",) if labels else ()))
    return out


def gazetteer() -> gaz.Gazetteer:
    return gaz.load(gaz.default_path())
