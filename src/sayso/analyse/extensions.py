"""The `Doc` extensions through which sayso's spaCy components hand results to each other.

``doc._.attributions``: set by the ``sayso_attribution`` component, a list of
:class:`AttributionSpans` (spaCy ``Span`` objects, each role possibly discontinuous or empty).
Later components (speaker resolution, stance) read it and add what they find.

``doc._.authors``: the article's byline (a list of names), set by whoever makes the ``Doc``
(:class:`sayso.analyse.Analyser`) before the pipeline runs; None where unknown. Speaker
resolution gives the article's own first person ("I think ...", outside quotation marks) to them.
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
if not Doc.has_extension("authors"):
    Doc.set_extension("authors", default=None)
