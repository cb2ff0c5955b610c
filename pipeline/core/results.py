"""The cleaner's result types: what :func:`pipeline.core.clean.clean_body` returns.

Plain dataclasses, kept out of the compiled build (``setup.py``): callers serialise them as they
please, and orjson reads a compiled class's unboxed fields (a ``float``) as object pointers and
crashes the process.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Removed:
    rule: str
    text: str
    start: int
    end: int
    score: float | None = None  # a scored rule's probability that the passage is boilerplate
    features: tuple[str, ...] = ()  # ... and the features that weighed most


@dataclass(frozen=True, slots=True)
class Changed:
    rule: str
    start: int
    end: int
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class Flag:
    rule: str
    kind: str
    text: str
    start: int
    end: int
    action: str
    suggestion: str | None
    confidence: float


@dataclass(frozen=True, slots=True)
class Span:
    text: str
    start: int
    end: int


@dataclass
class CleanResult:
    """Everything the cleaner knows about one body."""

    body: str
    headline: str | None
    removed: list[Removed] = field(default_factory=list)
    changes: list[Changed] = field(default_factory=list)
    artefacts: list[Flag] = field(default_factory=list)
    subheads: list[Span] = field(default_factory=list)
    dateline: str | None = None
    byline: str | None = None
    credit: list[str] = field(default_factory=list)
    syndicated: bool = False
    fingerprints: list[str] = field(default_factory=list)
    word_count: int = 0
    language: str | None = None  # the declared language's primary tag, or the detected one
    language_detected: bool = False  # ``language`` was detected (none was declared)
    limits: list[tuple[str, int, str]] = field(default_factory=list)  # (rule id, limit, what was left undone)
