"""Canonical entities, relations and events for one document, from its mentions.

Metonymy is applied by role, as event coders do: a capital, leader or country that *acts* stands
for its state actor ("Moscow" → Russia, "Syria says" → the Syrian government), while a place that
is struck or captured stays the place. Generic nouns ("rebels", "the army") are read against the
article's main country.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache

from kg.documents import Document
from kg.extraction import Event, Extraction, Mention, iter_core
from kg.gazetteer import Gazetteer, forces_named_after

CIVILIANS = "civilians"  # the one id of civilian victims and evacuees (kg.canonical uses it too)

EVENT_CLASS = {"strikes": "Strike", "attacks": "Attack", "backs": "Support", "captures": "Capture", "evacuates": "Evacuation"}
ACTOR_OBJECT = {"backs", "allyOf", "designatesTerrorist", "repels", "memberOf", "leaderOf"}
PLACE_OBJECT = {"captures", "evacuates", "controls", "locatedIn"}
ARMED_WORDS = re.compile(
    r"\b(brigades?|army|front|forces|militias?|battalions?|regiments?|corps|guards?|jaish|liwa|harakat|kataib|ansar|movement|mujahideen|fighters|group|islamic state|resistance|al-qaeda|division)\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=None)
def _lexicon_words(key: str) -> frozenset[str]:
    from kg.extraction import load_lexicon

    return frozenset(str(w).lower() for w in load_lexicon().raw.get(key, []))


def descriptive_qualifiers() -> frozenset[str]:
    """Modifiers that describe a group rather than name it (``descriptive_qualifiers``)."""
    return _lexicon_words("descriptive_qualifiers")


def coalition_heads() -> frozenset[str]:
    """Heads of unnamed alliances ("the coalition", "Coalition warplanes"): not one state's force."""
    return _lexicon_words("coalition_heads")


def attacker_heads() -> frozenset[str]:
    """Heads of unnamed attackers ("a suicide bomber"): no state's force; a claim names them."""
    return _lexicon_words("attacker_heads")


def anaphoric_actor_heads() -> frozenset[str]:
    """Heads that, bare, refer back to the organisation of that name (``anaphoric_actor_heads``)."""
    return _lexicon_words("anaphoric_actor_heads")


# Canonical names of generic group classes (see group_nouns in the lexicon).
GROUP_CLASS_LABEL = {"rebels": "rebels", "militias": "militias", "militants": "militants", "fighters": "armed groups"}


@dataclass
class Entity:
    id: str
    label: str
    types: set[str]
    surface: set[str] = field(default_factory=set)
    gazetteer: bool = False


@dataclass(frozen=True)
class Relation:
    doc_id: str
    predicate: str
    subject: str
    object: str
    sentence: tuple[int, int]
    trigger: str
    trigger_span: tuple[int, int]
    tier: str
    subject_text: str
    object_text: str
    event: str | None = None  # event IRI key for core relations


@dataclass
class ResolvedEvent:
    key: str
    kind: str
    relation: str
    doc_ids: list[str]
    agents: tuple[str, ...]
    targets: tuple[str, ...]
    places: tuple[str, ...]
    origins: tuple[str, ...]
    destinations: tuple[str, ...]
    date: dt.date | None
    date_text: str | None
    evidence: list[tuple[str, tuple[int, int]]]
    trigger: str
    killed: int | None = None
    killed_qualifier: str | None = None
    injured: int | None = None
    injured_qualifier: str | None = None
    count: int | None = None
    count_qualifier: str | None = None
    means: tuple[str, ...] = ()
    reported_by: tuple[str, ...] = ()


@dataclass
class DocumentResult:
    document: Document
    entities: dict[str, Entity]
    relations: list[Relation]
    events: list[ResolvedEvent]


# --- names and slugs -------------------------------------------------------------------------


