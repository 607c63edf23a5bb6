"""`sayso serve`: the JSON API and the server-rendered pages, on a small ledger of fixture articles.

The fixtures (tests/fixtures/serve/) are analysed records in the SPEC shape with real offsets:
a bridge closure and its follow-ups from two outlets quoting one commissioner, and a hostile
article whose title, outlet, speaker and text carry markup and attribute-breaking quotes.
"""

from __future__ import annotations

import html
import json
import re
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from fastapi.testclient import TestClient

from sayso.cli import main
from sayso.records import AnalysedArticle
from sayso.serve import create_app, pages
from sayso.serve.app import LOOPBACK_HOSTS, POOL_SIZE
from sayso.serve.highlight import segments
from sayso.serve.params import MAX_LIMIT, MAX_QUERY_LENGTH
from sayso.store import Ledger, open_ledger

FIXTURES = Path(__file__).parent / "fixtures" / "serve"
TOKEN = "correct-horse-battery-staple"


def fixture_records() -> list[dict]:
    """The fixture articles as SPEC records, in file-name order."""
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(FIXTURES.glob("*.json"))]


def build_ledger(path: Path) -> Ledger:
    """A SQLite ledger at ``path`` holding every fixture article, stored through the ledger API."""
    ledger = open_ledger(str(path))
    report = ledger.ingest(AnalysedArticle.from_dict(r) for r in fixture_records())
    assert not report.failed, report.failed
    return ledger


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Ledger:
    with build_ledger(tmp_path_factory.mktemp("serve") / "ledger.db") as ledger:
        yield ledger


@pytest.fixture(scope="module")
def client(ledger: Ledger) -> TestClient:
    return TestClient(create_app(ledger))


def record(article_id: str) -> dict:
    return next(r for r in fixture_records() if r["id"] == article_id)


def visible_text(page: str) -> str:
    """The text a browser shows inside the article element: tags dropped, entities decoded."""
    body = re.search(r'<article class="text"[^>]*>(.*?)</article>', page, re.S).group(1)
    return html.unescape(re.sub(r"<[^>]+>", "", body))


# -- JSON API ------------------------------------------------------------------------------


def test_stats_count_the_stored_articles_and_claims(client: TestClient) -> None:
    stats = client.get("/api/stats").json()
    assert stats["articles"] == 4
    assert stats["attributions"] == sum(len(r["attributions"]) for r in fixture_records())


def test_an_article_comes_back_as_its_spec_record_with_spans_that_index_its_text(client: TestClient) -> None:
    response = client.get("/api/articles/hh-bridge-closure")
    assert response.status_code == 200
    got = response.json()
    want = record("hh-bridge-closure")
    for key in ("id", "url", "outlet", "title", "published", "authors", "text", "regions"):
        assert got[key] == want[key], key
    assert len(got["attributions"]) == 6
    for attribution in got["attributions"]:
        for role in ("source", "cue", "content"):
            (start, end), *_ = attribution[role]["spans"]
            assert got["text"][start:end] == attribution[role]["text"]
    deny = next(a for a in got["attributions"] if a["stance"] == "deny")
    assert deny["speakers"] == ["Baylink Construction"]


