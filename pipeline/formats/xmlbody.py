"""Paragraphs of an XML story body (NITF body.content, XHTML), with what the markup marks as not for publication."""

from __future__ import annotations

from lxml import etree

from pipeline.formats.body import COPYRIGHT_LINE, ED_NOTE, MEDIA_CAPTION, BodyBuilder
from pipeline.formats.xmlsafe import attr, local

BLOCKS = frozenset("p hl1 hl2 h1 h2 h3 h4 h5 h6 li dt dd pre tr caption address fn tagline bibliography credit".split())
CONTAINERS = frozenset(
    "body.content body.end block bq blockquote div section article ul ol dl table tbody thead tfoot body html "
    "inlineXML inlineData DataContent nitf-table main header footer".split()
)
# elements that are never story text: notes to editors, embedded media and their captions
DROPPED = {
    "ed": ED_NOTE,
    "media": MEDIA_CAPTION,
    "figure": MEDIA_CAPTION,
    "figcaption": MEDIA_CAPTION,
    "object": MEDIA_CAPTION,
    "iframe": MEDIA_CAPTION,
    "script": MEDIA_CAPTION,
    "style": MEDIA_CAPTION,
}


def _note_rule(el: etree._Element) -> str | None:
    """NITF note: a copyright note, a publishable advisory (kept) or a note to editors."""
    if (attr(el, "noteclass") or "").lower() == "cpyrt":
        return COPYRIGHT_LINE
    if (attr(el, "type") or "").lower() == "pa":
        return None
    return ED_NOTE


def _inline(el: etree._Element, segs: list[tuple[str, str | None]], rule: str | None) -> None:
    if el.text:
        segs.append((el.text, rule))
    for c in el:
        name = local(c)
        if name:
            r = rule
            if name in DROPPED:
                r = DROPPED[name]
            elif name == "note":
                r = _note_rule(c) or rule
            if name == "br":
                segs.append((" ", rule))
            _inline(c, segs, r)
        if c.tail:
            segs.append((c.tail, rule))


def walk(el: etree._Element, out: BodyBuilder, rule: str | None = None) -> None:
    """Add the paragraphs under a container element to ``out``."""
    if el.text and el.text.strip():
        out.paragraph(el.text, rule)
    for c in el:
        name = local(c)
        if name in DROPPED:
            segs: list[tuple[str, str | None]] = []
            _inline(c, segs, DROPPED[name])
            out.paragraph(segs, DROPPED[name])
        elif name == "note":
            walk(c, out, _note_rule(c) or rule)
        elif name in BLOCKS:
            segs = []
            _inline(c, segs, rule)
            out.paragraph(segs, rule)
        elif name in CONTAINERS or any(local(g) in BLOCKS or local(g) in CONTAINERS for g in c):
            walk(c, out, rule)
        elif name:
            segs = []
            _inline(c, segs, rule)
            out.paragraph(segs, rule)
        if c.tail and c.tail.strip():
            out.paragraph(c.tail, rule)
