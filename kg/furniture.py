"""Page furniture in a document's text: captions, "Read more" blocks, tag lists, wiki headings,
time stamps and datelines, found as (start, end) spans. The text keeps them (offsets stay valid);
``kg.build.blank_furniture`` blanks them before parsing. Patterns are data, in the lexicon."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

LEXICON_PATH = Path(__file__).with_name("data") / "lexicon.yaml"


def _lexicon() -> dict[str, Any]:
    """The lexicon as the extractor reads it: one parse per process, shared (``load_lexicon``
    caches it), not one for each kind of furniture."""
    from kg.extraction import load_lexicon

    return load_lexicon(LEXICON_PATH).raw


@lru_cache(maxsize=1)
def _furniture_patterns() -> tuple[list[re.Pattern[str]], re.Pattern[str], re.Pattern[str]]:
    lexicon = _lexicon()
    lines = [re.compile(p, re.IGNORECASE) for p in lexicon["furniture_lines"]]
    header = re.compile(lexicon["furniture_headers"], re.IGNORECASE)
    # A caption starts a line or follows a sentence end, with or without a space (a flattened page
    # glues "… in both republics.image copyright AFP image caption …").
    starts = "|".join(f"(?:{p})" for p in lexicon["caption_starts"])
    caption = re.compile(rf"(?:^|(?<=[.!?]))[\"\u201d\u2019)]?[ \t]*(?:{starts})", re.IGNORECASE | re.MULTILINE)
    return lines, header, caption


@lru_cache(maxsize=1)
def _credit_pattern() -> re.Pattern[str]:
    return re.compile(_lexicon()["photo_credit"])


# Words after which a full stop does not end a sentence: "Aug. 31", "U.S. troops", "Gen. Votel".
_ABBREVIATIONS = frozenset(
    "jan feb mar apr jun jul aug sep sept oct nov dec gen col lt maj capt sgt adm cmdr dr mr mrs ms st sen rep "
    "gov pres prof jr sr mt ft no vs etc inc corp co ltd".split()
)
_SENTENCE_END = re.compile(r"[.!?][\"\u201d\u2019)]*(?=\s|$)|(?<=[a-z0-9)])(?=[A-Z][a-z])")
CAPTION_LIMIT = 500  # characters; a caption runs one sentence
# A longer line is a paragraph: "… released to the media this photo which it said shows the
# bombers …" in a 1,000-character paragraph is prose, not a caption line.
FURNITURE_LINE_LIMIT = 400


def caption_end(text: str, start: int) -> int | None:
    """Where the caption sentence that starts at ``start`` ends: its first full stop that is not
    an abbreviation's ("Aug. 31, 2016." ends it, "Aug." does not), or a sentence glued on without
    a space ("… mountainous interiorThe Avars …"), or the line's end. None when no end is found
    within ``CAPTION_LIMIT`` characters: a caption is not a paragraph."""
    line_end = text.find("\n", start)
    line_end = len(text) if line_end < 0 else line_end
    for end in _sentence_ends(text, start, min(line_end, start + CAPTION_LIMIT)):
        return end
    return line_end if line_end - start <= CAPTION_LIMIT else None


def _sentence_ends(text: str, start: int, stop: int) -> Iterator[int]:
    """Offsets just after each sentence end in ``text[start:stop]``, as ``caption_end`` reads them."""
    for match in _SENTENCE_END.finditer(text, start, stop):
        if match.group() == "":  # glued: only after a lower-case word or a number, not "McCain"
            if re.search(r"(?:^|\s)[a-z0-9][A-Za-z0-9'\u2019-]{2,}$", text[start:match.start()]):
                yield match.end()
            continue
        if match.group()[0] == ".":
            word = re.search(r"([A-Za-z.]+)$", text[start:match.start()])
            if word and (word.group(1).lower() in _ABBREVIATIONS or "." in word.group(1) or len(word.group(1)) == 1):
                continue  # "Nov.", "U.S.", "J."
        yield match.end()


# AP and VOA captions close on ", Place, Month D, YYYY." ("… flee their homes …, Mosul, Iraq, Oct.
# 18, 2016."); prose writes "on Oct. 18, 2016" or "Monday, Oct. 18, 2016".
_CAPTION_DATE = re.compile(
    r"(?<!day),\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2},\s+\d{4}\.(?=\s|$)",
    re.IGNORECASE,
)


def caption_spans(text: str) -> list[tuple[int, int]]:
    """Photo captions run into the text, as (start, end) spans: a caption cue ("FILE - …", "image
    caption …") to its sentence's end, and a sentence that closes on a caption date."""
    caption = _furniture_patterns()[2]
    spans: list[tuple[int, int]] = []
    position = 0
    for match in caption.finditer(text):
        if match.start() < position:
            continue
        end = caption_end(text, match.end())
        if end is not None:
            spans.append((match.start(), end))
            position = end
    for match in _CAPTION_DATE.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        starts = [line_start, *_sentence_ends(text, line_start, match.start())]
        start = starts[-1]
        while start < match.start() and text[start] in " \t\u201d\u2019\"":
            start += 1
        if match.end() - start <= CAPTION_LIMIT and not any(s <= start < e for s, e in spans):
            spans.append((start, match.end()))
    for match in _credit_pattern().finditer(text):
        # the caption is the sentence the credit closes: it starts after the sentence end before it
        line_start = text.rfind("\n", 0, match.start()) + 1
        ends = [e for e in _sentence_ends(text, line_start, match.start()) if text[e:match.start()].strip()]
        start = ends[-1] if ends else line_start
        while start < match.start() and text[start] in " \t":
            start += 1
        if match.end() - start <= CAPTION_LIMIT and not any(s <= start < e for s, e in spans):
            spans.append((start, match.end()))
    return sorted(spans)


@lru_cache(maxsize=1)
def _wiki_patterns() -> tuple[re.Pattern[str], frozenset[str]]:
    lexicon = _lexicon()
    return re.compile(lexicon["wiki_heading"]), frozenset(lexicon["wiki_tail_sections"])


def wiki_heading_spans(text: str) -> list[tuple[int, int]]:
    """Wiki section headings run into the text ("… 1974.==The bombing==The gang planted …"), as
    (start, end) spans; a "See also" or "References" section is furniture to the next heading."""
    heading, tails = _wiki_patterns()
    matches = list(heading.finditer(text))
    spans: list[tuple[int, int]] = []
    for n, match in enumerate(matches):
        end = match.end()
        if match.group(1).strip().lower() in tails:
            end = matches[n + 1].start() if n + 1 < len(matches) else len(text)
        spans.append((match.start(), end))
    return spans


@lru_cache(maxsize=1)
def _tag_patterns() -> tuple[re.Pattern[str], re.Pattern[str], int]:
    lexicon = _lexicon()
    starts = "|".join(re.escape(w) for w in lexicon["inline_tags_body_starts"])
    # The list ends after a full stop ("stop") or the comment box ("page"), before a body word.
    end = re.compile(rf"(?P<stop>[.!?](?=\s))|\b(?P<body>{starts})\b(?!-)|(?P<page>{re.escape(lexicon['inline_tags_page_end'])}[^\n]*)")
    return re.compile(lexicon["inline_tags_start"]), end, int(lexicon["inline_tags_limit"])


def tag_spans(text: str) -> list[tuple[int, int]]:
    """Tag lists run into the text ("… group said. Tags Syria Idlib Russia At least 28 civilians
    were killed …"), as (start, end) spans: "Tags" to the first word that opens a news sentence,
    a full stop or a page's comment box; none where no end is near (a list glued to a sentence
    that opens with a name is left as it is)."""
    start_pattern, end_pattern, limit = _tag_patterns()
    spans: list[tuple[int, int]] = []
    for match in start_pattern.finditer(text):
        window = text[match.end(): match.end() + limit]
        end = end_pattern.search(window.split("\n", 1)[0])
        if end is None or (end.lastgroup == "stop" and end.start() > limit // 2):
            continue  # a full stop far in closes a body sentence glued to the list: leave both
        spans.append((match.start(), match.end() + (end.start() if end.lastgroup == "body" else end.end())))
    return spans


# "AMMAN -", "Amman —", "KYIV, May 3 (Reuters) -", "TEHRAN (AP) —", "NAIROBI/PORT SUDAN –" at the
# start of a line.
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z'.\-]+(?:(?:\s+|\s*/\s*)[A-Z][A-Z'.\-]+){0,3}|[A-Z][a-z'.\-]+(?:\s+[A-Z][a-z'.\-]+){0,2}(?=\s*[,(]?.{0,40}[\u2014\u2013]))"
    r"(?:,\s*[A-Z][A-Za-z.'\-]+(?:\s+[A-Z][A-Za-z.'\-]+){0,3}(?=\s*(?:\(|,|[-\u2013\u2014])))?"  # ", United Arab Emirates"
    r"(?:,\s*[A-Z][a-z]+\.?\s+\d{1,2}(?:,\s*\d{4})?)?"
    r"(?:\s*\([A-Za-z .&]+\))?\s*[-\u2013\u2014]{1,2}\s+(?=\S)"
)


