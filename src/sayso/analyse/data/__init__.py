"""Lexicons of the analysis stage, as data files beside this module.

``*.txt`` files hold one entry per line, ``*.tsv`` files ``key<TAB>value`` lines; ``#`` starts
a comment line. Each file is read once.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_HERE = Path(__file__).parent


def _lines(name: str) -> list[str]:
    text = (_HERE / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@cache
def words(name: str) -> frozenset[str]:
    """The entries of a one-per-line lexicon (as written)."""
    return frozenset(_lines(name))


@cache
def table(name: str) -> dict[str, str]:
    """A two-column lexicon as a dict (first column -> second)."""
    return dict(line.split("\t", 1) for line in _lines(name))
