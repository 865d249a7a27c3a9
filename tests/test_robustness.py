"""Bad input gets one clear line and exit 2; --keep-going skips it; out/ is never half written;
long texts and long sentences are handled.

Every bad input is run through the real CLI (``python -m kg build``) in a fresh interpreter.
"""
from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Iterator

import pytest

from kg.documents import load_documents, make_document
from kg.errors import InputError
from tests.conftest import ROOT, SEEDS, run_kg

SEED = SEEDS / "004_0ed98a606f84a882.txt"
ARTICLE = "Russian jets struck Idlib on Sunday, killing at least 12 civilians, monitors said.\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
# A PDF whose first kilobytes are plain ASCII: no NUL byte and valid UTF-8, so only its magic
# number gives it away.
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" + b"% plain text comment\n" * 50 + b"%%EOF\n"


def one_error_line(result: subprocess.CompletedProcess[str], *fragments: str) -> str:
    """The CLI failed with exit 2 and exactly one line on stderr naming every fragment."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("kg: "), line
    for fragment in fragments:
        assert fragment in line, (fragment, line)
    return line


def build(*args: object, env: dict[str, str] | None = None, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return run_kg("build", *(str(a) for a in args), env=env, timeout=timeout)


def run_patched(tmp_path: Path, patch: str, *args: object, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI in a fresh interpreter after ``patch`` (Python source) has run: for failures
    that cannot be staged with files (a late crash, an unreadable file when running as root)."""
    script = tmp_path / "patched_kg.py"
    script.write_text(patch + "\nimport sys\nfrom kg.cli import main\nsys.argv = ['kg', *sys.argv[1:]]\nmain()\n", encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(script), *(str(a) for a in args)], capture_output=True, text=True, cwd=ROOT, env=env, timeout=600
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def old_out(tmp_path: Path) -> Path:
    """An output folder from an earlier build, to check a failed build leaves it alone."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "graph.ttl").write_text("# earlier build\n", encoding="utf-8")
    (out / "validation.txt").write_text("Conforms: True (0 results)", encoding="utf-8")
    (out / "notes.md").write_text("the user's own file", encoding="utf-8")
    return out


def assert_untouched(out: Path, before: dict[str, bytes]) -> None:
    assert snapshot(out) == before
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".kg-build-")], "temporary folder left behind"


# --- each bad input: one line naming the file and the problem, exit 2 ---------------------------


def _write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("article.txt", ARTICLE)
    return buffer.getvalue()


BAD_FILES: dict[str, tuple[str, bytes | str, tuple[str, ...]]] = {
    # id: (file name, content, fragments the error line must contain)
    "empty": ("empty.txt", b"", ("no article text",)),
    "only-whitespace": ("blank.txt", "  \n\n\t \n", ("no article text",)),
    "only-metadata": ("meta.md", "---\ntitle: Nothing here\ndate: 2024-01-02\n---\n", ("no article text",)),
    "nul-bytes": ("nul.txt", b"Russian jets\x00struck Idlib", ("binary", "NUL")),
    "png-as-txt": ("picture.txt", PNG, ("binary", "PNG")),
    "pdf-as-txt": ("report.txt", PDF, ("binary", "PDF")),
    "zip-as-txt": ("archive.txt", _zip_bytes(), ("binary", "ZIP")),
    "gzip-as-txt": ("article.txt", gzip.compress(ARTICLE.encode(), mtime=0), ("binary", "gzip")),
    "png-suffix": ("picture.png", PNG, ("unsupported file type .png",)),
    "pdf-suffix": ("report.pdf", PDF, ("unsupported file type .pdf",)),
    "latin-1": ("latin.txt", "Le caf\u00e9 d'Alep: Russian jets struck Idlib.".encode("latin-1"), ("not valid UTF-8", "--encoding latin-1")),
    "bad-front-matter": ("fm.md", "---\ntitle: [unclosed\n---\nRussian jets struck Idlib.\n", ("front matter is not valid YAML",)),
    "bad-date": ("dated.md", "---\ndate: last Tuesday\n---\nRussian jets struck Idlib.\n", ("date", "YYYY-MM-DD")),
    "date-out-of-range": ("old.md", "---\ndate: 0001-01-01\n---\nYesterday Russian jets struck Idlib.\n", ("out of range",)),
    "title-not-text": ("list.md", "---\ntitle: [a, b]\n---\nRussian jets struck Idlib.\n", ("title must be text",)),
    "jsonl-malformed": ("a.jsonl", json.dumps({"text": ARTICLE}) + "\n{\"text\": oops}\n", ("a.jsonl:2", "malformed JSON")),
    "jsonl-no-text": ("b.jsonl", json.dumps({"id": "x", "title": "No body"}) + "\n", ("b.jsonl:1", '"text"')),
    "jsonl-text-not-string": ("c.jsonl", json.dumps({"id": "x", "text": ["a", "b"]}) + "\n", ("c.jsonl:1", '"text"')),
    "jsonl-not-object": ("d.jsonl", "[1, 2, 3]\n", ("d.jsonl:1", "JSON object")),
    "jsonl-deeply-nested": ("e.jsonl", "[" * 100_000 + "]" * 100_000 + "\n", ("e.jsonl:1", "nested too deeply")),
    "jsonl-huge-integer": ("f.jsonl", '{"id": ' + "9" * 5000 + ', "text": "Rebels seized Sirte."}\n', ("f.jsonl:1", "malformed JSON")),
    "jsonl-id-object": ("g.jsonl", json.dumps({"id": {"a": 1}, "text": ARTICLE}) + "\n", ("g.jsonl:1", "id must be text")),
    "jsonl-empty": ("h.jsonl", "\n\n", ("h.jsonl", "no articles")),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_is_one_line_and_exit_2(tmp_path: Path, case: str) -> None:
    name, content, fragments = BAD_FILES[case]
    path = _write(tmp_path / "in" / name, content)
    result = build(path, "-o", tmp_path / "out")
    one_error_line(result, str(path), *fragments)
    assert not (tmp_path / "out").exists()


def test_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-article.txt"
    one_error_line(build(missing, "-o", tmp_path / "out"), str(missing), "no such file")


def test_folder_without_articles(tmp_path: Path) -> None:
    folder = tmp_path / "empty-folder"
    (folder / "sub").mkdir(parents=True)
    (folder / "data.csv").write_text("a,b\n", encoding="utf-8")
    (folder / ".hidden.txt").write_text(ARTICLE, encoding="utf-8")
    one_error_line(build(folder, "-o", tmp_path / "out"), str(folder), "no articles")


def test_symlink_loop_to_a_parent_folder(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    _write(folder / "a.txt", ARTICLE)
    (folder / "sub").mkdir()
    (folder / "sub" / "up").symlink_to(folder, target_is_directory=True)
    one_error_line(build(folder, "-o", tmp_path / "out"), "up", "symbolic link loop")


def test_symlink_loop_between_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    one_error_line(build(tmp_path / "a.txt", "-o", tmp_path / "out"), "a.txt", "symbolic links")


def test_folder_linked_twice_is_read_once_not_a_loop(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    _write(shared / "a.txt", ARTICLE)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "one").symlink_to(shared, target_is_directory=True)
    (corpus / "two").symlink_to(shared, target_is_directory=True)
    documents = list(load_documents([corpus]))
    assert [d.id for d in documents] == ["a"]


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    one_error_line(build(fifo, "-o", tmp_path / "out", timeout=60), str(fifo), "not a regular file")


@pytest.mark.skipif(os.geteuid() == 0, reason="running as root: chmod 000 does not stop root reading; see the simulated test below")
def test_unreadable_file(tmp_path: Path) -> None:
    path = _write(tmp_path / "secret.txt", ARTICLE)
    path.chmod(0)
    try:
        one_error_line(build(path, "-o", tmp_path / "out"), str(path), "permission denied")
    finally:
        path.chmod(0o644)


def test_unreadable_file_simulated(tmp_path: Path) -> None:
    """As root chmod 000 changes nothing, so open() is made to fail as it would for a user."""
    path = _write(tmp_path / "secret.txt", ARTICLE)
    patch = (
        "import errno, os, pathlib\n"
        "_open = pathlib.Path.open\n"
        "def _denied(self, *args, **kwargs):\n"
        "    if self.name == 'secret.txt':\n"
        "        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))\n"
        "    return _open(self, *args, **kwargs)\n"
        "pathlib.Path.open = _denied\n"
    )
    one_error_line(run_patched(tmp_path, patch, "build", path, "-o", tmp_path / "out"), str(path), "permission denied")


def test_file_name_with_line_break_still_gives_one_line(tmp_path: Path) -> None:
    path = _write(tmp_path / "two\nlines\u202e.txt", b"")
    line = one_error_line(build(path, "-o", tmp_path / "out"), "no article text")
    assert "\\u202e" in line  # a bidi override is shown escaped, not obeyed by the terminal


def test_out_is_a_file(tmp_path: Path) -> None:
    out = _write(tmp_path / "out", "not a folder")
    one_error_line(build(SEED, "-o", out), str(out), "not a folder")
    assert out.read_text(encoding="utf-8") == "not a folder"


def test_output_folder_inside_the_input_is_not_read(tmp_path: Path) -> None:
    """`kg build . -o out` twice: the first build's validation.txt is not an article."""
    _write(tmp_path / "a.txt", ARTICLE)
    _write(tmp_path / "out" / "validation.txt", "Conforms: True (0 results)")
    result = run_kg("build", ".", "-o", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "documents: 1\n" in result.stdout


def test_duplicate_article_ids(tmp_path: Path) -> None:
    _write(tmp_path / "a" / "x.txt", ARTICLE)
    _write(tmp_path / "b" / "x.md", ARTICLE)
    one_error_line(build(tmp_path / "a", tmp_path / "b", "-o", tmp_path / "out"), "duplicate article id 'x'")


# --- encodings -----------------------------------------------------------------------------------


def test_latin_1_is_read_with_encoding_option(tmp_path: Path) -> None:
    path = _write(tmp_path / "latin.txt", "Le caf\u00e9 d'Alep. Russian jets struck Idlib on Sunday.\n".encode("latin-1"))
    result = build(path, "-o", tmp_path / "out", "--encoding", "latin-1")
    assert result.returncode == 0, result.stderr
    assert "caf\u00e9" in (tmp_path / "out" / "graph.ttl").read_text(encoding="utf-8")


def test_unknown_encoding(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.txt", ARTICLE)
    one_error_line(build(path, "-o", tmp_path / "out", "--encoding", "no-such-codec"), str(path), "unknown encoding")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le-bom", "utf-16-be-bom", "utf-32"])
def test_byte_order_marks_are_honoured(tmp_path: Path, encoding: str) -> None:
    text = "Les forces russes ont frapp\u00e9 Idlib. Russian jets struck Idlib."
    if encoding == "utf-16-le-bom":
        data = b"\xff\xfe" + text.encode("utf-16-le")
    elif encoding == "utf-16-be-bom":
        data = b"\xfe\xff" + text.encode("utf-16-be")
    else:
        data = text.encode(encoding)
    path = _write(tmp_path / "a.txt", data)
    (document,) = load_documents([path])
    assert document.text == text
    # A BOM outweighs --encoding: a folder of mixed files read with --encoding latin-1.
    (document,) = load_documents([path], encoding="latin-1")
    assert document.text == text


def test_bom_file_through_the_cli(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.txt", "Russian jets struck Idlib on Sunday.".encode("utf-16"))
    result = build(path, "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert "Russian jets struck Idlib" in (tmp_path / "out" / "graph.ttl").read_text(encoding="utf-8")


def test_utf_16_without_bom_needs_the_option(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.txt", "Russian jets struck Idlib.".encode("utf-16-le"))
    with pytest.raises(InputError, match="binary"):
        list(load_documents([path]))
    (document,) = load_documents([path], encoding="utf-16-le")
    assert document.text == "Russian jets struck Idlib."


# --- size limits and long texts --------------------------------------------------------------


@pytest.fixture(scope="module")
def ten_mb_line(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 10 MB file on one line, as scraped pages sometimes are (inline base64, minified JSON)."""
    path = tmp_path_factory.mktemp("big") / "one-line.txt"
    blob = "QUJDRGVmZ2hpams0NTY3" * (10_000_000 // 20)
    path.write_text("Russian jets struck Idlib on Sunday. " + blob + " Rebels shelled Aleppo on Monday.", encoding="utf-8")
    return path


def test_ten_mb_line_is_refused_by_default(tmp_path: Path, ten_mb_line: Path) -> None:
    line = one_error_line(build(ten_mb_line, "-o", tmp_path / "out"), str(ten_mb_line), "--max-bytes")
    assert "5,242,880" in line and "10,000,0" in line


def test_ten_mb_line_is_built_with_a_higher_limit(tmp_path: Path, ten_mb_line: Path) -> None:
    """Over spaCy's 1,000,000-character limit (E088): kg analyses it in pieces."""
    started = time.monotonic()
    result = build(ten_mb_line, "-o", tmp_path / "out", "--max-bytes", "20000000", timeout=300)
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 240
    assert "Traceback" not in result.stderr and "E088" not in result.stderr
    graph = (tmp_path / "out" / "graph.ttl").read_text(encoding="utf-8")
    assert "Rebels shelled Aleppo" in graph, "the sentence in the last piece was lost"


def test_max_bytes_applies_to_each_jsonl_article_not_the_file(tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    small = [json.dumps({"id": f"a{i}", "text": ARTICLE + "x" * 300}) for i in range(5)]
    big = json.dumps({"id": "big", "text": ARTICLE + "y" * 5000})
    path.write_text("\n".join(small) + "\n", encoding="utf-8")
    assert len(list(load_documents([path], max_bytes=1000))) == 5  # the file is over 1,000 bytes
    path.write_text("\n".join([*small, big]) + "\n", encoding="utf-8")
    one_error_line(build(path, "-o", tmp_path / "out", "--max-bytes", "1000"), f"{path}:6", "--max-bytes", "1,000")


def test_chunk_spans_cover_the_text_at_good_boundaries() -> None:
    from kg.build import chunk_spans

    paragraph = "Russian jets struck Idlib on Sunday. Rebels shelled Aleppo!\n\n"
    text = paragraph * 400
    spans = chunk_spans(text, 1000)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))
    assert all(0 < end - start <= 1000 for start, end in spans)
    assert all(text[end - 2:end] == "\n\n" for _, end in spans[:-1]), "not cut at paragraph ends"
    one_line = "Russian jets struck Idlib. " * 100
    assert all(one_line[end - 2:end] == ". " for _, end in chunk_spans(one_line, 500)[:-1])
    no_spaces = "x" * 2500
    assert chunk_spans(no_spaces, 1000) == [(0, 1000), (1000, 2000), (2000, 2500)]
    assert chunk_spans("short", 1000) == [(0, 5)]


def _relations(result) -> set[tuple[str, str, str, str]]:  # type: ignore[no-untyped-def]
    text = result.document.text
    return {(r.subject, r.predicate, r.object, text[r.sentence[0]:r.sentence[1]].strip()) for r in result.relations}


def test_pieces_give_the_same_facts_and_offsets_as_the_whole(nlp) -> None:  # type: ignore[no-untyped-def]
    from kg.build import analyse

    paragraphs = [
        "Russian jets struck Idlib on Sunday, killing at least 12 civilians, monitors said.",
        "Israeli forces shelled Rafah on Monday.",
        "Turkey backs the Syrian National Army.",
        "Houthi rebels attacked a ship in the Red Sea.",
    ]
    text = "\n\n".join(paragraphs * 6) + "\n"
    document = make_document(text, doc_id="long", source="long.txt")
    (whole,), _ = analyse([document], nlp=nlp)
    (pieces,), _ = analyse([document], nlp=nlp, chunk_chars=300)
    assert _relations(whole) and _relations(pieces) == _relations(whole)
    for result in (whole, pieces):
        for relation in result.relations:
            start, end = relation.trigger_span
            assert text[start:end] == relation.trigger
            assert relation.sentence[0] <= start < end <= relation.sentence[1]
        for event in result.events:
            for doc_id, (start, end) in event.evidence:
                assert doc_id == "long" and text[start:end].strip() in paragraphs


def test_text_over_spacy_max_length_is_analysed_in_pieces(nlp) -> None:  # type: ignore[no-untyped-def]
    from kg.build import analyse

    filler = "QUJDRGVmZ2hpams0NTY3 " * (1_100_000 // 21)
    text = filler + "\n\nRussian jets struck Idlib on Sunday.\n"
    assert len(text) > nlp.max_length
    document = make_document(text, doc_id="huge", source="huge.txt")
    (result,), _ = analyse([document], nlp=nlp)
    (relation,) = [r for r in result.relations if r.predicate == "strikes"]
    assert text[relation.sentence[0]:relation.sentence[1]].strip() == "Russian jets struck Idlib on Sunday."


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds`` (extraction is Python code, so the alarm lands)."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"took over {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _analyse_one(nlp, text: str):  # type: ignore[no-untyped-def]
    from kg.build import analyse

    (result,), _ = analyse([make_document(text, doc_id="long", source="long.txt")], nlp=nlp)
    return result


def test_five_thousand_token_sentence_finishes_in_seconds(nlp) -> None:  # type: ignore[no-untyped-def]
    towns = [f"{name}{i}" for i, name in enumerate(["Kafr", "Tell", "Deir", "Ain", "Beit"] * 500)]
    text = "Russian jets struck " + ", ".join(towns) + " and Idlib on Sunday."
    assert len(nlp.make_doc(text)) >= 5000
    started = time.monotonic()
    with time_limit(60):
        result = _analyse_one(nlp, text)
    assert time.monotonic() - started < 60
    assert any(r.predicate == "strikes" for r in result.relations)


def test_long_sentence_with_many_triggers_finishes_in_seconds(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Russian jets struck Idlib and " + " and ".join("rebels shelled Aleppo" for _ in range(600)) + "."
    assert len(nlp.make_doc(text)) >= 2400
    with time_limit(6):
        _analyse_one(nlp, text)


def test_hostile_html_is_stripped_in_linear_time() -> None:
    cases = [
        "<p>x</p>" + "<script>" * 200_000,  # unclosed elements: a lazy regex rescans per tag
        "<p>x</p>" + "<" * 1_000_000,  # "<" with no ">" anywhere after
        "<p>x</p>" + "<p " * 300_000,  # block tags never closed
    ]
    for raw in cases:
        started = time.monotonic()
        make_document(raw, doc_id="h", source="h.html")
        assert time.monotonic() - started < 10, raw[:20]


def test_html_page_is_stripped(tmp_path: Path) -> None:
    page = _write(
        tmp_path / "page.html",
        "<!doctype html><html><head><title>Strikes</title><style>p { color: red }</style></head><body>"
        "<nav>Home | World | Sport</nav><article><h1>Jets strike Idlib</h1>"
        "<p>Russian jets struck Idlib on Sunday, killing at least 12 civilians, monitors said.</p>"
        "<script>var tracking = 'Rebels captured Damascus';</script><figure>Photo: AFP</figure>"
        "<p>Rebels &amp; residents fled.</p></article><footer>Copyright</footer></body></html>",
    )
    result = build(page, "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    graph = (tmp_path / "out" / "graph.ttl").read_text(encoding="utf-8")
    assert "Russian jets struck Idlib on Sunday" in graph
    for furniture in ("tracking", "color: red", "Home | World", "Copyright", "<p>"):
        assert furniture not in graph
    (document,) = load_documents([page])
    assert "Rebels & residents fled." in document.text
    assert "Damascus" not in document.text


# --- --keep-going ----------------------------------------------------------------------------------


def test_keep_going_skips_each_bad_input_and_counts_it(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    _write(corpus / "good.txt", ARTICLE)
    _write(corpus / "empty.txt", b"")
    _write(corpus / "picture.txt", PNG)
    _write(corpus / "latin.txt", "caf\u00e9".encode("latin-1"))
    _write(corpus / "mixed.jsonl", "\n".join([
        json.dumps({"id": "j1", "text": "Israeli forces shelled Rafah on Monday."}),
        "{broken",
        json.dumps({"id": "j3", "title": "no text"}),
        json.dumps({"id": "j4", "text": "Rebels seized Sirte."}),
    ]) + "\n")
    (corpus / "loop").symlink_to(corpus, target_is_directory=True)
    missing = tmp_path / "missing.txt"
    result = build(corpus, missing, "-o", tmp_path / "out", "--keep-going")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    skipped = result.stderr.strip().splitlines()
    assert all(line.startswith("kg: skipped ") for line in skipped), skipped
    expected = ["empty.txt", "picture.txt", "latin.txt", "mixed.jsonl:2", "mixed.jsonl:3", "loop", str(missing)]
    assert len(skipped) == len(expected)
    for name in expected:
        assert any(name in line for line in skipped), name
    assert f"documents: 3 ({len(expected)} skipped)" in result.stdout
    graph = (tmp_path / "out" / "graph.ttl").read_text(encoding="utf-8")
    for kept in ("Russian jets struck Idlib", "Israeli forces shelled Rafah", "Rebels seized Sirte"):
        assert kept in graph


def test_keep_going_skips_a_duplicate_not_the_rest_of_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.jsonl", "\n".join(json.dumps({"id": i, "text": ARTICLE}) for i in ("x", "x", "y")) + "\n")
    result = build(path, "-o", tmp_path / "out", "--keep-going")
    assert result.returncode == 0, result.stderr
    assert "duplicate article id 'x'" in result.stderr and "documents: 2 (1 skipped)" in result.stdout


def test_keep_going_with_nothing_left(tmp_path: Path, old_out: Path) -> None:
    before = snapshot(old_out)
    _write(tmp_path / "in" / "empty.txt", b"")
    _write(tmp_path / "in" / "binary.txt", PNG)
    result = build(tmp_path / "in", "-o", old_out, "--keep-going")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[-1] == "kg: no articles to build (2 inputs skipped)"
    assert len(lines) == 3 and all(line.startswith("kg: skipped ") for line in lines[:2])
    assert_untouched(old_out, before)


# --- a failed build leaves out/ as it was ---------------------------------------------------------


def test_bad_input_leaves_out_as_it_was(tmp_path: Path, old_out: Path) -> None:
    before = snapshot(old_out)
    bad = _write(tmp_path / "bad.txt", PDF)
    one_error_line(build(SEED, bad, "-o", old_out), str(bad))
    assert_untouched(old_out, before)


def test_late_failure_leaves_out_as_it_was(tmp_path: Path, old_out: Path) -> None:
    """Writing the graph files, the last stage before moving them in, fails: an internal error,
    out/ untouched."""
    before = snapshot(old_out)
    patch = (
        "import kg.build\n"
        "def _serialise(*args, **kwargs):\n"
        "    raise RuntimeError('serialiser exploded')\n"
        "kg.build._write_graphs = _serialise\n"
    )
    result = run_patched(tmp_path, patch, "build", SEED, "-o", old_out)
    line = one_error_line(result, "internal error: RuntimeError: serialiser exploded", "KG_DEBUG=1")
    assert line == "kg: internal error: RuntimeError: serialiser exploded (set KG_DEBUG=1 for the traceback)"
    assert_untouched(old_out, before)


def test_failure_with_nlp_workers_ends_with_one_line(tmp_path: Path, old_out: Path) -> None:
    """A crash of the build itself (not of one article) while the NLP worker processes are
    running stops them: one line, exit 2, no hang (spaCy's own workers would wait forever)."""
    before = snapshot(old_out)
    patch = (
        "import kg.stream\n"
        "def _boom(*args, **kwargs):\n"
        "    raise RuntimeError('stream exploded')\n"
        "kg.stream.StreamBuild.add = _boom\n"
    )
    result = run_patched(tmp_path, patch, "build", SEED, "-o", old_out, "--workers", "2")
    one_error_line(result, "internal error: RuntimeError: stream exploded")
    assert_untouched(old_out, before)


def second_move_fails(code: str) -> str:
    """A patch making the second os.replace fail with errno ``code``."""
    return (
        "import errno, os\n"
        "_replace = os.replace\n"
        "_calls = []\n"
        "def _replace_once(src, dst):\n"
        "    _calls.append(dst)\n"
        "    if len(_calls) == 2:\n"
        f"        raise OSError(errno.{code}, os.strerror(errno.{code}), str(dst))\n"
        "    return _replace(src, dst)\n"
        "os.replace = _replace_once\n"
    )


def test_failure_while_moving_files_in_restores_out(tmp_path: Path, old_out: Path) -> None:
    """The second of two files fails to move in (disk full, say): the first is put back."""
    before = snapshot(old_out)
    patch = second_move_fails("ENOSPC")
    result = run_patched(tmp_path, patch, "build", SEED, "-o", old_out)
    one_error_line(result, "cannot write the output", "No space left on device")
    assert_untouched(old_out, before)


def test_failure_while_moving_into_a_new_out_leaves_nothing(tmp_path: Path) -> None:
    patch = second_move_fails("EIO")
    result = run_patched(tmp_path, patch, "build", SEED, "-o", tmp_path / "fresh")
    one_error_line(result, "cannot write the output")
    assert not (tmp_path / "fresh").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".kg-build-")]


def test_kg_debug_shows_the_traceback(tmp_path: Path) -> None:
    patch = "import kg.build\ndef _boom(*a, **k):\n    raise RuntimeError('boom')\nkg.build.iter_documents = _boom\n"
    quiet = run_patched(tmp_path, patch, "build", SEED, "-o", tmp_path / "out")
    one_error_line(quiet, "internal error: RuntimeError: boom")
    loud = run_patched(tmp_path, patch, "build", SEED, "-o", tmp_path / "out", env={**os.environ, "KG_DEBUG": "1"})
    assert loud.returncode != 0
    assert "Traceback" in loud.stderr and "RuntimeError: boom" in loud.stderr


def test_internal_error_outside_build_is_one_line(tmp_path: Path) -> None:
    """Commands without their own guard (validate, query, …) get the same treatment from main()."""
    patch = "import kg.validate\ndef _boom(*a, **k):\n    raise ValueError('odd\\nmessage')\nkg.validate.validate_file = _boom\n"
    graph = _write(tmp_path / "g.ttl", "<https://e.org/s> <https://e.org/p> <https://e.org/o> .\n")
    line = one_error_line(run_patched(tmp_path, patch, "validate", graph), "internal error: ValueError: odd message")
    assert line.endswith("(set KG_DEBUG=1 for the traceback)")
