"""Paragraph layout: rejoin hard-wrapped wire lines, one blank line between paragraphs.

Wire copy arrives in three layouts: paragraphs separated by blank lines, one paragraph
per line, and lines hard-wrapped at a fixed width (Reuters, AP and PTI wire terminals).
:func:`plan_paragraphs` decides, for every line break, whether it ends a paragraph or
is a soft wrap, and returns the edits that produce the canonical layout: paragraphs
joined by exactly ``"\\n\\n"``, no other newlines.
"""

from __future__ import annotations

import re
from typing import Final

from pipeline.core.rules import Rule
from pipeline.core.textmap import Edit

_TERMINAL: Final = frozenset('.!?:;"”’)]…')
_FIRST_WORD: Final = re.compile(r"\S+")
_BULLET: Final = re.compile(r"^(?:[-•*·▪►]\s|\d{1,2}[.)]\s)")


def _looks_wrapped(lines: list[str]) -> tuple[bool, int]:
    """A block is hard-wrapped when its lines (bar the last) are nearly all close to one width."""
    if len(lines) < 3:
        return False, 0
    width = max(len(line) for line in lines)
    if width > 110 or width < 30:
        return False, width
    body = lines[:-1]
    full = sum(1 for line in body if len(line) >= 0.75 * width)
    return full >= 0.75 * len(body), width


def _soft_break(line: str, nxt: str, wrapped: bool, width: int) -> bool:
    """True when the break between ``line`` and ``nxt`` is a wrap inside one paragraph."""
    if _BULLET.match(nxt) or _BULLET.match(line):
        return False
    m = _FIRST_WORD.match(nxt)
    first = m.group() if m else ""
    last_char = line[-1]
    if wrapped and len(line) + 1 + len(first) > width - 1:
        return True
    # an unfinished line followed by a lower-case continuation
    return last_char not in _TERMINAL and len(line) >= 30 and first[:1].islower()


def plan_paragraphs(text: str) -> list[Edit]:
    """Rejoin hard-wrapped lines; separate paragraphs by exactly one blank line.

    >>> from pipeline.core.normalize import apply_edits
    >>> apply_edits("\\nOne para.\\nTwo para.\\n\\n\\nThree.\\n", plan_paragraphs("\\nOne para.\\nTwo para.\\n\\n\\nThree.\\n"))
    'One para.\\n\\nTwo para.\\n\\nThree.'
    >>> wrapped = "WASHINGTON (Reuters) - A group of eight\\nsenators is drafting a resolution that\\nwould give the United Nations time.\\n\\nNext."
    >>> apply_edits(wrapped, plan_paragraphs(wrapped))
    'WASHINGTON (Reuters) - A group of eight senators is drafting a resolution that would give the United Nations time.\\n\\nNext.'
    """
    # fast path: paragraphs already one line each, separated by exactly one blank line
    if (
        text
        and text[0] != "\n"
        and text[-1] != "\n"
        and "\n\n\n" not in text
        and text.count("\n") == 2 * text.count("\n\n")
        and all(p.strip() for p in text.split("\n\n"))
    ):
        return []
    edits: list[Edit] = []
    # (start, end) of each line, text already has trimmed lines (N005) but may still hold empty ones
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    # group into blocks of non-empty lines
    blocks: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    for s, e in spans:
        if e > s and text[s:e].strip():
            current.append((s, e))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    if not blocks:
        return [Edit(0, len(text), "")] if text else []
    # leading and trailing blank lines
    if blocks[0][0][0] > 0:
        edits.append(Edit(0, blocks[0][0][0], ""))
    if blocks[-1][-1][1] < len(text):
        edits.append(Edit(blocks[-1][-1][1], len(text), ""))
    prev_end = None
    for block in blocks:
        if prev_end is not None:
            gap = text[prev_end : block[0][0]]
            if gap != "\n\n":
                edits.append(Edit(prev_end, block[0][0], "\n\n"))
        lines = [text[s:e] for s, e in block]
        wrapped, width = _looks_wrapped(lines)
        for i in range(len(block) - 1):
            end_i, start_next = block[i][1], block[i + 1][0]
            sep = " " if _soft_break(lines[i], lines[i + 1], wrapped, width) else "\n\n"
            edits.append(Edit(end_i, start_next, sep))
        prev_end = block[-1][1]
    return edits


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the paragraphs of a canonical text (paragraphs joined by one blank line).

    >>> paragraph_spans("ab\\n\\ncd")
    [(0, 2), (4, 6)]
    """
    if not text:
        return []
    spans = []
    pos = 0
    for para in text.split("\n\n"):
        spans.append((pos, pos + len(para)))
        pos += len(para) + 2
    return spans


PARAGRAPHS: Final = Rule(
    "N007-paragraphs",
    "layout",
    "whitespace",
    plan_paragraphs,
    example="A wire line that was\nhard wrapped here.",
    description="Rejoin hard-wrapped lines; separate paragraphs by exactly one blank line.",
)
