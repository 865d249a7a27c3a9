"""Who does what to whom: the agents and targets of a trigger.

``actor_args`` turns subject tokens into agents (pronouns resolved); ``nominal_agents`` and
``nominal_targets`` read a noun trigger ("Israel's air strikes on Rafah"); the rest find the
places an event happens in or is aimed at."""
from __future__ import annotations

from typing import Iterable

from spacy.tokens import Token

from kg.extraction.data import CORE, Mention
from kg.extraction.state import ExtractorState
from kg.extraction.tokens import OBJECTS, PASSIVE_SUBJECTS, PLACE_LABELS, RELATIVE, SUBJECTS, is_pronoun


class ParticipantsMixin(ExtractorState):
    """Agents, targets and places of triggers.

    Calls on ``self`` that this class does not define reach the other roles' mixins through
    ``Extractor``."""

    def actor_args(self, tokens: Iterable[Token], relation: str | None) -> tuple[list[int], str]:
        found: list[int] = []
        tier = "explicit"
        for token in tokens:
            for item in self.expand(token):
                if is_pronoun(item):
                    mentions, tier = self.resolve_pronoun(item, relation)
                    found.extend(mentions)
                else:
                    found.extend(m for m in self.arg(item) if not self.is_place_mention(m) or (self.mentions[m].key and self.is_actor_mention(m)))
        attackers = self.lex.word_set("attacker_heads")
        if relation in CORE and found and all(self.is_unowned_force(m) and self.mentions[m].head not in attackers for m in found) and tokens:
            # "Drones also attacked a bus": whose drones the sentence before said. Not "a suicide
            # bomber struck": he is nobody's drone; a claim may name him (``claims``).
            previous = self.previous_event_agents(next(iter(tokens)) if isinstance(tokens, list) else found and self.doc[0], relation)
            if previous:
                return previous, "implicit"
        return list(dict.fromkeys(found)), tier

    def is_unowned_force(self, index: int) -> bool:
        mention = self.mentions[index]
        return mention.kind == "force" and mention.key is None

    def nominal_agents(self, noun: Token, relation: str) -> tuple[list[int], str]:
        """Agents of a nominal trigger: possessive, modifiers, "by X", "with X", a light verb."""
        found: list[int] = []
        tier = "explicit"
        poss_is_object = self.word(noun, self.lex.rel_set("backs", "poss_object_nouns")) in self.lex.rel_set("backs", "poss_object_nouns") and relation == "backs"
        for child in noun.children:
            if child.dep_ == "poss" and not poss_is_object:
                if is_pronoun(child):
                    mentions, tier = self.resolve_pronoun(child, relation)
                    found.extend(mentions)
                else:
                    found.extend(self.args(child))
        for owner in self.owner_tokens(noun):
            if poss_is_object and owner.dep_ == "poss":
                continue  # "Israel's main arms supplier": Israel is supplied, not the supplier
            ent = self.ent_of.get(owner.i)
            if ent is None or ent.label_ == "NORP":
                key = self.ent_key(owner)
                means = [c.text.lower() for c in noun.children if c.dep_ == "compound" and self.word(c, self.air) in self.air]
                head = self.word(noun, self.trigger_nouns)
                found.append(self.add_mention(Mention(owner.idx, noun.idx + len(noun.text), f"{owner.text} {noun.text}", "force", key=key, head=means[0] if means else head)))
            else:
                found.extend(self.actor_args([owner], relation)[0])
        if poss_is_object and not found:
            # "the rebels' supporter Turkey", "Israel's main arms supplier, the United States": the apposed name backs
            found.extend(m for c in noun.children if c.dep_ == "appos" for m in self.actor_args([c], relation)[0])
            if not found and noun.dep_ == "compound" and noun.head.i in self.ent_of:
                found.extend(self.actor_args([noun.head], relation)[0])  # parsed "[the rebels' supporter] Turkey"
        if not found:
            for child in noun.children:
                # "regime airstrikes on the town", "army shelling": a state noun owns the event
                if child.dep_ in ("compound", "nmod") and child.i < noun.i and child.i not in self.ent_of and self.lemma(child) in self.lex.word_set("owning_state_nouns"):
                    found.extend(self.generic(child))
        group = self.group_modifier(noun)
        if group is not None:
            found.append(group)
        by = self.by_agent(noun)
        if by is None and (holder := self.quantity_holder(noun)) is not noun:
            by = self.by_agent(holder)  # "a series of strikes by the coalition", "by" hung on "series"
        if by is not None:
            found.extend(self.actor_args([by], relation)[0])
        sufferer = self.sufferer(noun) if relation in ("strikes", "attacks") else None
        if sufferer is not None:  # "came under fire from Houthi rebels": "by" or "from", on the noun or the verb
            sources = [p for t in (noun, sufferer) for p in self.prep_objects(t, ("by", "from"))]
            suffering = self.actor_args(self.subject_tokens(sufferer)[0], relation)[0]
            found.extend(m for m in self.actor_args(sources, relation)[0] if m not in suffering)
        for child in noun.children:
            if child.dep_ == "acl" and child.tag_ == "VBN":
                agent = self.by_agent(child)
                if agent is not None:
                    found.extend(self.actor_args([agent], relation)[0])
                for prt in child.children:  # "carried out by X"
                    agent = self.by_agent(prt)
                    if agent is not None:
                        found.extend(self.actor_args([agent], relation)[0])
            if child.dep_ == "prep" and child.lower_ == "with" and found:
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        found.extend(self.actor_args([pobj], relation)[0])
        if not found:
            joined = self.joined_by(noun)
            if joined is not None:  # "Jordan participated in the air campaign against IS"
                subj, _ = self.subject_tokens(joined)
                found, tier = self.actor_args(subj, relation)
        if not found:
            governor, role = self.governing_verb(noun)
            if governor is not None and self.forms(governor) & (self.light | self.reporting - {"say"}):
                if role == "object":
                    subj, _ = self.subject_tokens(governor)
                    found, tier = self.actor_args(subj, relation)
                elif role == "passive":
                    agent = self.by_agent(governor)
                    if agent is None:
                        for prt in governor.children:
                            agent = agent or self.by_agent(prt)
                    if agent is not None:
                        found, tier = self.actor_args([agent], relation)
            for child in noun.children:  # "the offensive that Haftar launched"
                if not found and child.dep_ == "relcl" and self.forms(child) & self.light:
                    subj, _ = self.subject_tokens(child)
                    found, tier = self.actor_args([t for t in subj if t.i != noun.i], relation)
            if not found and noun.dep_ == "attr":
                subj, _ = self.subject_tokens(noun.head)
                found, tier = self.actor_args(subj, relation)
            if not found and noun.dep_ == "appos":
                found = self.args(noun.head)
            if not found:  # "Jamaat-ul-Ahrar claimed responsibility for an Easter bombing in Lahore"
                found = self.claimants(noun, relation)
        return list(dict.fromkeys(found)), tier

    def quantity_holder(self, noun: Token) -> Token:
        """"a series of strikes", "a wave of air strikes": the quantity noun an event noun hangs
        from (``event_quantity_nouns``), which the parser gives the "by" agent and the verb; else
        the noun itself."""
        if noun.dep_ == "pobj" and noun.head.lower_ == "of" and self.lemma(noun.head.head) in self.lex.word_set("event_quantity_nouns"):
            return noun.head.head
        return noun

    def joined_by(self, noun: Token) -> Token | None:
        """The verb whose subject takes part in a nominal trigger: "joined the offensive",
        "participated in the campaign", "took part in the strikes" (``joining_verbs``)."""
        joining = self.lex.word_set("joining_verbs")
        if noun.dep_ == "dobj" and self.lemma(noun.head) in joining:
            return noun.head if self.has_doer(noun.head) else None
        if noun.dep_ != "pobj" or noun.head.lower_ != "in" or noun.head.dep_ != "prep":
            return None
        verb = noun.head.head
        if verb.lower_ == "part" and verb.dep_ == "dobj":
            verb = verb.head  # "took part in", the "in" hung on "part"
        taking_part = self.lemma(verb) == "take" and any(c.dep_ == "dobj" and c.lower_ == "part" for c in verb.children)
        return verb if (taking_part or self.lemma(verb) in joining) and self.has_doer(verb) else None

    def has_doer(self, verb: Token) -> bool:
        """Not an infinitive hung on a noun that cannot act ("crossed Turkish territory to reach
        Azerbaijan and join the fight", misparsed as the territory's)."""
        first = verb
        while first.dep_ == "conj" and first.head.i != first.i:
            first = first.head
        return first.dep_ != "acl" or self.word(first.head, self.actor_nouns) in self.actor_nouns

    def governing_verb(self, noun: Token) -> tuple[Token | None, str]:
        """The verb a nominal trigger hangs from: ("launched", "object") for "launched an attack"."""
        current = noun
        for _ in range(3):
            if current.dep_ in OBJECTS:
                return current.head, "object"
            if current.dep_ in PASSIVE_SUBJECTS:
                return current.head, "passive"
            if current.dep_ == "pobj" and current.head.dep_ == "prep" and current.head.lower_ == "of":
                current = current.head.head  # "hundreds of raids", "one of the raids"
                continue
            if current.dep_ == "pobj" and current.head.dep_ == "prt":
                return current.head.head, "object"
            if current.dep_ in ("conj", "appos"):
                current = current.head
                continue
            break
        return None, ""

    def sufferer(self, noun: Token) -> Token | None:
        """The verb whose subject undergoes a nominal trigger: "came under attack", "faced
        attacks", "contend with attacks"; None for any other."""
        head = noun.head
        while noun.dep_ == "conj" and head.dep_ in ("pobj", "dobj", "conj"):  # "snipers, and attacks"
            noun, head = head, head.head
        if noun.dep_ == "pobj" and head.lower_ in ("under", "with") and head.dep_ == "prep":
            verb = head.head
            words = "under_verbs" if head.lower_ == "under" else "facing_verbs"
            return verb if self.lemma(verb) in self.lex.rel_set("attacks", words) else None
        if noun.dep_ == "dobj" and self.lemma(head) in self.lex.rel_set("attacks", "facing_verbs"):
            return head
        return None

    def nominal_targets(self, noun: Token, relation: str) -> list[int]:
        preps = self.lex.rel_set(relation, "noun_preps")
        lemma = self.word(noun, self.trigger_nouns)
        if relation == "backs" and (lemma in self.lex.rel_set(relation, "of_object_nouns") or (noun.dep_ == "pobj" and noun.head.lower_ == "in")):
            preps = preps | {"of"}  # "the key backers of Assad", "in support of its ally Hamas"
        if relation == "backs" and lemma in self.lex.rel_set("backs", "poss_object_nouns"):
            owners = [c for c in noun.children if c.dep_ == "poss"]
            if owners:  # "Israel's main arms supplier"
                return [m for o in owners for m in self.actor_args([o], relation)[0]]
        found: list[int] = []
        for pobj in self.prep_objects(noun, preps):
            found.extend(self.args(pobj) or (self.event_owner(pobj) if relation == "backs" else []))
        if relation in ("strikes", "attacks"):
            # "a terrorist attack with a rocket shell on Hadar village": "on" hangs on the means
            for means in self.prep_objects(noun, ("with",)):
                if self.word(means, self.air) in self.air:
                    found.extend(m for p in self.prep_objects(means, ("on", "at")) for m in self.args(p) if m not in found)
        governor, role = self.governing_verb(noun)
        if governor is not None and role == "object" and not found:
            # "staged strikes on X", "repelled an assault on Krynky": the parser hangs "on" on the verb
            keep_to = relation == "backs" or self.lemma(governor) in self.lex.word_set("to_light_verbs")  # "laid siege to X"
            for pobj in self.prep_objects(governor, preps - ({"of"} if keep_to else {"of", "to"})):
                found.extend(self.args(pobj))
        for child in noun.children:
            if child.dep_ == "conj" and child.i in self.ent_of and self.ent_of[child.i].label_ in PLACE_LABELS:
                found.extend(self.args(child))  # the parser's "strikes on X and rural Y"
        if not found and relation == "attacks":
            # "an invasion to topple the Taliban", "launched an offensive to drive IS out of …"
            for purpose in self.purpose_clauses(noun, governor if role == "object" else None):
                found.extend(m for obj in self.objects(purpose) for m in self.args(obj) if self.is_actor_mention(m))
        sufferer = self.sufferer(noun) if not found and relation in ("strikes", "attacks") else None
        if sufferer is not None:  # "Iraqi forces came under attack by IS"
            found.extend(self.actor_args(self.subject_tokens(sufferer)[0], relation)[0])
        for child in noun.children:
            if child.dep_ == "acl" and self.lemma(child) in self.pass_through_target:
                for obj in self.objects(child):
                    found.extend(self.args(obj))
        for child in noun.children:
            # "strikes that targeted X": a relative pronoun subject is the noun itself
            if child.dep_ in ("xcomp", "relcl") and self.word(child, self.pass_through) in self.pass_through and not any(
                    c.dep_ in SUBJECTS and c.lower_ not in RELATIVE for c in child.children):
                for obj in self.objects(child):  # not the noun's own mention ("its commanders")
                    found.extend(m for m in self.victims(obj, child) if not self.mentions[m].start <= noun.idx < self.mentions[m].end)
                if child.dep_ == "relcl" and relation in ("strikes", "attacks"):
                    for pobj in self.prep_objects(child, ("on", "in", "at")):  # "a strike that killed X in Y"
                        found.extend(self.args(pobj))
        holder = self.quantity_holder(noun)  # "A series of strikes by the coalition killed 14 jihadists"
        if holder.dep_ in SUBJECTS and self.word(holder.head, self.pass_through) in self.pass_through:
            for obj in self.objects(holder.head):
                found.extend(self.victims(obj, holder.head))
                if relation in ("strikes", "attacks"):  # "killed at least 21 civilians in Eastern Ghouta"
                    found.extend(m for m in self.subtree_places(obj) if m not in found)
            for pobj in self.prep_objects(holder.head, ("on", "in", "at")):
                if relation in ("strikes", "attacks"):
                    found.extend(self.args(pobj))
        if noun.dep_ == "pobj" and noun.head.lower_ in ("in", "by") and self.word(noun.head.head, self.casualty_words) in self.casualty_words:
            verb = noun.head.head  # "The Turkish soldiers were killed in an airstrike by Syrian forces"
            for subj in verb.children:
                if subj.dep_ in PASSIVE_SUBJECTS:
                    found.extend(self.victims(subj, verb))
        return list(dict.fromkeys(found))

    def purpose_clauses(self, noun: Token, governor: Token | None) -> list[Token]:
        """Infinitives of a hostile purpose (``purpose_verbs``) on an attack noun or on the verb
        it is the object of: "an invasion to topple X", "launched an offensive to oust X"."""
        wanted = self.lex.rel_set("attacks", "purpose_verbs")
        holders = [noun] + ([governor] if governor is not None else [])
        return [c for h in holders for c in h.children if c.dep_ in ("acl", "relcl", "advcl", "xcomp") and c.tag_ == "VB"
                and self.lemma(c) in wanted and self.to_infinitive(c)]

    def event_owner(self, token: Token) -> list[int]:
        """"support for Israel's war": the backed one is whoever wages the war."""
        if self.word(token, self.lex.rel_set("backs", "event_nouns")) not in self.lex.rel_set("backs", "event_nouns"):
            return []
        for child in token.children:
            if child.dep_ == "poss":
                return self.actor_args([child], "backs")[0]
        agents, _ = self.nominal_agents(token, "attacks") if self.word(token, self.trigger_nouns) in self.trigger_nouns else ([], "")
        return agents

    def victims(self, obj: Token, verb: Token) -> list[int]:
        """Objects of kill/wound verbs count as targets only when they are armed actors or places."""
        mentions = self.args(obj)
        if self.lemma(verb) in self.casualty_words:
            def armed_or_place(m: int) -> bool:
                mention = self.mentions[m]
                if mention.kind == "civilians":
                    return False
                if self.is_place_mention(m) or not mention.key or mention.key in self.groups or mention.key in self.countries:
                    return True
                # a known organisation that bears no arms: "killed two civilians, the Observatory
                # monitor said", misparsed as a second object
                return mention.label != "ORG" and mention.kind == "named"
            return [m for m in mentions if armed_or_place(m)]
        return mentions

    def holders(self, objects: list[Token], preps: tuple[str, ...]) -> list[Token]:
        """Whom the objects' places were lost to or are held by: "areas lost to the ISIS group",
        "neighborhoods held by government troops" (the ``preps`` objects of a holding participle)."""
        participles = self.lex.word_set("holding_participles")
        return [p for obj in objects for clause in obj.children
                if clause.dep_ == "acl" and clause.tag_ == "VBN" and self.lemmas[clause.i] in participles
                for p in self.prep_objects(clause, preps)]

    def place_args(self, token: Token) -> list[int]:
        found = []
        for pobj in self.prep_objects(token, ("in", "around", "near", "across", "inside", "throughout", "at")):
            found.extend(m for m in self.args(pobj) if self.is_place_mention(m))
        return found

    def containing_places(self, index: int) -> list[int]:
        """"on al-Sabil neighborhood in Daraa city", "at the Caterham Arms in Caterham, Surrey":
        the places below a country that a targeted place lies in are targeted too (two levels
        at most)."""
        if not self.is_place_mention(index):
            return []
        found: list[int] = []
        current = index
        for _ in range(2):
            token = self.phrase_head(current)
            if token is None:
                break
            heads = [token]
            if token.dep_ == "pobj" and token.head.lower_ == "of" and self.lemma(token.head.head) in self.named_place_heads:
                heads.append(token.head.head)  # "the town of Malam Fatori in Borno state"
            inner = [m for h in heads for p in self.prep_objects(h, ("in",)) for m in self.args(p) if self.is_place_mention(m)]
            if not inner:
                break
            found.extend(inner)
            current = inner[-1]
        # a country is only where it happened ("a base in Iraq"): the dev calls make it optional
        return [m for m in dict.fromkeys(found) if m != index and not self.is_actor_mention(m)]

    def places_inside(self, trigger: Token) -> list[int]:
        """The places below a country that an event's "in" names, on its trigger or on the verb
        whose object the trigger is ("carried out air strikes on the village of Pazigyi in the
        Sagaing region"): a targeted place lies in them."""
        heads = [trigger] + ([trigger.head] if trigger.dep_ in ("dobj", "nsubjpass") and trigger.head.i != trigger.i else [])
        found = [m for h in heads for p in self.prep_objects(h, ("in",)) for m in self.args(p) if self.is_place_mention(m)]
        return [m for m in dict.fromkeys(found) if not self.is_actor_mention(m)]

    def aims_at_sites(self, trigger: Token) -> bool:
        """The trigger hits sites of a side, not the side itself ("struck Houthi targets", "air
        strikes on IS hideouts", "attacked army posts"): its object, or its "on", "at" or
        "against" object, is a site noun."""
        aimed = self.objects(trigger) + self.prep_objects(trigger, ("on", "at", "against"))
        return any(self.word(t, self.site_nouns) in self.site_nouns for t in aimed)

    def phrase_head(self, index: int) -> Token | None:
        """The noun a mention's phrase hangs on: "al-Sabil neighborhood" for the name "al-Sabil"."""
        span = self.mention_span(self.mentions[index])
        if span is None:
            return None
        token = span.root
        while token.dep_ in ("compound", "amod", "nmod") and token.head.i != token.i and token.head.i >= span.end:
            token = token.head
        return token

    def subtree_places(self, noun: Token) -> list[int]:
        """"an assault … to gain ground in the Rashideen area": a place inside the trigger's phrase."""
        found = []
        if noun.pos_ == "PRON" or noun.lower_ in RELATIVE:
            return []
        # "fighting … the Islamic State group which holds territory in Syria": a relative clause
        # says where the noun is, not where the event happens.
        described = {t.i for c in noun.subtree if c.dep_ == "relcl" for t in c.subtree}
        for token in noun.subtree:
            if token.i in described:
                continue
            if token.i != noun.i and token.dep_ == "pobj" and token.head.lower_ in ("in", "into", "on"):
                found.extend(m for m in self.args(token) if self.is_place_mention(m))
        return found[:3]

    def purpose_places(self, verb: Token) -> list[int]:
        """"repelled an assault … to gain ground in the Rashideen area": the purpose clause's place."""
        found = []
        for child in verb.children:
            if child.dep_ in ("advcl", "xcomp") and self.to_infinitive(child):
                found.extend(self.place_args(child))
        return found

    def witness_target(self, noun: Token) -> list[int]:
        """"Idlib is witnessing massacres by …": the subject suffers the event."""
        verb = noun.head
        if noun.dep_ == "pobj" and noun.head.lower_ == "under":
            verb = noun.head.head  # "Kupiansk came under heavy Russian shelling"
        if (noun.dep_ in OBJECTS or noun.head.lower_ == "under") and self.word(verb, self.lex.word_set("suffer_verbs")) in self.lex.word_set("suffer_verbs"):
            subj, _ = self.subject_tokens(verb)
            found = []
            for item in subj:
                found.extend(self.args(item))
            return found
        return []

    def nearest_place_before(self, token: Token) -> list[int]:
        for candidate in reversed(self.before(token)):
            ent = self.ent_of.get(candidate.i)
            if ent is not None and ent.label_ in PLACE_LABELS and ent.ent_id_:
                return [self.named(ent)]
        return []

    def own_location(self, agents: list[int], verb: Token) -> list[int]:
        """"the rebels in Aleppo … leave the area": where the evacuees are is where they leave."""
        found: list[int] = []
        for token in self.before(verb):
            # "Residents of Aleppo fled": where civilians are from is where they leave
            if token.dep_ == "prep" and (token.lower_ == "in" and self.lemma(token.head) in self.group_civilian or token.lower_ == "of" and self.lemma(token.head) in self.civilian):
                for pobj in token.children:
                    if pobj.dep_ == "pobj":
                        found.extend(m for m in self.args(pobj) if self.is_place_mention(m))
        return found
