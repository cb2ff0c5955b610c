"""The faust worker: a thin shell around :class:`~pipeline.service.handler.Handler`.

Consumes the input topic in batches, hands every record to the handler (which never
raises), sends the outputs through faust's producer and waits until the broker has
acknowledged all of them before the batch is acknowledged; faust commits acknowledged
offsets only (at-least-once). Learned boilerplate lives in a changelog-backed GlobalTable.
The worker's web server hosts ``/healthz``, ``/readyz`` and ``/metrics``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Any

import faust
import orjson
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from pipeline import __version__
from pipeline.codec import Source
from pipeline.learning import LearnedMemory
from pipeline.service.handler import Handler, OutRecord
from pipeline.service.metrics import Metrics
from pipeline.settings import Settings

log = logging.getLogger("wirewash.worker")

LEARNED_TABLE = "learned-boilerplate"


@dataclass
class WorkerState:
    """Progress bookkeeping for health checks and lag metrics."""

    started: float = field(default_factory=time.monotonic)
    last_progress: float = field(default_factory=time.monotonic)
    processed: int = 0
    positions: dict[int, int] = field(default_factory=dict)  # input partition -> next offset
    lag: dict[int, int] = field(default_factory=dict)
    ready: bool = False


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
        "broker_max_poll_records": max(settings.batch_size, 500),
        "consumer_auto_offset_reset": "earliest",
        "consumer_max_fetch_size": request_size,
        "producer_linger_ms": settings.producer_linger_ms,
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
        "stream_wait_empty": False,
        "stream_recovery_delay": 0.0,
    }


def build_app(settings: Settings, metrics: Metrics | None = None) -> tuple[faust.App, WorkerState]:
    """Create the faust app, its topics, the learned-boilerplate table, the agent and web pages."""
    metrics = metrics or Metrics()
    state = WorkerState()
    app = faust.App(settings.group_id, **faust_config(settings))
    topics = settings.topics()
    source = app.topic(topics["input"], key_serializer="raw", value_serializer="raw", allow_empty=True)
    table = app.GlobalTable(
        LEARNED_TABLE,
        default=None,
        partitions=1,
        use_partitioner=True,
        schema=faust.Schema(key_serializer="json", value_serializer="json"),
    )
    memory = LearnedMemory(table, settings.learn_min_articles, settings.learn_max_keys)
    handler = Handler(settings, memory if settings.learn_boilerplate else None, metrics)

    async def send_all(records: list[OutRecord]) -> None:
        """Send and wait for every acknowledgement; retry what failed until it is delivered."""
        pending = records
        delay = 0.5
        while pending:
            producer = await app.maybe_start_producer()
            futures = [await producer.send(r.topic, r.key, r.value, None, None, r.headers) for r in pending]
            results = await asyncio.gather(*futures, return_exceptions=True)
            failed = [r for r, res in zip(pending, results, strict=True) if isinstance(res, BaseException)]
            if not failed:
                return
            errors = {type(res).__name__ for res in results if isinstance(res, BaseException)}
            log.warning("delivery failed for %d records (%s); retrying in %.1fs", len(failed), ",".join(errors), delay)
            metrics.send_retries.inc(len(failed))
            pending = failed
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)

    async def load_learned() -> None:
        """Read the learned-boilerplate changelog to its true end before the first batch.

        faust restores a table up to the changelog's high watermark; the embedded Tansu
        broker reports the watermark of the last *batch*, not the last record, so faust
        alone can stop short. Reading until the topic is idle is correct on every broker
        (and a no-op for keys faust already restored).
        """
        if not settings.learn_boilerplate:
            return
        from aiokafka import AIOKafkaConsumer

        n = 0
        consumer = AIOKafkaConsumer(
            table.changelog_topic_name,  # type: ignore[attr-defined]
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

    @app.on_rebalance_complete.connect  # type: ignore[arg-type]
    async def _after_recovery(sender: Any, **kwargs: Any) -> None:
        # faust has restored (or reset) its tables: complete the learned memory before streams resume
        await load_learned()

    @app.agent(source, name="wirewash.wash")
    async def wash(stream: Any) -> None:
        async for batch in stream.take_events(settings.batch_size, within=settings.batch_wait_ms / 1000):
            t0 = time.perf_counter()
            records: list[OutRecord] = []
            for event in batch:
                msg = event.message
                src = Source(
                    topic=msg.topic,
                    partition=msg.partition,
                    offset=msg.offset,
                    timestamp_ms=int(msg.timestamp * 1000) if msg.timestamp else None,
                    key=msg.key,
                )
                outcome = handler.handle(src, msg.value)
                records.extend(outcome.records)
                state.positions[msg.partition] = msg.offset + 1
            await send_all(records)
            state.processed += len(batch)
            state.last_progress = time.monotonic()
            metrics.last_progress.set(time.time())
            metrics.batch.observe(time.perf_counter() - t0)

    @app.timer(interval=1.0)
    async def refresh_lag() -> None:
        """Lag per input partition = high watermark - next offset to process (never raises)."""
        try:
            consumer = getattr(app, "_consumer", None)
            if consumer is None:
                return
            assignment = consumer.assignment()
            state.ready = True
            for tp in assignment:
                if tp.topic != topics["input"]:
                    continue
                high = consumer.highwater(tp)
                if high is None:
                    continue
                pos = state.positions.get(tp.partition)
                if pos is None:
                    pos = consumer._committed_offset.get(tp) or 0
                lag = max(0, int(high) - int(pos))
                state.lag[tp.partition] = lag
                metrics.lag.labels(str(tp.partition)).set(lag)
        except Exception:  # a metrics hiccup must never stop the worker
            log.debug("lag refresh failed", exc_info=True)

    def health() -> tuple[bool, dict[str, Any]]:
        idle = time.monotonic() - state.last_progress
        behind = sum(state.lag.values())
        stuck = behind > 0 and idle > settings.stall_seconds
        return (not stuck), {
            "status": "stuck" if stuck else "ok",
            "processed": state.processed,
            "lag": behind,
            "seconds_since_progress": round(idle, 1),
            "version": __version__,
        }

    @app.page("/healthz")
    async def healthz(web: Any, request: Any) -> Any:
        ok, body = health()
        return web.json(body, status=200 if ok else 503)

    @app.page("/readyz")
    async def readyz(web: Any, request: Any) -> Any:
        ok, body = health()
        ready = ok and state.ready
        body["status"] = "ready" if ready else ("starting" if ok else body["status"])
        return web.json(body, status=200 if ready else 503)

    @app.page("/metrics")
    async def metrics_page(web: Any, request: Any) -> Any:
        return web.bytes(generate_latest(metrics.registry), content_type=CONTENT_TYPE_LATEST.split(";")[0])

    app.wirewash_state = state  # type: ignore[attr-defined]
    app.wirewash_wash = wash  # type: ignore[attr-defined]
    return app, state


def run_worker(settings: Settings) -> int:
    """Run the worker in the foreground until SIGTERM/SIGINT; returns the exit code."""
    from pipeline import logs

    logs.configure(settings.log_level, settings.log_format)
    app, _state = build_app(settings)
    log.info(
        "wirewash worker %s starting",
        __version__,
        extra={"config": settings.summary(), "event": "startup"},
    )
    worker = faust.Worker(app, loglevel=settings.log_level, quiet=True, redirect_stdouts=False)
    # keep our log handler: faust's worker would install its own at startup
    worker._setup_logging = lambda: None  # type: ignore[method-assign]
    try:
        worker.execute_from_commandline()
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0
