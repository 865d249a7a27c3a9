"""RAMS 1.0 (AIDA ontology, one annotated event per 5-sentence window) → kg relation pairs.

Mapping (see docs/corpora.md):
- conflict.attack.*: attacker→target and attacker→place. ``strikes`` for
  airstrikemissilestrike, and for any subtype whose trigger or instrument is aerial/remote;
  ``attacks`` otherwise (bombing included: kg counts bombs planted on the ground as attacks).
  stealrobhijack (robbery, hijacking) is no attack in kg's sense and is left out.
- *.giftgrantprovideaid: giver→recipient and giver→beneficiary ``backs``.
- movement.transportperson.evacuationrescue: passenger→origin ``evacuates``;
  conflict.yield.retreat: retreater→origin ``evacuates``.
The whole window is the example text; arguments often sit in other sentences than each other,
so ``same_sentence`` says which pairs are intra-sentence. Only one event per window is
annotated, so RAMS gives no negatives at all.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

from kg.corpora.common import PairExample, Span, is_aerial, detokenize, overlaps, read_json_lines, token_range

CORPUS = "rams"
LICENCE = "CC-BY-SA-4.0"
_ROLE = re.compile(r"^evt\d+arg\d+")
SKIP_ATTACK = ("conflict.attack.stealrobhijack",)
GIFT = "giftgrantprovideaid"


def _rules(event_type: str) -> list[tuple[str, str, str]]:
    """(subject role, object role, label) for an event type; label "aerial?" picks strikes/attacks."""
    if event_type.startswith("conflict.attack.") and event_type not in SKIP_ATTACK:
        return [("attacker", "target", "aerial?"), ("attacker", "place", "aerial?")]
    if event_type.endswith("." + GIFT):
        return [("giver", "recipient", "backs"), ("giver", "beneficiary", "backs")]
    if event_type == "movement.transportperson.evacuationrescue":
        return [("passenger", "origin", "evacuates")]
    if event_type == "conflict.yield.retreat":
        return [("retreater", "origin", "evacuates")]
    return []


def examples_from_record(record: dict[str, Any]) -> Iterator[PairExample]:
    tokens = [token for sentence in record["sentences"] for token in sentence]
    sentence_of = [i for i, sentence in enumerate(record["sentences"]) for _ in sentence]
    text, spans = detokenize(tokens)
    trigger_start, trigger_end, ((event_type, _),) = record["evt_triggers"][0][0], record["evt_triggers"][0][1], record["evt_triggers"][0][2][:1]
    rules = _rules(event_type)
    if not rules:
        return
    trigger = text[slice(*token_range(spans, trigger_start, trigger_end + 1))]
    roles: dict[str, list[tuple[int, int]]] = {}
    for _, (start, end), role in record["gold_evt_links"]:
        roles.setdefault(_ROLE.sub("", role), []).append((start, end))
    instruments = [text[slice(*token_range(spans, s, e + 1))] for s, e in roles.get("instrument", [])]
    aerial = event_type.endswith("airstrikemissilestrike") or is_aerial(trigger, *instruments)
    seen: set[tuple[Span, Span]] = set()
    for subject_role, object_role, label in rules:
        for s_tok in sorted(roles.get(subject_role, [])):
            for o_tok in sorted(roles.get(object_role, [])):
                a = token_range(spans, s_tok[0], s_tok[1] + 1)
                b = token_range(spans, o_tok[0], o_tok[1] + 1)
                if overlaps(a, b) or (a, b) in seen:
                    continue  # selfdirectedbattle often gives one span as attacker and target
                seen.add((a, b))
                final = ("strikes" if aerial else "attacks") if label == "aerial?" else label
                same = sentence_of[s_tok[0]] == sentence_of[o_tok[0]] == sentence_of[s_tok[1]] == sentence_of[o_tok[1]]
                yield PairExample(CORPUS, record["doc_key"], text, 0, a, b, text[a[0]:a[1]], text[b[0]:b[1]], final,
                                  f"{event_type} {subject_role}→{object_role}", trigger, same, False, LICENCE)


def load(root: Path, splits: tuple[str, ...] = ("dev", "test")) -> Iterator[PairExample]:
    """Examples from ``rams/dev.jsonlines`` and ``rams/test.jsonlines`` (the train split is absent)."""
    for name in (f"{split}.jsonlines" for split in splits):
        path = root / name
        if path.exists():
            for record in read_json_lines(path):
                yield from examples_from_record(record)
