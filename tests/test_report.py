"""`kg report` without a browser: what the pages say, determinism, file:// safety, errors.

The browser tests (tests/test_report_browser.py) check the same site after its scripts run.
"""
from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rdflib import Graph

from kg.report import site
from kg.report.pages import file_name
from tests.conftest import ROOT, SEEDS, run_kg

GOLDEN_GRAPH = ROOT / "tests" / "golden" / "004_0ed98a606f84a882.ttl"
GOLDEN_TEXT = SEEDS / "004_0ed98a606f84a882.txt"
PREFIXES = """PREFIX kg: <https://w3id.org/kg-conflict/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""


def read_site(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class Links(HTMLParser):
    """Every href and src of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.refs.append((tag, name, value))


def refs_of(path: Path) -> list[tuple[str, str, str]]:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.refs


def known_strike(graph_file: Path) -> tuple[str, str, str]:
    """(agent label, target label, sentence) of one strike, asked of the graph with rdflib, not kg's reader."""
    graph = Graph().parse(graph_file)
    rows = sorted(graph.query(PREFIXES + """
        SELECT ?agentLabel ?targetLabel ?sentence WHERE {
          ?s a kg:Assertion ; rdf:subject ?a ; rdf:predicate kg:strikes ; rdf:object ?t ; kg:evidence/kg:text ?sentence .
          ?a rdfs:label ?agentLabel . ?t rdfs:label ?targetLabel .
          FILTER(?agentLabel = "Russia")
        }"""))
    assert rows, "the seeds graph has no strike by Russia"
    return tuple(str(v) for v in rows[0])  # type: ignore[return-value]


@pytest.fixture(scope="module")
def seed_report(seed_build, tmp_path_factory) -> tuple[Path, Path]:
    """The seeds graph (the shared session build) and its report, with the article texts."""
    out, _ = seed_build
    report = tmp_path_factory.mktemp("seed-report") / "report"
    result = run_kg("report", str(out / "graph.ttl"), "-o", str(report), "--texts", str(SEEDS))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"wrote {report}/index.html: ")
    return out / "graph.ttl", report


def test_overview_counts_match_the_graph(seed_report) -> None:
    graph_file, report = seed_report
    graph = Graph().parse(graph_file)

    def count(query: str) -> int:
        return int(next(iter(graph.query(PREFIXES + query)))[0])

    html = (report / "index.html").read_text(encoding="utf-8")
    shown = dict(re.findall(r'<b id="count-(\w+)">([\d,]+)</b>', html))
    assert int(shown["articles"].replace(",", "")) == count("SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a kg:Document }")
    assert int(shown["events"].replace(",", "")) == count("SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a ?t . VALUES ?t { kg:Strike kg:Attack kg:Support kg:Capture kg:Evacuation } }")
    assert int(shown["relations"].replace(",", "")) == count("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a kg:Assertion }")
    strikes = count("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a kg:Assertion ; rdf:predicate kg:strikes }")
    assert re.search(rf'<tr data-relation="strikes">.*?<td class="num">{strikes}</td>', html)
    assert "<svg class=\"timeline\"" in html and "<svg class=\"network\"" in html
    assert 'id="top-actors"' in html


def test_entity_page_shows_a_known_fact_with_its_quote_in_its_paragraph(seed_report) -> None:
    graph_file, report = seed_report
    agent, target, sentence = known_strike(graph_file)
    page = (report / "e" / "russia.html").read_text(encoding="utf-8")
    assert "<h2>Struck</h2>" in page
    from html import escape

    assert f'<mark class="quote">{escape(sentence)}</mark>' in page
    assert 'href="https://www.wikidata.org/wiki/Q159"' in page  # owl:sameAs wd:Q159
    # Every relative link of the page leads to a file of the site.
    for tag, attr, ref in refs_of(report / "e" / "russia.html"):
        if not ref.startswith(("http://", "https://")):
            target_file = (report / "e" / ref.split("#")[0].split("?")[0]).resolve()
            assert target_file.is_file(), f"{tag} {attr}={ref} leads nowhere"


