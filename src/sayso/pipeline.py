"""The first two stages chained: inputs -> raw documents -> articles."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sayso.errors import InputError
from sayso.read import ReadOptions, iter_documents
from sayso.records import Article


def iter_articles(
    inputs: Iterable[str], options: ReadOptions | None = None
) -> Iterator[Article | InputError]:
    """Each article read from ``inputs``, or an InputError for each input that failed.

    A document whose article cannot be extracted becomes an InputError naming that document;
    the stream goes on.
    """
    from sayso.article import extract_article

    for item in iter_documents(inputs, options or ReadOptions()):
        if isinstance(item, InputError):
            yield item
            continue
        try:
            yield extract_article(item)
        except InputError as error:
            yield error
        except Exception as error:  # one page's extraction failure must not end the batch
            yield InputError(item.input, f"article extraction failed: {type(error).__name__}: {error}")
