"""Shared fixtures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED_ID = "000_8570cabb535c07b7"


@pytest.fixture(scope="session")
def seed_item() -> dict[str, Any]:
    return json.loads((ROOT / "seeds" / f"{SEED_ID}.json").read_text(encoding="utf-8"))
