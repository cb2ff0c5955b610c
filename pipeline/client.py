"""A typed async client for wirewash topics, for your own Python services.

Usage::

    from pipeline.client import ArticleConsumer, Publisher
    from pipeline.models import FeedItem

    async with Publisher("kafka:9092") as pub:
        await pub.publish(FeedItem(id="x1", source="pti", body="..."))
    async with ArticleConsumer("kafka:9092", group_id="my-app") as articles:
        async for article in articles:
            print(article.id, article.body[:80])

Publishing waits for the broker's acknowledgement and retries with exponential backoff;
consumers yield pydantic models (CleanArticle, Event, DeadLetter) and accept both plain
JSON and Schema Registry-framed values.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Generic, TypeVar

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaError
from pydantic import BaseModel, ConfigDict

from pipeline.codec import Headers, dumps, output_headers, unframe
from pipeline.models import CleanArticle, DeadLetter, Event, FeedItem, Retraction
from pipeline.settings import Settings

log = logging.getLogger("wirewash.client")
M = TypeVar("M", bound=BaseModel)


class PublishError(RuntimeError):
    """A record could not be delivered after all retries."""


class BrokerError(RuntimeError):
    """The broker cannot be used; the message is one line for the operator."""


class BrokerUnavailable(BrokerError):
    """No bootstrap server answered (down, unreachable, or not speaking Kafka): retrying may help."""


class BrokerRefused(BrokerError):
    """A server refused the configured security (SASL mechanism, credentials, TLS): retrying cannot help."""


def _reason(exc: BaseException) -> str:
    """A short reason for a connection failure (no exception class soup)."""
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, ConnectionRefusedError) or "Connect call failed" in str(exc) or "[Errno 111]" in str(exc):
        return "connection refused"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:200]


async def probe_broker(settings: Settings, timeout: float = 10.0) -> None:
    """Connect to each bootstrap server once, with the configured security, and ask for metadata.

    Returns as soon as one server answers. Raises :class:`BrokerRefused` when a server refuses
    the SASL mechanism or the credentials, or the TLS certificate does not verify; raises
    :class:`BrokerUnavailable` (naming every server and why) when none answers.
    """
    import ssl

    from aiokafka.conn import create_conn
    from aiokafka.errors import (
        AuthenticationFailedError,
        AuthenticationMethodNotSupported,
        IllegalSaslStateError,
        SaslAuthenticationFailed,
        UnsupportedSaslMechanismError,
    )
    from aiokafka.protocol.metadata import MetadataRequest

    kw = settings.kafka_client_kwargs()
    kw.pop("bootstrap_servers")
    failures = []
    for server in settings.servers:
        host, _, port = server.rpartition(":")
        try:
            conn = await asyncio.wait_for(
                create_conn(host.strip("[]"), int(port), request_timeout_ms=int(timeout * 1000), **kw), timeout
            )
        except UnsupportedSaslMechanismError:
            raise BrokerRefused(
                f"{server} does not accept SASL mechanism {settings.sasl_mechanism} (WIREWASH_SASL_MECHANISM)"
            ) from None
        except (SaslAuthenticationFailed, AuthenticationFailedError, IllegalSaslStateError) as exc:
            raise BrokerRefused(
                f"{server} rejected the SASL credentials of user {settings.sasl_username!r} "
                f"(WIREWASH_SASL_USERNAME / WIREWASH_SASL_PASSWORD): {_reason(exc)}"
            ) from None
        except AuthenticationMethodNotSupported as exc:
            raise BrokerRefused(f"{server}: {_reason(exc)}") from None
        except ssl.SSLCertVerificationError as exc:
            raise BrokerRefused(f"{server}: TLS certificate not trusted: {exc.verify_message}") from None
        except (TimeoutError, OSError, KafkaError) as exc:
            failures.append(f"{server} ({_reason(exc)})")
            continue
        try:
            await asyncio.wait_for(conn.send(MetadataRequest([])), timeout)
        except (TimeoutError, OSError, KafkaError) as exc:
            failures.append(f"{server} (metadata request failed: {_reason(exc)})")
            continue
        finally:
            conn.close()
        return
    raise BrokerUnavailable("cannot reach the broker at " + ", ".join(failures))


@dataclass
class Delivery:
    key: str | None
    ok: bool
    partition: int | None = None
    offset: int | None = None
    error: str | None = None


def _settings(bootstrap_servers: str | None, settings: Settings | None) -> Settings:
    if settings is None:
        settings = Settings() if bootstrap_servers is None else Settings(bootstrap_servers=bootstrap_servers)
    elif bootstrap_servers is not None:
        settings = settings.model_copy(update={"bootstrap_servers": bootstrap_servers})
    return settings


class Publisher:
    """Publishes FeedItems (or raw bytes) to the input topic and waits for acknowledgement."""

    def __init__(
        self,
        bootstrap_servers: str | None = None,
        *,
        settings: Settings | None = None,
        topic: str | None = None,
        retries: int = 5,
        backoff: float = 0.5,
        request_timeout_ms: int = 15000,
        **producer_kwargs: Any,
    ):
        self.settings = _settings(bootstrap_servers, settings)
        self.topic = topic or self.settings.topic_input
        self.retries = retries
        self.backoff = backoff
        kw = self.settings.kafka_client_kwargs()
        kw.update(
            linger_ms=self.settings.producer_linger_ms,
            acks="all" if self.settings.producer_acks == "all" else int(self.settings.producer_acks),
            enable_idempotence=False,
            max_request_size=max(1 << 20, self.settings.max_message_bytes * 2 + (1 << 20)),
            request_timeout_ms=request_timeout_ms,
        )
        kw.update(producer_kwargs)
        self._kw = kw
        self._producer: AIOKafkaProducer | None = None

    async def start(self) -> None:
        """Connect, retrying with backoff (``retries`` times); a refused SASL/TLS setup fails at once."""
        delay = self.backoff
        for attempt in range(self.retries + 1):
            try:
                await probe_broker(self.settings, timeout=self._kw["request_timeout_ms"] / 1000)
            except BrokerRefused as exc:
                raise PublishError(f"cannot connect: {exc}") from None
            except BrokerUnavailable as exc:
                if attempt == self.retries:
                    raise PublishError(str(exc)) from None
                log.warning("%s; attempt %d of %d, retrying in %.1fs", exc, attempt + 1, self.retries + 1, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10)
                continue
            producer = AIOKafkaProducer(**self._kw)
            try:
                await producer.start()
            except KafkaError as exc:  # it went away between the probe and the start
                await producer.stop()
                if attempt == self.retries:
                    raise PublishError(f"cannot connect to {self.settings.bootstrap_servers}: {exc}") from None
                log.warning(
                    "broker not reachable (%s); attempt %d of %d, retrying in %.1fs",
                    exc,
                    attempt + 1,
                    self.retries + 1,
                    delay,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10)
                continue
            self._producer = producer
            return

    async def stop(self) -> None:
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None

    async def __aenter__(self) -> Publisher:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    async def send_raw(
        self,
        value: bytes | None,
        key: bytes | None = None,
        headers: list[tuple[str, bytes]] | None = None,
        topic: str | None = None,
    ) -> Delivery:
        """Send bytes as they are (with retries); returns a Delivery, never raises for a failed record."""
        assert self._producer is not None, "call start() first"
        delay = self.backoff
        last = ""
        for attempt in range(self.retries + 1):
            try:
                md = await self._producer.send_and_wait(topic or self.topic, value, key=key, headers=headers)
                return Delivery(key.decode("utf-8", "replace") if key else None, True, md.partition, md.offset)
            except KafkaError as exc:
                last = f"{type(exc).__name__}: {exc}"
                if attempt < self.retries:
                    log.warning("send failed (%s); retrying in %.1fs", last, delay)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 10)
        return Delivery(key.decode("utf-8", "replace") if key else None, False, error=last)

    async def send_many(
        self,
        records: Sequence[tuple[bytes | None, bytes | None] | tuple[bytes | None, bytes | None, Headers | None]],
        topic: str | None = None,
        headers: list[tuple[str, bytes]] | None = None,
    ) -> list[Delivery]:
        """Send many (key, value) pairs pipelined; retry the failed ones with backoff.

        A record may be (key, value, headers) to carry its own headers (e.g. its content-type).

        Returns one Delivery per record, in order; never raises for undeliverable records.
        """
        assert self._producer is not None, "call start() first"
        producer = self._producer
        out: list[Delivery | None] = [None] * len(records)
        errors: dict[int, str] = {}
        pending = list(range(len(records)))
        delay = self.backoff
        for attempt in range(self.retries + 1):
            futures: list[Any] = []
            for i in pending:
                key, value = records[i][0], records[i][1]
                own = records[i][2] if len(records[i]) > 2 else None  # type: ignore[misc]
                try:
                    futures.append(await producer.send(topic or self.topic, value, key=key, headers=own or headers))
                except KafkaError as exc:  # no metadata for the topic, buffer timeout, ...
                    fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
                    fut.set_exception(exc)
                    futures.append(fut)
            results = await asyncio.gather(*futures, return_exceptions=True)
            failed = []
            for i, res in zip(pending, results, strict=True):
                key = records[i][0]
                name = key.decode("utf-8", "replace") if key else None
                if isinstance(res, BaseException):
                    errors[i] = f"{type(res).__name__}: {res}"
                    failed.append(i)
                else:
                    out[i] = Delivery(name, True, res.partition, res.offset)
            pending = failed
            if not pending:
                break
            if attempt < self.retries:
                reasons = ", ".join(sorted({errors[i].split(":")[0] for i in pending}))
                log.warning(
                    "%d of %d records delivered, %d not yet (%s); attempt %d of %d, retrying in %.1fs",
                    len(records) - len(pending),
                    len(records),
                    len(pending),
                    reasons,
                    attempt + 1,
                    self.retries + 1,
                    delay,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10)
        for i in pending:
            key = records[i][0]
            out[i] = Delivery(key.decode("utf-8", "replace") if key else None, False, error=errors.get(i))
        return [d for d in out if d is not None]

    async def publish(self, item: FeedItem | dict[str, Any]) -> Delivery:
        """Validate and publish one FeedItem, keyed by its id; raises PublishError if undeliverable."""
        model = item if isinstance(item, FeedItem) else FeedItem.model_validate(item)
        value = dumps(model.model_dump(mode="json", exclude_none=False))
        from datetime import UTC, datetime

        headers = output_headers("item", str(uuid.uuid4()), model.id, datetime.now(UTC), "urn:wirewash:client")
        d = await self.send_raw(value, model.id.encode("utf-8"), headers)
        if not d.ok:
            raise PublishError(f"could not deliver {model.id}: {d.error}")
        return d

    async def publish_many(self, items: Iterable[FeedItem | dict[str, Any]], concurrency: int = 64) -> list[Delivery]:
        """Publish many items concurrently; returns one Delivery per item (failures included)."""
        sem = asyncio.Semaphore(concurrency)

        async def one(it: FeedItem | dict[str, Any]) -> Delivery:
            async with sem:
                try:
                    return await self.publish(it)
                except PublishError as exc:
                    key = it.id if isinstance(it, FeedItem) else str(it.get("id"))
                    return Delivery(key, False, error=str(exc))

        return list(await asyncio.gather(*(one(i) for i in items)))


class _TopicConsumer(Generic[M]):
    """Reads one wirewash topic and yields its records as models.

    Where it starts: with a ``group_id``, a group that has committed nothing yet starts at the
    earliest record of each partition (``from_beginning=True``, the default; False: new records
    only) and afterwards resumes where it committed (offsets are committed automatically).
    Without a ``group_id`` nothing is committed and every run starts over. ``bootstrap_servers``
    and ``settings`` default to the ``WIREWASH_*`` environment, as for the CLI.
    """

    model: type[M]
    role: str = "articles"

    def __init__(
        self,
        bootstrap_servers: str | None = None,
        *,
        settings: Settings | None = None,
        topic: str | None = None,
        group_id: str | None = None,
        from_beginning: bool = True,
        **consumer_kwargs: Any,
    ):
        self.settings = _settings(bootstrap_servers, settings)
        self.topic = topic or self.settings.topics()[self.role]
        kw = self.settings.kafka_client_kwargs()
        kw.update(
            group_id=group_id,
            auto_offset_reset="earliest" if from_beginning else "latest",
            enable_auto_commit=group_id is not None,
            max_partition_fetch_bytes=max(1 << 20, self.settings.max_message_bytes * 3),
            fetch_max_bytes=64 << 20,
        )
        if group_id is not None:
            kw.update(
                session_timeout_ms=int(self.settings.session_timeout_s * 1000),
                heartbeat_interval_ms=int(self.settings.heartbeat_interval_s * 1000),
            )
        kw.update(consumer_kwargs)
        self._consumer = AIOKafkaConsumer(self.topic, **kw)

    async def start(self) -> None:
        await self._consumer.start()

    async def stop(self) -> None:
        await self._consumer.stop()

    async def __aenter__(self) -> _TopicConsumer[M]:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    @classmethod
    def decode(cls, value: bytes) -> M:
        """One record's value as a model (also for values read with another Kafka client)."""
        payload, _ = unframe(value)
        return cls.model.model_validate_json(payload)

    async def records(self, timeout_ms: int = 1000) -> AsyncIterator[Any]:
        """Raw ConsumerRecords (key, value bytes, headers, partition, offset)."""
        while True:
            batch = await self._consumer.getmany(timeout_ms=timeout_ms)
            for msgs in batch.values():
                for m in msgs:
                    yield m

    async def __aiter__(self) -> AsyncIterator[M]:
        async for rec in self.records():
            if rec.value is not None:  # a tombstone (a retracted article): see records() to act on it
                yield self.decode(rec.value)

    async def take(self, n: int, timeout: float = 30.0) -> list[M]:
        """Up to ``n`` records, or fewer if ``timeout`` seconds pass."""
        out: list[M] = []
        deadline = asyncio.get_running_loop().time() + timeout
        while len(out) < n and asyncio.get_running_loop().time() < deadline:
            batch = await self._consumer.getmany(timeout_ms=200)
            for msgs in batch.values():
                out.extend(self.decode(m.value) for m in msgs if m.value is not None)
        return out[:n] if len(out) > n else out


