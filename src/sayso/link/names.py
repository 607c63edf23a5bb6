"""Name keys: the normal form under which names of speakers and outlets are compared."""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from importlib import resources

_APOSTROPHE_S = re.compile(r"['’]s\b")
_NON_WORD = re.compile(r"[^\w\s-]+|(?<!\w)-|-(?!\w)")


def read_data(name: str) -> str:
    """A data file of the link stage."""
    return resources.files("sayso.link").joinpath("data", name).read_text(encoding="utf-8")


@cache
def titles() -> frozenset[str]:
    """Titles stripped from the front of person names."""
    words = (line for line in read_data("titles.txt").splitlines() if not line.startswith("#"))
    return frozenset(w.rstrip(".") for line in words for w in line.split())


@cache
def stop_words() -> frozenset[str]:
    """English stop words (PostgreSQL's list, so that both databases' searches agree)."""
    lines = read_data("stopwords.txt").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """Lower case, accents, possessive 's, punctuation and a leading "the" removed.

    ``"The State Department's"`` -> ``"state department"``; ``"Zelenskyy"`` and ``"Zelénskyy"``
    agree.
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = _NON_WORD.sub(" ", _APOSTROPHE_S.sub("", text))
    words = text.split()
    if words[:1] == ["the"] and len(words) > 1:
        words = words[1:]
    return " ".join(words)


@lru_cache(maxsize=65536)
def person_key(name: str) -> str:
    """:func:`name_key` without leading titles: ``"President Joe Biden"`` -> ``"joe biden"``."""
    words = name_key(name).split()
    while len(words) > 1 and words[0] in titles():
        words = words[1:]
    return " ".join(words)
