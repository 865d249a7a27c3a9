"""Hostile text still gives valid RDF: every output parses in rdflib and pyoxigraph to the same
triples, IRIs are valid, literals round-trip, offsets hold, and the graph conforms to the shapes.

Property-based (hypothesis): ``make test`` runs 500 examples (profile ``kg-hostile``);
``make fuzz`` runs 100,000 (``HYPOTHESIS_PROFILE=fuzz``). The spaCy pipeline is loaded once
(the ``nlp`` fixture) and the public build functions are called directly.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from kg.build import analyse, build_graphs, serialise, serialise_trig, union
from kg.documents import Document, make_document
from kg.errors import InputError
from kg.namespaces import KG, OA
from kg.rdf import doc_iri, entity_iri, web_iri
from kg.validate import validate_graph
from tests.conftest import ROOT, run_kg

_COMMON = {"deadline": None, "suppress_health_check": list(HealthCheck), "print_blob": True}
# `make test` runs the same 500 examples every time (CI must not fail on a new random draw);
# `make fuzz` explores with fresh random examples.
settings.register_profile("kg-hostile", max_examples=500, derandomize=True, **_COMMON)
settings.register_profile("fuzz", max_examples=100_000, **_COMMON)
settings.register_profile("kg-quick", max_examples=50, **_COMMON)
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "kg-hostile"))

# --- strategies -----------------------------------------------------------------------------------

HOSTILE = [
    '"', '""', '"""', "'''", "\\", '\\"', '"\\', "\\n", "\\u0000", "\\U0010FFFF",
    "\n", "\r", "\r\n", "\n\r", "\t", "\x0b", "\x0c", "\x85", "\u2028", "\u2029",
    "<", ">", "Foo> <bar", "<http://evil.example/x>", "> . <s> <p> <o", "{", "}", "{{x}}", "[]", "()",
    "@prefix x: <y> .", '"^^<http://www.w3.org/2001/XMLSchema#int>', '"@en', "_:b0", "?x", "$x",
    "#", "%", "%00", "%zz", "%2E", "..", "../..", "/", "a/b", ":", "ent:x", "`", "^", "|", "~",
    "<script>alert(1)</script>", "&amp;", "&#0;", "]]>", "<!--", "-->", "<p>",
    "\u202e", "\u202d", "\u200f", "\u200e", "\u2066", "\u2069", "\u061c", "\u200b", "\u200c", "\u200d",
    "\u2060", "\ufeff", "\u00ad", "\u00a0", "\u3000",
    "\U0001f600", "\U0001f468\u200d\U0001f469\u200d\U0001f467", "\U0001f1f8\U0001f1fe", "\u2764\ufe0f",
    "\ud800", "\udfff", "\udc80", "\ud83d",
    "\x00", "\x01", "\x08", "\x1b[31m", "\x1f", "\x7f", "\x80", "\x9f",
    "\ufffe", "\uffff", "\ufffd", "\U0010ffff", "\ue000", "\U000e0001", "\ufdd0",
    "e\u0301", "\u0301", "\u0627\u0644\u0642\u0627\u0639\u062f\u0629", "\u05d7\u05de\u05d0\u05e1",
    "\u0414\u043e\u043d\u0435\u0446\u044c\u043a", "\u4e2d\u56fd", "\uff21\uff22", "\u0130", "\u00df", "\u01c4", "\ufdfa",
    "null", "None", "true", "0", "-1", "1e999", "NaN",
]
NAMES = [
    "Russia", "Russian", "Israel", "Israeli", "Hamas", "Hezbollah", "Idlib", "Aleppo", "Kharkiv", "Gaza",
    "Syrian", "Ukrainian", "Houthi", "Turkey", "Iran", "Rafah", "Sirte", "Hayat Tahrir al-Sham", "Kyiv",
    "Foo", "Zork", "Al-Nour", "Beit Lahia", "Deir ez-Zor",
]
TEMPLATES = [
    "{a} jets struck {b} on Sunday.",
    "{a} forces shelled {b}, killing at least {n} civilians, the {c} said.",
    "{a} backs {b}.",
    "{a} rebels captured {b} on {d}.",
    "{a} fighters attacked {b} in {c}.",
    "Residents of {b} fled to {c} after {a} strikes.",
    '"{a} will never leave," said {b}.',
    "{a} is an ally of {b}.",
    "{a} leader {b} said {c} controls {d}.",
    "{a} designated {b} a terrorist organisation.",
    "{a} repelled an attack by {b} near {c}.",
    "Israeli jets struck {b} on {d}, the {a} reported.",
    "{a}-backed militias evacuated {b}.",
    "{b} fell to {a}.",
]

