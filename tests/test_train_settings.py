"""The training settings as command-line options (``kg.train.dataset.add_settings_arguments``):
``make cv ARGS="…"`` and ``make train ARGS="…"`` must reach every setting a README figure was
measured with, and the options' defaults must be the settings the shipped model was trained with."""
from __future__ import annotations

import argparse

from kg.train.dataset import Settings, add_settings_arguments, settings_from


def parse(*argv: str) -> Settings:
    parser = argparse.ArgumentParser()
    add_settings_arguments(parser)
    return settings_from(parser.parse_args(list(argv)))


def test_no_options_are_the_default_settings() -> None:
    assert parse() == Settings()


def test_the_trees_regularisation_is_reachable() -> None:
    settings = parse("--min-child-samples", "25", "--l2", "5", "--tree-min-count", "8")
    assert (settings.min_child_samples, settings.l2, settings.tree_min_count) == (25, 5.0, 8)
    assert settings.trees == Settings.trees and settings.leaves == Settings.leaves
