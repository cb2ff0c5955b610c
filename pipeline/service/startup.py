"""Before the faust worker starts: wait for the broker, and say so on ``/readyz`` meanwhile.

faust exits at once when its producer cannot bootstrap, so a worker started before its
broker (a fresh deployment, a broker restart, a network partition) would crash-loop. The
worker instead probes the broker with backoff and serves ``/healthz`` (200: the process is
alive and retrying), ``/readyz`` (503, with the last error) and ``/metrics`` on its web port
until the broker answers; then faust starts and takes the port over. A broker that refuses
the configured security — a SASL mechanism it does not offer, bad credentials, an untrusted
TLS certificate — is not retried: retrying cannot fix it, and the worker exits with one line.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import Awaitable, Callable
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from pipeline import __version__
from pipeline.client import BrokerUnavailable, probe_broker
from pipeline.service.metrics import Metrics
from pipeline.settings import Settings

log = logging.getLogger("wirewash.worker")

Probe = Callable[[Settings], Awaitable[None]]


async def wait_for_broker(
    settings: Settings,
    metrics: Metrics,
    probe: Probe = probe_broker,
    first_delay: float = 0.5,
    max_delay: float = 30.0,
) -> bool:
    """Return True once the broker answers, False when SIGTERM/SIGINT arrives first.

    Raises :class:`~pipeline.client.BrokerRefused` when the broker refuses the configured security.
    """
    status: dict[str, Any] = {
        "status": "waiting for broker",
        "broker": settings.bootstrap_servers,
        "attempts": 0,
        "last_error": None,
        "waiting_seconds": 0.0,
        "version": __version__,
    }
    started = time.monotonic()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    signals: tuple[signal.Signals, ...] = (signal.SIGTERM, signal.SIGINT)
    for sig in signals:
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # not the main thread (tests): nothing to stop us but the caller
            signals = ()
            break
    runner = await _serve(settings, metrics, status, started) if settings.web_port > 0 else None
    try:
        delay = first_delay
        while True:
            status["attempts"] += 1
            try:
                await probe(settings)
                if status["attempts"] > 1:
                    log.info("broker at %s answers after %d attempts", settings.bootstrap_servers, status["attempts"])
                return True
            except BrokerUnavailable as exc:
                status["last_error"] = str(exc)
                log.warning(
                    "%s; retrying in %.1fs (attempt %d; /readyz answers 503 meanwhile)", exc, delay, status["attempts"]
                )
            try:
                await asyncio.wait_for(stop.wait(), delay)
                log.info("stopped while waiting for the broker")
                return False
            except TimeoutError:
                pass
            delay = min(delay * 2, max_delay)
    finally:
        for sig in signals:
            loop.remove_signal_handler(sig)
        if runner is not None:
            await runner.cleanup()


async def _serve(settings: Settings, metrics: Metrics, status: dict[str, Any], started: float) -> Any:
    """The worker's health, readiness and metrics pages while it waits for the broker."""
    from aiohttp import web

    def body() -> dict[str, Any]:
        return {**status, "waiting_seconds": round(time.monotonic() - started, 1)}

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response(body(), status=200)  # alive and retrying: no reason to restart it

    async def readyz(request: web.Request) -> web.Response:
        return web.json_response(body(), status=503)

    async def metrics_page(request: web.Request) -> web.Response:
        return web.Response(body=generate_latest(metrics.registry), content_type=CONTENT_TYPE_LATEST.split(";")[0])

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_page)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.web_host, settings.web_port).start()
    except OSError as exc:  # the port is taken: faust would fail on it too, later; say it now
        await runner.cleanup()
        log.warning("cannot serve health pages on %s:%d while waiting: %s", settings.web_host, settings.web_port, exc)
        return None
    return runner
