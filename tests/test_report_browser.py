"""The report in a real browser: headless Chromium opens the site from file:// and the tests read
the DOM after the scripts ran, type into the search, click links and take screenshots.

Chromium is driven over the DevTools protocol on a pipe (tests/cdp.py): no Python dependency.
Without a browser these tests skip with one line; with KG_REQUIRE_BROWSER=1 (CI) that is a failure.
"""
from __future__ import annotations

import json
import os
import struct
from html import unescape
from pathlib import Path

import pytest
from rdflib import Graph

from tests.cdp import Browser, find_browser
from tests.conftest import SEEDS, run_kg
from tests.test_report import PREFIXES, known_strike

HINT = "install Debian's chromium (apt-get install chromium) or set KG_CHROMIUM"


@pytest.fixture(scope="session")
def browser():
    executable = find_browser()
    if executable is None:
        if os.environ.get("KG_REQUIRE_BROWSER", "") not in ("", "0"):
            pytest.fail(f"KG_REQUIRE_BROWSER=1 but no Chromium found; {HINT}", pytrace=False)
        pytest.skip(f"NO BROWSER, report browser tests skipped: no Chromium found; {HINT} "
                    "(CI sets KG_REQUIRE_BROWSER=1, which turns this into a failure)")
    with Browser(executable) as chromium:
        yield chromium


@pytest.fixture(scope="module")
def site(browser: Browser, seed_build, tmp_path_factory) -> tuple[Path, Path]:
    """The seeds report; it asks for the browser first, so that a missing one skips at once."""
    out, _ = seed_build
    report = tmp_path_factory.mktemp("browser-report") / "report"
    result = run_kg("report", str(out / "graph.ttl"), "-o", str(report), "--texts", str(SEEDS))
    assert result.returncode == 0, result.stderr
    return out / "graph.ttl", report


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


def test_overview_in_the_browser(browser: Browser, site, tmp_path: Path) -> None:
    graph_file, report = site
    requests: list[str] = []
    browser.call("Network.enable", session=True)
    browser.open((report / "index.html").as_uri())
    requests = [e["params"]["request"]["url"] for e in browser._events if e["method"] == "Network.requestWillBeSent"]
    assert requests and all(url.startswith("file://") for url in requests), requests
    browser.call("Network.disable", session=True)
    graph = Graph().parse(graph_file)
    documents = len(set(graph.query(PREFIXES + "SELECT ?d WHERE { ?d a kg:Document }")))
    assertions = len(set(graph.query(PREFIXES + "SELECT ?s WHERE { ?s a kg:Assertion }")))
    assert browser.evaluate("document.getElementById('count-articles').textContent") == str(documents)
    assert browser.evaluate("document.getElementById('count-relations').textContent") == f"{assertions:,}"
    assert browser.evaluate("document.querySelectorAll('svg.timeline rect').length") > 0
    assert browser.evaluate("document.querySelectorAll('svg.network path[data-rel]').length") > 0
    # The top-actors table sorts on a click: by articles, ascending then descending.
    column = "#top-actors th:nth-child(5)"
    read = "Array.from(document.querySelectorAll('#top-actors tbody tr td:nth-child(5)')).map(td => Number(td.textContent))"
    browser.click(column)
    ascending = browser.evaluate(read)
    assert ascending == sorted(ascending) and len(ascending) > 3
    browser.click(column)
    assert browser.evaluate(read) == sorted(ascending, reverse=True)
    assert browser.evaluate(f"document.querySelector('{column}').getAttribute('aria-sort')") == "descending"
    shot = browser.screenshot(tmp_path / "overview.png", full_page=True)
    width, height = png_size(shot)
    assert width >= 1000 and height > 1500


