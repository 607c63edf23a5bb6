"""The ledger's public API: typed records and the :class:`Ledger` that stores and queries them.

This is the one query layer under both the terminal commands (`sayso search`, `speakers`, ...)
and the web API (`sayso serve`). Every record has ``to_dict()`` giving its JSON shape; claims
keep their spans, so each one can be checked against ``Ledger.article(id).text``.

Ordering is deterministic and the same on SQLite and PostgreSQL: claims newest article first
(undated last), then by article id, then in article order.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, Generic, Literal, TypeVar

from sayso.errors import InputError
from sayso.records import AnalysedArticle, Article, Attribution

DEFAULT_DB = "sayso.db"
"""The ledger used when neither ``--db`` nor ``$SAYSO_DB`` names one: a SQLite file here."""

DB_ENV = "SAYSO_DB"

T = TypeVar("T")


def resolve_db_url(url: str | None = None) -> str:
    """The ledger to use: ``url`` if given, else ``$SAYSO_DB``, else ``./sayso.db``."""
    return url or os.environ.get(DB_ENV) or DEFAULT_DB


@dataclass(frozen=True)
class SearchQuery:
    """Filters over the ledger's claims; every field is optional and they combine with AND.

    ``text`` is a full-text query over the claim's content: words (stemmed, all required),
    ``"quoted phrases"``, ``OR`` between words, ``-word`` to exclude. ``speaker`` is a speaker
    id or name (any of its names); ``outlet`` an outlet id, name or domain; ``entity`` a name
    mentioned inside the claim's content. ``date_from``/``date_to`` are ISO dates
    (``YYYY-MM-DD``), inclusive, on the article's publication date.
    """

    text: str | None = None
    speaker: str | int | None = None
    speaker_type: str | None = None
    stance: str | None = None
    kind: str | None = None
    outlet: str | int | None = None
    date_from: str | None = None
    date_to: str | None = None
    entity: str | None = None
    article: str | None = None
    limit: int = 20
    offset: int = 0


@dataclass
class Page(Generic[T]):
    """One page of results and the total number of results without paging."""

    items: list[T]
    total: int
    limit: int
    offset: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": [_to_dict(i) for i in self.items],
            "total": self.total,
            "limit": self.limit,
            "offset": self.offset,
        }


@dataclass(frozen=True)
class SpeakerRef:
    """A speaker as named in results: ledger id, canonical name and type."""

    id: int
    name: str
    type: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ArticleSummary:
    """An article's metadata without its text (see :meth:`Ledger.article` for the full record)."""

    id: str
    title: str | None
    url: str | None
    outlet: str | None
    outlet_id: int | None
    published: str | None
    authors: list[str] = field(default_factory=list)
    input: str = ""
    attributions: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ClaimHit:
    """One stored claim with its article's metadata and its resolved speakers.

    ``attribution`` is in the SPEC record shape: its spans index the article's text.
    """

    id: int
    article: ArticleSummary
    attribution: Attribution
    speakers: list[SpeakerRef]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "article": self.article.to_dict(),
            "attribution": self.attribution.to_dict(),
            "speakers": [s.to_dict() for s in self.speakers],
        }


@dataclass
class ClaimLinks:
    """A claim and the claims of other articles with the same content (see :mod:`sayso.link.claims`).

    ``first`` is the earliest published of them all (possibly the claim itself): who reported it
    first. ``echoes`` repeat it (any stance but a denial), ``denials`` deny it; both oldest first.
    """

    claim: ClaimHit
    first: ClaimHit
    echoes: list[ClaimHit] = field(default_factory=list)
    denials: list[ClaimHit] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "claim": self.claim.to_dict(),
            "first": self.first.to_dict(),
            "echoes": [c.to_dict() for c in self.echoes],
            "denials": [c.to_dict() for c in self.denials],
        }


@dataclass
class SpeakerSummary:
    """A speaker across the ledger: names, roles, how often and where it is quoted."""

    id: int
    name: str
    type: str
    claims: int
    articles: int
    roles: list[str] = field(default_factory=list)
    outlets: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    first_seen: str | None = None
    last_seen: str | None = None
    stances: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class OutletSummary:
    """An outlet: publisher of articles and, when cited as a source, a media speaker."""

    id: int
    name: str
    domain: str | None
    articles: int
    claims: int
    first_published: str | None = None
    last_published: str | None = None
    speaker_id: int | None = None
    cited: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class LedgerStats:
    """Row counts of the ledger."""

    articles: int
    attributions: int
    speakers: int
    outlets: int
    schema_version: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


StoreOutcome = Literal["stored", "replaced", "unchanged"]


@dataclass
class IngestReport:
    """What an ingest did: article ids per outcome, and the inputs that failed with why."""

    stored: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[InputError] = field(default_factory=list)

    def add(self, article_id: str, outcome: StoreOutcome) -> None:
        getattr(self, outcome).append(article_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "stored": len(self.stored),
            "replaced": len(self.replaced),
            "unchanged": len(self.unchanged),
            "failed": [str(e) for e in self.failed],
        }


