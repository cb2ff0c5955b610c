"""ninjs (IPTC News in JSON) 1.x, 2.x and 3.x."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import orjson

from pipeline.formats.base import FORMAT_MEDIA_TYPE, Parsed
from pipeline.formats.body import BodyBuilder, html_drops
from pipeline.formats.xmlformats import _clean, _credit, byline, pubstatus, signal, to_datetime, to_int

NINJS_KEYS = frozenset(
    {
        "uri", "guid", "headlines", "bodies", "body_html", "body_text", "versioncreated", "firstcreated",
        "pubstatus", "ednote", "descriptions", "representationtype", "profile", "headline", "byline", "by",
        "located", "slugline", "renditions", "associations", "copyrightholder", "title",
    }
)  # fmt: skip


def is_ninjs(obj: Any) -> bool:
    """A ninjs object: a uri plus a ninjs text field, or a ninjs standard/schema declaration."""
    if not isinstance(obj, dict):
        return False
    std = obj.get("standard") or obj.get("$standard")
    if isinstance(std, dict) and "ninjs" in str(std.get("name", "")).lower():
        return True
    if "ninjs" in str(obj.get("$schema", "")):
        return True
    if "body" in obj and "source" in obj:
        return False  # a FeedItem
    keys = {k.lower() for k in obj}
    return ("uri" in keys or "guid" in keys) and len(NINJS_KEYS & keys) >= 3


def _pick(values: Any, prefer: tuple[str, ...]) -> dict[str, Any] | None:
    if not isinstance(values, list):
        return None
    items = [v for v in values if isinstance(v, dict) and isinstance(v.get("value"), str)]
    for role in prefer:
        for v in items:
            if str(v.get("role", "")).lower() == role:
                return v
    return items[0] if items else None


def _str(v: Any) -> str | None:
    if isinstance(v, str) and v.strip():
        return " ".join(v.split())
    return None


def read_item(obj: dict[str, Any]) -> Parsed | None:
    original = obj
    obj = {k.lower(): v for k, v in obj.items()}  # ninjs 3 writes camelCase (versionCreated, edNote)
    ednote = obj.get("ednote")
    notes: list[str] = [ednote] if isinstance(ednote, str) and ednote.strip() else []
    body_html = obj.get("body_html") if isinstance(obj.get("body_html"), str) else None
    body_text = obj.get("body_text") if isinstance(obj.get("body_text"), str) else None
    chosen = _pick(obj.get("bodies"), ("main", "html", "text", ""))
    if chosen is not None:
        if "html" in str(chosen.get("contenttype", "text/html")).lower() or "<" in chosen["value"]:
            body_html = chosen["value"]
        else:
            body_text = chosen["value"]
    if body_html is None and body_text is None:
        for k, v in obj.items():  # ninjs 1.x body_<name> pattern properties
            if k.startswith("body_") and isinstance(v, str):
                body_html = v
                break
    if body_html is not None:
        text, drops = html_drops(body_html, notes)
        ctype = "text/html"
    else:
        out = BodyBuilder()
        for n in notes:
            out.paragraph(n, "F001-format-ed-note")
        for para in re.split(r"\n\s*\n", body_text or ""):
            out.paragraph(para)
        text, drops = out.build()
        ctype = "text/plain"
    headline = _pick(obj.get("headlines"), ("main", ""))
    by = obj.get("by") if obj.get("by") is not None else obj.get("byline")
    if isinstance(by, list):
        by = ", ".join(str(b.get("name", "")) if isinstance(b, dict) else str(b) for b in by)
    sig = obj.get("signal") if obj.get("signal") is not None else obj.get("signals")
    sigs = (
        [str(s.get("code", s.get("qcode", ""))) if isinstance(s, dict) else str(s) for s in sig]
        if isinstance(sig, list)
        else [str(sig)]
        if sig
        else []
    )
    lang = _str(obj.get("language"))
    uri = _str(obj.get("uri")) or _str(obj.get("guid"))  # guid: Superdesk's ninjs
    holder = obj.get("copyrightholder")
    if isinstance(holder, dict):
        holder = holder.get("name")
    urgency = obj.get("urgency")
    fields = _clean(
        {
            "id": uri,
            "version": to_int(str(obj["version"])) if obj.get("version") is not None else None,
            "pubstatus": pubstatus(_str(obj.get("pubstatus"))),
            "signal": signal(*sigs),
            "urgency": urgency if isinstance(urgency, int) and 1 <= urgency <= 9 else to_int(_str(urgency), 1, 9),
            "slugline": _str(obj.get("slugline")),
            "headline": (headline or {}).get("value") if headline else _str(obj.get("headline")),
            "byline": byline(_str(by)),
            "dateline": _str(obj.get("located")) if isinstance(obj.get("located"), str) else None,
            "published_at": to_datetime(_str(obj.get("versioncreated")))
            or to_datetime(_str(obj.get("firstcreated")))
            or to_datetime(_str(obj.get("contentcreated"))),
            "language": lang if lang and re.fullmatch(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*", lang) else None,
            "credit": _credit(_str(holder)),
            "url": uri if uri and uri.startswith(("http://", "https://")) else None,
            "body": text,
            "content_type": ctype,
        }
    )
    if "headline" in fields and isinstance(fields["headline"], str):
        fields["headline"] = " ".join(fields["headline"].split())
    provider = _str(holder) or (urlsplit(uri).hostname if uri and "://" in uri else None)
    if provider:
        fields["_provider"] = provider
    if obj.get("type") not in (None, "text", "composite") and body_html is None and body_text is None:
        return None
    return Parsed(fields, drops, "ninjs", orjson.dumps(original), FORMAT_MEDIA_TYPE["ninjs"])


def read_ninjs(obj: Any) -> list[Parsed]:
    """One ninjs object, a list of them, or an object with an ``items`` list."""
    if isinstance(obj, dict) and isinstance(obj.get("items"), list):
        obj = obj["items"]
    elif isinstance(obj, dict) and isinstance(obj.get("item"), dict | list) and "uri" not in obj:
        obj = obj["item"]  # an API envelope around the items
    objs = obj if isinstance(obj, list) else [obj]
    return [p for o in objs if isinstance(o, dict) for p in [read_item(o)] if p is not None]
