"""The HTML of each kind of report page, as strings. No template engine: the pages are few and
plain, and building strings keeps a 10,000-article report to seconds.

Every page lives one folder below the site root or at the root; ``root`` is the relative path
back ("" or "../"), so the site works from file:// wherever it is copied.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from html import escape

from kg.graphread import Assertion, Document, Entity, Event, Evidence, GraphData, local_name
from kg.report.texts import GAP, ArticleText

# How each relation reads from its subject, and from its object.
RELATION_WORDS: dict[str, tuple[str, str]] = {
    "strikes": ("struck", "struck by"),
    "attacks": ("attacked", "attacked by"),
    "backs": ("backed", "backed by"),
    "captures": ("captured", "captured by"),
    "evacuates": ("evacuated from", "evacuated by"),
    "allyOf": ("ally of", "named as ally by"),
    "controls": ("controls", "controlled by"),
    "designatesTerrorist": ("designated as terrorist", "designated as terrorist by"),
    "leaderOf": ("leader of", "led by"),
    "locatedIn": ("located in", "location of"),
    "memberOf": ("member of", "has member"),
    "repels": ("repelled", "repelled by"),
}
_SAFE = re.compile(r"[a-z0-9][a-z0-9_-]{0,79}")
ENTITY_PAGES = ".p"  # page separator of an entity's pages (see page_file)


def file_name(iri: str) -> str:
    """A file name for an entity or article page: the IRI's local name when it is plain, else a
    cleaned prefix and a hash of the IRI (so names stay distinct, short and case-safe)."""
    local = local_name(iri)
    if _SAFE.fullmatch(local):
        return local
    cleaned = re.sub(r"[^a-z0-9]+", "-", local.lower()).strip("-")[:60] or "x"
    return f"{cleaned}-{hashlib.sha1(iri.encode('utf-8')).hexdigest()[:10]}"


def anchor(iri: str) -> str:
    return "ev-" + hashlib.sha1(iri.encode("utf-8")).hexdigest()[:12]


def page(title: str, body: str, root: str, current: str = "") -> str:
    """A whole HTML page with the site's header and local assets."""
    nav = []
    for key, href, text in (("overview", "index.html", "Overview"), ("entities", "entities.html", "Entities"),
                            ("articles", "articles.html", "Articles"), ("search", "search.html", "Search")):
        attr = ' aria-current="page"' if key == current else ""
        nav.append(f'<a href="{root}{href}"{attr}>{text}</a>')
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)} · kg report</title>\n"
        f'<link rel="stylesheet" href="{root}assets/report.css">\n'
        f'<script src="{root}assets/report.js" defer></script>\n'
        "</head>\n<body>\n"
        f'<header><a class="brand" href="{root}index.html">kg report</a><nav>{"".join(nav)}</nav>'
        f'<form class="quick" action="{root}search.html" method="get"><input type="search" name="q" '
        'placeholder="Search entities" aria-label="Search entities"></form></header>\n'
        f"<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def page_file(base: str, number: int, sep: str = "-") -> str:
    """The file of page ``number`` of a list: ``base``.html, then ``base``-2.html… Entity pages
    use ``sep=".p"`` (``russia.p2.html``): a dot is in no entity's file name, so page 2 of one
    entity cannot be the page of another (an entity whose slug ends in "-2")."""
    return f"{base}.html" if number == 1 else f"{base}{sep}{number}.html"


def pager(base: str, current: int, total: int, sep: str = "-") -> str:
    """Links to the other pages of a list."""
    if total <= 1:
        return ""
    links = []
    for number in range(1, total + 1):
        href = page_file(base, number, sep)
        if number == current:
            links.append(f'<span class="here">{number}</span>')
        elif number in (1, total) or abs(number - current) <= 3:
            links.append(f'<a href="{href}">{number}</a>')
        elif links and links[-1] != "…":
            links.append("…")
    return f'<nav class="pager" aria-label="pages">Page {current} of {total}: {" ".join(links)}</nav>'


def entity_link(data: GraphData, iri: str, root: str) -> str:
    if iri in data.entities:
        return f'<a href="{root}e/{file_name(iri)}.html">{escape(data.label(iri))}</a>'
    return escape(data.label(iri))


def _links(data: GraphData, iris: tuple[str, ...], root: str) -> str:
    ordered = sorted(iris, key=lambda i: (data.label(i), i))
    return ", ".join(entity_link(data, i, root) for i in ordered)


