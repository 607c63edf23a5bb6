"""Article extraction from markup: trafilatura for the body and the metadata."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import trafilatura
from trafilatura.utils import load_html

from sayso.article.title import clean_title
from sayso.errors import InputError


@dataclass
class PageArticle:
    """What a page yields: its body text and the metadata found in its markup."""

    text: str
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: str | None = None
    authors: list[str] = field(default_factory=list)


def extract_page(html: str, input: str, url: str | None = None) -> PageArticle:
    """Extract body text and metadata from one HTML page; raises InputError when there is none."""
    tree = load_html(html)
    if tree is None:
        raise InputError(input, "not an HTML page (no markup could be parsed)")
    doc = trafilatura.bare_extraction(
        tree, url=url, with_metadata=True, include_comments=False, output_format="python"
    )
    if doc is None or not (doc.text or "").strip():
        raise InputError(input, "no article text found in the page")
    outlet = doc.sitename or None
    page_url = url or doc.url or None
    return PageArticle(
        text=doc.text.strip(),
        url=page_url,
        outlet=outlet,
        title=clean_title(doc.title, outlet, page_url),
        published=doc.date or None,
        authors=_split_authors(doc.author),
    )


def _split_authors(author: str | None) -> list[str]:
    """trafilatura joins authors with "; "."""
    if not author:
        return []
    return [name.strip() for name in re.split(r";\s*", author) if name.strip()]
