"""`kg report`: a built graph as a static HTML site that works from file:// (no server, no network).

index.html (overview: counts, timeline, top actors, network), entities.html and articles.html
(paginated lists), e/<entity>.html (its facts with their evidence, paginated), a/<article>.html
(its text with mentions and relations highlighted), search.html (client-side search over
assets/search-index.js). Everything is sorted and nothing records the time, so the same graph
gives the same bytes. The site is written to a temporary folder beside the output and swapped in
whole.
"""
from __future__ import annotations

import math
import os
import shutil
import tempfile
from dataclasses import dataclass
from html import escape
from importlib import resources
from pathlib import Path

from kg.errors import KgError
from kg.graphread import CORE_RELATIONS, EVENT_TYPES, RELATIONS, Assertion, GraphData, read_graphs
from kg.report import charts, pages
from kg.report.texts import ArticleText, article_texts, find_mentions, read_texts

MARKER = ".kg-report"  # marks a folder as a report, so a rerun may replace it and nothing else
FACTS_PER_PAGE = 100
ROWS_PER_PAGE = 200
TOP_ACTORS = 50
NETWORK_ACTORS = 24
ASSETS = ("report.css", "report.js")


@dataclass(frozen=True)
class ReportSummary:
    out: Path
    entities: int
    articles: int
    events: int
    relations: int
    files: int

    def line(self) -> str:
        return (f"wrote {self.out}/index.html: {self.entities:,} entities, {self.articles:,} articles, "
                f"{self.events:,} events, {self.relations:,} relations ({self.files:,} files)")


def write_report(graphs: list[Path], out: Path, texts: list[Path] | None = None) -> ReportSummary:
    """Read ``graphs`` (and the article files ``texts``, if given) and write the site into ``out``."""
    _check_out(out)
    data = read_graphs(graphs)
    given = read_texts(texts, data) if texts else {}
    site = build_site(data, given)
    _write_site(site, out)
    return ReportSummary(out, len(data.entities), len(data.documents), len(data.events), len(data.assertions), len(site))


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise KgError(f"{out}: exists and is not a folder; choose another -o")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise KgError(f"{out}: folder is not empty and holds no kg report; choose another -o (kg report replaces only its own output)")


def build_site(data: GraphData, given: dict[str, tuple[str, str]]) -> dict[str, str]:
    """Relative path → file content, for every file of the site."""
    texts = article_texts(data, given)
    files: dict[str, str] = {MARKER: "kg report\n"}
    for asset in ASSETS:
        files[f"assets/{asset}"] = resources.files("kg.report").joinpath("static", asset).read_text(encoding="utf-8")
    facts = _facts_by_entity(data)
    files["index.html"] = overview(data, facts)
    files.update(_entity_pages(data, facts, texts))
    files.update(_entity_lists(data, facts))
    files.update(_article_pages(data, texts, given))
    files["search.html"] = pages.search_page()
    files["assets/search-index.js"] = pages.search_index(_search_entries(data, facts))
    return files


def _facts_by_entity(data: GraphData) -> dict[str, list[pages.Fact]]:
    """Entity IRI → its facts in page order: relation, direction, counterpart, article date, place in the article."""
    order = {name: i for i, name in enumerate(pages.RELATION_WORDS)}
    result: dict[str, list[pages.Fact]] = {}

    def key(a: Assertion, outgoing: bool, other: str) -> tuple[object, ...]:
        evidence = data.evidence.get(a.evidence or "")
        document = data.documents.get(a.doc or "")
        return (order.get(a.relation, 99), a.relation, not outgoing, data.label(other), other,
                (document.date or "") if document else "", a.doc or "", evidence.start if evidence else 0, a.iri)

    for a in data.assertions:
        result.setdefault(a.subject, []).append(pages.Fact(a, True, a.object, key(a, True, a.object)))
        if a.object != a.subject:
            result.setdefault(a.object, []).append(pages.Fact(a, False, a.subject, key(a, False, a.subject)))
    for facts in result.values():
        facts.sort(key=lambda f: f.sort_key)
    return result


