"""Every patch of faust-streaming and aiokafka, and every reach into their private attributes.

Nothing else in wirewash touches a private attribute of faust, mode or aiokafka. Each
patch below says why it exists. They were written against, and are tested with, the
versions in :data:`TESTED` — ``pyproject.toml`` pins exactly those, and
``tests/unit/test_faust_patches.py`` fails when the installed versions differ, because a
patch of a private method is only known to be right for the code it was read against.
The worker logs a warning at startup when it runs on other versions.

:func:`install` applies the class-level patches once per process (idempotent).

The commit path in one paragraph: faust hands each fetched record to the stream
(:func:`_getmany`, :func:`_drain_messages`), wirewash's agent processes it and records it
in its :class:`~pipeline.service.offsets.OffsetLedger` once the outputs are acknowledged,
and faust's commit machinery (timer, after-batch commit, commit before a rebalance and at
shutdown) commits what the ledger says (:func:`_filter_committable_offsets`) instead of
what faust infers from its acked-offset sets.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterable, Mapping
from importlib import metadata
from typing import Any

log = logging.getLogger("wirewash.worker")

#: The versions these patches were read against and tested with (pinned in pyproject.toml).
TESTED = {"faust-streaming": "0.15.3", "aiokafka": "0.14.0"}

_FLAG = "_wirewash_patched"


def installed_versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in TESTED:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def version_mismatches() -> list[str]:
    """One line per dependency whose installed version is not the tested one (empty when all match)."""
    return [
        f"{name} {got or 'missing'} (wirewash's patches of its internals are tested with {TESTED[name]})"
        for name, got in installed_versions().items()
        if got != TESTED[name]
    ]


def install() -> None:
    """Apply every class-level patch (once per process)."""
    from faust.transport import consumer as fc
    from faust.transport.drivers import aiokafka as driver

    thread_cls: Any = driver.AIOKafkaConsumerThread
    if not getattr(thread_cls, _FLAG, False):
        original_create = thread_cls._create_consumer

        def create(self: Any, loop: Any) -> Any:
            return _set_fetch_wait(self, original_create(self, loop))

        thread_cls._create_consumer = create
        setattr(thread_cls, _FLAG, True)

    cls: Any = fc.Consumer
    if not getattr(cls, _FLAG, False):
        originals = {
            "ack": cls.ack,
            "tps": cls._filter_tps_with_pending_acks,
            "offsets": cls._filter_committable_offsets,
        }

        def ack(self: Any, message: Any) -> bool:
            return _ack(self, message, originals["ack"])

        def filter_tps(self: Any, topics: Any = None) -> Iterable[Any]:
            return _filter_tps_with_pending_acks(self, topics, originals["tps"])

        def filter_offsets(self: Any, tps: Iterable[Any]) -> dict[Any, int]:
            return _filter_committable_offsets(self, tps, originals["offsets"])

        cls.getmany = _getmany
        cls._drain_messages = _drain_messages
        cls.ack = ack
        cls._filter_tps_with_pending_acks = filter_tps
        cls._filter_committable_offsets = filter_offsets
        setattr(cls, _FLAG, True)


# ------------------------------------------------------------------------------------- patches


def _set_fetch_wait(thread: Any, consumer: Any) -> Any:
    """Patch of ``AIOKafkaConsumerThread._create_consumer``: let the app choose the fetch wait.

    faust fixes aiokafka's ``fetch_max_wait_ms`` at 1.5 s. A broker answers a fetch as soon
    as records arrive or after this wait; brokers that do not answer early (the embedded
    Tansu) would otherwise add up to 1.5 s to every record's latency on a quiet topic.
    """
    wait = getattr(thread.app, "wirewash_fetch_max_wait_ms", None)
    if wait is not None:
        consumer._fetch_max_wait_ms = int(wait)
    return consumer


def _ledger_for(consumer: Any) -> Any:
    """The app's offset ledger (None for an app that is not a wirewash worker)."""
    return getattr(consumer.app, "wirewash_offsets", None)


