"""Ledger benchmark: ingest rate of pre-analysed records and full-text search latency.

Builds a synthetic ledger (default 1,000,000 attributions, 10 per article) of realistic
records (real offsets into generated article text; 2,000 named speakers, anonymous sources,
200 outlets, Zipf-distributed vocabulary), stores it article by article through the public
API (one transaction per article, as `sayso ingest --records` does), then times searches
that combine a full-text query with two filters (stance + outlet, or speaker type + a month).

    .venv/bin/python benchmarks/bench_ledger.py                       # SQLite, 1M attributions
    .venv/bin/python benchmarks/bench_ledger.py --attributions 100000 --backend both
    .venv/bin/python benchmarks/bench_ledger.py --backend postgresql --pg-url postgresql://...

Without --pg-url, the PostgreSQL run starts a throwaway local server (PostgreSQL 15, default
settings, fsync on) and removes it afterwards. Prints one block of figures per backend.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sayso.records import AnalysedArticle, Attribution, Entity, Role, Source
from sayso.store import SearchQuery, open_ledger

PG_BIN = Path("/usr/lib/postgresql/15/bin")
STANCES = ["assert"] * 6 + ["report", "deny", "accuse", "assess", "concern"]
FIRST = [
    "John",
    "Mary",
    "Ned",
    "Anna",
    "Wei",
    "Olga",
    "Ahmed",
    "Lucia",
    "Kofi",
    "Priya",
    "Tom",
    "Elena",
    "Yusuf",
    "Ines",
    "Pavel",
    "Sara",
]
LAST = [
    "Kirby",
    "Price",
    "Smith",
    "Garcia",
    "Chen",
    "Ivanova",
    "Haddad",
    "Rossi",
    "Mensah",
    "Sharma",
    "Novak",
    "Silva",
    "Demir",
    "Costa",
    "Berg",
    "Tanaka",
    "Okafor",
    "Larsen",
    "Moreau",
    "Kowalski",
    "Nguyen",
    "Fischer",
    "Santos",
    "Romero",
    "Walsh",
    "Petrov",
    "Ali",
    "Kim",
    "Jensen",
    "Murphy",
]
ROLES = ["spokesperson", "minister", "senator", "analyst", "general", "ambassador", "mayor", "professor"]
ORGS = ["State Department", "Pentagon", "Kremlin", "European Commission", "Foreign Ministry", "NATO"]
ANONYMOUS = ["officials", "a senior official", "people familiar with the matter", "diplomats", "sources"]


def vocabulary(rng: random.Random, size: int = 5000) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = {"".join(rng.choice(letters) for _ in range(rng.randint(4, 9))) for _ in range(size * 2)}
    return sorted(words)[:size]


class Corpus:
    """Deterministic synthetic analysed articles."""

    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.words = vocabulary(self.rng)
        self.weights = [1 / (rank + 1) for rank in range(len(self.words))]  # Zipf
        self.people = [
            (f"{self.rng.choice(FIRST)} {last}", f"{self.rng.choice(ORGS)} {self.rng.choice(ROLES)}")
            for last in LAST
            for _ in range(70)
        ][:2000]
        self.outlets = [(f"Outlet {i}", f"outlet{i}.example.com") for i in range(200)]

    def sentence(self, n: int) -> str:
        return " ".join(self.rng.choices(self.words, self.weights, k=n))

    def article(self, number: int, attributions: int) -> AnalysedArticle:
        rng = self.rng
        outlet, domain = rng.choice(self.outlets)
        text = f"Headline {number}: {self.sentence(6)}\n\n"
        entities: list[Entity] = []
        records: list[Attribution] = []
        for i in range(attributions):
            kind = rng.random()
            if kind < 0.6:
                name, role = rng.choice(self.people)
                source_text, stype = (name if rng.random() < 0.7 else name.split()[-1]), "person"
                speakers = [name]
            elif kind < 0.8:
                source_text, stype, role = rng.choice(ORGS), "organization", ""
                speakers = [source_text]
            else:
                source_text, stype, role = rng.choice(ANONYMOUS), "anonymous", ""
                speakers = [source_text]
            content = self.sentence(rng.randint(8, 25))
            start = len(text)
            text += f'"{content}," {source_text} said.\n'
            c0, c1 = start + 1, start + 1 + len(content)
            s0 = c1 + 3
            s1 = s0 + len(source_text)
            eid = f"e{i + 1}"
            entities.append(Entity(eid, speakers[0], stype, [role] if role else [], [(s0, s1)]))
            records.append(
                Attribution(
                    id=f"a{i + 1}",
                    source=Source(spans=[(s0, s1)], text=source_text, entity=eid, type=stype),
                    cue=Role(spans=[(s1 + 1, s1 + 5)], text="said"),
                    content=Role(spans=[(c0, c1)], text=content),
                    kind="direct",
                    stance=rng.choice(STANCES),
                    speakers=speakers,
                )
            )
        day = 1 + number % 28
        month = 1 + (number // 28) % 12
        return AnalysedArticle(
            input=f"synthetic/{number}.json",
            id=f"synthetic-{number}",
            text=text,
            url=f"https://{domain}/news/{number}",
            outlet=outlet,
            title=f"Headline {number}",
            published=f"2023-{month:02d}-{day:02d}T12:00:00Z",
            entities=entities,
            attributions=records,
        )


def bench(url: str, attributions: int, per_article: int, queries: int) -> None:
    corpus = Corpus()
    articles = attributions // per_article
    with open_ledger(url) as ledger:
        already = ledger.stats().articles
        started = time.perf_counter()
        for number in range(already, articles):  # a ledger already (partly) built is completed
            ledger.store(corpus.article(number, per_article))
            if number and number % 20_000 == 0:
                print(f"  ... {number:,} articles", flush=True)
        elapsed = time.perf_counter() - started
        stats = ledger.stats()
        stored = (articles - already) * per_article
        print(f"ledger: {stats.attributions:,} attributions in {stats.articles:,} articles")
        if stored:
            print(
                f"ingest: {stored:,} attributions in {elapsed:.1f} s = {stored / elapsed:,.0f} records/s "
                f"({(articles - already) / elapsed:,.0f} articles/s, one transaction per article)"
            )
        rng = random.Random(11)
        mid_words = corpus.words[50:1500]
        timings: list[float] = []
        totals: list[int] = []
        for i in range(queries):
            word = rng.choice(mid_words)
            if i % 2:
                query = SearchQuery(
                    text=word, stance=rng.choice(STANCES), outlet=rng.choice(corpus.outlets)[0]
                )
            else:
                month = rng.randint(1, 12)
                query = SearchQuery(
                    text=word,
                    speaker_type=rng.choice(["person", "organization", "anonymous"]),
                    date_from=f"2023-{month:02d}-01",
                    date_to=f"2023-{month:02d}-28",
                )
            t0 = time.perf_counter()
            page = ledger.search(query)
            timings.append((time.perf_counter() - t0) * 1000)
            totals.append(page.total)
        timings.sort()
        p95 = timings[int(0.95 * (len(timings) - 1))]
        print(
            "search (full text + 2 filters, page of 20 with total): "
            f"median {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms "
            f"over {queries} queries "
            f"(median {statistics.median(totals):.0f} matching claims)"
        )


@contextmanager
def local_postgres() -> Iterator[str]:
    """A throwaway PostgreSQL server with default settings on a free loopback port."""
    root = Path(tempfile.mkdtemp(prefix="sayso-bench-pg-"))
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_postgres:
        shutil.chown(root, "postgres")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = root / "data"
    initdb = [*as_postgres, PG_BIN / "initdb", "-D", data, "-U", "postgres", "--auth=trust"]
    subprocess.run(initdb, check=True, capture_output=True)
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1"
    start = [*as_postgres, PG_BIN / "pg_ctl", "-D", data, "-o", options, "-l", root / "log", "-w", "start"]
    subprocess.run(start, check=True, capture_output=True)
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*as_postgres, PG_BIN / "pg_ctl", "-D", data, "-m", "fast", "stop"], capture_output=True
        )
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--attributions", type=int, default=1_000_000, help="ledger size (default 1,000,000)")
    parser.add_argument("--per-article", type=int, default=10, help="attributions per article (default 10)")
    parser.add_argument("--queries", type=int, default=200, help="searches to time (default 200)")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument("--sqlite", default=None, help="SQLite file (default: a temporary one, removed)")
    parser.add_argument("--pg-url", help="PostgreSQL URL (default: start a throwaway local server)")
    args = parser.parse_args()
    if args.backend in ("sqlite", "both"):
        print("== SQLite")
        if args.sqlite:
            bench(args.sqlite, args.attributions, args.per_article, args.queries)
        else:
            with tempfile.TemporaryDirectory(prefix="sayso-bench-") as folder:
                bench(str(Path(folder) / "ledger.db"), args.attributions, args.per_article, args.queries)
    if args.backend in ("postgresql", "both"):
        print("== PostgreSQL")
        if args.pg_url:
            bench(args.pg_url, args.attributions, args.per_article, args.queries)
        else:
            with local_postgres() as url:
                bench(url, args.attributions, args.per_article, args.queries)


if __name__ == "__main__":
    main()
