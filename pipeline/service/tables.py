"""The worker's story state: versions per article id and the duplicate-cluster window, in faust GlobalTables.

Both tables are changelog-backed (compacted topics ``<group>-article-versions-changelog``
and ``<group>-article-clusters-changelog``), shared by every worker of the group and
restored after a restart, like the learned-boilerplate table. Each changelog has one
partition; after a rebalance :func:`load_changelog` reads it to its true end (the embedded
broker can report a short high watermark) before the stream resumes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import faust
import orjson

from pipeline.cluster import Clusterer
from pipeline.service.metrics import Metrics
from pipeline.service.versions import VersionLedger
from pipeline.settings import Settings

log = logging.getLogger("wirewash.worker")

VERSIONS_TABLE = "article-versions"
CLUSTERS_TABLE = "article-clusters"


def _one_partition(key: Any) -> int:
    return 0


@dataclass
class StoryState:
    versions: VersionLedger | None = None
    clusters: Clusterer | None = None
    tables: tuple[Any, ...] = ()

    def changelogs(self) -> list[str]:
        return [t.changelog_topic_name for t in self.tables]

    async def restore(self, settings: Settings) -> None:
        """Complete the tables from their changelogs, then index the cluster window."""
        for t in self.tables:
            await load_changelog(t, settings)
        if self.clusters is not None:
            self.clusters.sync()


def _table(app: faust.App, name: str) -> Any:
    table: Any = app.GlobalTable(
        name,
        default=None,
        partitions=1,
        use_partitioner=True,
        schema=faust.Schema(key_serializer="json", value_serializer="json"),
    )
    table.partition_for_key = _one_partition
    return table


def story_state(app: faust.App, settings: Settings, metrics: Metrics) -> StoryState:
    """The tables the settings ask for (none when versions and clustering are off)."""
    state = StoryState()
    tables = []
    if settings.track_versions:
        t = _table(app, VERSIONS_TABLE)
        state.versions = VersionLedger(t, metrics.registry)
        tables.append(t)
    if settings.cluster_duplicates:
        t = _table(app, CLUSTERS_TABLE)
        state.clusters = Clusterer(t, settings.cluster_window_hours * 3600, settings.cluster_threshold, index_now=False)
        tables.append(t)
    state.tables = tuple(tables)
    return state


async def load_changelog(table: Any, settings: Settings) -> int:
    """Read a table's changelog to its end into the table's local data (never raises)."""
    from aiokafka import AIOKafkaConsumer

    n = 0
    consumer = AIOKafkaConsumer(
        table.changelog_topic_name,
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
    except Exception:  # never block the stream on it: faust's own restore stands
        log.warning("could not read the changelog %s", table.changelog_topic_name, exc_info=True)
    finally:
        await consumer.stop()
    log.info("%s: %d changelog records, %d keys", table.name, n, len(table.data))
    return n
