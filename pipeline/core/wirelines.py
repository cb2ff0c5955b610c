"""Wire-format conventions: lines a wire marks as not for publication, and the F rules that remove them.

Pure text rules, used by :mod:`pipeline.formats` on the bodies of wire documents. A
paragraph is dropped only when the whole paragraph is such a line (an editors' note, a photo
line, a closing desk line, a copyright notice, a machine-translation disclaimer, a
not-for-publication line); ``F001``/``F008`` name what the format's own markup marks
(notes to editors, embedded media).
"""

from __future__ import annotations

import re
from typing import Final

from pipeline.core.rules import Rule

ED_NOTE: Final = "F001-format-ed-note"
NOT_FOR_PUBLICATION: Final = "F002-not-for-publication"
EDS_LINE: Final = "F003-eds-line"
PHOTO_LINE: Final = "F004-photo-line"
DESK_LINE: Final = "F005-desk-line"
COPYRIGHT_LINE: Final = "F006-copyright-line"
MT_DISCLAIMER: Final = "F007-mt-disclaimer"
MEDIA_CAPTION: Final = "F008-format-media"

#: The wire-format rules (applied by pipeline.formats while it reads a document; listed in the catalogue).
WIRE_FORMAT: Final[tuple[Rule, ...]] = tuple(
    Rule(_id, "boilerplate", "wire-format", description=_desc, example=_ex, source="pipeline.formats")
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
        (
            MT_DISCLAIMER,
            "A machine-translation disclaimer paragraph.",
            "This article was machine translated from German.",
        ),
        (
            MEDIA_CAPTION,
            "Media the format embeds in the body (photo and graphic captions, NITF media).",
            "<media media-type='image'><media-caption>...</media-caption></media>",
        ),
    )
)

_EDS: Final = re.compile(
    r"^(?:eds?\.?|editors?|attn|attention(?:\s+editors)?|advisory\s+to\s+editors|note\s+to\s+editors)\s*[:_—–-]",
    re.IGNORECASE,
)
_NFP: Final = re.compile(r"^\W{0,3}(?:not\s+for\s+(?:publication|pub\b|broadcast)|no\s+publication\b)", re.IGNORECASE)
_PHOTO: Final = re.compile(
    r"^(?:with\s+)?(?:[A-Z]{2,5}\s+)?(?:photos?|graphics?|video)\b[\s.:]*(?:[A-Z]{2,6}\d{2,}[,;]?\s*)+\.?$"
    r"|^with\s+(?:[A-Z]{2,5}\s+)?(?:photos?|graphics?|video)(?:\s*(?:and|,|&)\s*(?:photos?|graphics?|video))*\.?$",
    re.IGNORECASE,
)
_DESK: Final = re.compile(
    r"^(?:[-–—]\s*0\s*[-–—]|#\s*#\s*#|\(?end(?:s|\s+item|\s+of\s+story)?\)?|\(?more\)?|[A-Z]{2,4}-[A-Z]{2,4}-\d\d-\d\d-\d\d\s+\d{4}\s*(?:GMT|UTC|EDT|EST)"
    r"|\d{4}\s*(?:GMT|UTC))\.?$",
    re.IGNORECASE,
)
_COPYRIGHT: Final = re.compile(
    r"^(?:©|\(c\)|copyright\s*(?:©|\(c\))?)\s*(?:\d{4}|[A-Z][\w&.,' -]{1,60}\d{4})|^all\s+rights\s+reserved\b|^©",
    re.IGNORECASE,
)
_MT: Final = re.compile(
    r"\b(?:machine[- ]translat\w*|automatic(?:ally)?\s+translat\w*|translated\s+(?:automatically|by\s+(?:a\s+)?machine"
    r"|(?:with|using|by)\s+(?:an?\s+)?(?:AI|artificial intelligence|machine[- ]translation|automated)))",
    re.IGNORECASE,
)
_MT_SUBJECT: Final = re.compile(
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
