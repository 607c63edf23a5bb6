"""The ledger schema as numbered migrations, one list of steps per dialect.

Step N brings a ledger from version N-1 to N. Both dialects hold the same tables and columns;
they differ only in types, identity columns and the full-text index (FTS5 tables in SQLite,
generated ``tsvector`` columns in PostgreSQL). Text columns that results are ordered by use
byte order (``COLLATE "C"`` in PostgreSQL, SQLite's default), so both sort alike.

A new schema change is a new step appended to both lists; never edit a released step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sayso.store._backend import Backend

_COMMON = """
CREATE TABLE outlets (
    id {id},
    key {text} NOT NULL UNIQUE,
    name {text} NOT NULL,
    domain {text}
);
CREATE TABLE articles (
    pk {id},
    id {text} NOT NULL UNIQUE,
    url {text} UNIQUE,
    text_hash {text} NOT NULL UNIQUE,
    input {text} NOT NULL,
    outlet {text},
    outlet_id {int} REFERENCES outlets(id),
    title {text},
    published {text},
    published_sort {text},
    published_day {text},
    authors {text} NOT NULL,
    text {text} NOT NULL,
    regions {text} NOT NULL,
    ingested_at {text} NOT NULL{article_tsv}
);
CREATE INDEX articles_order ON articles(published_sort, pk);
CREATE INDEX articles_outlet ON articles(outlet_id);
CREATE TABLE speakers (
    id {id},
    key {text} NOT NULL UNIQUE,
    name {text} NOT NULL,
    type {text} NOT NULL,
    surname {text},
    outlet_id {int} REFERENCES outlets(id)
);
CREATE INDEX speakers_surname ON speakers(surname);
CREATE TABLE entities (
    pk {id},
    article_pk {int} NOT NULL REFERENCES articles(pk) ON DELETE CASCADE,
    eid {text} NOT NULL,
    name {text} NOT NULL,
    type {text} NOT NULL,
    key {text} NOT NULL,
    roles {text} NOT NULL,
    mentions {text} NOT NULL,
    speaker_id {int} REFERENCES speakers(id)
);
CREATE INDEX entities_article ON entities(article_pk);
CREATE INDEX entities_speaker ON entities(speaker_id);
CREATE INDEX entities_key ON entities(key);
CREATE TABLE attributions (
    pk {id},
    article_pk {int} NOT NULL REFERENCES articles(pk) ON DELETE CASCADE,
    seq {int} NOT NULL,
    aid {text} NOT NULL,
    kind {text} NOT NULL,
    stance {text} NOT NULL,
    source_type {text} NOT NULL,
    source_entity {text},
    source_text {text} NOT NULL,
    source_spans {text} NOT NULL,
    cue_text {text} NOT NULL,
    cue_spans {text} NOT NULL,
    content_text {text} NOT NULL,
    content_spans {text} NOT NULL,
    outlet_id {int},
    published_sort {text},
    published_day {text}{claim_tsv}
);
CREATE INDEX attributions_article ON attributions(article_pk, seq);
CREATE INDEX attributions_order ON attributions(published_sort, article_pk, seq);
CREATE INDEX attributions_outlet ON attributions(outlet_id, published_sort);
CREATE INDEX attributions_stance ON attributions(stance, published_sort);
CREATE INDEX attributions_day ON attributions(published_day);
CREATE TABLE claim_speakers (
    attribution_pk {int} NOT NULL REFERENCES attributions(pk) ON DELETE CASCADE,
    seq {int} NOT NULL,
    name {text} NOT NULL,
    speaker_id {int} NOT NULL REFERENCES speakers(id),
    PRIMARY KEY (attribution_pk, seq)
);
CREATE INDEX claim_speakers_speaker ON claim_speakers(speaker_id, attribution_pk);
CREATE TABLE claim_mentions (
    attribution_pk {int} NOT NULL REFERENCES attributions(pk) ON DELETE CASCADE,
    key {text} NOT NULL,
    PRIMARY KEY (attribution_pk, key)
);
CREATE INDEX claim_mentions_key ON claim_mentions(key, attribution_pk)
"""

_SQLITE_FTS = """
CREATE VIRTUAL TABLE claim_fts USING fts5(content, tokenize='porter unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE article_fts USING fts5(title, text, tokenize='porter unicode61 remove_diacritics 2')
"""

_POSTGRES_FTS = """
CREATE INDEX attributions_fts ON attributions USING GIN (content_tsv);
CREATE INDEX articles_fts ON articles USING GIN (tsv)
"""

# 2: each speaker's profile (roles it is known by, outlets quoting it) kept on its row, so that
#    linking a surname reads one row per namesake instead of all their mentions.
_PROFILE = """
ALTER TABLE speakers ADD COLUMN roles {text} NOT NULL DEFAULT '[]';
ALTER TABLE speakers ADD COLUMN outlets {text} NOT NULL DEFAULT '[]';
"""

_SQLITE_PROFILE_BACKFILL = """
UPDATE speakers SET roles = (SELECT json_group_array(DISTINCT j.value) FROM entities e, json_each(e.roles) j
    WHERE e.speaker_id = speakers.id);
UPDATE speakers SET outlets = (SELECT json_group_array(DISTINCT a.outlet_id) FROM claim_speakers cs
    JOIN attributions a ON a.pk = cs.attribution_pk
    WHERE cs.speaker_id = speakers.id AND a.outlet_id IS NOT NULL)
"""

_POSTGRES_PROFILE_BACKFILL = """
UPDATE speakers s SET roles = coalesce((SELECT json_agg(DISTINCT j)::text FROM entities e,
    json_array_elements_text(e.roles::json) j WHERE e.speaker_id = s.id), '[]');
UPDATE speakers s SET outlets = coalesce((SELECT json_agg(DISTINCT a.outlet_id)::text FROM claim_speakers cs
    JOIN attributions a ON a.pk = cs.attribution_pk
    WHERE cs.speaker_id = s.id AND a.outlet_id IS NOT NULL), '[]')
"""

# 3: each speaker's counts (claims, articles, first and last publication) kept on its row, so that
#    listing speakers does not aggregate the whole ledger.
_COUNTS = """
ALTER TABLE speakers ADD COLUMN claims INTEGER NOT NULL DEFAULT 0;
ALTER TABLE speakers ADD COLUMN articles INTEGER NOT NULL DEFAULT 0;
ALTER TABLE speakers ADD COLUMN first_seen {text};
ALTER TABLE speakers ADD COLUMN last_seen {text};
CREATE INDEX speakers_claims ON speakers(claims);
"""

RECOUNT_SPEAKERS = """UPDATE speakers SET
    claims = (SELECT count(DISTINCT cs.attribution_pk) FROM claim_speakers cs
        WHERE cs.speaker_id = speakers.id),
    articles = (SELECT count(DISTINCT a.article_pk) FROM claim_speakers cs
        JOIN attributions a ON a.pk = cs.attribution_pk WHERE cs.speaker_id = speakers.id),
    first_seen = (SELECT min(a.published_sort) FROM claim_speakers cs
        JOIN attributions a ON a.pk = cs.attribution_pk WHERE cs.speaker_id = speakers.id),
    last_seen = (SELECT max(a.published_sort) FROM claim_speakers cs
        JOIN attributions a ON a.pk = cs.attribution_pk WHERE cs.speaker_id = speakers.id)"""
"""Recompute speakers' counts from their claims (append ``WHERE id = ?`` for one speaker)."""

MIGRATIONS: dict[str, list[str]] = {
    "sqlite": [
        _COMMON.format(id="INTEGER PRIMARY KEY", text="TEXT", int="INTEGER", article_tsv="", claim_tsv="")
        + ";"
        + _SQLITE_FTS,
        _PROFILE.format(text="TEXT") + _SQLITE_PROFILE_BACKFILL,
        _COUNTS.format(text="TEXT") + RECOUNT_SPEAKERS,
    ],
    "postgresql": [
        _COMMON.format(
            id="BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
            text='TEXT COLLATE "C"',
            int="BIGINT",
            article_tsv=",\n    tsv tsvector GENERATED ALWAYS AS "
            "(to_tsvector('english', coalesce(title, '') || ' ' || text)) STORED",
            claim_tsv=",\n    content_tsv tsvector GENERATED ALWAYS AS "
            "(to_tsvector('english', content_text)) STORED",
        )
        + ";"
        + _POSTGRES_FTS,
        _PROFILE.format(text='TEXT COLLATE "C"') + _POSTGRES_PROFILE_BACKFILL,
        _COUNTS.format(text='TEXT COLLATE "C"') + RECOUNT_SPEAKERS,
    ],
}

LATEST = len(MIGRATIONS["sqlite"])
assert all(len(steps) == LATEST for steps in MIGRATIONS.values()), "every dialect needs every step"


def version(db: Backend) -> int:
    """The ledger's schema version (0 for an empty database)."""
    return db.scalar("SELECT max(version) FROM schema_version") or 0


def migrate(db: Backend) -> None:
    """Apply the missing steps, each in one transaction; safe when several processes open at once."""
    if db.has_table("schema_version") and version(db) >= LATEST:
        return
    with db.write():
        db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        current = version(db)
        for number, step in enumerate(MIGRATIONS[db.dialect][current:], start=current + 1):
            for statement in step.split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute("INSERT INTO schema_version (version) VALUES (?)", (number,))
