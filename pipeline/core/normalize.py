"""Normalisation rules: make the text well-formed Unicode without restyling it.

Each rule is a function ``text -> list[Edit]`` so that the cleaner can record what it
changed and map every later finding back to the received body. The source's own
typography (curly quotes, dashes, ellipses) is left alone: no rule here "uncurls" or
restyles anything.
"""

from __future__ import annotations

import difflib
import html as _html
import re
import unicodedata
from html.entities import html5
from typing import Final

import ftfy

from pipeline.core.rules import Needs, Rule
from pipeline.core.textmap import Edit


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Apply edits to a string (helper for doctests and tests).

    >>> apply_edits("abcdef", [Edit(1, 3, "X"), Edit(4, 5, "")])
    'aXdf'
    """
    out, pos = [], 0
    for e in sorted(edits, key=lambda e: e.start):
        out.append(text[pos : e.start])
        out.append(e.repl)
        pos = e.end
    out.append(text[pos:])
    return "".join(out)


_LINE_END: Final = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_LINE_END_GATE: Final = re.compile(r"[\r\u2028\u2029\x0b\x0c\x85]")


def normalise_line_endings(text: str) -> list[Edit]:
    """Turn CR LF, CR, form feeds and Unicode line/paragraph separators into LF.

    >>> apply_edits("a\\r\\nb\\rc", normalise_line_endings("a\\r\\nb\\rc"))
    'a\\nb\\nc'
    """
    if not _LINE_END_GATE.search(text):
        return []
    return [Edit(m.start(), m.end(), "\n") for m in _LINE_END.finditer(text)]


# C0 controls except TAB and LF, DEL, C1 controls, noncharacters, lone surrogates.
_CONTROL: Final = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff\ud800-\udfff]+")


def remove_control_chars(text: str) -> list[Edit]:
    """Remove control characters, noncharacters and lone surrogates (NUL, ESC, C1...).

    >>> apply_edits("wire\\x00 copy\\x1b", remove_control_chars("wire\\x00 copy\\x1b"))
    'wire copy'
    """
    return [Edit(m.start(), m.end(), "") for m in _CONTROL.finditer(text)]


_C0: Final = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]+")


def remove_c0_controls(text: str) -> list[Edit]:
    """The C0 part of N003, run before mojibake repair: a NUL or ESC inside a mojibake sequence
    would otherwise hide it from ftfy until the control character is gone (and a second
    cleaning would then repair what the first left).

    >>> apply_edits("Trump\\x00â€™s", remove_c0_controls("Trump\\x00â€™s"))
    'Trumpâ€™s'
    """
    return [Edit(m.start(), m.end(), "") for m in _C0.finditer(text)]


# Always invisible formatting: zero-width space, word joiner, BOM, soft hyphen, bidi
# embeddings/overrides/isolates and marks. ZWJ/ZWNJ are handled separately (they are
# meaningful inside Indic, Persian and emoji sequences).
_INVISIBLE: Final = re.compile(r"[\u200b\u2060-\u2064\ufeff\u00ad\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]+")
_JOINERS: Final = re.compile(r"[\u200c\u200d]+")
_INVISIBLE_GATE: Final = re.compile(r"[\u200b-\u200f\u2060-\u2064\ufeff\u00ad\u202a-\u202e\u2066-\u2069\u061c]")


def _is_plain(ch: str) -> bool:
    return ch == "" or ch.isspace() or ch.isascii()


def remove_invisible_chars(text: str) -> list[Edit]:
    """Remove zero-width, soft-hyphen and bidi control characters (joiners only beside Latin text).

    >>> apply_edits("Ky\\u200biv\\u202e said", remove_invisible_chars("Ky\\u200biv\\u202e said"))
    'Kyiv said'
    >>> apply_edits("\\u0915\\u094d\\u200d\\u0937", remove_invisible_chars("\\u0915\\u094d\\u200d\\u0937"))
    '\\u0915\\u094d\\u200d\\u0937'
    """
    if not _INVISIBLE_GATE.search(text):
        return []
    edits = [Edit(m.start(), m.end(), "") for m in _INVISIBLE.finditer(text)]
    for m in _JOINERS.finditer(text):
        before = text[m.start() - 1] if m.start() else ""
        after = text[m.end()] if m.end() < len(text) else ""
        if _is_plain(before) and _is_plain(after):
            edits.append(Edit(m.start(), m.end(), ""))
    return sorted(edits, key=lambda e: e.start)


# Characters that start most mojibake sequences (UTF-8 read as cp1252/latin-1) plus U+FFFD.
_MOJIBAKE_HINT: Final = re.compile(
    r"[\u00c2\u00c3\u00c5\u00ce\u00cf\u00d0\u00d1\u00d8\u00d9\u00e0\u00e2\u00ef\u0080-\u009f\ufffd]"
)


def has_mojibake_hint(text: str) -> bool:
    """Could ``text`` hold mojibake (a character that mangled UTF-8 leaves behind)?

    >>> has_mojibake_hint("Trumpâ€™s"), has_mojibake_hint("Trump’s")
    (True, False)
    """
    return not text.isascii() and bool(_MOJIBAKE_HINT.search(text))


_FTFY_CONFIG: Final = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=True,
    decode_inconsistent_utf8=True,
    fix_c1_controls=True,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=False,
    remove_control_chars=False,
    normalization=None,
    explain=False,
)


def _diff_edits(text: str, offset: int, before: str, after: str) -> list[Edit]:
    """Minimal edits turning ``before`` (at ``offset`` in ``text``) into ``after``."""
    sm = difflib.SequenceMatcher(None, before, after, autojunk=False)
    edits = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag != "equal":
            edits.append(Edit(offset + i1, offset + i2, after[j1:j2]))
    return edits


def _per_line(text: str, fix: object, hint: re.Pattern[str] | None) -> list[Edit]:
    """Apply ``fix`` to each line without its edge spaces and tabs (which later steps trim anyway).

    The fixer sees the same text whether or not the line still has them: ftfy reads "Â 0" at the
    start of a line as a mangled no-break space, but not after a space, and cleaning must not
    change its own output.
    """
    edits: list[Edit] = []
    pos = 0
    for raw in text.split("\n"):
        line = raw.strip(" \t")
        start = pos + (len(raw) - len(raw.lstrip(" \t")))
        if line and (hint is None or hint.search(line)):
            fixed = fix(line)  # type: ignore[operator]
            if fixed != line:
                if len(line) > 2000:
                    edits.append(Edit(start, start + len(line), fixed))
                else:
                    edits.extend(_diff_edits(text, start, line, fixed))
        pos += len(raw) + 1
    return edits


def repair_mojibake(text: str) -> list[Edit]:
    """Repair mojibake (UTF-8 decoded as Windows-1252 or Latin-1) with ftfy.

    >>> apply_edits("Trumpâ€™s win", repair_mojibake("Trumpâ€™s win"))
    'Trump’s win'
    >>> repair_mojibake("Café crème à la carte")
    []
    """
    if text.isascii() or not _MOJIBAKE_HINT.search(text):
        return []
    return _per_line(text, lambda s: ftfy.fix_text(s, _FTFY_CONFIG), _MOJIBAKE_HINT)


def compose_nfc(text: str) -> list[Edit]:
    """Compose characters to Unicode NFC (e + combining acute becomes é).

    >>> apply_edits("Caf" + "e\\u0301", compose_nfc("Caf" + "e\\u0301")) == "Caf\\u00e9"
    True
    """
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return []
    return _per_line(text, lambda s: unicodedata.normalize("NFC", s), None)


_ENTITY: Final = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def decode_stray_entities(text: str) -> list[Edit]:
    """Decode HTML entities left in plain-text feed copy (&amp;, &#8217;, &rsquo;).

    >>> apply_edits("AT&amp;T&#8217;s", decode_stray_entities("AT&amp;T&#8217;s"))
    'AT&T’s'
    >>> decode_stray_entities("R&D; &notanentity;")
    []
    """
    if "&" not in text:
        return []
    edits = []
    for m in _ENTITY.finditer(text):
        token = m.group()
        if token[1] != "#" and token[1:] not in html5:
            continue
        decoded = _html.unescape(token)
        if decoded != token and decoded.isprintable():
            edits.append(Edit(m.start(), m.end(), decoded))
    return edits


# only whitespace that needs changing: runs, tabs and other spaces, and spaces at a line's ends
_SPACE_RUN: Final = re.compile(r"[^\S\n]{2,}|[^\S\n ]+")
_EDGE_SPACE: Final = re.compile(r"(?m)^[^\S\n]+|[^\S\n]+$")
_ODD_SPACE: Final = re.compile(r"[^\S\n ]")  # tabs, no-break and other Unicode spaces


def collapse_whitespace(text: str) -> list[Edit]:
    """Collapse runs of spaces, tabs and no-break spaces to one space; trim line ends.

    >>> apply_edits("  a \\u00a0 b\\t\\n c  ", collapse_whitespace("  a \\u00a0 b\\t\\n c  "))
    'a b\\nc'
    """
    if not (
        "  " in text
        or " \n" in text
        or "\n " in text
        or text[:1] == " "
        or text[-1:] == " "
        # tabs, no-break and other Unicode spaces are all unprintable: one C-speed check first
        or (not text.replace("\n", "").isprintable() and _ODD_SPACE.search(text))
    ):
        return []
    n = len(text)
    found: dict[int, int] = {}  # start -> end of each whitespace run that needs an edit
    for m in _SPACE_RUN.finditer(text):  # runs of two or more, and odd spaces
        found[m.start()] = m.end()
    if " \n" in text or "\n " in text or text[:1] == " " or text[-1:] == " ":
        for m in _EDGE_SPACE.finditer(text):  # single spaces at a line's start or end
            found.setdefault(m.start(), m.end())
    edits: list[Edit] = []
    for s in sorted(found):
        e = found[s]
        if edits and s < edits[-1].end:
            continue
        at_line_start = s == 0 or text[s - 1] == "\n"
        at_line_end = e == n or text[e] == "\n"
        if at_line_start or at_line_end:
            edits.append(Edit(s, e, ""))
        elif e - s > 1 or text[s] != " ":
            edits.append(Edit(s, e, " "))
    return edits


# ------------------------------------------------------------------ the rules
_CONTROL_DOC: Final = "Remove control characters, noncharacters and lone surrogates (NUL, ESC, C1...)."
LINE_ENDINGS: Final = Rule(
    "N000-line-endings",
    "layout",
    "whitespace",
    normalise_line_endings,
    example="a\r\nb",
    needs=Needs(classes=("unprintable",)),
    description="Turn CR LF, CR, form feeds and Unicode line/paragraph separators into LF.",
)
C0_CONTROLS: Final = Rule(  # the C0 pass of N003, before mojibake repair
    "N003-control-chars",
    "normalise",
    "encoding",
    remove_c0_controls,
    example="wire\x00copy",
    needs=Needs(classes=("unprintable",)),
    description=_CONTROL_DOC,
)
MOJIBAKE: Final = Rule(
    "N002-mojibake",
    "normalise",
    "encoding",
    repair_mojibake,
    example="Trumpâ€™s election",
    needs=Needs(classes=("non_ascii",)),
    description="Repair mojibake (UTF-8 decoded as Windows-1252 or Latin-1) with ftfy.",
)
NFC: Final = Rule(
    "N001-nfc",
    "normalise",
    "encoding",
    compose_nfc,
    example="Zelens\u030cky",
    needs=Needs(classes=("non_ascii",)),
    description="Compose characters to Unicode NFC (e + combining acute becomes é).",
)
CONTROL_CHARS: Final = Rule(
    "N003-control-chars",
    "normalise",
    "encoding",
    remove_control_chars,
    example="wire\x00copy",
    needs=Needs(classes=("unprintable",)),
    description=_CONTROL_DOC,
)
INVISIBLE_CHARS: Final = Rule(
    "N004-invisible-chars",
    "normalise",
    "encoding",
    remove_invisible_chars,
    example="Kyiv\u200b said",
    needs=Needs(classes=("unprintable",)),
    description="Remove zero-width, soft-hyphen and bidi control characters (joiners only beside Latin text).",
)
STRAY_ENTITIES: Final = Rule(
    "N006-stray-entities",
    "normalise",
    "encoding",
    decode_stray_entities,
    example="Tom &amp; Jerry",
    needs=Needs(literals=("&",)),
    description="Decode HTML entities left in plain-text feed copy (&amp;, &#8217;, &rsquo;).",
)
WHITESPACE: Final = Rule(
    "N005-whitespace",
    "layout",
    "whitespace",
    collapse_whitespace,
    example="two  spaces\t here",
    description="Collapse runs of spaces, tabs and no-break spaces to one space; trim line ends.",
)
