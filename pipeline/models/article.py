"""The cleaned article published to ``wire.articles.v1``."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ArtefactKind = Literal[
    "stray_fragment",
    "calque",
    "broken_quote",
    "bad_case",
    "untranslated",
    "duplicate_sentence",
    "other",
]


class Removal(BaseModel):
    """A passage the cleaner removed; offsets index the *received* body."""

    model_config = ConfigDict(frozen=True)

    rule: str = Field(..., description="Stable rule id, e.g. B001-ndtv-syndicated.")
    text: str = Field(..., description="Exactly received_body[start:end].")
    start: int = Field(..., ge=0, description="Offset of the passage in the received body.")
    end: int = Field(..., ge=0, description="End offset (exclusive) in the received body.")
    score: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="For a scored rule (B200/B201): the probability that the passage is boilerplate.",
    )
    features: list[str] | None = Field(
        None, description="For a scored rule: the features that weighed most towards removing it, strongest first."
    )


class Change(BaseModel):
    """A normalisation that rewrote text (mojibake, NFC, HTML entities...); offsets index the received body.

    Characters deleted outright (control and invisible characters) are removals, not changes.
    """

    model_config = ConfigDict(frozen=True)

    rule: str = Field(..., description="Stable rule id, e.g. N002-mojibake.")
    start: int = Field(..., ge=0, description="Offset of the rewritten text in the received body.")
    end: int = Field(..., ge=0, description="End offset (exclusive) in the received body.")
    before: str = Field(..., description="received_body[start:end].")
    after: str = Field(..., description="What the cleaner wrote instead.")


class Artefact(BaseModel):
    """A machine-translation artefact, removed (high confidence) or flagged; offsets index the received body."""

    model_config = ConfigDict(frozen=True)

    rule: str = Field(..., description="Stable rule id, e.g. A001-stray-auxiliary.")
    kind: ArtefactKind = Field(..., description="What kind of artefact.")
    text: str = Field(..., description="Exactly received_body[start:end].")
    start: int = Field(..., ge=0, description="Offset of the artefact in the received body.")
    end: int = Field(..., ge=0, description="End offset (exclusive) in the received body.")
    action: Literal["removed", "flagged"] = Field(
        ..., description="removed: cut from the clean body (high confidence); flagged: left in the copy."
    )
    suggestion: str | None = Field(None, description="Suggested replacement; empty string means delete.")
    confidence: float = Field(..., ge=0.0, le=1.0, description="How sure the rule is that this is an artefact.")


class Subhead(BaseModel):
    """A crosshead recognised in the clean body; offsets index the clean body."""

    model_config = ConfigDict(frozen=True)

    text: str = Field(..., description="The crosshead as it stands in the clean body.")
    start: int = Field(..., ge=0, description="Offset of the crosshead in the clean body.")
    end: int = Field(..., ge=0, description="End offset (exclusive) in the clean body.")


class LimitReached(BaseModel):
    """A per-article limit a rule reached: findings past it were neither removed nor flagged."""

    model_config = ConfigDict(frozen=True)

    rule: str = Field(..., description="The rule whose limit was reached, e.g. A001-stray-auxiliary.")
    limit: int = Field(..., ge=0, description="The most findings the rule makes in one article.")
    note: str = Field(..., description="What was left undone.")


class Duplicate(BaseModel):
    """The earlier article this one repeats (another outlet's copy of the same story)."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(..., description="Id of the most similar earlier article of the cluster.")
    similarity: float = Field(
        ..., ge=0.0, le=1.0, description="Estimated share of the shorter body's word 5-grams found in the other."
    )


class CleanArticle(BaseModel):
    """A feed item after cleaning: story text only, with a record of everything the cleaner did."""

    model_config = ConfigDict(extra="forbid")

    schema_version: Literal["1"] = Field("1", description="Wire-contract version of this record.")
    id: str = Field(..., description="The FeedItem id (also the Kafka message key).")
    source: str = Field(..., description="The FeedItem source (outlet or feed id).")
    url: str | None = Field(None, description="The FeedItem url.")
    published_at: datetime | None = Field(None, description="The FeedItem (or wire document) publication time.")
    language: str | None = Field(
        None, description="BCP-47 language tag: the item's, or the primary tag wirewash detected when it gave none."
    )
    language_detected: bool = Field(False, description="True when `language` was detected by wirewash (CLD2).")
    events_skipped: str | None = Field(
        None, description="Why no events were extracted, e.g. 'language ko: event extraction reads English only'."
    )
    headline: str | None = Field(None, description="Normalised headline.")
    body: str = Field(..., description="Clean story text; paragraphs separated by one blank line.")
    dateline: str | None = Field(None, description='Dateline as written, e.g. "MOSCOW (Reuters) -".')
    byline: str | None = Field(None, description="Author or desk named in a byline, if any.")
    credit: list[str] = Field(default_factory=list, description='Agencies credited, e.g. ["PTI"].')
    syndicated: bool = Field(False, description="True when a syndication disclaimer was present.")
    subheads: list[Subhead] = Field(default_factory=list, description="Crossheads kept in the clean body.")
    removed: list[Removal] = Field(
        default_factory=list,
        description="Every passage removed (boilerplate, stray fragments, control and invisible characters...), "
        "in body order, offsets in the received body.",
    )
    artefacts: list[Artefact] = Field(
        default_factory=list, description="Machine-translation artefacts found, removed or flagged."
    )
    changes: list[Change] = Field(
        default_factory=list,
        description="Normalisation rewrites (mojibake, Unicode composition, HTML entities), in body order; "
        "deleted characters are in removed.",
    )
    limits_reached: list[LimitReached] = Field(
        default_factory=list,
        description="Per-article limits a rule reached (stray fragments: 200); empty for nearly every article.",
    )
    content_hash: str = Field(..., description="sha256 hex of headline and body as published here.")
    word_count: int = Field(..., ge=0, description="Words in the clean body.")
    event_count: int = Field(0, ge=0, description="How many Event records follow on the events topic.")
    processed_at: datetime = Field(..., description="When wirewash cleaned it.")
    pipeline_version: str = Field(..., description="The wirewash version that cleaned it.")
    version: int | None = Field(None, ge=0, description="Story version, from the FeedItem or the wire format.")
    pubstatus: Literal["usable", "withheld", "canceled"] | None = Field(None, description="IPTC publishing status.")
    signal: Literal["update", "correction", "kill", "withhold", "advisory"] | None = Field(
        None, description="What this version is (update, correction...)."
    )
    urgency: int | None = Field(None, ge=1, le=9, description="IPTC urgency, 1 (most urgent) to 9.")
    slugline: str | None = Field(None, description="The wire slug of the story.")
    cluster_id: str | None = Field(
        None, description="Id of the earliest article of its duplicate cluster (its own id when it is the first)."
    )
    duplicate_of: Duplicate | None = Field(None, description="The earlier article this one repeats, if any.")
