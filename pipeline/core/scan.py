"""Run a regex only where it can start: an Aho-Corasick pass finds the candidate positions.

A pattern whose every match begins with one of a few literal prefixes ("monday", "jan",
a digit, "$") is tried only at the positions where such a prefix starts, instead of at
every character: the scan runs in C and the pattern runs a handful of times per sentence.
The prefixes can be read from the pattern itself (:func:`leading_literals`): the trigger
patterns are tried only where the trigger automaton finds one (:func:`matches`), and a
:class:`Folded` search none of whose opening literals occurs in the text is not run.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from typing import Any, Final

import ahocorasick


def prefix_automaton(prefixes: Iterable[str]) -> Any:
    """An automaton over lower-case prefixes; each value is the prefix's length."""
    auto = ahocorasick.Automaton()
    for p in prefixes:
        auto.add_word(p.lower(), len(p))
    auto.make_automaton()
    return auto


def finditer_at(pattern: re.Pattern[str], text: str, auto: Any, low: str | None = None) -> list[re.Match[str]]:
    """``list(pattern.finditer(text))`` for a pattern whose matches all start with a prefix of ``auto``
    (``low``: ``text.lower()`` when the caller has it already). A list, not a generator: it is
    asked for in every sentence with an event, and resuming a generator costs more than a match.

    >>> auto = prefix_automaton(["mon", "tues"])
    >>> p = re.compile(r"(?i)(?:mon|tues)day")
    >>> [m.group() for m in finditer_at(p, "On Monday and tuesday, not monsoon.", auto)]
    ['Monday', 'tuesday']
    """
    if low is None:
        low = text.lower()
    if len(low) != len(text):  # lower-casing changed lengths (rare letters): offsets would drift
        return list(pattern.finditer(text))
    starts = sorted({end - n + 1 for end, n in auto.iter(low)})
    out: list[re.Match[str]] = []
    until = -1
    for s in starts:
        if s < until:
            continue
        m = pattern.match(text, s)
        if m is not None:
            until = m.end()
            out.append(m)
    return out


# The literals that open every match of a pattern, read from its parse tree. A pattern that opens
# with ``\b`` and a long alternation ("\b(?:announced|approved|gave|…) …") hides its first
# characters from the engine, which then tries it at every word boundary, walking the whole
# alternation each time (an alternation of the literals alone is no faster: most letters open
# one of them). Knowing the literals, a caller finds where they occur (an automaton pass, or
# ``str.find``) and tries the pattern only there, or skips a search none of them can satisfy.

_LIMIT: Final = 256  # more opening strings than this: the set is cut short where it is


def _parse_modules() -> tuple[Any, Any] | None:
    try:
        return importlib.import_module("re._parser"), importlib.import_module("re._constants")
    except ImportError:  # another Python's layout: every pattern is searched as written
        return None


def _extend(items: Any, prefixes: set[str], c: Any, limit: int = _LIMIT, digit: str = "") -> tuple[set[str], bool]:
    """The opening strings after reading ``items`` (a parsed sequence) from ``prefixes``; the flag
    says whether the whole sequence was read (what follows may extend the strings further).
    ``digit``: a character that stands for ``\\d`` (none: a digit class ends the strings)."""
    for op, av in items:
        if op is c.LITERAL:
            prefixes = {p + chr(av) for p in prefixes}
        elif op is c.AT or op is c.ASSERT or op is c.ASSERT_NOT:
            continue  # zero-width: consumes nothing
        elif op is c.SUBPATTERN:
            _group, add_flags, _del_flags, sub = av
            if add_flags & c.SRE_FLAG_IGNORECASE:
                return prefixes, False
            prefixes, whole = _extend(sub, prefixes, c, limit, digit)
            if not whole:
                return prefixes, False
        elif op is c.BRANCH:
            found: set[str] = set()
            whole = True
            for alt in av[1]:
                got, alt_whole = _extend(alt, prefixes, c, limit, digit)
                found |= got
                whole = whole and alt_whole
            if len(found) > limit:
                return prefixes, False
            prefixes = found
            if not whole:
                return prefixes, False
        elif op is c.IN:
            chars = [
                chr(a) if o is c.LITERAL else digit if o is c.CATEGORY and a is c.CATEGORY_DIGIT else "" for o, a in av
            ]
            if not all(chars) or len(chars) * len(prefixes) > limit:
                return prefixes, False
            prefixes = {p + ch for p in prefixes for ch in chars}
        elif (op is c.MAX_REPEAT or op is c.MIN_REPEAT) and av[0] >= 1:
            got, _whole = _extend(av[2], prefixes, c, limit, digit)  # the first repetition opens it
            return got, False
        elif (op is c.MAX_REPEAT or op is c.MIN_REPEAT) and av[0] == 0 and av[1] == 1:
            got, whole = _extend(av[2], prefixes, c, limit, digit)  # optional: with or without it
            if not whole or len(got) + len(prefixes) > limit:
                return prefixes, False
            prefixes = prefixes | got
        else:
            return prefixes, False
    return prefixes, True


