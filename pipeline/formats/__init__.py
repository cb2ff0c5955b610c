"""Wire formats in: NITF, NewsML-G2, NewsML 1.2, ninjs, ANPA 1312, RSS and Atom, to feed items.

:func:`parse_document` detects the format from the content (the media type is a hint),
reads every item of the document, and returns for each the FeedItem fields, the spans of its
received body that the format marks as not for publication (with rule ids) and the item
alone as a document (to publish one record per item). Nothing here does I/O.
"""

from __future__ import annotations

from typing import Any

import orjson

from pipeline.formats.anpa import read_anpa
from pipeline.formats.base import FORMAT_MEDIA_TYPE, MEDIA_TYPES, FormatError, Limits, Parsed, split_media_type
from pipeline.formats.detect import looks_like_html, sniff
from pipeline.formats.feeds import read_feed
from pipeline.formats.ninjs import is_ninjs, read_ninjs
from pipeline.formats.xmlformats import read_g2, read_newsml1, read_nitf
from pipeline.formats.xmlsafe import decode, parse
from pipeline.models import ErrorCode

__all__ = [
    "FORMAT_MEDIA_TYPE",
    "MEDIA_TYPES",
    "FormatError",
    "Limits",
    "Parsed",
    "detect",
    "is_document_type",
    "is_ninjs",
    "json_is_ninjs",
    "looks_like_html",
    "parse_document",
    "split_media_type",
]

XML_FORMATS = ("nitf", "g2", "newsml1", "feed")


def is_document_type(media_type: str | None) -> bool:
    """Is this a media type of a whole wire document (not plain text, HTML or FeedItem JSON)?"""
    mt, _ = split_media_type(media_type)
    return mt in MEDIA_TYPES and mt not in ("text/plain", "text/html", "application/json", "application/xhtml+xml")


def json_is_ninjs(obj: Any) -> bool:
    """Is this parsed JSON a ninjs document: one object, a list of them, or an API envelope around them?

    >>> json_is_ninjs({"item": [{"uri": "u1", "headline": "H", "body_text": "B"}]})
    True
    >>> json_is_ninjs({"id": "a", "source": "s", "body": "B", "uri": "u1"})
    False
    """
    if isinstance(obj, dict) and isinstance(obj.get("item"), dict | list) and "uri" not in obj:
        obj = obj["item"]  # an API envelope around the items
    return is_ninjs(obj) or (isinstance(obj, list) and bool(obj) and is_ninjs(obj[0]))


def detect(data: bytes, media_type: str | None = None) -> str:
    """The format name: by content first; the media type only settles what content cannot (JSON, text).

    >>> detect(b'<?xml version="1.0"?><nitf><body/></nitf>', "application/xml")
    'nitf'
    >>> detect(b"<p>Hello</p><script>x()</script>", "text/plain")
    'html'
    """
    mt, _ = split_media_type(media_type)
    if mt is not None and mt not in MEDIA_TYPES:
        raise FormatError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, f"wirewash does not read {mt}")
    declared = MEDIA_TYPES.get(mt) if mt else None
    found = sniff(data)
    if found == "json":
        if declared == "ninjs":
            return "ninjs"
        try:
            obj = orjson.loads(data)
        except orjson.JSONDecodeError:
            return declared or "json"
        return "ninjs" if json_is_ninjs(obj) else "json"
    if found in ("xml", "text") and declared is not None:
        return declared
    return found


def parse_document(data: bytes, media_type: str | None = None, limits: Limits = Limits()) -> tuple[str, list[Parsed]]:
    """Every item of a wire document: ``(format, items)``; raises :class:`FormatError` (with its dead-letter code)."""
    _, charset = split_media_type(media_type)
    fmt = detect(data, media_type)
    items: list[Parsed]
    if fmt in XML_FORMATS:
        text = decode(data, charset)
        if fmt == "feed":
            items = read_feed(text, limits)
        else:
            root = parse(text, limits)
            items = {"nitf": read_nitf, "g2": read_g2, "newsml1": read_newsml1}[fmt](root, data)
    elif fmt == "ninjs":
        try:
            obj = orjson.loads(data if not charset or charset.lower() in ("utf-8", "utf8") else decode(data, charset))
        except orjson.JSONDecodeError as exc:
            raise FormatError(ErrorCode.INVALID_JSON, f"not JSON: {exc.msg} (char {exc.pos})") from None
        items = read_ninjs(obj)
    elif fmt == "anpa":
        items = read_anpa(data, charset)
    elif fmt in ("html", "text"):
        text = decode(data, charset)
        items = [Parsed({"body": text, "content_type": "text/html" if fmt == "html" else "text/plain"}, [], fmt)]
    else:
        raise FormatError(
            ErrorCode.UNSUPPORTED_MEDIA_TYPE,
            f"not a wire document wirewash reads (found {fmt}; declared {media_type or 'nothing'})",
        )
    if not items:
        raise FormatError(ErrorCode.EMPTY_DOCUMENT, f"the {fmt} document holds no text item")
    return fmt, items
