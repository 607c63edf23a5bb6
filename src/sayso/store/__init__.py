"""The ledger: stored articles, speakers, outlets and attributed claims, and queries over them.

SQLite file by default (``./sayso.db``, or ``$SAYSO_DB``), PostgreSQL for a ``postgresql://``
URL; same schema, same queries, same results. Public names live in :mod:`sayso.store.api`.
"""

from sayso.store.api import (
    DB_ENV,
    DEFAULT_DB,
    ArticleSummary,
    ClaimHit,
    ClaimLinks,
    IngestReport,
    Ledger,
    LedgerStats,
    OutletSummary,
    Page,
    SearchQuery,
    SpeakerRef,
    SpeakerSummary,
    open_ledger,
    resolve_db_url,
)

__all__ = [
    "DB_ENV",
    "DEFAULT_DB",
    "ArticleSummary",
    "ClaimHit",
    "ClaimLinks",
    "IngestReport",
    "Ledger",
    "LedgerStats",
    "OutletSummary",
    "Page",
    "SearchQuery",
    "SpeakerRef",
    "SpeakerSummary",
    "open_ledger",
    "resolve_db_url",
]
