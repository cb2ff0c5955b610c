"""Plain result types of event extraction (the wire models live in pipeline.models)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class Entity:
    """A participant or place: as written, normalised name, ISO 3166-1 alpha-3 country."""

    text: str
    name: str
    country: str | None = None


@dataclass(slots=True)
class ExtractedEvent:
    """One event or attributed quote found in a clean body (offsets index the clean body)."""

    type: str
    mode: str | None
    sentence: str
    start: int
    end: int
    trigger: str
    confidence: float
    actor: Entity | None = None
    recipient: Entity | None = None
    location: Entity | None = None
    date: date | None = None
    date_text: str | None = None
    date_precision: str | None = None
    quantity: tuple[int | float, str] | None = None
    casualties: dict[str, int] = field(default_factory=dict)
    quote: str | None = None
    rule: str | None = None  # the trigger rule (data/triggers.toml) or quote attribution that produced it

    @property
    def actor_name(self) -> str | None:
        return self.actor.name if self.actor else None

    @property
    def recipient_name(self) -> str | None:
        return self.recipient.name if self.recipient else None
