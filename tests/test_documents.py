"""Loading, metadata, normalisation and page-furniture detection."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from kg.documents import decode, load_documents, make_document, normalise
from kg.furniture import furniture_spans, tag_spans
from kg.errors import InputError


def test_normalise_keeps_text_readable() -> None:
    text = normalise("Syria\u2019s\u00a0rebels \u201cwon\u201d\r\nIdlib\u200b fell")
    assert text == "Syria's rebels \"won\"\nIdlib fell"


def test_date_line_is_metadata_not_text() -> None:
    doc = make_document(" date 2024-12-01 Rescue workers assist. Picture: WHITE HELMETS/REUTERS\nAmman - Jets struck.", doc_id="a", source="a.txt")
    assert doc.date == dt.date(2024, 12, 1)
    assert not doc.text.startswith("date")


def test_front_matter_sets_title_date_url() -> None:
    raw = "---\ntitle: Strikes on Kharkiv\ndate: 2023-05-03\nurl: https://example.org/a\n---\nRussian missiles struck Kharkiv.\n"
    doc = make_document(raw, doc_id="a", source="a.md")
    assert (doc.title, doc.date, doc.url) == ("Strikes on Kharkiv", dt.date(2023, 5, 3), "https://example.org/a")
    assert doc.text.startswith("Russian missiles")


def test_bad_date_names_the_file() -> None:
    with pytest.raises(InputError, match="a.md: date"):
        make_document("---\ndate: yesterday\n---\ntext\n", doc_id="a", source="a.md")


def _skipped(text: str) -> list[str]:
    return [text[s:e] for s, e in furniture_spans(text)]


def test_furniture_blocks_and_captions_are_marked() -> None:
    text = (
        "Israeli jets struck Rafah on Monday.\n\n"
        "Articles You May Like\n\nRussian jets strike Idlib\nMarkets rally as oil slides\n\n"
        "Picture: AFP\n"
        "Please use Chrome browser for a more accessible video player\n"
        "0:59\n"
        "Read more: Houthis attack ships\n"
        "The army said it repelled the assault.\n"
    )
    skipped = _skipped(text)
    assert "Russian jets strike Idlib" in skipped
    assert "Markets rally as oil slides" in skipped
    assert "Picture: AFP" in skipped
    assert "0:59" in skipped
    assert any(s.startswith("Read more") for s in skipped)
    assert not any("Israeli jets" in s or "repelled" in s for s in skipped)


@pytest.mark.parametrize("text, tags, body", [
    # Al-Araby: the list sits between the standfirst and the body, with no punctuation.
    ("Eight civilians were killed in Idlib a monitoring group said. Tags Syria Idlib Russia SOHR At least 28 "
     "civilians were killed in airstrikes on Idlib.", "Tags Syria Idlib Russia SOHR ", "At least 28 civilians"),
    ("Rebels repelled an offensive. Tags Nusra Front al-Qaeda Aleppo Syria extremism war. A suicide bomber struck.",
     "Tags Nusra Front al-Qaeda Aleppo Syria extremism war.", " A suicide bomber"),
    # Sputnik: the list runs into the page's comment box, which ends the page.
    ("Daesh lost Raqqa. Tags Daesh Raqqa Syria Community standardsDiscussion Comment via Facebook",
     "Tags Daesh Raqqa Syria Community standardsDiscussion Comment via Facebook", ""),
])
def test_tag_lists_run_into_the_text_are_furniture(text: str, tags: str, body: str) -> None:
    spans = tag_spans(text)
    assert [text[a:b] for a, b in spans] == [tags]
    assert text[spans[0][1]:].startswith(body)
    assert any(a <= spans[0][0] and spans[0][1] <= b for a, b in furniture_spans(text))


@pytest.mark.parametrize("text", [
    # A body sentence that opens with a name is glued to the list: where it starts is unknown.
    "Tags Syria Homs Napalm Jets thought to belong to the Syrian government struck the besieged Al-Waer "
    "neighbourhood of the city of Homs on Sunday and set fire to the houses of its residents there.",
    "Tags on the cars identified the convoy.",  # prose, not a list
    "Price tags rose in Damascus.",
])
def test_text_that_is_no_tag_list_stays(text: str) -> None:
    assert tag_spans(text) == []


def test_captions_run_into_a_paragraph_are_marked_one_sentence_each() -> None:
    # VOA and AP pages flattened to text: the caption sits between two sentences of the story.
    text = (
        "The offensive began in October. FILE - Iraqi security forces patrol as smoke rises from "
        "burning oil wells in Qayara, south of Mosul, Iraq, Aug. 31, 2016. Iraqi forces retook Qayara "
        "in August. FILE - Senators John McCain, left, and U.S. officials meet in Washington, Sept. 2, "
        "2013. Obama said the group would be defeated.\n"
        "Scores died.image copyright AFP image caption Federal troops were deployed to repel incursions "
        "by Chechen militants in the 1990sWhen the Bolsheviks came, Dagestan became a republic.\n"
        "Right to left: Lorenzo Vidino and Emma Nicholson discuss propaganda at the Newseum, Oct. 21, "
        "2015. Harun Maruf said al-Qaida used videos.\n"
    )
    assert _skipped(text) == [
        " FILE - Iraqi security forces patrol as smoke rises from burning oil wells in Qayara, south of "
        "Mosul, Iraq, Aug. 31, 2016.",
        " FILE - Senators John McCain, left, and U.S. officials meet in Washington, Sept. 2, 2013.",
        "image copyright AFP image caption Federal troops were deployed to repel incursions by Chechen "
        "militants in the 1990s",
        "Right to left: Lorenzo Vidino and Emma Nicholson discuss propaganda at the Newseum, Oct. 21, 2015.",
    ]


def test_a_sentence_closing_on_a_caption_date_is_a_caption() -> None:
    # AP and VOA captions end ", Place, Month D, YYYY."; prose writes "on Oct. 18" or "Monday, Oct. 18".
    text = (
        "Iraqi forces pushed into Mosul. Smoke rises as people flee their homes during clashes between "
        "Iraqi security forces and the Islamic State group, Mosul, Iraq, Oct. 18, 2016. The offensive "
        "began on Oct. 17, 2016. It was announced on Monday, Oct. 17, 2016.\n"
    )
    assert _skipped(text) == [
        "Smoke rises as people flee their homes during clashes between Iraqi security forces and the "
        "Islamic State group, Mosul, Iraq, Oct. 18, 2016."]


def test_a_caption_needs_a_sentence_start_and_an_end() -> None:
    # "file" in prose, and a caption cue that runs on past CAPTION_LIMIT with no sentence end.
    assert _skipped("Lawyers will file - if the court agrees - a new appeal.") == []
    assert _skipped("Tal Abyad fell. FILE - " + "rebels and soldiers " * 40) == []


def test_a_paragraph_that_mentions_a_photo_is_not_a_caption_line() -> None:
    # One line-level cue ("this photo") used to blank a whole paragraph, and a FA-KES article that
    # is one line lost all its text.
    paragraph = ("The Taliban released to the media this photo which it said shows the gunmen who attacked "
                 "the base. " + "Officials said the assault was a prelude to a spring offensive. " * 6)
    assert len(paragraph) > 400 and _skipped(paragraph) == []
    assert _skipped("In this photo, rescuers search the rubble in Idlib.") == ["In this photo, rescuers search the rubble in Idlib."]


def test_a_tag_list_is_furniture() -> None:
    assert _skipped("Rebels seized the town.\nTags Syria Ahrar al-Sham Nusra Front suicide bombing Zabadani") == [
        "Tags Syria Ahrar al-Sham Nusra Front suicide bombing Zabadani"]
    assert _skipped("Tags were found on the bodies. Rebels seized the town.") == []


@pytest.mark.parametrize("line, dateline", [
    ("AMMAN - Russian jets struck.", "AMMAN - "),
    ("Amman \u2014 Russian jets struck.", "Amman \u2014 "),
    ("KYIV, May 3 (Reuters) - Missiles hit Kyiv.", "KYIV, May 3 (Reuters) - "),
    ("TEHRAN (AP) \u2014 Iran said.", "TEHRAN (AP) \u2014 "),
    ("DUBAI, United Arab Emirates (AP) \u2014 Houthi rebels fired.", "DUBAI, United Arab Emirates (AP) \u2014 "),
    # two places, as wire and NGO copy writes them: neither is where anything happened
    ("NAIROBI/PORT SUDAN \u2013 The coalition condemns the attack.", "NAIROBI/PORT SUDAN \u2013 "),
    ("PENTAGON/WASHINGTON \u2014 A top US general said.", "PENTAGON/WASHINGTON \u2014 "),
    # a page's time stamp and the dateline its flattened copy runs into, dash stripped
    ("Last updated at Oct 262016 BEIRUT Air strikes in Syria killed 22 people.", "Last updated at Oct 262016 BEIRUT "),
    ("Last updated at Apr 232017 A Syrian soldier was killed.", "Last updated at Apr 232017 "),
    ("Last updated at Apr 232017", "Last updated at Apr 232017"),  # a stamp alone on its line
])
def test_datelines_are_marked(line: str, dateline: str) -> None:
    assert _skipped(line) == [dateline]


@pytest.mark.parametrize("text, caption", [
    ("Published July 19 2016 A fighter walks in Manbij July 1 2016. (Reuters Photo) Airstrikes killed 85 civilians.",
     "Published July 19 2016 A fighter walks in Manbij July 1 2016. (Reuters Photo)"),
    ("Israeli jets struck Gaza. Palestinians inspect a house in Gaza City. (AP Photo/Adel Hana) Strikes went on.",
     "Palestinians inspect a house in Gaza City. (AP Photo/Adel Hana)"),
])
def test_a_caption_closed_by_a_photo_credit_is_furniture(text: str, caption: str) -> None:
    assert _skipped(text) == [caption]


def test_sentence_starting_with_a_name_is_not_a_dateline() -> None:
    assert _skipped("Russia said on Monday that its forces had captured the town.") == []
    assert _skipped("US/UK jets struck Sanaa - officials said.") == []


def test_jsonl_articles(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"id": "x1", "title": "T", "date": "2024-01-02", "text": "Rebels seized Sirte."}) + "\n\n", encoding="utf-8")
    (doc,) = list(load_documents([path]))
    assert (doc.id, doc.title, doc.date) == ("x1", "T", dt.date(2024, 1, 2))


@pytest.mark.parametrize("line, message", [
    ("{not json", "a.jsonl:1: malformed JSON"),
    ('{"id": "x"}', 'a.jsonl:1: missing or empty "text"'),
    ("[1, 2]", "a.jsonl:1: each line must be a JSON object"),
])
def test_jsonl_errors_name_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        list(load_documents([path]))
    assert message.split(": ", 1)[1] in str(info.value) and "a.jsonl:1" in str(info.value)


def test_encodings() -> None:
    assert decode("\ufeffIdlib".encode("utf-8"), "f") == "Idlib"
    assert decode("Idlib".encode("utf-16"), "f") == "Idlib"
    with pytest.raises(InputError, match="--encoding latin-1"):
        decode("Alep caf\u00e9".encode("latin-1"), "f")
    assert decode("caf\u00e9".encode("latin-1"), "f", "latin-1") == "caf\u00e9"
    with pytest.raises(InputError, match="binary"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00", "f")


def test_html_is_stripped() -> None:
    doc = make_document("<html><body><nav>Menu</nav><p>Rebels seized <b>Sirte</b>.</p><script>x()</script></body></html>", doc_id="h", source="h.html")
    assert "Rebels seized Sirte ." in doc.text or "Rebels seized Sirte." in doc.text
    assert "Menu" not in doc.text and "x()" not in doc.text


def test_wiki_headings_run_into_the_text_are_furniture() -> None:
    """A flattened Wikipedia page glues its section headings to the sentences around them; the
    heading is furniture (so "The bombing" is no subject of "planted"), and a "See also" section
    is furniture to the next heading or the end."""
    text = ("The attackers threw a bomb on 22 December 1974.==The bombing==The gang planted a time bomb in a pub."
            "=== Kabul ===A second bomb went off.==See also==*Chronology of attacks\n*List of bombings")
    spans = furniture_spans(text)
    marked = [text[a:b] for a, b in spans]
    assert "==The bombing==" in marked and "=== Kabul ===" in marked
    assert "==See also==*Chronology of attacks\n*List of bombings" in marked
    kept = "".join(" " if any(a <= i < b for a, b in spans) else c for i, c in enumerate(text))
    assert "1974.               The gang planted" in kept and "A second bomb went off." in kept
    assert furniture_spans("Casualties were 2 == 2 in total, officials said.") == []  # no heading without a title between


@pytest.mark.parametrize("line, kept", [
    ("Syrian and Russian aircraft step up bombing of Aleppo city \x95_ monitor | Jordan Times", "Syrian and Russian aircraft step up bombing of Aleppo city"),
    ("Rebels seize town near Hama | Reuters", "Rebels seize town near Hama"),
    ("Rebels seize town near Hama.", "Rebels seize town near Hama."),  # a sentence, no headline
])
def test_a_headlines_page_or_source_suffix_is_furniture(line: str, kept: str) -> None:
    text = f"{line}\n\nThe army shelled the town on Sunday."
    spans = [s for s in furniture_spans(text) if s[0] < len(line)]
    end = spans[0][0] if spans else len(line)
    assert text[:end].rstrip() == kept
