"""Shared shapes and helpers for mapping public annotated corpora to kg's relations.

Every corpus reader yields ``PairExample``s: one ordered (subject, object) mention pair in a
piece of text with a kg label ("strikes", "attacks", "backs", "captures", "evacuates" or
"none"). They are training/evaluation material for a learned relation scorer; the corpora
themselves stay in ``../shared/corpora`` and examples are only ever written outside the repo.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

CORE_LABELS: tuple[str, ...] = ("strikes", "attacks", "backs", "captures", "evacuates")
LABELS: tuple[str, ...] = CORE_LABELS + ("none",)

Span = tuple[int, int]


@dataclass(frozen=True)
class PairExample:
    """One directed mention pair: ``label`` holds with arg1 as subject and arg2 as object."""

    corpus: str
    doc_id: str  # article/document id: group folds by it so one article never straddles train and test
    sentence: str  # the text the spans index into (a sentence, or a RAMS 5-sentence window)
    sent_start: int  # char offset of ``sentence`` in its document (0 where unknown)
    arg1: Span  # [start, end) in ``sentence``
    arg2: Span
    arg1_text: str
    arg2_text: str
    label: str
    source_role: str = ""  # the corpus's own roles/relation, e.g. "Conflict:Attack Attacker→Target"
    trigger: str = ""
    same_sentence: bool = True  # False where the pair spans sentences (RAMS windows, implicit gold)
    negatives_reliable: bool = True  # False where the corpus is not exhaustive, so "none" may be wrong
    licence: str = ""
    tier: str = ""  # dev/seed gold tier (explicit, implicit, optional); empty for corpora
    secondary: str = ""  # a non-core relation the corpus states for the pair (e.g. allyOf)

    def __post_init__(self) -> None:
        # Fail at construction, not at training time, on the mistakes a mapping most often makes.
        if self.label not in LABELS:
            raise ValueError(f"unknown label {self.label!r}")
        for span, text in ((self.arg1, self.arg1_text), (self.arg2, self.arg2_text)):
            if not 0 <= span[0] < span[1] <= len(self.sentence) or self.sentence[span[0]:span[1]] != text:
                raise ValueError(f"span {span} does not hold {text!r} in {self.sentence[:80]!r}")

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_dict(cls, record: dict[str, Any]) -> "PairExample":
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in record.items() if k in known}
        values["arg1"] = tuple(values["arg1"])
        values["arg2"] = tuple(values["arg2"])
        return cls(**values)


def write_jsonl(path: Path, examples: Iterable[PairExample]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for example in examples:
            out.write(example.to_json() + "\n")
            count += 1
    return count


def read_jsonl(path: Path) -> list[PairExample]:
    with path.open(encoding="utf-8") as handle:
        return [PairExample.from_dict(json.loads(line)) for line in handle if line.strip()]


def read_json_lines(path: Path) -> Iterator[dict[str, Any]]:
    """JSON objects one a line (re3d's mongoexport files, GENEVA, RAMS, M2E2)."""
    with path.open(encoding="utf-8-sig") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


# Cues that make an attack remote violence (kg "strikes") rather than a ground attack.
AERIAL = re.compile(
    r"\b(air ?strikes?|air[- ]?raids?|air (?:attacks?|campaign|power)|airstrik\w*|air force|bombers?|"
    r"bombard\w*|shell(?:s|ed|ing)?|artillery|mortars?|missiles?|rockets?|drones?|jets?|warplanes?|"
    r"aircraft|helicopters?|gunships?|barrel bombs?|cruise|sorties?|strikes?|struck|striking|"
    r"howitzers?|munitions)\b",
    re.I,
)
# "strike(s)" alone is a cue in military prose ("conducted 12 strikes"), but not "hunger strike".
NOT_AERIAL = re.compile(r"\b(hunger|labou?r|general) strikes?\b", re.I)

# Trigger words of leaving / withdrawal / evacuation (kg "evacuates").
EVACUATION = re.compile(
    r"\b(evacuat\w*|withdr[ae]w\w*|withdrawn|withdrawal|retreat\w*|fle[de]\w*|fleeing|flight|"
    r"leav\w*|left|pull(?:s|ed|ing)? (?:out|back)|pullout|pull-out|exit\w*|escap\w*|abandon\w*|"
    r"expel\w*|evict\w*|oust\w*|driv\w* out|drove out|rooted out|displac\w*|relocat\w*|rescu\w*)\b",
    re.I,
)

# Support cues for backing (re3d AlliesOf "in support of", "aided by").
SUPPORT = re.compile(r"\b(support\w*|assist\w*|aid\w*|help\w*|back\w*|train\w*|equip\w*|arm(?:s|ed|ing)?)\b", re.I)


def is_aerial(*texts: str) -> bool:
    joined = " ".join(t for t in texts if t)
    return bool(AERIAL.search(NOT_AERIAL.sub(" ", joined)))


_LEADING = re.compile(r"^(?:(?:out of|from|with|against|on|by|of|in|into|at|to)\s+)+", re.I)
_TRAILING = re.compile(r"[\s,.;:]+$")


def trim_span(text: str, span: Span) -> Span:
    """Drop a leading preposition (FrameNet spans hold "with Iraq", "against the drug lords")
    and trailing punctuation, so spans look like the entity mentions kg sees."""
    start, end = span
    piece = text[start:end]
    lead = _LEADING.match(piece)
    if lead and lead.end() < len(piece):
        start += lead.end()
    piece = text[start:end]
    trail = _TRAILING.search(piece)
    if trail and trail.start() > 0:
        end = start + trail.start()
    return start, end


def align_tokens(text: str, tokens: Sequence[str]) -> list[Span] | None:
    """Char spans of ``tokens`` in ``text`` (tokens in order), or None where they do not align."""
    spans: list[Span] = []
    cursor = 0
    for token in tokens:
        at = text.find(token, cursor)
        if at < 0 or text[cursor:at].strip():
            return None
        spans.append((at, at + len(token)))
        cursor = at + len(token)
    return spans


# Tokens written against the word before them, and tokens the next word is written against.
_NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", ")", "]", "}", "%", "'s", "’s", "n't", "n’t", "'", "’", "”", "'re", "'ve", "'ll", "'d", "'m"}
_NO_SPACE_AFTER = {"(", "[", "{", "$", "“", "‘", "#"}


