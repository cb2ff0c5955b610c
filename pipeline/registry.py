"""Confluent Schema Registry: register the JSON Schemas, look up their ids (stdlib HTTP only)."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

from pipeline.models.export import SCHEMAS
from pipeline.settings import Settings

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


def register_all(url: str, schema_dir: Path, s: Settings) -> dict[str, int]:
    """Register every schema; returns subject -> schema id (idempotent on the registry's side)."""
    out = {}
    for stem, subject in subjects(s).items():
        schema = (schema_dir / f"{stem}.v1.json").read_text(encoding="utf-8")
        resp = _request(f"{url.rstrip('/')}/subjects/{subject}/versions", {"schemaType": "JSON", "schema": schema})
        out[subject] = int(resp["id"])  # type: ignore[call-overload]
    return out


def latest_ids(url: str, s: Settings) -> dict[str, int]:
    """Topic role -> latest schema id, for framing output records."""
    topics = s.topics()
    out = {}
    for _stem, (_, _, role) in SCHEMAS.items():
        resp = _request(f"{url.rstrip('/')}/subjects/{topics[role]}-value/versions/latest")
        out[role] = int(resp["id"])  # type: ignore[call-overload]
    return out
