"""Errors meant for people: the CLI prints ``str(error)`` on one line and exits 2."""
from __future__ import annotations


class KgError(Exception):
    """A problem with the user's input or environment, not a bug in kg."""


class InputError(KgError):
    """A bad input file: the message names the file and the problem."""

    def __init__(self, path: object, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem
