"""Claims across articles: when two claims carry the same content, and how they relate.

Two claims are the same story when their content words (stop words dropped, plural and
verb endings trimmed) overlap enough: most of the shorter claim's words appear in the longer
one. Among the claims of one story, the earliest published is the first report; later ones
asserting or reporting it echo it; those with a denying stance deny it.
"""

from __future__ import annotations

import re

from sayso.link.names import stop_words

DENYING_STANCES = frozenset({"deny"})
SAME_CONTENT = 0.6
"""Least share of the shorter claim's content words that the other claim must contain."""

_WORD = re.compile(r"[^\W\d_]{3,}")
_ENDINGS = ("ing", "ed", "s")


def content_words(text: str) -> frozenset[str]:
    """The claim's content words, lower case, with common endings trimmed ("drones" = "drone")."""
    words = set()
    for word in _WORD.findall(text.lower()):
        if word in stop_words():
            continue
        for ending in _ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= 4:
                word = word[: -len(ending)]
                break
        words.add(word)
    return frozenset(words)


def same_content(a: frozenset[str], b: frozenset[str]) -> float:
    """How much two claims' content words overlap: shared words over the smaller set (0 to 1).

    Fewer than two shared words is no overlap: one common word ("Russia") makes no story.
    """
    shared = len(a & b)
    return shared / min(len(a), len(b)) if shared >= 2 else 0.0
