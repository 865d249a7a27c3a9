"""Run SPARQL against a store directory, an RDF file or a SPARQL endpoint, and format answers.

Queries are read-only unless the caller allows updates: on the embedded store
``Store.query`` cannot run an update at all (and the store is opened read-only); for
endpoints the text is parsed first and anything that is not a query is refused.

``--bind NAME=VALUE`` never pastes text into a query. Locally it uses pyoxigraph
substitutions (SEP-0007); for endpoints the bound values become a ``VALUES`` block,
built from serialised RDF terms, placed first in the query's outer ``WHERE`` group.
Both ways a bound variable must be selected by a SELECT query.
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Literal, Sequence, Union

import pyoxigraph as ox

from kg import store as kgstore
from kg.errors import InputError, KgError
from kg.namespaces import PREFIXES

Term = Union[ox.NamedNode, ox.BlankNode, ox.Literal, ox.Triple]
Format = Literal["table", "csv", "tsv", "json", "ttl", "nt"]
FORMATS: tuple[str, ...] = ("table", "csv", "tsv", "json", "ttl", "nt")
KG_PREFIXES: dict[str, str] = {name: str(ns) for name, ns in PREFIXES.items()}
QUERIES_DIR = Path(__file__).resolve().parent.parent / "queries"

_XSD = "http://www.w3.org/2001/XMLSchema#"
_PLAIN_TYPES = {
    _XSD + t
    for t in ("string", "integer", "decimal", "double", "float", "boolean", "date", "dateTime",
              "nonNegativeInteger", "positiveInteger", "int", "long", "gYear")
}
_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
REFUSED_UPDATE = "this is a SPARQL update (it would change data); kg query runs it only with --update"


# ---------------------------------------------------------------- results


@dataclass
class SelectResult:
    variables: list[str]
    rows: list[list[Term | None]]


@dataclass
class AskResult:
    value: bool


@dataclass
class GraphResult:
    triples: list[ox.Triple]


@dataclass
class UpdateResult:
    message: str


Result = Union[SelectResult, AskResult, GraphResult, UpdateResult]


@dataclass(frozen=True)
class Source:
    """Where a query runs: ``store`` (directory), ``file`` (RDF file) or ``endpoint`` (URL)."""

    kind: Literal["store", "file", "endpoint"]
    location: str
    user: str | None = None
    auth: kgstore.AuthScheme = "digest"
    timeout: float = kgstore.DEFAULT_TIMEOUT
    default_graph: str | None = field(default=None)


# ---------------------------------------------------------------- reading queries and bindings


def read_query(arg: str) -> str:
    """The query text: from a file if ``arg`` names one, a canned query name, or ``arg`` itself."""
    if "\n" not in arg and "{" not in arg:
        path = Path(arg)
        try:
            if path.is_file():
                return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(path, f"cannot read: {error}") from None
        if path.suffix in (".rq", ".sparql", ".ru"):
            raise InputError(path, "no such file")
        if re.fullmatch(r"[A-Za-z0-9_-]+", arg):  # a bare word is never a query: a canned name
            canned = QUERIES_DIR / f"{arg}.rq"
            if canned.is_file():
                return canned.read_text(encoding="utf-8")
            raise InputError(arg, f"not a file, a SPARQL query or a canned query name ({_canned_names()})")
    return arg


def _canned_names() -> str:
    names = sorted(path.stem for path in QUERIES_DIR.glob("*.rq")) if QUERIES_DIR.is_dir() else []
    return ", ".join(names) or "none installed"


def parse_bindings(items: list[str], query: str) -> dict[str, Term]:
    """``NAME=VALUE`` options as RDF terms, checked against the query's variables."""
    declared = {**KG_PREFIXES, **declared_prefixes(query)}
    present = query_variables(query)
    bindings: dict[str, Term] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip().lstrip("?$")
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise KgError(f"--bind {item!r}: expected NAME=VALUE, e.g. --bind s=ent:russia")
        if name not in present:
            raise KgError(f"--bind {name}: the query has no variable ?{name}")
        bindings[name] = to_term(value, declared)
    return bindings


