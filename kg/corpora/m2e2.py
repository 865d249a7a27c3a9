"""M2E2 (Voice of America, ACE-style events) → kg relation pairs.

Mapping (see docs/corpora.md):
- Conflict:Attack Attacker→Target and Attacker→Place: ``strikes`` when the trigger or an
  Instrument is aerial/remote (air strike, shelling, missile, drone, artillery, rocket, jets),
  else ``attacks``. kg treats a place as the object of strikes/attacks ("Russia strikes Idlib"),
  so the Place role counts as a target.
- Movement:Transport with an Origin and a withdrawal/evacuation trigger (evacuate, withdraw,
  flee, leave, pull out, ...): Artifact→Origin and Agent→Origin ``evacuates`` ("the US withdrew
  its troops from Iraq" gives both the troops and the US leaving Iraq).
- Every other ordered pair of actor/place mentions in a sentence with an Attack, Die or
  Transport event is ``none``: ACE annotation is
  exhaustive for its event types, so they are true negatives for strikes/attacks/evacuates.
  M2E2 does not annotate backing or capture, so these negatives say nothing about backs or
  captures (``source_role`` says so). Transport Artifact/Agent→Origin pairs with an ordinary
  travel trigger ("was flown from Kabul") are left out: under kg's wording ("s leaves o") they
  are neither clear positives nor safe negatives.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

from kg.corpora.common import EVACUATION, PairExample, Span, is_aerial, overlaps, read_json_lines

CORPUS = "m2e2"
LICENCE = "public-domain (VOA text); annotation licence not stated"
NEGATIVE_ROLE = "none (ACE exhaustive for Attack/Transport: reliable for strikes, attacks, evacuates only)"
# Negatives only between mention types that can fill kg's arguments (actors and places).
ACTOR_TYPES = ("GPE", "ORG", "PER")
OBJECT_TYPES = ("FAC", "GPE", "LOC", "ORG", "PER")
NEGATIVE_CONTEXT = ("Conflict:Attack", "Life:Die", "Movement:Transport")
_DOC = re.compile(r"^(.*)_\d+$")
_DEV_NAME = re.compile(r"^voa_\d+_(\d{4}\.\d{2}\.\d{2}\.\d+)\.txt$")


def doc_id(sentence_id: str) -> str:
    """``VOA_EN_NW_2016.04.19.3291980_7`` → ``VOA_EN_NW_2016.04.19.3291980``."""
    match = _DOC.match(sentence_id)
    return match.group(1) if match else sentence_id


def dev_doc_map(texts_dir: Path) -> dict[str, str]:
    """M2E2 doc id → dev file name, for the VOA dev articles (``voa_NN_<date.id>.txt``).

    The dev VOA texts were rebuilt from M2E2, so these documents must be dropped from training
    whenever a model is scored on the dev set.
    """
    found: dict[str, str] = {}
    if not texts_dir.is_dir():
        return found
    for path in sorted(texts_dir.iterdir()):
        match = _DEV_NAME.match(path.name)
        if match:
            found[f"VOA_EN_NW_{match.group(1)}"] = path.name
    return found


def _char_spans(record: dict[str, Any]) -> list[Span]:
    """Sentence-relative char span of each token; M2E2 gives document offsets, end inclusive."""
    text: str = record["sentence"]
    base = int(record["sentence_start"])
    spans: list[Span] = []
    cursor = 0
    for word, (start, end) in zip(record["words"], record["index"]):
        span = (int(start) - base, int(end) + 1 - base)
        if text[span[0]:span[1]] != word:
            # A few sentences were cleaned after indexing ("—" vs "-"): fall back to search.
            at = text.find(word, cursor)
            span = (at, at + len(word)) if at >= 0 else (cursor, cursor)
        spans.append(span)
        cursor = max(cursor, span[1])
    return spans


def _span(tokens: list[Span], start: int, end: int) -> Span | None:
    if not 0 <= start < end <= len(tokens):
        return None
    span = (tokens[start][0], tokens[end - 1][1])
    return span if span[0] < span[1] else None


def examples_from_record(record: dict[str, Any]) -> Iterator[PairExample]:
    text: str = record["sentence"]
    tokens = _char_spans(record)
    doc = doc_id(record["sentence_id"])
    start = int(record["sentence_start"])

    def make(a: Span, b: Span, label: str, role: str, trigger: str) -> PairExample:
        return PairExample(CORPUS, doc, text, start, a, b, text[a[0]:a[1]], text[b[0]:b[1]], label,
                           role, trigger, True, True, LICENCE)

    positives: dict[tuple[Span, Span], PairExample] = {}
    skipped: set[tuple[Span, Span]] = set()
    for event in record["golden-event-mentions"]:
        kind = event["event_type"]
        trigger = event["trigger"]["text"]
        roles: dict[str, list[Span]] = {}
        for arg in event["arguments"]:
            span = _span(tokens, arg["start"], arg["end"])
            if span:
                roles.setdefault(arg["role"], []).append(span)
        if kind == "Conflict:Attack":
            instruments = [text[a:b] for a, b in roles.get("Instrument", [])]
            label = "strikes" if is_aerial(trigger, *instruments) else "attacks"
            for attacker in roles.get("Attacker", []):
                for role in ("Target", "Place"):
                    for target in roles.get(role, []):
                        if not overlaps(attacker, target):
                            positives.setdefault((attacker, target), make(attacker, target, label, f"{kind} Attacker→{role}", trigger))
        elif kind == "Movement:Transport":
            leaving = bool(EVACUATION.search(trigger))
            for role in ("Artifact", "Agent"):
                for mover in roles.get(role, []):
                    for origin in roles.get("Origin", []):
                        if overlaps(mover, origin):
                            continue
                        if leaving:
                            positives.setdefault((mover, origin), make(mover, origin, "evacuates", f"{kind} {role}→Origin", trigger))
                        else:
                            skipped.add((mover, origin))
    for example in sorted(positives.values(), key=lambda e: (e.arg1, e.arg2)):
        yield example

    if not any(e["event_type"] in NEGATIVE_CONTEXT for e in record["golden-event-mentions"]):
        # Negatives only from sentences reporting violence or movement: the hard pairs a scorer
        # must reject (victim→place, reversed direction); all pairs would swamp positives 500:1.
        return
    mentions: list[tuple[Span, str]] = []
    for mention in record["golden-entity-mentions"]:
        span = _span(tokens, mention["start"], mention["end"])
        if span and (span, mention["entity-type"]) not in mentions:
            mentions.append((span, mention["entity-type"]))
    mentions.sort()
    for a, a_type in mentions:
        for b, b_type in mentions:
            if overlaps(a, b) or a_type not in ACTOR_TYPES or b_type not in OBJECT_TYPES:
                continue
            if (a, b) in positives or (a, b) in skipped:
                continue
            yield make(a, b, "none", NEGATIVE_ROLE, "")


def load(path: Path, exclude_docs: frozenset[str] | set[str] = frozenset()) -> Iterator[PairExample]:
    """Examples from ``m2e2/sentences.jsonl`` (a file, or the folder holding it)."""
    if path.is_dir():
        path = path / "sentences.jsonl"
    for record in read_json_lines(path):
        if doc_id(record["sentence_id"]) in exclude_docs:
            continue
        yield from examples_from_record(record)


def _sentence_text(record: dict[str, Any]) -> str:
    """A sentence as the article had it: M2E2 leaves its closing mark out of ``sentence`` (it is
    the last token) and writes a line break as a ``-`` that no token covers."""
    start, text = int(record["sentence_start"]), record["sentence"]
    covered = [False] * len(text)
    tail = ""
    for word, (a, b) in zip(record["words"], record["index"]):
        a, b = int(a) - start, int(b) - start
        if a >= len(text):
            tail += word
            continue
        for i in range(max(0, a), min(len(text), b + 1)):
            covered[i] = True
    chars = ["\n\n" if c == "-" and not covered[i] else c for i, c in enumerate(text)]
    return ("".join(chars) + tail).strip()


def article_texts(path: Path, docs: set[str] | None = None) -> dict[str, str]:
    """Each M2E2 document's text rebuilt from its sentences, in order (the sentences M2E2 kept;
    a paragraph break where the source marks one). Deterministic: the same file gives the same
    texts, so labels can point into them by character offsets."""
    if path.is_dir():
        path = path / "sentences.jsonl"
    found: dict[str, list[tuple[int, str]]] = {}
    for record in read_json_lines(path):
        doc = doc_id(record["sentence_id"])
        if docs is not None and doc not in docs:
            continue
        number = int(record["sentence_id"].rsplit("_", 1)[1])
        found.setdefault(doc, []).append((number, _sentence_text(record)))
    texts: dict[str, str] = {}
    for doc, sentences in found.items():
        parts: list[str] = []
        for _, sentence in sorted(sentences):
            if parts and not parts[-1].endswith("\n\n"):
                parts.append(" ")
            parts.append(sentence)
        texts[doc] = "".join(parts).strip() + "\n"
    return texts
