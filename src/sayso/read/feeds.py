"""RSS and Atom feeds (feedparser): items with their full content are documents; link-only items
are fetched only when ``options.fetch_feed_links`` is set."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from typing import Any
from xml.sax import SAXParseException

import feedparser

from sayso.errors import InputError
from sayso.read.options import ReadOptions
from sayso.records import RawDocument

log = logging.getLogger(__name__)

FULL_CONTENT_MIN_WORDS = 80
"""An item whose longest content (content:encoded, Atom content, description) has fewer words is
a teaser: the article itself is at its link."""
_TAG = re.compile(r"<[^>]+>")
_MARKUP_TYPES = frozenset({"text/html", "application/xhtml+xml", "html", "xhtml"})


def read_feed(data: bytes, name: str, options: ReadOptions) -> Iterator[RawDocument | InputError]:
    """The articles of one feed: input ``<name>#item=<n>`` (from 1), or the item's link when fetched."""
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    broken = parsed.get("bozo_exception")
    broken = broken if isinstance(broken, SAXParseException) else None  # not a mere encoding quibble
    if not parsed.get("version") or (broken and not parsed.entries):
        yield InputError(name, f"malformed feed: {broken or 'neither RSS nor Atom'}")
        return
    outlet = parsed.feed.get("title") or None
    link_only = 0
    for number, entry in enumerate(parsed.entries, start=1):
        metadata = _metadata(entry, outlet)
        content, media_type = _full_content(entry)
        if content is not None:
            yield RawDocument(
                input=f"{name}#item={number}",
                content=content,
                media_type=media_type,
                url=metadata.get("url"),
                metadata=metadata,
            )
        elif options.fetch_feed_links and metadata.get("url"):
            from sayso.read.web import read_url

            yield from read_url(metadata["url"], options, metadata=metadata)
        else:
            link_only += 1
    if broken:  # the items before the break were read; the feed is still reported
        yield InputError(name, f"malformed feed, read up to the error: {broken}")
    if link_only:
        log.warning(
            "%s: %d item(s) carry only a link or a teaser; skipped (fetch them with --fetch-feed-links)",
            name,
            link_only,
        )


def _full_content(entry: Any) -> tuple[str | None, str]:
    """The item's longest content if it is the whole article, with its media type."""
    candidates = [*entry.get("content", []), entry.get("summary_detail")]
    best = max((c for c in candidates if c and c.get("value")), key=lambda c: len(c["value"]), default=None)
    if best is None or len(_TAG.sub(" ", best["value"]).split()) < FULL_CONTENT_MIN_WORDS:
        return None, "html"
    media_type = "html" if best.get("type", "text/html") in _MARKUP_TYPES else "text"
    return best["value"], media_type


def _metadata(entry: Any, outlet: str | None) -> dict[str, Any]:
    when = entry.get("published_parsed") or entry.get("updated_parsed")
    authors = [a["name"] for a in entry.get("authors", []) if a.get("name")]
    metadata = {
        "url": entry.get("link"),
        "title": entry.get("title"),
        "published": time.strftime("%Y-%m-%dT%H:%M:%SZ", when) if when else None,
        "authors": authors,
        "outlet": outlet,
    }
    return {k: v for k, v in metadata.items() if v}
