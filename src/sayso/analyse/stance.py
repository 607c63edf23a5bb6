"""How a claim is made: its stance (assert, deny, accuse, report...) and kind (direct, indirect, mixed).

The ``sayso_stance`` component reads ``doc._.attributions`` and ``doc._.sources`` and sets
``doc._.stances`` and ``doc._.kinds``, one value per attribution.

Stance: a media source always *reports*; a refusal to comment ("declined to comment", "did not
respond to a request for comment", ``data/no_comment.txt``) is ``no-comment``; otherwise the
first cue word found in ``data/stance_cues.tsv`` decides ("denied" -> deny, "accused" ->
accuse, "assess" -> assess, "concerned" -> concern...), and ``assert`` is the default.

Kind: ``direct`` when every word of the content is inside quotation marks, ``indirect`` when
none is, ``mixed`` otherwise. Quotation marks are those the attribution tagger reads
(:func:`~.attribution_model.quote_marks`: double marks of every style, and single curly ones);
a quote left open runs to the end of its paragraph.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from sayso.analyse.attribution_model import CLOSING, quote_marks
from sayso.analyse.data import table, words
from sayso.analyse.extensions import AttributionSpans
from sayso.analyse.speakers import SourceInfo

_LOOKAHEAD = 6  # words after the cue searched for a refusal to comment

for _name in ("stances", "kinds"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


def quoted_ranges(text: str) -> list[tuple[int, int]]:
    """The character ranges inside quotation marks (:func:`~.attribution_model.quote_marks`),
    marks excluded, in text order: from an opening mark to the next mark or line break. A mark
    left open quotes the rest of its paragraph: the words after it are still the speaker's."""
    marks = quote_marks(text)
    ranges = []
    for n, (_, end, kind) in enumerate(marks):
        if kind == CLOSING:
            continue
        stop = marks[n + 1][0] if n + 1 < len(marks) else len(text)
        line_break = text.find("\n", end, stop)
        ranges.append((end, stop if line_break < 0 else line_break))
    return ranges


def kind_of(content: list[Span], quoted: list[tuple[int, int]]) -> str:
    """direct, indirect or mixed, by how many of the content's words are in quotes."""
    starts = [s for s, _ in quoted]
    inside = outside = 0
    for span in content:
        for token in span:
            if not (token.is_alpha or token.is_digit):
                continue
            k = bisect.bisect_right(starts, token.idx) - 1
            if k >= 0 and token.idx < quoted[k][1]:
                inside += 1
            else:
                outside += 1
    if inside and not outside:
        return "direct"
    return "mixed" if inside else "indirect"


def stance_of(attribution: AttributionSpans, source: SourceInfo) -> str:
    """The stance of one attribution (see the module docstring)."""
    if source.type == "media":
        return "report"
    cue = [t for span in attribution.cue for t in span]
    if not cue:
        return "assert"
    if is_refusal(attribution):
        return "no-comment"
    cues = table("stance_cues.tsv")
    for token in cue:
        for key in (token.lower_, _lemma(token)):
            if key in cues:
                return cues[key]
    return "assert"


def is_refusal(attribution: AttributionSpans) -> bool:
    """Whether the cue and the words right after it refuse to comment (``data/no_comment.txt``)."""
    return is_refusal_cue([t for span in attribution.cue for t in span])


def is_refusal_cue(cue: Sequence[Token]) -> bool:
    """Whether these cue tokens and the words right after them refuse to comment."""
    if not cue:
        return False
    doc = cue[0].doc
    after = doc[cue[-1].i + 1 : min(len(doc), cue[-1].i + 1 + _LOOKAHEAD)]
    lemmas = " ".join(_lemma(t) for t in [*cue, *after] if not t.is_punct and not t.is_space)
    return any(f" {phrase} " in f" {lemmas} " for phrase in words("no_comment.txt"))


def _lemma(token) -> str:
    lemma = token.lemma_.lower()
    return "not" if lemma in {"n't", "n’t", "never"} else lemma


@Language.factory(
    "sayso_stance",
    assigns=["doc._.stances", "doc._.kinds"],
    requires=["doc._.attributions", "doc._.sources", "token.lemma"],
)
def make_stance(nlp: Language, name: str) -> StanceTagger:
    """The component that sets ``doc._.stances`` and ``doc._.kinds``."""
    return StanceTagger()


class StanceTagger:
    """spaCy component: the stance and kind of each attribution."""

    def __call__(self, doc: Doc) -> Doc:
        attributions: list[AttributionSpans] = doc._.attributions or []
        sources: list[SourceInfo] = doc._.sources or [SourceInfo() for _ in attributions]
        quoted = quoted_ranges(doc.text)
        doc._.stances = [stance_of(a, s) for a, s in zip(attributions, sources, strict=True)]
        doc._.kinds = [kind_of(a.content, quoted) for a in attributions]
        return doc
