"""Topic administration: create the four topics idempotently, describe them."""

from __future__ import annotations

from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from pipeline.settings import Settings

DAY_MS = 24 * 3600 * 1000


def topic_specs(s: Settings) -> dict[str, dict[str, str]]:
    """Per-topic configuration: articles compacted by key (latest version of an article wins);
    events kept by time (one record per event, all keyed by the article id, so compaction
    would drop all but one event per article); DLQ retained longer than the input."""
    return {
        s.topic_input: {"cleanup.policy": "delete", "retention.ms": str(7 * DAY_MS)},
        s.topic_articles: {
            "cleanup.policy": "compact",
            "min.compaction.lag.ms": str(3600 * 1000),
            "delete.retention.ms": str(DAY_MS),
        },
        s.topic_events: {"cleanup.policy": "delete", "retention.ms": str(30 * DAY_MS)},
        s.topic_dlq: {"cleanup.policy": "delete", "retention.ms": str(30 * DAY_MS)},
    }


def _admin(s: Settings) -> AIOKafkaAdminClient:
    return AIOKafkaAdminClient(**s.kafka_client_kwargs())


async def create_topics(s: Settings) -> dict[str, str]:
    """Create missing topics; existing ones are left as they are. Returns name -> status."""
    admin = _admin(s)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        status: dict[str, str] = {}
        todo = []
        for name, cfg in topic_specs(s).items():
            if name in existing:
                status[name] = "exists"
            else:
                todo.append(NewTopic(name, s.topic_partitions, s.topic_replication, topic_configs=cfg))
        for nt in todo:
            try:
                resp = await admin.create_topics([nt])
                errors = [e for e in getattr(resp, "topic_errors", []) if e[1] not in (0, 36)]
                status[nt.name] = "created" if not errors else f"error {errors[0][1]}: {errors[0][2]}"
                if errors and errors[0][1] == 36:
                    status[nt.name] = "exists"
            except TopicAlreadyExistsError:
                status[nt.name] = "exists"
        return status
    finally:
        await admin.close()


async def describe_topics(s: Settings) -> dict[str, Any]:
    admin = _admin(s)
    await admin.start()
    try:
        names = list(topic_specs(s))
        existing = set(await admin.list_topics())
        out: dict[str, Any] = {}
        meta = await admin.describe_topics([n for n in names if n in existing])
        for t in meta:
            out[t["topic"]] = {
                "partitions": len(t.get("partitions", [])),
                "replication": len(t["partitions"][0]["replicas"]) if t.get("partitions") else None,
                "expected_config": topic_specs(s)[t["topic"]],
            }
        for n in names:
            out.setdefault(n, {"missing": True})
        return out
    finally:
        await admin.close()