def event_details(data: GraphData, event: Event | None, root: str) -> str:
    """Date, casualties, means and reported-by of an event, as a definition list."""
    if event is None:
        return ""
    rows: list[tuple[str, str]] = [("event", f'<span class="etype">{escape(event.type)}</span>')]
    if event.date or event.date_text:
        text = escape(event.date or "")
        if event.date_text:
            text += f' <q>{escape(event.date_text)}</q>' if event.date else f'<q>{escape(event.date_text)}</q>'
        rows.append(("date", text))
    for name, value, qualifier in (("killed", event.killed, event.killed_qualifier),
                                   ("injured", event.injured, event.injured_qualifier),
                                   ("evacuated", event.evacuated, event.evacuated_qualifier)):
        if value is not None:
            rows.append((name, (escape(qualifier) + " " if qualifier else "") + f"{value:,}"))
    for name, iris in (("place", event.places), ("from", event.origins), ("to", event.destinations)):
        if iris:
            rows.append((name, _links(data, iris, root)))
    if event.means:
        rows.append(("means", ", ".join(escape(m) for m in event.means)))
    if event.reported_by:
        rows.append(("reported by", _links(data, event.reported_by, root)))
    return '<dl class="details">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>"


def quote_in_paragraph(evidence: Evidence, text: ArticleText | None) -> str:
    """The evidence sentence highlighted inside its paragraph."""
    start, paragraph = text.paragraph_around(evidence.start, evidence.end) if text else (evidence.start, "")
    if not paragraph:
        prefix = evidence.prefix.rsplit("\n", 1)[-1]
        suffix = evidence.suffix.split("\n", 1)[0]
        return (f'<blockquote class="evidence">{GAP}{escape(prefix)}<mark class="quote">{escape(evidence.text)}</mark>'
                f"{escape(suffix)}{GAP}</blockquote>")
    left, right = evidence.start - start, evidence.end - start
    lead = "" if text is not None and text.complete or start == 0 else GAP
    tail = "" if text is not None and text.complete else GAP
    return (f'<blockquote class="evidence">{lead}{escape(paragraph[:left])}<mark class="quote">'
            f"{escape(paragraph[left:right])}</mark>{escape(paragraph[right:])}{tail}</blockquote>")


def document_title(document: Document | None, iri: str) -> str:
    if document is None:
        return local_name(iri)
    return document.title or document.id


@dataclass(frozen=True)
class Fact:
    """One assertion seen from an entity's page: the direction tells which end the entity is."""

    assertion: Assertion
    outgoing: bool
    other: str
    sort_key: tuple[object, ...]


def fact_card(data: GraphData, fact: Fact, texts: dict[str, ArticleText], root: str) -> str:
    a = fact.assertion
    relation = a.relation
    words = RELATION_WORDS.get(relation, (relation, relation + " by"))
    evidence = data.evidence.get(a.evidence or "")
    doc_iri = a.doc or (evidence.doc if evidence else "")
    document = data.documents.get(doc_iri)
    event = data.events.get(a.event or "")
    head = (f'<h3>{entity_link(data, a.subject, root)} <span class="rel rel-{escape(relation)}">{escape(words[0])}</span> '
            f"{entity_link(data, a.object, root)}</h3>")
    parts = [f'<article class="fact" data-relation="{escape(relation)}" data-direction="{"out" if fact.outgoing else "in"}">', head,
             event_details(data, event, root)]
    if evidence is not None:
        parts.append(quote_in_paragraph(evidence, texts.get(evidence.doc)))
    source = f'<a href="{root}a/{file_name(doc_iri)}.html#{anchor(evidence.iri) if evidence else ""}">{escape(document_title(document, doc_iri))}</a>'
    when = f", {escape(document.date)}" if document is not None and document.date else ""
    offsets = f", characters {evidence.start:,}–{evidence.end:,}" if evidence is not None else ""
    parts.append(f'<p class="source">From {source}{when}{offsets}.</p></article>')
    return "".join(parts)