def test_search_finds_claims_by_their_words(client: TestClient) -> None:
    page = client.get("/api/search", params={"q": "ferries"}).json()
    assert page["total"] == 1
    hit = page["items"][0]
    assert hit["attribution"]["content"]["text"] == "ferries would run every ten minutes"
    assert hit["article"]["id"] == "hh-bridge-closure"
    assert [s["name"] for s in hit["speakers"]] == ["Maria Delgado"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"stance": "deny"},
            {"that it had missed inspections", "reports that the repairs had doubled in cost"},
        ),
        ({"speaker": "Maria Delgado", "stance": "deny"}, {"reports that the repairs had doubled in cost"}),
        (
            {"speaker_type": "anonymous"},
            {
                "The Harbour Bridge will close to traffic from Monday for urgent repairs",
                "Nobody has been paid since January,",
            },
        ),
        ({"outlet": "Coastal Times", "stance": "accuse"}, {"the city of delaying payments for the repairs"}),
        (
            {"from": "2026-03-31", "to": "2026-04-30"},
            {
                "the Harbour Bridge would reopen five days early",
                "reports that the repairs had doubled in cost",
            },
        ),
        ({"q": "bridge", "speaker": "Maria Delgado"}, {"the Harbour Bridge would reopen five days early"}),
        (
            {"entity": "Harbour Bridge"},
            {
                "The Harbour Bridge will close to traffic from Monday for urgent repairs",
                "the Harbour Bridge would reopen five days early",
            },
        ),
    ],
)
def test_search_filters_combine_like_the_cli(client: TestClient, params: dict, expected: set[str]) -> None:
    page = client.get("/api/search", params={**params, "limit": MAX_LIMIT}).json()
    assert {h["attribution"]["content"]["text"] for h in page["items"]} == expected
    assert page["total"] == len(expected)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"outlet": "Harbour Herald"}, ["hh-bridge-reopening", "hh-bridge-closure"]),
        ({"from": "2026-03-05", "to": "2026-03-31"}, ["evil-\"quote'<b>", "ct-ferry-crowds"]),
        ({"q": "chartered"}, ["ct-ferry-crowds"]),
        ({"speaker": "Baylink Construction"}, ["ct-ferry-crowds", "hh-bridge-closure"]),
    ],
)
def test_articles_are_listed_newest_first_with_filters(
    client: TestClient, params: dict, expected: list
) -> None:
    page = client.get("/api/articles", params=params).json()
    assert [a["id"] for a in page["items"]] == expected


def test_claims_are_paginated_with_a_total(client: TestClient) -> None:
    first = client.get("/api/attributions", params={"limit": 5}).json()
    second = client.get("/api/attributions", params={"limit": 5, "offset": 5}).json()
    assert first["total"] == second["total"] == 12
    assert len(first["items"]) == len(second["items"]) == 5
    assert not {h["id"] for h in first["items"]} & {h["id"] for h in second["items"]}