def to_term(value: str, prefixes: dict[str, str] | None = None) -> ox.NamedNode | ox.Literal:
    """An IRI for ``<iri>``, ``https://…``, ``urn:…`` or ``prefix:local`` with a known prefix; else a string."""
    prefixes = KG_PREFIXES if prefixes is None else prefixes
    if value.startswith("<") and value.endswith(">"):
        return kgstore.named_node(value[1:-1], "--bind")
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*://\S+|urn:\S+", value):
        return kgstore.named_node(value, "--bind")
    match = re.fullmatch(r"([A-Za-z][\w.-]*)?:([\w.%-]*)", value)
    if match and (match.group(1) or "") in prefixes:
        return kgstore.named_node(prefixes[match.group(1) or ""] + match.group(2), "--bind")
    return ox.Literal(value)


# ---------------------------------------------------------------- a small SPARQL lexer


_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
              |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][^\W][\w]*)
  | (?P<word>[^\s{}()\[\];,"'<>\#?$]+)
  | (?P<punct>.)
    """,
    re.X | re.S,
)


def _tokens(text: str) -> Iterator[tuple[str, str, int]]:
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "punct"
        if kind not in ("ws", "comment"):
            yield kind, match.group(), match.start()


def query_variables(text: str) -> set[str]:
    """Variable names used in the query (outside strings, IRIs and comments)."""
    return {tok[1:] for kind, tok, _ in _tokens(text) if kind == "var"}


def declared_prefixes(text: str) -> dict[str, str]:
    """``PREFIX p: <iri>`` declarations in the query."""
    found: dict[str, str] = {}
    toks = list(_tokens(text))
    for i, (kind, tok, _) in enumerate(toks[:-2]):
        if kind == "word" and tok.upper() == "PREFIX" and toks[i + 1][1].endswith(":") and toks[i + 2][0] == "iri":
            found[toks[i + 1][1][:-1]] = toks[i + 2][1][1:-1]
    return found


def _first_keyword(text: str) -> str | None:
    """The first keyword after the prologue (PREFIX/BASE declarations)."""
    toks = [(kind, tok) for kind, tok, _ in _tokens(text)]
    i = 0
    while i < len(toks):
        kind, tok = toks[i]
        upper = tok.upper()
        if kind == "word" and upper == "PREFIX":
            i += 3
        elif kind == "word" and upper == "BASE":
            i += 2
        else:
            return upper if kind == "word" else None
    return None


def looks_like_update(text: str) -> bool:
    """True when the text is (or starts like) a SPARQL update rather than a query."""
    from rdflib.plugins.sparql.parser import parseUpdate  # slow import, only when needed

    try:
        parseUpdate(text)
        return True
    except Exception:  # noqa: BLE001 - any parse failure just means "not a valid update"
        return _first_keyword(text) in _UPDATE_WORDS


def _where_brace(text: str) -> int:
    """Offset of the ``{`` that opens the query's outer WHERE group."""
    form: str | None = None
    parens = braces = 0
    after_where = template_done = False
    for kind, tok, pos in _tokens(text):
        if kind == "word" and parens == 0 and braces == 0:
            upper = tok.upper()
            if form is None and upper in _FORMS:
                form = upper
            elif upper == "WHERE" and form is not None:
                if form == "CONSTRUCT" and not template_done:
                    raise KgError(
                        "--bind with an endpoint needs the long form CONSTRUCT { … } WHERE { … }"
                    )
                after_where = True
        elif tok == "(":
            parens += 1
        elif tok == ")":
            parens -= 1
        elif tok == "{":
            if braces == 0 and parens == 0 and form is not None:
                if form != "CONSTRUCT" or after_where or template_done:
                    return pos
            braces += 1
        elif tok == "}":
            braces -= 1
            if braces == 0 and form == "CONSTRUCT":
                template_done = True
    raise KgError("--bind: cannot find the query's WHERE clause")


def with_values(text: str, bindings: dict[str, Term]) -> str:
    """The query with ``VALUES (?a …) { (term …) }`` first in its outer WHERE group."""
    if not bindings:
        return text
    return first_in_where(text, values_block(list(bindings), [list(bindings.values())]))


def first_in_where(text: str, block: str) -> str:
    """The query with ``block`` (a VALUES block, patterns) first in its outer WHERE group."""
    at = _where_brace(text) + 1
    return f"{text[:at]} {block} {text[at:]}"


def values_block(names: Sequence[str], rows: Iterable[Sequence[Term | None]]) -> str:
    """``VALUES (?a …) { (term …) … }``, an unbound value as ``UNDEF``."""
    solutions = " ".join("(" + " ".join("UNDEF" if term is None else str(term) for term in row) + ")" for row in rows)
    return f"VALUES ({' '.join(f'?{name}' for name in names)}) {{ {solutions} }}"


def with_page(text: str, limit: int | None, offset: int | None) -> str:
    """The query with ``LIMIT``/``OFFSET`` after its solution modifiers (``--limit/--offset``).

    A page is only stable under a total ``ORDER BY``, which every canned query has. A query
    with its own LIMIT or OFFSET is refused rather than silently paged twice."""
    if limit is None and offset is None:
        return text
    if (limit is not None and limit < 0) or (offset is not None and offset < 0):
        raise KgError("--limit and --offset must be 0 or more")
    depth, tail = 0, []
    for kind, tok, _ in _tokens(text):
        if tok == "{":
            depth, tail = depth + 1, []
        elif tok == "}":
            depth -= 1
        elif depth == 0 and kind == "word":
            tail.append(tok.upper())
    if _first_keyword(text) not in ("SELECT", "CONSTRUCT", "DESCRIBE"):
        raise KgError("--limit/--offset apply to SELECT, CONSTRUCT and DESCRIBE queries")
    if "LIMIT" in tail or "OFFSET" in tail:
        raise KgError("--limit/--offset: the query has its own LIMIT or OFFSET")
    page = ([f"LIMIT {limit}"] if limit is not None else []) + ([f"OFFSET {offset}"] if offset else [])
    return text.rstrip() + "\n" + "\n".join(page) + "\n"


# A canned query may promise that it pages by build-time ranks (kg:rank, written with the
# relation summaries): each row has one rank, its ORDER BY is the rank order, and
#   #+ page-rank: ?stmt kg:rank            (a row's subject and the rank predicate)
#   #+ page-first: ?x … kg:firstRank       (optional: the first rank when its variables are bound)
# --limit/--offset then become a VALUES block of the page's ranks: index lookups, not a sort
# of every row. An event listing may promise instead that its rows come event by event in
# kg:eventRank order (its ORDER BY starts with the date bound, the date and the event) and name
# the pattern that finds its events, each of which gives at least one row, with the variables
# (the event first) whose values the listing's required patterns take from it:
#   #+ page-events: ?event ?kind | ?event a ?kind . VALUES ?kind { kg:Attack kg:Capture }
# A page is then read window by window of ranks, each window's events found by index lookups
# (``event_page``). A listing whose events are rare among all events names a sequence in which
# they are dense (a sub-order of kg:eventRank) and, where the sequence numbers other events too,
# the pattern that counts its own:
#   #+ page-sequence: kg:kindRank | ?event a kg:Evacuation
#   #+ page-sequence: kg:casualtyRank
# Tests check that the pages equal the plain LIMIT/OFFSET pages.
_DIRECTIVE = re.compile(r"^#\+\s*(page-rank|page-first|page-events|page-sequence):\s*(.+?)\s*$", re.MULTILINE)
# The sequences a listing may walk: each numbers its events from 0 in kg:eventRank order.
SEQUENCES = {"kg:eventRank": "eventRank", "kg:kindRank": "kindRank", "kg:casualtyRank": "casualtyRank"}
_RANK = "kg_page_rank"
_FIRST = "kg_page_first"
_EVENT_RANK = "kg_event_rank"
_KG = KG_PREFIXES["kg"]
_EVENT_RANK_IRI = f"<{_KG}eventRank>"
# Ranks looked up per query when an event page walks the ranks. Oxigraph 0.5 answered a VALUES
# block of up to ~1,000 ranks by index lookups (15-25 ms on the 10,000-article store) and larger
# ones with a plan that scans every event (1.5-5 s), so the walk goes in smaller steps.
EVENT_WINDOW = 500
# kg:kindRank gives each rank to one event of each kind, and the kind is checked per event:
# past ~200 ranks (1,000 events) a window cost more per rank (10,000-article store, 2026-12-05).
KIND_WINDOW = 200
# A window never asks for more ranks than rows are still missing (each event the pattern finds
# gives a row), nor fewer than this: a first page looks up only about its own events.
MIN_EVENT_WINDOW = 50
# Windows walked at most before the plain LIMIT/OFFSET is left to do the page: a deep page, or a
# binding whose events are rare among all events.
EVENT_WINDOWS = 60


def directives(text: str) -> dict[str, str]:
    """The query's ``#+ name: value`` comment lines (``page-rank``, ``page-first``, ``page-events``)."""
    return {name: value for name, value in _DIRECTIVE.findall(text)}


def ranked_page(text: str, source: "Source", bindings: dict[str, Term], limit: int, offset: int) -> str | None:
    """The query restricted to the ranks of one page, or None when the plain LIMIT/OFFSET must
    do: no ``page-rank`` directive, a file source, a store built before ranks, or only some of
    the ``page-first`` variables bound (the rows of one relation, but not where it starts)."""
    found = directives(text)
    if "page-rank" not in found or source.kind == "file":
        return None
    rank_pattern = found["page-rank"]
    has_ranks = _run(f"ASK {{ {rank_pattern} ?{_RANK} }}", source, {}, False)
    if not isinstance(has_ranks, AskResult) or not has_ranks.value:
        return None
    first = 0
    if "page-first" in found:
        scope = sorted(set(re.findall(r"\?(\w+)", found["page-first"])) & query_variables(text))
        bound = {name: bindings[name] for name in scope if name in bindings}
        if bound and len(bound) < len(scope):
            return None
        if bound:
            answer = _run(f"SELECT ?{_FIRST} {' '.join('?' + n for n in scope)} WHERE {{ {found['page-first']} ?{_FIRST} }} LIMIT 1", source, bound, False)
            if not isinstance(answer, SelectResult):
                return None
            if not answer.rows or not isinstance(answer.rows[0][0], ox.Literal):
                limit = 0  # no such relation: an empty page
            else:
                first = int(answer.rows[0][0].value)
    start = first + offset
    values = " ".join(f'"{n}"^^<{_XSD}nonNegativeInteger>' for n in range(start, start + limit))
    return with_page(first_in_where(text, f"VALUES ?{_RANK} {{ {values} }} {rank_pattern} ?{_RANK} ."), limit, None)


def event_page(text: str, source: "Source", bindings: dict[str, Term], limit: int, offset: int) -> SelectResult | None:
    """One page of an event listing read event by event in kg:eventRank order, or None when the
    plain LIMIT/OFFSET must do: no ``page-events`` directive, a file source, a store built
    before event ranks, a bound variable outside the events' pattern, or a page that needs more
    than ``EVENT_WINDOWS`` windows of ranks (a deep page, or a binding whose events are rare).

    The ranks walked are the listing's ``page-sequence`` (kg:kindRank, kg:casualtyRank: the
    same order among fewer events), else kg:eventRank, in windows of at most ``EVENT_WINDOW``
    ranks (``KIND_WINDOW`` for kg:kindRank) and, above ``MIN_EVENT_WINDOW``, no more ranks than
    rows are still missing. For each window, one query finds its events (a ``VALUES`` block of
    ranks: index lookups) with the values of the carried variables, and a second runs the
    listing with those values in front as a ``VALUES`` block, so the store joins the listing's
    other patterns for those events alone. The listing sorts by rank first, so the windows'
    rows, one after the other, are its rows in order; the walk stops once they reach the
    page's end."""
    found = directives(text)
    if "page-events" not in found or source.kind == "file":
        return None
    head, bar, pattern = found["page-events"].partition("|")
    carried = re.findall(r"\?(\w+)", head)
    names = set(re.findall(r"\?(\w+)", pattern))
    if not bar or not carried or not set(carried) <= names or any(name not in names for name in bindings):
        return None
    sequence, count_pattern, cap = _sequence(found, carried[0], source)
    total = _run(f"SELECT (COUNT(*) AS ?n) WHERE {{ {count_pattern} }}", source, {}, False)
    if not isinstance(total, SelectResult) or not total.rows or not isinstance(total.rows[0][0], ox.Literal):
        return None
    ranked, end = int(total.rows[0][0].value), offset + limit
    if ranked == 0:  # built before event ranks (or no events at all, where the plain query is cheap)
        return None
    columns = " ".join(f"?{name}" for name in carried)
    # Bound values filter the window's events rather than start the match: the ranks must.
    checks = " ".join(f"FILTER(sameTerm(?{name}, {term}))" for name, term in bindings.items())
    rows: list[list[Term | None]] = []
    variables: list[str] | None = None
    start = window = 0
    while start < ranked and len(rows) < end:
        if window >= EVENT_WINDOWS:
            return None
        size = min(cap, max(MIN_EVENT_WINDOW, end - len(rows)))
        ranks = " ".join(f'"{n}"^^<{_XSD}nonNegativeInteger>' for n in range(start, min(ranked, start + size)))
        start, window = start + size, window + 1
        events = _run(f"SELECT DISTINCT {columns} WHERE {{ VALUES ?{_EVENT_RANK} {{ {ranks} }} "
                      f"?{carried[0]} {sequence} ?{_EVENT_RANK} . {pattern} {checks} }}", source, {}, False)
        if not isinstance(events, SelectResult) or any(isinstance(t, ox.BlankNode) for row in events.rows for t in row):
            return None
        if not events.rows:
            continue
        part = _run(first_in_where(text, values_block(carried, events.rows)), source, bindings, False)
        if not isinstance(part, SelectResult):
            return None
        variables = part.variables
        rows.extend(part.rows)
    if variables is None:  # no event at all: the listing's columns, no rows
        empty = _run(first_in_where(text, values_block(carried, [])), source, bindings, False)
        if not isinstance(empty, SelectResult):
            return None
        variables = empty.variables
    return SelectResult(variables, rows[offset:end])


def _sequence(found: dict[str, str], event: str, source: "Source") -> tuple[str, str, int]:
    """The rank property an event page walks, the pattern that counts the ranks it may walk and
    the most ranks a window looks up: the listing's ``page-sequence`` where the store has it,
    else kg:eventRank (a store built before the sequence: the same rows, through more windows)."""
    name, bar, count = found.get("page-sequence", "kg:eventRank").partition("|")
    local = SEQUENCES.get(name.strip())
    if local is None:
        raise KgError(f"#+ page-sequence: {name.strip()} is not one of {', '.join(SEQUENCES)}")
    iri = f"<{_KG}{local}>"
    if local != "eventRank":
        present = _run(f"ASK {{ ?e {iri} ?r }}", source, {}, False)
        if isinstance(present, AskResult) and present.value:
            cap = min(KIND_WINDOW, EVENT_WINDOW) if local == "kindRank" else EVENT_WINDOW
            return iri, count.strip() if bar and count.strip() else f"?{event} {iri} ?r", cap
    return _EVENT_RANK_IRI, f"?e {_EVENT_RANK_IRI} ?r", EVENT_WINDOW


def with_prefixes(text: str) -> str:
    """kg's prefixes declared in front of the query, for those it does not declare itself."""
    own = declared_prefixes(text)
    missing = [f"PREFIX {p}: <{ns}>" for p, ns in KG_PREFIXES.items() if p not in own]
    return (" ".join(missing) + "\n" + text) if missing else text


# ---------------------------------------------------------------- running


def run(
    text: str,
    source: Source,
    bindings: dict[str, Term] | None = None,
    allow_update: bool = False,
    limit: int | None = None,
    offset: int | None = None,
) -> Result:
    """Run a query (or, with ``allow_update``, an update) against ``source``; ``limit`` and
    ``offset`` page it (``--limit/--offset``): by build-time ranks where the query allows it
    (``ranked_page``), else as a SPARQL LIMIT/OFFSET."""
    bindings = bindings or {}
    if limit is not None or offset is not None:
        paged = with_page(text, limit, offset)  # checks the page first, whichever way it runs
        if limit is not None:
            ranked = ranked_page(text, source, bindings, limit, offset or 0)
            if ranked is None:
                page = event_page(text, source, bindings, limit, offset or 0)
                if page is not None:
                    return _star_order(text, page)
            paged = ranked or paged
        text = paged
    result = _run(text, source, bindings, allow_update)
    return _star_order(text, result) if isinstance(result, SelectResult) else result


def _run(text: str, source: Source, bindings: dict[str, Term], allow_update: bool) -> Result:
    if source.kind == "endpoint":
        return _run_endpoint(text, source, bindings, allow_update)
    if source.kind == "file":
        store = ox.Store()
        quads = kgstore.read_quads(Path(source.location))
        store.extend(quads)
        try:
            return _run_local(store, text, bindings, source.default_graph)
        except _IsUpdate:
            raise KgError(
                f"{REFUSED_UPDATE}; a file given with --graph is never changed: load it with `kg load` first"
                if allow_update else REFUSED_UPDATE
            ) from None
    directory = Path(source.location)
    store = kgstore.open_store(directory, read_only=True)
    try:
        return _run_local(store, text, bindings, source.default_graph)
    except _IsUpdate:
        if not allow_update:
            raise KgError(REFUSED_UPDATE) from None
    del store
    if bindings:
        raise KgError("--bind works with queries, not updates")
    return _update_local(directory, text)


def _star_order(text: str, result: SelectResult) -> SelectResult:
    """For ``SELECT *``, columns in the order the variables first appear in the query."""
    toks = [tok.upper() for _, tok, _ in _tokens(text)]
    if "SELECT" not in toks:
        return result
    after = [tok for tok in toks[toks.index("SELECT") + 1:] if tok not in ("DISTINCT", "REDUCED")]
    if not after or after[0] != "*":
        return result
    first_seen: dict[str, int] = {}
    for kind, tok, _ in _tokens(text):
        if kind == "var":
            first_seen.setdefault(tok[1:], len(first_seen))
    order = sorted(range(len(result.variables)), key=lambda i: first_seen.get(result.variables[i], len(first_seen) + i))
    return SelectResult([result.variables[i] for i in order], [[row[i] for i in order] for row in result.rows])


class _IsUpdate(Exception):
    pass


def _run_local(store: ox.Store, text: str, bindings: dict[str, Term], default_graph: str | None) -> Result:
    options: dict[str, object] = {"prefixes": KG_PREFIXES}
    if default_graph is None:
        options["use_default_graph_as_union"] = True
    else:
        options["default_graph"] = kgstore.named_node(default_graph, "--default-graph")
    if bindings:
        options["substitutions"] = {ox.Variable(name): term for name, term in bindings.items()}
    try:
        answer = store.query(text, **options)  # type: ignore[arg-type]
        return _materialise(answer)
    except SyntaxError as error:
        if looks_like_update(text):
            raise _IsUpdate() from None
        raise KgError(f"query syntax error: {_one_line(str(error))}") from None
    except RuntimeError as error:
        raise KgError(_runtime_problem(str(error))) from None
    except OSError as error:
        raise KgError(f"query failed: {_one_line(str(error))}") from None


def _runtime_problem(message: str) -> str:
    match = re.search(r"variable \?(\w+) in its SELECT projection", message)
    if match:
        return f"--bind {match.group(1)}: ?{match.group(1)} is not in the query's SELECT list; a bound variable must be selected"
    return f"query failed: {_one_line(message)}"


def _materialise(answer: object) -> Result:
    if isinstance(answer, ox.QueryBoolean):
        return AskResult(bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        names = [v.value for v in answer.variables]
        return SelectResult(names, [[solution[i] for i in range(len(names))] for solution in answer])
    return GraphResult(list(answer))  # type: ignore[call-overload]


def _update_local(directory: Path, text: str) -> UpdateResult:
    store = kgstore.open_store(directory, read_only=False)
    before = len(store)
    try:
        store.update(text, prefixes=KG_PREFIXES)
        store.flush()
    except SyntaxError as error:
        raise KgError(f"update syntax error: {_one_line(str(error))}") from None
    except (OSError, RuntimeError) as error:
        raise KgError(f"update failed, store unchanged: {_one_line(str(error))}") from None
    return UpdateResult(f"update done: {directory} holds {len(store)} triples (was {before})")


def _classify(text: str) -> str:
    """SELECT/ASK/CONSTRUCT/DESCRIBE, or UPDATE, by parsing (no execution)."""
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parsed = parseQuery(text)
    except Exception as error:  # noqa: BLE001 - pyparsing and rdflib raise several kinds
        if looks_like_update(text):
            return "UPDATE"
        raise KgError(f"query syntax error: {_one_line(str(error))}") from None
    return str(parsed[1].name).replace("Query", "").upper()


def _selected(text: str) -> set[str] | None:
    """Variables a SELECT query projects, or None when that cannot be worked out."""
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        algebra = translateQuery(parseQuery(text)).algebra
        return {str(v) for v in algebra.get("PV", [])}
    except Exception:  # noqa: BLE001
        return None


def _run_endpoint(text: str, source: Source, bindings: dict[str, Term], allow_update: bool) -> Result:
    url = kgstore.check_url(source.location)
    url = kgstore.sparql_url_for(url) or url
    full = with_prefixes(text)
    form = _classify(full)
    credentials = kgstore.resolve_credentials(url, source.user, source.auth)
    if form == "UPDATE":
        if not allow_update:
            raise KgError(REFUSED_UPDATE)
        if bindings:
            raise KgError("--bind works with queries, not updates")
        reply = kgstore.sparql_post(url, full, accept="*/*", update=True, credentials=credentials, timeout=source.timeout)
        return UpdateResult(f"update done: {kgstore.redact_url(url)} answered HTTP {reply.status}")
    if form == "SELECT" and bindings:
        selected = _selected(full)
        for name in bindings:
            if selected is not None and name not in selected:
                raise KgError(_runtime_problem(f"variable ?{name} in its SELECT projection"))
    full = with_values(full, bindings)
    graph_form = form in ("CONSTRUCT", "DESCRIBE")
    accept = "application/n-triples, text/turtle;q=0.9" if graph_form else "application/sparql-results+json"
    reply = kgstore.sparql_post(url, full, accept=accept, default_graph=source.default_graph,
                                credentials=credentials, timeout=source.timeout)
    try:
        if graph_form:
            fmt = _rdf_format(reply.content_type)
            if fmt == ox.RdfFormat.RDF_XML and b"<!ENTITY" in reply.body[: 1 << 20]:
                raise KgError("the server answered RDF/XML with <!ENTITY> declarations; refused (entity expansion)")
            return GraphResult([q.triple for q in ox.parse(reply.body, format=fmt)])
        answer = _materialise(ox.parse_query_results(reply.body, format=_results_format(reply.content_type)))
        return _ask_answer(answer) if form == "ASK" else answer
    except (SyntaxError, ValueError) as error:
        raise KgError(f"{kgstore.redact_url(url)}: unreadable answer ({reply.content_type}): {_one_line(str(error))}") from None


def _ask_answer(answer: Result) -> Result:
    """Virtuoso 7 answers ASK in JSON as a one-column table ``__ASK_RETVAL``: read it as a boolean."""
    if isinstance(answer, SelectResult):
        values = [row[0] for row in answer.rows if row and row[0] is not None]
        return AskResult(any(term.value not in ("0", "false") for term in values if isinstance(term, ox.Literal)))
    return answer


def _rdf_format(content_type: str) -> ox.RdfFormat:
    kind = content_type.split(";")[0].strip().lower()
    return {
        "text/turtle": ox.RdfFormat.TURTLE,
        "application/rdf+xml": ox.RdfFormat.RDF_XML,
        "application/ld+json": ox.RdfFormat.JSON_LD,
        "application/n-quads": ox.RdfFormat.N_QUADS,
        "application/trig": ox.RdfFormat.TRIG,
    }.get(kind, ox.RdfFormat.N_TRIPLES)


def _results_format(content_type: str) -> ox.QueryResultsFormat:
    kind = content_type.split(";")[0].strip().lower()
    if kind in ("application/sparql-results+xml", "application/xml"):
        return ox.QueryResultsFormat.XML
    return ox.QueryResultsFormat.JSON


# ---------------------------------------------------------------- formatting


def compact(iri: str, prefixes: dict[str, str] = KG_PREFIXES) -> str:
    """``prefix:local`` for an IRI in a known namespace (longest match), else ``<iri>``."""
    best = ""
    for name, ns in prefixes.items():
        if iri.startswith(ns) and len(ns) > len(prefixes.get(best, "")):
            local = iri[len(ns):]
            if re.fullmatch(r"(?:[\w-][\w.-]*[\w-]|[\w-]?)", local):
                best = name
    return f"{best}:{iri[len(prefixes[best]):]}" if best else f"<{iri}>"


def display(term: Term | None) -> str:
    """A short, readable rendering of a term for tables."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        text = " ".join(term.value.split()) if "\n" in term.value or "\t" in term.value else term.value
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype.value in _PLAIN_TYPES:
            return text
        return f"{text}^^{compact(term.datatype.value)}"
    return str(term)


def format_result(result: Result, fmt: str = "table") -> str:
    """The text to print for a result in one of FORMATS."""
    if fmt not in FORMATS:
        raise KgError(f"--format: {fmt!r} is not one of {', '.join(FORMATS)}")
    if isinstance(result, UpdateResult):
        return result.message + "\n"
    if isinstance(result, AskResult):
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": result.value}) + "\n"
        if fmt in ("ttl", "nt"):
            raise KgError(f"--format {fmt}: an ASK query answers true or false; use table or json")
        return ("true" if result.value else "false") + "\n"
    if isinstance(result, GraphResult):
        return _format_graph(result, fmt)
    if fmt in ("ttl", "nt"):
        raise KgError(f"--format {fmt}: a SELECT query gives a table; use table, csv, tsv or json")
    return {"table": _table, "csv": _csv, "tsv": _tsv, "json": _json}[fmt](result)


def _table(result: SelectResult) -> str:
    cells = [[display(term) for term in row] for row in result.rows]
    header = result.variables
    widths = [max([len(name)] + [len(row[i]) for row in cells]) for i, name in enumerate(header)]

    def line(values: list[str]) -> str:
        return "  ".join(value.ljust(width) for value, width in zip(values, widths)).rstrip()

    out = [line(header), line(["-" * width for width in widths])]
    out.extend(line(row) for row in cells)
    count = len(cells)
    out.append(f"({count} row{'s' if count != 1 else ''})")
    return "\n".join(out) + "\n"


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, (ox.NamedNode, ox.BlankNode)):
        return term.value if isinstance(term, ox.NamedNode) else f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def _csv(result: SelectResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    writer.writerows([[_csv_value(term) for term in row] for row in result.rows])
    return buffer.getvalue()


def _tsv(result: SelectResult) -> str:
    lines = ["\t".join(f"?{name}" for name in result.variables)]
    lines.extend("\t".join("" if term is None else str(term) for term in row) for row in result.rows)
    return "\n".join(lines) + "\n"


def _json_term(term: Term) -> dict[str, object]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _XSD + "string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": str(term)}


def _json(result: SelectResult) -> str:
    bindings = [
        {name: _json_term(term) for name, term in zip(result.variables, row) if term is not None}
        for row in result.rows
    ]
    document = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False) + "\n"


def _format_graph(result: GraphResult, fmt: str) -> str:
    triples = sorted(set(result.triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    if fmt in ("csv", "tsv"):
        raise KgError(f"--format {fmt}: CONSTRUCT and DESCRIBE give triples; use table (Turtle), ttl, nt or json (JSON-LD)")
    if fmt == "nt":
        return (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
    if fmt == "json":
        return (ox.serialize(triples, format=ox.RdfFormat.JSON_LD) or b"[]").decode("utf-8") + "\n"
    used = {p: ns for p, ns in KG_PREFIXES.items() if any(ns in str(t) for t in triples)}
    return (ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=used) or b"").decode("utf-8")


def _one_line(text: str) -> str:
    return " ".join(text.split())
