"""Schema Registry registration and id lookup against an in-process fake registry."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.registry import RegistryError, latest_ids, output_ids, register_all
from pipeline.service.broker import free_port
from pipeline.settings import Settings
from tests.fake_registry import FakeRegistry

ROOT = Path(__file__).resolve().parents[2]


def test_register_the_committed_schemas_then_look_them_up() -> None:
    with FakeRegistry() as reg:
        s = Settings()
        ids = register_all(reg.url, ROOT / "schemas", s)
        assert set(ids) == {
            "wire.items.v1-value",
            "wire.articles.v1-value",
            "wire.events.v1-value",
            "wire.items.v1.dlq-value",
        }
        assert len(set(ids.values())) == 4
        # idempotent: the same schema gets the same id
        assert register_all(reg.url, ROOT / "schemas", s) == ids
        # the worker renders the same schemas from the models: same ids
        worker_ids = output_ids(s.model_copy(update={"schema_registry_url": reg.url}))
        assert worker_ids == {
            "input": ids["wire.items.v1-value"],
            "articles": ids["wire.articles.v1-value"],
            "events": ids["wire.events.v1-value"],
            "dlq": ids["wire.items.v1.dlq-value"],
        }
        assert latest_ids(reg.url, s) == worker_ids


def test_unreachable_registry_is_a_clear_error() -> None:
    s = Settings(schema_registry_framing=True, schema_registry_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(RegistryError, match=r"cannot register wire\.items\.v1-value"):
        output_ids(s, attempts=2, backoff=0.01)
    with pytest.raises(RegistryError, match="WIREWASH_SCHEMA_REGISTRY_URL"):
        output_ids(Settings(schema_registry_framing=True))
