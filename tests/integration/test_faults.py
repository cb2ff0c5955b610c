"""Fault injection on the embedded broker: SIGKILL mid-stream, SIGTERM, a broker outage.

At-least-once with deterministic outputs: after any crash every input id is on the
articles topic, and a record processed twice is byte-identical apart from processed_at.
"""

from __future__ import annotations

import contextlib
import random
import re
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import orjson

from pipeline.service.broker import EmbeddedBroker, free_port
from pipeline.topics import create_topics
from tests.integration.conftest import (
    ROOT,
    Env,
    Tail,
    WorkerProcess,
    explain_missing,
    produce,
    rss_kb,
    run,
    soak_report,
)
from tests.integration.proxy import TcpProxy
from tests.synth import records

PROCESSED_AT = re.compile(rb'"processed_at":"[^"]*"')
DESKS = ["Amber", "Birch", "Cedar", "Delta", "Ember", "Fjord", "Grove", "Heron", "Iris", "Juniper", "Kestrel", "Linden"]


def _with_shared_paragraphs(items: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """Every 200th item and the two after it share a paragraph (same source), so the learned-boilerplate
    table gets changelog records early and every restarted worker recovers the table before it
    resumes the stream: the restart path where records were lost (issue 18). Three sightings stay
    below K=5, so nothing is removed and every output stays deterministic."""
    out = list(items)
    for g in range(len(out) // 200):
        for i in range(g * 200, g * 200 + 3):
            key, value = out[i]
            story = orjson.loads(value)
            story["source"] = "wire-a"
            story["body"] += f"\n\nThe {DESKS[g % len(DESKS)]} desk files its closing notes after the evening bulletin."
            out[i] = (key, orjson.dumps(story))
    return out


def _without_cluster(value: bytes) -> bytes:
    doc = orjson.loads(value)
    doc.pop("cluster_id", None)
    doc.pop("duplicate_of", None)
    return orjson.dumps(doc)


def _clustered(recs: list[Any]) -> set[bytes]:
    """Ids of the articles that share their cluster with another article."""
    cluster = {r.key: orjson.loads(r.value).get("cluster_id") for r in recs}
    sizes: dict[Any, int] = defaultdict(int)
    for c in cluster.values():
        sizes[c] += 1
    return {k for k, c in cluster.items() if c is not None and sizes[c] > 1}


def _duplicates_identical(recs: list[Any], strip: bool, by: str = "key", other_order: bool = False) -> tuple[int, int]:
    """(distinct records, total records); asserts the copies of a record are identical apart from processed_at.

    Articles are identified by their key (the item id), events by their ``ce_id`` (the event id).
    With ``other_order`` (a new consumer group, whose fresh state met the items in another order)
    the cluster fields are left out: which of two duplicates is the cluster's first depends on the order.
    """
    by_key: dict[bytes, set[bytes]] = defaultdict(set)
    for r in recs:
        ident = r.key if by == "key" else dict(r.headers)["ce_id"]
        value = _without_cluster(r.value) if other_order else r.value
        by_key[ident].add(PROCESSED_AT.sub(b"", value) if strip else value)
    differing = {k: len(v) for k, v in by_key.items() if len(v) > 1}
    assert not differing, f"records of the same input differ: {list(differing)[:5]}"
    return len(by_key), len(recs)


def _event_ids(recs: list[Any]) -> dict[bytes, set[bytes]]:
    out: dict[bytes, set[bytes]] = defaultdict(set)
    for r in recs:
        out[r.key].add(dict(r.headers)["ce_id"])
    return out


def test_sigkill_mid_stream_loses_nothing(env: Env, worker, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    s = env.settings
    n = 2400
    rng = random.Random()
    seed = rng.randrange(1 << 30)
    rng.seed(seed)
    items = _with_shared_paragraphs(records(n, target_chars=1200, seed=seed % 1000))
    run(produce(s, items))
    kills = 0
    with Tail(s, [s.topic_articles, s.topic_events, s.topic_dlq]) as tail:
        w = worker()
        # three kills at random points of the stream, each after the new worker made progress; the
        # last leaves ~1,000 articles: a restarted worker clears short items at several hundred a
        # second, and the tail sees progress up to ~1 s late
        targets = sorted(rng.uniform(lo, hi) * n for lo, hi in ((0.08, 0.2), (0.25, 0.38), (0.42, 0.55)))
        for target in targets:
            before = len(tail.keys(s.topic_articles))
            tail.wait(
                lambda t, b=before, g=target: len(t.keys(s.topic_articles)) >= max(g, b + 1),
                120,
                f"progress to {target:.0f} articles",
            )
            time.sleep(rng.uniform(0, 0.3))
            seen = len(tail.keys(s.topic_articles))
            assert seen < n, "the stream finished before the kill: raise n"
            w.kill()
            kills += 1
            print(f"SIGKILL {kills} with {seen}/{n} articles out")
            w = worker()
        try:
            tail.wait(lambda t: len(t.keys(s.topic_articles)) >= n, 240, "all articles")
        except TimeoutError as e:
            missing = {k for k, _ in items} - tail.keys(s.topic_articles)
            soak_report("sigkill", lost=len(missing), duplicates=None, seed=seed)
            why = run(explain_missing(s, missing))
            raise AssertionError(f"{e}: {why}\nlast worker's log:\n{w.log()[-3000:]}") from None
        time.sleep(2)  # let late duplicates of the last batch arrive
        articles = tail.snapshot(s.topic_articles)
        events = tail.snapshot(s.topic_events)
        dlq = tail.snapshot(s.topic_dlq)
    distinct = len({r.key for r in articles})
    soak_report(
        "sigkill",
        lost=n - len({k for k, _ in items} & {r.key for r in articles}),
        duplicates=len(articles) - distinct,
        seed=seed,
    )
    assert kills == 3
    assert {k for k, _ in items} == {r.key for r in articles}  # none lost
    assert dlq == []
    distinct, total = _duplicates_identical(articles, strip=True)
    _duplicates_identical(events, strip=False, by="ce_id")
    ids = _event_ids(events)
    assert sum(len(v) for v in ids.values()) > n  # the stories carry events
    dup_ratio = (total - distinct) / distinct
    print(
        f"crash test (seed {seed}): {n} items, {kills} SIGKILLs, {total} article records, duplicate ratio {dup_ratio:.3f}"
    )

    # Redelivery of everything: a worker in a new consumer group reads the stream from the start.
    # Every article and event is published again and must be identical apart from processed_at.
    with Tail(s, [s.topic_articles, s.topic_events]) as tail:
        worker(WIREWASH_GROUP_ID=f"{s.group_id}-replay")
        tail.wait(lambda t: t.count(s.topic_articles) >= total + n, 240, "the whole stream again")
        n_events = len({dict(r.headers)["ce_id"] for r in events})
        tail.wait(lambda t: len(t.snapshot(s.topic_events)) >= len(events) + n_events, 60, "the events again")
        again = tail.snapshot(s.topic_articles)
        events_again = tail.snapshot(s.topic_events)
    # the first run's records and the new group's, for every article: identical but for the cluster fields
    # (the synthetic stories share sentence templates, so a few pairs of them cluster as duplicates)
    distinct2, total2 = _duplicates_identical(again, strip=True, other_order=True)
    assert distinct2 == n and total2 == total + n
    first = {(r.partition, r.offset) for r in articles}
    replayed = [r for r in again if (r.partition, r.offset) not in first]
    assert len({r.key for r in replayed}) == n
    # who has a duplicate does not depend on the order (whichever comes second finds the first)
    assert _clustered(replayed) == _clustered(articles)
    _duplicates_identical(events_again, strip=False, by="ce_id")
    assert _event_ids(events_again) == ids  # the same event ids for every article


def test_sigterm_finishes_commits_and_exits_0(env: Env, worker) -> None:  # type: ignore[no-untyped-def]
    s = env.settings
    n = 1500
    items = records(n, target_chars=2500, seed=11)
    run(produce(s, items))
    with Tail(s, [s.topic_articles]) as tail:
        w = worker()
        tail.wait(lambda t: t.count(s.topic_articles) >= 100, 120, "first articles")
        assert tail.count(s.topic_articles) < n
        t0 = time.monotonic()
        w.signal(signal.SIGTERM)
        assert w.proc is not None
        rc = w.proc.wait(15)
        elapsed = time.monotonic() - t0
        at_stop = tail.count(s.topic_articles)
        print(f"SIGTERM: exit {rc} after {elapsed:.2f}s with {at_stop}/{n} articles out")
        assert rc == 0, w.log()[-3000:]
        assert elapsed < 10
        log = w.log()
        assert "Traceback" not in log
        # a second worker in the same group picks up exactly where the first committed
        worker()
        tail.wait(lambda t: len(t.keys(s.topic_articles)) >= n, 180, "all articles")
        time.sleep(2)
        articles = tail.snapshot(s.topic_articles)
    keys = {r.key for r in articles}
    soak_report("sigterm", lost=n - len(keys & {k for k, _ in items}), duplicates=len(articles) - len(keys))
    assert keys == {k for k, _ in items}
    distinct, total = _duplicates_identical(articles, strip=True)
    assert total == distinct == n, f"{total - distinct} records were processed twice after a graceful stop"


def _outage_log_checks(log: str) -> None:
    assert "Traceback" not in log
    # repeated connection errors are collapsed, not logged ten times a second for the whole outage
    connect_errors = log.count("Unable connect to node")
    assert 0 < connect_errors < 40, connect_errors


def test_broker_outage_mid_stream_nothing_lost(tmp_path: Path) -> None:
    """The broker drops off the network for 20 s mid-stream and comes back on the same port.

    The broker keeps its data (as Apache Kafka does across an outage): the worker, never
    restarted, reconnects, finishes the stream and loses nothing; learned boilerplate on.
    """
    proxy_port = free_port()
    broker = EmbeddedBroker(log_path=tmp_path / "tansu.log", advertised_port=proxy_port)
    broker.start()
    proxy = TcpProxy(proxy_port, broker.port)
    proxy.start()
    env = Env(broker.bootstrap)
    s = env.settings
    w = WorkerProcess(env, tmp_path, WIREWASH_METADATA_MAX_AGE_S="5").start()
    try:
        first, second = records(600, seed=41), records(300, seed=42)
        run(produce(s, first))
        with Tail(s, [s.topic_articles]) as tail:
            tail.wait(lambda t: t.count(s.topic_articles) >= 50, 120, "articles before the outage")
        assert w.proc is not None
        rss_before = rss_kb(w.proc.pid)
        proxy.stop()
        time.sleep(20)  # the worker keeps retrying; it must neither exit nor spin
        assert w.proc.poll() is None, "the worker exited during the outage"
        rss_during = rss_kb(w.proc.pid)
        proxy.start()
        t0 = time.monotonic()
        run(produce(s, second))
        want = {k for k, _ in first + second}
        with Tail(s, [s.topic_articles, s.topic_dlq]) as tail:
            tail.wait(lambda t: want <= t.keys(s.topic_articles), 180, "every article after the outage")
            articles = tail.snapshot(s.topic_articles)
            dlq = tail.snapshot(s.topic_dlq)
        print(f"outage: stream finished {time.monotonic() - t0:.1f}s after the broker came back")
        assert w.proc.poll() is None
        assert dlq == []
        distinct, total = _duplicates_identical(articles, strip=True)
        rss_after = rss_kb(w.proc.pid)
        print(
            f"worker RSS KiB: before {rss_before}, during {rss_during}, after {rss_after}; duplicates {total - distinct}"
        )
        assert rss_after < rss_before + 60_000
        _outage_log_checks(w.log())
    finally:
        w.stop(15)
        proxy.close()
        broker.stop()


def test_broker_restart_worker_resumes_on_new_input(tmp_path: Path) -> None:
    """The embedded broker process is killed and restarted on the same port (coming back empty).

    The worker does not exit or crash-loop during the outage, keeps its memory bounded and
    processes new input once the broker is back. (Learning, versions and clusters are off here: a
    memory-only broker also loses their changelogs, and faust's table recovery would wait for
    changelog records that no longer exist; Apache Kafka keeps them across restarts.)
    """
    broker = EmbeddedBroker(log_path=tmp_path / "tansu.log")
    broker.start()
    env = Env(broker.bootstrap)
    s = env.settings
    # the version and cluster tables are changelogged like the learned table: off here for the same reason
    no_tables = {"WIREWASH_TRACK_VERSIONS": "false", "WIREWASH_CLUSTER_DUPLICATES": "false"}
    w = WorkerProcess(
        env, tmp_path, WIREWASH_METADATA_MAX_AGE_S="3", WIREWASH_LEARN_BOILERPLATE="false", **no_tables
    ).start()
    try:
        run(produce(s, records(50, seed=21)))
        with Tail(s, [s.topic_articles]) as tail:
            tail.wait(lambda t: len(t.keys(s.topic_articles)) >= 50, 120, "articles before the outage")
        assert w.proc is not None
        rss_before = rss_kb(w.proc.pid)
        broker.kill()
        time.sleep(20)
        assert w.proc.poll() is None, "the worker exited during the outage"
        broker.start()  # same port, empty
        run(create_topics(s))  # as an operator would after losing a memory-only broker
        second = records(50, seed=22)
        run(produce(s, second))
        want = {k for k, _ in second}
        t0 = time.monotonic()
        with Tail(s, [s.topic_articles]) as tail:
            with contextlib.suppress(TimeoutError):
                tail.wait(lambda t: want <= t.keys(s.topic_articles), 90, "articles after the restart")
            got = want & tail.keys(s.topic_articles)
            restarted = [r for r in tail.snapshot(s.topic_articles) if r.key in want]
        soak_report("broker_restart", lost=len(want) - len(got), duplicates=len(restarted) - len(got))
        print(
            f"restart: {len(got)}/{len(want)} new items processed {time.monotonic() - t0:.1f}s after the broker came back"
        )
        # All 50 in each of 30 `make soak` rounds. A memory-only broker forgets the group's offsets;
        # the worker commits only progress, and re-reads from the earliest offset a partition it was
        # reading that has no committed offset, with those whose offsets were committed since (from
        # positions in the old log). If every partition got such a commit before the worker rejoined
        # (Tansu apparently accepts commits from members it has forgotten), nothing tells it the log
        # is new: the bound stays loose. Apache Kafka keeps offsets (the outage test loses nothing).
        assert len(got) >= len(want) // 2
        assert w.proc.poll() is None
        assert rss_kb(w.proc.pid) < rss_before + 60_000
        _outage_log_checks(w.log())
    finally:
        w.stop(15)
        broker.stop()


def test_publish_to_a_dead_broker_reports_and_exits_1(tmp_path: Path) -> None:
    broker = EmbeddedBroker()
    port = broker.port  # never started: nothing listens there
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline.cli",
            "publish",
            "--bootstrap-servers",
            f"127.0.0.1:{port}",
            "--retries",
            "2",
            str(ROOT / "seeds"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert out.returncode == 1
    assert f"cannot reach the broker at 127.0.0.1:{port} (connection refused); 6 records not delivered" in out.stderr
    n_seeds = len(list((ROOT / "seeds").glob("*.json")))
    assert f"done: 0 delivered, {n_seeds} not delivered" in out.stderr
    assert "Traceback" not in out.stderr
    assert "retrying in 0.5s" in out.stderr and "retrying in 1.0s" in out.stderr


def test_publisher_retries_through_an_outage(tmp_path: Path, caplog: Any) -> None:
    """Records sent while the broker is down are delivered once it is back; each retry says how far it got."""
    import asyncio
    import logging
    import threading

    from pipeline.client import Publisher

    broker = EmbeddedBroker(log_path=tmp_path / "tansu.log")
    broker.start()
    s = Env(broker.bootstrap).settings
    restart = threading.Timer(4.0, broker.start)

    async def go() -> list[Any]:
        async with Publisher(settings=s, retries=8, backoff=0.5, request_timeout_ms=3000) as pub:
            await pub.send_many(records(5, seed=31))  # connected and working
            broker.kill()
            restart.start()
            return await pub.send_many(records(20, seed=32))

    caplog.set_level(logging.WARNING, "wirewash.client")
    try:
        deliveries = asyncio.run(go())
    finally:
        restart.join()  # its start() must not race the stop below
        broker.stop()
    assert len(deliveries) == 20
    assert all(d.ok for d in deliveries), [d.error for d in deliveries if not d.ok][:3]
    progress = [r.getMessage() for r in caplog.records if r.name == "wirewash.client"]
    assert progress and all(
        re.fullmatch(r"\d+ of 20 records delivered, \d+ not yet \([\w, ]+\); attempt \d of 9, retrying in \d+\.\ds", m)
        for m in progress
    ), progress
