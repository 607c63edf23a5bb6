"""Reading the ledger: the SQL behind :class:`sayso.store.Ledger`'s queries (both dialects)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from sayso.errors import UsageError
from sayso.link.claims import DENYING_STANCES, SAME_CONTENT, content_words, same_content
from sayso.link.names import name_key, person_key
from sayso.link.outlets import outlet_identity
from sayso.link.speakers import distinct_roles
from sayso.records import AnalysedArticle, Attribution, Entity, Region, Role, Source
from sayso.store import _schema
from sayso.store._fts import FtsQuery
from sayso.store._write import Published
from sayso.store.api import (
    ArticleSummary,
    ClaimHit,
    ClaimLinks,
    LedgerStats,
    OutletSummary,
    Page,
    SearchQuery,
    SpeakerRef,
    SpeakerSummary,
)

if TYPE_CHECKING:
    from sayso.store._backend import Backend

_NEWEST_FIRST = "a.published_sort DESC NULLS LAST, a.article_pk DESC, a.seq"
_OLDEST_FIRST = "a.published_sort ASC NULLS LAST, a.article_pk, a.seq"
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NOTHING = None
"""What a filter builder returns when the filter names nothing known: no result can match."""


def _marks(values: list[Any]) -> str:
    return ",".join("?" * len(values))


def _day(value: str, flag: str) -> str:
    if not _DAY.match(value):
        raise UsageError(f"{flag} {value!r}: expected a date as YYYY-MM-DD")
    return value


def speaker_ids(db: Backend, ref: str | int) -> list[int]:
    """Speakers a reference names: an id; else a name or alias; else a surname; else part of a name."""
    text = str(ref).strip()
    if text.isdigit():
        return [sid for (sid,) in db.all("SELECT id FROM speakers WHERE id = ?", (int(text),))]
    key, plain = person_key(text), name_key(text)
    keys = [f"named:{key}", f"named:{plain}", f"anonymous:{plain}"]
    outlet = outlet_identity(text)
    if outlet:
        keys.append(f"media:{outlet.key}")
    for sql, params in (
        (
            f"SELECT id FROM speakers WHERE key IN ({_marks(keys)})"
            " UNION SELECT speaker_id FROM entities WHERE key IN (?, ?) AND speaker_id IS NOT NULL",
            [*keys, plain, key],
        ),
        ("SELECT id FROM speakers WHERE surname = ?", [key]),
        ("SELECT id FROM speakers WHERE lower(name) LIKE ?", [f"%{text.lower()}%"]),
    ):
        ids = sorted(sid for (sid,) in db.all(sql, params))
        if ids:
            return ids
    return []


def outlet_ids(db: Backend, ref: str | int) -> list[int]:
    """Outlets a reference names: an id, a name, an alias or a domain."""
    text = str(ref).strip()
    if text.isdigit():
        return [oid for (oid,) in db.all("SELECT id FROM outlets WHERE id = ?", (int(text),))]
    outlet = outlet_identity(text)
    rows = db.all(
        "SELECT id FROM outlets WHERE key = ? OR domain = ? OR lower(name) = ? ORDER BY id",
        (outlet.key if outlet else "", text.lower(), text.lower()),
    )
    return [oid for (oid,) in rows]


def _claim_filter(db: Backend, q: SearchQuery) -> tuple[str, list[Any]] | None:
    """WHERE clause over attributions ``a`` for a query; None when it can match nothing."""
    where: list[str] = []
    params: list[Any] = []
    if q.text and q.text.strip():
        sql, fts_params = db.claim_match(FtsQuery.parse(q.text))
        where.append(sql)
        params += fts_params
    if q.speaker is not None and str(q.speaker).strip():
        ids = speaker_ids(db, q.speaker)
        if not ids:
            return _NOTHING
        where.append(
            f"a.pk IN (SELECT attribution_pk FROM claim_speakers WHERE speaker_id IN ({_marks(ids)}))"
        )
        params += ids
    for column, value in (("source_type", q.speaker_type), ("stance", q.stance), ("kind", q.kind)):
        if value:
            where.append(f"a.{column} = ?")
            params.append(value)
    if q.outlet is not None and str(q.outlet).strip():
        ids = outlet_ids(db, q.outlet)
        if not ids:
            return _NOTHING
        where.append(f"a.outlet_id IN ({_marks(ids)})")
        params += ids
    if q.date_from:
        where.append("a.published_day >= ?")
        params.append(_day(q.date_from, "--from"))
    if q.date_to:
        where.append("a.published_day <= ?")
        params.append(_day(q.date_to, "--to"))
    if q.entity and q.entity.strip():
        where.append("a.pk IN (SELECT attribution_pk FROM claim_mentions WHERE key IN (?, ?))")
        params += [name_key(q.entity), person_key(q.entity)]
    if q.article:
        where.append("a.article_pk IN (SELECT pk FROM articles WHERE id = ?)")
        params.append(q.article)
    return " AND ".join(where) or "1 = 1", params


def search(db: Backend, q: SearchQuery, order: str = _NEWEST_FIRST) -> Page[ClaimHit]:
    limit, offset = max(0, q.limit), max(0, q.offset)
    with db.read():
        claim_filter = _claim_filter(db, q)
        if claim_filter is _NOTHING:
            return Page([], 0, limit, offset)
        where, params = claim_filter
        # the page and the total in one pass over the matches
        rows = db.all(
            f"SELECT a.pk, count(*) OVER () FROM attributions a WHERE {where}"
            f" ORDER BY {order} LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        if rows:
            total = rows[0][1]
        else:  # a page past the end, or no match
            total = db.scalar(f"SELECT count(*) FROM attributions a WHERE {where}", params) if offset else 0
        return Page(_hits(db, [pk for pk, _ in rows]), total, limit, offset)


def iter_claims(db: Backend, q: SearchQuery, batch_size: int) -> Iterator[ClaimHit]:
    with db.read():
        claim_filter = _claim_filter(db, q)
        if claim_filter is _NOTHING:
            return
        where, params = claim_filter
        sql = f"SELECT a.pk FROM attributions a WHERE {where} ORDER BY {_NEWEST_FIRST}"
        for rows in db.stream(sql, params, batch_size):
            yield from _hits(db, [pk for (pk,) in rows])


def _hits(db: Backend, pks: list[int]) -> list[ClaimHit]:
    """Claims by attribution pk, in the given order, with their articles and speakers."""
    if not pks:
        return []
    marks = _marks(pks)
    speakers: dict[int, list[SpeakerRef]] = {pk: [] for pk in pks}
    names: dict[int, list[str]] = {pk: [] for pk in pks}
    for apk, name, sid, canonical, type in db.all(
        "SELECT cs.attribution_pk, cs.name, s.id, s.name, s.type FROM claim_speakers cs"
        f" JOIN speakers s ON s.id = cs.speaker_id WHERE cs.attribution_pk IN ({marks})"
        " ORDER BY cs.attribution_pk, cs.seq",
        pks,
    ):
        names[apk].append(name)
        if all(s.id != sid for s in speakers[apk]):
            speakers[apk].append(SpeakerRef(sid, canonical, type))
    rows = {
        row[0]: row
        for row in db.all(
            "SELECT a.pk, a.article_pk, a.aid, a.kind, a.stance, a.source_type, a.source_entity,"
            " a.source_text, a.source_spans, a.cue_text, a.cue_spans, a.content_text, a.content_spans"
            f" FROM attributions a WHERE a.pk IN ({marks})",
            pks,
        )
    }
    articles = _article_summaries(db, sorted({row[1] for row in rows.values()}))
    hits = []
    for pk in pks:
        row = rows[pk]
        attribution = _attribution(row[2:], names[pk])
        hits.append(ClaimHit(pk, articles[row[1]], attribution, speakers[pk]))
    return hits


def related(db: Backend, claim_id: int, limit: int) -> ClaimLinks | None:
    """Claims of other articles sharing this claim's content, found through the full-text index."""
    with db.read():
        if db.one("SELECT 1 FROM attributions WHERE pk = ?", (claim_id,)) is None:
            return None
        claim = _hits(db, [claim_id])[0]
        words = content_words(claim.attribution.content.text)
        candidates: list[ClaimHit] = []
        if len(words) >= 2:
            # any of the longest words, then keep those that share enough of them
            query = FtsQuery((tuple((w,) for w in sorted(words, key=lambda w: (-len(w), w))[:8]),))
            condition, params = db.claim_match(query)
            rows = db.all(
                f"SELECT a.pk FROM attributions a WHERE {condition} AND a.article_pk <>"
                f" (SELECT article_pk FROM attributions WHERE pk = ?) ORDER BY {_NEWEST_FIRST} LIMIT ?",
                [*params, claim_id, 20 * limit],
            )
            candidates = [
                hit
                for hit in _hits(db, [pk for (pk,) in rows])
                if same_content(words, content_words(hit.attribution.content.text)) >= SAME_CONTENT
            ]
    story = sorted([claim, *candidates], key=_publication_order)
    others = [hit for hit in story if hit.id != claim.id]
    return ClaimLinks(
        claim=claim,
        first=story[0],
        echoes=[h for h in others if h.attribution.stance not in DENYING_STANCES][:limit],
        denials=[h for h in others if h.attribution.stance in DENYING_STANCES][:limit],
    )


