"""The `Doc` extensions through which sayso's spaCy components hand results to each other.

``doc._.attributions``: set by the ``sayso_attribution`` component, a list of
:class:`AttributionSpans` (spaCy ``Span`` objects, each role possibly discontinuous or empty).
Later components (speaker resolution, stance) read it and add what they find.
"""

from __future__ import annotations

from typing import NamedTuple

from spacy.tokens import Doc, Span


class AttributionSpans(NamedTuple):
    """One attribution as token spans: who (source), the reporting words (cue), what (content)."""

    source: list[Span]
    cue: list[Span]
    content: list[Span]


if not Doc.has_extension("attributions"):
    Doc.set_extension("attributions", default=None)