def _entity_pages(data: GraphData, facts: dict[str, list[pages.Fact]], texts: dict[str, ArticleText]) -> dict[str, str]:
    files: dict[str, str] = {}
    for iri, entity in data.entities.items():
        own = facts.get(iri, [])
        count = max(1, math.ceil(len(own) / FACTS_PER_PAGE))
        summary = pages.entity_summary(data, entity, own, FACTS_PER_PAGE)
        name = pages.file_name(iri)
        for number in range(1, count + 1):
            chunk = own[(number - 1) * FACTS_PER_PAGE:number * FACTS_PER_PAGE]
            path = "e/" + pages.page_file(name, number, pages.ENTITY_PAGES)
            files[path] = pages.entity_page(data, entity, chunk, number, count, summary, texts)
    return files


def _article_counts(data: GraphData, facts: dict[str, list[pages.Fact]]) -> dict[str, tuple[int, int, int]]:
    """Entity IRI → (facts as subject, facts as object, articles)."""
    counts = {}
    for iri, own in facts.items():
        out = sum(1 for f in own if f.outgoing)
        counts[iri] = (out, len(own) - out, len({f.assertion.doc for f in own}))
    return counts


def _entity_lists(data: GraphData, facts: dict[str, list[pages.Fact]]) -> dict[str, str]:
    counts = _article_counts(data, facts)
    ordered = sorted(data.entities.values(), key=lambda e: (e.label.casefold(), e.iri))
    header = ('<th>entity</th><th>type</th><th class="num">as subject</th><th class="num">as object</th>'
              '<th class="num">articles</th><th>Wikidata</th>')
    rows = []
    for entity in ordered:
        out, into, articles = counts.get(entity.iri, (0, 0, 0))
        wikidata = f'<a href="{escape(entity.wikidata)}" rel="noreferrer">{escape(entity.wikidata.rsplit("/", 1)[1])}</a>' if entity.wikidata else ""
        rows.append(f'<tr><td><a href="e/{pages.file_name(entity.iri)}.html">{escape(entity.label)}</a></td><td>{escape(entity.kind)}</td>'
                    f'<td class="num">{out}</td><td class="num">{into}</td><td class="num">{articles}</td><td>{wikidata}</td></tr>')
    return _paginated("entities", "Entities", header, rows, f"<p>{len(ordered):,} actors and places.</p>")


def _paginated(base: str, title: str, header: str, rows: list[str], intro: str) -> dict[str, str]:
    files = {}
    count = max(1, math.ceil(len(rows) / ROWS_PER_PAGE))
    for number in range(1, count + 1):
        nav = pages.pager(base, number, count)
        chunk = rows[(number - 1) * ROWS_PER_PAGE:number * ROWS_PER_PAGE]
        heading = title if number == 1 else f"{title} (page {number})"
        files[pages.page_file(base, number)] = pages.list_page(heading, base, header, chunk, nav, intro)
    return files


def _article_pages(data: GraphData, texts: dict[str, ArticleText], given: dict[str, tuple[str, str]]) -> dict[str, str]:
    by_doc: dict[str, list[Assertion]] = {}
    for a in data.assertions:
        by_doc.setdefault(a.doc or "", []).append(a)
    events_by_evidence: dict[str, list[str]] = {}
    for event in data.events.values():
        for evidence in event.evidence:
            events_by_evidence.setdefault(evidence, []).append(event.iri)
    files: dict[str, str] = {}
    rows = []
    ordered = sorted(texts, key=lambda iri: ((data.documents[iri].date or "") if iri in data.documents else "",
                                             data.documents[iri].id if iri in data.documents else iri, iri))
    for iri in ordered:
        document = data.documents.get(iri)
        assertions = sorted(by_doc.get(iri, []), key=lambda a: (data.evidence[a.evidence].start if a.evidence in data.evidence else 0,
                                                               a.relation, data.label(a.subject), data.label(a.object), a.iri))
        spans = _relation_spans(data, assertions, events_by_evidence)
        involved = {a.subject for a in assertions} | {a.object for a in assertions}
        for evidence in {a.evidence for a in assertions}:
            for event_iri in events_by_evidence.get(evidence or "", []):
                event = data.events[event_iri]
                involved.update(event.agents + event.targets + event.places + event.origins + event.destinations + event.reported_by)
        names = _names(data, involved)
        hrefs = {e: f"../e/{pages.file_name(e)}.html" for e in involved if e in data.entities}
        text = texts[iri]
        mentions = []
        for start, piece in text.pieces:
            mentions.extend((s + start, e + start, who) for s, e, who in find_mentions(piece, names) if who in hrefs)
        body = pages.article_body(text, spans, mentions, hrefs)
        name = pages.file_name(iri)
        files[f"a/{name}.html"] = pages.article_page(data, document, iri, text, given.get(iri, (None,))[0], assertions, body)
        title = pages.document_title(document, iri)
        date = document.date if document is not None and document.date else ""
        rows.append(f'<tr><td><a href="a/{name}.html">{escape(title)}</a></td><td>{escape(date)}</td>'
                    f'<td>{escape(document.id if document else "")}</td><td class="num">{len(assertions)}</td></tr>')
    header = '<th>article</th><th>date</th><th>id</th><th class="num">relations</th>'
    files.update(_paginated("articles", "Articles", header, rows, f"<p>{len(rows):,} articles.</p>"))
    return files


