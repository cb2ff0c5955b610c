"""Per-record handling: bytes in, output records out. Never raises for a bad record.

The handler is the whole of the worker's logic apart from Kafka I/O, so it is tested
without a broker: decode (or dead-letter), clean and extract with the pure core, encode
with headers. Every failure becomes a dead-letter record carrying the original bytes.
"""

from __future__ import annotations

import contextlib
import logging
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pipeline.cluster import Clusterer
from pipeline.codec import (
    DecodeError,
    Headers,
    Limits,
    Source,
    article_ce_id,
    dead_letter,
    decode_item,
    dlq_headers,
    dumps,
    frame,
    now_utc,
    output_headers,
)
from pipeline.intake import Intake, decode_record
from pipeline.learning import LearnedMemory
from pipeline.models import ErrorCode, FeedItem
from pipeline.process import Processed, process_item
from pipeline.service.metrics import Metrics
from pipeline.service.retract import assign_cluster, retraction_records
from pipeline.service.versions import VersionLedger, without_memory
from pipeline.settings import Settings

log = logging.getLogger("wirewash.worker")


@dataclass(slots=True)
class OutRecord:
    topic: str
    key: bytes | None
    value: bytes | None  # None: a tombstone (a killed article on the compacted articles topic)
    headers: Headers
    origin: tuple[Source, bytes | None] | None = None  # the input it came from (None for dead letters)


@dataclass
class Outcome:
    """What one input record produced."""

    records: list[OutRecord] = field(default_factory=list)
    item_id: str | None = None
    error_code: str | None = None
    seconds: float = 0.0


