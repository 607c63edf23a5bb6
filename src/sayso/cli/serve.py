"""`sayso serve`: the web UI and HTTP API over the ledger, safe by default.

Binds 127.0.0.1 unless ``--host`` says otherwise; read-only unless a write token is given
(``--write-token`` or ``$SAYSO_WRITE_TOKEN``); URLs sent for ingest may not reach private or
loopback addresses unless ``--allow-private-urls``.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys

from sayso.errors import SaysoError

TOKEN_ENV = "SAYSO_WRITE_TOKEN"
MIN_TOKEN_LENGTH = 16


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="URL",
        help="ledger: SQLite path or postgresql:// URL (default $SAYSO_DB or ./sayso.db)",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)"
    )
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.add_argument(
        "--write-token",
        metavar="TOKEN",
        default=os.environ.get(TOKEN_ENV),
        help=f"enable POST /api/ingest for requests with this token (default ${TOKEN_ENV}; none: read-only)",
    )
    parser.add_argument(
        "--allow-private-urls",
        action="store_true",
        help="let URLs sent for ingest reach private, loopback and link-local addresses",
    )


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted; 2 for a usage error (bad port, short token, unknown ledger)."""
    import uvicorn

    from sayso.serve import create_app
    from sayso.serve.app import LOOPBACK_HOSTS
    from sayso.store import open_ledger

    if not 0 < args.port < 65536:
        print(f"sayso serve: --port {args.port}: not a port number", file=sys.stderr)
        return 2
    if args.write_token is not None and len(args.write_token) < MIN_TOKEN_LENGTH:
        print(f"sayso serve: the write token must be at least {MIN_TOKEN_LENGTH} characters", file=sys.stderr)
        return 2
    try:
        open_ledger(args.db).close()  # create or migrate it once, and fail early on a bad --db
    except SaysoError as error:
        print(f"sayso serve: {error}", file=sys.stderr)
        return 2
    if not _is_loopback(args.host):
        print(
            f"sayso serve: warning: listening on {args.host}, reachable from other machines", file=sys.stderr
        )
    mode = "writable with the token" if args.write_token else "read-only"
    print(f"sayso serve: http://{args.host}:{args.port}/ ({mode}); Ctrl-C stops", file=sys.stderr)
    app = create_app(
        lambda: open_ledger(args.db, create=False),
        write_token=args.write_token,
        allow_private_urls=args.allow_private_urls,
        allowed_hosts=LOOPBACK_HOSTS if _is_loopback(args.host) else None,
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    return 0


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
