"""What every batch command shares: input arguments, error reporting, progress, atomic output.

A command adds the input arguments to its parser, then hands :func:`run_batch` a *step*: a
function that receives the :class:`Batch` (an iterator of articles, plus a way to report a
failure of its own) and the output stream, and consumes the articles as it likes (one at a
time, or in groups through ``nlp.pipe``)::

    def add_arguments(name, parser):
        add_input_arguments(parser)
        add_output_arguments(parser, formats=["jsonl"])

    def run(args):
        def step(batch, out):
            for article in batch.articles():
                out.write(json.dumps(article.to_dict()) + "\\n")
        return run_batch(args, step)

Each failed input is reported as ``sayso: error: <input>: <reason>`` on stderr and the batch
goes on. The exit status is 0, 1 when any input failed, 2 for a usage error, 130 on Ctrl-C.
With ``--out FILE`` the output goes to a temporary file beside FILE that replaces it only when
the whole run finished; on failure or interruption FILE is left as it was.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

from tqdm import tqdm

from sayso.errors import InputError, SaysoError, UsageError
from sayso.read.options import MiB, ReadOptions
from sayso.records import Article

Step = Callable[["Batch", TextIO | None], None]


def add_input_arguments(parser: argparse.ArgumentParser) -> None:
    """INPUT... and the options of reading (URLs, feeds, size limits)."""
    defaults = ReadOptions()
    parser.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="files (.txt .html .htm .gz .warc .warc.gz .jsonl, RSS/Atom feeds), directories, - for "
        "stdin, http(s) URLs",
    )
    group = parser.add_argument_group("reading")
    group.add_argument(
        "--allow-private-urls",
        action="store_true",
        help="let URLs reach private, loopback, link-local and reserved addresses (refused by default)",
    )
    group.add_argument(
        "--fetch-feed-links",
        action="store_true",
        help="fetch the page of feed items that carry only a link or a teaser (skipped by default)",
    )
    group.add_argument(
        "--jobs",
        type=int,
        default=1,
        metavar="N",
        help="processes extracting articles from pages in parallel (default 1)",
    )
    group.add_argument(
        "--timeout",
        type=float,
        default=defaults.timeout,
        metavar="SECONDS",
        help=f"network timeout for URLs (default {defaults.timeout:g})",
    )
    group.add_argument(
        "--max-redirects",
        type=int,
        default=defaults.max_redirects,
        metavar="N",
        help=f"redirect hops followed for one URL (default {defaults.max_redirects})",
    )
    group.add_argument(
        "--max-document-mb",
        type=float,
        default=defaults.max_document_bytes / MiB,
        metavar="MB",
        help="largest file, decompressed .gz, stdin, feed or URL body read "
        f"(default {defaults.max_document_bytes // MiB})",
    )
    group.add_argument(
        "--max-record-mb",
        type=float,
        default=defaults.max_record_bytes / MiB,
        metavar="MB",
        help=f"largest WARC record or JSONL line read (default {defaults.max_record_bytes // MiB})",
    )


def add_output_arguments(parser: argparse.ArgumentParser, formats: list[str]) -> None:
    """--format (the first is the default) and --out."""
    parser.add_argument("--format", choices=formats, default=formats[0], help=f"default {formats[0]}")
    parser.add_argument("--out", metavar="FILE", help="write here (atomically) instead of stdout")


def read_options(args: argparse.Namespace) -> ReadOptions:
    """The ReadOptions the input arguments ask for."""
    return ReadOptions(
        max_document_bytes=int(args.max_document_mb * MiB),
        max_record_bytes=int(args.max_record_mb * MiB),
        timeout=args.timeout,
        max_redirects=args.max_redirects,
        allow_private_urls=args.allow_private_urls,
        fetch_feed_links=args.fetch_feed_links,
    )


class Batch:
    """The articles of one run, with failures reported and counted as they happen."""

    def __init__(self, inputs: list[str], options: ReadOptions, progress: bool, jobs: int = 1) -> None:
        self.inputs = inputs
        self.options = options
        self.jobs = jobs
        self.failures = 0
        self._bar = tqdm(unit=" articles", file=sys.stderr, disable=not progress, dynamic_ncols=True)

    def articles(self) -> Iterator[Article]:
        """Every article read from the inputs; each unreadable one is reported and skipped."""
        from sayso.pipeline import iter_articles

        for item in iter_articles(self.inputs, self.options, jobs=self.jobs):
            if isinstance(item, InputError):
                self.fail(item)
            else:
                yield item
                self._bar.update()

    def fail(self, error: InputError) -> None:
        """Report one failed input (``sayso: error: <input>: <reason>``) and count it."""
        self.failures += 1
        self.message(f"sayso: error: {error}")

    def message(self, line: str) -> None:
        """One line on stderr that does not break the progress bar."""
        self._bar.write(line.replace("\n", " "), file=sys.stderr)

    def close(self) -> None:
        self._bar.close()


def run_batch(args: argparse.Namespace, step: Step, *, output: bool = True) -> int:
    """Run ``step`` over the inputs in ``args``; returns the exit status.

    ``output=False`` for commands that write elsewhere (the ledger): ``step`` gets ``None``.
    ``step`` may raise :class:`UsageError` (exit 2) or report per-article failures with
    :meth:`Batch.fail`. Whatever else it raises ends the run with one line, never a traceback.
    """
    handler = _log_to_stderr()
    out_path = getattr(args, "out", None) if output else None
    jobs = getattr(args, "jobs", 1)
    batch = Batch(list(args.inputs), read_options(args), progress=sys.stderr.isatty(), jobs=jobs)
    try:
        if output:
            with atomic_output(out_path) as out:
                step(batch, out)
        else:
            step(batch, None)
    except UsageError as error:
        return _stop(batch, f"error: {error}", 2)
    except KeyboardInterrupt:
        return _stop(batch, f"interrupted{f'; {out_path} left as it was' if out_path else ''}", 130)
    except BrokenPipeError:  # the reader of stdout went away (`| head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return _stop(batch, None, 1)
    except (SaysoError, OSError) as error:
        return _stop(batch, f"error: {error}", 1)
    except Exception as error:
        return _stop(batch, f"error: internal error, please report it: {type(error).__name__}: {error}", 1)
    finally:
        logging.getLogger("sayso").removeHandler(handler)
    batch.close()
    return 1 if batch.failures else 0


def _stop(batch: Batch, message: str | None, status: int) -> int:
    batch.close()
    if message:
        print(f"sayso: {message}", file=sys.stderr)
    return status


@contextlib.contextmanager
def atomic_output(path: str | None) -> Iterator[TextIO]:
    """stdout, or a temporary file beside ``path`` that replaces it only if the block succeeds.

    Both are UTF-8, whatever the locale.
    """
    if path is None or path == "-":
        if isinstance(sys.stdout, io.TextIOWrapper):
            sys.stdout.reconfigure(encoding="utf-8")
        yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(path)
    if target.is_dir():
        raise UsageError(f"--out {path}: is a directory")
    if not target.parent.is_dir():
        raise UsageError(f"--out {path}: folder {target.parent} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        os.chmod(tmp, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            yield out
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class _StderrWarnings(logging.Handler):
    """Warnings from the stages (e.g. skipped feed items) as ``sayso: warning: ...`` lines."""

    def emit(self, record: logging.LogRecord) -> None:
        tqdm.write(f"sayso: warning: {record.getMessage()}", file=sys.stderr)


def _log_to_stderr() -> logging.Handler:
    handler = _StderrWarnings(logging.WARNING)
    logger = logging.getLogger("sayso")
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    return handler
