"""Screenshots of the web UI for the docs: overview, search, article and speaker pages.

Builds a ledger from the serve test fixtures in a temporary folder, runs ``sayso serve`` on a
free loopback port, and photographs the pages with Debian's Chromium (Playwright)::

    .venv/bin/python scripts/serve_screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

from sayso.records import AnalysedArticle
from sayso.store import open_ledger

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "serve"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "ledger.db")
        with open_ledger(db) as ledger:
            records = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(FIXTURES.glob("*.json"))]
            ledger.ingest(AnalysedArticle.from_dict(r) for r in records)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([sys.executable, "-m", "sayso", "serve", "--db", db, "--port", str(port)])
        try:
            _wait(base)
            _shoot(base, args.out)
        finally:
            server.terminate()
            server.wait(timeout=10)
    return 0


def _wait(base: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(base + "/api/stats", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit("sayso serve did not start")


def _shoot(base: str, out: Path) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(base_url=base, viewport={"width": 1280, "height": 820})
        page.goto("/")
        page.screenshot(path=out / "overview.png")
        page.goto("/search?q=bridge OR ferries OR paid OR inspections")
        page.screenshot(path=out / "search.png")
        page.goto("/articles/hh-bridge-closure")
        page.locator("article.text").get_by_text("The contractor, Baylink Construction").hover()
        page.screenshot(path=out / "article.png")
        page.goto("/speakers/Maria%20Delgado")
        page.screenshot(path=out / "speaker.png")
        browser.close()
    for path in sorted(out.glob("*.png")):
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    raise SystemExit(main())
