"""Metadata of a plain-text article, read from its lines: headline, byline, dateline."""

from __future__ import annotations

import re

from htmldate import find_date

from sayso.records import Region

HEADLINE_MAX_WORDS = 30
_LINE = re.compile(r"[^\r\n]+")
_BYLINE_LABEL = re.compile(r"^(?:By|BY|Written by|Words by)\s+")
_NAME_SEPARATOR = re.compile(r"\s*(?:,|\band\b|&|\||\s[-–—]\s)\s*")


def headline(text: str, regions: list[Region]) -> str | None:
    """The first line outside the noise, when it is short enough to be a headline."""
    for line in _LINE.finditer(text):
        content = line.group().strip()
        if not content:
            continue
        start = line.start() + line.group().index(content[0])
        if any(r.span[0] <= start < r.span[1] for r in regions):
            continue
        return content if len(content.split()) <= HEADLINE_MAX_WORDS else None
    return None


def byline_authors(text: str, regions: list[Region]) -> list[str]:
    """The names in the first ``byline`` region ("By Jane Doe and John Roe")."""
    for region in regions:
        if region.kind == "byline":
            names = _BYLINE_LABEL.sub("", text[region.span[0] : region.span[1]])
            return [name for name in _NAME_SEPARATOR.split(names) if name]
    return []


def dateline_date(text: str, regions: list[Region]) -> str | None:
    """The date (ISO 8601, day) of the first ``timestamp`` region that holds one."""
    for region in regions:
        if region.kind == "timestamp":
            line = text[region.span[0] : region.span[1]]
            found = find_date(
                f"<html><body><p>{line}</p></body></html>", extensive_search=True, original_date=True
            )
            if found:
                return found
    return None
