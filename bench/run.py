"""`make bench`: wirewash against the ceiling of its own stack, in one run, on the same messages.

On the embedded broker (Tansu):
  (a) raw aiokafka consume -> produce passthrough, no processing (the Python Kafka path's ceiling)
  (b) a faust agent forwarding each message unchanged (the framework's own ceiling)
  (b') wirewash's worker shell with an identity core (what wirewash makes of the framework)
  (c) the wirewash worker doing all its work (cleaning, artefacts, events)
  (d) the core in-process, no broker (pure Python, then the compiled build of setup.py)
then end-to-end latency at offered rates, one worker vs two in a group, and the core's cost
growth with article length. Prints figures; asserts nothing about time.

  python bench/run.py [--n 5000] [--skip-latency] [--skip-scale] [--skip-compiled] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# --core-only under a compiled build: its package directory first, this checkout for bench/ and tests/
_COMPILED_SITE = os.environ.get("WIREWASH_BENCH_COMPILED")
sys.path[:0] = [_COMPILED_SITE, str(ROOT)] if _COMPILED_SITE else [str(ROOT)]

import orjson  # noqa: E402
import psutil  # noqa: E402
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer  # noqa: E402
from aiokafka.admin import AIOKafkaAdminClient, NewTopic  # noqa: E402

from bench.articles import build, sized  # noqa: E402
from pipeline.codec import Source  # noqa: E402
from pipeline.learning import LearnedMemory  # noqa: E402
from pipeline.process import warm_up  # noqa: E402
from pipeline.service.broker import EmbeddedBroker, free_port  # noqa: E402
from pipeline.service.handler import Handler  # noqa: E402
from pipeline.settings import Settings  # noqa: E402

PARTITIONS = 4
WARM_UP = 50  # records sent before the latency runs


# ------------------------------------------------------------------------------ kafka helpers


async def create_topic(bootstrap: str, name: str, partitions: int = PARTITIONS) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, partitions, 1)])
    finally:
        await admin.close()


async def produce(bootstrap: str, topic: str, records: list[tuple[bytes, bytes]]) -> None:
    p = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5, max_batch_size=1 << 20, max_request_size=32 << 20)
    await p.start()
    try:
        futs = [await p.send(topic, key=k, value=v) for k, v in records]
        await asyncio.gather(*futs)
    finally:
        await p.stop()


async def fill_times(bootstrap: str, topic: str, n: int, timeout: float) -> list[tuple[bytes, int]]:
    """Read ``topic`` from the start until ``n`` records: (key, CreateTime ms) of each."""
    c = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        max_partition_fetch_bytes=32 << 20,
        fetch_max_bytes=64 << 20,
        metadata_max_age_ms=1000,
    )
    await c.start()
    out: list[tuple[bytes, int]] = []
    deadline = time.monotonic() + timeout
    try:
        while len(out) < n and time.monotonic() < deadline:
            batch = await c.getmany(timeout_ms=500, max_records=5000)
            for msgs in batch.values():
                out.extend((m.key, m.timestamp) for m in msgs)
    finally:
        await c.stop()
    return out


def rate_from(times: list[tuple[bytes, int]], n: int) -> float:
    """Steady-state records per second: from the output at the 10th percentile to the last.

    The first tenth is left out for every run alike: start-up (a consumer's first fetches, a
    faust table's first changelog writes, which the embedded broker can hold for up to 30 s
    on a fresh topic) is not throughput.
    """
    if len(times) < n:
        raise RuntimeError(f"only {len(times)}/{n} records arrived")
    ts = sorted(t for _, t in times)
    first = len(ts) // 10
    span = (ts[-1] - ts[first]) / 1000
    return (len(ts) - 1 - first) / span if span > 0 else float("inf")


class RssSampler:
    """Peak resident memory of a process tree, sampled every 100 ms."""

    def __init__(self, pid: int):
        self.proc = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                rss = self.proc.memory_info().rss + sum(c.memory_info().rss for c in self.proc.children(True))
                self.peak = max(self.peak, rss)
            except psutil.Error:
                return
            time.sleep(0.1)

    def stop(self) -> int:
        self._stop.set()
        self._t.join(2)
        return self.peak


@dataclass
class Proc:
    popen: subprocess.Popen[bytes]
    log: Path
    web_port: int | None = None
    rss: RssSampler | None = None

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(20)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(10)


def spawn(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "ab") as fh:
        return subprocess.Popen(cmd, env={**os.environ, **env}, stdout=fh, stderr=subprocess.STDOUT, cwd=ROOT)


def worker_env(bootstrap: str, src: str, dst: str, tag: str, web_port: int, **extra: str) -> dict[str, str]:
    return {
        "WIREWASH_BOOTSTRAP_SERVERS": bootstrap,
        "WIREWASH_TOPIC_INPUT": src,
        "WIREWASH_TOPIC_ARTICLES": dst,
        "WIREWASH_TOPIC_EVENTS": f"{dst}.events",
        "WIREWASH_TOPIC_DLQ": f"{dst}.dlq",
        "WIREWASH_TOPIC_PARTITIONS": str(PARTITIONS),
        "WIREWASH_GROUP_ID": f"bench-{tag}",
        "WIREWASH_WEB_PORT": str(web_port),
        "WIREWASH_SESSION_TIMEOUT_S": "6",
        "WIREWASH_HEARTBEAT_INTERVAL_S": "1",
        "WIREWASH_LOG_LEVEL": "WARNING",
        "WIREWASH_DATA_DIR": str(ROOT / ".wirewash" / "bench" / tag),
        "PYTHONPATH": str(ROOT),
        **extra,
    }


def start_worker(module: str, env: dict[str, str], logdir: Path, name: str) -> Proc:
    log = logdir / f"{name}.log"
    popen = spawn([sys.executable, "-m", module, *(["worker"] if module == "pipeline.cli" else [])], env, log)
    return Proc(popen, log, int(env["WIREWASH_WEB_PORT"]), RssSampler(popen.pid))


def http_json(port: int, path: str) -> tuple[int, dict[str, Any]]:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as r:
            return r.status, orjson.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, orjson.loads(e.read() or b"{}")
    except (OSError, ValueError):
        return 0, {}


def wait_ready(procs: list[Proc], partitions: int, timeout: float = 90) -> None:
    """Until every worker is ready and together they hold every input partition exactly once."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        states = [http_json(p.web_port or 0, "/readyz") for p in procs]
        if all(code == 200 for code, _ in states):
            held = [set(body.get("partitions", {})) for _, body in states]
            union = set().union(*held)
            if len(union) == partitions and sum(len(h) for h in held) == partitions:
                return
        time.sleep(0.3)
    raise TimeoutError("workers did not become ready with a complete assignment")


