"""The received body of a format item, and what the format marks as not for publication.

A reader hands paragraphs (and notes to editors) to a :class:`BodyBuilder`; the body it
builds is the item's *received body* (what every removal offset indexes, as ``wirewash
parse`` prints it). Paragraphs the format marks as not for publication are kept in that body
and recorded as *drops* with a rule id; the cleaner removes them and records each one like
any boilerplate. HTML bodies stay HTML; :func:`html_drops` finds the same paragraphs in them.

The wire conventions (:mod:`pipeline.core.wirelines`) are line-level and anchored: a
paragraph is dropped only when the whole paragraph is such a line.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from pipeline.core.html import html_to_text
from pipeline.core.wirelines import (
    COPYRIGHT_LINE,
    DESK_LINE,
    ED_NOTE,
    EDS_LINE,
    MEDIA_CAPTION,
    MT_DISCLAIMER,
    NOT_FOR_PUBLICATION,
    PHOTO_LINE,
    classify,
)

__all__ = [
    "COPYRIGHT_LINE",
    "DESK_LINE",
    "EDS_LINE",
    "ED_NOTE",
    "MEDIA_CAPTION",
    "MT_DISCLAIMER",
    "NOT_FOR_PUBLICATION",
    "PHOTO_LINE",
    "BodyBuilder",
    "classify",
    "html_drops",
]

_WS = re.compile(r"\s+")


@dataclass
class BodyBuilder:
    """Builds a plain-text received body, paragraph by paragraph, with its drops."""

    parts: list[str] = field(default_factory=list)
    drops: list[tuple[int, int, str]] = field(default_factory=list)
    _pos: int = 0
    _rules: list[str | None] = field(default_factory=list)

    def paragraph(self, segments: list[tuple[str, str | None]] | str, rule: str | None = None) -> None:
        """Add one paragraph: its text segments, each with the rule dropping it (None: story text)."""
        if isinstance(segments, str):
            segments = [(segments, rule)]
        pieces: list[tuple[str, str | None]] = []
        for seg, seg_rule in segments:
            s = _WS.sub(" ", seg)
            if s:
                pieces.append((s, seg_rule or rule))
        # trim the paragraph's outer spaces
        while pieces and not pieces[0][0].strip():
            pieces.pop(0)
        while pieces and not pieces[-1][0].strip():
            pieces.pop()
        if not pieces:
            return
        pieces[0] = (pieces[0][0].lstrip(), pieces[0][1])
        pieces[-1] = (pieces[-1][0].rstrip(), pieces[-1][1])
        start = self._pos + (2 if self.parts else 0)
        pos = start
        para_rule = pieces[0][1] if all(r == pieces[0][1] for _, r in pieces) else None
        for s, r in pieces:
            if r is not None and para_rule is None and s.strip():
                lead = len(s) - len(s.lstrip())
                self.drops.append((pos + lead, pos + len(s.rstrip()), r))
            pos += len(s)
        text = "".join(s for s, _ in pieces)
        if para_rule is not None:
            self.drops.append((start, start + len(text), para_rule))
        self.parts.append(text)
        self._rules.append(para_rule)
        self._pos = start + len(text)

    def build(self) -> tuple[str, list[tuple[int, int, str]]]:
        """The body and its drops, after the wire conventions have been applied to story paragraphs."""
        body = "\n\n".join(self.parts)
        drops = list(self.drops)
        pos = 0
        n = len(self.parts)
        for k, (text, r) in enumerate(zip(self.parts, self._rules, strict=True)):
            if r is None:
                found = classify(text, last=k >= n - 2)
                if found is not None and not any(s < pos + len(text) and e > pos for s, e, _ in drops):
                    drops.append((pos, pos + len(text), found))
            pos += len(text) + 2
        drops.sort()
        return body, drops


def html_drops(body_html: str, notes: list[str] | None = None) -> tuple[str, list[tuple[int, int, str]]]:
    """An HTML received body (notes to editors first, as paragraphs) and the spans to drop in it.

    >>> b, d = html_drops("<p>Kyiv said on Sunday that drones hit the city.</p><p>Eds: With AP Photos.</p>", ["Moves on world wires"])
    >>> [(b[s:e], r) for s, e, r in d]
    [('Moves on world wires', 'F001-format-ed-note'), ('Eds: With AP Photos.', 'F003-eds-line')]
    """
    drops: list[tuple[int, int, str]] = []
    head = ""
    for note in notes or []:
        esc = html.escape(" ".join(note.split()), quote=False)
        if esc:
            drops.append((len(head) + 3, len(head) + 3 + len(esc), ED_NOTE))
            head += f"<p>{esc}</p>"
    source = head + body_html
    hr = html_to_text(source)
    text = hr.text
    paras: list[tuple[int, int]] = []
    pos = 0
    for m in re.finditer(r"\n\n+", text):
        paras.append((pos, m.start()))
        pos = m.end()
    paras.append((pos, len(text)))
    taken = [(s, e) for s, e, _ in drops]
    n = len(paras)
    for k, (s, e) in enumerate(paras):
        seg = text[s:e]
        if not seg.strip():
            continue
        found = classify(seg, last=k >= n - 2)
        if found is None:
            continue
        ss, ee = hr.map.span(s + (len(seg) - len(seg.lstrip())), e - (len(seg) - len(seg.rstrip())))
        if any(a < ee and b > ss for a, b in taken):
            continue
        drops.append((ss, ee, found))
        taken.append((ss, ee))
    drops.sort()
    return source, drops
