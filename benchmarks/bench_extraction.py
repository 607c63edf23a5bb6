"""Article-body extraction quality and speed: sayso against bare trafilatura, same pages, one run.

Runs ``sayso.article.extract_article`` and ``trafilatura.extract(html, include_comments=False)``
on the dev pages of ``../shared/data/articles`` (``html/*.html.gz``), writes both outputs as
JSONL (``{"id": ..., "body": ...}``), scores them with ``../shared/bench/extraction_score.py``
side by side, times both, checks title/date/authors against the hand-labelled pages of
``metadata-handcheck.json``, and checks that each page gets the same article id with and
without its URL.

    .venv/bin/python benchmarks/bench_extraction.py [--out-dir DIR]

Exits 0 without doing anything when the shared folder is absent.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura

from sayso.article import extract_article
from sayso.errors import InputError
from sayso.records import RawDocument

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
ARTICLES = SHARED / "data" / "articles"
SCORER = SHARED / "bench" / "extraction_score.py"


def load_pages() -> dict[str, str]:
    """Page id -> decoded HTML, as the benchmark's peers read them."""
    pages = {}
    for path in sorted((ARTICLES / "html").glob("*.html.gz")):
        with gzip.open(path, "rt", encoding="utf-8", errors="replace") as f:
            pages[path.name.removesuffix(".html.gz")] = f.read()
    return pages


def sayso_body(page_id: str, html: str, url: str | None) -> str:
    try:
        return extract_article(RawDocument(input=page_id, content=html, media_type="html", url=url)).text
    except InputError:
        return ""


def trafilatura_body(page_id: str, html: str, url: str | None) -> str:
    return trafilatura.extract(html, include_comments=False) or ""


def run(name: str, extract: Callable[[str, str, str | None], str], pages: dict[str, str], urls, out: Path):
    """Extract every page, write NAME.jsonl, return (path, pages/s, CPU ms/page)."""
    start, cpu = time.perf_counter(), time.process_time()
    bodies = {pid: extract(pid, html, urls.get(pid)) for pid, html in pages.items()}
    rate = len(pages) / (time.perf_counter() - start)
    cpu_ms = (time.process_time() - cpu) * 1000 / len(pages)
    path = out / f"{name}.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for pid, body in bodies.items():
            f.write(json.dumps({"id": pid, "body": body}, ensure_ascii=False) + "\n")
    return path, rate, cpu_ms


def metadata_check(pages: dict[str, str]) -> None:
    """Agreement with the hand-labelled title, date (day) and authors."""
    labelled = json.loads((ARTICLES / "metadata-handcheck.json").read_text("utf-8"))["pages"]
    hits = {"title": 0, "published": 0, "authors": 0}
    for page in labelled:
        raw = RawDocument(input=page["id"], content=pages[page["id"]], media_type="html", url=page["url"])
        article = extract_article(raw)
        found = {
            "title": article.title,
            "published": (article.published or "")[:10],
            "authors": [a.casefold() for a in article.authors],
        }
        truth = {**page, "authors": [a.casefold() for a in page["authors"]]}
        for key in hits:
            ok = found[key] == truth[key]
            hits[key] += ok
            if not ok:
                print(f"  {key} differs on {page['url']}: {found[key]!r} (hand: {truth[key]!r})")
    print("metadata hand-check: " + ", ".join(f"{k} {v}/{len(labelled)}" for k, v in hits.items()))


def id_check(pages: dict[str, str], urls: dict[str, str | None]) -> None:
    """The same page read with its URL (as from a WARC) and without (as from a file): same id?"""
    same = sum(
        extract_article(RawDocument(pid, html, "html", url=urls.get(pid))).id
        == extract_article(RawDocument(pid, html, "html")).id
        for pid, html in pages.items()
    )
    print(f"article id identical with and without the URL: {same}/{len(pages)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out-dir", type=Path, help="where to write the JSONL outputs (default: a temp dir)")
    args = parser.parse_args()
    if not (ARTICLES / "ground-truth.json").exists():
        print(f"skipped: {ARTICLES} is absent")
        return 0
    out = args.out_dir or Path(tempfile.mkdtemp(prefix="bench_extraction_"))
    out.mkdir(parents=True, exist_ok=True)
    truth = json.loads((ARTICLES / "ground-truth.json").read_text("utf-8"))
    urls = {pid: page.get("url") for pid, page in truth.items()}
    pages = {pid: html for pid, html in load_pages().items() if pid in truth}
    outputs = []
    for name, extract in (("sayso", sayso_body), ("trafilatura", trafilatura_body)):
        path, rate, cpu_ms = run(name, extract, pages, urls, out)
        outputs.append(path)
        print(f"{name}: {len(pages)} pages, {rate:.1f} pages/s, {cpu_ms:.1f} CPU ms/page -> {path}")
    scored = subprocess.run(
        [sys.executable, str(SCORER), str(ARTICLES / "ground-truth.json"), *map(str, outputs)],
        capture_output=True,
        text=True,
        check=True,
    )
    print(scored.stdout, end="")
    metadata_check(pages)
    id_check(pages, urls)
    return 0


if __name__ == "__main__":
    sys.exit(main())
