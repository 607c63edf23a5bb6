"""JSON Lines: one article per line, ``text`` or ``html`` plus optional metadata, streamed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from sayso.errors import InputError
from sayso.read._decode import decode
from sayso.read.options import ReadOptions, over_limit
from sayso.records import RawDocument

METADATA_FIELDS = ("url", "title", "published", "authors", "outlet", "id")


def read_jsonl(stream: IO[bytes], name: str, options: ReadOptions) -> Iterator[RawDocument | InputError]:
    """Each non-blank line as a document, input ``<name>#line=<n>``; a bad line fails on its own.

    A line is an object with a non-empty ``text`` (plain text, kept verbatim) or ``html`` string,
    and optionally ``url``, ``title``, ``published``, ``authors`` (a list or one string),
    ``outlet`` and ``id``. A line over ``options.max_record_bytes`` is refused and skipped.
    """
    limit = options.max_record_bytes
    for number, line in enumerate(_lines(stream, limit), start=1):
        ref = f"{name}#line={number}"
        if line is None:
            yield InputError(ref, over_limit("line", limit))
        elif line.strip():
            try:
                yield _document(line, ref)
            except InputError as error:
                yield error


def _lines(stream: IO[bytes], limit: int) -> Iterator[bytes | None]:
    """The stream's lines; None for a line longer than ``limit``, whose rest is skipped unread."""
    while line := stream.readline(limit + 1):
        if len(line) > limit and not line.endswith(b"\n"):
            while (rest := stream.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
            yield None
        else:
            yield line


def _document(line: bytes, ref: str) -> RawDocument:
    try:
        data = json.loads(decode(line, ref))
    except json.JSONDecodeError as error:
        raise InputError(ref, f"not JSON: {error.msg} at column {error.colno}") from None
    if not isinstance(data, dict):
        raise InputError(ref, "not a JSON object")
    text, html = data.get("text"), data.get("html")
    content, media_type = (text, "text") if isinstance(text, str) and text.strip() else (html, "html")
    if not isinstance(content, str) or not content.strip():
        raise InputError(ref, 'no article: needs a non-empty "text" or "html" string')
    metadata: dict[str, Any] = {k: data[k] for k in METADATA_FIELDS if data.get(k) not in (None, "", [])}
    if isinstance(metadata.get("authors"), str):
        metadata["authors"] = [metadata["authors"]]
    return RawDocument(
        input=ref, content=content, media_type=media_type, url=metadata.get("url"), metadata=metadata
    )
