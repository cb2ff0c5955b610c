"""``wirewash demo`` (what ``make run`` does): the main job on the embedded broker.

Starts Tansu and a worker process, publishes the feed items in ``seeds/``, reads the
cleaned articles and their events back from the output topics, prints them, and shuts
everything down.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import orjson

from pipeline.cli import read_records
from pipeline.client import Publisher, loads_json
from pipeline.service.broker import EmbeddedBroker, free_port
from pipeline.settings import Settings

WORK = Path(".wirewash")


def _say(msg: str = "") -> None:
    print(msg, flush=True)


async def _collect(
    s: Settings, ids: set[str], timeout: float
) -> tuple[dict[str, Any], dict[str, list[Any]], list[Any]]:
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(
        s.topic_articles,
        s.topic_events,
        s.topic_dlq,
        group_id=None,
        auto_offset_reset="earliest",
        **s.kafka_client_kwargs(),
    )
    await consumer.start()
    articles: dict[str, Any] = {}
    events: dict[str, list[Any]] = {}
    dead: list[Any] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=300)
            for tp, msgs in batch.items():
                for m in msgs:
                    obj = loads_json(m.value)
                    if tp.topic == s.topic_articles:
                        articles[obj["id"]] = obj
                    elif tp.topic == s.topic_events:
                        events.setdefault(obj["article_id"], []).append(obj)
                    else:
                        dead.append(obj)
            done = {a for a in articles if len(events.get(a, [])) >= articles[a]["event_count"]}
            if ids <= (done | {d.get("item_id") for d in dead}):
                break
    finally:
        await consumer.stop()
    return articles, events, dead


def _show_article(a: dict[str, Any], evs: list[dict[str, Any]]) -> None:
    _say("=" * 100)
    _say(
        f"ARTICLE {a['id']}  (source {a['source']}, {a['word_count']} words, credit {a['credit'] or '-'}, "
        f"syndicated {a['syndicated']}, dateline {a['dateline']!r})"
    )
    _say("-" * 100)
    for para in a["body"].split("\n\n"):
        _say(textwrap.fill(para, 100))
        _say()
    if a["removed"]:
        _say("REMOVED")
        for r in a["removed"]:
            _say(f"  [{r['rule']}] @{r['start']}-{r['end']}: {r['text'][:90]!r}")
    if a["artefacts"]:
        _say("TRANSLATION ARTEFACTS")
        for x in a["artefacts"]:
            sug = "" if x["suggestion"] is None else f" -> {x['suggestion']!r}"
            _say(
                f"  [{x['rule']}] {x['kind']} {x['action']} ({x['confidence']:.2f}) @{x['start']}-{x['end']}: "
                f"{x['text']!r}{sug}"
            )
    if a["subheads"]:
        _say("SUBHEADS " + ", ".join(repr(s["text"]) for s in a["subheads"]))
    _say(f"EVENTS ({len(evs)})")
    for e in evs:
        who = (e["actor"] or {}).get("name")
        whom = (e["recipient"] or {}).get("name")
        q = e["quantity"]
        qty = f" {q['value']:g} {q['unit']}" if q else ""
        when = f" on {e['date']}" if e["date"] else ""
        mode = f"/{e['mode']}" if e["mode"] else ""
        line = f"  {e['type']}{mode}: {who} -> {whom}{qty}{when}"
        if e["quote"]:
            line += f"  “{e['quote'][:70]}”"
        _say(line)


def run_demo(paths: tuple[str, ...], keep: bool = False) -> int:
    WORK.mkdir(exist_ok=True)
    broker = EmbeddedBroker(log_path=WORK / "broker.log")
    _say("starting the embedded broker (Tansu)…")
    addr = broker.start()
    _say(f"  broker on {addr}")
    web_port = free_port()
    env = {
        **os.environ,
        "WIREWASH_BOOTSTRAP_SERVERS": addr,
        "WIREWASH_GROUP_ID": "wirewash-demo",
        "WIREWASH_WEB_PORT": str(web_port),
        "WIREWASH_DATA_DIR": str(WORK / "worker"),
        "WIREWASH_SESSION_TIMEOUT_S": "6",
        "WIREWASH_LOG_FORMAT": "json",
    }
    s = Settings(bootstrap_servers=addr)
    log = open(WORK / "worker.log", "ab")  # noqa: SIM115
    _say("starting the worker…")
    worker = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "worker"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        records = list(read_records(paths, "seed"))
        ids = set()
        items = []
        for _where, value in records:
            obj = orjson.loads(value)
            ids.add(obj["id"])
            items.append(obj)

        async def go() -> tuple[dict[str, Any], dict[str, list[Any]], list[Any]]:
            async with Publisher(settings=s) as pub:
                deliveries = await pub.publish_many(items)
            bad = [d for d in deliveries if not d.ok]
            _say(f"published {len(deliveries) - len(bad)} feed items from {', '.join(paths)} to {s.topic_input}")
            return await _collect(s, ids, timeout=90)

        articles, events, dead = asyncio.run(go())
        seed_first = sorted(articles, key=lambda i: (not i.startswith("000_"), i))
        for aid in seed_first:
            _show_article(articles[aid], events.get(aid, []))
        for d in dead:
            _say(f"DEAD LETTER {d.get('item_id')}: {d['error_code']}: {d['error']}")
        missing = ids - set(articles) - {d.get("item_id") for d in dead}
        _say("=" * 100)
        _say(
            f"{len(articles)} articles, {sum(len(v) for v in events.values())} events, {len(dead)} dead letters"
            + (f"; missing {sorted(missing)}" if missing else "")
        )
        _say(f"worker log: {WORK / 'worker.log'}   metrics: http://127.0.0.1:{web_port}/metrics")
        if keep:
            _say("broker and worker left running; Ctrl-C to stop")
            try:
                while worker.poll() is None:
                    time.sleep(0.5)
            except KeyboardInterrupt:
                pass
        return 1 if missing else 0
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
        log.close()
        broker.stop()
        _say("stopped the worker and the broker")
