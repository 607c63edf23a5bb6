"""The web UI: server-rendered pages over the same ledger queries as the JSON API.

Every list is one page of a paginated query (nothing loads the whole ledger). Templates
autoescape everything; article text reaches them as :class:`~sayso.serve.highlight.Segment`
pieces, never as pre-built markup.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse

from sayso.errors import SaysoError
from sayso.serve.api import ArticleFilters, Db, Key, Search
from sayso.serve.errors import NotFound
from sayso.serve.highlight import segments
from sayso.serve.params import (
    MAX_NAME_LENGTH,
    MAX_OFFSET,
    SPEAKER_TYPES,
    STANCES,
    Limit,
    Offset,
    SpeakerName,
    SpeakerType,
    blank_to_none,
    id_or_name,
)
from sayso.store import Page

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

PAGE = 20
"""Items per page in the UI."""


def _render(request: Request, template: str, nav: str, **context: Any) -> HTMLResponse:
    context.update(nav=nav, pager_of=lambda page: _pager(request, page))
    return request.app.state.templates.TemplateResponse(request, template, context)


def _pager(request: Request, page: Any) -> dict[str, Any]:
    """Links to the previous and next pages of ``page``, keeping the other query parameters."""

    def link(offset: int) -> str:
        params = {k: v for k, v in request.query_params.items() if k != "offset" and v}
        if offset:
            params["offset"] = str(offset)
        return "?" + urlencode(params)

    last = min(page.offset + len(page.items), page.total)
    return {
        "first": page.offset + 1 if page.items else 0,
        "last": last,
        "total": page.total,
        "prev": link(max(page.offset - page.limit, 0)) if page.offset else None,
        "next": link(page.offset + page.limit) if last < page.total and last < MAX_OFFSET else None,
    }


AGGREGATE_TTL = 60.0
"""Seconds the pages reuse a ledger-wide ranking or count (the API always asks the ledger)."""


def _aggregate(request: Request, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
    """``compute()``, reused for :data:`AGGREGATE_TTL` seconds: rankings of every speaker or outlet
    aggregate the whole ledger (about a second on 100,000 articles)."""
    cache: dict[tuple[Any, ...], tuple[float, Any]] = request.app.state.aggregates
    now = time.monotonic()
    hit = cache.get(key)
    if hit is None or now - hit[0] > AGGREGATE_TTL:
        if len(cache) > 1000:  # bounded: only unfiltered listings are cached, page by page
            cache.clear()
        hit = cache[key] = (now, compute())
    return hit[1]


@router.get("/")
def overview(request: Request, db: Db) -> HTMLResponse:
    return _render(
        request,
        "overview.html",
        "overview",
        stats=_aggregate(request, ("stats",), db.stats),
        speakers=_aggregate(request, ("speakers", 10, 0), lambda: db.speakers(limit=10)).items,
        outlets=_aggregate(request, ("outlets", 10, 0), lambda: db.outlets(limit=10)).items,
        articles=db.articles(limit=8).items,
    )


@router.get("/search")
def search(request: Request, db: Db, query: Search) -> HTMLResponse:
    try:
        page, error = db.search(query), None
    except SaysoError as refused:  # e.g. nothing searchable: say so above the form, keep the filters
        page, error = Page([], 0, query.limit, query.offset), str(refused)
    response = _render(
        request,
        "search.html",
        "search",
        query=query,
        page=page,
        error=error,
        stances=STANCES,
        speaker_types=SPEAKER_TYPES,
    )
    response.status_code = 400 if error else 200
    return response


@router.get("/articles")
def articles(request: Request, db: Db, filters: ArticleFilters) -> HTMLResponse:
    return _render(request, "articles.html", "articles", page=db.articles(**filters), q=filters["text"] or "")


@router.get("/articles/{article_id:path}")
def article(
    request: Request, db: Db, article_id: Annotated[str, Path(max_length=MAX_NAME_LENGTH)]
) -> HTMLResponse:
    record = db.article(article_id)
    if record is None:
        raise NotFound(f"no article with id {article_id!r}")
    return _render(
        request,
        "article.html",
        "articles",
        article=record,
        segments=segments(record.text, record.regions, record.attributions),
        entities={e.id: e for e in record.entities},
    )


@router.get("/speakers")
def speakers(
    request: Request,
    db: Db,
    name: SpeakerName = None,
    type: SpeakerType = None,
    limit: Limit = PAGE,
    offset: Offset = 0,
) -> HTMLResponse:
    name, type = blank_to_none(name), blank_to_none(type)
    if name or type:
        page = db.speakers(name=name, type=type, limit=limit, offset=offset)
    else:
        page = _aggregate(
            request, ("speakers", limit, offset), lambda: db.speakers(limit=limit, offset=offset)
        )
    return _render(
        request, "speakers.html", "speakers", page=page, name=name or "", type=type or "", types=SPEAKER_TYPES
    )


@router.get("/speakers/{key:path}")
def speaker(request: Request, db: Db, key: Key, query: Search) -> HTMLResponse:
    found = db.speaker(id_or_name(key))
    if found is None:
        raise NotFound(f"no speaker {key!r}")
    timeline = db.speaker_timeline(found.id, query)
    return _render(
        request, "speaker.html", "speakers", speaker=found, page=timeline, query=query, stances=STANCES
    )


@router.get("/outlets")
def outlets(request: Request, db: Db, limit: Limit = PAGE, offset: Offset = 0) -> HTMLResponse:
    page = _aggregate(request, ("outlets", limit, offset), lambda: db.outlets(limit=limit, offset=offset))
    return _render(request, "outlets.html", "outlets", page=page)


@router.get("/outlets/{key:path}")
def outlet(request: Request, db: Db, key: Key, limit: Limit = PAGE, offset: Offset = 0) -> HTMLResponse:
    found = db.outlet(id_or_name(key))
    if found is None:
        raise NotFound(f"no outlet {key!r}")
    return _render(
        request,
        "outlet.html",
        "outlets",
        outlet=found,
        page=db.articles(outlet=found.id, limit=limit, offset=offset),
        speakers=_aggregate(
            request, ("outlet speakers", found.id), lambda: db.speakers(outlet=found.id, limit=12)
        ).items,
    )


@router.get("/docs")
def docs(request: Request) -> HTMLResponse:
    """The API reference, rendered here from the OpenAPI schema (no CDN needed offline)."""
    schema = request.app.openapi()
    endpoints = [
        {"path": path, "method": method.upper(), **operation}
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    ]
    return _render(request, "docs.html", "docs", schema=schema, endpoints=endpoints)
