"""Storing analysed articles: one write transaction per article, speakers linked on the way."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sayso.errors import InputError
from sayso.link.names import name_key, person_key
from sayso.link.outlets import OutletIdentity, outlet_identity
from sayso.link.speakers import Candidate, SpeakerIdentity, choose_full_name, speaker_identity
from sayso.records import AnalysedArticle, Article, Attribution, Span
from sayso.store import _schema

if TYPE_CHECKING:
    from sayso.store._backend import Backend
    from sayso.store.api import StoreOutcome


def text_hash(text: str) -> str:
    """SHA-256 of the whitespace-normalised text: the same article read twice hashes alike."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Published:
    """A publication date as given, its UTC sort key and its calendar day (both None if unparsed)."""

    raw: str | None
    sort: str | None
    day: str | None

    @classmethod
    def parse(cls, value: str | None) -> Published:
        if not value:
            return cls(None, None, None)
        try:
            when = datetime.fromisoformat(value.strip())
        except ValueError:
            return cls(value, None, None)
        day = when.date().isoformat()
        if when.tzinfo is not None:
            when = when.astimezone(UTC).replace(tzinfo=None)
        return cls(value, when.isoformat(timespec="seconds"), day)


def contains(db: Backend, article: Article) -> bool:
    """Whether an article with the same text is stored."""
    return db.one("SELECT 1 FROM articles WHERE text_hash = ?", (text_hash(article.text),)) is not None


def store(db: Backend, article: AnalysedArticle) -> StoreOutcome:
    """Store one article in one transaction; see :meth:`sayso.store.Ledger.store`."""
    _validate(article)
    try:
        return _store(db, article)
    except db.errors as error:  # rolled back: the ledger is as it was
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise InputError(article.input or article.id, f"the ledger refused the record: {reason}") from None


def _store(db: Backend, article: AnalysedArticle) -> StoreOutcome:
    digest = text_hash(article.text)
    published = Published.parse(article.published)
    outlet = outlet_identity(article.outlet, article.url)
    with db.write():
        if db.one("SELECT 1 FROM articles WHERE text_hash = ?", (digest,)):
            return "unchanged"
        old = [
            pk
            for (pk,) in db.all("SELECT pk FROM articles WHERE url = ? OR id = ?", (article.url, article.id))
        ]
        if old:
            _delete(db, old)
        outlet_id = _outlet_id(db, outlet) if outlet else None
        pk = db.scalar(
            "INSERT INTO articles (id, url, text_hash, input, outlet, outlet_id, title, published,"
            " published_sort, published_day, authors, text, regions, ingested_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING pk",
            (
                article.id,
                article.url,
                digest,
                article.input,
                article.outlet,
                outlet_id,
                article.title,
                published.raw,
                published.sort,
                published.day,
                json.dumps(article.authors),
                article.text,
                json.dumps([r.to_dict() for r in article.regions]),
                datetime.now(UTC).isoformat(timespec="seconds"),
            ),
        )
        db.index_article(pk, article.title, article.text)
        _ArticleWriter(db, article, pk, outlet_id, published).write()
    return "replaced" if old else "stored"


def _validate(article: AnalysedArticle) -> None:
    """Refuse a record whose spans do not fit its text or whose sources name unknown entities."""
    where = article.input or article.id

    def check(spans: list[Span], what: str) -> None:
        for start, end in spans:
            if not 0 <= start <= end <= len(article.text):
                raise InputError(
                    where, f"{what}: span [{start}, {end}] outside the text ({len(article.text)} chars)"
                )

    if not article.text.strip():
        raise InputError(where, "empty text")
    if "\x00" in article.text:
        raise InputError(where, "the text contains NUL characters")
    entity_ids = {e.id for e in article.entities}
    for entity in article.entities:
        check(entity.mentions, f"entity {entity.id}")
    for region in article.regions:
        check([region.span], f"region {region.kind}")
    for a in article.attributions:
        for role in (a.source, a.cue, a.content):
            check(role.spans, f"attribution {a.id}")
        if a.source.entity is not None and a.source.entity not in entity_ids:
            raise InputError(
                where, f"attribution {a.id}: source entity {a.source.entity!r} is not in entities"
            )
        if not a.content.spans:
            raise InputError(where, f"attribution {a.id}: content has no span")


