"""Event details: date, casualties, means, headcounts and who reported it.

The sentence-level ones (casualty counts, dates, "with cluster bombs", "according to") are read
once per sentence by ``sentence_facts``, which also notes whether the sentence is a question or
a headline for the context filters."""
from __future__ import annotations

import itertools
import re
from bisect import bisect_left
from functools import lru_cache
from typing import Any

from spacy.tokens import Span, Token

from kg.extraction.data import Mention
from kg.extraction.lexicon import Lexicon, load_lexicon
from kg.extraction.state import ExtractorState
from kg.extraction.tokens import Ent, is_pronoun


# "two days", "recent months", "the second day": spans, not the date of an event.
DURATION = re.compile(r"\S*year-old|(?:the |about |some |nearly |over |the past |past |recent |several |many |a few )*(?:\w+ )?(?:days?|weeks?|months?|years?|hours?|decades?)")

# Casualty counts: numbers as digits or words, found by two regexes built from the lexicon.
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "a hundred": 100,
}


def parse_number(text: str) -> int | None:
    """"25", "1,500", "40.000" (European thousands), "four", "3 million"."""
    text = text.strip().lower()
    scale = 1
    for word, factor in (("million", 1_000_000), ("thousand", 1_000)):
        if text.endswith(" " + word):
            text, scale = text[: -len(word) - 1].strip(), factor
    if text in _NUMBER_WORDS:
        return _NUMBER_WORDS[text] * scale
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", text):
        return int(re.sub(r"[.,]", "", text)) * scale
    if re.fullmatch(r"\d+", text):
        return int(text) * scale
    if re.fullmatch(r"\d+\.\d+", text) and scale > 1:
        return int(float(text) * scale)
    return None


@lru_cache(maxsize=1)
def _casualty_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    lexicon = load_lexicon()
    qualifiers = "|".join(sorted((re.escape(q) for q in lexicon.raw["count_qualifiers"]), key=len, reverse=True))
    vague = "|".join(lexicon.raw["vague_counts"])
    number = r"(?:\d{1,3}(?:[.,]\d{3})+|\d+(?:\.\d+)?(?:\s+(?:million|thousand))?|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + ")"

    def count(i: int) -> str:
        return rf"(?P<q{i}>{qualifiers})?\s*(?P<n{i}>{number}|{vague})"

    noun = r"(?:\s+[\w-]+){0,3}?"
    killed = re.compile(
        rf"\b{count(1)}{noun}\s+(?:(?:people|civilians|persons|soldiers|fighters|children)\s+)?(?:were|have been|had been|was|are|being)?\s*(?:killed|dead|died|slain|massacred)\b"
        rf"|\bkill(?:ed|ing)\s+{count(2)}\b|\bdeath toll\b[^.]{{0,60}}?\b(?:to|at|of)\s+{count(3)}",
        re.IGNORECASE,
    )
    injured = re.compile(
        rf"\b{count(1)}{noun}\s+(?:(?:people|civilians|others|persons)\s+)?(?:were|have been|had been|was|are)?\s*(?:injured|wounded|hurt)\b"
        rf"|\b(?:injur|wound)(?:ed|ing)\s+{count(2)}\b|\band\s+{count(3)}\s+(?:injured|wounded)\b",
        re.IGNORECASE,
    )
    return killed, injured


# Words every alternative of the killed / injured patterns contains: without one, neither can match.
_KILLED_CUE = re.compile(r"kill|dead|died|slain|massacred|death toll", re.IGNORECASE)
_INJURED_CUE = re.compile(r"injur|wound|hurt", re.IGNORECASE)


def casualties(sentence: str, lexicon: Lexicon | None = None) -> dict[str, Any]:
    """Killed and injured counts with their qualifier, from one sentence."""
    killed_re, injured_re = _casualty_patterns()
    out: dict[str, Any] = {}
    for name, pattern, cue in (("killed", killed_re, _KILLED_CUE), ("injured", injured_re, _INJURED_CUE)):
        if not cue.search(sentence):
            continue  # cheap test first: most sentences have no casualty word at all
        match = pattern.search(sentence)
        if not match:
            continue
        groups = {k: v for k, v in match.groupdict().items() if v}
        raw_number = next((v for k, v in sorted(groups.items()) if k.startswith("n")), None)
        qualifier = next((v for k, v in sorted(groups.items()) if k.startswith("q")), None)
        if raw_number is None:
            continue
        value = parse_number(raw_number)
        if value is None:
            out[f"{name}_qualifier"] = raw_number.lower()
        else:
            out[name] = value
            if qualifier:
                out[f"{name}_qualifier"] = qualifier.lower()
    return out