def detokenize(tokens: Sequence[str]) -> tuple[str, list[Span]]:
    """Text as it was written, from tokens, and the char span of each token: no space before
    punctuation and clitics ("Syria 's" → "Syria's"), none inside hyphenated words ("al - Bagilya"
    → "al-Bagilya"), straight double quotes paired open/close. The spaCy pipeline parses corpora
    such as RAMS far better this way than as space-joined tokens."""
    spans: list[Span] = []
    text = ""
    quote_open = False
    glue_next = True  # nothing before the first token
    for n, token in enumerate(tokens):
        glue = glue_next or token in _NO_SPACE_BEFORE
        glue_next = token in _NO_SPACE_AFTER
        if token == '"':
            if quote_open:  # closing: against the word before
                glue, glue_next = True, False
            else:  # opening: against the word after
                glue_next = True
            quote_open = not quote_open
        elif token == "-" and 0 < n < len(tokens) - 1 and tokens[n - 1][-1:].isalnum() and tokens[n + 1][:1].isalnum():
            glue, glue_next = True, True
        if text and not glue:
            text += " "
        spans.append((len(text), len(text) + len(token)))
        text += token
    return text, spans


def token_range(spans: Sequence[Span], start: int, end: int) -> Span:
    """Char span covering tokens [start, end)."""
    return spans[start][0], spans[end - 1][1]


_ABBREV = re.compile(
    r"(?:\b(?:[A-Z]|Mr|Mrs|Ms|Dr|St|Gen|Lt|Col|Sgt|Capt|Maj|Gov|Sen|Rep|Rev|Jr|Sr|Jan|Feb|Mar|Apr|Jun|"
    r"Jul|Aug|Sep|Sept|Oct|Nov|Dec|No|vs|etc|U\.S|U\.N|U\.K|a\.m|p\.m)\.)$"
)
_BOUNDARY = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])|\n\s*")


def split_sentences(text: str) -> list[Span]:
    """Sentence spans by punctuation and line breaks: light, deterministic, no spaCy.

    Titles and datelines stand on their own lines in the dev texts, so a newline always ends a
    sentence; a full stop after a common abbreviation or an initial ("U.S.", "Mr.") does not.
    """
    spans: list[Span] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        at = match.start()
        if text[at] == "." and _ABBREV.search(text[max(0, at - 6):at + 1]):
            continue
        # The sentence keeps its final punctuation and closing quotes, not the whitespace.
        end = at if text[at] not in ".!?" else at + len(match.group().rstrip())
        _add(text, start, end, spans)
        start = match.end()
    _add(text, start, len(text), spans)
    return spans


def _add(text: str, start: int, end: int, spans: list[Span]) -> None:
    piece = text[start:end]
    if not piece.strip():
        return
    lead = len(piece) - len(piece.lstrip())
    trail = len(piece.rstrip())
    spans.append((start + lead, start + trail))


def pairs_in_order(items: Sequence[Any]) -> Iterator[tuple[Any, Any]]:
    """Every ordered pair of distinct items, in a fixed order (deterministic output)."""
    for i, first in enumerate(items):
        for j, second in enumerate(items):
            if i != j:
                yield first, second


def overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]