def test_article_page_highlights_relations_and_mentions(seed_report) -> None:
    _, report = seed_report
    page = (report / "a" / "004_0ed98a606f84a882.html").read_text(encoding="utf-8")
    assert re.search(r'<span class="ev" id="ev-[0-9a-f]{12}" data-rel="[^"]*Russia strikes Idlib', page)
    assert '<a class="m" href="../e/idlib.html">Idlib</a>' in page
    # The whole article is there: its first words and its last line.
    text = GOLDEN_TEXT.read_text(encoding="utf-8")
    last = [line for line in text.splitlines() if line.strip()][-1]
    assert re.sub(r"<[^>]+>", "", page).count(last[:40].replace('"', "&quot;").replace("'", "&#x27;")) >= 1


def test_no_reference_leaves_the_site(seed_report) -> None:
    """Nothing is loaded from the network: every script, style, image and frame is local; the
    only absolute URLs are plain links (Wikidata, the article's source)."""
    _, report = seed_report
    for page in report.rglob("*.html"):
        for tag, attr, ref in refs_of(page):
            if tag in ("script", "link", "img", "iframe", "source", "video", "audio", "embed"):
                assert not re.match(r"[a-z]+:|//", ref), f"{page}: {tag} loads {ref}"
            if re.match(r"[a-z]+:|//", ref):
                assert tag == "a" and ref.startswith(("https://www.wikidata.org/wiki/", "http://", "https://")), (page, ref)
    css = (report / "assets" / "report.css").read_text(encoding="utf-8")
    assert "url(" not in css and "@import" not in css and "@font-face" not in css
    script = (report / "assets" / "report.js").read_text(encoding="utf-8")
    assert "fetch(" not in script and "XMLHttpRequest" not in script and "http" not in script


