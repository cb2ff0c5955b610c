"""Data-driven event cases: tests/cases/events.json (sentence -> the events it states, or none and why)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from pipeline.core.events.extract import extract_events

DATA = json.loads((Path(__file__).parent.parent / "cases" / "events.json").read_text(encoding="utf-8"))
PUBLISHED = date.fromisoformat(DATA["published"])
CASES = [
    pytest.param(
        c,
        id=c["name"],
        marks=[pytest.mark.xfail(reason=c["gap"], strict=True)] if c.get("gap") else [],
    )
    for c in DATA["cases"]
]


def _view(e: Any, keys: set[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k in keys:
        v = getattr(e, k)
        if k in ("actor", "recipient", "location"):
            v = v.text if v is not None else None
        elif k == "date":
            v = v.isoformat() if v is not None else None
        elif k == "quantity":
            v = [v[0], v[1]] if v is not None else None
        out[k] = v
    return out


def test_cases_cover_positives_negatives_and_gaps() -> None:
    assert sum(1 for c in DATA["cases"] if c["expect"]) >= 8
    assert sum(1 for c in DATA["cases"] if not c["expect"]) >= 5
    assert all(c["cause"] for c in DATA["cases"])


@pytest.mark.parametrize("case", CASES)
def test_event_case(case: dict[str, Any]) -> None:
    events = extract_events(case["sentence"], PUBLISHED)
    if not case["expect"]:
        assert events == [], f"{case['cause']}: {[(e.type, e.trigger) for e in events]}"
        return
    got = [_view(e, set(x)) for e in events for x in case["expect"]]
    for want in case["expect"]:
        assert want in got, f"{case['cause']}: want {want}, got {[_view(e, set(want)) for e in events]}"


def test_the_dateline_places_the_story_but_is_no_party() -> None:
    body = "LISBON, June 2 (Reuters) - Dock workers went on strike on Monday, demanding a pay rise, their union said."
    events = extract_events(body, PUBLISHED, dateline="LISBON, June 2 (Reuters) -")
    assert [(e.type, e.trigger, e.actor.text if e.actor else None, e.recipient) for e in events] == [
        ("PROTEST", "went on strike", "Dock workers", None),
        ("REQUEST", "demanding", "Dock workers", None),  # ", their union said" is the source, no party
    ]
    assert [e.location.country if e.location else None for e in events] == ["PRT", "PRT"]


def test_years_ago_is_background_without_a_publication_date() -> None:
    assert extract_events("Russia attacked Ukraine with drones more than three years ago.", None) == []
    assert [e.type for e in extract_events("Russia attacked Ukraine with drones on Monday.", None)] == ["ASSAULT"]


def test_a_body_whose_lower_case_is_longer_reads_the_same() -> None:
    # "İ" lower-cases to two characters, so the body has no lower-case copy with the same offsets:
    # the case-insensitive checks run on the text itself and must find what they find elsewhere
    plain = "Police did not arrest the men. Police arrested 12 protesters in Istanbul on Sunday."
    dotted = plain.replace("Istanbul", "İstanbul")
    assert len(dotted.lower()) != len(dotted)
    views = [
        [
            (e.type, e.mode, e.trigger, e.actor_name, e.quantity, str(e.date), e.start, e.end)
            for e in extract_events(b, PUBLISHED)
        ]
        for b in (plain, dotted)
    ]
    assert views[0] == views[1]
    assert views[0] == [("COERCE", "arrest", "arrested", "Police", (12, "people"), "2024-11-10", 31, 83)]