def entity_page(data: GraphData, entity: Entity, facts: list[Fact], page_number: int, pages: int,
                summary: str, texts: dict[str, ArticleText]) -> str:
    root = "../"
    name = file_name(entity.iri)
    head = [f'<h1>{escape(entity.label)} <span class="kind">{escape(entity.kind)}</span></h1>',
            f'<p class="iri">{escape(entity.iri)}</p>']
    if entity.wikidata:
        head.append(f'<p class="wikidata"><a href="{escape(entity.wikidata)}" rel="noreferrer">Wikidata {escape(entity.wikidata.rsplit("/", 1)[1])}</a></p>')
    if entity.alt_labels:
        head.append(f'<p class="also">Also written: {escape(", ".join(entity.alt_labels))}</p>')
    body = ["".join(head)]
    if page_number == 1:
        body.append(summary)
    nav = pager(name, page_number, pages, ENTITY_PAGES)
    body.append(nav)
    section = None
    for fact in facts:
        words = RELATION_WORDS.get(fact.assertion.relation, (fact.assertion.relation, fact.assertion.relation + " by"))
        heading = words[0] if fact.outgoing else words[1]
        if heading != section:
            if section is not None:
                body.append("</section>")
            body.append(f'<section class="facts"><h2>{escape(heading[:1].upper() + heading[1:])}</h2>')
            section = heading
        body.append(fact_card(data, fact, texts, root))
    if section is not None:
        body.append("</section>")
    elif page_number == 1:
        body.append('<p class="empty">No relations with evidence name this entity.</p>')
    body.append(nav)
    title = entity.label if page_number == 1 else f"{entity.label} (page {page_number})"
    return page(title, "\n".join(body), root, "entities")


def entity_summary(data: GraphData, entity: Entity, facts: list[Fact], per_page: int) -> str:
    """Per relation and counterpart: how many sentences and articles say so, with a link to the
    page of the list where they start."""
    groups: dict[tuple[int, str, bool, str], tuple[int, set[str], int]] = {}
    order = {name: i for i, name in enumerate(RELATION_WORDS)}
    for index, fact in enumerate(facts):
        key = (order.get(fact.assertion.relation, 99), fact.assertion.relation, not fact.outgoing, fact.other)
        count, docs, first = groups.get(key, (0, set(), index))
        docs.add(fact.assertion.doc or "")
        groups[key] = (count + 1, docs, first)
    if not groups:
        return ""
    name = file_name(entity.iri)
    rows = []
    for (_, relation, incoming, other), (count, docs, first) in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][2], data.label(kv[0][3]), kv[0][3])):
        words = RELATION_WORDS.get(relation, (relation, relation + " by"))
        number = first // per_page + 1
        href = page_file(name, number, ENTITY_PAGES)
        rows.append(f'<tr><td>{escape(words[1] if incoming else words[0])}</td><td>{entity_link(data, other, "../")}</td>'
                    f'<td class="num">{count}</td><td class="num">{len(docs)}</td><td><a href="{href}">page {number}</a></td></tr>')
    return ('<section class="summary"><h2>In short</h2><table class="sortable"><thead><tr><th>relation</th><th>with</th>'
            '<th class="num">sentences</th><th class="num">articles</th><th>where</th></tr></thead><tbody>'
            + "".join(rows) + "</tbody></table></section>")


def _lines(offset: int, text: str) -> list[tuple[int, str]]:
    out = []
    position = 0
    for line in text.split("\n"):
        if line.strip():
            out.append((offset + position, line))
        position += len(line) + 1
    return out


def article_body(text: ArticleText, spans: list[tuple[int, int, str, str]],
                 mentions: list[tuple[int, int, str]], hrefs: dict[str, str]) -> str:
    """The article, one <p> a line, with each evidence span (start, end, anchor, what it says)
    marked and hoverable, and each mention linked to its entity page."""
    out: list[str] = []
    previous_end = 0
    for piece_start, piece in text.pieces:
        if not text.complete and piece_start > previous_end:
            out.append(f'<p class="gap">{GAP}</p>')
        previous_end = piece_start + len(piece)
        for line_start, line in _lines(piece_start, piece):
            line_end = line_start + len(line)
            out.append("<p>" + _marked(line, line_start, line_end, spans, mentions, hrefs) + "</p>")
    if not text.complete:
        out.append(f'<p class="gap">{GAP}</p>')
    return "\n".join(out)


