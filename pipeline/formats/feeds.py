"""RSS (0.9x, 1.0, 2.0) and Atom feeds, read by feedparser; one item per entry.

The safety checks of :mod:`pipeline.formats.xmlsafe` run first (feedparser's loose parser
then reads even feeds that are not well-formed XML, as real feeds often are). feedparser's
own HTML sanitiser is off: the cleaner removes scripts and other noise itself and records it.
"""

from __future__ import annotations

import copy
import html
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import feedparser
from lxml import etree

from pipeline.formats.base import FORMAT_MEDIA_TYPE, FormatError, Limits, Parsed
from pipeline.formats.body import BodyBuilder, html_drops
from pipeline.formats.xmlsafe import local, parse, standalone
from pipeline.models import ErrorCode

_TAG = re.compile(r"<[^>]*>")
_OPEN = re.compile(r"<(/?)[A-Za-z][^>]*?(/?)>")


def _plain(value: str | None) -> str | None:
    if not value:
        return None
    t = " ".join(html.unescape(_TAG.sub(" ", value)).split())
    return t or None


def _depth(text: str, limit: int) -> None:
    """Bound nesting of a document lxml could not read (feedparser's loose parser reads it)."""
    depth = 0
    for m in _OPEN.finditer(text):
        if m.group(1):
            depth = max(0, depth - 1)
        elif not m.group(2):
            depth += 1
            if depth > limit:
                raise FormatError(ErrorCode.XML_TOO_DEEP, f"the XML nests deeper than {limit} elements")


def _items(root: etree._Element) -> list[etree._Element]:
    name = local(root)
    if name == "feed":
        return [c for c in root if local(c) == "entry"]
    if name == "rss":
        return [c for ch in root if local(ch) == "channel" for c in ch if local(c) == "item"]
    return [c for c in root.iter() if local(c) == "item"]  # RSS 1.0 (RDF)


def _single(root: etree._Element, keep: int) -> bytes:
    tree = copy.deepcopy(root)
    for k, el in enumerate(_items(tree)):
        if k != keep:
            parent = el.getparent()
            if parent is not None:
                parent.remove(el)
    return standalone(tree)


def _when(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        t = entry.get(key)
        if t:
            try:
                return datetime(t[0], t[1], t[2], t[3], t[4], t[5], tzinfo=UTC)
            except (TypeError, ValueError):
                continue
    return None


def read_feed(text: str, limits: Limits = Limits()) -> list[Parsed]:
    root: etree._Element | None
    try:
        root = parse(text, limits)
    except FormatError as exc:
        if exc.code != ErrorCode.INVALID_XML:
            raise
        _depth(text, limits.max_depth)
        root = None
    body = re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1)
    data = ('<?xml version="1.0" encoding="utf-8"?>' + body).encode("utf-8")
    fp = feedparser.parse(
        data,
        response_headers={"content-type": "application/xml; charset=utf-8"},
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    if not fp.entries and not fp.feed:
        raise FormatError(ErrorCode.INVALID_XML, f"not a readable feed: {fp.get('bozo_exception', 'no entries')}")
    feed = fp.feed
    host = urlsplit(feed.get("link") or "").hostname or ""
    provider = host.removeprefix("www.") or _plain(feed.get("title"))
    media = FORMAT_MEDIA_TYPE["feed"] if fp.version.startswith("rss") else "application/atom+xml"
    elements = _items(root) if root is not None else []
    out = []
    for k, entry in enumerate(fp.entries):
        content = entry.get("content") or []
        chosen = next((c for c in content if "html" in (c.get("type") or "")), content[0] if content else None)
        value = chosen.get("value") if chosen else entry.get("summary")
        ctype = (chosen.get("type") if chosen else (entry.get("summary_detail") or {}).get("type")) or "text/html"
        if value is None:
            value = ""
        if "html" in ctype:
            text_body, drops = html_drops(value)
            ctype = "text/html"
        else:
            b = BodyBuilder()
            for para in re.split(r"\n\s*\n", value):
                b.paragraph(para)
            text_body, drops = b.build()
            ctype = "text/plain"
        language = (chosen or {}).get("language") or feed.get("language")
        source_title = _plain((entry.get("source") or {}).get("title"))
        fields: dict[str, Any] = {
            "id": entry.get("id") or entry.get("link"),
            "headline": _plain(entry.get("title")),
            "byline": _plain(entry.get("author")),
            "published_at": _when(entry),
            "url": entry.get("link"),
            "language": language if language and re.fullmatch(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*", language) else None,
            "credit": [source_title] if source_title else [],
            "body": text_body,
            "content_type": ctype,
        }
        fields = {k2: v for k2, v in fields.items() if v is not None and v != []}
        if provider:
            fields["_provider"] = provider
        doc = _single(root, k) if root is not None and len(elements) == len(fp.entries) else None
        out.append(Parsed(fields, drops, "feed", doc, media))
    return out
