"""Story structure: datelines and crossheads (recognised, kept in the body)."""

from __future__ import annotations

import re
from typing import Final

from pipeline.core.doc import Doc, DocContext, is_story, split_credits
from pipeline.core.rules import Rule
from pipeline.core.sentences import has_words

_MONTH: Final = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_PLACE_WORD: Final = (
    r"(?!(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s\d)(?:[A-Z][A-Za-z'’.-]{1,20}|[A-Z]{2,20})"
)
_AGENCY: Final = r"(?:Reuters|AFP|AP|PTI|IANS|ANI|UNI|Xinhua|TASS|Bernama|dpa|Yonhap|Kyodo|EFE|IPS|AA)"
DATELINE: Final = re.compile(
    rf"(?P<place>{_PLACE_WORD}(?: {_PLACE_WORD}){{0,3}}(?: \([A-Z][A-Za-z .]{{1,30}}\))?(?: \[[A-Z][A-Za-z .]{{1,30}}\])?"
    rf"(?:, {_PLACE_WORD}(?: {_PLACE_WORD}){{0,2}})?)"
    rf"(?:,? (?P<date>{_MONTH} \d{{1,2}}(?:, \d{{4}})?|\d{{1,2}} {_MONTH}))?"
    rf"(?: \((?P<agency>{_AGENCY})\))?"
    r"(?:\s?(?P<sep>:|\||[-–—]{1,2}(?= )))?"
)
_ALLCAPS_PLACE: Final = re.compile(r"[A-Z]{2,}")


def find_dateline(doc: Doc, ctx: DocContext | None = None) -> None:
    """Recognise the dateline at the start of the first story paragraph (it stays in the body).

    >>> from pipeline.core.layout import paragraph_spans
    >>> t = "WASHINGTON, Sept 10 (Reuters) - A group of senators is drafting a resolution on Syria today."
    >>> d = Doc.from_text(t, paragraph_spans(t)); find_dateline(d); d.dateline, d.credits
    ('WASHINGTON, Sept 10 (Reuters) -', ['Reuters'])
    >>> t = "Nalgonda (Telangana) [India], April 25 (ANI): A fire broke out at a tyre shop early on Friday."
    >>> d = Doc.from_text(t, paragraph_spans(t)); find_dateline(d); d.dateline
    'Nalgonda (Telangana) [India], April 25 (ANI):'
    >>> t = "However, officials said the fire was brought under control within twenty minutes on Friday."
    >>> d = Doc.from_text(t, paragraph_spans(t)); find_dateline(d); d.dateline is None
    True
    """
    for i in doc.live()[:3]:
        text = doc.ptext(i)
        m = DATELINE.match(text)
        if m is None:
            continue
        rest = text[m.end() :].lstrip()
        if not rest or not has_words(rest, 5):
            continue
        if not m.group("sep") and not m.group("agency"):
            continue
        place = m.group("place")
        strong = bool(
            m.group("date") or m.group("agency") or _ALLCAPS_PLACE.fullmatch(place.split(",")[0].split(" ")[0])
        )
        # a bare "Word:" opener is a dateline only when it is a place-like single name at the top
        if not strong and (m.group("sep") not in (":", "|") or not has_words(place, 0, 3)):
            continue
        doc.dateline = text[: m.end()].strip()
        if m.group("agency"):
            for name in split_credits(m.group("agency")):
                doc.add_credit(name)
        return


_CROSSHEAD_END_BAD: Final = frozenset(".!?,;:")


def find_crossheads(doc: Doc, ctx: DocContext | None = None) -> None:
    """Mark short title-like lines between story paragraphs as subheads (kept, never glued).

    >>> from pipeline.core.layout import paragraph_spans
    >>> t = ("Trump will not be inaugurated until January, and the war shows no sign of abating.\\n\\n"
    ...      "‘Positive signs’\\n\\nZelensky said Russia fired 145 drones at Ukraine overnight in a record attack.")
    >>> d = Doc.from_text(t, paragraph_spans(t)); find_crossheads(d)
    >>> [d.ptext(i) for i, p in enumerate(d.paras) if p.role == "subhead"]
    ['‘Positive signs’']
    """
    live = doc.live()
    for k, i in enumerate(live):
        if k == 0 or k == len(live) - 1:
            continue
        text = doc.ptext(i).strip()
        if len(text) > 120 or not has_words(text, 1, 14):
            continue
        if text.rstrip("”’\"'")[-1:] in _CROSSHEAD_END_BAD and not text.endswith("…"):
            continue
        first = text.lstrip("“‘\"'")[:1]
        quoted = text[:1] in "“‘\"'"
        if not (first.isupper() or first.isdigit() or (quoted and first.isalpha())):
            continue
        if is_story(doc.ptext(live[k + 1])) or is_story(doc.ptext(live[k - 1])):
            doc.paras[i].role = "subhead"


DATELINE_RULE: Final = Rule(
    "S001-dateline",
    "structure",
    "dateline",
    find_dateline,
    example="MOSCOW (Reuters) - Russia said...",
    description="Recognise the dateline at the start of the first story paragraph (it stays in the body).",
)
CROSSHEAD: Final = Rule(
    "S003-crosshead",
    "structure",
    "crosshead",
    find_crossheads,
    example="‘Positive signs’",
    description="Mark short title-like lines between story paragraphs as subheads (kept, never glued).",
)