def _delete(db: Backend, pks: list[int]) -> None:
    """Remove articles with all their rows, then speakers and outlets nothing refers to any more."""
    marks = ",".join("?" * len(pks))
    speakers = [
        sid
        for (sid,) in db.all(
            "SELECT DISTINCT cs.speaker_id FROM claim_speakers cs"
            f" JOIN attributions a ON a.pk = cs.attribution_pk WHERE a.article_pk IN ({marks})"
            f" UNION SELECT speaker_id FROM entities WHERE article_pk IN ({marks})"
            " AND speaker_id IS NOT NULL",
            pks + pks,
        )
    ]
    outlets = [oid for (oid,) in db.all(f"SELECT outlet_id FROM articles WHERE pk IN ({marks})", pks) if oid]
    db.unindex_articles(pks)
    db.execute(f"DELETE FROM articles WHERE pk IN ({marks})", pks)
    for sid in speakers:
        if not db.one("SELECT 1 FROM claim_speakers WHERE speaker_id = ?", (sid,)) and not db.one(
            "SELECT 1 FROM entities WHERE speaker_id = ?", (sid,)
        ):
            outlets += [
                oid for (oid,) in db.all("SELECT outlet_id FROM speakers WHERE id = ?", (sid,)) if oid
            ]
            db.execute("DELETE FROM speakers WHERE id = ?", (sid,))
        else:
            _refresh_profile(db, sid)
    for oid in set(outlets):
        if not db.one("SELECT 1 FROM articles WHERE outlet_id = ?", (oid,)) and not db.one(
            "SELECT 1 FROM speakers WHERE outlet_id = ?", (oid,)
        ):
            db.execute("DELETE FROM outlets WHERE id = ?", (oid,))


def _refresh_profile(db: Backend, sid: int) -> None:
    """Recompute a speaker's roles, outlets and counts from what is stored (after articles left)."""
    db.execute(f"{_schema.RECOUNT_SPEAKERS} WHERE id = ?", (sid,))
    rows = db.all("SELECT DISTINCT roles FROM entities WHERE speaker_id = ?", (sid,))
    roles = sorted({role for (listed,) in rows for role in json.loads(listed)})
    outlets = db.all(
        "SELECT DISTINCT a.outlet_id FROM claim_speakers cs JOIN attributions a ON a.pk = cs.attribution_pk"
        " WHERE cs.speaker_id = ? AND a.outlet_id IS NOT NULL ORDER BY a.outlet_id",
        (sid,),
    )
    db.execute(
        "UPDATE speakers SET roles = ?, outlets = ? WHERE id = ?",
        (json.dumps(roles), json.dumps([o for (o,) in outlets]), sid),
    )


def _outlet_id(db: Backend, outlet: OutletIdentity) -> int:
    row = db.one("SELECT id, domain FROM outlets WHERE key = ?", (outlet.key,))
    if row is None:
        return db.scalar(
            "INSERT INTO outlets (key, name, domain) VALUES (?, ?, ?) RETURNING id",
            (outlet.key, outlet.name, outlet.domain),
        )
    if row[1] is None and outlet.domain:
        db.execute("UPDATE outlets SET domain = ? WHERE id = ?", (outlet.domain, row[0]))
    return row[0]


