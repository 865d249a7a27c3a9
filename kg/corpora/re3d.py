"""re3d (Dstl; Syria/Iraq conflict documents) → kg relation pairs.

Mapping (see docs/corpora.md), relations with crowd confidence ≥ 0.5 only:
- FightingAgainst source→target (direction as annotated: source fights target): ``strikes``
  when the relation text or the source mention is aerial/remote ("conducted 34 strikes
  against", "Coalition aircraft"), else ``attacks``. Sources that are weapons or strikes
  ("strikes engaged ISIL tactical units") are not actors and are left out.
- AlliesOf: ``backs`` only when the relation text is a support cue ("in support of",
  "is supporting", "aided by") and the reverse direction is not also annotated; otherwise
  ``none`` with ``secondary="allyOf"`` (kg's allyOf is not a core relation).
- Other annotated relations (CoLocated, BelongsTo, CommWith, ...) and unrelated entity pairs in
  the same sentence: ``none``. re3d's schema is not exhaustive for kg's meanings (a strike can
  go unannotated, nothing marks capture or evacuation), so every negative carries
  ``negatives_reliable=False``.
Licence is per source folder and recorded on every example.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

from kg.corpora.common import SUPPORT, PairExample, Span, is_aerial, overlaps, read_json_lines, split_sentences

CORPUS = "re3d"
MIN_CONFIDENCE = 0.5
ACTOR_TYPES = ("MilitaryPlatform", "Nationality", "Organisation", "Person")
# Locations act too, by metonymy ("Iraq", "Moscow").
SUBJECT_TYPES = ACTOR_TYPES + ("Location",)
OBJECT_TYPES = ACTOR_TYPES + ("Location",)
_SENT_ID = re.compile(r"^[0-9A-F]+-(\d+)-(\d+)-(\d+)-")
LICENCES = (
    ("Attribution-ShareAlike 3.0", "CC-BY-SA-3.0"),
    ("Attribution 3.0 Australia", "CC-BY-3.0-AU"),
    ("Open Government Licence", "OGL-3.0"),
    ("public domain", "public-domain"),
    ("legal notice", "EU-legal-notice (reuse with acknowledgement)"),
)
SHARE_ALIKE = ("CC-BY-SA-3.0",)


def licence_of(folder: Path) -> str:
    """Short licence name from the folder's LICENSE text (unknown folders say so)."""
    path = folder / "LICENSE"
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    for needle, name in LICENCES:
        if needle.lower() in text.lower():
            return name
    return "unknown"


def _sentences(text: str, entities: list[dict[str, Any]]) -> list[Span]:
    """Sentence spans: re3d ids encode each entity's sentence number and in-sentence offset,
    which give exact sentence starts; a punctuation splitter adds the sentences without entities."""
    starts = {start for start, _ in split_sentences(text)}
    for entity in entities:
        match = _SENT_ID.match(entity["_id"])
        if match:
            start = entity["begin"] - int(match.group(2))
            if 0 <= start < len(text):
                starts.add(start)
    ordered = sorted(starts)
    spans: list[Span] = []
    for i, start in enumerate(ordered):
        end = ordered[i + 1] if i + 1 < len(ordered) else len(text)
        piece = text[start:end]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            spans.append((start + lead, start + len(piece.rstrip())))
    return spans


def _containing(spans: list[Span], a: Span, b: Span) -> Span | None:
    for span in spans:
        if span[0] <= min(a[0], b[0]) and max(a[1], b[1]) <= span[1]:
            return span
    return None


