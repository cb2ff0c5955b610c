"""The commit path without a broker: faust's consumer, as the worker patches it, fed by a fake aiokafka.

These tests reproduce, step by step, how the SIGKILL test lost records (issue 18): the
worker's real app (``build_app``), faust's real ``Consumer`` — its ``getmany``, its
``_drain_messages``, its ``perform_seek``, its ack and commit code, with whatever the worker
installs over them — and the worker's real agent function. Only what faust's consumer thread
would do against a broker is faked (:class:`FakeKafka`: per-partition logs, fetch positions,
a record budget per fetch, commits), and what runs "meanwhile" on faust's main loop is
played by the test in a fixed order, so nothing depends on timing.

The mechanism (seen after a restart when the learned-boilerplate table had to be recovered):

1. after an assignment faust pauses the input partitions while it recovers the table from
   its changelog, but aiokafka keeps fetching every assigned partition from the committed
   offsets;
2. when recovery ends faust pauses the changelog too; a fetch already waiting in faust's
   consumer thread then runs with an *empty* set of active partitions, which aiokafka reads
   as "all partitions", and returns the input records at the committed offset;
3. faust's ``getmany`` (and the worker's copy of it) does not hand on records of a paused
   partition, and does not move the fetch position back: they are skipped;
4. when the input partitions resume, a fetch returns the partition's *next* records while
   faust's seek to the committed offsets is still reading those offsets; faust's read-offset
   bookkeeping, updated by those records after the seek, then drops the re-read records at
   the committed offset as "already read";
5. the records after them are processed and acked; with one record missing, faust's
   ``_new_offset`` head check (off by one) commits past it; with several, the commit sticks.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from types import SimpleNamespace
from typing import Any

import orjson
import pytest
from aiokafka.structs import ConsumerRecord
from faust.types import TP
from mode.utils.locks import Event as ModeEvent

from pipeline.settings import Settings

TOPIC = "cp.items"
P = TP(TOPIC, 3)
CHANGELOG = TP("cp-learned-boilerplate-changelog", 0)


def _value(partition: int, offset: int) -> bytes:
    body = (
        f"NAIROBI, Kenya — The city council approved item {offset} of list {partition} on Monday.\n\nWork starts soon."
    )
    return orjson.dumps({"id": f"p{partition}-{offset}", "source": "cp", "body": body})


class FakeKafka:
    """What faust's consumer thread does against a broker: logs, positions, fetches, commits."""

    def __init__(self, logs: dict[TP, list[int]], committed: dict[TP, int]) -> None:
        self.logs = logs
        self.committed = dict(committed)
        self.positions: dict[TP, int] = {}
        self.budgets: list[int] = []  # records per fetch, in order (then ``budget``)
        self.budget = 5
        self.fetches = 0
        self.before_fetch: dict[int, Any] = {}  # fetch number -> what faust's main loop does while it waits
        self.commits: list[tuple[dict[TP, int], set[tuple[int, int]]]] = []
        self.processed: set[tuple[int, int]] = set()  # (partition, offset) whose outputs were acknowledged

    def record(self, tp: TP, offset: int) -> ConsumerRecord[bytes, bytes]:
        value = _value(tp.partition, offset)
        key = f"p{tp.partition}-{offset}".encode()
        return ConsumerRecord(
            tp.topic, tp.partition, offset, 1_700_000_000_000, 0, key, value, None, len(key), len(value), ()
        )

    async def getmany(self, active_partitions: set[Any] | None, timeout: float) -> dict[Any, list[Any]]:
        """aiokafka's ``fetched_records``: buffered records of the partitions asked for — of all when none are."""
        self.fetches += 1
        hook = self.before_fetch.pop(self.fetches, None)
        if hook is not None:
            await hook()
        budget = self.budgets.pop(0) if self.budgets else self.budget
        out: dict[Any, list[Any]] = {}
        for tp in sorted(self.positions):
            if active_partitions and tp not in active_partitions:
                continue
            offsets = [o for o in self.logs.get(tp, []) if o >= self.positions[tp]][:budget]
            if offsets:
                out[tp] = [self.record(tp, o) for o in offsets]
                self.positions[tp] = offsets[-1] + 1
                budget -= len(offsets)
            if budget <= 0:
                break
        if not out:
            await asyncio.sleep(0.01)
        return out

    def first_record(self, tp: TP, start: int, end: int) -> int | None:
        return next((o for o in self.logs.get(tp, []) if start <= o < end), None)


