"""Claims of responsibility: who claims an attack, or has it blamed on them, is its agent.

"The Taliban claimed responsibility for the attacks" names the agent of attacks that other
sentences describe without one ("A suicide bomber struck a police training ground in
Charikar"). The claimant is the agent of the claimed event noun in its own sentence ("Jamaat-ul-
Ahrar claimed responsibility for an Easter bombing in Lahore"), and, when it is the article's only
claimant, of the agentless attacks near the claim (``claim_window`` sentences), at the implicit
tier. An attribution counts as a claim: "residents blamed the coalition for the strikes", "the
bombing was blamed on the ELN", "the attack is believed to have been carried out by ETA". A claim
that is denied or only hoped for ("no group has claimed responsibility") names nobody.
"""
from __future__ import annotations

from spacy.tokens import Token

from kg.extraction.state import ExtractorState


class ClaimsMixin(ExtractorState):
    """Claims of responsibility and the agentless attacks they name the agent of.

    Calls on ``self`` that this class does not define reach the other roles' mixins through
    ``Extractor``."""

    def claim_governor(self, noun: Token) -> Token | None:
        """The verb of the claim whose "for" object ``noun`` is: "claimed responsibility for the
        attack" (claim), "is responsible for the bombings" (be), or None."""
        if noun.dep_ != "pobj" or noun.head.lower_ != "for":
            return None
        holder = noun.head.head
        if self.lemma(holder) in self.lex.word_set("claim_nouns") and holder.dep_ in ("dobj", "nsubjpass"):
            verb = holder.head
            return verb if self.lemma(verb) in self.lex.word_set("claim_verbs") else None
        if holder.lower_ in self.lex.word_set("claim_adjectives") and holder.dep_ in ("acomp", "oprd", "amod"):
            return holder.head if holder.dep_ != "amod" else None
        return None

    def attribution(self, noun: Token) -> tuple[Token, list[Token]] | None:
        """The verb that lays ``noun`` (an event noun) at someone's door, and who that is:
        "blamed the coalition for the strikes", "the bombing was blamed on the group", "the attack
        is believed to have been carried out by ETA" (a raising verb over a light one), or None."""
        blame = self.lex.word_set("blame_verbs")
        if noun.dep_ == "pobj" and noun.head.lower_ == "for":
            holder = noun.head.head
            if self.lemma(holder) in blame:
                return holder, [c for c in holder.children if c.dep_ == "dobj"]
            if holder.dep_ == "dobj" and self.lemma(holder.head) in blame:
                return holder.head, [holder]  # the parser hangs "for" on the one blamed
        if noun.dep_ == "nsubjpass" and self.lemma(noun.head) in blame:
            verb = noun.head
            return verb, [o for p in verb.children if p.dep_ == "prep" and p.lower_ == "on" for o in p.children if o.dep_ == "pobj"]
        if noun.dep_ in ("nsubj", "nsubjpass") and self.lemma(noun.head) in self.lex.word_set("raising_verbs"):
            for verb in noun.head.children:
                if verb.dep_ == "xcomp" and self.forms(verb) & self.light:
                    # "carried out by": the parser may hang "by" on the particle
                    agent = self.by_agent(verb) or next(filter(None, (self.by_agent(p) for p in verb.children if p.dep_ == "prt")), None)
                    if agent is not None:
                        return noun.head, [agent]
        return None

    def claimants(self, noun: Token, relation: str) -> list[int]:
        """Who claims ``noun`` (an event noun that is a claim's "for" object), or has it laid at
        their door (``attribution``), unless the claim is blocked: negated, hoped for, denied."""
        if self.word(noun, self.lex.word_set("claimed_events")) not in self.lex.word_set("claimed_events"):
            return []
        verb = self.claim_governor(noun)
        if verb is None:
            attributed = self.attribution(noun)
            if attributed is None or self.is_blocked(attributed[0], relation):
                return []
            subj = attributed[1]
        elif self.is_blocked(verb, relation):
            return []
        else:
            subj, _ = self.subject_tokens(verb)
            if not subj and verb.dep_ in ("ccomp", "xcomp") and self.lemma(verb.head) in self.lex.word_set("claim_verbs"):
                subj, _ = self.subject_tokens(verb.head)  # "claimed they were responsible": they
        found, _ = self.actor_args(subj, relation)
        # Named actors, two at most: a flattened page's list glued to the claim's subject
        # ("… Forces, US BombZabiullah Mujahid, the spokesperson for the Taliban, claimed …") must
        # not make its names claimants.
        found = [m for m in found if self.mentions[m].kind == "named" and not self.is_place_mention(m)]
        found = list(dict.fromkeys(group for m in found for group in (self.spoken_for(m) or [m])))
        return found if len(found) <= 2 else []

    def spoken_for(self, index: int) -> list[int]:
        """The group a named spokesperson speaks for: "Zabiullah Mujahid, the spokesperson for the
        Taliban", "Taliban spokesman Zabiullah Mujahid". A spokesperson's claim is the group's."""
        mention = self.mentions[index]
        if mention.label != "PERSON":
            return []
        span = self.mention_span(mention)
        if span is None:
            return []
        speakers = self.lex.word_set("spokesperson_nouns")
        for title in span.root.children:
            if title.dep_ not in ("appos", "compound") or self.lemma(title) not in speakers:
                continue
            groups = self.prep_objects(title, ("for", "of"))
            groups += [c for c in title.children if c.dep_ in ("poss", "compound")]
            groups += [c for c in span.root.children if c.dep_ == "compound" and c.i < title.i and c.i not in range(span.start, span.end)]
            found = [m for g in groups for m in self.actor_args([g], "attacks")[0] if self.mentions[m].label != "PERSON"]
            if found:
                return found
        return []

    def record_claim(self, noun: Token, sent_index: int) -> None:
        """Keep the claimants of a claimed attack for the article's agentless attacks."""
        found = self.claimants(noun, "attacks")
        if found:
            self.claims.append((tuple(found), sent_index))

    def attach_claims(self) -> None:
        """The article's only claimant is the agent of the agentless attacks near its claim (and of
        bombings the rules called strikes: a claimed bombing is set on the ground), implicit tier."""
        keys = {tuple(sorted({self.mentions[m].key or self.mentions[m].text.lower() for m in found})) for found, _ in self.claims}
        if len(keys) != 1:
            return
        claimants = list(dict.fromkeys(m for found, _ in self.claims for m in found))
        window = int(self.lex.raw.get("claim_window", 8))
        unclaimed = self.lex.word_set("unclaimed_triggers")
        bombings = self.lex.word_set("claimed_bombings")
        for relation, trigger, targets, sent_index, places in self.agentless:
            if self.word(trigger, unclaimed) in unclaimed:
                continue  # "launched military operations in Swat": not what a group claims
            if not any(abs(sent_index - claim_sent) <= window for _, claim_sent in self.claims):
                continue
            if relation == "strikes" and self.word(trigger, bombings) not in bombings:
                continue
            self.add_event("attacks", trigger, claimants, targets, sent_index, "implicit", places=places)