def examples_from_document(document: dict[str, Any], entities: list[dict[str, Any]],
                           relations: list[dict[str, Any]], licence: str) -> Iterator[PairExample]:
    text: str = document["text"]
    doc = document["_id"]
    sentences = _sentences(text, entities)
    kinds: dict[Span, str] = {}
    for entity in sorted(entities, key=lambda e: (e["begin"], e["end"], e["type"])):
        kinds.setdefault((entity["begin"], entity["end"]), entity["type"])

    def make(a: Span, b: Span, label: str, role: str, trigger: str, secondary: str = "") -> PairExample | None:
        sentence = _containing(sentences, a, b)
        same = sentence is not None
        if sentence is None:
            # A few relations cross the splitter's boundaries: keep the covering text, marked.
            sentence = (min(a[0], b[0]), max(a[1], b[1]))
        s0 = sentence[0]
        local_a, local_b = (a[0] - s0, a[1] - s0), (b[0] - s0, b[1] - s0)
        body = text[sentence[0]:sentence[1]]
        return PairExample(CORPUS, doc, body, s0, local_a, local_b, body[local_a[0]:local_a[1]],
                           body[local_b[0]:local_b[1]], label, role, trigger, same, False, licence,
                           "", secondary)

    relation_pairs: dict[tuple[Span, Span], list[dict[str, Any]]] = {}
    for relation in sorted(relations, key=lambda r: (r["sourceBegin"], r["targetBegin"], r["type"], r["_id"])):
        pair = ((relation["sourceBegin"], relation["sourceEnd"]), (relation["targetBegin"], relation["targetEnd"]))
        relation_pairs.setdefault(pair, []).append(relation)

    done: set[tuple[Span, Span]] = set()
    out: list[PairExample] = []
    for (a, b), found in sorted(relation_pairs.items()):
        if overlaps(a, b):
            continue
        confident = [r for r in found if r.get("confidence", 1) >= MIN_CONFIDENCE]
        types = [r["type"] for r in confident]
        example: PairExample | None = None
        if "FightingAgainst" in types:
            rel = confident[types.index("FightingAgainst")]
            if kinds.get(a) not in SUBJECT_TYPES:
                done.add((a, b))
                continue
            # The target's own words ("Royal Jordanian Air Force") say nothing about the means.
            means = rel["value"].replace(rel["target"], " ")
            label = "strikes" if is_aerial(means, rel["source"]) else "attacks"
            example = make(a, b, label, "FightingAgainst source→target", rel["value"])
        elif "AlliesOf" in types:
            rel = confident[types.index("AlliesOf")]
            reverse = any(r["type"] == "AlliesOf" and r.get("confidence", 1) >= MIN_CONFIDENCE
                          for r in relation_pairs.get((b, a), []))
            if SUPPORT.search(rel["value"]) and not reverse:
                example = make(a, b, "backs", "AlliesOf source→target (support cue)", rel["value"], "allyOf")
            else:
                example = make(a, b, "none", "AlliesOf", rel["value"], "allyOf")
        elif confident and kinds.get(a) in SUBJECT_TYPES and kinds.get(b) in OBJECT_TYPES:
            example = make(a, b, "none", f"{confident[0]['type']} (not exhaustive)", confident[0]["value"])
        if example:
            out.append(example)
            done.add((a, b))
    # "Fighting against" is mutual in practice: the reverse of a fight is no safe negative.
    for a, b in sorted(done):
        done_reverse = (b, a)
        if any(r["type"] == "FightingAgainst" for r in relation_pairs.get((a, b), [])):
            done.add(done_reverse)

    mentions = sorted(span for span, kind in kinds.items() if kind in OBJECT_TYPES)
    for sentence in sentences:
        inside = [m for m in mentions if sentence[0] <= m[0] and m[1] <= sentence[1]]
        for a in inside:
            for b in inside:
                if a == b or overlaps(a, b) or (a, b) in done or kinds[a] not in SUBJECT_TYPES:
                    continue
                example = make(a, b, "none", "no annotated relation (not exhaustive)", "")
                if example:
                    out.append(example)
    yield from sorted(out, key=lambda e: (e.sent_start, e.arg1, e.arg2))


def load(root: Path, include: tuple[str, ...] = ()) -> Iterator[PairExample]:
    """Examples from every source folder under ``root`` (or only those named in ``include``)."""
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if include and folder.name not in include:
            continue
        licence = licence_of(folder)
        entities: dict[str, list[dict[str, Any]]] = {}
        relations: dict[str, list[dict[str, Any]]] = {}
        for entity in read_json_lines(folder / "entities.json"):
            entities.setdefault(entity["documentId"], []).append(entity)
        for relation in read_json_lines(folder / "relations.json"):
            relations.setdefault(relation["documentId"], []).append(relation)
        documents = sorted(read_json_lines(folder / "documents.json"), key=lambda d: d["_id"])
        for document in documents:
            yield from examples_from_document(document, entities.get(document["_id"], []),
                                              relations.get(document["_id"], []), licence)
