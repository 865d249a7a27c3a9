"""kg's own gold (the 36-article dev set and the 5 seed articles) → PairExamples.

Each gold line names its arguments by entity id and quotes its evidence. To turn it into a
mention pair we (1) find the quote in the article, robust to whitespace, quote characters,
punctuation and ``...`` gaps, (2) take the sentence(s) it covers (plus the previous sentence
for the implicit tier), and (3) find the subject and object there through the entities'
labels and aliases, matched the way kg eval matches them (case, hyphens, apostrophes and
"the" ignored). Lines whose arguments no alias reaches measure the mention recall ceiling of a
pure alias matcher; ``locate_stats`` reports it.
"""
from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from kg.corpora.common import CORE_LABELS, PairExample, Span, overlaps, split_sentences

TIERS = ("explicit", "implicit", "optional")
_GAP = re.compile(r"\s*(?:\.\s*\.\s*\.|\u2026)\s*")
_SEP = r"[\s\-\u2010-\u2015_/]+"
_APOS = "['\u2018\u2019\u02bc`]?"


def _norm(text: str) -> str:
    from kg.evaluate import norm  # kg eval's own normalisation; imported late (it pulls in spaCy)

    return norm(text)


def licence_for(doc: str) -> str:
    if doc.startswith("voa_"):
        return "public-domain (VOA)"
    if doc.startswith("fakes_"):
        return "FA-KES CC-BY-4.0; text remains its publisher's"
    if doc.startswith("wikievents_"):
        return "gen-arg MIT; text remains its publisher's"
    return "seed article (project fixture)"


# --- quote location -------------------------------------------------------------------------

def _alnum_index(text: str) -> tuple[str, list[int]]:
    """Lower-cased letters and digits of ``text`` and each one's offset: the quote matcher then
    ignores whitespace, quote styles, commas and apostrophes (FA-KES stripped them)."""
    chars: list[str] = []
    where: list[int] = []
    for i, char in enumerate(text):
        if char.isalnum():
            chars.append(char.lower())
            where.append(i)
    return "".join(chars), where


def locate_quote(text: str, quote: str) -> tuple[Span, bool] | None:
    """Char span of ``quote`` in ``text`` and whether every ``...``-separated piece was found
    in order (False: only the longest piece was found). None where nothing matches."""
    flat, where = _alnum_index(text)
    pieces = [p for p in (_alnum_index(part)[0] for part in _GAP.split(quote)) if p]
    if not pieces:
        return None
    cursor = 0
    found: list[Span] = []
    for piece in pieces:
        at = flat.find(piece, cursor)
        if at < 0:
            break
        found.append((at, at + len(piece)))
        cursor = at + len(piece)
    if len(found) == len(pieces):
        return (where[found[0][0]], where[found[-1][1] - 1] + 1), True
    longest = max(pieces, key=len)
    at = flat.find(longest)
    if at < 0:
        return None
    return (where[at], where[at + len(longest) - 1] + 1), False


# --- alias matching -------------------------------------------------------------------------

def alias_pattern(forms: list[str]) -> re.Pattern[str] | None:
    """One regex for all surface forms of an entity, longest first, on word boundaries."""
    keys = sorted({_norm(form) for form in forms if _norm(form)}, key=lambda k: (-len(k), k))
    if not keys:
        return None
    alternatives = []
    for key in keys:
        words = [_APOS.join(re.escape(char) for char in word) for word in key.split()]
        alternatives.append(_SEP.join(words))
    return re.compile(r"(?<![\w])(?:" + "|".join(alternatives) + r")(?![\w])", re.I)


def find_mentions(text: str, pattern: re.Pattern[str] | None, window: Span) -> list[Span]:
    if pattern is None:
        return []
    return [(m.start() + window[0], m.end() + window[0]) for m in pattern.finditer(text[window[0]:window[1]])]


# --- the gold -------------------------------------------------------------------------------

@dataclass
class LocateStats:
    """How far aliases take us from gold lines to mention pairs (per tier and overall)."""

    lines: dict[str, int] = field(default_factory=dict)
    located: dict[str, int] = field(default_factory=dict)  # quote found (all pieces, in order)
    located_partly: dict[str, int] = field(default_factory=dict)  # only the longest piece found
    both_args: dict[str, int] = field(default_factory=dict)  # subject and object alias spans found
    missing_text: int = 0

    def add(self, key: str, counter: dict[str, int]) -> None:
        counter[key] = counter.get(key, 0) + 1

    def rows(self) -> list[tuple[str, int, int, int, int]]:
        keys = sorted(self.lines, key=lambda k: (k.split("/")[0], TIERS.index(k.split("/")[1]) if k.split("/")[1] in TIERS else 9))
        return [(k, self.lines[k], self.located.get(k, 0), self.located_partly.get(k, 0), self.both_args.get(k, 0)) for k in keys]