def _publication_order(hit: ClaimHit) -> tuple:
    """Oldest first, undated last; then as stored."""
    when = Published.parse(hit.article.published).sort
    return (when is None, when or "", hit.id)


def _attribution(row: tuple, speakers: list[str]) -> Attribution:
    aid, kind, stance, stype, sentity, stext, sspans, ctext, cspans, text, tspans = row
    return Attribution(
        id=aid,
        source=Source(spans=_spans(sspans), text=stext, entity=sentity, type=stype),
        cue=Role(spans=_spans(cspans), text=ctext),
        content=Role(spans=_spans(tspans), text=text),
        kind=kind,
        stance=stance,
        speakers=speakers,
    )


def _spans(value: str) -> list[tuple[int, int]]:
    return [(s, e) for s, e in json.loads(value)]


_ARTICLE_COLUMNS = (
    "ar.pk, ar.id, ar.title, ar.url, o.name, ar.outlet_id, ar.published, ar.authors, ar.input,"
    " (SELECT count(*) FROM attributions x WHERE x.article_pk = ar.pk)"
)


def _summary(row: tuple) -> ArticleSummary:
    _, aid, title, url, outlet, outlet_id, published, authors, input, count = row
    return ArticleSummary(aid, title, url, outlet, outlet_id, published, json.loads(authors), input, count)


