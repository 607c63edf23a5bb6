"""The analysis stage: articles -> entities and attributions (who said what, how, on whose say-so).

    from sayso.analyse import Analyser
    analyser = Analyser.load()                 # loads the spaCy pipeline once
    record = analyser.analyse(article)         # an AnalysedArticle
    for record in analyser.pipe(articles): ...  # batched through nlp.pipe

The work is done by spaCy components (see :mod:`sayso.analyse.pipeline`); :class:`Analyser`
feeds them an article's prose, with its noise regions blanked out so that captions and
boilerplate are not parsed as sentences, and turns the annotated ``Doc`` into records whose
offsets are character offsets into ``article.text``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc, Span

from sayso.errors import InputError
from sayso.records import AnalysedArticle, Article, Attribution, Entity, Role, Source

__all__ = ["Analyser"]


class Analyser:
    """Analyses articles with one loaded spaCy pipeline."""

    def __init__(self, nlp: Language, batch_size: int = 8) -> None:
        self.nlp = nlp
        self.batch_size = batch_size

    @classmethod
    def load(cls, mode: str = "fast") -> Analyser:
        """The analyser of ``mode`` ("fast", the default; see ``pipeline.MODES``)."""
        from sayso.analyse.pipeline import build_nlp

        return cls(build_nlp(mode))

    def check(self, article: Article) -> None:
        """Raise :class:`InputError` if the article cannot be analysed (no text, too long)."""
        if not article.text.strip():
            raise InputError(article.input, "no article text to analyse")
        if len(article.text) > self.nlp.max_length:
            size, limit = len(article.text), self.nlp.max_length
            raise InputError(
                article.input, f"article too long to analyse ({size:,} characters, limit {limit:,})"
            )

    def analyse(self, article: Article) -> AnalysedArticle:
        """One article's entities and attributions."""
        return next(self.pipe([article]))

    def pipe(self, articles: Iterable[Article]) -> Iterator[AnalysedArticle]:
        """The analysis of each article, in order, parsed in batches."""
        for doc, article in self.nlp.pipe(self._prose(articles), as_tuples=True, batch_size=self.batch_size):
            yield to_record(article, doc)

    def _prose(self, articles: Iterable[Article]) -> Iterator[tuple[Doc, Article]]:
        for article in articles:
            self.check(article)
            yield article_doc(self.nlp, article), article


def article_doc(nlp: Language, article: Article) -> Doc:
    """The article's prose (:func:`prose`) as a ``Doc``, tokenised only, carrying its byline
    (``doc._.authors``) for the pipeline to read."""
    doc = nlp.make_doc(prose(article))
    doc._.authors = list(article.authors)
    return doc


def prose(article: Article) -> str:
    """The article's text with its noise regions blanked (same length, so offsets hold)."""
    if not article.regions:
        return article.text
    chars = list(article.text)
    for region in article.regions:
        start, end = region.span
        for i in range(max(start, 0), min(end, len(chars))):
            if not chars[i].isspace():
                chars[i] = " "
    return "".join(chars)


def to_record(article: Article, doc: Doc) -> AnalysedArticle:
    """The record of an article from its analysed Doc; attributions touching noise are dropped."""
    noise = [r.span for r in article.regions]
    kept = [
        (spans, source, stance, kind)
        for spans, source, stance, kind in zip(
            doc._.attributions or [], doc._.sources, doc._.stances, doc._.kinds, strict=True
        )
        if not any(_overlaps(span, noise) for role in spans for span in role)
    ]
    kept.sort(key=lambda item: min((s.start_char for role in item[0] for s in role if len(s)), default=0))
    speaking = {e for _, source, _, _ in kept for e in source.entities}
    entities = [e for e in doc._.entities or [] if e in speaking]
    ids = {e: f"e{n}" for n, e in enumerate(entities, 1)}
    text = article.text
    attributions = []
    for n, (spans, source, stance, kind) in enumerate(kept, 1):
        source_role = _role(text, spans.source)
        attributions.append(
            Attribution(
                id=f"a{n}",
                source=Source(
                    spans=source_role.spans,
                    text=source_role.text,
                    entity=ids[source.entities[0]] if source.entities else None,
                    type=source.type,
                ),
                cue=_role(text, spans.cue),
                content=_role(text, spans.content),
                kind=kind,
                stance=stance,
                speakers=list(source.speakers),
            )
        )
    return AnalysedArticle(
        **vars(article),
        entities=[
            Entity(
                id=ids[e],
                name=e.name,
                type=e.type,
                roles=list(e.roles),
                mentions=[(m.start_char, m.end_char) for m in e.mentions],
            )
            for e in entities
        ],
        attributions=attributions,
    )


def _role(text: str, spans: list[Span]) -> Role:
    pieces = [(s.start_char, s.end_char) for s in spans if len(s)]
    return Role(spans=pieces, text=" … ".join(text[s:e] for s, e in pieces))


def _overlaps(span: Span, regions: list[tuple[int, int]]) -> bool:
    return any(span.start_char < end and start < span.end_char for start, end in regions)