# ------------------------------------------------------------------------------ the runs


@dataclass
class Result:
    name: str
    rate: float
    mb_s: float
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def run_raw(bootstrap: str, src: str, n: int, mb: float) -> Result:
    dst = f"bench-raw-{uuid.uuid4().hex[:6]}"

    async def go() -> None:
        p = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5, max_batch_size=1 << 20)
        await p.start()
        c = AIOKafkaConsumer(
            src,
            bootstrap_servers=bootstrap,
            group_id="raw-" + dst,
            auto_offset_reset="earliest",
            max_partition_fetch_bytes=8 << 20,
            fetch_max_bytes=64 << 20,
        )
        await c.start()
        got = 0
        while got < n:
            batch = await c.getmany(timeout_ms=1000, max_records=2000)
            for msgs in batch.values():
                for m in msgs:
                    await p.send(dst, key=m.key, value=m.value)
                got += len(msgs)
        await p.flush()
        await c.stop()
        await p.stop()

    asyncio.run(go())
    rate = rate_from(asyncio.run(fill_times(bootstrap, dst, n, 60)), n)
    return Result("(a) raw aiokafka passthrough", rate, rate * mb / n)


def run_faust_identity(bootstrap: str, src: str, n: int, mb: float, logdir: Path) -> Result:
    dst = f"bench-fid-{uuid.uuid4().hex[:6]}"
    env = {"SRC": src, "DST": dst, "RUN": dst, "BROKER": f"kafka://{bootstrap}", "PYTHONPATH": str(ROOT)}
    popen = spawn(
        [sys.executable, "-m", "faust", "-A", "bench.faust_identity", "worker", "-l", "warn"],
        env,
        logdir / "faust-identity.log",
    )
    proc = Proc(popen, logdir / "faust-identity.log")
    try:
        rate = rate_from(asyncio.run(fill_times(bootstrap, dst, n, 300)), n)
    finally:
        proc.stop()
    return Result("(b) faust identity agent", rate, rate * mb / n)