@pytest.mark.parametrize(
    ("path", "params", "parameter"),
    [
        ("/api/search", {"limit": MAX_LIMIT + 1}, "limit"),
        ("/api/search", {"limit": 0}, "limit"),
        ("/api/search", {"offset": -1}, "offset"),
        ("/api/search", {"q": "x" * (MAX_QUERY_LENGTH + 1)}, "q"),
        ("/api/search", {"from": "March 2026"}, "from"),
        ("/api/articles", {"limit": 10_000}, "limit"),
        ("/api/speakers", {"offset": 10**9}, "offset"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(
    client: TestClient, path: str, params: dict, parameter: str
) -> None:
    response = client.get(path, params=params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400
    assert parameter in error["message"]
    assert [d["parameter"] for d in error["details"]] == [parameter]


@pytest.mark.parametrize("q", ['"', "AND", "(", "'", "-"])
def test_a_query_with_nothing_searchable_is_a_400_not_a_crash(client: TestClient, q: str) -> None:
    response = client.get("/api/search", params={"q": q})
    assert response.status_code == 400
    assert "no searchable words" in response.json()["error"]["message"]
    page = client.get("/search", params={"q": q, "stance": "deny"})
    assert page.status_code == 400
    assert "no searchable words" in page.text
    assert "<option selected>deny</option>" in page.text  # the form keeps its filters


def test_unknown_things_are_404s_in_json(client: TestClient) -> None:
    for path in ("/api/articles/no-such-article", "/api/speakers/Nobody%20Atall", "/api/outlets/999999"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json()["error"]["status"] == 404


def test_one_speaker_across_outlets_has_a_timeline_oldest_first(client: TestClient) -> None:
    speaker = client.get("/api/speakers/Maria Delgado").json()
    assert speaker["type"] == "person"
    assert speaker["claims"] == 6
    assert speaker["articles"] == 3
    assert {"Harbour Herald", "Coastal Times"} <= set(speaker["outlets"])
    timeline = client.get(f"/api/speakers/{speaker['id']}/timeline").json()
    dates = [h["article"]["published"] for h in timeline["items"]]
    assert timeline["total"] == 6
    assert dates == sorted(dates)


def test_outlet_and_speaker_names_with_slashes_and_quotes_resolve(client: TestClient) -> None:
    hostile_outlet = 'Evil "Outlet" <b>bold</b>'
    assert client.get("/api/outlets/" + quote(hostile_outlet, safe="")).json()["name"] == hostile_outlet
    assert client.get("/outlets/" + quote(hostile_outlet, safe="")).status_code == 200
    assert (
        client.get("/outlets/" + quote("AP/Reuters", safe="")).status_code == 404
    )  # a 404, not a routing error
    assert "no outlet 'AP/Reuters'" in client.get("/api/outlets/AP%2FReuters").json()["error"]["message"]


def test_speakers_and_outlets_are_listed_most_active_first(client: TestClient) -> None:
    speakers = client.get("/api/speakers").json()["items"]
    assert speakers[0]["name"] == "Maria Delgado"
    outlets = client.get("/api/outlets").json()["items"]
    assert outlets[0]["name"] == "Harbour Herald"
    assert outlets[0]["articles"] == 2
    assert client.get(f"/api/outlets/{outlets[0]['id']}").json()["name"] == "Harbour Herald"


def test_docs_work_offline_and_list_every_endpoint(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert "/api/search" in schema["paths"]
    page = client.get("/docs")
    assert page.status_code == 200
    for path in ("/api/search", "/api/articles/{article_id}", "/api/speakers/{key}/timeline", "/api/records"):
        assert html.escape(path) in page.text
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page.text)  # nothing from a CDN


def test_given_a_way_to_open_the_ledger_the_app_serves_concurrent_requests_from_a_pool(
    tmp_path: Path,
) -> None:
    build_ledger(tmp_path / "pool.db").close()
    opened: list[Ledger] = []

    def connect() -> Ledger:
        opened.append(open_ledger(str(tmp_path / "pool.db"), create=False))
        return opened[-1]

    with TestClient(create_app(connect)) as client, ThreadPoolExecutor(8) as pool:
        answers = list(
            pool.map(lambda _: client.get("/api/search", params={"stance": "deny"}).json(), range(40))
        )
        assert all(a["total"] == 2 for a in answers)
        assert 1 <= len(opened) <= POOL_SIZE  # how many depends on how the requests overlapped
    with pytest.raises(Exception, match="closed"):  # the app closed its connections when it stopped
        opened[0].stats()


# -- writes ----------------------------------------------------------------------------------


def test_the_server_is_read_only_without_a_write_token(ledger: Ledger) -> None:
    client = TestClient(create_app(ledger))
    response = client.post("/api/records", json=[record("ct-ferry-crowds")])
    assert response.status_code == 403
    assert "read-only" in response.json()["error"]["message"]


def test_writes_need_the_token(tmp_path: Path) -> None:
    with open_ledger(str(tmp_path / "w.db")) as ledger:
        client = TestClient(create_app(ledger, write_token=TOKEN))
        body = [record("ct-ferry-crowds")]
        anonymous = client.post("/api/records", json=body)
        assert anonymous.status_code == 401
        assert anonymous.headers["www-authenticate"] == "Bearer"
        wrong = client.post("/api/records", json=body, headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        right = client.post("/api/records", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
        assert right.status_code == 200
        assert right.json()["stored"] == 1
        again = client.post("/api/records", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
        assert again.json()["unchanged"] == 1
        assert client.get("/api/articles/ct-ferry-crowds").json()["title"].startswith("Ferry operators")


def test_pages_reuse_ledger_wide_counts_and_rankings_for_a_while(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_ledger(str(tmp_path / "o.db")) as ledger:
        client = TestClient(create_app(ledger, write_token=TOKEN))
        assert "<b>0</b><span>articles</span>" in client.get("/").text
        assert "No outlets." in client.get("/outlets").text
        ledger.store(AnalysedArticle.from_dict(record("ct-ferry-crowds")))  # e.g. by `sayso ingest`
        page = client.get("/").text
        assert "<b>0</b><span>articles</span>" in page  # counts cached...
        assert "Ferry operators brace" in page  # ...the latest articles are not
        assert "Coastal Times" not in client.get("/outlets").text  # the outlet ranking was cached too
        assert client.get("/api/outlets").json()["total"] == 1  # the API always asks the ledger
        monkeypatch.setattr(pages, "AGGREGATE_TTL", 0.0)
        assert "<b>1</b><span>articles</span>" in client.get("/").text
        assert "Coastal Times" in client.get("/outlets").text


def test_a_write_through_the_server_shows_at_once_in_its_pages(tmp_path: Path) -> None:
    with open_ledger(str(tmp_path / "w.db")) as ledger:
        client = TestClient(create_app(ledger, write_token=TOKEN))
        assert "No outlets." in client.get("/outlets").text
        client.post("/api/records", json=[record("ct-ferry-crowds")], headers=auth_header())
        assert "Coastal Times" in client.get("/outlets").text
        assert "<b>1</b><span>articles</span>" in client.get("/").text


def test_a_write_too_large_is_refused_before_its_body_is_read(ledger: Ledger) -> None:
    client = TestClient(create_app(ledger, write_token=TOKEN))
    headers = {**auth_header(), "Content-Type": "application/json", "Content-Length": str(2**40)}
    response = client.post("/api/records", content=b"[]", headers=headers)
    assert response.status_code == 413
    assert "over the limit" in response.json()["error"]["message"]


def test_a_malformed_record_is_refused_whole(tmp_path: Path) -> None:
    with open_ledger(str(tmp_path / "w.db")) as ledger:
        client = TestClient(create_app(ledger, write_token=TOKEN))
        body = [record("ct-ferry-crowds"), {"title": "no id, no text"}]
        response = client.post("/api/records", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 400
        assert "record 2" in response.json()["error"]["message"]
        assert client.get("/api/stats").json()["articles"] == 0


def test_ingest_refuses_urls_that_reach_loopback_or_private_addresses(ledger: Ledger) -> None:
    client = TestClient(create_app(ledger, write_token=TOKEN))
    for url in ("http://127.0.0.1:9/article", "http://10.0.0.1/article", "http://localhost/x"):
        response = client.post("/api/ingest", data={"urls": [url]}, headers=auth_header())
        assert response.status_code == 400, url
        (reason,) = response.json()["error"]["details"]
        assert "refused" in reason and "private" in reason, reason


def test_ingest_with_private_urls_allowed_goes_on_to_fetch_them(ledger: Ledger) -> None:
    client = TestClient(create_app(ledger, write_token=TOKEN, allow_private_urls=True))
    response = client.post(
        "/api/ingest", data={"urls": ["http://127.0.0.1:9/article"]}, headers=auth_header()
    )
    assert response.status_code == 400
    (reason,) = response.json()["error"]["details"]
    assert "private" not in reason and "fetch failed" in reason, reason


def test_ingest_takes_only_http_urls_never_server_paths(ledger: Ledger) -> None:
    client = TestClient(create_app(ledger, write_token=TOKEN, allow_private_urls=True))
    for url in ("/etc/passwd", "file:///etc/passwd", "tests"):
        response = client.post("/api/ingest", data={"urls": [url]}, headers=auth_header())
        assert response.status_code == 400
        (reason,) = response.json()["error"]["details"]
        assert reason.startswith(url)


def test_ingest_needs_the_token(ledger: Ledger) -> None:
    client = TestClient(create_app(ledger, write_token=TOKEN))
    files = {"files": ("note.txt", b"Officials said the bridge would reopen.", "text/plain")}
    assert client.post("/api/ingest", files=files).status_code == 401
    assert TestClient(create_app(ledger)).post("/api/ingest", files=files).status_code == 403


def test_an_uploaded_article_is_read_analysed_and_stored_once(tmp_path: Path) -> None:
    text = (
        "Harbour ferries to run all night\n\n"
        "Ferries will run all night during the bridge closure, the transport commissioner Maria Delgado "
        'said on Friday. "We have chartered four extra boats," Delgado told reporters.\n'
    )
    with open_ledger(str(tmp_path / "u.db")) as ledger:
        client = TestClient(create_app(ledger, write_token=TOKEN))
        files = {"files": ("night ferries.txt", text.encode(), "text/plain")}
        first = client.post("/api/ingest", files=files, headers=auth_header())
        assert first.status_code == 200, first.text
        assert first.json()["stored"] == 1
        again = client.post("/api/ingest", files=files, headers=auth_header())
        assert again.json() == {"stored": 0, "replaced": 0, "unchanged": 1, "failed": []}
        (summary,) = client.get("/api/articles", params={"q": "ferries"}).json()["items"]
        assert summary["input"] == "upload:night ferries.txt"
        stored = client.get(f"/api/articles/{summary['id']}").json()
        assert stored["text"] == text


def auth_header() -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}"}


# -- pages -----------------------------------------------------------------------------------


def test_the_article_page_shows_the_text_exactly_with_every_role_marked(client: TestClient) -> None:
    page = client.get("/articles/hh-bridge-closure").text
    want = record("hh-bridge-closure")
    assert visible_text(page) == want["text"]
    assert page.count('class="r-cue" data-a=') == 6
    assert re.search(r'class="r-source"[^>]*>The Evening Standard<', page)
    assert re.search(r'class="r-content"[^>]*>that it had missed inspections<', page)
    assert re.search(r'class="noise"[^>]*>Photo: J. Lee/Harbour Wire<', page)


def test_hostile_markup_in_an_article_renders_as_text(client: TestClient) -> None:
    hostile = record("evil-\"quote'<b>")
    page = client.get("/articles/" + "evil-\"quote'<b>".replace('"', "%22").replace("<", "%3C")).text
    assert visible_text(page) == hostile["text"]
    assert "window.__pwned" in page
    for raw in ("<script>window", "<img src=x", 'onerror="', "<svg onload", "<b>bold</b>", "<i>x</i>"):
        assert raw not in page, raw
    assert 'href="javascript:' not in page


def test_hostile_markup_is_escaped_on_every_page_that_lists_it(client: TestClient) -> None:
    speaker = client.get("/api/speakers", params={"name": "O'Brien"}).json()["items"][0]
    for path in ("/", "/search?q=typo", "/articles", f"/speakers/{speaker['id']}", "/outlets", "/speakers"):
        page = client.get(path).text
        assert "&lt;" in page, path
        for raw in ("<script>window", "<img src=x", "<svg onload", "<b>bold</b>"):
            assert raw not in page, (path, raw)


def test_a_loopback_server_answers_only_to_loopback_host_names(ledger: Ledger) -> None:
    app = create_app(ledger, allowed_hosts=LOOPBACK_HOSTS)
    assert TestClient(app, base_url="http://127.0.0.1:8000").get("/api/stats").status_code == 200
    assert TestClient(app, base_url="http://localhost:8000").get("/").status_code == 200
    assert TestClient(app, base_url="http://attacker.example").get("/api/stats").status_code == 400


def test_pages_forbid_inline_and_foreign_scripts(client: TestClient) -> None:
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


def test_the_search_page_lists_claims_with_speaker_stance_outlet_date_and_article(client: TestClient) -> None:
    page = client.get("/search", params={"q": "inspections"}).text
    assert "Baylink Construction" in page
    assert 'class="stance s-deny"' in page
    assert "Harbour Herald" in page
    assert "2026-03-02" in page
    assert 'href="/articles/hh-bridge-closure#a-a5"' in page


def test_a_bad_parameter_on_a_page_is_a_400_page(client: TestClient) -> None:
    response = client.get("/search", params={"limit": 5000})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert "limit" in response.text


def test_every_page_renders(client: TestClient) -> None:
    speaker_id = client.get("/api/speakers").json()["items"][0]["id"]
    outlet_id = client.get("/api/outlets").json()["items"][0]["id"]
    for path in (
        "/",
        "/search",
        "/articles",
        "/speakers",
        "/outlets",
        "/docs",
        f"/speakers/{speaker_id}",
        f"/outlets/{outlet_id}",
        "/outlets/Coastal%20Times",
    ):
        assert client.get(path).status_code == 200, path
    assert client.get("/speakers/987654").status_code == 404


# -- highlighting ------------------------------------------------------------------------------


def test_nested_spans_cut_the_text_into_pieces_that_carry_every_covering_role() -> None:
    article = AnalysedArticle.from_dict(
        {
            "id": "n",
            "text": 'Ann said Bob denied "it was late" today.',
            "regions": [{"kind": "credit", "span": [34, 40]}],
            "attributions": [
                {
                    "id": "a1",
                    "source": {"spans": [[0, 3]]},
                    "cue": {"spans": [[4, 8]]},
                    "content": {"spans": [[9, 33]]},
                },
                {
                    "id": "a2",
                    "source": {"spans": [[9, 12]]},
                    "cue": {"spans": [[13, 19]]},
                    "content": {"spans": [[21, 32]]},
                },
            ],
        }
    )
    pieces = segments(article.text, article.regions, article.attributions)
    assert "".join(p.text for p in pieces) == article.text
    bob = next(p for p in pieces if p.text == "Bob")
    assert bob.roles == ((0, "content"), (1, "source"))
    assert bob.css_classes == "r-source r-content"
    assert [p.first_of for p in pieces if p.first_of is not None] == [0, 1]
    assert next(p for p in pieces if p.text == "today.").regions == ("credit",)


def test_spans_past_the_end_of_the_text_are_clipped() -> None:
    article = AnalysedArticle.from_dict(
        {
            "id": "c",
            "text": "short",
            "attributions": [
                {
                    "id": "a1",
                    "source": {"spans": [[0, 2]]},
                    "cue": {"spans": [[3, 99]]},
                    "content": {"spans": [[50, 60]]},
                }
            ],
        }
    )
    pieces = segments(article.text, article.regions, article.attributions)
    assert [p.text for p in pieces] == ["sh", "o", "rt"]


# -- command line ------------------------------------------------------------------------------


def test_serve_refuses_a_short_write_token(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--db", str(tmp_path / "l.db"), "--write-token", "short"]) == 2
    assert "at least 16 characters" in capsys.readouterr().err


def test_sayso_serve_serves_the_ledger_read_only_on_loopback(tmp_path: Path) -> None:
    build_ledger(tmp_path / "cli.db").close()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [sys.executable, "-m", "sayso", "serve", "--db", str(tmp_path / "cli.db"), "--port", str(port)]
    server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        assert "read-only" in server.stderr.readline()
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                stats = httpx.get(f"{base}/api/stats").json()
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "sayso serve did not answer"
                time.sleep(0.1)
        assert stats["articles"] == 4
        assert httpx.post(f"{base}/api/records", json=[]).status_code == 403
        assert httpx.get(f"{base}/", headers={"Host": "rebound.example"}).status_code == 400
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serve_binds_loopback_and_reads_the_token_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sayso.cli import build_parser

    monkeypatch.setenv("SAYSO_WRITE_TOKEN", TOKEN)
    args = build_parser("serve").parse_args(["serve"])
    assert args.host == "127.0.0.1"
    assert args.write_token == TOKEN
    assert args.allow_private_urls is False
