"""Who does the event: syntactic tests that a scored pair's subject is not its agent.

The scorer sees a sentence's words, not who governs whom, so a strong trigger can pull in any
actor of the sentence. ``kg.decide.asserted`` drops a pair when the parse says its subject only
reports the event ("The army said a rocket had struck…"), reacts to it ("Turkey condemned the
Russian strikes"), repels it ("government forces repelled an ISIS attack on Haditha"), suffers
it ("a soldier was wounded in an attack"), or stands beside a verb that has a subject of its own
("… after rebels attacked Idlib", "aid to the Afghan government, which is battling the Taliban",
"IS, which fought the Syrian army, … since it seized Mosul", "the regime dealt a blow to the
opposition by seizing Yabrud"), or only helps or backs whoever acts ("troops, backed by Russian
airpower, captured …"); a ``backs`` pair when its object is attacked in its clause or is not the
one its "backed by" modifies; and a strike or attack on whom one fights beside. Whether a place
mention only says where is ``kg.places``'. Word lists come from the lexicon, through the extractor.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from spacy.tokens import Token

from kg.extraction import Mention
from kg.extraction.tokens import ACTOR_LABELS, is_pronoun

if TYPE_CHECKING:
    from kg.extraction import Extractor


def climb(token: Token, deps: tuple[str, ...]) -> Token:
    """Up the tree from ``token`` while it hangs from its head by one of ``deps``."""
    while token.dep_ in deps and token.head.i != token.i:
        token = token.head
    return token


def mention_root(extractor: "Extractor", mention: Mention) -> Token | None:
    """The syntactic root of the mention's tokens (None where its characters match no tokens)."""
    span = extractor.mention_span(mention)
    return span.root if span is not None else None


def clause_role(extractor: "Extractor", mention: Mention) -> Token | None:
    """The noun that carries ``mention`` in its clause: the mention's root, or the noun it
    modifies ("Israeli" in "the Israeli army" → "army")."""
    token = mention_root(extractor, mention)
    if token is None:
        return None
    return climb(token, ("amod", "compound", "poss", "nmod"))


def helper(extractor: "Extractor", mention: Mention) -> bool:
    """The mention only helps whoever acts: "The U.S. and Britain, with support from Australia
    and the Netherlands, struck 18 Houthi targets" (``helper_nouns`` of backs, with "from" or
    "of"; "with US air support"), or backs the one who acts ("Syrian troops, backed by Russian
    airpower, have captured …"). It backs them; it does not strike."""
    token = clause_role(extractor, mention)
    if token is None:
        return False
    token = climb(token, ("conj", "appos"))
    helper_nouns = extractor.lex.rel_set("backs", "helper_nouns")
    if token.dep_ == "pobj" and token.head.lower_ == "with" and extractor.lemma(token) in helper_nouns:
        return True  # "Iraqi forces, with US air support, recaptured Mosul"
    if token.dep_ == "pobj" and token.head.dep_ == "agent":
        backed = token.head.head  # "Syrian troops, backed by Russian airpower, captured …"
        return backed.dep_ in ("acl", "advcl") and extractor.lemma(backed) in extractor.lex.rel_set("backs", "verbs")
    if token.dep_ != "pobj" or token.head.lower_ not in ("from", "of"):
        return False
    return extractor.lemma(token.head.head) in helper_nouns


def backed_elsewhere(extractor: "Extractor", obj: Mention, trigger: Token) -> bool:
    """A "backed by" participle backs the noun it modifies, not another mention of the clause:
    "Daesh has been beaten back, with Iraqi forces aided by U.S.-led coalition airstrikes …" is
    no coalition backing of Daesh."""
    root = mention_root(extractor, obj)
    if root is None or trigger.dep_ != "acl" or trigger.tag_ != "VBN" or trigger.head.i == trigger.i:
        return False
    if extractor.lemma(trigger) not in extractor.lex.rel_set("backs", "verbs") or not actor_noun(extractor, trigger.head):
        return False  # "an assault backed by coalition air strikes" backs whoever made the assault
    return not _relative_holds(extractor, trigger, root)


