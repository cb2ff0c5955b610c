"""What the worker may commit, decided by wirewash from the records it handled.

Per input partition the :class:`OffsetLedger` keeps the offset below which every record
has been processed and every output acknowledged by the broker. It is told three things:

* a partition was assigned, with the offset the worker resumes from (the group's committed
  offset, or the earliest offset when there is none);
* a record arrived at the worker (:meth:`OffsetLedger.arrive`, in fetch order);
* a batch of records is done (:meth:`OffsetLedger.complete`, after its outputs were acknowledged).

The commit offset of a partition only moves over offsets that are done, or that the broker
confirmed hold no record (a compacted topic, transaction markers, retention): an offset jump
inside a partition's records is never committed past silently. It is logged (one line, the
partition and the range) and counted, and a background check asks the broker
(:class:`GapCheck`): an empty range is committed past, a range that holds records is read
again. faust's own acked-offset bookkeeping is not consulted (see ``faust_patches``).

Nothing here touches faust or the network except :class:`GapCheck`, so the ledger is
tested with plain record sequences (``tests/unit/test_offsets.py``).
"""

from __future__ import annotations

import logging
import time
from bisect import bisect_right
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("wirewash.offsets")

RECHECK_S = 30.0  # a range that holds records and was not re-read by then is checked (and re-read) again


class _Ranges:
    """Disjoint, sorted, merged half-open ranges of offsets.

    >>> r = _Ranges(); r.add(5, 7); r.add(1, 3); r.add(3, 5); r.spans
    [(1, 7)]
    >>> r.covers(2, 6), r.covers(0, 2), r.end_of_run(1), r.end_of_run(0)
    (True, False, 7, 0)
    """

    __slots__ = ("spans",)

    def __init__(self) -> None:
        self.spans: list[tuple[int, int]] = []

    def add(self, start: int, end: int) -> None:
        if start >= end:
            return
        spans = self.spans
        i = bisect_right(spans, (start, end))
        if i and spans[i - 1][1] >= start:  # touches or overlaps the previous span
            i -= 1
            start = min(start, spans[i][0])
        j = i
        while j < len(spans) and spans[j][0] <= end:
            end = max(end, spans[j][1])
            j += 1
        spans[i:j] = [(start, end)]

    def contains(self, offset: int) -> bool:
        i = bisect_right(self.spans, (offset, float("inf")))
        return bool(i) and self.spans[i - 1][1] > offset

    def covers(self, start: int, end: int) -> bool:
        """Every offset of ``[start, end)`` is in the ranges."""
        if start >= end:
            return True
        i = bisect_right(self.spans, (start, float("inf")))
        return bool(i) and self.spans[i - 1][0] <= start and self.spans[i - 1][1] >= end

    def end_of_run(self, offset: int) -> int:
        """The end of the range that contains ``offset`` (``offset`` itself when none does)."""
        i = bisect_right(self.spans, (offset, float("inf")))
        if i and self.spans[i - 1][0] <= offset < self.spans[i - 1][1]:
            return self.spans[i - 1][1]
        return offset

    def drop_below(self, offset: int) -> None:
        self.spans = [(max(s, offset), e) for s, e in self.spans if e > offset]

    def missing(self, start: int, end: int) -> list[tuple[int, int]]:
        """The parts of ``[start, end)`` not in the ranges."""
        out = []
        at = start
        for s, e in self.spans:
            if e <= at:
                continue
            if s >= end:
                break
            if s > at:
                out.append((at, s))
            at = max(at, e)
        if at < end:
            out.append((at, end))
        return out


@dataclass
class Hole:
    """Offsets ``[start, end)`` of a partition that did not arrive although a later record did."""

    partition: int
    start: int
    end: int
    found_at: float = field(default_factory=time.monotonic)
    state: str = "unchecked"  # unchecked -> checking -> empty | records
    checked_at: float = 0.0


@dataclass(frozen=True)
class Arrival:
    """What the ledger says about a record that arrived."""

    duplicate: bool  # already done in this assignment: its outputs are acknowledged, skip it
    hole: Hole | None = None  # the offsets this record jumped over, when it jumped


class _Partition:
    __slots__ = ("base", "committed", "done", "empty", "expected", "holes")

    def __init__(self, base: int) -> None:
        self.base = base  # every offset below is done: the commit offset
        self.committed = base  # the last offset handed to a commit (the group's offset at assignment)
        self.done = _Ranges()  # done offsets at or above base
        self.empty = _Ranges()  # offsets the broker confirmed hold no record
        self.expected = base  # the offset the next record should have
        self.holes: list[Hole] = []

    def uncovered(self, start: int, end: int) -> list[tuple[int, int]]:
        """The parts of ``[start, end)`` at or above base that are neither done nor confirmed empty."""
        out: list[tuple[int, int]] = []
        for s, e in self.empty.missing(max(start, self.base), end):
            out.extend(self.done.missing(s, e))
        return out

    def advance(self) -> None:
        while True:
            end = max(self.done.end_of_run(self.base), self.empty.end_of_run(self.base))
            if end == self.base:
                break
            self.base = end
        self.done.drop_below(self.base)
        self.empty.drop_below(self.base)
        self.holes = [h for h in self.holes if self.uncovered(h.start, h.end)]


