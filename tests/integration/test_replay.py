"""Dead letters are replayed to the input topic after a fix: here, a body limit raised."""

from __future__ import annotations

import subprocess
import sys

from pipeline.models import DeadLetter
from tests.integration.conftest import ROOT, Env, Tail, item, produce, run, values

LONG = " ".join(f"Officials in district {i} said the bridge would reopen on Monday." for i in range(40))


def _replay(env: Env, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "replay", "--idle", "3", *args],
        env=env.env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_replay_after_raising_the_body_limit(env: Env, worker) -> None:  # type: ignore[no-untyped-def]
    s = env.settings
    strict = worker(WIREWASH_MAX_BODY_CHARS="1000")
    assert len(LONG) > 1000
    run(produce(s, [item("long-1", LONG), (b"junk", b"{not json"), item("short-1", "Officials said it reopened.")]))
    with Tail(s, [s.topic_dlq, s.topic_articles]) as tail:
        tail.wait(lambda t: t.count(s.topic_dlq) >= 2 and t.count(s.topic_articles) >= 1, 120, "two dead letters")
        dlq_records = tail.snapshot(s.topic_dlq)
        dead = [DeadLetter.model_validate(v) for v in values(dlq_records)]
    assert sorted(d.error_code.value for d in dead) == ["body_too_large", "invalid_json"]
    assert strict.stop() == 0
    # where each dead letter sits in the DLQ: the dry run names both its partition and its offset
    at = next(r for r, d in zip(dlq_records, dead, strict=True) if d.item_id == "long-1")
    other = next(r for r, d in zip(dlq_records, dead, strict=True) if d.item_id != "long-1")

    worker()  # the fix: default limits
    dry = _replay(env, "--error-code", "body_too_large", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert f"dlq partition {at.partition} offset {at.offset}: body_too_large item 'long-1'" in dry.stderr
    assert "would replay 1, skipped 1" in dry.stderr
    # an offset alone matches that offset in every partition; with --partition, one dead letter
    same_offset = sum(1 for r in dlq_records if r.offset == at.offset)
    by_offset = _replay(env, "--offset", str(at.offset), "--dry-run")
    assert f"would replay {same_offset}, skipped {2 - same_offset}" in by_offset.stderr, by_offset.stderr
    one = _replay(env, "--partition", str(at.partition), "--offset", str(at.offset), "--dry-run")
    assert one.returncode == 0, one.stderr
    assert one.stderr.splitlines() == [
        f"dlq partition {at.partition} offset {at.offset}: body_too_large item 'long-1'",
        "would replay 1, skipped 1, not replayable 0, failed 0",
    ]
    none = _replay(
        env, "--partition", str(other.partition), "--offset", str(other.offset), "--id", "long-1", "--dry-run"
    )
    assert "would replay 0, skipped 2" in none.stderr, none.stderr
    out = _replay(env, "--error-code", "body_too_large")
    assert out.returncode == 0, out.stderr
    assert "replayed 1, skipped 1" in out.stderr
    with Tail(s, [s.topic_articles, s.topic_input]) as tail:
        tail.wait(lambda t: b"long-1" in t.keys(s.topic_articles), 120, "the replayed article")
        article = next(a for a in values(tail.snapshot(s.topic_articles)) if a["id"] == "long-1")
        replayed = [r for r in tail.snapshot(s.topic_input) if r.key == b"long-1"][-1]
    assert article["body"] == LONG
    assert dict(replayed.headers)["wirewash.replayed-from"] == f"{s.topic_dlq}:{at.partition}:{at.offset}".encode()
