"""kg's own labels for FA-KES pool articles (eval/fakes-pool/, kg.train.pool)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.corpora.common import read_json_lines
from kg.extraction import CORE
from kg.train import pool
from kg.train.dataset import Settings

SHARED_DEV = pool.SHARED / "eval" / "dev"


def _write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_spans_become_the_quote_again_with_gaps() -> None:
    text = "Headline here\n\nRussian jets struck the town of Binish on Monday and shelled Idlib."
    a = text.index("Russian jets struck")
    b = text.index("shelled Idlib")
    line = pool.PoolLine("fakes-1", "russia", "strikes", "idlib", "explicit", ((a, a + 12), (b, b + 13)))
    [gold] = pool.gold_lines([line], {"fakes-1": text})
    assert gold.doc == "fakes-1.txt"
    assert gold.evidence == "Russian jets ... shelled Idlib"
    assert (gold.s, gold.p, gold.o, gold.tier) == ("russia", "strikes", "idlib", "explicit")


def test_entity_index_merges_new_surface_forms_into_existing_ids(tmp_path: Path) -> None:
    base = _write(tmp_path / "base.jsonl", [{"id": "syrian-rebels", "label": "Syrian rebels", "aliases": ["rebels"]}])
    extra = _write(tmp_path / "extra.jsonl", [
        {"id": "syrian-rebels", "aliases": ["armed terrorist groups"]},  # a form added to a dev id: no label of its own
        {"id": "kafr-nabl", "label": "Kafr Nabl", "types": ["Settlement"], "aliases": ["Kafranbel"]},
    ])
    index = pool.entity_index(base, extra)
    assert index.lookup("Armed terrorist groups") == {"syrian-rebels"}
    assert index.lookup("the rebels") == {"syrian-rebels"}
    assert index.lookup("Kafranbel") == {"kafr-nabl"}
    assert index.lookup("Kafr Nabl") == {"kafr-nabl"}


def test_pool_folder_writes_only_the_labelled_texts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "CACHE", tmp_path)
    folder = pool.pool_folder({"fakes-1": "one", "fakes-2": "two"})
    assert sorted(p.name for p in folder.iterdir()) == ["fakes-1.txt", "fakes-2.txt"]
    folder = pool.pool_folder({"fakes-2": "two, changed"})
    assert sorted(p.name for p in folder.iterdir()) == ["fakes-2.txt"]
    assert (folder / "fakes-2.txt").read_text(encoding="utf-8") == "two, changed"


def test_committed_labels_are_well_formed() -> None:
    lines = pool.read_lines()
    assert len({line.doc for line in lines}) >= 100
    for line in lines:
        assert line.p in CORE and line.tier in ("explicit", "implicit", "optional")
        assert line.spans and all(0 <= a < b for a, b in line.spans)
        assert list(line.spans) == sorted(line.spans)
    required = [line for line in lines if line.tier != "optional"]
    assert len(required) >= 500
    minted = list(read_json_lines(pool.LABELS / "entities.jsonl"))
    assert all("text" not in record for record in minted)


def test_committed_labels_point_into_the_pool_and_name_known_entities() -> None:
    if not pool.POOL.is_file() or not (SHARED_DEV / "entities.jsonl").is_file():
        pytest.skip(f"{pool.POOL.parent.parent} is absent: the FA-KES pool is in ../shared")
    lines = pool.read_lines()
    texts = pool.pool_texts({line.doc for line in lines})
    assert set(texts) == {line.doc for line in lines}
    ids = {r["id"] for path in (SHARED_DEV / "entities.jsonl", pool.LABELS / "entities.jsonl") for r in read_json_lines(path)}
    for line in lines:
        assert line.s in ids and line.o in ids, line
        assert all(b <= len(texts[line.doc]) for _, b in line.spans)
        # A span holds words, not a slice through one.
        for a, b in line.spans:
            quote = texts[line.doc][a:b]
            assert quote.strip() == quote and any(c.isalpha() for c in quote)
    # None of the labelled articles is a dev article.
    dev_texts = [p.read_text(encoding="utf-8") for p in (SHARED_DEV / "texts").glob("fakes_*.txt")]
    for text in texts.values():
        assert not any(text[:300] in dev or dev[:300] in text for dev in dev_texts)


@pytest.mark.parametrize("round_name", ["fakes-pool-2", "fakes-pool-3", "voa-pool"])
def test_later_rounds_are_gold_sets_for_kg_eval_and_no_training_article(tmp_path: Path, round_name: str) -> None:
    """eval/fakes-pool-2, -3 and voa-pool become folders ``kg eval --set`` reads: their
    quotes are in their texts, their ids in the merged inventory (each round reuses the ids of the
    rounds before), every listed article is there, those without a relation too, and none of
    their articles is a training one or one of another round."""
    if not pool.POOL.is_file() or not pool.M2E2.is_file() or not (SHARED_DEV / "entities.jsonl").is_file():
        pytest.skip(f"{pool.POOL.parent.parent} is absent: the FA-KES pool and M2E2 are in ../shared")
    from kg.evaluate import GoldSet, load_entities, load_gold

    labels = pool.LABELS.parent / round_name
    folder = pool.write_gold_set(labels, tmp_path / "set")
    listed = labels / "articles.txt"
    if listed.is_file():
        ids = listed.read_text(encoding="utf-8").split()
        assert sorted(p.name for p in (folder / "texts").iterdir()) == sorted(pool.file_name(i) for i in ids)
    rounds = [pool.read_lines(pool.EVAL / name / "gold.jsonl") for name in pool.ROUNDS]
    docs = [{line.doc for line in lines} for lines in rounds]
    assert all(not a & b for i, a in enumerate(docs) for b in docs[i + 1:])
    gold_set = GoldSet.folder(folder)
    gold = load_gold(gold_set.gold)
    index = load_entities(gold_set.entities)
    known = {i for ids in [*index.labels.values(), *index.aliases.values()] for i in ids}
    assert len({g.doc for g in gold}) >= 45 and len(gold) == len(pool.read_lines(labels / "gold.jsonl"))
    for g in gold:
        text = (folder / "texts" / g.doc).read_text(encoding="utf-8")
        assert all(piece in text for piece in g.evidence.split(" ... ")), g
        assert g.s in known and g.o in known, g
    from kg.corpora.m2e2 import dev_doc_map

    assert not set(dev_doc_map(SHARED_DEV / "texts")) & {g.doc.removesuffix(".txt") for g in gold}  # no VOA dev article
    trained = {line.doc for line in pool.read_rounds(Settings().pool_rounds)}
    assert round_name in Settings().pool_rounds or not trained & {line.doc for line in pool.read_lines(labels / "gold.jsonl")}


def test_rounds_read_together_and_never_share_an_article(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``read_rounds`` joins rounds of labels; a missing round, or two that label one article, is an error."""
    line = {"doc": "a1", "s": "russia", "p": "strikes", "o": "idlib", "tier": "explicit", "spans": [[0, 5]]}
    for name, docs in (("r1", ["a1"]), ("r2", ["a2"]), ("r3", ["a1"])):
        (tmp_path / name).mkdir()
        (tmp_path / name / "gold.jsonl").write_text("".join(json.dumps(line | {"doc": d}) + "\n" for d in docs), encoding="utf-8")
    monkeypatch.setattr(pool, "EVAL", tmp_path)
    assert [line.doc for line in pool.read_rounds(("r1", "r2"))] == ["a1", "a2"]
    with pytest.raises(ValueError, match="share articles: a1"):
        pool.read_rounds(("r1", "r2", "r3"))
    with pytest.raises(ValueError, match="pool round r9: .* is absent"):
        pool.read_rounds(("r1", "r9"))


