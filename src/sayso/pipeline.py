"""The first two stages chained: inputs -> raw documents -> articles."""

from __future__ import annotations

import multiprocessing
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor

from sayso.errors import InputError
from sayso.read import ReadOptions, iter_documents
from sayso.records import Article, RawDocument

IN_FLIGHT_PER_JOB = 4
"""Documents handed to each extraction process ahead of the one being written out."""


def iter_articles(
    inputs: Iterable[str], options: ReadOptions | None = None, jobs: int = 1
) -> Iterator[Article | InputError]:
    """Each article read from ``inputs`` in input order, or an InputError for each input that failed.

    A document whose article cannot be extracted becomes an InputError naming that document;
    the stream goes on. ``jobs`` > 1 extracts in that many processes (reading stays in this
    one), with at most ``IN_FLIGHT_PER_JOB * jobs`` documents held at a time.
    """
    documents = iter_documents(inputs, options or ReadOptions())
    if jobs <= 1:
        for item in documents:
            yield item if isinstance(item, InputError) else extract(item)
    else:
        yield from _in_processes(documents, jobs)


def extract(raw: RawDocument) -> Article | InputError:
    """The article of one document, or an InputError naming it when extraction fails."""
    from sayso.article import extract_article

    try:
        return extract_article(raw)
    except InputError as error:
        return error
    except Exception as error:  # one page's extraction failure must not end the batch
        return InputError(raw.input, f"article extraction failed: {type(error).__name__}: {error}")


def _in_processes(documents: Iterator[RawDocument | InputError], jobs: int) -> Iterator[Article | InputError]:
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_ignore_interrupts)
    pending: deque[tuple[str, Future[Article | InputError]] | InputError] = deque()
    try:
        for item in documents:
            pending.append(item if isinstance(item, InputError) else (item.input, pool.submit(extract, item)))
            if len(pending) >= IN_FLIGHT_PER_JOB * jobs:
                yield _result(pending.popleft())
        while pending:
            yield _result(pending.popleft())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _result(entry: tuple[str, Future[Article | InputError]] | InputError) -> Article | InputError:
    if isinstance(entry, InputError):
        return entry
    name, future = entry
    try:
        return future.result()
    except Exception as error:  # the worker process died (killed, out of memory)
        return InputError(name, f"article extraction failed: {type(error).__name__}: {error}")


def _ignore_interrupts() -> None:
    """Ctrl-C is the main process's to handle: it stops feeding work and shuts the pool down."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
