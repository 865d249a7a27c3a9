"""kg.corpora: corpus roles → kg relation pairs, on invented fixtures in each corpus's format."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kg.corpora import common, dev, geneva, m2e2, rams, re3d
from kg.corpora.common import PairExample, read_jsonl, split_sentences, write_jsonl

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPORA = SHARED / "corpora"


def _lines(path: Path, records: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _pairs(examples: list[PairExample]) -> dict[tuple[str, str], str]:
    return {(e.arg1_text, e.arg2_text): e.label for e in examples}


# --- M2E2 -------------------------------------------------------------------------------

def _m2e2_record(sid: str, words: list[str], start: int, entities: list[tuple[str, int, int]],
                 events: list[dict[str, Any]]) -> dict[str, Any]:
    text, index, cursor = "", [], start
    for word in words:
        if text:
            text += " "
            cursor += 1
        index.append([str(cursor), str(cursor + len(word) - 1)])  # document offsets, end inclusive
        text += word
        cursor += len(word)
    return {"sentence_id": sid, "sentence_start": start, "sentence_end": cursor, "sentence": text, "words": words,
            "index": index, "pos-tags": [], "golden-entity-mentions": [
                {"entity-type": kind, "text": " ".join(words[s:e]), "start": s, "end": e} for kind, s, e in entities],
            "golden-event-mentions": events}


def test_m2e2_articles_rebuilt_from_sentences_in_order(tmp_path: Path) -> None:
    """M2E2 leaves a sentence's closing mark out of ``sentence`` (it is the last token) and writes
    a line break as a ``-`` no token covers; a hyphen inside a word stays."""
    first = {"sentence_id": "VOA_EN_NW_2020.01.01.1_0", "sentence_start": 0, "sentence_end": 25,
             "sentence": "Headline-Pro-Kurdish rebels", "words": ["Headline", "Pro-Kurdish", "rebels", "."],
             "index": [["0", "7"], ["9", "19"], ["21", "26"], ["27", "27"]]}
    second = _m2e2_record("VOA_EN_NW_2020.01.01.1_1", ["Jets", "struck", "Tarvo", "?"], 30, [], [])
    second["sentence"] = "Jets struck Tarvo"  # as M2E2 has it: the mark only among the words
    other = _m2e2_record("VOA_EN_NW_2020.01.02.2_0", ["Calm", "."], 0, [], [])
    path = _lines(tmp_path / "sentences.jsonl", [second, first, other])
    texts = m2e2.article_texts(path, {"VOA_EN_NW_2020.01.01.1"})
    assert texts == {"VOA_EN_NW_2020.01.01.1": "Headline\n\nPro-Kurdish rebels. Jets struck Tarvo?\n"}
    assert m2e2.article_texts(tmp_path) == m2e2.article_texts(path)  # a folder holding the file
    assert set(m2e2.article_texts(path)) == {"VOA_EN_NW_2020.01.01.1", "VOA_EN_NW_2020.01.02.2"}


def test_m2e2_attack_strike_choice_direction_and_negatives(tmp_path: Path) -> None:
    # "Zorland jets bombed Kelvia in Varna ." — trigger "bombed" with Instrument jets → strikes
    words = ["Zorland", "jets", "bombed", "Kelvia", "in", "Varna", "."]
    air = _m2e2_record("VOA_EN_NW_2020.01.01.1_3", words, 100, [("GPE", 0, 1), ("GPE", 3, 4), ("GPE", 5, 6)], [
        {"trigger": {"start": 2, "end": 3, "text": "bombed"}, "event_type": "Conflict:Attack", "arguments": [
            {"role": "Attacker", "start": 0, "end": 1, "text": "Zorland"}, {"role": "Target", "start": 3, "end": 4, "text": "Kelvia"},
            {"role": "Place", "start": 5, "end": 6, "text": "Varna"}, {"role": "Instrument", "start": 1, "end": 2, "text": "jets"}]}])
    # "Rebels stormed Tarvo ." — plain ground attack
    ground = _m2e2_record("VOA_EN_NW_2020.01.01.1_4", ["Rebels", "stormed", "Tarvo", "."], 140,
                          [("ORG", 0, 1), ("GPE", 2, 3)], [
        {"trigger": {"start": 1, "end": 2, "text": "stormed"}, "event_type": "Conflict:Attack", "arguments": [
            {"role": "Attacker", "start": 0, "end": 1, "text": "Rebels"}, {"role": "Target", "start": 2, "end": 3, "text": "Tarvo"}]}])
    examples = list(m2e2.load(_lines(tmp_path / "sentences.jsonl", [air, ground])))
    pairs = _pairs(examples)
    assert pairs[("Zorland", "Kelvia")] == "strikes"
    assert pairs[("Zorland", "Varna")] == "strikes"  # Attacker→Place counts as a target
    assert pairs[("Kelvia", "Zorland")] == "none"  # reversed direction is a true negative
    assert pairs[("Kelvia", "Varna")] == "none"
    assert pairs[("Rebels", "Tarvo")] == "attacks"
    assert ("Tarvo", "Rebels") in pairs and pairs[("Tarvo", "Rebels")] == "none"
    assert {e.doc_id for e in examples} == {"VOA_EN_NW_2020.01.01.1"}
    assert all(e.sent_start in (100, 140) for e in examples)
    assert list(m2e2.load(tmp_path / "sentences.jsonl", {"VOA_EN_NW_2020.01.01.1"})) == []


def test_m2e2_transport_evacuates_only_for_withdrawal_triggers(tmp_path: Path) -> None:
    def transport(sid: str, trigger: str) -> dict[str, Any]:
        words = ["Troops", trigger, "from", "Kelvia", "to", "Varna", "."]
        return _m2e2_record(sid, words, 0, [("PER", 0, 1), ("GPE", 3, 4), ("GPE", 5, 6)], [
            {"trigger": {"start": 1, "end": 2, "text": trigger}, "event_type": "Movement:Transport", "arguments": [
                {"role": "Artifact", "start": 0, "end": 1, "text": "Troops"}, {"role": "Origin", "start": 3, "end": 4, "text": "Kelvia"},
                {"role": "Destination", "start": 5, "end": 6, "text": "Varna"}]}])
    path = _lines(tmp_path / "s.jsonl", [transport("VOA_EN_NW_2020.01.01.2_0", "withdrew"), transport("VOA_EN_NW_2020.01.01.3_0", "flew")])
    examples = list(m2e2.load(path))
    withdrew = _pairs([e for e in examples if e.doc_id.endswith(".2")])
    flew = _pairs([e for e in examples if e.doc_id.endswith(".3")])
    assert withdrew[("Troops", "Kelvia")] == "evacuates"
    assert withdrew[("Troops", "Varna")] == "none"
    assert ("Troops", "Kelvia") not in flew  # ordinary travel: neither positive nor safe negative


def test_m2e2_dev_doc_map(tmp_path: Path) -> None:
    (tmp_path / "voa_03_2015.10.21.3017239.txt").write_text("x")
    (tmp_path / "fakes_01_sana_1.txt").write_text("x")
    assert m2e2.dev_doc_map(tmp_path) == {"VOA_EN_NW_2015.10.21.3017239": "voa_03_2015.10.21.3017239.txt"}


# --- re3d -------------------------------------------------------------------------------

def _re3d_folder(root: Path, name: str, licence: str, text: str, entities: list[tuple[str, str]],
                 relations: list[tuple[str, str, str, str, float]]) -> None:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "LICENSE").write_text(licence)
    doc = "ABC123"
    _lines(folder / "documents.json", [{"_id": doc, "title": "t", "text": text}])
    spans = {}
    ents = []
    sentences = split_sentences(text)
    for key, kind in entities:
        value, _, nth = key.partition("#")  # "Vortex#2": the second "Vortex" in the text
        begin = -1
        for _ in range(int(nth or 1)):
            begin = text.index(value, begin + 1)
        spans[key] = (begin, begin + len(value))
        # re3d ids: <doc>-<sentence number>-<begin in sentence>-<end in sentence>-<type>
        number, (s0, _) = next((i, s) for i, s in enumerate(sentences) if s[0] <= begin < s[1])
        ents.append({"_id": f"{doc}-{number}-{begin - s0}-{begin - s0 + len(value)}-{kind}", "documentId": doc, "begin": begin,
                     "end": begin + len(value), "type": kind, "value": value, "confidence": 1})
    _lines(folder / "entities.json", ents)
    rels = []
    for source, kind, target, value, confidence in relations:
        (sb, se), (tb, te) = spans[source], spans[target]
        rels.append({"_id": f"{doc}-{sb}-{tb}-{kind}", "begin": 0, "end": 1, "sourceBegin": sb, "sourceEnd": se, "source": text[sb:se],
                     "targetBegin": tb, "targetEnd": te, "target": text[tb:te], "type": kind, "value": value,
                     "documentId": doc, "confidence": confidence})
    _lines(folder / "relations.json", rels)


def test_re3d_mapping_licence_and_unreliable_negatives(tmp_path: Path) -> None:
    text = ("The Alliance conducted 12 airstrikes against Vortex near Kelvia. "
            "The Guard fought Vortex in Varna. The Alliance is supporting the Guard.")
    _re3d_folder(tmp_path, "gov", "Open Government Licence v3.0", text,
                 [("The Alliance", "Organisation"), ("Vortex", "Organisation"), ("Kelvia", "Location"),
                  ("The Guard", "Organisation"), ("Vortex#2", "Organisation"), ("Varna", "Location")],
                 [("The Alliance", "FightingAgainst", "Vortex", "conducted 12 airstrikes against", 0.9),
                  ("The Guard", "FightingAgainst", "Vortex#2", "fought", 0.8),
                  ("The Alliance", "AlliesOf", "The Guard", "is supporting", 0.1)])  # low confidence: ignored
    examples = list(re3d.load(tmp_path))
    pairs = _pairs(examples)
    assert pairs[("The Alliance", "Vortex")] == "strikes"
    assert pairs[("The Guard", "Vortex")] == "attacks"
    assert ("Vortex", "The Guard") not in pairs  # the reverse of a fight is no negative
    assert pairs[("Vortex", "Kelvia")] == "none"
    assert all(e.licence == "OGL-3.0" and not e.negatives_reliable for e in examples)
    assert all(e.sentence.startswith("The ") for e in examples)  # sentence text, not the document


def test_re3d_allies_of_backs_only_with_support_cue(tmp_path: Path) -> None:
    text = "The Alliance is supporting the Guard. The Guard and Vortex are allies."
    _re3d_folder(tmp_path, "x", "This dataset is public domain.", text,
                 [("The Alliance", "Organisation"), ("the Guard", "Organisation"), ("Vortex", "Organisation")],
                 [("The Alliance", "AlliesOf", "the Guard", "is supporting", 1.0),
                  ("the Guard", "AlliesOf", "Vortex", "and", 1.0)])
    examples = list(re3d.load(tmp_path))
    pairs = _pairs(examples)
    assert pairs[("The Alliance", "the Guard")] == "backs"
    assert pairs[("the Guard", "Vortex")] == "none"
    assert {e.secondary for e in examples if e.arg1_text == "the Guard" and e.arg2_text == "Vortex"} == {"allyOf"}


# --- RAMS -------------------------------------------------------------------------------

def test_rams_attack_roles_and_cross_sentence(tmp_path: Path) -> None:
    sentences = [["Zorland", "fired", "missiles", "."], ["They", "hit", "Kelvia", "."]]
    record = {"doc_key": "nw_1", "sentences": sentences, "evt_triggers": [[1, 1, [["conflict.attack.n/a", 1.0]]]],
              "gold_evt_links": [[[1, 1], [0, 0], "evt004arg01attacker"], [[1, 1], [2, 2], "evt004arg03instrument"],
                                 [[1, 1], [6, 6], "evt004arg04place"]], "ent_spans": []}
    gift = {"doc_key": "nw_2", "sentences": [["Varna", "sent", "aid", "to", "Tarvo", "."]],
            "evt_triggers": [[1, 1, [["transaction.transferownership.giftgrantprovideaid", 1.0]]]],
            "gold_evt_links": [[[1, 1], [0, 0], "evt142arg01giver"], [[1, 1], [4, 4], "evt142arg02recipient"]]}
    rob = {"doc_key": "nw_3", "sentences": [["Men", "robbed", "Tarvo", "."]],
           "evt_triggers": [[1, 1, [["conflict.attack.stealrobhijack", 1.0]]]],
           "gold_evt_links": [[[1, 1], [0, 0], "evt014arg01attacker"], [[1, 1], [2, 2], "evt014arg02target"]]}
    _lines(tmp_path / "dev.jsonlines", [record, gift, rob])
    examples = list(rams.load(tmp_path))
    assert [(e.arg1_text, e.arg2_text, e.label, e.same_sentence) for e in examples] == [
        ("Zorland", "Kelvia", "strikes", False), ("Varna", "Tarvo", "backs", True)]
    assert examples[0].sentence == "Zorland fired missiles. They hit Kelvia."  # written, not space-joined, text
    assert all(e.licence == "CC-BY-SA-4.0" for e in examples)


def test_detokenize_writes_the_text_back() -> None:
    tokens = 'Russia \'s jets , backed by Iran , struck al - Bagilya ( near Mosul ) . He said " we will fight , " and left .'.split()
    text, spans = common.detokenize(tokens)
    assert text == 'Russia\'s jets, backed by Iran, struck al-Bagilya (near Mosul). He said "we will fight," and left.'
    assert [text[a:b] for a, b in spans] == tokens


# --- GENEVA -----------------------------------------------------------------------------

def _geneva(doc: str, tokens: list[str], frame: str, trigger: int, args: list[tuple[str, int, int]]) -> dict[str, Any]:
    mentions = [{"id": f"{doc}_{s}_{e}", "start": s, "end": e, "text": " ".join(tokens[s:e])} for _, s, e in args]
    return {"doc_id": doc, "wnd_id": doc, "sentence": " ".join(tokens), "tokens": tokens, "entity_mentions": mentions,
            "event_mentions": [{"id": "e", "event_type": frame, "trigger": {"start": trigger, "end": trigger + 1, "text": tokens[trigger]},
                                "arguments": [{"entity_id": f"{doc}_{s}_{e}", "role": role, "text": " ".join(tokens[s:e])}
                                              for role, s, e in args]}]}


def test_geneva_frames(tmp_path: Path) -> None:
    records = [
        _geneva("d1", ["Zorland", "went", "to", "war", "with", "Kelvia", "."], "Hostile_encounter", 3, [("Side_1", 0, 1), ("Side_2", 4, 6)]),
        _geneva("d2", ["Rebels", "captured", "Tarvo", "."], "Conquering", 1, [("Conqueror", 0, 1), ("Theme", 2, 3)]),
        _geneva("d3", ["Villagers", "were", "evacuated", "from", "Varna", "."], "Removing", 2, [("Theme", 0, 1), ("Source", 3, 5)]),
        _geneva("d4", ["He", "tore", "the", "collar", "away", "."], "Removing", 1, [("Theme", 2, 4), ("Source", 4, 5)]),
        _geneva("d5", ["Zorland", "helps", "Kelvia", "."], "Assistance", 1, [("Helper", 0, 1), ("Benefited_party", 2, 3)]),
    ]
    _lines(tmp_path / "val.json", records)
    got = sorted((e.arg1_text, e.arg2_text, e.label) for e in geneva.load(tmp_path))
    assert got == sorted([("Zorland", "Kelvia", "attacks"), ("Kelvia", "Zorland", "attacks"), ("Rebels", "Tarvo", "captures"),
                          ("Villagers", "Varna", "evacuates"), ("Zorland", "Kelvia", "backs")])


# --- dev gold ---------------------------------------------------------------------------

def test_dev_quote_with_gap_and_curly_quotes() -> None:
    text = "Title\n\nZorland’s jets pounded  Kelvia on Monday, officials said. Later, the  raids hit Varna."
    span, complete = dev.locate_quote(text, "Zorland's jets pounded Kelvia ... the raids hit Varna")
    assert complete and text[span[0]:span[1]] == text[text.index("Zorland"):text.index("Varna") + 5]
    assert dev.locate_quote(text, "nothing like this") is None


def test_dev_examples_aliases_and_tiers() -> None:
    text = "Zorland says it is at war.\nThe Zorland Air-Force pounded Kelvia. They also raided al-Tarvo. Rebels left Varna."
    entities = {"zorland": ["Zorland", "Zorland Air Force"], "kelvia": ["Kelvia"], "tarvo": ["al Tarvo"],
                "rebels": ["rebels"], "varna": ["Varna"], "ghost": ["Nowhere"]}
    gold = [
        {"doc": "a.txt", "s": "zorland", "p": "strikes", "o": "kelvia", "tier": "explicit", "evidence": "“the Zorland Air-Force pounded Kelvia”"},
        {"doc": "a.txt", "s": "zorland", "p": "strikes", "o": "tarvo", "tier": "implicit", "evidence": "They also raided al-Tarvo"},
        {"doc": "a.txt", "s": "rebels", "p": "evacuates", "o": "varna", "tier": "explicit", "evidence": "Rebels left Varna"},
        {"doc": "a.txt", "s": "ghost", "p": "attacks", "o": "varna", "tier": "explicit", "evidence": "Rebels left Varna"},
    ]
    stats = dev.LocateStats()
    examples = list(dev.examples_from_gold("dev", gold, entities, {"a.txt": text}, stats))
    got = [(e.arg1_text, e.arg2_text, e.label, e.tier, e.same_sentence) for e in examples]
    assert got == [("Zorland Air-Force", "Kelvia", "strikes", "explicit", True),
                   ("Zorland Air-Force", "al-Tarvo", "strikes", "implicit", False),
                   ("Rebels", "Varna", "evacuates", "explicit", True)]
    assert stats.lines == {"core/explicit": 3, "core/implicit": 1}
    assert stats.located == {"core/explicit": 3, "core/implicit": 1}
    assert stats.both_args == {"core/explicit": 2, "core/implicit": 1}
    for e in examples:
        assert text[e.sent_start + e.arg1[0]:e.sent_start + e.arg1[1]] == e.arg1_text


# --- common -----------------------------------------------------------------------------

def test_round_trip_and_validation(tmp_path: Path) -> None:
    example = PairExample("x", "d", "A hit B.", 0, (0, 1), (6, 7), "A", "B", "attacks")
    write_jsonl(tmp_path / "x.jsonl", [example])
    assert read_jsonl(tmp_path / "x.jsonl") == [example]
    with pytest.raises(ValueError):
        PairExample("x", "d", "A hit B.", 0, (0, 1), (6, 7), "A", "B", "bombs")
    with pytest.raises(ValueError):
        PairExample("x", "d", "A hit B.", 0, (0, 2), (6, 7), "A", "B", "attacks")


def test_split_sentences_keeps_abbreviations() -> None:
    text = "Headline\nThe U.S. said Mr. Ode left. \"They fled,\" he said."
    assert [text[a:b] for a, b in split_sentences(text)] == ["Headline", "The U.S. said Mr. Ode left.", "\"They fled,\" he said."]


# --- the real corpora, where the checkout has them -----------------------------------------

def _need(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"../shared/corpora is absent: {path} not found (real-corpus check skipped)")


def test_real_m2e2() -> None:
    _need(CORPORA / "m2e2" / "sentences.jsonl")
    examples = list(m2e2.load(CORPORA / "m2e2"))
    labels = {e.label for e in examples}
    assert {"attacks", "strikes", "evacuates", "none"} <= labels
    assert sum(e.label == "attacks" for e in examples) >= 50
    held = set(m2e2.dev_doc_map(SHARED / "eval" / "dev" / "texts"))
    assert len(held) == 12 and held <= {e.doc_id for e in m2e2.load(CORPORA / "m2e2")} | held


def test_real_re3d() -> None:
    _need(CORPORA / "re3d")
    examples = list(re3d.load(CORPORA / "re3d"))
    assert sum(e.label == "attacks" for e in examples) >= 50 and any(e.label == "backs" for e in examples)
    assert "unknown" not in {e.licence for e in examples}
    assert not any(e.negatives_reliable for e in examples)


def test_real_rams() -> None:
    _need(CORPORA / "rams" / "dev.jsonlines")
    examples = list(rams.load(CORPORA / "rams"))
    assert {"strikes", "attacks", "backs", "evacuates"} <= {e.label for e in examples}
    assert any(not e.same_sentence for e in examples)


def test_real_geneva() -> None:
    _need(CORPORA / "geneva" / "val.json")
    examples = list(geneva.load(CORPORA / "geneva"))
    assert {"attacks", "backs", "captures", "evacuates"} <= {e.label for e in examples}


def test_real_dev_gold_located() -> None:
    _need(SHARED / "eval" / "dev" / "gold.jsonl")
    stats = dev.LocateStats()
    examples = list(dev.load_dev(SHARED, stats))
    lines = sum(stats.lines.values())
    assert sum(stats.located.values()) + sum(stats.located_partly.values()) >= 0.95 * lines
    assert stats.both_args["core/explicit"] >= 0.7 * stats.lines["core/explicit"]
    assert examples and {e.label for e in examples} <= {"strikes", "attacks", "backs", "captures", "evacuates"}
