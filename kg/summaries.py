"""Corpus-wide summaries of the relation triples: per (s, p, o), how many articles and sentences
state it, the first and last article date among them, and which statements (one per relation
an article states: its article, sentence and trigger) back it, so that ``kg.rdf`` can number
every statement in the order evidence listings use and a page of evidence is an index lookup.

Queries over a large store read these instead of grouping every ``kg:Assertion``. They are part
of the corpus-wide (reduce) step of a build: each article's relations are folded in with
``add``, partial summaries of disjoint sets of articles combine with ``merge`` (in any order:
counts add, dates take the minimum and maximum), and ``kg.rdf.add_relation_summaries`` writes
the result. No ontology IRIs here: ``kg.rdf`` is the only writer.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from kg.resolve import DocumentResult

Triple = tuple[str, str, str]  # entity id, relation name, entity id
Statement = tuple[str, tuple[int, int], tuple[int, int]]  # article id, sentence span, trigger span


@dataclass
class RelationSummary:
    """One relation triple across the corpus."""

    articles: int = 0
    sentences: int = 0  # distinct evidence spans (one kg:Evidence node each)
    first: dt.date | None = None
    last: dt.date | None = None
    statements: set[Statement] = field(default_factory=set)

    def fold(self, sentences: int, date: dt.date | None, statements: Iterable[Statement] = ()) -> None:
        """One more article, with its number of distinct sentences, its date and its statements."""
        self.articles += 1
        self.sentences += sentences
        self._dates(date, date)
        self.statements.update(statements)

    def merge(self, other: RelationSummary) -> None:
        self.articles += other.articles
        self.sentences += other.sentences
        self._dates(other.first, other.last)
        self.statements |= other.statements

    def _dates(self, first: dt.date | None, last: dt.date | None) -> None:
        if first is not None and (self.first is None or first < self.first):
            self.first = first
        if last is not None and (self.last is None or last > self.last):
            self.last = last


class RelationSummaries:
    """Summaries of every relation triple seen so far; each article must be added once."""

    def __init__(self) -> None:
        self.items: dict[Triple, RelationSummary] = {}

    def add(self, result: DocumentResult) -> None:
        """Fold in one article's relations: it counts once per triple it states, with its
        distinct evidence sentences (the same sentence stating a triple twice is one)."""
        spans: dict[Triple, set[tuple[int, int]]] = {}
        statements: dict[Triple, set[Statement]] = {}
        for relation in result.relations:
            triple = (relation.subject, relation.predicate, relation.object)
            spans.setdefault(triple, set()).add(relation.sentence)
            statements.setdefault(triple, set()).add((relation.doc_id, relation.sentence, relation.trigger_span))
        for triple, sentences in spans.items():
            summary = self.items.get(triple)
            if summary is None:
                summary = self.items[triple] = RelationSummary()
            summary.fold(len(sentences), result.document.date, statements[triple])

    def merge(self, other: RelationSummaries) -> None:
        """Combine with the summaries of a disjoint set of articles."""
        for triple, theirs in other.items.items():
            mine = self.items.get(triple)
            if mine is None:
                self.items[triple] = RelationSummary(theirs.articles, theirs.sentences, theirs.first, theirs.last, set(theirs.statements))
            else:
                mine.merge(theirs)

    def __iter__(self) -> Iterator[tuple[Triple, RelationSummary]]:
        """In sorted triple order (the output does not depend on the order articles came in)."""
        return iter(sorted(self.items.items()))

    def __len__(self) -> int:
        return len(self.items)


def summarise(results: Iterable[DocumentResult]) -> RelationSummaries:
    """The summaries of a set of articles (each once)."""
    summaries = RelationSummaries()
    for result in results:
        summaries.add(result)
    return summaries
