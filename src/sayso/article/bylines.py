"""Author names as bylines give them, cleaned: labels, dates, roles and outlet tails removed."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

from sayso.article.title import names_site, squash

AFFILIATION_SEPARATORS = (" | ", ", ", " - ", " – ", " for ")
"""What separates a name from its outlet in bylines ("Amy Kuperinsky | NJ Advance Media")."""


@cache
def _lexicon() -> dict[str, re.Pattern[str] | frozenset[str]]:
    data = json.loads(resources.files(__package__).joinpath("data/bylines.json").read_text("utf-8"))

    def words(key: str) -> str:
        return "|".join(re.escape(w) for w in sorted(data[key], key=len, reverse=True))

    return {
        "leading": re.compile(rf"^(?:{words('leading')})\s+", re.IGNORECASE),
        "trailing": re.compile(rf"(?:\s+(?:{words('trailing')}))+$", re.IGNORECASE),
        "credentials": frozenset(c.casefold() for c in data["credentials"]),
    }


def clean_authors(authors: list[str], site: list[str]) -> list[str]:
    """Clean author names; ``site`` are the site's squashed names (see ``title.site_names``).

    Drops degree letters split off as authors, and the outlet itself when people are named
    ("Jill Disis", "CNN Business"); a byline naming only the outlet keeps it.
    """
    lexicon = _lexicon()
    cleaned: list[str] = []
    for author in authors:
        name = _without_affiliation(author, site)
        name = lexicon["trailing"].sub("", " " + lexicon["leading"].sub("", name)).strip(" ,;|-")
        if name and name.casefold() not in lexicon["credentials"] and name not in cleaned:
            cleaned.append(name)
    people = [name for name in cleaned if not _names_outlet(name, site)]
    return people or cleaned


def _names_outlet(name: str, site: list[str]) -> bool:
    """ "CNN Business", "Business Insider": the site's name, or it followed by a desk."""
    words = name.split()
    return names_site(name, site) or any(squash(" ".join(words[:n])) in site for n in (1, 2))


def _without_affiliation(author: str, site: list[str]) -> str:
    """ "Troy L. Smith, Cleveland.com" -> "Troy L. Smith": a tail that names the site goes."""
    for sep in AFFILIATION_SEPARATORS:
        head, _, tail = author.partition(sep)
        if head and tail and any(name in squash(tail) for name in site):
            return head.strip()
    return author
