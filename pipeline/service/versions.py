"""Story versions, corrections and kills: which record of an id may reach the compacted articles topic.

The ledger remembers, per article id, the latest version published, whether the story was
killed, a fingerprint of the record and whether its publication retracted an earlier one:
``id -> [version or None, killed, fingerprint, superseded]``. In the worker it is a changelog-backed faust
GlobalTable (shared by the group, restored after a restart); in ``wirewash clean`` a dict.
For each item it decides:

- ``stale``: an older version than one already published (or any record of a killed id that
  is not newer than the kill): counted and dropped, never dead-lettered;
- ``retract``: the item is canceled or killed: a tombstone for the id on the articles topic
  and a retraction on the events topic;
- ``publish``: the article and its events; when the id was published before, a retraction
  (reason ``superseded``) goes first, so consumers drop the old version's events.

A redelivered record (same version, same fingerprint) gets exactly the decision and the
outputs of its first processing, so at-least-once redelivery publishes identical records; a
record of the same (or no) version whose content differs is an update.
"""

from __future__ import annotations

import hashlib
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any, Literal

from prometheus_client import CollectorRegistry, Counter

from pipeline.models import FeedItem


@dataclass(frozen=True)
class Decision:
    action: Literal["publish", "retract", "stale"]
    superseded: bool = False  # publish: an earlier record of this id was published
    reason: Literal["canceled", "killed", "superseded"] | None = None


def is_kill(item: FeedItem) -> bool:
    return item.pubstatus == "canceled" or item.signal == "kill"


def without_memory(item: FeedItem) -> Decision:
    """The decision when versions are not tracked: a kill still retracts, everything else is published."""
    if is_kill(item):
        return Decision("retract", reason="canceled" if item.pubstatus == "canceled" else "killed")
    return Decision("publish")


def fingerprint(item: FeedItem) -> str:
    """What tells a redelivery from an update of the same version: the record's content."""
    h = hashlib.blake2b(digest_size=8)
    for part in (item.headline or "", item.body, item.content_type, item.pubstatus or "", item.signal or ""):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return h.hexdigest()


class VersionLedger:
    """Latest version and kill state per article id, in any mutable mapping."""

    def __init__(self, store: MutableMapping[str, Any] | None = None, registry: CollectorRegistry | None = None):
        self.store: MutableMapping[str, Any] = store if store is not None else {}
        self.stale = self.retracted = None
        if registry is not None:
            self.stale = Counter(
                "wirewash_stale_versions", "Records dropped: an older version than one published.", registry=registry
            )
            self.retracted = Counter(
                "wirewash_retractions",
                "Articles retracted (killed or canceled), by reason.",
                ["reason"],
                registry=registry,
            )

    def decide(self, item: FeedItem) -> Decision:
        """What to do with this item, given what was published for its id before.

        >>> led = VersionLedger()
        >>> v = lambda n, **kw: FeedItem(id="x", source="s", body="b", version=n, **kw)
        >>> led.record(v(2), led.decide(v(2))); led.decide(v(1)).action, led.decide(v(3))
        ('stale', Decision(action='publish', superseded=True, reason=None))
        >>> led.record(v(3, pubstatus="canceled"), led.decide(v(3, pubstatus="canceled"))); led.decide(v(3)).action
        'stale'
        """
        kill = is_kill(item)
        reason: Literal["canceled", "killed"] = "canceled" if item.pubstatus == "canceled" else "killed"
        entry = self.store.get(item.id)
        if entry is None:
            return Decision("retract", reason=reason) if kill else Decision("publish")
        latest, killed = entry[0], bool(entry[1])
        same_record = len(entry) > 3 and entry[2] == fingerprint(item)
        v = item.version
        if v is None or latest is None or v == latest:
            if kill:
                return Decision("retract", reason=reason)
            if killed and (v is None or v == latest):
                return Decision("stale")
            if same_record and v == latest:  # a redelivery: what it published the first time
                return Decision("publish", superseded=bool(entry[3]))
            return Decision("publish", superseded=True)
        if v < latest:
            return Decision("stale")
        return Decision("retract", reason=reason) if kill else Decision("publish", superseded=True)

    def record(self, item: FeedItem, decision: Decision) -> None:
        """Remember what was published (nothing for a stale record; no write when nothing changed)."""
        if decision.action == "stale":
            if self.stale is not None:
                self.stale.inc()
            return
        entry = self.store.get(item.id)
        latest = entry[0] if entry is not None else None
        version = item.version if item.version is not None else latest
        if latest is not None and version is not None:
            version = max(latest, version)
        new = [version, decision.action == "retract", fingerprint(item), decision.superseded]
        if decision.action == "retract" and self.retracted is not None:
            self.retracted.labels(decision.reason or "killed").inc()
        if entry is None or list(entry) != new:
            self.store[item.id] = new
