"""What every wire-format reader returns, and the errors it raises."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline.models import ErrorCode

# media type -> format name; parameters (charset) are read separately
MEDIA_TYPES: dict[str, str] = {
    "application/nitf+xml": "nitf",
    "text/vnd.iptc.nitf": "nitf",
    "text/vnd.iptc.nitf+xml": "nitf",
    "application/vnd.iptc.g2.newsitem+xml": "g2",
    "application/vnd.iptc.g2.newsmessage+xml": "g2",
    "text/vnd.iptc.newsml": "newsml1",
    "application/vnd.iptc.newsml+xml": "newsml1",
    "application/ninjs+json": "ninjs",
    "application/vnd.iptc.ninjs+json": "ninjs",
    "application/x-anpa-1312": "anpa",
    "application/rss+xml": "feed",
    "application/atom+xml": "feed",
    "application/rdf+xml": "feed",
    "application/xml": None,  # type: ignore[dict-item]  # sniffed
    "text/xml": None,  # type: ignore[dict-item]
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
    "application/json": "json",
}
# the media type each format is published under (wirewash publish / ingest)
FORMAT_MEDIA_TYPE = {
    "nitf": "application/nitf+xml",
    "g2": "application/vnd.iptc.g2.newsitem+xml",
    "newsml1": "text/vnd.iptc.newsml",
    "ninjs": "application/ninjs+json",
    "anpa": "application/x-anpa-1312",
    "feed": "application/rss+xml",
    "html": "text/html",
    "text": "text/plain",
}


class FormatError(Exception):
    """A document that cannot be read; carries the dead-letter error code."""

    def __init__(self, code: ErrorCode, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Limits:
    """Bounds for parsing one document."""

    max_depth: int = 100
    max_elements: int = 200_000


@dataclass
class Parsed:
    """One item read from a wire document.

    ``fields`` are FeedItem fields (``body`` is the item's *received body*: what removal offsets
    index); ``drops`` are spans of that body the format marks as not for publication, each with
    its rule id; ``document`` is the item alone as a document of its format (for re-publishing
    one record per item), with its media type.
    """

    fields: dict[str, Any]
    drops: list[tuple[int, int, str]] = field(default_factory=list)
    format: str = ""
    document: bytes | None = None
    media_type: str | None = None


def split_media_type(value: str | None) -> tuple[str | None, str | None]:
    """``"application/nitf+xml; charset=ISO-8859-1"`` -> ``("application/nitf+xml", "ISO-8859-1")``.

    >>> split_media_type("Application/RSS+XML; charset=\\"utf-8\\"")
    ('application/rss+xml', 'utf-8')
    >>> split_media_type(None)
    (None, None)
    """
    if not value:
        return None, None
    parts = [p.strip() for p in value.split(";")]
    charset = None
    for p in parts[1:]:
        k, _, v = p.partition("=")
        if k.strip().lower() == "charset" and v.strip():
            charset = v.strip().strip("\"'")
    return parts[0].lower() or None, charset
