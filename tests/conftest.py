"""Shared test fixtures: the analyser (loaded once per session) and marked-up articles.

A marked-up article writes each attribution's roles inline, numbered per attribution:
``{s1|Kirby} {c1|said} {q1|the systems failed}`` (s = source, c = cue, q = content; a role
written twice is discontinuous; marks may nest, for a quote inside a quote). ``analyse_marked``
parses the clean text with the analyser's pipeline, sets those attributions as
``doc._.attributions`` in place of the attribution model's, and runs the components after it,
so a test pins speaker resolution, roles, stance and kind whatever the model finds.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from sayso.records import AnalysedArticle, Article, Region

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
_MARK = re.compile(r"\{([scq])(\d+)\||\}")
_ROLES = {"s": "source", "c": "cue", "q": "content"}


@pytest.fixture(scope="session")
def analyser():
    """The default analyser, loaded once for the whole test session."""
    from sayso.analyse import Analyser

    return Analyser.load()


@pytest.fixture(scope="session")
def accurate_analyser():
    """The accurate mode's analyser (the MiniLM tagger mixed in), loaded once for the session."""
    from sayso.analyse import Analyser

    return Analyser.load("accurate")


def parse_marked(marked: str) -> tuple[str, dict[int, dict[str, list[tuple[int, int]]]]]:
    """The clean text and, per attribution number, its character spans per role."""
    text: list[str] = []
    length = 0
    pos = 0
    open_marks: list[tuple[str, int, int]] = []
    found: dict[int, dict[str, list[tuple[int, int]]]] = {}
    for match in _MARK.finditer(marked):
        piece = marked[pos : match.start()]
        text.append(piece)
        length += len(piece)
        pos = match.end()
        if match.group(1):
            open_marks.append((_ROLES[match.group(1)], int(match.group(2)), length))
        else:
            role, number, start = open_marks.pop()
            roles = found.setdefault(number, {r: [] for r in _ROLES.values()})
            roles[role].append((start, length))
    text.append(marked[pos:])
    assert not open_marks, f"unclosed marks: {open_marks}"
    return "".join(text), dict(sorted(found.items()))


def analyse_marked_text(
    analyser, marked: str, regions: list[Region] | None = None, authors: list[str] | None = None
) -> AnalysedArticle:
    """Analyse a marked-up article (text, or a file name under fixtures/analyse) with its marks."""
    from sayso.analyse import article_doc, to_record
    from sayso.analyse.extensions import AttributionSpans
    from sayso.analyse.pipeline import AFTER_ATTRIBUTION

    nlp = analyser.nlp
    if marked.endswith(".txt"):
        marked = (FIXTURES / "analyse" / marked).read_text(encoding="utf-8")
    text, marks = parse_marked(marked)
    article = Article(input="fixture", id="fixture", text=text, regions=regions or [], authors=authors or [])
    with nlp.select_pipes(enable=[n for n in nlp.pipe_names if not n.startswith("sayso_")]):
        doc = nlp(article_doc(nlp, article))
    doc._.attributions = [
        AttributionSpans(
            *(
                [doc.char_span(s, e, alignment_mode="expand") for s, e in roles[r]]
                for r in ("source", "cue", "content")
            )
        )
        for roles in marks.values()
    ]
    for name in AFTER_ATTRIBUTION:
        doc = nlp.get_pipe(name)(doc)
    return to_record(article, doc)


@pytest.fixture(scope="session")
def analyse_marked(analyser) -> Callable[..., AnalysedArticle]:
    """``analyse_marked(marked, regions=None, authors=None)``: see :func:`analyse_marked_text`."""
    return lambda marked, regions=None, authors=None: analyse_marked_text(analyser, marked, regions, authors)