class Ledger:
    """A ledger database (SQLite file or PostgreSQL server), opened with :func:`open_ledger`.

    Writes are one transaction per article (all of an article's rows or none); readers never
    see half an article. Safe for several processes at once: the same article is stored once.
    Use as a context manager, or call :meth:`close`.
    """

    def __init__(self, backend: Any) -> None:
        self._db = backend

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    # -- writing -------------------------------------------------------------------------

    def contains(self, article: Article) -> bool:
        """Whether this exact article is already stored (same text), so analysis can be skipped.

        False for a changed version of a stored article (same URL or id, new text): storing
        it will replace the old one.
        """
        from sayso.store import _write

        return _write.contains(self._db, article)

    def store(self, article: AnalysedArticle) -> StoreOutcome:
        """Store one analysed article in one transaction and link its speakers.

        ``unchanged`` when the same text is already stored (under any URL); ``replaced`` when
        an article with the same URL or id but other text was stored (its rows are removed).
        Raises :class:`InputError` for a record that cannot be stored (bad spans...), leaving
        the ledger as it was.
        """
        from sayso.store import _write

        return _write.store(self._db, article)

    def ingest(self, articles: Iterable[AnalysedArticle]) -> IngestReport:
        """Store each article (see :meth:`store`); a failed article is reported, the rest go on."""
        report = IngestReport()
        for article in articles:
            try:
                report.add(article.id, self.store(article))
            except InputError as error:
                report.failed.append(error)
        return report

    # -- reading -------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> Page[ClaimHit]:
        """Claims matching ``query``, one page of them, with the total count."""
        from sayso.store import _query

        return _query.search(self._db, query)

    def iter_claims(self, query: SearchQuery, batch_size: int = 1000) -> Iterator[ClaimHit]:
        """Every claim matching ``query`` (its limit and offset ignored), streamed in batches."""
        from sayso.store import _query

        return _query.iter_claims(self._db, query, batch_size)

    def related(self, claim_id: int, limit: int = 50) -> ClaimLinks | None:
        """Who reported this claim first, who echoes it, who denies it; None if no such claim."""
        from sayso.store import _query

        return _query.related(self._db, claim_id, limit)

    def article(self, article_id: str) -> AnalysedArticle | None:
        """The stored record of one article, text and spans as ingested; None if unknown."""
        from sayso.store import _query

        return _query.article(self._db, article_id)

    def articles(
        self,
        *,
        text: str | None = None,
        outlet: str | int | None = None,
        speaker: str | int | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> Page[ArticleSummary]:
        """Articles, newest first; ``text`` is a full-text query over title and text."""
        from sayso.store import _query

        return _query.articles(self._db, text, outlet, speaker, date_from, date_to, limit, offset)

    def speakers(
        self,
        *,
        name: str | None = None,
        type: str | None = None,
        outlet: str | int | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Page[SpeakerSummary]:
        """Speakers, most quoted first; ``name`` matches any of their names (substring)."""
        from sayso.store import _query

        return _query.speakers(self._db, name, type, outlet, limit, offset)

    def speaker(self, id_or_name: str | int) -> SpeakerSummary | None:
        """One speaker by ledger id or by any of its names (the most quoted if several)."""
        from sayso.store import _query

        return _query.speaker(self._db, id_or_name)

    def speaker_timeline(
        self, id_or_name: str | int, query: SearchQuery | None = None
    ) -> Page[ClaimHit] | None:
        """One speaker's claims, oldest first, optionally filtered; None if no such speaker."""
        from sayso.store import _query

        return _query.speaker_timeline(self._db, id_or_name, query or SearchQuery(limit=100))

    def outlets(self, *, limit: int = 50, offset: int = 0) -> Page[OutletSummary]:
        """Outlets, most articles first."""
        from sayso.store import _query

        return _query.outlets(self._db, limit, offset)

    def outlet(self, id_or_name: str | int) -> OutletSummary | None:
        """One outlet by ledger id, name or domain; None if unknown."""
        from sayso.store import _query

        return _query.outlet(self._db, id_or_name)

    def stats(self) -> LedgerStats:
        """Counts of articles, attributions, speakers and outlets."""
        from sayso.store import _query

        return _query.stats(self._db)


def open_ledger(url: str | None = None, *, create: bool = True) -> Ledger:
    """Open (and create or migrate) the ledger at ``url``: a SQLite path, ``sqlite:///path``,
    or ``postgresql://...``; default :func:`resolve_db_url`.
    """
    from sayso.store._backend import connect

    return Ledger(connect(resolve_db_url(url), create=create))


def _to_dict(item: Any) -> Any:
    return item.to_dict() if hasattr(item, "to_dict") else item