def actor_noun(extractor: "Extractor", token: Token) -> bool:
    """The noun names an actor: a named one, or a force, group or civilian word."""
    return token.ent_type_ in ACTOR_LABELS or extractor.lemma(token) in extractor.generic_words


def alongside(extractor: "Extractor", mention: Mention) -> bool:
    """The mention is whom one fights beside, not against: the object of "alongside" ("Central
    Asians have also been fighting alongside the Taliban")."""
    token = clause_role(extractor, mention)
    return token is not None and token.dep_ == "pobj" and token.head.lower_ == "alongside"


def fired(extractor: "Extractor", obj: Mention) -> bool:
    """The object names what is fired, not what is hit: a weapon (``fire_objects``) that is the
    object of a firing verb (``fire_verbs`` of strikes), itself or through "a salvo of":
    "Hezbollah launched a salvo of Katyusha rockets at the Israeli army's base" is no attack on
    Katyusha."""
    token = clause_role(extractor, obj)
    if token is None:
        return False
    if extractor.lemma(token) not in extractor.lex.rel_set("strikes", "fire_objects"):
        return False  # "shot dead five civilians": whom one shoots is hit
    if token.dep_ == "pobj" and token.head.lower_ == "of" and token.head.head.dep_ == "dobj":
        token = token.head.head  # "a salvo of Katyusha rockets", "dozens of Grad rockets"
    return token.dep_ == "dobj" and extractor.lemma(token.head) in extractor.lex.rel_set("strikes", "fire_verbs")


def attacked(extractor: "Extractor", mention: Mention, hostile: frozenset[str] | set[str]) -> bool:
    """The mention is the object of a ``hostile`` verb or noun ("crush the insurgency", "killed 400
    insurgents", "the fight against IS"), or of "against" under any word ("supporting Assad against
    opposition forces"): an enemy in its clause, not the one backed."""
    token = clause_role(extractor, mention)
    if token is None:
        return False
    if token.dep_ == "dobj":
        return extractor.lemma(token.head) in hostile
    if token.dep_ == "pobj" and token.head.lower_ == "against":
        return True  # whoever one is for, the one "against" is the enemy ("support Assad against the rebels")
    if token.dep_ == "pobj" and token.head.lower_ == "on":
        return extractor.lemma(token.head.head) in hostile
    return False


def supported(extractor: "Extractor", mention: Mention) -> bool:
    """The mention is the object of a backing verb ("The Coalition supports the SDF through
    training and airstrikes", "continues to support Iraqi forces with air strikes"): the one
    helped in its clause, not what the strikes hit."""
    token = clause_role(extractor, mention)
    return token is not None and token.dep_ == "dobj" and extractor.lemma(token.head) in extractor.lex.rel_set("backs", "verbs")


def reports_only(extractor: "Extractor", subject: Mention, trigger: Token, relation_triggers: frozenset[str] = frozenset()) -> bool:
    """The subject only reports the event, or suffers it, rather than doing it:
    - the subject of a reporting verb whose clausal complement holds the trigger and names a
      subject of its own ("The Israeli army said a rocket fired from Lebanon had struck a
      field", "The Observatory said there had been 29 raids on Zabadani"); a pronoun there ("said
      it struck") may be the reporter itself, so it does not count;
    - the passive subject or the object of a casualty verb ("An Iraqi soldier was wounded in a
      drone attack", "Bomb in Idlib kills 30 government fighters"), or its subject where it has
      no object (the headline's "Meshaal killed in an airstrike");
    - the subject of a verb of reaction, witness or escape whose object holds the trigger
      ("Turkey condemned the Russian strikes on Idlib", ``reacts_to``), or of a verb that repels
      what its object names ("Government forces repelled an ISIS attack on Haditha", ``repels``)."""
    token = clause_role(extractor, subject)
    if token is None:
        return False
    token = climb(token, ("conj",))  # "Egypt and Qatar … condemned the strike": Qatar reacts as Egypt does
    if extractor.lemma(token.head) in extractor.casualty_words:
        if token.dep_ in ("nsubjpass", "dobj"):
            return True  # "soldiers were killed in …", "Bomb in Idlib kills 30 government fighters"
        if token.dep_ == "nsubj" and token.head != trigger and not any(c.dep_ in ("dobj", "ccomp", "xcomp") for c in token.head.children):
            return True  # no object: a victim ("Meshaal killed in an airstrike", "five soldiers died")
    if token.dep_ == "nsubj" and (reacts_to(extractor, token.head, trigger, relation_triggers) or repels(extractor, token.head, trigger)):
        return True
    if token.dep_ != "nsubj" or extractor.lemma(token.head) not in extractor.reporting:
        return False
    for clause in token.head.children:
        if clause.dep_ == "ccomp" and (clause == trigger or clause in trigger.ancestors or trigger == token.head):
            # the reporting verb itself stands for the event where the sentence has no trigger word
            # "there" of "said there had been 29 raids" leaves the reporter out of the event too
            return any((c.dep_ in ("nsubj", "nsubjpass") and not is_pronoun(c)) or c.dep_ == "expl" for c in clause.children)
    return False


