"""By what means an event was made, which decides strikes against attacks: aircraft, drones,
missiles and shells strike; bombs set on the ground and ground forces attack."""
from __future__ import annotations

from spacy.tokens import Token

from kg.extraction.state import ExtractorState


class MeansMixin(ExtractorState):
    """The means of an event and the relation they make it.

    Calls on ``self`` that this class does not define reach the other roles' mixins through
    ``Extractor``."""

    def uses_air_means(self, agents: list[int], trigger: Token | None = None) -> bool:
        if trigger is not None and any(c.dep_ in ("compound", "nmod") and self.word(c, self.air) in self.air for c in trigger.children):
            return True  # "a drone attack", "missile attacks"
        if trigger is not None:
            # "with" on the trigger, or misattached to the object of its preposition ("attacked
            # al-Ramouseh neighborhood in Aleppo city with rockets")
            holders = [trigger] + [p for p in self.prep_objects(trigger, ("in", "on", "at"))]
            if any(self.word(w, self.air) in self.air and not self.ground_bomb(w) for h in holders for w in self.prep_objects(h, ("with",))):
                return True  # "terrorist attacks with rocket shells on residential neighborhoods"; not "with a car bomb"
            if trigger.dep_ in ("dobj", "obj") and trigger.head.pos_ in ("VERB", "AUX"):
                # "The regime's air force carried out a massacre": the light verb's subject flies
                doers = self.subject_tokens(trigger.head)[0]
                if any(self.word(d, self.air) in self.air or any(c.dep_ in ("compound", "amod") and self.word(c, self.air) in self.air for c in d.children) for d in doers):
                    return True
        # "a suicide bomber" is built with head "attacker", so it is never read as an aircraft here
        return any(self.mentions[a].kind == "force" and self.mentions[a].head in self.air for a in agents)

    def uses_ground_means(self, agents: list[int]) -> bool:
        return bool(agents) and all(
            self.mentions[a].kind in ("force", "group") and self.mentions[a].head in self.ground_group for a in agents
        )

    def bomb_only(self, trigger: Token) -> bool:
        """The trigger is a bombing, or an attack whose only means named is a bomb."""
        bombs = self.lex.word_set("group_bombs")
        if self.word(trigger, bombs) in bombs:
            return True
        means = [c for c in trigger.children if c.dep_ in ("compound", "nmod") and self.word(c, self.air) in self.air]
        return bool(means) and all(self.word(c, bombs) in bombs for c in means)

    def flown(self, trigger: Token, agents: list[int]) -> bool:
        """An aircraft, drone or missile is the agent ("LNA warplanes had bombed …")."""
        if self.uses_air_means(agents):
            return True
        if trigger.pos_ not in ("VERB", "AUX"):
            return False
        return any(self.word(t, self.air) in self.air for t in self.doer_tokens(trigger))

    def doer_tokens(self, verb: Token) -> list[Token]:
        """The verb's subject tokens and its passive "by" agent."""
        doers = self.subject_tokens(verb)[0]
        by = self.by_agent(verb)
        return [*doers, by] if by is not None else doers

    def flown_by(self, verb: Token) -> bool:
        """The verb's doer is an aircraft, drone, missile or gun, or an air force ("Russian
        warplanes", "the Russian Aerospace Forces", "the army's air force")."""
        return any(self.word(t, self.air) in self.air or any(
            c.dep_ in ("compound", "amod") and self.word(c, self.air) in self.air for c in t.children) for t in self.doer_tokens(verb))

    def by_means(self, relation: str, trigger: Token, agents: list[int]) -> str:
        """A raid by jets is a strike; a raid by special forces is an attack on the ground."""
        if relation not in ("strikes", "attacks"):
            return relation
        if any(c.dep_ in ("compound", "amod") and c.lower_ in ("ground", "land") for c in trigger.children):
            return "attacks"  # "ground operations", "a land offensive"
        if self.ground_bomb(trigger):
            return "attacks"  # "the Birmingham pub bombings", "a car bomb attack"
        if agents and all(self.mentions[a].head in self.lex.word_set("attacker_heads") for a in agents):
            return "attacks"  # "a suicide bomber struck a police post": on the ground
        bombings = self.lex.word_set("claimed_bombings")
        if self.word(trigger, bombings) in bombings and self.claimants(trigger, relation):
            return "attacks"  # a bombing a group claims was set on the ground
        if agents and all(self.mentions[a].key in self.groups for a in agents) and self.bomb_only(trigger) and not self.flown(trigger, agents):
            return "attacks"  # "the IRA's bomb and gun attacks", "the mosque bombed by IS"; not "LNA warplanes"
        if self.uses_air_means(agents, trigger):
            return "strikes"
        if self.word(trigger, self.lex.rel_set("attacks", "means_dependent")) in self.lex.rel_set("attacks", "means_dependent") and self.uses_ground_means(agents):
            return "attacks"
        return relation
