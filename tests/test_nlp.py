"""kg.nlp's process-level settings: srsly's msgpack codec lookups are remembered, not stale."""
from __future__ import annotations

import numpy
import srsly
from srsly import msgpack

import kg.nlp  # noqa: F401  (installs the remembered lookups)


def test_codec_lookups_answer_as_srsly_does_and_see_new_codecs() -> None:
    assert getattr(msgpack.msgpack_decoders, "_kg_remembered", False)
    assert set(msgpack.msgpack_encoders.get_all()) >= {"numpy"}
    array = numpy.arange(6, dtype="int32").reshape(2, 3)
    assert (srsly.msgpack_loads(srsly.msgpack_dumps({"a": array}))["a"] == array).all()

    seen: list[object] = []

    def spy(obj, chain=None):  # type: ignore[no-untyped-def]
        seen.append(obj)
        return obj if chain is None else chain(obj)

    msgpack.msgpack_decoders.register("kg_test_spy", func=spy)
    try:
        assert "kg_test_spy" in msgpack.msgpack_decoders.get_all()
        assert srsly.msgpack_loads(srsly.msgpack_dumps({"b": 1})) == {"b": 1}
        assert seen, "a decoder registered after the first lookup must still be used"
    finally:
        import catalogue

        catalogue.REGISTRY.pop(("srsly", "msgpack_decoders", "kg_test_spy"), None)
    assert "kg_test_spy" not in msgpack.msgpack_decoders.get_all()


def test_plural_nouns_the_model_tags_as_verbs_are_nouns(nlp) -> None:
    doc = nlp("Aid groups condemned Russian and Assad regime airstrikes on besieged eastern Aleppo.")
    token = next(t for t in doc if t.lower_ == "airstrikes")
    assert (token.pos_, token.tag_, token.lemma_) == ("NOUN", "NNS", "airstrike")


def test_plural_nouns_in_a_nouns_role_are_nouns(nlp) -> None:
    """The tagger reads "strikes" as a verb; the parser makes it the subject of "killed"."""
    doc = nlp("US strikes on IS positions in Raqqa killed dozens.")
    assert (doc[1].pos_, doc[1].tag_) == ("NOUN", "NNS")
    doc = nlp("Russia strikes Idlib.")
    assert doc[1].pos_ == "VERB"


def test_a_subject_run_into_an_opening_phrase_is_split_off(nlp) -> None:
    """Commas stripped: "In the city of Hassakeh ISIS suicide bombers detonated" parses the subject
    as part of "of Hassakeh"; the repair makes "bombers" the subject and "Hassakeh" the place."""
    doc = nlp("In the remote northeastern city of Hassakeh ISIS suicide bombers detonated a truck bomb near a power plant Sunday.")
    bombers = next(t for t in doc if t.text == "bombers")
    hassakeh = next(t for t in doc if t.text == "Hassakeh")
    assert (bombers.dep_, bombers.head.text) == ("nsubj", "detonated")
    assert (hassakeh.dep_, hassakeh.head.text) == ("pobj", "of")


def test_an_opening_phrase_that_is_all_place_is_left_as_parsed(nlp) -> None:
    doc = nlp("In Aleppo province Turkish jets struck Kurdish positions.")
    jets = next(t for t in doc if t.text == "jets")
    assert (jets.dep_, jets.head.text) == ("nsubj", "struck")
    doc = nlp("In the city of Aleppo the army shelled rebel positions.")
    assert [t.i for t in doc if t.dep_ == "ROOT"] == [next(t.i for t in doc if t.text == "shelled")]


def test_a_stripped_possessive_after_an_arabic_article_is_split(nlp) -> None:
    doc = nlp("The deal has seen President Bashar al-Assads government take back control of the town.")
    assert [t.text for t in doc][6:11] == ["al", "-", "Assad", "s", "government"]
    assert next(t for t in doc if t.text == "Assad").dep_ == "poss"
