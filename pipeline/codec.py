"""Bytes on the wire <-> models: decoding input with precise error codes, encoding output with headers.

Input values may be plain JSON or JSON framed for the Confluent Schema Registry (magic
byte 0 followed by a 4-byte schema id). Every output record carries ``content-type``,
``schema-version`` and CloudEvents Kafka-binding headers (binary mode); dead letters
also carry Kafka Connect-style ``__connect.errors.*`` headers.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
from pydantic import ValidationError

from pipeline import SCHEMA_VERSION, __version__
from pipeline.models import DeadLetter, ErrorCode, FeedItem
from pipeline.models.feed import MAX_ID_CHARS

Headers = list[tuple[str, bytes]]
CONTENT_TYPE = b"application/json"
CE_TYPES = {
    "article": "org.wirewash.article.v1",
    "event": "org.wirewash.event.v1",
    "deadletter": "org.wirewash.deadletter.v1",
    "item": "org.wirewash.item.v1",
    "retraction": "org.wirewash.retraction.v1",
}
_CE_NAMESPACE = uuid.UUID("5b0c4f8e-2a7d-4d0e-9a57-77697265776a")
_BOM = b"\xef\xbb\xbf"


class DecodeError(Exception):
    """A record that cannot become a FeedItem; carries the dead-letter error code."""

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        detail: list[dict[str, Any]] | None = None,
        item_id: str | None = None,
        exc_class: str | None = None,
    ):
        super().__init__(message)
        self.code = code
        self.message = message
        self.detail = detail or []
        self.item_id = item_id
        self.exc_class = exc_class or f"pipeline.codec.{code.value}"


@dataclass(frozen=True)
class Limits:
    max_message_bytes: int = 8 * 1024 * 1024
    max_body_chars: int = 2_000_000


def unframe(value: bytes) -> tuple[bytes, int | None]:
    """Strip a Schema Registry frame (magic byte 0 + 4-byte big-endian schema id) if present.

    >>> unframe(b"\\x00\\x00\\x00\\x00\\x07{}")
    (b'{}', 7)
    >>> unframe(b'{"id": 1}')
    (b'{"id": 1}', None)
    """
    if value[:1] != b"\x00":
        return value, None
    if len(value) < 5:
        raise DecodeError(ErrorCode.INVALID_FRAMING, f"schema registry frame too short ({len(value)} bytes)")
    return value[5:], int.from_bytes(value[1:5], "big")


def frame(value: bytes, schema_id: int) -> bytes:
    """Prefix a payload with the Schema Registry frame."""
    return b"\x00" + schema_id.to_bytes(4, "big") + value


_TYPE_ERRORS = ("_type", "is_instance_of", "model_attributes_type", "dict_type", "list_type")


def _classify(err: ValidationError) -> tuple[ErrorCode, str, list[dict[str, Any]]]:
    errors = err.errors(include_url=False, include_input=False)
    detail = [{"loc": ".".join(str(p) for p in e["loc"]), "type": e["type"], "msg": e["msg"]} for e in errors]
    first = errors[0]
    loc = tuple(first["loc"])
    etype = first["type"]
    where = ".".join(str(p) for p in loc) or "item"
    if etype == "missing":
        code = ErrorCode.MISSING_FIELD
    elif loc == ("id",) and etype == "string_too_long":
        code = ErrorCode.ID_TOO_LONG
    elif loc == ("body",) and etype == "value_error":
        code = ErrorCode.EMPTY_BODY
    elif any(etype.endswith(t) for t in _TYPE_ERRORS):
        code = ErrorCode.WRONG_TYPE
    else:
        code = ErrorCode.INVALID_FIELD
    msg = f"{where}: {first['msg']}"
    if len(errors) > 1:
        msg += f" (and {len(errors) - 1} more)"
    return code, msg, detail


def decode_item(value: bytes | None, limits: Limits = Limits()) -> FeedItem:
    """Bytes of an input record to a validated FeedItem, or :class:`DecodeError` with a precise code.

    >>> decode_item(b'{"id": "x1", "source": "pti", "body": "Text."}').id
    'x1'
    >>> try:
    ...     decode_item(b'{"id": "x1", "source": "pti"}')
    ... except DecodeError as e:
    ...     print(e.code.value, e.message)
    missing_field body: Field required
    """
    return item_from_json(load_json(value, limits), limits)


def load_json(value: bytes | None, limits: Limits = Limits()) -> Any:
    """The JSON value of an input record (framing and a BOM removed), or :class:`DecodeError`.

    >>> load_json(b"\\xef\\xbb\\xbf[1]")
    [1]
    """
    if not value:
        raise DecodeError(ErrorCode.EMPTY_MESSAGE, "record has no value")
    if len(value) > limits.max_message_bytes:
        raise DecodeError(
            ErrorCode.MESSAGE_TOO_LARGE,
            f"value is {len(value)} bytes; the limit is {limits.max_message_bytes}",
        )
    payload, _schema_id = unframe(value)
    if payload.startswith(_BOM):
        payload = payload[3:]
    try:
        obj = orjson.loads(payload)
    except orjson.JSONDecodeError as e:
        msg = str(e.msg)
        if "UTF-8" in msg:
            try:
                payload.decode("utf-8")
                where = ""
            except UnicodeDecodeError as ue:
                where = f" at byte {ue.start}"
            raise DecodeError(
                ErrorCode.INVALID_UTF8, f"value is not valid UTF-8{where}", exc_class="UnicodeDecodeError"
            ) from None
        if "surrogate" in msg:
            raise DecodeError(
                ErrorCode.INVALID_UNICODE,
                f"JSON string holds a lone surrogate (char {e.pos})",
                exc_class="orjson.JSONDecodeError",
            ) from None
        if "depth" in msg or "recursion" in msg:
            raise DecodeError(
                ErrorCode.JSON_TOO_DEEP,
                "JSON nests deeper than 1024 levels",
                exc_class="orjson.JSONDecodeError",
            ) from None
        raise DecodeError(
            ErrorCode.INVALID_JSON, f"not JSON: {msg} (char {e.pos})", exc_class="orjson.JSONDecodeError"
        ) from None
    return obj


def item_from_json(obj: Any, limits: Limits = Limits()) -> FeedItem:
    """A record's JSON value (:func:`load_json`) to a validated FeedItem, or :class:`DecodeError`."""
    if not isinstance(obj, dict):
        raise DecodeError(ErrorCode.NOT_AN_OBJECT, f"JSON value is {type(obj).__name__}, expected an object")
    raw_id = obj.get("id")
    item_id = raw_id[:MAX_ID_CHARS] if isinstance(raw_id, str) else None
    version = obj.get("schema_version", SCHEMA_VERSION)
    if str(version) != SCHEMA_VERSION:
        raise DecodeError(
            ErrorCode.UNSUPPORTED_SCHEMA_VERSION,
            f"schema_version {version!r} is not supported (this worker reads {SCHEMA_VERSION!r})",
            item_id=item_id,
        )
    if "schema_version" in obj and not isinstance(obj["schema_version"], str):
        obj["schema_version"] = str(obj["schema_version"])
    try:
        item = FeedItem.model_validate(obj)
    except ValidationError as err:
        code, msg, detail = _classify(err)
        raise DecodeError(code, msg, detail, item_id=item_id, exc_class="pydantic.ValidationError") from None
    if len(item.body) > limits.max_body_chars:
        raise DecodeError(
            ErrorCode.BODY_TOO_LARGE,
            f"body has {len(item.body)} characters; the limit is {limits.max_body_chars}",
            item_id=item.id,
        )
    return item


