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


def _names_site(part: str, site_names: list[str]) -> bool:
    squashed = squash(part)
    if not squashed:
        return True
    return any(
        squashed == name or (len(squashed) >= 4 and (squashed in name or name in squashed))
        for name in site_names
        if name
    )


def site_names(outlet: str | None, url: str | None) -> list[str]:
    """Squashed names a page's site goes by: its outlet name and its host's labels."""
    names = [squash(outlet)] if outlet else []
    host = urlsplit(url).hostname if url else None
    if host:
        labels = [label for label in host.split(".") if label not in {"www", "m", "amp", "edition"}]
        if len(labels) >= 2:
            names.append(squash(labels[-2]))
            names.append(squash("".join(labels[-2:])))
    return [n for n in names if len(n) >= 3]


def clean_title(title: str | None, outlet: str | None = None, url: str | None = None) -> str | None:
    """Strip "Opinion | ", " – Site Name" and "Site Name: " from a page title.

    A part split off at a separator is dropped only when it names the site (the outlet or
    the URL's host) or is a known section label, and only while a headline remains.
    """
    if not title:
        return title
    title = " ".join(title.split())
    affixes = _affixes()
    names = site_names(outlet, url)
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
            if rest and (front_is_label or _names_site(head, names)):
                title, changed = rest.strip(), True
                break
            body, _, tail = title.rpartition(sep)
            if body and _names_site(tail, names):
                title, changed = body.strip(), True
                break
    return title
