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
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy
from spacy.attrs import DEP, ENT_TYPE, HEAD, IDX, LEMMA, LENGTH, NORM, SENT_START, SHAPE, TAG
from spacy.ml.models.tok2vec import MaxoutWindowEncoder
from spacy.strings import hash_string
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

QUOTE_MARKS = re.compile(r"``|''|[\"“”„«»‘’]")
OPENING_QUOTES = frozenset({"“", "``", "„", "«"})
TOGGLING_QUOTES = frozenset({'"', "''"})
CLAUSE_DEPS = frozenset({"ccomp", "xcomp", "parataxis", "advcl", "conj", "relcl", "pcomp"})
OPENING, CLOSING, UNCLOSED = 2, 3, 4
"""Kinds of quote mark: opening, closing, and opening but left open at its paragraph's end
with the next paragraph not opening with a mark."""


def quote_marks(text: str) -> list[tuple[int, int, int]]:
    """The quotation marks of ``text``: (start, end, kind) of each, in text order.

    Double marks are straight, curly, doubled (``''`` opens and closes, as in the New York
    Times' texts, like ``"``), low („) or angled («»). Single curly marks quote too, outside a
    double quote ("Trump: ‘I’m the worst thing’", "‘We cannot,’ Harper told the BBC"): ‘ opens
    where no letter comes before it, ’ closes where none comes after it (not "I’m", "CBS‘").
    Marks inside a quote of the other kind are its words' own. A line break ends a quote, and a
    mark left open at its paragraph's end is :data:`UNCLOSED` unless the next paragraph opens
    with a mark, as a quote running over paragraphs does.
    """
    marks: list[tuple[int, int, int]] = []
    open_kind: str | None = None  # "double" or "single" while a quote is open
    last = 0
    for m in QUOTE_MARKS.finditer(text):
        mark = m.group()
        if open_kind and "\n" in text[last : m.start()]:
            if not _opens_next_paragraph(text, last, m.start()):
                marks[-1] = (*marks[-1][:2], UNCLOSED)
            open_kind = None
        if mark in "‘’":
            if open_kind is None and mark == "‘" and not text[m.start() - 1 : m.start()].isalnum():
                open_kind, kind = "single", OPENING
            elif open_kind == "single" and mark == "’" and not text[m.end() : m.end() + 1].isalnum():
                open_kind, kind = None, CLOSING
            else:
                continue
        elif open_kind == "single":
            continue
        elif mark in OPENING_QUOTES or (mark in TOGGLING_QUOTES and open_kind is None):
            open_kind, kind = "double", OPENING
        else:
            open_kind, kind = None, CLOSING
        marks.append((m.start(), m.end(), kind))
        last = m.end()
    if open_kind:
        marks[-1] = (*marks[-1][:2], UNCLOSED)
    return marks


def quote_states(doc: Doc, text: str | None = None) -> numpy.ndarray:
    """Per token: 0 outside quotation marks, 1 inside, 2 holding an opening mark, 3 a closing one.

    The marks are those of :func:`quote_marks`, found in the text, so a mark glued to a word
    counts. An :data:`UNCLOSED` mark quotes nothing: an unbalanced mark ("It's smoke and
    mirrors, McOsker said.) neither quotes its cue nor reaches past its paragraph. ``text``:
    ``doc.text``, where the caller has it (spaCy builds it anew from the tokens on each access).
    """
    text = doc.text if text is None else text
    marks = quote_marks(text)
    states = numpy.zeros(len(doc), dtype="uint64")
    if not marks:
        return states
    pos = doc.to_array([IDX, LENGTH]).astype("int64")
    tok_start, tok_end = pos[:, 0], pos[:, 0] + pos[:, 1]
    starts_a, ends_a, kinds_a = (numpy.array(column) for column in zip(*marks, strict=True))
    first = numpy.searchsorted(starts_a, tok_start, "left")  # first mark at or after the token start
    last_before = numpy.searchsorted(starts_a, tok_end, "left") - 1  # last mark starting in or before it
    holds = last_before >= first
    newlines = numpy.array([m.start() for m in re.finditer("\n", text)], dtype="int64")
    prev = numpy.maximum(last_before, 0)
    same_paragraph = numpy.searchsorted(newlines, tok_start) == numpy.searchsorted(newlines, ends_a[prev])
    inside = (last_before >= 0) & (kinds_a[prev] == OPENING) & same_paragraph
    states[inside] = 1
    mark_states = numpy.where(kinds_a == UNCLOSED, OPENING, kinds_a)
    states[holds] = mark_states[numpy.minimum(first, len(marks) - 1)][holds]
    return states