def leading_literals(pattern: str) -> frozenset[str] | None:
    """Strings one of which opens every match of ``pattern`` (case as written), or None when the
    pattern can open with something else (a class, an optional run, a case-insensitive part).

    >>> sorted(leading_literals(r"\\b(?:fired|launch(?:ed)?|hurl(?:s|ed)) (?:\\d+ )?drones"))
    ['fired ', 'hurled ', 'hurls ', 'launch ', 'launched ']
    >>> leading_literals(r"\\b(?:[\\w-]+ ){0,3}drones") is None
    True
    >>> sorted(leading_literals(r"\\b(?:re)?opened (?:the )?border"))
    ['opened border', 'opened the border', 'reopened border', 'reopened the border']
    """
    prefixes = _opening_strings(pattern)
    return None if prefixes is None else frozenset(prefixes)


def _opening_strings(pattern: str, limit: int = _LIMIT, digit: str = "") -> set[str] | None:
    """The strings every match of ``pattern`` opens with (``digit`` marks where a digit can
    follow), or None: a case-insensitive or possibly empty pattern, or one that can open otherwise."""
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
    prefixes, _whole = _extend(list(parsed), {""}, constants, limit, digit)
    if not prefixes or "" in prefixes:
        return None
    return prefixes


def openings(pattern: str, width: int = 5, limit: int = 32768) -> tuple[frozenset[str], bool] | None:
    """What every match of ``pattern`` opens with: strings of at most ``width`` characters (case as
    written, each cut before its first digit; none extends another), and whether a match can open
    with a digit; None when unknown. A match cannot start where none of the strings starts (nor a
    digit, unless a match can open with one).

    >>> sorted(openings(r"(?:on |since )?(?:Monday|\\d{1,2} May)")[0]), openings(r"(?:on )?\\d+")[1]
    (['Monda', 'on ', 'since'], True)
    >>> openings(r"\\w+ ago") is None
    True
    """
    marker = "\x00"
    prefixes = _opening_strings(pattern, limit, marker)
    if prefixes is None:
        return None
    cut = {p.split(marker)[0][:width] for p in prefixes}
    keep = frozenset(x for x in cut if x and not any(x != k and x.startswith(k) for k in cut if k))
    return keep, "" in cut


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


def ascii_twin(pattern: str, flags: int = 0) -> re.Pattern[str] | None:
    """``pattern`` compiled to give the same matches on ASCII text, faster: with ``re.ASCII``,
    ``\\w``, ``\\d`` and ``\\b`` test a character against a table instead of looking its Unicode
    category up. On ASCII text the two agree, save ``\\s``, which in Unicode also takes the four
    separators \\x1c-\\x1f: it is spelt out. None when the pattern cannot be twinned safely (a
    ``\\S`` inside a class, inline flags, a non-ASCII letter that folds to an ASCII one).

    >>> t = ascii_twin(r"\\b\\w+\\s\\S")
    >>> t.pattern, bool(t.match("ab\\x1cc")), bool(re.match(r"\\b\\w+\\s\\S", "ab\\x1cc"))
    ('\\\\b\\\\w+[\\\\s\\\\x1c-\\\\x1f][^\\\\s\\\\x1c-\\\\x1f]', True, True)
    """
    if flags & re.ASCII or "(?u" in pattern or "(?a" in pattern or "(?L" in pattern:
        return None
    for ch in set(pattern):
        if not ch.isascii() and any(c.isascii() for c in ch.lower() + ch.upper() + ch.casefold()):
            return None  # "K" (Kelvin) matches "k" under IGNORECASE in Unicode, not in ASCII
    out: list[str] = []
    i, n = 0, len(pattern)
    in_class = False
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            e = pattern[i + 1]
            if e == "s":
                out.append("\\s\\x1c-\\x1f" if in_class else "[\\s\\x1c-\\x1f]")
            elif e == "S":
                if in_class:
                    return None
                out.append("[^\\s\\x1c-\\x1f]")
            else:
                out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
        elif c == "[":
            in_class = True
            out.append(c)
            i += 1
            if i < n and pattern[i] == "^":
                out.append("^")
                i += 1
            if i < n and pattern[i] == "]":  # a "]" first in a class is a literal
                out.append("]")
                i += 1
            continue
        out.append(c)
        i += 1
    try:
        return re.compile("".join(out), (flags & ~re.UNICODE) | re.ASCII)  # UNICODE: the default for text
    except (re.error, ValueError):
        return None


class Twin:
    """A pattern and its :func:`ascii_twin`: :meth:`on` gives the one to run on a text.

    >>> tw = Twin(r"\\b\\w+")
    >>> tw.on("abc") is tw.ascii, tw.on("abç") is tw.any
    (True, True)
    """

    __slots__ = ("any", "ascii")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.any = re.compile(pattern, flags)
        self.ascii = ascii_twin(pattern, flags) or self.any

    def on(self, text: str) -> re.Pattern[str]:
        return self.ascii if text.isascii() else self.any


_ESCAPE_OR_NAME: Final = re.compile(r"\\.|\(\?P<\w+>|\(\?P=\w+\)")


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