async def _getmany(self: Any, timeout: float) -> AsyncIterator[tuple[Any, Any]]:
    """Replacement of ``faust.transport.consumer.Consumer.getmany``: nothing fetched is dropped.

    faust hands the stream the records of one fetch, partition by partition, and leaves out
    (without a word, and without moving the fetch position back) the records of a partition
    that is not active when its turn comes — paused for table recovery or a rebalance — and
    the rest of the fetch when a rebalance starts (generation change, flow stopped).
    aiokafka's position has already moved past them, so unless a seek to the committed
    offsets follows, they are never read, and a commit could pass them. Records of paused
    partitions do come back: aiokafka keeps fetching every assigned partition, and a fetch
    that waited in faust's consumer thread while the last active partition was paused runs
    with an empty set of partitions, which aiokafka reads as "all of them" — how input
    records came back, and were skipped, at the end of table recovery (issue 18).

    Here every partition whose records were not all handed on is sought back to its first
    record not handed on — or to the ledger's commit offset when that is lower, so a seek
    never moves past a record that is not done — and later records of a partition are never
    handed on once one of its records was held back. The rest is faust's code: the same
    round-robin scheduler, the same active checks, the same messages.
    """
    records, active_partitions = await self._wait_next_records(timeout)
    generation_id = self.app.consumer_generation_id
    if records is None or self.should_stop:
        return
    handed: dict[Any, int] = {}  # tp -> records handed on (a prefix of the partition's records)
    held: set[Any] = set()  # partitions with a record held back
    try:
        if not self.flow_active:
            held.update(records)
            return
        to_message = self._to_message
        for tp, record in self.scheduler.iterate(records):
            if tp in held:
                continue
            if not self.flow_active or self.app.consumer_generation_id != generation_id:
                held.update(records)
                break
            if active_partitions is None or tp in active_partitions or tp in self._buffered_partitions:
                handed[tp] = handed.get(tp, 0) + 1
                self.app.monitor.track_tp_end_offset(tp, self.highwater(tp))
                yield tp, to_message(tp, record)
            else:
                held.add(tp)
    finally:
        await _seek_back(self, records, handed)


async def _seek_back(consumer: Any, records: Mapping[Any, list[Any]], handed: Mapping[Any, int]) -> None:
    """Seek every partition with records not handed on back to the first of them (see :func:`_getmany`)."""
    ledger = _ledger_for(consumer)
    try:
        assigned = consumer.assignment()
    except Exception:  # the consumer is gone (shutdown): nothing to seek
        return
    for tp, msgs in records.items():
        n = handed.get(tp, 0)
        if n >= len(msgs) or tp not in assigned:
            continue
        offset = msgs[n].offset
        if ledger is not None and tp.topic == ledger.topic:
            done_below = ledger.position(tp.partition)
            if done_below is not None:
                offset = min(offset, done_below)
        try:
            await consumer.seek(tp, offset)
        except Exception:  # the partition moved away meanwhile: its next owner reads it
            log.debug("could not seek %s back to %s", tp, offset, exc_info=True)


async def _drain_messages(self: Any, fetcher: Any) -> None:
    """Replacement of ``Consumer._drain_messages``: hand every fetched record to the stream.

    faust's version keeps a "last read offset" per partition and silently drops any record
    below it as already read ("DROPPED MESSAGE ROFF"), and records an offset jump as a gap
    that its commit then passes. Its read offset is set to the *next* offset by a seek and to
    the *last* one by a read, and it is moved by records of a fetch that was in flight when
    the position was sought back — so a record could be dropped although nothing had
    processed it, and a gap could be committed past although the broker held records in it.

    wirewash decides both itself: the offset ledger tells a record already done in this
    assignment (skipped by the worker) from one that is not, and treats a jump as a hole to
    be confirmed by the broker. This loop only moves records from the fetcher to the stream,
    as faust's does, with the same flow control and the same stop conditions.
    """
    from faust.transport.consumer import CONSUMER_FETCHING

    callback = self.callback
    consumer_should_stop = self._stopped.is_set
    fetcher_should_stop = fetcher._stopped.is_set
    set_flag = self.diag.set_flag
    unset_flag = self.diag.unset_flag
    since_yield = 0
    try:
        while not (consumer_should_stop() or fetcher_should_stop()):
            set_flag(CONSUMER_FETCHING)
            await self.sleep(0)  # getmany can return at once, over and over: let the loop breathe
            if not self.should_stop:
                async with contextlib.aclosing(self.getmany(timeout=1.0)) as records:
                    async for _tp, message in records:
                        since_yield += 1
                        if since_yield > 100:
                            await self.sleep(0)
                            since_yield = 0
                        await self.wait_first(callback(message), self.suspend_flow.wait())
            unset_flag(CONSUMER_FETCHING)
    except self.consumer_stopped_errors:
        if self.transport.app.should_stop:
            self.log.info("Broker stopped consumer, shutting down...")
            return
        raise
    except Exception as exc:
        self.log.exception("Drain messages raised: %r", exc)
        raise
    finally:
        unset_flag(CONSUMER_FETCHING)


def _ack(self: Any, message: Any, original: Any) -> bool:
    """Patch of ``Consumer.ack``: for the input topic, only mark the message done for faust's waits.

    faust records every acked offset in per-partition lists that its commit reads. For the
    input topic the ledger decides the commit, so those lists are not kept (they would only
    grow); what faust's shutdown and rebalance waits need — the message counted as no longer
    in flight — is kept. Other topics keep faust's behaviour.
    """
    ledger = _ledger_for(self)
    if ledger is None or message.topic != ledger.topic:
        return bool(original(self, message))
    from faust.types.tuples import ack_lock
    from mode.utils.futures import notify

    with ack_lock:
        if message.acked:
            return False
        message.acked = True
        self._unacked_messages.discard(message)
        notify(self._waiting_for_ack)
        return True


