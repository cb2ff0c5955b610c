"""The hostile corpus thrown at a running worker: every record gets an article or a specific DLQ code,
and the good records around each one still come out."""

from __future__ import annotations

import time

from pipeline.codec import Limits, decode_item
from pipeline.models import DeadLetter
from pipeline.settings import Settings
from tests.hostile import corpus
from tests.integration.conftest import Env, Tail, http_get, item, produce, run, values, wait_http

GOOD = "Officials said the new bridge over the river would open to traffic on Monday after three years."
SECRET = "hostile-S3CRET-sasl-password"


def test_hostile_corpus_through_the_worker(env: Env, worker) -> None:  # type: ignore[no-untyped-def]
    s = env.settings
    # a secret is configured (unused with PLAINTEXT): it must never reach the logs
    w = worker(WIREWASH_SASL_PASSWORD=SECRET, WIREWASH_SASL_USERNAME="wirewash")
    hostile = corpus(include_huge=True)
    assert len(hostile) >= 30
    limits = Limits(Settings().max_message_bytes, Settings().max_body_chars)
    records: list[tuple[bytes | None, bytes | None]] = []
    expect_dlq: dict[bytes, str] = {}
    expect_article: dict[str, str] = {}
    for n, h in enumerate(hostile):
        key = f"hostile-{n}-{h.name}".encode()
        records.append((key, h.value))
        if h.expect == "article":
            expect_article[decode_item(h.value, limits).id] = h.name
        else:
            expect_dlq[key] = h.expect
        records.append(item(f"good-{n}", f"{GOOD} Report {n}."))
    t0 = time.monotonic()
    run(produce(s, records, max_request_size=32 << 20))
    goods = {f"good-{n}" for n in range(len(hostile))}
    want_articles = goods | set(expect_article)
    with Tail(s, [s.topic_articles, s.topic_dlq]) as tail:
        tail.wait(
            lambda t: (
                len(t.snapshot(s.topic_dlq)) >= len(expect_dlq)
                and want_articles <= {a["id"] for a in values(t.snapshot(s.topic_articles))}
            ),
            240,
            "every hostile record's outcome",
        )
        articles = values(tail.snapshot(s.topic_articles))
        dlq = tail.snapshot(s.topic_dlq)
    print(f"hostile corpus: {len(hostile)} kinds through the worker in {time.monotonic() - t0:.1f}s")
    assert {a["id"] for a in articles} == want_articles
    got_codes = {r.key: DeadLetter.model_validate(v).error_code.value for r, v in zip(dlq, values(dlq), strict=True)}
    assert got_codes == expect_dlq
    for r in dlq:
        headers = dict(r.headers)
        assert headers["__connect.errors.topic"] == s.topic_input.encode()
        assert headers["__connect.errors.exception.class.name"]
    # the 20 MB record is kept (truncated) with its size, the boilerplate-only body gives an empty article
    big = next(DeadLetter.model_validate(v) for r, v in zip(dlq, values(dlq), strict=True) if b"body-20mb" in r.key)
    assert big.original_size > 20 * 1024 * 1024 and big.original_truncated
    bp_only = next(a for a in articles if a["id"] == "h-bponly")
    assert bp_only["body"] == "" and len(bp_only["removed"]) == 3
    # the worker is alive, healthy and said nothing about the secret
    wait_http(w.web_port)
    code, body = http_get(w.web_port, "/healthz")
    assert code == 200, body
    assert w.proc is not None and w.proc.poll() is None
    log = w.log()
    assert SECRET not in log
    assert "Traceback" not in log
    assert log.count('"error_code"') >= len(expect_dlq)  # each dead letter logged once, with its code
