"""Confluent Schema Registry: register the JSON Schemas, look up their ids (stdlib HTTP only)."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from pathlib import Path

from pipeline.models.export import SCHEMAS, render
from pipeline.settings import Settings


class RegistryError(RuntimeError):
    """The Schema Registry could not be reached or refused a request."""


CONTENT_TYPE = "application/vnd.schemaregistry.v1+json"


def _request(url: str, body: dict[str, object] | None = None, timeout: float = 10.0) -> dict[str, object]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        url,
        data=data,
        method="POST" if data else "GET",
        headers={"Content-Type": CONTENT_TYPE, "Accept": CONTENT_TYPE},
    )
    with urllib.request.urlopen(req, timeout=timeout) as resp:  # operator-supplied URL (http/https)
        return json.loads(resp.read())


def subjects(s: Settings) -> dict[str, str]:
    """Schema file stem -> subject (TopicNameStrategy: ``<topic>-value``)."""
    topics = s.topics()
    return {stem: f"{topics[role]}-value" for stem, (_, _, role) in SCHEMAS.items()}


def register_all(url: str, schema_dir: Path | None, s: Settings) -> dict[str, int]:
    """Register every schema; returns subject -> schema id (idempotent on the registry's side).

    Reads ``schema_dir/<stem>.v1.json`` when a directory is given, else renders the models.
    """
    out = {}
    for stem, subject in subjects(s).items():
        schema = (schema_dir / f"{stem}.v1.json").read_text(encoding="utf-8") if schema_dir else render(stem)
        try:
            resp = _request(f"{url.rstrip('/')}/subjects/{subject}/versions", {"schemaType": "JSON", "schema": schema})
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise RegistryError(f"cannot register {subject} at {url}: {exc}") from exc
        out[subject] = int(resp["id"])  # type: ignore[call-overload]
    return out


def output_ids(s: Settings, attempts: int = 5, backoff: float = 1.0) -> dict[str, int]:
    """Topic role -> schema id for framing the worker's outputs.

    Registers the bundled schemas (as Confluent serializers do with auto-registration; the
    registry returns the existing id for an identical schema), retrying while the registry
    is starting; raises RegistryError with the reason when it cannot.
    """
    if not s.schema_registry_url:
        raise RegistryError("schema_registry_framing needs WIREWASH_SCHEMA_REGISTRY_URL")
    topics = s.topics()
    by_subject = {f"{topic}-value": role for role, topic in topics.items()}
    delay = backoff
    for attempt in range(attempts):
        try:
            return {by_subject[subj]: sid for subj, sid in register_all(s.schema_registry_url, None, s).items()}
        except RegistryError:
            if attempt == attempts - 1:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 10)
    raise RegistryError("unreachable")  # pragma: no cover


def latest_ids(url: str, s: Settings) -> dict[str, int]:
    """Topic role -> latest schema id, for framing output records."""
    topics = s.topics()
    out = {}
    for _stem, (_, _, role) in SCHEMAS.items():
        resp = _request(f"{url.rstrip('/')}/subjects/{topics[role]}-value/versions/latest")
        out[role] = int(resp["id"])  # type: ignore[call-overload]
    return out
