"""GENEVA (FrameNet-derived event arguments) → kg relation pairs.

Mapping (frame and role names as found in val.json/test.json; see docs/corpora.md):
- Attack Assailant→Victim: ``strikes`` if the trigger or a Weapon/Means argument is
  aerial/remote, else ``attacks``.
- Hostile_encounter Side_1→Side_2 and Side_2→Side_1: ``attacks`` (fighting is mutual). The
  single-argument "Sides" role gives no pair.
- Conquering Conqueror→Theme: ``captures``.
- Supporting Supporter→Supported, Assistance Helper→Benefited_party, Supply
  Supplier→Recipient: ``backs``.
- Departing Traveller→Source: ``evacuates``; Removing Theme→Source ``evacuates`` only when the
  trigger is an evacuation/expulsion word (Removing also covers "tore away his collar").
FrameNet spans carry prepositions ("with Iraq", "against the drug lords"): they are trimmed.
FrameNet frames are not exhaustive for kg's relations and are often non-military ("fighting
inflation", "captured a greater percentage of the vote"), so there are no negatives and
positives are noisier than in the other corpora.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from kg.corpora.common import EVACUATION, PairExample, Span, align_tokens, is_aerial, detokenize, overlaps, read_json_lines, token_range, trim_span

CORPUS = "geneva"
LICENCE = "CC-BY-3.0"
# frame → [(subject role, object role, label)]; "aerial?" means strikes or attacks by the means.
RULES: dict[str, list[tuple[str, str, str]]] = {
    "Attack": [("Assailant", "Victim", "aerial?")],
    "Hostile_encounter": [("Side_1", "Side_2", "attacks"), ("Side_2", "Side_1", "attacks")],
    "Conquering": [("Conqueror", "Theme", "captures")],
    "Supporting": [("Supporter", "Supported", "backs")],
    "Assistance": [("Helper", "Benefited_party", "backs")],
    "Supply": [("Supplier", "Recipient", "backs")],
    "Departing": [("Traveller", "Source", "evacuates")],
    "Removing": [("Theme", "Source", "evacuates")],
}


def examples_from_record(record: dict[str, Any]) -> Iterator[PairExample]:
    tokens: list[str] = record["tokens"]
    text: str = record["sentence"]
    spans = align_tokens(text, tokens)
    if spans is None:
        text, spans = detokenize(tokens)
    mentions = {m["id"]: (m["start"], m["end"]) for m in record["entity_mentions"]}
    for event in record["event_mentions"]:
        rules = RULES.get(event["event_type"])
        if not rules:
            continue
        trigger = event["trigger"]["text"]
        if event["event_type"] == "Removing" and not EVACUATION.search(trigger):
            continue
        roles: dict[str, list[Span]] = {}
        for arg in event["arguments"]:
            if arg["entity_id"] in mentions:
                start, end = mentions[arg["entity_id"]]
                roles.setdefault(arg["role"], []).append(trim_span(text, token_range(spans, start, end)))
        means = [text[a:b] for role in ("Weapon", "Means") for a, b in roles.get(role, [])]
        for subject_role, object_role, label in rules:
            for a in sorted(roles.get(subject_role, [])):
                for b in sorted(roles.get(object_role, [])):
                    if overlaps(a, b):
                        continue
                    final = ("strikes" if is_aerial(trigger, *means) else "attacks") if label == "aerial?" else label
                    yield PairExample(CORPUS, record["doc_id"], text, 0, a, b, text[a[0]:a[1]], text[b[0]:b[1]], final,
                                      f"{event['event_type']} {subject_role}→{object_role}", trigger, True, False, LICENCE)


def load(root: Path) -> Iterator[PairExample]:
    for name in ("val.json", "test.json"):
        path = root / name
        if path.exists():
            for record in read_json_lines(path):
                yield from examples_from_record(record)
