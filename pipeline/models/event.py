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

    value: int | float
    unit: str


class Casualties(BaseModel):
    """Casualty figures stated in the event sentence."""

    model_config = ConfigDict(frozen=True)

    killed: int | None = None
    injured: int | None = None
    arrested: int | None = None


class Event(BaseModel):
    """Who did what to whom, how many, where and when; or a speaker-attributed quote."""

    model_config = ConfigDict(extra="forbid")

    schema_version: Literal["1"] = "1"
    id: str = Field(..., description="Deterministic: the same article always yields the same ids.")
    article_id: str
    type: EventType
    mode: str | None = Field(None, description="PLOVER mode, e.g. drone, phone, arrest, seize.")
    actor: Participant | None = None
    recipient: Participant | None = None
    location: Participant | None = None
    date: dt.date | None = Field(None, description="Resolved against published_at; YYYY-MM-DD.")
    date_text: str | None = Field(None, description='The phrase as written, e.g. "overnight".')
    date_precision: Literal["day", "month", "year"] | None = Field(
        None, description="How much of date is known (month/year dates use the first day)."
    )
    quantity: Quantity | None = None
    casualties: Casualties | None = None
    quote: str | None = Field(None, description="Exact quoted text, for STATEMENT and quote-bearing events.")
    sentence: str = Field(..., description="The sentence of the clean body stating the event.")
    start: int = Field(..., ge=0, description="Offset of the sentence in the clean body.")
    end: int = Field(..., ge=0)
    trigger: str = Field(..., description="The word or phrase that signalled the event.")
    rule: str | None = Field(
        None,
        description="Id of the rule that produced it: a trigger of the event lexicon (e.g. assault-launch-fire), "
        "or quote-<how> for a quote (quote-after, quote-before, quote-according, quote-subject, quote-continued).",
    )
    confidence: float = Field(..., ge=0.0, le=1.0)
