"""Noise in scraped plain text, marked as regions (the text itself is never changed)."""

from __future__ import annotations

import re

from sayso.records import Region

HEADLINE_MAX_WORDS = 30


def find_regions(text: str) -> list[Region]:
    """Noise regions of a text, in text order."""
    return []


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line, ends exclusive, trailing whitespace excluded."""
    return [
        (m.start(), m.start() + len(m.group().rstrip())) for m in re.finditer(r"[^\r\n]*\S[^\r\n]*", text)
    ]


def headline(text: str, regions: list[Region]) -> str | None:
    """The first line outside the noise, when it is short enough to be a headline."""
    for start, end in _paragraphs(text):
        if any(r.span[0] <= start and end <= r.span[1] for r in regions):
            continue
        line = text[start:end].strip()
        return line if len(line.split()) <= HEADLINE_MAX_WORDS else None
    return None