class Harness:
    """The worker's app and faust consumer wired to a FakeKafka; the agent runs on a fake stream."""

    def __init__(self, kafka: FakeKafka, assigned: set[TP]) -> None:
        from pipeline.service.worker import build_app

        self.kafka = kafka
        self.assigned = assigned
        settings = Settings(
            bootstrap_servers="127.0.0.1:1",
            web_port=0,
            topic_input=TOPIC,
            learn_boilerplate=False,
            extract_events=False,
            track_versions=False,  # the story tables write through faust's producer, which this test fakes
            cluster_duplicates=False,
            batch_size=4,
            batch_wait_ms=5,
        )
        self.settings = settings
        self.app, self.state = build_app(settings)
        self.outputs: list[Any] = []
        self.queue: asyncio.Queue[Any] = asyncio.Queue()
        self.gate: dict[int, asyncio.Event] = {}  # offset -> the callback waits for it before handing on
        self.reached: dict[int, asyncio.Event] = {}
        self._wire()

    def _wire(self) -> None:
        app, kafka = self.app, self.kafka
        producer = SimpleNamespace(send=self._send, flush=_nothing, started=True)

        async def start_producer() -> Any:
            return producer

        app.maybe_start_producer = start_producer  # type: ignore[method-assign]
        app._producer = producer  # faust's commit flushes app.producer first
        app.topics._acking_topics.add(TOPIC)  # faust's conductor does this when it subscribes
        c: Any = app.consumer
        self.consumer = c
        c._getmany = kafka.getmany
        c.assignment = lambda: set(self.assigned)
        c.highwater = lambda tp: max(kafka.logs.get(tp, [-1])) + 1
        c.callback = self._on_message

        async def seek(tp: Any, offset: int) -> None:
            kafka.positions[TP(tp.topic, tp.partition)] = offset

        c._seek = seek

        async def commit(offsets: dict[Any, int]) -> bool:
            snap = {TP(tp.topic, tp.partition): o for tp, o in offsets.items()}
            kafka.committed.update(snap)
            kafka.commits.append((snap, set(kafka.processed)))
            return True

        c._commit = commit

        async def earliest(*tps: Any) -> dict[Any, int]:
            return {tp: kafka.logs[TP(tp.topic, tp.partition)][0] for tp in tps}

        c.earliest_offsets = earliest

        async def committed(tp: Any) -> int | None:
            return kafka.committed.get(TP(tp.topic, tp.partition))

        async def call_thread(fn: Any, *args: Any) -> Any:
            return await fn(*args)

        c._thread._ensure_consumer = lambda: SimpleNamespace(committed=committed)
        c._thread.call_thread = call_thread

    async def _send(self, topic: str, key: Any, value: Any, partition: Any, timestamp: Any, headers: Any) -> Any:
        self.outputs.append((topic, key))
        if topic == self.settings.topic_articles:
            p, o = key.decode()[1:].split("-")  # the article of input p<partition>-<offset>: acknowledged
            self.kafka.processed.add((int(p), int(o)))
        fut = asyncio.get_running_loop().create_future()
        fut.set_result(None)
        return fut

    async def _on_message(self, message: Any) -> None:
        """faust's conductor: hand the message to the agent's stream (the test may hold one back)."""
        gate = self.gate.get(message.offset) if message.topic == TOPIC else None
        if gate is not None and not gate.is_set():
            self.reached.setdefault(message.offset, asyncio.Event()).set()
            await gate.wait()
        message.incref()
        await self.queue.put(message)

    async def seek_to_committed(self, before: Any = None) -> dict[Any, int]:
        """aiokafka's ``seek_to_committed``: read each committed offset (a round trip), then seek there."""
        if before is not None:
            await before()
        out = {}
        for tp in self.assigned:
            offset = self.kafka.committed.get(tp)
            out[tp] = offset
            if offset:
                self.kafka.positions[tp] = offset
        return out

    async def take_events(self, max_: int, within: float) -> Any:
        while True:
            first = await self.queue.get()
            batch = [first]
            while len(batch) < max_ and not self.queue.empty():
                batch.append(self.queue.get_nowait())
            yield [SimpleNamespace(message=m) for m in batch]

    async def ack(self, event: Any) -> bool:
        return bool(event.message.ack(self.consumer))

    async def run(self, scenario: Any, until: Any, timeout: float = 10.0) -> None:
        fetcher = SimpleNamespace(_stopped=ModeEvent())
        stream = SimpleNamespace(take_events=self.take_events, ack=self.ack)
        drain = asyncio.ensure_future(self.consumer._drain_messages(fetcher))
        agent = asyncio.ensure_future(self.app.wirewash_wash.fun(stream))
        try:
            await scenario()
            deadline = asyncio.get_running_loop().time() + timeout
            while not until() and asyncio.get_running_loop().time() < deadline:
                if drain.done():
                    drain.result()
                if agent.done():
                    agent.result()
                await asyncio.sleep(0.02)
                await self.consumer.commit()  # faust's commit timer
            await self.consumer.commit()
        finally:
            fetcher._stopped.set()
            for task in (drain, agent):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    async def rebalance_complete(self) -> None:
        await self.app.on_rebalance_complete.send()

    async def restart_on(self, tp: TP) -> None:
        """A restart's rebalance on ``tp``: paused, revoked, complete, resumed, sought to the committed offset."""
        c = self.consumer
        c.pause_partitions({tp})
        await self.app.on_partitions_revoked.send(set())
        await self.rebalance_complete()
        c.resume_partitions({tp})
        c.seek_to_committed = self.seek_to_committed
        await c.perform_seek()


