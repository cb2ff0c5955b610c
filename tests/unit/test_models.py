"""The wire contract: schemas exported from the models, outputs valid against the models."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import orjson
import pytest
from pydantic import ValidationError

from pipeline.models import CleanArticle, DeadLetter, Event, FeedItem
from pipeline.models.export import SCHEMAS, check_schemas, render, schema_for
from pipeline.process import process_item

ROOT = Path(__file__).resolve().parents[2]


def test_committed_schemas_match_the_models() -> None:
    assert check_schemas(ROOT / "schemas") == []


def test_drift_is_detected(tmp_path: Path) -> None:
    for stem in SCHEMAS:
        (tmp_path / f"{stem}.v1.json").write_text(render(stem), encoding="utf-8")
    assert check_schemas(tmp_path) == []
    p = tmp_path / "event.v1.json"
    p.write_text(p.read_text().replace('"quote"', '"quotation"'), encoding="utf-8")
    assert check_schemas(tmp_path) == ["event.v1.json"]


def test_every_record_carries_schema_version() -> None:
    for stem in SCHEMAS:
        assert "schema_version" in schema_for(stem)["properties"]


def test_contract_field_names() -> None:
    """The field names other teams code against (issue 2) are all present."""
    fields = {
        "feed_item": {
            "id",
            "source",
            "headline",
            "body",
            "content_type",
            "url",
            "published_at",
            "language",
            "meta",
        },
        "clean_article": {
            "id",
            "source",
            "url",
            "published_at",
            "language",
            "headline",
            "body",
            "removed",
            "artefacts",
            "content_hash",
            "word_count",
            "processed_at",
            "pipeline_version",
        },
        "event": {
            "id",
            "article_id",
            "type",
            "mode",
            "actor",
            "recipient",
            "location",
            "date",
            "date_text",
            "quantity",
            "quote",
            "sentence",
            "start",
            "end",
            "trigger",
            "confidence",
        },
        "dead_letter": {"error_code", "error", "topic", "partition", "offset", "failed_at", "original_value"},
    }
    for stem, want in fields.items():
        assert want <= set(schema_for(stem)["properties"]), stem


def test_feed_item_constraints() -> None:
    ok = FeedItem(id="a", source="pti", body="x")
    assert ok.content_type == "text/plain" and ok.schema_version == "1"
    for bad in (
        {"id": "", "source": "pti", "body": "x"},
        {"id": "a" * 513, "source": "pti", "body": "x"},
        {"id": "a", "source": "pti", "body": "   "},
        {"id": "a", "source": "pti", "body": "x", "content_type": "application/pdf"},
        {"id": "a", "source": "pti", "body": "x", "language": "english please"},
        {"id": "a", "source": "pti", "body": "x", "meta": {"k": 1}},
    ):
        with pytest.raises(ValidationError):
            FeedItem.model_validate(bad)


def _outputs(seed_item: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    p = process_item(FeedItem.model_validate(seed_item), datetime(2026, 1, 1, tzinfo=UTC))
    article = orjson.loads(orjson.dumps(p.article))
    events = [orjson.loads(orjson.dumps(e)) for e in p.events]
    return article, events


def test_outputs_validate_against_models_and_schemas(seed_item: dict[str, Any]) -> None:
    article, events = _outputs(seed_item)
    CleanArticle.model_validate(article)
    jsonschema.validate(article, schema_for("clean_article"))
    assert events
    for e in events:
        Event.model_validate(e)
        jsonschema.validate(e, schema_for("event"))


def test_dead_letter_schema() -> None:
    dl = DeadLetter(
        error_code="invalid_json",
        error="x",
        original_value="",
        original_size=0,
        original_sha256="0" * 64,
        failed_at=datetime(2026, 1, 1, tzinfo=UTC),
        pipeline_version="1",
    )
    jsonschema.validate(orjson.loads(dl.model_dump_json()), schema_for("dead_letter"))
