"""Which format a document is in, from its content (the media type is a hint, not the truth)."""

from __future__ import annotations

import re

from pipeline.formats.anpa import is_anpa

_PROLOG = re.compile(
    r"\A(?:\s+|<\?[^>]*\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\]\s*)?>)*<([A-Za-z_][\w:.-]*)", re.DOTALL
)
_ROOTS = {
    "nitf": "nitf",
    "newsItem": "g2",
    "newsMessage": "g2",
    "packageItem": "g2",
    "NewsML": "newsml1",
    "NewsItem": "newsml1",
    "rss": "feed",
    "RDF": "feed",
    "feed": "feed",
    "html": "html",
}
_HTML_TAG = re.compile(
    r"<(?:p|div|br|span|script|style|a|b|i|u|em|strong|img|iframe|ul|ol|li|h[1-6]|table|tr|td|th|blockquote|figure"
    r"|figcaption|section|article|aside|noscript|font|center|header|footer|nav|body|head|meta|link|svg|button|form)"
    r"(?:\s[^<>]*)?/?>|</(?:p|div|span|a|b|i|em|strong|li|ul|ol|h[1-6]|script|style|table|td|tr|blockquote|figure"
    r"|section|article|aside|noscript|body|html)>|<!--.*?-->",
    re.IGNORECASE | re.DOTALL,
)


def looks_like_html(text: str) -> bool:
    """True when a body sent as plain text is in fact HTML (it carries HTML tags).

    >>> looks_like_html("<p>Kyiv said...</p><script>x()</script>"), looks_like_html("Profits < 5% and > 2%.")
    (True, False)
    """
    return "<" in text and _HTML_TAG.search(text) is not None


def root_name(text: str) -> str | None:
    """The local name of the first element of an XML or HTML document.

    >>> root_name('<?xml version="1.0"?>\\n<!DOCTYPE nitf SYSTEM "nitf.dtd">\\n<nitf><head/></nitf>')
    'nitf'
    """
    m = _PROLOG.match(text)
    return m.group(1).rpartition(":")[2] if m else None


def sniff(data: bytes) -> str:
    """The format of a document: nitf, g2, newsml1, ninjs-or-json ("json"), anpa, feed, html, xml or text."""
    if is_anpa(data):
        return "anpa"
    head_bytes = data[:8192]
    if head_bytes.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head_bytes.decode("utf-16", errors="ignore")
    else:
        head = head_bytes.decode("utf-8", errors="ignore").lstrip("\ufeff")
    stripped = head.lstrip()
    if stripped[:1] in ("{", "["):
        return "json"
    if stripped[:1] == "<":
        name = root_name(stripped)
        if name in _ROOTS:
            return _ROOTS[name]
        if name and name.lower() in ("html", "body", "p", "div", "article", "section", "head"):
            return "html"
        if stripped.startswith("<?xml") or (name and not looks_like_html(stripped)):
            return "xml"
    return "html" if looks_like_html(data.decode("utf-8", errors="ignore")) else "text"
