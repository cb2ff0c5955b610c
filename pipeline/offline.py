"""``wirewash clean``: the worker's code path over a batch of input records, without a broker.

Learned boilerplate works on the whole batch: every item is read once to learn the paragraphs
and templates its sources repeat (``learn_batch_min_articles`` items of a source, default 2),
then every item, the first ones included, is cleaned with what the batch repeats.

Versions and kills are applied in input order (a stale version is reported, a killed story
gives a retraction); duplicate clustering runs over the whole batch once every item is
cleaned, in order of publication time (input order breaks ties and places undated items), so
that ``cluster_id`` names the earliest published article of each cluster.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import orjson

from pipeline.cluster import Clusterer
from pipeline.codec import Source
from pipeline.inputs import Input
from pipeline.learning import LearnedMemory
from pipeline.service.handler import Handler
from pipeline.service.versions import VersionLedger
from pipeline.settings import Settings

_LATE = datetime.max.replace(tzinfo=UTC)
_LOG = logging.getLogger("wirewash.clean")  # dead letters of a batch are not the worker's
_QUIET = logging.getLogger("wirewash.clean.learning")  # the learning pass: its dead letters are told once, later
_QUIET.propagate = False
_QUIET.addHandler(logging.NullHandler())


def _when(article: dict[str, Any]) -> datetime:
    v = article.get("published_at")
    if isinstance(v, str):
        try:
            dt = datetime.fromisoformat(v)
            return dt if dt.tzinfo else dt.replace(tzinfo=UTC)
        except ValueError:
            return _LATE
    return _LATE


def cluster_articles(articles: list[dict[str, Any]], threshold: float = 0.5) -> None:
    """Stamp cluster_id and duplicate_of on a batch of article dictionaries (in place)."""
    order = sorted(range(len(articles)), key=lambda k: (_when(articles[k]), k))
    clusterer = Clusterer({}, window_s=1e12, threshold=threshold)
    for pos, k in enumerate(order):
        a = articles[k]
        got = clusterer.assign(a["id"], a["body"], pos)
        a["cluster_id"] = got.cluster_id
        a["duplicate_of"] = {"id": got.duplicate_of, "similarity": got.similarity} if got.duplicate_of else None


def clean_batch(
    inputs: Iterable[Input],
    learn: bool = True,
    events: bool = True,
    cluster: bool = True,
    settings: Settings | None = None,
) -> Iterator[dict[str, Any]]:
    """One output document per item: article and events, retraction, stale notice or dead letter."""
    s = settings or Settings(learn_boilerplate=learn, extract_events=events)
    memory = None
    items = list(inputs)
    if learn:
        # a batch knows all its items: read them once to learn what repeats across them, then judge
        # every item, the first included, by what the whole batch repeats
        memory = LearnedMemory(min_articles=s.learn_batch_min_articles, batch=True)
        first = Handler(s.model_copy(update={"extract_events": False}), memory, versions=VersionLedger(), logger=_QUIET)
        for inp in items:
            first.handle(Source(topic=inp.where, key=inp.key, headers=list(inp.headers)), inp.value)
    handler = Handler(s, memory, versions=VersionLedger(), logger=_LOG)
    docs: list[dict[str, Any]] = []
    for inp in items:
        outcome = handler.handle(Source(topic=inp.where, key=inp.key, headers=list(inp.headers)), inp.value)
        current: dict[bytes | None, dict[str, Any]] = {}
        for rec in outcome.records:
            if rec.topic == s.topic_articles:
                if rec.value is None:
                    continue  # a tombstone: the retraction on the events topic says why
                doc: dict[str, Any] = {"article": orjson.loads(rec.value), "events": []}
                current[rec.key] = doc
                docs.append(doc)
            elif rec.topic == s.topic_events:
                assert rec.value is not None
                obj = orjson.loads(rec.value)
                if obj.get("kind") == "retraction":
                    if obj["reason"] != "superseded":
                        docs.append({"retracted": obj})
                elif rec.key in current:
                    current[rec.key]["events"].append(obj)
            else:
                assert rec.value is not None
                docs.append({"error": orjson.loads(rec.value)})
        if not outcome.records and outcome.error_code is None:
            docs.append({"stale": {"id": outcome.item_id, "where": inp.where}})
    if cluster:
        cluster_articles([d["article"] for d in docs if "article" in d])
    yield from docs
