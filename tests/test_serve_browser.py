"""`sayso serve` in a real browser: Debian's Chromium driven by Playwright, over the fixture ledger.

A user searches, opens an article, sees its attributions highlighted and their details on
hover, focus and keys, follows a speaker; a hostile article renders as text and runs nothing.
Skips, saying why, where Chromium or Playwright is missing.
"""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from sayso.serve import create_app
from test_serve_api import build_ledger, fixture_records

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright python package is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip("no Chromium at /usr/bin/chromium (apt-get install chromium)", allow_module_level=True)

expect = sync_api.expect


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app over the fixture ledger, served by uvicorn on loopback in a thread."""
    ledger = build_ledger(tmp_path_factory.mktemp("browser") / "ledger.db")
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(ledger), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    ledger.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: object, base_url: str) -> Iterator[object]:
    context = browser.new_context(base_url=base_url, viewport={"width": 1366, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))  # CSP too
    page.on("dialog", lambda dialog: errors.append(f"dialog: {dialog.message}") or dialog.dismiss())
    yield page
    context.close()
    assert not errors, errors


def test_search_open_an_article_see_highlights_and_follow_a_speaker(page: object) -> None:
    page.goto("/")
    page.keyboard.press("/")  # the search box takes the keyboard
    page.keyboard.type("ferries")
    page.keyboard.press("Enter")
    claim = page.locator(".claims .claim").first
    expect(claim).to_contain_text("Maria Delgado")
    expect(claim).to_contain_text("ferries would run every ten minutes")
    expect(claim.locator(".stance")).to_have_text("assert")
    expect(claim).to_contain_text("Harbour Herald")
    expect(claim).to_contain_text("2026-03-02")

    claim.get_by_role("link", name="Harbour Bridge to close for three weeks of repairs").click()
    expect(page).to_have_url(re.compile(r"/articles/hh-bridge-closure#a-a4$"))
    expect(page.locator("#detail [data-field=cue]")).to_have_text("added")  # the claim searched for
    text = page.locator("article.text")
    expect(text.locator(".r-source")).to_have_count(6)
    expect(text.locator(".r-cue")).to_have_count(6)
    expect(text.locator(".r-content")).to_have_count(6)
    expect(text.locator(".noise").first).to_have_text(
        "Advertisement: Subscribe for full access to the Harbour Herald."
    )

    def look(selector: str) -> tuple[str, str]:
        style = "el => [getComputedStyle(el).backgroundColor, getComputedStyle(el).color]"
        return tuple(text.locator(selector).first.evaluate(style))

    assert len({look(".r-source"), look(".r-cue"), look(".r-content"), look(".noise")}) == 4
    noise_opacity = text.locator(".noise").first.evaluate("el => getComputedStyle(el).opacity")
    assert float(noise_opacity) < 1

    detail = page.locator("#detail")
    text.get_by_text("The contractor, Baylink Construction").hover()
    expect(detail.locator("[data-field=speakers]")).to_have_text("Baylink Construction")
    expect(detail.locator("[data-field=stance]")).to_have_text("deny")
    expect(detail.locator("[data-field=type]")).to_have_text("organization")

    # The keyboard walk below scrolls the text: a mouse left over it would hover other claims.
    page.mouse.move(0, 0)
    page.keyboard.press("Escape")
    expect(detail.locator(".hint")).to_be_visible()  # no claim chosen: a hint, no empty fields
    expect(detail.locator("dl")).to_be_hidden()
    page.keyboard.press("j")  # first claim, by keyboard
    expect(detail.locator("[data-field=speakers]")).to_have_text("city officials")
    expect(detail.locator("[data-field=type]")).to_have_text("anonymous")
    page.keyboard.press("j")
    expect(detail.locator("[data-field=speakers]")).to_have_text("Maria Delgado")
    assert page.evaluate("document.activeElement.dataset.first") == "1"
    page.keyboard.press("Tab")  # the next marked passage takes focus and shows its claim
    expect(detail.locator("[data-field=cue]")).to_have_text("told")
    expect(text.locator(".active").first).to_be_visible()

    page.locator(".side").get_by_role("link", name="Maria Delgado").first.click()
    expect(page.locator("h1")).to_have_text("Maria Delgado")
    expect(page.locator(".tags")).to_contain_text("city transport commissioner")
    expect(page.locator("h1 + .meta")).to_contain_text("person")
    expect(page.locator(".timeline .claim")).to_have_count(6)
    expect(page.locator(".timeline .day").first).to_have_text("2026-03-02")
    quoted_by = page.locator("aside").first
    expect(quoted_by).to_contain_text("Harbour Herald")
    expect(quoted_by).to_contain_text("Coastal Times")


def test_search_filters_narrow_the_claims(page: object) -> None:
    page.goto("/search")
    page.locator("select[name=stance]").select_option("deny")
    page.locator("input[name=speaker]").fill("Maria Delgado")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".claims .claim")).to_have_count(1)
    expect(page.locator(".claims .claim blockquote")).to_have_text(
        "reports that the repairs had doubled in cost"
    )
    expect(page.locator("select[name=stance]")).to_have_value("deny")


def test_claim_lists_are_walked_with_the_keyboard(page: object) -> None:
    page.goto("/search?stance=deny")
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(page.locator(":focus")).to_have_text("Harbour Bridge to close for three weeks of repairs")
    page.keyboard.press("k")
    expect(page.locator(":focus")).to_have_text("Bridge repairs ahead of schedule")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Bridge repairs ahead of schedule")
    expect(page.locator("#detail [data-field=stance]")).to_have_text("deny")  # the claim it came from


def test_a_hostile_article_renders_as_text_and_runs_nothing(page: object) -> None:
    hostile = next(r for r in fixture_records() if r["id"].startswith("evil"))
    page.goto("/search?q=typo")
    claim = page.locator(".claims .claim").first
    expect(claim.locator("blockquote")).to_have_text(hostile["attributions"][0]["content"]["text"])
    claim.get_by_role("link", name=hostile["title"]).click()
    expect(page.locator("h1")).to_have_text(hostile["title"])
    assert hostile["title"] in page.title()
    assert page.locator("article.text").inner_text() == hostile["text"]
    expect(page.locator("h1 + .meta")).to_contain_text(hostile["outlet"])
    expect(page.locator("main img, main svg:not(.fill), main script, main b, main i")).to_have_count(0)
    page.locator("article.text [data-first]").first.focus()
    expect(page.locator("#detail [data-field=speakers]")).to_have_text(
        hostile["attributions"][0]["speakers"][0]
    )
    page.locator(".side a").first.click()
    expect(page.locator("h1")).to_have_text(hostile["entities"][0]["name"])
    assert page.evaluate("typeof window.__pwned") == "undefined"
