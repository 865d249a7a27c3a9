"""The training material's parse cache (``kg.train.corpus``) is keyed on what a parse depends on."""
from __future__ import annotations

from pathlib import Path

import pytest

from kg.train import corpus


def test_the_cache_key_follows_the_gazetteer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A gazetteer change must reparse: a parse cached before it would train and score the old
    names (the entity ruler and the rules read the gazetteer)."""
    from kg import gazetteer as gaz

    original = gaz.default_path().read_text(encoding="utf-8")
    copy = tmp_path / "gazetteer.ttl"
    copy.write_text(original, encoding="utf-8")
    monkeypatch.setenv("KG_GAZETTEER", str(copy))
    before = corpus._fingerprint(["Russian jets struck Idlib."])
    assert corpus._fingerprint(["Russian jets struck Idlib."]) == before
    copy.write_text(original + '\nent:test-group a <https://example.org/x> .\n', encoding="utf-8")
    assert corpus._fingerprint(["Russian jets struck Idlib."]) != before
