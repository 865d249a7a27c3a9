"""Clause structure: a verb's subject, objects, passive agent and prepositional objects, with the
small parser's usual misreadings repaired."""
from __future__ import annotations

from typing import Iterable

from spacy.tokens import Token

from kg.extraction.state import ExtractorState
from kg.extraction.tokens import OBJECTS, PASSIVE_SUBJECTS, PLACE_LABELS, RELATIVE, SUBJECTS


# Words the small model reads as a preposition before a clause ("after insurgents … launched").
TEMPORAL_PREPS = {"after", "before", "since", "until", "as", "while", "when", "once"}
# Verbs whose object is the subject of their infinitive ("prompted the rebels to withdraw").
OBJECT_CONTROL = {"prompt", "drive", "persuade", "convince", "ask", "tell", "instruct", "force", "oblige", "compel", "order", "allow", "help", "enable", "push", "lead", "cause", "permit", "urge", "get",
                  "train", "arm", "equip", "fund", "finance", "recruit", "hire", "pay", "encourage", "incite"}


class ClausesMixin(ExtractorState):
    """Subjects, objects and agents of verbs and nouns.

    Calls on ``self`` that this class does not define reach the other roles' mixins through
    ``Extractor``."""

    def bare_infinitive(self, verb: Token) -> bool:
        """A bare infinitive after an object-control verb's object ("helping Iraqi forces fight
        IS"), which the small model reads as an adverbial clause and may tag as a present tense."""
        return verb.dep_ == "advcl" and verb.tag_ in ("VB", "VBP") and self.lemma(verb.head) in OBJECT_CONTROL and any(
            c.dep_ in OBJECTS and c.i < verb.i for c in verb.head.children)

    def to_infinitive(self, verb: Token) -> bool:
        """The verb is a "to" infinitive ("an operation to capture X", "trained them to fight")."""
        return any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)

    def subject_tokens(self, verb: Token, depth: int = 0) -> tuple[list[Token], bool]:
        """The subject of a verb, climbing control and coordination. Returns (tokens, passive?)."""
        if depth > 6:
            return [], False
        for child in verb.children:
            if child.dep_ in SUBJECTS:
                if child.lower_ in RELATIVE and verb.dep_ == "relcl":
                    return [verb.head], False
                return [child], False
        for aux in verb.children:  # the small model sometimes hangs the subject on "has"
            if aux.dep_ == "aux":
                for child in aux.children:
                    if child.dep_ in SUBJECTS:
                        return [child], False
        if verb.dep_ == "acomp":  # "was able to take": climb to the copula
            return self.subject_tokens(verb.head, depth + 1)
        if verb.dep_ == "xcomp":
            head = verb.head
            if self.lemma(head) in OBJECT_CONTROL:
                for child in head.children:
                    if child.dep_ in OBJECTS:
                        return [child], False
            for child in head.children:  # "are estimated to have fled", "were forced to leave"
                if child.dep_ in PASSIVE_SUBJECTS:
                    return [child], False
            return self.subject_tokens(head, depth + 1)
        if verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX"):
            return self.subject_tokens(verb.head, depth + 1)
        if self.bare_infinitive(verb):
            # "helping a combination of Iraqi and Kurdish forces fight IS", misparsed as an adverbial clause
            for child in verb.head.children:
                if child.dep_ in OBJECTS:
                    return [child], False
        if verb.dep_ == "pcomp" and verb.tag_ == "VBG" and verb.head.dep_ == "prep" and verb.head.lower_ in self.subject_control_preps and verb.head.head.pos_ in ("VERB", "AUX"):
            # "Hezbollah declared victory after seizing Qusayr": the gerund's subject is the verb's
            return self.subject_tokens(verb.head.head, depth + 1)
        if verb.dep_ == "advcl" and verb.tag_ == "VB" and self.lemma(verb.head) in OBJECT_CONTROL and self.to_infinitive(verb):
            # "has armed and trained Baghdad's forces and the Peshmerga to fight IS": those trained fight
            for child in verb.head.children:
                if child.dep_ in OBJECTS:
                    return [child], False
        if verb.dep_ in ("advcl", "ccomp", "pcomp") and verb.tag_ in ("VB", "VBG"):
            return self.subject_tokens(verb.head, depth + 1)
        if verb.dep_ == "acl" and verb.head.dep_ == "attr" and verb.head.head.lemma_ in ("be", "become", "remain"):
            # "The SDF have been the main force fighting IS": who the force is
            return self.subject_tokens(verb.head.head, depth + 1)
        if verb.dep_ == "acl" and verb.tag_ == "VBG" and verb.head.pos_ == "NOUN" and verb.head.dep_ in OBJECTS and self.names_nobody(verb.head):
            # "scored a stunning victory overrunning Ramadi": the comma stripped, the victory does not overrun
            return self.subject_tokens(verb.head.head, depth + 1)
        if verb.dep_ in ("relcl", "acl") and verb.head.pos_ in ("NOUN", "PROPN", "PRON"):
            return [verb.head], False
        if verb.dep_ == "acl" and verb.head.pos_ == "NOUN":
            governor = verb.head.head
            if governor.pos_ in ("VERB", "AUX"):
                return self.subject_tokens(governor, depth + 1)
        if verb.dep_ == "pobj" or (verb.dep_ == "acl" and verb.head.pos_ == "NOUN"):
            return self.subject_tokens(verb.head.head, depth + 1)
        for child in verb.children:  # "Bakhmut fell …": the tagger read the name as an adverb
            # (or, "ISIS attacks Hasaka city with mortars", as a compound of the verb read as a noun)
            if child.dep_ in ("advmod", "npadvmod", "dep", "compound") and child.i < verb.i and child.i in self.ent_of and self.ent_of[child.i].label_ != "DATE":
                return [child], False
        if verb.tag_ in ("VBD", "VBZ", "VBP"):
            # The small model reads "after insurgents … launched" as a preposition and its object.
            for candidate in reversed(self.before(verb)):
                if candidate.dep_ == "pobj" and candidate.head.lower_ in TEMPORAL_PREPS and candidate.pos_ in ("NOUN", "PROPN"):
                    return [candidate], False
                if candidate.dep_ in ("nsubj", "nsubjpass") or candidate.pos_ == "VERB" and candidate.dep_ not in ("acl", "amod", "prep"):
                    break
        return [], False

    def names_nobody(self, token: Token) -> bool:
        """A common noun that cannot name an actor: no entity, no force, group or people word."""
        if token.i in self.ent_of or token.pos_ != "NOUN":
            return False
        return self.lemma(token) not in self.actor_nouns

    def with_coordinated_agents(self, agent: Token | None) -> list[Token]:
        """The "by" agent and those of "by" phrases coordinated with it ("backed by Russia and by
        Iran": the parser hangs the second "by" on the first)."""
        if agent is None:
            return []
        found = [agent]
        for conj in agent.head.conjuncts if agent.head.dep_ in ("agent", "prep") else ():
            if conj.lower_ == "by":
                found.extend(p for p in conj.children if p.dep_ == "pobj")
        return found

    def by_agent(self, verb: Token) -> Token | None:
        for child in verb.children:
            if child.dep_ == "agent" or (child.dep_ == "prep" and child.lower_ == "by"):
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        return pobj
        if verb.pos_ in ("VERB", "AUX") and self.is_passive(verb):
            # "designated a terrorist group by the US": the parser hangs "by" on the object.
            for obj in verb.children:
                if obj.dep_ in ("dobj", "oprd", "attr", "xcomp"):
                    for child in obj.children:
                        if child.dep_ == "prep" and child.lower_ == "by":
                            for pobj in child.children:
                                if pobj.dep_ == "pobj":
                                    return pobj
        return None

    def is_passive(self, verb: Token) -> bool:
        return any(c.dep_ in PASSIVE_SUBJECTS or c.dep_ == "auxpass" for c in verb.children) or (
            verb.tag_ == "VBN" and verb.dep_ in ("acl", "amod") and not any(c.dep_ == "aux" for c in verb.children)
        ) or (  # "The army backed by pro-government militias won …": "backed" read as a past tense
            verb.tag_ in ("VBD", "VBN") and any(c.dep_ == "agent" for c in verb.children)
            and not any(c.dep_ == "dobj" for c in verb.children)
        )

    def objects(self, verb: Token, depth: int = 0) -> list[Token]:
        found = []
        for child in verb.children:
            if child.dep_ not in OBJECTS:
                continue
            # "bolster Syrian forces battling rebels", misparsed as a clause inside the object.
            clause_subjects = [s for c in child.children if c.tag_ == "VBG" and c.i < child.i for s in c.children if s.dep_ == "nsubj"]
            found.extend(clause_subjects or [child])
        if not found and depth == 0:  # "funds, arms and trains the Iraqi militias": one object for all
            for conj in verb.conjuncts:
                if conj.pos_ in ("VERB", "AUX") and conj.i > verb.i:
                    found = self.objects(conj, depth=1)
                    if found:
                        break
        if not found:  # "forces fighting Daesh putting it at odds…" (comma stripped): "Daesh" read as the next clause's subject
            found = [s for c in verb.children if c.dep_ in ("ccomp", "xcomp", "advcl") and c.tag_ == "VBG" and c.i > verb.i
                     for s in c.children if s.dep_ == "nsubj" and s.pos_ == "PROPN" and s.left_edge.i == verb.i + 1]
        if not found:  # "recaptured Mosul from …" with "Mosul" read as an adverb
            found = [c for c in verb.children if c.dep_ in ("advmod", "npadvmod", "dep") and c.i > verb.i and c.i in self.ent_of and self.ent_of[c.i].label_ in PLACE_LABELS | {"ORG"}]
        return found

    def prep_objects(self, token: Token, preps: Iterable[str]) -> list[Token]:
        wanted = set(preps)
        found = []
        for child in token.children:
            if child.dep_ in ("prep", "agent", "dative", "prt") and child.lower_ in wanted:
                for pobj in child.children:
                    subject = next((c for c in pobj.children if c.dep_ == "nsubj" and c.pos_ in ("NOUN", "PROPN")), None) if pobj.tag_ == "VBG" else None
                    if pobj.dep_ == "pcomp" and subject is not None:
                        found.append(subject)  # "fell on Sheikh Maqsoud neighborhood injuring three", misparsed as a clause
                    elif pobj.dep_ in ("pobj", "pcomp"):
                        found.append(pobj)
                    elif pobj.dep_ == "prep":  # "swept through to the city"
                        found.extend(p for p in pobj.children if p.dep_ == "pobj")
            elif child.dep_ == "acl" and child.lower_ in wanted:  # "targeting Idlib"
                found.extend(self.objects(child))
        return found
