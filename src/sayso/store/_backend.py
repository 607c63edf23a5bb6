"""Database connections: every difference between SQLite and PostgreSQL lives in this module.

The rest of the store writes plain parameterised SQL with ``?`` placeholders and asks the
backend for the few things that differ: the write lock, full-text matching, streaming cursors.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sayso.errors import UsageError
from sayso.store import _schema
from sayso.store._fts import FtsQuery

LOCK_TIMEOUT_S = 60
"""How long a SQLite connection waits for another process's lock before giving up."""

Params = Sequence[Any]

_WRITE_LOCK = 0x5A7507  # PostgreSQL advisory lock id: one writer transaction at a time, like SQLite


class Backend:
    """A connection in autocommit mode; :meth:`write` opens a serialised write transaction."""

    dialect: str
    errors: tuple[type[Exception], ...]
    """What the driver raises when the database refuses a statement."""

    def execute(self, sql: str, params: Params = ()) -> Any:
        raise NotImplementedError

    def executemany(self, sql: str, rows: list[Sequence[Any]]) -> None:
        raise NotImplementedError

    def all(self, sql: str, params: Params = ()) -> list[tuple]:
        return self.execute(sql, params).fetchall()

    def one(self, sql: str, params: Params = ()) -> tuple | None:
        return self.execute(sql, params).fetchone()

    def scalar(self, sql: str, params: Params = ()) -> Any:
        row = self.one(sql, params)
        return None if row is None else row[0]

    def write(self) -> contextlib.AbstractContextManager[None]:
        """A transaction that holds the ledger's write lock: committed whole, or rolled back."""
        raise NotImplementedError

    def read(self) -> contextlib.AbstractContextManager[None]:
        """A read transaction: one consistent snapshot for several queries."""
        raise NotImplementedError

    def stream(self, sql: str, params: Params, batch_size: int) -> Iterator[list[tuple]]:
        """Rows of a query in batches, without loading them all (call inside :meth:`read`)."""
        cursor = self.execute(sql, params)
        while rows := cursor.fetchmany(batch_size):
            yield rows

    def has_table(self, name: str) -> bool:
        raise NotImplementedError

    def claim_match(self, query: FtsQuery) -> tuple[str, list[Any]]:
        """SQL condition on attributions ``a`` for a full-text query over claim content."""
        raise NotImplementedError

    def article_match(self, query: FtsQuery) -> tuple[str, list[Any]]:
        """SQL condition on articles ``ar`` for a full-text query over title and text."""
        raise NotImplementedError

    def index_claims(self, rows: list[tuple[int, str]]) -> None:
        """Add (attribution pk, content) rows to the full-text index (inside :meth:`write`)."""

    def index_article(self, pk: int, title: str | None, text: str) -> None:
        """Add an article to the full-text index (inside :meth:`write`)."""

    def unindex_articles(self, pks: list[int]) -> None:
        """Remove articles and their claims from the full-text index (before deleting rows)."""

    def close(self) -> None:
        raise NotImplementedError