def slugify(text: str) -> str:
    """A readable, IRI-safe slug; names with no Latin letters get a hash."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80].strip("-")
    if not slug:
        return "x-" + hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return slug


def short_hash(*parts: object) -> str:
    joined = "\x1f".join(str(p) for p in parts)
    return hashlib.sha1(joined.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def clean_name(text: str) -> str:
    text = " ".join(text.split())
    text = re.sub(r"^(?:the|The|THE)\s+", "", text)
    return re.sub(r"(?:'s|')$", "", text).strip(" ,.;:-\"'")


# --- dates -------------------------------------------------------------------------------------

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = {m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"], start=1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9


def resolve_date(text: str | None, anchor: dt.date | None) -> dt.date | None:
    """"on Sunday", "yesterday", "December 1", "20th of October 2024" → a date, or None.

    Relative expressions need the article's date; without it kg never guesses.
    """
    if not text:
        return None
    lowered = text.lower()
    full = _explicit_date(lowered, anchor)
    if full is not None:
        return full
    if anchor is None:
        return None
    if re.search(r"\b(today|this morning|this afternoon|this evening|tonight)\b", lowered):
        return anchor
    if re.search(r"\b(yesterday|last night)\b", lowered):
        return anchor - dt.timedelta(days=1)
    ago = re.fullmatch(r"(\w+) days? ago", lowered.strip())
    if ago:
        from kg.extraction import parse_number

        days = parse_number(ago.group(1))
        return anchor - dt.timedelta(days=days) if days is not None else None
    for index, name in enumerate(WEEKDAYS):
        if re.search(rf"\b{name}\b", lowered) and not re.search(r"\b(last|next|every|each|since|until)\b|\bweeks?\b", lowered):
            back = (anchor.weekday() - index) % 7
            return anchor - dt.timedelta(days=back)
    return None


def _explicit_date(text: str, anchor: dt.date | None) -> dt.date | None:
    month_names = "|".join(sorted(MONTHS, key=len, reverse=True))
    day = r"(\d{1,2})(?:st|nd|rd|th)?"
    patterns = [
        rf"\b(?P<m>{month_names})\.?\s+{day.replace('(', '(?P<d>', 1)}(?:,?\s+(?P<y>\d{{4}}))?\b",
        rf"\b{day.replace('(', '(?P<d>', 1)}\s+(?:of\s+)?(?P<m>{month_names})\.?(?:,?\s+(?P<y>\d{{4}}))?\b",
    ]
    for pattern in patterns:
        match = re.search(pattern, text)
        if not match:
            continue
        month, day_number = MONTHS[match.group("m")], int(match.group("d"))
        if match.group("y"):
            year = int(match.group("y"))
        elif anchor is not None:
            year = anchor.year if (month, day_number) <= (anchor.month, anchor.day) else anchor.year - 1
        else:
            return None
        try:
            return dt.date(year, month, day_number)
        except ValueError:
            return None
    match = re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", text)
    if match:
        try:
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            return None
    return None


# --- resolution ------------------------------------------------------------------------------


class Resolver:
    """Maps one document's mentions to canonical entities, keyed by IRI slug."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gaz = gazetteer
        self.label_index: dict[str, str] = {}
        for entry in sorted(gazetteer.entries.values(), key=lambda e: e.id):
            for name in (entry.label, *entry.alt_labels):
                self.label_index.setdefault(name.lower(), entry.id)

    def main_country(self, extraction: Extraction) -> str | None:
        """Where the article's war is: counted from the places it names, not its actors.

        A town or region counts fully; a sovereign state named as such (the US, Britain) only a
        little, since articles name outside powers far from where the fighting is."""
        counts: Counter[str] = Counter()
        first: dict[str, int] = {}
        for index, mention in enumerate(extraction.mentions):
            if mention.key is None or mention.kind != "named":
                continue
            entry = self.gaz.get(mention.key)
            if entry is None or not entry.is_place:
                continue
            country = self.gaz.country_of(mention.key)
            if country is None:
                continue
            counts[country] += 0.25 if "State" in entry.types else 1.0
            first.setdefault(country, index)
        if not counts:
            return None
        return min(counts, key=lambda c: (-counts[c], first[c]))

    def context(self, extraction: Extraction) -> tuple[str | None, str | None, dict[str, str]]:
        """What ``entity`` reads of the whole article: its main country, its default force (for
        "the army", "the military": the force it names most, else none) and its antecedents."""
        owners = self.force_owners(extraction)
        default_force = min(owners, key=lambda o: (-owners[o], o)) if owners else None
        return self.main_country(extraction), default_force, self.antecedents(extraction)

    def force_owners(self, extraction: Extraction) -> Counter[str]:
        """Owners of the forces an article names ("Israeli troops", "Russian jets")."""
        owners: Counter[str] = Counter()
        for mention in extraction.mentions:
            if mention.kind == "force" and mention.key:
                owners[self.gaz.actor_for(mention.key)] += 1
        return owners

    def antecedents(self, extraction: Extraction) -> dict[str, str]:
        """Head word → the organisation an unowned "the <head>" refers back to: of the article's
        named organisations whose name ends in that word ("U.S.-led coalition", "Nusra Front"),
        the one named most often (first named on a tie). Only ``anaphoric_actor_heads``."""
        heads = anaphoric_actor_heads()
        counts: dict[str, Counter[str]] = {}
        first: dict[str, int] = {}
        for index, mention in enumerate(extraction.mentions):
            if mention.kind != "named" or not mention.key:
                continue
            entry = self.gaz.get(mention.key)
            if entry is None or entry.is_place:
                continue
            for name in (entry.label, *entry.alt_labels):
                head = name.split()[-1].lower() if name.split() else ""
                if head in heads:
                    counts.setdefault(head, Counter())[entry.id] += 1
                    first.setdefault(entry.id, index)
                    break
        return {head: min(found, key=lambda e: (-found[e], first[e])) for head, found in counts.items()}

    def entity(self, mention: Mention, role: str, country: str | None, entities: dict[str, Entity], default_force: str | None = None,
               antecedents: dict[str, str] | None = None) -> str | None:
        """Canonical entity id for a mention in a role: "actor" or "place" (or "any")."""
        if mention.kind in ("force", "group") and not mention.key and not mention.backer and not mention.qualifier:
            if antecedents and mention.head in antecedents:  # "the coalition" after "the U.S.-led coalition"
                mention = Mention(mention.start, mention.end, mention.text, "named", key=antecedents[mention.head], head=mention.head)
            elif mention.head in coalition_heads():
                # "the coalition" with no coalition named: an alliance, never one state's own force
                mention = Mention(mention.start, mention.end, mention.head.capitalize(), "named", label="ORG", head=mention.head)
        if mention.kind == "force" and not mention.key and mention.head in attacker_heads():
            return None  # "a suicide bomber" is nobody's force until a claim names whose
        if mention.kind == "force" and not mention.key and default_force and mention.head != "government":
            mention = Mention(mention.start, mention.end, mention.text, "force", key=default_force, head=mention.head)
        found = self._resolve(mention, role, country)
        if found is None:
            return None
        entity_id, label, types, from_gazetteer = found
        entity = entities.get(entity_id)
        if entity is None:
            entity = entities[entity_id] = Entity(entity_id, label, set(types), gazetteer=from_gazetteer)
        else:
            entity.types.update(types)
        text = clean_name(mention.text)
        if text and text != entity.label:
            entity.surface.add(text)
        return entity_id

    def _gazetteer(self, entry_id: str, role: str) -> tuple[str, str, tuple[str, ...], bool] | None:
        if role == "actor":
            entry_id = self.gaz.actor_for(entry_id)
        entry = self.gaz.get(entry_id)
        if entry is None:
            return None
        return entry.id, entry.label, entry.types, True

    def _resolve(self, mention: Mention, role: str, country: str | None) -> tuple[str, str, tuple[str, ...], bool] | None:
        if mention.kind == "named":
            if mention.key:
                return self._gazetteer(mention.key, role)
            return self._minted_named(mention, role)
        if mention.kind == "force":
            owner = mention.key or country
            if owner is None:
                return None
            return self._gazetteer(owner, "actor")
        if mention.kind == "civilians":
            if mention.head == "specific" and mention.phrase:
                return slugify(mention.phrase), mention.phrase, ("Civilians",), False
            # One id, whoever's they are, as canonicalisation and the gold standard have it:
            # "Syrian civilians" and an unowned "civilians" in a Syrian story are the same party.
            return CIVILIANS, CIVILIANS, ("Civilians",), False
        if mention.kind == "group":
            return self._group(mention, country)
        return None

    def _demonym(self, entry_id: str | None) -> str | None:
        if entry_id is None:
            return None
        country = self.gaz.country_of(entry_id) or entry_id
        return self.gaz.demonym_of(country)

    def _group(self, mention: Mention, country: str | None) -> tuple[str, str, tuple[str, ...], bool] | None:
        head = mention.head or "fighters"
        if head == "source":
            label = clean_name(mention.text)
            return slugify(label), label, ("Organization",), False
        if mention.backer:
            # "Iranian-backed militia" and "Iran-backed militias" are one group across articles.
            backer = self.gaz.get(mention.backer)
            backer_name = backer.label if backer else mention.backer
            label = f"{backer_name}-backed {GROUP_CLASS_LABEL.get(head, head)}"
            return slugify(label), label, ("ArmedGroup",), False
        if mention.key:
            entry = self.gaz.get(mention.key)
            if entry is not None and entry.is_place and "Country" not in entry.types:
                label = f"{entry.label} {head}"
            else:
                prefix = self._demonym(mention.key) or (entry.label if entry else mention.key)
                label = f"{prefix} {head}"
        elif mention.qualifier and mention.qualifier.lower() not in descriptive_qualifiers():
            label = f"{mention.qualifier} {GROUP_CLASS_LABEL.get(head, head)}"
        else:
            prefix = self._demonym(country)
            head = GROUP_CLASS_LABEL.get(head, head)
            label = f"{prefix} {head}" if prefix else head
        return slugify(label), label, ("ArmedGroup",), False

    def _minted_named(self, mention: Mention, role: str) -> tuple[str, str, tuple[str, ...], bool] | None:
        name = clean_name(mention.text)
        if not name or not any(c.isalpha() for c in name):
            return None
        known = self.label_index.get(name.lower())
        if known is None and mention.label == "NORP":
            known = forces_named_after(self.label_index, name)  # "Kurdish-controlled town"
        if known is not None:
            return self._gazetteer(known, role)
        label = mention.label
        if label == "PERSON":
            types: tuple[str, ...] = ("Person",)
        elif label in ("ORG", "NORP"):
            types = ("ArmedGroup",) if label == "NORP" or ARMED_WORDS.search(name) else ("Organization",)
        elif label == "GPE":
            types = ("State",) if role == "actor" else ("Settlement",) if role == "place" else ("Settlement",)
        elif label in ("LOC", "FAC"):
            types = ("Region",) if label == "LOC" else ("Settlement",)
            if role == "actor":
                return None
        else:
            return None
        return slugify(name), name, types, False


