"""`sayso articles`: article extraction only (metadata and clean text), one record per line."""

from __future__ import annotations

import argparse
import json
from typing import TextIO

from sayso.cli._batch import Batch, add_input_arguments, add_output_arguments, run_batch


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    add_input_arguments(parser)
    add_output_arguments(parser, formats=["jsonl"])


def run(args: argparse.Namespace) -> int:
    def write_articles(batch: Batch, out: TextIO | None) -> None:
        assert out is not None
        for article in batch.articles():
            out.write(json.dumps(article.to_dict(), ensure_ascii=False) + "\n")

    return run_batch(args, write_articles)
