"""The ledger store: what it keeps, how it links speakers, and that it stays whole under crashes.

Every test runs on SQLite and on a PostgreSQL server started for the session (skipped, saying
why, when none can be started); one test asserts both give identical results.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from sayso.errors import InputError
from sayso.records import AnalysedArticle
from sayso.store import SearchQuery, open_ledger
from sayso.store._schema import LATEST

FIXTURES = Path(__file__).parent / "fixtures" / "store"
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def fixture_records() -> list[AnalysedArticle]:
    """The hand-written analysed articles, oldest file name first."""
    return [
        AnalysedArticle.from_dict(json.loads(p.read_text("utf-8"))) for p in sorted(FIXTURES.glob("*.json"))
    ]


def record(name: str) -> AnalysedArticle:
    return AnalysedArticle.from_dict(json.loads((FIXTURES / f"{name}.json").read_text("utf-8")))


# -- databases -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    """A throwaway PostgreSQL 15 cluster on a free loopback port; its URL (database postgres)."""
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"PostgreSQL 15 is not installed ({PG_BIN / 'initdb'} missing)")
    as_postgres: list[str] = []
    if os.geteuid() == 0:
        if not shutil.which("runuser"):
            pytest.skip("running as root without runuser: cannot start PostgreSQL as an unprivileged user")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    root = Path(tempfile.mkdtemp(prefix="sayso-pg-"))
    if as_postgres:
        shutil.chown(root, "postgres")
    data, port = root / "data", _free_port()
    try:
        subprocess.run(
            [*as_postgres, PG_BIN / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8"],
            check=True,
            capture_output=True,
        )
        options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=20"
        subprocess.run(
            [*as_postgres, PG_BIN / "pg_ctl", "-D", data, "-o", options, "-l", root / "log", "-w", "start"],
            check=True,
            capture_output=True,
        )
    except (subprocess.CalledProcessError, OSError) as error:
        shutil.rmtree(root, ignore_errors=True)
        pytest.skip(f"could not start a PostgreSQL server: {error}")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*as_postgres, PG_BIN / "pg_ctl", "-D", data, "-m", "immediate", "stop"], capture_output=True
        )
        shutil.rmtree(root, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_databases = iter(range(1_000_000))


def _new_postgres_db(server: str) -> str:
    import psycopg

    name = f"ledger_{next(_databases)}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return server.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty ledger's URL, on each backend."""
    if request.param == "sqlite":
        return str(tmp_path / "ledger.db")
    return _new_postgres_db(request.getfixturevalue("postgres"))


@pytest.fixture
def ledger(db_url: str):
    with open_ledger(db_url) as opened:
        for article in fixture_records():
            opened.store(article)
        yield opened


# -- what is stored --------------------------------------------------------------------------


def test_every_stored_claim_is_checkable_against_its_article_text(ledger):
    claims = list(ledger.iter_claims(SearchQuery()))
    assert len(claims) == sum(len(r.attributions) for r in fixture_records())
    texts = {}
    for claim in claims:
        text = texts.setdefault(claim.article.id, ledger.article(claim.article.id).text)
        for role in (claim.attribution.source, claim.attribution.cue, claim.attribution.content):
            assert " ".join(text[s:e] for s, e in role.spans) == role.text


def test_an_article_reads_back_as_it_was_ingested(ledger):
    original = record("nbc-iran-crimea")
    stored = ledger.article(original.id)
    assert stored.to_dict() == original.to_dict()


def test_the_same_article_ingested_twice_is_stored_once(ledger):
    nbc = record("nbc-iran-crimea")
    assert ledger.store(nbc) == "unchanged"
    assert ledger.store(replace(nbc, url="https://syndicated.example.com/copy", id="other")) == "unchanged"
    reflowed = replace(nbc, url=None, id="reflowed", text=nbc.text.replace("\n\n", "\n \n"))
    assert ledger.contains(reflowed)
    assert ledger.stats().articles == 4
    assert ledger.search(SearchQuery(article=nbc.id)).total == len(nbc.attributions)


