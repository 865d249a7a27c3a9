"""Context around a trigger: whether the text asserts the event, and who pronouns point to.

Blocking (``is_blocked``): denials, threats, plans, conditions, questions, habits, false
reports and page furniture assert nothing. Pronouns (``resolve_pronoun``) and bare forces take
their referent from the clause, a reporting verb, a quote's speaker or the previous sentence's
event (``previous_event_agents``)."""
from __future__ import annotations

import itertools

from spacy.tokens import Token

from kg.extraction.state import ExtractorState
from kg.extraction.tokens import is_pronoun


# A relative clause, subject or apposition is not in the scope of the verb it hangs from.
SCOPE_ISLANDS = {"relcl", "nsubj", "nsubjpass", "csubj", "appos"}


class ContextMixin(ExtractorState):
    """Blocking filters and antecedents from context.

    Calls on ``self`` that this class does not define reach the other roles' mixins through
    ``Extractor``."""

    def is_blocked(self, token: Token, relation: str) -> bool:
        if self.sentence_facts(self.sent_of.get(token.i, 0))["question"]:
            return True
        if token.pos_ in ("NOUN", "PROPN") and any(c.dep_ == "amod" and c.lower_ in self.hedging for c in token.children):
            return True
        if self.lemma(token) == "strike" and any(c.dep_ in ("amod", "compound") and c.lower_ in self.peaceful_strike for c in token.children):
            return True
        current: Token | None = token
        previous: Token | None = None
        steps = 0
        while current is not None and steps < 8:
            steps += 1
            for child in current.children:
                if child.dep_ == "neg" or child.lower_ in ("never", "no"):
                    if child.dep_ in ("neg", "det", "advmod"):
                        return True
                if child.dep_ == "mark" and child.lower_ in self.blocking_marks:
                    return True
                if child.dep_ == "aux" and child.lower_ in self.blocking_modals and relation != "backs":
                    return True
            lemma = self.lemma(current)
            # A blocking verb scopes over its complements, not over a verb coordinated with it:
            # "Rebels massed near Hama and attacked army positions" asserts the attack.
            if current is not token and lemma in self.blocking and not (previous is not None and previous.dep_ == "conj"):
                return True
            if previous is not None and previous.dep_ == "xcomp" and lemma in self.ordering:
                return True
            if current is not token and self.is_false_hearsay(current):
                return True
            if current is not token and lemma in self.reporting:
                break
            if current.dep_ == "ROOT" or current.head.i == current.i:
                break
            if current.dep_ in SCOPE_ISLANDS:
                break  # "Sirte, which the LNA seized," is asserted whatever the main clause plans
            if current.dep_ == "acl" and current.tag_ == "VBG":
                break  # so is a participle's: "seeking to contain the Kurdish forces fighting Daesh"
            previous, current = current, current.head
        if any(self.is_false_hearsay(a) for a in itertools.islice(token.ancestors, 12)):
            return True  # bounded: a 1,000-item coordination must not make this quadratic
        if relation in ("strikes", "attacks", "captures", "evacuates") and token.pos_ == "VERB":
            # Present simple in running text states a habit or policy, not an event.
            if token.tag_ in ("VBZ", "VBP") and not self.in_headline(token) and not self.bare_infinitive(token) and not any(
                    c.dep_ == "advmod" and c.lower_ in self.lex.word_set("repetition_adverbs") for c in token.children):
                return True  # but "Syrian and Russian warplanes regularly bomb Idlib" reports strikes that happen
        return False

    def is_false_hearsay(self, token: Token) -> bool:
        """"Reports that the LNA had captured Mitiga were false": the report is denied."""
        if token.pos_ not in ("NOUN", "PROPN") or self.word(token, self.hearsay) not in self.hearsay:
            return False
        predicate = token.head
        false_words = self.false_words
        return any(c.dep_ in ("acomp", "attr", "oprd") and c.lower_ in false_words for c in predicate.children) or predicate.lower_ in false_words

    def in_headline(self, token: Token) -> bool:
        return bool(self.sentence_facts(self.sent_of.get(token.i, 0))["headline"])

    def resolve_pronoun(self, token: Token, relation: str | None) -> tuple[list[int], str]:
        """Antecedents of a pronoun: the clause subject (possessives), a reporting subject,
        a quote's speaker, or the agents of the last event (the previous sentence's "They")."""
        word = token.lower_
        if word in ("its", "their", "his", "her", "our"):
            # "Israel stepped up its strikes": the subject of the clause the noun sits in.
            governor = token.head
            while governor.pos_ not in ("VERB", "AUX") and governor.head.i != governor.i:
                governor = governor.head
            subj, _ = self.subject_tokens(governor)
            for item in subj:
                if item.i != token.i and item.i != token.head.i and not is_pronoun(item):
                    mentions = self.args(item)
                    if mentions:
                        return mentions, "explicit"
            reporter = self.reporting_subject(governor)
            if reporter:
                return reporter, "explicit"  # "The army said its jets had struck…"
            before = self.actors_before(token)
            if before:
                return before, "explicit"
        elif word in ("they", "it", "he", "she", "we"):
            # "Rebels said they repelled…": the pronoun's clause is what the subject said.
            verb = token.head
            if word in ("they", "it") and token.dep_ in ("nsubj", "nsubjpass") and verb.dep_ == "advcl":
                # "Islamic State has made rapid gains since it seized Mosul": the main clause's subject
                # "when it launched operations …, militants … took shelter": "it" is no plural; then
                # the subject of the clause that one is said in ("Pakistan complained that when it …")
                clauses = [verb.head] + ([verb.head.head] if verb.head.dep_ == "ccomp" else [])
                for clause in clauses:
                    subj, _ = self.subject_tokens(clause)
                    agrees = [item for item in subj if not is_pronoun(item) and not (word == "it" and item.tag_ in ("NNS", "NNPS"))]
                    found = [m for item in agrees for m in self.args(item) if self.is_actor_mention(m)]
                    if found:
                        return found, "explicit"
                    if agrees:
                        break
            if verb.dep_ == "ccomp" and self.lemma(verb.head) in self.reporting:
                subj, _ = self.subject_tokens(verb.head)
                for item in subj:
                    if not is_pronoun(item):
                        mentions = self.args(item)
                        if mentions:
                            return mentions, "explicit"
        if word in ("we", "our", "us", "i", "my"):
            speaker = self.quote_speaker(token)
            if speaker:
                return speaker, "explicit"
        if word in ("he", "she", "his", "her"):
            person = self.previous_person(token)
            if person is not None:
                return [person], "explicit" if self.sent_of.get(token.i) == self.sent_of.get(self.mention_span(self.mentions[person])[0].i) else "implicit"
        return self.previous_event_agents(token, relation), "implicit"

    def previous_person(self, token: Token) -> int | None:
        """"He thanked Britain…": the last person named in this or the previous two sentences."""
        first = self.sentences[max(0, self.sent_of.get(token.i, 0) - 2)].start
        for _, ent in reversed(self.ents_rooted_in(first, token.i)):
            if ent.label_ == "PERSON":
                return self.named(ent)
        return None

    def reporting_subject(self, verb: Token) -> list[int]:
        """The subject of the reporting verb whose complement holds this verb."""
        current = verb
        for _ in range(4):
            if current.dep_ in ("ccomp", "xcomp", "conj") and self.word(current.head, self.reporting) in self.reporting:
                subj, _ = self.subject_tokens(current.head)
                found = [m for item in subj if not is_pronoun(item) for m in self.args(item) if self.is_actor_mention(m)]
                return found
            if current.head.i == current.i:
                break
            current = current.head
        return []

    def actors_before(self, token: Token) -> list[int]:
        """The nearest actor mentioned before a possessive in the same sentence."""
        for candidate in reversed(self.before(token)):
            if candidate.dep_ == "pobj":
                continue  # "in Syria", "from Aleppo": places, not antecedents
            if candidate.dep_ in ("dobj", "dative") and self.word(candidate.head, self.reporting) in self.reporting:
                continue  # "told Reuters its drones…": the addressee is not the antecedent
            if candidate.dep_ in ("nsubj", "nsubjpass", "conj", "appos") or candidate.i in self.ent_of:
                mentions = [m for m in self.args(candidate) if self.is_actor_mention(m)]
                if mentions:
                    return mentions
        index = self.sent_of.get(token.i, 0)
        if index > 0:  # "Islamic State launched an offensive. … its fighters had captured Mosul"
            for candidate in self.sentences[index - 1]:
                if candidate.dep_ in ("nsubj", "nsubjpass") and not is_pronoun(candidate):
                    mentions = self.args(candidate)
                    if mentions:
                        return mentions
        return []

    def quote_speaker(self, token: Token) -> list[int]:
        sent_index = self.sent_of.get(token.i, 0)
        for index in (sent_index, sent_index - 1):
            if index < 0:
                continue
            for candidate in self.sentences[index]:
                if self.lemma(candidate) in self.reporting and candidate.pos_ == "VERB":
                    subj, _ = self.subject_tokens(candidate)
                    for item in subj:
                        if not is_pronoun(item):
                            mentions = self.args(item)
                            if mentions:
                                return mentions
        return []

    def previous_event_agents(self, token: Token, relation: str | None) -> list[int]:
        sent_index = self.sent_of.get(token.i, 0)
        sent = self.sentences[sent_index]
        if self.text[sent.start_char:sent.end_char].strip().lower().startswith(self.shift_openers):
            return []  # "Separately, a drone attack on…" starts a new story
        family = {"strikes", "attacks"} if relation in ("strikes", "attacks") else {relation}
        for event in reversed(self.events):
            if event.sentence < sent_index - 1 or event.sentence >= sent_index:
                continue  # an earlier event in the same sentence is usually someone else's
            if event.relation in family and event.agents and event.trigger_start < token.idx:
                return list(event.agents)
        return []
