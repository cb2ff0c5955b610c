"""Topic administration: create the four topics idempotently, describe them."""

from __future__ import annotations

from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from pipeline.settings import Settings

DAY_MS = 24 * 3600 * 1000


def max_record_bytes(s: Settings) -> int:
    """The record size the topics accept: room for the largest input and the article made from it."""
    return max(1 << 20, s.max_message_bytes * 2 + (1 << 20))


def topic_specs(s: Settings) -> dict[str, dict[str, str]]:
    """Per-topic configuration: articles compacted by key (latest version of an article wins);
    events kept by time (one record per event, all keyed by the article id, so compaction
    would drop all but one event per article); DLQ retained longer than the input. Every
    topic accepts records up to :func:`max_record_bytes` (Kafka's default is 1 MB)."""
    size = {"max.message.bytes": str(max_record_bytes(s))}
    return {
        s.topic_input: {"cleanup.policy": "delete", "retention.ms": str(7 * DAY_MS), **size},
        s.topic_articles: {
            "cleanup.policy": "compact",
            "min.compaction.lag.ms": str(3600 * 1000),
            "delete.retention.ms": str(DAY_MS),
            **size,
        },
        s.topic_events: {"cleanup.policy": "delete", "retention.ms": str(30 * DAY_MS), **size},
        s.topic_dlq: {"cleanup.policy": "delete", "retention.ms": str(30 * DAY_MS), **size},
    }


async def _admin(s: Settings) -> AIOKafkaAdminClient:
    """A started admin client; raises BrokerError (one line) when the broker cannot be used."""
    from pipeline.client import probe_broker

    await probe_broker(s)
    admin = AIOKafkaAdminClient(**s.kafka_client_kwargs())
    try:
        await admin.start()
    except BaseException:
        await admin.close()
        raise
    return admin


async def create_topics(s: Settings) -> dict[str, str]:
    """Create missing topics; existing ones are left as they are. Returns name -> status."""
    admin = await _admin(s)
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


async def _topic_configs(admin: AIOKafkaAdminClient, names: list[str]) -> dict[str, dict[str, str]]:
    """The brokers' configuration of each topic (empty when the broker cannot describe configs)."""
    from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

    if not names:
        return {}
    try:
        responses = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, n) for n in names])
    except Exception:  # some Kafka-compatible brokers do not implement DescribeConfigs
        return {}
    out: dict[str, dict[str, str]] = {}
    for resp in responses:
        for resource in resp.resources:
            _err, _msg, _type, name, entries = resource[:5]
            out[name] = {e[0]: e[1] for e in entries}
    return out


async def describe_topics(s: Settings) -> dict[str, Any]:
    """Partitions, replication and configuration of the four topics, with any drift from the spec."""
    admin = await _admin(s)
    try:
        names = list(topic_specs(s))
        existing = set(await admin.list_topics())
        out: dict[str, Any] = {}
        present = [n for n in names if n in existing]
        meta = await admin.describe_topics(present)
        configs = await _topic_configs(admin, present)
        for t in meta:
            expected = topic_specs(s)[t["topic"]]
            actual = configs.get(t["topic"], {})
            out[t["topic"]] = {
                "partitions": len(t.get("partitions", [])),
                "replication": len(t["partitions"][0]["replicas"]) if t.get("partitions") else None,
                "config": {k: actual.get(k) for k in expected},
                "drift": {
                    k: {"expected": v, "actual": actual.get(k)} for k, v in expected.items() if actual.get(k) != v
                },
            }
        for n in names:
            out.setdefault(n, {"missing": True})
        return out
    finally:
        await admin.close()
