"""Offset bookkeeping: every derived text knows where each of its characters came from.

The cleaner rewrites text in stages (HTML to text, control characters out, mojibake
repaired, wire lines rejoined). Findings are located in the derived text but must be
reported against the *received* body, so each stage returns a :class:`SourceMap`
that maps derived positions back to received positions. Maps are sparse (a list of
runs), so an unchanged article costs one run, not one entry per character.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``text[start:end]`` with ``repl``; ``rule`` names who asked for it."""

    start: int
    end: int
    repl: str
    rule: str = ""


class SourceMap:
    """Piecewise map from positions in a derived text to positions in the source text.

    A run is either a *copy* (derived ``[d, d+n)`` equals source ``[s, s+n)``) or a
    *replacement* (derived ``[d, d+n)`` was written in place of source ``[s, s+m)``).

    >>> m = SourceMap.identity(10)
    >>> m.span(2, 5)
    (2, 5)
    >>> text, m2 = m.apply("abc  def", [Edit(3, 5, " ")])
    >>> text, m2.span(4, 7)
    ('abc def', (5, 8))
    """

    __slots__ = ("_copy", "_dlen", "_dst", "_slen", "_src", "length", "source_length")

    def __init__(self, runs: Sequence[tuple[int, int, int, int, bool]], length: int, source_length: int):
        self._dst = [r[0] for r in runs]
        self._dlen = [r[1] for r in runs]
        self._src = [r[2] for r in runs]
        self._slen = [r[3] for r in runs]
        self._copy = [r[4] for r in runs]
        self.length = length
        self.source_length = source_length

    @classmethod
    def identity(cls, length: int) -> SourceMap:
        """The map of an unchanged text."""
        return cls([(0, length, 0, length, True)] if length else [], length, length)

    @property
    def is_identity(self) -> bool:
        return self.length == self.source_length and (
            not self._dst or (len(self._dst) == 1 and self._copy[0] and self._src[0] == 0)
        )

    def runs(self) -> list[tuple[int, int, int, int, bool]]:
        return list(zip(self._dst, self._dlen, self._src, self._slen, self._copy, strict=True))

    def _run_at(self, pos: int) -> int:
        return bisect_right(self._dst, pos) - 1

    def start(self, pos: int) -> int:
        """Source position of the character at derived position ``pos`` (a span start)."""
        if not self._dst:
            return 0
        if pos >= self.length:
            return self.source_length
        i = self._run_at(pos)
        if i < 0:
            return 0
        d, s = self._dst[i], self._src[i]
        if self._copy[i]:
            return s + (pos - d)
        return s

    def end(self, pos: int) -> int:
        """Source position just after derived position ``pos - 1`` (a span end)."""
        if not self._dst or pos <= 0:
            return 0
        i = self._run_at(pos - 1)
        if i < 0:
            return 0
        d, s = self._dst[i], self._src[i]
        if self._copy[i]:
            return s + (pos - d)
        return s + self._slen[i]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a derived span to the source span it came from."""
        if end <= start:
            s = self.start(start)
            return s, s
        return self.start(start), self.end(end)

    def _slice(self, a: int, b: int, out: list[tuple[int, int, int, int, bool]], base: int) -> None:
        """Append runs covering derived ``[a, b)``, re-based so that ``a`` lands at ``base``."""
        if a >= b:
            return
        i = max(self._run_at(a), 0)
        n = len(self._dst)
        while i < n and self._dst[i] < b:
            d, dl, s, sl, cp = self._dst[i], self._dlen[i], self._src[i], self._slen[i], self._copy[i]
            lo, hi = max(a, d), min(b, d + dl)
            if lo < hi:
                if cp:
                    out.append((base + lo - a, hi - lo, s + lo - d, hi - lo, True))
                elif lo == d and hi == d + dl:
                    out.append((base + lo - a, hi - lo, s, sl, False))
                else:
                    # part of a replacement: it still stands for the whole replaced source span
                    out.append((base + lo - a, hi - lo, s, sl, False))
            i += 1

    def _apply_to_identity(self, text: str, ordered: list[Edit]) -> tuple[str, SourceMap]:
        return _identity_apply(text, ordered, self.source_length)

    def apply(self, text: str, edits: Iterable[Edit]) -> tuple[str, SourceMap]:
        """Apply non-overlapping ``edits`` to ``text`` (this map's derived text).

        Returns the new text and the composed map from it to the original source.
        """
        ordered = sorted(edits, key=lambda e: (e.start, e.end))
        if not ordered:
            return text, self
        if self.is_identity and self.length == len(text):
            return self._apply_to_identity(text, ordered)
        pieces: list[str] = []
        runs: list[tuple[int, int, int, int, bool]] = []
        pos = 0
        out_len = 0
        for e in ordered:
            if e.start < pos:
                raise ValueError(f"overlapping edits at {e.start}")
            if e.start > pos:
                pieces.append(text[pos : e.start])
                self._slice(pos, e.start, runs, out_len)
                out_len += e.start - pos
            if e.repl:
                s0, s1 = self.span(e.start, e.end)
                pieces.append(e.repl)
                runs.append((out_len, len(e.repl), s0, s1 - s0, False))
                out_len += len(e.repl)
            pos = e.end
        if pos < len(text):
            pieces.append(text[pos:])
            self._slice(pos, len(text), runs, out_len)
            out_len += len(text) - pos
        return "".join(pieces), SourceMap(_merge(runs), out_len, self.source_length)


def _identity_apply(text: str, ordered: list[Edit], source_length: int) -> tuple[str, SourceMap]:
    pieces: list[str] = []
    runs: list[tuple[int, int, int, int, bool]] = []
    pos = out_len = 0
    for e in ordered:
        if e.start < pos:
            raise ValueError(f"overlapping edits at {e.start}")
        if e.start > pos:
            n = e.start - pos
            pieces.append(text[pos : e.start])
            runs.append((out_len, n, pos, n, True))
            out_len += n
        if e.repl:
            pieces.append(e.repl)
            runs.append((out_len, len(e.repl), e.start, e.end - e.start, False))
            out_len += len(e.repl)
        pos = e.end
    if pos < len(text):
        n = len(text) - pos
        pieces.append(text[pos:])
        runs.append((out_len, n, pos, n, True))
        out_len += n
    return "".join(pieces), SourceMap(_merge(runs), out_len, source_length)


def _merge(runs: list[tuple[int, int, int, int, bool]]) -> list[tuple[int, int, int, int, bool]]:
    """Join adjacent copy runs that continue each other (keeps maps short)."""
    merged: list[tuple[int, int, int, int, bool]] = []
    for r in runs:
        if r[1] == 0:
            continue
        if merged:
            d, dl, s, sl, cp = merged[-1]
            if cp and r[4] and d + dl == r[0] and s + sl == r[2]:
                merged[-1] = (d, dl + r[1], s, sl + r[3], True)
                continue
        merged.append(r)
    return merged
