"""Throughput of `sayso articles` against bare trafilatura, on the same pages in the same run.

Inputs: the 109 dev pages of ``../shared/data/articles/html/*.html.gz`` and the same pages as
one WARC, ``../shared/data/articles/dev-pages.warc.gz``. Figures (pages/s, best of --repeat rounds):

- trafilatura: read + gunzip + decode each page, ``trafilatura.extract`` (the reference);
- sayso (files) / sayso (WARC): ``iter_articles`` + the JSON line ``sayso articles`` writes,
  i.e. reading, decoding, extraction, noise regions and id; then the same with ``--jobs 2``;
- sayso CLI: the ``sayso articles`` command end to end, process start-up included;

with each figure's ratio to trafilatura's, and the peak memory of reading the WARC.

    .venv/bin/python benchmarks/bench_articles.py [--repeat N]

Exits 0 without doing anything when the shared folder is absent.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
ARTICLES = SHARED / "data" / "articles"
WARC = ARTICLES / "dev-pages.warc.gz"


# Peak RSS (KiB) of a process after its imports, then after reading every record of a WARC.
WARC_MEMORY = """
import json, resource, sys
from sayso.read import iter_documents
imported = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
records = sum(1 for _ in iter_documents([sys.argv[1]]))
print(json.dumps([imported, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, records]))
"""


def trafilatura_pages(paths: list[Path]) -> int:
    import trafilatura

    from sayso.read._decode import decode

    for path in paths:
        trafilatura.extract(decode(gzip.decompress(path.read_bytes()), str(path)), include_comments=False)
    return len(paths)


def sayso_pages(inputs: list[str], jobs: int = 1) -> int:
    from sayso.errors import InputError
    from sayso.pipeline import iter_articles

    count = 0
    for item in iter_articles(inputs, jobs=jobs):
        if isinstance(item, InputError):
            raise SystemExit(f"bench_articles: {item}")
        json.dumps(item.to_dict(), ensure_ascii=False)
        count += 1
    return count


def sayso_cli(paths: list[Path]) -> int:
    command = [sys.executable, "-m", "sayso", "articles", *map(str, paths)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return len(done.stdout.splitlines())


def best_rates(measures: list[tuple[str, Callable[[], int]]], repeat: int) -> dict[str, tuple[float, int]]:
    """Pages per second of each measure's fastest run, and its page count. The measures take
    turns, round after round, so that a load that comes and goes weighs on all of them alike."""
    best: dict[str, float] = {}
    pages: dict[str, int] = {}
    for _ in range(repeat):
        for name, run in measures:
            start = time.perf_counter()
            pages[name] = run()
            best[name] = min(best.get(name, float("inf")), time.perf_counter() - start)
    return {name: (pages[name] / best[name], pages[name]) for name, _ in measures}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="rounds of all measures; the best counts")
    args = parser.parse_args()
    if not ARTICLES.is_dir():
        print(f"bench_articles: skipped, {ARTICLES} is absent")
        return 0
    paths = sorted((ARTICLES / "html").glob("*.html.gz"))
    trafilatura_pages(paths[:3])  # imports and warm-up outside the timings
    sayso_pages([str(p) for p in paths[:3]])

    measures: list[tuple[str, Callable[[], int]]] = [
        ("trafilatura.extract", lambda: trafilatura_pages(paths)),
        ("sayso (files)", lambda: sayso_pages([str(p) for p in paths])),
        ("sayso (WARC)", lambda: sayso_pages([str(WARC)])),
        ("sayso (files, 2 jobs)", lambda: sayso_pages([str(p) for p in paths], jobs=2)),
        ("sayso articles (CLI)", lambda: sayso_cli(paths)),
    ]
    rates = best_rates(measures, args.repeat)
    reference = rates["trafilatura.extract"][0]
    for name, (rate, n) in rates.items():
        print(f"{name:<22} {n:>4} pages  {rate:7.1f} pages/s  {rate / reference:.2f}x")

    imported, peak, records = json.loads(
        subprocess.run([sys.executable, "-c", WARC_MEMORY, str(WARC)], capture_output=True, check=True).stdout
    )
    size = sum(len(gzip.decompress(p.read_bytes())) for p in paths)
    print(
        f"reading the WARC alone ({records} records, {size / 2**20:.1f} MiB of HTML): peak memory "
        f"{peak / 1024:.0f} MiB, {(peak - imported) / 1024:.1f} MiB above the process after imports"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
