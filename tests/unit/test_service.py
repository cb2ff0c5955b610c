"""The worker's shell without a broker: health, configuration mapping, security, logs."""

from __future__ import annotations

import io
import logging
import re
import ssl
from pathlib import Path

import pytest

from pipeline import logs
from pipeline.learning import article_tag
from pipeline.service.worker import WorkerState, build_app, credentials, faust_config, log_startup
from pipeline.settings import Settings, settings_table

ROOT = Path(__file__).resolve().parents[2]


# ------------------------------------------------------------------------------ health


def test_healthy_while_idle_with_nothing_to_do() -> None:
    st = WorkerState(started=0.0, last_progress=0.0)
    ok, body = st.health(stall_seconds=60, now=1000.0)
    assert ok and body["status"] == "ok" and body["lag"] == 0


def test_stuck_when_lagging_without_progress() -> None:
    st = WorkerState(started=0.0, last_progress=100.0)
    st.lag = {0: 5, 1: 0}
    assert st.health(stall_seconds=60, now=150.0)[0] is True  # 50 s: not yet
    ok, body = st.health(stall_seconds=60, now=161.0)
    assert not ok and body["status"] == "stuck" and body["lag"] == 5
    assert body["seconds_since_progress"] == 61.0


def test_readiness_needs_an_assignment_and_health() -> None:
    st = WorkerState(started=0.0, last_progress=0.0)
    assert st.readiness(60, now=1.0) == (False, st.readiness(60, now=1.0)[1])
    assert st.readiness(60, now=1.0)[1]["status"] == "starting"
    st.ready = True
    ready, body = st.readiness(60, now=1.0)
    assert ready and body["status"] == "ready"
    st.lag = {0: 1}
    ready, body = st.readiness(60, now=100.0)
    assert not ready and body["status"] == "stuck"


# ------------------------------------------------------------------------------ security


def test_sasl_ssl_maps_to_the_kafka_client() -> None:
    s = Settings(
        security_protocol="SASL_SSL",
        sasl_mechanism="SCRAM-SHA-512",
        sasl_username="wirewash",
        sasl_password="pw-123",
        bootstrap_servers="kafka-1:9093,kafka-2:9093",
    )
    kw = s.kafka_client_kwargs()
    assert kw["bootstrap_servers"] == ["kafka-1:9093", "kafka-2:9093"]
    assert kw["security_protocol"] == "SASL_SSL"
    assert kw["sasl_mechanism"] == "SCRAM-SHA-512"
    assert (kw["sasl_plain_username"], kw["sasl_plain_password"]) == ("wirewash", "pw-123")
    ctx = kw["ssl_context"]
    assert isinstance(ctx, ssl.SSLContext) and ctx.check_hostname and ctx.verify_mode == ssl.CERT_REQUIRED
    # the faust worker gets the same settings through its credentials
    from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth

    auth = credentials_to_aiokafka_auth(credentials(s))
    assert auth["security_protocol"] == "SASL_SSL"
    assert auth["sasl_mechanism"] == "SCRAM-SHA-512"
    assert (auth["sasl_plain_username"], auth["sasl_plain_password"]) == ("wirewash", "pw-123")
    assert isinstance(auth["ssl_context"], ssl.SSLContext)


def test_sasl_plaintext_has_no_tls() -> None:
    s = Settings(security_protocol="SASL_PLAINTEXT", sasl_username="u", sasl_password="p")
    kw = s.kafka_client_kwargs()
    assert kw["security_protocol"] == "SASL_PLAINTEXT" and "ssl_context" not in kw
    assert kw["sasl_mechanism"] == "PLAIN"


def test_ssl_without_sasl() -> None:
    s = Settings(security_protocol="SSL", ssl_check_hostname=False)
    kw = s.kafka_client_kwargs()
    assert kw["security_protocol"] == "SSL" and "sasl_mechanism" not in kw
    assert kw["ssl_context"].check_hostname is False
    from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth

    assert credentials_to_aiokafka_auth(credentials(s))["security_protocol"] == "SSL"


