"""kg's articles written for hard constructions (eval/written/, training only)."""
from __future__ import annotations

import json
from types import SimpleNamespace

from kg.evaluate import load_entities, load_gold
from kg.extraction import CORE
from kg.train.corpus import WRITTEN
from kg.train.cv import Material, training_parts
from kg.train.dataset import Settings, written_gold


def test_every_line_quotes_its_article_and_names_known_entities() -> None:
    gold = load_gold(WRITTEN / "gold.jsonl")
    entities = {json.loads(line)["id"] for line in (WRITTEN / "entities.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()}
    texts = {p.name: p.read_text(encoding="utf-8") for p in (WRITTEN / "texts").glob("*.txt")}
    assert len(texts) == 100 and len(gold) > 900
    for line in gold:
        assert line.doc in texts, line
        assert line.evidence in texts[line.doc], line
        assert line.p in CORE and line.tier in ("explicit", "implicit", "optional")
        assert line.s in entities and line.o in entities, line
    assert {line.doc for line in gold} == set(texts)  # no article without a relation


def test_labels_reach_entities_through_their_surface_forms() -> None:
    index = load_entities(WRITTEN / "entities.jsonl")
    assert "russia" in index.lookup("Russian forces")
    assert written_gold().index.lookup("Moscow") == index.lookup("Moscow")


def test_written_articles_train_every_model_at_their_weight_and_none_at_zero() -> None:
    assert Settings().written_weight == 0  # off by default: not shown to help (eval/written/README.md)
    written = SimpleNamespace(rows=[{"bias": 1.0}], labels=[("strikes",)])
    material = Material(dev=[], seeds=[], m2e2=[], voa_docs={}, pool=[], written=[written])
    parts = training_parts(material, [], [], Settings(written_weight=0.5), use_seeds=False)
    assert parts == [(written.rows, written.labels, 0.5)]
    assert training_parts(material, [], [], Settings(written_weight=0), use_seeds=False) == []