class DetailsMixin(ExtractorState):
    """Per-sentence facts and the details of each event.

    Calls on ``self`` that this class does not define reach the other roles' mixins through
    ``Extractor``."""

    def sentence_facts(self, index: int) -> dict[str, Any]:
        """Per-sentence work done once, however many triggers the sentence holds."""
        facts = self._sentence_cache.get(index)
        if facts is None:
            sent = self.sentences[index]
            text = self.text[sent.start_char:sent.end_char]
            facts = {
                "question": text.rstrip().endswith("?"),
                "headline": index == 0 or (len(text.strip()) < 160 and text.strip()[-1:] not in ".!?\"'"),
                "casualties": casualties(text, self.lex),
                "dates": [e for e in self.ents_within(sent) if e.label_ == "DATE" and (e.text.lower().startswith(("last ", "this ", "next ")) or not DURATION.fullmatch(e.text.lower()))],
                "means": self.sentence_means(sent),
                "according": self.according_to(sent),
            }
            self._sentence_cache[index] = facts
        return facts

    def ents_within(self, sent: Span) -> list[Ent]:
        """``Span.ents`` over the entities read once: those that start in the span, up to the
        first one that runs past its end."""
        found = []
        for ent in itertools.islice(self.ents, bisect_left(self.ent_starts, sent.start), None):
            if ent.end > sent.end:
                break
            found.append(ent)
        return found

    def details(self, trigger: Token, sent: Span) -> dict[str, Any]:
        facts = self.sentence_facts(self.sent_of.get(trigger.i, 0))
        out: dict[str, Any] = {"date_text": self.date_text(trigger, facts["dates"])}
        out.update(facts["casualties"])
        out["means"] = tuple(self.means(trigger, facts["means"]))
        out["reported_by"] = tuple(self.reporters(trigger, facts["according"]))
        return out

    def date_text(self, trigger: Token, dates: list[Span]) -> str | None:
        if not dates:
            return None
        clause = trigger.head if trigger.dep_ != "ROOT" else trigger
        low, high = clause.left_edge.i, clause.right_edge.i
        near = [e for e in dates if low <= e.start <= high] or dates
        best = min(near, key=lambda e: abs(e.start - trigger.i))
        return best.text

    def sentence_means(self, sent: Span) -> list[str]:
        """"with cluster bombs", "using missiles, barrel bombs and heavy machine guns"."""
        found = []
        for token in self.tokens[sent.start:sent.end]:
            if token.dep_ == "pobj" and token.head.lower_ in ("with", "using") and self.lemma(token) in self.weapon_means:
                found.append(" ".join(t.text for t in token.subtree if t.dep_ not in ("det", "prep", "pobj") or t is token).strip())
            if token.dep_ in ("conj",) and token.head.dep_ == "pobj" and token.head.head.lower_ in ("with", "using"):
                found.append(token.text)
        return found

    def means(self, trigger: Token, in_sentence: list[str]) -> list[str]:
        found = list(in_sentence)
        for child in trigger.children:
            if child.dep_ == "compound" and self.lemma(child) in self.air and self.lemma(child) not in ("strike", "airstrike"):
                found.append(f"{child.text} {trigger.text}".lower())
        return sorted(set(found))

    def according_to(self, sent: Span) -> list[int]:
        found: list[int] = []
        for token in self.tokens[sent.start:sent.end]:
            if token.lower_ == "according" and token.i + 1 < len(self.tokens) and self.tokens[token.i + 1].lower_ == "to":
                for pobj in self.tokens[token.i + 1].children:
                    if pobj.dep_ == "pobj":
                        found.extend(self.reporter_args(pobj))
        return found

    def reporters(self, trigger: Token, according: list[int]) -> list[int]:
        found: list[int] = []
        current = trigger
        for _ in range(8):
            if self.lemma(current) in self.reporting and current is not trigger and current.pos_ == "VERB":
                subj, _ = self.subject_tokens(current)
                for item in subj:
                    if not is_pronoun(item):
                        found.extend(self.reporter_args(item))
                break
            if current.head.i == current.i:
                break
            current = current.head
        return list(dict.fromkeys(found + according))

    def reporter_args(self, token: Token) -> list[int]:
        mentions = self.args(token)
        if mentions:
            return mentions
        # "army sources", "rescuers at the scene": keep the words themselves as the reporter.
        if token.pos_ in ("NOUN", "PROPN"):
            words = [t for t in token.subtree if t is token or t.dep_ not in ("det", "punct", "prep", "pobj", "acl", "relcl")]
            start, end = words[0].idx, words[-1].idx + len(words[-1].text)
            return [self.add_mention(Mention(start, end, self.text[start:end], "group", head="source", phrase=self.text[start:end].lower()))]
        return []

    def headcount(self, tokens: list[Token]) -> tuple[int | None, str | None]:
        """"40.000 of rebels", "about 300 civilians", "thousands": how many, and how sure."""
        qualifiers = [q.split() for q in self.lex.raw["count_qualifiers"]]
        for token in tokens:
            number = token if token.like_num else next((c for c in token.children if c.dep_ == "nummod"), None)
            if number is None:
                if token.lower_ in self.lex.word_set("vague_counts"):
                    return None, token.lower_
                continue
            text = " ".join(t.text for t in number.subtree if t.like_num or t.lower_ in ("million", "thousand"))
            value = parse_number(text or number.text)
            before = [t.lower_ for t in self.doc[max(number.left_edge.i - 3, 0):number.left_edge.i + 1] if not t.like_num]
            qualifier = next((" ".join(q) for q in qualifiers if before[-len(q):] == q), None)
            return value, qualifier
        return None, None
