"""The web application: :func:`create_app` wires the ledger, the JSON API, the pages and the docs."""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.datastructures import MutableHeaders
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sayso import __version__
from sayso.serve import api, errors, pages
from sayso.store import Ledger

HERE = Path(__file__).parent

SECURITY_HEADERS = {
    # Scripts, styles and images only from this server: even a markup injection that slipped
    # past escaping could not run inline script or load anything from elsewhere.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


class SecurityHeaders:
    """ASGI middleware adding :data:`SECURITY_HEADERS` to every HTTP response that lacks them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")
"""The names of a server bound to loopback."""

POOL_SIZE = 4
"""Ledger connections an app opens at most when given a way to open them."""


class SerialLedger:
    """A ledger whose calls run one at a time: its single connection is shared by all request threads."""

    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._ledger, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                return method(*args, **kwargs)

        return call

    def close(self) -> None:
        """Nothing to close: the caller opened this ledger and closes it."""


class LedgerPool:
    """Up to ``size`` ledger connections, opened on demand, each lent to one call at a time."""

    def __init__(self, open_ledger: Callable[[], Ledger], size: int = POOL_SIZE) -> None:
        self._open = open_ledger
        self._slots = threading.BoundedSemaphore(size)
        self._idle: queue.LifoQueue[Ledger] = queue.LifoQueue()
        self._opened: list[Ledger] = []
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            with self._slots:
                try:
                    ledger = self._idle.get_nowait()
                except queue.Empty:
                    ledger = self._open()
                    with self._lock:
                        self._opened.append(ledger)
                try:
                    return getattr(ledger, name)(*args, **kwargs)
                finally:
                    self._idle.put(ledger)

        return call

    def close(self) -> None:
        """Close every connection this pool opened."""
        with self._lock:
            for ledger in self._opened:
                ledger.close()
            self._opened.clear()


def create_app(
    ledger: Ledger | Callable[[], Ledger],
    *,
    write_token: str | None = None,
    allow_private_urls: bool = False,
    allowed_hosts: Sequence[str] | None = None,
) -> FastAPI:
    """The sayso web app over ``ledger``: HTML pages at ``/``, JSON under ``/api``, docs at ``/docs``.

    ``ledger`` is an open ledger (its one connection serves requests one at a time), or a function
    that opens one: then a pool of up to :data:`POOL_SIZE` connections serves requests in parallel,
    closed when the app stops.
    Read-only unless ``write_token`` is set: then the write endpoints accept requests bearing it.
    URLs sent for ingest may not reach private or loopback addresses unless ``allow_private_urls``.
    ``allowed_hosts`` (``Host`` header values, e.g. :data:`LOOPBACK_HOSTS`) makes any other host a
    400: a web page cannot read a server on 127.0.0.1 by pointing its own domain there (DNS rebinding).
    """
    ledgers = LedgerPool(ledger) if callable(ledger) else SerialLedger(ledger)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        ledgers.close()

    app = FastAPI(
        title="sayso",
        version=__version__,
        summary="A ledger of attributed claims: who said, denied, alleged or reported what.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.ledger = ledgers
    app.state.write_token = write_token or None
    app.state.allow_private_urls = allow_private_urls
    app.state.templates = _templates()
    app.state.aggregates = {}  # pages' ledger-wide rankings, see pages.AGGREGATE_TTL

    app.add_middleware(SecurityHeaders)
    if allowed_hosts is not None:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))
    errors.install(app)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    return app


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=HERE / "templates")  # autoescape on for .html
    templates.env.filters["urlpart"] = lambda value: quote(str(value), safe="")
    templates.env.filters["web_url"] = web_url
    templates.env.filters["day"] = lambda value: (value or "")[:10] or "undated"
    templates.env.filters["thousands"] = lambda value: f"{value:,}"
    templates.env.globals["version"] = __version__
    return templates


def web_url(value: str | None) -> str | None:
    """``value`` if it is an http(s) URL safe to link to, else None (no ``javascript:`` links)."""
    if not value:
        return None
    parts = urlsplit(value)
    return value if parts.scheme in ("http", "https") and parts.netloc else None