def _relation_spans(data: GraphData, assertions: list[Assertion], events_by_evidence: dict[str, list[str]]) -> list[tuple[int, int, str, str]]:
    """(start, end, anchor, what the sentence states) for each evidence sentence of an article."""
    said: dict[str, list[str]] = {}
    for a in assertions:
        if a.evidence in data.evidence:
            line = f"{data.label(a.subject)} {a.relation} {data.label(a.object)}"
            if line not in said.setdefault(a.evidence, []):
                said[a.evidence].append(line)
    spans = []
    for iri, lines in said.items():
        evidence = data.evidence[iri]
        spans.append((evidence.start, evidence.end, pages.anchor(iri), "\n".join(lines)))
    return sorted(spans)


def _names(data: GraphData, involved: set[str]) -> dict[str, str]:
    """Surface form → entity for the entities an article involves. A form two entities share
    goes to the one whose main label it is, else to the first IRI."""
    names: dict[str, str] = {}
    for iri in sorted(involved):
        entity = data.entities.get(iri)
        if entity is None:
            continue
        for form in (entity.label,) + entity.alt_labels:
            current = names.get(form)
            if current is None or (data.entities[current].label != form and entity.label == form):
                names[form] = iri
    return names


def _search_entries(data: GraphData, facts: dict[str, list[pages.Fact]]) -> list[tuple[str, str, str, str, int]]:
    entries = []
    for entity in sorted(data.entities.values(), key=lambda e: (e.label.casefold(), e.iri)):
        entries.append((entity.label, "|".join(entity.alt_labels), entity.kind, f"e/{pages.file_name(entity.iri)}.html",
                        len(facts.get(entity.iri, []))))
    return entries


