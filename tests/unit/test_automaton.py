"""The Rust-backed automaton (pipeline/core/automaton.py) finds what pyahocorasick finds, in its order.

The whole-article passes moved from pyahocorasick to ahocorasick_rs for speed; every caller reads
``(end, value)`` pairs in pyahocorasick's order (by end, the longest first at one end), so the two
are compared hit for hit on every body the tests know, on the real key sets (cue phrases, the rules'
prefilter literals, event triggers) and on text the Rust side cannot take as it is (lone surrogates).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import ahocorasick
import pytest

from pipeline.core.automaton import Automaton, lower_aligned
from pipeline.core.chrome import cue_phrases, cues
from pipeline.core.clean import _LITERALS
from pipeline.core.events.extract import _trigger_automaton
from pipeline.core.rules import Presence, literal_pass
from tests.synth import story

ROOT = Path(__file__).resolve().parents[2]


def _bodies() -> list[str]:
    out = []
    for p in sorted((ROOT / "tests" / "cases").rglob("*.json")):
        data = json.loads(p.read_text(encoding="utf-8"))
        for c in data.get("cases", []) if isinstance(data, dict) else []:
            if isinstance(c, dict) and isinstance(c.get("body"), str):
                out.append(c["body"])
    for p in sorted((ROOT / "seeds").glob("*.json")):
        out.append(json.loads(p.read_text(encoding="utf-8"))["body"])
    out += [story(i, 2500, 5)["body"] for i in range(20)]
    # a lone surrogate and astral characters: offsets are character offsets on both sides
    out += ["Follow us \udc80on Telegram 😀 for more. Copyright 2024 © all rights reserved"]
    return out


BODIES = _bodies()


def _reference(auto: Automaton[Any]) -> Any:
    ref = ahocorasick.Automaton()
    for k, v in zip(auto.keys(), auto.values(), strict=True):
        ref.add_word(k, v)
    ref.make_automaton()
    return ref


@pytest.mark.parametrize(
    "name",
    ["cue phrases", "reporting verbs", "prefilter literals", "event triggers"],
)
def test_every_hit_and_its_order_as_pyahocorasick(name: str) -> None:
    auto = {
        "cue phrases": cues().automaton,
        "reporting verbs": cues().say,
        "prefilter literals": literal_pass(_LITERALS.lower, _LITERALS.positional, cue_phrases())[0],
        "event triggers": _trigger_automaton(),
    }[name]
    ref = _reference(auto)
    hits = 0
    for body in BODIES:
        low = body.lower()
        got = auto.iter(low)
        assert got == list(ref.iter(low))
        hits += len(got)
        lo, hi = len(low) // 3, 2 * len(low) // 3
        assert auto.iter(low, lo, hi) == list(ref.iter(low, lo, hi))
    assert hits > 100  # the comparison saw hits


def test_ascii_text_searched_as_bytes_finds_what_the_str_search_finds() -> None:
    """ASCII text goes to the byte automaton (no byte-to-character table), other text to the
    ``str`` one: the comparison above covers both, and on ASCII text the two agree hit for hit."""
    auto = cues().automaton
    ac = auto._ac
    assert ac is not None
    ascii_bodies = [b.lower() for b in BODIES if b.isascii()]
    assert len(ascii_bodies) > 50 and len(BODIES) - len(ascii_bodies) > 50  # both paths are exercised
    hits = 0
    for low in ascii_bodies:
        got = auto.find(low)
        assert got == ac.find_matches_as_indexes(low, overlapping=True)
        hits += len(got)
    assert hits > 100


def test_a_key_added_again_takes_the_new_value_and_an_unbuilt_automaton_says_so() -> None:
    a: Automaton[int] = Automaton()
    a.add_word("ab", 1)
    with pytest.raises(RuntimeError):
        a.iter("xab")
    a.add_word("ab", 2)
    a.make_automaton()
    assert a.iter("xab") == [(2, 2)]
    assert a.find("xab") == [(0, 1, 3)]
    assert Automaton[int]().iter("anything") == []
    with pytest.raises(ValueError):
        a.add_word("", 3)


def test_presence_keeps_the_positions_and_literals_it_kept_before() -> None:
    text = "By Jane Doe. Follow us on X - ad: (AP) said the agency, and more. Advertisement"
    p = Presence(text, _LITERALS)
    ref = ahocorasick.Automaton()
    for lit in _LITERALS.lower | _LITERALS.positional:
        ref.add_word(lit, (len(lit), lit in _LITERALS.positional))
    ref.make_automaton()
    low = text.lower()
    kept = [(e + 1 - n, e + 1, low[e + 1 - n : e + 1]) for e, (n, keep) in ref.iter(low) if keep]
    assert (p._starts, p._ends, p._lits) == ([s for s, _, _ in kept], [e for _, e, _ in kept], [x for *_, x in kept])
    cased = ahocorasick.Automaton()  # the literals whose case matters, searched as written
    for lit in _LITERALS.cased:
        cased.add_word(lit, len(lit))
    cased.make_automaton()
    expected = {low[e + 1 - n : e + 1] for e, (n, _) in ref.iter(low)} | {
        text[e + 1 - n : e + 1] for e, n in cased.iter(text)
    }
    assert p.found == expected
    assert {"by", "advertisement", "said", " and "} <= p.found


def test_the_scorer_s_cues_riding_on_the_prefilter_pass_are_its_own() -> None:
    """clean.prepare finds the cue phrases in the prefilter's pass: the same occurrences as the
    scorer's own scan, and the prefilter's own findings unchanged by the extra keys."""
    from pipeline.core.chrome import cue_occurrences

    seen = 0
    for body in BODIES:
        low = lower_aligned(body)  # the text both passes search (a Turkish "İ" stays one letter)
        plain = Presence(body, _LITERALS)
        shared = Presence(body, _LITERALS, extra=cue_phrases())
        assert cue_occurrences(low, shared.extra_hits) == cue_occurrences(low)
        assert (shared.found, shared._starts, shared._ends, shared._lits) == (
            plain.found,
            plain._starts,
            plain._ends,
            plain._lits,
        )
        seen += len(shared.extra_hits)
    assert seen > 100


def test_a_letter_that_lower_cases_to_two_moves_no_offset() -> None:
    """The prefilter's positions are offsets into the text as received, after a Turkish capital too."""
    text = "İSTANBUL'da İLGİLİ HABER yok. Follow us on X. Advertisement"
    p = Presence(text, _LITERALS)
    assert len(p.low) == len(text)
    for s, e, lit in zip(p._starts, p._ends, p._lits, strict=True):
        assert text[s:e].lower() == lit
    assert p._starts[p._lits.index("advertisement")] == text.index("Advertisement")


def test_literals_whose_case_matters_are_found_as_written_on_every_body() -> None:
    """The cased literals ride on the lower-case pass (their lower-case forms), then are compared as written."""
    cased = ahocorasick.Automaton()
    for lit in _LITERALS.cased:
        cased.add_word(lit, len(lit))
    cased.make_automaton()
    seen = 0
    for body in [*BODIES, "Take the road. take the road. TAKE the road. Do not go, Don’t go"]:
        want = {body[e + 1 - n : e + 1] for e, n in cased.iter(body)}
        got = Presence(body, _LITERALS).found & _LITERALS.cased
        assert got == want
        seen += len(want)
    assert seen >= 3
    assert Presence("take the road. TAKE it", _LITERALS).found.isdisjoint(_LITERALS.cased)
