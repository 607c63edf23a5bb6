"""The JSON API under ``/api``: the ledger's queries, one page at a time.

Articles come back in the SPEC record shape; claims as the ledger's ``ClaimHit`` (article
metadata, the attribution in the SPEC shape, resolved speakers). Lists are pages:
``{"items": [...], "total": N, "limit": L, "offset": O}``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse

from sayso.serve.errors import NotFound
from sayso.serve.ingest import router as ingest_router
from sayso.serve.params import (
    MAX_NAME_LENGTH,
    Limit,
    Offset,
    Outlet,
    SpeakerName,
    SpeakerType,
    article_filters,
    blank_to_none,
    id_or_name,
    ref,
    search_query,
)
from sayso.store import Ledger, SearchQuery

router = APIRouter(prefix="/api")

Key = Annotated[str, Path(max_length=MAX_NAME_LENGTH, description="Ledger id, or a name.")]


def ledger(request: Request) -> Ledger:
    """The ledger this app serves."""
    return request.app.state.ledger


Db = Annotated[Ledger, Depends(ledger)]
Search = Annotated[SearchQuery, Depends(search_query)]
ArticleFilters = Annotated[dict[str, Any], Depends(article_filters)]


def _json(data: Any) -> JSONResponse:
    return JSONResponse(data.to_dict() if hasattr(data, "to_dict") else data)


@router.get("/stats", tags=["ledger"], summary="Counts of articles, claims, speakers and outlets")
def stats(db: Db) -> JSONResponse:
    return _json(db.stats())


@router.get("/search", tags=["claims"], summary="Search claims (full text and filters)")
@router.get("/attributions", tags=["claims"], summary="List claims (same filters as search)")
def search(db: Db, query: Search) -> JSONResponse:
    """Claims matching the filters, newest article first; q is optional."""
    return _json(db.search(query))


@router.get("/articles", tags=["articles"], summary="List articles, newest first")
def articles(db: Db, filters: ArticleFilters) -> JSONResponse:
    """q is a full-text query over titles and texts."""
    return _json(db.articles(**filters))


@router.get("/articles/{article_id:path}", tags=["articles"], summary="One article as a SPEC record")
def article(db: Db, article_id: Annotated[str, Path(max_length=MAX_NAME_LENGTH)]) -> JSONResponse:
    """The stored record: text, regions, entities and attributions with their spans."""
    record = db.article(article_id)
    if record is None:
        raise NotFound(f"no article with id {article_id!r}")
    return _json(record)


@router.get("/speakers", tags=["speakers"], summary="List speakers, most quoted first")
def speakers(
    db: Db,
    name: SpeakerName = None,
    type: SpeakerType = None,
    outlet: Outlet = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> JSONResponse:
    page = db.speakers(
        name=blank_to_none(name), type=blank_to_none(type), outlet=ref(outlet), limit=limit, offset=offset
    )
    return _json(page)


@router.get("/speakers/{key}", tags=["speakers"], summary="One speaker: names, roles, outlets")
def speaker(db: Db, key: Key) -> JSONResponse:
    found = db.speaker(id_or_name(key))
    if found is None:
        raise NotFound(f"no speaker {key!r}")
    return _json(found)


@router.get("/speakers/{key}/timeline", tags=["speakers"], summary="One speaker's claims, oldest first")
def speaker_timeline(db: Db, key: Key, query: Search) -> JSONResponse:
    page = db.speaker_timeline(id_or_name(key), query)
    if page is None:
        raise NotFound(f"no speaker {key!r}")
    return _json(page)


@router.get("/outlets", tags=["outlets"], summary="List outlets, most articles first")
def outlets(db: Db, limit: Limit = 50, offset: Offset = 0) -> JSONResponse:
    return _json(db.outlets(limit=limit, offset=offset))


@router.get("/outlets/{key:path}", tags=["outlets"], summary="One outlet by id, name or domain")
def outlet(db: Db, key: Key) -> JSONResponse:
    found = db.outlet(id_or_name(key))
    if found is None:
        raise NotFound(f"no outlet {key!r}")
    return _json(found)


router.include_router(ingest_router)  # listed last in the docs