_OBJECT_ARCS = frozenset({"dobj", "pobj", "prep", "pcomp", "appos", "compound", "amod", "conj", "npadvmod", "attr", "oprd", "dative", "nmod"})


def object_verb(extractor: "Extractor", obj: Mention, subject_root: int) -> Token | None:
    """The verb the pair's object is an object of ("attacked" for Idlib in "… after rebels attacked
    Idlib"), climbing through objects, prepositions and modifiers; None where the object is a
    subject on the way (the passive "Idlib was struck", "help Assad retake Aleppo"), or where the
    climb meets a phrase that holds the pair's subject too ("the Russian air strikes on Idlib")."""
    token = mention_root(extractor, obj)
    if token is None:
        return None
    for _ in range(8):
        if token.dep_ not in _OBJECT_ARCS or token.head.i == token.i:
            return None
        token = token.head
        if token.left_edge.i <= subject_root <= token.right_edge.i:
            return None
        if token.pos_ == "VERB":
            return token
    return None


def another_subject(extractor: "Extractor", subject: Mention, obj: Mention, trigger: Token,
                    stands_for: dict[int, Mention] | None = None) -> bool:
    """The trigger, the verb the object is an object of, or the verb whose subject a subjectless
    trigger shares (``controlling_verb``), has a subject of its own, a noun phrase
    that does not hold the pair's subject: "Moscow dismissed the general after insurgents swept
    into Aleppo" is not Moscow's attack, nor "Russia bombed Aleppo after rebels attacked Idlib" a
    Russian strike on Idlib. The trigger is the pair's trigger word or, in a sentence with none, its
    root. A subject pronoun counts as the mention ``stands_for`` reads it as (``kg.coref``), other
    pronouns do not; a relative pronoun is the noun its clause modifies ("Russia, which
    struck Idlib" is Russia's strike; "aid to the Afghan government, which is battling the
    Taliban" is no Russian battle); but an object that only says where the clause's noun is stays
    the trigger's: "struck the school, which was sheltering families in Al-Tuffah". Likewise the
    actor a participle modifies ("Washington armed Kurdish forces fighting IS" is no US attack;
    "the group scored a victory overrunning Ramadi" is still the group's)."""
    root = mention_root(extractor, subject)
    if root is None:
        return False
    if trigger.dep_ == "acl" and trigger.tag_ == "VBG" and actor_noun(extractor, trigger.head) and not _relative_holds(extractor, trigger, root):
        return True  # the noun a participle modifies is its subject: "Washington armed Kurdish forces fighting IS"
    control = controlling_verb(extractor, trigger)  # a copula too ("the army was able to take Aleppo")
    verbs = [v for v in (trigger, object_verb(extractor, obj, root.i)) if v is not None and v.pos_ == "VERB"]
    verbs += [control] if control is not None and control.pos_ in ("VERB", "AUX") else []
    for verb in verbs:
        passive = verb.tag_ == "VBN" or any(c.dep_ == "nsubj" and extractor.lemma(c) in extractor.weapon_means for c in verb.children)
        if passive and any(c.dep_ == "agent" and c.left_edge.i <= root.i <= c.right_edge.i for c in verb.children):
            continue  # the pair's subject is the verb's "by" agent ("bombs dropped by the regime's helicopters")
        for child in verb.children:
            if child.dep_ == "nsubj" and child.tag_ in ("WDT", "WP") and verb.dep_ == "relcl" and (verb == trigger or not _where(extractor, mention_root(extractor, obj))):
                if not _relative_holds(extractor, verb, root):
                    return True
                break
            if child.dep_ == "nsubj" and stands_for and child.i in stands_for and extractor.lemma(verb) not in extractor.reporting:
                # a subject pronoun read as its antecedent (kg.coref): "IS, which has fought the
                # Syrian army, has made gains since it seized Mosul" is no army attack on Mosul
                antecedent = stands_for[child.i]
                if antecedent is not subject and not (antecedent.key and antecedent.key == subject.key):
                    return True
                break
            if child.dep_ == "nsubj" and not is_pronoun(child) and child.tag_ not in ("WDT", "WP", "WP$", "PRP", "PRP$", "EX", "DT"):
                if not (child.left_edge.i <= root.i <= child.right_edge.i):
                    return True
                break
    return False


