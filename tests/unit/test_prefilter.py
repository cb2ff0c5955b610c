"""Every rule's declared needs are a necessary condition: the prefilter never changes an output.

The prefilter (one multi-pattern pass per article) skips a rule when nothing it needs occurs
in the text. A rule that could fire without its needs would silently stop firing; these
tests run the cleaner with and without the prefilter on every case body and on generated
text, and compare everything it reports.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.core.clean import ARTEFACTS, DOCUMENT, NORMALISE, clean_body, rules
from pipeline.core.rules import CLASSES, Needs, Presence
from tests.synth import story

CASES = Path(__file__).parent.parent / "cases"


def _bodies() -> list[tuple[str, str]]:
    out = []
    for path in sorted(CASES.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for case in data.get("cases", []):
            if "body" in case:
                out.append((case["body"], case.get("content_type", "text/plain")))
        for where in ("head", "tail", "inline"):  # lines.json: boilerplate lines to place around a story
            for line in data.get(where, []):
                story_paras = [
                    "Officials said on Monday the bridge would open next week, the minister told reporters."
                ] * 2
                out.append(
                    ("\n\n".join([line, *story_paras] if where == "head" else [*story_paras, line]), "text/plain")
                )
    out += [(story(i, 1200 + 300 * (i % 5), seed=3)["body"], "text/plain") for i in range(40)]
    return out


BODIES = _bodies()


def _same(body: str, ctype: str) -> None:
    on = clean_body(body, ctype, prefilter=True)
    off = clean_body(body, ctype, prefilter=False)
    assert dataclasses.asdict(on) == dataclasses.asdict(off)


def test_there_are_bodies_to_compare() -> None:
    assert len(BODIES) >= 150


@pytest.mark.parametrize(("body", "ctype"), BODIES)
def test_the_prefilter_changes_nothing_on_the_cases(body: str, ctype: str) -> None:
    _same(body, ctype)


_WORDS = st.sampled_from(
    "Is Was Used to do. done said “ ” ‘ ’ \" ' ji Modi – — .. -western and valor For The killed Killed Ravana "
    "Ensure officials directed PTI (ANI) ADVERTISEMENT Follow us on Twitter Copyright © & &amp; â€™ \u200b \x00 "
    "\n \n\n , . ! ? martyr drones Shahed karma Reporting by Editing by".split(" ")
)


@settings(
    max_examples=int(os.environ.get("WIREWASH_HYPOTHESIS_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(_WORDS, max_size=60).map(" ".join), st.sampled_from(["text/plain", "text/html"]))
def test_the_prefilter_changes_nothing_on_generated_text(body: str, ctype: str) -> None:
    _same(body, ctype)


def test_every_rule_is_in_the_catalogue_once_and_declares_valid_needs() -> None:
    ids = [r.id for r in rules()]
    assert len(ids) == len(set(ids))
    staged = [r for r, _, _ in NORMALISE] + list(DOCUMENT) + list(ARTEFACTS)
    assert {r.id for r in staged} <= set(ids)
    for r in staged:
        assert r.fn is not None, r.id
        assert all(c in CLASSES for c in r.needs.classes)


def test_presence_finds_literals_by_position_and_fires_on_any_need() -> None:
    text = "Story text. Follow us on X.\n\nADVERTISEMENT"
    p = Presence(text, frozenset({"follow us", "advertisement", "subscribe"}))
    assert p.positions == {"follow us": [21], "advertisement": [42]}
    assert p.literals_within(0, 27) == {"follow us"}
    assert p.literals_within(0, 20) == set()
    assert p.literals_within(29, 42) == {"advertisement"}
    assert p.fires(Needs(literals=("subscribe",))) is False
    assert p.fires(Needs(literals=("subscribe",), classes=("non_ascii",))) is False
    assert p.fires(Needs(classes=("quote",))) is False
    assert Presence("“Yes”", frozenset()).fires(Needs(classes=("quote",))) is True
    with pytest.raises(ValueError, match="lower case"):
        Needs(literals=("Follow",))
    with pytest.raises(ValueError, match="unknown cue class"):
        Needs(classes=("nope",))
