"""Telling a broker that is away (retry) from one that refuses us (exit), without a broker."""

from __future__ import annotations

import asyncio
import ssl
from typing import Any

import pytest
from aiokafka import errors

from pipeline.client import BrokerRefused, BrokerUnavailable, probe_broker
from pipeline.service.metrics import Metrics
from pipeline.service.startup import wait_for_broker
from pipeline.settings import Settings

SASL = Settings(
    bootstrap_servers="k1:9093,k2:9093",
    security_protocol="SASL_SSL",
    sasl_mechanism="SCRAM-SHA-512",
    sasl_username="wirewash",
    sasl_password="secret",
)


def _probe_with(monkeypatch: pytest.MonkeyPatch, outcomes: dict[str, BaseException | None], s: Settings) -> None:
    """Run probe_broker against fake servers: host -> the exception its connection raises (None: answers)."""
    import aiokafka.conn

    class Conn:
        async def send(self, request: Any) -> Any:
            return object()

        def close(self) -> None:
            pass

    async def create_conn(host: str, port: int, **kw: Any) -> Conn:
        exc = outcomes[host]
        if exc is not None:
            raise exc
        return Conn()

    monkeypatch.setattr(aiokafka.conn, "create_conn", create_conn)
    asyncio.run(probe_broker(s, timeout=1.0))


def test_bad_credentials_are_refused_not_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(BrokerRefused) as e:
        _probe_with(monkeypatch, {"k1": errors.SaslAuthenticationFailed("Authentication failed"), "k2": None}, SASL)
    assert str(e.value) == (
        "k1:9093 rejected the SASL credentials of user 'wirewash' (WIREWASH_SASL_USERNAME / WIREWASH_SASL_PASSWORD): "
        "[Error 58] SaslAuthenticationFailed: Authentication failed"
    )
    assert "secret" not in str(e.value)


def test_a_mechanism_the_broker_does_not_offer_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(BrokerRefused) as e:
        _probe_with(monkeypatch, {"k1": errors.UnsupportedSaslMechanismError(), "k2": None}, SASL)
    assert str(e.value) == "k1:9093 does not accept SASL mechanism SCRAM-SHA-512 (WIREWASH_SASL_MECHANISM)"


def test_an_untrusted_certificate_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    cert = ssl.SSLCertVerificationError(1, "certificate verify failed")
    cert.verify_message = "self-signed certificate"
    with pytest.raises(BrokerRefused) as e:
        _probe_with(monkeypatch, {"k1": cert, "k2": None}, SASL)
    assert str(e.value) == "k1:9093: TLS certificate not trusted: self-signed certificate"


def test_the_first_server_that_answers_is_enough(monkeypatch: pytest.MonkeyPatch) -> None:
    _probe_with(monkeypatch, {"k1": ConnectionRefusedError(111, "Connect call failed"), "k2": None}, SASL)


def test_when_no_server_answers_each_is_named_with_its_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(BrokerUnavailable) as e:
        _probe_with(
            monkeypatch,
            {"k1": ConnectionRefusedError(111, "Connect call failed"), "k2": TimeoutError()},
            SASL,
        )
    assert str(e.value) == "cannot reach the broker at k1:9093 (connection refused), k2:9093 (timed out)"


def test_the_worker_waits_for_the_broker_and_stops_at_a_refusal() -> None:
    s = Settings(web_port=0)
    calls: list[int] = []

    async def twice_away(settings: Settings) -> None:
        calls.append(1)
        if len(calls) <= 2:
            raise BrokerUnavailable("cannot reach the broker at 127.0.0.1:9092 (connection refused)")

    assert asyncio.run(wait_for_broker(s, Metrics(), probe=twice_away, first_delay=0.01)) is True
    assert len(calls) == 3

    async def refused(settings: Settings) -> None:
        raise BrokerRefused("127.0.0.1:9092 does not accept SASL mechanism PLAIN (WIREWASH_SASL_MECHANISM)")

    with pytest.raises(BrokerRefused):
        asyncio.run(wait_for_broker(s, Metrics(), probe=refused, first_delay=0.01))
