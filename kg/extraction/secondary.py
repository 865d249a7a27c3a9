"""Secondary relations (controls, allyOf, designatesTerrorist, leaderOf, locatedIn, repels) and
the verb rules that report core events in other words (firing at, landing on, losing to,
fighting alongside, sending to)."""
from __future__ import annotations

from spacy.tokens import Token

from kg.extraction.state import ExtractorState
from kg.extraction.tokens import PASSIVE_SUBJECTS, PLACE_LABELS, PLACE_NOUNS, is_pronoun


class SecondaryMixin(ExtractorState):
    """Rules for secondary verbs and nouns.

    Calls on ``self`` that this class does not define reach the other roles' mixins through
    ``Extractor``."""

    def secondary_verb(self, verb: Token, sent_index: int) -> None:
        lemma = self.lemma(verb)
        forms = self.forms(verb)  # holds the lemma too
        if forms.isdisjoint(self.secondary_verb_words):
            return  # most verbs: none of the rules below can fire
        if forms & self.lex.rel_set("strikes", "fire_verbs"):
            self.firing(verb, sent_index)
        if forms & self.planting_verbs:
            self.planting(verb, sent_index)
        if forms & self.lex.rel_set("backs", "alongside_verbs"):
            self.alongside(verb, sent_index)
        if forms & self.lex.word_set("control_verbs"):
            self.control_verb(verb, sent_index)
        if forms & self.lex.word_set("ally_verbs"):
            self.ally_verb(verb, sent_index)
        if forms & self.lex.word_set("landing_verbs"):
            self.landing(verb, sent_index)
        if forms & self.lex.rel_set("captures", "lose_verbs"):
            self.lost_to(verb, sent_index)
        if lemma in self.lex.word_set("designate_verbs"):
            self.designation(verb, sent_index)
        if lemma in self.lex.word_set("repel_verbs"):
            self.repel(verb, sent_index)
        if lemma in self.lex.rel_set("backs", "send_verbs"):
            self.sending(verb, sent_index)
        if lemma in self.lex.rel_set("backs", "receive_verbs"):
            self.receiving(verb, sent_index)
        if lemma in self.lex.rel_set("captures", "expel_verbs"):
            self.expelling(verb, sent_index)
        if lemma in self.lex.rel_set("attacks", "open_fire_verbs"):
            self.opening_fire(verb, sent_index)
        if lemma == "lead" and self.is_passive(verb):
            leader = self.by_agent(verb)
            if leader is not None and verb.dep_ in ("acl", "relcl"):
                for led in self.args(verb.head):
                    for boss in self.args(leader):
                        same = boss == led or self.mentions[boss].key is not None and self.mentions[boss].key == self.mentions[led].key
                        if not same:  # "forces led by Haftar" are his own: no fact that he leads himself
                            self.add_fact("leaderOf", boss, led, verb, sent_index)

    def handled_objects(self, verb: Token) -> list[Token]:
        """What a firing or planting verb handles: its objects, or a passive's subjects, or the
        noun its passive participle describes ("a mortar shell fired by terrorists on …")."""
        found = self.objects(verb) or ([c for c in verb.children if c.dep_ in PASSIVE_SUBJECTS] if self.is_passive(verb) else [])
        if not found and verb.dep_ == "acl" and verb.tag_ == "VBN":
            found = [verb.head]
        return found

    def names_one_of(self, token: Token, vocabulary: frozenset[str]) -> bool:
        """The noun is a word of ``vocabulary``, itself or through "of" ("a salvo of rockets", "a
        cache of explosives")."""
        return self.word(token, vocabulary) in vocabulary or any(
            c.dep_ == "prep" and c.lower_ == "of" and any(self.word(g, vocabulary) in vocabulary for g in c.children) for c in token.children
        )

    def doer(self, verb: Token, relation: str) -> tuple[list[int], str]:
        """Who does a firing or planting verb: its subject, or a passive's "by" agent."""
        if self.is_passive(verb):
            agent = self.by_agent(verb)
            return self.actor_args([agent] if agent is not None else [], relation)
        subj, _ = self.subject_tokens(verb)
        return self.actor_args(subj, relation)

    def firing(self, verb: Token, sent_index: int) -> None:
        """"Hezbollah fired rockets at a base in northern Israel": firing weapons at X strikes X."""
        weapons = self.lex.rel_set("strikes", "fire_objects")
        preps = self.lex.rel_set("strikes", "fire_preps")
        objects = self.handled_objects(verb)
        # "Turkish army howitzers fired on the militants", "Rebels fired into Damascus": firing
        # with no object strikes what it is fired on or into (not "at": "fired at protesters")
        aimed_at = self.prep_objects(verb, self.lex.rel_set("strikes", "aimed_fire_preps")) if not objects and self.lemma(
            verb) in self.lex.rel_set("strikes", "aimed_fire_verbs") else []
        if not aimed_at and not any(self.names_one_of(t, weapons) for o in objects for t in (o, *o.conjuncts)) or self.is_blocked(verb, "strikes"):
            return
        targets: list[int] = []
        by = self.by_agent(verb)
        # "a mortar shell fired by terrorists on al-Wafideen Camp": "on" hung on the "by" agent
        for item in self.prep_objects(verb, preps) + (self.prep_objects(by, preps) if by is not None else []):
            targets.extend(self.args(item))
        # "dropped a barrel bomb containing toxic gasses on the Zubdiya neighbourhood": "on" hangs on
        # the object of a clause inside the weapon's phrase
        inner = [g for o in objects for c in o.children if c.dep_ == "acl" for g in [c, *self.objects(c)]]
        for obj in objects + inner:
            for item in self.prep_objects(obj, preps):
                targets.extend(self.args(item))
        if aimed_at:
            targets = [m for item in aimed_at for m in self.args(item)]
        if not targets:  # "launched drones at a military headquarters in Safed"
            for item in self.prep_objects(verb, preps) + [p for o in objects for p in self.prep_objects(o, preps)]:
                targets.extend(self.subtree_places(item))
        agents, tier = self.doer(verb, "strikes")
        relation = "strikes"
        if aimed_at and not self.is_passive(verb):
            subj, _ = self.subject_tokens(verb)
            if subj and all(self.word(t, self.ground) in self.ground for t in subj):
                relation = "attacks"  # "IS snipers fired on Iraqi troops": no shell or rocket, direct fire
        self.add_event(relation, verb, agents, targets, sent_index, tier, places=self.place_args(verb))

    def is_explosive(self, token: Token) -> bool:
        """A bomb, device or explosives (``plant_objects``), itself or through "of", or a vehicle
        laden with them ("an explosives-laden truck", "a car packed with explosives", "a
        booby-trapped car")."""
        explosives = self.lex.rel_set("attacks", "plant_objects")
        if self.names_one_of(token, explosives):
            return True
        laden = self.lex.rel_set("attacks", "laden_words")
        return any(
            c.dep_ in ("amod", "acl", "compound") and c.lower_ in laden
            and any(self.lemma(g) in explosives for g in c.subtree if g is not c)
            for c in token.children
        )

    def ground_bomb(self, token: Token) -> bool:
        """"a car bomb", "the pub bombings", "a suicide bomber": a modifier puts the bomb on the ground."""
        mods = self.lex.rel_set("attacks", "ground_bomb_modifiers")
        return any(c.dep_ in ("compound", "amod", "nmod") and self.lemma(c) in mods for c in token.children)

    def planting(self, verb: Token, sent_index: int) -> None:
        """"The gang planted a time bomb in the Caterham Arms", "detonated a car bomb at the
        checkpoint": setting off a bomb on the ground attacks where it is set."""
        objects = self.handled_objects(verb)
        if not any(self.is_explosive(t) for o in objects for t in (o, *o.conjuncts)) or self.is_blocked(verb, "attacks"):
            return
        preps = self.lex.rel_set("attacks", "plant_preps")
        laden = self.lex.rel_set("attacks", "laden_words")
        # "a truck packed with explosives at a checkpoint": the parser hangs "at" on "packed"
        holders = objects + [c for o in objects for c in o.children if c.dep_ == "acl" and c.lower_ in laden]
        targets: list[int] = []
        for item in self.prep_objects(verb, preps) + [p for o in holders for p in self.prep_objects(o, preps)]:
            targets.extend(self.args(item) or self.subtree_places(item))
        agents, tier = self.doer(verb, "attacks")
        self.add_event("attacks", verb, agents, targets, sent_index, tier, places=self.place_args(verb))

    def landing(self, verb: Token, sent_index: int) -> None:
        """"The regime's barrel bombs fell on Douma": the weapon's owner strikes the place. A bomb
        that explodes rather than falls, or one on the ground ("a car bomb"), attacks it."""
        weapons = self.lex.word_set("weapon_nouns")
        subj, _ = self.subject_tokens(verb)
        if not subj:
            return
        weapon = subj[0]
        exploded = self.lemma(verb) in self.lex.rel_set("attacks", "plant_verbs") and self.is_explosive(weapon)
        if self.word(weapon, weapons) not in weapons and not exploded:
            return
        relation = "attacks" if exploded or self.ground_bomb(weapon) else "strikes"
        if self.is_blocked(verb, relation):
            return
        owners: list[int] = []
        for child in weapon.children:
            if child.dep_ == "poss":
                owners.extend(self.actor_args([child], "strikes")[0])
        for owner in self.owner_tokens(weapon):
            if self.word(owner, self.air) in self.air:
                continue  # "Barrel bombs fell on Douma", the first word taken for a name: a kind of weapon, no owner
            owners.extend(self.generic(weapon) if owner.i in self.ent_of and self.ent_of[owner.i].label_ == "NORP" else self.actor_args([owner], relation)[0])
        preps = ("on", "in", "into", "onto") + (("at", "near", "outside", "inside") if relation == "attacks" else ())
        # "exploded without warning at the Caterham Arms": the parser hangs "at" on "warning"
        heads = [verb] + [g for c in verb.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pcomp"]
        targets = [m for h in heads for p in self.prep_objects(h, preps) for m in self.args(p) or self.subtree_places(p)]
        if not targets:  # "A ballistic missile hit an industrial facility in Bila Tserkva"
            targets = [m for o in self.objects(verb) for m in self.args(o) or self.subtree_places(o)]
        tier = "explicit"
        if not owners:
            owners, tier = self.previous_event_agents(verb, relation), "implicit"
        self.add_event(relation, verb, list(dict.fromkeys(owners)), targets, sent_index, tier)

    def lost_to(self, verb: Token, sent_index: int) -> None:
        """"Islamic State lost the city to forces from Misrata": the forces captured it."""
        captors = [m for p in self.prep_objects(verb, ("to",)) for m in self.args(p)]
        places = [m for o in self.objects(verb) for m in self.args(o) if self.is_place_mention(m)]
        if captors and places and not self.is_blocked(verb, "captures"):
            self.add_event("captures", verb, captors, places, sent_index, "explicit")

    def alongside(self, verb: Token, sent_index: int) -> None:
        """"Wagner mercenaries, who had fought alongside the LNA": fighting beside X backs X."""
        partners = [m for p in self.prep_objects(verb, ("alongside",)) for m in self.args(p)]
        if not partners or self.is_blocked(verb, "backs"):
            return
        subj, _ = self.subject_tokens(verb)
        agents, tier = self.actor_args(subj, "backs")
        self.add_event("backs", verb, agents, partners, sent_index, tier)

    def control_verb(self, verb: Token, sent_index: int) -> None:
        """"the Houthis, who control much of northern Yemen", "the town was run by the Kaniyat"."""
        if self.is_blocked(verb, "controls") and verb.tag_ not in ("VBZ", "VBP"):
            return
        if any(c.dep_ == "neg" for c in verb.children):
            return
        if self.is_passive(verb):
            agent = self.by_agent(verb)
            holders = self.actor_args([agent], None)[0] if agent is not None else []
            patient = [c for c in verb.children if c.dep_ in PASSIVE_SUBJECTS] or ([verb.head] if verb.dep_ in ("acl", "amod") else [])
        else:
            subj, _ = self.subject_tokens(verb)
            holders = self.actor_args(subj, None)[0]
            patient = self.objects(verb)
            if not patient and verb.dep_ == "relcl":
                patient = [verb.head]
        patient = patient + self.prep_objects(verb, ("including",))
        places = [m for p in patient for m in self.args(p) if self.is_place_mention(m)]
        for holder in holders:
            for place in places:
                if holder != place and self.mentions[holder].key != self.mentions[place].key:
                    self.add_fact("controls", holder, place, verb, sent_index)

    def ally_verb(self, verb: Token, sent_index: int) -> None:
        """"a militia that allied itself with Haftar"."""
        partners = [m for p in self.prep_objects(verb, ("with", "to")) for m in self.args(p)]
        if not partners or any(c.dep_ == "neg" for c in verb.children):
            return
        subj, _ = self.subject_tokens(verb)
        for holder in self.actor_args(subj, None)[0]:
            for partner in partners:
                if holder != partner:
                    self.add_fact("allyOf", holder, partner, verb, sent_index)

    def designation(self, verb: Token, sent_index: int) -> None:
        if not any(self.lemma(t) in self.lex.word_set("terror_words") for t in verb.subtree):
            return
        if self.is_blocked(verb, "designatesTerrorist"):
            return
        if self.is_passive(verb):
            agent = self.by_agent(verb)
            designators = self.args(agent) if agent is not None else []
            patient = [c for c in verb.children if c.dep_ in PASSIVE_SUBJECTS]
            if not patient and verb.dep_ in ("acl", "relcl"):
                patient = [verb.head]
            designated = [m for p in patient for m in self.actor_args([p], None)[0]]
        else:
            subj, _ = self.subject_tokens(verb)
            designators, _ = self.actor_args(subj, None)
            designated = [m for o in self.objects(verb) for m in self.args(o)]
        for s in designators:
            for o in designated:
                self.add_fact("designatesTerrorist", s, o, verb, sent_index)

    def repel(self, verb: Token, sent_index: int) -> None:
        """"Government forces repelled an ISIS attack": the government repels IS. (That the attack
        was on the government is the dev standard's optional tier and no seed gold line: not read.)"""
        subj, _ = self.subject_tokens(verb)
        defenders, _ = self.actor_args(subj, None)
        for obj in self.objects(verb):
            attackers = self.nominal_agents(obj, "attacks")[0] if self.lemma(obj) in self.trigger_nouns else self.args(obj)
            for d in defenders:
                for a in attackers:
                    self.add_fact("repels", d, a, verb, sent_index)

    def sending(self, verb: Token, sent_index: int) -> None:
        """"Iran sent militias to Syria": sending fighters or arms to X backs X."""
        sent_objects = self.lex.rel_set("backs", "send_objects")
        objects = self.objects(verb)

        def is_thing(token: Token) -> bool:
            return self.word(token, sent_objects) in sent_objects or any(
                c.dep_ == "prep" and c.lower_ == "of" and any(self.word(g, sent_objects) in sent_objects for g in c.children) for c in token.children
            )

        things = [o for o in objects if is_thing(o)]
        with_things = [p for p in self.prep_objects(verb, ("with",)) if is_thing(p)]
        if with_things and objects and not things:
            # "Iran has supplied Russia with Shahed drones": the object receives.
            if self.is_blocked(verb, "backs"):
                return
            subj, _ = self.subject_tokens(verb)
            senders, tier = self.actor_args(subj, "backs")
            receivers = [m for o in objects for m in self.actor_args([o], "backs")[0]]
            self.add_event("backs", verb, senders, receivers, sent_index, tier)
            return
        if not things or self.is_blocked(verb, "backs"):
            return
        subj, _ = self.subject_tokens(verb)
        senders, tier = self.actor_args(subj, "backs")
        receivers = []
        for item in self.prep_objects(verb, ("to",)):
            receivers.extend(m for m in self.actor_args([item], "backs")[0] if self.is_actor_mention(m))  # not "to Al-Jufra" airbase
        for child in verb.children:
            if child.dep_ == "dative":
                receivers.extend(self.actor_args([child], "backs")[0])
        self.add_event("backs", verb, senders, receivers, sent_index, tier)

    def opening_fire(self, verb: Token, sent_index: int) -> None:
        """"Renegade soldiers opened fire on protesters at the Bosporus Bridge": the shooters
        attack whom they fire on (strike, where they are aircraft or guns)."""
        fire = [o for o in self.objects(verb) if self.lemma(o) in self.lex.rel_set("attacks", "open_fire_objects")]
        if not fire or self.is_blocked(verb, "attacks"):
            return
        preps = self.lex.rel_set("attacks", "open_fire_preps")
        aimed = self.prep_objects(verb, preps) + [p for f in fire for p in self.prep_objects(f, preps)]
        targets = [m for item in aimed for m in self.args(item)]
        if not targets:
            return
        agents, tier = self.doer(verb, "attacks")
        places = self.place_args(verb) + [m for item in aimed for m in self.place_args(item)]
        if all(self.mentions[t].kind == "civilians" for t in targets):
            targets += [p for p in places if p not in targets]  # as "killed 13 protesters in Derry": Derry too
        self.add_event(self.by_means("attacks", verb, agents), verb, agents, targets, sent_index, tier, places=places)

    def receiving(self, verb: Token, sent_index: int) -> None:
        """"The LNA has received backing from the UAE", "Kyiv received Patriot systems from the
        United States": who gives support or arms backs who receives them."""
        things = self.lex.rel_set("backs", "send_objects") | self.lex.rel_set("backs", "helper_nouns")
        received = [o for o in self.objects(verb) if self.names_one_of(o, things)]
        if not received or self.is_blocked(verb, "backs"):
            return
        givers = [m for p in self.prep_objects(verb, ("from",)) + [p for o in received for p in self.prep_objects(o, ("from",))]
                  for m in self.actor_args([p], "backs")[0] if self.is_actor_mention(m)]
        subj, _ = self.subject_tokens(verb)
        receivers, tier = self.actor_args(subj, "backs")
        self.add_event("backs", verb, givers, receivers, sent_index, tier)

    def secondary_noun(self, token: Token, sent_index: int) -> None:
        lemma = self.lemmas[token.i]
        lower = token.lower_
        if lemma in self.ally_nouns and token.pos_ == "NOUN":
            self.ally(token, sent_index)
        elif lower in self.ally_adjectives:
            partner = []
            for item in self.prep_objects(token, ("to", "with")):
                partner.extend(self.args(item))
            allied = self.args(token.head) if token.dep_ in ("amod", "acl") else []
            for s in allied:
                for o in partner:
                    self.add_fact("allyOf", s, o, token, sent_index)
        elif lemma in self.leader_titles and token.dep_ == "compound" and token.head.i in self.ent_of:
            self.leader(token, sent_index)
        elif lemma in self.leader_titles and any(c.dep_ == "appos" and c.i in self.ent_of for c in token.children):
            # "Ahrar al-Sham's leader Hassan Abboud": the name in apposition to the title
            self.leader(token, sent_index, next(c for c in token.children if c.dep_ == "appos" and c.i in self.ent_of))
        elif lemma in self.container and lemma in PLACE_NOUNS:
            self.located(token, sent_index)
        elif lemma in self.lex.rel_set("backs", "behalf_nouns"):
            self.on_behalf(token, sent_index)

    def on_behalf(self, token: Token, sent_index: int) -> None:
        """"Russia's entry into the Syrian conflict on behalf of Assad", "militias fighting on
        behalf of the regime": who acts for X backs X; a spokesman who speaks for X does not."""
        if token.dep_ != "pobj" or token.head.lower_ not in ("on", "in") or self.is_blocked(token, "backs"):
            return
        # an armed side or a state, not "condolences on behalf of the American people"
        backed = [m for m in self.actor_args(self.prep_objects(token, ("of",)), "backs")[0] if self.mentions[m].kind != "civilians"]
        holder = token.head.head
        if holder.pos_ in ("VERB", "AUX"):
            if self.lemma(holder) in self.reporting or self.lemma(holder) in self.lex.rel_set("backs", "behalf_speech_verbs"):
                return
            backers, tier = self.actor_args(self.subject_tokens(holder)[0], "backs")
        elif holder.pos_ in ("NOUN", "PROPN"):
            backers, tier = self.nominal_agents(holder, "backs") if holder.i not in self.ent_of else (self.args(holder), "explicit")
        else:
            return
        self.add_event("backs", token, [b for b in backers if b not in backed], backed, sent_index, tier)

    def ally(self, token: Token, sent_index: int) -> None:
        """"the army and its ally Russia", "Assad is a close ally of Moscow"."""
        partners: list[int] = []
        for child in token.children:
            if child.dep_ == "appos":
                partners.extend(self.args(child))
        if token.dep_ in ("compound", "appos") and token.head.i in self.ent_of:
            partners.extend(self.args(token.head))
        others: list[int] = []
        for child in token.children:
            if child.dep_ == "poss":
                if is_pronoun(child):
                    others.extend(m for m in self.actors_before(child) if m not in partners)
                else:
                    others.extend(self.args(child))
        of_side = [m for p in self.prep_objects(token, ("of", "to")) for m in self.args(p)]
        if token.dep_ == "attr" and of_side:
            subj, _ = self.subject_tokens(token.head)
            partners, _ = self.actor_args(subj, None)
            others = of_side
        elif of_side and not others:
            others = of_side
        for s in partners:
            for o in others:
                if s != o:
                    self.add_fact("allyOf", s, o, token, sent_index)

    def leader(self, title: Token, sent_index: int, named: Token | None = None) -> None:
        person = self.ent_of[(named if named is not None else title.head).i]
        if person.label_ != "PERSON":
            return
        states: list[int] = []
        for child in title.children:
            if named is not None and child.i == named.i:
                continue
            if child.dep_ in ("amod", "poss", "compound", "nmod") and (child.i in self.ent_of or self.ent_key(child)):
                states.extend(self.actor_args([child], None)[0] if child.i in self.ent_of and self.ent_of[child.i].label_ != "NORP" else self.demonym_state(child))
        for child in person.root.children:
            if child.dep_ in ("amod", "poss", "compound", "nmod") and child.i < title.i and (child.i in self.ent_of or self.ent_key(child)):
                states.extend(self.actor_args([child], None)[0] if child.i in self.ent_of and self.ent_of[child.i].label_ != "NORP" else self.demonym_state(child))
        me = self.named(person)
        for state in dict.fromkeys(states):
            self.add_fact("leaderOf", me, state, title, sent_index)

    def named_place(self, token: Token) -> list[int]:
        """A place named directly, or by "the province of X": nothing vaguer ("near the border")."""
        ent = self.ent_of.get(token.i)
        if ent is not None:
            return [self.named(ent)] if ent.label_ in PLACE_LABELS else []
        if self.word(token, self.container) in self.container:
            for child in token.children:
                if child.dep_ == "prep" and child.lower_ == "of":
                    return [m for p in child.children if p.dep_ == "pobj" for m in self.named_place(p)]
                if child.dep_ == "compound" and child.i in self.ent_of and self.ent_of[child.i].label_ in PLACE_LABELS:
                    return [self.named(self.ent_of[child.i])]
        return []

    def located(self, noun: Token, sent_index: int) -> None:
        """"Binish, Saraqeb and Jisr al Shaqour – main towns in the province of Idlib"."""
        containers = [m for p in self.prep_objects(noun, ("in", "of")) for m in self.named_place(p)]
        if not containers:
            return
        inside: list[int] = []
        if noun.dep_ == "appos" and noun.head.i in self.ent_of:
            inside = self.args(noun.head)
        elif noun.dep_ == "appos" or noun.head.i in self.ent_of and noun.dep_ in ("appos", "npadvmod", "dep"):
            inside = self.args(noun.head)
        inside = [m for m in inside if self.is_place_mention(m)]
        for s in inside:
            for o in containers:
                if s != o:
                    self.add_fact("locatedIn", s, o, noun, sent_index)

    def hyphen_holders(self, token: Token) -> list[int]:
        """The actor hyphened before a participle: "rebel" in "rebel-held", "government-besieged"."""
        if token.i < 2 or self.tokens[token.i - 1].text != "-":
            return []
        holder = self.tokens[token.i - 2]
        return self.actor_args([holder], None)[0] if self.lemma(holder) not in self.lex.group_class else self.generic(holder)

    def hyphen_besieged(self, token: Token, sent_index: int) -> None:
        """"Madaya, a government-besieged town", "the rebel-besieged towns of Fuaa and Kefraya":
        the besieger attacks the place (and each place coordinated with it)."""
        besiegers = self.hyphen_holders(token)
        if not besiegers or self.is_blocked(token, "attacks"):
            return
        head = token.head
        places = self.named_place(head)
        named = self.apposed_name(head) if not places else None
        if named is not None:
            places = self.named_place(named.root)  # "Madaya, a government-besieged town"
        for place in list(places):
            ent = next((e for e in self.ents if self.mentions[place].start <= e.start_char < self.mentions[place].end), None)
            if ent is not None:
                places += [m for c in ent.root.conjuncts for m in self.named_place(c)]
        if places:
            self.add_event("attacks", token, besiegers, list(dict.fromkeys(places)), sent_index, "explicit")

    def controlled(self, token: Token, sent_index: int) -> None:
        """"rebel-held Idlib": the group controls the place."""
        holders = self.hyphen_holders(token)
        if not holders:
            return
        head = token.head
        # "rebel-held Idlib", "the rebel-held city of Idlib"; not "opposition-run White Helmets"
        places = self.named_place(head)  # not its conjuncts: "rebel-held Idlib and rural Aleppo" is ambiguous
        for holder_mention in holders:
            for place in places:
                self.add_fact("controls", holder_mention, place, token, sent_index)