def read_entities(path: Path) -> dict[str, list[str]]:
    forms: dict[str, list[str]] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                record = json.loads(line)
                forms[record["id"]] = [record.get("label", "")] + list(record.get("aliases", []))
    return forms


def read_gold(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _best_pair(subjects: list[Span], objects: list[Span], evidence: Span) -> tuple[Span, Span] | None:
    """The closest non-overlapping pair, preferring mentions inside the quoted evidence."""
    best: tuple[tuple[int, int, int], tuple[Span, Span]] | None = None
    for a in subjects:
        for b in objects:
            if overlaps(a, b):
                continue
            outside = int(not overlaps(a, evidence)) + int(not overlaps(b, evidence))
            key = (outside, abs(a[0] - b[0]), min(a[0], b[0]))
            if best is None or key < best[0]:
                best = (key, (a, b))
    return best[1] if best else None


def examples_from_gold(corpus: str, gold: list[dict[str, Any]], entities: dict[str, list[str]],
                       texts: dict[str, str], stats: LocateStats | None = None) -> Iterator[PairExample]:
    """PairExamples for the located core gold lines; every line is counted in ``stats``."""
    stats = stats if stats is not None else LocateStats()
    patterns: dict[str, re.Pattern[str] | None] = {}
    sentences: dict[str, list[Span]] = {}
    for line in gold:
        tier = line.get("tier", "explicit")
        key = f"{'core' if line['p'] in CORE_LABELS else 'secondary'}/{tier}"
        stats.add(key, stats.lines)
        text = texts.get(line["doc"])
        if text is None:
            stats.missing_text += 1
            continue
        found = locate_quote(text, line.get("evidence", ""))
        if found is None:
            continue
        evidence, complete = found
        stats.add(key, stats.located if complete else stats.located_partly)
        spans = sentences.setdefault(line["doc"], split_sentences(text))
        starts = [s for s, _ in spans]
        first = max(0, bisect_right(starts, evidence[0]) - 1)
        last = max(first, bisect_right(starts, evidence[1] - 1) - 1)
        if tier == "implicit" and first > 0:
            first -= 1  # the implicit tier may take its agent from the sentence before
        window = (spans[first][0], spans[last][1])
        for entity in (line["s"], line["o"]):
            if entity not in patterns:
                patterns[entity] = alias_pattern(entities.get(entity, [entity.replace("-", " ")]))
        pair = _best_pair(find_mentions(text, patterns[line["s"]], window),
                          find_mentions(text, patterns[line["o"]], window), evidence)
        if pair is None:
            continue
        stats.add(key, stats.both_args)
        if line["p"] not in CORE_LABELS:
            continue
        a, b = pair
        body = text[window[0]:window[1]]
        local_a, local_b = (a[0] - window[0], a[1] - window[0]), (b[0] - window[0], b[1] - window[0])
        same = any(s <= min(a[0], b[0]) and max(a[1], b[1]) <= e for s, e in spans[first:last + 1])
        yield PairExample(corpus, line["doc"], body, window[0], local_a, local_b, body[local_a[0]:local_a[1]],
                          body[local_b[0]:local_b[1]], line["p"], f"gold {line['s']}→{line['o']}", "", same, False,
                          licence_for(line["doc"]), tier)


def read_texts(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))}


def load_dev(shared: Path, stats: LocateStats | None = None) -> Iterator[PairExample]:
    """The dev set: ``shared/eval/dev/{gold,entities}.jsonl`` and ``texts/``."""
    dev = shared / "eval" / "dev"
    yield from examples_from_gold("dev", read_gold(dev / "gold.jsonl"), read_entities(dev / "entities.jsonl"),
                                  read_texts(dev / "texts"), stats)


def load_seeds(shared: Path, stats: LocateStats | None = None) -> Iterator[PairExample]:
    """The seed gold: ``shared/eval/seeds.gold.jsonl`` over ``shared/seeds/``."""
    yield from examples_from_gold("seeds", read_gold(shared / "eval" / "seeds.gold.jsonl"),
                                  read_entities(shared / "eval" / "entities.jsonl"), read_texts(shared / "seeds"), stats)
