"""Client errors of the web app: JSON under ``/api``, an HTML page elsewhere.

Every 4xx answer carries ``{"error": {"status": N, "message": "...", "details": [...]}}`` on the
API, so a script can tell a bad filter from a missing article without parsing prose.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from sayso.errors import SaysoError


class ClientError(Exception):
    """A request the app refuses, with its HTTP status and a one-line reason."""

    status = 400
    headers: dict[str, str] = {}  # noqa: RUF012 (read-only, per class)

    def __init__(self, message: str, details: list[Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class NotFound(ClientError):
    status = 404


class Forbidden(ClientError):
    status = 403


class LengthRequired(ClientError):
    status = 411


class TooLarge(ClientError):
    status = 413


class Unauthorized(ClientError):
    status = 401
    headers = {"WWW-Authenticate": "Bearer"}  # noqa: RUF012


def install(app: FastAPI) -> None:
    """Route every client error, ours and the framework's, through one renderer."""

    @app.exception_handler(ClientError)
    async def client_error(request: Request, error: ClientError) -> Response:
        return _render(request, error.status, error.message, error.details, error.headers)

    @app.exception_handler(SaysoError)
    async def refused_by_ledger(request: Request, error: SaysoError) -> Response:
        return _render(request, 400, str(error), [])  # e.g. a search with nothing searchable in it

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> Response:
        details = [
            {"parameter": ".".join(str(p) for p in e.get("loc", ())[1:]), "problem": e.get("msg", "")}
            for e in error.errors()
        ]
        names = ", ".join(d["parameter"] for d in details) or "request"
        return _render(request, 400, f"invalid parameter: {names}", details)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        return _render(request, error.status_code, str(error.detail), [], dict(error.headers or {}))


def _render(
    request: Request, status: int, message: str, details: list[Any], headers: dict[str, str] | None = None
) -> Response:
    if request.url.path.startswith("/api"):
        body = {"error": {"status": status, "message": message, "details": details}}
        return JSONResponse(body, status_code=status, headers=headers)
    templates = request.app.state.templates
    context = {"status": status, "message": message, "details": details}
    return templates.TemplateResponse(request, "error.html", context, status_code=status, headers=headers)
