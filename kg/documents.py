"""Load articles, read their metadata, normalise their text and mark page furniture.

Offsets everywhere in kg refer to ``Document.text`` (the normalised text), in code points.
Furniture (captions, "Read more" blocks, video notices, datelines) stays in ``text`` but is
listed in ``skip`` so the NLP stage blanks it out without shifting offsets.
"""
from __future__ import annotations

import codecs
import datetime as dt
import html
import json
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Callable, Iterable, Iterator, Optional

import yaml

from kg.errors import InputError
from kg.furniture import furniture_spans, is_headline_like, tag_spans  # noqa: F401 - tag_spans re-exported

TEXT_SUFFIXES = {".txt", ".md", ".text", ".html", ".htm"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# Article dates outside this range are typos, and relative dates ("yesterday") would overflow.
MIN_DATE, MAX_DATE = dt.date(1000, 1, 1), dt.date(9999, 12, 1)

# Called with each bad input when the caller skips bad inputs (--keep-going); None raises.
OnError = Optional[Callable[[InputError], None]]


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
        date = value.date()
    elif isinstance(value, dt.date):
        date = value
    elif isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise InputError(where, "date must be text in the form YYYY-MM-DD")
    else:
        try:
            date = dt.date.fromisoformat(str(value).strip()[:10])
        except ValueError:
            raise InputError(where, f"date {str(value)[:40]!r} is not YYYY-MM-DD") from None
    if not MIN_DATE <= date <= MAX_DATE:
        raise InputError(where, f"date {date.isoformat()} is out of range ({MIN_DATE.year} to {MAX_DATE.year})")
    return date


def split_metadata(raw: str, where: str) -> tuple[dict[str, object], str]:
    """Front matter or a leading ``date YYYY-MM-DD`` line → (metadata, body)."""
    match = _FRONT_MATTER.match(raw)
    if match:
        try:
            meta = yaml.safe_load(match.group(1)) or {}
        except yaml.YAMLError as error:
            raise InputError(where, f"front matter is not valid YAML ({_first_line(error)})") from None
        except RecursionError:
            raise InputError(where, "front matter is nested too deeply") from None
        if not isinstance(meta, dict):
            raise InputError(where, "front matter must be a mapping of keys to values")
        return {str(k).lower(): v for k, v in meta.items()}, raw[match.end():]
    match = _DATE_LINE.match(raw)
    if match:
        return {"date": match.group(1)}, raw[match.end():]
    return {}, raw


def _first_line(error: object) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


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
        return line.strip() if is_headline_like(line) else None
    return None


def make_document(
    raw: str, *, doc_id: str, source: str, meta: dict[str, object] | None = None, where: str | None = None
) -> Document:
    """One article from its raw text; errors name ``where`` (default ``source``)."""
    where = where or source
    meta = dict(meta or {})
    file_meta, body = split_metadata(raw, where)
    meta = {**file_meta, **{k: v for k, v in meta.items() if v not in (None, "")}}
    for key in ("id", "title", "url"):
        value = meta.get(key)
        if value not in (None, "") and (isinstance(value, bool) or not isinstance(value, (str, int, float))):
            raise InputError(where, f"{key} must be text, not {type(value).__name__}")
    if _looks_like_html(body):
        body = strip_html(body)
    text = normalise(body)
    if not text.strip():
        raise InputError(where, "no article text (the file is empty or only metadata)")
    title = meta.get("title")
    skip = furniture_spans(text)
    return Document(
        id=clean_name(str(meta.get("id") or doc_id)),
        text=text,
        source=clean_name(source),
        title=normalise(str(title)).strip() if title else _guess_title(text, skip),
        date=parse_date(meta.get("date"), where),
        url=clean_name(str(meta["url"])).strip() if meta.get("url") else None,
        skip=tuple(skip),
    )


def clean_name(value: str) -> str:
    """An id, file name or URL as written, minus lone surrogates (undecodable file-name
    bytes, JSON escapes like "\\ud800"), which UTF-8 output cannot hold."""
    return _SURROGATE.sub("\ufffd", value)


_HTML_HINT = re.compile(r"<\s*(html|body|p|div|article|head|!doctype)\b", re.IGNORECASE)
_HTML_DROP_OPEN = re.compile(r"<(script|style|nav|header|footer|aside|figure|noscript)\b", re.IGNORECASE)
_HTML_BLOCK = re.compile(r"</?(p|div|br|h[1-6]|li|tr|article|section|title|blockquote)\b[^>]*>", re.IGNORECASE)
_HTML_TAG = re.compile(r"<[^>]+>")


def _looks_like_html(body: str) -> bool:
    return bool(_HTML_HINT.search(body[:4096]))


def strip_html(body: str) -> str:
    """Article text from an HTML page: scripts, navigation and figures dropped, blocks as lines."""
    body = _drop_elements(body)
    body = _sub_before_last_gt(_HTML_BLOCK, "\n", body)
    body = _sub_before_last_gt(_HTML_TAG, " ", body)
    body = html.unescape(body)
    return "\n".join(" ".join(line.split()) for line in body.split("\n"))


def _drop_elements(body: str) -> str:
    """Remove <script>…</script> and the like, in linear time.

    The regex ``<script\\b.*?</script\\s*>`` rescans to the end of the page for every unclosed
    tag, which is quadratic on hostile pages; here a missing closing tag is sought only once.
    """
    parts: list[str] = []
    position = search = 0
    unclosed: set[str] = set()
    while True:
        opening = _HTML_DROP_OPEN.search(body, search)
        if opening is None:
            break
        name = opening.group(1).lower()
        closing = None
        if name not in unclosed:
            closing = re.compile(rf"</{name}\s*>", re.IGNORECASE).search(body, opening.end())
        if closing is None:
            unclosed.add(name)
            search = opening.start() + 1
            continue
        parts.append(body[position:opening.start()])
        parts.append(" ")
        position = search = closing.end()
    parts.append(body[position:])
    return "".join(parts)


def _sub_before_last_gt(pattern: re.Pattern[str], replacement: str, body: str) -> str:
    """``pattern.sub`` for a pattern whose matches end in ">": text after the last ">" cannot
    match, and trying it at every "<" there would be quadratic."""
    end = body.rfind(">") + 1
    return pattern.sub(replacement, body[:end]) + body[end:]


# Formats that can pass for text in their first bytes (a PDF header is ASCII): magic numbers.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive, .docx or .epub"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"PK\x07\x08", "a ZIP archive"),
    (b"\x1f\x8b", "a gzip file"),
    (b"BZh", "a bzip2 file"),
    (b"\xfd7zXZ\x00", "an xz file"),
    (b"(\xb5/\xfd", "a zstd file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x7fELF", "an executable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),  # before UTF-16 LE, whose mark it starts with
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def binary_kind(data: bytes) -> str | None:
    """Which known binary format ``data`` starts like, or None."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    return None


def _wide_encoding(encoding: str | None) -> bool:
    """UTF-16 and UTF-32 text is full of NUL bytes."""
    try:
        return encoding is not None and codecs.lookup(encoding).name.startswith(("utf-16", "utf-32"))
    except LookupError:
        return False


def decode(data: bytes, where: object, encoding: str | None = None) -> str:
    """Bytes → text: UTF-8 (or the BOM's encoding); other encodings only when asked for."""
    kind = binary_kind(data)
    if kind is not None:
        raise InputError(where, f"binary file ({kind}), not an article; extract its text first")
    bom = next((name for mark, name in _BOMS if data.startswith(mark)), None)
    if b"\x00" in data and bom in (None, "utf-8-sig") and not _wide_encoding(encoding):
        raise InputError(where, "binary file (contains NUL bytes), not an article")
    if bom is not None:  # a byte-order mark is stronger evidence than --encoding
        encoding = bom
    try:
        return data.decode(encoding or "utf-8")
    except (UnicodeDecodeError, LookupError) as error:
        if isinstance(error, LookupError):
            raise InputError(where, f"unknown encoding {encoding!r}") from None
        raise InputError(where, _not_decodable(encoding, error.start)) from None


def read_bytes(path: Path, max_bytes: int | None, limit: int | None = None) -> bytes:
    """The file's bytes (its first ``limit`` bytes), refused over ``max_bytes`` or if not a
    regular file (a FIFO or a link to /dev/zero named x.txt would block or never end)."""
    size = limit if limit is not None else -1 if max_bytes is None else max_bytes + 1
    with _open_checked(path, max_bytes) as handle:
        try:
            data = handle.read(size)
        except OSError as error:
            raise InputError(path, f"cannot read: {error.strerror or error}") from None
    if max_bytes is not None and limit is None and len(data) > max_bytes:  # it grew while being read
        raise InputError(path, _too_big("file is", max_bytes))
    return data


def _open_checked(path: Path, max_bytes: int | None = None) -> IO[bytes]:
    """The file opened for reading, or the one-line InputError saying why it cannot be."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise InputError(path, "not a regular file")
        if max_bytes is not None and info.st_size > max_bytes:
            raise InputError(path, _too_big(f"file is {info.st_size:,} bytes,", max_bytes))
        return path.open("rb")
    except PermissionError:
        raise InputError(path, "permission denied: cannot read the file") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory") from None
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except OSError as error:
        raise InputError(path, f"cannot read: {error.strerror or error}") from None


def _too_big(what: str, max_bytes: int) -> str:
    return f"{what} over the limit of {max_bytes:,} bytes per article (raise it with --max-bytes)"


def iter_input_files(inputs: list[Path], on_error: OnError = None) -> Iterator[Path]:
    """Files named, and article files found under folders named, in a stable order.

    A bad input raises InputError, or with ``on_error`` is reported to it and skipped.
    """
    for item in inputs:
        try:
            if not item.exists() and not item.is_symlink():
                raise InputError(item, "no such file or folder")
            if item.is_dir():
                found = sorted(_walk(item, on_error), key=lambda p: p.as_posix())
                if not found:
                    raise InputError(item, "folder has no articles (.txt, .md, .html or .jsonl files)")
                yield from found
            else:
                yield item
        except InputError as error:
            if on_error is None:
                raise
            on_error(error)


def _walk(folder: Path, on_error: OnError = None) -> Iterator[Path]:
    """Article files under ``folder``. A link back to a folder above it is a loop (reported);
    a folder reached twice by other links is read once."""
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[Path, frozenset[tuple[int, int]]]] = [(folder, frozenset())]
    while stack:
        current, ancestors = stack.pop()
        try:
            info = current.stat()
            key = (info.st_dev, info.st_ino)
            if key in ancestors:
                raise InputError(current, "symbolic link loop (a link to a folder above it)")
            if key in seen:
                continue
            seen.add(key)
            try:
                entries = sorted(current.iterdir(), key=lambda p: p.name)
            except PermissionError:
                raise InputError(current, "permission denied: cannot list the folder") from None
        except InputError as error:
            if on_error is None:
                raise
            on_error(error)
            continue
        except OSError as error:
            problem = InputError(current, f"cannot read folder: {error.strerror or error}")
            if on_error is None:
                raise problem from None
            on_error(problem)
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir():
                stack.append((entry, ancestors | {key}))
            elif entry.suffix.lower() in TEXT_SUFFIXES | JSONL_SUFFIXES:
                yield entry


def load_file(
    path: Path, *, encoding: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES, on_error: OnError = None
) -> Iterator[Document]:
    """The documents in one file: one for text files, one a line for JSONL.

    ``max_bytes`` limits each article: a text file's size, a JSONL line's text. With
    ``on_error``, a bad JSONL line is reported to it and the other lines are still read.
    """
    suffix = path.suffix.lower()
    if suffix not in TEXT_SUFFIXES | JSONL_SUFFIXES:
        raise InputError(path, f"unsupported file type {suffix or '(none)'}; use .txt, .md, .html or .jsonl")
    if suffix in JSONL_SUFFIXES:
        yield from _load_jsonl(path, _jsonl_lines(path, encoding), max_bytes, on_error)
    else:
        raw = decode(read_bytes(path, max_bytes), path, encoding)
        yield make_document(raw, doc_id=document_id(path.name), source=path.name, where=str(path))


def _jsonl_lines(path: Path, encoding: str | None) -> Iterator[str]:
    """A JSONL file's lines, read one at a time so a large corpus file is never held whole.

    The whole file is first checked as ``decode`` checks it (binary, NUL bytes, encoding), in
    chunks, so a bad file fails before its first article, with the same message."""
    head = read_bytes(path, None, limit=64)
    bom = next((name for mark, name in _BOMS if head.startswith(mark)), None)
    if bom not in (None, "utf-8-sig") or _wide_encoding(encoding) or binary_kind(head) is not None:
        yield from decode(read_bytes(path, None), path, encoding).split("\n")  # rare: whole file
        return
    name = bom or encoding or "utf-8"
    try:
        decoder = codecs.getincrementaldecoder(name)()
    except LookupError:
        raise InputError(path, f"unknown encoding {encoding!r}") from None
    offset = 0
    with _open_checked(path) as handle:
        while chunk := handle.read(1 << 20):
            if b"\x00" in chunk:
                raise InputError(path, "binary file (contains NUL bytes), not an article")
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                raise InputError(path, _not_decodable(encoding, offset + error.start)) from None
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as error:
            raise InputError(path, _not_decodable(encoding, offset + error.start)) from None
    with _open_checked(path) as handle:
        for number, line in enumerate(handle):
            # Only the first line carries the byte-order mark.
            text = line.decode(name if number == 0 else ("utf-8" if name == "utf-8-sig" else name))
            yield text[:-1] if text.endswith("\n") else text


def _not_decodable(encoding: str | None, byte: int) -> str:
    hint = "" if encoding else "; if it is Latin-1 or another encoding, pass --encoding latin-1"
    return f"not valid {encoding or 'UTF-8'} text at byte {byte}{hint}"


def _load_jsonl(path: Path, lines: Iterable[str], max_bytes: int, on_error: OnError = None) -> Iterator[Document]:
    count = bad = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield _jsonl_document(path, number, line, max_bytes)
            count += 1
        except InputError as error:
            if on_error is None:
                raise
            on_error(error)
            bad += 1
    if count == 0 and bad == 0:
        raise InputError(path, "no articles in the file")


def _jsonl_document(path: Path, number: int, line: str, max_bytes: int) -> Document:
    where = f"{path}:{number}"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise InputError(where, f"malformed JSON ({error.msg} at column {error.colno})") from None
    except RecursionError:
        raise InputError(where, "malformed JSON (nested too deeply)") from None
    except ValueError as error:  # e.g. an integer with more digits than Python converts
        raise InputError(where, f"malformed JSON ({_first_line(error)})") from None
    if not isinstance(record, dict):
        raise InputError(where, "each line must be a JSON object")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError(where, 'missing or empty "text"')
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise InputError(where, _too_big(f"article text is {size:,} bytes,", max_bytes))
    meta = {k: record.get(k) for k in ("id", "title", "date", "url")}
    return make_document(text, doc_id=f"{path.stem}-{number}", source=f"{path.name}#{number}", meta=meta, where=where)


def load_documents(
    inputs: list[Path], *, encoding: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Document]:
    for path in iter_input_files(inputs):
        yield from load_file(path, encoding=encoding, max_bytes=max_bytes)
