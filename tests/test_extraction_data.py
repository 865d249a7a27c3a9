"""The extractor's plain data, lexicon and word forms (``kg.extraction.data``, ``lexicon``,
``tokens``): no spaCy model needed."""
from __future__ import annotations

from pathlib import Path

from kg.extraction.data import Event, Extraction, Fact, Mention, iter_core
from kg.extraction.lexicon import load_lexicon, read_yaml
from kg.extraction.tokens import word_forms


def _extraction() -> Extraction:
    mentions = (Mention(0, 6, "Russia", "named", key="russia", label="GPE"), Mention(14, 21, "Kharkiv", "named", key="kharkiv", label="GPE"),
                Mention(30, 38, "Mariupol", "named", key="mariupol", label="GPE"))
    strike = Event("strikes", (0,), (1,), 0, "struck", 7, 13, means=("missiles",), killed=3)
    evacuation = Event("evacuates", (0,), (), 1, "evacuated", 40, 49, origins=(2,), destinations=(1,))
    fact = Fact("controls", 0, 2, 1, "held", 50, 54)
    return Extraction(mentions, (strike, evacuation), (fact,), ((0, 22), (23, 60)))


def test_extraction_survives_a_round_trip_through_plain_dicts() -> None:
    extraction = _extraction()
    data = extraction.to_dict()
    assert data["events"][0]["means"] == ("missiles",) and data["sentences"] == [[0, 22], [23, 60]]
    assert Extraction.from_dict(data) == extraction
    # as after JSON or msgpack: tuples come back as lists
    as_lists = {k: [{f: list(v) if isinstance(v, tuple) else v for f, v in r.items()} if isinstance(r, dict) else r for r in rows] for k, rows in data.items()}
    assert Extraction.from_dict(as_lists) == extraction


def test_iter_core_pairs_evacuees_with_origins() -> None:
    pairs = [(relation, agent, obj) for relation, agent, obj, _ in iter_core(_extraction())]
    assert pairs == [("strikes", 0, 1), ("evacuates", 0, 2)]


def test_lexicon_indexes_triggers_by_relation() -> None:
    lexicon = load_lexicon()
    assert "strikes" in lexicon.verb_relation["bomb"]
    assert lexicon.noun_relation["evacuation"] == "evacuates"
    assert lexicon.word_set("reporting_verbs") is lexicon.word_set("reporting_verbs")  # built once
    assert lexicon.word_set("reporting_verbs") == lexicon.words("reporting_verbs")


def test_yaml_words_on_no_yes_stay_words(tmp_path: Path) -> None:
    path = tmp_path / "words.yaml"
    path.write_text("preps: [on, no, yes, off]\n", encoding="utf-8")
    assert read_yaml(path) == {"preps": ["on", "no", "yes", "off"]}


def test_word_forms_repair_mislemmatised_verbs() -> None:
    forms, ordered = word_forms("stag", "staged")
    assert {"stag", "staged", "stage"} <= forms and ordered == tuple(sorted(forms))
    assert "step" in word_forms("stepped", "stepped")[0]
