"""Where a trigger pattern can start: the literal words that open every one of its matches.

A trigger pattern opens with ``\\b`` and a long alternation of verbs ("\\b(?:announced|approved|
gave|…) …"). Python's regex engine skips ahead in C only to a pattern's literal first
characters, and ``\\b`` hides them: the pattern is tried at every word boundary of the sentence,
each try walking its alternation (an alternation of the literals alone is no faster: most
letters open one of them). Read once from the pattern's parse tree, the set of strings one of
which opens every match goes into the trigger automaton, whose one pass over the article says
where each can start; the pattern is then tried only there, which finds exactly the matches a
search would (every match starts at such a place, and the places are visited in order).

>>> sorted(leading_literals(r"\\b(?:fired|launch(?:ed)?|hurl(?:s|ed)) (?:\\d+ )?drones"))
['fired ', 'hurled ', 'hurls ', 'launch ', 'launched ']
>>> leading_literals(r"\\b(?:[\\w-]+ ){0,3}drones") is None
True
>>> sorted(leading_literals(r"\\b(?:re)?opened (?:the )?border"))
['opened border', 'opened the border', 'reopened border', 'reopened the border']
"""

from __future__ import annotations

import importlib
import re
from typing import Any

_LIMIT = 256  # more opening strings than this: the set is cut short where it is


def _parse_modules() -> tuple[Any, Any] | None:
    try:
        return importlib.import_module("re._parser"), importlib.import_module("re._constants")
    except ImportError:  # another Python's layout: every pattern is searched as written
        return None


def _extend(items: Any, prefixes: set[str], c: Any) -> tuple[set[str], bool]:
    """The opening strings after reading ``items`` (a parsed sequence) from ``prefixes``; the flag
    says whether the whole sequence was read (what follows may extend the strings further)."""
    for op, av in items:
        if op is c.LITERAL:
            prefixes = {p + chr(av) for p in prefixes}
        elif op is c.AT or op is c.ASSERT or op is c.ASSERT_NOT:
            continue  # zero-width: consumes nothing
        elif op is c.SUBPATTERN:
            _group, add_flags, _del_flags, sub = av
            if add_flags & c.SRE_FLAG_IGNORECASE:
                return prefixes, False
            prefixes, whole = _extend(sub, prefixes, c)
            if not whole:
                return prefixes, False
        elif op is c.BRANCH:
            found: set[str] = set()
            whole = True
            for alt in av[1]:
                got, alt_whole = _extend(alt, prefixes, c)
                found |= got
                whole = whole and alt_whole
            if len(found) > _LIMIT:
                return prefixes, False
            prefixes = found
            if not whole:
                return prefixes, False
        elif op is c.IN:
            chars = [chr(a) for o, a in av if o is c.LITERAL]
            if len(chars) != len(av) or len(chars) * len(prefixes) > _LIMIT:
                return prefixes, False
            prefixes = {p + ch for p in prefixes for ch in chars}
        elif (op is c.MAX_REPEAT or op is c.MIN_REPEAT) and av[0] >= 1:
            got, _whole = _extend(av[2], prefixes, c)  # the first repetition opens it
            return got, False
        elif (op is c.MAX_REPEAT or op is c.MIN_REPEAT) and av[0] == 0 and av[1] == 1:
            got, whole = _extend(av[2], prefixes, c)  # optional: with or without it
            if not whole or len(got) + len(prefixes) > _LIMIT:
                return prefixes, False
            prefixes = prefixes | got
        else:
            return prefixes, False
    return prefixes, True


def leading_literals(pattern: str) -> frozenset[str] | None:
    """Strings one of which opens every match of ``pattern`` (case as written), or None when the
    pattern can open with something else (a class, an optional run, a case-insensitive part)."""
    mods = _parse_modules()
    if mods is None:
        return None
    parser, constants = mods
    try:
        parsed = parser.parse(pattern)
    except re.error:
        return None
    if parsed.state.flags & constants.SRE_FLAG_IGNORECASE or parsed.getwidth()[0] == 0:
        return None
    prefixes, _whole = _extend(list(parsed), {""}, constants)
    if not prefixes or "" in prefixes:
        return None
    return frozenset(prefixes)


def matches(pattern: re.Pattern[str], text: str, pos: int, starts: list[int] | None) -> list[re.Match[str]]:
    """``list(pattern.finditer(text, pos))``, the pattern tried only at ``starts`` (ascending offsets
    where one of its :func:`leading_literals` occurs; None: searched as written).

    >>> p = re.compile(r"\\b(?:fired|launched) (?:\\d+ )?drones")
    >>> s = "They fired at birds; Russia launched 40 drones, then fired drones."
    >>> [m.group() for m in matches(p, s, 0, [5, 28, 53])], [m.group() for m in matches(p, s, 30, [5, 28, 53])]
    (['launched 40 drones', 'fired drones'], ['fired drones'])
    """
    if starts is None:
        return list(pattern.finditer(text, pos))
    out: list[re.Match[str]] = []
    until = pos
    for p in starts:
        if p >= until:
            m = pattern.match(text, p)
            if m is not None:
                out.append(m)
                until = m.end()  # no pattern matches the empty string (leading_literals says None then)
    return out
