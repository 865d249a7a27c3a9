"""Places and sides contested in other words than the core triggers: "X fell to Y", "the loss of
X to Y", a capture fought for ("fighting to recapture Tabqa from the group"), and fighting between
or with two sides ("clashes between X and Y", "engaged in fighting with Y")."""
from __future__ import annotations

from spacy.tokens import Token

from kg.extraction.state import ExtractorState
from kg.extraction.tokens import OBJECTS, PASSIVE_SUBJECTS


class ContestsMixin(ExtractorState):
    """Captures and fights read from their contest.

    Calls on ``self`` that this class does not define reach the other roles' mixins through
    ``Extractor``."""

    def fell(self, verb: Token, sent_index: int) -> None:
        """"Bakhmut fell to Russian forces": the captor is after "to"."""
        if self.is_blocked(verb, "captures"):
            return
        captors = []
        for item in self.prep_objects(verb, ("to",)):
            captors.extend(self.args(item))
        places = []
        subj, _ = self.subject_tokens(verb)
        for item in subj:
            places.extend(m for m in self.args(item) if self.is_place_mention(m))
        self.add_event("captures", verb, captors, places, sent_index, "explicit")

    def lost_place(self, noun: Token, sent_index: int) -> None:
        """"the loss of the town of Tal Abyad to Kurdish fighters": the fighters captured it."""
        lost = self.prep_objects(noun, ("of",))
        to = self.prep_objects(noun, ("to",)) + [q for o in lost for q in self.prep_objects(o, ("to",))]
        # "followed the loss of X to Y", "reeling from the loss of X to Y": "to" read as the verb's
        governor = noun.head if noun.dep_ == "dobj" else noun.head.head if noun.dep_ == "pobj" else None
        if not to and governor is not None and governor.pos_ == "VERB" and self.lemma(governor) not in self.reporting:
            to = [q for q in self.prep_objects(governor, ("to",)) if q.i > noun.i]
        captors = self.actor_args(to, "captures")[0]
        places = [m for o in lost for m in self.args(o) if self.is_place_mention(m)]
        if captors and places:
            self.add_event("captures", noun, captors, places, sent_index, "explicit")

    def attempted_capture(self, verb: Token, sent_index: int) -> bool:
        """"fighting to recapture Tabqa from the group", "an offensive to retake Mosul", "trying
        to capture Manbij": a capture fought for, not yet made, attacks the place and whom it is
        taken from. True where the verb is such an infinitive (its capture is then no event)."""
        head = verb.head
        if verb.dep_ not in ("acl", "advcl", "xcomp") or not self.to_infinitive(verb):
            return False
        if self.lemmas[head.i] not in self.lex.rel_set("attacks", "attempt_heads") or self.is_blocked(head, "attacks"):
            return False
        if head.pos_ in ("NOUN", "PROPN"):
            agents, tier = self.nominal_agents(head, "attacks")
            clause = head.head.head if head.dep_ == "pobj" else head.head if head.dep_ in OBJECTS else None
            if not agents and clause is not None and clause.pos_ in ("VERB", "AUX"):
                # "SDF launched a campaign to retake Raqqa", "Iraqi forces are advancing in the fight to retake Mosul"
                agents, tier = self.actor_args(self.subject_tokens(clause)[0], "attacks")
        else:
            agents, tier = self.actor_args(self.subject_tokens(verb)[0], "attacks")
        objects = self.objects(verb)
        targets = [m for o in objects for m in self.args(o)]
        # "from the group", "to recapture areas lost to the ISIS group", "… held by IS"
        holders = self.prep_objects(verb, ("from",)) + self.holders(objects, ("to", "by"))
        targets += [m for p in holders for m in self.actor_args([p], "attacks")[0] if m not in targets]
        self.add_event("attacks", verb, agents, targets, sent_index, tier)
        return True

    def engaging_verb(self, noun: Token) -> Token | None:
        """The verb whose subject is one side of "fighting with Y": "engaged in (their 11th day
        of) fighting with", "had clashes with"; None where the noun hangs from anything else."""
        current = noun
        if current.dep_ == "pobj" and current.head.lower_ == "of" and current.head.head.dep_ == "pobj":
            current = current.head.head  # "their 11th day of heavy fighting"
        if current.dep_ == "pobj" and current.head.lower_ == "in" and current.head.head.pos_ in ("VERB", "AUX"):
            verb = current.head.head
            return verb if self.lemmas[verb.i] in self.lex.rel_set("attacks", "engaged_verbs") else None
        if current.dep_ == "dobj" and self.lemmas[current.head.i] in self.lex.rel_set("attacks", "engaged_light_verbs"):
            return current.head
        return None

    def fought_before(self, noun: Token) -> Token | None:
        """The trigger verb a fight is the time of ("seized Rubaya after (days of) fighting with
        Congolese troops", "captured Merawi after clashes with federal troops"); None otherwise."""
        current = noun
        if current.dep_ == "pobj" and current.head.lower_ == "of" and current.head.head.dep_ == "pobj":
            current = current.head.head  # "after days of fighting"
        if current.dep_ != "pobj" or current.head.lower_ not in self.lex.rel_set("attacks", "fight_time_preps"):
            return None
        verb = current.head.head
        if verb.pos_ not in ("VERB", "AUX") or self.is_passive(verb):
            return None
        relations = self.lex.verb_relation.get(self.word(verb, self.verb_words), [])
        return verb if any(r in ("captures", "attacks", "strikes") for r in relations) else None

    def fought_with(self, trigger: Token, side: list[Token], sent_index: int, places: list[int]) -> None:
        """``side`` and the trigger's "with" object attack each other ("clashed with", "engaged in
        fighting with")."""
        subject = self.actor_args(side, "attacks")[0]
        other = [m for m in self.actor_args(self.prep_objects(trigger, ("with",)), "attacks")[0] if m not in subject]
        if subject and other:
            self.add_event("attacks", trigger, subject, other, sent_index, "explicit", places=places)
            self.add_event("attacks", trigger, other, subject, sent_index, "explicit", places=places)

    def between_sides(self, noun: Token, sent_index: int) -> None:
        """"fighting between IS and the Taliban", "clashes between X and Y": each side attacks
        the other. Only where both sides are named after "between", as actors, not places."""
        if self.is_blocked(noun, "attacks"):
            return
        between = self.prep_objects(noun, ("between",))
        if not between and noun.dep_ == "nsubj":  # "clashes erupted between X and Y"
            between = self.prep_objects(noun.head, ("between",))
        sides: list[int] = []
        for pobj in between:
            sides.extend(self.actor_args([pobj], "attacks")[0])
        sides = list(dict.fromkeys(sides))

        def who(m: int) -> str:
            return self.mentions[m].key or self.mentions[m].text

        places = self.place_args(noun)
        verb = self.fought_before(noun) if not sides else None
        if verb is not None:  # "seized Rubaya after days of fighting with Congolese troops"
            subject = self.actor_args(self.subject_tokens(verb)[0], "attacks")[0]
            other = [m for m in self.actor_args(self.prep_objects(noun, ("with",)), "attacks")[0]
                     if m not in subject and self.mentions[m].kind != "civilians"]  # no side fights civilians "with"
            self.add_event("attacks", noun, subject, other, sent_index, "explicit", places=places)
            return
        if not sides and noun.pos_ == "VERB" and self.lemmas[noun.i] in self.lex.rel_set("attacks", "with_verbs"):
            # "government forces clashed with Houthi fighters": the subject against the "with" object
            self.fought_with(noun, self.subject_tokens(noun)[0], sent_index, places)
            return
        if not sides and noun.pos_ == "NOUN":
            verb = self.engaging_verb(noun)
            if verb is not None:  # "were locked in fierce battles with": the passive subject too
                self.fought_with(noun, self.subject_tokens(verb)[0] or [c for c in verb.children if c.dep_ in PASSIVE_SUBJECTS], sent_index, places)
            return
        if len({who(m) for m in sides}) < 2:
            return
        for side in sides:
            others = [m for m in sides if who(m) != who(side)]
            self.add_event("attacks", noun, [side], others, sent_index, "explicit", places=places)
