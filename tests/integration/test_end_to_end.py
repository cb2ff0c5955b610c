"""Publish -> worker -> consume on the embedded broker: the seed, bad records, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson

from pipeline.models import CleanArticle, DeadLetter, Event
from tests.integration.conftest import ROOT, Env, consume_until, item, produce, run, values

SEED = ROOT / "seeds" / "000_8570cabb535c07b7.json"


def _clean_offline(path: Path) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "clean", "--no-learn", str(path)],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    return orjson.loads(out.stdout.splitlines()[0])


def _strip_time(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k != "processed_at"}


def test_seed_through_the_worker(env: Env, worker) -> None:  # type: ignore[no-untyped-def]
    s = env.settings
    w = worker(WIREWASH_LEARN_BOILERPLATE="false")
    seed = SEED.read_bytes()
    run(produce(s, [(b"000_8570cabb535c07b7", seed)]))
    offline = _clean_offline(SEED)
    n_events = len(offline["events"])
    got = run(
        consume_until(
            s,
            [s.topic_articles, s.topic_events],
            lambda g: len(g[s.topic_articles]) >= 1 and len(g[s.topic_events]) >= n_events,
        )
    )
    assert len(got[s.topic_articles]) == 1, w.log()[-3000:]
    rec = got[s.topic_articles][0]
    article = values([rec])[0]
    CleanArticle.model_validate(article)
    # the worker and `wirewash clean` give the same article
    assert _strip_time(article) == _strip_time(offline["article"])
    # exact content for the seed
    assert article["id"] == "000_8570cabb535c07b7" and article["source"] == "ndtv"
    assert [r["rule"] for r in article["removed"] if r["rule"].startswith("B")] == ["B001-ndtv-syndicated"]
    assert [a["text"] for a in article["artefacts"] if a["action"] == "removed"] == ["Was done.", "Used to do.", "Is."]
    body = json.loads(seed)["body"]
    for r in article["removed"]:
        assert body[r["start"] : r["end"]] == r["text"]
    # keys and headers
    assert rec.key == b"000_8570cabb535c07b7"
    headers = dict(rec.headers)
    assert headers["content-type"] == b"application/json" and headers["schema-version"] == b"1"
    assert headers["ce_type"] == b"org.wirewash.article.v1" and headers["ce_subject"] == b"000_8570cabb535c07b7"
    events = values(got[s.topic_events])
    assert len(events) == n_events
    assert {r.key for r in got[s.topic_events]} == {b"000_8570cabb535c07b7"}
    for e, o in zip(
        sorted(events, key=lambda e: e["id"]), sorted(offline["events"], key=lambda e: e["id"]), strict=True
    ):
        Event.model_validate(e)
        assert e == o
    # events come after the article
    assert min(r.timestamp for r in got[s.topic_events]) >= rec.timestamp


def test_bad_records_go_to_the_dlq_and_the_stream_goes_on(env: Env, worker) -> None:  # type: ignore[no-untyped-def]
    s = env.settings
    worker()
    good = "Officials said the new bridge over the river would open to traffic on Monday after three years."
    records = [
        item("ok-1", good),
        (b"bad-json", b"{not json"),
        item("ok-2", good),
        (b"bad-schema", orjson.dumps({"id": "bad-schema", "source": "it"})),
        item("ok-3", good),
        (b"bad-utf8", b'{"id": "bad-utf8", "source": "it", "body": "caf\xe9"}'),
        item("ok-4", good),
    ]
    run(produce(s, records))
    got = run(
        consume_until(
            s, [s.topic_articles, s.topic_dlq], lambda g: len(g[s.topic_articles]) >= 4 and len(g[s.topic_dlq]) >= 3
        )
    )
    assert sorted(a["id"] for a in values(got[s.topic_articles])) == ["ok-1", "ok-2", "ok-3", "ok-4"]
    dead = {
        r.key: (DeadLetter.model_validate(v), dict(r.headers))
        for r, v in zip(got[s.topic_dlq], values(got[s.topic_dlq]), strict=True)
    }
    assert {k: v[0].error_code.value for k, v in dead.items()} == {
        b"bad-json": "invalid_json",
        b"bad-schema": "missing_field",
        b"bad-utf8": "invalid_utf8",
    }
    dl, headers = dead[b"bad-json"]
    import base64

    assert base64.b64decode(dl.original_value) == b"{not json"
    assert dl.topic == s.topic_input and dl.offset is not None and dl.partition is not None
    assert headers["__connect.errors.topic"] == s.topic_input.encode()
    assert headers["__connect.errors.offset"] == str(dl.offset).encode()


def test_cli_publish_and_consume(env: Env, worker) -> None:  # type: ignore[no-untyped-def]
    worker()
    e = env.env()
    pub = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "publish", "seeds/"],
        env=e,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert pub.returncode == 0, pub.stderr
    assert "done: 6 delivered, 0 not delivered" in pub.stderr
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline.cli",
            "consume",
            "articles",
            "--from-beginning",
            "--limit",
            "6",
            "--idle",
            "60",
        ],
        env=e,
        cwd=ROOT,
        capture_output=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    lines = [orjson.loads(x) for x in out.stdout.splitlines()]
    assert sorted(a["id"] for a in lines) == sorted(p.stem for p in (ROOT / "seeds").glob("*.json"))
    html = next(a for a in lines if a["id"] == "103_html_feed")
    assert "£40 million flood barrier" in html["body"] and "trackView" not in html["body"]


def test_publish_rejects_invalid_files(env: Env, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"id": "x", "source": "s"}')
    r = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "publish", str(bad)],
        env=env.env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 1
    assert "invalid (missing_field)" in r.stderr
