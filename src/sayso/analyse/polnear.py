"""Reading the PolNeAR corpus (brat standoff) as gold attributions and token tags.

Follows the rules of ``shared/bench/polnear_score.py``: each ``E`` line is one attribution,
its ``Source``/``Cue``/``Content``/``Content2`` arguments give the spans, and of several
annotators only the ``.ann`` file whose annotator id sorts first is used. Texts are read
as UTF-8 without newline translation, so character offsets match the scorer's.

:func:`token_tags` turns an article's attributions into one BIO tag per spaCy token
(``B-SOURCE``, ``I-CUE``, ``O``...), the training target of the attribution tagger.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, DocBin

ROLES = ("source", "cue", "content")
TAGS = sorted([f"{p}-{role.upper()}" for p in "BI" for role in ROLES] + ["O"])
"""Every tag :func:`token_tags` gives (``B-CONTENT``, ``B-CUE``, ... ``O``), in sorted order."""
_T_LINE = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)(?:\t|$)")
_E_LINE = re.compile(r"^(E\d+)\t(.*)$")

CharSpan = tuple[int, int]


@dataclass(frozen=True)
class GoldAttribution:
    """One annotated attribution: character spans per role (several = discontinuous)."""

    source: tuple[CharSpan, ...]
    cue: tuple[CharSpan, ...]
    content: tuple[CharSpan, ...]

    def spans(self, role: str) -> tuple[CharSpan, ...]:
        return getattr(self, role)


@dataclass(frozen=True)
class GoldArticle:
    doc_id: str
    text: str
    attributions: tuple[GoldAttribution, ...]


def read_text(path: Path) -> str:
    """An article's text exactly as the scorer's offsets expect it."""
    with open(path, encoding="utf-8", newline="") as fh:
        return fh.read()


def parse_ann(path: Path) -> list[GoldAttribution]:
    """The attributions of one brat ``.ann`` file, in file order."""
    spans_of: dict[str, list[CharSpan]] = {}
    events: list[list[str]] = []
    for line in read_text(path).split("\n"):
        line = line.rstrip("\r")
        if m := _T_LINE.match(line):
            spans_of[m.group(1)] = [
                (int(s), int(e)) for s, e in (part.split() for part in m.group(3).split(";"))
            ]
        elif m := _E_LINE.match(line):
            events.append(m.group(2).split())
    out = []
    for args in events:
        roles: dict[str, list[CharSpan]] = {r: [] for r in ROLES}
        for arg in args[1:]:  # args[0] is the trigger
            label, _, tid = arg.partition(":")
            role = re.sub(r"\d+$", "", label).lower()
            if role in roles:
                roles[role].extend(spans_of[tid])
        out.append(GoldAttribution(*(tuple(sorted(roles[r])) for r in ROLES)))
    return out


def first_annotator_file(split_dir: Path, doc_id: str) -> Path:
    """The ``.ann`` file the scorer uses: the one whose annotator id sorts first."""
    files = sorted(
        (split_dir / "attributions").glob(f"{doc_id}_*.ann"), key=lambda p: p.stem.rsplit("_", 1)[1]
    )
    files = [p for p in files if p.stem.rsplit("_", 1)[0] == doc_id]
    if not files:
        raise FileNotFoundError(f"no .ann file for {doc_id} in {split_dir}")
    return files[0]


def iter_split(split_dir: Path) -> Iterator[GoldArticle]:
    """Every article of a PolNeAR split folder (``text/`` + ``attributions/``), sorted by id."""
    for text_path in sorted((split_dir / "text").glob("*.txt")):
        doc_id = text_path.stem
        text = read_text(text_path)
        attrs = parse_ann(first_annotator_file(split_dir, doc_id))
        yield GoldArticle(doc_id, text, tuple(attrs))


def token_tags(doc: Doc, attributions: Sequence[GoldAttribution]) -> list[str]:
    """One BIO tag per token of ``doc`` (``B-CONTENT``, ``I-SOURCE``, ``O``...).

    A token takes the role of the first span it overlaps (PolNeAR is univocal). A tag is
    ``B-`` where a new span piece starts, so adjacent contents of two attributions and the
    pieces of a discontinuous content stay apart. Whitespace tokens inside a span keep its
    role, so a span crossing a paragraph break stays one piece.
    """
    owner: list[tuple[int, str, int] | None] = [None] * len(doc)
    starts = [t.idx for t in doc]
    for a_i, attr in enumerate(attributions):
        for role in ROLES:
            for p_i, (s, e) in enumerate(attr.spans(role)):
                for tok in _tokens_overlapping(doc, starts, s, e):
                    if owner[tok] is None:
                        owner[tok] = (a_i, role, p_i)
    tags = []
    for i, own in enumerate(owner):
        if own is None:
            tags.append("O")
            continue
        prev = owner[i - 1] if i else None
        tags.append(("I-" if prev == own else "B-") + own[1].upper())
    return tags


def _tokens_overlapping(doc: Doc, starts: list[int], s: int, e: int) -> range:
    if s >= e:
        return range(0)
    first = bisect.bisect_right(starts, s) - 1
    if first < 0 or starts[first] + len(doc[first].text) <= s:
        first += 1
    last = bisect.bisect_left(starts, e)  # first token starting at or after e
    return range(max(first, 0), last)


def parsed_split(nlp: Language, split_dir: Path, cache: Path | None = None) -> list[tuple[GoldArticle, Doc]]:
    """Every article of a split with its spaCy parse (``nlp``), cached as a DocBin at ``cache``.

    The cache keeps tokens, tags, parse and lemmas but not ``doc.tensor``: run the
    pipeline's ``tok2vec`` over cached docs again where a component needs it.
    """
    articles = list(iter_split(split_dir))
    if cache is not None and cache.exists():
        docs = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
    else:
        docs = list(nlp.pipe((a.text for a in articles), batch_size=8))
        if cache is not None:
            cache.parent.mkdir(parents=True, exist_ok=True)
            DocBin(
                attrs=[
                    "ORTH",
                    "TAG",
                    "HEAD",
                    "DEP",
                    "LEMMA",
                    "POS",
                    "MORPH",
                    "SENT_START",
                    "ENT_IOB",
                    "ENT_TYPE",
                ],
                docs=docs,
            ).to_disk(cache)
    return list(zip(articles, docs, strict=True))
