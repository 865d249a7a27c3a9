"""Candidate argument pairs for the learned relation scorer (``kg.scorer``).

A candidate is an ordered (subject, object) pair of mentions that may hold a core relation:
every actor-like subject with every actor or place object in the same sentence, plus the
*implicit* pairs: when a sentence has a trigger word but no agent before it, the previous
sentence's actor mentions with this sentence's objects ("They raided the town of X").

Mentions are a plain list of ``kg.extraction.Mention`` (``mention_layer``): the rule extractor's own
mentions first, with their indices unchanged, then what it did not make: the remaining named
entities (``doc.ents``) and the force/group/civilian nouns ("Russian jets", "the militants"),
read with the extractor's own ``generic`` rule so that owners, backers and "the group" anaphora
resolve as they do for the rules. Any other mention layer can be passed in instead, as long as
it keeps the rule mentions' indices.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from spacy.tokens import Doc, Span, Token

from kg import gazetteer as gaz
from kg.bridge import to_rule_mention
from kg.coref import is_anchor_pronoun, pronoun_anchors
from kg.extraction import Extraction, Extractor, Mention, load_lexicon
from kg.extraction.tokens import ACTOR_LABELS, SKIP_ENT_LABELS
from kg.mentions import detect_mentions
from kg.resolve import attacker_heads

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
MAX_PER_SENTENCE = 16  # arguments kept per sentence (by order): bounds pairs on list-like sentences
# Which open mentions (kg.mentions) join the layer: "off", or one that no layer mention of the same
# kind overlaps ("kind"), none at all overlaps ("any"), or none has the same span ("exact").
OPEN_POLICY = "kind"


@dataclass(frozen=True)
class Arg:
    """One argument slot: a mention and where the sentence names it (its anchor tokens)."""

    mention: int  # index into the mention list
    start: int  # anchor token range [start, end) in the Doc
    end: int
    sentence: int


@dataclass(frozen=True)
class Candidate:
    subject: Arg
    object: Arg
    sentence: int  # the sentence the relation is read from (the object's)
    cross: bool  # subject taken from the previous sentence (implicit tier)


@lru_cache(maxsize=2)
def _gazetteer(path: str) -> gaz.Gazetteer:
    return gaz.load(gaz.default_path() if not path else Path(path))


@lru_cache(maxsize=2)
def _gazetteer_sets(path: str) -> tuple[dict[str, str], frozenset[str], frozenset[str], frozenset[str]]:
    gazetteer = _gazetteer(path)
    return (gazetteer.demonyms, *gazetteer.id_sets())


def make_extractor(doc: Doc, gazetteer_path: str = "") -> Extractor:
    """A rule ``Extractor`` over ``doc``, configured as the ``kg_relations`` component is."""
    demonyms, groups, actors, places = _gazetteer_sets(gazetteer_path)
    return Extractor(doc, load_lexicon(), demonyms, groups, actors, places)


def use_mentions(extractor: Extractor, mentions: Sequence[Mention]) -> None:
    """Give ``extractor`` these mentions, indices kept, so that the mentions it adds later
    (``add_mention``) come after them and a mention already there keeps its index."""
    extractor.mentions = list(mentions)
    extractor.mention_index = {m: i for i, m in enumerate(extractor.mentions)}


@dataclass
class MentionLayer:
    """Mentions (rule mentions first, same indices) and extra anchors: (mention, token start,
    token end) where a word refers to a mention named elsewhere ("the group" → its antecedent)."""

    mentions: list[Mention]
    anchors: list[tuple[int, int, int]]


def mention_layer(doc: Doc, extraction: Extraction, extractor: Extractor | None = None, open_policy: str | None = None) -> MentionLayer:
    """The rule mentions (same indices) plus named entities and force/group nouns they lack,
    then the open mentions (``kg.mentions``) the layer lacks (see ``add_open_mentions``)."""
    ex = extractor or make_extractor(doc)
    use_mentions(ex, extraction.mentions)
    by_start = {(m.start, m.kind): i for i, m in enumerate(ex.mentions)}
    for ent in ex.ents:  # the extractor's named() keys mentions by entity start
        if ent.label_ not in SKIP_ENT_LABELS:
            start = ent.start_char + 4 if ent.text.lower().startswith("the ") else ent.start_char
            if (start, "named") in by_start:
                ex._named[ent.start] = by_start[(start, "named")]
    for ent in ex.ents:
        if ent.label_ not in SKIP_ENT_LABELS:
            try:
                ex.named(ent)
            except Exception:  # noqa: BLE001 - a mention the rules cannot read is just left out
                continue
    anchors: list[tuple[int, int, int]] = []
    for token in ex.tokens:
        if token.i in ex.ent_of:
            continue
        if token.pos_ == "ADJ":  # "terrorist attacks", "rebel shelling": the adjective names the agent
            if token.dep_ != "amod" or ex.word(token, ex.group_words) not in ex.group_words:
                continue
        elif token.pos_ not in ("NOUN", "PROPN") or ex.word(token, ex.generic_words) not in ex.generic_words:
            continue
        try:
            found = ex.generic(token)
        except Exception:  # noqa: BLE001
            continue
        for index in found:
            mention = ex.mentions[index]
            if not mention.start <= token.idx < mention.end:
                anchors.append((index, token.i, token.i + 1))
    mentions = list(ex.mentions)
    add_open_mentions(doc, mentions, open_policy or OPEN_POLICY)
    actors = _gazetteer_sets("")[2]
    anchors += pronoun_anchors(doc, mentions, lambda m: is_actor_like(m, actors), _is_person)
    return MentionLayer(mentions, sorted(set(anchors)))


def _is_person(mention: Mention) -> bool:
    """A person by the gazetteer, or for a name it lacks, by the NER."""
    entry = _gazetteer("").get(mention.key) if mention.key else None
    return mention.label == "PERSON" if entry is None else "Person" in entry.types


def _overlaps_chars(a: Mention, b: Mention) -> bool:
    return a.start < b.end and b.start < a.end


def add_open_mentions(doc: Doc, mentions: list[Mention], policy: str = "kind", gazetteer_path: str = "") -> None:
    """Append (in text order) the open mentions of ``doc``, read as rule mentions
    (``kg.bridge``), that ``mentions`` lacks under ``policy``; existing indices are unchanged."""
    if policy == "off":
        return
    gazetteer = _gazetteer(gazetteer_path)
    seen = set(mentions)
    base = list(mentions)
    for open_mention in detect_mentions(doc, gazetteer=gazetteer):
        mention = to_rule_mention(open_mention, gazetteer)
        if mention is None or mention in seen:
            continue
        if policy == "exact":
            clash = any(m.start == mention.start and m.end == mention.end for m in base)
        elif policy == "any":
            clash = any(_overlaps_chars(m, mention) for m in base)
        else:  # "kind": a different reading of the same words (a group vs its named owner) is kept
            clash = any(m.kind == mention.kind and _overlaps_chars(m, mention) for m in base)
        if clash:
            continue
        seen.add(mention)
        mentions.append(mention)


def is_actor_like(mention: Mention, actors: frozenset[str]) -> bool:
    if mention.kind in ("force", "group"):
        return True
    if mention.kind != "named":
        return False
    if mention.key:
        return mention.key in actors
    return mention.label in ACTOR_LABELS


def _sentence_of(sentences: Sequence[Span], token: int) -> int:
    lo, hi = 0, len(sentences) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if sentences[mid].start <= token:
            lo = mid
        else:
            hi = mid - 1
    return lo


def sentence_args(doc: Doc, layer: MentionLayer, sentences: Sequence[Span] | None = None) -> list[list[Arg]]:
    """The arguments in each sentence, in text order: each mention where its span is, and each
    extra anchor (a word that refers to a mention named elsewhere) where the word is."""
    sentences = list(sentences if sentences is not None else doc.sents)
    args: list[list[Arg]] = [[] for _ in sentences]
    seen: set[tuple[int, int]] = set()
    places: list[tuple[int, int, int]] = []
    heads = attacker_heads()
    attackers = [(m.start, m.end) for m in layer.mentions if m.kind == "force" and m.head in heads]
    for index, mention in enumerate(layer.mentions):
        if mention.label == "NORP" and any(a <= mention.start and mention.end <= b for a, b in attackers):
            continue  # "a Pakistani suicide bomber": the demonym is the man's nationality, not an actor
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is not None and len(span) > 0:
            places.append((index, span.start, span.end))
    for index, start, end in places + layer.anchors:
        if (index, start) in seen:
            continue
        seen.add((index, start))
        sent = _sentence_of(sentences, start)
        args[sent].append(Arg(index, start, end, sent))
    for sent, found in enumerate(args):
        found.sort(key=lambda a: (a.start, a.end, a.mention))
        args[sent] = found[:MAX_PER_SENTENCE]
    return args


def _overlap(a: Arg, b: Arg) -> bool:
    return a.start < b.end and b.start < a.end


def trigger_tokens(sent: Span, triggers: frozenset[str]) -> list[Token]:
    return [t for t in sent if t.lemma_.lower() in triggers or t.lower_ in triggers]


@lru_cache(maxsize=1)
def core_triggers() -> frozenset[str]:
    lexicon = load_lexicon()
    words: set[str] = set()
    for spec in lexicon.raw["relations"].values():
        for key in ("verbs", "nouns"):
            words.update(w.replace("_attack", "").replace("_support", "") for w in spec.get(key, []))
    return frozenset(words)


def candidates(doc: Doc, layer: MentionLayer, actors: frozenset[str] | None = None) -> list[Candidate]:
    """Every ordered candidate pair of the document, in a fixed order."""
    if actors is None:
        actors = _gazetteer_sets("")[2]
    mentions = layer.mentions
    sentences = list(doc.sents)
    args = sentence_args(doc, layer, sentences)
    triggers = core_triggers()
    out: list[Candidate] = []
    for number, found in enumerate(args):
        for a in found:
            # Civilians act in one relation: they are who leaves a place (evacuates).
            if not (is_actor_like(mentions[a.mention], actors) or mentions[a.mention].kind == "civilians"):
                continue
            for b in found:
                if a.mention == b.mention or _overlap(a, b):
                    continue
                out.append(Candidate(a, b, number, False))
        if number == 0 or not found:
            continue
        hits = trigger_tokens(sentences[number], triggers)
        if not hits:
            continue
        first = hits[0].i
        if any(a.start < first and is_actor_like(mentions[a.mention], actors) and not is_anchor_pronoun(doc[a.start].lower_, a.end - a.start) for a in found):
            continue  # the sentence names its own agent
        agents = [a for a in args[number - 1] if is_actor_like(mentions[a.mention], actors)]
        for a in agents:
            for b in found:
                same_key = mentions[a.mention].key is not None and mentions[a.mention].key == mentions[b.mention].key
                if a.mention != b.mention and not same_key:
                    out.append(Candidate(a, b, number, True))
    return out