def _filter_tps_with_pending_acks(self: Any, topics: Any, original: Any) -> Iterable[Any]:
    """Patch of ``Consumer._filter_tps_with_pending_acks``: the input partitions are always candidates.

    faust commits only partitions with entries in its acked lists, which the input topic no
    longer has (see :func:`_ack`); the ledger's assigned partitions take their place.
    """
    found = list(original(self, topics))
    ledger = _ledger_for(self)
    if ledger is None:
        return found
    try:
        assigned = self.assignment()
    except Exception:
        return found
    for tp in assigned:
        if tp.topic == ledger.topic and (topics is None or tp in topics or tp.topic in topics) and tp not in found:
            found.append(tp)
    return found


def _filter_committable_offsets(self: Any, tps: Iterable[Any], original: Any) -> dict[Any, int]:
    """Patch of ``Consumer._filter_committable_offsets``: the input topic commits the ledger's offsets.

    faust computes the offset from its acked lists and gap records (``_new_offset``); its
    head check lets a commit through when only the first record after the committed offset
    is missing (faust-streaming #606, after #312/#313/#378). For the input topic the offset
    is the ledger's: every record below it was processed and its outputs acknowledged; and it
    is committed only when it moved (see ``OffsetLedger.to_commit``).
    """
    tps = list(tps)
    ledger = _ledger_for(self)
    if ledger is None:
        return dict(original(self, tps))
    out = dict(original(self, [tp for tp in tps if tp.topic != ledger.topic]))
    mine = {tp.partition: tp for tp in tps if tp.topic == ledger.topic}
    for partition, offset in ledger.to_commit(mine).items():
        out[mine[partition]] = offset
    return out


def one_changelog_partition(table: Any) -> None:
    """Patch of a table's ``partition_for_key``: the learned-boilerplate changelog has one partition.

    faust asks the producer's partitioner, which needs the producer's metadata for the
    changelog topic and raises TypeError while it has none (seen for a whole run on the
    embedded broker after the topic's first write failed with NotLeaderForPartition: every
    article's update was lost). The table has exactly one partition, so it is named.
    """
    table.partition_for_key = _partition_zero


def _partition_zero(key: Any) -> int:
    return 0


async def track_topics(producer: Any, names: list[str]) -> None:
    """Make an aiokafka producer's metadata follow every topic it will write, from the start.

    aiokafka's client asks the broker for the topics in its tracked set only, once that set
    is non-empty, and a send adds its topic to the set only when the metadata in hand lacks
    it. A topic that arrived in an all-topics response (asked while the client tracked none)
    is therefore never tracked: when a send to another, new topic then narrows the metadata
    requests, the first topic drops out of the metadata, and its queued records wait for a leader that no
    refresh brings back until the request timeout fails them with NotLeaderForPartition
    (the worker's first learned-boilerplate changelog write stalled the commit for 30 s
    this way). Tracking all of them up front keeps every one in every refresh.
    """
    client = getattr(producer, "client", None)
    if client is None:
        return
    # add_topic is idempotent: a tracked topic costs nothing, untracked ones share one refresh
    await asyncio.gather(*(client.add_topic(name) for name in names))


# ------------------------------------------------------------------- reads of private state


def current_consumer(app: Any) -> Any:
    """faust's consumer if it exists (``app.consumer`` would create one)."""
    return getattr(app, "_consumer", None)


async def committed_offsets(consumer: Any, tps: list[Any]) -> dict[Any, int | None]:
    """The group's committed offsets of ``tps``, read without moving any fetch position.

    faust's ``seek_to_committed`` would answer too, but it also seeks every assigned
    partition. faust's aiokafka consumer lives in its own thread and loop, so the read is
    run there.
    """
    thread = consumer._thread
    aio = thread._ensure_consumer()
    return {tp: await thread.call_thread(aio.committed, tp) for tp in tps}


async def commit_offsets(consumer: Any, offsets: dict[Any, int]) -> bool:
    """Commit ``offsets`` for the group now, through faust's consumer thread.

    Used to replace offsets the group should not have (committed from positions in a log the
    broker lost): faust's seek to the committed offsets, which follows, would go back to them.
    """
    return bool(await consumer._commit(offsets))


def aiokafka_producers(app: Any) -> list[Any]:
    """The aiokafka producers under faust's producer (one; or one per partition with exactly-once)."""
    producer: Any = app.producer
    found = [getattr(producer, "_producer", None), *getattr(producer, "_transaction_producers", {}).values()]
    return [p for p in found if p is not None]


def keep_our_logging(worker: Any) -> None:
    """Stop faust's ``Worker`` from installing its own log handlers at startup (wirewash configured logging)."""
    worker._setup_logging = lambda: None
