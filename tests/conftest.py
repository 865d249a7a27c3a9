"""Shared fixtures: the real pinned pipeline (loaded once) and one build of the seeds."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data"


def run_kg(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    """Run the CLI as a user would, in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "kg", *args], capture_output=True, text=True, env=env, cwd=cwd or ROOT, timeout=timeout
    )


@pytest.fixture
def kg():  # type: ignore[no-untyped-def]
    """The store commands (kg load / kg query) invoked in process through typer's test runner."""
    import typer
    from typer.testing import CliRunner

    from kg.commands.store_cmds import register

    app = typer.Typer()
    register(app)
    runner = CliRunner()

    def invoke(*args: object):  # type: ignore[no-untyped-def]
        return runner.invoke(app, [str(a) for a in args])

    return invoke


@pytest.fixture(scope="session")
def nlp():
    """kg's pipeline with the rules alone (``--scorer none``): what the rule and candidate tests
    read. The shipped default adds the learned scorer (``shipped_nlp``)."""
    from kg.nlp import RULES_ONLY, build_pipeline

    return build_pipeline(scorer=RULES_ONLY)


@pytest.fixture(scope="session")
def shipped_nlp():
    """kg's pipeline as ``kg build`` runs it by default: the rules and the shipped learned scorer."""
    from kg.nlp import build_pipeline

    return build_pipeline()


@pytest.fixture(scope="session")
def extract_text(nlp):
    """text → resolved relations as (subject id, predicate, object id) triples, plus the result."""
    from kg import gazetteer as gaz
    from kg.build import blank_furniture
    from kg.documents import make_document
    from kg.extraction import Extraction
    from kg.nlp import result_of
    from kg.resolve import Resolver, resolve_document

    resolver = Resolver(gaz.load(gaz.default_path()))

    def run(text: str, date: str | None = None):
        raw = f"date {date}\n{text}" if date else text
        document = make_document(raw, doc_id="t", source="t.txt")
        doc = nlp(blank_furniture(document))
        result = resolve_document(document, Extraction.from_dict(result_of(doc)), resolver)
        return result

    return run


@pytest.fixture(scope="session")
def extractor_for(nlp):
    """text → an ``Extractor`` over its parse, with the pipeline's own lexicon and gazetteer
    sets, not yet run: for testing one rule or filter on a hand-written sentence."""
    from kg.extraction import Extractor

    component = nlp.get_pipe("kg_relations")

    def make(text: str):
        return Extractor(nlp(text), component.lexicon, component.demonyms, component.groups, component.actors, component.places)

    return make


def triples(result) -> set[tuple[str, str, str]]:
    """(subject id, predicate, object id) of a resolved result's relations."""
    return {(r.subject, r.predicate, r.object) for r in result.relations}


def token_of(extractor, text: str):
    """The first token of an extractor's Doc that reads ``text``."""
    return next(t for t in extractor.tokens if t.text == text)


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory):
    """`kg build seeds` once for the session, through the public function."""
    from kg.build import build

    out = tmp_path_factory.mktemp("seed-build")
    summary = build([SEEDS], out, fmt="trig")
    return out, summary