class OffsetLedger:
    """Per input partition: the highest offset below which every record is done.

    ``metrics`` (optional) needs ``offset_jumps`` (a counter labelled by partition).
    """

    def __init__(self, topic: str, metrics: Any = None) -> None:
        self.topic = topic
        self.metrics = metrics
        self.epoch = 0  # bumped by every assignment: a batch that spans one is not marked done
        self._parts: dict[int, _Partition] = {}

    # ------------------------------------------------------------------ assignment

    def assign(self, starts: dict[int, int]) -> None:
        """A new assignment: ``starts`` maps each assigned partition to the offset the worker resumes from."""
        self.epoch += 1
        self._parts = {p: _Partition(int(o)) for p, o in starts.items()}

    def start(self, partition: int, offset: int) -> None:
        """Add one partition to the current assignment (one the assignment did not name)."""
        self._parts[partition] = _Partition(int(offset))

    def revoke(self) -> None:
        """The assignment ended (a rebalance started): nothing is known until the next one."""
        self.epoch += 1
        self._parts = {}

    def knows(self, partition: int) -> bool:
        return partition in self._parts

    def partitions(self) -> list[int]:
        return sorted(self._parts)

    # ------------------------------------------------------------------ records

    def arrive(self, partition: int, offset: int) -> Arrival:
        """A record reached the worker; records of a partition arrive in the order they were fetched."""
        part = self._parts[partition]
        if offset >= part.base and part.done.contains(offset):
            part.expected = offset + 1
            return Arrival(duplicate=True)
        hole = None
        if offset > part.expected:
            gaps = part.uncovered(part.expected, offset)
            if gaps and not any(h.start <= gaps[0][0] and h.end >= gaps[-1][1] for h in part.holes):
                hole = Hole(partition, gaps[0][0], gaps[-1][1])
                part.holes.append(hole)
                self._report(hole, offset)
        part.expected = offset + 1
        return Arrival(duplicate=False, hole=hole)

    def complete(self, partition: int, offsets: Iterable[int], epoch: int | None = None) -> None:
        """These records were processed and their outputs acknowledged."""
        if epoch is not None and epoch != self.epoch:
            return  # the partitions were reassigned meanwhile: the records will be read again
        part = self._parts.get(partition)
        if part is None:
            return
        for o in sorted(offsets):
            if o >= part.base:
                part.done.add(o, o + 1)
        part.advance()

    def confirm_empty(self, hole: Hole, start: int, end: int) -> None:
        """The broker holds no record in ``[start, end)`` (compaction, transaction markers, retention)."""
        part = self._parts.get(hole.partition)
        if part is None:
            return
        part.empty.add(start, end)
        part.advance()

    # ------------------------------------------------------------------ answers

    def committable(self) -> dict[int, int]:
        """Partition -> the offset to commit (every record below it is done)."""
        return {p: part.base for p, part in self._parts.items()}

    def to_commit(self, partitions: Iterable[int] | None = None) -> dict[int, int]:
        """The partitions whose commit offset moved since the last commit, with that offset (marked committed).

        Only progress is committed: an offset the group already has is never sent again. (After a
        memory-only broker restart the group has no offsets; sending the old ones again, say on
        the commit before a rebalance, would skip the new records below them.)
        """
        out = {}
        wanted = None if partitions is None else set(partitions)
        for p, part in self._parts.items():
            if (wanted is None or p in wanted) and part.base > part.committed:
                out[p] = part.committed = part.base
        return out

    def position(self, partition: int) -> int | None:
        part = self._parts.get(partition)
        return None if part is None else part.base

    def missing(self, hole: Hole) -> list[tuple[int, int]]:
        """The parts of ``hole`` still neither done nor confirmed empty."""
        part = self._parts.get(hole.partition)
        return [] if part is None else part.uncovered(hole.start, hole.end)

    def open_holes(self) -> list[Hole]:
        return [h for part in self._parts.values() for h in part.holes if part.uncovered(h.start, h.end)]

    def _report(self, hole: Hole, offset: int) -> None:
        last = hole.end - 1
        log.warning(
            "offset jump in %s[%d]: %s did not arrive before offset %d; not committing past them until "
            "the broker confirms they hold no record",
            self.topic,
            hole.partition,
            _span(hole.start, last),
            offset,
            extra={
                "event": "offset_jump",
                "topic": self.topic,
                "partition": hole.partition,
                "first": hole.start,
                "last": last,
            },
        )
        if self.metrics is not None:
            self.metrics.offset_jumps.labels(str(hole.partition)).inc()