def resolve_document(document: Document, extraction: Extraction, resolver: Resolver) -> DocumentResult:
    # "the army", "the military": the force the article names most, else the main country's.
    country, default_force, antecedents = resolver.context(extraction)
    entities: dict[str, Entity] = {}
    relations: list[Relation] = []
    events: list[ResolvedEvent] = []
    sentences = extraction.sentences
    mentions = extraction.mentions

    def resolve(index: int, role: str) -> str | None:
        return resolver.entity(mentions[index], role, country, entities, default_force, antecedents)

    def ids(indices: tuple[int, ...], role: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(x for x in (resolve(i, role) for i in indices) if x is not None))

    for event in extraction.events:
        resolved = _resolve_event(document, event, sentences, ids, resolver, entities)
        if resolved is None:
            continue
        events.append(resolved)
        objects_role = "place" if event.relation in PLACE_OBJECT else "actor" if event.relation in ACTOR_OBJECT else "any"
        object_indices = event.origins if event.relation == "evacuates" else event.targets
        for agent_index in event.agents:
            subject = resolve(agent_index, "actor")
            for object_index in object_indices:
                obj = resolve(object_index, objects_role)
                if subject is None or obj is None or subject == obj:
                    continue
                relations.append(
                    Relation(
                        document.id, event.relation, subject, obj, sentences[event.sentence],
                        event.trigger, (event.trigger_start, event.trigger_end), event.tier,
                        mentions[agent_index].text, mentions[object_index].text, resolved.key,
                    )
                )
    for fact in extraction.facts:
        # a leader stays the person, not the group or state the person stands for
        subject_role = "place" if fact.relation == "locatedIn" else "any" if fact.relation == "leaderOf" else "actor"
        object_role = "place" if fact.relation in PLACE_OBJECT else "actor"
        subject = resolve(fact.subject, subject_role)
        obj = resolve(fact.object, object_role)
        if subject is None or obj is None or subject == obj:
            continue
        relations.append(
            Relation(
                document.id, fact.relation, subject, obj, sentences[fact.sentence], fact.trigger,
                (fact.trigger_start, fact.trigger_end), fact.tier, mentions[fact.subject].text, mentions[fact.object].text,
            )
        )
    relations = [r for r in relations if r.predicate != "leaderOf" or "Person" in entities[r.subject].types]
    type_by_role(relations, entities)
    return DocumentResult(document, entities, _dedupe(relations), events)


