"""Load articles, read their metadata, normalise their text and mark page furniture.

Offsets everywhere in kg refer to ``Document.text`` (the normalised text), in code points.
Furniture (captions, "Read more" blocks, video notices, datelines) stays in ``text`` but is
listed in ``skip`` so the NLP stage blanks it out without shifting offsets.
"""
from __future__ import annotations

import datetime as dt
import html
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterator

import yaml

from kg.errors import InputError

TEXT_SUFFIXES = {".txt", ".md", ".text", ".html", ".htm"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
LEXICON_PATH = Path(__file__).with_name("data") / "lexicon.yaml"


@dataclass(frozen=True)
class Document:
    id: str
    text: str
    source: str  # file name (or "file.jsonl#line") the article came from
    title: str | None = None
    date: dt.date | None = None
    url: str | None = None
    skip: tuple[tuple[int, int], ...] = field(default=())  # furniture spans in text


# --- normalisation -----------------------------------------------------------------------

# One-for-one replacements keep offsets stable; removals are done before anything is measured.
_CHAR_MAP = str.maketrans(
    {
        "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u200a": " ", "\u2002": " ",
        "\u2003": " ", "\u3000": " ", "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
        "\u2032": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"',
        "\u00bb": '"', "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2212": "-", "\u00ad": None,
        "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None,
        "\u200e": None, "\u200f": None, "\u202a": None, "\u202b": None, "\u202c": None,
        "\u202d": None, "\u202e": None, "\u2066": None, "\u2067": None, "\u2068": None,
        "\u2069": None, "\t": " ", "\x0b": " ", "\x0c": "\n",
    }
)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# "Aleppo.Rebels said" and "Idlib ,where": scraped text that lost its spaces.
_MISSING_SPACE = re.compile(r"(?<=[a-z]{2})([.!?])(?=[A-Z][a-z])")


def normalise(text: str) -> str:
    """NFC, straight quotes, plain spaces and hyphens, no invisible or control characters."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_CHAR_MAP)
    text = _CONTROL.sub(" ", text)
    text = _SURROGATE.sub("\ufffd", text)
    text = _MISSING_SPACE.sub(r"\1 ", text)
    return text


# --- metadata ----------------------------------------------------------------------------

_DATE_LINE = re.compile(r"\A\s*date\s*:?\s*(\d{4}-\d{2}-\d{2})\b[ \t]*\n?", re.IGNORECASE)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n", re.DOTALL)


def parse_date(value: object, where: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise InputError(where, f"date {str(value)[:40]!r} is not YYYY-MM-DD") from None


def split_metadata(raw: str, where: str) -> tuple[dict[str, object], str]:
    """Front matter or a leading ``date YYYY-MM-DD`` line → (metadata, body)."""
    match = _FRONT_MATTER.match(raw)
    if match:
        try:
            meta = yaml.safe_load(match.group(1)) or {}
        except yaml.YAMLError as error:
            raise InputError(where, f"front matter is not valid YAML ({_first_line(error)})") from None
        if not isinstance(meta, dict):
            raise InputError(where, "front matter must be a mapping of keys to values")
        return {str(k).lower(): v for k, v in meta.items()}, raw[match.end():]
    match = _DATE_LINE.match(raw)
    if match:
        return {"date": match.group(1)}, raw[match.end():]
    return {}, raw


def _first_line(error: object) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


# --- furniture and datelines ---------------------------------------------------------------


@lru_cache(maxsize=1)
def _furniture_patterns() -> tuple[list[re.Pattern[str]], re.Pattern[str]]:
    from kg.extract import read_yaml

    lexicon = read_yaml(LEXICON_PATH)
    lines = [re.compile(p, re.IGNORECASE) for p in lexicon["furniture_lines"]]
    header = re.compile(lexicon["furniture_headers"], re.IGNORECASE)
    return lines, header


# "AMMAN -", "Amman —", "KYIV, May 3 (Reuters) -", "TEHRAN (AP) —" at the start of a line.
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z'.\-]+(?:\s+[A-Z][A-Z'.\-]+){0,3}|[A-Z][a-z'.\-]+(?:\s+[A-Z][a-z'.\-]+){0,2}(?=\s*[,(]?.{0,40}[\u2014\u2013]))"
    r"(?:,\s*[A-Z][a-z]+\.?\s+\d{1,2}(?:,\s*\d{4})?)?"
    r"(?:\s*\([A-Za-z .&]+\))?\s*[-\u2013\u2014]{1,2}\s+(?=\S)"
)


def _is_headline_like(line: str) -> bool:
    stripped = line.strip()
    return 0 < len(stripped) <= 160 and stripped[-1] not in ".!?:\"'"


def furniture_spans(text: str) -> list[tuple[int, int]]:
    """Spans of page furniture and datelines, as (start, end) offsets in ``text``."""
    lines, header = _furniture_patterns()
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
        if in_block and _is_headline_like(stripped):
            spans.append((start, end))
            continue
        in_block = False
        if any(p.search(stripped) for p in lines):
            spans.append((start, end))
            continue
        dateline = _DATELINE.match(line)
        if dateline:
            spans.append((start, start + dateline.end()))
    return spans


# --- reading files -----------------------------------------------------------------------


def document_id(name: str) -> str:
    """A stable id from a file name: the stem, as written."""
    return Path(name).stem


def _guess_title(body: str, skip: list[tuple[int, int]]) -> str | None:
    """The first line, if it reads like a headline; captions and datelines are not titles."""
    offset = 0
    for line in body.split("\n"):
        start, offset = offset, offset + len(line) + 1
        if not line.strip() or any(s <= start < e for s, e in skip):
            continue
        return line.strip() if _is_headline_like(line) else None
    return None


def make_document(
    raw: str, *, doc_id: str, source: str, meta: dict[str, object] | None = None
) -> Document:
    meta = dict(meta or {})
    file_meta, body = split_metadata(raw, source)
    meta = {**file_meta, **{k: v for k, v in meta.items() if v not in (None, "")}}
    if _looks_like_html(body):
        body = strip_html(body)
    text = normalise(body)
    if not text.strip():
        raise InputError(source, "no article text (the file is empty or only metadata)")
    title = meta.get("title")
    skip = furniture_spans(text)
    return Document(
        id=str(meta.get("id") or doc_id),
        text=text,
        source=source,
        title=normalise(str(title)).strip() if title else _guess_title(text, skip),
        date=parse_date(meta.get("date"), source),
        url=str(meta["url"]).strip() if meta.get("url") else None,
        skip=tuple(skip),
    )


_HTML_HINT = re.compile(r"<\s*(html|body|p|div|article|head|!doctype)\b", re.IGNORECASE)
_HTML_DROP = re.compile(r"<(script|style|nav|header|footer|aside|figure|noscript)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_HTML_BLOCK = re.compile(r"</?(p|div|br|h[1-6]|li|tr|article|section|title|blockquote)\b[^>]*>", re.IGNORECASE)
_HTML_TAG = re.compile(r"<[^>]+>")


def _looks_like_html(body: str) -> bool:
    return bool(_HTML_HINT.search(body[:4096]))


def strip_html(body: str) -> str:
    """Article text from an HTML page: scripts, navigation and figures dropped, blocks as lines."""
    body = _HTML_DROP.sub(" ", body)
    body = _HTML_BLOCK.sub("\n", body)
    body = _HTML_TAG.sub(" ", body)
    body = html.unescape(body)
    return "\n".join(" ".join(line.split()) for line in body.split("\n"))


def decode(data: bytes, where: object, encoding: str | None = None) -> str:
    """Bytes → text: UTF-8 (or the BOM's encoding); other encodings only when asked for."""
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(where, "binary file (contains NUL bytes), not an article")
    if data.startswith(b"\xef\xbb\xbf"):
        data, encoding = data[3:], encoding or "utf-8"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    try:
        return data.decode(encoding or "utf-8")
    except (UnicodeDecodeError, LookupError) as error:
        if isinstance(error, LookupError):
            raise InputError(where, f"unknown encoding {encoding!r}") from None
        hint = "" if encoding else "; if it is Latin-1 or another encoding, pass --encoding latin-1"
        raise InputError(where, f"not valid {encoding or 'UTF-8'} text at byte {error.start}{hint}") from None


def read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(path, f"file is {size:,} bytes, over the limit of {max_bytes:,} (--max-bytes)")
        return path.read_bytes()
    except PermissionError:
        raise InputError(path, "permission denied: cannot read the file") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory") from None
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except OSError as error:
        raise InputError(path, f"cannot read: {error.strerror or error}") from None


def iter_input_files(inputs: list[Path]) -> Iterator[Path]:
    """Files named, and article files found under folders named, in a stable order."""
    for item in inputs:
        if not item.exists() and not item.is_symlink():
            raise InputError(item, "no such file or folder")
        if item.is_dir():
            found = sorted(_walk(item), key=lambda p: p.as_posix())
            if not found:
                raise InputError(item, "folder has no articles (.txt, .md, .html or .jsonl files)")
            yield from found
        else:
            yield item


def _walk(folder: Path) -> Iterator[Path]:
    seen: set[tuple[int, int]] = set()
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            stat = current.stat()
        except OSError as error:
            raise InputError(current, f"cannot read folder: {error.strerror or error}") from None
        if (stat.st_dev, stat.st_ino) in seen:
            raise InputError(current, "symbolic link loop")
        seen.add((stat.st_dev, stat.st_ino))
        try:
            entries = sorted(current.iterdir(), key=lambda p: p.name)
        except PermissionError:
            raise InputError(current, "permission denied: cannot list the folder") from None
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir():
                stack.append(entry)
            elif entry.suffix.lower() in TEXT_SUFFIXES | JSONL_SUFFIXES:
                yield entry


def load_file(path: Path, *, encoding: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Document]:
    """The documents in one file: one for text files, one a line for JSONL."""
    suffix = path.suffix.lower()
    if suffix not in TEXT_SUFFIXES | JSONL_SUFFIXES:
        raise InputError(path, f"unsupported file type {suffix or '(none)'}; use .txt, .md, .html or .jsonl")
    raw = decode(read_bytes(path, max_bytes), path, encoding)
    if suffix in JSONL_SUFFIXES:
        yield from _load_jsonl(path, raw, max_bytes)
    else:
        yield make_document(raw, doc_id=document_id(path.name), source=path.name)


def _load_jsonl(path: Path, raw: str, max_bytes: int) -> Iterator[Document]:
    count = 0
    for number, line in enumerate(raw.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(where, f"malformed JSON ({error.msg} at column {error.colno})") from None
        if not isinstance(record, dict):
            raise InputError(where, "each line must be a JSON object")
        text = record.get("text")
        if not isinstance(text, str) or not text.strip():
            raise InputError(where, 'missing or empty "text"')
        if len(text.encode("utf-8", "surrogatepass")) > max_bytes:
            raise InputError(where, f"article text is over the limit of {max_bytes:,} bytes (--max-bytes)")
        doc_id = str(record.get("id") or f"{path.stem}-{number}")
        meta = {k: record.get(k) for k in ("title", "date", "url")}
        yield make_document(text, doc_id=doc_id, source=f"{path.name}#{number}", meta=meta)
        count += 1
    if count == 0:
        raise InputError(path, "no articles in the file")


def load_documents(
    inputs: list[Path], *, encoding: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Document]:
    for path in iter_input_files(inputs):
        yield from load_file(path, encoding=encoding, max_bytes=max_bytes)