def _relative_holds(extractor: "Extractor", clause: Token, root: Token) -> bool:
    """Whether the phrase a relative clause modifies holds ``root``, what precedes the clause in
    it: the relative pronoun is that phrase ("the Afghan government, which is battling the
    Taliban"), climbed through apposition, coordination and "of" ("Jaysh al-Fateh, the coalition
    of … groups that …", "government forces and Kurdish fighters who …"). A weapon's clause is its
    firer's ("the rebels fired shells that hit the square")."""
    noun = clause.head
    if extractor.lemma(noun) in extractor.weapon_means:
        return True
    for _ in range(4):
        if noun.dep_ in ("appos", "conj") and noun.head.i != noun.i:
            noun = noun.head
        elif noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.i != noun.head.i:
            noun = noun.head.head
        else:
            break
    return root.i == noun.i or noun.left_edge.i <= root.i < clause.left_edge.i


def controlling_verb(extractor: "Extractor", verb: Token) -> Token | None:
    """For a verb with no subject of its own, the verb whose subject it shares: "the army advanced
    and retook the village" (a conjunct), "Syrian jets struck Idlib, killing 20" (a clause), "the
    regime dealt a blow to the opposition by seizing Yabrud", after ``subject_control_preps``; not
    "accused Russia of striking"). Not an infinitive complement, whose subject may be the object
    ("helped Assad retake Aleppo"), but an infinitive after a verb with no object or after an
    adjective ("was able to take") is its subject's."""
    if any(child.dep_ in ("nsubj", "nsubjpass", "expl", "auxpass", "agent") for child in verb.children):
        return None  # its own subject, or a passive ("… and was backed by Russia"): the shared subject is no agent
    for _ in range(3):
        if verb.dep_ in ("conj", "advcl") and verb.head.i != verb.i:
            verb = verb.head
        elif verb.dep_ == "xcomp" and verb.head.pos_ == "ADJ" and verb.head.dep_ == "acomp" and verb.head.head.i != verb.head.i:
            verb = verb.head.head  # "the army was able to take Aleppo": the copula's subject takes it
        elif verb.dep_ == "xcomp" and verb.head.pos_ in ("VERB", "AUX") and not any(c.dep_ in ("dobj", "iobj", "dative") for c in verb.head.children):
            verb = verb.head  # subject control ("the army managed to retake Aleppo"); not "helped Assad retake"
        elif verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and verb.head.lower_ in extractor.subject_control_preps and verb.head.head.i != verb.head.i:
            verb = verb.head.head
        else:
            return None
        if any(child.dep_ in ("nsubj", "nsubjpass", "expl") for child in verb.children):
            return verb
    return None


def _where(extractor: "Extractor", token: Token | None) -> bool:
    """The token's phrase says where: it hangs from a preposition of place, through modifiers and
    "the X of" ("in Gaza City's Al-Tuffah neighbourhood", "in the village of Nimr")."""
    for _ in range(6):
        if token is None or token.head.i == token.i:
            return False
        if token.dep_ == "pobj" and token.head.lower_ in extractor.place_preps:
            return True
        if token.dep_ in ("poss", "compound", "amod", "appos", "conj", "nmod"):
            token = token.head
        elif token.dep_ == "pobj" and token.head.lower_ == "of" and token.head.head.i != token.head.i:
            token = token.head.head
        else:
            return False
    return False


