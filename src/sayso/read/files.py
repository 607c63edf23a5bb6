"""Local files and byte streams: kinds by suffix or by content, gzip, size limits, decoding."""

from __future__ import annotations

import gzip
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from sayso.errors import InputError
from sayso.read._decode import decode
from sayso.read.options import ReadOptions, over_limit
from sayso.records import RawDocument

Item = RawDocument | InputError

# File suffix (after any .gz) -> kind of input.
SUFFIX_KINDS = {
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".warc": "warc",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "feed",
}
GZIP_MAGIC = b"\x1f\x8b"
_HEAD_BYTES = 4096
# Content sniffing for stdin, URLs and unknown suffixes, tried in order on the stream's head.
_SNIFFERS = [
    ("warc", re.compile(rb"^WARC/\d")),
    ("feed", re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(rss|feed|rdf:RDF)\b", re.DOTALL)),
    (
        "html",
        re.compile(
            rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b",
            re.IGNORECASE | re.DOTALL,
        ),
    ),
    ("jsonl", re.compile(rb"^\s*\{")),
]


def kind_of(path: Path) -> str | None:
    """The kind a file's suffix names (``a.html.gz`` -> html), or None when it names none."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return SUFFIX_KINDS.get(suffixes[-1]) if suffixes else None


def walk(folder: Path) -> Iterator[Path]:
    """Files of a known kind under ``folder``, recursively, in sorted order; hidden ones skipped."""
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and not any(part.startswith(".") for part in relative.parts) and kind_of(path):
            yield path


def read_path(path: Path, options: ReadOptions) -> Iterator[Item]:
    """The documents of one file, of the kind its suffix names (or its content, when it names none)."""
    with path.open("rb") as raw:
        yield from read_stream(raw, str(path), options, kind=kind_of(path))


def read_stream(
    raw: IO[bytes],
    name: str,
    options: ReadOptions,
    *,
    kind: str | None = None,
    charset: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> Iterator[Item]:
    """The documents in a byte stream (gzip or not), streamed for WARC and JSONL.

    ``charset`` is the one declared outside the content (HTTP); ``metadata`` what the container
    knew about the document (a URL's final address, a feed item's title...).
    """
    from sayso.read import feeds, jsonl, warc

    stream = _peekable(raw)
    if _head(stream).startswith(GZIP_MAGIC):
        stream = _peekable(gzip.GzipFile(fileobj=stream, mode="rb"))
    head = _head(stream)
    if not head:
        yield InputError(name, "empty input")
        return
    kind = kind or sniff(head)
    if kind == "warc":
        yield from warc.read_warc(stream, name, options)
    elif kind == "jsonl":
        yield from jsonl.read_jsonl(stream, name, options)
    else:
        data = read_limited(stream, name, options.max_document_bytes)
        if kind == "feed":
            yield from feeds.read_feed(data, name, options)
        else:
            yield document(data, name, kind, charset=charset, metadata=metadata)


def document(
    data: bytes, name: str, kind: str, *, charset: str | None = None, metadata: dict[str, Any] | None = None
) -> RawDocument:
    """One text or HTML document from its bytes; raises InputError if empty, binary or undecodable."""
    content = decode(data, name, charset)
    if not content.strip():
        raise InputError(name, "empty input (only whitespace)")
    metadata = dict(metadata or {})
    media_type = "text" if kind == "text" else "html"
    return RawDocument(
        input=name, content=content, media_type=media_type, url=metadata.get("url"), metadata=metadata
    )


def sniff(head: bytes) -> str:
    """The kind of input a stream's first bytes show; plain text when nothing else matches."""
    head = head.removeprefix(b"\xef\xbb\xbf")
    return next((kind for kind, pattern in _SNIFFERS if pattern.match(head)), "text")


def read_limited(stream: IO[bytes], name: str, limit: int) -> bytes:
    """All of ``stream``, refusing more than ``limit`` bytes without reading them into memory."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputError(name, over_limit("input", limit))
    return data


def _peekable(stream: IO[bytes]) -> io.BufferedReader:
    if isinstance(stream, io.BufferedReader):
        return stream
    return io.BufferedReader(stream, buffer_size=1 << 16)  # type: ignore[arg-type]


def _head(stream: io.BufferedReader) -> bytes:
    return stream.peek(_HEAD_BYTES)[:_HEAD_BYTES]
