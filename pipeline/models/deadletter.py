"""A message wirewash could not turn into an article, with why and where it came from."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ErrorCode(StrEnum):
    """Every reason a message goes to the dead-letter topic."""

    EMPTY_MESSAGE = "empty_message"
    MESSAGE_TOO_LARGE = "message_too_large"
    INVALID_FRAMING = "invalid_framing"
    INVALID_UTF8 = "invalid_utf8"
    INVALID_UNICODE = "invalid_unicode"
    INVALID_JSON = "invalid_json"
    JSON_TOO_DEEP = "json_too_deep"
    NOT_AN_OBJECT = "not_an_object"
    UNSUPPORTED_SCHEMA_VERSION = "unsupported_schema_version"
    MISSING_FIELD = "missing_field"
    WRONG_TYPE = "wrong_type"
    INVALID_FIELD = "invalid_field"
    ID_TOO_LONG = "id_too_long"
    EMPTY_BODY = "empty_body"
    BODY_TOO_LARGE = "body_too_large"
    PROCESSING_ERROR = "processing_error"
    OUTPUT_TOO_LARGE = "output_too_large"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    UNKNOWN_ENCODING = "unknown_encoding"
    INVALID_ENCODING = "invalid_encoding"
    INVALID_XML = "invalid_xml"
    XML_ENTITIES_FORBIDDEN = "xml_entities_forbidden"
    XML_TOO_DEEP = "xml_too_deep"
    XML_TOO_LARGE = "xml_too_large"
    INVALID_DOCUMENT = "invalid_document"
    EMPTY_DOCUMENT = "empty_document"


ERROR_DESCRIPTIONS: dict[ErrorCode, str] = {
    ErrorCode.EMPTY_MESSAGE: "The record had no value (a tombstone or an empty payload).",
    ErrorCode.MESSAGE_TOO_LARGE: "The value exceeds max_message_bytes; only its head is kept in the dead letter.",
    ErrorCode.INVALID_FRAMING: "A Schema Registry frame (magic byte 0) that is truncated or malformed.",
    ErrorCode.INVALID_UTF8: "The value is not valid UTF-8.",
    ErrorCode.INVALID_UNICODE: "The JSON holds an escape that is not a Unicode scalar (a lone surrogate).",
    ErrorCode.INVALID_JSON: "The value is not JSON.",
    ErrorCode.JSON_TOO_DEEP: "The JSON nests deeper than the parser allows.",
    ErrorCode.NOT_AN_OBJECT: "The JSON is valid but not an object.",
    ErrorCode.UNSUPPORTED_SCHEMA_VERSION: "schema_version is not one this worker reads.",
    ErrorCode.MISSING_FIELD: "A required FeedItem field (id, source, body) is missing.",
    ErrorCode.WRONG_TYPE: "A FeedItem field has the wrong JSON type.",
    ErrorCode.INVALID_FIELD: "A FeedItem field breaks a constraint (enum, pattern, date format...).",
    ErrorCode.ID_TOO_LONG: "id is longer than 512 characters.",
    ErrorCode.EMPTY_BODY: "body is empty or whitespace only.",
    ErrorCode.BODY_TOO_LARGE: "body has more characters than max_body_chars.",
    ErrorCode.PROCESSING_ERROR: "The cleaner raised on this item (a bug: please report it with the record).",
    ErrorCode.OUTPUT_TOO_LARGE: "An output record is larger than the broker accepts (message.max.bytes); "
    "replay the input after raising the topic's limit.",
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: "The content-type header (or a wrapper's content_type) names a type wirewash "
    "does not read, or the document is not in the format it names.",
    ErrorCode.UNKNOWN_ENCODING: "The document declares a character encoding wirewash does not know.",
    ErrorCode.INVALID_ENCODING: "The document's bytes are not valid in the encoding it declares.",
    ErrorCode.INVALID_XML: "The XML document is not well-formed.",
    ErrorCode.XML_ENTITIES_FORBIDDEN: "The XML declares entities (entity-expansion bombs, external entities: XXE); "
    "they are never expanded nor fetched.",
    ErrorCode.XML_TOO_DEEP: "The XML nests deeper than the parser allows.",
    ErrorCode.XML_TOO_LARGE: "The XML holds more elements than the parser allows.",
    ErrorCode.INVALID_DOCUMENT: "A wire document in a known format lacks what an item needs (an id or a body).",
    ErrorCode.EMPTY_DOCUMENT: "A wire document (feed, newsMessage...) holds no item.",
}


class DeadLetter(BaseModel):
    """Published to the dead-letter topic, keyed like the original record."""

    model_config = ConfigDict(extra="forbid")

    schema_version: Literal["1"] = Field("1", description="Wire-contract version of this record.")
    error_code: ErrorCode = Field(
        ..., description="Why the record could not be processed (the codes are listed below)."
    )
    error: str = Field(..., description="Human-readable message.")
    detail: list[dict[str, Any]] = Field(default_factory=list, description="Field-level errors, if any.")
    item_id: str | None = Field(None, description="The FeedItem id when it could be read.")
    topic: str | None = Field(None, description="Where the original record was read from.")
    partition: int | None = Field(None, description="Partition of the original record.")
    offset: int | None = Field(None, description="Offset of the original record.")
    timestamp_ms: int | None = Field(None, description="Kafka timestamp of the original record.")
    original_key: str | None = Field(None, description="Original key bytes, base64.")
    original_value: str = Field(..., description="Original value bytes, base64 (the head only when truncated).")
    original_size: int = Field(..., ge=0, description="Length of the original value in bytes.")
    original_truncated: bool = Field(False, description="True when original_value holds only the head.")
    original_sha256: str = Field(..., description="sha256 hex of the whole original value.")
    failed_at: datetime = Field(..., description="When wirewash gave up on the record.")
    pipeline_version: str = Field(..., description="The wirewash version that dead-lettered it.")