hostile = st.sampled_from(HOSTILE)
name = st.sampled_from(NAMES)
random_text = st.text(max_size=12)
# An entity-like slot: a known name, a hostile fragment, or hostile text glued into a name.
slot = st.one_of(
    name,
    hostile,
    random_text,
    st.builds(lambda a, h, b: f"{a}{h}{b}", name, hostile, name),
    st.builds(lambda a, h: f"{a} {h}", name, hostile),
    st.builds(lambda h, a: f"{h}{a}", hostile, name),
)
number = st.one_of(st.integers(0, 10**6).map(str), st.sampled_from(["dozens", "scores", "a dozen", "12,000", "10**30", "9" * 40]))
sentence = st.one_of(
    st.builds(
        lambda template, a, b, c, d, n: template.format(a=a, b=b, c=c, d=d, n=n),
        st.sampled_from(TEMPLATES), slot, slot, slot, slot, number,
    ),
    st.text(min_size=1, max_size=60),
    st.lists(hostile, min_size=1, max_size=6).map("".join),
)
separator = st.sampled_from([" ", "\n", "\n\n", "\r\n", "\r", "", "\t", "\u2028"])
article = st.builds(
    lambda parts, seps: "".join(p + s for p, s in zip(parts, seps)),
    st.lists(sentence, min_size=1, max_size=6),
    st.lists(separator, min_size=6, max_size=6),
)
metadata_text = st.one_of(st.none(), hostile, random_text, st.lists(st.one_of(hostile, name), max_size=4).map("".join))
url = st.one_of(
    st.none(),
    st.builds(lambda h: "https://example.org/" + h, st.one_of(hostile, random_text)),
    st.builds(lambda h: "http://" + h + ".example/a?b=" + h + "#" + h, hostile),
    st.sampled_from([
        "http://[::1", "http://", "javascript:alert(1)", "ftp://x", "http://a:b/", "https://exa mple.org/",
        "http://a/%zz", "https://ar.wikipedia.org/wiki/\u062d\u0644\u0628", "http://a/\ue000", "http://a/b#c#d",
        "HTTPS://EXAMPLE.ORG/X", " https://example.org/padded ", "https://example.org/\ud800",
    ]),
    random_text,
)
date = st.one_of(st.none(), st.dates().map(lambda d: d.isoformat()), st.sampled_from(["0001-01-01", "9999-12-31", "2024-02-30", "yesterday"]))
record = st.fixed_dictionaries(
    {"text": article},
    optional={"id": st.one_of(metadata_text, st.integers(-5, 5)), "title": metadata_text, "url": url, "date": date},
)
corpus = st.lists(st.tuples(record, st.sampled_from(["jsonl", "text", "front-matter"])), min_size=1, max_size=4)


def to_documents(items: list[tuple[dict[str, object], str]]) -> list[Document]:
    """Documents as kg's loaders make them: from JSONL lines, plain text, or front matter.
    Input kg refuses (an InputError, one line in the CLI) is left out, as --keep-going would."""
    documents: list[Document] = []
    for number, (fields, form) in enumerate(items):
        try:
            if form == "jsonl":
                line = json.dumps(fields)  # escapes lone surrogates as \\udXXX
                documents.append(_from_jsonl(line, number))
            elif form == "front-matter":
                header = "".join(f"{k}: {json.dumps(v)}\n" for k, v in fields.items() if k != "text" and v is not None)
                documents.append(make_document(f"---\n{header}---\n{fields['text']}", doc_id=f"f{number}", source=f"f{number}.md"))
            else:
                documents.append(make_document(str(fields["text"]), doc_id=f"t{number}", source=f"t{number}.txt"))
        except InputError as error:
            assert str(error).strip(), "an input error must say something"
    unique: dict[str, Document] = {}
    for document in documents:
        unique.setdefault(document.id, document)
    return list(unique.values())


