"""Bytes -> text: a BOM, else UTF-8 if valid, else the declared charset (HTTP, <meta>, XML), else detected.

Valid UTF-8 wins over a declared legacy charset: non-ASCII text in another charset is almost never
valid UTF-8 by chance, while pages that declare latin-1 but are UTF-8 are common.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from sayso.errors import InputError

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]
# Labels browsers read as a wider superset (WHATWG Encoding Standard): pages that declare
# latin-1 or ASCII are in practice windows-1252.
_SUPERSETS = {
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "iso8859-9": "cp1254",
    "gb2312": "gb18030",
    "gbk": "gb18030",
}
_DECLARED = [
    re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE),
    re.compile(rb"""<\?xml[^>]{0,200}?encoding\s*=\s*["']([\w.:-]+)""", re.IGNORECASE),
]
_SNIFF_BYTES = 8192
# Control bytes that do not occur in text (tab, newlines, form feed and escape do).
_CONTROL = bytes(set(range(32)) - {9, 10, 12, 13, 27})


def decode(data: bytes, name: str, declared: str | None = None) -> str:
    """Decode ``data`` read from input ``name``; raises InputError for binary or undecodable data.

    The text is otherwise untouched: no newline translation, only a leading BOM is dropped.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom) :], encoding, name)
    if is_binary(data):
        raise InputError(name, "binary data, not text")
    head = data[:_SNIFF_BYTES]
    labels = [declared] + [m.group(1).decode("ascii", "ignore") for p in _DECLARED if (m := p.search(head))]
    for label in ["utf-8", *labels]:
        encoding = _codec(label)
        if encoding:
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise InputError(name, "undecodable text: neither UTF-8 nor any charset that fits")
    return str(best)


def is_binary(data: bytes) -> bool:
    """NUL bytes, or many control bytes, in the first few KiB (text in UTF-16/32 has a BOM)."""
    head = data[:_SNIFF_BYTES]
    if b"\x00" in head:
        return True
    return len(head) > 0 and sum(head.count(c) for c in _CONTROL) / len(head) > 0.05


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip()).name
    except LookupError:
        return None
    return _SUPERSETS.get(name, name)


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise InputError(name, f"undecodable text: invalid {encoding} at byte {error.start}") from None