def test_same_graph_same_bytes_whatever_the_hash_seed(tmp_path: Path) -> None:
    sites = []
    for seed in ("1", "2"):
        out = tmp_path / f"site-{seed}"
        result = run_kg("report", str(GOLDEN_GRAPH), "-o", str(out), "--texts", str(GOLDEN_TEXT),
                        env={**os.environ, "PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        sites.append(read_site(out))
    assert sites[0] == sites[1]
    assert "index.html" in sites[0] and "e/russia.html" in sites[0] and "a/004_0ed98a606f84a882.html" in sites[0]


def test_extra_triples_are_ignored_and_graphs_merge(tmp_path: Path) -> None:
    """Summary triples of other vocabularies (as issue 13 adds) change nothing; a graph given
    twice is the same graph."""
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        "@prefix kg: <https://w3id.org/kg-conflict/ontology#> .\n"
        "@prefix ent: <https://w3id.org/kg-conflict/entity/> .\n"
        "<https://w3id.org/kg-conflict/summary/x> a kg:RelationSummary ; kg:articleCount 3 ;\n"
        "  kg:firstDate \"2024-01-01\" ; kg:summarises ent:russia .\n"
        "ent:russia kg:articleCount 7 .\n", encoding="utf-8")
    plain, merged = tmp_path / "plain", tmp_path / "merged"
    assert run_kg("report", str(GOLDEN_GRAPH), "-o", str(plain)).returncode == 0
    result = run_kg("report", str(GOLDEN_GRAPH), str(extra), str(GOLDEN_GRAPH), "-o", str(merged))
    assert result.returncode == 0, result.stderr
    assert read_site(plain) == read_site(merged)


def test_without_texts_articles_show_what_the_graph_holds(tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert run_kg("report", str(GOLDEN_GRAPH), "-o", str(out)).returncode == 0
    page = (out / "a" / "004_0ed98a606f84a882.html").read_text(encoding="utf-8")
    assert "The article text was not given" in page
    assert '<p class="gap">' in page and '<span class="ev"' in page
    entity = (out / "e" / "russia.html").read_text(encoding="utf-8")
    assert '<mark class="quote">' in entity


def test_long_lists_are_paginated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.graphread import read_graphs

    monkeypatch.setattr(site, "FACTS_PER_PAGE", 2)
    monkeypatch.setattr(site, "ROWS_PER_PAGE", 5)
    files = site.build_site(read_graphs([GOLDEN_GRAPH]), {})
    russia = sorted(name for name in files if re.fullmatch(r"e/russia(\.p\d+)?\.html", name))
    facts = sum(files[name].count('<article class="fact"') for name in russia)
    assert len(russia) == -(-facts // 2) and len(russia) > 1
    assert all(files[name].count('<article class="fact"') <= 2 for name in russia)
    assert 'href="russia.p2.html"' in files["e/russia.html"]
    entities = sorted(name for name in files if re.fullmatch(r"entities(-\d+)?\.html", name))
    assert len(entities) == -(-len(read_graphs([GOLDEN_GRAPH]).entities) // 5)
    assert 'href="entities-2.html"' in files["entities.html"]


def test_file_names_are_plain_distinct_and_safe() -> None:
    assert file_name("https://w3id.org/kg-conflict/entity/russia") == "russia"
    odd = [f"https://w3id.org/kg-conflict/document/{x}" for x in ("a%20b%23", "A", "a", "..", "%D8%AD%D9%84%D8%A8")]
    names = [file_name(iri) for iri in odd]
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9_-]*", n) for n in names), names


def test_texts_that_do_not_match_the_graph_are_refused(tmp_path: Path) -> None:
    other = tmp_path / "texts" / "004_0ed98a606f84a882.txt"
    other.parent.mkdir()
    other.write_text("date 2024-12-01\n" + GOLDEN_TEXT.read_text(encoding="utf-8").replace("Idlib", "Idleb"), encoding="utf-8")
    out = tmp_path / "site"
    result = run_kg("report", str(GOLDEN_GRAPH), "-o", str(out), "--texts", str(other.parent))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert str(other) in result.stderr and "does not match the graph" in result.stderr
    assert not out.exists()


def test_errors_are_one_line_and_leave_nothing(tmp_path: Path) -> None:
    out = tmp_path / "site"
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix kg: <https://w3id.org/kg-conflict/ontology#> .\nkg:x kg:y \n", encoding="utf-8")
    for args, needle in (
        ((str(tmp_path / "missing.ttl"),), "missing.ttl: no such file"),
        ((str(broken),), "broken.ttl: not valid"),
        ((str(tmp_path / "graph.xyz"),), "unknown RDF file extension"),
    ):
        result = run_kg("report", *args, "-o", str(out))
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith("kg: ") and result.stderr.count("\n") == 1 and needle in result.stderr
        assert not out.exists()
    # A folder that holds something else is not replaced.
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "keep.txt").write_text("mine", encoding="utf-8")
    result = run_kg("report", str(GOLDEN_GRAPH), "-o", str(busy))
    assert result.returncode == 2 and "holds no kg report" in result.stderr
    assert [p.name for p in busy.iterdir()] == ["keep.txt"]
    # An earlier report is replaced whole.
    assert run_kg("report", str(GOLDEN_GRAPH), "-o", str(out)).returncode == 0
    (out / "e" / "stale.html").write_text("old", encoding="utf-8")
    assert run_kg("report", str(GOLDEN_GRAPH), "-o", str(out)).returncode == 0
    assert not (out / "e" / "stale.html").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_trig_gives_the_same_site_as_turtle(seed_build, seed_report, tmp_path: Path) -> None:
    """The TriG output (one named graph per article) is the same graph: the same site."""
    out, _ = seed_build
    _, from_turtle = seed_report
    from_trig = tmp_path / "trig"
    result = run_kg("report", str(out / "graph.trig"), "-o", str(from_trig), "--texts", str(SEEDS))
    assert result.returncode == 0, result.stderr
    assert read_site(from_trig) == read_site(from_turtle)
