"""The ``Extractor``: one pass over one ``Doc`` that tries every rule on every token and
records what they find. The rules live in the role mixins it combines."""
from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from kg.extraction.arguments import ArgumentsMixin
from kg.extraction.casualties import CasualtiesMixin
from kg.extraction.claims import ClaimsMixin
from kg.extraction.contests import ContestsMixin
from kg.extraction.clauses import ClausesMixin
from kg.extraction.context import ContextMixin
from kg.extraction.data import Event, Extraction, Fact
from kg.extraction.departures import DeparturesMixin
from kg.extraction.details import DetailsMixin
from kg.extraction.generic_nouns import GenericNounsMixin
from kg.extraction.means import MeansMixin
from kg.extraction.lexicon import Lexicon, load_lexicon
from kg.extraction.participants import ParticipantsMixin
from kg.extraction.secondary import SecondaryMixin
from kg.extraction.tokens import OBJECTS, SKIP_ENT_LABELS
from kg.extraction.triggers import TriggersMixin


class Extractor(
    ArgumentsMixin, GenericNounsMixin, ClausesMixin, ContextMixin, ParticipantsMixin, TriggersMixin, MeansMixin,
    ContestsMixin, DeparturesMixin, CasualtiesMixin, SecondaryMixin, ClaimsMixin, DetailsMixin,
):
    """One pass over one ``Doc``. Keeps mention indices stable in order of creation."""

    def run(self) -> Extraction:
        for ent in self.ents:
            if ent.label_ not in SKIP_ENT_LABELS and ent.ent_id_:
                self.named(ent)
        control_adjectives = self.lex.word_set("control_adjectives")
        siege_adjectives = self.lex.word_set("siege_adjectives")
        between_nouns = self.lex.rel_set("attacks", "between_nouns")
        against_nouns = self.lex.rel_set("attacks", "against_nouns")
        weapon_on_nouns = self.lex.rel_set("strikes", "weapon_on_nouns")
        for sent_index, sent in enumerate(self.sentences):
            for token in self.tokens[sent.start:sent.end]:
                if token.is_space or token.is_punct:
                    continue
                pos, tag, lower = token.pos_, token.tag_, token.lower_
                if pos in ("VERB", "AUX") or tag.startswith("VB"):
                    lemma = self.word(token, self.verb_words)
                    for relation in self.lex.verb_relation.get(lemma, []):
                        self.verb_trigger(token, relation, sent_index)
                    self.secondary_verb(token, sent_index)
                if (pos in ("NOUN", "PROPN") or tag == "VBG" and self.is_gerund_noun(token)) and token.i not in self.ent_of:
                    lemma = self.word(token, self.trigger_nouns)
                    if tag == "VBG":
                        lemma = lower
                    if lemma in self.lex.noun_relation:
                        self.noun_trigger(token, self.lex.noun_relation[lemma], sent_index)
                    elif self.lemmas[token.i] in against_nouns and self.prep_objects(token, ("against",)):
                        self.noun_trigger(token, "attacks", sent_index)  # "the Taliban's fight against IS"
                    elif self.lemmas[token.i] in weapon_on_nouns and token.dep_ not in OBJECTS and self.prep_objects(token, ("on",)) and not (
                            token.dep_ == "pobj" and token.head.lower_ == "with"):  # "an attack with a rocket shell on X": the attack's
                        # "wounded in terrorist rocket shells on al-Foaa and Kafrya"; fired ones are read from the verb
                        self.noun_trigger(token, "strikes", sent_index)
                if self.lemmas[token.i] in between_nouns and token.pos_ in ("NOUN", "VERB"):
                    self.between_sides(token, sent_index)
                if lower in self.backing_participles:
                    self.backed(token, sent_index)
                if lower in control_adjectives:
                    self.controlled(token, sent_index)
                if lower in siege_adjectives:
                    self.hyphen_besieged(token, sent_index)
                if self.lemmas[token.i] in self.secondary_noun_lemmas or lower in self.ally_adjectives:
                    self.secondary_noun(token, sent_index)  # only words it has a rule for
                if token.dep_ == "pobj" and token.head.lower_ == "for" or token.dep_ in ("nsubj", "nsubjpass"):
                    self.record_claim(token, sent_index)  # "claimed responsibility for the attack", "was blamed on"
        self.attach_claims()
        return Extraction(
            mentions=tuple(self.mentions),
            events=tuple(self.events),
            facts=tuple(self.facts),
            sentences=tuple(_trimmed(self.text, s) for s in self.sentences),
        )

    def add_event(
        self,
        relation: str,
        trigger: Token,
        agents: list[int],
        targets: list[int],
        sent_index: int,
        tier: str,
        *,
        places: list[int] | None = None,
        origins: list[int] | None = None,
        destinations: list[int] | None = None,
        count: tuple[int | None, str | None] = (None, None),
    ) -> None:
        agents = [a for a in dict.fromkeys(agents) if not self.is_place_mention(a) or self.mentions[a].key]
        if relation in ("strikes", "attacks", "captures"):
            # "2 persons killed 13 injured in terrorist rocket attacks on Harasta": victims never strike
            agents = [a for a in agents if self.mentions[a].kind != "civilians"]
        if relation == "captures":  # what is taken is a place, whatever the NER called an unknown name
            targets = [self.as_place(t) for t in targets]
        targets = [t for t in dict.fromkeys(targets) if t not in agents]
        if relation in ("strikes", "attacks"):
            targets += [c for t in list(targets) for c in self.containing_places(t) if c not in targets and c not in agents]
            if any(self.is_place_mention(t) for t in targets) or self.aims_at_sites(trigger):
                # "pounded Kafranbel and Khan Sheikhoun in southern Idlib", the "in" on the verb;
                # "struck Houthi targets in Hodeidah": where the sites hit are is hit
                targets += [c for c in self.places_inside(trigger) if c not in targets and c not in agents]
        origins = list(dict.fromkeys(origins or []))
        objects = origins if relation == "evacuates" else targets
        if (targets or places) and relation in ("strikes", "attacks") and all(self.is_unowned_force(a) for a in agents):
            # no agent, or only "a suicide bomber", "gunmen": a claim of responsibility may name it
            self.agentless.append((relation, trigger, targets or list(dict.fromkeys(places or [])), sent_index, list(places or [])))
        if not agents or not objects:
            return
        sent = self.sentences[sent_index]
        details = self.details(trigger, sent)
        details["count"], details["count_qualifier"] = count
        self.events.append(
            Event(
                relation=relation,
                agents=tuple(agents),
                targets=tuple(targets),
                sentence=sent_index,
                trigger=trigger.text,
                trigger_start=trigger.idx,
                trigger_end=trigger.idx + len(trigger.text),
                tier=tier,
                places=tuple(dict.fromkeys(places or [])),
                origins=tuple(origins),
                destinations=tuple(dict.fromkeys(destinations or [])),
                **details,
            )
        )

    def add_fact(self, relation: str, subject: int, obj: int, trigger: Token, sent_index: int, tier: str = "explicit") -> None:
        fact = Fact(relation, subject, obj, sent_index, trigger.text, trigger.idx, trigger.idx + len(trigger.text), tier)
        if fact not in self.facts:
            self.facts.append(fact)


def _trimmed(doc_text: str, sent: Span) -> tuple[int, int]:
    """A sentence's offsets without the blank lines and spaces around it."""
    text = doc_text[sent.start_char:sent.end_char]
    start = sent.start_char + (len(text) - len(text.lstrip()))
    return start, max(start, sent.start_char + len(text.rstrip()))


def extract(
    doc: Doc, lexicon: Lexicon | None = None, demonyms: dict[str, str] | None = None,
    groups: frozenset[str] = frozenset(), actors: frozenset[str] = frozenset(), places: frozenset[str] = frozenset(),
) -> Extraction:
    return Extractor(doc, lexicon or load_lexicon(), demonyms or {}, groups, actors, places).run()
