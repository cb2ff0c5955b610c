"""One FeedItem in, one CleanArticle and its Events out, as wire dictionaries.

Shared by the worker and ``wirewash clean`` so that both produce byte-identical records
(apart from ``processed_at``). Output dictionaries follow the pydantic models in
:mod:`pipeline.models` field for field; tests validate them against the models.
"""

from __future__ import annotations

import gc
import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pipeline import SCHEMA_VERSION, __version__
from pipeline.core.clean import CleanResult, Removed, clean_body
from pipeline.core.doc import LearnedLookup
from pipeline.core.events import Entity, ExtractedEvent, extract_events
from pipeline.formats.detect import looks_like_html
from pipeline.models import FeedItem

#: Languages the event extractor reads (its lexicons and clause layer are English).
EVENT_LANGUAGES = ("en",)
_EVENT_NAMESPACE = uuid.UUID("0b6f2c43-3f5a-4d6e-8f7e-776972657776")


@dataclass
class Processed:
    """The records one item produces, plus what the learned-boilerplate memory needs."""

    article: dict[str, Any]
    events: list[dict[str, Any]]
    fingerprints: list[str] = field(default_factory=list)
    result: CleanResult | None = None


def _removal(r: Removed) -> dict[str, Any]:
    out: dict[str, Any] = {"rule": r.rule, "text": r.text, "start": r.start, "end": r.end}
    if r.score is not None:
        out["score"] = r.score
        out["features"] = list(r.features)
    return out


def content_hash(headline: str | None, body: str) -> str:
    """sha256 over the published headline and body.

    >>> content_hash("H", "B")[:12]
    '40a406654802'
    """
    return hashlib.sha256(f"{headline or ''}\n\n{body}".encode()).hexdigest()


def _entity(e: Entity | None) -> dict[str, Any] | None:
    if e is None:
        return None
    return {"text": e.text, "name": e.name, "country": e.country}


_NAMESPACE_BYTES = _EVENT_NAMESPACE.bytes


def _uuid5(name: str) -> str:
    """``str(uuid.uuid5(_EVENT_NAMESPACE, name))`` without building a UUID object (one per event).

    >>> _uuid5("a\x1fb") == str(uuid.uuid5(_EVENT_NAMESPACE, "a\x1fb"))
    True
    """
    b = bytearray(hashlib.sha1(_NAMESPACE_BYTES + name.encode()).digest()[:16])
    b[6] = (b[6] & 0x0F) | 0x50  # version 5
    b[8] = (b[8] & 0x3F) | 0x80  # RFC 4122 variant
    x = b.hex()
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"


def event_id(article_id: str, ev: ExtractedEvent) -> str:
    """Deterministic: the same article always yields the same event ids (a UUID 5 of its key)."""
    key = "\x1f".join([article_id, ev.type, ev.mode or "", str(ev.start), str(ev.end), ev.trigger, ev.quote or ""])
    return _uuid5(key)


def event_dict(article_id: str, ev: ExtractedEvent) -> dict[str, Any]:
    casualties = None
    if ev.casualties:
        casualties = {
            "killed": ev.casualties.get("killed"),
            "injured": ev.casualties.get("injured"),
            "arrested": ev.casualties.get("arrested"),
        }
    return {
        "schema_version": SCHEMA_VERSION,
        "id": event_id(article_id, ev),
        "article_id": article_id,
        "type": ev.type,
        "mode": ev.mode,
        "actor": _entity(ev.actor),
        "recipient": _entity(ev.recipient),
        "location": _entity(ev.location),
        "date": ev.date.isoformat() if ev.date else None,
        "date_text": ev.date_text,
        "date_precision": ev.date_precision,
        "quantity": {"value": ev.quantity[0], "unit": ev.quantity[1]} if ev.quantity else None,
        "casualties": casualties,
        "quote": ev.quote,
        "sentence": ev.sentence,
        "start": ev.start,
        "end": ev.end,
        "trigger": ev.trigger,
        "rule": ev.rule,
        "confidence": ev.confidence,
    }


def body_type(item: FeedItem) -> str:
    """How to read the body: an HTML body sent as text/plain is read as HTML (its tags never pass through).

    >>> body_type(FeedItem(id="a", source="s", body="<p>Text</p><script>x()</script>"))
    'text/html'
    """
    if item.content_type == "text/plain" and looks_like_html(item.body):
        return "text/html"
    return "text/html" if item.content_type == "text/html" else "text/plain"