def run_worker(
    module: str, name: str, slug: str, bootstrap: str, src: str, n: int, mb: float, logdir: Path, **extra: str
) -> Result:
    tag = f"{slug}-{uuid.uuid4().hex[:6]}"
    dst = f"bench-{tag}"
    proc = start_worker(module, worker_env(bootstrap, src, dst, tag, free_port(), **extra), logdir, tag)
    try:
        rate = rate_from(asyncio.run(fill_times(bootstrap, dst, n, 900)), n)
    finally:
        proc.stop()
        peak = proc.rss.stop() if proc.rss else 0
    return Result(name, rate, rate * mb / n, extra={"peak_rss_mb": peak / 1e6})


def run_core(records: list[tuple[bytes, bytes]], mb: float, extract: bool, profile: bool = False) -> Result:
    s = Settings(extract_events=extract)
    h = Handler(s, LearnedMemory({}, s.learn_min_articles))
    warm_up()  # as the worker does before it consumes: lexicons, automata and the vocabulary loaded
    profiler = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
    t0 = time.process_time()
    for i, (k, v) in enumerate(records):
        h.handle(Source("bench", 0, i, None, k), v)
    cpu = time.process_time() - t0
    if profiler is not None:
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False)[:6000])
    n = len(records)
    name = "(d) core in-process: " + ("clean + artefacts + events" if extract else "clean + artefacts")
    return Result(name, n / cpu, mb / cpu, note="per core (CPU time)")


def run_core_parts(records: list[tuple[bytes, bytes]], mb: float) -> tuple[Result, Result, int]:
    """The core's halves on their own: cleaning without artefact rules, and event extraction
    (events and quotes, with their wire dictionaries) on already clean bodies.

    Returns the two results and the number of sentences the extractor read.
    """
    from pipeline.core.clean import clean_body
    from pipeline.core.events import extract_events
    from pipeline.core.layout import paragraph_spans
    from pipeline.core.sentences import sentence_spans
    from pipeline.models import FeedItem
    from pipeline.process import event_dict

    warm_up()
    items = [FeedItem.model_validate_json(v) for _, v in records]
    t0 = time.process_time()
    for it in items:
        clean_body(it.body, it.content_type, it.headline, artefacts=False)
    cpu_clean = time.process_time() - t0
    cleaned = [(it.id, it.published_at, clean_body(it.body, it.content_type, it.headline)) for it in items]
    sentences = sum(
        len(sentence_spans(r.body, ps, pe, limit=500)) for _, _, r in cleaned for ps, pe in paragraph_spans(r.body)
    )
    t0 = time.process_time()
    for item_id, published, r in cleaned:
        if not r.body:
            continue
        subheads = [(x.start, x.end) for x in r.subheads]
        for ev in extract_events(r.body, published, headline=r.headline, subheads=subheads, dateline=r.dateline):
            event_dict(item_id, ev)
    cpu_events = time.process_time() - t0
    n = len(records)
    return (
        Result(
            "(d) core in-process: clean only (no artefact rules)", n / cpu_clean, mb / cpu_clean, "per core (CPU time)"
        ),
        Result(
            "(d) core in-process: event extraction alone",
            n / cpu_events,
            mb / cpu_events,
            f"per core (CPU time); {sentences / cpu_events:,.0f} sentences/s ({sentences / n:.0f} per article)",
        ),
        sentences,
    )


