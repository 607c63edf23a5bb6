"""Query parameters shared by the JSON API and the web pages, with their limits.

Every list is paginated (``limit`` at most :data:`MAX_LIMIT`, ``offset`` at most
:data:`MAX_OFFSET`), every free-text parameter is length-bounded, dates are ``YYYY-MM-DD``.
An HTML form sends empty strings for untouched fields: they mean "no filter".
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query

from sayso.store import SearchQuery

MAX_LIMIT = 100
"""Largest page a client may ask for."""
MAX_OFFSET = 10_000
"""Deepest offset: past it, narrow the query instead (deep offsets cost a scan)."""
MAX_QUERY_LENGTH = 500
"""Longest full-text query."""
MAX_NAME_LENGTH = 200
"""Longest speaker, outlet or entity name filter."""

STANCES = ("assert", "deny", "accuse", "report", "assess", "concern", "no-comment")
"""Stances offered in the search form (the API accepts any stance string)."""
SPEAKER_TYPES = ("person", "organization", "media", "anonymous", "unknown")

_DATE = r"^(\d{4}-\d{2}-\d{2})?$"

Text = Annotated[
    str | None,
    Query(max_length=MAX_QUERY_LENGTH, description='Full-text query: words, "phrases", OR, -word.'),
]
SpeakerName = Annotated[
    str | None, Query(max_length=MAX_NAME_LENGTH, description="Part of any of its names.")
]
SpeakerType = Annotated[str | None, Query(max_length=40, description=", ".join(SPEAKER_TYPES))]
Speaker = Annotated[
    str | None, Query(max_length=MAX_NAME_LENGTH, description="Speaker id, or any of its names.")
]
Outlet = Annotated[str | None, Query(max_length=MAX_NAME_LENGTH, description="Outlet id, name or domain.")]
From = Annotated[str | None, Query(alias="from", pattern=_DATE, description="YYYY-MM-DD, inclusive.")]
To = Annotated[str | None, Query(alias="to", pattern=_DATE, description="YYYY-MM-DD, inclusive.")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Page size, at most {MAX_LIMIT}.")]


def blank_to_none(value: str | None) -> str | None:
    """None for an absent or blank form field, else the value without surrounding spaces."""
    if value is None:
        return None
    value = value.strip()
    return value or None


def id_or_name(value: str) -> str | int:
    """A path or filter value naming a ledger row: an integer id if all digits, else a name."""
    return int(value) if value.isdigit() else value


def ref(value: str | None) -> str | int | None:
    """A filter naming a ledger row (speaker, outlet): None if blank, else :func:`id_or_name`."""
    value = blank_to_none(value)
    return None if value is None else id_or_name(value)


def search_query(
    q: Text = None,
    speaker: Speaker = None,
    speaker_type: SpeakerType = None,
    stance: Annotated[str | None, Query(max_length=40, description=", ".join(STANCES) + ", ...")] = None,
    outlet: Outlet = None,
    date_from: From = None,
    date_to: To = None,
    entity: Annotated[
        str | None, Query(max_length=MAX_NAME_LENGTH, description="Named in the claim.")
    ] = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> SearchQuery:
    """The CLI's claim filters as query parameters (``from``/``to`` are the date range)."""
    return SearchQuery(
        text=blank_to_none(q),
        speaker=ref(speaker),
        speaker_type=blank_to_none(speaker_type),
        stance=blank_to_none(stance),
        outlet=ref(outlet),
        date_from=blank_to_none(date_from),
        date_to=blank_to_none(date_to),
        entity=blank_to_none(entity),
        limit=limit,
        offset=offset,
    )


def article_filters(
    q: Text = None,
    outlet: Outlet = None,
    speaker: Speaker = None,
    date_from: From = None,
    date_to: To = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Filters of :meth:`Ledger.articles` as query parameters: keyword arguments for it."""
    return {
        "text": blank_to_none(q),
        "outlet": ref(outlet),
        "speaker": ref(speaker),
        "date_from": blank_to_none(date_from),
        "date_to": blank_to_none(date_to),
        "limit": limit,
        "offset": offset,
    }
