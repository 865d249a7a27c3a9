"""What one pass over one ``Doc`` reads once and builds up, and the lookups every rule uses.

``ExtractorState`` holds the tokens, sentences and entities read from the ``Doc``, the lexicon's
word lists as sets, and the mentions, events and facts found so far. The role mixins
(arguments, context, triggers, …) all derive from it, so ``self.<attribute>`` in any of them is
defined here."""
from __future__ import annotations

from bisect import bisect_left
from typing import Any

from spacy.tokens import Doc, Span, Token

from kg.extraction.data import Event, Fact, Mention
from kg.extraction.lexicon import Lexicon
from kg.extraction.tokens import PLACE_LABELS, PLACE_NOUNS, SKIP_ENT_LABELS, Ent, word_forms


class ExtractorState:
    """The state of one extraction and its shared lookups (mentions, words, sentences)."""

    def __init__(
        self, doc: Doc, lexicon: Lexicon, demonyms: dict[str, str], groups: frozenset[str] = frozenset(),
        actors: frozenset[str] = frozenset(), places: frozenset[str] = frozenset(),
    ) -> None:
        self.doc = doc
        self.resolving: set[tuple[str, int]] = set()  # (method, token) pairs being resolved: see ``bounded``
        self.groups = groups  # gazetteer ids of armed groups, for "the group" anaphora
        self.actors = actors  # gazetteer ids that can act (states, groups, people, capitals)
        self.places = places  # gazetteer ids that are places
        self.lex = lexicon
        self.demonyms = demonyms
        self.countries = frozenset(demonyms.values())  # the states a demonym names
        self.mentions: list[Mention] = []
        self.mention_index: dict[Mention, int] = {}
        self.events: list[Event] = []
        # Attacks that name no agent (relation, trigger, targets, sentence, places) and claims of
        # responsibility (claimants, sentence), for kg.extraction.claims.
        self.agentless: list[tuple[str, Token, list[int], int, list[int]]] = []
        self.claims: list[tuple[tuple[int, ...], int]] = []
        self.facts: list[Fact] = []
        # Read once: Doc.text, Span.text and Doc.ents rebuild their result on every access, and
        # spaCy builds a new Token object on every doc[i]. Sharing these is safe: the rules' ``is``
        # tests compare a token only with itself or with a fresh ``.head`` / ``.subtree`` token.
        self.tokens = list(doc)
        self.text = "".join([t.text_with_ws for t in self.tokens])  # = doc.text, without a second pass over the Doc
        self.sentences = list(doc.sents)
        self._sentence_cache: dict[int, dict[str, Any]] = {}
        self.sent_of: dict[int, int] = {}
        for number, sent in enumerate(self.sentences):
            self.sent_of.update(dict.fromkeys(range(sent.start, sent.end), number))
        self.ents = [Ent.of(ent, self.text) for ent in doc.ents]
        self.ent_starts = [ent.start for ent in self.ents]
        self.ent_of: dict[int, Ent] = {}
        for ent in self.ents:
            if ent.label_ in SKIP_ENT_LABELS:
                continue
            self.ent_of.update(dict.fromkeys(range(ent.start, ent.end), ent))
        # The kept entities by the index of their root token, in order, for backward scans.
        self.ent_roots = sorted(((ent.root.i, ent) for ent in self.ents if ent.label_ not in SKIP_ENT_LABELS), key=lambda pair: pair[0])
        self.ent_root_index = [i for i, _ in self.ent_roots]
        self._named: dict[int, int] = {}  # entity start → its mention
        # Token.lemma_ looks the string up on every access; the rules ask for it again and again.
        self.lemmas = [t.lemma_.lower() for t in self.tokens]
        self.light = lexicon.word_set("light_verbs")
        self.pass_through = lexicon.word_set("pass_through_verbs")
        self.container = lexicon.word_set("container_nouns")
        self.container_preps = lexicon.word_set("container_preps")
        self.force = lexicon.word_set("force_nouns")
        self.owned = lexicon.word_set("owned_nouns")
        self.civilian = lexicon.word_set("civilian_nouns")
        self.state_nouns = lexicon.word_set("state_nouns")
        self.named_place_heads = lexicon.word_set("named_place_heads")
        self.named_place_features = lexicon.word_set("named_place_features")
        self.facility_nouns = lexicon.word_set("facility_nouns")
        self.site_nouns = lexicon.word_set("site_nouns")
        self.air = lexicon.word_set("air_means")
        self.blocking = lexicon.word_set("blocking_verbs")
        self.blocking_marks = lexicon.word_set("blocking_marks")
        self.blocking_modals = lexicon.word_set("blocking_modals")
        self.ordering = lexicon.word_set("ordering_verbs")
        self.hedging = lexicon.word_set("hedging_modifiers")
        self.peaceful_strike = lexicon.word_set("peaceful_strike_modifiers")
        self.reciprocal = lexicon.word_set("reciprocal_triggers")
        self.hostile = lexicon.word_set("hostile_verbs")
        self.reporting = lexicon.word_set("reporting_verbs")
        self.reaction = lexicon.word_set("reaction_verbs")
        self.repel_verbs = lexicon.word_set("repel_verbs")
        self.subject_control_preps = lexicon.word_set("subject_control_preps")
        self.place_preps = lexicon.word_set("place_preps")
        self.located_heads = lexicon.word_set("located_heads")
        self.landmark_directions = lexicon.word_set("landmark_directions")
        self.distance_nouns = lexicon.word_set("distance_nouns")
        self.origin_verbs = lexicon.word_set("origin_verbs") | lexicon.rel_set("strikes", "fire_verbs")
        self.target_preps = lexicon.word_set("target_preps")
        self.destination_preps = lexicon.word_set("destination_preps")
        self.trigger_nouns = frozenset(lexicon.noun_relation)
        self.verb_words = frozenset(lexicon.verb_relation)
        self.group_words = frozenset(lexicon.group_class)
        # Unions the argument rules test every token against, built once.
        self.generic_words = self.owned | self.force | self.group_words | self.civilian
        self.arg_words = self.generic_words | self.container
        self.ground = lexicon.word_set("ground_means")
        self.ally_nouns = lexicon.word_set("ally_nouns")
        self.backing_participles = lexicon.rel_set("backs", "backing_participles")
        self.ally_adjectives = lexicon.word_set("ally_adjectives")
        self.leader_titles = lexicon.word_set("leader_titles")
        self.secondary_verb_words = frozenset().union(
            lexicon.rel_set("strikes", "fire_verbs"), lexicon.rel_set("backs", "alongside_verbs"), lexicon.word_set("control_verbs"),
            lexicon.word_set("ally_verbs"), lexicon.word_set("landing_verbs"), lexicon.rel_set("captures", "lose_verbs"),
            lexicon.word_set("designate_verbs"), lexicon.word_set("repel_verbs"), lexicon.rel_set("backs", "send_verbs"),
            lexicon.rel_set("backs", "receive_verbs"), lexicon.rel_set("captures", "expel_verbs"), lexicon.rel_set("attacks", "open_fire_verbs"), {"lead"},
            lexicon.rel_set("attacks", "plant_verbs"), lexicon.rel_set("attacks", "placing_verbs"),
        )  # every word secondary_verb has a rule for
        self.planting_verbs = lexicon.rel_set("attacks", "plant_verbs") | lexicon.rel_set("attacks", "placing_verbs")
        # Lemmas for which secondary_noun has a rule (besides ally adjectives, read by form)
        self.secondary_noun_lemmas = self.ally_nouns | self.leader_titles | (self.container & PLACE_NOUNS) | lexicon.rel_set("backs", "behalf_nouns")
        self.group_force = self.group_words | self.force
        self.casualty_words = lexicon.word_set("killed_words") | lexicon.word_set("injured_words")
        self.pass_through_target = self.pass_through | {"target"}
        self.weapon_means = self.air | {"bomb", "missile", "rocket", "drone", "shell"}
        self.container_group = self.container | self.group_words | lexicon.word_set("relational_nouns")
        self.group_civilian = self.group_words | self.civilian
        self.ground_group = self.ground | self.group_words
        self.name_preps = lexicon.word_set("container_name_preps")
        self.anaphoric = lexicon.word_set("anaphoric_group_nouns")
        # Nouns that can name an actor: what ``names_nobody`` tests a common noun against.
        self.actor_nouns = self.force | self.civilian | self.ground | self.group_words | self.anaphoric
        self.shift_openers = tuple(lexicon.raw.get("topic_shift_openers", []))
        self.hearsay = lexicon.word_set("hearsay_nouns")
        self.false_words = lexicon.word_set("false_words")

    def add_mention(self, mention: Mention) -> int:
        if mention not in self.mention_index:
            self.mention_index[mention] = len(self.mentions)
            self.mentions.append(mention)
        return self.mention_index[mention]

    def named(self, ent: Ent) -> int:
        index = self._named.get(ent.start)  # entities never overlap: the start identifies one
        if index is None:
            key = ent.ent_id_ or None
            start, end = ent.start_char, ent.end_char
            text = ent.text
            if text.lower().startswith("the "):
                start, text = start + 4, text[4:]
            label = ent.label_
            facility = self.facility_head(ent) if key is None else None
            if facility is not None:  # "the al-Awda hospital", "the Novoshakhtinsk oil refinery"
                end, label = facility.idx + len(facility.text), "FAC"
                first = ent.start
                while first > 0 and self.doc[first - 1].pos_ == "PROPN" and self.doc[first - 1].dep_ == "compound" and ent.start <= self.doc[first - 1].head.i <= facility.i:
                    first -= 1  # "the Sahn al-Jin base": a word of the name the NER left out
                start = min(start, self.doc[first].idx)
                text = self.text[start:end]
            index = self._named[ent.start] = self.add_mention(Mention(start, end, text, "named", key=key, label=label))
        return index

    def facility_head(self, ent: Ent) -> Token | None:
        """The facility noun an unknown name is the name of ("the al-Awda hospital", "the
        Novoshakhtinsk oil refinery", "Ben Gurion airport"): the name names the building, not a
        group or a town. Not a GPE's ("Guildford pub bombings", "a St. Cloud mall": the town)."""
        if ent.label_ == "GPE" or ent.end <= ent.start:
            return None
        last = self.doc[ent.end - 1]
        head = last.head
        if last.dep_ != "compound" or not 0 < head.i - last.i <= 3 or self.lemmas[head.i] not in self.facility_nouns:
            return None
        between = self.doc[ent.end:head.i]
        if any(t.dep_ not in ("compound", "amod") or t.head.i != head.i or not t.is_lower for t in between):
            return None
        return head

    def ent_key(self, token: Token) -> str | None:
        ent = self.ent_of.get(token.i)
        if ent is not None and ent.ent_id_:
            return ent.ent_id_
        return self.demonyms.get(token.lower_)

    def is_actor_mention(self, index: int) -> bool:
        """Could this mention be an antecedent that acts? Towns and regions cannot."""
        mention = self.mentions[index]
        if mention.kind != "named":
            return True
        if mention.key:
            return mention.key in self.actors or not self.actors
        return mention.label in ("ORG", "PERSON", "NORP")

    def mention_span(self, mention: Mention) -> Span | None:
        """The tokens of a mention (None where its characters match no tokens)."""
        return self.doc.char_span(mention.start, mention.end, alignment_mode="expand")

    def is_place_mention(self, index: int) -> bool:
        return self.mentions[index].kind == "named" and self.mentions[index].label in PLACE_LABELS | {"FAC"}

    def word(self, token: Token, vocabulary: set[str] | frozenset[str]) -> str:
        """The form of a token found in a vocabulary (lemma first), else its lemma."""
        lemma = self.lemmas[token.i]
        if lemma in vocabulary:
            return lemma
        for form in word_forms(lemma, token.lower_)[1]:
            if form in vocabulary:
                return form
        return lemma

    def lemma(self, token: Token) -> str:
        """``token.lemma_.lower()``, read once per Doc."""
        return self.lemmas[token.i]

    def forms(self, token: Token) -> frozenset[str]:
        """``lemma_forms(token)``, read-only."""
        return word_forms(self.lemma(token), token.lower_)[0]

    def before(self, token: Token, window: int = 60) -> list[Token]:
        """Tokens before this one in its sentence, at most ``window``: keeps long sentences linear."""
        start = max(self.sentence(token).start, token.i - window)
        return self.tokens[start:token.i]

    def sentence(self, token: Token) -> Span:
        """The token's sentence, from the index built once (``Token.sent`` rescans every call)."""
        return self.sentences[self.sent_of.get(token.i, 0)]

    def ents_rooted_in(self, start: int, end: int) -> list[tuple[int, Ent]]:
        """(root, entity) for the kept entities whose root token lies in ``[start, end)``, in
        order: what a scan of those tokens for entity roots finds, without the scan."""
        return self.ent_roots[bisect_left(self.ent_root_index, start):bisect_left(self.ent_root_index, end)]