def _article_summaries(db: Backend, pks: list[int]) -> dict[int, ArticleSummary]:
    rows = db.all(
        f"SELECT {_ARTICLE_COLUMNS} FROM articles ar LEFT JOIN outlets o ON o.id = ar.outlet_id"
        f" WHERE ar.pk IN ({_marks(pks)})",
        pks,
    )
    return {row[0]: _summary(row) for row in rows}


def article(db: Backend, article_id: str) -> AnalysedArticle | None:
    with db.read():
        row = db.one(
            "SELECT pk, input, id, text, url, outlet, title, published, authors, regions"
            " FROM articles WHERE id = ?",
            (article_id,),
        )
        if row is None:
            return None
        pk, input, aid, text, url, outlet, title, published, authors, regions = row
        entities = [
            Entity(eid, name, type, json.loads(roles), _spans(mentions))
            for eid, name, type, roles, mentions in db.all(
                "SELECT eid, name, type, roles, mentions FROM entities WHERE article_pk = ? ORDER BY pk",
                (pk,),
            )
        ]
        claims = db.all("SELECT pk FROM attributions WHERE article_pk = ? ORDER BY seq", (pk,))
        claim_pks = [p for (p,) in claims]
        return AnalysedArticle(
            input=input,
            id=aid,
            text=text,
            url=url,
            outlet=outlet,
            title=title,
            published=published,
            authors=json.loads(authors),
            regions=[Region.from_dict(r) for r in json.loads(regions)],
            entities=entities,
            attributions=[hit.attribution for hit in _hits(db, claim_pks)],
        )