def _opens_next_paragraph(text: str, after: int, mark: int) -> bool:
    """Whether the quote mark at ``mark`` opens the paragraph after the one ending past ``after``."""
    between = text[after:mark]
    return not between[between.index("\n") :].strip()


_PARSE_ATTRS = [NORM, SHAPE, TAG, DEP, LEMMA, HEAD, SENT_START, ENT_TYPE]


class CueLexicon:
    """How often each lemma is (part of) an attribution cue in training data, as buckets.

    Learned by ``scripts/train_attribution.py`` and shipped with the model as a TSV file
    (``lemma<TAB>share``); bucket 0 is an unknown lemma, 1-5 rising shares (:data:`BOUNDS`).
    """

    BOUNDS = (0.05, 0.15, 0.35, 0.6)
    STRONG = 3  # buckets from here on make a token a likely cue

    def __init__(self, shares: dict[str, float]) -> None:
        self.shares = dict(sorted(shares.items()))
        keys = numpy.array([hash_string(lemma) for lemma in self.shares], dtype="uint64")
        values = 1 + numpy.digitize(list(self.shares.values()), self.BOUNDS)
        order = numpy.argsort(keys)
        self._keys, self._values = keys[order], numpy.asarray(values, dtype="int64")[order]

    def buckets(self, lemmas: numpy.ndarray) -> numpy.ndarray:
        """The bucket of each lemma hash."""
        if not len(self._keys):
            return numpy.zeros(len(lemmas), dtype="int64")
        at = numpy.minimum(numpy.searchsorted(self._keys, lemmas), len(self._keys) - 1)
        return numpy.where(self._keys[at] == lemmas, self._values[at], 0)

    @classmethod
    def learn(cls, tagged: Iterable[tuple[Doc, Sequence[str]]], min_count: int = 3) -> CueLexicon:
        """The share of each lemma's occurrences tagged as cue in ``tagged`` (docs and their role
        tags), for the lemmas tagged as cue ``min_count`` times or more."""
        seen: Counter[str] = Counter()
        cue: Counter[str] = Counter()
        for doc, tags in tagged:
            for token, tag in zip(doc, tags, strict=True):
                seen[token.lemma_] += 1
                cue[token.lemma_] += tag.endswith("CUE")
        return cls({lemma: cue[lemma] / seen[lemma] for lemma in cue if cue[lemma] >= min_count})

    @classmethod
    def from_tsv(cls, path: Path) -> CueLexicon:
        rows = (line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line)
        return cls({lemma: float(share) for lemma, share in rows})

    def to_tsv(self, path: Path) -> None:
        path.write_text("".join(f"{k}\t{v:.4f}\n" for k, v in self.shares.items()), encoding="utf-8")