def test_a_voa_article_labelled_to_the_standard_replaces_its_m2e2_sentences() -> None:
    """M2E2's ACE labels know no backing or capture: where ``eval/voa-pool/`` labels a VOA article
    to kg's standard, its M2E2 sentences leave the training data (other M2E2 sentences stay)."""
    from types import SimpleNamespace

    from kg.train.cv import Material, training_parts

    labelled = SimpleNamespace(name="VOA_EN_NW_2016.01.01.1.txt", rows=[{"bias": 1.0}], labels=[("backs",)])
    fakes = SimpleNamespace(name="fakes-1.txt", rows=[{"bias": 1.0}], labels=[("none",)])
    ace = [SimpleNamespace(doc_id=d, rows=[{"bias": 1.0}], labels=[("none",)]) for d in ("VOA_EN_NW_2016.01.01.1", "VOA_EN_NW_2016.01.02.2")]
    material = Material(dev=[], seeds=[], m2e2=ace, voa_docs={}, pool=[labelled, fakes])
    parts = training_parts(material, [], [], Settings(), use_seeds=False)
    assert [p[0] for p in parts] == [labelled.rows, fakes.rows, ace[1].rows]


def test_voa_pool_ids_read_the_m2e2_sentences(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A VOA id (``VOA_EN_NW_…``) is an M2E2 document rebuilt from its sentences; a FA-KES id a pool record."""
    record = {"sentence_id": "VOA_EN_NW_2016.01.01.1_0", "sentence_start": 0, "sentence_end": 17, "sentence": "Jets struck Tarvo",
              "words": ["Jets", "struck", "Tarvo", "."], "index": [["0", "3"], ["5", "10"], ["12", "16"], ["17", "17"]]}
    monkeypatch.setattr(pool, "M2E2", _write(tmp_path / "sentences.jsonl", [record]))
    monkeypatch.setattr(pool, "POOL", _write(tmp_path / "articles.jsonl", [{"id": "fakes-1", "text": "Rebels shelled Hama."}]))
    assert pool.pool_texts({"VOA_EN_NW_2016.01.01.1", "fakes-1"}) == {"VOA_EN_NW_2016.01.01.1": "Jets struck Tarvo.\n", "fakes-1": "Rebels shelled Hama."}
    with pytest.raises(ValueError, match="sentences.jsonl: labelled articles missing from it: VOA_EN_NW_2016.09.09.9"):
        pool.labelled_texts([pool.PoolLine("VOA_EN_NW_2016.09.09.9", "a", "strikes", "b", "explicit", ((0, 1),))])
