"""The ledger commands: ingest, search, speakers, speaker, outlets, export (on a SQLite ledger)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from sayso.cli import main
from sayso.records import AnalysedArticle, Article
from sayso.store import open_ledger

FIXTURES = Path(__file__).parent / "fixtures" / "store"


@pytest.fixture
def records_file(tmp_path: Path) -> Path:
    """The fixture articles as `sayso extract --format jsonl` writes them."""
    path = tmp_path / "records.jsonl"
    lines = [json.dumps(json.loads(p.read_text("utf-8"))) for p in sorted(FIXTURES.glob("*.json"))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def db(tmp_path: Path, records_file: Path, capsys) -> str:
    url = str(tmp_path / "ledger.db")
    assert main(["ingest", "--records", str(records_file), "--db", url]) == 0
    capsys.readouterr()
    return url


def test_ingest_reports_what_it_stored_and_a_rerun_skips_everything(tmp_path, records_file, capsys):
    url = str(tmp_path / "ledger.db")
    assert main(["ingest", "--records", str(records_file), "--db", url]) == 0
    assert "4 stored, 0 already in the ledger, 0 failed" in capsys.readouterr().err
    assert main(["ingest", "--records", str(records_file), "--db", url]) == 0
    assert "0 stored, 4 already in the ledger, 0 failed" in capsys.readouterr().err


def test_a_bad_record_gets_a_one_line_error_and_the_others_are_stored(tmp_path, records_file, capsys):
    lines = records_file.read_text("utf-8").splitlines()
    broken = json.loads(lines[1])
    broken["attributions"][0]["content"]["spans"] = [[0, 10**6]]
    records_file.write_text("\n".join([lines[0], "{not json", json.dumps(broken), *lines[2:]]) + "\n")
    url = str(tmp_path / "ledger.db")
    assert main(["ingest", "--records", str(records_file), "--db", url]) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if "error" in line]
    assert len(errors) == 2
    assert errors[0].startswith(f"sayso: error: {records_file}:2: not an analysed record")
    assert "outside the text" in errors[1]
    with open_ledger(url) as ledger:
        assert ledger.stats().articles == 3


class RecordingAnalyser:
    """Stands in for the model (whose accuracy is not this file's concern): notes what it analyses."""

    analysed: ClassVar[list[str]] = []

    @classmethod
    def load(cls, mode: str = "fast") -> RecordingAnalyser:
        return cls()

    def check(self, article: Article) -> None:
        pass

    def pipe(self, articles: Iterable[Article]) -> Iterator[AnalysedArticle]:
        for article in articles:
            self.analysed.append(article.input)
            yield AnalysedArticle(**vars(article))


def test_ingest_analyses_only_the_articles_not_yet_in_the_ledger(tmp_path, capsys, monkeypatch):
    import sayso.analyse

    monkeypatch.setattr(sayso.analyse, "Analyser", RecordingAnalyser)
    folder = tmp_path / "articles"
    folder.mkdir()
    for name in ("nyt-trainers", "farm-drought"):
        text = json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))["text"]
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    url = str(tmp_path / "ledger.db")
    assert main(["ingest", str(folder / "nyt-trainers.txt"), "--db", url]) == 0
    assert "1 stored" in capsys.readouterr().err
    RecordingAnalyser.analysed = []
    assert main(["ingest", str(folder), "--db", url]) == 0
    assert "1 stored, 1 already in the ledger" in capsys.readouterr().err
    assert RecordingAnalyser.analysed == [str(folder / "farm-drought.txt")]


