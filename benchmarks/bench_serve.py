"""Latency of `sayso serve` under 50 concurrent clients, on a synthetic ledger of 10,000+ articles.

Builds (or reuses) a SQLite ledger of synthetic analysed articles through the ledger API, starts
``sayso serve`` on a loopback port in its own process, and loads it with ``wrk`` (Debian package
``wrk``): 50 connections, bounded duration, rotating over many search queries and article ids.
Reports median and p95 latency and throughput for the search API (broad queries matching a tenth
of the ledger; narrow ones: a rare word or a speaker, with the CLI's filters) and the article page,
first with one client (the service time), then with 50 (service time plus queueing)::

    .venv/bin/python benchmarks/bench_serve.py [--articles 10000] [--duration 10] [--db PATH]

Each claim's spans index its article's text, like real records; speakers, outlets, stances and
dates are drawn from fixed pools with a seeded RNG, so two runs build the same ledger.

Measured 2026-11-25 on the team's shared 2-core VM (load average 6-7 from other jobs, so the
server had well under one core): wrk 4.1, SQLite ledger, one ``sayso serve`` process.

    ledger                         | search, broad      | search, narrow    | article page
    10,000 art., 59,914 claims  1c | 14 / 23 ms         | 7 / 22 ms         | 6 / 13 ms
                               50c | 612 / 1,049 ms     | 252 / 415 ms      | 145 / 250 ms (331 req/s)
    100,000 art., 599,370 cl.   1c | 140 / 199 ms       | 32 / 121 ms       | 4 / 12 ms
                               50c | 4,850 / 7,720 ms   | 940 / 1,630 ms    | 146 / 257 ms (333 req/s)

(median / p95; 1c = one client, 50c = 50 concurrent clients.) With 50 clients the latency is
the queue: the throughput is CPU-bound. The article page does not depend on the ledger's size;
search does, through the ledger's query (broad queries count ~10% of all claims for the total).
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx

from sayso.records import AnalysedArticle, Attribution, Entity, Region, Role, Source
from sayso.store import open_ledger

FIRST = ["Maria", "John", "Aisha", "Tom", "Li", "Sofia", "Omar", "Grace", "Pavel", "Nadia", "Kwame", "Elena"]
LAST = [
    "Delgado",
    "Kirby",
    "Okafor",
    "Chen",
    "Novak",
    "Haddad",
    "Mensah",
    "Ivanova",
    "Price",
    "Santos",
    "Berg",
]
ROLES = ["spokesperson", "minister", "commissioner", "mayor", "analyst", "chief executive", "senator"]
OUTLETS = [
    f"{a} {b}"
    for a in ("Harbour", "Coastal", "Northern", "Capital", "Valley")
    for b in ("Herald", "Times", "Post", "Wire")
]
TOPICS = [
    "bridge",
    "budget",
    "ferry",
    "election",
    "tariff",
    "hospital",
    "pipeline",
    "strike",
    "drought",
    "vaccine",
    "railway",
    "border",
    "housing",
    "school",
    "port",
    "energy",
    "water",
    "police",
    "court",
    "tax",
]
CUES = [
    ("said", "assert"),
    ("told reporters", "assert"),
    ("denied", "deny"),
    ("accused", "accuse"),
    ("reported", "report"),
    ("warned", "assess"),
    ("insisted", "assert"),
]
SYLLABLES = [
    "va",
    "lo",
    "mer",
    "ta",
    "ki",
    "sun",
    "dor",
    "ra",
    "bel",
    "no",
    "vin",
    "ca",
    "lu",
    "ten",
    "mo",
    "zar",
]
PLACES = sorted({(a + b + c).capitalize() for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES[:8]})
"""2,048 place names: each is in about 30 claims of a 10,000-article ledger, like a rare word."""
BROAD = [
    "bridge",
    "budget",
    "ferry",
    '"the hospital"',
    "tariff OR tax",
    "strike -police",
    "drought",
    "railway",
]
"""Topic words: each matches about 1 claim in 10 of the whole ledger (a worst case for a search)."""


def search_paths(rng: random.Random) -> tuple[list[str], list[str]]:
    """Broad searches, and 100 selective ones: a rare word, alone or with the CLI's filters."""
    broad = ["/api/search?" + urlencode({"q": q}) for q in BROAD]
    people = [f"{first} {last}" for first in FIRST for last in LAST]
    filters = [{}, {"stance": "deny"}, {"from": "2025-03-01", "to": "2025-06-30"}, {"outlet": OUTLETS[3]}]
    selective = []
    for i in range(100):
        params = {"q": rng.choice(PLACES), **filters[i % len(filters)]}
        if i % 5 == 0:
            params = {"speaker": rng.choice(people), "stance": "assert"}
        selective.append("/api/search?" + urlencode(params))
    return broad, selective


