"""The headline from a page title: section labels and site-name prefixes/suffixes removed."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from urllib.parse import urlsplit


@cache
def _affixes() -> dict[str, list[str]]:
    return json.loads(resources.files(__package__).joinpath("data/title_affixes.json").read_text("utf-8"))


def squash(text: str) -> str:
    """Lower-case letters and digits only: "Tech-Crunch.com" and "TechCrunch" compare equal."""
    return re.sub(r"\W|_", "", text.casefold())


NOT_SITE_LABELS = frozenset(
    {"www", "m", "amp", "edition", "co", "com", "org", "net", "gov", "ac", "edu", "ne", "or"}
)
"""Host labels that do not name a site ("www.example.co.uk" names "example")."""
SITE_NAME_SLACK = 6
"""A title part still names the site when it is the site name plus a few characters (".com")."""


def names_site(part: str, site_names: list[str]) -> bool:
    """Whether a title part is the site's name (or one of its pieces)."""
    squashed = squash(part)
    if not squashed:
        return True
    return any(
        squashed == name
        or (len(squashed) >= 4 and squashed in name)
        or (name in squashed and len(squashed) - len(name) <= SITE_NAME_SLACK)
        for name in site_names
    )


def site_names(outlet: str | None, url: str | None, *others: str) -> list[str]:
    """Squashed names a page's site goes by: its outlet, its host's labels, and ``others``.

    ``others`` are further names the page gives itself, such as the text of its logo link.
    """
    names = [squash(n) for n in (outlet, *others) if n]
    try:
        host = urlsplit(url).hostname if url else None
    except ValueError:  # a malformed URL names no host
        host = None
    if host:
        labels = host.split(".")
        names.append(squash(host.removeprefix("www.")))
        names.extend(squash(label) for label in labels[:-1] if label not in NOT_SITE_LABELS)
    return [n for n in names if len(n) >= 3]


def headline_variants(title: str) -> set[str]:
    """Squashed runs of consecutive separator-delimited parts of a raw page title.

    "Opinion | Is Football Violence a Crime? - WSJ" gives the squashed forms of each part and
    of each run of parts: whatever the cleaned headline is, it is among them, and finding it
    needs no knowledge of the site (so it does not depend on the page's URL).
    """
    separators = [*_affixes()["separators"], ": "]
    parts = re.split("|".join(re.escape(sep) for sep in separators), " ".join(title.split()))
    runs = {
        "".join(squash(p) for p in parts[i:j])
        for i in range(len(parts))
        for j in range(i + 1, len(parts) + 1)
    }
    return runs - {""}


def clean_title(title: str | None, names: list[str]) -> str | None:
    """Strip "Opinion | ", " – Site Name" and "Site Name: " from a page title.

    ``names`` are the site's names (see :func:`site_names`). A part split off at a separator
    is dropped only when it names the site or is a known section label, and only while a
    headline remains.
    """
    if not title:
        return title
    title = " ".join(title.split())
    affixes = _affixes()
    labels = {squash(p) for p in affixes["prefixes"]}
    separators = [*affixes["separators"], ": "]
    changed = True
    while changed:
        changed = False
        for sep in separators:
            if sep not in title:
                continue
            head, _, rest = title.partition(sep)
            front_is_label = squash(head) in labels and sep != ": "
            if rest and (front_is_label or names_site(head, names)):
                title, changed = rest.strip(), True
                break
            body, _, tail = title.rpartition(sep)
            if body and names_site(tail, names):
                title, changed = body.strip(), True
                break
    return title