def _resolve_event(document, event: Event, sentences, ids, resolver: Resolver, entities) -> ResolvedEvent | None:  # type: ignore[no-untyped-def]
    agents = ids(event.agents, "actor")
    object_role = "actor" if event.relation == "backs" else "any"
    targets = ids(event.targets, object_role)
    origins = ids(event.origins, "place")
    agents = tuple(a for a in agents if a not in targets and a not in origins)  # nobody strikes or leaves itself
    if not agents or not (origins if event.relation == "evacuates" else targets):
        return None
    date = resolve_date(event.date_text, document.date)
    kind = EVENT_CLASS[event.relation]
    if date is not None:
        # The same event told by two articles: same type, agents, objects and day → one node.
        key = short_hash(kind, sorted(agents), sorted(targets), sorted(origins), date.isoformat())
    else:
        key = short_hash(document.id, event.relation, event.trigger_start, event.trigger_end)
    return ResolvedEvent(
        key=key,
        kind=kind,
        relation=event.relation,
        doc_ids=[document.id],
        agents=agents,
        targets=targets,
        places=ids(event.places, "place"),
        origins=origins,
        destinations=ids(event.destinations, "place"),
        date=date,
        date_text=event.date_text,
        evidence=[(document.id, sentences[event.sentence])],
        trigger=event.trigger,
        killed=event.killed,
        killed_qualifier=event.killed_qualifier,
        injured=event.injured,
        injured_qualifier=event.injured_qualifier,
        count=event.count,
        count_qualifier=event.count_qualifier,
        means=event.means,
        reported_by=ids(event.reported_by, "actor"),
    )


