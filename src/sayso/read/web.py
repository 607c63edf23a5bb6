"""http(s) URLs, fetched with httpx under limits, never reaching private addresses unless allowed.

Every hop (the URL and each redirect) is resolved here, every resolved address checked, and the
connection made to the checked address (the host name still goes in the Host header and in TLS
SNI and certificate checks), so DNS cannot swap in a private address between check and connect.
Proxies from the environment are not used, for the same reason.
"""

from __future__ import annotations

import io
import ipaddress
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from sayso import __version__
from sayso.errors import InputError
from sayso.read.options import ReadOptions, over_limit
from sayso.records import RawDocument

USER_AGENT = f"sayso/{__version__} (attributed-claims reader; +https://pypi.org/project/sayso/)"
# Content-Type -> kind of input; other types are recognised by their content.
CONTENT_TYPE_KINDS = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
    "application/rss+xml": "feed",
    "application/atom+xml": "feed",
    "application/warc": "warc",
    "application/jsonl": "jsonl",
    "application/x-ndjson": "jsonl",
}


_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


def is_url(name: str) -> bool:
    """Whether ``name`` is a URL (of any scheme: only http(s) is read, the others are refused)."""
    return bool(_SCHEME.match(name))


def read_url(
    url: str, options: ReadOptions, metadata: dict[str, Any] | None = None
) -> Iterator[RawDocument | InputError]:
    """The documents at ``url`` (a page, or a feed's articles...); InputError if refused or failed."""
    from sayso.read.files import read_stream

    try:
        page = fetch(url, options)
    except InputError as error:
        yield error
        return
    metadata = {**(metadata or {}), "url": page.url}
    kind = CONTENT_TYPE_KINDS.get(page.content_type)
    body = io.BytesIO(page.body)
    yield from read_stream(body, url, options, kind=kind, charset=page.charset, metadata=metadata)


@dataclass
class Page:
    url: str
    """The final URL, after redirects."""
    body: bytes
    content_type: str
    charset: str | None


def fetch(url: str, options: ReadOptions) -> Page:
    """GET ``url`` following at most ``options.max_redirects`` redirects, each hop checked."""
    limit = options.max_document_bytes
    with httpx.Client(timeout=options.timeout, headers={"User-Agent": USER_AGENT}, trust_env=False) as client:
        current = url
        for _ in range(options.max_redirects + 1):
            target = httpx.URL(current)
            pinned, host_header, host = _pin(target, url, options)
            try:
                with client.stream(
                    "GET", pinned, headers={"Host": host_header}, extensions={"sni_hostname": host}
                ) as response:
                    if response.is_redirect:
                        current = str(target.join(response.headers["location"]))
                        continue
                    if response.status_code >= 400:
                        raise InputError(url, f"HTTP {response.status_code} {response.reason_phrase}")
                    declared = int(response.headers.get("content-length") or 0)
                    if declared > limit:
                        raise InputError(url, over_limit("response", limit))
                    body = bytearray()
                    for chunk in response.iter_bytes():
                        body += chunk
                        if len(body) > limit:
                            raise InputError(url, over_limit("response", limit))
                    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
                    return Page(str(target), bytes(body), content_type, response.charset_encoding)
            except httpx.TimeoutException:
                raise InputError(url, f"timed out (limit {options.timeout:g} s)") from None
            except httpx.HTTPError as error:
                raise InputError(url, f"fetch failed: {error or type(error).__name__}") from None
        raise InputError(url, f"more than {options.max_redirects} redirects")


def _pin(target: httpx.URL, url: str, options: ReadOptions) -> tuple[httpx.URL, str, str]:
    """``target`` with its host replaced by a checked address, its Host header and its host name."""
    if target.scheme not in ("http", "https") or not target.host:
        raise InputError(url, f"refused URL {target}: only http(s) URLs with a host are read")
    port = target.port or (443 if target.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(target.host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise InputError(url, f"cannot resolve {target.host}: {error}") from None
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    for address in addresses:
        if not options.allow_private_urls and not _public(address):
            where = f"{target.host} resolves to {address}, which"
            if target.host == str(address):
                where = target.host
            raise InputError(
                url,
                f"refused: {where} is a private, loopback, link-local or reserved address "
                "(pass --allow-private-urls to allow it)",
            )
    host_header = target.host if target.port is None else f"{target.host}:{target.port}"
    if ":" in target.host:
        host_header = f"[{target.host}]" if target.port is None else f"[{target.host}]:{target.port}"
    return target.copy_with(host=str(addresses[0])), host_header, target.host


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast
