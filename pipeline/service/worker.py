"""The faust worker: a thin shell around :class:`~pipeline.service.handler.Handler`.

Consumes the input topic in batches, hands every record to the handler (which never
raises), sends the outputs through faust's producer and waits until the broker has
acknowledged all of them. Only then are the batch's records done in the worker's
:class:`~pipeline.service.offsets.OffsetLedger`, and faust's commits take their offsets from
it (at-least-once; ``faust_patches`` holds every reach into faust and aiokafka). Learned
boilerplate lives in a changelog-backed GlobalTable. The worker's web server hosts
``/healthz``, ``/readyz`` and ``/metrics``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import faust
import orjson
from aiokafka import TopicPartition
from aiokafka.errors import MessageSizeTooLargeError, RecordListTooLargeError, RecordTooLargeError
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from pipeline import __version__
from pipeline.codec import Source
from pipeline.learning import LearnedMemory
from pipeline.process import warm_up
from pipeline.service import faust_patches
from pipeline.service.handler import Handler, OutRecord
from pipeline.service.metrics import Metrics
from pipeline.service.offsets import GapCheck, OffsetLedger, resolve_holes
from pipeline.service.tables import story_state
from pipeline.settings import Settings

log = logging.getLogger("wirewash.worker")

LEARNED_TABLE = "learned-boilerplate"
MIN_COMMIT_GAP_S = 0.1  # commit after a batch, at most this often (the commit timer covers the rest)
# the broker will never accept these records: retrying would stall the partition forever
PERMANENT_SEND_ERRORS = (MessageSizeTooLargeError, RecordTooLargeError, RecordListTooLargeError)


@dataclass
class WorkerState:
    """Progress bookkeeping for health checks and lag metrics."""

    started: float = field(default_factory=time.monotonic)
    last_progress: float = field(default_factory=time.monotonic)
    processed: int = 0
    positions: dict[int, int] = field(default_factory=dict)  # input partition -> next offset
    lag: dict[int, int] = field(default_factory=dict)
    ready: bool = False
    open_holes: int = 0  # offset jumps in the input the broker has not yet explained (commit waits)

    def health(self, stall_seconds: float, now: float | None = None) -> tuple[bool, dict[str, Any]]:
        """Healthy unless stuck: records are waiting (lag > 0) and none was processed for ``stall_seconds``."""
        now = time.monotonic() if now is None else now
        idle = now - self.last_progress
        behind = sum(self.lag.values())
        stuck = behind > 0 and idle > stall_seconds
        return (not stuck), {
            "status": "stuck" if stuck else "ok",
            "processed": self.processed,
            "lag": behind,
            "seconds_since_progress": round(idle, 1),
            "partitions": {str(p): {"next_offset": self.positions.get(p), "lag": lag} for p, lag in self.lag.items()},
            "open_offset_holes": self.open_holes,
            "version": __version__,
        }

    def readiness(self, stall_seconds: float, now: float | None = None) -> tuple[bool, dict[str, Any]]:
        """Ready once partitions are assigned and while healthy."""
        ok, body = self.health(stall_seconds, now)
        ready = ok and self.ready
        body["status"] = "ready" if ready else ("starting" if ok else body["status"])
        return ready, body


async def deliver(
    send_one: Callable[[OutRecord], Awaitable[Any]],
    records: list[OutRecord],
    handler: Handler,
    metrics: Metrics,
    initial_delay: float = 0.5,
    max_delay: float = 10.0,
) -> None:
    """Send every record and wait for every acknowledgement; retry what failed until delivered.

    ``send_one`` enqueues a record and returns a future of its acknowledgement. A record
    the broker refuses for good (larger than it accepts) is replaced by a dead letter for
    its input, so one oversized article can never stall a partition.
    """
    pending = records
    delay = initial_delay
    while pending:
        futures: list[Any] = []
        for r in pending:
            try:
                futures.append(await send_one(r))
            except Exception as exc:  # refused before it reached the network (size, buffer, metadata)
                refused: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
                refused.set_exception(exc)
                futures.append(refused)
        results = await asyncio.gather(*futures, return_exceptions=True)
        retry: list[OutRecord] = []
        dead_inputs: set[int] = set()
        for r, res in zip(pending, results, strict=True):
            if not isinstance(res, BaseException):
                continue
            if not isinstance(res, PERMANENT_SEND_ERRORS):
                retry.append(r)
            elif r.origin is not None:
                if id(r.origin) not in dead_inputs:  # one dead letter per input
                    dead_inputs.add(id(r.origin))
                    log.error("output refused by the broker, dead-lettering its input: %s", res)
                    retry.append(handler.undeliverable(r, f"{type(res).__name__}: {res}"))
            else:
                log.error("a dead letter was refused by the broker and is dropped: %s", res)
                metrics.dropped.inc()
        if not retry:
            return
        if all(r.origin is None for r in retry) and dead_inputs and len(retry) == len(dead_inputs):
            pending = retry  # only fresh dead letters: send them now
            continue
        errors = sorted({type(res).__name__ for res in results if isinstance(res, BaseException)})
        log.warning("delivery failed for %d records (%s); retrying in %.1fs", len(retry), ",".join(errors), delay)
        metrics.send_retries.inc(len(retry) - len(dead_inputs))  # fresh dead letters are not retries
        pending = retry
        await asyncio.sleep(delay)
        delay = min(delay * 2, max_delay)


def credentials(settings: Settings) -> Any:
    """faust broker credentials for the configured security protocol (None for PLAINTEXT)."""
    proto = settings.security_protocol
    if proto == "PLAINTEXT":
        return None
    ctx = settings.ssl_context()
    if proto == "SSL":
        return faust.SSLCredentials(ctx)
    return faust.SASLCredentials(
        username=settings.sasl_username,
        password=settings.sasl_password.get_secret_value() if settings.sasl_password else None,
        ssl_context=ctx,
        mechanism=settings.sasl_mechanism,
    )


def faust_config(settings: Settings) -> dict[str, Any]:
    """The faust App configuration derived from wirewash settings."""
    request_size = max(1 << 20, settings.max_message_bytes * 2 + (1 << 20))
    return {
        "broker": [f"kafka://{s}" for s in settings.servers],
        "broker_credentials": credentials(settings),
        "store": "memory://",
        "key_serializer": "raw",
        "value_serializer": "raw",
        "topic_partitions": settings.topic_partitions,
        "topic_replication_factor": settings.topic_replication,
        "topic_disable_leader": True,
        "topic_allow_declare": True,
        "broker_session_timeout": settings.session_timeout_s,
        "broker_heartbeat_interval": settings.heartbeat_interval_s,
        "broker_commit_interval": settings.commit_interval_s,
        "consumer_metadata_max_age_ms": int(settings.metadata_max_age_s * 1000),
        "producer_metadata_max_age_ms": int(settings.metadata_max_age_s * 1000),
        "broker_max_poll_records": max(settings.batch_size, 500),
        "consumer_auto_offset_reset": "earliest",
        "consumer_max_fetch_size": request_size,
        "producer_linger_ms": settings.producer_linger_ms,
        "producer_max_batch_size": min(settings.producer_batch_bytes, request_size),
        "producer_acks": {"all": -1, "1": 1, "0": 0}[settings.producer_acks],
        "producer_compression_type": None if settings.producer_compression == "none" else settings.producer_compression,
        "producer_max_request_size": request_size,
        "producer_request_timeout": 30.0,
        "processing_guarantee": "exactly_once" if settings.exactly_once else "at_least_once",
        "web_enabled": settings.web_port > 0,
        "web_port": settings.web_port or 6066,
        "web_bind": settings.web_host,
        "web_in_thread": False,
        "datadir": settings.data_dir,
        # on SIGTERM and on partition revocation: finish and acknowledge the in-flight batch, then commit
        "stream_wait_empty": True,
        "stream_recovery_delay": 0.0,
    }


def build_app(
    settings: Settings, metrics: Metrics | None = None, schema_ids: dict[str, int] | None = None
) -> tuple[faust.App, WorkerState]:
    """Create the faust app, its topics, the learned-boilerplate table, the agent and web pages.

    With Schema Registry framing on, ``schema_ids`` (topic role -> id) frame the outputs;
    :func:`run_worker` obtains them from the registry before the worker starts.
    """
    metrics = metrics or Metrics()
    state = WorkerState()
    app = faust.App(settings.group_id, **faust_config(settings))
    faust_patches.install()
    app.wirewash_fetch_max_wait_ms = settings.fetch_max_wait_ms  # type: ignore[attr-defined]
    topics = settings.topics()
    # what the worker commits: per input partition, the offset below which every record is done
    ledger = OffsetLedger(topics["input"], metrics)
    app.wirewash_offsets = ledger  # type: ignore[attr-defined]
    source = app.topic(topics["input"], key_serializer="raw", value_serializer="raw", allow_empty=True)
    table: Any = None
    memory: LearnedMemory | None = None
    if settings.learn_boilerplate:  # no table (and no changelog topic) when learning is off
        table = app.GlobalTable(
            LEARNED_TABLE,
            default=None,
            partitions=1,
            use_partitioner=True,
            schema=faust.Schema(key_serializer="json", value_serializer="json"),
        )
        faust_patches.one_changelog_partition(table)
        memory = LearnedMemory(table, settings.learn_min_articles, settings.learn_max_keys)
    story = story_state(app, settings, metrics)  # versions and duplicate clusters (pipeline/service/tables.py)
    handler = Handler(
        settings, memory, metrics, schema_ids=schema_ids, versions=story.versions, clusters=story.clusters
    )
    warm_up()  # build the core's lexicons and automata now, not while the first records wait

    async def send_one(r: OutRecord) -> Any:
        producer = await app.maybe_start_producer()
        return await producer.send(r.topic, r.key, r.value, None, None, r.headers)

    async def load_learned() -> None:
        """Read the learned-boilerplate changelog to its true end before the first batch.

        faust restores a table up to the changelog's high watermark; the embedded Tansu
        broker reports the watermark of the last *batch*, not the last record, so faust
        alone can stop short. Reading until the topic is idle is correct on every broker
        (and a no-op for keys faust already restored).
        """
        if table is None or memory is None:
            return
        from aiokafka import AIOKafkaConsumer

        n = 0
        consumer = AIOKafkaConsumer(
            table.changelog_topic_name,
            group_id=None,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            **settings.kafka_client_kwargs(),
        )
        try:
            await consumer.start()
            empty = 0
            while empty < 2:
                batch = await consumer.getmany(timeout_ms=400, max_records=5000)
                if not batch:
                    empty += 1
                    continue
                empty = 0
                for msgs in batch.values():
                    for m in msgs:
                        key = orjson.loads(m.key) if m.key else None
                        if not isinstance(key, str):
                            continue
                        if m.value is None:
                            table.data.pop(key, None)
                        else:
                            table.data[key] = orjson.loads(m.value)
                        n += 1
        except Exception:  # the memory is an optimisation: never block the stream on it
            log.warning("could not read the learned-boilerplate changelog", exc_info=True)
        finally:
            await consumer.stop()
        log.info("learned boilerplate: %d changelog records, %d keys, %d learned", n, len(table.data), memory.learned())

    async def start_offsets(consumer: Any, tps: list[Any]) -> dict[int, int]:
        """Where the worker resumes each input partition: the group's committed offset, else the earliest.

        A new group starts at the earliest offset anyway (auto_offset_reset=earliest), but a
        consumer that was already reading a partition would keep its old fetch position when
        the broker comes back without the group's offsets (a memory-only broker restarted, a
        topic recreated): records below that position would be skipped. So a partition
        without a committed offset is sought to its earliest offset. Re-reading from there is
        the at-least-once choice; outputs are deterministic and keyed.
        """
        committed = await faust_patches.committed_offsets(consumer, tps)
        starts = {tp.partition: int(o) for tp, o in committed.items() if o is not None and o >= 0}  # -1: none
        missing = [tp for tp in tps if tp.partition not in starts]
        if not missing:
            return starts
        # A partition we had been reading has no committed offset: the broker lost the group's
        # offsets (a memory-only broker restarted, a topic recreated). Offsets the other partitions
        # do have were then committed since, from fetch positions that belong to the old log, and
        # records below them in the new one were never read: they are re-read from the earliest
        # offset too.
        forgotten = [tp for tp in missing if tp.partition in state.positions]
        suspect = [tp for tp in tps if tp.partition in starts and tp.partition in state.positions] if forgotten else []
        earliest = await consumer.earliest_offsets(*missing, *suspect)
        lost = {}
        for tp in [*missing, *suspect]:
            offset = int(earliest.get(tp) or 0)
            await consumer.seek(tp, offset)
            starts[tp.partition] = offset
            if tp.partition in state.positions:
                lost[tp.partition] = (state.positions[tp.partition], offset)
                state.positions[tp.partition] = offset
        if suspect:  # faust seeks to the committed offsets next: replace the ones from the old log
            await faust_patches.commit_offsets(consumer, {tp: starts[tp.partition] for tp in suspect})
        moves = ", ".join(f"{topics['input']}[{p}] {old}->{new}" for p, (old, new) in sorted(lost.items()))
        if suspect:
            log.warning(
                "the broker has no committed offsets for partitions that were being read (%s): it lost the "
                "group's offsets, and those of partitions %s were committed since, from positions in the old "
                "log; re-reading all of them from the earliest offset (%s)",
                ", ".join(str(tp.partition) for tp in forgotten),
                ", ".join(str(tp.partition) for tp in suspect),
                moves,
            )
        elif lost:
            log.warning(
                "the broker has no committed offsets for partitions that were being read (%s); "
                "re-reading them from the earliest offset",
                moves,
            )
        return starts

    async def known(partition: int) -> bool:
        """Make sure the ledger knows where ``partition`` resumed (normally set after every rebalance)."""
        if ledger.knows(partition):
            return True
        try:
            starts = await start_offsets(app.consumer, [TopicPartition(topics["input"], partition)])
        except Exception as exc:  # its records are processed, and the commit waits for the next try
            log.warning("could not read the committed offset of %s[%d]: %s", topics["input"], partition, exc)
            return False
        ledger.start(partition, starts[partition])
        return True

    @app.on_partitions_revoked.connect  # type: ignore[arg-type]
    async def _forget_revoked(sender: Any, *args: Any, **kwargs: Any) -> None:
        # faust committed the ledger's offsets just before (stream_wait_empty); the next assignment
        # is known once its resume offsets are read (on_rebalance_complete, before the stream resumes)
        ledger.revoke()

    written = [topics["articles"], topics["events"], topics["dlq"]]
    if table is not None:
        written.append(table.changelog_topic_name)
    written += story.changelogs()

    @app.on_rebalance_complete.connect  # type: ignore[arg-type]
    async def _after_recovery(sender: Any, **kwargs: Any) -> None:
        try:
            await app.maybe_start_producer()
            for producer in faust_patches.aiokafka_producers(app):
                await faust_patches.track_topics(producer, written)
        except Exception:  # never block the stream on this safeguard
            log.warning("could not register the output topics with the producer", exc_info=True)
        # faust has restored (or reset) its tables: complete the learned memory before streams resume
        await load_learned()
        await story.restore(settings)
        try:
            consumer = app.consumer
            assigned = [tp for tp in consumer.assignment() if tp.topic == topics["input"]]
            ledger.assign(await start_offsets(consumer, assigned))
        except Exception:  # never block the stream: the agent reads them when a partition's first record arrives
            log.warning("could not read the committed offsets after the rebalance", exc_info=True)

    debug = log.isEnabledFor(logging.DEBUG) or settings.log_level == "DEBUG"
    commits = {"at": 0.0}

    @app.agent(source, name="wirewash.wash")
    async def wash(stream: Any) -> None:
        async for batch in stream.take_events(settings.batch_size, within=settings.batch_wait_ms / 1000):
            t0 = time.perf_counter()
            epoch = ledger.epoch
            records: list[OutRecord] = []
            stamps: list[float] = []
            handled: dict[int, list[int]] = {}  # partition -> offsets processed in this batch
            for event in batch:
                msg = event.message
                if await known(msg.partition):
                    if ledger.arrive(msg.partition, msg.offset).duplicate:
                        metrics.duplicates_skipped.inc()  # already done since the last rebalance
                        continue
                    handled.setdefault(msg.partition, []).append(msg.offset)
                src = Source(
                    topic=msg.topic,
                    partition=msg.partition,
                    offset=msg.offset,
                    timestamp_ms=int(msg.timestamp * 1000) if msg.timestamp else None,
                    key=msg.key,
                    headers=list(msg.headers.items()) if isinstance(msg.headers, dict) else list(msg.headers or []),
                )
                outcome = handler.handle(src, msg.value)
                records.extend(outcome.records)
                if debug and outcome.error_code is None:
                    log.debug(
                        "article %s: %d records",
                        outcome.item_id,
                        len(outcome.records),
                        extra={
                            "item_id": outcome.item_id,
                            "topic": msg.topic,
                            "partition": msg.partition,
                            "offset": msg.offset,
                        },
                    )
                state.positions[msg.partition] = msg.offset + 1
                if msg.timestamp:
                    stamps.append(msg.timestamp)
            await deliver(send_one, records, handler, metrics)
            for partition, offsets in handled.items():  # processed, every output acknowledged
                ledger.complete(partition, offsets, epoch)
            now = time.time()
            for ts in stamps:
                metrics.record_age.observe(max(0.0, now - ts))
            # every output is acknowledged: the batch's offsets may be committed now rather than at
            # the next commit tick, which keeps what a crash makes us re-process small
            for event in batch:
                await stream.ack(event)
            if time.monotonic() - commits["at"] >= MIN_COMMIT_GAP_S:
                commits["at"] = time.monotonic()
                await app.consumer.commit()
            state.processed += len(batch)
            state.last_progress = time.monotonic()
            metrics.last_progress.set(time.time())
            metrics.batch.observe(time.perf_counter() - t0)

    progress = {"at": time.monotonic(), "processed": 0}

    if story.clusters is not None:
        clusters = story.clusters

        @app.timer(interval=10.0)
        async def sync_clusters() -> None:
            """Index cluster entries other workers wrote (they reach the GlobalTable through its changelog)."""
            try:
                clusters.sync()
            except Exception:  # an optimisation: never stop the worker
                log.debug("cluster sync failed", exc_info=True)

    @app.timer(interval=settings.progress_log_interval_s)
    async def log_progress() -> None:
        """A periodic INFO line while records flow (nothing when idle)."""
        done = state.processed - progress["processed"]
        now = time.monotonic()
        if done:
            rate = done / max(1e-9, now - progress["at"])
            log.info(
                "processed %d records (%.0f/s); %d in total; lag %d",
                done,
                rate,
                state.processed,
                sum(state.lag.values()),
                extra={
                    "event": "progress",
                    "processed": state.processed,
                    "lag": {str(p): n for p, n in state.lag.items()},
                },
            )
        progress["at"], progress["processed"] = now, state.processed

    @app.timer(interval=1.0)
    async def refresh_lag() -> None:
        """Lag per input partition = high watermark - next offset to process (never raises)."""
        try:
            consumer = faust_patches.current_consumer(app)
            if consumer is None:
                return
            assignment = consumer.assignment()
            state.ready = not getattr(app, "rebalancing", False)
            for tp in assignment:
                if tp.topic != topics["input"]:
                    continue
                high = consumer.highwater(tp)
                if high is None:
                    continue
                pos = state.positions.get(tp.partition)
                if pos is None:
                    pos = ledger.position(tp.partition) or 0
                lag = max(0, int(high) - int(pos))
                state.lag[tp.partition] = lag
                metrics.lag.labels(str(tp.partition)).set(lag)
        except Exception:  # a metrics hiccup must never stop the worker
            log.debug("lag refresh failed", exc_info=True)

    @app.page("/healthz")
    async def healthz(web: Any, request: Any) -> Any:
        ok, body = state.health(settings.stall_seconds)
        return web.json(body, status=200 if ok else 503)

    @app.page("/readyz")
    async def readyz(web: Any, request: Any) -> Any:
        ready, body = state.readiness(settings.stall_seconds)
        return web.json(body, status=200 if ready else 503)

    @app.page("/metrics")
    async def metrics_page(web: Any, request: Any) -> Any:
        return web.bytes(generate_latest(metrics.registry), content_type=CONTENT_TYPE_LATEST.split(";")[0])

    gap_check = GapCheck(
        topics["input"],
        settings.kafka_client_kwargs(),
        isolation_level="read_committed" if settings.exactly_once else "read_uncommitted",
    )

    async def seek_input(partition: int, offset: int) -> None:
        await app.consumer.seek(TopicPartition(topics["input"], partition), offset)

    @app.task
    async def check_holes() -> None:
        """Ask the broker about offset jumps in the input (see ``offsets.resolve_holes``); never raises."""
        while True:
            await asyncio.sleep(1.0)
            state.open_holes = len(ledger.open_holes())
            if not state.open_holes:
                continue
            try:
                await resolve_holes(ledger, gap_check.first_record, seek_input)
            except Exception:
                log.warning("checking offset jumps failed", exc_info=True)

    @app.on_before_shutdown.connect  # type: ignore[arg-type]
    async def _close_gap_check(sender: Any, **kwargs: Any) -> None:
        await gap_check.close()

    @app.task
    async def _quiet_lost_futures() -> None:
        """Report unretrieved send failures (e.g. a changelog write during an outage) in one line.

        faust already logs the failed send; asyncio would add a full traceback for every
        such future, which during a broker outage is a traceback loop in the logs.
        """
        loop = asyncio.get_running_loop()

        def handler(lp: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
            exc = context.get("exception")
            message = str(context.get("message", ""))
            if exc is not None and "never retrieved" in message:
                log.warning("unhandled send failure: %s: %s", type(exc).__name__, exc)
                return
            lp.default_exception_handler(context)

        loop.set_exception_handler(handler)

    app.wirewash_state = state  # type: ignore[attr-defined]
    app.wirewash_wash = wash  # type: ignore[attr-defined]
    return app, state


def log_startup(settings: Settings) -> None:
    """One line with the effective configuration, secrets masked."""
    from pipeline.core.events import compiled

    summary = settings.summary()
    core = "compiled" if compiled() else "pure-python"
    if settings.log_format == "json":
        log.info(
            "wirewash worker %s (%s) starting",
            __version__,
            core,
            extra={"config": summary, "event": "startup", "extractor": core},
        )
    else:
        flat = " ".join(f"{k}={v}" for k, v in summary.items())
        log.info("wirewash worker %s (%s) starting: %s", __version__, core, flat, extra={"event": "startup"})


def run_worker(settings: Settings) -> int:
    """Run the worker in the foreground until SIGTERM/SIGINT; returns the exit code."""
    from pipeline import logs

    logs.configure(settings.log_level, settings.log_format, settings.log_repeat_interval_s)
    schema_ids = None
    if settings.schema_registry_framing:
        from pipeline.registry import RegistryError, output_ids

        try:
            schema_ids = output_ids(settings)
        except RegistryError as exc:
            log.error("cannot start: %s", exc)
            return 2
        log.info("schema registry ids: %s", schema_ids)
    # faust and the wait below share one event loop: the current one when faust's worker starts
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    metrics = Metrics()
    app, _state = build_app(settings, metrics=metrics, schema_ids=schema_ids)
    log_startup(settings)
    for line in faust_patches.version_mismatches():
        log.warning("untested dependency version: %s", line)
    from pipeline.client import BrokerRefused
    from pipeline.service.startup import wait_for_broker

    try:
        if not loop.run_until_complete(wait_for_broker(settings, metrics)):
            return 0  # SIGTERM before the broker answered
    except BrokerRefused as exc:
        log.error("cannot start: %s", exc)
        return 2
    worker = faust.Worker(app, loop=loop, loglevel=settings.log_level, quiet=True, redirect_stdouts=False)
    worker.spinner = None  # no terminal control codes in the log stream
    # keep our log handler: faust's worker would install its own at startup
    faust_patches.keep_our_logging(worker)
    try:
        worker.execute_from_commandline()
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0
