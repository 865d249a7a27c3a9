"""Sparse features of a candidate pair (``kg.candidates.Candidate``) for the relation scorer.

Each candidate becomes a ``dict[str, float]`` of named indicator features: the lemmas and
dependency labels on the path between the two arguments' heads, trigger words of each relation
(from ``kg/data/lexicon.yaml``) on the path, between the arguments and in the sentence, voice,
order and distance, what kind of mention each argument is (rule kind, NER label, gazetteer
types, generic head, "X-backed" backer, demonym owner), negation/modality/hearsay cues, page
furniture, and the rule extractor's own votes for the pair. Names are stable strings so the
model file can be read without the code that trained it.
"""
from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Sequence

from spacy.tokens import Doc, Span

from kg import gazetteer as gaz
from kg.candidates import Candidate, MentionLayer
from kg.coref import is_anchor_pronoun
from kg.extraction import CORE, Extraction, iter_core, load_lexicon

Features = dict[str, float]
MAX_PATH = 6  # longer paths give only their length and lemmas, not their shape
MAX_BETWEEN = 12


@dataclass(frozen=True)
class Words:
    """Word lists from the lexicon, read once."""

    triggers: dict[str, frozenset[str]]  # relation → verb and noun triggers
    blocking: frozenset[str]
    modals: frozenset[str]
    marks: frozenset[str]
    reporting: frozenset[str]
    hearsay: frozenset[str]
    false_words: frozenset[str]
    air: frozenset[str]
    ground: frozenset[str]
    ground_bomb: frozenset[str]  # "car bomb", "pub bombings", "suicide bomber": on the ground
    trigger_of: dict[str, tuple[str, ...]] = field(default_factory=dict)  # lemma → its relations, in CORE order


@lru_cache(maxsize=1)
def words() -> Words:
    lexicon = load_lexicon()
    triggers: dict[str, frozenset[str]] = {}
    for relation in CORE:
        spec = lexicon.raw["relations"][relation]
        found: set[str] = set()
        for key in ("verbs", "nouns", "fire_verbs", "control_verbs", "lose_verbs", "send_verbs", "motion_verbs", "plant_verbs"):
            found.update(w.split("_")[0] for w in spec.get(key, []))
        triggers[relation] = frozenset(found)
    return Words(
        triggers, lexicon.word_set("blocking_verbs"), lexicon.word_set("blocking_modals"), lexicon.word_set("blocking_marks"),
        lexicon.word_set("reporting_verbs"), lexicon.word_set("hearsay_nouns"), lexicon.word_set("false_words"),
        lexicon.word_set("air_means"), lexicon.word_set("ground_means"), lexicon.rel_set("attacks", "ground_bomb_modifiers"),
        {lemma: tuple(r for r in triggers if lemma in triggers[r]) for lemma in set().union(*triggers.values())},
    )


def _bucket(n: int, edges: Sequence[int] = (0, 1, 2, 3, 5, 8, 12, 20)) -> str:
    for edge in edges:
        if n <= edge:
            return str(edge)
    return f">{edges[-1]}"


