"""A worker started before its broker, a broker that refuses our security, commands pointed at a dead port."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from pipeline.service.broker import EmbeddedBroker, free_port
from tests.integration.conftest import ROOT, Env, Tail, WorkerProcess, http_get, produce, run, wait_http
from tests.synth import records


def _cli(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-W", "default::ResourceWarning", "-m", "pipeline.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
        env={**os.environ, **(env or {})},  # with resource warnings ("Unclosed AIOKafkaConsumer") shown
    )


@pytest.mark.parametrize(
    "args",
    [
        ["consume", "articles", "--from-beginning"],
        ["topics", "create"],
        ["topics", "describe"],
        ["replay", "--dry-run"],
    ],
    ids=["consume", "topics-create", "topics-describe", "replay"],
)
def test_a_command_pointed_at_a_dead_port_says_so_in_one_line(args: list[str]) -> None:
    port = free_port()  # nothing listens there
    out = _cli(*args, "--bootstrap-servers", f"127.0.0.1:{port}")
    assert out.returncode == 1
    assert out.stderr.strip().splitlines() == [
        f"Error: cannot reach the broker at 127.0.0.1:{port} (connection refused)"
    ]
    assert out.stdout == ""


def test_publish_shows_its_progress_while_it_retries() -> None:
    port = free_port()
    out = _cli("publish", "--bootstrap-servers", f"127.0.0.1:{port}", "--retries", "2", str(ROOT / "seeds"))
    assert out.returncode == 1
    lines = [ln.split(" wirewash.client: ", 1)[-1] for ln in out.stderr.strip().splitlines()]
    n = len(list((ROOT / "seeds").glob("*.json")))
    assert lines == [
        f"cannot reach the broker at 127.0.0.1:{port} (connection refused); attempt 1 of 3, retrying in 0.5s",
        f"cannot reach the broker at 127.0.0.1:{port} (connection refused); attempt 2 of 3, retrying in 1.0s",
        f"cannot reach the broker at 127.0.0.1:{port} (connection refused); {n} records not delivered",
        f"done: 0 delivered, {n} not delivered (0 invalid)",
    ]


def test_a_command_refused_for_its_sasl_mechanism_says_so(broker: EmbeddedBroker) -> None:
    """The embedded broker offers no SASL mechanism: the same answer a broker gives to one it does not offer."""
    env = {"WIREWASH_SECURITY_PROTOCOL": "SASL_PLAINTEXT", "WIREWASH_SASL_USERNAME": "u", "WIREWASH_SASL_PASSWORD": "p"}
    out = _cli("topics", "describe", "--bootstrap-servers", broker.bootstrap, env=env)
    assert out.returncode == 1
    assert out.stderr.strip().splitlines() == [
        f"Error: {broker.bootstrap} does not accept SASL mechanism PLAIN (WIREWASH_SASL_MECHANISM)"
    ]


def test_a_worker_refused_for_its_sasl_mechanism_exits_with_one_line(broker: EmbeddedBroker, tmp_path: Path) -> None:
    """Retrying cannot fix a mechanism the broker does not offer (or bad credentials): exit non-zero at once."""
    env = Env(broker.bootstrap)
    w = WorkerProcess(
        env,
        tmp_path,
        WIREWASH_SECURITY_PROTOCOL="SASL_PLAINTEXT",
        WIREWASH_SASL_USERNAME="u",
        WIREWASH_SASL_PASSWORD="p",
    ).start()
    assert w.proc is not None
    rc = w.proc.wait(60)
    assert rc == 2
    log = w.log()
    errors = [orjson.loads(ln) for ln in log.splitlines() if '"level":"ERROR"' in ln]
    assert [e["message"] for e in errors] == [
        f"cannot start: {broker.bootstrap} does not accept SASL mechanism PLAIN (WIREWASH_SASL_MECHANISM)"
    ]
    assert "Traceback" not in log


def test_a_worker_started_before_its_broker_waits_not_ready_then_works(tmp_path: Path) -> None:
    port = free_port()
    env = Env(f"127.0.0.1:{port}")
    s = env.settings
    w = WorkerProcess(env, tmp_path, WIREWASH_LEARN_BOILERPLATE="false").start()
    broker = EmbeddedBroker(port, log_path=tmp_path / "tansu.log")
    try:
        wait_http(w.web_port, "/readyz", timeout=60)
        time.sleep(3)
        code, body = http_get(w.web_port, "/readyz")
        state = orjson.loads(body)
        assert code == 503 and state["status"] == "waiting for broker"
        assert state["last_error"] == f"cannot reach the broker at 127.0.0.1:{port} (connection refused)"
        assert state["attempts"] >= 3
        assert http_get(w.web_port, "/healthz")[0] == 200  # alive: no reason for a restart
        assert w.proc is not None and w.proc.poll() is None, "the worker exited instead of waiting"

        broker.start()
        items = records(30, seed=51)
        run(produce(s, items))
        with Tail(s, [s.topic_articles]) as tail:
            tail.wait(lambda t: len(t.keys(s.topic_articles)) >= len(items), 120, "articles once the broker is up")
        deadline = time.monotonic() + 30
        while http_get(w.web_port, "/readyz")[0] != 200 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert http_get(w.web_port, "/readyz")[0] == 200
        log = w.log()
        waits = [orjson.loads(ln)["message"] for ln in log.splitlines() if "cannot reach the broker" in ln]
        assert waits[0] == (
            f"cannot reach the broker at 127.0.0.1:{port} (connection refused); retrying in 0.5s "
            "(attempt 1; /readyz answers 503 meanwhile)"
        )
        assert "Traceback" not in log
    finally:
        w.stop(15)
        broker.stop()
