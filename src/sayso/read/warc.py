"""WARC archives, streamed one record at a time with fastwarc: each HTML response is a document."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import IO

from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

from sayso.errors import InputError
from sayso.read._decode import decode
from sayso.read.options import ReadOptions, over_limit
from sayso.records import RawDocument

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def read_warc(stream: IO[bytes], name: str, options: ReadOptions) -> Iterator[RawDocument | InputError]:
    """Every HTML response record (HTTP 2xx) of a WARC stream (already decompressed) as a document,
    and every HTML resource record (a page archived without its HTTP envelope).

    Request, metadata, warcinfo, revisit and non-HTML records are skipped. A record's input is
    ``<name>#record=<WARC-Record-ID>``; its target URL goes in ``url`` and its WARC-Date in
    ``metadata["warc_date"]`` (the capture date, not the publication date). A record over
    ``options.max_record_bytes`` is refused on its own and never read into memory.
    """
    if not stream.peek(5).startswith(b"WARC/"):  # type: ignore[attr-defined]
        yield InputError(name, "malformed WARC: does not start with a WARC/ version line")
        return
    records = ArchiveIterator(
        _Forward(stream),
        record_types=WarcRecordType.response | WarcRecordType.resource,
        parse_http=True,
        stream_detect=False,
        auto_decode="all",
    )
    position = 0
    try:
        for record in records:
            position = record.stream_pos
            item = _document(record, name, options)
            if item is not None:
                yield item
    except OSError as error:
        yield InputError(name, f"malformed WARC after offset {position}: {error}")


def _document(record: WarcRecord, name: str, options: ReadOptions) -> RawDocument | InputError | None:
    ref = f"{name}#record={(record.record_id or str(record.stream_pos)).strip('<>')}"
    if record.record_type == WarcRecordType.response:
        status = record.http_headers.status_code if record.http_headers else 0
        content_type, charset = record.http_content_type, record.http_charset
    else:
        status, (content_type, charset) = 200, _content_type(record.headers.get("Content-Type", ""))
    if not 200 <= status < 300 or (content_type or "").lower() not in HTML_TYPES:
        return None
    if record.content_length > options.max_record_bytes:
        return InputError(ref, over_limit("record", options.max_record_bytes))
    body = record.reader.read()
    if len(body) < record.content_length:
        return InputError(ref, f"truncated record: {len(body)} of {record.content_length} bytes")
    if not body.strip():
        return InputError(ref, "empty response body")
    url = record.headers.get("WARC-Target-URI")
    metadata = {"url": url, "warc_date": record.headers.get("WARC-Date"), "warc_record_id": record.record_id}
    try:
        content = decode(body, ref, charset)
    except InputError as error:
        return error
    return RawDocument(input=ref, content=content, media_type="html", url=url, metadata=metadata)


def _content_type(header: str) -> tuple[str, str | None]:
    """``text/html; charset=utf-8`` -> ("text/html", "utf-8")."""
    media_type, _, parameters = header.partition(";")
    charset = next(
        (
            v
            for k, _, v in (p.strip().partition("=") for p in parameters.split(";"))
            if k.lower() == "charset"
        ),
        None,
    )
    return media_type.strip(), charset.strip('"') if charset else None


class _Forward(io.RawIOBase):
    """A stream read forward only, that knows its position: fastwarc asks for ``tell()``, which
    pipes (stdin) cannot answer and which gzip streams answer slowly."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._position = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        n = self._stream.readinto(buffer)  # type: ignore[attr-defined]
        self._position += n
        return n

    def tell(self) -> int:
        return self._position
