"""Many literals found in one pass: pyahocorasick's interface on the Rust aho-corasick DFA.

``ahocorasick_rs`` (G-Research, Apache-2.0) wraps the Rust ``aho-corasick`` crate. pyahocorasick's
trie looks each character up in a list of the node's children (the root's children are every first
letter of 14 languages); the Rust automaton indexes them by byte class. The whole-article passes
(the scorer's cue phrases, the rules' prefilter literals, the event triggers, about 500-900 keys
each) use it; pyahocorasick stays where a pass is over a sentence and the set is small (its
per-call cost is lower). Measured inside the worker's core, where the automaton competes for the
cache with everything else, the contiguous NFA scans an article in about 80 µs, the DFA in about
100 µs and the non-contiguous NFA in about 125 µs (in a tight loop over the same texts the DFA wins:
cache-resident, and the UTF-8 form of each ``str`` already made), so it is the contiguous NFA.

:class:`Automaton` keeps pyahocorasick's ``add_word`` / ``make_automaton`` / ``iter``, and its
order: every occurrence, overlapping ones included, by end, the longest first at one end
(``tests/unit/test_automaton.py`` compares the two on every body the tests know). Offsets are
character offsets into the ``str`` searched; a lone surrogate (which the Rust side cannot take)
is searched as U+FFFD, one character for one, so offsets do not move.
"""

from __future__ import annotations

import re
from typing import Final, Generic, TypeVar

import ahocorasick_rs

V = TypeVar("V")
_SURROGATE: Final = re.compile(f"[{chr(0xD800)}-{chr(0xDFFF)}]")


def lower_aligned(text: str) -> str:
    """``text`` lower-cased letter for letter, so that an offset into it is an offset into ``text``.

    ``str.lower`` makes a few letters two characters (Turkish "İ" becomes "i" and a combining dot),
    which would shift every offset after them: there, Turkish "İ" becomes "i" and any other such
    letter stays as it is. Every whole-article literal pass searches this text.

    >>> lower_aligned("İLGİLİ Haberler"), lower_aligned("Read More")
    ('ilgili haberler', 'read more')
    """
    low = text.lower()
    if len(low) == len(text):  # lower-casing never shortens a letter: same length, same offsets
        return low
    return "".join(_lower_one(c) for c in text)


def _lower_one(c: str) -> str:
    if c == "İ":
        return "i"
    low = c.lower()
    return low if len(low) == 1 else c


class Automaton(Generic[V]):
    """Literals with a value each; :meth:`iter` gives ``(end index, value)`` of every occurrence.

    >>> a = Automaton[int]()
    >>> for w in ("he", "she", "hers"):
    ...     a.add_word(w, len(w))
    >>> a.make_automaton()
    >>> a.iter("ushers")
    [(3, 3), (3, 2), (5, 4)]
    >>> a.iter("ushers", 2, 6)
    [(3, 2), (5, 4)]
    >>> a.iter("\\udc80she")
    [(3, 3), (3, 2)]
    """

    __slots__ = ("_ac", "_bac", "_index", "_keys", "_values")

    def __init__(self) -> None:
        self._keys: list[str] = []
        self._values: list[V] = []
        self._index: dict[str, int] = {}
        self._ac: ahocorasick_rs.AhoCorasick | None = None
        self._bac: ahocorasick_rs.BytesAhoCorasick | None = None

    def add_word(self, key: str, value: V) -> None:
        """Add ``key`` with ``value`` (a key added again takes the new value, as in pyahocorasick)."""
        if not key:
            raise ValueError("an empty key matches everywhere")
        k = self._index.get(key)
        if k is None:
            self._index[key] = len(self._keys)
            self._keys.append(key)
            self._values.append(value)
        else:
            self._values[k] = value
        self._ac = self._bac = None

    def make_automaton(self) -> None:
        if not self._keys:
            self._ac = self._bac = None
            return
        nfa = ahocorasick_rs.Implementation.ContiguousNFA
        self._ac = ahocorasick_rs.AhoCorasick(self._keys, implementation=nfa)
        # the same keys as UTF-8 bytes, for ASCII text (see :meth:`find`)
        self._bac = ahocorasick_rs.BytesAhoCorasick([k.encode("utf-8") for k in self._keys], implementation=nfa)

    def keys(self) -> tuple[str, ...]:
        """The keys in the order added (what :meth:`find`'s indices point into)."""
        return tuple(self._keys)

    def values(self) -> tuple[V, ...]:
        """The values in the order their keys were added."""
        return tuple(self._values)

    def find(self, text: str) -> list[tuple[int, int, int]]:
        """Every occurrence in ``text`` as (index of the key in the order added, start, end), in the
        order of :meth:`iter`.

        >>> a = Automaton[None]()
        >>> for w in ("he", "she"):
        ...     a.add_word(w, None)
        >>> a.make_automaton()
        >>> a.find("ushe")
        [(1, 1, 4), (0, 2, 4)]
        """
        ac = self._ac
        if ac is None:
            if self._keys:
                raise RuntimeError("make_automaton() was not called")
            return []
        if text.isascii():
            # a byte offset into ASCII text is its character offset: search the bytes. The ``str``
            # search maps every byte to its character first, in a fresh 8-bytes-a-byte table (40 kB
            # for a 5 kB article, three passes an article): measured in the worker's core, that
            # table's writes evicted more than the search itself costs
            bac = self._bac
            assert bac is not None
            return bac.find_matches_as_indexes(text.encode("ascii"), overlapping=True)
        try:
            return ac.find_matches_as_indexes(text, overlapping=True)
        except UnicodeEncodeError:  # a lone surrogate: never part of a key
            return ac.find_matches_as_indexes(_SURROGATE.sub("\ufffd", text), overlapping=True)

    def iter(self, text: str, start: int = 0, end: int | None = None) -> list[tuple[int, V]]:
        """Every occurrence in ``text[start:end]``: (index of its last character in ``text``, value),
        by end, the longest first at one end."""
        found = self.find(text[start:end] if start or end is not None else text)
        values = self._values
        shift = start - 1
        return [(e + shift, values[i]) for i, _s, e in found]