class _ArticleWriter:
    """Writes one article's entities and attributions, resolving each speaker name to a speaker."""

    def __init__(
        self, db: Backend, article: AnalysedArticle, pk: int, outlet_id: int | None, published: Published
    ) -> None:
        self.db = db
        self.article = article
        self.pk = pk
        self.outlet_id = outlet_id
        self.published = published
        self.entities = {e.id: e for e in article.entities}
        self.by_name = {person_key(e.name): e for e in article.entities}
        self.speaker_ids: dict[str, int] = {}
        self.canonical: dict[str, str] = {}
        self.new_full_names: list[tuple[str, int]] = []
        self.profiles: dict[int, tuple[set[str], set[int]]] = {}

    def write(self) -> None:
        names = self._speaker_names()
        # full names first, so that a surname in the same article finds them
        for name, type, roles in sorted(names.values(), key=lambda n: -len(person_key(n[0]).split())):
            key = person_key(name)
            self.speaker_ids[key], self.canonical[key] = self._speaker(speaker_identity(name, type), roles)
        self.db.executemany(
            "INSERT INTO entities (article_pk, eid, name, type, key, roles, mentions, speaker_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    self.pk,
                    e.id,
                    e.name,
                    e.type,
                    name_key(e.name),
                    json.dumps(e.roles),
                    json.dumps([list(m) for m in e.mentions]),
                    self.speaker_ids.get(person_key(e.name)),
                )
                for e in self.article.entities
            ],
        )
        # a new full name may be the speaker that earlier articles knew only by its surname
        for surname, sid in self.new_full_names:
            self._absorb_surname_speaker(surname, sid)
        # rows are numbered here: writers hold the ledger's write lock, so the numbers are free
        first = self.db.scalar("SELECT coalesce(max(pk), 0) + 1 FROM attributions")
        pks = list(range(first, first + len(self.article.attributions)))
        attributions = list(zip(pks, self.article.attributions, strict=True))
        self.db.executemany(
            "INSERT INTO attributions (pk, article_pk, seq, aid, kind, stance, source_type, source_entity,"
            " source_text, source_spans, cue_text, cue_spans, content_text, content_spans, outlet_id,"
            " published_sort, published_day)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [self._attribution_row(pk, seq, a) for seq, (pk, a) in enumerate(attributions)],
        )
        self.db.executemany(
            "INSERT INTO claim_speakers (attribution_pk, seq, name, speaker_id) VALUES (?, ?, ?, ?)",
            [
                (pk, position, name, self.speaker_ids[person_key(name)])
                for pk, a in attributions
                for position, name in enumerate(speaker_names(a))
            ],
        )
        self.db.executemany(
            "INSERT INTO claim_mentions (attribution_pk, key) VALUES (?, ?)",
            [(pk, key) for pk, a in attributions for key in sorted(self._mentioned(a))],
        )
        self.db.index_claims([(pk, a.content.text) for pk, a in attributions])
        self._count(attributions)

    def _count(self, attributions: list[tuple[int, Attribution]]) -> None:
        """Write each speaker's profile, and add this article's claims to its counts and dates."""
        claims: dict[int, set[int]] = {}
        for pk, a in attributions:
            for name in speaker_names(a):
                claims.setdefault(self.speaker_ids[person_key(name)], set()).add(pk)
        when = self.published.sort
        rows = []
        for sid, pks in claims.items():
            roles, outlets = self.profiles[sid]
            profile = json.dumps(sorted(roles)), json.dumps(sorted(outlets))
            rows.append((*profile, len(pks), when, when, when, when, sid))
        self.db.executemany(
            "UPDATE speakers SET roles = ?, outlets = ?, claims = claims + ?, articles = articles + 1,"
            " first_seen = coalesce(CASE WHEN first_seen < CAST(? AS TEXT) THEN first_seen END,"
            " ?, first_seen),"
            " last_seen = coalesce(CASE WHEN last_seen > CAST(? AS TEXT) THEN last_seen END, ?, last_seen)"
            " WHERE id = ?",
            rows,
        )

    def _speaker_names(self) -> dict[str, tuple[str, str, list[str]]]:
        """Each speaker name of the article (by key) with its type and roles in this article."""
        names: dict[str, tuple[str, str, list[str]]] = {}
        for a in self.article.attributions:
            source_entity = self.entities.get(a.source.entity or "")
            for name in speaker_names(a):
                key = person_key(name)
                if key in names:
                    continue
                entity = self.by_name.get(key) or (source_entity if len(a.speakers) == 1 else None)
                if a.source.type in ("anonymous", "media") or entity is None:
                    type = a.source.type
                else:
                    type = entity.type
                names[key] = (name, type, entity.roles if entity else [])
        return names

    def _speaker(self, identity: SpeakerIdentity, roles: list[str]) -> tuple[int, str]:
        """The id and canonical name of the speaker this identity is, created (and linked) if new."""
        if identity.is_surname_only:
            chosen = choose_full_name(roles, self.outlet_id, self._full_names(identity.surname or ""))
            if chosen:
                self._profile(chosen.id, chosen.roles, chosen.outlets, roles)
                return chosen.id, chosen.name
        row = self.db.one(
            "SELECT id, type, name, roles, outlets FROM speakers WHERE key = ?", (identity.key,)
        )
        if row:
            sid, type, name, known_roles, known_outlets = row
            if type == "unknown" and identity.type != "unknown":
                self.db.execute("UPDATE speakers SET type = ? WHERE id = ?", (identity.type, sid))
            self._profile(sid, json.loads(known_roles), json.loads(known_outlets), roles)
            return sid, name
        outlet_id = _outlet_id(self.db, identity.outlet) if identity.outlet else None
        sid = self.db.scalar(
            "INSERT INTO speakers (key, name, type, surname, outlet_id) VALUES (?, ?, ?, ?, ?) RETURNING id",
            (identity.key, identity.name, identity.type, identity.surname, outlet_id),
        )
        self._profile(sid, (), (), roles)
        if identity.surname and not identity.is_surname_only:
            self.new_full_names.append((identity.surname, sid))
        return sid, identity.name

    def _profile(
        self, sid: int, known_roles: Iterable[str], known_outlets: Iterable[int], roles: Iterable[str]
    ) -> None:
        """Note a speaker's roles and outlets, with this article's (written by :meth:`_count`)."""
        profile = self.profiles.setdefault(sid, (set(known_roles), set(known_outlets)))
        profile[0].update(roles)
        if self.outlet_id is not None:
            profile[1].add(self.outlet_id)

    def _full_names(self, surname: str) -> list[Candidate]:
        """Known full-name persons with this surname, with their roles and outlets (this article's too)."""
        candidates = []
        for sid, name, key, roles, outlets in self.db.all(
            "SELECT id, name, key, roles, outlets FROM speakers"
            " WHERE surname = ? AND type IN ('person', 'unknown')",
            (surname,),
        ):
            if " " in key:
                roles, outlets = self.profiles.get(sid) or (json.loads(roles), json.loads(outlets))
                candidates.append(Candidate(sid, name, frozenset(roles), frozenset(outlets)))
        return candidates

    def _absorb_surname_speaker(self, surname: str, new_id: int) -> None:
        """Merge a speaker known only by this surname into the new full name, if it is the one."""
        row = self.db.one("SELECT id, roles, outlets FROM speakers WHERE key = ?", (f"named:{surname}",))
        if row is None:
            return
        old_id, roles, outlets = row[0], json.loads(row[1]), json.loads(row[2])
        chosen = choose_full_name(roles, outlets[0] if outlets else None, self._full_names(surname))
        if chosen and chosen.id == new_id:
            self.db.execute("UPDATE claim_speakers SET speaker_id = ? WHERE speaker_id = ?", (new_id, old_id))
            self.db.execute("UPDATE entities SET speaker_id = ? WHERE speaker_id = ?", (new_id, old_id))
            self.db.execute("DELETE FROM speakers WHERE id = ?", (old_id,))
            self.db.execute(f"{_schema.RECOUNT_SPEAKERS} WHERE id = ?", (new_id,))
            self.profiles[new_id][0].update(roles)
            self.profiles[new_id][1].update(outlets)

    def _attribution_row(self, pk: int, seq: int, a: Attribution) -> tuple:
        return (
            pk,
            self.pk,
            seq,
            a.id,
            a.kind,
            a.stance,
            a.source.type,
            a.source.entity,
            a.source.text,
            _spans(a.source.spans),
            a.cue.text,
            _spans(a.cue.spans),
            a.content.text,
            _spans(a.content.spans),
            self.outlet_id,
            self.published.sort,
            self.published.day,
        )

    def _mentioned(self, a: Attribution) -> set[str]:
        """Name keys of the entities mentioned inside the claim's content (and their speakers')."""
        keys: set[str] = set()
        for entity in self.article.entities:
            if any(_overlaps(m, a.content.spans) for m in entity.mentions):
                keys.add(name_key(entity.name))
                canonical = self.canonical.get(person_key(entity.name))
                if canonical:
                    keys.add(name_key(canonical))
        return keys


def speaker_names(a: Attribution) -> list[str]:
    """The attribution's speakers, each once; its source's own words when it names none."""
    names = [n for n in a.speakers if person_key(n)]
    return list(dict.fromkeys(names or [a.source.text.strip() or "(unknown source)"]))


def _overlaps(span: Span, spans: list[Span]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in spans)


def _spans(spans: list[Span]) -> str:
    return json.dumps([list(s) for s in spans])
