"""``wirewash replay``: re-publish dead letters' original records to the input topic."""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer
from pydantic import ValidationError

from pipeline.client import Publisher, loads_json
from pipeline.models import DeadLetter
from pipeline.settings import Settings


@dataclass
class ReplayResult:
    replayed: int = 0
    skipped: int = 0
    unreplayable: int = 0
    failed: int = 0
    lines: list[str] = field(default_factory=list)


async def replay_dead_letters(
    s: Settings,
    codes: set[str],
    ids: set[str],
    offsets: set[int],
    limit: int | None = None,
    dry_run: bool = False,
    idle: float = 3.0,
    partitions: set[int] | None = None,
) -> ReplayResult:
    """Read the whole DLQ (no consumer group) and re-publish the chosen originals.

    A dead letter is chosen when it matches every filter given: its error code, its item id, its
    DLQ partition and its DLQ offset (an offset alone matches that offset in every partition).

    Raises :class:`~pipeline.client.BrokerError` (one line) when the broker cannot be used.
    """
    from pipeline.client import probe_broker

    res = ReplayResult()
    await probe_broker(s)
    consumer = AIOKafkaConsumer(
        s.topic_dlq,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        **s.kafka_client_kwargs(),
    )
    chosen: list[tuple[int, int, DeadLetter]] = []
    try:
        await consumer.start()
        last = time.monotonic()
        while time.monotonic() - last < idle:
            batch = await consumer.getmany(timeout_ms=300)
            for msgs in batch.values():
                for m in msgs:
                    last = time.monotonic()
                    try:
                        dl = DeadLetter.model_validate(loads_json(m.value))
                    except (ValidationError, ValueError):
                        res.skipped += 1
                        continue
                    if codes and dl.error_code.value not in codes:
                        res.skipped += 1
                        continue
                    if ids and (dl.item_id or "") not in ids:
                        res.skipped += 1
                        continue
                    if partitions and m.partition not in partitions:
                        res.skipped += 1
                        continue
                    if offsets and m.offset not in offsets:
                        res.skipped += 1
                        continue
                    if dl.original_truncated:
                        res.unreplayable += 1
                        res.lines.append(
                            f"dlq partition {m.partition} offset {m.offset}: original truncated "
                            f"({dl.original_size} bytes), cannot replay"
                        )
                        continue
                    chosen.append((m.partition, m.offset, dl))
    finally:
        await consumer.stop()
    # a record dead-lettered twice (at-least-once redelivery) is replayed once
    seen: set[tuple[str | None, str]] = set()
    unique = []
    for part, off, dl in chosen:
        ident = (dl.original_key, dl.original_sha256)
        if ident in seen:
            res.skipped += 1
            continue
        seen.add(ident)
        unique.append((part, off, dl))
    chosen = unique
    if limit is not None:
        chosen = chosen[:limit]
    if dry_run:
        for part, off, dl in chosen:
            res.lines.append(f"dlq partition {part} offset {off}: {dl.error_code.value} item {dl.item_id!r}")
        res.replayed = len(chosen)
        return res
    async with Publisher(settings=s) as pub:
        for part, off, dl in chosen:
            value = base64.b64decode(dl.original_value)
            key = base64.b64decode(dl.original_key) if dl.original_key else None
            # where the dead letter is: the DLQ's own partition and offset
            headers = [("wirewash.replayed-from", f"{s.topic_dlq}:{part}:{off}".encode())]
            d = await pub.send_raw(value, key, headers)
            if d.ok:
                res.replayed += 1
            else:
                res.failed += 1
                res.lines.append(f"dlq partition {part} offset {off}: not delivered: {d.error}")
    return res
