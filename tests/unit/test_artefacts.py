"""The general artefact signals: verb groups without a subject, the pairing state of quote
marks, capitals the article itself writes lower case. Exact expectations, each with its cause."""

from __future__ import annotations

import json
import random
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from pipeline.core import artefacts as art
from pipeline.core import wordclass as wc
from pipeline.core.clean import clean_body

CASES = json.loads((Path(__file__).parent.parent / "cases" / "artefacts.json").read_text(encoding="utf-8"))["cases"]
EXACT = [pytest.param(c, id=c["name"]) for c in CASES if c.get("exact_artefacts")]


def test_there_are_exact_cases() -> None:
    assert len(EXACT) >= 15


@pytest.mark.parametrize("case", EXACT)
def test_the_case_raises_exactly_its_artefacts(case: dict[str, Any]) -> None:
    """Every expected flag and no other: the good sentences around the debris stay unflagged."""
    got = sorted((a.text, a.kind, a.action) for a in clean_body(case["body"]).artefacts)
    want = sorted((a["text"], a["kind"], a["action"]) for a in case["artefacts"])
    assert got == want, case["cause"]


# ------------------------------------------------------------------ verb groups
@pytest.mark.parametrize(
    ("words", "cls"),
    [
        ("was done", "aux"),
        ("had been shot down", "aux"),  # a closing particle
        ("were being treated", "aux"),
        ("is not", "aux"),
        ("am", "aux"),
        ("used to go", "aux"),
        ("will be done", "modal"),
        ("would have gone", "modal"),
        ("did", "modal"),
        ("happened", "verb"),
        ("died", "verb"),
        ("gone", "verb"),
        ("was it", None),  # a subject after the auxiliary: a question
        ("had the rain", None),
        ("used to", None),  # "used to" governs a verb
        ("may", None),  # the month
        ("gone missing", None),  # an adjective after the participle: no bare verb group
        ("will smith", None),
        ("said that", None),
        ("the end", None),
    ],
)
def test_verb_group(words: str, cls: str | None) -> None:
    assert art.verb_group(words.split()) == cls


@pytest.mark.parametrize(
    ("word", "past"),
    [
        ("killed", True),
        ("inaugurated", True),  # a stem rarer than one in a million words
        ("stopped", True),
        ("tried", True),
        ("died", True),
        ("taken", True),
        ("hundred", False),
        ("sacred", False),
        ("speed", False),
        ("seed", False),
        ("united", True),  # a past form; the case rules know it also names clubs
    ],
)
def test_past_forms(word: str, past: bool) -> None:
    assert wc.is_past_form(word) is past


def test_fragments_in_a_row_are_each_found() -> None:
    t = "The talks ended late on Friday night. Was. Had been done.\n\nThe next round is in May."
    assert [t[h.start : h.end] for h in art.find_stray_auxiliaries(t)] == ["Was.", "Had been done."]


def test_a_fragment_after_a_question_or_a_short_sentence_is_left() -> None:
    assert art.find_stray_auxiliaries("Is the bridge safe? Might be. Yes, sure. Was done.") == []


def test_the_stray_is_cut_with_its_space_and_recorded_with_offsets() -> None:
    body = "The minister left Delhi on Monday for the summit. Will have been done. Talks begin today."
    r = clean_body(body)
    assert r.body == "The minister left Delhi on Monday for the summit. Talks begin today."
    [removed] = [x for x in r.removed if x.rule == "A001-stray-auxiliary"]
    assert (removed.text, body[removed.start : removed.end]) == (" Will have been done.", " Will have been done.")


# ------------------------------------------------------------------ quote pairing
def _pairing(*paragraphs: str) -> list[tuple[str, int, str]]:
    return [(kind, k, paragraphs[k][h.start : h.end]) for kind, k, h in art.quote_pairing(tuple(paragraphs))]


def test_a_quotation_continued_by_the_next_paragraph_is_no_error() -> None:
    assert _pairing("“We will rebuild. It takes time.", "“But we will do it,” she said.") == []
    assert _pairing('"We will rebuild.', '"It takes time," she said.') == []


def test_a_quotation_closed_in_the_next_paragraph_without_its_mark_is_no_error() -> None:
    assert _pairing("“We will rebuild. It takes time.", "And money,” she said.") == []


