"""The worker's per-record logic, offline: hostile input never raises and always gets a specific outcome."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import orjson
import pytest

from pipeline.codec import Source
from pipeline.learning import LearnedMemory
from pipeline.models import CleanArticle, DeadLetter, Event
from pipeline.service.handler import Handler
from pipeline.service.metrics import Metrics
from pipeline.settings import Settings
from tests.hostile import corpus
from tests.synth import story

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def make_handler(**kw: object) -> Handler:
    return Handler(Settings(**kw), LearnedMemory(min_articles=3), Metrics(), clock=lambda: NOW)


def test_hostile_corpus_is_large_enough() -> None:
    c = corpus()
    assert len({h.name for h in c}) == len(c) >= 45
    assert len({h.expect for h in c if h.expect != "article"}) >= 15


# A pathological record may cost more per byte than ordinary copy (one recorded edit per
# entity, per run of dashes; up to 2x here), but never superlinearly: a quadratic path on a 1 MB body costs
# minutes, a thousand times an ordinary body of that size. The bound is relative to ordinary
# copy measured in the same run, so a slower machine moves both sides alike.
COST_FACTOR = 6


@pytest.fixture(scope="module")
def ordinary_cpu_per_byte() -> float:
    """CPU seconds per byte of an ordinary ~100 KB wire body through the whole handler (best of 3)."""
    body = "\n\n".join(story(i, 6000, 3)["body"] for i in range(17))
    value = orjson.dumps({"id": "ordinary", "source": "synth", "body": body})
    handler = make_handler()
    handler.handle(Source(topic="wire.items.v1", partition=0, offset=0, key=b"w"), value)  # warm-up
    best = float("inf")
    for n in range(3):
        cpu0 = time.process_time()
        handler.handle(Source(topic="wire.items.v1", partition=0, offset=n + 1, key=b"o"), value)
        best = min(best, time.process_time() - cpu0)
    return best / len(value)


@pytest.mark.parametrize("h", corpus(), ids=lambda h: h.name)
def test_hostile_record(h, ordinary_cpu_per_byte) -> None:  # type: ignore[no-untyped-def]
    handler = make_handler()
    cpu0 = time.process_time()
    out = handler.handle(Source(topic="wire.items.v1", partition=0, offset=7, key=b"k"), h.value)
    cpu = time.process_time() - cpu0
    if h.pathological:
        budget = 0.05 + COST_FACTOR * ordinary_cpu_per_byte * len(h.value or b"")
        assert cpu < budget, f"{h.name} took {cpu:.2f} s of CPU, over {budget:.2f} s ({COST_FACTOR}x ordinary copy)"
    topics = [r.topic for r in out.records]
    if h.expect == "article":
        assert topics[0] == "wire.articles.v1", orjson.loads(out.records[0].value)
        art = CleanArticle.model_validate_json(out.records[0].value)
        orjson.dumps(art.model_dump(mode="json"))
        assert "\x00" not in art.body and "\u202e" not in art.body and "\u200b" not in art.body
        for r in out.records[1:]:
            Event.model_validate_json(r.value)
    else:
        assert topics == ["wire.items.v1.dlq"]
        dl = DeadLetter.model_validate_json(out.records[0].value)
        assert dl.error_code.value == h.expect
        assert (dl.topic, dl.partition, dl.offset) == ("wire.items.v1", 0, 7)
        assert out.records[0].key == b"k"
        headers = dict(out.records[0].headers)
        assert headers["__connect.errors.offset"] == b"7"


def test_boilerplate_only_body_gives_an_empty_article() -> None:
    h = next(x for x in corpus(False) if x.name == "boilerplate-only")
    art = CleanArticle.model_validate_json(make_handler().handle(Source(), h.value).records[0].value)
    assert art.body == "" and art.word_count == 0
    assert [r.rule for r in art.removed] == [
        "B020-with-inputs-from",
        "B050-advertisement-slot",
        "B043-follow-us",
    ]


def test_a_bug_in_the_core_becomes_a_dead_letter(monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.service.handler as mod

    def boom(*a: object, **k: object) -> None:
        raise RuntimeError("synthetic failure")

    monkeypatch.setattr(mod, "process_item", boom)
    out = make_handler().handle(Source(topic="t", partition=1, offset=2), b'{"id": "a", "source": "s", "body": "x"}')
    dl = DeadLetter.model_validate_json(out.records[0].value)
    assert dl.error_code.value == "processing_error"
    assert dl.item_id == "a" and "synthetic failure" in dl.error
    assert dict(out.records[0].headers)["__connect.errors.exception.class.name"] == b"builtins.RuntimeError"


def test_outputs_are_keyed_and_carry_cloudevents_headers(seed_item: dict[str, object]) -> None:
    out = make_handler().handle(Source(), orjson.dumps(seed_item))
    assert out.records[0].topic == "wire.articles.v1"
    assert {r.key for r in out.records} == {b"000_8570cabb535c07b7"}
    h = dict(out.records[0].headers)
    assert h["content-type"] == b"application/json" and h["schema-version"] == b"1"
    assert h["ce_specversion"] == b"1.0" and h["ce_type"] == b"org.wirewash.article.v1"
    assert h["ce_subject"] == b"000_8570cabb535c07b7" and h["ce_source"] == b"urn:wirewash"
    ev = dict(out.records[1].headers)
    assert ev["ce_type"] == b"org.wirewash.event.v1"
    assert ev["ce_id"] == orjson.loads(out.records[1].value)["id"].encode()


def test_outputs_are_deterministic_apart_from_processed_at(seed_item: dict[str, object]) -> None:
    a = Handler(Settings(), None, clock=lambda: NOW).handle(Source(), orjson.dumps(seed_item))
    b = Handler(Settings(), None, clock=lambda: datetime(2027, 5, 5, tzinfo=UTC)).handle(
        Source(), orjson.dumps(seed_item)
    )
    assert len(a.records) == len(b.records)
    for x, y in zip(a.records, b.records, strict=True):
        dx, dy = orjson.loads(x.value), orjson.loads(y.value)
        dx.pop("processed_at", None)
        dy.pop("processed_at", None)
        assert dx == dy


def test_schema_registry_framing() -> None:
    h = Handler(
        Settings(schema_registry_framing=True),
        None,
        clock=lambda: NOW,
        schema_ids={"articles": 11, "events": 12, "dlq": 13},
    )
    out = h.handle(Source(), b'{"id": "f1", "source": "s", "body": "Officials said the bridge reopened on Monday."}')
    assert out.records[0].value[:5] == b"\x00\x00\x00\x00\x0b"
    bad = h.handle(Source(), b"nope")
    assert bad.records[0].value[:5] == b"\x00\x00\x00\x00\x0d"


def test_metrics_count_outcomes(seed_item: dict[str, object]) -> None:
    handler = make_handler()
    handler.handle(Source(), orjson.dumps(seed_item))
    handler.handle(Source(), b"nope")
    m = handler.metrics
    assert m is not None
    assert m.items_in._value.get() == 2
    assert m.articles_out._value.get() == 1
    assert m.dlq.labels("invalid_json")._value.get() == 1
    assert m.removals.labels("B001-ndtv-syndicated")._value.get() == 1
    assert m.artefacts.labels("stray_fragment", "removed")._value.get() == 3


def test_reprocessing_with_learned_memory_gives_the_same_records() -> None:
    """At-least-once redelivery: a replayed record yields the same article even after learning moved on."""
    footer = "Get the Daily Wire app for breaking news alerts, live scores and more."
    items = [
        orjson.dumps({"id": f"r{i}", "source": "wire-x", "body": story(i, 800, seed=3)["body"] + "\n\n" + footer})
        for i in range(8)
    ]
    h = Handler(Settings(learn_min_articles=3), LearnedMemory({}, 3), clock=lambda: NOW)
    first = [[r.value for r in h.handle(Source(offset=i), v).records] for i, v in enumerate(items)]
    removed = [[r["rule"] for r in orjson.loads(recs[0])["removed"]] for recs in first]
    # the footer is learned from the third article on
    assert ["L001-learned-repeat" in r for r in removed] == [False, False, True, True, True, True, True, True]
    again = [[r.value for r in h.handle(Source(offset=i), v).records] for i, v in enumerate(items)]
    assert again == first


def test_a_failing_learned_memory_never_fails_an_item(caplog: pytest.LogCaptureFixture) -> None:
    class Broken(dict):  # type: ignore[type-arg]
        def __setitem__(self, key: object, value: object) -> None:
            raise TypeError("'NoneType' object is not iterable")  # as faust raises before it knows a topic

    metrics = Metrics()
    h = Handler(Settings(), LearnedMemory(Broken(), 3), metrics, clock=lambda: NOW)
    footer = "Get the Daily Wire app for breaking news alerts."
    outs = [
        h.handle(
            Source(offset=i),
            orjson.dumps({"id": f"m{i}", "source": "s", "body": story(i, 600)["body"] + "\n\n" + footer}),
        )
        for i in range(3)
    ]
    assert [o.error_code for o in outs] == [None, None, None]
    assert all(o.records[0].topic == "wire.articles.v1" for o in outs)
    # first sightings stay in process memory; the table is written (and fails) from the footer's second sighting
    assert metrics.learn_errors._value.get() == 2
    assert sum("memory not updated" in r.message for r in caplog.records) == 1  # reported once, not per item


def test_the_client_reads_records_carrying_fields_a_newer_worker_added(seed_item: dict[str, object]) -> None:
    """Forward compatibility within v1: pipeline.client ignores a field it does not know (a newer
    worker's optional field), while the models the worker writes with still refuse it."""
    from pipeline.client import ArticleConsumer, DeadLetterConsumer, EventConsumer

    out = make_handler().handle(Source(), orjson.dumps(seed_item))
    article, event = out.records[0].value, out.records[1].value
    assert article is not None and event is not None

    def newer(value: bytes) -> bytes:
        return orjson.dumps({**orjson.loads(value), "added_later": {"x": 1}})

    art = ArticleConsumer.decode(newer(article))
    assert isinstance(art, CleanArticle) and art.id == "000_8570cabb535c07b7"
    assert art == ArticleConsumer.decode(article)
    ev = EventConsumer.decode(newer(event))
    assert isinstance(ev, Event) and ev.id == orjson.loads(event)["id"]
    with pytest.raises(ValueError, match="added_later"):
        CleanArticle.model_validate_json(newer(article))
    bad = make_handler().handle(Source(topic="t", partition=0, offset=5), b"{not json").records[0].value
    assert bad is not None
    dl = DeadLetterConsumer.decode(newer(bad))
    assert isinstance(dl, DeadLetter) and dl.error_code.value == "invalid_json"


def test_warm_up_freezes_the_core_and_raises_the_young_collection_threshold() -> None:
    import gc

    from pipeline.process import YOUNG_GC_THRESHOLD, warm_up

    before = gc.get_threshold()
    try:
        gc.set_threshold(700, before[1], before[2])
        warm_up()
        assert gc.get_threshold() == (YOUNG_GC_THRESHOLD, before[1], before[2])
        assert gc.get_freeze_count() > 10_000  # the lexicons, automata and gazetteer, out of the scans
        gc.set_threshold(50_000, before[1], before[2])
        warm_up()  # a higher threshold set by the operator stays
        assert gc.get_threshold()[0] == 50_000
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
