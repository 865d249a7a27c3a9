"""``kg.coref``: a subject pronoun as an anchor of the mention it stands for, so the pair is read
from the pronoun's place in the parse (real pipeline)."""
from __future__ import annotations

from kg.extraction import Extraction
from kg.nlp import RESULT_KEY
from kg.scorer import candidate_rows


def anchors(nlp, text: str) -> list[tuple[str, str]]:
    doc = nlp(text)
    layer, _, _ = candidate_rows(doc, Extraction.from_dict(doc.user_data[RESULT_KEY]))
    return [(layer.mentions[i].text, doc[s:e].text) for i, s, e in layer.anchors if doc[s:e].text.lower() in ("it", "they", "he", "she")]


def pair_row(nlp, text: str, subject: str, obj: str, pronoun_side: str) -> dict[str, float]:
    doc = nlp(text)
    layer, found, rows = candidate_rows(doc, Extraction.from_dict(doc.user_data[RESULT_KEY]))
    for candidate, row in zip(found, rows):
        if subject in layer.mentions[candidate.subject.mention].text and obj in layer.mentions[candidate.object.mention].text \
                and f"{pronoun_side}_pronoun" in row:
            return row
    raise AssertionError(f"no pronoun pair {subject!r} → {obj!r}")


def test_it_in_a_since_clause_is_the_clause_subject_before_it(nlp) -> None:
    text = "Islamic State, which has fought the Syrian army and Kurdish militias, has made rapid gains since it seized the city of Mosul."
    assert anchors(nlp, text) == [("Islamic State", "it")]
    row = pair_row(nlp, text, "Islamic State", "Mosul", "s")
    assert row.get("tr:captures:s=nsubj") == 1.0  # read where "it" is: the subject of "seized"


def test_they_opening_a_sentence_is_the_previous_sentence_subject(nlp) -> None:
    text = ("Separatist warlords from neighbouring Chechnya led armed operations in Dagestan. "
            "In 1995, they seized hundreds of hostages in the town of Budennovsk.")
    assert anchors(nlp, text) == [("Separatist warlords from neighbouring Chechnya", "they")]


def test_he_needs_a_person(nlp) -> None:
    text = "Bashar al-Assad has ruled Syria since 2000. He has been backed militarily by Russia."
    assert anchors(nlp, text) == [("Bashar al-Assad", "He")]
    assert pair_row(nlp, text, "Russia", "Assad", "o").get("tr:backs:o=nsubjpass") == 1.0
    # No person before it: "he" anchors nothing, though a state is named.
    assert anchors(nlp, "Russia sent jets to Syria. He said the strikes would go on.") == []


def test_an_object_pronoun_or_a_pronoun_without_antecedent_anchors_nothing(nlp) -> None:
    assert anchors(nlp, "It was a hard winter, and the rebels left the town.") == []
    assert anchors(nlp, "Russian jets bombed the rebels and then they struck them again.") == [("Russian jets", "they")]