def run_core_all(records: list[tuple[bytes, bytes]], mb: float) -> list[Result]:
    """``--core-only``: event extraction alone and the whole core, as in (d)."""
    _, events, _ = run_core_parts(records, mb)
    return [events, run_core(records, mb, extract=True)]


def run_compiled(n: int, logdir: Path, pure: dict[str, Result]) -> list[Result]:
    """(d) again with the compiled build (setup.py, mypyc), in a subprocess on the same messages."""
    import tempfile

    from bench.compiled import BuildError, build_site

    with tempfile.TemporaryDirectory(prefix="wirewash-compiled-") as tmp:
        t0 = time.monotonic()
        try:
            site, _ = build_site(Path(tmp))
        except BuildError as exc:
            (logdir / "compiled-build.log").write_text(str(exc))
            out(f"(compiled core not measured: the build failed, see {logdir / 'compiled-build.log'})")
            return []
        step(f"(d) compiled core: wheel built in {time.monotonic() - t0:.0f} s, measuring")
        proc = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "run.py"), "--core-only", "--n", str(n)],
            cwd=site,
            env={**os.environ, "WIREWASH_BENCH_COMPILED": str(site)},
            capture_output=True,
            check=True,
        )
    rows = [Result(**r) for r in orjson.loads(proc.stdout)]
    for r, key in zip(rows, ("events", "all"), strict=True):
        r.name += ", compiled (mypyc)"
        r.extra["ratio"] = r.rate / pure[key].rate
    return rows


def run_latency(
    bootstrap: str, records: list[tuple[bytes, bytes]], logdir: Path, rates: list[int]
) -> list[dict[str, Any]]:
    tag = f"lat-{uuid.uuid4().hex[:6]}"
    src, dst = f"bench-{tag}-in", f"bench-{tag}"
    asyncio.run(create_topic(bootstrap, src))
    proc = start_worker("pipeline.cli", worker_env(bootstrap, src, dst, tag, free_port()), logdir, tag)
    out = []
    try:
        wait_ready([proc], PARTITIONS)
        # warm-up (not measured): the first records after a (re)join pay for fetch positions and
        # the learned-memory changelog; latency is reported for the steady state
        warm = [(f"{tag}-warm-{i}".encode(), v) for i, (_, v) in enumerate(records[:WARM_UP])]
        warm = [(k, orjson.dumps({**orjson.loads(v), "id": k.decode()})) for k, v in warm]
        asyncio.run(produce(bootstrap, src, warm))
        asyncio.run(fill_times(bootstrap, dst, len(warm), 120))
        time.sleep(1)
        offset = 0
        for rate in rates:
            duration = 10.0 if rate <= 100 else 6.0 if rate <= 500 else 5.0
            count = int(rate * duration)
            batch = []
            for i, (_, v) in enumerate(records[offset : offset + count]):
                item = orjson.loads(v)
                item["id"] = f"{tag}-{rate}-{i}"  # fresh ids: articles are keyed by the item id
                batch.append((item["id"].encode(), orjson.dumps(item)))
            offset = (offset + count) % max(1, len(records) - count)
            sent = asyncio.run(paced_send(bootstrap, src, batch, rate))
            arrived = asyncio.run(fill_times(bootstrap, dst, WARM_UP + offset_total(out) + len(batch), 300))
            got = {k: t for k, t in arrived if k in sent}
            lat = sorted(got[k] - sent[k] for k in sent if k in got)
            achieved = len(batch) / (max(sent.values()) - min(sent.values())) * 1000 if len(sent) > 1 else 0
            out.append(
                {
                    "offered": rate,
                    "sent_rate": achieved,
                    "n": len(batch),
                    "received": len(lat),
                    "p50_ms": statistics.median(lat) if lat else None,
                    "p99_ms": lat[min(len(lat) - 1, int(len(lat) * 0.99))] if lat else None,
                    "max_ms": lat[-1] if lat else None,
                }
            )
            time.sleep(1)
    finally:
        proc.stop()
        if proc.rss:
            proc.rss.stop()
    return out


