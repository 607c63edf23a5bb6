"""The attribution tagger's network: cheap features over a parsed ``Doc``, a small CNN, a softmax.

Input per token: the vectors the small pipeline's own ``tok2vec`` already left in
``doc.tensor`` (free: computed for its tagger and parser anyway), concatenated with hash
embeddings of features that reach beyond a CNN window through the dependency parse
(:data:`FEATURES`): the token's words and tags, its quotation state in the paragraph, the
lemma of its head, of its sentence's root and of the verb governing its clause. A
``MaxoutWindowEncoder`` mixes neighbours; a softmax gives one role tag per token.
"""

from __future__ import annotations

import re

import numpy
from spacy.attrs import DEP, HEAD, IDX, LEMMA, LENGTH, NORM, SENT_START, SHAPE, TAG
from spacy.ml.models.tok2vec import MaxoutWindowEncoder
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import (
    HashEmbed,
    Maxout,
    Model,
    Softmax,
    chain,
    concatenate,
    list2ragged,
    ragged2list,
    with_array,
)
from thinc.types import Floats2d, Ints2d

QUOTE_MARKS = re.compile(r"``|''|[\"“”]")
OPENING_QUOTES = frozenset({"“", "``"})
TOGGLING_QUOTES = frozenset({'"', "''"})
CLAUSE_DEPS = frozenset({"ccomp", "xcomp", "parataxis", "advcl", "conj", "relcl", "pcomp"})


def _quote_states(doc: Doc) -> numpy.ndarray:
    """Per token: 0 outside double quotes, 1 inside, 2 holding an opening mark, 3 a closing one.

    Marks are found in the text, so a mark glued to a word counts. The state is reset at each
    line break: an unbalanced mark only affects its paragraph. ``''`` both opens and closes
    (as in the New York Times' texts), like the straight ``"``.
    """
    text = doc.text
    starts, ends, kinds = [], [], []
    inside, last = False, 0
    for m in QUOTE_MARKS.finditer(text):
        if "\n" in text[last : m.start()]:
            inside = False
        inside = m.group() in OPENING_QUOTES or (m.group() in TOGGLING_QUOTES and not inside)
        starts.append(m.start())
        ends.append(m.end())
        kinds.append(2 if inside else 3)
        last = m.end()
    pos = doc.to_array([IDX, LENGTH]).astype("int64")
    tok_start, tok_end = pos[:, 0], pos[:, 0] + pos[:, 1]
    states = numpy.zeros(len(doc), dtype="uint64")
    if not starts:
        return states
    starts_a, ends_a, kinds_a = numpy.array(starts), numpy.array(ends), numpy.array(kinds)
    first = numpy.searchsorted(starts_a, tok_start, "left")  # first mark at or after the token start
    last_before = numpy.searchsorted(starts_a, tok_end, "left") - 1  # last mark starting in or before it
    holds = last_before >= first
    newlines = numpy.array([m.start() for m in re.finditer("\n", text)], dtype="int64")
    prev = numpy.maximum(last_before, 0)
    same_paragraph = numpy.searchsorted(newlines, tok_start) == numpy.searchsorted(newlines, ends_a[prev])
    inside = (last_before >= 0) & (kinds_a[prev] == 2) & same_paragraph
    states[inside] = 1
    states[holds] = kinds_a[numpy.minimum(first, len(starts) - 1)][holds]
    return states


_PARSE_ATTRS = [NORM, SHAPE, TAG, DEP, LEMMA, HEAD]


def doc_features(doc: Doc) -> numpy.ndarray:
    """The token features of ``doc`` as a (tokens, :data:`FEATURES`) uint64 array.

    Computed on whole arrays (no per-token Python): ancestors are found by following the
    head array upwards, all tokens at once.
    """
    n = len(doc)
    norm, shape, tag, dep, lemma, head = doc.to_array(_PARSE_ATTRS).T
    index = numpy.arange(n, dtype="int64")
    heads = index + head.view("int64")
    root = heads.copy()
    for _ in range(n):
        up = heads[root]
        if (up == root).all():
            break
        root = up
    branch = index.copy()  # the ancestor-or-self whose head is the sentence root
    for _ in range(n):
        move = heads[heads[branch]] != heads[branch]
        if not move.any():
            break
        branch = numpy.where(move, heads[branch], branch)
    clause_deps = numpy.array([doc.vocab.strings[d] for d in CLAUSE_DEPS], dtype="uint64")
    node = index.copy()  # the nearest ancestor-or-self that is a clause (ccomp, xcomp...)
    for _ in range(n):
        move = ~numpy.isin(dep[node], clause_deps) & (heads[node] != node)
        if not move.any():
            break
        node = numpy.where(move, heads[node], node)
    governor = numpy.where(numpy.isin(dep[node], clause_deps), lemma[heads[node]], 0)
    side = numpy.sign(index - root) % 3  # 0 the root itself, 1 after it, 2 before it
    columns = {
        "norm": norm,
        "shape": shape,
        "tag": tag,
        "dep": dep,
        "quote": _quote_states(doc),
        "head_lemma": lemma[heads],
        "root_lemma": lemma[root],
        "clause": dep[branch] * numpy.uint64(3) + side.astype("uint64"),
        "governor": governor,
    }
    return numpy.stack([columns[name] for name, _ in FEATURES], axis=1).astype("uint64")


