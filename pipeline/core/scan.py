"""Run a regex only where it can start: an Aho-Corasick pass finds the candidate positions.

A pattern whose every match begins with one of a few literal prefixes ("monday", "jan",
a digit, "$") is tried only at the positions where such a prefix starts, instead of at
every character: the scan runs in C and the pattern runs a handful of times per sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import ahocorasick


def prefix_automaton(prefixes: Iterable[str]) -> Any:
    """An automaton over lower-case prefixes; each value is the prefix's length."""
    auto = ahocorasick.Automaton()
    for p in prefixes:
        auto.add_word(p.lower(), len(p))
    auto.make_automaton()
    return auto


def finditer_at(pattern: re.Pattern[str], text: str, auto: Any, low: str | None = None) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` for a pattern whose matches all start with a prefix of ``auto``
    (``low``: ``text.lower()`` when the caller has it already).

    >>> auto = prefix_automaton(["mon", "tues"])
    >>> p = re.compile(r"(?i)(?:mon|tues)day")
    >>> [m.group() for m in finditer_at(p, "On Monday and tuesday, not monsoon.", auto)]
    ['Monday', 'tuesday']
    """
    if low is None:
        low = text.lower()
    if len(low) != len(text):  # lower-casing changed lengths (rare letters): offsets would drift
        yield from pattern.finditer(text)
        return
    starts = sorted({end - n + 1 for end, n in auto.iter(low)})
    until = -1
    for s in starts:
        if s < until:
            continue
        m = pattern.match(text, s)
        if m is not None:
            until = m.end()
            yield m


_ESCAPE_OR_NAME = re.compile(r"\\.|\(\?P<\w+>|\(\?P=\w+\)")


def lower_literals(pattern: str) -> str:
    """A pattern's letters in lower case, escapes (``\\S``, ``\\D``) and group names left as written.

    >>> lower_literals(r"(?P<Day>Monday)\\S+[A-Z]")
    '(?P<Day>monday)\\\\S+[a-z]'
    """
    out, last = [], 0
    for m in _ESCAPE_OR_NAME.finditer(pattern):
        out += [pattern[last : m.start()].lower(), m.group()]
        last = m.end()
    return "".join(out) + pattern[last:].lower()


class Folded:
    """A case-insensitive pattern that runs case-sensitively on the text's lower-case copy when given one.

    Under IGNORECASE Python's engine folds every character it compares and loses its fast
    first-character checks; on text lower-cased once per article the pattern's lower-cased form
    (:func:`lower_literals`) runs two to four times faster. Without a lower-case copy (lower-casing changed the length,
    so offsets would drift) the case-insensitive form runs on the text itself.

    >>> rx = Folded(r"(?i)\\b(?:not|never) $")
    >>> rx.found("It was Not ", "it was not "), rx.found("It was Not ", None), rx.found("It was ", "it was ")
    (True, True, False)
    """

    __slots__ = ("ci", "cs", "pattern")

    def __init__(self, pattern: str) -> None:
        source = pattern.removeprefix("(?i)")
        self.pattern = pattern
        self.ci = re.compile(source, re.IGNORECASE)
        self.cs = re.compile(lower_literals(source))

    def found(self, text: str, low: str | None, pos: int = 0, endpos: int | None = None) -> bool:
        """Does the pattern occur in ``text[pos:endpos]`` (``low``: ``text.lower()`` of the same length, or None)?"""
        end = len(text) if endpos is None else endpos
        if low is not None:
            return self.cs.search(low, pos, end) is not None
        return self.ci.search(text, pos, end) is not None

    def found_before(self, text: str, low: str | None, pos: int, width: int) -> bool:
        """Does the pattern occur in the ``width`` characters before ``pos`` (a slice: its ends are ends)?"""
        a = pos - width if pos > width else 0
        if low is not None:
            return self.cs.search(low[a:pos]) is not None
        return self.ci.search(text[a:pos]) is not None

    def match(self, text: str, low: str | None, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        """The match at ``pos``; its offsets index ``text``, but its groups are read from ``low`` when given."""
        end = len(text) if endpos is None else endpos
        return self.cs.match(low, pos, end) if low is not None else self.ci.match(text, pos, end)