def test_a_changed_article_replaces_the_old_version_without_orphans(ledger):
    old = record("reuters-kirby")
    cut = old.text.index("Ukrainian President")
    new = replace(
        old,
        id="reuters-kirby-v2",
        text=old.text[:cut] + "Update: the embassy declined to comment.\n",
        entities=[e for e in old.entities if e.name != "Volodymyr Zelenskyy"],
        attributions=[a for a in old.attributions if a.speakers != ["Volodymyr Zelenskyy"]],
    )
    assert not ledger.contains(new)
    assert ledger.store(new) == "replaced"
    assert ledger.stats().articles == 4
    assert ledger.article(old.id) is None
    assert ledger.search(SearchQuery(article="reuters-kirby-v2")).total == len(old.attributions) - 1
    assert ledger.speaker("Volodymyr Zelenskyy") is None, "a speaker quoted only in the old version is gone"
    assert ledger.search(SearchQuery(text="launched 40 drones")).total == 0, "its claim left the index too"
    assert ledger.articles(text="Zelenskyy").total == 0


def test_a_record_that_does_not_fit_its_text_is_refused_and_leaves_nothing(db_url):
    bad = record("farm-drought")
    bad.attributions[1].content.spans = [(10, len(bad.text) + 5)]
    with open_ledger(db_url) as ledger:
        with pytest.raises(InputError, match="outside the text"):
            ledger.store(bad)
        assert ledger.stats().articles == ledger.stats().attributions == ledger.stats().speakers == 0
        report = ledger.ingest([bad, record("nyt-trainers")])
        assert (len(report.failed), len(report.stored)) == (1, 1)


def test_text_that_one_database_could_not_hold_is_refused_by_both(db_url):
    nul = record("farm-drought")
    nul.text = nul.text.replace("Wheat farmers", "Wheat\x00farmers")
    with open_ledger(db_url) as ledger:
        with pytest.raises(InputError, match="NUL"):
            ledger.store(nul)
        assert ledger.stats().articles == 0


def test_a_new_ledger_is_at_the_latest_schema_version_and_reopens_unchanged(db_url):
    with open_ledger(db_url) as ledger:
        ledger.store(record("nyt-trainers"))
    with open_ledger(db_url) as ledger:
        assert ledger.stats().schema_version == LATEST
        assert ledger.stats().articles == 1


def test_migrating_a_version_1_ledger_rebuilds_speaker_profiles_and_counts(db_url):
    with open_ledger(db_url) as ledger:
        ledger.ingest(fixture_records())
        before = ledger.speakers().to_dict()
        db = ledger._db
        with db.write():  # back to version 1: no profile or count columns
            db.execute("DROP INDEX speakers_claims")
            for column in ("roles", "outlets", "claims", "articles", "first_seen", "last_seen"):
                db.execute(f"ALTER TABLE speakers DROP COLUMN {column}")
            db.execute("DELETE FROM schema_version WHERE version > 1")
    with open_ledger(db_url) as ledger:
        assert ledger.stats().schema_version == LATEST
        assert ledger.speakers().to_dict() == before


# -- speakers and outlets across articles ----------------------------------------------------


@pytest.mark.parametrize("order", ["alphabetical", "reversed"])
def test_a_surname_in_another_article_is_the_known_full_name_in_either_order(db_url, order):
    records = fixture_records()
    with open_ledger(db_url) as ledger:
        ledger.ingest(records if order == "alphabetical" else records[::-1])
        kirby = ledger.speaker("Kirby")
        assert (kirby.name, kirby.claims, kirby.articles) == ("John Kirby", 2, 2)
        assert kirby.aliases == ["Kirby"]
        assert set(kirby.outlets) == {"NBC News", "Reuters"}
        assert "White House spokesperson" in kirby.roles
        assert ledger.speaker("John Kirby").id == kirby.id


def test_a_surname_whose_role_contradicts_the_known_full_name_stays_apart(ledger):
    price = ledger.speaker("Ned Price")
    assert (price.claims, price.articles) == (2, 2)
    farmers = ledger.speakers(name="Price").items
    assert {(s.name, tuple(s.roles)) for s in farmers if s.id != price.id} == {
        ("Price", ("farmer near Dodge City",))
    }


def test_anonymous_sources_are_kept_per_wording(ledger):
    anonymous = ledger.speakers(type="anonymous").items
    assert sorted(s.name for s in anonymous) == [
        "A senior U.S. official",
        "Biden administration officials",
        "U.S. officials familiar with intelligence reports",
    ]
    assert ledger.search(SearchQuery(speaker_type="anonymous")).total == 3