class _Text:
    """Text built piece by piece, each piece's span known as it is added."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0

    def add(self, piece: str) -> tuple[int, int]:
        self.parts.append(piece)
        self.size += len(piece)
        return self.size - len(piece), self.size


def synthetic(n: int, seed: int = 7) -> Iterator[AnalysedArticle]:
    """``n`` analysed articles with 4-8 attributions each, noise regions, real offsets."""
    rng = random.Random(seed)
    people = [(f"{first} {last}", rng.choice(ROLES)) for first in FIRST for last in LAST]
    for i in range(n):
        topic = rng.choice(TOPICS)
        text = _Text()
        add = text.add
        noise = add("Advertisement: subscribe for unlimited access.\n\n")
        add(f"The {topic} dispute deepens\n\n")
        entities: list[Entity] = []
        attributions: list[Attribution] = []
        for j in range(rng.randint(4, 8)):
            name, role = rng.choice(people)
            cue, stance = rng.choice(CUES)
            claim = (
                f"the {rng.choice(TOPICS)} plan for {rng.choice(PLACES)} would "
                f"{rng.choice(['fail', 'cost more', 'go ahead', 'be delayed'])} by {2026 + j}"
            )
            source_span = add(name)
            add(f", the {role}, ")
            cue_span = add(cue)
            add(" that ")
            content_span = add(claim)
            add(f". Officials gave few details on the {topic}.\n\n")
            eid = f"e{j + 1}"
            entities.append(Entity(eid, name, "person", [role], [source_span]))
            attributions.append(
                Attribution(
                    id=f"a{j + 1}",
                    source=Source([source_span], name, entity=eid, type="person"),
                    cue=Role([cue_span], cue),
                    content=Role([content_span], claim),
                    kind="indirect",
                    stance=stance,
                    speakers=[name],
                )
            )
        caption = add("A file photo. Photo: Staff/Wire")
        day = 1 + i % 365
        yield AnalysedArticle(
            input=f"synthetic/{i}.html",
            id=f"syn-{i:06d}",
            text="".join(text.parts),
            url=f"https://news{i % len(OUTLETS)}.example/{topic}/{i}",
            outlet=OUTLETS[i % len(OUTLETS)],
            title=f"The {topic} dispute deepens ({i})",
            published=time.strftime("%Y-%m-%dT08:00:00+00:00", time.gmtime(1735689600 + day * 86400)),
            authors=["Staff"],
            regions=[Region("boilerplate", noise), Region("caption", caption)],
            entities=entities,
            attributions=attributions,
        )


def build(db: str, n: int) -> None:
    with open_ledger(db) as ledger:
        have = ledger.stats().articles
        if have >= n:
            print(f"ledger {db}: {have:,} articles (reused)")
            return
        start = time.perf_counter()
        report = ledger.ingest(synthetic(n))
        took = time.perf_counter() - start
        stats = ledger.stats()
        print(
            f"ledger {db}: stored {len(report.stored):,} articles in {took:.0f} s; "
            f"{stats.articles:,} articles, {stats.attributions:,} claims, {stats.speakers:,} speakers"
        )


LUA = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%d %%d %%d\\n", summary.requests, summary.errors.status +
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), summary.duration))
end
"""


def load(base: str, name: str, paths: list[str], duration: int, connections: int) -> dict[str, float]:
    """Run wrk over ``paths`` (round robin) and return median/p95 (ms), requests/s and errors."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % ", ".join(_lua_string(p) for p in paths))
    command = [
        "wrk",
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        script.name,
        base,
    ]
    out = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60, check=True).stdout
    Path(script.name).unlink()
    requests, errors, p50, p95, micros = map(
        int, re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) (\d+)", out).groups()
    )
    result = {
        "median_ms": p50 / 1000,
        "p95_ms": p95 / 1000,
        "rps": requests / (micros / 1e6),
        "errors": errors,
    }
    print(
        f"{name:<15} {connections} clients {duration} s: {requests:,} requests, {result['rps']:.0f} req/s, "
        f"median {result['median_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms, errors {errors}"
    )
    return result


def settle(url: str, quick: float = 0.05, timeout: float = 120) -> None:
    """Wait until ``url`` answers quickly three times running: the server has worked off the
    requests that the last load left queued (it finishes them even after wrk has gone)."""
    deadline = time.monotonic() + timeout
    streak = 0
    while streak < 3 and time.monotonic() < deadline:
        start = time.perf_counter()
        httpx.get(url, timeout=timeout)
        streak = streak + 1 if time.perf_counter() - start < quick else 0


def _lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per endpoint (default 10)")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--db", default=str(Path(tempfile.gettempdir()) / "sayso-bench-serve.db"))
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("bench_serve: wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    build(args.db, args.articles)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "sayso", "serve", "--db", args.db, "--port", str(port)])
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/api/stats", timeout=2).raise_for_status()
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise SystemExit("sayso serve did not start") from None
                time.sleep(0.2)
        rng = random.Random(1)
        broad, selective = search_paths(rng)
        articles = [f"/articles/syn-{rng.randrange(args.articles):06d}" for _ in range(200)]
        for path in broad + selective[:5] + articles[:5]:
            httpx.get(base + path, timeout=30).raise_for_status()  # warm up, and fail loudly on a broken path
        runs = (("search, broad", broad), ("search, narrow", selective), ("article page", articles))
        for name, paths in runs:
            for connections, duration in ((1, max(args.duration // 2, 1)), (args.connections, args.duration)):
                settle(base + articles[0])
                load(base, name, paths, duration, connections)
    finally:
        server.terminate()
        server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
