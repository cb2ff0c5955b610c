"""The input record: one feed item as published to ``wire.items.v1``."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_ID_CHARS = 512
BCP47 = r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$"

# media types a FeedItem's body may be in: plain text, an HTML fragment, or a whole wire document
# (pipeline.formats reads the document and maps each item in it; see the README's formats table)
ContentType = Literal[
    "text/plain",
    "text/html",
    "application/nitf+xml",
    "application/vnd.iptc.g2.newsitem+xml",
    "application/vnd.iptc.g2.newsmessage+xml",
    "text/vnd.iptc.newsml",
    "application/ninjs+json",
    "application/x-anpa-1312",
    "application/rss+xml",
    "application/atom+xml",
    "application/xml",
]
PubStatus = Literal["usable", "withheld", "canceled"]
Signal = Literal["update", "correction", "kill", "withhold", "advisory"]


class FeedItem(BaseModel):
    """A raw wire-copy item from an agency feed, a syndication partner or RSS."""

    model_config = ConfigDict(
        extra="ignore",
        str_strip_whitespace=False,
        json_schema_extra={
            "examples": [
                {
                    "schema_version": "1",
                    "id": "ndtv-2024-11-10-0001",
                    "source": "ndtv",
                    "headline": "Russia, Ukraine trade record drone attacks",
                    "body": "Russia launched 145 drones at Ukraine overnight, Kyiv said.\n\n"
                    "(Except for the headline, this story has not been edited by NDTV staff "
                    "and is published from a syndicated feed.)",
                    "content_type": "text/plain",
                    "url": "https://www.ndtv.com/world-news/example",
                    "published_at": "2024-11-10T09:30:00+05:30",
                    "language": "en",
                    "meta": {"feed": "ndtv-world"},
                }
            ]
        },
    )

    schema_version: Literal["1"] = Field("1", description="Wire-contract version of this record.")
    id: str = Field(
        ...,
        min_length=1,
        max_length=MAX_ID_CHARS,
        description="The feed's guid for the item; the key of every output record.",
    )
    source: str = Field(
        ...,
        min_length=1,
        max_length=256,
        description='Outlet or feed id such as "ndtv" or "pti"; learned boilerplate is kept per source.',
    )
    headline: str | None = Field(None, max_length=4096, description="Headline as received, or null.")
    body: str = Field(..., description="Story text as received (plain text or HTML, see content_type).")
    content_type: ContentType = Field(
        "text/plain",
        description="How to read body: plain wire text, an HTML fragment, or a whole wire document "
        "(NITF, NewsML-G2, NewsML 1.2, ninjs, ANPA 1312, RSS, Atom) whose items wirewash maps itself.",
    )
    url: str | None = Field(None, max_length=4096, description="Canonical URL of the story, or null.")
    published_at: datetime | None = Field(
        None, description="Publication time (ISO 8601); relative dates in events resolve against it."
    )
    language: str | None = Field(None, pattern=BCP47, description="BCP-47 language tag, e.g. en or en-IN.")
    meta: dict[str, str] = Field(default_factory=dict, description="Free-form string metadata, passed through.")
    version: int | None = Field(
        None, ge=0, description="Version of the story (higher is newer); an older version never replaces a newer one."
    )
    pubstatus: PubStatus | None = Field(
        None, description="IPTC publishing status: usable, withheld or canceled (canceled retracts the article)."
    )
    signal: Signal | None = Field(
        None, description="What this version is: update, correction, kill (retracts the article), withhold, advisory."
    )
    urgency: int | None = Field(None, ge=1, le=9, description="IPTC urgency, 1 (most urgent) to 9.")
    slugline: str | None = Field(None, max_length=1024, description="The wire slug (keyword) of the story.")
    byline: str | None = Field(None, max_length=1024, description="Byline as the format states it.")
    dateline: str | None = Field(None, max_length=1024, description="Dateline as the format states it.")
    credit: list[str] = Field(default_factory=list, description="Provider and copyright holder named by the format.")

    @field_validator("id", "source")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must contain a non-whitespace character")
        return value

    @field_validator("body")
    @classmethod
    def _body_not_empty(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("body is empty")
        return value
