"""ANPA 1312 wire stories (AP and regional desks): control-character framing, ``^`` header lines, tab paragraphs.

A story runs from SOH to EOT: a header line (service level, story number, selector), the
priority/category line with the keyword (slug) and version ("1stLd-Writethru"), then the
text between STX and ETX: ``^``-lines for the keyword, headline, photo and editors' lines and
byline, tab-indented paragraphs for the story, and after ETX the closing desk line.
ANPA's 7-bit conventions (`` and '' for double quotes, " _ " for a dash) are read as the
characters they stand for.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from pipeline.formats.base import FORMAT_MEDIA_TYPE, Parsed
from pipeline.formats.body import DESK_LINE, EDS_LINE, PHOTO_LINE, BodyBuilder, classify

SOH, STX, ETX, EOT = b"\x01", b"\x02", b"\x03", b"\x04"
_START = re.compile(rb"(?:\x16\x16)?\x01(?=[a-z]\d{4}\x1f)", re.IGNORECASE)
_HEADER = re.compile(rb"^(?:\x16\x16)?\x01([a-z])(\d{4})\x1f([^\r\n]*)", re.IGNORECASE)
_SECOND = re.compile(
    r"^([a-z])\s([a-z])[\x13\x14][\x11\x12]\s+(\S+)\s*(.*?)\s+(\d{1,2})-(\d{1,2})\s+(\d{0,4})\s*$", re.IGNORECASE
)
_DESK = re.compile(r"([A-Z]{2,4}-[A-Z]{2,4})-(\d\d)-(\d\d)-(\d\d)\s+(\d\d)(\d\d)\s*GMT")
_VERSION = re.compile(r"(\d+)(?:st|nd|rd|th)\s*(?:Ld|Add|Take)", re.IGNORECASE)
_URGENCY = {"f": 1, "b": 2, "u": 3, "r": 5, "d": 6, "a": 7, "s": 6, "z": 5}


def is_anpa(data: bytes) -> bool:
    return bool(_START.match(data.lstrip(b"\r\n")))


def split(data: bytes) -> list[bytes]:
    """The stories of an ANPA file, each from its SOH to its EOT."""
    starts = [m.start() for m in _START.finditer(data)]
    out = []
    for k, s in enumerate(starts):
        e = starts[k + 1] if k + 1 < len(starts) else len(data)
        chunk = data[s:e]
        end = chunk.find(EOT)
        out.append(chunk[: end + 1] if end >= 0 else chunk)
    return out


def _decode(b: bytes, charset: str | None) -> str:
    if charset:
        return b.decode(charset, errors="replace")
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError:
        return b.decode("cp1252", errors="replace")


def _text(line: str) -> str:
    t = line.strip().lstrip("^").rstrip("<=").strip()
    t = t.replace("``", "“").replace("''", "”").replace(" _ ", " — ")
    return t


def read_story(raw: bytes, charset: str | None) -> Parsed | None:
    text = _decode(raw, charset).replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    m1 = _HEADER.match(raw)
    second = _SECOND.match(lines[1].strip("\x16")) if len(lines) > 1 else None
    stx = text.find("\x02")
    etx = text.find("\x03", stx + 1 if stx >= 0 else 0)
    if stx < 0:
        return None
    inner = text[stx + 1 : etx if etx >= 0 else len(text)]
    after = text[etx + 1 :] if etx >= 0 else ""
    keyword_line, headline, byline_parts, notes, paras, preserved = None, None, [], [], [], False
    extra: list[str] = []
    if second is not None and lines[1].find("\x12") >= 0:
        preserved = True
    for raw_line in inner.split("\n"):
        line = raw_line.rstrip()
        if not line.strip():
            continue
        if line.lstrip("\x02").startswith("^"):
            t = _text(line.lstrip("\x02"))
            if keyword_line is None:
                keyword_line = t
            elif headline is None:
                headline = t
            elif line.rstrip().endswith("=") or t.lower().startswith("by "):
                byline_parts.append(t)
            elif classify(t) in (EDS_LINE, PHOTO_LINE) or t.upper().startswith(("EDS", "AP PHOTO")):
                notes.append((t, classify(t) or EDS_LINE))
            elif t.upper().startswith("EDITOR'S NOTE"):
                paras.append(t)
            elif t.upper() in ("END", "MORE"):
                notes.append((t, DESK_LINE))
            else:
                extra.append(t)  # an abstract repeating the story, or (with no tab paragraphs) the text itself
        elif line.startswith(("\t", " ")) or preserved:
            t = _text(line)
            if t and t != "___":
                paras.append(t)
    if not paras:
        paras = extra
    out = BodyBuilder()
    for t, rule in notes:
        out.paragraph(t, rule)
    for p in paras:
        out.paragraph(p)
    desk = next((_text(t) for t in after.split("\n") if _DESK.search(t)), None)
    if desk:
        out.paragraph(desk, DESK_LINE)
    body, drops = out.build()
    slug = second.group(3) if second else None
    version_word = second.group(4).strip() if second else ""
    kw = keyword_line or ""
    published = None
    dm = _DESK.search(after)
    if dm:
        mo, d, y, hh, mi = (int(dm.group(i)) for i in (2, 3, 4, 5, 6))
        try:
            published = datetime(2000 + y, mo, d, hh, mi, tzinfo=UTC)
        except ValueError:
            published = None
    vm = _VERSION.search(version_word) or _VERSION.search(kw)
    version = int(vm.group(1)) + 1 if vm else (1 if slug else None)
    low = f"{version_word} {kw}".lower()
    signal = None
    if "kill" in low or "elimination" in low or "withdraw" in low:
        signal = "kill"
    elif "correct" in low:
        signal = "correction"
    elif vm or "writethru" in low or "update" in low:
        signal = "update"
    elif "advisory" in low:
        signal = "advisory"
    date = f"{int(second.group(5)):02d}-{int(second.group(6)):02d}" if second else None
    by = ", ".join(re_by(t) for t in byline_parts) or None
    fields: dict[str, object] = {
        "id": f"{slug}/{date}" if slug and date else (f"anpa-{m1.group(2).decode()}" if m1 else None),
        "version": version,
        "signal": signal,
        "urgency": _URGENCY.get(second.group(1).lower()) if second else None,
        "slugline": slug,
        "headline": headline,
        "byline": by,
        "published_at": published,
        "body": body,
        "content_type": "text/plain",
    }
    fields = {k: v for k, v in fields.items() if v is not None}
    if "(AP)" in body[:400] or (desk or "").startswith("AP-"):
        fields["credit"] = ["AP"]
        fields["_provider"] = "AP"
    return Parsed(fields, drops, "anpa", raw, FORMAT_MEDIA_TYPE["anpa"])


def re_by(t: str) -> str:
    return re.sub(r"^by\s+", "", t, flags=re.IGNORECASE).strip()


def read_anpa(data: bytes, charset: str | None) -> list[Parsed]:
    out = []
    for story in split(data):
        p = read_story(story, charset)
        if p is not None:
            out.append(p)
    return out