def _from_jsonl(line: str, number: int) -> Document:
    from kg.documents import _jsonl_document

    return _jsonl_document(Path("corpus.jsonl"), number + 1, line, 5 * 1024 * 1024)


# --- the properties -------------------------------------------------------------------------------


def build_in_memory(documents: list[Document], nlp) -> tuple[Graph, Graph, list[Graph]]:  # type: ignore[no-untyped-def]
    results, info = analyse(documents, nlp=nlp)
    default, named = build_graphs(results, info)
    return union(default, named), default, named


def check_outputs(documents: list[Document], nlp) -> Graph:  # type: ignore[no-untyped-def]
    """Every serialisation parses in rdflib and pyoxigraph to the same triples; IRIs are
    valid; offsets select the quoted text. Returns the graph."""
    graph, default, named = build_in_memory(documents, nlp)
    assert not any(isinstance(term, BNode) for triple in graph for term in triple)

    for fmt, rdflib_format, ox_format in (
        ("turtle", "turtle", ox.RdfFormat.TURTLE),
        ("nt", "nt", ox.RdfFormat.N_TRIPLES),
        ("json-ld", "json-ld", ox.RdfFormat.JSON_LD),
    ):
        data = serialise(graph, fmt).encode("utf-8")  # strict: no lone surrogates written
        parsed = Graph().parse(data=data, format=rdflib_format)
        assert set(parsed) == set(graph), f"{fmt} does not round-trip in rdflib"
        triples = list(ox.parse(data, format=ox_format))
        assert len(triples) == len(graph), f"{fmt}: pyoxigraph reads {len(triples)} triples, rdflib {len(graph)}"
        assert _ox_literals(triples) == _literals(graph), f"{fmt}: literals differ in pyoxigraph"

    trig = serialise_trig(default, named).encode("utf-8")
    quads = list(ox.parse(trig, format=ox.RdfFormat.TRIG))
    assert len(quads) == len(default) + sum(len(g) for g in named)
    dataset = Dataset()
    dataset.parse(data=trig, format="trig")
    assert len(list(dataset.quads((None, None, None, None)))) == len(quads)

    for node in set(graph.subjects()) | {o for o in graph.objects() if isinstance(o, URIRef)}:
        ox.NamedNode(str(node))  # raises on an invalid IRI

    assert len(set(graph.subjects(RDF.type, KG.Document))) == len(documents), "two ids share a document IRI"
    _check_offsets(graph, documents)
    return graph


def _literals(graph: Graph) -> set[str]:
    return {str(o) for o in graph.objects() if isinstance(o, Literal)}


def _ox_literals(triples: list[ox.Triple]) -> set[str]:
    return {t.object.value for t in triples if isinstance(t.object, ox.Literal)}


def _check_offsets(graph: Graph, documents: list[Document]) -> None:
    """oa:start/oa:end select exactly oa:exact in the document's text."""
    texts = {doc_iri(d.id): d.text for d in documents}
    for selector in graph.subjects(RDF.type, OA.TextPositionSelector):
        evidence = next(graph.subjects(OA.hasSelector, selector))
        text = texts[graph.value(evidence, OA.hasSource)]
        quote = next(q for q in graph.objects(evidence, OA.hasSelector) if (q, RDF.type, OA.TextQuoteSelector) in graph)
        start, end = int(graph.value(selector, OA.start)), int(graph.value(selector, OA.end))
        assert text[start:end] == str(graph.value(quote, OA.exact))


@PROFILE
@given(items=corpus)
def test_hostile_articles_give_valid_rdf(nlp, items) -> None:  # type: ignore[no-untyped-def]
    documents = to_documents(items)
    assume(documents)
    graph = check_outputs(documents, nlp)
    # Escaping and IRIs never break the shapes: whatever violations there are, none is about
    # a malformed IRI or literal (those would be datatype, nodeKind or pattern results).
    report = validate_graph(graph)
    for result in report.results:
        assert "must be an actor" in result.message or "must be a place" in result.message or "must be a person" in result.message, report.to_text()


@settings(PROFILE)
@given(items=corpus)
def test_hostile_articles_conform_to_the_shapes(nlp, items) -> None:  # type: ignore[no-untyped-def]
    documents = to_documents(items)
    assume(documents)
    report = validate_graph(build_in_memory(documents, nlp)[0])
    assert report.conforms, report.to_text()


