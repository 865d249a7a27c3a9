"""Relations and events from a parsed spaCy ``Doc``, as plain dataclasses.

Everything here reads the dependency parse, the entity spans set by the gazetteer ruler and the
statistical NER, and the word lists in ``data/lexicon.yaml``. It returns plain data (no spaCy
objects), so it survives ``nlp.pipe(n_process=N)``.

The modules, by role (``Extractor`` combines the mixins; each reads ``ExtractorState``):

- ``data``: the output dataclasses (``Mention``, ``Event``, ``Fact``, ``Extraction``);
- ``lexicon``: the word lists and YAML loading;
- ``tokens``: dependency and entity label sets, the read-once entity ``Ent``, word forms;
- ``state``: what one pass reads once from the ``Doc`` and builds up, and shared lookups;
- ``arguments``: the mentions an argument token refers to (names, containers, places);
- ``generic_nouns``: "Russian jets", "Iranian-backed militias": whose, and what kind;
- ``clauses``: subjects, objects, passive agents, prepositional objects;
- ``context``: denials, threats, questions, headlines (blocking) and pronoun antecedents;
- ``participants``: agents, targets and places of a trigger;
- ``triggers``: verb and noun triggers of the core relations;
- ``secondary``: controls, allyOf, leaderOf, locatedIn, … and the firing/sending verbs;
- ``details``: dates, casualties, means, headcounts, reporters;
- ``extractor``: ``Extractor.run`` over the tokens, ``add_event``, ``add_fact``, ``extract``.
"""
from __future__ import annotations

from kg.extraction.data import CORE, Event, Extraction, Fact, Mention, iter_core
from kg.extraction.details import casualties, parse_number
from kg.extraction.extractor import Extractor, extract
from kg.extraction.lexicon import LEXICON_PATH, Lexicon, load_lexicon, read_yaml

__all__ = [
    "CORE", "LEXICON_PATH", "Event", "Extraction", "Extractor", "Fact", "Lexicon", "Mention",
    "casualties", "extract", "iter_core", "load_lexicon", "parse_number", "read_yaml",
]
