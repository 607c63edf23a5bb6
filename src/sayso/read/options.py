"""The one settings object for reading inputs, with the documented size limits."""

from __future__ import annotations

from dataclasses import dataclass

MiB = 1024 * 1024


def over_limit(what: str, limit: int) -> str:
    """The reason given for an input over a size limit: ``line over the size limit of 16 MiB``."""
    return f"{what} over the size limit of {limit / MiB:g} MiB"


@dataclass(frozen=True)
class ReadOptions:
    """How inputs are read.

    Size limits (bytes) bound memory whatever the input: a file, a decompressed ``.gz``, stdin,
    a feed or a fetched URL body larger than ``max_document_bytes`` is refused; a WARC record
    or JSONL line larger than ``max_record_bytes`` is refused on its own (the rest of the archive
    is still read). WARC and JSONL files themselves have no size limit: they are streamed one
    record or line at a time.
    """

    max_document_bytes: int = 32 * MiB
    """A whole file, decompressed ``.gz``, stdin, feed or URL body."""
    max_record_bytes: int = 16 * MiB
    """One WARC record's payload or one JSONL line."""
    timeout: float = 20.0
    """Seconds allowed for each network operation (connect, read) of a URL fetch."""
    max_redirects: int = 5
    """Redirect hops followed for one URL."""
    allow_private_urls: bool = False
    """Let URLs reach private, loopback, link-local and reserved addresses (off by default)."""
    fetch_feed_links: bool = False
    """Fetch the page of a feed item that carries only a link or a teaser (off by default)."""
