"""Article extraction from markup: trafilatura and readability agree on the body.

trafilatura gives the metadata and the candidate body; readability-lxml, an extractor with
different failure modes, is a second opinion. Where readability finds much more text that
includes trafilatura's, trafilatura missed part of the article and readability's body is
taken; otherwise trafilatura's paragraphs are kept only where readability's text contains
most of their words (this drops the share bars, related-story lists and script residue one
of them lets through). When readability finds almost nothing it is no judge and
trafilatura's body stands. Finally, lines the noise lexicon recognises as wholly page
furniture (captions with credits, "Read more: ...", newsletter prompts...) are left out.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from copy import copy
from dataclasses import dataclass, field
from urllib.parse import SplitResult, urlsplit

import html_text
import trafilatura
from lxml.html import HtmlElement
from readability import Document
from readability.readability import Unparseable
from trafilatura.metadata import extract_metadata
from trafilatura.utils import load_html

from sayso.article.bylines import clean_authors
from sayso.article.noise import strip_noise_lines
from sayso.article.title import clean_title, headline_variants, names_site, site_names, squash
from sayso.errors import InputError

ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "BackgroundNewsArticle",
        "ReviewNewsArticle",
        "BlogPosting",
        "SocialMediaPosting",
        "Report",
        "ScholarlyArticle",
        "TechArticle",
        "LiveBlogPosting",
    }
)
"""schema.org types of the object that describes the article itself."""
MIN_BODY_WORDS = 8
"""A page whose extracted text is shorter than this (a menu, a login wall) has no article."""
TAKE_SECOND_RATIO = 1.5
"""The second extractor's body replaces the first's when it has this many times more words."""
SECOND_FAILED_RATIO = 0.3
"""Below this share of the first body's words, the second extractor has failed: no vote."""
AGREEMENT = 0.5
"""A paragraph of the first body stays when this share of its words is in the second body."""


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
    """Extract body text and metadata from one HTML page; raises InputError when there is none.

    A fragment (a feed item's or JSONL line's ``html``) is read as the body of a page.
    """
    tree = load_html(html)
    if tree is None and "<" in html:
        tree = load_html(f"<html><body>{html}</body></html>")
    if tree is None:
        raise InputError(input, "not an HTML page (no markup could be parsed)")
    doc = trafilatura.bare_extraction(
        tree, url=url, with_metadata=True, include_comments=False, output_format="python"
    )
    if doc is None:  # trafilatura found too little text; readability may still find the body
        doc = extract_metadata(copy(tree), url)
    body = consensus_body(doc.text or "", _readability_text(html))
    if len(body.split()) < MIN_BODY_WORDS:
        raise InputError(input, "no article text found in the page")
    outlet = doc.sitename or None
    page_url = url or doc.url or None
    home_links = _home_link_texts(tree, page_url)
    names = site_names(outlet, page_url, *home_links[:1])  # the first link home is the logo
    title = _headline(tree, doc.title, names, site_names(None, None, *home_links))
    return PageArticle(
        text=strip_noise_lines(_without_headline(body, [doc.title, tree.findtext(".//title")])),
        url=page_url,
        outlet=outlet,
        title=title,
        published=doc.date or None,
        authors=clean_authors(_json_ld_people(tree) or _split_authors(doc.author), names),
    )


def consensus_body(first: str, second: str) -> str:
    """Combine two extractors' bodies of one page (see the module docstring)."""
    first_words, second_words = _words(first), _words(second)
    n_first, n_second = sum(first_words.values()), sum(second_words.values())
    if n_second > TAKE_SECOND_RATIO * n_first:
        # more text: the first missed part of the article, unless the second took another block
        return _tidy(second if _share_in(first_words, second_words) >= AGREEMENT else first)
    if n_second < SECOND_FAILED_RATIO * n_first:
        return _tidy(first)
    kept = [p for p in first.splitlines() if _share_in(_words(p), second_words) >= AGREEMENT]
    return _tidy("\n".join(kept)) or _tidy(first)


def _headline(tree: HtmlElement, title: str | None, names: list[str], home_links: list[str]) -> str | None:
    """The page's headline: trafilatura's title cleaned (or the <title> tag's when that title
    was the logo's or the site's name), in the typography of the visible <h1> when one
    spells the same words."""
    if not title or names_site(title, names + home_links):
        title = tree.findtext(".//title") or title
    title = clean_title(title, names)
    if title:
        for h1 in tree.iterfind(".//h1"):
            visible = " ".join(h1.text_content().split())
            if squash(visible) == squash(title):
                return visible
    return title


def _home_link_texts(tree: HtmlElement, page_url: str | None) -> list[str]:
    """Texts of links to the page's own front page ("/" or its host's root): logo, masthead."""
    host = _split(page_url).netloc if page_url else None
    texts = []
    for link in tree.iterfind(".//a[@href]"):
        href = _split(link.get("href", "").strip())
        same_site = not href.netloc or href.netloc == host
        is_root = href.path in ("/", "") and (href.path or href.netloc) and not (href.query or href.fragment)
        if same_site and is_root and (text := " ".join(link.text_content().split())):
            texts.append(text)
    return texts


def _split(url: str) -> SplitResult:
    """``urlsplit`` that takes a malformed URL ("http://[x") for an empty one."""
    try:
        return urlsplit(url)
    except ValueError:
        return urlsplit("")


def _without_headline(body: str, raw_titles: list[str | None]) -> str:
    """The body without a first line that repeats the headline (it is the article's title).

    Judged against the raw titles of the page, not the cleaned one, so that the body (and
    the article id made from it) is the same whether or not the page's URL is known.
    """
    first, _, rest = body.partition("\n")
    variants = set().union(*(headline_variants(t) for t in raw_titles if t))
    return rest if rest and squash(first) in variants else body


def _readability_text(html: str) -> str:
    try:
        return html_text.extract_text(Document(html).summary(html_partial=True))
    except Unparseable:
        return ""


def _words(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text))


def _share_in(words: Counter[str], reference: Counter[str]) -> float:
    total = sum(words.values())
    return sum((words & reference).values()) / total if total else 1.0


def _tidy(text: str) -> str:
    """One paragraph a line, no blank or whitespace-only lines."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _json_ld_people(tree: HtmlElement) -> list[str]:
    """Names of the Person authors of the page's JSON-LD article objects (NewsArticle, ...).

    Structured data names people more reliably than ``<meta name="author">``, which often
    holds the publisher; the authors of other objects (a fact check's reviewed claim) are
    not the article's.
    """
    names: list[str] = []
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        for item in _json_ld_items(data):
            types = item.get("@type")
            types = types if isinstance(types, list) else [types]
            if not any(isinstance(t, str) and t in ARTICLE_TYPES for t in types):
                continue
            authors = item.get("author")
            for author in authors if isinstance(authors, list) else [authors]:
                if (
                    isinstance(author, dict)
                    and author.get("@type") == "Person"
                    and isinstance(author.get("name"), str)
                ):
                    name = " ".join(author["name"].split())
                    if name not in names:
                        names.append(name)
    return names


def _json_ld_items(data: object) -> list[dict]:
    """The top-level objects of a JSON-LD document (a list, an ``@graph`` or one object)."""
    items = data if isinstance(data, list) else [data]
    out: list[dict] = []
    for item in items:
        if isinstance(item, dict):
            out.extend(_json_ld_items(item["@graph"]) if "@graph" in item else [item])
    return out


def _split_authors(author: str | None) -> list[str]:
    """trafilatura joins authors with "; "."""
    if not author:
        return []
    return [name.strip() for name in re.split(r";\s*", author) if name.strip()]