# After a time stamp, a dateline whose dash was stripped: capitals up to a capitalised word.
_BARE_DATELINE = re.compile(r"\s+(?:[A-Z][A-Z'.\-]+(?:\s+[A-Z][A-Z'.\-]+){0,2}\s+(?=[A-Z][a-z]))?")


@lru_cache(maxsize=1)
def _stamp_patterns() -> list[re.Pattern[str]]:
    return [re.compile(p) for p in _lexicon().get("stamp_prefixes", [])]


def _stamp(line: str) -> int:
    """The length of a time stamp (``stamp_prefixes``) and bare dateline opening the line, or 0."""
    for pattern in _stamp_patterns():
        match = pattern.match(line)
        if match:
            bare = _BARE_DATELINE.match(line, match.end())  # none where the stamp ends the line
            return bare.end() if bare else match.end()
    return 0


@lru_cache(maxsize=1)
def _title_suffix_patterns() -> list[re.Pattern[str]]:
    return [re.compile(p) for p in _lexicon().get("title_suffixes", [])]


def _title_suffix(line: str) -> int | None:
    """Where a headline's page or source suffix starts ("… Aleppo city _ monitor | Jordan Times"),
    or None; never the whole line."""
    starts = [m.start() for p in _title_suffix_patterns() for m in [p.search(line)] if m is not None and m.start() > 0]
    return min(starts) if starts else None


