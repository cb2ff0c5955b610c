"""``wirewash ingest``: poll RSS, Atom and ninjs feeds over HTTP and publish each new or changed item once.

Each feed is fetched with conditional requests (``If-None-Match`` / ``If-Modified-Since``
from the last ETag and Last-Modified), at its own interval (the feed's RSS ``<ttl>`` or the
``--interval``, whichever is longer); a failing feed backs off exponentially (a 429 or 503
``Retry-After`` is honoured). Every item of a fetched feed becomes one input record (the item
alone as a document of its format, keyed by its id, with its ``content-type``), published
only when the item is new or changed: what was published is remembered in a compacted
topic (``WIREWASH_TOPIC_INGEST``, key = item id, value = a fingerprint of the item's
version, headline, body and date), which every instance reads at start and follows while it
runs, so a restart or a second instance does not publish an item again.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from pipeline.formats import FormatError, parse_document
from pipeline.inputs import Input, per_item
from pipeline.settings import Settings

log = logging.getLogger("wirewash.ingest")
_TTL = re.compile(rb"<ttl>\s*(\d{1,6})\s*</ttl>", re.IGNORECASE)


@dataclass
class Feed:
    """One polled feed and its conditional-request and backoff state."""

    url: str
    interval: float
    etag: str | None = None
    last_modified: str | None = None
    next_at: float = 0.0
    failures: int = 0
    polls: int = 0


def next_delay(feed: Feed, ok: bool, max_backoff: float, retry_after: float | None = None) -> float:
    """Seconds until the next poll: the interval after a success, doubling backoff after failures.

    >>> f = Feed("u", 60)
    >>> [next_delay(f, False, 600) for _ in range(5)] + [next_delay(f, True, 600)]
    [120.0, 240.0, 480.0, 600.0, 600.0, 60.0]
    """
    if ok:
        feed.failures = 0
        return float(feed.interval)
    feed.failures += 1
    delay = min(float(max_backoff), feed.interval * (2.0**feed.failures))
    return max(delay, retry_after or 0.0)


def fingerprint(fields: dict[str, Any]) -> str:
    """What makes an item "changed": its version, headline, body and date (not the feed around it)."""
    key = [fields.get("version"), fields.get("headline"), fields.get("body"), str(fields.get("published_at"))]
    return hashlib.sha256(orjson.dumps(key)).hexdigest()[:32]


@dataclass
class Seen:
    """item id -> fingerprint of what was published, mirrored from the compacted ingest topic."""

    settings: Settings
    data: dict[str, str] = field(default_factory=dict)
    _consumer: AIOKafkaConsumer | None = None
    _task: asyncio.Task[None] | None = None

    async def ensure_topic(self) -> None:
        admin = AIOKafkaAdminClient(**self.settings.kafka_client_kwargs())
        await admin.start()
        try:
            if self.settings.topic_ingest in set(await admin.list_topics()):
                return
            topic = NewTopic(
                self.settings.topic_ingest,
                1,
                self.settings.topic_replication,
                topic_configs={"cleanup.policy": "compact"},
            )
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics([topic])
        finally:
            await admin.close()

    def _apply(self, key: bytes | None, value: bytes | None) -> None:
        if key is None:
            return
        k = key.decode("utf-8", "replace")
        if value is None:
            self.data.pop(k, None)
        else:
            self.data[k] = orjson.loads(value).get("fingerprint", "")

    async def start(self) -> int:
        """Read the topic to its end (until idle), then keep following it in the background."""
        await self.ensure_topic()
        self._consumer = AIOKafkaConsumer(
            self.settings.topic_ingest,
            group_id=None,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            **self.settings.kafka_client_kwargs(),
        )
        await self._consumer.start()
        n = empty = 0
        while empty < 2:
            batch = await self._consumer.getmany(timeout_ms=400)
            if not batch:
                empty += 1
                continue
            empty = 0
            for msgs in batch.values():
                for m in msgs:
                    self._apply(m.key, m.value)
                    n += 1
        self._task = asyncio.create_task(self._follow())
        return n

    async def _follow(self) -> None:
        assert self._consumer is not None
        while True:
            try:
                batch = await self._consumer.getmany(timeout_ms=1000)
            except asyncio.CancelledError:
                raise
            except Exception:  # keep following; a broker hiccup is retried
                log.debug("ingest state follow failed", exc_info=True)
                await asyncio.sleep(1)
                continue
            for msgs in batch.values():
                for m in msgs:
                    self._apply(m.key, m.value)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._consumer is not None:
            await self._consumer.stop()


@dataclass
class Totals:
    polls: int = 0
    not_modified: int = 0
    errors: int = 0
    items: int = 0
    published: int = 0


async def _fetch(session: Any, feed: Feed, timeout: float) -> tuple[int, bytes, dict[str, str]]:
    headers = {
        "User-Agent": "wirewash-ingest",
        "Accept": "application/rss+xml, application/atom+xml, application/json, */*",
    }
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    import aiohttp

    async with session.get(feed.url, headers=headers, timeout=aiohttp.ClientTimeout(total=timeout)) as resp:
        body = await resp.read() if resp.status == 200 else b""
        return resp.status, body, {k.lower(): v for k, v in resp.headers.items()}


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


async def poll_once(
    feed: Feed,
    session: Any,
    producer: AIOKafkaProducer,
    seen: Seen,
    settings: Settings,
    totals: Totals,
    timeout: float,
    max_backoff: float = 3600.0,
) -> str:
    """Fetch one feed, publish its new and changed items; returns the progress line."""
    feed.polls += 1
    totals.polls += 1
    try:
        status, body, headers = await _fetch(session, feed, timeout)
    except Exception as exc:  # network errors: back off
        totals.errors += 1
        delay = next_delay(feed, False, max_backoff)
        feed.next_at = time.monotonic() + delay
        return f"{feed.url}: {type(exc).__name__}: {exc}; retrying in {delay:.0f}s"
    if status == 304:
        totals.not_modified += 1
        feed.next_at = time.monotonic() + next_delay(feed, True, 0)
        return f"{feed.url}: not modified; next poll in {feed.interval:.0f}s"
    if status != 200:
        totals.errors += 1
        delay = next_delay(feed, False, max_backoff, _retry_after(headers.get("retry-after")))
        feed.next_at = time.monotonic() + delay
        return f"{feed.url}: HTTP {status}; retrying in {delay:.0f}s"
    feed.etag = headers.get("etag") or feed.etag
    feed.last_modified = headers.get("last-modified") or feed.last_modified
    ttl = _TTL.search(body[:65536])
    if ttl:
        feed.interval = max(feed.interval, float(int(ttl.group(1)) * 60))
    ctype = headers.get("content-type")
    if ctype and ctype.split(";")[0].strip().lower() in ("text/html", "text/plain", "application/octet-stream"):
        ctype = None  # servers mislabel feeds: read the content
    try:
        _fmt, parsed = parse_document(body, ctype)
    except FormatError as exc:
        totals.errors += 1
        delay = next_delay(feed, False, max_backoff)
        feed.next_at = time.monotonic() + delay
        return f"{feed.url}: unreadable feed ({exc.code.value}: {exc.message}); retrying in {delay:.0f}s"
    marks = {p.fields.get("id"): fingerprint(p.fields) for p in parsed}
    records = per_item(Input(feed.url, body, None, [("content-type", (ctype or parsed[0].media_type or "").encode())]))
    new = changed = 0
    to_send: list[tuple[Input, str]] = []
    for rec in records:
        key = rec.key.decode("utf-8") if rec.key else None
        if key is None:
            continue
        mark = marks.get(key, "")
        before = seen.data.get(key)
        if before == mark:
            continue
        new += before is None
        changed += before is not None
        to_send.append((rec, mark))
    totals.items += len(records)
    for rec, mark in to_send:  # the item first, then the memory of it: a crash in between republishes, never loses
        assert rec.key is not None
        await producer.send_and_wait(settings.topic_input, rec.value, key=rec.key, headers=rec.headers)
        state = orjson.dumps({"fingerprint": mark, "feed": feed.url, "at": int(time.time())})
        await producer.send_and_wait(settings.topic_ingest, state, key=rec.key)
        seen.data[rec.key.decode("utf-8")] = mark
    totals.published += len(to_send)
    feed.next_at = time.monotonic() + next_delay(feed, True, 0)
    return (
        f"{feed.url}: {len(records)} items, {new} new, {changed} changed, published {len(to_send)}; "
        f"next poll in {feed.interval:.0f}s"
    )


async def run_ingest(
    urls: list[str],
    settings: Settings,
    interval: float,
    max_backoff: float,
    cycles: int | None,
    timeout: float,
    say: Callable[[str], None],
) -> Totals:
    """Poll until interrupted, or for ``cycles`` polls of every feed."""
    import aiohttp

    feeds = [Feed(u, interval) for u in urls]
    seen = Seen(settings)
    totals = Totals()
    n = await seen.start()
    say(
        f"ingest: {len(seen.data)} items remembered ({n} records in {settings.topic_ingest}); "
        f"polling {len(feeds)} feeds"
    )
    producer = AIOKafkaProducer(enable_idempotence=False, acks="all", **settings.kafka_client_kwargs())
    await producer.start()
    try:
        async with aiohttp.ClientSession() as session:
            while True:
                now = time.monotonic()
                due = [f for f in feeds if f.next_at <= now and (cycles is None or f.polls < cycles)]
                for f in due:
                    say(await poll_once(f, session, producer, seen, settings, totals, timeout, max_backoff))
                if cycles is not None and all(f.polls >= cycles for f in feeds):
                    break
                waiting = [f.next_at for f in feeds if cycles is None or f.polls < cycles]
                await asyncio.sleep(max(0.05, min(waiting) - time.monotonic()) if waiting else 0.05)
    finally:
        await producer.stop()
        await seen.stop()
    say(
        f"ingest: {totals.polls} polls ({totals.not_modified} not modified, {totals.errors} failed), "
        f"{totals.items} items seen, {totals.published} published"
    )
    return totals
