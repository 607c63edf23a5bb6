"""Serve stage: the ledger as a web UI and an HTTP API (``sayso serve``).

:func:`create_app` builds the FastAPI application over an open :class:`~sayso.store.Ledger`;
``sayso.cli.serve`` runs it under uvicorn, on 127.0.0.1 and read-only unless told otherwise.
"""

from sayso.serve.app import create_app

__all__ = ["create_app"]
