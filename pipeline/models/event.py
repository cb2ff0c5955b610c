"""A structured event published to ``wire.events.v1`` (PLOVER v2 categories, or STATEMENT for a quote)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

PLOVER_TYPES = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)
EVENT_TYPES = (*PLOVER_TYPES, "STATEMENT")

EventType = Literal[
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
    "STATEMENT",
]


class Participant(BaseModel):
    """An actor, recipient or place: as written, normalised, and its country."""

    model_config = ConfigDict(frozen=True)

    text: str = Field(..., description="As written in the sentence.")
    name: str = Field(..., description='Fullest form in the article, e.g. "Vladimir Putin".')
    country: str | None = Field(None, description="ISO 3166-1 alpha-3 code, e.g. RUS.")


class Quantity(BaseModel):
    """A count tied to the event, e.g. 145 drones or 6e9 USD."""

    model_config = ConfigDict(frozen=True)

    value: int | float = Field(..., description="The number, e.g. 145 or 6000000000.")
    unit: str = Field(..., description="What is counted, e.g. drones or USD.")


class Casualties(BaseModel):
    """Casualty figures stated in the event sentence."""

    model_config = ConfigDict(frozen=True)

    killed: int | None = Field(None, description="People killed, if stated.")
    injured: int | None = Field(None, description="People injured, if stated.")
    arrested: int | None = Field(None, description="People arrested, if stated.")


class Event(BaseModel):
    """Who did what to whom, how many, where and when; or a speaker-attributed quote."""

    model_config = ConfigDict(extra="forbid")

    schema_version: Literal["1"] = Field("1", description="Wire-contract version of this record.")
    id: str = Field(..., description="Deterministic: the same article always yields the same ids.")
    article_id: str = Field(..., description="The article it was read from (also the Kafka message key).")
    type: EventType = Field(..., description="PLOVER v2 category, or STATEMENT for an attributed quote.")
    mode: str | None = Field(None, description="PLOVER mode, e.g. drone, phone, arrest, seize.")
    actor: Participant | None = Field(None, description="Who acted (for a STATEMENT: the speaker).")
    recipient: Participant | None = Field(None, description="Whom the action was aimed at.")
    location: Participant | None = Field(None, description="Where it happened.")
    date: dt.date | None = Field(None, description="Resolved against published_at; YYYY-MM-DD.")
    date_text: str | None = Field(None, description='The phrase as written, e.g. "overnight".')
    date_precision: Literal["day", "month", "year"] | None = Field(
        None, description="How much of date is known (month/year dates use the first day)."
    )
    quantity: Quantity | None = Field(None, description="A count tied to the event.")
    casualties: Casualties | None = Field(None, description="Casualty figures stated in the sentence.")
    quote: str | None = Field(None, description="Exact quoted text, for STATEMENT and quote-bearing events.")
    sentence: str = Field(..., description="The sentence of the clean body stating the event.")
    start: int = Field(..., ge=0, description="Offset of the sentence in the clean body.")
    end: int = Field(..., ge=0, description="End offset (exclusive) of the sentence in the clean body.")
    trigger: str = Field(..., description="The word or phrase that signalled the event.")
    rule: str | None = Field(
        None,
        description="Id of the rule that produced it: a trigger of the event lexicon (e.g. assault-launch-fire), "
        "or quote-<how> for a quote (quote-after, quote-before, quote-according, quote-subject, quote-continued).",
    )
    confidence: float = Field(..., ge=0.0, le=1.0, description="How sure the extractor is of the event.")
