"""Argument resolution: the mentions an argument token refers to.

``args`` follows coordination ("Binish, Saraqeb and Jisr al Shaqour"); ``arg`` reads one token:
a named entity, a relative pronoun, a generic noun (see ``generic_nouns``), or a container
("the city of Idlib", "towns in Idlib") whose name ``descend`` finds, down to anaphoric places
("the town") and demonyms on place nouns ("Ukrainian cities")."""
from __future__ import annotations

from functools import wraps
from typing import Any, Callable, TypeVar

from spacy.tokens import Token

from kg.extraction.data import Mention
from kg.extraction.state import ExtractorState
from kg.extraction.tokens import PLACE_LABELS, RELATIVE, Ent


# Argument resolution recurses (arg → generic → resolve_pronoun → args → arg); this bounds its
# nesting whatever the sentence, far above what any real construction needs.
MAX_NESTING = 48

_Resolver = TypeVar("_Resolver", bound=Callable[..., list[int]])


def bounded(method: _Resolver) -> _Resolver:
    """Resolution of a token that is already being resolved is a cycle, not an answer: "fighters
    and their families" resolves "their" through the subject that holds "families" itself. Such
    a revisit, or nesting past MAX_NESTING, finds nothing on that path instead of recursing for
    ever."""

    @wraps(method)
    def guarded(self: ExtractorState, token: Token, *rest: Any) -> list[int]:
        key = (method.__name__, token.i)
        if key in self.resolving or len(self.resolving) >= MAX_NESTING:
            return []
        self.resolving.add(key)
        try:
            return method(self, token, *rest)
        finally:
            self.resolving.discard(key)

    return guarded  # type: ignore[return-value]