def offset_total(rows: list[dict[str, Any]]) -> int:
    return sum(r["n"] for r in rows)


async def paced_send(bootstrap: str, topic: str, batch: list[tuple[bytes, bytes]], rate: int) -> dict[bytes, int]:
    """Send at ``rate`` records/s (in 10 ms slices); returns key -> CreateTime (ms) of each record."""
    p = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=0, max_request_size=32 << 20)
    await p.start()
    sent: dict[bytes, int] = {}
    futs = []
    try:
        t0 = time.monotonic()
        for i, (k, v) in enumerate(batch):
            due = t0 + i / rate
            delay = due - time.monotonic()
            if delay > 0.002:
                await asyncio.sleep(delay)
            ts = int(time.time() * 1000)
            sent[k] = ts
            futs.append(await p.send(topic, key=k, value=v, timestamp_ms=ts))
        await asyncio.gather(*futs)
    finally:
        await p.stop()
    return sent


def run_scale(bootstrap: str, records: list[tuple[bytes, bytes]], logdir: Path, workers: int) -> float:
    tag = f"scale{workers}-{uuid.uuid4().hex[:6]}"
    src, dst = f"bench-{tag}-in", f"bench-{tag}"
    asyncio.run(create_topic(bootstrap, src))
    procs = [
        start_worker("pipeline.cli", worker_env(bootstrap, src, dst, tag, free_port()), logdir, f"{tag}-{i}")
        for i in range(workers)
    ]
    try:
        wait_ready(procs, PARTITIONS)
        asyncio.run(produce(bootstrap, src, records))
        return rate_from(asyncio.run(fill_times(bootstrap, dst, len(records), 900)), len(records))
    finally:
        for p in procs:
            p.stop()
            if p.rss:
                p.rss.stop()


def run_growth(sizes: list[int]) -> list[dict[str, Any]]:
    rows = []
    for extract in (False, True):
        h = Handler(Settings(extract_events=extract), None)
        for n_bytes in sizes:
            value = sized(n_bytes)
            reps, t0 = 0, time.process_time()
            while True:
                h.handle(Source(), value)
                reps += 1
                dt = time.process_time() - t0
                if dt > 0.6 or reps >= 200:
                    break
            per = dt / reps
            rows.append(
                {"bytes": n_bytes, "events": extract, "ms": per * 1000, "us_per_kb": per * 1e6 / (n_bytes / 1024)}
            )
    return rows


# pathological 1 MB bodies: each once through the whole core (a superlinear path shows as seconds)
PATHOLOGICAL: dict[str, str] = {
    "one run of letters": "x" * 1_000_000,
    "'a ' repeated": "a " * 500_000,
    "quote marks only": "“" * 300_000 + "‘ x ’" * 100_000,
    "'Was done. ' repeated": "Was done. " * 100_000,
    "capitalised function words": " ".join(("And", "The", "For", "Of", "With")[i % 5] for i in range(200_000)),
    "'said- “x” ' repeated": "said- “x” " * 100_000,
    "'valor and valor '": "valor and valor " * 60_000,
    "one word per line": "word\n" * 200_000,
    "50,000 URLs": " ".join(f"https://example.com/{i}" for i in range(50_000)),
    "100,000 hashtags": " ".join(f"#tag{i}" for i in range(100_000)),
    "random 29-letter words": " ".join(("abcdefghij" * 3)[i % 7 : i % 7 + 29] + str(i % 10) for i in range(30_000)),
}


def run_pathological() -> list[tuple[str, int, float]]:
    h = Handler(Settings(extract_events=True), None)
    rows = []
    for name, body in PATHOLOGICAL.items():
        value = orjson.dumps({"id": "p", "source": "bench", "body": body})
        t0 = time.process_time()
        h.handle(Source(), value)
        rows.append((name, len(body.encode("utf-8")), time.process_time() - t0))
    return rows


