"""Comma-less lists of place names (kg.name_lists): one entity per place, parsed as a list."""
from __future__ import annotations

# FA-KES copy reaches kg with every comma stripped; the filler sentence makes the text long
# enough to tell (kg.name_lists.MIN_WORDS) and has no comma either.
FILLER = (" The monitor which relies on a network of sources on the ground said the toll was likely to rise"
          " as many people were still missing under the rubble of the buildings in the area.")


def test_a_stripped_list_becomes_one_place_per_name(nlp) -> None:
    doc = nlp("The armys air force carried out intensive sorties targeting hideouts of ISIL terrorists in the"
              " villages of Jub Ghabsheh Eibed Souran Tal Alam Deir Qaq Sarjeh and al-Zaalaneh." + FILLER)
    first_sentence = next(doc.sents)
    names = [e.text for e in doc.ents if e.label_ == "GPE" and e.start < first_sentence.end]
    assert names == ["Jub Ghabsheh", "Eibed", "Souran", "Tal Alam", "Deir Qaq", "Sarjeh", "al-Zaalaneh"]
    # The parser cut this sentence at "Deir" and "Sarjeh"; the list keeps it whole, and every
    # name after the first is its conjunct.
    first = next(t for t in doc if t.text == "Ghabsheh")
    assert first.sent.text.startswith("The armys air force") and "al-Zaalaneh" in first.sent.text
    assert first.dep_ == "pobj"
    assert {t.text for t in first.conjuncts} >= {"Eibed", "Souran", "Alam", "Qaq", "Sarjeh", "Zaalaneh"}


def test_gazetteer_names_stay_and_articles_join(nlp) -> None:
    doc = nlp("The Assad regimes air force continues to hit residential areas in the Aleppo neighborhoods of"
              " Tariq al-Bab Bustan al-Qasr Salahaddin al-Mashhad Baidin al-Jandoul and Bani Zeid." + FILLER)
    ents = {e.text: e.ent_id_ for e in doc.ents}
    assert ents["Salahaddin"] == "salahuddin"  # a gazetteer name keeps its id
    for name in ("Tariq al-Bab", "Bustan al-Qasr", "al-Mashhad", "Baidin", "al-Jandoul", "Bani Zeid"):
        assert ents.get(name) == "", name  # new names, not the gazetteer's al-Bab or Mashhad


def test_every_place_of_the_list_is_struck(extract_text) -> None:
    result = extract_text("Russian jets bombed the towns of Anadan Khan Touman Alzorba Kafarnaha and Babees in rural"
                          " Aleppo with banned phosphorus bombs." + FILLER)
    struck = {r.object for r in result.relations if r.predicate == "strikes" and r.subject == "russia"}
    assert {"khan-tuman", "alzorba", "kafarnaha", "babees"} <= struck


def test_text_with_commas_is_left_to_the_ner(nlp) -> None:
    text = ("Fighters of the National Liberation Army attacked the villages of Campo Dos and La Gabarra in the"
            " Catatumbo region on Thursday, the army said, and the villages of San Pablo Nuevo Mundo and Tibu"
            " Norte were evacuated, officials said, as the fighting spread." + FILLER)
    with_commas = nlp(text)
    assert "Dos" not in [e.text for e in with_commas.ents]
    assert not any(e.text in ("Pablo", "Mundo", "Nuevo") for e in with_commas.ents)


def test_a_name_under_no_place_noun_is_not_split(nlp) -> None:
    doc = nlp("Leader Abu Mohammed al-Julani Abu Bakr al-Baghdadi and Ayman al-Zawahiri met in secret." + FILLER)
    assert not any(e.text in ("Abu Mohammed", "al-Julani", "Abu Bakr") and e.label_ == "GPE" for e in doc.ents)


def test_only_a_long_text_without_commas_is_read_as_stripped(nlp) -> None:
    from kg.extraction import load_lexicon
    from kg.name_lists import list_runs

    cues = load_lexicon().word_set("name_list_nouns")
    text = "Rebels shelled the villages of Nubl Zahraa Tal Rifaat and Kafr Naya."
    assert list_runs(nlp(text), cues) == []  # too short to tell
    assert len(list_runs(nlp(text + FILLER), cues)) == 1
    assert list_runs(nlp(text + FILLER.replace(" said", ", said").replace(" as", ", as")), cues) == []