class Tokens:
    """A document's parse as plain lists by token index, read once: a spaCy ``Token`` is made
    anew at every ``doc[i]``, and features walk the same tree for hundreds of pairs."""

    def __init__(self, doc: Doc) -> None:
        w = words()
        self.doc = doc
        self.lemma: list[str] = []
        self.lower: list[str] = []
        self.dep: list[str] = []
        self.pos: list[str] = []
        self.head: list[int] = []
        self.punct: list[bool] = []
        self.space: list[bool] = []
        for t in doc:  # one pass: each doc[i] or iteration step builds a new Token
            self.lemma.append(t.lemma_.lower())
            self.lower.append(t.lower_)
            self.dep.append(t.dep_)
            self.pos.append(t.pos_)
            self.head.append(t.head.i)
            self.punct.append(t.is_punct)
            self.space.append(t.is_space)
        self.passive = [False] * len(doc)  # a child nsubjpass or auxpass
        self.neg = [False] * len(doc)  # a child neg
        self.modal = [False] * len(doc)  # a child aux that is a blocking modal
        self.ground_bomb = [False] * len(doc)  # a modifier that puts a bomb on the ground ("car bomb")
        for i, head in enumerate(self.head):
            if head == i:
                continue
            dep = self.dep[i]
            if dep in ("compound", "amod", "nmod") and self.lemma[i] in w.ground_bomb:
                self.ground_bomb[head] = True
            if dep in ("nsubjpass", "auxpass"):
                self.passive[head] = True
            elif dep == "neg":
                self.neg[head] = True
            elif dep == "aux" and self.lemma[i] in w.modals:
                self.modal[head] = True
        self._chains: dict[int, list[int]] = {}
        self._roots: dict[tuple[int, int], int] = {}

    def ancestors(self, i: int) -> list[int]:
        """``i`` and its heads up to the root (64 at most); shared, do not change."""
        chain = self._chains.get(i)
        if chain is None:
            chain = [i]
            while self.head[chain[-1]] != chain[-1] and len(chain) < 64:
                chain.append(self.head[chain[-1]])
            self._chains[i] = chain
        return chain

    def root(self, start: int, end: int) -> int:
        """The syntactic head of tokens ``start:end`` (spaCy's ``Span.root``)."""
        key = (start, end)
        if key not in self._roots:
            self._roots[key] = self.doc[start:end].root.i
        return self._roots[key]


@dataclass
class DocContext:
    """What every candidate of one document shares: sentences, cues and the rule votes."""

    doc: Doc
    extraction: Extraction
    layer: MentionLayer
    sentences: list[Span] = field(default_factory=list)
    rule_pairs: dict[tuple[int, int, int], set[str]] = field(default_factory=dict)
    rule_ents: dict[tuple[str, str, int], set[str]] = field(default_factory=dict)
    rule_sents: dict[int, set[str]] = field(default_factory=dict)
    sent_cues: dict[int, set[str]] = field(default_factory=dict)
    sent_args: dict[int, int] = field(default_factory=dict)  # named arguments per sentence
    tokens: Tokens | None = None

    @classmethod
    def build(cls, doc: Doc, extraction: Extraction, layer: MentionLayer) -> "DocContext":
        tokens = Tokens(doc)
        ctx = cls(doc, extraction, layer, list(doc.sents), tokens=tokens)
        # Rule sentences are extraction.sentences (trimmed); ours are doc.sents: map by position.
        pairs: dict[tuple[int, int, int], set[str]] = defaultdict(set)
        ents: dict[tuple[str, str, int], set[str]] = defaultdict(set)
        sents: dict[int, set[str]] = defaultdict(set)
        for relation, agent, obj, event in iter_core(extraction):
            start = extraction.sentences[event.sentence][0] if event.sentence < len(extraction.sentences) else -1
            sent = _nearest(ctx.sentences, start)
            pairs[(agent, obj, sent)].add(relation)
            ents[(identity(layer, agent), identity(layer, obj), sent)].add(relation)
            sents[sent].add(relation)
        ctx.rule_pairs, ctx.rule_ents, ctx.rule_sents = dict(pairs), dict(ents), dict(sents)
        for mention in layer.mentions:
            number = _nearest(ctx.sentences, mention.start)
            ctx.sent_args[number] = ctx.sent_args.get(number, 0) + 1
        w = words()
        for number, sent in enumerate(ctx.sentences):
            cues: set[str] = set()
            for i in range(sent.start, sent.end):
                lemma, dep, lower = tokens.lemma[i], tokens.dep[i], tokens.lower[i]
                if dep == "neg":
                    cues.add("neg")
                if lemma in w.blocking and tokens.pos[i] in ("VERB", "AUX"):
                    cues.add("block")
                if lemma in w.modals and dep == "aux":
                    cues.add("modal")
                if lower in w.marks:
                    cues.add("cond")
                if lemma in w.hearsay:
                    cues.add("hearsay")
                if lower in w.false_words or lemma == "deny":
                    cues.add("denial")
                if lemma in w.reporting:
                    cues.add("report")
                if lemma in w.air:
                    cues.add("air")
                if lemma in w.ground or tokens.ground_bomb[i]:
                    cues.add("ground")
                for relation in w.trigger_of.get(lemma, ()):
                    cues.add(f"trig:{relation}")
            text = sent.text.rstrip()
            if not text or text[-1] not in ".!?\"')":
                cues.add("nopunct")  # headline, caption, list item
            ctx.sent_cues[number] = cues
        return ctx


