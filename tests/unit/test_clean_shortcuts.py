"""The cleaner's shortcuts answer what the long way would.

Each shortcut (pipeline/core) replaces a regex call or a recomputation with something cheaper;
these tests hold each to what it stands for: on generated text, on every case body, and where
a set of characters is involved, on every code point.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pipeline.core.clean as clean_module
from pipeline.core import artefacts, chrome, learned
from pipeline.core.clean import clean_body
from pipeline.core.doc import Doc
from pipeline.core.layout import paragraph_spans
from pipeline.core.sentences import word_count
from tests.synth import story

CASES = Path(__file__).parent.parent / "cases"


def _case_bodies() -> list[str]:
    out = []
    for path in sorted(CASES.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        out += [c["body"] for c in data.get("cases", []) if "body" in c and c.get("content_type") != "text/html"]
    return out + [story(i, 1500, seed=11)["body"] for i in range(20)]


BODIES = _case_bodies()

# ------------------------------------------------------------------ unknown words: the runs

_RUN_TEXT = st.text(alphabet=st.sampled_from(list("abzAZ09_ .,-’“é\u00a0\u2009\x1c\n\tİſ\u212a")), max_size=60)


@given(_RUN_TEXT)
@settings(max_examples=500)
def test_lower_runs_are_the_regex_runs(text: str) -> None:
    assert artefacts.lower_runs(text) == set(artefacts._LOWER_RUN.findall(text))


def test_lower_runs_split_where_the_regex_sees_a_boundary_on_every_ascii_character() -> None:
    # every ASCII character between two runs, and glued to one
    for c in map(chr, range(128)):
        for text in (f"abcd{c}efgh", f"{c}abcde", f"abcde{c}"):
            assert artefacts.lower_runs(text) == set(artefacts._LOWER_RUN.findall(text)), repr(text)


def test_lower_runs_of_every_case_body() -> None:
    for body in BODIES:
        assert artefacts.lower_runs(body) == set(artefacts._LOWER_RUN.findall(body))


# ------------------------------------------------------------------ the scorer's evidence test


def _evidence_the_long_way(f: Mapping[str, float]) -> bool:
    return any(
        k in chrome._STRONG_CUES or (k.endswith("@open") and k != "cue:say@open") for k in f
    ) or not chrome._EVIDENCE.isdisjoint(f)


def test_every_opening_cue_feature_the_scorer_can_make_is_known_to_the_evidence_test() -> None:
    seen: set[str] = set()
    for body in BODIES:
        doc = Doc.from_text(body, paragraph_spans(body))
        art = chrome.article_of(doc)
        for u in chrome.build_units(doc, art):
            seen.update(k for k in u.feats if k.endswith("@open"))
            assert chrome.has_evidence(u.feats) == _evidence_the_long_way(u.feats)
    assert len(seen) >= 8  # the bodies reach a fair share of the opening features
    names = chrome._evidence_names()
    assert {k for k in seen if k != "cue:say@open"} <= names


def test_the_evidence_test_on_made_up_features() -> None:
    assert chrome.has_evidence({"cue:promo": 1.0})
    assert chrome.has_evidence({"cue:nav@open": 1.0})
    assert not chrome.has_evidence({"cue:say@open": 1.0, "cue:say": 1.0, "cue:nav": 1.0})
    assert chrome.has_evidence({"url": 1.0}) and not chrome.has_evidence({"end:stop": 1.0})


# ------------------------------------------------------------------ the rescoring's carried features


def test_carried_features_change_no_output(monkeypatch: pytest.MonkeyPatch) -> None:
    carried = 0
    real = clean_module.carry_features

    def counting(old: Doc, new: Doc) -> None:
        nonlocal carried
        carried += 1
        real(old, new)

    monkeypatch.setattr(clean_module, "carry_features", counting)
    with_carry = [dataclasses.asdict(clean_body(b)) for b in BODIES]
    assert carried >= 3  # bodies whose fragments, once cut, are scored again
    monkeypatch.setattr(clean_module, "carry_features", lambda old, new: None)
    assert [dataclasses.asdict(clean_body(b)) for b in BODIES] == with_carry


def test_a_carried_unit_is_looked_up_by_its_text_and_the_characters_beside_it() -> None:
    text = "Officials said the bridge would reopen next week, the minister said.\n\nFollow us on X"
    doc = Doc.from_text(text, paragraph_spans(text))
    art = chrome.article_of(doc)
    chrome.build_units(doc, art)
    moved = "A line that goes.\n\n" + text  # the same paragraphs, elsewhere in the text
    new = Doc.from_text(moved, paragraph_spans(moved))
    chrome.carry_features(doc, new)
    shifted = chrome.article_of(new)
    lo = moved.index("Follow")
    assert chrome._reading(shifted, lo, len(moved), "para") in shifted.carried
    assert chrome._reading(shifted, lo + 1, len(moved), "para") not in shifted.carried


# ------------------------------------------------------------------ template keys


@given(st.lists(st.text(alphabet="abcXYZé9", min_size=1, max_size=6), max_size=45))
@settings(max_examples=300)
def test_template_keys_with_folded_tokens_are_those_without(toks: list[str]) -> None:
    assert learned._template_keys(toks, [t.casefold() for t in toks]) == learned._template_keys(toks)


def test_keys_fold_ascii_text_token_for_token() -> None:
    text = "For more Cricket stories, visit our CRICKET page: www.example.com/x"
    toks, folded = learned._read(text)
    assert folded.split() == [t.casefold() for t in toks]
    assert learned._keys(text)[1:] == learned._template_keys(toks)


# ------------------------------------------------------------------ a prefilter of caseless literals


def test_caseless_literals_are_looked_for_as_written() -> None:
    from pipeline.core.clean import _NORMALISE_LITERALS
    from pipeline.core.rules import Presence

    assert Presence("Tom &amp; Jerry", _NORMALISE_LITERALS).found == {"&"}
    assert Presence("Tom and Jerry", _NORMALISE_LITERALS).found == frozenset()
    body = "Tom &amp; Jerry met on Monday, officials said.\n\nThe talks went on &#8220;for hours&#8221;."
    on, off = clean_body(body), clean_body(body, prefilter=False)
    assert on.body == "Tom & Jerry met on Monday, officials said.\n\nThe talks went on “for hours”."
    assert dataclasses.asdict(on) == dataclasses.asdict(off)


# ------------------------------------------------------------------ remembered line shapes


def test_a_remembered_shape_is_the_shape_made_afresh_in_the_same_order() -> None:
    lines = [
        "Follow us on X @daily_ledger | www.example.com",
        "Published: Fri 7 Nov 2025, 10:30 IST",
        "(Reporting by Jane Doe; Editing by John Roe)",
        "2 min read",
        "Call +1 212 555 0100 or write to desk@example.com",
        "県警は詐欺事件として捜査している。",
    ]
    chrome._shape.cache_clear()
    for _ in range(2):  # a miss, then a hit
        for line in lines:
            cached: dict[str, float] = {"bias": 1.0}
            fresh: dict[str, float] = {"bias": 1.0}
            got = chrome.shape_features(line, cached, "LATIN")
            nw, fw, toks = chrome._shape_of(line, fresh, "LATIN")
            assert list(cached.items()) == list(fresh.items())
            assert got == (nw, fw, tuple(toks))
    assert chrome._shape.cache_info().hits == len(lines)


# ------------------------------------------------------------------ word count

_PUNCT_TOKEN = re.compile(r"\s[^\w\s]+(?=\s)")  # the regex the count stood on: tokens of punctuation only


def _word_count_the_long_way(text: str) -> int:
    n = len(text.split())
    return n - len(_PUNCT_TOKEN.findall(f" {text} ")) if n else 0


@given(st.text(alphabet=st.sampled_from(list("ab_9 ,.—“\u00a0\u2009\x1c\n\t(ⅻ٫")), max_size=40))
@settings(max_examples=500)
def test_word_count_is_the_tokens_less_those_of_punctuation_only(text: str) -> None:
    assert word_count(text) == _word_count_the_long_way(text)


def test_word_count_of_every_case_body() -> None:
    assert all(word_count(b) == _word_count_the_long_way(b) for b in BODIES)


@given(
    st.lists(
        st.sampled_from([chr(c) for c in range(128)] + ["ab", "_", "--", " . ", *"’“”‘–—…", "д", "\u00a0"]), max_size=30
    ).map("".join)
)
@settings(max_examples=1000)
def test_word_count_of_ascii_text_by_translation_is_the_tokens_less_those_of_punctuation_only(text: str) -> None:
    # ASCII text, and copy whose other characters are curly quotes and dashes, is counted by one byte
    # translation (no token list): every ASCII character in play, and text that stays beyond ASCII
    assert word_count(text) == _word_count_the_long_way(text)


def test_word_count_of_ascii_text_on_every_character_between_words() -> None:
    for c in map(chr, range(128)):
        for text in (f"ab{c}cd", f"{c}ab cd", f"ab {c} cd", f"ab{c}", f"{c}", f"{c}{c} x"):
            assert word_count(text) == _word_count_the_long_way(text), repr(text)


# ------------------------------------------------------------------ rough sentence breaks


@given(st.text(alphabet=st.sampled_from(list("ab .!?\n\t\r\u00a0\u2009\x1c\x85”")), max_size=40))
@settings(max_examples=1000)
def test_rough_sentence_breaks_are_the_alternation_they_stand_for(text: str) -> None:
    assert artefacts._ROUGH_SENTENCE.split(text) == re.split(r"[.!?]\s+|\n\n", text)


def test_rough_sentence_breaks_of_every_case_body() -> None:
    for b in BODIES:
        assert artefacts._ROUGH_SENTENCE.split(b.casefold()) == re.split(r"[.!?]\s+|\n\n", b.casefold())
