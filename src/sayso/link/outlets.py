"""Outlets: one identity for an outlet whether named by a site name, a domain or a media source."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from sayso.link.names import name_key, read_data


@dataclass(frozen=True)
class OutletIdentity:
    """An outlet: its key in the ledger, display name and web domain (if known)."""

    key: str
    name: str
    domain: str | None = None


@cache
def _known() -> dict[str, OutletIdentity]:
    """Every name, alias and domain of the well-known outlets, by key."""
    table: dict[str, OutletIdentity] = {}
    for line in read_data("outlets.tsv").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, domain, aliases = [*line.split("\t"), "", ""][:3]
        outlet = OutletIdentity(name_key(name), name, domain or None)
        for alias in [name, domain, *aliases.split(",")]:
            if alias.strip():
                table[_lookup_key(alias)] = outlet
    return table


def _lookup_key(name: str) -> str:
    name = name.strip().lower()
    return _domain(name) if _looks_like_domain(name) else name_key(name)


def _looks_like_domain(name: str) -> bool:
    return "." in name and " " not in name.strip()


def _domain(host: str) -> str:
    host = host.lower().strip().rstrip(".")
    return host.removeprefix("www.")


def outlet_identity(name: str | None, url: str | None = None) -> OutletIdentity | None:
    """The outlet named ``name`` (site name or domain), else the one serving ``url``; None if neither."""
    if name and name.strip():
        known = _known().get(_lookup_key(name))
        if known:
            return known
        if not _looks_like_domain(name):
            host = urlsplit(url).hostname if url else None
            return OutletIdentity(name_key(name), name.strip(), _domain(host) if host else None)
        return _from_domain(_domain(name))
    host = urlsplit(url).hostname if url else None
    return _from_domain(_domain(host)) if host else None


def known_outlet(name: str) -> OutletIdentity | None:
    """The well-known outlet this name refers to ("The Times"-like names not in the table: None)."""
    return _known().get(_lookup_key(name))


def _from_domain(domain: str) -> OutletIdentity:
    parts = domain.split(".")
    for i in range(len(parts) - 1):
        known = _known().get(".".join(parts[i:]))
        if known:
            return known
    return OutletIdentity(domain, domain, domain)