def test_a_media_source_is_the_outlet_it_names(ledger):
    nyt = ledger.outlet("nytimes.com")
    assert nyt.name == "New York Times"
    assert (nyt.articles, nyt.cited) == (1, 2), "publishes one article, cited as a source twice"
    cited = ledger.speaker(nyt.speaker_id)
    assert cited.type == "media"
    assert ledger.outlet("The New York Times").id == nyt.id


def test_outlets_list_articles_and_claims(ledger):
    assert [(o.name, o.articles, o.claims) for o in ledger.outlets().items] == [
        ("NBC News", 1, 6),
        ("New York Times", 1, 4),
        ("Reuters", 1, 5),
    ]


def test_related_claims_show_who_reported_first_who_echoes_and_who_denies(ledger):
    [reuters] = ledger.search(SearchQuery(text="Iranian trainers", outlet="Reuters")).items
    links = ledger.related(reuters.id)
    assert (links.first.article.outlet, links.first.article.published) == ("New York Times", "2022-10-19")
    assert {hit.article.outlet for hit in links.echoes} >= {"New York Times", "NBC News"}
    [kirby] = ledger.search(SearchQuery(speaker="John Kirby", text="ground")).items
    denials = ledger.related(kirby.id).denials
    assert [(d.article.outlet, d.speakers[0].name) for d in denials] == [
        ("Reuters", "Iran's foreign ministry")
    ]
    assert ledger.related(10**9) is None


# -- search ----------------------------------------------------------------------------------


def _contents(page) -> list[str]:
    return [hit.attribution.content.text for hit in page.items]


def test_full_text_search_stems_words_and_returns_newest_first(ledger):
    page = ledger.search(SearchQuery(text="transfer drone"))
    assert _contents(page) == ["transferring drones to Russia"]
    page = ledger.search(SearchQuery(text="Crimea"))
    dates = [hit.article.published[:10] for hit in page.items]
    assert dates == sorted(dates, reverse=True) and page.total == 7


def test_search_phrases_or_and_exclusion(ledger):
    assert _contents(ledger.search(SearchQuery(text='"on the ground"'))) == [
        "We assess that Iranian personnel were in Crimea, on the ground, and helped the Russians carry out "
        "these strikes"
    ]
    assert ledger.search(SearchQuery(text="missiles OR baseless")).total == 2
    assert ledger.search(SearchQuery(text="Crimea -trainers")).total == 4


def test_search_filters_by_speaker_stance_outlet_dates_and_entity(ledger):
    assert ledger.search(SearchQuery(speaker="Kirby")).total == 2
    assert ledger.search(SearchQuery(stance="deny")).total == 4
    assert ledger.search(SearchQuery(stance="deny", outlet="Reuters")).total == 1
    assert (
        ledger.search(SearchQuery(outlet="nytimes.com", date_from="2022-10-19", date_to="2022-10-19")).total
        == 4
    )
    assert ledger.search(SearchQuery(date_from="2022-10-20")).total == 11
    assert ledger.search(SearchQuery(entity="Crimea", stance="deny")).total == 1
    assert ledger.search(SearchQuery(kind="direct")).total == 3
    assert ledger.search(SearchQuery(speaker="nobody at all")).total == 0


def test_search_pages_keep_the_total(ledger):
    first = ledger.search(SearchQuery(limit=5))
    second = ledger.search(SearchQuery(limit=5, offset=5))
    assert first.total == second.total == 17
    assert not {h.id for h in first.items} & {h.id for h in second.items}


def test_a_speaker_timeline_runs_oldest_first(ledger):
    timeline = ledger.speaker_timeline("Ned Price")
    assert [hit.article.outlet for hit in timeline.items] == ["New York Times", "NBC News"]


def test_articles_are_searchable_by_their_text(ledger):
    assert [a.title for a in ledger.articles(text="wheat harvest").items] == [
        "Drought leaves Kansas wheat growers counting losses"
    ]
    assert ledger.articles(speaker="Kirby").total == 2


def test_postgresql_and_sqlite_give_identical_results(tmp_path, postgres):
    results = []
    for url in (str(tmp_path / "ledger.db"), _new_postgres_db(postgres)):
        with open_ledger(url) as ledger:
            ledger.ingest(fixture_records())
            queries = [
                SearchQuery(),
                SearchQuery(text="Iran drones"),
                SearchQuery(text="Crimea", stance="assert", limit=2, offset=1),
                SearchQuery(speaker="Price"),
                SearchQuery(entity="Iran", date_to="2022-10-20"),
                SearchQuery(text='"surface-to-surface missiles" OR baseless'),
            ]
            results.append(
                {
                    "search": [ledger.search(q).to_dict() for q in queries],
                    "speakers": ledger.speakers().to_dict(),
                    "timeline": ledger.speaker_timeline("Kirby").to_dict(),
                    "outlets": ledger.outlets().to_dict(),
                    "articles": ledger.articles(text="drought OR drones").to_dict(),
                    "stats": ledger.stats().to_dict(),
                }
            )
    assert results[0] == results[1]


