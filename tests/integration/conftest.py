"""Integration fixtures: a real Kafka-protocol broker (embedded Tansu) and worker processes.

The broker must start: if it cannot, the tests fail (they never skip).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from pipeline.client import loads_json
from pipeline.service.broker import EmbeddedBroker, free_port
from pipeline.settings import Settings

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBroker]:
    log = tmp_path_factory.mktemp("broker") / "tansu.log"
    b = EmbeddedBroker(log_path=log)
    b.start()  # raises (test error, not skip) when the broker cannot start
    yield b
    b.stop()


@dataclass
class Env:
    """Unique topic names and group for one test."""

    bootstrap: str
    tag: str = field(default_factory=lambda: uuid.uuid4().hex[:10])

    @property
    def settings(self) -> Settings:
        return Settings(
            bootstrap_servers=self.bootstrap,
            topic_input=f"it-{self.tag}.items",
            topic_articles=f"it-{self.tag}.articles",
            topic_events=f"it-{self.tag}.events",
            topic_dlq=f"it-{self.tag}.items.dlq",
            group_id=f"it-{self.tag}",
            session_timeout_s=6.0,
            heartbeat_interval_s=1.0,
        )

    def env(self, **extra: str) -> dict[str, str]:
        s = self.settings
        out = {
            **os.environ,
            "WIREWASH_BOOTSTRAP_SERVERS": self.bootstrap,
            "WIREWASH_TOPIC_INPUT": s.topic_input,
            "WIREWASH_TOPIC_ARTICLES": s.topic_articles,
            "WIREWASH_TOPIC_EVENTS": s.topic_events,
            "WIREWASH_TOPIC_DLQ": s.topic_dlq,
            "WIREWASH_GROUP_ID": s.group_id,
            "WIREWASH_SESSION_TIMEOUT_S": "6",
            "WIREWASH_HEARTBEAT_INTERVAL_S": "1",
            "WIREWASH_TOPIC_PARTITIONS": "2",
            "WIREWASH_LOG_FORMAT": "json",
            "PYTHONUNBUFFERED": "1",
        }
        out.update(extra)
        return out


@pytest.fixture
def env(broker: EmbeddedBroker) -> Env:
    return Env(broker.bootstrap)


class WorkerProcess:
    """A `wirewash worker` subprocess with its own log file and web port."""

    def __init__(self, env: Env, log_dir: Path, **extra: str):
        self.env = env
        self.web_port = free_port()
        self.log_path = log_dir / f"worker-{uuid.uuid4().hex[:6]}.log"
        self.extra = {"WIREWASH_WEB_PORT": str(self.web_port), "WIREWASH_DATA_DIR": str(log_dir / "data"), **extra}
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> WorkerProcess:
        log = open(self.log_path, "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pipeline.cli", "worker"],
            env=self.env.env(**self.extra),
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            start_new_session=True,
        )
        log.close()
        return self

    def signal(self, sig: int) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)

    def kill(self) -> None:
        self.signal(signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait(10)

    def stop(self, timeout: float = 20) -> int | None:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.proc.returncode

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@pytest.fixture
def worker(env: Env, tmp_path: Path) -> Iterator[Callable[..., WorkerProcess]]:
    started: list[WorkerProcess] = []

    def make(**extra: str) -> WorkerProcess:
        w = WorkerProcess(env, tmp_path, **extra).start()
        started.append(w)
        return w

    yield make
    for w in started:
        w.stop(10)


def run(coro: Any) -> Any:
    return asyncio.run(coro)


async def produce(
    settings: Settings,
    records: list[tuple[bytes | None, bytes | None]],
    topic: str | None = None,
    max_request_size: int = 1 << 20,
    partition: int | None = None,
) -> None:
    p = AIOKafkaProducer(
        bootstrap_servers=settings.bootstrap_servers,
        enable_idempotence=False,
        max_request_size=max_request_size,
        linger_ms=5,
    )
    await p.start()
    try:
        futs = [await p.send(topic or settings.topic_input, value=v, key=k, partition=partition) for k, v in records]
        await asyncio.gather(*futs)
    finally:
        await p.stop()


async def consume_until(
    settings: Settings,
    topics: list[str],
    done: Callable[[dict[str, list[Any]]], bool],
    timeout: float = 90,
) -> dict[str, list[Any]]:
    """Read the topics from the beginning (no group) until ``done(records)`` or the timeout."""
    c = AIOKafkaConsumer(
        *topics,
        bootstrap_servers=settings.bootstrap_servers,
        auto_offset_reset="earliest",
        group_id=None,
        max_partition_fetch_bytes=32 << 20,
        fetch_max_bytes=64 << 20,
    )
    await c.start()
    got: dict[str, list[Any]] = {t: [] for t in topics}
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and not done(got):
            batch = await c.getmany(timeout_ms=300)
            for tp, msgs in batch.items():
                got[tp.topic].extend(msgs)
    finally:
        await c.stop()
    return got


def values(records: list[Any]) -> list[Any]:
    return [loads_json(r.value) for r in records]


def item(i: str, body: str, source: str = "it", **kw: Any) -> tuple[bytes, bytes]:
    return i.encode(), orjson.dumps({"id": i, "source": source, "body": body, **kw})


def http_get(port: int, path: str, timeout: float = 5.0) -> tuple[int, bytes]:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def wait_http(port: int, path: str = "/healthz", timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            code, _ = http_get(port, path, 1.0)
            if code in (200, 503):
                return
        time.sleep(0.2)
    raise TimeoutError(f"worker web server on {port} did not answer")


class Tail:
    """Reads topics from the beginning in a background thread (no group) while a test runs."""

    def __init__(self, settings: Settings, topics: list[str]):
        import threading

        self.settings = settings
        self.topics = topics
        self.records: dict[str, list[Any]] = {t: [] for t in topics}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._started = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)

    async def _run(self) -> None:
        c = AIOKafkaConsumer(
            *self.topics,
            bootstrap_servers=self.settings.bootstrap_servers,
            auto_offset_reset="earliest",
            group_id=None,
            max_partition_fetch_bytes=32 << 20,
            fetch_max_bytes=64 << 20,
            metadata_max_age_ms=2000,
        )
        await c.start()
        self._started.set()
        try:
            while not self._stop.is_set():
                batch = await c.getmany(timeout_ms=200)
                with self._lock:
                    for tp, msgs in batch.items():
                        self.records[tp.topic].extend(msgs)
        finally:
            await c.stop()

    def __enter__(self) -> Tail:
        self._thread.start()
        if not self._started.wait(30):
            raise TimeoutError("tail consumer did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(30)

    def count(self, topic: str) -> int:
        with self._lock:
            return len(self.records[topic])

    def keys(self, topic: str) -> set[bytes]:
        with self._lock:
            return {r.key for r in self.records[topic]}

    def snapshot(self, topic: str) -> list[Any]:
        with self._lock:
            return list(self.records[topic])

    def wait(self, pred: Callable[[Tail], bool], timeout: float, what: str = "") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if pred(self):
                return
            time.sleep(0.1)
        raise TimeoutError(f"timed out after {timeout}s waiting for {what or pred}")


async def explain_missing(settings: Settings, missing: set[bytes]) -> str:
    """Where the inputs of ``missing`` article keys are, and whether a fresh reader finds their outputs.

    For a test that timed out waiting for outputs: tells a lost output (the input was
    committed past, no article exists) from a reader that stopped short (a fresh consumer
    finds the articles) and from input that was never read (committed offset below it).
    """
    from aiokafka import TopicPartition

    got = await consume_until(settings, [settings.topic_input, settings.topic_articles], lambda r: False, timeout=8)
    where = {r.key: (r.partition, r.offset) for r in got[settings.topic_input] if r.key in missing}
    found = {r.key for r in got[settings.topic_articles]} & missing
    tps = [TopicPartition(settings.topic_input, p) for p in sorted({r.partition for r in got[settings.topic_input]})]
    c = AIOKafkaConsumer(bootstrap_servers=settings.bootstrap_servers, group_id=settings.group_id)
    await c.start()
    try:
        committed = {tp.partition: await c.committed(tp) for tp in tps}
        ends = await c.end_offsets(tps)
    finally:
        await c.stop()
    shown = sorted(where.items(), key=lambda kv: kv[1])[:20]
    return (
        f"{len(missing)} article keys missing; a fresh reader finds {len(found)} of them; "
        f"committed {committed}; end offsets { {tp.partition: o for tp, o in ends.items()} }; "
        f"their inputs (partition, offset): {shown}; "
        f"offset holes (a record the broker acknowledged and lost, or skipped on a fetch): "
        f"input {_holes(got[settings.topic_input])}, articles {_holes(got[settings.topic_articles])}"
    )


def _holes(recs: list[Any]) -> dict[int, list[int]]:
    """Per partition, the offsets missing between the first and the last record read (at most 10 each)."""
    by: dict[int, set[int]] = {}
    for r in recs:
        by.setdefault(r.partition, set()).add(r.offset)
    return {p: sorted(set(range(min(o), max(o) + 1)) - o)[:10] for p, o in sorted(by.items())}


def soak_report(test: str, **counts: Any) -> None:
    """One JSON line per fault-test run for ``make soak`` (tests/soak.py), when WIREWASH_SOAK_REPORT names a file."""
    path = os.environ.get("WIREWASH_SOAK_REPORT")
    if path:
        with open(path, "ab") as f:
            f.write(orjson.dumps({"test": test, **counts}) + b"\n")


def rss_kb(pid: int) -> int:
    """Resident set size of a process, in KiB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0
