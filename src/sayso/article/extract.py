"""Turn a RawDocument into an Article: extracted text, metadata, noise regions and id."""

from __future__ import annotations

from sayso.article.html import extract_page
from sayso.article.ids import article_id
from sayso.article.noise import find_regions
from sayso.article.plain import byline_authors, dateline_date, headline
from sayso.errors import InputError
from sayso.records import Article, RawDocument

METADATA_FIELDS = ("url", "outlet", "title", "published", "authors")


def extract_article(raw: RawDocument) -> Article:
    """Extract one article from a raw document.

    Markup: the body on which trafilatura and readability-lxml agree, and trafilatura's
    metadata (headline without site name, ISO date, authors, outlet, canonical URL). Plain
    text: kept exactly as given; its headline is its first line that is not noise, its authors
    and date come from its byline and timestamp lines when it has them.
    Noise (browser notices, captions, credits, share lines...) is marked as regions, never
    removed, in both. ``raw.url`` and ``raw.metadata`` win over what the page says. The id is
    :func:`~sayso.article.ids.article_id` of the text, unless the container gave one
    (``metadata["id"]``, e.g. a JSONL line's). Raises :class:`InputError` when there is no
    article text.
    """
    if raw.media_type == "html":
        page = extract_page(raw.content, raw.input, raw.url or raw.metadata.get("url"))
        text = page.text
        found = {f: getattr(page, f) for f in METADATA_FIELDS}
    else:
        text = raw.content
        if not text.strip():
            raise InputError(raw.input, "empty text")
        found = dict.fromkeys(METADATA_FIELDS)
    regions = find_regions(text)
    if raw.media_type != "html":
        found |= {
            "title": headline(text, regions),
            "published": dateline_date(text, regions),
            "authors": byline_authors(text, regions),
        }
    given = {f: raw.metadata[f] for f in METADATA_FIELDS if raw.metadata.get(f)}
    if raw.url:
        given["url"] = raw.url
    merged = {**found, **given}
    return Article(
        input=raw.input,
        id=str(raw.metadata.get("id") or article_id(text)),
        text=text,
        url=merged["url"],
        outlet=merged["outlet"],
        title=merged["title"],
        published=merged["published"],
        authors=list(merged["authors"] or []),
        regions=regions,
    )