ODD_SENTENCES = [
    "Kharkiv repelled an attack by Russian forces.",
    "Gaza backs Hamas.",
    "Israeli forces shelled Rafah, killing at least 3 civilians, the Gaza said.",
    "Russian forces captured the Wagner Group.",
    "Beit Lahia is an ally of Russia.",
    "Idlib jets struck Russia on Sunday.",
]


@pytest.mark.parametrize("text", ODD_SENTENCES)
def test_realistic_odd_sentences_conform(nlp, text: str) -> None:  # type: ignore[no-untyped-def]
    report = validate_graph(build_in_memory([make_document(text, doc_id="x", source="x.txt")], nlp)[0])
    assert report.conforms, report.to_text()


# --- fixed cases (fast, and they document what the properties mean) -------------------------------


@pytest.mark.parametrize("value", ["", ".", "..", "...", "a b#%", "x/../y", "%2E", "\ud800", "\u202e", "id\nwith\rbreaks", "\U0001f600"])
def test_document_and_entity_iris_are_valid_and_distinct(value: str) -> None:
    for make in (doc_iri, entity_iri):
        iri = str(make(value))
        ox.NamedNode(iri)
        last = iri.rsplit("/", 1)[1]
        assert last.strip(".") or not last, f"{iri} ends in a dot segment"
    assert doc_iri(value) != doc_iri(value + "x")
    assert doc_iri(".") != doc_iri("%2E") != doc_iri("..")


@pytest.mark.parametrize("url, expected", [
    ("https://example.org/a b", "https://example.org/a%20b"),
    ('https://example.org/?q=<a>&b="c"', "https://example.org/?q=%3Ca%3E&b=%22c%22"),
    ("https://example.org/a#b#c", "https://example.org/a#b%23c"),
    ("https://example.org/%zz%41", "https://example.org/%25zz%41"),
    ("https://ar.wikipedia.org/wiki/\u062d\u0644\u0628", "https://ar.wikipedia.org/wiki/\u062d\u0644\u0628"),
    ("https://example.org/\ue000\ufffd", "https://example.org/%EE%80%80%EF%BF%BD"),
    ("http://[::1", None),
    ("http://", None),
    ("javascript:alert(1)", None),
    ("ftp://example.org/a", None),
])
def test_urls_become_valid_iris_or_are_left_out(url: str, expected: str | None) -> None:
    assert web_iri(url) == expected
    if expected is not None:
        ox.NamedNode(expected)


LITERALS = ['a\n\\"', 'a\n"', 'a\n"""b', '\n\\', '\n\r"x"', '\n""', 'plain "q"', "\u2028\x85\x0b", "\\u0041", '"""', "\n"]


def test_awkward_literals_round_trip_in_every_format() -> None:
    """A multi-line literal ending in a backslash and a quote once came out of rdflib's Turtle
    writer as invalid Turtle (found by the property test); kg escapes quotes in long literals."""
    from kg.namespaces import new_graph

    graph = new_graph()
    for index, value in enumerate(LITERALS):
        graph.add((URIRef(f"https://example.org/s{index}"), KG.text, Literal(value)))
    for fmt, ox_format in (("turtle", ox.RdfFormat.TURTLE), ("nt", ox.RdfFormat.N_TRIPLES)):
        data = serialise(graph, fmt).encode("utf-8")
        assert {t.object.value for t in ox.parse(data, format=ox_format)} == set(LITERALS), fmt
        assert {str(o) for o in Graph().parse(data=data, format=fmt).objects()} == set(LITERALS), fmt
    trig = serialise_trig(graph, []).encode("utf-8")
    assert {q.object.value for q in ox.parse(trig, format=ox.RdfFormat.TRIG)} == set(LITERALS)


def test_names_that_look_like_turtle(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        'Foo> <bar forces shelled Idlib on Sunday. "Zork""" rebels captured Aleppo. '
        "Al-\u202eQaeda\u200b fighters attacked {Kharkiv} \\ Kyiv.\r\n"
        "<script>x</script> jets struck Gaza \U0001f600 on Monday.\x00\x1b[31m"
    )
    document = make_document(text, doc_id='a"b> <c', source="x\ny.txt", meta={"title": '"""\\', "url": "https://e.org/<x>"})
    check_outputs([document], nlp)


