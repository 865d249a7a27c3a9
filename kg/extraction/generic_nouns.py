"""Generic nouns as mentions: "Russian jets", "Syrian rebels", "Iranian-backed militias".

``generic`` decides whose the noun is (its owner, backer, a pronoun's antecedent, an apposition,
the group named before) and what kind of mention it makes (force, group, civilians)."""
from __future__ import annotations

from spacy.tokens import Token

from kg.extraction.arguments import bounded
from kg.extraction.data import Mention
from kg.extraction.state import ExtractorState
from kg.extraction.tokens import PLACE_LABELS, Ent, is_pronoun


class GenericNounsMixin(ExtractorState):
    """Mentions for generic nouns, their owners and backers.

    Calls on ``self`` that this class does not define reach the other roles' mixins through
    ``Extractor``."""

    @bounded
    def generic(self, token: Token) -> list[int]:
        """Mentions for a generic noun: "Russian jets", "Syrian rebels", "Iranian-backed militias"."""
        lemma = self.word(token, self.generic_words)
        backer_token = self.backer_of(token)
        if backer_token is None and token.dep_ == "compound":
            backer_token = self.backer_of(token.head)  # "an Iranian-backed militia assault"
        loyal = self.loyal_to(token)
        if loyal:
            return loyal
        seat = self.seat_of(token, lemma)
        if seat is not None:
            return [seat]
        launchers = self.launched_by(token)
        if launchers:
            return launchers
        if not any(c.dep_ == "prep" and c.lower_ == "of" for c in token.children):
            # "between the Daesh fighters and members of the SDF": "of the SDF" is the members'
            for prep in self.hung_on_first_conjunct(token, "prep", "of"):
                named = [m for p in prep.children if p.dep_ == "pobj" for m in self.args(p) if self.is_actor_mention(m)]
                if named:
                    return named
        for child in token.children:  # "the Lebanese Shiite group Hezbollah": the name, not the demonym
            ent = self.ent_of.get(child.i)
            right_after = child.left_edge.i == token.i + 1 or child.left_edge.i == token.i + 2 and self.doc[token.i + 1].text == ","
            if child.dep_ == "appos" and right_after and ent is not None and ent.ent_id_ and ent.label_ in ("ORG", "PERSON") and lemma not in self.civilian:
                return self.args(child)
        for child in token.children:
            if child.dep_ == "poss" and is_pronoun(child):  # "its troops"
                if any(c.dep_ == "compound" and c.i > child.i and self.lemma(c) in self.lex.word_set("idiom_part_nouns") for c in token.children):
                    continue  # "For their part rebels hit …", commas stripped: the idiom's pronoun owns nothing
                owners_of_pronoun, _ = self.resolve_pronoun(child, None)
                if owners_of_pronoun:
                    return owners_of_pronoun
        if lemma in self.anaphoric and any(c.lower_ == "the" for c in token.children):
            antecedent = self.previous_group(token)
            if antecedent is not None:
                return [antecedent]
        backer = self.ent_key(backer_token) if backer_token is not None else None
        owners = self.owner_tokens(token) or self.belongs_to(token)
        named_owners = [o for o in owners if o.i in self.ent_of and self.ent_of[o.i].label_ in ("ORG", "PERSON")]
        coordinated = any(o in n.conjuncts for n in named_owners for o in owners)
        if named_owners and not coordinated:
            owners = named_owners  # "Russian Wagner mercenaries" are Wagner's; "Iraqi and Kurdish forces" both
        start, end = token.idx, token.idx + len(token.text)
        phrase = self.phrase(token)
        found: list[int] = []
        group_class = self.lex.group_class.get(lemma)
        if group_class == "fighters":  # "militant groups", "rebel forces": the modifier names the class
            for child in token.children:
                refined = self.lex.group_class.get(self.word(child, self.group_words))
                if child.dep_ in ("amod", "compound") and refined and refined != "fighters":
                    group_class = refined
        for owner in owners:
            if owner.i > token.i:  # "a helicopter believed to belong to the Syrian army": the owner's own mention
                found.extend(self.args(owner))
                continue
            ent = self.ent_of.get(owner.i)
            key = self.ent_key(owner)
            is_demonym = ent is None or ent.label_ == "NORP"
            if not is_demonym:
                # "Hezbollah fighters", "Syria's military": the named owner acts.
                if lemma in self.civilian:
                    found.append(self.add_mention(Mention(owner.idx, end, f"{owner.text} {token.text}", "civilians", key=key, head="civilians")))
                elif group_class in ("rebels", "militias", "militants") and ent is not None and ent.label_ in PLACE_LABELS:
                    found.append(self.add_mention(Mention(owner.idx, end, f"{owner.text} {token.text}", "group", key=key, head=group_class, phrase=phrase)))
                elif ent is not None and ent.label_ == "PERSON" and key and lemma in self.force:
                    # "Assad's forces" are the forces of what he leads, as target as well as agent
                    found.append(self.add_mention(Mention(owner.idx, end, f"{owner.text} {token.text}", "force", key=key, head=lemma)))
                else:
                    found.append(self.named(ent) if ent is not None else self.add_mention(Mention(owner.idx, end, owner.text, "force", key=key)))
                continue
            text = f"{owner.text} {token.text}"
            if self.is_ground_bomber(token, lemma):
                # "a Pakistani suicide bomber" is a man from Pakistan, not Pakistan's aircraft
                found.append(self.add_mention(Mention(owner.idx, end, text, "force", head="attacker")))
            elif lemma in self.civilian:
                found.append(self.add_mention(Mention(owner.idx, end, text, "civilians", key=key, head="civilians")))
            elif group_class in ("rebels", "militias", "militants") or (group_class == "fighters" and lemma not in self.force):
                found.append(self.add_mention(Mention(owner.idx, end, text, "group", key=key, head=group_class or lemma, phrase=phrase, backer=backer)))
            elif lemma in self.force or lemma in self.owned:
                found.append(self.add_mention(Mention(owner.idx, end, text, "force", key=key, head=lemma)))
        if found:
            return found
        # civilians are no organisation: "killing nine civilians, the Syrian Observatory … said"
        # hangs the reporter on them as an apposition
        appositive = self.appositive_entity(token) if lemma not in self.civilian else []
        if appositive:
            return appositive  # "Hezbollah, an Iran-backed militia": the militia is Hezbollah
        if backer is not None:
            return [self.add_mention(Mention(backer_token.idx, end, self.doc[backer_token.i:token.i + 1].text, "group", backer=backer, head=group_class or lemma, phrase=phrase))]
        if lemma in self.owned:  # "the terrorists' positions", "the rebels' supply lines": an unnamed side's own
            for child in token.children:
                if child.dep_ == "poss" and child.i not in self.ent_of and not is_pronoun(child) and self.word(child, self.group_force) in self.group_force:
                    found = [m for m in self.args(child) if self.is_actor_mention(m)]
                    if found:
                        return found
        for child in token.children:  # "fighters of the LNA", "a source in Ukraine's SBU"
            if child.dep_ == "prep" and child.lower_ in ("of", "in", "at", "for", "within"):
                for pobj in child.children:
                    ent = self.ent_of.get(pobj.i)
                    if pobj.dep_ == "pobj" and ent is not None and ent.label_ in ("ORG", "NORP", "PERSON", "GPE"):
                        found = [m for m in self.args(pobj) if self.is_actor_mention(m)]
                        if found:
                            return found
                    elif pobj.dep_ == "pobj" and ent is None and self.word(pobj, self.force) in self.force:
                        # "a source in Ukraine's SBU security service"; "a convoy of Malian soldiers
                        # and Wagner Group mercenaries": the later conjuncts too
                        found = list(dict.fromkeys(self.generic(pobj) + [m for c in pobj.conjuncts if c.i > pobj.i for m in self.args(c) if self.is_actor_mention(m)]))
                        if found:
                            return found
            if child.dep_ == "prep" and child.lower_ == "from" and (group_class or lemma in self.force):
                for pobj in child.children:  # "forces from Misrata"
                    ent = self.ent_of.get(pobj.i)
                    if pobj.dep_ == "pobj" and ent is not None and ent.label_ in PLACE_LABELS and ent.ent_id_:
                        return [self.add_mention(Mention(token.idx, pobj.idx + len(pobj.text), self.doc[token.i:pobj.i + 1].text, "group", key=ent.ent_id_, head=token.lower_))]
                    if pobj.dep_ == "pobj" and (ent is not None and ent.label_ in ("ORG", "NORP") or ent is None and (
                            self.word(pobj, self.force) in self.force or self.word(pobj, self.group_words) in self.group_words)):
                        # "forces from the regime's army and Hezbollah": the forces are theirs
                        found = [m for m in self.args(pobj) if self.is_actor_mention(m)]
                        if found:
                            return found
        if lemma in self.anaphoric and any(c.lower_ == "the" for c in token.children):
            antecedent = self.previous_group(token)
            if antecedent is not None:
                return [antecedent]
        if lemma in self.civilian:
            if lemma not in self.lex.word_set("plain_civilian_nouns"):
                # "aid workers", "medical staff": a named kind of civilian, not the population
                return [self.add_mention(Mention(start, end, token.text, "civilians", head="specific", phrase=self.phrase(token)))]
            return [self.add_mention(Mention(start, end, token.text, "civilians", head="civilians"))]
        if group_class in ("rebels", "militias", "militants"):
            qualifier = self.qualifier(token)
            return [self.add_mention(Mention(start, end, token.text, "group", head=group_class, qualifier=qualifier, phrase=phrase))]
        if self.is_ground_bomber(token, lemma):
            # "a suicide bomber" is no aircraft and no state's: an attacker whom a claim may name
            return [self.add_mention(Mention(start, end, token.text, "force", head="attacker"))]
        if (lemma in self.state_nouns or lemma in self.lex.word_set("platform_nouns")) and token.pos_ in ("NOUN", "PROPN"):
            alliance = self.alliance_modifier(token)
            if alliance is not None:
                return [alliance]  # "Coalition warplanes" are the coalition's, not the state's
            group = self.group_modifier(token)
            if group is not None:
                return [group]
            # "the army", "Drones": whose is decided from context (previous event, the article);
            # "government forces", "regime troops" always mean the article's own government.
            own = any(self.word(c, {"government", "regime"}) in ("government", "regime") for c in token.children if c.dep_ in ("compound", "amod"))
            return [self.add_mention(Mention(start, end, token.text, "force", head="government" if own or lemma in ("government", "regime") else lemma))]
        group = self.group_modifier(token)
        return [group] if group is not None else []

    def launched_by(self, token: Token) -> list[int]:
        """"Drones launched by Iran-backed militias", "missiles fired by the Houthis": the weapon
        or aircraft is the by-agent's."""
        if self.word(token, self.air) not in self.air:
            return []
        verbs = self.lex.word_set("launcher_verbs")
        for child in token.children:
            if child.dep_ == "acl" and self.lemma(child) in verbs:
                by = self.by_agent(child)
                if by is not None:
                    return [m for m in self.args(by) if self.is_actor_mention(m)]
        return []

    def seat_of(self, token: Token, lemma: str) -> int | None:
        """"the government in Kabul", "the regime in Damascus": the capital or state after "in",
        which stands for the state as an actor."""
        if lemma not in self.lex.word_set("seat_nouns") or token.pos_ != "NOUN":
            return None
        for place in self.prep_objects(token, ("in",)):
            ent = self.ent_of.get(place.i)
            if ent is not None and ent.ent_id_ in self.actors and ent.label_ in PLACE_LABELS:
                # a force of the capital's: the state as actor, also where it is the target
                return self.add_mention(Mention(token.idx, place.idx + len(place.text), self.doc[token.i:place.i + 1].text, "force", key=ent.ent_id_, head=lemma))
        return None

    def is_ground_bomber(self, token: Token, lemma: str) -> bool:
        """"a suicide bomber", "a car bomber": a platform noun that a ground modifier puts on the
        ground is an attacker (head ``attacker``), whoever's nationality modifies it."""
        return lemma in self.lex.word_set("platform_nouns") and self.ground_bomb(token)

    def owner_tokens(self, token: Token) -> list[Token]:
        """Demonyms and entities modifying a noun, with their coordinated siblings."""
        owners: list[Token] = []
        stack = [c for c in token.children if c.i < token.i]
        while stack:
            child = stack.pop()
            if child.dep_ not in ("amod", "compound", "nmod", "poss", "npadvmod", "conj", "cc"):
                continue
            if child.lower_ in self.backing_participles or child.lower_ in self.lex.word_set("control_adjectives"):
                continue
            if self.hyphen_modifier(child):
                continue  # "an al-Qaida-linked group" is not al-Qaida
            if child.dep_ == "cc":
                continue
            key = self.ent_key(child)
            own_span = child.i in self.ent_of and token.i in range(self.ent_of[child.i].start, self.ent_of[child.i].end)
            if not own_span and (key is not None or (child.i in self.ent_of and self.ent_of[child.i].label_ != "NORP")):
                ent = self.ent_of.get(child.i)
                if ent is not None:
                    owners.append(ent.root)
                else:
                    owners.append(child)
                for conj in child.conjuncts:
                    if self.ent_key(conj) is not None or conj.i in self.ent_of:
                        owners.append(conj)
                continue
            if child.dep_ != "poss":  # "the Palestinian group's attack": the group is the owner, not "Palestinian"
                stack.extend(c for c in child.children if c.i < child.i or c.dep_ == "conj")
        return list(dict.fromkeys(owners))

    def belongs_to(self, token: Token) -> list[Token]:
        """"a helicopter believed to belong to the Syrian army", "drones belonging to the Houthis":
        whom a post-modifying "belong to" names owns the noun."""
        holders = [c for c in token.children if c.dep_ == "acl"]
        if token.dep_ in ("nsubj", "nsubjpass") and self.lemma(token.head) in ("believe", "think", "suspect", "say", "report"):
            holders.append(token.head)  # parsed "[a helicopter] believed [to belong to X] dropped …"
        for acl in holders:
            verbs = [acl] + [x for x in acl.children if x.dep_ == "xcomp"]
            for verb in verbs:
                if self.lemma(verb) != "belong":
                    continue
                for prep in (c for c in verb.children if c.dep_ == "prep" and c.lower_ == "to"):
                    for pobj in (c for c in prep.children if c.dep_ == "pobj"):
                        if self.ent_key(pobj) is not None or pobj.i in self.ent_of or self.owner_tokens(pobj) or self.lemma(pobj) in self.force:
                            return [pobj]
        return []

    def hyphen_modifier(self, token: Token) -> bool:
        """Is this token the X of "X-linked", "X-made", "X-based" (not an owner)?"""
        ent = self.ent_of.get(token.i)
        end = ent.end if ent is not None else token.i + 1
        return end + 1 < len(self.tokens) and self.tokens[end].text == "-" and self.tokens[end + 1].lower_ in self.lex.word_set("hyphen_not_owner")

    def backer_of(self, token: Token, participle: Token | None = None) -> Token | None:
        """In "Iranian-backed militias" the token for Iran; ``None`` when not backed (through
        ``participle`` alone when given: "Turkey-backed … armed groups" is backed once)."""
        for child in token.children:
            if participle is not None and child.i != participle.i:
                continue
            if child.lower_ in self.backing_participles and child.dep_ in ("amod", "compound", "nmod", "npadvmod", "advmod", "dep"):
                for grand in child.children:
                    if grand.dep_ != "punct" and (grand.i in self.ent_of or self.ent_key(grand)):
                        return grand
                if child.i >= 2 and self.tokens[child.i - 1].text == "-":
                    before = self.tokens[child.i - 2]
                    if before.i in self.ent_of or self.ent_key(before):
                        return before
        return None

    def loyal_to(self, token: Token) -> list[int]:
        """"forces loyal to the Government of National Accord" are that government's; "forces led
        by Haftar" are the named leader's (a leader stands for the group he leads)."""
        loyal_words = self.lex.word_set("loyal_adjectives")
        for child in token.children:
            if child.dep_ in ("amod", "acl", "relcl") and child.lower_ in loyal_words:
                found = [m for p in self.prep_objects(child, ("to", "with")) for m in self.args(p)]
                if found:
                    return found
            if child.dep_ == "acl" and self.lemma(child) == "lead" and child.tag_ == "VBN" and self.lex.group_class.get(
                    self.word(token, self.generic_words)) not in ("rebels", "militias", "militants"):
                # not "insurgents led by Hayat Tahrir al-Sham": a coalition of groups, read as the rebels
                leader = self.by_agent(child)
                found = [m for m in self.args(leader) if self.mentions[m].kind == "named" and self.mentions[m].key and self.is_actor_mention(m)] if leader is not None else []
                if found:
                    return found
        return []

    def appositive_entity(self, token: Token) -> list[int]:
        """The named entity a descriptive noun phrase stands in apposition to."""
        current = token
        for _ in range(3):
            if current.dep_ == "appos" and current.head.i in self.ent_of:
                return self.args(current.head)
            if current.dep_ == "pobj" and current.head.lower_ == "of":
                current = current.head.head  # "an umbrella of Iran-backed groups"
                continue
            break
        return []

    def previous_group(self, token: Token) -> int | None:
        """"the group", "the movement": the last armed group named in this or the last sentences."""
        # The most often named group so far, the latest on a tie: articles keep returning to their subject.
        counts: dict[str, int] = {}
        latest: dict[str, Ent] = {}
        for _, ent in self.ents_rooted_in(max(0, token.i - 2000), token.i):
            if ent.ent_id_ in self.groups:
                counts[ent.ent_id_] = counts.get(ent.ent_id_, 0) + 1
                latest[ent.ent_id_] = ent
        if not counts:
            return None
        best = max(counts, key=lambda k: (counts[k], latest[k].start))
        return self.named(latest[best])

    def alliance_modifier(self, token: Token) -> int | None:
        """"Coalition warplanes", "coalition forces": an alliance word modifying a force noun."""
        for child in token.children:
            if child.dep_ in ("compound", "amod", "nmod") and child.i < token.i and child.lower_ in self.lex.word_set("coalition_heads"):
                return self.add_mention(Mention(child.idx, child.idx + len(child.text), child.text, "force", head=child.lower_))
        return None

    def group_modifier(self, token: Token) -> int | None:
        """"rebel positions", "militia assault": a generic group noun modifying this one."""
        for child in token.children:
            if child.dep_ in ("compound", "amod", "nmod") and self.word(child, self.group_words) in self.lex.group_class:
                if self.lex.group_class[self.word(child, self.group_words)] != "fighters":
                    mentions = self.generic(child)
                    return mentions[0] if mentions else None
        return None

    def qualifier(self, token: Token) -> str | None:
        for child in token.children:
            if self.word(child, self.group_words) in self.lex.group_class:
                continue  # "Rebel fighters" at the start of a sentence: a class word, not a name
            if child.is_sent_start and child.tag_ in ("JJR", "JJS", "RB", "RBR", "RBS"):
                continue  # "Earlier insurgents took …": capitalised only as the sentence's first word
            if child.dep_ in ("amod", "compound") and child.i < token.i and child.text[:1].isupper() and child.i not in self.ent_of:
                return child.text
            if child.dep_ in ("amod", "compound") and child.i in self.ent_of and self.ent_of[child.i].label_ == "NORP" and not self.ent_key(child):
                return child.text
        return None

    def phrase(self, token: Token) -> str:
        """Descriptive words before a head noun, excluding determiners and the backer part."""
        words = []
        for child in token.lefts:
            if child.dep_ in ("amod", "compound") and child.lower_ not in self.backing_participles and child.i not in self.ent_of and child.pos_ != "PROPN":
                words.append(child.text.lower())
        return " ".join(words + [token.text.lower()])