def type_by_role(relations: list[Relation], entities: dict[str, Entity]) -> None:
    """A minted name that acts is an actor; one that is captured or left is a place. The small
    NER tags many unfamiliar place names as organisations or people ("seized the town of
    al-Shura", "retook Kafrya"): a name typed only from that guess, which does nothing in the
    article, is the place its role says it is."""
    acting = {r.subject for r in relations if r.predicate != "locatedIn"}
    for relation in relations:
        subject = entities.get(relation.subject)
        if subject is not None and not subject.gazetteer and relation.predicate != "locatedIn":
            if not subject.types & {"State", "ArmedGroup", "Person", "Organization", "Civilians"}:
                subject.types = {"State"} if subject.types & {"Settlement", "Country"} else {"ArmedGroup"}
        obj = entities.get(relation.object)
        if obj is not None and not obj.gazetteer and relation.predicate in PLACE_OBJECT:
            if not obj.types & {"Country", "Region", "Settlement"}:
                if obj.types & {"State"}:
                    obj.types = {"Settlement"}
                elif not obj.types & {"ArmedGroup", "Person", "Organization", "Civilians"}:
                    obj.types = obj.types | {"Region"}
                elif obj.types <= {"Organization", "Person"} and relation.object not in acting:
                    obj.types = {"Settlement"}