def is_headline_like(line: str) -> bool:
    stripped = line.strip()
    return 0 < len(stripped) <= 160 and stripped[-1] not in ".!?:\"'"


def furniture_spans(text: str) -> list[tuple[int, int]]:
    """Spans of page furniture and datelines, as (start, end) offsets in ``text``."""
    lines, header, _ = _furniture_patterns()
    spans: list[tuple[int, int]] = []
    in_block = False
    offset = 0
    for line in text.split("\n"):
        start, end = offset, offset + len(line)
        offset = end + 1
        stripped = line.strip()
        if not stripped:
            continue
        if header.search(stripped):
            in_block = True
            spans.append((start, end))
            continue
        if in_block and is_headline_like(stripped):
            spans.append((start, end))
            continue
        in_block = False
        if len(stripped) <= FURNITURE_LINE_LIMIT and any(p.search(stripped) for p in lines):
            spans.append((start, end))
            continue
        suffix = _title_suffix(line) if is_headline_like(stripped) else None
        if suffix is not None:
            spans.append((start + suffix, end))
            continue
        stamp = _stamp(line)
        if stamp:
            spans.append((start, start + stamp))
            continue
        dateline = _DATELINE.match(line)
        if dateline:
            spans.append((start, start + dateline.end()))
    extra = caption_spans(text) + tag_spans(text) + wiki_heading_spans(text)
    return sorted(spans + [span for span in extra if not _inside(span, spans)])


def _inside(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(start <= span[0] and span[1] <= end for start, end in spans)
