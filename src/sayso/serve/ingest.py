"""The write endpoints: off unless the app has a write token, and then only for requests bearing it.

``POST /api/records`` stores pre-analysed records (what ``sayso extract`` writes);
``POST /api/ingest`` reads, analyses and stores uploaded files and http(s) URLs. Both go through
:meth:`Ledger.ingest`, one transaction per article. URLs that resolve to private, loopback or
link-local addresses are refused before anything is fetched, unless the app allows them.
"""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request
from fastapi.responses import JSONResponse

from sayso.errors import SaysoError
from sayso.records import AnalysedArticle
from sayso.serve.errors import ClientError, Forbidden, Unauthorized

MAX_RECORDS = 100
"""Records per ``POST /api/records`` request."""


def require_token(request: Request) -> None:
    """Let the request through only if the app is writable and the request bears its token."""
    token = request.app.state.write_token
    if token is None:
        raise Forbidden("this server is read-only: start it with --write-token to enable writes")
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise Unauthorized("a valid 'Authorization: Bearer <token>' header is required")


router = APIRouter(tags=["write"], dependencies=[Depends(require_token)])


@router.post("/records", summary="Store pre-analysed records (SPEC shape); needs the write token")
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
    except SaysoError as error:
        raise ClientError(str(error)) from None
    return JSONResponse(report.to_dict())