def _needed(pattern: str, most: int = 8, shortest: int = 3) -> tuple[str, ...]:
    """A few strings one of which occurs wherever ``pattern`` matches (its opening literals cut to
    their shortest distinct prefixes), or () when there is no such short list worth checking.

    >>> _needed(r"\\b(?:denied|denies|deny|denying|refuted) (?:that )?$")
    ('denied ', 'denies ', 'deny ', 'denying ', 'refuted ')
    >>> _needed(r"\\b(?:the|a|an) $"), _needed(r"\\b\\w+ $")
    ((), ())
    """
    lits = leading_literals(pattern)
    if not lits:
        return ()
    keep: list[str] = []
    for x in sorted(lits, key=lambda x: (len(x), x)):  # a literal that extends a kept one adds nothing
        if not any(x.startswith(k) for k in keep):
            keep.append(x)
    if len(keep) > most:  # too many: cut every literal to its first few characters, and again
        keep = sorted({x[:shortest] for x in keep})
        keep = [x for x in keep if not any(x != k and x.startswith(k) for k in keep)]
    if len(keep) > most or min(map(len, keep)) < shortest:
        return ()  # "a", "an", "the": a check that almost always passes costs more than it saves
    return tuple(sorted(keep))


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

    __slots__ = ("ci", "cs", "csa", "digit_opens", "need", "open_widths", "opens", "pattern")

    def __init__(self, pattern: str) -> None:
        source = pattern.removeprefix("(?i)")
        self.pattern = pattern
        self.ci = re.compile(source, re.IGNORECASE)
        lowered = lower_literals(source)
        self.cs = re.compile(lowered)
        self.csa = ascii_twin(lowered) or self.cs  # for ASCII text
        self.need = _needed(lowered)
        known = openings(lowered)
        self.opens, self.digit_opens = known if known is not None else (frozenset(), True)
        self.open_widths = sorted({len(x) for x in self.opens})

    def found(self, text: str, low: str | None, pos: int = 0, endpos: int | None = None) -> bool:
        """Does the pattern occur in ``text[pos:endpos]`` (``low``: ``text.lower()`` of the same length, or None)?"""
        end = len(text) if endpos is None else endpos
        if low is not None:
            if self.need:
                window = low if pos == 0 and end == len(low) else low[pos:end]  # `in` costs less than find(x, pos, end)
                if not any(map(window.__contains__, self.need)):
                    return False  # none of the strings that open a match occurs: no search
            return (self.csa if low.isascii() else self.cs).search(low, pos, end) is not None
        return self.ci.search(text, pos, end) is not None

    def found_before(self, text: str, low: str | None, pos: int, width: int) -> bool:
        """Does the pattern occur in the ``width`` characters before ``pos`` (a slice: its ends are ends)?"""
        a = pos - width if pos > width else 0
        if low is not None:
            window = low[a:pos]
            if self.need and not any(map(window.__contains__, self.need)):
                return False
            return (self.csa if window.isascii() else self.cs).search(window) is not None
        return self.ci.search(text[a:pos]) is not None

    def _may_open(self, low: str, pos: int) -> bool:
        """Can a match start at ``pos`` of ``low``: does one of :func:`openings` start there (or a digit)?"""
        for w in self.open_widths:
            if low[pos : pos + w] in self.opens:
                return True
        return self.digit_opens and low[pos : pos + 1].isdecimal()

    def match(self, text: str, low: str | None, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        """The match at ``pos``; its offsets index ``text``, but its groups are read from ``low`` when given."""
        end = len(text) if endpos is None else endpos
        if low is not None:
            if self.opens and not self._may_open(low, pos):
                return None
            return (self.csa if low.isascii() else self.cs).match(low, pos, end)
        return self.ci.match(text, pos, end)


def trie_pattern(words: Iterable[str]) -> str:
    """An alternation of literal ``words`` as a prefix tree, longer words first where one extends
    another: it matches what ``"|".join(sorted(words, key=len, reverse=True))`` matches, with the
    same preference (of the words that match at a place, one is a prefix of the other, and the
    longer is tried first), but the engine reads one character per level instead of trying each
    of a hundred alternatives in turn.

    >>> p = trie_pattern(["police", "policemen", "forces", "force"])
    >>> p
    '(?:(?:force(?:s)?|police(?:men)?))'
    >>> [re.match(p + r"\\b", t).group() for t in ("policemen came", "police came", "forces")]
    ['policemen', 'police', 'forces']
    """
    tree: dict[str, Any] = {}
    for w in words:
        node = tree
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here

    def emit(node: dict[str, Any]) -> str:
        alts = []
        for ch in sorted(k for k in node if k):
            child = node[ch]
            run = re.escape(ch)
            while "" not in child and len(child) == 1:  # one path on: a literal run
                (nxt,) = child.keys()
                run += re.escape(nxt)
                child = child[nxt]
            alts.append(run + emit(child))
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return "(?:" + body + ")?" if "" in node else body  # greedy: the longer word first

    return "(?:" + emit(tree) + ")"
