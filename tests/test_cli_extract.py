"""`sayso extract`: one record per article in each format, errors per input, atomic --out."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import FIXTURES, SHARED, parse_marked
from sayso.cli import main
from sayso.cli.extract import doc_id


@pytest.fixture()
def articles(tmp_path, analyser, monkeypatch):
    """Two plain-text articles written from the fixtures; the session's analyser is reused."""
    from sayso.analyse import Analyser

    monkeypatch.setattr(Analyser, "load", classmethod(lambda cls, mode="fast": analyser))
    paths = []
    for name in ("bridge_closure.txt", "port_briefing.txt"):
        text, _ = parse_marked((FIXTURES / "analyse" / name).read_text(encoding="utf-8"))
        path = tmp_path / name
        path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))  # offsets must survive \r\n
        paths.append(path)
    return paths


def test_json_is_an_array_with_one_spec_record_per_article(articles, capsys):
    assert main(["extract", *map(str, articles)]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["input"] for r in records] == [str(p) for p in articles]
    for record, path in zip(records, articles, strict=True):
        with open(path, encoding="utf-8", newline="") as fh:
            assert record["text"] == fh.read()
        assert set(record) >= {"id", "url", "outlet", "title", "published", "authors", "regions", "entities"}
        entity_ids = {e["id"] for e in record["entities"]}
        for attribution in record["attributions"]:
            assert attribution["kind"] in {"direct", "indirect", "mixed"}
            assert attribution["source"]["entity"] in entity_ids | {None}
            for role in ("source", "cue", "content"):
                spans = attribution[role]["spans"]
                assert attribution[role]["text"] == " … ".join(record["text"][s:e] for s, e in spans)


def test_jsonl_writes_one_record_per_line(articles, capsys):
    assert main(["extract", "--format", "jsonl", *map(str, articles)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line)["input"] for line in lines] == [str(p) for p in articles]


def test_polnear_jsonl_is_the_span_only_view_keyed_by_file_name(articles, capsys):
    assert main(["extract", "--format", "polnear-jsonl", *map(str, articles)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["doc_id"] for line in lines] == ["bridge_closure", "port_briefing"]
    assert any(line["attributions"] for line in lines)
    for line, path in zip(lines, articles, strict=True):
        with open(path, encoding="utf-8", newline="") as fh:
            size = len(fh.read())
        for attribution in line["attributions"]:
            assert set(attribution) == {"source", "cue", "content"}
            assert all(0 <= s <= e <= size for role in attribution.values() for s, e in role)


def test_text_format_prints_one_line_per_attribution(articles, capsys):
    assert main(["extract", "--format", "text", str(articles[0])]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"== {articles[0]} — City to close Harbour Bridge")
    claims = [line for line in out.splitlines() if line.startswith("a")]
    assert claims and all(" — " in line for line in claims)


def test_a_missing_input_is_one_error_line_and_the_others_are_still_written(articles, tmp_path, capsys):
    out = tmp_path / "out.jsonl"
    missing = str(tmp_path / "nope.txt")
    status = main(["extract", "--format", "jsonl", "--out", str(out), missing, str(articles[0])])
    assert status == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"sayso: error: {tmp_path / 'nope.txt'}: no such file or directory"]
    assert [json.loads(line)["input"] for line in out.read_text().splitlines()] == [str(articles[0])]


def test_an_unknown_format_is_a_usage_error(articles, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["extract", "--format", "xml", str(articles[0])])
    assert exit_info.value.code == 2


def test_doc_id_is_the_file_name_without_its_extensions():
    assert doc_id("some/dir/politico_2016-10-01_x.txt") == "politico_2016-10-01_x"
    assert doc_id("page.html.gz") == "page"
    assert doc_id("notes.v2.txt") == "notes.v2"


def test_polnear_output_is_accepted_by_the_shared_scorer(tmp_path, analyser, monkeypatch):
    dev = SHARED / "data" / "polnear" / "dev"
    scorer = SHARED / "bench" / "polnear_score.py"
    if not dev.exists() or not scorer.exists():
        pytest.skip(f"PolNeAR dev or its scorer is absent under {SHARED}")
    from sayso.analyse import Analyser

    monkeypatch.setattr(Analyser, "load", classmethod(lambda cls, mode="fast": analyser))
    texts = sorted((dev / "text").glob("*.txt"))[:2]
    out = tmp_path / "dev.jsonl"
    assert main(["extract", "--format", "polnear-jsonl", "--out", str(out), *map(str, texts)]) == 0
    scored = subprocess.run(
        [sys.executable, str(scorer), str(dev), str(out), "--json", "--only-listed"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(scored.stdout)


def test_mode_accurate_analyses_with_the_accurate_pipeline(
    articles, analyser, accurate_analyser, monkeypatch, capsys
):
    from sayso.analyse import Analyser

    loaded = []

    def load(cls, mode="fast"):
        loaded.append(mode)
        return {"fast": analyser, "accurate": accurate_analyser}[mode]

    monkeypatch.setattr(Analyser, "load", classmethod(load))
    assert main(["extract", "--mode", "accurate", "--format", "text", str(articles[0])]) == 0
    assert loaded == ["accurate"]
    assert accurate_analyser.nlp.get_pipe("sayso_attribution").transformer is not None
    out = capsys.readouterr().out
    assert "Elena Marsh (person) — assert — told — [direct]" in out
    with pytest.raises(SystemExit) as exit_info:
        main(["extract", "--mode", "slow", str(articles[0])])
    assert exit_info.value.code == 2