def test_a_quotation_left_open_and_not_continued() -> None:
    assert _pairing("He said “we will rebuild the school.", "The work starts in March.") == [
        ("unclosed", 0, "He said “we will rebuild the school.")
    ]


def test_a_quotation_reopened_mid_sentence() -> None:
    assert _pairing("“We will rebuild, the mayor said, “it takes time.”") == [
        ("unclosed", 0, "“We will rebuild, the mayor said, “it takes time.”")
    ]


def test_a_quotation_reopened_after_a_full_stop_is_a_lost_paragraph_break() -> None:
    assert _pairing("“We will rebuild. “It takes time,” she said.") == []


def test_wrong_glyphs_and_mismatched_pairs() -> None:
    assert _pairing("They said “it was repelled.’ Then “it failed“ and ”the rest” left.") == [
        ("glyph", 0, "repelled.’"),
        ("glyph", 0, "failed“"),
        ("glyph", 0, "”the"),
    ]


def test_the_house_style_of_closing_marks_both_ways_is_read_as_pairs() -> None:
    assert _pairing("Police ”detained” a man who was ”dissatisfied” with the ruling.") == []


def test_apostrophes_are_no_quotations() -> None:
    assert _pairing("The farmers’ union and the ’90s rules were Rahman’s, and the workers’ ‘long march’ went on.") == []


def test_a_closing_mark_nothing_opened() -> None:
    assert _pairing("The “talks” ended and the army withdrew” on Sunday.") == [("glyph", 0, "withdrew”")]


# ------------------------------------------------------------------ capitals
def test_a_capital_needs_the_article_to_write_the_word_lower_case() -> None:
    """ "They" capitalised mid-sentence is a bad case only where the article writes "they" elsewhere."""
    without = "The villagers said They had not received help. They said the relief was late."
    with_lower = "The villagers said They had not received help, and they said the relief was late."
    assert art.find_mid_sentence_capitals(without) == []
    assert [with_lower[h.start : h.end] for h in art.find_mid_sentence_capitals(with_lower)] == ["They"]


def test_a_word_the_article_capitalises_mid_sentence_elsewhere_is_a_name() -> None:
    t = "The scholar Said wrote the book, a critic said, and the essay by Said was reprinted."
    assert art.find_mid_sentence_capitals(t) == []


@pytest.mark.parametrize(
    "text",
    [
        "The band played We Will Rock You and then left, and we went home.",  # a title opens with it
        "She made nine Carry On films and then went on tour.",  # a phrasal title
        "Rowlands starred in Gone with the Wind and was gone by June.",  # a title run with minor words
        "HOW IT STARTED The first awards were handed out in 1929, and the rest followed.",  # a heading
        "Manchester United beat Arsenal, and the fans united behind them.",  # a name's past form
    ],
)
def test_capitals_in_names_titles_and_headings_are_left(text: str) -> None:
    assert art.find_mid_sentence_capitals(text) == []


def _case_bodies() -> list[str]:
    out = []
    for path in sorted((Path(__file__).parent.parent / "cases").glob("*.json")):
        out += [c["body"] for c in json.loads(path.read_text(encoding="utf-8")).get("cases", []) if "body" in c]
    return out


