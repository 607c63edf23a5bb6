"""The stable article id."""

from __future__ import annotations

import hashlib

ID_LENGTH = 16


def article_id(text: str) -> str:
    """The article's id: the first 16 hex digits of the SHA-256 of its whitespace-normalised text.

    Whitespace runs (spaces, tabs, newlines, ``\\r\\n``) collapse to one space and the ends are
    stripped before hashing, so the same article gets the same id whether it was read from a
    file or a WARC record, with or without a URL, and whatever its line endings. Metadata
    (URL, title, date) does not enter the id: only the text does.
    """
    normalised = " ".join(text.split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:ID_LENGTH]
