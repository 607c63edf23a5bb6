"""Cut an article's text into segments for highlighting, from the record's offsets.

The article page shows the text once, with every attribution's source, cue and content marked
and noise regions dimmed. Spans may nest or overlap (a quote inside a reported claim), so the
text is cut at every span boundary and each piece carries the set of roles covering it. The
template renders each piece with autoescaping: no markup is ever built from article text here.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sayso.records import Attribution, Region

ROLES = ("source", "cue", "content")


@dataclass(frozen=True)
class Segment:
    """A stretch of text covered by the same roles and regions."""

    text: str
    roles: tuple[tuple[int, str], ...] = ()
    """(attribution index, role) pairs covering this piece, in attribution order."""
    regions: tuple[str, ...] = ()
    """Kinds of the noise regions covering this piece."""
    first_of: int | None = None
    """The attribution whose first marked piece this is (its anchor and keyboard focus target)."""

    @property
    def attributions(self) -> list[int]:
        """Indices of the attributions this piece belongs to, each once, in attribution order."""
        return list(dict.fromkeys(a for a, _ in self.roles))

    @property
    def css_classes(self) -> str:
        """Role and region classes: ``r-source``, ``r-cue``, ``r-content``, ``noise``."""
        classes = [f"r-{role}" for role in ROLES if any(r == role for _, r in self.roles)]
        if self.regions:
            classes.append("noise")
        return " ".join(classes)


def segments(text: str, regions: Iterable[Region], attributions: Sequence[Attribution]) -> list[Segment]:
    """Cut ``text`` at every region and attribution span boundary (spans clipped to the text)."""
    size = len(text)
    marks: list[tuple[int, int, str, Any]] = []  # start, end, "region" or role, kind or index
    for region in regions:
        marks.append((*_clip(region.span, size), "region", region.kind))
    for index, attribution in enumerate(attributions):
        for role in ROLES:
            for span in getattr(attribution, role).spans:
                marks.append((*_clip(span, size), role, index))
    marks = sorted((m for m in marks if m[0] < m[1]), key=lambda m: m[0])
    cuts = sorted({0, size, *(m[0] for m in marks), *(m[1] for m in marks)})
    active: list[tuple[int, int, str, Any]] = []
    seen: set[int] = set()
    out: list[Segment] = []
    next_mark = 0
    for start, end in itertools.pairwise(cuts):
        while next_mark < len(marks) and marks[next_mark][0] <= start:
            active.append(marks[next_mark])
            next_mark += 1
        active = [m for m in active if m[1] > start]
        roles = sorted(
            {(label, kind) for _, _, kind, label in active if kind != "region"},
            key=lambda r: (r[0], ROLES.index(r[1])),
        )
        first = next((a for a, _ in roles if a not in seen), None)
        seen.update(a for a, _ in roles)
        region_kinds = tuple(sorted({label for _, _, kind, label in active if kind == "region"}))
        out.append(Segment(text[start:end], tuple(roles), region_kinds, first))
    return out


def _clip(span: tuple[int, int], size: int) -> tuple[int, int]:
    start, end = span
    return max(0, min(start, size)), max(0, min(end, size))