# --- a hostile corpus on disk, built twice by the CLI: valid and byte-identical --------------------


def hostile_corpus(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "..txt": "A hidden file: not read.\n",
        "a b#%.txt": 'Foo> <bar forces shelled "Aleppo""" on Monday, killing 3.\n',
        "\u062d\u0644\u0628.txt": "Rebels shelled \u062d\u0644\u0628 and Al-\u202eNour\u200b.\r\nIsraeli jets struck Gaza \U0001f600.\n",
        "controls.md": "---\ntitle: \"Line\\nbreak \\\"quoted\\\" \\\\ back\"\nurl: https://example.org/a b<c>#x#y\ndate: 2024-02-29\n---\n"
        "{Hezbollah} fighters attacked Kharkiv\x01\x7f on Sunday \\ yesterday.\n",
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    lines = [
        {"id": "\ud800lone", "title": "\udfff", "url": "https://example.org/\ud800", "text": "Turkey backs the Syrian National Army. \ud83d"},
        {"id": "x/../y", "title": "<b>bold</b>", "url": "javascript:alert(1)", "text": "Houthi rebels attacked a ship; \u2028 Iran backs the Houthis."},
        {"id": "%2E", "title": "\x00\x1f", "url": "http://[::1", "text": "Hamas fighters attacked Israeli positions near Rafah."},
        {"id": ".", "text": "Russian jets struck Idlib on Sunday."},
        {"id": "..", "title": "\u2028\x85", "text": "Israeli jets struck Gaza.\u2028Hezbollah fighters attacked Kiryat Shmona.\x85"},
    ]
    (folder / "records.jsonl").write_text("\n".join(json.dumps(r) for r in lines) + "\n", encoding="utf-8")
    if sys.platform != "darwin":  # macOS refuses file names that are not UTF-8
        with open(os.fsencode(folder) + b"/\xff\xfebytes.txt", "wb") as handle:  # not valid UTF-8
            handle.write(b"Russian forces shelled Kherson on Sunday.\n")


def test_hostile_corpus_is_deterministic_and_valid(tmp_path: Path) -> None:
    hostile_corpus(tmp_path / "in")
    outputs = []
    for seed, workers in (("0", "1"), ("4242", "2")):
        out = tmp_path / f"out-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = run_kg("build", str(tmp_path / "in"), "-o", str(out), "-f", "trig", "--workers", workers, env=env)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "documents: 9" in result.stdout
        outputs.append(out)
    for name in ("graph.ttl", "graph.trig", "validation.txt"):
        assert (outputs[0] / name).read_bytes() == (outputs[1] / name).read_bytes(), name
    ttl = (outputs[0] / "graph.ttl").read_bytes()
    assert len(list(ox.parse(ttl, format=ox.RdfFormat.TURTLE))) == len(Graph().parse(data=ttl, format="turtle"))
    check = run_kg("validate", str(outputs[0] / "graph.trig"))
    assert check.returncode == 0, check.stdout + check.stderr
    graph = Graph().parse(data=ttl, format="turtle")
    sources = {str(o) for o in graph.objects(None, DCTERMS.source)}
    assert sources == {"https://example.org/a%20b%3Cc%3E#x%23y", "https://example.org/%EF%BF%BD"}
    ids = {str(o) for o in graph.objects(None, DCTERMS.identifier)}
    assert {"\ufffdlone", ".", "..", "%2E", "x/../y", "a b#%", "\ufffd\ufffdbytes"} <= ids


@pytest.mark.skipif(shutil.which("rapper") is None, reason="raptor's rapper not installed: a third parser is optional")
def test_a_third_parser_reads_the_hostile_corpus(tmp_path: Path) -> None:
    hostile_corpus(tmp_path / "in")
    result = run_kg("build", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-f", "nt")
    assert result.returncode == 0, result.stderr
    for name, syntax in (("graph.ttl", "turtle"), ("graph.nt", "ntriples")):
        check = subprocess.run(["rapper", "-q", "-i", syntax, "-c", str(tmp_path / "out" / name)], capture_output=True, text=True, cwd=ROOT)
        assert check.returncode == 0, check.stderr
