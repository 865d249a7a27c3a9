"""Lists of place names printed without commas, split into one entity per place.

Some outlets' copy reaches kg with its commas stripped (FA-KES keeps none): "the villages of Jub
Ghabsheh Eibed Souran Tal Alam Deir Qaq Sarjeh and al-Zaalaneh". The small NER reads such a run
as one or two odd entities ("Jub Ghabsheh" ORG, "Maan Tayyebet al-Esm al-Shaata Karah" PERSON),
and the parser makes "Deir" and "Sarjeh" sentence roots, cutting the list from its trigger and
agent. In a text with under one comma in 200 words, a run of three or more capitalised words
that a plural place noun introduces ("villages of", "hilltops including") or closes ("… and
al-Sakhour neighbourhoods") is

1. kept in one sentence (``ListSentences``, before the parser);
2. split into names (``NameListSplitter``, after the NER): a name the gazetteer matched stays as
   it is; "al-X", "al X" and "alX" are one word; a generic word of Arabic place names ("Beit",
   "Tal", "Jabal", "Deir", "Kafr"… ``name_prefixes`` in the lexicon) opens a name with the word
   after it; every other capitalised word is a name of its own. Each new name is a GPE entity
   with no gazetteer id (canonicalisation mints its id);
3. parsed as the list it is (``relink``): the first name takes the run's attachment, the others
   are its conjuncts.

A text with commas is left to the NER (there a run without commas is one name: "Campo Dos"),
and so is a run under no place noun ("Abu Bakr al-Baghdadi").
"""
from __future__ import annotations

from pathlib import Path

import numpy
from spacy.attrs import DEP, HEAD
from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from kg.extraction import LEXICON_PATH, load_lexicon

ARTICLES = frozenset({"al", "el", "ad", "ar", "as", "at", "az", "ash", "ath", "an", "al-", "el-"})
MIN_NAMES = 3  # a comma-less list of two ("A and B") is read well by the parser
MIN_WORDS = 40  # too short a text to tell whether its commas were stripped
COMMA_WORDS = 200  # stripped: under one comma in 200 words


def name_word(token: Token) -> bool:
    """A word of a place name, read from its text alone (this runs before the parser): capitalised
    and no stop word, or an Arabic article ("al", "alKhadar")."""
    text = token.text
    if token.lower_ in ARTICLES:
        return True
    if not token.is_alpha:
        return False
    return (text[:1].isupper() and not token.is_stop) or (len(text) > 3 and text[:2].lower() == "al" and text[2].isupper())


def joiner(doc: Doc, i: int) -> bool:
    """A hyphen inside "al-Zaalaneh"."""
    return doc[i].text == "-" and not doc[i].whitespace_ and i > 0 and not doc[i - 1].whitespace_


def run_end(doc: Doc, start: int) -> int:
    """End of the run of name words from ``start``, with one "and" before a last name."""
    limit = len(doc)
    i = start
    while i < limit and (name_word(doc[i]) or joiner(doc, i)):
        i += 1
    if i + 1 < limit and doc[i].lower_ == "and" and name_word(doc[i + 1]):
        i += 1
        while i < limit and (name_word(doc[i]) or joiner(doc, i)):
            i += 1
    while i > start and (doc[i - 1].text == "-" or doc[i - 1].lower_ in ARTICLES or doc[i - 1].lower_ == "and"):
        i -= 1
    return i


def stripped_commas(doc: Doc) -> bool:
    """Was this copy stripped of its commas? English news prints one every 20 words or so;
    FA-KES's copy has none. Elsewhere a run without commas is a name, not a list."""
    words = sum(1 for t in doc if t.is_alpha)
    return words >= MIN_WORDS and sum(1 for t in doc if t.text == ",") * COMMA_WORDS < words


def list_runs(doc: Doc, cues: frozenset[str]) -> list[tuple[int, int]]:
    """Token ranges of the runs of name words that a plural place noun introduces ("villages
    of", "hilltops including") or closes ("… and al-Sakhour neighbourhoods"), three words at least."""
    out: list[tuple[int, int]] = []
    if not stripped_commas(doc):
        return out
    i = 0
    while i < len(doc):
        if not name_word(doc[i]) or doc[i].lower_ in ARTICLES and i > 0 and name_word(doc[i - 1]):
            i += 1
            continue
        end = run_end(doc, i)
        words = sum(1 for k in range(i, end) if doc[k].is_alpha and doc[k].lower_ not in ARTICLES and doc[k].lower_ != "and")
        before = i >= 2 and doc[i - 1].lower_ in ("of", "including", "like") and doc[i - 2].lower_ in cues
        after = end < len(doc) and doc[end].lower_ in cues
        if words >= MIN_NAMES and (before or after):
            out.append((i, end))
        i = max(end, i + 1)
    return out


def relink(doc: Doc, start: int, end: int, names: list[tuple[int, int]]) -> None:
    """Parse the run as the list it is, as the parser reads one with commas: the first name takes
    the run's attachment ("villages of" → pobj), every other name is its ``conj``, a name's words
    are ``compound`` to its last, "and" is ``cc``. Left as parsed if the result is no tree."""
    heads = [t.head.i for t in doc]
    deps = [t.dep_ for t in doc]
    inside = range(start, end)
    attached = [i for i in inside if heads[i] not in inside or heads[i] == i]
    if not attached:
        return
    first = attached[0]
    roots = [b - 1 for _, b in names]
    top = roots[0]
    new_heads, new_deps = list(heads), list(deps)
    new_heads[top], new_deps[top] = (top if heads[first] == first else heads[first]), deps[first]
    named = set()
    for (a, b), root in zip(names, roots):
        named.update(range(a, b))
        for k in range(a, b - 1):
            new_heads[k], new_deps[k] = root, ("punct" if doc[k].text == "-" else "compound")
        if root != top:
            new_heads[root], new_deps[root] = top, "conj"
    for k in inside:
        if k not in named:  # "and"
            new_heads[k], new_deps[k] = top, "cc"
    reparse(doc, new_heads, new_deps, doc[start].sent.start, doc[start].sent.end)