class SQLiteBackend(Backend):
    """An embedded SQLite file in WAL mode; FTS5 tables mirror claim content and article text."""

    dialect = "sqlite"
    errors = (sqlite3.Error,)

    def __init__(self, path: str) -> None:
        self.path = path
        self.conn = sqlite3.connect(
            path, isolation_level=None, timeout=LOCK_TIMEOUT_S, check_same_thread=False
        )
        self._enter_wal_mode()
        # WAL + NORMAL: a killed process never loses a commit; a power cut may lose the last few but
        # never corrupts. Checkpoints (which fsync) every ~40 MB of WAL rather than SQLite's 4 MB.
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA wal_autocheckpoint=10000")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.conn.execute(f"PRAGMA busy_timeout={LOCK_TIMEOUT_S * 1000}")

    def _enter_wal_mode(self) -> None:
        """Switch the file to WAL, waiting while another process does so: that switch takes an
        exclusive lock and SQLite answers "database is locked" at once, without its busy wait,
        when two processes create the same new ledger together."""
        deadline = time.monotonic() + LOCK_TIMEOUT_S
        while True:
            try:
                self.conn.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def execute(self, sql: str, params: Params = ()) -> Any:
        return self.conn.execute(sql, params)

    def executemany(self, sql: str, rows: list[Sequence[Any]]) -> None:
        self.conn.executemany(sql, rows)

    @contextlib.contextmanager
    def write(self) -> Iterator[None]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    @contextlib.contextmanager
    def read(self) -> Iterator[None]:
        self.conn.execute("BEGIN")
        try:
            yield
        finally:
            self.conn.execute("COMMIT")

    def has_table(self, name: str) -> bool:
        return self.one("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)) is not None

    def claim_match(self, query: FtsQuery) -> tuple[str, list[Any]]:
        return "a.pk IN (SELECT rowid FROM claim_fts WHERE claim_fts MATCH ?)", [query.fts5()]

    def article_match(self, query: FtsQuery) -> tuple[str, list[Any]]:
        return "ar.pk IN (SELECT rowid FROM article_fts WHERE article_fts MATCH ?)", [query.fts5()]

    def index_claims(self, rows: list[tuple[int, str]]) -> None:
        self.conn.executemany("INSERT INTO claim_fts(rowid, content) VALUES (?, ?)", rows)

    def index_article(self, pk: int, title: str | None, text: str) -> None:
        self.conn.execute(
            "INSERT INTO article_fts(rowid, title, text) VALUES (?, ?, ?)", (pk, title or "", text)
        )

    def unindex_articles(self, pks: list[int]) -> None:
        marks = ",".join("?" * len(pks))
        self.conn.execute(
            "DELETE FROM claim_fts WHERE rowid IN"
            f" (SELECT pk FROM attributions WHERE article_pk IN ({marks}))",
            pks,
        )
        self.conn.execute(f"DELETE FROM article_fts WHERE rowid IN ({marks})", pks)

    def close(self) -> None:
        self.conn.close()


class PostgresBackend(Backend):
    """A PostgreSQL server (psycopg 3); generated ``tsvector`` columns carry the full-text index."""

    dialect = "postgresql"

    def __init__(self, url: str) -> None:
        import psycopg

        self.errors = (psycopg.Error,)
        try:
            self.conn = psycopg.connect(url, autocommit=True)
        except psycopg.OperationalError as error:
            raise UsageError(f"--db {_redact(url)}: cannot connect: {_first_line(error)}") from None
        # Like SQLite's WAL + NORMAL: commits survive this process being killed; a server crash may
        # lose the last few (never corrupting), and a rerun of the idempotent ingest stores them again.
        self.conn.execute("SET synchronous_commit = off")

    def execute(self, sql: str, params: Params = ()) -> Any:
        return self.conn.execute(sql.replace("?", "%s"), params)

    def executemany(self, sql: str, rows: list[Sequence[Any]]) -> None:
        if rows:
            with self.conn.cursor() as cursor:
                cursor.executemany(sql.replace("?", "%s"), rows)

    @contextlib.contextmanager
    def write(self) -> Iterator[None]:
        with self.conn.transaction():
            self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITE_LOCK,))
            yield

    @contextlib.contextmanager
    def read(self) -> Iterator[None]:
        with self.conn.transaction():
            self.conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield

    def stream(self, sql: str, params: Params, batch_size: int) -> Iterator[list[tuple]]:
        with self.conn.cursor(name="sayso_stream") as cursor:
            cursor.itersize = batch_size
            cursor.execute(sql.replace("?", "%s"), params)
            while rows := cursor.fetchmany(batch_size):
                yield rows

    def has_table(self, name: str) -> bool:
        return self.scalar("SELECT to_regclass(?) IS NOT NULL", (name,))

    def claim_match(self, query: FtsQuery) -> tuple[str, list[Any]]:
        sql, params = query.tsquery()
        return f"a.content_tsv @@ ({sql})", params

    def article_match(self, query: FtsQuery) -> tuple[str, list[Any]]:
        sql, params = query.tsquery()
        return f"ar.tsv @@ ({sql})", params

    def close(self) -> None:
        self.conn.close()


def connect(url: str, *, create: bool = True) -> Backend:
    """Open the ledger at ``url`` and bring its schema up to date."""
    if url.startswith(("postgresql://", "postgres://")):
        backend: Backend = PostgresBackend(url)
    else:
        path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url.removeprefix("sqlite:")
        if path != ":memory:" and not Path(path).exists():
            if not create:
                raise UsageError(f"--db {url}: no such ledger")
            if not Path(path).parent.is_dir():
                raise UsageError(f"--db {url}: folder {Path(path).parent} does not exist")
        try:
            backend = SQLiteBackend(path)
        except sqlite3.Error as error:
            raise UsageError(f"--db {url}: {error}") from None
    try:
        _schema.migrate(backend)
    except backend.errors as error:
        backend.close()
        raise UsageError(f"--db {_redact(url)}: not a sayso ledger: {_first_line(error)}") from None
    return backend


def _redact(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")))


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
