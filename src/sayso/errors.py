"""Errors sayso reports to users: each names the input it concerns and the reason, on one line."""

from __future__ import annotations


class SaysoError(Exception):
    """Base class of every error sayso reports to a user instead of a traceback."""


class InputError(SaysoError):
    """An input (file, WARC record, feed item, URL...) that could not be read or analysed."""

    def __init__(self, input: str, reason: str) -> None:
        super().__init__(f"{input}: {reason}")
        self.input = input
        self.reason = reason


class UsageError(SaysoError):
    """The command line itself is wrong (exit status 2)."""
