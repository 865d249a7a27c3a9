"""Casualties as targets: civilians a strike or attack kills, named as such, and the side whose
named fighters it kills ("struck Maarat al-Numan, killing nine civilians", "struck a vehicle near
Qamishli, killing two members of the SDF"); a bare count of people is a casualty figure only."""
from __future__ import annotations

from spacy.tokens import Token

from kg.extraction.state import ExtractorState


class CasualtiesMixin(ExtractorState):
    """Whom a killing names as an event's targets.

    Calls on ``self`` that this class does not define reach the other roles' mixins through
    ``Extractor``."""

    def victims_killed(self, trigger: Token, victims: list[Token], sent_index: int) -> None:
        """Civilians named as such whom a strike or attack killed are its targets too ("struck
        Maarat al-Numan, killing nine civilians"), and so is the side whose named fighters it
        killed ("struck a vehicle near Qamishli, killing two members of the SDF"); a bare count
        of people is a casualty figure, and unowned soldiers name no side."""
        found = self.named_victims(victims)
        killing = victims[0].head if victims and victims[0].dep_ in ("dobj", "obj") else None
        if killing is not None and any(self.lemma(v) in self.group_force for v in victims):
            # "killing 14 fighters from the Nusra Front", the "from" hung on the verb: their group
            found += [m for p in self.prep_objects(killing, ("from",)) for m in self.args(p)
                      if self.mentions[m].key in self.groups and m not in found]
        for event in [e for e in self.events if e.trigger_start == trigger.idx and e.relation in ("strikes", "attacks")] if found else []:
            self.add_event(event.relation, trigger, list(event.agents), found, sent_index, event.tier, places=list(event.places))

    def named_victims(self, victims: list[Token]) -> list[int]:
        """The mentions among a kill verb's objects that an event's targets take: civilians named
        as such and owned or named fighters, not bare counts of people ("killed 20 people")."""
        bare = self.lex.rel_set("attacks", "bare_victim_nouns")

        def armed(m: int) -> bool:  # a side's fighters or a state's soldiers; not a monitor the parser hung on the victims
            mention = self.mentions[m]
            return bool(mention.key) and (mention.key in self.groups or mention.key in self.countries)

        return [m for p in victims if self.lemma(p) not in bare for m in self.args(p)
                if self.mentions[m].kind == "civilians" and not self.bare_count(m) or armed(m)]

    def killing_clause_victims(self, verb: Token) -> list[int]:
        """Named victims of a kill participle on the verb ("struck a vehicle near Qamishli, killing
        two members of the SDF"): its targets where it has none of its own."""
        kill_verbs = self.lex.rel_set("attacks", "kill_verbs")
        return [m for c in verb.children if c.dep_ in ("advcl", "xcomp", "conj") and c.tag_ == "VBG" and self.lemma(c) in kill_verbs
                for m in self.named_victims(self.objects(c))]

    def bare_count(self, index: int) -> bool:
        """A civilians mention that only counts people ("dozens of people", "20 residents")."""
        span = self.mention_span(self.mentions[index])
        return span is not None and self.lemma(span.root) in self.lex.rel_set("attacks", "bare_victim_nouns")