async def _nothing() -> None:
    return None


def _commits_never_pass_unprocessed(kafka: FakeKafka, tp: TP, start: int) -> None:
    for offsets, processed in kafka.commits:
        if tp in offsets:
            skipped = [o for o in range(start, offsets[tp]) if (tp.partition, o) not in processed]
            assert skipped == [], f"committed {offsets[tp]} past unprocessed offsets {skipped}"


@pytest.mark.parametrize("held", [1, 3])
async def test_records_fetched_during_recovery_are_processed_before_the_commit_passes_them(held: int) -> None:
    """Steps 1-5 of the module docstring; ``held`` records of the partition come back in the paused fetch."""
    log = list(range(544, 560))
    kafka = FakeKafka({P: log}, committed={P: 544})
    h = Harness(kafka, {P, CHANGELOG})
    c = h.consumer
    kafka.positions = {P: 544, CHANGELOG: 0}  # aiokafka starts every assigned partition at its committed offset
    kafka.budgets = [held]  # the rest of that fetch's budget went to other partitions

    async def scenario() -> None:
        c.pause_partitions({P, CHANGELOG})  # faust, on assignment
        await h.app.on_partitions_revoked.send(set())  # the rebalance before this assignment
        c.resume_partitions({CHANGELOG})  # table recovery reads the changelog
        # recovery ends while a fetch waits in the consumer thread: faust pauses the changelog too
        kafka.before_fetch[1] = _call(c.pause_partitions, {CHANGELOG})
        while kafka.fetches < 1:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)  # faust's getmany has gone through that fetch
        c.resume_partitions({CHANGELOG})  # the standby phase resumes the changelog
        await h.rebalance_complete()  # wirewash's after-rebalance handler
        c.resume_partitions({P})  # on_recovery_completed: resume the stream partitions, then seek
        first = log[held] if held < len(log) else log[0]  # the first record a fetch returns now (old code)
        for o in (first, 544):
            h.gate[o] = asyncio.Event()  # hold whichever comes first until faust's seek is done

        async def round_trip() -> None:  # reading the committed offsets takes a while; the fetcher runs meanwhile
            for _ in range(300):
                if h.reached:
                    return
                await asyncio.sleep(0.01)

        c.seek_to_committed = lambda: h.seek_to_committed(round_trip)
        await c.perform_seek()
        for ev in h.gate.values():
            ev.set()

    await h.run(scenario, until=lambda: kafka.committed.get(P) == 560 or len(kafka.processed) == len(log))
    missing = sorted(set(log) - {o for _, o in kafka.processed})
    assert missing == [], f"records never processed: {missing}; committed {kafka.committed[P]}"
    _commits_never_pass_unprocessed(kafka, P, 544)
    assert kafka.committed[P] == 560


def _call(fn: Any, *args: Any) -> Any:
    async def go() -> None:
        fn(*args)

    return go