def _nearest(sentences: list[Span], start: int) -> int:
    """The sentence holding char offset ``start``."""
    return max(0, bisect_right([s.start_char for s in sentences], start) - 1)


def identity(layer: MentionLayer, index: int) -> str:
    """What a mention names, for comparing mentions across the rule output and candidates."""
    mention = layer.mentions[index]
    return mention.key or f"{mention.kind}:{mention.text.lower()}"


def _path(tokens: Tokens, a: int, b: int) -> tuple[list[int], list[str], int | None]:
    """(tokens strictly between a and b on the tree path, arc labels with direction, their
    lowest common head), as token indices."""
    up_a, up_b = tokens.ancestors(a), tokens.ancestors(b)
    index_b = {t: n for n, t in enumerate(up_b)}
    dep = tokens.dep
    for n, token in enumerate(up_a):
        if token in index_b:
            m = index_b[token]
            rising, falling = up_a[:n], up_b[:m]
            middle = rising[1:] + ([token] if token not in (a, b) else []) + list(reversed(falling[1:]))
            arcs = [f"{dep[t]}^" for t in rising] + [f"{dep[t]}v" for t in reversed(falling)]
            return middle, arcs, token
    return [], ["x"], None


def _mention_features(prefix: str, layer: MentionLayer, index: int, gazetteer: gaz.Gazetteer, out: Features) -> None:
    mention = layer.mentions[index]
    out[f"{prefix}kind:{mention.kind}"] = 1.0
    if mention.label:
        out[f"{prefix}label:{mention.label}"] = 1.0
    if mention.head:
        out[f"{prefix}head:{mention.head}"] = 1.0
    if mention.backer:
        out[f"{prefix}backed"] = 1.0
    if mention.kind == "force" and mention.key:
        out[f"{prefix}owned_force"] = 1.0
    if mention.kind in ("named",) and not mention.key:
        out[f"{prefix}unknown_name"] = 1.0
    entry = gazetteer.get(mention.key) if mention.key else None
    if entry is not None:
        for kind in entry.types:
            out[f"{prefix}type:{kind}"] = 1.0
        if entry.stands_for:
            out[f"{prefix}metonym"] = 1.0


