"""The offset ledger: what the worker may commit, from the records it handled (no faust, no broker)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.service.metrics import Metrics
from pipeline.service.offsets import GapCheck, OffsetLedger, resolve_holes


def _ledger(start: int = 10, metrics: Metrics | None = None) -> OffsetLedger:
    ledger = OffsetLedger("wire.items", metrics)
    ledger.assign({0: start})
    return ledger


def test_the_commit_follows_the_records_done_in_order() -> None:
    ledger = _ledger()
    for o in range(10, 15):
        assert ledger.arrive(0, o).hole is None
    ledger.complete(0, [10, 11])
    assert ledger.committable() == {0: 12}
    ledger.complete(0, [13, 14])  # 12 is still in flight
    assert ledger.committable() == {0: 12}
    ledger.complete(0, [12])
    assert ledger.committable() == {0: 15}


def test_only_progress_is_committed() -> None:
    """An offset the group already has is never sent again (a memory-only broker that restarted has none;
    re-sending the old ones, e.g. on the commit before a rebalance, would skip the new records below them)."""
    ledger = _ledger(10)
    assert ledger.to_commit() == {}  # the resume offset came from the group
    ledger.arrive(0, 10)
    ledger.complete(0, [10])
    assert ledger.to_commit([1]) == {}  # not asked for partition 0
    assert ledger.to_commit() == {0: 11}
    assert ledger.to_commit() == {}
    assert ledger.committable() == {0: 11}


def test_a_jump_is_a_hole_the_commit_waits_at(caplog: pytest.LogCaptureFixture) -> None:
    metrics = Metrics()
    ledger = _ledger(metrics=metrics)
    ledger.arrive(0, 10)
    with caplog.at_level(logging.WARNING, "wirewash.offsets"):
        hole = ledger.arrive(0, 13).hole
    assert hole is not None and (hole.partition, hole.start, hole.end) == (0, 11, 13)
    assert [r.getMessage() for r in caplog.records] == [
        "offset jump in wire.items[0]: offsets 11-12 did not arrive before offset 13; not committing past them "
        "until the broker confirms they hold no record"
    ]
    assert metrics.registry.get_sample_value("wirewash_offset_jumps_total", {"partition": "0"}) == 1
    ledger.complete(0, [10, 13])
    assert ledger.committable() == {0: 11}
    assert [(h.start, h.end) for h in ledger.open_holes()] == [(11, 13)]
    ledger.confirm_empty(hole, 11, 13)  # the broker: nothing there (compaction, transaction markers)
    assert ledger.committable() == {0: 14}
    assert ledger.open_holes() == []


def test_the_first_record_after_an_assignment_must_be_the_resume_offset() -> None:
    ledger = _ledger(544)
    hole = ledger.arrive(0, 545).hole  # the first record after a restart is one late
    assert hole is not None and (hole.start, hole.end) == (544, 545)
    ledger.complete(0, [545])
    assert ledger.committable() == {0: 544}  # faust's head check would have let 546 through


def test_records_read_again_fill_the_hole_and_records_done_are_skipped() -> None:
    ledger = _ledger()
    ledger.arrive(0, 10)
    ledger.arrive(0, 13)
    ledger.complete(0, [10, 13])
    # the worker reads the partition again from 11 (see resolve_holes): 11 and 12 arrive, 13 again
    assert ledger.arrive(0, 11).duplicate is False
    assert ledger.arrive(0, 12).duplicate is False
    assert ledger.arrive(0, 13).duplicate is True  # its outputs were acknowledged: not processed again
    ledger.complete(0, [11, 12])
    assert ledger.committable() == {0: 14}
    assert ledger.open_holes() == []
    assert ledger.arrive(0, 14).hole is None  # the next record follows 13


def test_a_record_below_the_commit_offset_is_processed_again_not_skipped() -> None:
    """Below the committed offset the ledger knows nothing (e.g. a broker that reset the partition): process it."""
    ledger = _ledger(10)
    arrival = ledger.arrive(0, 3)
    assert arrival.duplicate is False and arrival.hole is None
    ledger.complete(0, [3])
    assert ledger.committable() == {0: 10}


def test_a_hole_filled_before_the_check_is_not_checked() -> None:
    ledger = _ledger()
    ledger.arrive(0, 12)
    ledger.arrive(0, 10)  # the fetch went back (a seek) and brought them after all
    ledger.arrive(0, 11)
    ledger.complete(0, [10, 11, 12])
    assert ledger.open_holes() == []
    assert ledger.committable() == {0: 13}


def test_a_batch_that_spans_a_rebalance_does_not_count() -> None:
    ledger = _ledger(10)
    epoch = ledger.epoch
    ledger.arrive(0, 10)
    ledger.revoke()
    assert not ledger.knows(0) and ledger.committable() == {}
    ledger.assign({0: 10})
    ledger.complete(0, [10], epoch)  # processed under the old assignment: read again from the commit offset
    assert ledger.committable() == {0: 10}
    ledger.complete(0, [10], ledger.epoch)
    assert ledger.committable() == {0: 11}


def _run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_resolve_holes_commits_past_an_empty_range_and_reads_records_again(caplog: pytest.LogCaptureFixture) -> None:
    log = {0: [10, 11, 14, 15, 16], 1: [0, 1, 2, 3]}  # partition 0: 12-13 compacted away
    ledger = OffsetLedger("wire.items")
    ledger.assign({0: 10, 1: 0})
    for p, offsets in ((0, [10, 11, 14]), (1, [0, 3])):  # partition 1: 1-2 skipped by the fetch
        for o in offsets:
            ledger.arrive(p, o)
        ledger.complete(p, offsets)
    seeks: list[tuple[int, int]] = []

    async def first_record(partition: int, start: int, end: int) -> int | None:
        return next((o for o in log[partition] if start <= o < end), None)

    async def seek(partition: int, offset: int) -> None:
        seeks.append((partition, offset))

    caplog.clear()
    with caplog.at_level(logging.INFO, "wirewash.offsets"):
        assert _run(resolve_holes(ledger, first_record, seek, now=100.0)) == 2
    assert ledger.committable() == {0: 15, 1: 1}
    assert seeks == [(1, 1)]
    assert [r.getMessage() for r in caplog.records] == [
        "wire.items[0]: the broker holds no record at offsets 12-13 (compacted, transaction markers or deleted); "
        "committing past them",
        "wire.items[1]: the broker holds records at offsets 1-2 that the worker did not receive; reading again from 1",
    ]
    # still open and recently checked: not asked again until RECHECK_S passed
    assert _run(resolve_holes(ledger, first_record, seek, now=110.0)) == 0
    assert _run(resolve_holes(ledger, first_record, seek, now=131.0)) == 1
    assert seeks == [(1, 1), (1, 1)]
    for o in (1, 2):
        ledger.arrive(1, o)
    ledger.complete(1, [1, 2])
    assert ledger.committable() == {0: 15, 1: 4}
    assert ledger.open_holes() == []


def test_resolve_holes_starts_the_commit_at_the_first_record_the_broker_has() -> None:
    """Records at 5-7 were deleted by retention and 8-9 exist: 5-7 are empty, 8-9 are read again."""
    ledger = _ledger(5)
    ledger.arrive(0, 10)
    ledger.complete(0, [10])
    seeks: list[tuple[int, int]] = []

    async def first_record(partition: int, start: int, end: int) -> int | None:
        return 8

    async def seek(partition: int, offset: int) -> None:
        seeks.append((partition, offset))

    _run(resolve_holes(ledger, first_record, seek, now=0.0))
    assert seeks == [(0, 8)] and ledger.committable() == {0: 8}


def test_a_failed_check_is_tried_again() -> None:
    ledger = _ledger(5)
    ledger.arrive(0, 7)

    async def down(partition: int, start: int, end: int) -> int | None:
        raise ConnectionError("broker unreachable")

    async def seek(partition: int, offset: int) -> None:
        raise AssertionError

    assert _run(resolve_holes(ledger, down, seek, now=0.0)) == 0
    assert [h.state for h in ledger.open_holes()] == ["unchecked"]


class _FakeConsumer:
    """Just what GapCheck uses of an AIOKafkaConsumer; ``log`` lists the offsets the broker holds."""

    def __init__(self, log: list[int], log_start: int = 0) -> None:
        self.log = log
        self.log_start = log_start
        self.pos = 0

    def assign(self, tps: list[Any]) -> None:
        pass

    def seek(self, tp: Any, offset: int) -> None:
        self.pos = offset

    async def getmany(self, tp: Any, timeout_ms: int, max_records: int) -> dict[Any, list[Any]]:
        from aiokafka.errors import OffsetOutOfRangeError

        if self.pos < self.log_start:
            raise OffsetOutOfRangeError({tp: self.pos})
        found = [o for o in self.log if o >= self.pos]
        if not found:
            return {}
        self.pos = found[0] + 1
        return {tp: [type("R", (), {"offset": found[0]})()]}

    async def position(self, tp: Any) -> int:
        return self.pos

    async def beginning_offsets(self, tps: list[Any]) -> dict[Any, int]:
        return {tps[0]: self.log_start}


@pytest.mark.parametrize(
    ("log", "log_start", "start", "end", "first"),
    [
        ([3, 4, 5, 6], 0, 4, 6, 4),  # records there
        ([3, 6, 7], 0, 4, 6, None),  # compacted: the next record is past the range
        ([8, 9], 8, 4, 6, None),  # deleted by retention: the log starts past the range
        ([5, 6], 5, 4, 7, 5),  # partly deleted: the first record that is there
    ],
)
def test_the_gap_check_asks_from_the_start_of_the_range(
    log: list[int], log_start: int, start: int, end: int, first: int | None
) -> None:
    check = GapCheck("wire.items", {})
    check._consumer = _FakeConsumer(log, log_start)
    assert _run(check.first_record(0, start, end)) == first


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.booleans(), min_size=1, max_size=40),  # which offsets the broker holds (False: compacted away)
    st.lists(st.integers(0, 4), min_size=1, max_size=60),  # the fetch's misbehaviour, step by step
    st.randoms(use_true_random=False),
)
def test_the_commit_never_passes_a_record_that_was_not_processed(
    present: list[bool], moves: list[int], rnd: Any
) -> None:
    """Whatever the fetch does — skip records, repeat them, jump back — the commit offset never passes
    a record the broker holds that was not processed; and once the holes are resolved and the
    worker has read everything, it reaches the end."""
    start = 100
    log = [start + i for i, keep in enumerate(present) if keep]
    ledger = OffsetLedger("t")
    ledger.assign({0: start})
    processed: set[int] = set()
    position = start
    in_flight: list[int] = []

    def check() -> None:
        committed = ledger.committable()[0]
        assert all(o in processed for o in log if o < committed), (committed, sorted(processed))

    def deliver(offset: int) -> None:
        if not ledger.arrive(0, offset).duplicate:
            in_flight.append(offset)

    def finish_some() -> None:
        rnd.shuffle(in_flight)
        k = rnd.randint(0, len(in_flight))
        done, in_flight[:] = in_flight[:k], in_flight[k:]
        processed.update(done)
        ledger.complete(0, done)

    for move in moves:
        nxt = [o for o in log if o >= position]
        if move == 0 and nxt:  # a record as it should be
            deliver(nxt[0])
            position = nxt[0] + 1
        elif move == 1 and len(nxt) > 1:  # a record skipped by the fetch
            deliver(nxt[1])
            position = nxt[1] + 1
        elif move == 2:  # a seek back
            position = max(start, position - rnd.randint(1, 5))
        elif move == 3:
            finish_some()
        check()

    async def first_record(partition: int, s: int, e: int) -> int | None:
        return next((o for o in log if s <= o < e), None)

    seeks: list[int] = []

    async def seek(partition: int, offset: int) -> None:
        seeks.append(offset)

    def read_from(offset: int) -> None:  # the fetch, behaving: every record from ``offset`` on, in order
        for o in log:
            if o >= offset:
                deliver(o)
        processed.update(in_flight)
        ledger.complete(0, in_flight)
        in_flight.clear()

    # then the fetch behaves: the worker reads to the end and the broker explains every hole
    read_from(position)
    for round_ in range(len(present) + 2):
        check()
        if not ledger.open_holes():
            break
        asyncio.run(resolve_holes(ledger, first_record, seek, now=1e6 * (round_ + 1)))
        for s in seeks:
            read_from(s)
        seeks.clear()
    check()
    assert ledger.open_holes() == []
    assert set(log) <= processed
    assert ledger.committable() == {0: log[-1] + 1 if log else start}