def coordinated(extractor: "Extractor", subject: Mention, obj: Mention) -> bool:
    """The two arguments are conjuncts of one phrase ("attacks on IS and the PKK", "the Taliban
    government and al-Qaida terrorists", "the YPG and Syrian Kurdish security forces"): sides
    named together, not one acting on the other."""
    a, b = clause_role(extractor, subject), clause_role(extractor, obj)
    if a is None or b is None or a.i == b.i:
        return False
    return (a.dep_ == "conj" or b.dep_ == "conj") and climb(a, ("conj",)).i == climb(b, ("conj",)).i


def reciprocal(extractor: "Extractor", trigger: Token) -> bool:
    """The trigger holds both sides (``reciprocal_triggers``: "fighting between X and Y")."""
    return extractor.lemma(trigger) in extractor.reciprocal or trigger.lower_ in extractor.reciprocal


def undergoes(extractor: "Extractor", subject: Mention, trigger: Token) -> bool:
    """The pair's subject is what its own trigger verb acts on: its object or passive subject
    ("Russian jets bombed the rebels" is no rebel strike on anyone, "Aleppo was shelled" no
    shelling by Aleppo), or what it is aimed at ("fired rockets at an Israeli army base": the
    Israeli army is the target's owner, not the firer). A trigger that holds both sides
    (``reciprocal_triggers``: "IS fought the Syrian army") keeps both readings. Not for ``evacuates``, whose subject is the one moved
    ("aid workers were relocated from Zamzam")."""
    if reciprocal(extractor, trigger):
        return False
    token = clause_role(extractor, subject)
    if token is None:
        return False
    if trigger.pos_ == "VERB" and token.head == trigger and token.dep_ in ("dobj", "nsubjpass"):
        return True
    # What the trigger is aimed at, and whose that is: "fired rockets at an Israeli army base",
    # "the enemy's attacks on Syrian army positions" (``target_preps``).
    if token.dep_ != "pobj" or token.head.lower_ not in extractor.target_preps or trigger in token.subtree:
        return False  # the subject's own event ("regime air strikes", misparsed after "On Sunday")
    aimed = token.head.head  # the trigger, or the verb whose object it is ("launched rockets at")
    return aimed == trigger or (aimed.pos_ == "VERB" and any(c.dep_ == "dobj" and trigger in c.subtree for c in aimed.children))


def repels(extractor: "Extractor", verb: Token, trigger: Token) -> bool:
    """``verb`` repels what its object names (``repel_verbs``: repel, repulse, thwart, foil…) and
    the trigger is that object or inside it: "Government forces repelled an ISIS attack on
    Haditha", "the Syrian army thwarted a Daesh attack on Aqareb" are the defenders', not theirs.
    Only the object: "beat IS in an offensive on Mosul" is still the offensive of whoever beat."""
    if extractor.lemma(verb) not in extractor.repel_verbs:
        return False
    if verb == trigger:
        return True  # no trigger word of the relation: the pair stands on "repelled" itself
    return any(child.dep_ == "dobj" and (child == trigger or child in trigger.ancestors) for child in verb.children)


def reacts_to(extractor: "Extractor", verb: Token, trigger: Token, relation_triggers: frozenset[str]) -> bool:
    """``verb`` is a verb of reaction, witness or escape (``reaction_verbs``: condemn, welcome,
    accuse, flee…) and the trigger lies below it, outside its subject: what it condemns or flees.
    Also when the pair has no trigger word and stands on the verb itself ("Rouhani welcomed the
    army's victory against the terrorists"), unless the verb is one of the relation's triggers
    ("Residents fled Aleppo")."""
    if extractor.lemma(verb) not in extractor.reaction:
        return False
    if verb == trigger:
        return extractor.lemma(verb) not in relation_triggers and verb.lower_ not in relation_triggers
    for child in verb.children:
        if child.dep_ not in ("nsubj", "nsubjpass", "aux", "auxpass", "neg", "punct", "cc", "conj") and (child == trigger or child in trigger.ancestors):
            return True
    return False
