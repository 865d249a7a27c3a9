"""Compatibility: the relation extractor now lives in the ``kg.extraction`` package, split by
role. The names other modules import from ``kg.extract`` are re-exported here unchanged."""
from __future__ import annotations

from kg.extraction import (
    CORE,
    LEXICON_PATH,
    Event,
    Extraction,
    Extractor,
    Fact,
    Lexicon,
    Mention,
    casualties,
    extract,
    iter_core,
    load_lexicon,
    parse_number,
    read_yaml,
)

__all__ = [
    "CORE", "LEXICON_PATH", "Event", "Extraction", "Extractor", "Fact", "Lexicon", "Mention",
    "casualties", "extract", "iter_core", "load_lexicon", "parse_number", "read_yaml",
]
