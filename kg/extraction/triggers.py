"""The core relations' triggers: verbs ("bombed", "seized") and nouns ("air strike",
"evacuation") of strikes, attacks, backs, captures and evacuates, plus "X fell to Y" and
"X-backed Y". Each rule finds its arguments and records an event with ``add_event``."""
from __future__ import annotations

from spacy.tokens import Token

from kg.extraction.state import ExtractorState
from kg.extraction.tokens import OBJECTS, PASSIVE_SUBJECTS, PLACE_LABELS, RELATIVE, SUBJECTS

# Pronouns of a person: "he" and "him" are the last person named, never a group or a place.
PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})


class TriggersMixin(ExtractorState):
    """Verb and noun triggers of the core relations.

    Calls on ``self`` that this class does not define reach the other roles' mixins through
    ``Extractor``."""

    def is_gerund_noun(self, token: Token) -> bool:
        """"Russian shelling hit…": a gerund with a demonym and no subject acts as a noun."""
        return (
            token.tag_ == "VBG"
            and token.lower_ in self.trigger_nouns
            and not any(c.dep_ in SUBJECTS | OBJECTS for c in token.children)
            and any(c.dep_ in ("amod", "poss", "compound", "det") or c.dep_ == "prep" and c.lower_ == "by" for c in token.children)
        )  # "Shelling by the army killed 21 civilians": a "by" agent makes it a noun too

    def verb_trigger(self, verb: Token, relation: str, sent_index: int) -> None:
        if self.is_gerund_noun(verb):
            return
        lemma = self.word(verb, self.verb_words)
        if relation == "captures" and lemma in self.lex.rel_set("attacks", "on_verbs") and any(
                c.dep_ == "prt" and c.lower_ == "on" for c in verb.children):
            relation = "attacks"  # "forces taking on IS", not a capture
        hostages = self.lex.rel_set("attacks", "hostage_nouns")
        if relation == "captures" and any(self.lemma(d) in hostages for o in self.objects(verb) for d in o.subtree):
            relation = "attacks"  # "seized hundreds of hostages in Kizlyar"
        spec = self.lex.raw["relations"][relation]
        if lemma in spec.get("air_only_verbs", []) and not self.flown_by(verb):
            return  # "IS destroyed the temple", "destroyed evidence": no strike
        particles = spec.get("particle_verbs", {}).get(lemma)
        if particles is not None and not any(c.dep_ in ("prt", "advmod", "prep") and c.lower_ in particles and c.i > verb.i for c in verb.children):
            return  # "pulled the trigger", "fell to rebels": not a departure
        pushed_back = lemma in spec.get("back_motion_verbs", []) and bool(self.objects(verb)) and any(
            c.dep_ in ("prt", "advmod") and c.lower_ == "back" for c in verb.children)
        if lemma in set(spec.get("motion_verbs", [])):
            if relation != "attacks":
                return
            targets_tokens = self.prep_objects(verb, spec.get("motion_preps", []))
            if not targets_tokens and not pushed_back:
                return
        if relation == "captures" and lemma in set(spec.get("control_verbs", [])) and lemma not in ("seize",):
            taken_back = lemma in spec.get("back_verbs", []) and any(c.dep_ in ("prt", "advmod") and c.lower_ == "back" and c.i > verb.i for c in verb.children)
            if not taken_back and not any(self.lemma(o) == "control" for o in self.objects(verb)):
                # "Israeli tanks take Rafah crossing", "insurgents took the town of Jisr al Shughour"
                takes_place = lemma == "take" and any(
                    o.i in self.ent_of and self.ent_of[o.i].label_ in PLACE_LABELS
                    or self.word(o, self.named_place_heads | self.named_place_features) in self.named_place_heads | self.named_place_features
                    and any(self.is_place_mention(m) for m in self.args(o)) for o in self.objects(verb))
                if not takes_place:
                    return  # "took part", "gained ground"; but "Israeli tanks take Rafah crossing" is a capture
        if relation == "backs" and lemma in set(spec.get("send_verbs", [])):
            return  # handled by secondary_verb's sending rule
        if relation == "captures" and self.attempted_capture(verb, sent_index):
            return
        if relation == "captures" and verb.dep_ in ("acl", "advcl") and self.to_infinitive(verb):
            return  # a purpose, not a deed: "launched an operation to capture the towns of Jarablus and al Bab"
        if verb.dep_ in ("advcl", "xcomp") and self.lemma(verb.head) in self.lex.rel_set("backs", "preparing_verbs") and self.to_infinitive(verb):
            return  # "has armed and trained the Peshmerga to fight IS": what they are trained for
        if relation == "captures" and lemma in set(spec.get("fall_verbs", [])):
            self.fell(verb, sent_index)
            return
        if relation == "captures" and lemma in set(spec.get("lose_verbs", [])):
            return  # secondary_verb's lost_to reads "lost X to Y"
        if lemma in ("strike", "hit", "target", "pound") and relation == "strikes":
            subj, _ = self.subject_tokens(verb)
            if any(self.lemma(s) in self.trigger_nouns for s in subj):
                return  # "strikes targeted X" is read from the noun
            head_noun = self.word(verb.head, self.trigger_nouns) if verb.dep_ == "acl" else None
            if head_noun in self.trigger_nouns and self.lex.noun_relation.get(head_noun) != "strikes":
                return  # "launched attacks targeting Christians": an attack, read from the noun
        if lemma in ("leave",) and any(c.dep_ == "dobj" and self.lemma(c) in ("comment", "message", "note") for c in verb.children):
            return
        if self.is_blocked(verb, relation):
            return
        passive = self.is_passive(verb)
        if passive:
            agent = self.by_agent(verb)
            if agent is not None and self.lemma(agent) in self.trigger_nouns and relation in ("strikes", "attacks"):
                agents, tier = self.nominal_agents(agent, relation)
            else:
                agents, tier = self.actor_args(self.with_coordinated_agents(agent), relation)
            patient = [c for c in verb.children if c.dep_ in PASSIVE_SUBJECTS]
            if not patient and verb.dep_ in ("acl", "amod", "relcl"):
                patient = [verb.head]
            if not patient and verb.dep_ == "advcl" and verb.i >= 2 and self.doc[verb.i - 1].text == ",":
                # "East Mosul, recaptured by Iraqi forces in January, …", parsed as a clause of the
                # main verb: the name just before the comma is what the participle describes
                named = self.ent_of.get(verb.i - 2)
                if named is not None and named.label_ in PLACE_LABELS:
                    patient = [named.root]
            if not patient:  # "The army backed by militias won …", read as a clause of its own
                patient = [c for c in verb.children if c.dep_ == "nsubj"]
            if agent is None and not agents:
                for conj in verb.conjuncts:  # "funded and armed by Iran"
                    shared = self.by_agent(conj)
                    if shared is not None:
                        agents, tier = self.actor_args([shared], relation)
                        break
            if lemma in spec.get("kill_verbs", []):
                agents = [a for a in agents if self.mentions[a].kind != "civilians"]
                if not agents:
                    return  # "a soldier was killed"
            if not agents and relation in ("strikes", "attacks"):
                # "The port of Izmail was hit": by whoever struck in the sentence before.
                agents = self.previous_event_agents(verb, relation)
                tier = "implicit"
        else:
            subj, _ = self.subject_tokens(verb)
            quantities = self.lex.word_set("event_quantity_nouns")
            subj = [e for s in subj for e in (self.prep_objects(s, ("of",)) if self.lemma(s) in quantities else [])
                    if self.lemma(e) in self.trigger_nouns] or subj  # "A series of strikes by the coalition killed …"
            if any(self.lemma(s) in self.trigger_nouns for s in subj) and relation in ("strikes", "attacks"):
                if lemma in spec.get("kill_verbs", []):  # "Russian air strikes on Idlib killed 12 civilians"
                    for noun in subj:
                        self.victims_killed(noun, self.objects(verb), sent_index)
                return
            agents, tier = self.actor_args(subj, relation)
            if lemma in spec.get("kill_verbs", []):
                if any(c.dep_ == "nummod" for s in subj for c in s.children):
                    return  # a headline's passive: "2 Syrians killed 5 injured in …"
                agents = [a for a in agents if self.mentions[a].kind != "civilians"]  # "a man dressed as a soldier killed …": no side
            patient = self.objects(verb)
            if relation == "backs" and not patient:  # "helping Iraqi forces fight IS": the clause's subject
                patient = [s for c in verb.children if c.dep_ in ("ccomp", "xcomp") for s in c.children if s.dep_ == "nsubj"]
            if relation == "backs" and not patient:  # "had helped train Kurdish peshmerga fighters"
                helped = self.lex.rel_set("backs", "helped_verbs")
                patient = [o for c in verb.children if c.dep_ == "xcomp" and self.lemma(c) in helped for o in self.objects(c)]
        if relation == "evacuates":
            self.evacuation(verb, relation, agents, tier, patient, passive, sent_index)
            return
        if lemma in spec.get("kill_verbs", []):
            if verb.tag_ == "VBG" and verb.dep_ in ("advcl", "xcomp", "conj", "acl"):
                # "shelled Kherson's district, killing a man": the shelling is the event, and
                # civilians it kills, named as such, are its targets ("…, killing nine civilians")
                clause = verb
                while clause.dep_ == "conj" and clause.head.tag_ == "VBG" and clause.head.i != clause.i:
                    clause = clause.head  # "attacked the town, burning homes and killing 12 civilians"
                self.victims_killed(clause.head, patient, sent_index)
                return
            # whom it kills: a side, or civilians named as such ("killed 13 protesters": the dev gold
            # requires them); a bare count of people ("killed 20 people") is a casualty figure
            bare = self.lex.rel_set("attacks", "bare_victim_nouns")
            patient = [p for p in patient if not (self.lemma(p) in bare and any(self.mentions[m].kind == "civilians" for m in self.args(p)))]
            if not patient:
                return
        targets: list[int] = []
        for item in patient:
            if item.lower_ in PERSON_PRONOUNS:
                # "He has been backed by Russia", "Russia backs him": the person named before
                person = self.previous_person(item)
                targets.extend([person] if person is not None else [])
                continue
            if item.dep_ == "conj" and verb.dep_ in ("acl", "amod") and item.i == verb.head.i:
                # "between Ukraine's government and separatist forces backed by Russia": the
                # participle is the later conjunct's alone
                targets.extend(m for m in self.arg(item) if self.is_actor_mention(m) or self.is_place_mention(m))
                continue
            targets.extend(self.args(item) or (self.event_owner(item) if relation == "backs" else []))
        if lemma in set(spec.get("motion_verbs", [])) and not pushed_back:
            targets = []
            for item in self.prep_objects(verb, spec.get("motion_preps", [])):
                targets.extend(self.args(item))
        if not targets:
            preps = set(spec.get("preps", []))
            if verb.tag_ == "VBG" and verb.dep_ in SUBJECTS | OBJECTS | {"pobj"}:
                preps.add("of")  # "RSF shelling of the Abu Shouk and Zamzam camps has intensified"
            for item in self.prep_objects(verb, preps):
                targets.extend(self.args(item))
        places = self.place_args(verb)
        if lemma in spec.get("kill_verbs", []) and any(self.mentions[t].kind == "civilians" for t in targets):
            targets += [p for p in places if p not in targets]  # "killed 13 protesters in Derry": Derry too
        if not targets and relation in ("strikes", "attacks"):
            targets = places or [m for item in patient for m in self.subtree_places(item)] or self.killing_clause_victims(verb)
        if relation in ("strikes", "attacks") and targets and not any(self.is_place_mention(t) for t in targets):
            # "struck Hezbollah infrastructure in the villages of Aitaroun and Kfarkela": where, too
            targets += [m for item in patient for m in self.subtree_places(item)]
        if relation in ("strikes", "attacks", "captures"):
            # "struck 18 Houthi targets …, including the capital, Sanaa, and the port of Hodeidah"
            targets += [m for p in self.prep_objects(verb, ("including",)) for m in self.args(p) if self.is_place_mention(m)]
        if not targets and verb.dep_ == "relcl" and not any(c.dep_ in OBJECTS and c.lower_ not in RELATIVE for c in verb.children):
            targets = self.args(verb.head)  # "the town (that) the army seized"
        if relation in ("strikes", "attacks") and lemma != "attack" and self.mentions and agents:
            relation = self.by_means(relation, verb, agents)
        elif relation == "attacks" and lemma == "attack" and self.uses_air_means(agents if self.mentions else [], verb) and not self.ground_bomb(verb):
            relation = "strikes"  # "attacked al-Ramouseh neighborhood with rockets", "Ukrainian drones attacked an oil depot"
        if relation == "captures" and lemma in spec.get("sub_state_verbs", []):
            targets = [t for t in targets if self.mentions[t].key not in self.actors]
            # "clear many areas in Nangarhar of IS presence": who is cleared out is attacked
            of = [p for item in patient for p in self.prep_objects(item, ("of",))] + self.prep_objects(verb, ("of",))
            cleared = self.actor_args(of, "attacks")[0] or [m for p in of for m in self.modifier_entities(p) if self.is_actor_mention(m)]
            if targets and cleared:
                self.add_event("attacks", verb, agents, cleared, sent_index, tier, places=places)
        if relation in ("strikes", "attacks"):
            # "attacked several southern neighborhoods held by government troops": the holders too
            targets += [m for m in dict.fromkeys(self.actor_args(self.holders(patient, ("by",)), relation)[0]) if m not in targets and m not in agents]
        self.add_event(relation, verb, agents, targets, sent_index, tier, places=places)
        if relation == "captures":
            # "The YPG captured Tel Abyad from ISIS": whom a place is taken from is attacked
            froms = self.prep_objects(verb, ("from",)) + [p for o in patient for p in self.prep_objects(o, ("from",))]  # "seized villages from NDF militias"
            holders = [m for m in self.actor_args(froms, "attacks")[0] if m not in agents]
            if holders:
                self.add_event("attacks", verb, agents, holders, sent_index, tier, places=places)

    def noun_trigger(self, noun: Token, relation: str, sent_index: int) -> None:
        if self.is_blocked(noun, relation):
            return
        lemma = self.word(noun, self.trigger_nouns)
        helper_nouns = self.lex.rel_set("backs", "helper_nouns")
        under_nouns = self.lex.rel_set("backs", "under_nouns")
        if lemma in under_nouns and not (noun.dep_ == "pobj" and noun.head.lower_ == "under"):
            return  # "took cover"
        # "angered Riyadh with its support for Iran": a backing of someone named, not a helper's
        names_backed = any(c.dep_ == "poss" for c in noun.children) and bool(self.prep_objects(noun, self.lex.rel("backs", "noun_preps")))
        if relation == "backs" and (lemma in helper_nouns and noun.head.lower_ == "with" and not names_backed or lemma in under_nouns) and noun.dep_ == "pobj":
            # "the army, with the help of Iranian-backed militias, took…": the helper backs the subject.
            helpers = []
            for pobj in self.prep_objects(noun, ("of", "from", "by")):  # "cover … by the coalition", misattached
                # "under the cover of airstrikes by the U.S.-led coalition": who strikes
                helpers.extend(self.args(pobj) or (self.nominal_agents(pobj, "strikes")[0] if self.word(pobj, self.trigger_nouns) in self.trigger_nouns else []))
            for owner in self.owner_tokens(noun):  # "with US air support"
                helpers.extend(self.actor_args([owner], relation)[0] or ([self.demonym_state(owner)[0]] if self.demonym_state(owner) else []))
            clause = noun.head.head
            while clause.pos_ not in ("VERB", "AUX") and clause.head.i != clause.i:
                clause = clause.head
            subj, _ = self.subject_tokens(clause)
            helped, tier = self.actor_args(subj, relation)
            if clause.dep_ == "relcl" and subj:
                # "between Daesh extremists and the fighters who have been advancing under the
                # cover of …": the clause modifies its own noun, not the nouns coordinated with it
                helped = [m for m in self.arg(subj[0]) if self.is_actor_mention(m)]
            self.add_event(relation, noun, helpers, helped, sent_index, tier)
            return
        if relation == "backs" and lemma in helper_nouns and noun.dep_ == "pobj" and noun.head.lower_ == "in":
            # "its attacks are in support of Hamas": whoever the clause is about backs Hamas.
            backed = [m for p in self.prep_objects(noun, ("of",)) for m in self.actor_args([p], relation)[0]]
            clause = noun.head.head
            while clause.pos_ not in ("VERB", "AUX") and clause.head.i != clause.i:
                clause = clause.head
            subj, _ = self.subject_tokens(clause)
            backers: list[int] = []
            tier = "explicit"
            for item in subj:
                if self.word(item, self.trigger_nouns) in self.trigger_nouns:
                    found, tier = self.nominal_agents(item, "attacks")
                    backers.extend(found)
                else:
                    found, tier = self.actor_args([item], relation)
                    backers.extend(found)
            self.add_event(relation, noun, backers, backed, sent_index, tier)
            return
        if relation == "backs" and lemma in helper_nouns and noun.dep_ == "pobj" and noun.head.lower_ == "for" and self.word(noun.head.head, self.lex.rel_set("backs", "thanks_verbs")) in self.lex.rel_set("backs", "thanks_verbs"):
            # "He thanked Britain and France for their support": the thanked back the thanker.
            verb = noun.head.head
            helpers = [m for o in self.objects(verb) for m in self.actor_args([o], relation)[0]]
            subj, _ = self.subject_tokens(verb)
            helped, tier = self.actor_args(subj, relation)
            self.add_event(relation, noun, helpers, helped, sent_index, tier)
            return
        if relation == "evacuates":
            agents: list[int] = []
            evacuees = self.prep_objects(noun, ("of",))
            for pobj in evacuees:
                agents.extend(m for m in self.args(pobj) if not self.is_place_mention(m))
            tier = "explicit"
            if not agents:
                agents, tier = self.nominal_agents(noun, relation)
            origins = []
            # "the evacuation of 300 civilians from Mariupol": "from" may hang on the evacuees
            for pobj in self.prep_objects(noun, ("from", "out")) + [p for e in evacuees for p in self.prep_objects(e, ("from", "out"))]:
                origins.extend(m for m in self.args(pobj) if self.is_place_mention(m))
            destinations = []
            for pobj in self.prep_objects(noun, ("to", "into", "towards")):
                destinations.extend(m for m in self.args(pobj) if self.is_place_mention(m))
            if agents and not origins:
                origins = self.nearest_place_before(noun)
            self.add_event(relation, noun, agents, [], sent_index, tier, origins=origins, destinations=destinations, count=self.headcount(evacuees))
            return
        if relation == "captures" and lemma in self.lex.rel_set("captures", "lost_nouns"):
            self.lost_place(noun, sent_index)
            return
        if relation == "backs" and lemma in self.lex.rel_set("backs", "poss_object_nouns") and self.named_backers(noun, sent_index):
            return
        agents, tier = self.nominal_agents(noun, relation)
        if relation == "backs" and lemma in self.lex.rel_set("backs", "voter_nouns"):
            # "a long-time supporter of NRM", "the women, vocal supporters of Clinton": a voter's support
            agents = [a for a in agents if self.mentions[a].kind != "civilians" and self.mentions[a].label != "PERSON"]
        targets = self.nominal_targets(noun, relation)
        partner = noun.head if noun.dep_ == "conj" and self.word(noun.head, self.trigger_nouns) in self.trigger_nouns else None
        if partner is not None:  # "Israeli air strikes and ground operations have killed … in Gaza"
            agents = agents or self.nominal_agents(partner, relation)[0]
            targets = targets or self.nominal_targets(partner, relation)
            if not targets and partner.dep_ in SUBJECTS:
                targets = [m for p in self.prep_objects(partner.head, ("on", "in", "at")) for m in self.args(p) if self.is_place_mention(m)]
        explicit_targets = bool(targets)
        if relation == "backs":
            targets = [m for m in targets if not self.is_place_mention(m) or self.mentions[m].key]
        places = self.place_args(noun)
        governor, role = self.governing_verb(noun)
        if not places and governor is not None and role == "object":
            places = self.place_args(governor)  # "waging an offensive in Lebanon"
        if not places and noun.dep_ in ("nsubj", "nsubjpass") and self.occurs(noun.head):
            # "The attack took place in Charikar"; not "near the embassy": a landmark, not where
            places = [m for p in self.prep_objects(noun.head, ("in", "at", "inside")) for m in self.args(p) if self.is_place_mention(m)]
        if not targets and relation in ("strikes", "attacks"):
            targets = places or self.subtree_places(noun) or (self.purpose_places(governor) if governor is not None and agents else [])
            if not targets:
                targets = self.witness_target(noun)
        elif relation in ("strikes", "attacks") and not any(self.is_place_mention(t) for t in targets):
            # "militants were killed in attacks by the army in the provinces of Hama and Idlib": where, too
            # (not "across Syria", "near Aleppo": an area or a landmark, not the place attacked)
            targets += [m for p in self.prep_objects(noun, ("in", "at", "inside")) for m in self.args(p) if self.is_place_mention(m) and m not in targets]
            # "air strikes against the group's bases and a vehicle in Idleb province": where its targets were
            targets += [m for p in self.prep_objects(noun, ("on", "against", "at")) for m in self.subtree_places(p) if m not in targets]
        killed_in = noun.dep_ == "pobj" and noun.head.lower_ in ("in", "by")
        if not agents and relation in ("strikes", "attacks") and explicit_targets and not killed_in:
            # "at least eight strikes targeted Binish": the agent was named just before.
            agents = self.previous_event_agents(noun, relation)
            tier = "implicit"
        relation = self.by_means(relation, noun, agents)
        self.add_event(relation, noun, agents, targets, sent_index, tier, places=places)

    def named_backers(self, noun: Token, sent_index: int) -> bool:
        """"regime supporters Russia and Iran", "Assad backers Russia and Iran": the compound is
        who is backed, the apposition who backs (not "the rebels' US backers", where the
        possessive is backed and the compound backs). True where it read the phrase."""
        if any(c.dep_ == "poss" for c in noun.children) or self.prep_objects(noun, ("of",)):
            return False
        named = [c for c in noun.children if c.dep_ == "appos"]
        backed = [c for c in noun.children if c.dep_ == "compound" and c.i < noun.i
                  and not (c.i in self.ent_of and self.ent_of[c.i].label_ in ("NORP", "GPE"))]
        if not named or not backed:
            return False
        backers = self.actor_args(named, "backs")[0]
        self.add_event("backs", noun, backers, self.actor_args(backed, "backs")[0], sent_index, "explicit")
        return True

    def occurs(self, verb: Token) -> bool:
        """"took place", "occurred", "happened": a verb that says where its event happens."""
        lemma = self.lemma(verb)
        if lemma not in self.lex.word_set("occurrence_verbs"):
            return False
        return lemma != "take" or any(c.dep_ == "dobj" and c.lower_ == "place" for c in verb.children)

    def backed(self, token: Token, sent_index: int) -> None:
        """"Iranian-backed militias", "US-backed Israel": X backs the modified noun."""
        head = token.head
        if token.dep_ not in ("amod", "compound", "nmod", "npadvmod", "advmod", "dep", "acl"):
            return
        backer_token = self.backer_of(head, token) if head is not token else None
        if backer_token is None:
            return
        backers, _ = self.actor_args([backer_token], "backs")
        backed, _ = self.actor_args([head], "backs")
        if not backed:
            group = self.group_modifier(head)
            backed = [group] if group is not None else []
        backed = [m for m in backed if self.mentions[m].backer is not None or m not in backers]
        # A modifier of a later conjunct does not reach back: in "between the militants and
        # US-backed fighters" only the fighters are backed.
        earlier: list[int] = []
        conjunct = head
        while conjunct.dep_ == "conj" and conjunct.head.i < conjunct.i:
            conjunct = conjunct.head
            earlier.extend(self.args(conjunct))
        backed = [m for m in backed if m not in earlier or self.mentions[m].end > token.idx]
        # Nor forward to a conjunct with an owner of its own: "Iranian-backed militias and Russian
        # air power" does not make Iran back Russia.
        owned = [c for c in head.conjuncts if c.i > head.i and any(
            d.dep_ in ("amod", "compound", "poss", "nmod") and d.i in self.ent_of for d in c.children)]
        backed = [m for m in backed if not any(c.left_edge.idx <= self.mentions[m].start < c.idx + len(c.text) for c in owned)]
        self.add_event("backs", token, backers, backed, sent_index, "explicit")
