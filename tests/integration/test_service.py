"""Operating the service: topics, metrics, logs, health, the client library, Schema Registry framing."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import orjson
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from pipeline.client import ArticleConsumer, DeadLetterConsumer, EventConsumer, Publisher
from pipeline.codec import Source, frame, unframe
from pipeline.models import CleanArticle, FeedItem
from pipeline.service.handler import Handler
from pipeline.service.metrics import Metrics
from pipeline.settings import Settings
from tests.fake_registry import FakeRegistry
from tests.integration.conftest import ROOT, Env, Tail, http_get, produce, run, values, wait_http

SEEDS = sorted((ROOT / "seeds").glob("*.json"))


def _cli(env: Env, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args],
        env=env.env(**extra),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_topics_create_is_idempotent_and_describe_shows_the_policies(env: Env) -> None:
    first = _cli(env, "topics", "create", "--partitions", "3")
    assert first.returncode == 0, first.stderr
    s = env.settings
    names = [s.topic_input, s.topic_articles, s.topic_events, s.topic_dlq]
    assert first.stdout.splitlines() == [f"{n}: created" for n in names]
    again = _cli(env, "topics", "create", "--partitions", "3")
    assert again.stdout.splitlines() == [f"{n}: exists" for n in names]
    desc = orjson.loads(_cli(env, "topics", "describe").stdout)
    assert {n: desc[n]["partitions"] for n in names} == dict.fromkeys(names, 3)
    assert desc[s.topic_articles]["config"]["cleanup.policy"] == "compact"
    assert desc[s.topic_events]["config"]["cleanup.policy"] == "delete"
    assert desc[s.topic_dlq]["config"]["retention.ms"] == str(30 * 24 * 3600 * 1000)
    assert all(desc[n]["drift"] == {} for n in names)


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for fam in text_string_to_metric_families(text):
        for smp in fam.samples:
            out[(smp.name, tuple(sorted(smp.labels.items())))] = smp.value
    return out


def test_metrics_logs_and_health_while_items_flow(env: Env, worker) -> None:  # type: ignore[no-untyped-def]
    s = env.settings
    w = worker(WIREWASH_LEARN_BOILERPLATE="false", WIREWASH_PROGRESS_LOG_INTERVAL_S="1")
    inputs = [(p.stem.encode(), p.read_bytes()) for p in SEEDS] + [(b"broken", b"{oops")]
    # what the counters must say, from the same handler offline
    expected = Metrics()
    offline = Handler(Settings(learn_boilerplate=False), None, expected)
    n_events = sum(len(offline.handle(Source(), v).records) - 1 for _, v in inputs)
    run(produce(s, inputs))
    with Tail(s, [s.topic_articles, s.topic_events, s.topic_dlq]) as tail:
        tail.wait(
            lambda t: t.count(s.topic_articles) >= len(SEEDS) and t.count(s.topic_dlq) >= 1,
            120,
            "seed articles and one dead letter",
        )
        tail.wait(lambda t: t.count(s.topic_events) + t.count(s.topic_dlq) >= n_events, 60, "events")
    wait_http(w.web_port)
    code, body = http_get(w.web_port, "/metrics")
    assert code == 200
    got = _samples(body.decode())
    want = _samples(generate_latest(expected.registry).decode())
    counters = {k: v for k, v in want.items() if k[0].endswith("_total")}
    assert counters  # items in, articles out, removals by rule, artefacts by kind, events by type, dlq by code
    for key, value in counters.items():
        assert got.get(key) == value, key
    assert got[("wirewash_items_in_total", ())] == len(inputs)
    assert got[("wirewash_dlq_total", (("error_code", "invalid_json"),))] == 1
    assert got[("wirewash_removals_total", (("rule", "B001-ndtv-syndicated"),))] == 1
    assert got[("wirewash_processing_seconds_count", ())] == len(inputs)
    assert got[("wirewash_record_age_seconds_count", ())] == len(inputs)
    deadline = time.monotonic() + 15
    while not any(k[0] == "wirewash_consumer_lag" for k in got) and time.monotonic() < deadline:
        time.sleep(0.5)  # the lag gauge is refreshed once a second
        got = _samples(http_get(w.web_port, "/metrics")[1].decode())
    assert sum(v for k, v in got.items() if k[0] == "wirewash_consumer_lag") == 0
    # health and readiness
    assert http_get(w.web_port, "/healthz")[0] == 200
    code, body = http_get(w.web_port, "/readyz")
    assert code == 200 and orjson.loads(body)["status"] == "ready"
    probe = _cli(env, "health", "--url", f"http://127.0.0.1:{w.web_port}/healthz")
    assert probe.returncode == 0 and orjson.loads(probe.stdout)["status"] == "ok"
    # JSON logs: one startup line with the configuration, dead letters with their record's coordinates
    lines = [orjson.loads(x) for x in w.log().splitlines() if x.startswith("{")]
    startup = [x for x in lines if x.get("event") == "startup"]
    assert len(startup) == 1 and startup[0]["config"]["topic_input"] == s.topic_input
    dead = [x for x in lines if x.get("error_code") == "invalid_json"]
    assert len(dead) == 1 and dead[0]["topic"] == s.topic_input
    assert isinstance(dead[0]["partition"], int) and isinstance(dead[0]["offset"], int)
    assert any(x.get("event") == "progress" for x in lines)


def test_client_library_round_trip(env: Env, worker) -> None:  # type: ignore[no-untyped-def]
    s = env.settings
    worker(WIREWASH_LEARN_BOILERPLATE="false")
    seed = FeedItem.model_validate_json(SEEDS[0].read_bytes())

    async def go() -> tuple[list[CleanArticle], list[object], list[object]]:
        async with Publisher(settings=s) as pub:
            d = await pub.publish(seed)
            assert d.ok and d.key == seed.id
            more = await pub.publish_many(
                [
                    {"id": f"cl-{i}", "source": "client", "body": f"Police said {i + 2} people were arrested."}
                    for i in range(5)
                ]
            )
            assert [x.ok for x in more] == [True] * 5
            await pub.send_raw(b"not json", b"cl-bad")
        async with ArticleConsumer(settings=s) as articles:
            arts = await articles.take(6, timeout=90)
        async with EventConsumer(settings=s) as events:
            evs = await events.take(1, timeout=30)
        async with DeadLetterConsumer(settings=s) as dead:
            dls = await dead.take(1, timeout=30)
        return arts, evs, dls

    arts, evs, dls = asyncio.run(go())
    assert sorted(a.id for a in arts) == sorted([seed.id] + [f"cl-{i}" for i in range(5)])
    assert all(isinstance(a, CleanArticle) for a in arts)
    assert evs and evs[0].article_id in {a.id for a in arts}  # type: ignore[attr-defined]
    assert dls[0].error_code.value == "invalid_json"  # type: ignore[attr-defined]


def test_schema_registry_framing_end_to_end(env: Env, worker, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    s = env.settings
    with FakeRegistry() as reg:
        reg_cli = _cli(env, "schemas", "register", "--url", reg.url)
        assert reg_cli.returncode == 0, reg_cli.stderr
        ids = {line.split(": id ")[0]: int(line.split(": id ")[1]) for line in reg_cli.stdout.splitlines()}
        worker(
            WIREWASH_SCHEMA_REGISTRY_FRAMING="true",
            WIREWASH_SCHEMA_REGISTRY_URL=reg.url,
            WIREWASH_LEARN_BOILERPLATE="false",
        )
        seed = SEEDS[0].read_bytes()
        run(produce(s, [(b"framed-in", frame(seed, ids[f"{s.topic_input}-value"]))]))
        with Tail(s, [s.topic_articles, s.topic_events]) as tail:
            tail.wait(lambda t: t.count(s.topic_articles) >= 1 and t.count(s.topic_events) >= 1, 120, "framed outputs")
            art = tail.snapshot(s.topic_articles)[0]
            ev = tail.snapshot(s.topic_events)[0]
    payload, sid = unframe(art.value)
    assert art.value[:1] == b"\x00" and sid == ids[f"{s.topic_articles}-value"]
    assert CleanArticle.model_validate_json(payload).id == orjson.loads(seed)["id"]
    assert unframe(ev.value)[1] == ids[f"{s.topic_events}-value"]
    assert values([art])[0]["id"] == orjson.loads(seed)["id"]  # the client helpers read the framed form


def test_worker_refuses_to_start_without_a_registry(env: Env, worker) -> None:  # type: ignore[no-untyped-def]
    from pipeline.service.broker import free_port

    w = worker(
        WIREWASH_SCHEMA_REGISTRY_FRAMING="true",
        WIREWASH_SCHEMA_REGISTRY_URL=f"http://127.0.0.1:{free_port()}",
    )
    assert w.proc is not None
    assert w.proc.wait(60) == 2
    log = w.log()
    assert "cannot start: cannot register" in log and "Traceback" not in log
    assert Counter(x for x in log.splitlines() if "cannot start" in x).most_common(1)[0][1] == 1


def test_a_producer_keeps_every_tracked_topic_in_its_metadata(env: Env) -> None:
    """The first record to an early topic is delivered when a later topic narrows the producer's metadata.

    Without :func:`track_topics`, aiokafka drops the early topic from its metadata as soon as
    the send to the new topic narrows its requests; the early record then waits for a leader
    until the request timeout fails it (this is how the worker's first changelog write stalled).
    """
    from aiokafka import AIOKafkaProducer
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    from pipeline.service.faust_patches import track_topics

    early, late = f"it-{env.tag}.early", f"it-{env.tag}.late"

    async def create(name: str) -> None:
        admin = AIOKafkaAdminClient(bootstrap_servers=env.bootstrap)
        await admin.start()
        try:
            await admin.create_topics([NewTopic(name, 1, 1)])
        finally:
            await admin.close()

    async def go() -> list[tuple[str, float]]:
        await create(early)
        p = AIOKafkaProducer(
            bootstrap_servers=env.bootstrap, request_timeout_ms=8000, linger_ms=5, enable_idempotence=False
        )
        await p.start()
        try:
            await track_topics(p, [early, late])  # the late topic does not exist yet: tracked all the same
            await create(late)
            t0 = time.monotonic()
            first = await p.send(early, b"first", partition=0)
            second = await p.send(late, b"second", partition=0)
            out = []
            for name, fut in ((early, first), (late, second)):
                meta = await fut
                out.append((f"{name}@{meta.offset}", time.monotonic() - t0))
            return out
        finally:
            await p.stop()

    got = run(go())
    assert [name for name, _ in got] == [f"{early}@0", f"{late}@0"]
    assert max(dt for _, dt in got) < 4.0, got  # delivered at once, not after the 8 s request timeout


def test_the_gap_check_reads_a_range_from_the_broker(env: Env) -> None:
    """The worker's question for an offset jump, asked of the real broker: the first record in a range."""
    from pipeline.service.offsets import GapCheck

    s = env.settings
    run(produce(s, [(f"k{i}".encode(), b"{}") for i in range(10)], topic=s.topic_input, partition=0))

    async def ask() -> list[int | None]:
        check = GapCheck(s.topic_input, s.kafka_client_kwargs())
        try:
            return [await check.first_record(0, a, b) for a, b in ((3, 6), (0, 1), (9, 10))]
        finally:
            await check.close()

    assert run(ask()) == [3, 0, 9]
