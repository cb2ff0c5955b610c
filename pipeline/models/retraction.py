"""A retraction published to ``wire.events.v1``: drop the events of an article you hold."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Retraction(BaseModel):
    """Tells consumers of the events topic to drop every event of ``article_id`` received before it.

    Sent, keyed by the article id like its events, when a story is killed or canceled (the
    articles topic gets a tombstone for the id at the same time) and when a newer version of a
    story replaces one whose events were published (the new version's events follow it).
    Its ``ce_type`` header is ``org.wirewash.retraction.v1``; its ``kind`` field is ``retraction``.
    """

    model_config = ConfigDict(extra="forbid")

    schema_version: Literal["1"] = Field("1", description="Wire-contract version of this record.")
    kind: Literal["retraction"] = Field(
        "retraction", description="Always retraction: tells a Retraction from an Event on the events topic."
    )
    article_id: str = Field(..., description="The article whose events are withdrawn.")
    reason: Literal["canceled", "killed", "superseded"] = Field(
        ...,
        description="canceled/killed: the story is withdrawn (tombstone on the articles topic); "
        "superseded: a newer version replaces it and its events follow.",
    )
    version: int | None = Field(None, description="The version that caused the retraction, if known.")
    retracted_at: datetime = Field(..., description="When wirewash published the retraction.")
    pipeline_version: str = Field(..., description="The wirewash version that published it.")