# ------------------------------------------------------------------------------ main


def fmt(x: float) -> str:
    return f"{x:,.0f}" if x >= 100 else f"{x:,.1f}"


REPORT: list[str] = []


def out(line: str = "") -> None:
    """Print a report line and keep it (for --readme)."""
    print(line, flush=True)
    REPORT.extend(line.split("\n"))


def write_readme(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    start, end = "<!-- bench:start -->\n", "<!-- bench:end -->"
    if start not in text or end not in text:
        raise SystemExit(f"{path} has no bench block")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    lines = []
    for line in REPORT:
        if line.startswith("logs:"):
            continue
        if line.startswith("# wirewash benchmark — "):
            line = f"Measured by `make bench` on {line.removeprefix('# wirewash benchmark — ')}:"
        elif line.startswith(("machine:", "messages:")):
            line = f"- {line}"
        elif line.startswith("## "):
            line = "#### " + line[3:]
        lines.append(line)
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    path.write_text(head + start + body + "\n" + end + tail, encoding="utf-8")
    print(f"wrote the figures into {path}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=5000, help="messages per throughput run (default 5000)")
    ap.add_argument("--skip-latency", action="store_true")
    ap.add_argument("--skip-scale", action="store_true")
    ap.add_argument("--skip-growth", action="store_true")
    ap.add_argument("--profile", action="store_true", help="pyinstrument profile of the core (d)")
    ap.add_argument("--readme", action="store_true", help="write the figures into README.md's Performance section")
    ap.add_argument("--skip-compiled", action="store_true", help="do not build and measure the compiled core")
    ap.add_argument("--core-only", action="store_true", help=argparse.SUPPRESS)  # (d) alone, as JSON
    args = ap.parse_args()

    records, info = build(args.n)
    if args.core_only:
        from pipeline.core.events import compiled

        if bool(_COMPILED_SITE) != compiled():
            raise SystemExit(f"--core-only: expected the {'compiled' if _COMPILED_SITE else 'pure'} core")
        print(orjson.dumps([r.__dict__ for r in run_core_all(records, info["total_mb"])]).decode())
        return
    mb = info["total_mb"]
    logdir = ROOT / ".wirewash" / "bench" / datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    logdir.mkdir(parents=True, exist_ok=True)
    out(f"# wirewash benchmark — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    out(
        f"machine: {platform.machine()}, {psutil.cpu_count(logical=True)} CPUs, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}, {platform.system()}"
    )
    out(
        f"messages: {info['n']} feed items, body+JSON {info['bytes_min']}..{info['bytes_max']} B "
        f"(median {info['bytes_p50']} B, {mb:.1f} MB in all); mix {info['mix']}"
    )
    out(f"logs: {logdir}\n")

    results: list[Result] = []
    with EmbeddedBroker(log_path=logdir / "tansu.log") as broker:
        bootstrap = broker.bootstrap
        src = f"bench-src-{uuid.uuid4().hex[:6]}"
        asyncio.run(create_topic(bootstrap, src))
        asyncio.run(produce(bootstrap, src, records))
        step("(a) raw aiokafka passthrough")
        results.append(run_raw(bootstrap, src, args.n, mb))
        step("(b) faust identity agent")
        results.append(run_faust_identity(bootstrap, src, args.n, mb, logdir))
        step("(b') wirewash shell, identity core")
        results.append(
            run_worker(
                "bench.shell_identity",
                "(b') wirewash shell, identity core",
                "shell",
                bootstrap,
                src,
                args.n,
                mb,
                logdir,
            )
        )
        step("(c) wirewash worker")
        c = run_worker("pipeline.cli", "(c) wirewash worker (all work)", "worker", bootstrap, src, args.n, mb, logdir)
        results.append(c)
        step("(d) core in-process")
        d_clean = run_core(records, mb, extract=False)
        d_all = run_core(records, mb, extract=True, profile=args.profile)
        d_bare, d_events, _ = run_core_parts(records, mb)
        results += [d_bare, d_clean, d_events, d_all]
        compiled: list[Result] = []
        if not args.skip_compiled:
            step("(d) compiled core: building the wheel")
            compiled = run_compiled(args.n, logdir, {"events": d_events, "all": d_all})
            results += compiled

        out("\n## Throughput (same messages, same broker, one run)\n")
        out("| run | articles/s | MB/s | notes |\n|---|---:|---:|---|")
        for r in results:
            notes = r.note or (f"peak RSS {r.extra['peak_rss_mb']:.0f} MB" if "peak_rss_mb" in r.extra else "")
            out(f"| {r.name} | {fmt(r.rate)} | {r.mb_s:.1f} | {notes} |")
        a, b, bs = results[0].rate, results[1].rate, results[2].rate
        ideal = 1 / (1 / bs + 1 / d_all.rate)
        out()
        out(f"- c/a = {c.rate / a:.3f}   c/b = {c.rate / b:.3f}   b'/b = {bs / b:.2f}   b'/a = {bs / a:.3f}")
        out(
            f"- ideal worker 1/(1/b' + 1/d) = {fmt(ideal)}/s; c reaches {c.rate / ideal:.2f} of it "
            f"(with the anchor's b: 1/(1/b + 1/d) = {fmt(1 / (1 / b + 1 / d_all.rate))}/s)"
        )
        out(f"- worker peak RSS {c.extra['peak_rss_mb']:.0f} MB")
        for r in compiled:
            out(f"- {r.name}: {r.extra['ratio']:.2f}× the pure Python core of this run")

        if not args.skip_latency:
            step("latency")
            rows = run_latency(bootstrap, records, logdir, [100, 500, 1000])
            out("\n## End-to-end latency (publish -> article on the articles topic), one worker\n")
            out("| offered/s | sent/s | records | p50 ms | p99 ms | max ms |\n|---:|---:|---:|---:|---:|---:|")
            for row in rows:
                out(
                    f"| {row['offered']} | {row['sent_rate']:.0f} | {row['received']}/{row['n']} | "
                    f"{row['p50_ms']} | {row['p99_ms']} | {row['max_ms']} |"
                )

        if not args.skip_scale:
            step("scale-out")
            n = min(args.n, 4000)
            one = run_scale(bootstrap, records[:n], logdir, 1)
            two = run_scale(bootstrap, records[:n], logdir, 2)
            out(f"\n## Scale-out ({PARTITIONS} partitions, {n} messages)\n")
            out(f"| workers | articles/s |\n|---:|---:|\n| 1 | {fmt(one)} |\n| 2 | {fmt(two)} |")
            out(f"\n- two workers / one = {two / one:.2f} (the broker and the benchmark share the same 2 cores)")

    if not args.skip_growth:
        step("cost growth")
        rows = run_growth([1024, 10 * 1024, 100 * 1024, 1024 * 1024])
        out("\n## Core cost growth with article length (CPU per article, one core)\n")
        out("| body | clean + artefacts ms | µs/KB | + events ms | µs/KB |\n|---:|---:|---:|---:|---:|")
        by = {(r["bytes"], r["events"]): r for r in rows}
        for size in sorted({r["bytes"] for r in rows}):
            x, y = by[(size, False)], by[(size, True)]
            out(f"| {size // 1024} KB | {x['ms']:.2f} | {x['us_per_kb']:.0f} | {y['ms']:.2f} | {y['us_per_kb']:.0f} |")

    if not args.skip_growth:
        step("pathological bodies")
        out("\n## Pathological bodies (whole core, one item each, CPU seconds)\n")
        out("| body | bytes | seconds |\n|---|---:|---:|")
        for name, size, secs in run_pathological():
            out(f"| {name} | {size:,} | {secs:.2f} |")

    if args.readme:
        write_readme(ROOT / "README.md")


def step(name: str) -> None:
    print(f"... {name}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