def test_plaintext_by_default() -> None:
    s = Settings()
    assert s.kafka_client_kwargs() == {"bootstrap_servers": ["127.0.0.1:9092"], "security_protocol": "PLAINTEXT"}
    assert credentials(s) is None


def test_input_path_is_raw_bytes_never_pickle() -> None:
    cfg = faust_config(Settings())
    assert cfg["key_serializer"] == "raw" and cfg["value_serializer"] == "raw"
    app, _ = build_app(Settings(web_port=0))
    source = app.wirewash_wash.channel  # type: ignore[attr-defined]
    assert source.key_serializer == "raw" and source.value_serializer == "raw"
    for table in app.tables.values():
        assert table.key_serializer == "json" and table.value_serializer == "json"
    # nothing in the package can deserialise code
    pattern = re.compile(r"\b(pickle|marshal|shelve|dill)\b|(?<![.\w])(eval|exec)\(|yaml\.load\(|yaml\.unsafe_load")
    offenders = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in (ROOT / "pipeline").rglob("*.py")
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []


SECRETS = {"sasl_password": "sasl-S3CRET-value", "ssl_password": "key-S3CRET-value"}


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_secrets_never_reach_the_logs(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    s = Settings(security_protocol="SASL_SSL", sasl_username="wirewash", log_format=fmt, **SECRETS)  # type: ignore[arg-type]
    logs.configure("INFO", fmt)
    try:
        log_startup(s)
        logging.getLogger("wirewash.test").info("settings %s %r", s, s)
    finally:
        logs.configure("WARNING", "text")
    err = capsys.readouterr().err
    assert "wirewash worker" in err and "sasl_username" in err and "**********" in err
    for secret in SECRETS.values():
        assert secret not in err
        assert secret not in settings_table()


def test_config_command_masks_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from pipeline.cli import main

    monkeypatch.setenv("WIREWASH_SASL_PASSWORD", SECRETS["sasl_password"])
    out = CliRunner().invoke(main, ["config"])
    assert out.exit_code == 0
    assert '"sasl_password": "**********"' in out.output
    assert SECRETS["sasl_password"] not in out.output


# ------------------------------------------------------------------------------ logs


def test_repeated_client_errors_are_collapsed() -> None:
    now = [0.0]
    f = logs.RepeatFilter(interval=30, clock=lambda: now[0])
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(f)
    lg = logging.getLogger("aiokafka.test-repeat")
    lg.addHandler(handler)
    lg.propagate = False
    try:
        for i in range(100):  # ten a second for ten seconds
            now[0] = i / 10
            lg.error("Unable connect to node with id %s", 111)
        now[0] = 31.0
        lg.error("Unable connect to node with id %s", 111)
        lg.error("another problem")
        logging.getLogger("wirewash.test-repeat").addHandler(handler)
        for _ in range(3):  # our own warnings are never collapsed
            logging.getLogger("wirewash.test-repeat").warning("retrying")
    finally:
        lg.removeHandler(handler)
        lg.propagate = True
        logging.getLogger("wirewash.test-repeat").removeHandler(handler)
    lines = stream.getvalue().splitlines()
    assert lines[0] == "Unable connect to node with id 111"
    assert lines[1] == "Unable connect to node with id 111 (and 99 more like it in the last 30s)"
    assert lines[2] == "another problem"
    assert lines[3:] == ["retrying"] * 3


def test_info_is_never_filtered() -> None:
    f = logs.RepeatFilter(interval=30, clock=lambda: 0.0)
    rec = logging.LogRecord("faust", logging.INFO, "x", 1, "same", None, None)
    assert all(f.filter(rec) for _ in range(5))


# ------------------------------------------------------------------------------ delivery


def test_delivery_retries_transient_failures_and_dead_letters_refused_outputs() -> None:
    import asyncio

    import orjson
    from aiokafka.errors import KafkaConnectionError, MessageSizeTooLargeError

    from pipeline.codec import Source
    from pipeline.service.handler import Handler
    from pipeline.service.metrics import Metrics
    from pipeline.service.worker import deliver

    metrics = Metrics()
    handler = Handler(Settings(), None, metrics)
    small = orjson.dumps({"id": "small", "source": "s", "body": "Police said two people were arrested on Monday."})
    big = orjson.dumps({"id": "big", "source": "s", "body": "Officials said the bridge would reopen. " * 50})
    records = (
        handler.handle(Source("in", 0, 1, None, b"small"), small).records
        + handler.handle(Source("in", 0, 2, None, b"big"), big).records
    )
    attempts: list[tuple[str, bytes | None]] = []
    sent: list[tuple[str, bytes | None]] = []
    flaky = {"small"}

    async def send_one(r):  # type: ignore[no-untyped-def]
        attempts.append((r.topic, r.key))
        fut = asyncio.get_running_loop().create_future()
        if len(r.value) > 1500 and r.topic != "wire.items.v1.dlq":
            raise MessageSizeTooLargeError("the message is 2100 bytes")  # refused before the network
        if r.key == b"small" and r.topic == "wire.articles.v1" and flaky:
            flaky.clear()
            fut.set_exception(KafkaConnectionError("broker went away"))
        else:
            sent.append((r.topic, r.key))
            fut.set_result(None)
        return fut

    asyncio.run(deliver(send_one, records, handler, metrics, initial_delay=0.01))
    # the small article was retried once and delivered; the big input became one dead letter
    assert sent.count(("wire.articles.v1", b"small")) == 1
    assert ("wire.articles.v1", b"big") not in sent
    assert [s for s in sent if s[0] == "wire.items.v1.dlq"] == [("wire.items.v1.dlq", b"big")]
    assert attempts.count(("wire.articles.v1", b"small")) == 2
    assert metrics.dlq.labels("output_too_large")._value.get() == 1
    assert metrics.send_retries._value.get() == 1


def test_json_logs_carry_context_of_any_shape() -> None:
    rec = logging.LogRecord("wirewash.worker", logging.INFO, "x", 1, "progress %d", (5,), None)
    rec.lag = {0: 3, 1: 0}  # int keys, as per-partition maps have
    rec.item_id = "a1"
    import orjson

    out = orjson.loads(logs.JsonFormatter().format(rec))
    assert out["message"] == "progress 5" and out["lag"] == {"0": 3, "1": 0} and out["item_id"] == "a1"


class _Rec:
    def __init__(self, offset: int) -> None:
        self.offset = offset


class _App:
    def __init__(self) -> None:
        self.consumer_generation_id = 1
        self.monitor = type("M", (), {"track_tp_end_offset": staticmethod(lambda tp, hw: None)})()


class _Consumer:
    """Just what faust's ``Consumer.getmany`` touches; a rebalance starts after ``rebalance_after`` records."""

    def __init__(
        self, records: dict[str, list[_Rec]], rebalance_after: int, flow: bool = True, active: set[str] | None = None
    ) -> None:
        self.app = _App()
        self.active = active
        self.records = records
        self.rebalance_after = rebalance_after
        self.flow_active = flow
        self.should_stop = False
        self._buffered_partitions: set[str] = set()
        self.seeks: list[tuple[str, int]] = []
        self.yielded = 0
        self.scheduler = type("S", (), {"iterate": staticmethod(self._iterate)})()

    def _iterate(self, records: dict[str, list[_Rec]]):  # type: ignore[no-untyped-def]
        for tp, msgs in records.items():  # partition by partition (faust round-robins; order is irrelevant here)
            for m in msgs:
                yield tp, m

    async def _wait_next_records(self, timeout: float):  # type: ignore[no-untyped-def]
        return self.records, self.active

    def _to_message(self, tp: str, record: _Rec) -> _Rec:
        self.yielded += 1
        if self.yielded == self.rebalance_after:
            self.app.consumer_generation_id += 1
        return record

    def highwater(self, tp: str) -> int:
        return 0

    def assignment(self) -> set[str]:
        return set(self.records)

    async def seek(self, tp: str, offset: int) -> None:
        self.seeks.append((tp, offset))

    async def perform_seek(self) -> None:
        pass


def _drain(consumer: _Consumer) -> list[tuple[str, int]]:
    import asyncio

    from faust.transport.consumer import Consumer

    async def go() -> list[tuple[str, int]]:
        return [(tp, m.offset) async for tp, m in Consumer.getmany(consumer, 1.0)]  # type: ignore[arg-type]

    return asyncio.run(go())


def test_records_dropped_by_a_rebalance_are_read_again() -> None:
    """faust drops the rest of a fetched batch when a rebalance starts, and the records of a paused
    partition; every partition with records not handed on is sought back to the first of them."""
    build_app(Settings(bootstrap_servers="127.0.0.1:1"))  # installs the patch
    records = {"p0": [_Rec(5), _Rec(6), _Rec(7)], "p1": [_Rec(0), _Rec(1)]}
    c = _Consumer(records, rebalance_after=2)
    assert _drain(c) == [("p0", 5), ("p0", 6)]
    assert c.seeks == [("p0", 7), ("p1", 0)]  # the first record not handed on, per partition
    c = _Consumer(records, rebalance_after=0, flow=False)
    assert _drain(c) == []
    assert c.seeks == [("p0", 5), ("p1", 0)]
    c = _Consumer(records, rebalance_after=99)
    assert len(_drain(c)) == 5 and c.seeks == []
    c = _Consumer(records, rebalance_after=99, active={"p0"})  # p1 paused (e.g. table recovery)
    assert _drain(c) == [("p0", 5), ("p0", 6), ("p0", 7)]
    assert c.seeks == [("p1", 0)]


def test_learned_table_updates_need_no_producer_metadata() -> None:
    """The table's changelog has one partition and the worker names it.

    Asking the producer's partitioner instead raises TypeError while the producer has no
    metadata for the changelog topic (aiokafka's ``partitions_for_topic`` is None), and the
    table write, the in-memory value with it, is lost: on the embedded broker this lasted a
    whole run after the topic's first write failed, so nothing was ever learned.
    """
    from pipeline.learning import LearnedMemory
    from pipeline.service.worker import LEARNED_TABLE

    app, _ = build_app(Settings(bootstrap_servers="127.0.0.1:1", web_port=0))
    table = app.tables[LEARNED_TABLE]

    def no_metadata(*args: object, **kwargs: object) -> int:
        raise TypeError("'NoneType' object is not iterable")

    app.producer.key_partition = no_metadata  # type: ignore[method-assign]
    memory = LearnedMemory(table, min_articles=3)
    assert memory.record("alpha", "a1", ["f00"]) == 0  # a first sighting stays in process memory
    assert memory.record("alpha", "a2", ["f00"]) == 1  # the second one is written to the table
    assert dict(table.data) == {"alpha\x1ff00": [article_tag("a1"), article_tag("a2")]}
    assert memory.lookup("alpha", "a3")("f00") is True


def test_producer_batches_hold_many_articles() -> None:
    """faust's default batch size (16 KiB) holds two 5 KB articles; a batch of 1 MiB needs fewer requests."""
    assert faust_config(Settings())["producer_max_batch_size"] == 1 << 20
    small = Settings(producer_batch_bytes=65536)
    assert faust_config(small)["producer_max_batch_size"] == 65536
    # never above the request size the producer may send
    huge = Settings(producer_batch_bytes=64 << 20, max_message_bytes=1 << 20)
    assert faust_config(huge)["producer_max_batch_size"] == faust_config(huge)["producer_max_request_size"]
