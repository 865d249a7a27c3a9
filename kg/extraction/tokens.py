"""What every rule shares about tokens: label sets, the read-once entity ``Ent``, word forms."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Span, Token


# Entity labels that never name an actor or a place.
SKIP_ENT_LABELS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT", "LANGUAGE", "LAW", "WORK_OF_ART", "PRODUCT", "EVENT"}
PLACE_LABELS = {"GPE", "LOC", "FAC"}
ACTOR_LABELS = frozenset({"ORG", "PERSON", "NORP", "GPE"})  # entity labels that may name who acts
SUBJECTS = {"nsubj", "csubj"}
PASSIVE_SUBJECTS = {"nsubjpass", "csubjpass"}
OBJECTS = {"dobj", "obj"}
RELATIVE = {"which", "that", "who", "whom", "whose"}
PRONOUNS = {"they", "them", "their", "it", "its", "he", "his", "she", "her", "we", "our", "us", "i", "my"}
# Container nouns that name a kind of place ("the town of X"), for locatedIn.
PLACE_NOUNS = {"town", "city", "village", "province", "region", "district", "governorate", "oblast"}


@dataclass(frozen=True, slots=True)
class Ent:
    """An entity span's attributes, read once: ``Span`` recomputes ``root``, ``text`` and the
    label strings on every access. Named like ``Span``'s so the rules read the same."""

    start: int
    end: int
    start_char: int
    end_char: int
    text: str
    label_: str
    ent_id_: str
    root: Token

    @classmethod
    def of(cls, span: Span, doc_text: str) -> "Ent":
        return cls(span.start, span.end, span.start_char, span.end_char, doc_text[span.start_char:span.end_char], span.label_, span.ent_id_, span.root)


def is_pronoun(token: Token) -> bool:
    """A personal pronoun ("they", "its"), not the name "US"."""
    return token.lower_ in PRONOUNS and token.pos_ == "PRON"


def lemma_forms(token: Token) -> set[str]:
    """The lemma plus naive stems of the word, since the small model mislemmatises some verbs
    ("staged" → "stag")."""
    return set(word_forms(token.lemma_.lower(), token.lower_)[0])


@lru_cache(maxsize=1 << 16)
def word_forms(lemma: str, lower: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """``lemma_forms`` of a word from its lowercased lemma and form, as a set and sorted: a pure
    function of two strings, so computed once per word rather than once per token."""
    forms = {lemma, lower}
    for suffix, replacement in (("ied", "y"), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"), ("es", ""), ("s", "")):
        if lower.endswith(suffix) and len(lower) > len(suffix) + 2:
            stem = lower[: -len(suffix)] + replacement
            forms.add(stem)
            if len(stem) > 3 and stem[-1] == stem[-2] and replacement == "":
                forms.add(stem[:-1])  # "stepped" → "step"
    return frozenset(forms), tuple(sorted(forms))