class ArgumentsMixin(ExtractorState):
    """Mentions for argument tokens: names, containers, places.

    Calls on ``self`` that this class does not define reach the other roles' mixins through
    ``Extractor``."""

    def expand(self, token: Token) -> list[Token]:
        """A token and its coordinated siblings ("Binish, Saraqeb and Jisr al Shaqour")."""
        ent = self.ent_of.get(token.i)
        out = [token]
        for conj in token.conjuncts:
            if ent is not None and conj.i in range(ent.start, ent.end):
                continue
            out.append(conj)
        return sorted(out, key=lambda t: t.i)

    def args(self, token: Token | None, depth: int = 0) -> list[int]:
        """Mentions an argument token refers to, through coordination and containers."""
        if token is None:
            return []
        found: list[int] = []
        for item in self.expand(token):
            found.extend(self.arg(item, depth))
        return list(dict.fromkeys(found))

    @bounded
    def arg(self, token: Token, depth: int = 0) -> list[int]:
        if depth > 6:
            return []
        ent = self.ent_of.get(token.i)
        if ent is not None and not ent.ent_id_ and self.word(ent.root, self.force) in self.force and token.i == ent.root.i and not self.proper_force_name(ent):
            ent = None  # NER's "defence ministry": a generic noun whose owner is outside the span
        if ent is not None and not ent.ent_id_ and ent.label_ == "ORG" and token.i == ent.root.i:
            # "Ukraine's General Staff", "Russia's Defence Ministry": an unknown body of a named
            # state speaks and acts for it
            owners = [c for c in token.children if c.dep_ == "poss" and c.i < ent.start and self.ent_key(c) in self.actors]
            if owners:
                return self.args(owners[0], depth + 1)
        if ent is not None and not (ent.label_ == "NORP" and token.dep_ in ("amod", "compound")):
            if ent.label_ == "NORP" and self.lemma(token) in self.group_force:
                pass
            elif token.i == ent.root.i and self.word(token, self.force) in self.force and any(
                    not ent.start <= c.i < ent.end for c in self.doc[ent.start].conjuncts):
                # "Iraqi and Kurdish forces": the name "Kurdish forces" shares its head with Iraq's
                return self.generic(token) or [self.named(ent)]
            else:
                return [self.named(ent)]
        lemma = self.word(token, self.arg_words)
        if lemma in self.group_force or lemma in self.lex.group_class or lemma in self.container_group:
            called = self.called(token)
            if called:  # "clan militias known as Macawisley", "a coalition known as the Alliance of Patriots"
                return called
        if token.lower_ in RELATIVE and token.head.dep_ == "relcl":
            return self.args(token.head.head, depth + 1)
        if lemma in self.owned or lemma in self.force or lemma in self.lex.group_class or lemma in self.civilian:
            owners = self.generic(token)
            if owners:
                return owners
        if token.dep_ == "appos" and lemma in self.container_group:
            named = self.apposed_name(token)
            if named is not None:
                return self.args(named.root, depth + 1)
        if lemma in self.container or token.pos_ == "NUM" or token.like_num:
            inner = self.descend(token, depth)
            if inner:
                return inner
            owners = self.modifier_entities(token)
            if owners:
                return owners
        if token.dep_ == "appos" and token.head.i in self.ent_of:
            return self.args(token.head, depth + 1)
        appositions = [c for c in token.children if c.dep_ == "appos"] or self.hung_on_first_conjunct(token, "appos")
        for child in appositions:
            if child.i in self.ent_of and lemma in self.container_group:
                return self.args(child, depth + 1)
        for child in appositions if lemma in self.container else []:
            # "seizing its last key bastion in the region, the town of Yabrud": the place apposed
            places = [m for m in self.args(child, depth + 1) if self.is_place_mention(m)]
            if places:
                return places
        return []

    def called(self, token: Token) -> list[int]:
        """The name a group or force noun is "known as", "called" or "dubbed" (``naming_verbs``):
        its entity, or the proper noun the NER gave no actor label ("Macawisley", PRODUCT)."""
        naming = self.lex.word_set("naming_verbs")
        for acl in (c for c in token.children if c.dep_ == "acl" and c.tag_ == "VBN" and self.lemma(c) in naming):
            names = [p for prep in acl.children if prep.dep_ == "prep" and prep.lower_ == "as" for p in prep.children if p.dep_ == "pobj"]
            names += [c for c in acl.children if c.dep_ == "oprd"]
            for name in names:
                ent = self.ent_of.get(name.i)
                if ent is not None and ent.ent_id_:
                    return [self.named(ent)]
                if name.pos_ == "PROPN" and name.text[:1].isupper() and (ent is None or ent.label_ not in PLACE_LABELS | {"GPE"}):
                    # the proper nouns up to the name, however parsed ("Liwa Ahrar Helfaya", NER "Ahrar Helfaya")
                    start = name.i
                    while start - 1 > acl.i and self.doc[start - 1].lower_ != "as" and (self.doc[start - 1].pos_ == "PROPN" or self.doc[start - 1].text == "-"):
                        start -= 1
                    span = self.doc[start:name.i + 1]
                    return [self.add_mention(Mention(span.start_char, span.end_char, span.text, "named", key=None, label="ORG"))]
        return []

    def proper_force_name(self, ent: Ent) -> bool:
        """An unknown name that ends in a force word and names a group of its own ("the Kachin
        Independence Army", "Arakan Army"): capitalised words, none of them a state's name or
        demonym ("the Iraqi Army" is Iraq's), and no owner outside it ("Russia's Defence Ministry")."""
        words = [t for t in self.doc[ent.start:ent.end] if t.pos_ != "DET"]
        if len(words) < 2 or not all(t.text[:1].isupper() for t in words):
            return False
        if any(self.demonyms.get(t.lower_) or self.ent_key(t) for t in words):
            return False
        return not any(c.dep_ in ("poss", "amod", "compound") and c.i < ent.start and self.ent_key(c) for c in ent.root.children)

    def hung_on_first_conjunct(self, token: Token, dep: str, word: str | None = None) -> list[Token]:
        """Dependents the parser hangs on the first conjunct that stand right after ``token``, a
        later conjunct, and belong to it: "Assad's forces and its rival the Islamic State group"
        (an apposition), "the Daesh fighters and members of the SDF" (an "of")."""
        if token.dep_ != "conj":
            return []
        return [c for c in token.head.children
                if c.dep_ == dep and (word is None or c.lower_ == word) and c.left_edge.i == token.right_edge.i + 1]

    def apposed_name(self, token: Token) -> Ent | None:
        """The name an apposition describes: the one right before it ("Madaya, a town"). The
        parser often hangs the apposition on a noun further back ("safe passage from Madaya a
        government-besieged town", commas stripped)."""
        if token.dep_ != "appos":
            return None
        before = token.left_edge.i - 1
        if before >= 0 and self.doc[before].is_punct:
            before -= 1
        named = self.ent_of.get(before) if before >= 0 else None
        if named is not None and named.end == before + 1:
            return named
        return self.ent_of.get(token.head.i)

    def descend(self, token: Token, depth: int) -> list[int]:
        """"the city of Idlib", "towns in Idlib", "Kherson's Dniprovskyi district", "cities such as X".

        A name given by a compound, "of", "including" or "such as" wins over "in Y", which only
        says where the named place is."""
        found: list[int] = []
        settlement = self.word(token, self.named_place_heads) in self.named_place_heads
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ in self.name_preps:
                for pobj in child.children:
                    if pobj.dep_ in ("pobj", "pcomp"):
                        # "cities such as Kharkiv and Odesa amount to…" misparsed: names hang below
                        named = self.args(pobj, depth + 1) or self.modifier_entities(pobj)
                        # "the town of Maaret Alnouman", which the NER took for a person, is a place
                        found.extend(self.as_place(m) if settlement and child.lower_ == "of" else m for m in named)
        if not found:  # "northern Iraq's largest city Mosul": the apposed name is the city, Iraq only holds it
            found = [m for c in token.children if c.dep_ == "appos" and c.i in self.ent_of and self.ent_of[c.i].label_ in PLACE_LABELS
                     for m in self.args(c, depth + 1)]
        if not found:
            for child in token.children:
                if child.dep_ in ("compound", "poss", "nmod") and child.i in self.ent_of and self.ent_of[child.i].label_ in PLACE_LABELS:
                    found.extend(self.args(child, depth + 1))  # not "the Lukoil refinery in Kstovo"
                elif child.dep_ == "poss" and child.i not in self.ent_of:
                    found.extend(self.anaphoric_place(child))  # "the city's eastern neighbourhoods"
            known = [m for m in found if self.mentions[m].key]
            found = known or found  # "Kherson's Dniprovskyi district": the gazetteer's Kherson
        if not found:
            found = self.unrecognised_name(token)
        if not found:
            found = self.anaphoric_place(token) + self.demonym_place(token)
        if found:
            return list(dict.fromkeys(found))
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ in self.container_preps:
                for pobj in child.children:
                    if pobj.dep_ in ("pobj", "pcomp"):
                        found.extend(self.args(pobj, depth + 1))
                # "in and around Idlib": the object hangs on the coordinated preposition
                for conj in child.conjuncts:
                    for pobj in conj.children:
                        if pobj.dep_ == "pobj":
                            found.extend(self.args(pobj, depth + 1))
        return list(dict.fromkeys(found))

    def as_place(self, index: int) -> int:
        """A named mention read as a place whatever the NER's label (a settlement's name)."""
        mention = self.mentions[index]
        if mention.kind != "named" or mention.label in PLACE_LABELS | {"FAC"} or mention.key:
            return index
        return self.add_mention(Mention(mention.start, mention.end, mention.text, "named", key=None, label="GPE"))

    def unrecognised_name(self, token: Token) -> list[int]:
        """"Hardatnin village", "the village of Hardatnin": a proper name the NER missed, before
        a settlement noun or after its "of", is the place's name; with a feature noun the noun
        is part of it ("the Castello road", "Trax hill")."""
        feature = self.word(token, self.named_place_features) in self.named_place_features  # "the Castello road"
        if not feature and self.word(token, self.named_place_heads) not in self.named_place_heads:
            return []
        names: list[Token] = []
        for child in token.children:
            if child.dep_ == "compound" and child.i < token.i:
                names.append(child)
            elif child.dep_ == "prep" and child.lower_ == "of" and child.i == token.i + 1:
                names.extend(p for p in child.children if p.dep_ == "pobj")
        for name in names:
            span = self.doc[name.left_edge.i:name.i + 1]
            if name.pos_ != "PROPN" or any(t.i in self.ent_of or not (t.pos_ == "PROPN" or t.text == "-") for t in span):
                continue
            if feature and name.i < token.i:
                span = self.doc[span.start:token.i + 1]
            return [self.add_mention(Mention(span.start_char, span.end_char, span.text, "named", key=None, label="GPE"))]
        return []

    def anaphoric_place(self, token: Token) -> list[int]:
        """"took control of the town": the last place named before, in this or the last sentence."""
        if self.word(token, self.lex.word_set("anaphoric_place_nouns")) not in self.lex.word_set("anaphoric_place_nouns"):
            return []
        if not any(c.lower_ == "the" for c in token.children) or any(c.dep_ in ("compound", "amod", "poss") for c in token.children if c.i in self.ent_of):
            return []
        index = self.sent_of.get(token.i, 0)
        # This sentence first, else the one before; two candidate places make it ambiguous.
        for start, end in ((max(self.sentences[index].start, token.i - 60), token.i), (self.sentences[index - 1].start, self.sentences[index - 1].end) if index else (0, 0)):
            candidates: dict[str, Ent] = {}
            for root, ent in self.ents_rooted_in(start, end):
                candidate = self.tokens[root]
                known_place = ent.ent_id_ in self.places if ent.ent_id_ and self.places else True
                if known_place and ent.label_ in PLACE_LABELS and ent.ent_id_ not in self.countries:
                    role = candidate.dep_ if candidate.dep_ != "compound" else candidate.head.dep_
                    if role == "nsubj" and candidate.head in token.ancestors and ent.ent_id_ in self.actors:
                        continue  # "Washington … pulled its troops out of the border area": who acts, not where
                    if role in ("pobj", "dobj", "nsubjpass", "appos", "conj", "ROOT", "attr", "nsubj"):
                        candidates.setdefault(ent.ent_id_ or ent.text, ent)
            if len(candidates) == 1:
                return [self.named(next(iter(candidates.values())))]
            if candidates:
                return []
        return []

    def demonym_place(self, token: Token) -> list[int]:
        """"Ukrainian cities": a demonym on a place noun names the country."""
        for child in token.children:
            if child.dep_ == "amod" and child.i in self.ent_of and self.ent_of[child.i].label_ == "NORP" and self.ent_key(child):
                return [self.add_mention(Mention(child.idx, token.idx + len(token.text), f"{child.text} {token.text}", "named", key=self.ent_key(child), label="GPE"))]
        return []

    def demonym_state(self, token: Token) -> list[int]:
        key = self.ent_key(token)
        if key is None:
            return []
        return [self.add_mention(Mention(token.idx, token.idx + len(token.text), token.text, "force", key=key, head="state"))]

    def modifier_entities(self, token: Token) -> list[int]:
        found = []
        for child in token.children:
            if child.dep_ in ("compound", "amod", "poss", "nmod") and child.i in self.ent_of:
                ent = self.ent_of[child.i]
                if ent.label_ != "NORP":
                    found.extend(self.args(child, 1))
        return found
