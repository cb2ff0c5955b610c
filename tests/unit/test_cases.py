"""Data-driven cleaning cases: tests/cases/*.json (must-keep / must-drop substrings and why)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.core.clean import CleanResult, clean_body

CASES = sorted((Path(__file__).parent.parent / "cases").glob("*.json"))
ALL = [
    pytest.param(case, id=f"{path.stem}:{case['name']}")
    for path in CASES
    if path.stem not in ("events", "lines")
    for case in json.loads(path.read_text(encoding="utf-8"))["cases"]
]


def _clean(case: dict[str, Any]) -> CleanResult:
    return clean_body(case["body"], case.get("content_type", "text/plain"), case.get("headline"))


def test_there_are_enough_cases() -> None:
    assert len(ALL) >= 50


@pytest.mark.parametrize("case", ALL)
def test_case(case: dict[str, Any]) -> None:
    if case.get("known_miss"):
        # a miss kept on record with its cause: it must still fail, so that fixing it is noticed
        with pytest.raises(AssertionError):
            _check(case)
        return
    _check(case)


def _check(case: dict[str, Any]) -> None:
    r = _clean(case)
    for keep in case.get("must_keep", []):
        assert keep["text"] in r.body, f"lost ({keep['why']}): {keep['text']!r}\n--- body:\n{r.body}"
    for drop in case.get("must_drop", []):
        absent = drop.get("absent", drop["text"])
        assert absent not in r.body, f"kept ({drop['why']}): {absent!r}\n--- body:\n{r.body}"
        rules = {x.rule for x in r.removed if drop["text"] in x.text or x.text.strip() in drop["text"]}
        assert drop["rule"] in rules, f"{drop['text']!r} removed by {rules or 'nothing'}, expected {drop['rule']}"
    if "credit" in case:
        assert r.credit == case["credit"]
    if "syndicated" in case:
        assert r.syndicated is case["syndicated"]
    if "dateline" in case:
        assert r.dateline == case["dateline"]
    if "byline" in case:
        assert r.byline == case["byline"]
    if "subheads" in case:
        assert [s.text for s in r.subheads] == case["subheads"]
    if "body_equals" in case:
        assert r.body == case["body_equals"]
    if case.get("unchanged"):
        expected = "\n\n".join(p.strip() for p in case["body"].split("\n\n"))
        assert r.body == expected
        assert r.removed == []
    if case.get("no_artefacts"):
        assert r.artefacts == [], [(a.rule, a.text) for a in r.artefacts]
    for want in case.get("artefacts", []):
        found = [a for a in r.artefacts if a.text == want["text"] and a.kind == want["kind"]]
        assert found, f"missing artefact {want}; got {[(a.kind, a.text) for a in r.artefacts]}"
        assert found[0].action == want["action"]
        if "suggestion" in want:
            assert found[0].suggestion == want["suggestion"]


@pytest.mark.parametrize("case", ALL)
def test_offsets_slice_the_received_body(case: dict[str, Any]) -> None:
    r = _clean(case)
    body = case["body"]
    for x in r.removed:
        assert body[x.start : x.end] == x.text
    for a in r.artefacts:
        assert body[a.start : a.end] == a.text


@pytest.mark.parametrize("case", ALL)
def test_cleaning_is_idempotent(case: dict[str, Any]) -> None:
    once = _clean(case)
    twice = clean_body(once.body)
    assert twice.body == once.body


# one boilerplate line at a time, in its place, around a story of three paragraphs
LINES = json.loads((Path(__file__).parent.parent / "cases" / "lines.json").read_text(encoding="utf-8"))
STORY = [
    "Officials said on Monday that the new bridge over the river would open to traffic next week after months of "
    "delays caused by heavy rain and a shortage of steel, the transport minister told reporters.",
    "The project, which cost more than 400 million rupees, is expected to cut travel time between the two towns by "
    "nearly an hour, and local traders welcomed the decision, saying it would boost business.",
    "Work on a second bridge downstream is due to begin in March, and the state has asked the centre for additional "
    "funds to complete the approach roads before the monsoon, the minister added.",
]
PLACED = [
    pytest.param(where, line, id=f"{where}:{line[:50]}")
    for where in ("tail", "head", "inline")
    for line in LINES[where]
]


@pytest.mark.parametrize(("where", "line"), PLACED)
def test_boilerplate_line_is_removed_and_the_story_kept(where: str, line: str) -> None:
    paras = {"tail": [*STORY, line], "head": [line, *STORY], "inline": [STORY[0], line, *STORY[1:]]}[where]
    r = clean_body("\n\n".join(paras))
    assert r.body == "\n\n".join(STORY), f"{line!r} left: {r.body!r}"
    assert [x.text for x in r.removed if not x.rule.startswith(("N0", "H0"))] == [line]
