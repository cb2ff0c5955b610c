"""The ``wirewash`` command line."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click
import orjson

from pipeline import __version__
from pipeline.settings import Settings

ROLES = ("input", "articles", "events", "dlq")
T = TypeVar("T")


def _settings(**overrides: Any) -> Settings:
    clean = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**clean)
    except Exception as exc:  # pydantic ValidationError: show it without a traceback
        raise click.ClickException(f"invalid configuration: {exc}") from None


def _kafka_options(fn: Any) -> Any:
    fn = click.option(
        "--bootstrap-servers", "-b", envvar=None, help="Kafka bootstrap servers (WIREWASH_BOOTSTRAP_SERVERS)."
    )(fn)
    return fn


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from pipeline.core.events import compiled  # only here: the extractor takes ~0.1 s to import

    # the core's modules are compiled all or none (setup.py), so the extractor speaks for them
    click.echo(f"wirewash {__version__} (core: {'compiled with mypyc' if compiled() else 'pure Python'})")
    ctx.exit()


def _err(msg: str) -> None:
    click.echo(msg, err=True)


def _against_broker(coro: Coroutine[Any, Any, T]) -> T:
    """Run a command that talks to the broker: when the broker cannot be reached (or refuses the
    configured security), the command ends with one line on stderr and exit status 1.

    The command's coroutine probes the broker first (``pipeline.client.probe_broker``), so no
    client object is left half-started; aiokafka's own connection errors are not printed
    (the one line says it), and neither is a traceback.
    """
    import logging

    from aiokafka.errors import KafkaError

    from pipeline.client import BrokerError, PublishError

    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    try:
        return asyncio.run(coro)
    except (BrokerError, PublishError) as exc:
        raise click.ClickException(str(exc)) from None
    except KafkaError as exc:
        raise click.ClickException(f"broker error: {type(exc).__name__}: {exc}") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version (and whether the core is compiled) and exit.",
)
def main() -> None:
    """wirewash: clean syndicated wire copy and extract events, on Kafka.

    Configuration comes from WIREWASH_* environment variables and the flags of each
    command (flags win). See `wirewash config` for every setting.
    """
    from pipeline import logs

    # client commands: warnings in plain text, repeated connection errors collapsed
    logs.configure("WARNING", "text", 10.0)


# ----------------------------------------------------------------------------- worker


@main.command()
@_kafka_options
@click.option("--group-id", help="Consumer group id (WIREWASH_GROUP_ID).")
@click.option("--web-port", type=int, help="Health/metrics port, 0 to disable (WIREWASH_WEB_PORT).")
@click.option("--data-dir", help="Worker scratch directory (WIREWASH_DATA_DIR).")
def worker(bootstrap_servers: str | None, group_id: str | None, web_port: int | None, data_dir: str | None) -> None:
    """Run the service: consume feed items, publish articles, events and dead letters."""
    from pipeline.service.worker import run_worker

    s = _settings(bootstrap_servers=bootstrap_servers, group_id=group_id, web_port=web_port, data_dir=data_dir)
    sys.exit(run_worker(s))


@main.command()
@click.option("--url", help="Health endpoint (default: http://127.0.0.1:$WIREWASH_WEB_PORT/healthz).")
@click.option("--timeout", default=3.0, show_default=True)
def health(url: str | None, timeout: float) -> None:
    """Exit 0 when the local worker reports healthy, 1 otherwise (for container health checks)."""
    import urllib.error
    import urllib.request

    url = url or f"http://127.0.0.1:{Settings().web_port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310 - a local, operator-chosen URL
            click.echo(resp.read().decode(errors="replace"))
            sys.exit(0 if resp.status == 200 else 1)
    except urllib.error.HTTPError as exc:
        click.echo(exc.read().decode(errors="replace"))
    except (urllib.error.URLError, OSError) as exc:
        _err(f"unhealthy: {url}: {exc}")
    sys.exit(1)


# ---------------------------------------------------------------------------- inputs


def read_records(paths: tuple[str, ...], source: str = "file") -> Iterator[tuple[str, bytes]]:
    """(where, value bytes) for every input record of the files (see :mod:`pipeline.inputs`)."""
    from pipeline.inputs import InputError, read_inputs

    try:
        for inp in read_inputs(paths, source):
            yield inp.where, inp.value
    except InputError as exc:
        raise click.ClickException(str(exc)) from None


# ---------------------------------------------------------------------------- publish


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@_kafka_options
@click.option("--topic", help="Topic to publish to (default: the input topic).")
@click.option("--source", default="file", show_default=True, help="FeedItem source for .txt/.html files.")
@click.option("--raw", is_flag=True, help="Send the bytes as they are, without validating them as FeedItems.")
@click.option("--retries", default=5, show_default=True, help="Retries per record, with exponential backoff.")
def publish(
    paths: tuple[str, ...],
    bootstrap_servers: str | None,
    topic: str | None,
    source: str,
    raw: bool,
    retries: int,
) -> None:
    """Publish feed items from files, directories or standard input (`-`), one record per item.

    PATHS hold FeedItem JSON (.json object or list, .jsonl), wire documents (NITF, NewsML-G2,
    NewsML 1.2, ninjs, ANPA 1312, RSS, Atom: split into one record per item) or plain text and
    HTML (one item each, its id the file name). `-` reads standard input as `wirewash clean` does.
    Each record is keyed by its item id. Exits non-zero when any record could not be delivered
    (or, without --raw, is not a valid FeedItem: nothing invalid is sent); every failure is
    reported on stderr.
    """
    import logging

    from pipeline.client import Publisher, PublishError
    from pipeline.codec import DecodeError, Limits
    from pipeline.inputs import InputError, per_item, read_inputs, stdin_inputs
    from pipeline.intake import decode_record

    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)  # the publisher reports every retry itself
    s = _settings(bootstrap_servers=bootstrap_servers)
    files = tuple(p for p in paths if p != "-")
    try:
        inputs = list(stdin_inputs(source)) if "-" in paths else []
        inputs += list(read_inputs(files, source)) if files else []
        # a wire document with several items becomes one record per item, keyed by the item's id
        records = [r for inp in inputs for r in ([inp] if raw else per_item(inp))]
    except InputError as exc:
        raise click.ClickException(str(exc)) from None
    if not records:
        raise click.ClickException("no feed items in the input")

    limits = Limits(s.max_message_bytes, s.max_body_chars)
    valid: list[tuple[str, bytes | None, bytes, list[tuple[str, bytes]]]] = []
    problems: list[str] = []
    for rec in records:
        if raw:
            valid.append((rec.where, rec.key, rec.value, rec.headers))
            continue
        got = decode_record(rec.value, rec.headers, rec.key, limits)
        bad = [g for g in got if isinstance(g, DecodeError)]
        if bad:
            problems.extend(f"{rec.where}: invalid ({e.code.value}): {e.message}" for e in bad)
            continue
        first = got[0]
        assert not isinstance(first, DecodeError)
        valid.append((rec.where, rec.key or first.item.id.encode("utf-8"), rec.value, rec.headers))

    async def go() -> tuple[int, list[str]]:
        sent, undelivered = 0, []
        try:
            async with Publisher(settings=s, topic=topic, retries=retries) as pub:
                for start in range(0, len(valid), 500):
                    chunk = valid[start : start + 500]
                    deliveries = await pub.send_many([(k, v, h) for _, k, v, h in chunk])
                    for (where, _, _, _), d in zip(chunk, deliveries, strict=True):
                        if d.ok:
                            sent += 1
                        else:
                            undelivered.append(f"{where}: not delivered: {d.error}")
                    _err(
                        f"published {sent}/{len(valid)}"
                        + (f", {len(undelivered)} not delivered" if undelivered else "")
                    )
        except PublishError as exc:
            undelivered.append(f"{exc}; {len(valid) - sent} records not delivered")
        return sent, undelivered

    sent, undelivered = asyncio.run(go()) if valid else (0, [])
    for p in problems + undelivered:
        _err(p)
    not_sent = len(records) - sent
    _err(f"done: {sent} delivered, {not_sent} not delivered ({len(problems)} invalid)")
    if not_sent:
        sys.exit(1)


# ----------------------------------------------------------------------------- ingest


@main.command()
@click.argument("urls", nargs=-1, required=True)
@_kafka_options
@click.option(
    "--interval", default=300.0, show_default=True, help="Seconds between polls of a feed (a longer RSS ttl wins)."
)
@click.option("--max-backoff", default=3600.0, show_default=True, help="Longest wait after repeated failures.")
@click.option("--timeout", default=30.0, show_default=True, help="HTTP timeout per request, seconds.")
@click.option("--cycles", type=int, help="Stop after polling every feed this many times (default: run until Ctrl-C).")
def ingest(
    urls: tuple[str, ...],
    bootstrap_servers: str | None,
    interval: float,
    max_backoff: float,
    timeout: float,
    cycles: int | None,
) -> None:
    """Poll RSS, Atom or ninjs feeds and publish each new or changed item once to the input topic.

    Conditional requests (ETag, Last-Modified), an interval per feed and exponential backoff;
    what was published is remembered in the compacted WIREWASH_TOPIC_INGEST topic, so a
    restart or a second instance publishes nothing twice. One progress line per poll.
    """
    from pipeline.ingest import run_ingest

    bad = [u for u in urls if not u.startswith(("http://", "https://"))]
    if bad:
        raise click.ClickException(f"not an http(s) URL: {bad[0]}")
    s = _settings(bootstrap_servers=bootstrap_servers)
    try:
        totals = asyncio.run(run_ingest(list(urls), s, interval, max_backoff, cycles, timeout, _err))
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # broker unreachable and the like: one line, no traceback
        raise click.ClickException(f"ingest stopped: {type(exc).__name__}: {exc}") from None
    if cycles is not None and totals.errors == totals.polls and totals.polls:
        sys.exit(1)


# ---------------------------------------------------------------------------- consume


@main.command()
@click.argument("topic")
@_kafka_options
@click.option("--from-beginning", is_flag=True, help="Start at the earliest offset (default: only new records).")
@click.option("--limit", "-n", type=int, help="Stop after N records.")
@click.option("--follow", "-f", is_flag=True, help="Keep waiting for new records (default: stop when idle).")
@click.option("--idle", default=5.0, show_default=True, help="Without --follow, stop after this many idle seconds.")
@click.option("--group-id", help="Join this consumer group and commit offsets (default: no group).")
@click.option("--headers", is_flag=True, help="Wrap each record: {topic, partition, offset, key, headers, value}.")
def consume(
    topic: str,
    bootstrap_servers: str | None,
    from_beginning: bool,
    limit: int | None,
    follow: bool,
    idle: float,
    group_id: str | None,
    headers: bool,
) -> None:
    """Print records of TOPIC as JSON lines (TOPIC: a topic name or input/articles/events/dlq)."""
    from aiokafka import AIOKafkaConsumer

    from pipeline.client import loads_json, probe_broker

    s = _settings(bootstrap_servers=bootstrap_servers)
    name = s.topics().get(topic, topic)

    async def go() -> int:
        await probe_broker(s)
        kw = s.kafka_client_kwargs()
        c = AIOKafkaConsumer(
            name,
            group_id=group_id,
            auto_offset_reset="earliest" if from_beginning else "latest",
            enable_auto_commit=group_id is not None,
            max_partition_fetch_bytes=max(1 << 20, s.max_message_bytes * 3),
            **kw,
        )
        n = 0
        last = time.monotonic()
        out = sys.stdout.buffer
        try:
            await c.start()
            while limit is None or n < limit:
                batch = await c.getmany(timeout_ms=500)
                got = False
                for msgs in batch.values():
                    for m in msgs:
                        got = True
                        try:
                            value: Any = loads_json(m.value) if m.value is not None else None
                        except (orjson.JSONDecodeError, ValueError):
                            value = {"_raw": (m.value or b"").decode("utf-8", "replace")}
                        if headers:
                            value = {
                                "topic": m.topic,
                                "partition": m.partition,
                                "offset": m.offset,
                                "key": m.key.decode("utf-8", "replace") if m.key else None,
                                "headers": {k: v.decode("utf-8", "replace") for k, v in (m.headers or [])},
                                "value": value,
                            }
                        out.write(orjson.dumps(value) + b"\n")
                        n += 1
                        if limit is not None and n >= limit:
                            break
                    if limit is not None and n >= limit:
                        break
                out.flush()
                if got:
                    last = time.monotonic()
                elif not follow and time.monotonic() - last > idle:
                    break
        finally:
            await c.stop()
        return n

    n = _against_broker(go())
    _err(f"{n} record{'' if n == 1 else 's'} from {name}")


# ------------------------------------------------------------------------------ clean


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--source", default="file", show_default=True, help="FeedItem source for .txt/.html files.")
@click.option("--no-learn", is_flag=True, help="Do not learn repeated paragraphs across the given items.")
@click.option("--no-events", is_flag=True, help="Skip event and quote extraction.")
@click.option("--pretty", is_flag=True, help="Indent the JSON (one object per item, not JSON lines).")
@click.option("--no-cluster", is_flag=True, help="Do not cluster duplicate stories across the items.")
def clean(paths: tuple[str, ...], source: str, no_learn: bool, no_events: bool, pretty: bool, no_cluster: bool) -> None:
    """Clean feed items offline (no broker) with the worker's code path; JSON lines on stdout.

    PATHS hold FeedItem JSON, plain text, HTML or wire documents (NITF, NewsML-G2, NewsML 1.2,
    ninjs, ANPA 1312, RSS, Atom: recognised by their content), one line per item: {"article":
    CleanArticle, "events": [Event, ...]}, {"retracted": Retraction} for a killed story,
    {"stale": {id, version}} for an older version than one before it, or {"error": DeadLetter}.
    Articles are clustered across the batch (cluster_id, duplicate_of). Reads standard input when
    PATH is `-` or not given: JSON, JSON lines, one wire document, or plain text or HTML (one item,
    as a .txt or .html file). Exits 1 when no item could be cleaned.
    """
    from pipeline.inputs import InputError, read_inputs, stdin_inputs
    from pipeline.offline import clean_batch

    option = orjson.OPT_INDENT_2 if pretty else 0
    out = sys.stdout.buffer
    files = tuple(p for p in paths if p != "-")
    cleaned = failed = 0
    try:
        inputs = list(stdin_inputs(source)) if "-" in paths or not paths else []
        inputs += list(read_inputs(files, source)) if files else []
        for doc in clean_batch(inputs, learn=not no_learn, events=not no_events, cluster=not no_cluster):
            out.write(orjson.dumps(doc, option=option) + b"\n")
            cleaned += "article" in doc or "retracted" in doc or "stale" in doc
            failed += "error" in doc
    except InputError as exc:
        raise click.ClickException(str(exc)) from None
    out.flush()
    if not cleaned:
        letters = f"{failed} dead letter{'' if failed == 1 else 's'}"
        raise click.ClickException(f"no item could be cleaned ({letters})" if failed else "no feed items in the input")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--source", default="file", show_default=True, help="FeedItem source for .txt/.html files.")
def parse(paths: tuple[str, ...], source: str) -> None:
    """Show the feed items read from files (wire documents included), one JSON line each.

    Each line is {"format", "item": FeedItem, "not_for_publication": [{rule, start, end, text}]}
    or {"error": {code, message}}. The item's body is its *received body*: the text every
    removal offset of its article indexes.
    """
    from pipeline.codec import DecodeError
    from pipeline.inputs import InputError, read_inputs
    from pipeline.intake import decode_record

    out = sys.stdout.buffer
    try:
        for inp in read_inputs(paths, source):
            for got in decode_record(inp.value, inp.headers, inp.key):
                if isinstance(got, DecodeError):
                    error = {"code": got.code.value, "message": got.message}
                    doc: dict[str, Any] = {"where": inp.where, "error": error}
                else:
                    body = got.item.body
                    drops = [{"rule": r, "start": a, "end": b, "text": body[a:b]} for a, b, r in got.drops]
                    doc = {
                        "where": inp.where,
                        "format": got.format,
                        "item": got.item.model_dump(mode="json"),
                        "not_for_publication": drops,
                    }
                out.write(orjson.dumps(doc) + b"\n")
    except InputError as exc:
        raise click.ClickException(str(exc)) from None
    out.flush()


# ----------------------------------------------------------------------------- broker


DEFAULT_BROKER_PORT = 9092  # where every other command looks (WIREWASH_BOOTSTRAP_SERVERS' default)


def _start_broker(host: str, port: int | None) -> tuple[Any, str]:
    """Start Tansu on ``port`` (None: the default port when free, else a free one; 0: a free one)."""
    from pipeline.service.broker import BrokerError, EmbeddedBroker, port_free

    wanted = DEFAULT_BROKER_PORT if port is None else port
    if wanted and not port_free(host, wanted):
        if port is not None:
            raise click.ClickException(
                f"port {wanted} on {host} is in use: choose another with --port (0: any free port)"
            )
        wanted = 0
    for attempt in range(3):
        b = EmbeddedBroker(wanted or None, host)
        try:
            addr = b.start()
            time.sleep(0.3)  # a listener that lost a race for the port exits at once
            if b.proc is not None and b.proc.poll() is None:
                return b, addr
            b.stop()
            error = f"the embedded broker exited at start (port {b.port} taken meanwhile?)"
        except BrokerError as exc:
            error = str(exc)
        if port is not None or attempt == 2:
            raise click.ClickException(error)
        wanted = 0  # the default port was taken between the check and the start: any free port
    raise AssertionError("unreachable")


@main.command()
@click.option(
    "--port",
    type=int,
    help=f"Port to listen on (default: {DEFAULT_BROKER_PORT} when free, else a free port; 0: a free port).",
)
@click.option("--host", default="127.0.0.1", show_default=True)
def broker(port: int | None, host: str) -> None:
    """Run the embedded dev broker (Tansu, memory storage) in the foreground; Ctrl-C stops it.

    By default it listens on 127.0.0.1:9092, where every other wirewash command looks for a broker
    (WIREWASH_BOOTSTRAP_SERVERS). When that port is taken, or the broker listens anywhere else
    than WIREWASH_BOOTSTRAP_SERVERS says, it prints the line to run in the shells where you use
    wirewash, e.g.

        export WIREWASH_BOOTSTRAP_SERVERS=127.0.0.1:41327

    (on stdout; everything else goes to stderr). Memory storage: stopping it loses every topic.
    """
    import signal

    b, addr = _start_broker(host, port)
    expected = _settings().bootstrap_servers
    if addr != expected:
        why = f"port {DEFAULT_BROKER_PORT} is in use, so " if port is None and b.port != DEFAULT_BROKER_PORT else ""
        _err(
            f"{why}the embedded broker (Tansu, memory storage) listens on {addr}, not on {expected} where "
            "wirewash commands look for it: run this line in the shells where you use wirewash; Ctrl-C to stop"
        )
        click.echo(f"export WIREWASH_BOOTSTRAP_SERVERS={addr}")
    else:
        _err(
            f"embedded broker (Tansu, memory storage) listening on {addr}, where wirewash commands look; Ctrl-C to stop"
        )
    sys.stdout.flush()
    stop = False

    def on_signal(*_: Any) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        while not stop and b.proc is not None and b.proc.poll() is None:
            time.sleep(0.2)
    finally:
        b.stop()


# ---------------------------------------------------------------------------- schemas


@main.group(invoke_without_command=True)
@click.option("--out", "out_dir", default="schemas", show_default=True, type=click.Path())
@click.option("--check", is_flag=True, help="Fail if the files differ from the models instead of writing them.")
@click.pass_context
def schemas(ctx: click.Context, out_dir: str, check: bool) -> None:
    """Export the JSON Schemas of the wire contract (schemas/*.v1.json) from the models."""
    if ctx.invoked_subcommand is not None:
        return
    from pipeline.models.export import check_schemas, write_schemas

    if check:
        drift = check_schemas(Path(out_dir))
        if drift:
            raise click.ClickException("schemas drifted from the models (run `make schemas`): " + ", ".join(drift))
        click.echo(f"schemas in {out_dir} match the models")
        return
    for p in write_schemas(Path(out_dir)):
        click.echo(str(p))


@schemas.command("register")
@click.option("--url", required=True, help="Schema Registry URL, e.g. http://registry:8081.")
@click.option("--dir", "schema_dir", default="schemas", show_default=True, type=click.Path())
def schemas_register(url: str, schema_dir: str) -> None:
    """Register the JSON Schemas under <topic>-value subjects (TopicNameStrategy)."""
    from pipeline.registry import RegistryError, register_all

    try:
        registered = register_all(url, Path(schema_dir), Settings())
    except RegistryError as exc:
        _err(str(exc))
        sys.exit(1)
    for subject, sid in registered.items():
        click.echo(f"{subject}: id {sid}")


# ------------------------------------------------------------------------------- eval


@main.command("eval")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--quiet", "-q", is_flag=True, help="Totals and one line per file only.")
@click.option(
    "--cross-family",
    is_flag=True,
    help="Score each family with a boilerplate scorer trained without it (needs the train extra).",
)
@click.option("--no-learn", is_flag=True, help="Do not learn repeated paragraphs across the files of a family.")
def eval_cmd(paths: tuple[str, ...], as_json: bool, quiet: bool, cross_family: bool, no_learn: bool) -> None:
    """Score cleaning, artefacts, events and quotes against gold-annotated articles.

    PATHS are gold files or directories of them (*.json, one article each, as in the development
    corpus: raw_body, boilerplate, gold_clean_body; optional artefacts, events, quotes, family).
    A file that is not a gold file is named with the reason, and nothing is scored.
    """
    from pipeline.evaluation import (
        GOLD_KEYS,
        GoldError,
        evaluate_batch,
        format_text,
        gold_files,
        read_gold,
        report_dict,
        summarise,
    )

    files = gold_files(paths)
    if not files:
        raise click.ClickException(
            f"no gold files (*.json) in {', '.join(paths)}: wirewash eval scores gold-annotated articles ({GOLD_KEYS})"
        )
    try:
        for f in files:
            read_gold(f)
    except GoldError as exc:
        raise click.ClickException(str(exc)) from None
    if cross_family:
        _need_numpy()
        from pipeline.evaluation import cross_family as run_cross_family
        from pipeline.evaluation import format_cross_family

        cf = run_cross_family(files, log=lambda m: click.echo(m, err=True), learn=not no_learn)
        if as_json:
            out = {"families": cf.families, "mean": cf.mean, "pooled": summarise(cf.reports)}
            sys.stdout.buffer.write(orjson.dumps(out, option=orjson.OPT_INDENT_2) + b"\n")
        else:
            if not quiet:
                click.echo(format_text(cf.reports, summarise(cf.reports), verbose=True))
                click.echo("")
            click.echo(format_cross_family(cf))
        return
    reports = evaluate_batch(files, learn=not no_learn, min_articles=Settings().learn_batch_min_articles)
    summary = summarise(reports)
    if as_json:
        sys.stdout.buffer.write(
            orjson.dumps({"summary": summary, "files": [report_dict(r) for r in reports]}, option=orjson.OPT_INDENT_2)
        )
        sys.stdout.write("\n")
    else:
        click.echo(format_text(reports, summary, verbose=not quiet))


def _need_numpy() -> None:
    try:
        import numpy  # noqa: F401
    except ImportError:
        raise click.ClickException("training needs numpy: pip install 'wirewash[train]'") from None


@main.command()
@click.option(
    "--corpus", "corpus", multiple=True, type=click.Path(exists=True), help="Gold files or directories to train on too."
)
@click.option("--exclude-family", "exclude", multiple=True, help="Leave this corpus family out (repeatable).")
@click.option(
    "--out", type=click.Path(), help="Where to write the weights (default: the package's data/chrome_model.json)."
)
def train(corpus: tuple[str, ...], exclude: tuple[str, ...], out: str | None) -> None:
    """Train the boilerplate scorer on the repository's own cases (and, optionally, a gold corpus)."""
    _need_numpy()
    from pathlib import Path

    from pipeline import chrome_train as ct

    pages = ct.generated_pages()
    if corpus:
        pages += ct.corpus_pages(list(ct.iter_gold(corpus)), frozenset(exclude))
    model = ct.train(pages, log=lambda m: click.echo(m, err=True))
    path = Path(out) if out else ct.MODEL_PATH
    ct.save(model, path)
    t = f"edge {model.edge} run {model.run} inner {model.inner} span {model.span}"
    click.echo(f"wrote {path}: {model.meta['features']} features, thresholds {t}")


# ------------------------------------------------------------------------------ rules


@main.command()
@click.option("--json", "as_json", is_flag=True)
@click.option("--markdown", is_flag=True, help="A Markdown table (as in the README).")
@click.option("--kind", help="Only rules of this kind (normalise, layout, structure, boilerplate, learned, artefact).")
def rules(as_json: bool, markdown: bool, kind: str | None) -> None:
    """List the rule catalogue: id, kind, family, where, description, example."""
    from pipeline.core.clean import rules as catalogue
    from pipeline.core.rules import catalogue_markdown

    items = [r for r in catalogue() if kind is None or r.kind == kind]
    if as_json:
        click.echo(orjson.dumps([r.info() for r in items], option=orjson.OPT_INDENT_2).decode())
    elif markdown:
        click.echo(catalogue_markdown(items))
    else:
        for r in items:
            click.echo(f"{r.id:<34} {r.kind:<11} {r.family:<22} {r.description}")
            if r.example:
                click.echo(f"{'':<34} e.g. {r.example[:100]!r}")


# ----------------------------------------------------------------------------- replay


@main.command()
@_kafka_options
@click.option("--error-code", "codes", multiple=True, help="Only dead letters with this code (repeatable).")
@click.option("--id", "ids", multiple=True, help="Only dead letters of this item id (repeatable).")
@click.option(
    "--partition",
    "partitions",
    multiple=True,
    type=int,
    help="Only dead letters in this DLQ partition (repeatable).",
)
@click.option(
    "--offset",
    "offsets",
    multiple=True,
    type=int,
    help="Only the dead letter at this DLQ offset (repeatable; in every partition unless --partition is given).",
)
@click.option("--limit", type=int, help="Replay at most N records.")
@click.option("--dry-run", is_flag=True, help="List what would be replayed without publishing.")
@click.option("--idle", default=3.0, show_default=True, help="Stop reading the DLQ after this many idle seconds.")
def replay(
    bootstrap_servers: str | None,
    codes: tuple[str, ...],
    ids: tuple[str, ...],
    partitions: tuple[int, ...],
    offsets: tuple[int, ...],
    limit: int | None,
    dry_run: bool,
    idle: float,
) -> None:
    """Re-publish chosen dead letters' original records to the input topic (after a fix).

    The filters combine: a dead letter is replayed when it matches each one given. Its
    position in the DLQ (partition and offset) is printed with --dry-run and shown by
    `wirewash consume dlq --headers`; the replayed record carries the header
    wirewash.replayed-from: <dlq topic>:<partition>:<offset>.
    """
    from pipeline.replay import replay_dead_letters

    s = _settings(bootstrap_servers=bootstrap_servers)
    result = _against_broker(
        replay_dead_letters(s, set(codes), set(ids), set(offsets), limit, dry_run, idle, set(partitions))
    )
    for line in result.lines:
        _err(line)
    _err(
        f"{'would replay' if dry_run else 'replayed'} {result.replayed}, skipped {result.skipped}, "
        f"not replayable {result.unreplayable}, failed {result.failed}"
    )
    if result.failed:
        sys.exit(1)


# ----------------------------------------------------------------------------- topics


@main.group()
def topics() -> None:
    """Create or describe the four wirewash topics."""


@topics.command("create")
@_kafka_options
@click.option("--partitions", type=int, help="Partitions (WIREWASH_TOPIC_PARTITIONS).")
@click.option("--replication", type=int, help="Replication factor (WIREWASH_TOPIC_REPLICATION).")
def topics_create(bootstrap_servers: str | None, partitions: int | None, replication: int | None) -> None:
    """Create the four topics idempotently; existing ones are left as they are.

    Input: delete, 7 days. Articles: compact (the latest version of each article id wins; a
    killed story's tombstone deletes it). Events: delete, 30 days (not compacted: all events of
    an article share its key). Dead letters: delete, 30 days.
    """
    from pipeline.topics import create_topics

    s = _settings(bootstrap_servers=bootstrap_servers, topic_partitions=partitions, topic_replication=replication)
    for name, status in _against_broker(create_topics(s)).items():
        click.echo(f"{name}: {status}")


@topics.command("describe")
@_kafka_options
def topics_describe(bootstrap_servers: str | None) -> None:
    """Show partitions and configuration of the topics."""
    from pipeline.topics import describe_topics

    s = _settings(bootstrap_servers=bootstrap_servers)
    click.echo(orjson.dumps(_against_broker(describe_topics(s)), option=orjson.OPT_INDENT_2).decode())


# ----------------------------------------------------------------------------- config


@main.command()
@click.option("--markdown", is_flag=True, help="The configuration reference table (as in the README).")
def config(markdown: bool) -> None:
    """Show the effective configuration (secrets masked), or the reference table."""
    from pipeline.settings import settings_table

    if markdown:
        click.echo(settings_table())
        return
    click.echo(orjson.dumps(_settings().summary(), option=orjson.OPT_INDENT_2).decode())


# ------------------------------------------------------------------------------- demo


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--keep", is_flag=True, help="Leave the broker and worker running until Ctrl-C.")
def demo(paths: tuple[str, ...], keep: bool) -> None:
    """The main job on the embedded default: broker + worker, publish PATHS, show the results."""
    from pipeline.demo import run_demo

    sys.exit(run_demo(paths or ("seeds",), keep))


if __name__ == "__main__":  # pragma: no cover
    main()
