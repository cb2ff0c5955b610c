"""`wirewash ingest` against a local HTTP server serving feeds that change, with the embedded broker.

Checks conditional requests (ETag -> 304), one record per new or changed item, nothing
republished by a restarted instance (the memory is the compacted ingest topic), a second
feed in ninjs, and backoff on a failing feed.
"""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any

import orjson
import pytest

from pipeline.intake import Intake, decode_record
from tests.integration.conftest import ROOT, Env, consume_until, run


def rss(items: list[tuple[str, str, str]]) -> bytes:
    body = "".join(
        f"<item><title>{t}</title><guid>{g}</guid><link>https://paper.example/{g}</link>"
        f"<description>&lt;p&gt;{d}&lt;/p&gt;</description></item>"
        for g, t, d in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Paper</title>'
        f"<link>https://paper.example/</link><lastBuildDate>now</lastBuildDate>{body}</channel></rss>"
    ).encode()


class Site:
    def __init__(self) -> None:
        self.docs: dict[str, tuple[bytes, str]] = {}
        self.requests: list[tuple[str, str | None, int]] = []  # path, If-None-Match, status
        self.honour_etag = True

    def etag(self, path: str) -> str:
        import hashlib

        return '"' + hashlib.sha1(self.docs[path][0]).hexdigest()[:12] + '"'


@pytest.fixture
def site() -> Iterator[tuple[Site, int]]:
    st = Site()

    class H(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path not in st.docs:
                st.requests.append((self.path, None, 503))
                self.send_response(503)
                self.send_header("Retry-After", "1")
                self.end_headers()
                return
            body, ctype = st.docs[self.path]
            tag = st.etag(self.path)
            inm = self.headers.get("If-None-Match")
            if st.honour_etag and inm == tag:
                st.requests.append((self.path, inm, 304))
                self.send_response(304)
                self.end_headers()
                return
            st.requests.append((self.path, inm, 200))
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("ETag", tag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield st, server.server_address[1]
    server.shutdown()


def ingest(env: Env, *args: str) -> subprocess.CompletedProcess[str]:
    extra = {"WIREWASH_TOPIC_INGEST": f"it-{env.tag}.ingest"}
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "ingest", *args],
        env=env.env(**extra),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )


def input_records(env: Env, n: int) -> list[Any]:
    s = env.settings
    got = run(consume_until(s, [s.topic_input], lambda g: len(g[s.topic_input]) >= n, timeout=20))
    return got[s.topic_input]


def test_ingest_publishes_new_and_changed_items_once(env: Env, site: tuple[Site, int]) -> None:
    st, port = site
    feed = f"http://127.0.0.1:{port}/feed.xml"
    ninjs = f"http://127.0.0.1:{port}/items.json"
    st.docs["/feed.xml"] = (
        rss([("p-1", "Dam opens", "The new dam opened on Monday."), ("p-2", "Road shut", "The coast road shut.")]),
        "application/rss+xml; charset=utf-8",
    )
    st.docs["/items.json"] = (
        orjson.dumps(
            [{"uri": "urn:n:1", "type": "text", "version": "1", "headline": "Vote", "body_text": "Polls closed at 8."}]
        ),
        "application/json",
    )
    first = ingest(env, feed, ninjs, "--interval", "0.3", "--cycles", "2")
    assert first.returncode == 0, first.stderr
    assert "3 new" not in first.stderr and "2 items, 2 new, 0 changed, published 2" in first.stderr
    assert "1 items, 1 new, 0 changed, published 1" in first.stderr
    assert [r for r in st.requests if r[0] == "/feed.xml"][1][2] == 304  # the second poll was conditional
    recs = input_records(env, 3)
    assert sorted(r.key for r in recs) == [b"p-1", b"p-2", b"urn:n:1"]
    for r in recs:  # each record is one item, as a document of its format, and reads back as that item
        [got] = decode_record(r.value, r.headers, r.key)
        assert isinstance(got, Intake) and got.item.id == r.key.decode()
    assert dict(next(r for r in recs if r.key == b"urn:n:1").headers)["content-type"] == b"application/ninjs+json"

    # the feed changes: one item edited, one added; the server also stops honouring ETags
    st.honour_etag = False
    st.docs["/feed.xml"] = (
        rss(
            [
                ("p-1", "Dam opens", "The new dam opened on Monday."),
                ("p-2", "Road shut", "The coast road shut after a landslide."),
                ("p-3", "Ferry back", "The ferry runs again."),
            ]
        ),
        "application/rss+xml",
    )
    again = ingest(env, feed, ninjs, "--interval", "0.3", "--cycles", "1")  # a restarted instance
    assert again.returncode == 0, again.stderr
    assert "ingest: 3 items remembered" in again.stderr
    assert "3 items, 1 new, 1 changed, published 2" in again.stderr
    assert "1 items, 0 new, 0 changed, published 0" in again.stderr
    recs = input_records(env, 5)
    assert [r.key for r in recs].count(b"p-2") == 2 and [r.key for r in recs].count(b"p-1") == 1
    assert len(recs) == 5


def test_ingest_backs_off_a_failing_feed(env: Env, site: tuple[Site, int]) -> None:
    st, port = site
    out = ingest(env, f"http://127.0.0.1:{port}/missing.xml", "--interval", "0.2", "--cycles", "2")
    assert out.returncode == 1
    lines = [ln for ln in out.stderr.splitlines() if "HTTP 503" in ln]
    assert len(lines) == 2 and "retrying in 1s" in lines[0]
    assert "2 polls (0 not modified, 2 failed)" in out.stderr
