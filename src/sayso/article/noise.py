"""Noise in scraped plain text, marked as regions (the text itself is never changed).

The rules are data: ``data/noise.toml`` lists whole-line patterns (browser, cookie and
subscription notices, share bars, "Advertisement", "Read more: ...", bylines, timestamps,
explicit captions) and line-end credit patterns ("Name / AFP - Getty Images",
"REUTERS/Name", "(Photo: Name/Agency)"). A line that ends in a credit is a caption glued to
its credit: the credit is a ``credit`` region and the rest of the line a ``caption`` region.
Lines are matched one by one; nothing inside a paragraph of prose is ever marked.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from sayso.records import Region

MAX_LINE_CHARS = 1000
"""A longer line is prose (or garbage), never noise: this also bounds the patterns' work."""
DEFAULT_MAX_WORDS = {"line": 40, "credit": 80}
_LINE = re.compile(r"[^\r\n]+")
_LEAD = re.compile(r"[\s•·*>|–—-]*")
_PLACEHOLDER = re.compile(r"%(\w+)%")


@dataclass(frozen=True)
class Rule:
    """One pattern of the noise lexicon."""

    kind: str
    regex: re.Pattern[str]
    max_words: int


@cache
def _rules() -> dict[str, list[Rule]]:
    """The lexicon's rules by scope ("line", "credit"), placeholders expanded."""
    lexicon = tomllib.loads(resources.files(__package__).joinpath("data/noise.toml").read_text("utf-8"))
    vocab = {
        name: "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        for name, words in lexicon["vocab"].items()
    }
    fragments = lexicon["fragments"]

    def expand(pattern: str) -> str:
        while _PLACEHOLDER.search(pattern):
            pattern = _PLACEHOLDER.sub(lambda m: fragments.get(m[1]) or vocab[m[1]], pattern)
        return pattern

    rules: dict[str, list[Rule]] = {}
    for scope, suffix in (("line", ""), ("credit", r"\s*$")):
        rules[scope] = [
            Rule(
                kind=entry.get("kind", "credit"),
                regex=re.compile(
                    expand(entry["pattern"]) + suffix, re.IGNORECASE if entry.get("ignore_case") else 0
                ),
                max_words=entry.get("max_words", DEFAULT_MAX_WORDS[scope]),
            )
            for entry in lexicon[scope]
        ]
    return rules


def find_regions(text: str) -> list[Region]:
    """Noise regions of a text, in text order; each lies within one line."""
    regions: list[Region] = []
    for line in _LINE.finditer(text):
        start = line.start() + _LEAD.match(line.group()).end()
        end = line.start() + len(line.group().rstrip())
        if start < end:
            regions.extend(_line_regions(text, start, end))
    return regions


def _line_regions(text: str, start: int, end: int) -> list[Region]:
    """A caption glued to its credit (the credit that starts earliest wins), else a noise line."""
    line = text[start:end]
    if len(line) > MAX_LINE_CHARS:
        return []
    n_words = len(line.split())
    rules = _rules()
    credits = [
        (match.start() + len(match[0]) - len(match[0].lstrip()), rule.kind)
        for rule in rules["credit"]
        if n_words <= rule.max_words and (match := rule.regex.search(line))
    ]
    if credits:
        offset, kind = min(credits)
        caption = line[:offset].rstrip()
        credit = Region(kind, (start + offset, end))
        return [Region("caption", (start, start + len(caption))), credit] if caption else [credit]
    for rule in rules["line"]:
        if n_words <= rule.max_words and rule.regex.fullmatch(line):
            return [Region(rule.kind, (start, end))]
    return []


def strip_noise_lines(text: str) -> str:
    """The text without the lines that are wholly noise: for extracted text, which sayso shapes.

    Plain text is never changed (its noise is only marked); the body sayso extracts from a page
    is its own, so page furniture recognised line by line is left out of it.
    """
    kept = []
    for line in text.splitlines():
        outside, end = [], 0
        for region in find_regions(line):
            outside.append(line[end : region.span[0]])
            end = region.span[1]
        outside.append(line[end:])
        if not _LEAD.fullmatch("".join(outside)):
            kept.append(line)
    return "\n".join(kept)