def overview(data: GraphData, facts: dict[str, list[pages.Fact]]) -> str:
    relation_counts: dict[str, int] = {}
    triples: dict[str, set[tuple[str, str]]] = {}
    for a in data.assertions:
        relation_counts[a.relation] = relation_counts.get(a.relation, 0) + 1
        triples.setdefault(a.relation, set()).add((a.subject, a.object))
    type_counts: dict[str, int] = {}
    per_day: dict[str, dict[str, int]] = {}
    for event in data.events.values():
        type_counts[event.type] = type_counts.get(event.type, 0) + 1
        if event.date:
            per_day.setdefault(event.date, {}).setdefault(event.type, 0)
            per_day[event.date][event.type] += 1
    dated = sum(sum(v.values()) for v in per_day.values())
    totals = (f'<ul class="totals"><li><b id="count-articles">{len(data.documents):,}</b> articles</li>'
              f'<li><b id="count-entities">{len(data.entities):,}</b> entities</li>'
              f'<li><b id="count-events">{len(data.events):,}</b> events</li>'
              f'<li><b id="count-relations">{len(data.assertions):,}</b> relations</li></ul>')
    relations = [r for r in RELATIONS if r in relation_counts] + sorted(set(relation_counts) - set(RELATIONS))
    rel_rows = "".join(f'<tr data-relation="{escape(r)}"><td><span class="rel rel-{escape(r)}">{escape(r)}</span></td>'
                       f'<td class="num">{relation_counts[r]:,}</td><td class="num">{len(triples[r]):,}</td></tr>' for r in relations)
    rel_table = ('<table id="by-relation" class="sortable"><thead><tr><th>relation</th><th class="num">sentences</th>'
                 f'<th class="num">distinct pairs</th></tr></thead><tbody>{rel_rows}</tbody></table>')
    types = [t for t in EVENT_TYPES if t in type_counts] + sorted(set(type_counts) - set(EVENT_TYPES))
    type_rows = "".join(f'<tr data-type="{escape(t)}"><td><span class="etype">{escape(t)}</span></td><td class="num">{type_counts[t]:,}</td></tr>' for t in types)
    type_table = f'<table id="by-type" class="sortable"><thead><tr><th>event type</th><th class="num">events</th></tr></thead><tbody>{type_rows}</tbody></table>'
    timeline = charts.timeline(per_day, tuple(types))
    actors = _top_actors(data, facts)
    actor_rows = "".join(
        f'<tr><td><a href="e/{pages.file_name(iri)}.html">{escape(data.label(iri))}</a></td><td>{escape(data.entities[iri].kind)}</td>'
        f'<td class="num">{out}</td><td class="num">{into}</td><td class="num">{articles}</td></tr>'
        for iri, out, into, articles in actors)
    actor_table = ('<table id="top-actors" class="sortable"><thead><tr><th>actor</th><th>type</th><th class="num">as subject</th>'
                   f'<th class="num">as object</th><th class="num">articles</th></tr></thead><tbody>{actor_rows}</tbody></table>')
    network = _network(data, [iri for iri, *_ in actors[:NETWORK_ACTORS]])
    body = (f"<h1>Overview</h1>{totals}"
            f'<div class="columns"><section><h2>Relations</h2>{rel_table}</section>'
            f"<section><h2>Events by type</h2>{type_table}</section></div>"
            f'<section><h2>Timeline</h2><p class="caption">{dated:,} of {len(data.events):,} events have a resolved date.</p>{timeline}</section>'
            f'<section><h2>Top actors</h2><p class="caption">The {len(actors)} actors in the most relations; click a column to sort.</p>{actor_table}</section>'
            f'<section><h2>Network</h2><p class="caption">The {min(len(actors), NETWORK_ACTORS)} top actors and the core relations between them.</p>{network}</section>')
    return pages.page("Overview", body, "", "overview")


def _top_actors(data: GraphData, facts: dict[str, list[pages.Fact]]) -> list[tuple[str, int, int, int]]:
    rows = []
    for iri, (out, into, articles) in _article_counts(data, facts).items():
        entity = data.entities.get(iri)
        if entity is None or not entity.is_actor:
            continue
        rows.append((iri, out, into, articles))
    rows.sort(key=lambda r: (-(r[1] + r[2]), -r[3], data.label(r[0]), r[0]))
    return rows[:TOP_ACTORS]


def _network(data: GraphData, actors: list[str]) -> str:
    chosen = set(actors)
    articles: dict[tuple[str, str, str], set[str]] = {}
    for a in data.assertions:
        if a.subject in chosen and a.object in chosen and a.subject != a.object and a.relation in CORE_RELATIONS + ("allyOf", "repels"):
            articles.setdefault((a.subject, a.object, a.relation), set()).add(a.doc or "")
    linked = {s for s, _, _ in articles} | {o for _, o, _ in articles}
    # Around the circle by type then label, so allies and enemies of a kind sit together.
    nodes = sorted((iri for iri in actors if iri in linked), key=lambda i: (data.entities[i].kind, data.label(i), i))
    node_list = [(iri, data.label(iri), f"e/{pages.file_name(iri)}.html") for iri in nodes]
    edges = sorted((s, o, r, len(docs)) for (s, o, r), docs in articles.items())
    return charts.network(node_list, edges)


def _write_site(files: dict[str, str], out: Path) -> None:
    """Write every file into a temporary folder beside ``out``, then swap it in whole."""
    parent = out.parent if str(out.parent) else Path(".")
    temporary: Path | None = None
    old: Path | None = None
    try:
        parent.mkdir(parents=True, exist_ok=True)
        temporary = Path(tempfile.mkdtemp(prefix=f".{out.name}.kg-report-", dir=parent))
        os.chmod(temporary, 0o755)
        for relative in sorted(files):
            path = temporary / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(files[relative])
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.kg-old-", dir=parent))
            os.replace(out, old / "site")
        os.replace(temporary, out)
        temporary = None
    except OSError as error:
        if old is not None and not out.exists() and (old / "site").exists():
            os.replace(old / "site", out)
        raise KgError(f"{error.filename or out}: cannot write the report: {error.strerror or error}") from None
    finally:
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