def _cue_features(doc: Doc, lexicon: CueLexicon, heads, dep, lemma, sent_start) -> tuple:
    """Where each token stands relative to the likely cues (by :class:`CueLexicon`) near it.

    ``prior``: the token's own bucket. ``ancestor``: the nearest likely cue above it in the
    parse, as (dependency of the branch it is in, cue bucket, side). ``nearby``: the nearest
    likely cue of its sentence, as (cue's dependency, side, distance bucket, inside its subtree).
    """
    n = len(doc)
    index = numpy.arange(n, dtype="int64")
    prior = lexicon.buckets(lemma)
    strong = prior >= CueLexicon.STRONG
    ancestor = numpy.zeros(n, dtype="uint64")
    found = numpy.zeros(n, dtype=bool)
    child, above = index.copy(), heads.copy()
    for _ in range(n):
        hit = ~found & strong[above] & (above != child)
        ancestor[hit] = dep[child[hit]] * numpy.uint64(16) + (
            prior[above[hit]] * 2 + (index[hit] > above[hit])
        )
        found |= hit
        move = ~found & (heads[above] != above)
        if not move.any():
            break
        child, above = numpy.where(move, above, child), numpy.where(move, heads[above], above)
    nearby = numpy.zeros(n, dtype="uint64")
    cues = numpy.flatnonzero(strong)
    if len(cues):
        sent = numpy.cumsum(sent_start.view("int64") == 1)
        at = numpy.searchsorted(cues, index)
        before = cues[numpy.maximum(at - 1, 0)]
        after = cues[numpy.minimum(at + (cues[numpy.minimum(at, len(cues) - 1)] == index), len(cues) - 1)]
        use_after = numpy.abs(after - index) < numpy.abs(before - index)
        cue = numpy.where(use_after, after, before)
        ok = (cue != index) & (sent[cue] == sent)
        edges = {int(c): (doc[int(c)].left_edge.i, doc[int(c)].right_edge.i) for c in cues}
        left = numpy.array([edges[int(c)][0] for c in cue])
        right = numpy.array([edges[int(c)][1] for c in cue])
        inside = (left <= index) & (index <= right)
        distance = numpy.digitize(numpy.abs(cue - index), (2, 3, 5, 8, 12, 20))
        code = (index > cue) * 32 + distance * 2 + inside + 1
        nearby = numpy.where(ok, dep[cue] * numpy.uint64(64) + code.astype("uint64"), 0).astype("uint64")
    return prior.astype("uint64"), ancestor, nearby


def doc_features(doc: Doc, lexicon: CueLexicon, names: list[str] | None = None) -> numpy.ndarray:
    """The token features of ``doc`` as a (tokens, :data:`FEATURES`) uint64 array.

    Computed on whole arrays (no per-token Python): ancestors are found by following the
    head array upwards, all tokens at once.
    """
    n = len(doc)
    norm, shape, tag, dep, lemma, head, sent_start, ent_type = doc.to_array(_PARSE_ATTRS).T
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
    cue_prior, cue_ancestor, cue_nearby = _cue_features(doc, lexicon, heads, dep, lemma, sent_start)
    columns = {
        "norm": norm,
        "shape": shape,
        "tag": tag,
        "dep": dep,
        "quote": quote_states(doc),
        "head_lemma": lemma[heads],
        "root_lemma": lemma[root],
        "clause": dep[branch] * numpy.uint64(3) + side.astype("uint64"),
        "governor": governor,
        "cue_prior": cue_prior,
        "cue_ancestor": cue_ancestor,
        "cue_nearby": cue_nearby,
        "ent_type": ent_type,
    }
    names = names or [name for name, _ in FEATURES]
    return numpy.stack([columns[name] for name in names], axis=1).astype("uint64")


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
    ("cue_prior", 8),
    ("cue_ancestor", 2000),
    ("cue_nearby", 2000),
    ("ent_type", 50),
)
"""The token features (see :func:`doc_features`) and their hash-embedding rows."""


def _feature_layer(lexicon: CueLexicon, names: list[str]) -> Model[list[Doc], list[Ints2d]]:
    def forward(model: Model, docs: list[Doc], is_train: bool):
        out = [model.ops.asarray(doc_features(doc, lexicon, names), dtype="uint64") for doc in docs]
        return out, lambda d_out: []

    return Model("attribution_features", forward)


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
    return _lengths(starts, len(doc))


def _paragraph_lengths(doc: Doc) -> numpy.ndarray:
    starts = [t.i + 1 for t in doc if t.is_space and "\n" in t.text and t.i + 1 < len(doc)]
    return _lengths(numpy.array(starts, dtype="int64"), len(doc))