def now_utc() -> datetime:
    return datetime.now(UTC)


@dataclass
class Source:
    """Where a record came from (for dead letters)."""

    topic: str | None = None
    partition: int | None = None
    offset: int | None = None
    timestamp_ms: int | None = None
    key: bytes | None = None
    headers: Headers = field(default_factory=list)


def dead_letter(
    err: DecodeError, value: bytes | None, src: Source, failed_at: datetime, keep_bytes: int = 256 * 1024
) -> DeadLetter:
    """The dead-letter record for a failed input."""
    raw = value or b""
    oversize = err.code in (ErrorCode.MESSAGE_TOO_LARGE, ErrorCode.OUTPUT_TOO_LARGE)
    keep = raw if len(raw) <= keep_bytes or not oversize else raw[:keep_bytes]
    return DeadLetter(
        error_code=err.code,
        error=err.message,
        detail=err.detail,
        item_id=err.item_id,
        topic=src.topic,
        partition=src.partition,
        offset=src.offset,
        timestamp_ms=src.timestamp_ms,
        original_key=base64.b64encode(src.key).decode("ascii") if src.key is not None else None,
        original_value=base64.b64encode(keep).decode("ascii"),
        original_size=len(raw),
        original_truncated=len(keep) < len(raw),
        original_sha256=hashlib.sha256(raw).hexdigest(),
        failed_at=failed_at,
        pipeline_version=__version__,
    )


def _ce_id(*parts: str) -> str:
    return str(uuid.uuid5(_CE_NAMESPACE, "\x1f".join(parts)))


def output_headers(kind: str, record_id: str, subject: str, time: datetime, source: str) -> Headers:
    """content-type, schema-version and CloudEvents binary-mode headers.

    >>> hs = dict(output_headers("article", "a1", "a1", datetime(2024, 11, 10, tzinfo=UTC), "urn:wirewash"))
    >>> hs["ce_type"], hs["ce_subject"], hs["content-type"]
    (b'org.wirewash.article.v1', b'a1', b'application/json')
    """
    return [
        ("content-type", CONTENT_TYPE),
        ("schema-version", SCHEMA_VERSION.encode()),
        ("ce_specversion", b"1.0"),
        ("ce_id", record_id.encode("utf-8")),
        ("ce_source", source.encode("utf-8")),
        ("ce_type", CE_TYPES[kind].encode()),
        ("ce_time", time.isoformat().encode()),
        ("ce_subject", subject.encode("utf-8")),
    ]


def dlq_headers(err: DecodeError, src: Source, time: datetime, source: str) -> Headers:
    """Output headers plus Kafka Connect-style ``__connect.errors.*`` headers."""
    subject = err.item_id or ""
    rid = _ce_id("dlq", src.topic or "", str(src.partition), str(src.offset), err.code.value)
    hs = output_headers("deadletter", rid, subject, time, source)
    hs += [
        ("__connect.errors.topic", (src.topic or "").encode()),
        ("__connect.errors.partition", str(src.partition if src.partition is not None else "").encode()),
        ("__connect.errors.offset", str(src.offset if src.offset is not None else "").encode()),
        ("__connect.errors.connector.name", b"wirewash"),
        (
            "__connect.errors.stage",
            b"VALUE_CONVERTER" if err.code != ErrorCode.PROCESSING_ERROR else b"TRANSFORMATION",
        ),
        ("__connect.errors.exception.class.name", err.exc_class.encode()),
        ("__connect.errors.exception.message", err.message.encode("utf-8")[:8192]),
        ("wirewash.error_code", err.code.value.encode()),
    ]
    return hs


def article_ce_id(article_id: str, content_hash: str) -> str:
    return _ce_id("article", article_id, content_hash)


def dumps(obj: Any) -> bytes:
    """orjson with the options wirewash uses on the wire."""
    return orjson.dumps(obj, option=orjson.OPT_UTC_Z)