async def test_a_record_missing_at_the_committed_offset_is_never_committed_past(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """After a restart the first record of a partition does not arrive (whatever skipped it).

    faust's acked-offset bookkeeping commits past it: the next record is only one ahead of
    the committed offset, and its head-gap check lets one missing record through. The worker
    must hold the commit, log the jump, ask the broker, and read the record again.
    """
    log = list(range(544, 552))
    kafka = FakeKafka({P: log}, committed={P: 544})
    h = Harness(kafka, {P})
    c = h.consumer

    async def scenario() -> None:
        await h.restart_on(P)
        kafka.positions[P] = 545  # the fetch starts one record late

    caplog.set_level(logging.INFO)
    await h.run(scenario, until=lambda: len(kafka.processed) >= 7)
    assert {o for _, o in kafka.processed} == set(range(545, 552))
    assert kafka.committed[P] == 544  # not past the record that never arrived
    _commits_never_pass_unprocessed(kafka, P, 544)
    jumps = [r.getMessage() for r in caplog.records if "offset jump" in r.getMessage()]
    assert jumps == [
        "offset jump in cp.items[3]: offset 544 did not arrive before offset 545; not committing past them "
        "until the broker confirms they hold no record"
    ]
    registry = h.app.wirewash_offsets.metrics.registry  # type: ignore[attr-defined]
    assert registry.get_sample_value("wirewash_offset_jumps_total", {"partition": "3"}) == 1

    # the broker says a record is there: the worker reads the partition again from it
    from pipeline.service.offsets import resolve_holes

    ledger = h.app.wirewash_offsets  # type: ignore[attr-defined]

    async def first_record(partition: int, start: int, end: int) -> int | None:
        return kafka.first_record(P, start, end)

    async def seek(partition: int, offset: int) -> None:
        await c.seek(TP(TOPIC, partition), offset)

    async def again() -> None:
        assert await resolve_holes(ledger, first_record, seek) == 1

    caplog.clear()
    await h.run(again, until=lambda: kafka.committed.get(P) == 552 or (3, 544) in kafka.processed)
    assert (3, 544) in kafka.processed
    assert kafka.committed[P] == 552
    _commits_never_pass_unprocessed(kafka, P, 544)
    assert any("reading again from 544" in r.getMessage() for r in caplog.records)


async def test_a_compacted_range_is_committed_past_only_after_the_broker_confirms_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Offsets 546-547 hold no record (compaction, transaction markers): not a loss, but not assumed either."""
    log = [544, 545, 548, 549]
    kafka = FakeKafka({P: log}, committed={P: 544})
    h = Harness(kafka, {P})

    async def scenario() -> None:
        await h.restart_on(P)

    caplog.set_level(logging.INFO)
    await h.run(scenario, until=lambda: len(kafka.processed) >= 4)
    assert kafka.committed[P] == 546  # faust's own gap bookkeeping would have committed 550 without asking
    assert [r.getMessage() for r in caplog.records if "offset jump" in r.getMessage()] == [
        "offset jump in cp.items[3]: offsets 546-547 did not arrive before offset 548; not committing past "
        "them until the broker confirms they hold no record"
    ]
    from pipeline.service.offsets import resolve_holes

    ledger = h.app.wirewash_offsets  # type: ignore[attr-defined]

    async def first_record(partition: int, start: int, end: int) -> int | None:
        return kafka.first_record(P, start, end)

    async def seek(partition: int, offset: int) -> None:
        raise AssertionError("nothing to read again")

    async def confirm() -> None:
        assert await resolve_holes(ledger, first_record, seek) == 1

    await h.run(confirm, until=lambda: kafka.committed.get(P) == 550)
    assert kafka.committed[P] == 550
    assert any("holds no record at offsets 546-547" in r.getMessage() for r in caplog.records)


async def test_after_the_broker_lost_the_groups_offsets_no_partition_resumes_from_an_old_position(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A memory-only broker restarted: partition 1 has no committed offset any more, and partition 0
    has one only because the worker committed progress from its old fetch position before it
    rejoined. Both were being read, so both are read again from the earliest offset."""
    p0, p1 = TP(TOPIC, 0), TP(TOPIC, 1)
    kafka = FakeKafka({p0: list(range(20)), p1: list(range(20))}, committed={p0: 13})
    h = Harness(kafka, {p0, p1})
    h.state.positions.update({0: 13, 1: 12})
    kafka.positions = {p0: 13, p1: 12}
    caplog.set_level(logging.WARNING)
    await h.app.on_partitions_revoked.send(set())
    await h.rebalance_complete()
    assert kafka.positions == {p0: 0, p1: 0}
    assert h.app.wirewash_offsets.committable() == {0: 0, 1: 0}  # type: ignore[attr-defined]
    assert kafka.committed == {p0: 0}  # replaced, so that faust's seek to the committed offsets goes there
    h.consumer.seek_to_committed = h.seek_to_committed
    await h.consumer.perform_seek()
    assert kafka.positions == {p0: 0, p1: 0}
    assert [r.getMessage() for r in caplog.records if "committed offsets" in r.getMessage()] == [
        "the broker has no committed offsets for partitions that were being read (1): it lost the group's "
        "offsets, and those of partitions 0 were committed since, from positions in the old log; re-reading "
        "all of them from the earliest offset (cp.items[0] 13->0, cp.items[1] 12->0)"
    ]