# -- crashes and concurrency ---------------------------------------------------------------


def _variants(n: int) -> list[AnalysedArticle]:
    """``n`` distinct articles: the NBC fixture with a numbered update appended (offsets hold)."""
    base = record("nbc-iran-crimea")
    return [
        replace(
            base,
            id=f"variant-{i}",
            url=f"https://news.example.com/{i}",
            text=f"{base.text}\nUpdate {i}: this story was revised.\n",
            published=f"2023-01-{1 + i % 28:02d}",
        )
        for i in range(n)
    ]


def _write_records(path: Path, records: list[AnalysedArticle]) -> None:
    path.write_text("".join(json.dumps(r.to_dict()) + "\n" for r in records), encoding="utf-8")


def _ingest_command(path: Path, db_url: str) -> list[str]:
    return [sys.executable, "-m", "sayso", "ingest", "--records", str(path), "--db", db_url]


def _assert_each_stored_once(db_url: str, records: list[AnalysedArticle]) -> None:
    with open_ledger(db_url) as ledger:
        stats = ledger.stats()
        assert stats.articles == len(records)
        assert stats.attributions == sum(len(r.attributions) for r in records)
        ids = {a.id for a in ledger.articles(limit=len(records) + 10).items}
        assert ids == {r.id for r in records}


def test_an_ingest_killed_mid_way_and_run_again_stores_every_article_exactly_once(db_url, tmp_path):
    records = _variants(600)
    path = tmp_path / "records.jsonl"
    _write_records(path, records)
    process = subprocess.Popen(_ingest_command(path, db_url), stderr=subprocess.PIPE)
    with open_ledger(db_url) as ledger:
        deadline = time.monotonic() + 60
        while ledger.stats().articles < 50 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    with open_ledger(db_url) as ledger:
        stored_before = ledger.stats().articles
    assert 0 < stored_before < len(records), "the kill should land mid-way"
    rerun = subprocess.run(_ingest_command(path, db_url), capture_output=True, text=True, check=True)
    assert f"{len(records) - stored_before} stored" in rerun.stderr
    assert f"{stored_before} already in the ledger" in rerun.stderr
    _assert_each_stored_once(db_url, records)


def test_two_ingests_into_the_same_ledger_at_once_store_each_article_once(db_url, tmp_path):
    records = _variants(200)
    path = tmp_path / "records.jsonl"
    _write_records(path, records)
    with open_ledger(db_url):
        pass  # create the schema first, as any earlier run would have
    processes = [subprocess.Popen(_ingest_command(path, db_url), stderr=subprocess.PIPE) for _ in range(2)]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    _assert_each_stored_once(db_url, records)
    with open_ledger(db_url) as ledger:
        assert [s.name for s in ledger.speakers(name="Kirby").items] == ["John Kirby"]


def test_two_ingests_creating_a_new_ledger_at_once_both_succeed(db_url, tmp_path):
    records = _variants(20)
    path = tmp_path / "records.jsonl"
    _write_records(path, records)
    processes = [subprocess.Popen(_ingest_command(path, db_url), stderr=subprocess.PIPE) for _ in range(2)]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    _assert_each_stored_once(db_url, records)


def _open_new_ledger(path: str) -> None:
    with open_ledger(path):
        pass


def test_processes_creating_the_same_new_sqlite_ledger_together_all_succeed(tmp_path):
    """Switching a new file to WAL takes an exclusive lock that SQLite does not wait for by itself."""
    fork = multiprocessing.get_context("fork")
    for n in range(30):
        path = str(tmp_path / f"ledger-{n}.db")
        with fork.Pool(3) as pool:
            pool.map(_open_new_ledger, [path] * 3)
        with open_ledger(path) as ledger:
            assert ledger.stats().articles == 0


with contextlib.suppress(ImportError):
    import psycopg  # noqa: F401  (the PostgreSQL tests need it; the fixture skips without a server)