# Readers of the output records: a field a newer worker added within v1 is ignored, not an error,
# so a service on an older wirewash keeps reading after the worker is upgraded (the models the
# worker writes stay closed, ``extra="forbid"``, so a misspelt field never reaches the topics).
class _ArticleReader(CleanArticle):
    model_config = ConfigDict(extra="ignore")


class _EventReader(Event):
    model_config = ConfigDict(extra="ignore")


class _RetractionReader(Retraction):
    model_config = ConfigDict(extra="ignore")


class _DeadLetterReader(DeadLetter):
    model_config = ConfigDict(extra="ignore")


class ArticleConsumer(_TopicConsumer[CleanArticle]):
    """Yields CleanArticle models from the articles topic (fields a newer worker added are ignored)."""

    model = _ArticleReader
    role = "articles"


class EventConsumer(_TopicConsumer[Event]):
    """Yields Event models from the events topic, and Retraction models (drop that article's events)."""

    model = _EventReader
    role = "events"

    @classmethod
    def decode(cls, value: bytes) -> Event:
        payload, _ = unframe(value)
        obj = orjson.loads(payload)
        if isinstance(obj, dict) and obj.get("kind") == "retraction":
            return _RetractionReader.model_validate(obj)  # type: ignore[return-value]
        return _EventReader.model_validate(obj)


class DeadLetterConsumer(_TopicConsumer[DeadLetter]):
    """Yields DeadLetter models from the dead-letter topic."""

    model = _DeadLetterReader
    role = "dlq"


def loads_json(value: bytes) -> Any:
    payload, _ = unframe(value)
    return orjson.loads(payload)