def articles(
    db: Backend,
    text: str | None,
    outlet: str | int | None,
    speaker: str | int | None,
    date_from: str | None,
    date_to: str | None,
    limit: int,
    offset: int,
) -> Page[ArticleSummary]:
    where: list[str] = []
    params: list[Any] = []
    with db.read():
        if text and text.strip():
            sql, fts_params = db.article_match(FtsQuery.parse(text))
            where.append(sql)
            params += fts_params
        for ref, lookup, condition in (
            (outlet, outlet_ids, "ar.outlet_id IN ({})"),
            (
                speaker,
                speaker_ids,
                "ar.pk IN (SELECT a.article_pk FROM attributions a JOIN claim_speakers cs"
                " ON cs.attribution_pk = a.pk WHERE cs.speaker_id IN ({}))",
            ),
        ):
            if ref is not None and str(ref).strip():
                ids = lookup(db, ref)
                if not ids:
                    return Page([], 0, limit, offset)
                where.append(condition.format(_marks(ids)))
                params += ids
        if date_from:
            where.append("ar.published_day >= ?")
            params.append(_day(date_from, "--from"))
        if date_to:
            where.append("ar.published_day <= ?")
            params.append(_day(date_to, "--to"))
        condition = " AND ".join(where) or "1 = 1"
        total = db.scalar(f"SELECT count(*) FROM articles ar WHERE {condition}", params)
        rows = db.all(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles ar LEFT JOIN outlets o ON o.id = ar.outlet_id"
            f" WHERE {condition} ORDER BY ar.published_sort DESC NULLS LAST, ar.pk DESC LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return Page([_summary(row) for row in rows], total, limit, offset)


def speakers(
    db: Backend,
    name: str | None,
    type: str | None,
    outlet: str | int | None,
    limit: int,
    offset: int,
    ids: list[int] | None = None,
) -> Page[SpeakerSummary]:
    where: list[str] = []
    params: list[Any] = []
    with db.read():
        if name and name.strip():
            where.append("lower(s.name) LIKE ?")
            params.append(f"%{name.strip().lower()}%")
        if type:
            where.append("s.type = ?")
            params.append(type)
        if outlet is not None and str(outlet).strip():
            found = outlet_ids(db, outlet)
            if not found:
                return Page([], 0, limit, offset)
            where.append(f"a.outlet_id IN ({_marks(found)})")
            params += found
        if ids is not None:
            where.append(f"s.id IN ({_marks(ids)})")
            params += ids
        if outlet is None or not str(outlet).strip():
            # the counts kept on each speaker's row
            where.append("s.claims > 0")
            grouped = (
                "SELECT s.id, s.name, s.type, s.claims AS claims, s.articles, s.first_seen, s.last_seen"
                f" FROM speakers s WHERE {' AND '.join(where)}"
            )
        else:
            # counted within the outlet's claims
            grouped = (
                "SELECT s.id, s.name, s.type, count(DISTINCT a.pk) AS claims, count(DISTINCT a.article_pk),"
                " min(a.published_sort), max(a.published_sort)"
                " FROM speakers s JOIN claim_speakers cs ON cs.speaker_id = s.id"
                " JOIN attributions a ON a.pk = cs.attribution_pk"
                f" WHERE {' AND '.join(where)} GROUP BY s.id, s.name, s.type"
            )
        total = db.scalar(f"SELECT count(*) FROM ({grouped}) g", params)
        rows = db.all(
            f"{grouped} ORDER BY claims DESC, s.name, s.id LIMIT ? OFFSET ?", [*params, limit, offset]
        )
        return Page([_speaker_summary(db, row) for row in rows], total, limit, offset)


def _speaker_summary(db: Backend, row: tuple) -> SpeakerSummary:
    sid, name, type, claims, n_articles, first, last = row
    roles, outlet_ids = (
        json.loads(v) for v in db.one("SELECT roles, outlets FROM speakers WHERE id = ?", (sid,))
    )
    aliases = [n for (n,) in db.all("SELECT DISTINCT name FROM entities WHERE speaker_id = ?", (sid,))]
    outlets = (
        db.all(f"SELECT name FROM outlets WHERE id IN ({_marks(outlet_ids)})", outlet_ids)
        if outlet_ids
        else []
    )
    stances = db.all(
        "SELECT a.stance, count(DISTINCT a.pk) FROM attributions a JOIN claim_speakers cs"
        " ON cs.attribution_pk = a.pk WHERE cs.speaker_id = ? GROUP BY a.stance ORDER BY a.stance",
        (sid,),
    )
    return SpeakerSummary(
        id=sid,
        name=name,
        type=type,
        claims=claims,
        articles=n_articles,
        roles=distinct_roles(roles),
        outlets=sorted(o for (o,) in outlets),
        aliases=sorted(a for a in aliases if a != name),
        first_seen=first,
        last_seen=last,
        stances=dict(stances),
    )


def speaker(db: Backend, ref: str | int) -> SpeakerSummary | None:
    ids = speaker_ids(db, ref)
    if not ids:
        return None
    page = speakers(db, None, None, None, 1, 0, ids=ids)
    return page.items[0] if page.items else None


def speaker_timeline(db: Backend, ref: str | int, q: SearchQuery) -> Page[ClaimHit] | None:
    found = speaker(db, ref)
    if found is None:
        return None
    return search(db, replace(q, speaker=found.id), order=_OLDEST_FIRST)


_OUTLET_COLUMNS = (
    "o.id, o.name, o.domain,"
    " (SELECT count(*) FROM articles ar WHERE ar.outlet_id = o.id) AS n_articles,"
    " (SELECT count(*) FROM attributions a WHERE a.outlet_id = o.id),"
    " (SELECT min(published_sort) FROM articles ar WHERE ar.outlet_id = o.id),"
    " (SELECT max(published_sort) FROM articles ar WHERE ar.outlet_id = o.id),"
    " (SELECT min(s.id) FROM speakers s WHERE s.outlet_id = o.id),"
    " (SELECT count(DISTINCT cs.attribution_pk) FROM claim_speakers cs JOIN speakers s"
    " ON s.id = cs.speaker_id WHERE s.outlet_id = o.id)"
)


def outlets(db: Backend, limit: int, offset: int) -> Page[OutletSummary]:
    with db.read():
        total = db.scalar("SELECT count(*) FROM outlets")
        rows = db.all(
            f"SELECT {_OUTLET_COLUMNS} FROM outlets o"
            " ORDER BY n_articles DESC, o.name, o.id LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return Page([OutletSummary(*row) for row in rows], total, limit, offset)


def outlet(db: Backend, ref: str | int) -> OutletSummary | None:
    with db.read():
        ids = outlet_ids(db, ref)
        if not ids:
            return None
        row = db.one(f"SELECT {_OUTLET_COLUMNS} FROM outlets o WHERE o.id = ?", (ids[0],))
        return OutletSummary(*row) if row else None


def stats(db: Backend) -> LedgerStats:
    with db.read():
        tables = ("articles", "attributions", "speakers", "outlets")
        counts = [db.scalar(f"SELECT count(*) FROM {table}") for table in tables]
        return LedgerStats(*counts, schema_version=_schema.version(db))