def _marked(line: str, start: int, end: int, spans: list[tuple[int, int, str, str]],
            mentions: list[tuple[int, int, str]], hrefs: dict[str, str]) -> str:
    inside = [s for s in spans if s[0] < end and s[1] > start]
    cuts = sorted({start, end} | {max(start, min(end, s[0])) for s in inside} | {max(start, min(end, s[1])) for s in inside})
    parts: list[str] = []
    opened: set[str] = set()
    for left, right in zip(cuts, cuts[1:]):
        if left == right:
            continue
        covering = [s for s in inside if s[0] <= left and s[1] >= right]
        chunk = _mentions_in(line, start, left, right, mentions, hrefs)
        if not covering:
            parts.append(chunk)
            continue
        tip = "\n".join(s[3] for s in covering)
        ids = ""
        for s in covering:
            if s[2] not in opened:
                opened.add(s[2])
                ids = f' id="{s[2]}"'
                break
        parts.append(f'<span class="ev"{ids} data-rel="{escape(tip)}" tabindex="0">{chunk}</span>')
    return "".join(parts)


def _mentions_in(line: str, line_start: int, left: int, right: int, mentions: list[tuple[int, int, str]],
                 hrefs: dict[str, str]) -> str:
    parts = []
    position = left
    for m_start, m_end, iri in mentions:
        if m_start < left or m_end > right or m_start < position:
            continue
        parts.append(escape(line[position - line_start:m_start - line_start]))
        parts.append(f'<a class="m" href="{hrefs[iri]}">{escape(line[m_start - line_start:m_end - line_start])}</a>')
        position = m_end
    parts.append(escape(line[position - line_start:right - line_start]))
    return "".join(parts)


def article_page(data: GraphData, document: Document | None, iri: str, text: ArticleText, source: str | None,
                 assertions: list[Assertion], body: str) -> str:
    root = "../"
    title = document_title(document, iri)
    meta = [f'<h1>{escape(title)}</h1><dl class="details">']
    if document is not None:
        meta.append(f"<dt>article</dt><dd>{escape(document.id)}</dd>")
        if document.date:
            meta.append(f"<dt>date</dt><dd>{escape(document.date)}</dd>")
        if document.url:
            meta.append(f'<dt>source</dt><dd><a href="{escape(document.url)}" rel="noreferrer">{escape(document.url)}</a></dd>')
        if document.file_name:
            meta.append(f"<dt>file</dt><dd>{escape(document.file_name)}</dd>")
    meta.append(f'<dt>relations</dt><dd>{len(assertions)}</dd></dl>')
    rows = []
    for a in assertions:
        evidence = data.evidence.get(a.evidence or "")
        link = f'<a href="#{anchor(evidence.iri)}">sentence</a>' if evidence else ""
        rows.append(f'<tr><td>{entity_link(data, a.subject, root)}</td><td><span class="rel rel-{escape(a.relation)}">{escape(a.relation)}</span></td>'
                    f'<td>{entity_link(data, a.object, root)}</td><td>{link}</td></tr>')
    table = ('<section><h2>Relations</h2><table class="sortable"><thead><tr><th>subject</th><th>relation</th><th>object</th><th></th></tr></thead><tbody>'
             + "".join(rows) + "</tbody></table></section>") if rows else ""
    note = "" if text.complete else (
        '<p class="note">The article text was not given to <code>kg report</code> (<code>--texts</code>): shown are the '
        "sentences the graph holds, each with the context it stores.</p>")
    legend = '<p class="caption">Highlighted: <span class="ev">sentences with relations</span> (hover for the relation) and <a class="m">mentions</a> of entities.</p>'
    text_section = f'<section class="text"><h2>Text</h2>{note}{legend}<div class="article">{body}</div></section>'
    return page(title, "".join(meta) + text_section + table, root, "articles")


def list_page(title: str, current: str, header: str, rows: list[str], nav: str, intro: str = "") -> str:
    table = f'<table class="sortable"><thead><tr>{header}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    return page(title, f"<h1>{escape(title)}</h1>{intro}{nav}{table}{nav}", "", current)


def search_index(entries: list[tuple[str, str, str, str, int]]) -> str:
    """The search index as a script that sets a global: a fetch() of local JSON is refused under file://."""
    payload = json.dumps(entries, ensure_ascii=False, separators=(",", ":"))
    # "</" would end an inline script; the file is loaded by src, but keep it safe to inline.
    return "window.KG_SEARCH = " + payload.replace("</", "<\\/") + ";\n"


def search_page() -> str:
    body = ('<h1>Search</h1><p>Entity names and the other names they are written as in the articles.</p>'
            '<input id="search" type="search" autocomplete="off" placeholder="Type a name, e.g. Idlib" aria-label="Search entities">'
            '<p id="search-count" class="caption"></p><ol id="search-results"></ol>'
            '<script src="assets/search-index.js"></script>')
    return page("Search", body, "", "search")
