"""The write endpoints: off unless the app has a write token, and then only for requests bearing it.

``POST /api/records`` stores pre-analysed records (what ``sayso extract`` writes);
``POST /api/ingest`` reads, analyses and stores uploaded files and http(s) URLs, through the same
stages as ``sayso ingest``. Both store one transaction per article. The read stage refuses URLs
that resolve to private, loopback or link-local addresses (each redirect too), unless the app
allows them.
"""

from __future__ import annotations

import hmac
import itertools
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse

from sayso.errors import InputError, SaysoError
from sayso.read import ReadOptions
from sayso.read.web import is_url
from sayso.records import AnalysedArticle, Article
from sayso.serve.errors import ClientError, Forbidden, LengthRequired, TooLarge, Unauthorized
from sayso.store import IngestReport

MAX_RECORDS = 100
"""Records per ``POST /api/records`` request."""
MAX_INPUTS = 20
"""Uploaded files plus URLs per ``POST /api/ingest`` request."""
MAX_UPLOAD_BYTES = ReadOptions().max_document_bytes
"""Largest uploaded file: the read stage's own limit on one document."""
MAX_RECORDS_BYTES = 64 * 2**20
"""Largest ``POST /api/records`` body."""


def require_token(request: Request) -> None:
    """Let the request through only if the app is writable and the request bears its token."""
    token = request.app.state.write_token
    if token is None:
        raise Forbidden("this server is read-only: start it with --write-token to enable writes")
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise Unauthorized("a valid 'Authorization: Bearer <token>' header is required")


def body_limit(limit: int) -> Callable[[Request], None]:
    """A check that the request declares its body's length and that it is at most ``limit`` bytes."""

    def check(request: Request) -> None:
        length = request.headers.get("content-length", "")
        if not length.isdigit():
            raise LengthRequired("a Content-Length header is required")
        if int(length) > limit:
            raise TooLarge(f"request body over the limit of {limit / 2**20:g} MiB")

    return check


router = APIRouter(tags=["write"], dependencies=[Depends(require_token)])


@router.post(
    "/records",
    summary="Store pre-analysed records (SPEC shape); needs the write token",
    dependencies=[Depends(body_limit(MAX_RECORDS_BYTES))],
)
def store_records(
    request: Request,
    records: Annotated[
        list[dict[str, Any]], Body(max_length=MAX_RECORDS, description="SPEC article records")
    ],
) -> JSONResponse:
    """Each record is stored in its own transaction; the report counts stored/replaced/unchanged."""
    parsed: list[AnalysedArticle] = []
    for number, record in enumerate(records, 1):
        try:
            parsed.append(AnalysedArticle.from_dict(record))
        except (KeyError, TypeError, ValueError) as error:
            raise ClientError(
                f"record {number} is not an article record: {type(error).__name__}: {error}"
            ) from None
    try:
        report = request.app.state.ledger.ingest(parsed)
        request.app.state.aggregates.clear()  # the writer sees its articles counted at once
    except SaysoError as error:
        raise ClientError(str(error)) from None
    return JSONResponse(report.to_dict())


@router.post(
    "/ingest",
    summary="Read, analyse and store uploaded files and URLs; needs the write token",
    dependencies=[Depends(body_limit(MAX_INPUTS * (MAX_UPLOAD_BYTES + 2**16)))],
)
def ingest(
    request: Request,
    files: Annotated[list[UploadFile], File(description="article files, any input format sayso reads")] = [],  # noqa: B006
    urls: Annotated[list[str], Form(description="http(s) URLs of articles or feeds")] = [],  # noqa: B006
) -> JSONResponse:
    """Like `sayso ingest`: articles already stored are skipped before analysis.

    Answers the ingest report (counts, and each failed input with its reason); 400 when no
    input could be stored, e.g. a URL refused for reaching a private address.
    """
    if not files and not urls:
        raise ClientError("send at least one file (field 'files') or URL (field 'urls')")
    if len(files) + len(urls) > MAX_INPUTS:
        raise ClientError(f"at most {MAX_INPUTS} files and URLs per request")
    not_urls = [url for url in urls if not is_url(url)]
    if not_urls:  # anything else would be read as a path on this server
        raise ClientError("only http(s) URLs can be ingested", not_urls)
    state = request.app.state
    options = ReadOptions(allow_private_urls=state.allow_private_urls)
    with _INGEST_LOCK, tempfile.TemporaryDirectory(prefix="sayso-upload-") as folder:
        names: dict[str, str] = {}
        for number, upload in enumerate(files, 1):
            names[_save(upload, Path(folder), number)] = upload.filename or f"upload {number}"
        report = IngestReport()
        for record in _analysed(state, [*names, *urls], options, names, report):
            try:
                report.add(record.id, state.ledger.store(record))
            except InputError as error:
                report.failed.append(error)
    state.aggregates.clear()
    body = report.to_dict()
    if report.failed and not (report.stored or report.replaced or report.unchanged):
        raise ClientError("no input could be stored", body["failed"])
    return JSONResponse(body)


def _save(upload: UploadFile, folder: Path, number: int) -> str:
    """Copy an upload into ``folder`` under a safe name keeping its extensions; its path."""
    suffixes = "".join(Path(upload.filename or "").suffixes[-2:])
    path = folder / f"{number}-upload{re.sub(r'[^A-Za-z0-9.]', '', suffixes)[:20]}"
    with path.open("wb") as out:
        shutil.copyfileobj(upload.file, out, 1 << 20)
        if out.tell() > MAX_UPLOAD_BYTES:
            raise ClientError(f"{upload.filename}: over the size limit of {MAX_UPLOAD_BYTES / 2**20:g} MiB")
    return str(path)


def _analysed(
    state: Any, inputs: list[str], options: ReadOptions, names: dict[str, str], report: IngestReport
) -> Iterator[AnalysedArticle]:
    """The inputs' articles not yet stored, analysed; failures go to ``report`` under the user's names."""
    from sayso.pipeline import iter_articles

    def fresh() -> Iterator[Article]:
        for item in iter_articles(inputs, options):
            if isinstance(item, InputError):
                report.failed.append(InputError(_rename(item.input, names), item.reason))
                continue
            item.input = _rename(item.input, names)
            if state.ledger.contains(item):
                report.add(item.id, "unchanged")
            else:
                try:
                    _analyser(state).check(item)
                except InputError as error:
                    report.failed.append(error)
                else:
                    yield item

    articles = fresh()
    first = next(articles, None)
    if first is not None:  # the model is loaded only when there is something to analyse
        yield from _analyser(state).pipe(itertools.chain([first], articles))


def _rename(name: str, names: dict[str, str]) -> str:
    """An input named after the user's file, not the temporary copy (``upload:report.html``)."""
    for path, original in names.items():
        if name.startswith(path):
            return f"upload:{original}{name[len(path) :]}"
    return name


_INGEST_LOCK = threading.Lock()
"""One ingest request at a time: the analyser is not shared between threads."""


def _analyser(state: Any) -> Any:
    """The app's analyser, loaded on first use (loading the language model takes seconds)."""
    if getattr(state, "analyser", None) is None:
        from sayso.analyse import Analyser

        state.analyser = Analyser.load()
    return state.analyser