def _dedupe(relations: list[Relation]) -> list[Relation]:
    seen: set[tuple[object, ...]] = set()
    out = []
    for relation in relations:
        key = (relation.predicate, relation.subject, relation.object, relation.sentence, relation.trigger_span)
        if key not in seen:
            seen.add(key)
            out.append(relation)
    return out


# --- roles and types ----------------------------------------------------------------------------

ACTOR_TYPES = {"State", "ArmedGroup", "Person", "Organization", "Civilians"}
PLACE_TYPES = {"Country", "Region", "Settlement"}
SUBJECT_ROLE = {"locatedIn": PLACE_TYPES, "leaderOf": {"Person"}}
OBJECT_ROLE = {
    "captures": PLACE_TYPES, "evacuates": PLACE_TYPES, "controls": PLACE_TYPES, "locatedIn": PLACE_TYPES,
    "backs": ACTOR_TYPES, "allyOf": ACTOR_TYPES, "designatesTerrorist": ACTOR_TYPES, "repels": ACTOR_TYPES,
    "memberOf": ACTOR_TYPES, "leaderOf": ACTOR_TYPES,
}
EVENT_TARGET_ROLE = {"Support": ACTOR_TYPES, "Capture": PLACE_TYPES}


def enforce_roles(results: list[DocumentResult], entities: dict[str, Entity]) -> list[DocumentResult]:
    """Keep only participants whose (corpus-wide) types fit their role.

    "Kharkiv repelled an attack" would make a town an actor, "captured the Wagner Group" a group a
    place; the ontology's domains and ranges say no, so those participants are dropped here and
    the graph always conforms."""

    def fits(entity_id: str, allowed: set[str]) -> bool:
        entity = entities.get(entity_id)
        return entity is not None and bool(entity.types & allowed)

    def keep(ids: tuple[str, ...], allowed: set[str] | None) -> tuple[str, ...]:
        return tuple(i for i in ids if allowed is None or fits(i, allowed))

    out = []
    for result in results:
        events = []
        for event in result.events:
            event = replace(
                event,
                agents=keep(event.agents, ACTOR_TYPES),
                targets=keep(event.targets, EVENT_TARGET_ROLE.get(event.kind, ACTOR_TYPES | PLACE_TYPES)),
                places=keep(event.places, PLACE_TYPES),
                origins=keep(event.origins, PLACE_TYPES),
                destinations=keep(event.destinations, PLACE_TYPES),
                reported_by=keep(event.reported_by, ACTOR_TYPES),
            )
            if event.agents and (event.origins if event.kind == "Evacuation" else event.targets):
                events.append(event)
        kept_events = {e.key for e in events}
        relations = []
        for relation in result.relations:
            if not fits(relation.subject, SUBJECT_ROLE.get(relation.predicate, ACTOR_TYPES)):
                continue
            if not fits(relation.object, OBJECT_ROLE.get(relation.predicate, ACTOR_TYPES | PLACE_TYPES)):
                continue
            if relation.event is not None and relation.event not in kept_events:
                relation = replace(relation, event=None)
            relations.append(relation)
        used = {r.subject for r in relations} | {r.object for r in relations}
        for event in events:
            used.update(event.agents + event.targets + event.places + event.origins + event.destinations + event.reported_by)
        out.append(replace(result, relations=relations, events=events, entities={k: v for k, v in result.entities.items() if k in used}))
    return out
