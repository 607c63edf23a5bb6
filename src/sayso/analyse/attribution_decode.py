"""Grouping per-token role tags into attributions (the decoder of the attribution tagger).

The tagger labels each token ``B-``/``I-`` ``SOURCE``/``CUE``/``CONTENT`` or ``O``; this module
turns such a tag sequence over a parsed ``Doc`` into :class:`AttributionSpans`:

- every cue span starts one attribution (PolNeAR: each attribution has a cue, nearly always
  in a sentence its content touches);
- a content span goes to the cue it is linked to in the dependency parse, else to the
  nearest cue of a sentence it touches; a content span with no cue in its sentences (the
  next paragraph of a long quote) continues the last attribution before it;
- a source span serves the cues it is linked to in the parse, else the nearest cue of its
  sentence that has no linked source; one source may serve several cues ("X said ... and
  added ..."); a cue with no source in its sentence keeps none (PolNeAR's no-source case);
- a cue that receives no content is dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc

from .extensions import AttributionSpans

ROLES = ("SOURCE", "CUE", "CONTENT")


@dataclass(frozen=True)
class TagSpan:
    """A run of tokens ``[start, end)`` with one role."""

    role: str
    start: int
    end: int


@dataclass
class _Group:
    cue: TagSpan
    sources: list[TagSpan] = field(default_factory=list)
    contents: list[TagSpan] = field(default_factory=list)


def tag_spans(doc: Doc, tags: Sequence[str]) -> list[TagSpan]:
    """Role spans of a BIO tag sequence; an ``I-`` tag after another role starts a span.

    Whitespace tokens continue the span around them but never start or end one.
    """
    spans: list[TagSpan] = []
    role, start, end = None, 0, 0
    for i, tag in enumerate(tags):
        if doc[i].is_space:
            continue
        new_role = None if tag == "O" else tag[2:]
        if role is not None and (new_role != role or tag.startswith("B-")):
            spans.append(TagSpan(role, start, end))
            role = None
        if new_role is not None:
            if role is None:
                role, start = new_role, i
            end = i + 1
    if role is not None:
        spans.append(TagSpan(role, start, end))
    return spans


def decode(doc: Doc, tags: Sequence[str]) -> list[AttributionSpans]:
    """Attributions found in ``doc`` given one role tag per token (see the module docstring)."""
    spans = tag_spans(doc, tags)
    sent_of = _sentence_ids(doc)
    groups = [_Group(s) for s in spans if s.role == "CUE"]
    for content in (s for s in spans if s.role == "CONTENT"):
        group = _group_for_content(doc, content, groups, sent_of)
        if group is not None:
            group.contents.append(content)
    _assign_sources(doc, [s for s in spans if s.role == "SOURCE"], groups, sent_of)
    out = []
    for g in groups:
        if not g.contents:
            continue
        out.append(
            AttributionSpans(
                source=[doc[s.start : s.end] for s in g.sources],
                cue=[doc[g.cue.start : g.cue.end]],
                content=[doc[s.start : s.end] for s in sorted(g.contents, key=lambda s: s.start)],
            )
        )
    return out


def _sentence_ids(doc: Doc) -> list[int]:
    ids = [0] * len(doc)
    if not doc.has_annotation("SENT_START") and not doc.has_annotation("DEP"):
        return ids
    for n, sent in enumerate(doc.sents):
        for i in range(sent.start, sent.end):
            ids[i] = n
    return ids


def _sents(span: TagSpan, sent_of: list[int]) -> set[int]:
    return {sent_of[i] for i in range(span.start, span.end)}


def _gap(a: TagSpan, b: TagSpan) -> int:
    """Tokens between two spans (0 when they touch or overlap)."""
    return max(0, b.start - a.end, a.start - b.end)


def _linked(doc: Doc, a: TagSpan, b: TagSpan) -> bool:
    """Whether a dependency arc joins a token of ``a`` to a token of ``b``."""
    for i in range(a.start, a.end):
        head = doc[i].head.i
        if b.start <= head < b.end:
            return True
    for i in range(b.start, b.end):
        head = doc[i].head.i
        if a.start <= head < a.end:
            return True
    return False


def _group_for_content(doc: Doc, content: TagSpan, groups: list[_Group], sent_of: list[int]) -> _Group | None:
    sents = _sents(content, sent_of)
    local = [g for g in groups if _sents(g.cue, sent_of) & sents]
    if local:
        linked = [g for g in local if _linked(doc, g.cue, content)]
        return min(linked or local, key=lambda g: _gap(g.cue, content))
    before = [g for g in groups if g.cue.end <= content.start and g.contents]
    if before:  # a quote running on past its cue's sentence: the last speaker goes on
        return max(before, key=lambda g: g.cue.start)
    after = [g for g in groups if g.cue.start >= content.end]
    return min(after, key=lambda g: g.cue.start) if after else None


def _assign_sources(doc: Doc, sources: list[TagSpan], groups: list[_Group], sent_of: list[int]) -> None:
    for g in groups:
        linked = [s for s in sources if _linked(doc, s, g.cue)]
        if linked:
            g.sources.append(min(linked, key=lambda s: _gap(s, g.cue)))
    taken = {s for g in groups for s in g.sources}
    for g in groups:
        if g.sources:
            continue
        cue_sents = _sents(g.cue, sent_of)
        local = [s for s in sources if _sents(s, sent_of) & cue_sents]
        free = [s for s in local if s not in taken] or local
        if free:
            g.sources.append(min(free, key=lambda s: _gap(s, g.cue)))