def _lengths(starts: numpy.ndarray, n: int) -> numpy.ndarray:
    if len(starts) == 0 or starts[0] != 0:
        starts = numpy.concatenate([[0], starts])
    return numpy.diff(numpy.append(starts, n)).astype("int32")


def with_segment_max(
    layer: Model[list[Doc], list[Floats2d]], segmenters: list[Callable[[Doc], numpy.ndarray]]
) -> Model[list[Doc], list[Floats2d]]:
    """Append to each token vector the max-pool of its segment's vectors, for each segmentation.

    A segmenter gives the lengths of consecutive segments of a doc (sentences, paragraphs):
    every token sees a summary of its whole sentence or paragraph, beyond any CNN window.
    """
    return Model(
        "with_segment_max",
        _segment_max_forward,
        init=_segment_max_init,
        layers=[layer],
        attrs={"segmenters": segmenters},
    )


def _segment_max_init(model: Model, X: list[Doc] | None = None, Y=None) -> None:
    model.layers[0].initialize(X=X)


def _segment_max_forward(model: Model, docs: list[Doc], is_train: bool):
    ops = model.ops
    segmenters = model.attrs["segmenters"]
    vectors, backprop_layer = model.layers[0](docs, is_train)
    outputs, saved = [], []
    for doc, x in zip(docs, vectors, strict=True):
        pools, doc_saved = [x], []
        for segmenter in segmenters:
            lengths = ops.asarray1i(segmenter(doc))
            if len(x) == 0:
                pools.append(x)
                doc_saved.append((lengths, None))
                continue
            pooled, which = ops.reduce_max(x, lengths)
            pools.append(ops.xp.repeat(pooled, lengths, axis=0))
            doc_saved.append((lengths, which))
        outputs.append(ops.xp.hstack(pools))
        saved.append(doc_saved)

    def backprop(d_outputs: list[Floats2d]) -> list:
        d_vectors = []
        for d_out, doc_saved in zip(d_outputs, saved, strict=True):
            width = d_out.shape[1] // (len(doc_saved) + 1)
            d_x = ops.xp.ascontiguousarray(d_out[:, :width])
            for k, (lengths, which) in enumerate(doc_saved, start=1):
                if which is not None:
                    d_part = ops.xp.ascontiguousarray(d_out[:, k * width : (k + 1) * width])
                    d_x = d_x + ops.backprop_reduce_max(ops.reduce_sum(d_part, lengths), which, lengths)
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
    cue_lexicon: CueLexicon | None = None,
    features: list[str] | None = None,
    paragraph_pool: bool = False,
) -> Model[list[Doc], list[Floats2d]]:
    """Features + ``doc.tensor`` -> Maxout -> window CNN -> + sentence (and paragraph) max-pool
    -> Maxout -> softmax. ``features`` names the :data:`FEATURES` used (default: all).
    """
    names = features or [name for name, _ in FEATURES]
    rows_of = dict(FEATURES)
    embeds = [HashEmbed(embed_width, rows_of[name], column=i, seed=1000 + i) for i, name in enumerate(names)]
    embedded = chain(
        _feature_layer(cue_lexicon or CueLexicon({}), names),
        list2ragged(),
        with_array(concatenate(*embeds)),
        ragged2list(),
    )
    tensor = Model("doc_tensor", _tensor_forward, dims={"nO": tensor_width})
    encoder = chain(
        Maxout(width, normalize=True, dropout=0.1, nP=maxout_pieces),
        MaxoutWindowEncoder(width=width, window_size=window_size, maxout_pieces=maxout_pieces, depth=depth),
    )
    tokens = chain(concatenate(tensor, embedded), with_array(encoder))
    output = chain(Maxout(width, normalize=True, dropout=0.1, nP=2), Softmax(n_labels))
    segmenters = [_sentence_lengths, _paragraph_lengths] if paragraph_pool else [_sentence_lengths]
    return chain(with_segment_max(tokens, segmenters), with_array(output))
