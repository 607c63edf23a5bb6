"""Full-text queries: one parse of the user's query, written out for FTS5 or PostgreSQL.

Syntax: words (all required), ``"quoted phrases"``, ``OR`` between two terms, ``-term`` to
exclude. Both databases stem English words; stop words are dropped from the query on both
(PostgreSQL's list), so the two backends match the same claims.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sayso.errors import UsageError
from sayso.link.names import stop_words

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+")

Term = tuple[str, ...]
"""One word, or the words of a phrase."""


@dataclass(frozen=True)
class FtsQuery:
    """Required groups (each: terms joined by OR) and excluded terms."""

    groups: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...] = ()

    @classmethod
    def parse(cls, text: str) -> FtsQuery:
        """Parse a user's query; :class:`UsageError` if nothing searchable is left."""
        groups: list[list[Term]] = []
        excluded: list[Term] = []
        join_next = False
        for negated, phrase, bare in _TOKEN.findall(text):
            if bare == "OR":
                join_next = bool(groups)
                continue
            if phrase or not bare:
                term = _term(phrase)
                negated_term = bool(negated)
            else:
                negated_term = bare.startswith("-") and len(bare) > 1
                term = _term(bare[1:] if negated_term else bare)
            if not term:
                join_next = False
                continue
            if negated_term:
                excluded.append(term)
            elif join_next:
                groups[-1].append(term)
            else:
                groups.append([term])
            join_next = False
        if not groups:
            raise UsageError(f"search {text!r}: no searchable words (stop words alone match nothing)")
        return cls(tuple(tuple(g) for g in groups), tuple(excluded))

    def fts5(self) -> str:
        """The query as an FTS5 MATCH expression."""
        expr = " ".join(
            "(" + " OR ".join(map(_fts5_term, group)) + ")" if len(group) > 1 else _fts5_term(group[0])
            for group in self.groups
        )
        for term in self.excluded:
            expr = f"({expr}) NOT {_fts5_term(term)}"
        return expr

    def tsquery(self) -> tuple[str, list[Any]]:
        """The query as a PostgreSQL ``tsquery`` expression and its parameters."""
        params: list[Any] = []

        def one(term: Term) -> str:
            params.append(" ".join(term))
            return "phraseto_tsquery('english', ?)" if len(term) > 1 else "plainto_tsquery('english', ?)"

        parts = ["(" + " || ".join(one(t) for t in group) + ")" for group in self.groups]
        parts += [f"!!{one(t)}" for t in self.excluded]
        return " && ".join(parts), params


def _term(text: str) -> Term:
    """The words of a token; a lone stop word gives nothing, several words make a phrase."""
    words = tuple(w.lower() for w in _WORD.findall(text))
    if len(words) == 1 and words[0] in stop_words():
        return ()
    return words


def _fts5_term(term: Term) -> str:
    return '"' + " ".join(term) + '"'