def features(ctx: DocContext, candidate: Candidate, gazetteer: gaz.Gazetteer | None = None) -> Features:
    gazetteer = gazetteer or gaz.load(gaz.default_path())
    doc, layer, w = ctx.doc, ctx.layer, words()
    s, o = candidate.subject, candidate.object
    out: Features = {"bias": 1.0}
    _mention_features("s_", layer, s.mention, gazetteer, out)
    _mention_features("o_", layer, o.mention, gazetteer, out)
    sm, om = layer.mentions[s.mention], layer.mentions[o.mention]
    if om.backer and sm.key and (om.backer == sm.key or gazetteer.actor_for(om.backer) == gazetteer.actor_for(sm.key)):
        out["o_backed_by_s"] = 1.0
    # The rule extractor's votes.
    sent = candidate.sentence
    votes = ctx.rule_pairs.get((s.mention, o.mention, sent), set())
    ent_votes = ctx.rule_ents.get((identity(layer, s.mention), identity(layer, o.mention), sent), set())
    for relation in votes:
        out[f"rule:{relation}"] = 1.0
    for relation in ent_votes - votes:
        out[f"rule_ent:{relation}"] = 1.0
    for relation in ctx.rule_sents.get(sent, set()) - votes - ent_votes:
        out[f"rule_sent:{relation}"] = 1.0
    reverse = ctx.rule_pairs.get((o.mention, s.mention, sent), set()) | ctx.rule_ents.get((identity(layer, o.mention), identity(layer, s.mention), sent), set())
    for relation in reverse:
        out[f"rule_rev:{relation}"] = 1.0
    if not votes and not ent_votes:
        out["rule:none"] = 1.0
    cues = ctx.sent_cues.get(sent, set())
    for cue in cues:
        out[f"sent:{cue}"] = 1.0
    if sent == 0:
        out["first_sentence"] = 1.0
    out[f"sent_args:{_bucket(ctx.sent_args.get(sent, 0), (1, 2, 3, 4, 6, 9))}"] = 1.0
    tokens = ctx.tokens or Tokens(doc)
    lemma_of, dep_of, lower_of = tokens.lemma, tokens.dep, tokens.lower
    a, b = tokens.root(s.start, s.end), tokens.root(o.start, o.end)
    # An argument read from a pronoun that stands for it (kg.coref).
    if is_anchor_pronoun(lower_of[s.start], s.end - s.start):
        out["s_pronoun"] = 1.0
    if is_anchor_pronoun(lower_of[o.start], o.end - o.start):
        out["o_pronoun"] = 1.0
    if candidate.cross:
        out["cross"] = 1.0
        for token in tokens.ancestors(b)[1:6]:
            out[f"cross_up:{lemma_of[token]}"] = 1.0
            for relation in w.trigger_of.get(lemma_of[token], ()):
                out[f"cross_trig:{relation}"] = 1.0
        out[f"o_dep:{dep_of[b]}"] = 1.0
        for relation in votes | ent_votes:
            out[f"rule_cross:{relation}"] = 1.0
        return out
    # Order, distance, words between.
    before = s.start < o.start
    out["order:so" if before else "order:os"] = 1.0
    left, right = (s, o) if before else (o, s)
    gap = max(0, right.start - left.end)
    out[f"dist:{_bucket(gap)}"] = 1.0
    between_lemmas = [lemma_of[i] for i in range(left.end, max(left.end, right.start)) if not tokens.space[i]]
    if gap <= MAX_BETWEEN:
        for lemma in between_lemmas:
            if lemma.isalpha() or lemma in ("-", ",", "(", ":"):
                out[f"btw:{lemma}"] = 1.0
        if len(between_lemmas) == 2 and between_lemmas[0] == "-":
            out[f"hyphen:{between_lemmas[1]}"] = 1.0  # "Russia-backed forces", "Kurdish-led"
        if gap == 0:
            out["adjacent"] = 1.0
    between_triggers = {r for lemma in between_lemmas for r in w.trigger_of.get(lemma, ())}
    for relation in w.triggers:
        if relation in between_triggers:
            out[f"btw_trig:{relation}"] = 1.0
    # The dependency path.
    middle, arcs, top = _path(tokens, a, b)
    out[f"plen:{_bucket(len(arcs))}"] = 1.0
    if len(arcs) <= MAX_PATH:
        out[f"shape:{' '.join(arcs)}"] = 1.0
    if arcs:
        out[f"s_arc:{arcs[0]}"] = 1.0
        out[f"o_arc:{arcs[-1]}"] = 1.0
    okind = "place" if om.label in ("GPE", "LOC", "FAC") and om.kind == "named" else "actor"
    for token in middle:
        lemma = lemma_of[token]
        if tokens.punct[token]:
            continue
        out[f"pl:{lemma}"] = 1.0
        out[f"pl:{lemma}|{okind}"] = 1.0
        for relation in w.trigger_of.get(lemma, ()):
            out[f"pl_trig:{relation}"] = 1.0
            out[f"pl_trig:{relation}|{'so' if before else 'os'}"] = 1.0
        if tokens.passive[token]:
            out["passive"] = 1.0
        if tokens.ground_bomb[token]:
            out["path_ground_bomb"] = 1.0
        if tokens.neg[token]:
            out["path_neg"] = 1.0
        if tokens.modal[token]:
            out["path_modal"] = 1.0
        if lemma in w.blocking:
            out["path_block"] = 1.0
    _trigger_roles(tokens, a, b, middle, out)
    if top is not None:
        for token in tokens.ancestors(top)[1:4]:
            lemma = lemma_of[token]
            if lemma in w.blocking:
                out["above_block"] = 1.0
            if lemma in w.reporting:
                out["above_report"] = 1.0
            if tokens.neg[token]:
                out["above_neg"] = 1.0
    # Prepositions that govern each argument ("by X", "on Y", "from Z").
    for prefix, head in (("s", a), ("o", b)):
        out[f"{prefix}_dep:{dep_of[head]}"] = 1.0
        if dep_of[head] == "pobj":
            out[f"{prefix}_prep:{lower_of[tokens.head[head]]}"] = 1.0
    if dep_of[a] == "pobj" and lower_of[tokens.head[a]] == "by":
        out["by_agent"] = 1.0
    return out


