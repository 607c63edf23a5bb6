"""scripts/evaluate_polnear.py --annotators: human agreement by the shared scorer, on a fixture split."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from conftest import SHARED

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "evaluate_polnear.py"
TEXT = "Mayor Ana Lopes said the bridge will reopen in May. Officials denied that the repairs had failed.\n"


def brat(text: str, *attributions: tuple[str, str, str]) -> str:
    """A brat .ann of attributions given as (source, cue, content) substrings of ``text``."""
    lines = []
    for n, roles in enumerate(attributions):
        ids = []
        for k, (role, words) in enumerate(zip(("Source", "Cue", "Content"), roles, strict=True)):
            start = text.index(words)
            lines.append(f"T{n}{k}\t{role} {start} {start + len(words)}\t{words}")
            ids.append(f"{role}:T{n}{k}")
        lines.append(f"E{n}\tAttribution:T{n}1 " + " ".join(ids))
    return "\n".join(lines) + "\n"


def test_each_further_annotator_is_scored_against_the_first(tmp_path, capsys):
    if not (SHARED / "bench" / "polnear_score.py").exists():
        pytest.skip("the shared scorer is absent")
    spec = importlib.util.spec_from_file_location("evaluate_polnear", SCRIPT)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "bridge.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "text" / "alone.txt").write_text("Nobody said anything.\n", encoding="utf-8")
    lopes = ("Mayor Ana Lopes", "said", "the bridge will reopen in May")
    officials = ("Officials", "denied", "that the repairs had failed")
    files = {
        "bridge_aaaa": brat(TEXT, lopes, officials),  # the first annotator: the gold
        "bridge_bbbb": brat(TEXT, lopes),  # finds one of the two
        "bridge_cccc": brat(TEXT, lopes, ("Officials", "denied", "the repairs had failed")),  # one bound off
        "alone_aaaa": "",  # annotated once: not compared
    }
    for name, ann in files.items():
        (tmp_path / "attributions" / f"{name}.ann").write_text(ann, encoding="utf-8")
    script.print_annotator_agreement(tmp_path)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("1 articles annotated several times; gold: annotator aaaa")
    assert lines[1:] == [
        "  bbbb on 1 articles: attribution F1 0.667, content strict 0.667, partial 0.667",
        "  cccc on 1 articles: attribution F1 1.000, content strict 0.500, partial 1.000",
    ]
