"""`sayso extract`: full analysis of each article (entities and attributions), one record per article.

Formats: ``json`` (default; a pretty JSON array of SPEC records), ``jsonl`` (one record per
line), ``polnear-jsonl`` (the span-only view scored by ``shared/bench/polnear_score.py``) and
``text`` (a short human-readable summary: speaker (type) — stance — cue — content).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

from sayso.cli._batch import Batch, add_input_arguments, add_output_arguments, run_batch
from sayso.errors import InputError
from sayso.records import AnalysedArticle, Article

_INPUT_SUFFIXES = (".gz", ".txt", ".html", ".htm")
_TEXT_WIDTH = 160


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    add_input_arguments(parser)
    add_output_arguments(parser, formats=list(WRITERS))
    from sayso.analyse.pipeline import MODES

    parser.add_argument("--mode", choices=list(MODES), default="fast", help="analysis mode (default fast)")


def run(args: argparse.Namespace) -> int:
    def extract(batch: Batch, out: TextIO | None) -> None:
        assert out is not None
        from sayso.analyse import Analyser

        analyser = Analyser.load(args.mode)
        writer = WRITERS[args.format]
        writer(analyser.pipe(_analysable(analyser, batch)), out)

    return run_batch(args, extract)


def _analysable(analyser, batch: Batch) -> Iterator[Article]:
    """The batch's articles, each one that cannot be analysed reported and skipped."""
    for article in batch.articles():
        try:
            analyser.check(article)
        except InputError as error:
            batch.fail(error)
        else:
            yield article


def write_json(records: Iterator[AnalysedArticle], out: TextIO) -> None:
    """A pretty JSON array of records, written as they come."""
    out.write("[")
    for n, record in enumerate(records):
        out.write(",\n" if n else "\n")
        out.write(json.dumps(record.to_dict(), ensure_ascii=False, indent=2))
    out.write("\n]\n")


def write_jsonl(records: Iterator[AnalysedArticle], out: TextIO) -> None:
    for record in records:
        out.write(json.dumps(record.to_dict(), ensure_ascii=False) + "\n")


def write_polnear(records: Iterator[AnalysedArticle], out: TextIO) -> None:
    """The span-only view: doc_id is the input file's name without its extensions."""
    for record in records:
        line = {
            "doc_id": doc_id(record.input),
            "attributions": [
                {
                    "source": [list(s) for s in a.source.spans],
                    "cue": [list(s) for s in a.cue.spans],
                    "content": [list(s) for s in a.content.spans],
                }
                for a in record.attributions
            ],
        }
        out.write(json.dumps(line) + "\n")


def write_text(records: Iterator[AnalysedArticle], out: TextIO) -> None:
    """For reading: per article its speakers with roles, then each attribution on one line."""
    for record in records:
        out.write(f"== {record.input}" + (f" — {record.title}" if record.title else "") + "\n")
        for entity in record.entities:
            roles = f": {'; '.join(entity.roles)}" if entity.roles else ""
            out.write(f"   {entity.id} {entity.name} ({entity.type}){roles}\n")
        for a in record.attributions:
            speakers = " + ".join(a.speakers) or "(no source)"
            line = f"{a.id} {speakers} ({a.source.type}) — {a.stance} — {a.cue.text} — "
            line += f"[{a.kind}] {a.content.text}"
            out.write(_shorten(" ".join(line.split())) + "\n")
        out.write("\n")


def doc_id(input: str) -> str:
    """An input's file name without its extensions (``dir/a.txt.gz`` -> ``a``)."""
    name = Path(input).name
    changed = True
    while changed:
        changed = False
        for suffix in _INPUT_SUFFIXES:
            if name.lower().endswith(suffix) and len(name) > len(suffix):
                name, changed = name[: -len(suffix)], True
    return name


def _shorten(line: str) -> str:
    return line if len(line) <= _TEXT_WIDTH else line[: _TEXT_WIDTH - 1] + "…"


WRITERS: dict[str, Callable[[Iterator[AnalysedArticle], TextIO], None]] = {
    "json": write_json,
    "jsonl": write_jsonl,
    "polnear-jsonl": write_polnear,
    "text": write_text,
}