def test_a_known_fact_on_its_entity_page_and_its_article(browser: Browser, site, tmp_path: Path) -> None:
    graph_file, report = site
    agent, target, sentence = known_strike(graph_file)
    browser.open((report / "index.html").as_uri())
    # Follow the overview's link to the agent's page, as a user would.
    browser.click_and_wait("#top-actors a[href='e/russia.html']")
    assert browser.evaluate("location.pathname").endswith("/e/russia.html")
    assert browser.evaluate("document.querySelector('h1').firstChild.textContent.trim()") == agent
    facts = browser.evaluate("""Array.from(document.querySelectorAll('article.fact[data-relation="strikes"][data-direction="out"]'))
        .map(f => [f.querySelector('h3').textContent, f.querySelector('mark.quote') && f.querySelector('mark.quote').textContent,
                   f.querySelector('blockquote').textContent])""")
    quotes = [quote for head, quote, paragraph in facts if head == f"{agent} struck {target}"]
    assert sentence in quotes
    paragraph = next(p for head, quote, p in facts if quote == sentence)
    assert len(paragraph) >= len(sentence)  # the quote sits inside its paragraph
    assert browser.evaluate("document.querySelector('.wikidata a').href") == "https://www.wikidata.org/wiki/Q159"
    browser.screenshot(tmp_path / "entity.png")
    # The fact's source link opens the article at that sentence, highlighted and hoverable.
    _click_source_of(browser, sentence)
    assert browser.evaluate("location.pathname").startswith(str(report / "a"))
    target_text = browser.evaluate("document.querySelector(':target') && document.querySelector(':target').textContent")
    assert target_text and sentence.startswith(target_text)
    assert browser.evaluate("document.querySelector(':target').className") == "ev"
    # Hovering shows what the sentence states.
    box = browser.evaluate("(() => { const e = document.querySelector(':target'); e.scrollIntoView({block: 'center'});"
                           " const r = e.getClientRects()[0]; return [r.left + 5, r.top + r.height / 2]; })()")
    browser.call("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": box[0], "y": box[1]}, session=True)
    tip = browser.evaluate("getComputedStyle(document.querySelector(':target'), '::after').content")
    assert f"{agent} strikes {target}" in unescape(tip)
    assert browser.evaluate("document.querySelector(':target').matches(':hover')")
    # Mentions in the text link to their entities' pages.
    mentions = browser.evaluate("Array.from(document.querySelectorAll('.article a.m')).map(a => [a.textContent, a.getAttribute('href')])")
    assert [target, f"../e/{target.lower()}.html"] in mentions or any(text == target for text, _ in mentions)
    shot = browser.screenshot(tmp_path / "article.png")
    assert png_size(shot) == (1200, 900)


def test_search_filters_as_you_type_and_leads_to_the_entity(browser: Browser, site) -> None:
    _, report = site
    browser.open((report / "index.html").as_uri())
    # The header's box submits to the search page, which reads the query.
    browser.type_into("header input[name=q]", "aleppo")
    browser.call("Input.dispatchKeyEvent", {"type": "keyDown", "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13, "text": "\r"}, session=True)
    browser.call("Input.dispatchKeyEvent", {"type": "keyUp", "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13}, session=True)
    browser.wait_event("Page.loadEventFired")
    assert browser.evaluate("location.pathname").endswith("/search.html")
    assert browser.evaluate("document.getElementById('search').value") == "aleppo"
    results = "Array.from(document.querySelectorAll('#search-results a')).map(a => a.textContent)"
    assert "Aleppo" in browser.evaluate(results)
    # Typing filters at once: clear the box, then type.
    browser.evaluate("(() => { const b = document.getElementById('search'); b.value = ''; b.dispatchEvent(new Event('input')); })()")
    assert browser.evaluate(results) == []
    browser.type_into("#search", "idl")
    assert browser.evaluate(results) == ["Idlib"]
    assert browser.evaluate("document.getElementById('search-count').textContent") == "1 entity"
    browser.type_into("#search", "x")
    assert browser.evaluate(results) == []
    # Other names count: "Moscow" is one of Russia's.
    browser.evaluate("(() => { const b = document.getElementById('search'); b.value = ''; b.dispatchEvent(new Event('input')); })()")
    browser.type_into("#search", "moscow")
    assert browser.evaluate(results) == ["Russia"]
    browser.click_and_wait("#search-results a")
    assert browser.evaluate("location.pathname").endswith("/e/russia.html")


def test_every_link_of_the_site_opens_a_page(browser: Browser, site) -> None:
    """Follow every local link once, in the browser: each opens a page of the site with a heading."""
    _, report = site
    seen: set[str] = set()
    queue = [(report / "index.html").as_uri()]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        browser.open(url)
        assert browser.evaluate("document.querySelector('main h1') !== null"), url
        for link in browser.evaluate("Array.from(document.querySelectorAll('a[href]')).map(a => new URL(a.getAttribute('href'), location.href).href)"):
            if link.startswith("file://"):
                page = link.split("#")[0].split("?")[0]
                assert Path(page[len("file://"):]).is_file(), f"{url} links to missing {page}"
                queue.append(page)
    assert len(seen) == len(list(report.rglob("*.html")))


def _click_source_of(browser: Browser, sentence: str) -> None:
    """Mark the source link of the fact quoting ``sentence``, then click it."""
    found = browser.evaluate(
        "(() => { const s = %s; for (const f of document.querySelectorAll('article.fact')) {"
        " const q = f.querySelector('mark.quote'); if (q && q.textContent === s) {"
        " f.querySelector('p.source a').setAttribute('data-kg-test', '1'); return true; } } return false; })()"
        % json.dumps(sentence))
    assert found
    browser.click_and_wait("p.source a[data-kg-test]")
