"""Readers of the XML wire formats: NITF 3.x, NewsML-G2 (newsItem, newsMessage) and NewsML 1.2."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from lxml import etree

from pipeline.formats.base import FORMAT_MEDIA_TYPE, Parsed
from pipeline.formats.body import ED_NOTE, BodyBuilder
from pipeline.formats.xmlbody import walk
from pipeline.formats.xmlsafe import attr, child, children, descendants, lang, local, standalone, text_of

_INT = re.compile(r"\d{1,9}")
_BY = re.compile(r"^\s*by\s+", re.IGNORECASE)


def to_datetime(value: str | None) -> datetime | None:
    """ISO 8601 in its basic or extended form; a time without zone is taken as UTC.

    >>> to_datetime("20240101T120000+0000"), to_datetime("bad")
    (datetime.datetime(2024, 1, 1, 12, 0, tzinfo=datetime.timezone.utc), None)
    """
    if not value:
        return None
    v = value.strip()
    try:
        dt = datetime.fromisoformat(v)
    except ValueError:
        return None
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


def to_int(value: str | None, lo: int = 0, hi: int = 10**9) -> int | None:
    if not value:
        return None
    m = _INT.search(value)
    if m is None:
        return None
    n = int(m.group(0))
    return n if lo <= n <= hi else None


def byline(value: str | None) -> str | None:
    if not value:
        return None
    v = _BY.sub("", " ".join(value.split())).strip(" ,;")
    return v or None


def pubstatus(value: str | None) -> str | None:
    """IPTC status codes (``stat:canceled``, ``Usable``, ``embargoed``) to usable / withheld / canceled."""
    if not value:
        return None
    v = value.rpartition(":")[2].strip().lower()
    if v in ("usable", "withheld", "canceled"):
        return v
    if v in ("cancelled", "kill", "killed", "deleted"):
        return "canceled"
    if v in ("embargoed", "withhold"):
        return "withheld"
    return None


def signal(*values: str | None) -> str | None:
    """The strongest signal among codes like ``sig:update``, ``sig:correction``, ``Kill``."""
    found = set()
    for value in values:
        if not value:
            continue
        v = value.rpartition(":")[2].strip().lower()
        for name, keys in (
            ("kill", ("kill", "cancel")),
            ("correction", ("correct", "rectif")),
            ("withhold", ("withhold", "withheld")),
            ("advisory", ("advis",)),
            ("update", ("update", "writethru", "lead")),
        ):
            if any(k in v for k in keys):
                found.add(name)
    for name in ("kill", "correction", "withhold", "update", "advisory"):
        if name in found:
            return name
    return None


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None and v != []}


def _credit(*names: str | None) -> list[str]:
    out: list[str] = []
    for n in names:
        if n:
            n = " ".join(n.split())
            if n and n not in out:
                out.append(n)
    return out


# ------------------------------------------------------------------------------ NITF


def _joined(el: etree._Element | None) -> str | None:
    """Text of an element whose parts are separate fields (byline and byttl): joined with commas."""
    if el is None:
        return None
    parts = [" ".join(t.split()) for t in el.itertext()]
    return ", ".join(p for p in parts if p) or None


def _dateline(el: etree._Element | None) -> str | None:
    t = text_of(el)
    return None if t is None or re.fullmatch(r"\d{8}T[\d+:Z-]*", t) else t


def nitf_body(nitf: etree._Element, out: BodyBuilder) -> None:
    body = child(nitf, "body")
    for part in ("body.content", "body.end"):
        el = child(body, part)
        if el is not None:
            walk(el, out)


def read_nitf(root: etree._Element, document: bytes | None) -> list[Parsed]:
    head = child(root, "head")
    docdata = child(head, "docdata")
    body = child(root, "body")
    bhead = child(body, "body.head")
    out = BodyBuilder()
    for msg in children(docdata, "ed-msg"):
        note = attr(msg, "info") or text_of(msg)
        if note:
            out.paragraph(note, ED_NOTE)
    nitf_body(root, out)
    text, drops = out.build()
    dukey = child(docdata, "du-key")
    copyright_el = child(docdata, "doc.copyright")
    docid = child(docdata, "doc-id")
    date = child(docdata, "date.issue") if child(docdata, "date.issue") is not None else child(docdata, "date.release")
    status = attr(docdata, "management-status")
    fields = _clean(
        {
            "id": attr(docid, "id-string"),
            "version": to_int(attr(dukey, "version")),
            "slugline": attr(dukey, "key"),
            "urgency": to_int(attr(child(docdata, "urgency"), "ed-urg"), 1, 9),
            "pubstatus": pubstatus(status),
            "signal": "correction" if child(docdata, "correction") is not None else signal(status),
            "headline": text_of(child(bhead, "hedline", "hl1")) or text_of(child(head, "title")),
            "byline": byline(_joined(child(bhead, "byline"))),
            "dateline": _dateline(child(bhead, "dateline")),
            "published_at": to_datetime(attr(date, "norm")),
            "language": lang(root) or lang(body) or lang(head),
            "credit": _credit(
                attr(docid, "regsrc"), text_of(child(bhead, "distributor")), attr(copyright_el, "holder")
            ),
            "body": text,
            "content_type": "text/plain",
        }
    )
    provider = attr(docid, "regsrc") or attr(copyright_el, "holder")
    if provider:
        fields["_provider"] = provider
    return [Parsed(fields, drops, "nitf", document, FORMAT_MEDIA_TYPE["nitf"])]


# ------------------------------------------------------------------------------ NewsML-G2


def _g2_content(item: etree._Element, out: BodyBuilder) -> None:
    for content in descendants(child(item, "contentSet"), "inlineXML"):
        inner = next((c for c in content if local(c)), None)
        if inner is not None and local(inner) == "nitf":
            nitf_body(inner, out)
        elif inner is not None and local(inner) == "html":
            walk(child(inner, "body") if child(inner, "body") is not None else inner, out)
        else:
            walk(content, out)
        return
    for data in descendants(child(item, "contentSet"), "inlineData"):
        for para in re.split(r"\n\s*\n", data.text or ""):
            out.paragraph(para)
        return


def read_g2_item(item: etree._Element, document: bytes | None) -> Parsed | None:
    meta = child(item, "itemMeta")
    cmeta = child(item, "contentMeta")
    item_class = attr(child(meta, "itemClass"), "qcode") or ""
    if child(item, "contentSet") is None or item_class.endswith(("picture", "graphic", "video", "audio")):
        return None
    out = BodyBuilder()
    for note in children(meta, "edNote") + children(cmeta, "edNote"):
        t = text_of(note)
        if t:
            out.paragraph(t, ED_NOTE)
    _g2_content(item, out)
    text, drops = out.build()
    provider = child(meta, "provider")
    provider_name = attr(provider, "literal") or text_of(child(provider, "name")) or attr(provider, "qcode")
    if provider_name and ":" in provider_name and " " not in provider_name:
        provider_name = provider_name.rpartition(":")[2]
    rights = child(item, "rightsInfo")
    holder = child(rights, "copyrightHolder")
    headlines = children(cmeta, "headline")
    main = next((h for h in headlines if "main" in (attr(h, "role") or "")), headlines[0] if headlines else None)
    signals = [attr(s, "qcode") for s in children(meta, "signal")]
    located = child(cmeta, "located")
    fields = _clean(
        {
            "id": attr(item, "guid"),
            "version": to_int(attr(item, "version")),
            "pubstatus": pubstatus(attr(child(meta, "pubStatus"), "qcode")),
            "signal": signal(*signals),
            "urgency": to_int(text_of(child(cmeta, "urgency")), 1, 9),
            "slugline": text_of(child(cmeta, "slugline")),
            "headline": text_of(main),
            "byline": byline(" ".join(t for t in (text_of(b) for b in children(cmeta, "by")) if t) or None),
            "dateline": text_of(child(cmeta, "dateline")) or text_of(child(located, "name")),
            "published_at": to_datetime(text_of(child(meta, "versionCreated")))
            or to_datetime(text_of(child(meta, "firstCreated")))
            or to_datetime(text_of(child(cmeta, "contentCreated"))),
            "language": attr(child(cmeta, "language"), "tag") or lang(item),
            "credit": _credit(provider_name, attr(holder, "literal") or text_of(child(holder, "name"))),
            "body": text,
            "content_type": "text/plain",
        }
    )
    if provider_name:
        fields["_provider"] = provider_name
    return Parsed(fields, drops, "g2", document, FORMAT_MEDIA_TYPE["g2"])


def read_g2(root: etree._Element, document: bytes | None) -> list[Parsed]:
    name = local(root)
    if name == "newsItem":
        p = read_g2_item(root, document)
        return [p] if p is not None else []
    out = []
    for item in descendants(child(root, "itemSet"), "newsItem"):
        p = read_g2_item(item, standalone(item))
        if p is not None:
            out.append(p)
    return out


# ------------------------------------------------------------------------------ NewsML 1.2


def _nml_text_item(component: etree._Element) -> etree._Element | None:
    """The first ContentItem with text (a Text media type or a DataContent with markup or text)."""
    for ci in descendants(component, "ContentItem"):
        media = (attr(child(ci, "MediaType"), "FormalName") or "").lower()
        data = child(ci, "DataContent")
        if data is None:
            continue
        if media in ("", "text") or media.startswith("text"):
            return data
    return None


def read_newsml1_item(item: etree._Element, document: bytes | None) -> Parsed | None:
    ident = child(item, "Identification", "NewsIdentifier")
    mgmt = child(item, "NewsManagement")
    component = child(item, "NewsComponent")
    data = _nml_text_item(component) if component is not None else None
    if data is None:
        return None
    lines = next((nl for nl in descendants(component, "NewsLines")), None)
    out = BodyBuilder()
    for nl in children(lines, "NewsLine"):
        kind = (attr(child(nl, "NewsLineType"), "FormalName") or "").lower()
        if "note" in kind or "instruction" in kind:
            t = text_of(child(nl, "NewsLineText"))
            if t:
                out.paragraph(t, ED_NOTE)
    inner = next((c for c in data if local(c)), None)
    if inner is not None and local(inner) == "nitf":
        nitf_body(inner, out)
    elif inner is not None:
        walk(child(inner, "body") if local(inner) == "html" and child(inner, "body") is not None else data, out)
    else:
        for para in re.split(r"\n\s*\n", data.text or ""):
            out.paragraph(para)
    text, drops = out.build()
    provider_el = next(iter(descendants(component, "Provider")), None)
    provider = attr(child(provider_el, "Party"), "FormalName") or (text_of(child(ident, "ProviderId")))
    revision = child(ident, "RevisionId")
    update = (attr(revision, "Update") or "").upper()
    public_id = text_of(child(ident, "PublicIdentifier"))
    parts = [text_of(child(ident, n)) for n in ("ProviderId", "DateId", "NewsItemId")]
    fallback_id = ":".join(p for p in parts if p) if all(parts) else None
    # the identifier without its revision, so that every revision of the item shares one id
    item_id = f"urn:newsml:{fallback_id}" if fallback_id else public_id
    language = attr(next(iter(descendants(component, "Language")), None), "FormalName")
    fields = _clean(
        {
            "id": item_id,
            "version": to_int(text_of(revision)),
            "pubstatus": pubstatus(attr(child(mgmt, "Status"), "FormalName")),
            "signal": signal(*(attr(i, "FormalName") for i in children(mgmt, "Instruction")))
            or ("update" if update in ("U", "A") else None),
            "urgency": to_int(attr(child(mgmt, "Urgency"), "FormalName"), 1, 9),
            "slugline": text_of(child(lines, "SlugLine")),
            "headline": text_of(child(lines, "HeadLine")),
            "byline": byline(text_of(child(lines, "ByLine"))),
            "dateline": text_of(child(lines, "DateLine")),
            "published_at": to_datetime(text_of(child(mgmt, "ThisRevisionCreated")))
            or to_datetime(text_of(child(mgmt, "FirstCreated"))),
            "language": language.lower() if language and re.fullmatch(r"[A-Za-z]{2,3}(-\w+)?", language) else None,
            "credit": _credit(provider, text_of(child(lines, "CreditLine"))),
            "body": text,
            "content_type": "text/plain",
        }
    )
    if provider:
        fields["_provider"] = provider
    return Parsed(fields, drops, "newsml1", document, FORMAT_MEDIA_TYPE["newsml1"])


def read_newsml1(root: etree._Element, document: bytes | None) -> list[Parsed]:
    items = descendants(root, "NewsItem") if local(root) == "NewsML" else [root]
    out = []
    for item in items:
        doc = document
        if len(items) > 1:
            wrapper = etree.Element(root.tag, root.attrib)
            wrapper.append(_copy(item))
            doc = standalone(wrapper)
        p = read_newsml1_item(item, doc)
        if p is not None:
            out.append(p)
    return out


def _copy(el: etree._Element) -> etree._Element:
    import copy

    return copy.deepcopy(el)
