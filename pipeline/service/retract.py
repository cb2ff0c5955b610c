"""The records of a retracted story, and the cluster stamp of a published one (kept out of the handler)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from pipeline import SCHEMA_VERSION, __version__
from pipeline.cluster import Clusterer
from pipeline.codec import Source, _ce_id, dumps, output_headers
from pipeline.models import FeedItem

if TYPE_CHECKING:
    from pipeline.service.handler import Handler, OutRecord
    from pipeline.service.versions import Decision


def retraction_records(
    handler: Handler, item: FeedItem, decision: Decision, origin: tuple[Source, bytes | None]
) -> list[OutRecord]:
    """A tombstone for the id on the articles topic, and a retraction of its events on the events topic."""
    from pipeline.service.handler import OutRecord

    t = handler.clock()
    key = item.id.encode("utf-8")
    reason = decision.reason or "superseded"
    source = handler.settings.cloudevents_source
    retraction = {
        "schema_version": SCHEMA_VERSION,
        "kind": "retraction",
        "article_id": item.id,
        "reason": reason,
        "version": item.version,
        "retracted_at": t,
        "pipeline_version": __version__,
    }
    rid = _ce_id("retraction", item.id, reason, str(item.version))
    tombstone_headers = [*output_headers("article", rid, item.id, t, source), ("wirewash-retracted", reason.encode())]
    return [
        OutRecord(handler.topics["articles"], key, None, tombstone_headers, origin),
        OutRecord(
            handler.topics["events"],
            key,
            handler._encode("events", dumps(retraction)),
            output_headers("retraction", rid, item.id, t, source),
            origin,
        ),
    ]


def assign_cluster(clusters: Clusterer, article: dict[str, Any], now: datetime) -> None:
    """Stamp ``cluster_id`` and ``duplicate_of`` on an article dictionary."""
    a = clusters.assign(article["id"], article["body"], int(now.timestamp() * 1000))
    article["cluster_id"] = a.cluster_id
    article["duplicate_of"] = {"id": a.duplicate_of, "similarity": a.similarity} if a.duplicate_of is not None else None
