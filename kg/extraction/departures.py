"""Departures: who leaves a place and from where ("X withdrew from Y", "the evacuation of X",
"pulled its troops out of Y", "drove IS out of Ramadi", "Daraya, which was evacuated by
opposition forces"), and which unknown names a departure leaves as places."""
from __future__ import annotations

from spacy.tokens import Token

from kg.extraction.state import ExtractorState
from kg.extraction.tokens import PASSIVE_SUBJECTS


class DeparturesMixin(ExtractorState):
    """Evacuations and expulsions.

    Calls on ``self`` that this class does not define reach the other roles' mixins through
    ``Extractor``."""

    def evacuation(self, verb: Token, relation: str, agents: list[int], tier: str, patient: list[Token], passive: bool, sent_index: int) -> None:
        lemma = self.lemma(verb)
        origins: list[int] = []
        transport = lemma in self.lex.rel_set("evacuates", "transport_verbs")
        if transport and any(c.dep_ == "prt" for c in verb.children):
            return  # "carried out strikes"
        # "Washington pulled its troops out of the border area": the troops pulled leave
        pulled = lemma in self.lex.raw["relations"]["evacuates"].get("particle_verbs", {}) and bool(patient) and not transport
        transport = transport or pulled
        if transport:
            # the people carried leave (``patient`` is the passive subject where the verb is passive)
            carried = [m for item in patient for m in self.args(item) if not self.is_place_mention(m) or self.mentions[m].key in self.actors]
            # the subject leaves instead: "Ukraine pulls troops out of Avdiivka" (unowned troops are
            # the subject's), "Jaish al-Islam fighters bused out of Douma" (a headline's passive)
            subject_leaves = pulled and not any(self.mentions[m].key for m in carried) or (
                not patient and not passive and bool(self.prep_objects(verb, ("from", "out"))))
            if not subject_leaves:
                agents, tier = carried, "explicit"
        elif lemma == "evacuate" and not passive and patient:
            # "The ICRC evacuated 300 civilians from Mariupol": the evacuees leave.
            evacuees = []
            for item in patient:
                evacuees.extend(self.args(item))
            if evacuees and not any(self.is_place_mention(m) for m in evacuees):
                agents, tier = evacuees, "explicit"
            else:
                origins.extend(m for m in evacuees if self.is_place_mention(m))
        elif lemma == "evacuate" and passive:
            evacuated = [m for item in patient for m in self.args(item)]
            if agents and evacuated and all(self.is_place_mention(m) and not self.is_actor_mention(m) for m in evacuated):
                origins.extend(evacuated)  # "Daraya, which was evacuated by opposition forces": they left it
            else:
                agents = evacuated
        else:
            for item in patient:
                origins.extend(p for m in self.args(item) if (p := self.departed_place(m)) is not None)
        # "fell back from X": the parser hangs "from" on the particle
        leaving = [verb] + [c for c in verb.children if c.dep_ in ("advmod", "prt") and c.lower_ in ("back", "away")]
        for item in (p for holder in leaving for p in self.prep_objects(holder, ("from", "out"))):
            origins.extend(p for m in self.args(item) if (p := self.departed_place(m)) is not None)
        destinations = []
        for item in self.prep_objects(verb, ("to", "into", "towards", "toward", "for")):
            destinations.extend(m for m in self.args(item) if self.is_place_mention(m))
        for item in self.prep_objects(verb, ("from", "out")):  # "from eastern Aleppo to Idlib"
            for inner in self.prep_objects(item, ("to", "into", "towards", "toward")):
                destinations.extend(m for m in self.args(inner) if self.is_place_mention(m))
        count = self.headcount(patient if (lemma == "evacuate" or transport) else [s for s in self.subject_tokens(verb)[0]])
        if not origins and verb.dep_ == "relcl" and not patient:
            origins = [m for m in self.args(verb.head) if self.is_place_mention(m)]  # "the town troops abandoned"
        if not origins and not patient and verb.dep_ in ("advcl", "conj") and self.lemma(verb.head) in self.lex.rel_set("captures", "verbs"):
            # "seized Walikale after Congolese soldiers withdrew": they left what was taken (also
            # "Manbij fell to the rebels after the SDF withdrew", "Kherson was retaken after …")
            taken = self.objects(verb.head)
            if not taken and (self.is_passive(verb.head) or self.lemma(verb.head) in self.lex.rel_set("captures", "fall_verbs")):
                taken = [c for c in verb.head.children if c.dep_ in ("nsubj", *PASSIVE_SUBJECTS)]
            origins = [m for o in taken for m in self.args(o) if self.is_place_mention(m)]
        if not origins and not transport:
            origins = self.own_location(agents, verb)
        self.add_event(relation, verb, agents, [], sent_index, tier, origins=origins, destinations=destinations, count=count)

    def expelling(self, verb: Token, sent_index: int) -> None:
        """"The army drove IS out of Ramadi", "IS was ousted from Manbij by the SDF": the expeller
        attacks the expelled and captures the place, and the expelled leave it."""
        froms = self.prep_objects(verb, ("from",)) + [o for p in verb.children if p.dep_ in ("prep", "prt") and p.lower_ == "out"
                                                      for o in self.prep_objects(p, ("of",))]
        places = [m for p in froms for m in self.args(p) if self.is_place_mention(m) and not self.is_actor_mention(m)]
        if not places or self.is_blocked(verb, "captures"):
            return
        if verb.dep_ in ("acl", "advcl", "relcl") and self.to_infinitive(verb):
            return  # a purpose, not a deed: "an operation to oust HTS from Idlib province"
        if self.is_passive(verb):
            agent = self.by_agent(verb)
            expelled_tokens = [c for c in verb.children if c.dep_ in PASSIVE_SUBJECTS]
            agents, tier = self.actor_args([agent] if agent is not None else [], "attacks")
        else:
            expelled_tokens = self.objects(verb)
            subj, _ = self.subject_tokens(verb)
            agents, tier = self.actor_args(subj, "attacks")
        expelled = [m for m in self.actor_args(expelled_tokens, "attacks")[0] if m not in agents] or [
            m for t in expelled_tokens for m in self.args(t) if self.mentions[m].kind == "civilians"]  # "forced civilians out of Douma"
        if not expelled:
            return  # "drove from Damascus to Beirut"
        self.add_event("evacuates", verb, expelled, [], sent_index, "explicit", origins=places)
        armed = [m for m in expelled if self.mentions[m].kind != "civilians"]
        if agents and armed:  # forcing residents out takes no place
            self.add_event("attacks", verb, agents, armed, sent_index, tier)
            self.add_event("captures", verb, agents, places, sent_index, tier)

    def departed_place(self, index: int) -> int | None:
        """A place a departure leaves: a place mention, or an unknown name the NER took for an
        organisation or a person that names no force, group or body ("civilians fled Walikale",
        "troops withdrew from Kamanyola"; not "NATO", "the Grain Deal"), read as a place."""
        mention = self.mentions[index]
        if self.is_place_mention(index):
            return index
        if mention.kind != "named" or mention.key or mention.label not in ("ORG", "PERSON"):
            return None
        span = self.mention_span(mention)
        not_place = self.force | self.group_words | self.lex.word_set("non_place_name_words")
        if span is None or any(not (t.pos_ == "PROPN" and t.text[:1].isupper() and not t.text.isupper()) or self.word(t, not_place) in not_place for t in span):
            return None
        return self.as_place(index)
