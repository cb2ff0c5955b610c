"""Input records to feed items: FeedItem JSON, or a raw wire document with its media type.

A record is read as a wire document when its ``content-type`` header names one (NITF,
NewsML-G2, NewsML 1.2, ninjs, ANPA 1312, RSS, Atom, text/plain, text/html), when it is a
FeedItem whose ``content_type`` names one (the FeedItem is then a wrapper: its ``source``
applies to every item, its ``id`` to a one-item document, its other fields fill what the
document leaves out), or, without either, when its content is recognisably such a document.
Every other record is read as FeedItem JSON, exactly as :func:`pipeline.codec.decode_item`.
A document with several items gives several feed items; each can fail on its own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from pipeline.codec import _BOM, DecodeError, Limits, _classify, item_from_json, load_json, unframe
from pipeline.formats import FormatError, is_document_type, json_is_ninjs, parse_document, split_media_type
from pipeline.formats.detect import sniff
from pipeline.models import ErrorCode, FeedItem
from pipeline.models.feed import MAX_ID_CHARS

SOURCE_HEADER = "wirewash-source"
_DOC_SNIFFED = ("anpa", "nitf", "g2", "newsml1", "feed")


@dataclass
class Intake:
    """One feed item read from a record, with the spans its format marks as not for publication."""

    item: FeedItem
    drops: list[tuple[int, int, str]] = field(default_factory=list)
    format: str = "json"


def header(headers: Iterable[tuple[str, bytes]] | dict[str, bytes] | None, name: str) -> str | None:
    """A header's value as text (the last one wins), or None."""
    if not headers:
        return None
    pairs = headers.items() if isinstance(headers, dict) else headers
    found = None
    for k, v in pairs:
        if isinstance(k, bytes):
            k = k.decode("latin-1")
        if k.lower() == name:
            found = v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) if v is not None else None
    return found


def _fail(exc: FormatError, item_id: str | None = None) -> DecodeError:
    return DecodeError(exc.code, exc.message, item_id=item_id, exc_class=f"pipeline.formats.{exc.code.value}")


def _items_from_document(
    data: bytes,
    media_type: str | None,
    key: bytes | None,
    source: str | None,
    wrapper: FeedItem | None,
    limits: Limits,
) -> list[Intake | DecodeError]:
    try:
        fmt, parsed = parse_document(data, media_type)
    except FormatError as exc:
        return [_fail(exc, wrapper.id if wrapper else None)]
    out: list[Intake | DecodeError] = []
    single = len(parsed) == 1
    for p in parsed:
        fields: dict[str, Any] = dict(p.fields)
        provider = fields.pop("_provider", None)
        if wrapper is not None:
            for name in ("headline", "url", "published_at", "language"):
                if fields.get(name) is None and getattr(wrapper, name) is not None:
                    fields[name] = getattr(wrapper, name)
            fields["meta"] = dict(wrapper.meta)
            if single:
                fields["id"] = wrapper.id
        if not fields.get("id"):
            if single and key:
                fields["id"] = key.decode("utf-8", "replace")
            else:
                fields["id"] = "sha256:" + hashlib.sha256(p.document or fields.get("body", "").encode()).hexdigest()
        fields["source"] = source or (wrapper.source if wrapper else None) or provider or fmt
        item_id = fields["id"][:MAX_ID_CHARS] if isinstance(fields["id"], str) else None
        try:
            item = FeedItem.model_validate(fields)
        except ValidationError as err:
            code, msg, detail = _classify(err)
            out.append(DecodeError(code, f"{fmt} item: {msg}", detail, item_id=item_id))
            continue
        if len(item.body) > limits.max_body_chars:
            out.append(
                DecodeError(
                    ErrorCode.BODY_TOO_LARGE,
                    f"body has {len(item.body)} characters; the limit is {limits.max_body_chars}",
                    item_id=item.id,
                )
            )
            continue
        out.append(Intake(item, p.drops, fmt))
    return out


def decode_record(
    value: bytes | None,
    headers: Iterable[tuple[str, bytes]] | dict[str, bytes] | None = None,
    key: bytes | None = None,
    limits: Limits = Limits(),
) -> list[Intake | DecodeError]:
    """The feed items of one input record (each an :class:`Intake`, or the DecodeError of the part that failed).

    >>> [type(x).__name__ for x in decode_record(b'{"id": "a", "source": "s", "body": "Text."}')]
    ['Intake']
    >>> [x.item.id for x in decode_record(b"<p>Kyiv said.</p>", [("content-type", b"text/html")], key=b"k1")]
    ['k1']
    """
    if not value:
        return [DecodeError(ErrorCode.EMPTY_MESSAGE, "record has no value")]
    if len(value) > limits.max_message_bytes:
        return [
            DecodeError(
                ErrorCode.MESSAGE_TOO_LARGE,
                f"value is {len(value)} bytes; the limit is {limits.max_message_bytes}",
            )
        ]
    ctype = header(headers, "content-type")
    source = header(headers, SOURCE_HEADER)
    mt, _ = split_media_type(ctype)
    if mt is not None and mt not in ("application/json", "application/cloudevents+json"):
        if not is_document_type(mt) and mt not in ("text/plain", "text/html", "application/xhtml+xml"):
            return [
                DecodeError(
                    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    f"content-type {mt} is not one wirewash reads",
                    exc_class="pipeline.formats.unsupported_media_type",
                )
            ]
        return _items_from_document(value, ctype, key, source, None, limits)
    try:
        payload, _ = unframe(value)
    except DecodeError as err:
        return [err]
    if payload.startswith(_BOM):
        payload = payload[3:]
    head = payload.lstrip()[:1]
    if head not in (b"{", b"[") and sniff(payload) in _DOC_SNIFFED:
        return _items_from_document(payload, None, key, source, None, limits)
    try:
        obj = load_json(value, limits)
        # ninjs (not a FeedItem) is told by its parsed keys: the JSON is read once (scanning the
        # bytes for its key names first cost more than parsing them); only an object or a list is ninjs
        if json_is_ninjs(obj):
            return _items_from_document(payload, "application/ninjs+json", key, source, None, limits)
        item = item_from_json(obj, limits)
    except DecodeError as err:
        return [err]
    if is_document_type(item.content_type):
        # the body is text already: its bytes are UTF-8, whatever its XML declaration says
        media = f"{item.content_type}; charset=utf-8"
        return _items_from_document(item.body.encode("utf-8"), media, key, source, item, limits)
    return [Intake(item)]
