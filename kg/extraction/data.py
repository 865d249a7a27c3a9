"""The extractor's output: plain dataclasses (no spaCy objects), so it survives
``nlp.pipe(n_process=N)`` and a trip through ``to_dict`` / ``from_dict``."""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Iterator


CORE = ("strikes", "attacks", "backs", "captures", "evacuates")


@dataclass(frozen=True)
class Mention:
    """A reference to an actor or place. ``kind`` says how resolve must read it."""

    start: int
    end: int
    text: str
    kind: str  # named | force | group | civilians
    key: str | None = None  # gazetteer id: the entity, or the owner/qualifier of a generic noun
    label: str = ""  # spaCy entity label for named mentions
    head: str = ""  # lemma class of a generic noun: rebels, militias, civilians, army…
    qualifier: str | None = None  # a non-gazetteer adjective: "Shiite", "Kurdish"
    backer: str | None = None  # gazetteer id in "X-backed Y"
    phrase: str = ""  # the descriptive words of a generic noun phrase ("mainstream secular armed groups")


@dataclass(frozen=True)
class Event:
    relation: str
    agents: tuple[int, ...]
    targets: tuple[int, ...]
    sentence: int
    trigger: str
    trigger_start: int
    trigger_end: int
    tier: str = "explicit"
    places: tuple[int, ...] = ()
    origins: tuple[int, ...] = ()
    destinations: tuple[int, ...] = ()
    date_text: str | None = None
    killed: int | None = None
    killed_qualifier: str | None = None
    injured: int | None = None
    injured_qualifier: str | None = None
    count: int | None = None
    count_qualifier: str | None = None
    means: tuple[str, ...] = ()
    reported_by: tuple[int, ...] = ()


@dataclass(frozen=True)
class Fact:
    """A secondary relation (allyOf, controls, …): subject and object mention indices."""

    relation: str
    subject: int
    object: int
    sentence: int
    trigger: str
    trigger_start: int
    trigger_end: int
    tier: str = "explicit"


@dataclass(frozen=True)
class Extraction:
    mentions: tuple[Mention, ...]
    events: tuple[Event, ...]
    facts: tuple[Fact, ...]
    sentences: tuple[tuple[int, int], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "mentions": [_record(m) for m in self.mentions],
            "events": [_record(e) for e in self.events],
            "facts": [_record(f) for f in self.facts],
            "sentences": [list(s) for s in self.sentences],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Extraction":
        def tuples(record: dict[str, Any]) -> dict[str, Any]:
            return {k: tuple(v) if isinstance(v, list) else v for k, v in record.items()}

        return cls(
            mentions=tuple(Mention(**m) for m in data["mentions"]),
            events=tuple(Event(**tuples(e)) for e in data["events"]),
            facts=tuple(Fact(**f) for f in data["facts"]),
            sentences=tuple(tuple(s) for s in data["sentences"]),  # type: ignore[misc]
        )


_FIELD_NAMES = {cls: tuple(f.name for f in fields(cls)) for cls in (Mention, Event, Fact)}


def _record(obj: Mention | Event | Fact) -> dict[str, Any]:
    """``asdict`` for the flat records above, without its deep copy: their fields hold only
    ints, strings, None and tuples of those, which are immutable."""
    return {name: getattr(obj, name) for name in _FIELD_NAMES[type(obj)]}


def iter_core(extraction: Extraction) -> Iterator[tuple[str, int, int, Event]]:
    """(relation, subject mention, object mention, event) for each core relation pair."""
    for event in extraction.events:
        objects = event.origins if event.relation == "evacuates" else event.targets
        for agent in event.agents:
            for obj in objects:
                yield event.relation, agent, obj, event