def process_item(
    item: FeedItem,
    now: datetime,
    learned: LearnedLookup | None = None,
    extract: bool = True,
    drops: Sequence[tuple[int, int, str]] = (),
) -> Processed:
    """Clean one item and extract its events (pure apart from ``now``, which is passed in).

    ``drops`` are spans of the body its wire format marks as not for publication (rule ids
    included); the cleaner removes and records them (see :mod:`pipeline.formats`).
    """
    result = clean_body(item.body, body_type(item), item.headline, learned, drops=drops, language=item.language)
    events: list[dict[str, Any]] = []
    events_skipped = None
    if extract and result.body and result.language not in (None, *EVENT_LANGUAGES):
        events_skipped = f"language {result.language}: event extraction reads English only"
    elif extract and result.body:
        seen: set[str] = set()
        for ev in extract_events(
            result.body,
            item.published_at,
            headline=result.headline,
            subheads=[(s.start, s.end) for s in result.subheads],
            dateline=result.dateline,
        ):
            d = event_dict(item.id, ev)
            if d["id"] not in seen:
                seen.add(d["id"])
                events.append(d)
    article = {
        "schema_version": SCHEMA_VERSION,
        "id": item.id,
        "source": item.source,
        "url": item.url,
        "published_at": item.published_at,
        "language": item.language or result.language,
        "language_detected": result.language_detected,
        "events_skipped": events_skipped,
        "headline": result.headline,
        "body": result.body,
        "dateline": item.dateline or result.dateline,
        "byline": item.byline or result.byline,
        "credit": list(dict.fromkeys([*item.credit, *result.credit])),
        "syndicated": result.syndicated,
        "subheads": [{"text": s.text, "start": s.start, "end": s.end} for s in result.subheads],
        "removed": [_removal(r) for r in result.removed],
        "artefacts": [
            {
                "rule": a.rule,
                "kind": a.kind,
                "text": a.text,
                "start": a.start,
                "end": a.end,
                "action": a.action,
                "suggestion": a.suggestion,
                "confidence": a.confidence,
            }
            for a in result.artefacts
        ],
        "changes": [
            {"rule": c.rule, "start": c.start, "end": c.end, "before": c.before, "after": c.after}
            for c in result.changes
        ],
        "limits_reached": [{"rule": r, "limit": n, "note": note} for r, n, note in result.limits],
        "content_hash": content_hash(result.headline, result.body),
        "word_count": result.word_count,
        "event_count": len(events),
        "processed_at": now,
        "pipeline_version": __version__,
        "version": item.version,
        "pubstatus": item.pubstatus,
        "signal": item.signal,
        "urgency": item.urgency,
        "slugline": item.slugline,
        "cluster_id": None,
        "duplicate_of": None,
    }
    return Processed(article=article, events=events, fingerprints=result.fingerprints, result=result)


_WARM_UP = FeedItem(
    id="warm-up",
    source="wirewash",
    headline="Russia launches 145 drones at Ukraine",
    body=(
        "KYIV (Reuters) - Russia launched 145 drones at Ukraine overnight, the air force said on Sunday. "
        "Was done.\n\n“We shot down 120 of them,” said Ihnat, a spokesman.\n\n"
        "(Reporting by A. Writer; Editing by B. Editor)"
    ),
)


def warm_up() -> None:
    """Run the core once so that its lexicons, automata and gazetteer are built before the first real item,
    then take all that (it lives as long as the process) out of the garbage collector's scans.

    Without :func:`gc.freeze` every full collection walks the lexicons' sets and dictionaries
    again: about 2% of event extraction's instructions (callgrind, bench articles).

    It also raises the collector's young-generation threshold to :data:`YOUNG_GC_THRESHOLD`
    (Python's default is 700). The core's objects die by reference counting; what a young
    collection finds is the article in progress, some 3,700 live objects walked and kept (a
    quarter of a millisecond, every 20 articles or so, each pass evicting the cache lines the
    article was using). Cyclic garbage still goes, a little later: a process-wide setting, made
    here because only a worker (and the bench that stands for it) warms the core up.
    """
    process_item(_WARM_UP, datetime(2025, 1, 1, tzinfo=UTC))
    gc.freeze()
    young, *older = gc.get_threshold()
    gc.set_threshold(max(young, YOUNG_GC_THRESHOLD), *older)


#: The garbage collector's young-generation threshold in a warmed-up worker (see :func:`warm_up`).
YOUNG_GC_THRESHOLD = 10_000
