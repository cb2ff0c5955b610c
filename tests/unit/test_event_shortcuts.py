"""The event extractor's shortcuts around regex calls answer what the regex would.

Each shortcut (pipeline/core/events) replaces or guards a regex call with plain string operations;
these tests hold each to the regex it stands for, on generated text and, where a set of characters
is involved, on every code point.
"""

from __future__ import annotations

import re
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.core.events import build, mentions
from pipeline.core.events.extract import scan_body
from pipeline.core.events.mentions import _title_hits, _without_article
from pipeline.core.scan import Folded
from tests.synth import story

_TEXT = st.text(alphabet=st.sampled_from(list("theanifulsTHEANIFULS ,;.ıİſ\u212a\u00a0\t")), max_size=40)


def test_the_conditional_openers_are_every_character_the_regex_takes_for_i_or_u() -> None:
    first = re.compile(r"(?i)[iu]")
    takes = {chr(c) for c in range(sys.maxunicode + 1) if first.fullmatch(chr(c))}
    assert takes == set(build._CONDITIONAL_FIRST)


@given(_TEXT)
@settings(max_examples=400)
def test_untold_conditions_are_those_of_the_regex(text: str) -> None:
    conditional = build._CONDITIONAL.match(text) is not None
    background = ":" in text and build._BACKGROUND.match(text) is not None
    habitual = build._HABITUAL.search(text) is not None
    assert build._untold(text) == (conditional or background or habitual)


@given(_TEXT)
@settings(max_examples=400)
def test_without_article_is_the_regex_substitution(text: str) -> None:
    assert _without_article(text) == re.sub(r"(?i)^(?:the|a|an) ", "", text)


def test_clause_boundaries_match_the_plain_alternation() -> None:
    left = re.compile(r";|\b(?:" + "|".join(build._LEFT_WORDS) + r")\b|, (?:and|while|as)\b")
    right = re.compile(
        r";|\b(?:" + "|".join(build._RIGHT_WORDS) + r")\b|, (?:and|but|while|as|who|which)\b|, [a-z]+ing\b"
    )
    text = (
        "Police said that, as whereas-like talk ended, the men who fled; after Saida left, and "
        "though claimed, theasaid asking, according to whoever, which whereas where when"
    )
    for pos in range(len(text)):
        assert [m.span() for m in build._CLAUSE_LEFT.finditer(text, pos)] == [
            m.span() for m in left.finditer(text, pos)
        ]
        assert [m.span() for m in build._CLAUSE_RIGHT.finditer(text, pos)] == [
            m.span() for m in right.finditer(text, pos)
        ]


_TITLED_TEXT = st.lists(
    st.sampled_from(["Governor", "governor", "GOVERNOR", "MP", "mp", "MLAs", "spokeswoman", "Chief", " ", ".", "x"]),
    max_size=12,
).map("".join)


@given(_TITLED_TEXT)
@settings(max_examples=300)
def test_the_title_words_read_off_the_automaton_pass_are_those_a_scan_finds(text: str) -> None:
    _hits, titles = scan_body(text, text.lower())
    assert titles == _title_hits(text)


def test_the_title_words_of_the_bench_articles_are_those_a_scan_finds() -> None:
    for i in range(40):
        body = story(i, 3000, 5)["body"]
        assert scan_body(body, body.lower())[1] == _title_hits(body)


_WORDISH = st.text(alphabet=st.sampled_from(list("abcdeilmnorstuyAZ1ç'’-._ ")), max_size=14)


@given(_WORDISH)
@settings(max_examples=400)
def test_a_plain_lower_case_modifier_is_one_of_the_listed_words(word: str) -> None:
    if word.isalnum() and word.islower() and mentions._MOD_RE.fullmatch(word):
        assert word in mentions._MOD_WORDS


def test_the_listed_modifier_words_are_modifiers() -> None:
    assert mentions._MOD_WORDS and all(mentions._MOD_RE.fullmatch(w) for w in mentions._MOD_WORDS)


@given(_WORDISH)
@settings(max_examples=400)
def test_chunk_tokens_are_the_token_regex_matches(chunk: str) -> None:
    regex = [(m.group(), m.start(), m.end()) for m in mentions.TOKEN.on(chunk).finditer(chunk)]
    assert mentions._tokens(chunk) == regex


def test_no_other_plain_word_of_the_stories_or_of_the_pattern_is_a_modifier() -> None:
    vocabulary = set(re.findall(r"[a-z]+", mentions._MOD))
    for i in range(40):
        vocabulary |= set(story(i, 3000, 5)["body"].lower().split())
    for word in vocabulary:
        if word.isalnum() and word.islower() and mentions._MOD_RE.fullmatch(word):
            assert word in mentions._MOD_WORDS, word


def _folded_patterns() -> list[Folded]:
    from pipeline.core.events import dates
    from pipeline.core.events.extract import triggers

    out = [dates.DATE_EXPR, build._DENIED, build._DETERMINER_BEFORE, build._SOURCE_BEFORE]
    for t in triggers():
        out += [f for f in (t.needs, t.needs_any, t.blocks) if f is not None] + [f for f, _mode in t.modes]
    return out


def test_a_folded_match_is_tried_only_where_one_of_its_openings_starts() -> None:
    texts = [story(i, 2500, 5)["body"].lower() for i in range(12)]
    texts.append("on 3 may, late on thursday evening, the night of 12 june, about two weeks ago, since march 2022")
    for rx in _folded_patterns():
        for low in texts:
            for pos in range(len(low)):
                if rx.cs.match(low, pos) is not None:
                    assert rx.match(low, low, pos) is not None, (rx.pattern, low[pos : pos + 30])


@given(st.text(alphabet=st.sampled_from(list("onmaydecjt 0123456789,.-'’ahfwek")), max_size=30))
@settings(max_examples=300)
def test_the_date_pattern_gives_the_same_matches_with_its_openings(text: str) -> None:
    from pipeline.core.events.dates import DATE_EXPR

    for pos in range(len(text) + 1):
        plain = DATE_EXPR.cs.match(text, pos)
        assert (plain and plain.span()) == ((m := DATE_EXPR.match(text, text, pos)) and m.span())


@given(st.text(alphabet=st.sampled_from(list("lastyerAGOgo dcLSTYEſ")), max_size=16))
@settings(max_examples=400)
def test_years_ago_is_the_regex_search(phrase: str) -> None:
    assert build._years_ago(phrase) == (build._YEARS_AGO.search(phrase) is not None)


def test_the_tuple_constructors_build_what_the_namedtuple_classes_build() -> None:
    # mention(), date_mention(), quantity_mention() and clause() skip the class call (an interpreted
    # __new__); each must put every argument in its own field, in the class's order
    from datetime import date

    from pipeline.core.events.clause import Clause, clause
    from pipeline.core.events.dates import DateMention, date_mention
    from pipeline.core.events.mentions import Mention, mention
    from pipeline.core.events.quantities import QuantityMention, quantity_mention

    cases = [
        (mention, Mention, (3, 9, "Kyiv's", "capital", "Kyiv", "UA", True)),
        (mention, Mention, (3, 9, "Kyiv", "capital", "Kyiv")),
        (date_mention, DateMention, ("on Monday", 4, 13, date(2024, 11, 4), "day")),
        (quantity_mention, QuantityMention, ("$5 million", 7, 17, 5_000_000.0, "USD")),
        (clause, Clause, ("passive", (0, 6), None, (20, 31), True, "future", False)),
    ]
    for make, cls, args in cases:
        got = make(*args)
        assert type(got) is cls and got == cls(*args) and got._asdict() == cls(*args)._asdict(), (cls, got)