def _span(first: int, last: int) -> str:
    return f"offset {first}" if first == last else f"offsets {first}-{last}"


# ---------------------------------------------------------------------------------- holes


FirstRecord = Callable[[int, int, int], Awaitable[int | None]]  # (partition, start, end) -> first offset or None
Seek = Callable[[int, int], Awaitable[None]]  # (partition, offset)


async def resolve_holes(ledger: OffsetLedger, first_record: FirstRecord, seek: Seek, now: float | None = None) -> int:
    """Ask the broker about every open hole once; returns how many were checked.

    A hole the broker holds no record in is marked empty (the commit may pass it); a hole
    that holds records is read again from its first record (the worker seeks back), and
    checked again after :data:`RECHECK_S` if it is still open then.
    """
    checked = 0
    for hole in ledger.open_holes():
        t = time.monotonic() if now is None else now
        if hole.state == "checking" or (hole.state == "records" and t - hole.checked_at < RECHECK_S):
            continue
        epoch = ledger.epoch
        hole.state = "checking"
        topic = f"{ledger.topic}[{hole.partition}]"
        try:
            for start, end in ledger.missing(hole):
                first = await first_record(hole.partition, start, end)
                if epoch != ledger.epoch:
                    break  # reassigned meanwhile: the new assignment starts from the committed offset
                if first is None:
                    log.info(
                        "%s: the broker holds no record at %s (compacted, transaction markers or deleted); "
                        "committing past them",
                        topic,
                        _span(start, end - 1),
                    )
                    ledger.confirm_empty(hole, start, end)
                    continue
                if first > start:
                    ledger.confirm_empty(hole, start, first)
                log.warning(
                    "%s: the broker holds records at %s that the worker did not receive; reading again from %d",
                    topic,
                    _span(first, end - 1),
                    first,
                )
                await seek(hole.partition, first)  # the rest of the hole is read again too
                break
        except Exception as exc:  # the broker could not answer: ask again on the next round
            hole.state = "unchecked"
            log.warning("could not check offsets %d-%d of %s: %s", hole.start, hole.end - 1, topic, exc)
            continue
        checked += 1
        hole.checked_at = time.monotonic() if now is None else now
        hole.state = "records" if ledger.missing(hole) else "empty"
    return checked


class GapCheck:
    """Asks the broker whether a range of a partition holds records, with a consumer of its own (no group).

    The consumer reads with the worker's isolation level, so records of aborted transactions
    count as absent, as they are for the worker.
    """

    def __init__(self, topic: str, client_kwargs: dict[str, Any], isolation_level: str = "read_uncommitted") -> None:
        self.topic = topic
        self.kwargs = client_kwargs
        self.isolation_level = isolation_level
        self._consumer: Any = None

    async def _ensure(self) -> Any:
        if self._consumer is None:
            from aiokafka import AIOKafkaConsumer

            consumer = AIOKafkaConsumer(
                group_id=None,
                enable_auto_commit=False,
                auto_offset_reset="none",
                isolation_level=self.isolation_level,
                **self.kwargs,
            )
            await consumer.start()
            self._consumer = consumer
        return self._consumer

    async def first_record(self, partition: int, start: int, end: int, timeout: float = 10.0) -> int | None:
        """The offset of the first record in ``[start, end)``, or None when the broker holds none there."""
        from aiokafka import TopicPartition
        from aiokafka.errors import OffsetOutOfRangeError

        consumer = await self._ensure()
        tp = TopicPartition(self.topic, partition)
        consumer.assign([tp])
        consumer.seek(tp, start)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                batch = await consumer.getmany(tp, timeout_ms=500, max_records=1)
            except OffsetOutOfRangeError:  # below the log start: deleted by retention
                earliest = (await consumer.beginning_offsets([tp]))[tp]
                if earliest >= end:
                    return None
                start = max(start, earliest)
                consumer.seek(tp, start)
                continue
            for msgs in batch.values():
                for m in msgs:
                    return m.offset if m.offset < end else None
            if await consumer.position(tp) >= end:  # only control batches / compacted space up to the end
                return None
        raise TimeoutError(f"no answer for offsets {start}-{end - 1} of {self.topic}[{partition}] in {timeout:.0f}s")

    async def close(self) -> None:
        if self._consumer is not None:
            consumer, self._consumer = self._consumer, None
            await consumer.stop()