def reparse(doc: Doc, heads: list[int], deps: list[str], start: int, end: int) -> bool:
    """Give the doc these heads and labels if the sentence [start, end) stays a tree."""
    if not _is_tree(heads, start, end):
        return False
    array = numpy.zeros((len(doc), 2), dtype="uint64")
    array[:, 0] = numpy.array([h - i for i, h in enumerate(heads)], dtype="int64").astype("uint64")
    array[:, 1] = [doc.vocab.strings.add(d) for d in deps]
    doc.from_array([HEAD, DEP], array)
    return True


def _is_tree(heads: list[int], start: int, end: int) -> bool:
    """One root in the sentence and no cycle."""
    if sum(1 for i in range(start, end) if heads[i] == i) != 1:
        return False
    for i in range(start, end):
        seen, k = 0, i
        while heads[k] != k:
            k = heads[k]
            seen += 1
            if seen > end - start or not start <= k < end:
                return False
    return True


class ListSentences:
    """Before the parser: no sentence starts inside a list run. The parser, lost in a run of
    unknown names, made "Deir" and "Sarjeh" roots and cut list, trigger and agent apart."""

    def __init__(self, lexicon_path: str = "") -> None:
        self.cues = load_lexicon(Path(lexicon_path) if lexicon_path else LEXICON_PATH).word_set("name_list_nouns")

    def __call__(self, doc: Doc) -> Doc:
        for start, end in list_runs(doc, self.cues):
            for token in doc[start + 1:end]:
                if token.is_sent_start is None:
                    token.is_sent_start = False
        return doc


class NameListSplitter:
    """After the NER: one GPE entity per name of each comma-less list."""

    def __init__(self, lexicon_path: str = "") -> None:
        lexicon = load_lexicon(Path(lexicon_path) if lexicon_path else LEXICON_PATH)
        self.prefixes = lexicon.word_set("name_prefixes")
        self.cues = lexicon.word_set("name_list_nouns")

    def __call__(self, doc: Doc) -> Doc:
        found: list[Span] = []
        for start, end in list_runs(doc, self.cues):
            names = self.segment(doc, start, end)
            if len(names) >= MIN_NAMES:
                found.extend(Span(doc, a, b, label="GPE") for a, b in names if not self.known(doc, a, b))
                relink(doc, start, end, names)
        if not found:
            return doc
        covered = {i for span in found for i in range(span.start, span.end)}
        # The NER's readings of the run give way; gazetteer names were kept whole by ``segment``.
        keep = [e for e in doc.ents if e.ent_id_ or not any(i in covered for i in range(e.start, e.end))]
        doc.ents = filter_spans(keep + found)
        new = {(span.start, span.end) for span in found}
        for ent in doc.ents:  # a new name is no gazetteer entry ("al-Mashhad" is not Mashhad)
            if (ent.start, ent.end) in new:
                for token in ent:
                    token.ent_id_ = ""
        return doc

    # -- names --

    def words(self, doc: Doc, start: int, end: int) -> list[tuple[int, int]]:
        """Token ranges of words: "al - Zaalaneh" and "al Rahmaliya" are one word; a gazetteer
        name is one word."""
        out: list[tuple[int, int]] = []
        i = start
        while i < end:
            token = doc[i]
            if token.ent_id_ and token.ent_iob_ == "B":
                j = i + 1
                while j < end and doc[j].ent_iob_ == "I":
                    j += 1
                out.append((i, j))
                i = j
                continue
            j = i + 1
            if token.lower_ in ARTICLES:
                while j < end and joiner(doc, j):
                    j += 1
                if j < end:  # "al-Mashhad" is not the gazetteer's Mashhad
                    j += 1
                    while j < end and doc[j].ent_id_ and doc[j].ent_iob_ == "I":
                        j += 1
            out.append((i, j))
            i = j
        return out

    def segment(self, doc: Doc, start: int, end: int) -> list[tuple[int, int]]:
        names: list[tuple[int, int]] = []
        words = [w for w in self.words(doc, start, end) if doc[w[0]].lower_ != "and"]
        k = 0
        while k < len(words):
            a, b = words[k]
            if b - a == 1 and doc[a].lower_ in self.prefixes and k + 1 < len(words):
                b = words[k + 1][1]
                k += 1
            names.append((a, b))
            k += 1
        return names

    @staticmethod
    def known(doc: Doc, start: int, end: int) -> bool:
        """A gazetteer name: already an entity with an id."""
        return all(doc[i].ent_id_ for i in range(start, end)) and doc[start].ent_iob_ == "B"


@Language.factory("kg_name_list_sentences", default_config={"lexicon_path": ""})
def make_list_sentences(nlp: Language, name: str, lexicon_path: str) -> ListSentences:
    return ListSentences(lexicon_path)


@Language.factory("kg_name_lists", default_config={"lexicon_path": ""})
def make_name_list_splitter(nlp: Language, name: str, lexicon_path: str) -> NameListSplitter:
    return NameListSplitter(lexicon_path)