def test_search_prints_an_aligned_table_newest_first(db, capsys):
    assert main(["search", "Crimea", "--db", db]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["ID", "DATE", "OUTLET", "SPEAKER", "STANCE", "CLAIM"]
    claim_column = lines[0].index("CLAIM")
    assert all(line[claim_column - 2 : claim_column] == "  " for line in lines[1:])
    dates = [line.split()[1] for line in lines[1:]]
    assert dates == sorted(dates, reverse=True) and len(dates) == 7


def test_search_filters_and_json_for_scripts(db, capsys):
    assert main(["search", "--speaker", "Kirby", "--stance", "concern", "--json", "--db", db]) == 0
    page = json.loads(capsys.readouterr().out)
    assert page["total"] == 1
    hit = page["items"][0]
    assert hit["speakers"][0]["name"] == "John Kirby"
    assert hit["attribution"]["speakers"] == ["Kirby"], "the record keeps the name as written"
    assert hit["article"]["outlet"] == "Reuters"
    assert main(["search", "--entity", "Crimea", "--from", "2022-10-21", "--json", "--db", db]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 3


def test_a_bad_date_or_an_empty_query_is_a_usage_error(db, capsys):
    assert main(["search", "Iran", "--from", "last week", "--db", db]) == 2
    assert (
        capsys.readouterr().err.strip() == "sayso: error: --from 'last week': expected a date as YYYY-MM-DD"
    )
    assert main(["search", "the", "--db", db]) == 2


def test_query_commands_refuse_a_ledger_that_does_not_exist(tmp_path, capsys):
    missing = str(tmp_path / "nothing.db")
    assert main(["speakers", "--db", missing]) == 2
    assert "no such ledger" in capsys.readouterr().err
    assert not Path(missing).exists()


def test_a_file_that_is_not_a_ledger_is_a_usage_error(tmp_path, capsys):
    notes = tmp_path / "notes.db"
    notes.write_text("not a database\n")
    assert main(["outlets", "--db", str(notes)]) == 2
    assert capsys.readouterr().err.strip() == f"sayso: error: --db {notes}: file is not a database"


def test_the_ledger_can_be_named_by_the_environment(db, capsys, monkeypatch):
    monkeypatch.setenv("SAYSO_DB", db)
    assert main(["outlets", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 3


def test_speakers_lists_counts_roles_and_the_outlets_that_quote_them(db, capsys):
    assert main(["speakers", "--json", "--db", db]) == 0
    speakers = {s["name"]: s for s in json.loads(capsys.readouterr().out)["items"]}
    kirby = speakers["John Kirby"]
    assert (kirby["claims"], kirby["articles"], kirby["outlets"]) == (2, 2, ["NBC News", "Reuters"])
    assert speakers["New York Times"]["type"] == "media"
    assert main(["speakers", "--type", "anonymous", "--db", db]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1 + 3


def test_speaker_shows_who_it_is_and_its_timeline_oldest_first(db, capsys):
    assert main(["speaker", "kirby", "--db", db]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("John Kirby (person, id ")
    assert any("also named: Kirby" in line for line in out)
    timeline = [line for line in out if line[:4] == "2022"]
    assert [line.split()[0] for line in timeline] == ["2022-10-20", "2022-10-21"]
    assert main(["speaker", "Nobody Known", "--db", db]) == 1
    assert "no speaker in the ledger matches 'Nobody Known'" in capsys.readouterr().err


def test_claim_shows_who_reported_it_first_and_who_denies_it(db, capsys):
    assert main(["search", "ground", "--speaker", "Kirby", "--json", "--db", db]) == 0
    [kirby] = json.loads(capsys.readouterr().out)["items"]
    assert main(["claim", str(kirby["id"]), "--db", db]) == 0
    out = capsys.readouterr().out
    denied = out[out.index("DENIED BY") :].splitlines()
    assert "Iran's foreign ministry" in denied[2] and "Reuters" in denied[2]
    assert main(["claim", "999999", "--db", db]) == 1
    assert capsys.readouterr().err.strip() == "sayso: error: no claim 999999 in the ledger"


def test_outlets_table(db, capsys):
    assert main(["outlets", "--db", db]) == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines()]
    assert rows[0] == ["ID", "OUTLET", "DOMAIN", "ARTICLES", "CLAIMS", "CITED", "FIRST", "LAST"]
    assert rows[2][1:4] == ["New", "York", "Times"] and rows[2][-3] == "2", "cited twice as a source"


def test_export_writes_the_same_claims_as_jsonl_csv_and_parquet(db, tmp_path, capsys):
    import pyarrow.parquet as pq

    for fmt in ("jsonl", "csv", "parquet"):
        assert main(["export", "--format", fmt, "--out", str(tmp_path / f"claims.{fmt}"), "--db", db]) == 0
    jsonl = [json.loads(line) for line in (tmp_path / "claims.jsonl").read_text("utf-8").splitlines()]
    rows = list(csv.DictReader(io.StringIO((tmp_path / "claims.csv").read_text("utf-8"))))
    table = pq.read_table(tmp_path / "claims.parquet").to_pylist()
    assert len(jsonl) == len(rows) == len(table) == 17
    assert (
        [r["claim_id"] for r in jsonl] == [int(r["claim_id"]) for r in rows] == [r["claim_id"] for r in table]
    )
    assert table[0]["content_spans"] == jsonl[0]["content_spans"] == json.loads(rows[0]["content_spans"])
    with open_ledger(db) as ledger:
        for row in table:
            text = ledger.article(row["article_id"]).text
            assert text[slice(*row["content_spans"][0])] == row["content_text"]


def test_export_takes_the_search_filters(db, tmp_path, capsys):
    out = tmp_path / "denials.jsonl"
    assert main(["export", "--stance", "deny", "--query", "Crimea", "--out", str(out), "--db", db]) == 0
    assert [json.loads(line)["outlet"] for line in out.read_text("utf-8").splitlines()] == ["Reuters"]


def test_an_export_that_fails_leaves_no_file(db, tmp_path, capsys):
    target = tmp_path / "claims.parquet"
    assert (
        main(["export", "--format", "parquet", "--out", str(tmp_path / "no" / "x.parquet"), "--db", db]) == 2
    )
    assert main(["export", "--format", "parquet", "--from", "bad", "--out", str(target), "--db", db]) == 2
    assert list(tmp_path.glob("*.parquet*")) == []
