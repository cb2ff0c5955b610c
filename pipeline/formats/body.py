"""The received body of a format item, and what the format marks as not for publication.

A reader hands paragraphs (and notes to editors) to a :class:`BodyBuilder`; the body it
builds is the item's *received body* (what every removal offset indexes, as ``wirewash
parse`` prints it). Paragraphs the format marks as not for publication are kept in that body
and recorded as *drops* with a rule id; the cleaner removes them and records each one like
any boilerplate. HTML bodies stay HTML; :func:`html_drops` finds the same paragraphs in them.

The wire conventions below are line-level and anchored: a paragraph is dropped only when
the whole paragraph is such a line (an editors' note, a photo line, a closing desk line, a
copyright notice, a machine-translation disclaimer, a not-for-publication line).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from pipeline.core.html import html_to_text
from pipeline.core.rules import RuleInfo, register

ED_NOTE = "F001-format-ed-note"
NOT_FOR_PUBLICATION = "F002-not-for-publication"
EDS_LINE = "F003-eds-line"
PHOTO_LINE = "F004-photo-line"
DESK_LINE = "F005-desk-line"
COPYRIGHT_LINE = "F006-copyright-line"
MT_DISCLAIMER = "F007-mt-disclaimer"
MEDIA_CAPTION = "F008-format-media"

for _id, _desc, _ex in (
    (
        ED_NOTE,
        "A note the format marks as for editors (NITF ed/ed-msg/note, G2 edNote, ninjs ednote).",
        "<ed>Eds: Moves on world wires.</ed>",
    ),
    (
        NOT_FOR_PUBLICATION,
        "A paragraph that says it is not for publication.",
        "NOT FOR PUBLICATION: embargoed until 0900 GMT",
    ),
    (
        EDS_LINE,
        "An editors' line of the wire (Eds:, Editors:, Attention editors).",
        "Eds: Updates with details. With AP Photos.",
    ),
    (PHOTO_LINE, "A wire photo line listing picture ids, or 'With AP Photos.'", "AP Photo NY101, NY102"),
    (
        DESK_LINE,
        "A closing desk line or transmission marker (AP-WF-11-13-13 1509GMT, ENDS, -0-, MORE).",
        "AP-WF-11-13-13 1509GMT",
    ),
    (
        COPYRIGHT_LINE,
        "A copyright notice paragraph (© 2024 Agency; Copyright 2024 ...; All rights reserved).",
        "Copyright 2024 The Associated Press. All rights reserved.",
    ),
    (MT_DISCLAIMER, "A machine-translation disclaimer paragraph.", "This article was machine translated from German."),
    (
        MEDIA_CAPTION,
        "Media the format embeds in the body (photo and graphic captions, NITF media).",
        "<media media-type='image'><media-caption>...</media-caption></media>",
    ),
):
    register(
        RuleInfo(id=_id, kind="boilerplate", family="wire-format", description=_desc, example=_ex, where="format items")
    )

_EDS = re.compile(
    r"^(?:eds?\.?|editors?|attn|attention(?:\s+editors)?|advisory\s+to\s+editors|note\s+to\s+editors)\s*[:_—–-]",
    re.IGNORECASE,
)
_NFP = re.compile(r"^\W{0,3}(?:not\s+for\s+(?:publication|pub\b|broadcast)|no\s+publication\b)", re.IGNORECASE)
_PHOTO = re.compile(
    r"^(?:with\s+)?(?:[A-Z]{2,5}\s+)?(?:photos?|graphics?|video)\b[\s.:]*(?:[A-Z]{2,6}\d{2,}[,;]?\s*)+\.?$"
    r"|^with\s+(?:[A-Z]{2,5}\s+)?(?:photos?|graphics?|video)(?:\s*(?:and|,|&)\s*(?:photos?|graphics?|video))*\.?$",
    re.IGNORECASE,
)
_DESK = re.compile(
    r"^(?:[-–—]\s*0\s*[-–—]|#\s*#\s*#|\(?end(?:s|\s+item|\s+of\s+story)?\)?|\(?more\)?|[A-Z]{2,4}-[A-Z]{2,4}-\d\d-\d\d-\d\d\s+\d{4}\s*(?:GMT|UTC|EDT|EST)"
    r"|\d{4}\s*(?:GMT|UTC))\.?$",
    re.IGNORECASE,
)
_COPYRIGHT = re.compile(
    r"^(?:©|\(c\)|copyright\s*(?:©|\(c\))?)\s*(?:\d{4}|[A-Z][\w&.,' -]{1,60}\d{4})|^all\s+rights\s+reserved\b|^©",
    re.IGNORECASE,
)
_MT = re.compile(
    r"\b(?:machine[- ]translat\w*|automatic(?:ally)?\s+translat\w*|translated\s+(?:automatically|by\s+(?:a\s+)?machine"
    r"|(?:with|using|by)\s+(?:an?\s+)?(?:AI|artificial intelligence|machine[- ]translation|automated)))",
    re.IGNORECASE,
)
_MT_SUBJECT = re.compile(
    r"\b(?:this|the)\s+(?:article|story|text|content|report|piece|news)\b|^translated\b", re.IGNORECASE
)


def classify(text: str, last: bool = False) -> str | None:
    """The rule that marks a whole paragraph as not for publication, or None.

    >>> [classify(t) for t in ("Eds: With AP Photos.", "AP Photo XNP101, XNP102", "Copyright 2024 AP. All rights reserved.")]
    ['F003-eds-line', 'F004-photo-line', 'F006-copyright-line']
    >>> classify("AP-WF-11-13-13 1509GMT", last=True), classify("ENDS", last=True), classify("ENDS")
    ('F005-desk-line', 'F005-desk-line', None)
    >>> classify("Copyright law was at the heart of the case, the judge said on Monday.") is None
    True
    >>> classify("This article was machine translated from German and edited for clarity.")
    'F007-mt-disclaimer'
    """
    t = text.strip()
    if not t or len(t) > 600:
        return None
    if _NFP.match(t):
        return NOT_FOR_PUBLICATION
    if _EDS.match(t):
        return EDS_LINE
    if len(t) <= 200 and _PHOTO.match(t):
        return PHOTO_LINE
    if last and len(t) <= 60 and _DESK.match(t):
        return DESK_LINE
    if len(t) <= 300 and _COPYRIGHT.match(t):
        return COPYRIGHT_LINE
    if len(t) <= 400 and _MT.search(t) and _MT_SUBJECT.search(t):
        return MT_DISCLAIMER
    return None


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