def _role(tokens: Tokens, arg: int, trigger: int) -> str:
    """How an argument hangs from a trigger: the arc just below the trigger, with the
    preposition's word ("prep:on", "prep:by"), then the argument's own arc if it differs."""
    chain = tokens.ancestors(arg)
    below = None
    for n, token in enumerate(chain):
        if token == trigger:
            below = chain[n - 1] if n > 0 else None
            break
    if below is None:
        return "self" if arg == trigger else "up"  # the trigger is on the other argument's side
    role = tokens.dep[below]
    if role in ("prep", "agent"):
        role += ":" + tokens.lower[below]
    if below != arg and tokens.dep[arg] not in ("pobj",):
        role += "/" + tokens.dep[arg]
    return role


def _trigger_roles(tokens: Tokens, a: int, b: int, middle: Sequence[int], out: Features) -> None:
    """The classic relation-extraction pattern, across trigger words: a trigger of relation r on
    the path, and how subject and object hang from it ("nsubj" / "dobj", "prep:by" / "prep:on")."""
    w = words()
    for token in middle:
        lemma = tokens.lemma[token]
        for relation in w.trigger_of.get(lemma, ()):
            s_role, o_role = _role(tokens, a, token), _role(tokens, b, token)
            out[f"tr:{relation}:{s_role}:{o_role}"] = 1.0
            out[f"tr:{relation}:s={s_role}"] = 1.0
            out[f"tr:{relation}:o={o_role}"] = 1.0
            out[f"trl:{lemma}:{s_role}:{o_role}"] = 1.0
            if tokens.passive[token]:
                out[f"tr:{relation}:pass:{s_role}:{o_role}"] = 1.0


def _gap(candidate: Candidate) -> int:
    s, o = candidate.subject, candidate.object
    return max(0, o.start - s.end) if s.start < o.start else max(0, s.start - o.end)


def competition(found: Sequence[Candidate], out: Sequence[Features]) -> None:
    """Features that compare a candidate with the others of its sentence, which a per-pair
    linear model cannot see: how many other arguments lie between its two, and whether its
    subject is the nearest one for its object (and its object the nearest for its subject)."""
    spans: dict[int, set[tuple[int, int]]] = defaultdict(set)
    nearest_s: dict[tuple[int, int, int], int] = {}
    nearest_o: dict[tuple[int, int, int], int] = {}
    for c in found:
        if c.cross:
            continue
        spans[c.sentence] |= {(c.subject.start, c.subject.end), (c.object.start, c.object.end)}
        gap = _gap(c)
        key_o, key_s = (c.sentence, c.object.start, c.object.end), (c.sentence, c.subject.start, c.subject.end)
        nearest_s[key_o] = min(gap, nearest_s.get(key_o, gap))
        nearest_o[key_s] = min(gap, nearest_o.get(key_s, gap))
    for c, feats in zip(found, out):
        if c.cross:
            continue
        left, right = (c.subject, c.object) if c.subject.start < c.object.start else (c.object, c.subject)
        inside = sum(1 for a, b in spans[c.sentence] if a >= left.end and b <= right.start)
        feats[f"m_btw:{min(inside, 3)}"] = 1.0
        gap = _gap(c)
        if gap == nearest_s[(c.sentence, c.object.start, c.object.end)]:
            feats["s_nearest"] = 1.0
        if gap == nearest_o[(c.sentence, c.subject.start, c.subject.end)]:
            feats["o_nearest"] = 1.0


def document_features(ctx: DocContext, found: Sequence[Candidate]) -> list[Features]:
    gazetteer = gaz.load(gaz.default_path())
    out = [features(ctx, c, gazetteer) for c in found]
    competition(found, out)
    return out