def test_the_well_paired_shortcut_changes_no_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paragraphs whose marks are plainly paired skip the mark-by-mark state: the findings are the same."""
    extra = [
        'He said "we will go" and "they will stay". "It is done," she said. The "plan" ends.',
        "A mark ” alone, a ‘single’ and a 'straight' one, “nested ‘quotes’ here,” and “open.",
        '"Left open.\n\n"Continued," he said. The 5" screen and the “plan” \' alone.',
    ]
    bodies = _case_bodies() + extra
    fast = [art.quote_pairing.__wrapped__(tuple(b.split("\n\n"))) for b in bodies]
    monkeypatch.setattr(art, "_well_paired", lambda text: False)
    slow = [art.quote_pairing.__wrapped__(tuple(b.split("\n\n"))) for b in bodies]
    assert fast == slow
    assert sum(map(len, slow)) >= 10  # the bodies do hold findings to compare


def test_a_glyph_finding_suggests_its_span_with_the_right_mark() -> None:
    """Put each suggestion in place of its span and the marks pair up."""
    text = "They said “it was repelled.’ Then “it failed“ and ”the rest” left. The army said “we withdrew. ” It rained."
    hits = [h for kind, _, h in art.quote_pairing((text,)) if kind == "glyph"]
    assert [(text[h.start : h.end], h.suggestion) for h in hits] == [
        ("repelled.’", "repelled.”"),
        ("failed“", "failed”"),
        ("”the", "“the"),
        (" ”", "”"),
    ]
    fixed = text
    for h in sorted(hits, key=lambda h: -h.start):
        fixed = fixed[: h.start] + (h.suggestion or "") + fixed[h.end :]
    assert art.quote_pairing((fixed,)) == ()


def test_an_acronym_before_a_capital_is_no_heading() -> None:
    """Two words in capitals before the word make a heading; one acronym does not."""
    t = "The BJP And its allies walked out of the House, and the Congress followed."
    assert [t[h.start : h.end] for h in art.find_mid_sentence_capitals(t)] == ["And"]


# ------------------------------------------------------------------ scripts without per-character regexes
def _mark_ranges() -> str:
    ranges: list[tuple[int, int]] = []
    for cp in range(0x300, 0x10000):
        if unicodedata.category(chr(cp)).startswith("M"):
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    return "".join(f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges)


def _script_texts() -> list[str]:
    root = Path(__file__).resolve().parents[2]
    texts = [p.read_text(encoding="utf-8") for p in sorted((root / "tests" / "cases").rglob("*.json"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((root / "seeds").glob("*.json"))]
    # ASCII letters, digits, "_", combining marks (acute, a Devanagari vowel sign), letters of five
    # scripts, numerals that are no decimal digit ("²", "Ⅳ"), a zero-width joiner, a lone surrogate
    alphabet = [*"abcXYZ 09_.,'’“\n", "\u0301", "\u093f", "\u0915", "\u0416", "\uac00", "\u00b2", "\u00e9"]
    alphabet += ["\u3042", "\ud800", "\u2163", "\u0660", "\u200d"]
    rng = random.Random(7)
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(4000)]
    return texts


def test_non_ascii_words_are_the_words_the_regex_found() -> None:
    """``_non_ascii_words`` replaced a regex that tried every start of every ASCII word against
    some hundreds of mark ranges: the same spans on every case body, seed and mixed-script string."""
    marks = _mark_ranges()
    regex = re.compile(rf"(?:[A-Za-z]|[{marks}])*[^\W\d_A-Za-z](?:[^\W\d_]|[{marks}])*")
    seen = 0
    for t in _script_texts():
        expected = [m.span() for m in regex.finditer(t)]
        assert art._non_ascii_words(t) == expected, t
        seen += len(expected)
    assert seen > 1000


def test_dominant_script_counts_as_the_per_character_regex_did() -> None:
    drop = {c: None for c in range(65, 123) if chr(c).isalpha()}
    letter = re.compile(r"[^\W\d_A-Za-z]")

    def reference(text: str) -> str:
        sample = text[:20000]
        if sample.isascii() or not art.has_non_ascii_letter(sample):
            return "LATIN"
        counts = {"LATIN": len(sample) - len(sample.translate(drop))}
        for ch in letter.findall(sample):
            s = art._script_of(ch)
            counts[s] = counts.get(s, 0) + 1
        return max(counts, key=counts.__getitem__)

    texts = _script_texts()
    texts += ["서울 경찰은 월요일 Seoul police", "Kyiv Київ", "ab Жж", "Жж ab"]  # ties go to the script met first
    scripts = {art.dominant_script(t) for t in texts}
    for t in texts:
        assert art.dominant_script(t) == reference(t), t
    assert {"LATIN", "CJK", "CYRILLIC"} <= scripts
    # every character the letter class takes is a letter by the predicate, and no other
    assert all(
        bool(letter.fullmatch(chr(cp))) == (art._is_letter(chr(cp)) and not chr(cp).isascii())
        for cp in range(0x80, 0x30000)
        if not 0xD800 <= cp < 0xE000
    )
