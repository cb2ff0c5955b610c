"""The README stays true: generated tables match the code, the two commands are there, CI runs them."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.readme import render

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_generated_blocks_match_the_code() -> None:
    assert render(README) == README, "README tables drifted: run `make readme`"


def test_drift_is_detected() -> None:
    stale = README.replace("| `bootstrap_servers` |", "| `bootstrap_server` |", 1)
    assert render(stale) != stale
    with pytest.raises(ValueError, match="config:start"):
        render(README.replace("<!-- config:start -->", ""))


def test_every_setting_is_documented_with_its_variable_and_default() -> None:
    from pipeline.settings import ENV_PREFIX, Settings

    for name, field in Settings.model_fields.items():
        assert f"`{ENV_PREFIX}{name.upper()}`" in README
        assert field.description, name


def test_the_two_commands_and_ci() -> None:
    assert "make run" in README and "make test" in README
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci
