"""Export the wire contract as JSON Schema files (``schemas/*.v1.json``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from pipeline.models.article import CleanArticle
from pipeline.models.deadletter import DeadLetter
from pipeline.models.event import Event
from pipeline.models.feed import FeedItem
from pipeline.models.retraction import Retraction

# file stem -> (model, JSON Schema mode, topic role)
SCHEMAS: dict[str, tuple[type[BaseModel], str, str]] = {
    "feed_item": (FeedItem, "validation", "input"),
    "clean_article": (CleanArticle, "serialization", "articles"),
    "event": (Event, "serialization", "events"),
    "dead_letter": (DeadLetter, "serialization", "dlq"),
    "retraction": (Retraction, "serialization", "events"),
}


def schema_for(stem: str) -> dict[str, Any]:
    model, mode, _ = SCHEMAS[stem]
    schema = model.model_json_schema(mode=mode)  # type: ignore[arg-type]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:wirewash:schema:{stem}:v1",
        **schema,
    }


def render(stem: str) -> str:
    return json.dumps(schema_for(stem), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_schemas(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for stem in SCHEMAS:
        p = out / f"{stem}.v1.json"
        p.write_text(render(stem), encoding="utf-8")
        paths.append(p)
    return paths


def check_schemas(out: Path) -> list[str]:
    """Names of schema files that are missing or differ from the models."""
    drift = []
    for stem in SCHEMAS:
        p = out / f"{stem}.v1.json"
        if not p.exists() or p.read_text(encoding="utf-8") != render(stem):
            drift.append(p.name)
    return drift