FEATURES: tuple[tuple[str, int], ...] = (
    ("norm", 5000),
    ("shape", 500),
    ("tag", 100),
    ("dep", 100),
    ("quote", 16),
    ("head_lemma", 2000),
    ("root_lemma", 2000),
    ("clause", 500),
    ("governor", 2000),
)
"""The token features (see :func:`doc_features`) and their hash-embedding rows."""


def _feature_forward(model: Model, docs: list[Doc], is_train: bool):
    out = [model.ops.asarray(doc_features(doc), dtype="uint64") for doc in docs]
    return out, lambda d_out: []


def _tensor_forward(model: Model, docs: list[Doc], is_train: bool):
    width = model.get_dim("nO")
    out = []
    for doc in docs:
        tensor = doc.tensor
        if tensor is None or tensor.shape != (len(doc), width):
            tensor = numpy.zeros((len(doc), width), dtype="float32")
        out.append(model.ops.asarray2f(tensor))
    return out, lambda d_out: []


def _sentence_lengths(doc: Doc) -> numpy.ndarray:
    starts = numpy.flatnonzero(doc.to_array(SENT_START).view("int64") == 1) if len(doc) else numpy.zeros(0)
    if len(starts) == 0 or starts[0] != 0:
        starts = numpy.concatenate([[0], starts])
    return numpy.diff(numpy.append(starts, len(doc))).astype("int32")


def with_sentence_max(layer: Model[list[Doc], list[Floats2d]]) -> Model[list[Doc], list[Floats2d]]:
    """Append to each token vector the max-pool of its sentence's vectors (sentence-wide context)."""
    return Model("with_sentence_max", _sentence_max_forward, init=_sentence_max_init, layers=[layer])


def _sentence_max_init(model: Model, X: list[Doc] | None = None, Y=None) -> None:
    model.layers[0].initialize(X=X)


def _sentence_max_forward(model: Model, docs: list[Doc], is_train: bool):
    ops = model.ops
    vectors, backprop_layer = model.layers[0](docs, is_train)
    outputs, saved = [], []
    for doc, x in zip(docs, vectors, strict=True):
        lengths = ops.asarray1i(_sentence_lengths(doc))
        if len(x) == 0:
            outputs.append(ops.xp.hstack([x, x]))
            saved.append((lengths, None))
            continue
        pooled, which = ops.reduce_max(x, lengths)
        outputs.append(ops.xp.hstack([x, ops.xp.repeat(pooled, lengths, axis=0)]))
        saved.append((lengths, which))

    def backprop(d_outputs: list[Floats2d]) -> list:
        d_vectors = []
        for d_out, (lengths, which) in zip(d_outputs, saved, strict=True):
            width = d_out.shape[1] // 2
            d_x = ops.xp.ascontiguousarray(d_out[:, :width])
            if which is not None:
                d_pooled = ops.reduce_sum(ops.xp.ascontiguousarray(d_out[:, width:]), lengths)
                d_x = d_x + ops.backprop_reduce_max(d_pooled, which, lengths)
            d_vectors.append(d_x)
        return backprop_layer(d_vectors)

    return outputs, backprop


@registry.architectures("sayso.AttributionTagger.v1")
def build_attribution_tagger(
    n_labels: int | None = None,
    tensor_width: int = 96,
    embed_width: int = 16,
    width: int = 64,
    depth: int = 2,
    window_size: int = 1,
    maxout_pieces: int = 3,
) -> Model[list[Doc], list[Floats2d]]:
    """Features + ``doc.tensor`` -> Maxout -> window CNN -> + sentence max-pool -> Maxout -> softmax."""
    embeds = [HashEmbed(embed_width, rows, column=i, seed=1000 + i) for i, (_, rows) in enumerate(FEATURES)]
    features: Model[list[Doc], list[Ints2d]] = Model("attribution_features", _feature_forward)
    embedded = chain(features, list2ragged(), with_array(concatenate(*embeds)), ragged2list())
    tensor = Model("doc_tensor", _tensor_forward, dims={"nO": tensor_width})
    encoder = chain(
        Maxout(width, normalize=True, dropout=0.1, nP=maxout_pieces),
        MaxoutWindowEncoder(width=width, window_size=window_size, maxout_pieces=maxout_pieces, depth=depth),
    )
    tokens = chain(concatenate(tensor, embedded), with_array(encoder))
    output = chain(Maxout(width, normalize=True, dropout=0.1, nP=2), Softmax(n_labels))
    return chain(with_sentence_max(tokens), with_array(output))