class Handler:
    """Decode, process and encode one input record."""

    def __init__(
        self,
        settings: Settings,
        memory: LearnedMemory | None = None,
        metrics: Metrics | None = None,
        clock: Callable[[], datetime] = now_utc,
        schema_ids: dict[str, int] | None = None,
        versions: VersionLedger | None = None,
        clusters: Clusterer | None = None,
        logger: logging.Logger | None = None,
    ):
        self.log = logger or log  # `wirewash clean` logs as itself, not as the worker
        self.versions = versions
        self.clusters = clusters
        self.settings = settings
        self.memory = memory
        self.metrics = metrics
        self.clock = clock
        self.limits = Limits(settings.max_message_bytes, settings.max_body_chars)
        self.schema_ids = schema_ids or {}
        self.topics = settings.topics()
        self._memory_failures = 0
        self._memory_failure_logged = -1e9

    def _encode(self, role: str, payload: bytes) -> bytes:
        sid = self.schema_ids.get(role)
        return frame(payload, sid) if self.settings.schema_registry_framing and sid is not None else payload

    def handle(self, src: Source, value: bytes | None) -> Outcome:
        t0 = time.perf_counter()
        out = Outcome()
        if self.metrics:
            self.metrics.items_in.inc()
        # a record is FeedItem JSON or a wire document with several items (pipeline.intake)
        for got in decode_record(value, src.headers, src.key, self.limits):
            if isinstance(got, DecodeError):
                out.records.append(self._dead(got, value, src))
                out.item_id = out.item_id or got.item_id
                out.error_code = out.error_code or got.code.value
                continue
            item = got.item
            out.item_id = out.item_id or item.id
            try:
                out.records.extend(self._item_records(got, (src, value)))
            except Exception as exc:  # a bug in the core must not stop the stream: dead-letter the record
                self.log.exception(
                    "processing failed",
                    extra={
                        "item_id": item.id,
                        "topic": src.topic,
                        "partition": src.partition,
                        "offset": src.offset,
                    },
                )
                failure = DecodeError(
                    ErrorCode.PROCESSING_ERROR,
                    f"{type(exc).__name__}: {exc}"[:2000],
                    item_id=item.id,
                    exc_class=f"{type(exc).__module__}.{type(exc).__qualname__}",
                )
                out.records.append(self._dead(failure, value, src))
                out.error_code = out.error_code or failure.code.value
        out.seconds = time.perf_counter() - t0
        if self.metrics:
            self.metrics.processing.observe(out.seconds)
        return out

    def _item_records(self, got: Intake, origin: tuple[Source, bytes | None]) -> list[OutRecord]:
        """Versions and kills decide what an item publishes (pipeline.service.versions)."""
        item = got.item
        decision = self.versions.decide(item) if self.versions is not None else without_memory(item)
        if decision.action == "stale":
            assert self.versions is not None
            self.versions.record(item, decision)
            return []
        if decision.action == "retract":
            recs = retraction_records(self, item, decision, origin)
        else:
            processed = self._process(item, got.drops)
            if self.clusters is not None:
                assign_cluster(self.clusters, processed.article, self.clock())
            recs = self._records(item, processed, origin)
            if decision.superseded:
                recs.insert(0, retraction_records(self, item, decision, origin)[1])
        if self.versions is not None:
            self.versions.record(item, decision)
        return recs

    def _process(self, item: FeedItem, drops: list[tuple[int, int, str]] | None = None) -> Processed:
        learned = None
        if self.memory is not None and self.settings.learn_boilerplate:
            learned = self.memory.lookup(item.source, item.id)
        processed = process_item(
            item, self.clock(), learned=learned, extract=self.settings.extract_events, drops=drops or ()
        )
        if self.memory is not None and self.settings.learn_boilerplate and processed.fingerprints:
            try:
                self.memory.record(item.source, item.id, processed.fingerprints)
            except Exception as exc:  # the memory is an optimisation: never fail an item for it
                self._memory_failed(exc, item.id)
        if self.metrics:
            m = self.metrics
            for r in processed.article["removed"]:
                m.removals.labels(r["rule"]).inc()
                if r["rule"].startswith("L0"):
                    m.learned_removals.inc()
            for a in processed.article["artefacts"]:
                m.artefacts.labels(a["kind"], a["action"]).inc()
        return processed

    def undeliverable(self, rec: OutRecord, reason: str) -> OutRecord:
        """The dead letter for an input whose output the broker refused for good (e.g. too large)."""
        assert rec.origin is not None
        src, value = rec.origin
        err = DecodeError(
            ErrorCode.OUTPUT_TOO_LARGE,
            f"{rec.topic} refused a {len(rec.value or b'')}-byte record: {reason}"[:2000],
            exc_class="aiokafka.errors.MessageSizeTooLargeError",
        )
        with contextlib.suppress(DecodeError):
            err.item_id = rec.key.decode("utf-8", "replace") if rec.key else decode_item(value, self.limits).id
        return self._dead(err, value, src)

    def _memory_failed(self, exc: Exception, item_id: str) -> None:
        if self.metrics:
            self.metrics.learn_errors.inc()
        self._memory_failures += 1
        now = time.monotonic()
        if now - self._memory_failure_logged >= 30.0:
            frames = traceback.extract_tb(exc.__traceback__) if exc.__traceback__ else []
            where = f" (at {Path(frames[-1].filename).name}:{frames[-1].lineno} in {frames[-1].name})" if frames else ""
            self.log.warning(
                "learned-boilerplate memory not updated (%d times since the last report): %s: %s%s",
                self._memory_failures,
                type(exc).__name__,
                exc,
                where,
                extra={"item_id": item_id},
            )
            self._memory_failure_logged = now
            self._memory_failures = 0

    def _records(self, item: FeedItem, p: Processed, origin: tuple[Source, bytes | None]) -> list[OutRecord]:
        key = item.id.encode("utf-8")
        t = p.article["processed_at"]
        source = self.settings.cloudevents_source
        art = p.article
        recs = [
            OutRecord(
                self.topics["articles"],
                key,
                self._encode("articles", dumps(art)),
                output_headers("article", article_ce_id(item.id, art["content_hash"]), item.id, t, source),
                origin,
            )
        ]
        for ev in p.events:
            recs.append(
                OutRecord(
                    self.topics["events"],
                    key,
                    self._encode("events", dumps(ev)),
                    output_headers("event", ev["id"], item.id, t, source),
                    origin,
                )
            )
        if self.metrics:
            self.metrics.articles_out.inc()
            for ev in p.events:
                self.metrics.events_out.labels(ev["type"]).inc()
        return recs

    def _dead(self, err: DecodeError, value: bytes | None, src: Source) -> OutRecord:
        t = self.clock()
        dl = dead_letter(err, value, src, t, self.settings.dlq_max_original_bytes)
        if self.metrics:
            self.metrics.dlq.labels(err.code.value).inc()
        self.log.warning(
            "dead letter: %s",
            err.message[:300],
            extra={
                "error_code": err.code.value,
                "item_id": err.item_id,
                "topic": src.topic,
                "partition": src.partition,
                "offset": src.offset,
            },
        )
        payload = dumps(dl.model_dump(mode="json"))
        return OutRecord(
            self.topics["dlq"],
            src.key,
            self._encode("dlq", payload),
            dlq_headers(err, src, t, self.settings.cloudevents_source),
        )
