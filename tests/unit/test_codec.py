"""Input decoding: every kind of bad record gets its own error code."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import orjson
import pytest

from pipeline.codec import DecodeError, Limits, Source, dead_letter, decode_item, dlq_headers, frame, unframe
from pipeline.models import ErrorCode

GOOD = {"id": "x1", "source": "pti", "body": "Text of the story."}


def code_of(value: bytes | None, limits: Limits = Limits()) -> str:
    with pytest.raises(DecodeError) as e:
        decode_item(value, limits)
    return e.value.code.value


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (None, "empty_message"),
        (b"", "empty_message"),
        (b"not json at all", "invalid_json"),
        (b'{"id": "x1", "source": "pti", "body": "a"', "invalid_json"),
        (b"\xff\xfe\x00garbage", "invalid_utf8"),
        (b'{"id": "x1", "source": "pti", "body": "caf\xe9"}', "invalid_utf8"),
        (b'{"id": "x1", "source": "pti", "body": "\\ud800 lone"}', "invalid_unicode"),
        (b"[" * 10000 + b"]" * 10000, "json_too_deep"),
        (b"[1, 2, 3]", "not_an_object"),
        (b'"a string"', "not_an_object"),
        (b'{"source": "pti", "body": "a"}', "missing_field"),
        (b'{"id": "x1", "source": "pti", "body": 42}', "wrong_type"),
        (b'{"id": ["x1"], "source": "pti", "body": "a"}', "wrong_type"),
        (orjson.dumps({**GOOD, "id": "x" * 600}), "id_too_long"),
        (orjson.dumps({**GOOD, "body": ""}), "empty_body"),
        (orjson.dumps({**GOOD, "body": " \n\t "}), "empty_body"),
        (orjson.dumps({**GOOD, "content_type": "application/pdf"}), "invalid_field"),
        (orjson.dumps({**GOOD, "published_at": "yesterday"}), "invalid_field"),
        (orjson.dumps({**GOOD, "schema_version": "2"}), "unsupported_schema_version"),
        (b"\x00\x01", "invalid_framing"),
    ],
)
def test_error_codes(value: bytes | None, code: str) -> None:
    assert code_of(value) == code


def test_limits() -> None:
    big = orjson.dumps({**GOOD, "body": "word " * 1000})
    assert code_of(big, Limits(max_message_bytes=1024)) == "message_too_large"
    assert code_of(big, Limits(max_body_chars=100)) == "body_too_large"


def test_good_items_plain_framed_and_with_bom() -> None:
    raw = orjson.dumps(GOOD)
    assert decode_item(raw).id == "x1"
    assert decode_item(frame(raw, 42)).id == "x1"
    assert unframe(frame(raw, 42)) == (raw, 42)
    assert decode_item(b"\xef\xbb\xbf" + raw).id == "x1"
    assert decode_item(orjson.dumps({**GOOD, "schema_version": 1})).schema_version == "1"
    assert decode_item(orjson.dumps({**GOOD, "unknown_field": True})).id == "x1"


def test_item_id_is_kept_when_readable() -> None:
    with pytest.raises(DecodeError) as e:
        decode_item(orjson.dumps({**GOOD, "body": ""}))
    assert e.value.item_id == "x1"


def test_dead_letter_keeps_original_bytes_and_connect_headers() -> None:
    raw = b"not json"
    err = DecodeError(ErrorCode.INVALID_JSON, "not JSON", exc_class="orjson.JSONDecodeError")
    src = Source(topic="wire.items.v1", partition=3, offset=17, key=b"k1")
    now = datetime(2026, 1, 1, tzinfo=UTC)
    dl = dead_letter(err, raw, src, now)
    assert base64.b64decode(dl.original_value) == raw
    assert base64.b64decode(dl.original_key or "") == b"k1"
    assert (dl.topic, dl.partition, dl.offset, dl.error_code.value) == (
        "wire.items.v1",
        3,
        17,
        "invalid_json",
    )
    hs = dict(dlq_headers(err, src, now, "urn:wirewash"))
    assert hs["__connect.errors.topic"] == b"wire.items.v1"
    assert hs["__connect.errors.partition"] == b"3"
    assert hs["__connect.errors.offset"] == b"17"
    assert hs["__connect.errors.exception.class.name"] == b"orjson.JSONDecodeError"
    assert hs["__connect.errors.exception.message"] == b"not JSON"
    assert hs["content-type"] == b"application/json"
    assert hs["ce_type"] == b"org.wirewash.deadletter.v1"


def test_oversize_original_is_truncated_in_the_dead_letter() -> None:
    raw = b"x" * 5000
    err = DecodeError(ErrorCode.MESSAGE_TOO_LARGE, "too large")
    dl = dead_letter(err, raw, Source(), datetime(2026, 1, 1, tzinfo=UTC), keep_bytes=1000)
    assert dl.original_truncated and dl.original_size == 5000
    assert len(base64.b64decode(dl.original_value)) == 1000
