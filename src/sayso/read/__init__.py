"""Read stage: inputs (files, directories, stdin, WARC, feeds, JSONL, URLs) -> raw documents.

``iter_documents`` streams: one document at a time, whatever the input's size. Each input that
cannot be read yields an :class:`~sayso.errors.InputError` naming it and the reason, and the
stream goes on with the next.
"""

from __future__ import annotations

import gzip
import sys
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from sayso.errors import InputError
from sayso.read.files import read_path, read_stream, walk
from sayso.read.options import ReadOptions
from sayso.read.web import is_url, read_url
from sayso.records import RawDocument

__all__ = ["ReadOptions", "iter_documents"]

STDIN = "-"

# Low-level failures while reading an input -> the reason reported for it.
_FAILURES: list[tuple[type[BaseException], str]] = [
    (EOFError, "truncated gzip: the compressed data ends early"),
    (gzip.BadGzipFile, "not a valid gzip file"),
    (zlib.error, "corrupt gzip data"),
    (IsADirectoryError, "is a directory"),
    (PermissionError, "permission denied"),
]


def iter_documents(
    inputs: Iterable[str], options: ReadOptions | None = None
) -> Iterator[RawDocument | InputError]:
    """Each document of each input in order: paths, directories (recursive, sorted), ``-``, URLs."""
    options = options or ReadOptions()
    for name in inputs:
        if name == STDIN:
            yield from _guarded("<stdin>", read_stream(sys.stdin.buffer, "<stdin>", options))
        elif is_url(name):
            yield from _guarded(name, read_url(name, options))
        elif Path(name).is_dir():
            found = False
            for path in walk(Path(name)):
                found = True
                yield from _guarded(str(path), read_path(path, options))
            if not found:
                yield InputError(name, "directory holds no readable input files")
        elif not Path(name).exists():
            yield InputError(name, "no such file or directory")
        else:
            yield from _guarded(name, read_path(Path(name), options))


def _guarded(name: str, items: Iterator[RawDocument | InputError]) -> Iterator[RawDocument | InputError]:
    """The items of one input; a failure ends this input with one InputError, not the batch."""
    try:
        yield from items
    except InputError as error:
        yield error
    except Exception as error:
        reason = next((r for kind, r in _FAILURES if isinstance(error, kind)), None)
        if reason is None and isinstance(error, OSError):
            reason = error.strerror
        yield InputError(name, reason or f"unreadable: {type(error).__name__}: {error}")
