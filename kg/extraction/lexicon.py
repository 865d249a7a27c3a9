"""The word lists of ``data/lexicon.yaml``, loaded once, with the indexes the rules look up."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml


# kg/data/lexicon.yaml: the data folder sits beside this package, in kg/.
LEXICON_PATH = Path(__file__).parent.with_name("data") / "lexicon.yaml"


@dataclass
class Lexicon:
    raw: dict[str, Any]
    verb_relation: dict[str, list[str]] = field(default_factory=dict)
    noun_relation: dict[str, str] = field(default_factory=dict)
    group_class: dict[str, str] = field(default_factory=dict)
    # Word lists as frozensets, built once: the extractor asks for them in its inner loops.
    _frozen: dict[tuple[str, ...], frozenset[str]] = field(default_factory=dict, repr=False, compare=False)

    def words(self, key: str) -> set[str]:
        return set(self.raw.get(key, []))

    def rel(self, relation: str, key: str) -> set[str]:
        return set(self.raw["relations"][relation].get(key, []))

    def word_set(self, key: str) -> frozenset[str]:
        """``words(key)``, shared and read-only."""
        found = self._frozen.get((key,))
        if found is None:
            found = self._frozen[(key,)] = frozenset(self.raw.get(key, []))
        return found

    def rel_set(self, relation: str, key: str) -> frozenset[str]:
        """``rel(relation, key)``, shared and read-only."""
        found = self._frozen.get((relation, key))
        if found is None:
            found = self._frozen[(relation, key)] = frozenset(self.raw["relations"][relation].get(key, []))
        return found


class _WordLoader(yaml.SafeLoader):
    """YAML 1.1 reads "on", "no" and "yes" as booleans; in a word list they are words."""


_WordLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_WordLoader)  # noqa: S506 - safe loader subclass


@lru_cache(maxsize=2)
def load_lexicon(path: Path = LEXICON_PATH) -> Lexicon:
    raw = read_yaml(path)
    lexicon = Lexicon(raw=raw)
    for relation, spec in raw["relations"].items():
        for verb in spec.get("verbs", []):
            lexicon.verb_relation.setdefault(verb, []).append(relation)
        for noun in spec.get("nouns", []):
            lexicon.noun_relation.setdefault(noun, relation)
        # rule triggers the learned scorer's trigger words leave out (kg.features reads "verbs", "nouns")
        # ("established control over X": a capture only with "control"; "pulled back from X": a
        # departure only with its particle; kg.extraction.triggers)
        for verb in [*spec.get("kill_verbs", []), *spec.get("rule_motion_verbs", []), *spec.get("control_verbs", []), *spec.get("particle_verbs", {}), *spec.get("air_only_verbs", [])]:
            if relation not in lexicon.verb_relation.get(verb, []):
                lexicon.verb_relation.setdefault(verb, []).append(relation)
        for noun in spec.get("under_nouns", []):
            lexicon.noun_relation.setdefault(noun, relation)
    for cls, nouns in raw["group_nouns"].items():
        for noun in nouns:
            lexicon.group_class.setdefault(noun, cls)
    return lexicon
