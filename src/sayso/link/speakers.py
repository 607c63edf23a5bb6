"""Speaker identity across articles: when two names in two articles are the same speaker.

- A named speaker (person, organisation) is keyed by its normalised name, titles stripped:
  "John Kirby", "john kirby" and "Mr. John Kirby" are one speaker.
- A surname alone ("Kirby") is the known full name with that surname ("John Kirby") when
  exactly one fits: roles must not contradict (a "White House spokesperson" Kirby is not a
  "Chiefs coach" Kirby), and shared role words, then the outlet, decide between several.
- An anonymous source is kept per wording ("Biden administration officials").
- A media source is its outlet: "The New York Times reported" is the outlet nytimes.com.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sayso.link.names import name_key, person_key
from sayso.link.outlets import OutletIdentity, known_outlet, outlet_identity

SPEAKER_TYPES = ("person", "organization", "media", "anonymous", "unknown")

_ROLE_FILLER = frozenset({"the", "of", "for", "and", "a", "an", "to", "in", "on", "at", "s"})


@dataclass(frozen=True)
class SpeakerIdentity:
    """What a speaker name resolves to: its ledger key, display name and type.

    ``surname`` is set for persons (and untyped names), so that a surname alone can be matched
    to them; ``outlet`` for media sources.
    """

    key: str
    name: str
    type: str
    surname: str | None = None
    outlet: OutletIdentity | None = None

    @property
    def is_surname_only(self) -> bool:
        return self.surname is not None and " " not in self.key.partition(":")[2]


@dataclass(frozen=True)
class Candidate:
    """A known speaker that a surname might refer to, with the roles and outlets it is known by."""

    id: int
    name: str
    roles: frozenset[str] = field(default_factory=frozenset)
    outlets: frozenset[int] = field(default_factory=frozenset)


def speaker_identity(name: str, type: str) -> SpeakerIdentity:
    """The identity of a speaker name of the given source type (SPEC types; others: unknown)."""
    type = type if type in SPEAKER_TYPES else "unknown"
    name = " ".join(name.split())
    outlet = outlet_identity(name) if type == "media" else known_outlet(name)
    if outlet and type in ("media", "organization", "unknown"):
        return SpeakerIdentity(f"media:{outlet.key}", outlet.name, "media", outlet=outlet)
    if type == "anonymous":
        return SpeakerIdentity(f"anonymous:{name_key(name)}", name, "anonymous")
    if type in ("person", "unknown"):
        key = person_key(name)
        return SpeakerIdentity(f"named:{key}", name, type, surname=key.split()[-1] if key else None)
    return SpeakerIdentity(f"named:{name_key(name)}", name, type)


def role_words(roles: Iterable[str]) -> frozenset[str]:
    """The content words of roles, for comparing them."""
    return frozenset(w for role in roles for w in name_key(role).split() if w not in _ROLE_FILLER)


def distinct_roles(roles: Iterable[str]) -> list[str]:
    """The roles, sorted, less those another one already says: the same words in other case, or
    the last words of a longer role ("transport commissioner" beside "city transport commissioner")."""
    keyed = {}
    for role in sorted(roles):
        keyed.setdefault(tuple(name_key(role).split()), role)
    return [
        role
        for key, role in keyed.items()
        if not any(len(other) > len(key) and other[-len(key) :] == key for other in keyed)
    ]


def choose_full_name(
    roles: Iterable[str], outlet_id: int | None, candidates: Sequence[Candidate]
) -> Candidate | None:
    """The one full-name candidate a surname-only mention refers to, or None if none or unclear.

    ``roles`` are the mention's roles and ``outlet_id`` the outlet of its article;
    ``candidates`` are the known full-name speakers with that surname.
    """
    words = role_words(roles)
    fitting = [c for c in candidates if not (words and c.roles and not words & role_words(c.roles))]
    if len(fitting) <= 1:
        return fitting[0] if fitting else None
    scored = sorted(
        ((2 * len(words & role_words(c.roles)) + (outlet_id in c.outlets), c.id, c) for c in fitting),
        key=lambda t: (-t[0], t[1]),
    )
    return scored[0][2] if scored[0][0] > scored[1][0] else None
