"""Boilerplate no rule names: a learned scorer over general features of paragraphs and edge spans.

The known-family rules (``data/boilerplate.toml``) remove what they recognise. What is left is
judged here, from evidence that is not tied to one outlet:

- cue classes (``data/chrome_cues.toml``, many languages): credits, copyright and
  no-redistribution notices, syndication notes, promos, paywalls, related-coverage labels,
  captions, ads, comments, share widgets, timestamps, donation appeals, disclaimers, end markers,
  navigation, page widgets, contact lines, translation notices; and reporting verbs (story);
- shape: length, how the text ends and opens, capitals, digits, dates and times, URLs, e-mails,
  handles, phone numbers, brackets, second person, an imperative opening, the share of the
  commonest function words of running prose, a dateline;
- position: from the head and the tail, before the first or after the last story-like paragraph,
  whether the text repeats elsewhere in the article or echoes the headline;
- neighbours: a second stage adds the first stage's scores of the units around (chrome comes in
  runs: a line that looks innocent alone is judged with the run it sits in).

Units are the live paragraphs and, inside paragraphs that stay, a leading or trailing sentence
span (a credit glued to the last story sentence, a caption glued to the first). Two logistic
models (weights in ``data/chrome_model.json``, trained by ``wirewash train`` on the repository's
own cases and generated pages) give each unit a probability. Runs at the head and the tail are
removed above the edge threshold; a paragraph between story paragraphs, or a span, only above
higher thresholds chosen for precision. Every removal records its rule id, its score and the
features that weighed most.
"""

from __future__ import annotations

import math
import re
import tomllib
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from itertools import pairwise
from typing import Any, Final

import orjson

from pipeline.core.artefacts import dominant_script
from pipeline.core.automaton import Automaton, lower_aligned
from pipeline.core.doc import Doc, DocContext, Para, is_story
from pipeline.core.rules import Rule
from pipeline.core.scan import Folded, trie_pattern
from pipeline.core.sentences import ABBREVIATIONS, sentence_spans
from pipeline.core.structure import DATELINE

PARA_RULE: Final = "B200-scored-paragraph"
SPAN_RULE: Final = "B201-scored-span"
MAX_UNITS: Final = 400  # paragraphs scored per article (past this, a page is not an article)
MAX_UNIT_CHARS: Final = 2000  # longer paragraphs are story text: scored, never removed
MAX_SPAN_CHARS: Final = 300  # a glued span longer than this is not chrome
TOP_FEATURES: Final = 3
ROUNDS: Final = 16  # scoring rounds per article, until a round removes nothing (most need one or two)
MAX_SPAN_CUTS: Final = 64  # glued spans cut one after another from one paragraph's edges


# ------------------------------------------------------------------ cues
@dataclass(frozen=True)
class Cues:
    """The cue phrases: one automaton over the phrases of the classes; the short words (three letters
    or fewer: agency codes, "ad") and the reporting verbs, looked up only in short units; opening
    phrases matched at the opening of a unit; word sets."""

    automaton: Any
    short: dict[str, tuple[str, ...]]  # dicts, not Mappings: compiled, a dict's lookups are direct calls
    say: Any  # an automaton over the reporting verbs
    opening: dict[str, tuple[tuple[str, str], ...]]  # first two characters -> (phrase, feature), longest first
    words: dict[str, frozenset[str]]
    opening_short: bool = False  # is there an opening phrase of one character?


def _spaced(ch: str) -> bool:
    """Is ``ch`` a letter of a script written with spaces between words (a word boundary applies)?
    Not so: kana, CJK, Hangul syllables (a Korean cue is glued to its particles), and Thai, Lao,
    Myanmar and Khmer (no spaces between words).

    >>> _spaced("a"), _spaced("ж"), _spaced("的"), _spaced("ก"), _spaced("1")
    (True, True, False, False, False)
    """
    if not ch or not ch.isalpha():
        return False
    o = ord(ch)
    if 0x3040 <= o <= 0x30FF or 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xAC00 <= o <= 0xD7AF:
        return False
    return not any(a <= o <= b for a, b in NO_SPACE_SCRIPTS)


#: Thai and Lao, Myanmar, Khmer: written with no spaces between words (code point ranges)
NO_SPACE_SCRIPTS: Final = ((0x0E00, 0x0EFF), (0x1000, 0x109F), (0x1780, 0x17FF))


def _caps_forms(phrases: list[str]) -> list[str]:
    """The phrases, each Greek one also without its accents and with a medial sigma for its final
    one: Greek drops the accents in capitals, so a heading set in capitals ("ΔΙΑΒΑΣΤΕ ΕΠΙΣΗΣ")
    lower-cases to unaccented letters, and whether a capital sigma at a word's end lower-cases to
    "ς" or "σ" depends on the implementation (CPython's ``str.lower`` gives "ς", the compiled
    build's "σ"). One letter stays one letter, so the offsets are the same.

    >>> _caps_forms(["read more", "διαβάστε επίσης"])
    ['read more', 'διαβάστε επίσης', 'διαβάστε επίσησ', 'διαβαστε επισης', 'διαβαστε επισησ']
    """
    out = []
    for ph in phrases:
        if not any("\u0370" <= c <= "\u03ff" or "\u1f00" <= c <= "\u1fff" for c in ph):
            out.append(ph)
            continue
        bare = "".join(
            unicodedata.normalize("NFD", c)[0] if unicodedata.name(c, "").startswith("GREEK") else c for c in ph
        )
        for form in dict.fromkeys((ph, bare)):
            out.extend(dict.fromkeys((form, form.replace("ς", "σ"))))
    return out


@cache
def cues() -> Cues:
    """Load ``data/chrome_cues.toml`` (once per process)."""
    raw = tomllib.loads(resources.files("pipeline.data").joinpath("chrome_cues.toml").read_text(encoding="utf-8"))
    for part in ("classes", "start"):
        raw[part] = {cls: _caps_forms(phrases) for cls, phrases in raw[part].items()}
    table: dict[str, list[str]] = {}
    short: dict[str, list[str]] = {}
    for cls, phrases in raw["classes"].items():
        if cls == "say":
            continue
        for ph in phrases:
            if len(ph) <= 3 and ph.isalpha():
                short.setdefault(ph, []).append(cls)  # "ad", "pti": inside every other word: looked up as words
            else:
                table.setdefault(ph, []).append(cls)
    auto: Automaton[tuple[int, tuple[str, ...], bool, bool]] = Automaton()
    for ph, classes in table.items():
        # (length, classes, needs a boundary before, needs a boundary after)
        auto.add_word(ph, (len(ph), tuple(sorted(set(classes))), _spaced(ph[0]), _spaced(ph[-1])))
    auto.make_automaton()
    say: Automaton[tuple[int, bool, bool]] = Automaton()
    for ph in raw["classes"]["say"]:
        say.add_word(ph, (len(ph), _spaced(ph[0]), _spaced(ph[-1])))
    say.make_automaton()
    opening: dict[str, list[tuple[str, str]]] = {}
    for cls, phrases in raw["start"].items():
        for ph in phrases:
            ph = ph.strip()
            opening.setdefault(ph[0], []).append((ph, f"cue:{cls}@open"))
    words = {k: frozenset(v) for k, v in raw["words"].items()}
    # looked up by their first two characters (a one-character phrase by its one), longest first
    by_two: dict[str, list[tuple[str, str]]] = {}
    for v in opening.values():
        for ph, name in sorted(v, key=lambda x: -len(x[0])):
            by_two.setdefault(ph[:2], []).append((ph, name))
    return Cues(
        auto,
        {k: tuple(sorted(set(v))) for k, v in short.items()},
        say,
        {k: tuple(v) for k, v in by_two.items()},
        words,
        any(len(k) == 1 for k in by_two),
    )


def _whole(low: str, s: int, e: int, before: bool, after: bool) -> bool:
    """Is ``low[s:e]`` a whole word (where the boundaries apply)?"""
    return not (before and s > 0 and low[s - 1].isalpha()) and not (after and e < len(low) and low[e].isalpha())


@cache
def _phrase_info() -> dict[str, tuple[int, tuple[str, ...], bool, bool]]:
    auto = cues().automaton
    return dict(zip(auto.keys(), auto.values(), strict=True))


@cache
def cue_phrases() -> frozenset[str]:
    """The cue phrases the automaton looks for (another pass over the same text can find them: see
    :func:`article_of`)."""
    return frozenset(_phrase_info())


def cue_occurrences(
    low: str, hits: list[tuple[str, int, int]] | None = None
) -> tuple[list[int], list[int], list[tuple[str, ...]]]:
    """(starts, ends, classes) of every cue phrase in the lower-case text, whole words only, by start
    (``hits``: the phrases' occurrences (phrase, start, end) in the order the automaton gives them,
    when another pass over ``low`` found them already)."""
    starts: list[int] = []
    ends: list[int] = []
    classes: list[tuple[str, ...]] = []
    n = len(low)
    if hits is None:
        found = cues().automaton.iter(low)
    else:
        info = _phrase_info()
        found = [(e - 1, info[key]) for key, _s, e in hits]
    for end, (length, cls, before, after) in found:
        s, e = end + 1 - length, end + 1
        if before and s > 0 and low[s - 1].isalpha():
            continue
        if after and e < n and low[e].isalpha():
            continue
        starts.append(s)
        ends.append(e)
        classes.append(cls)
    order = sorted(range(len(starts)), key=starts.__getitem__)
    return [starts[k] for k in order], [ends[k] for k in order], [classes[k] for k in order]


# ------------------------------------------------------------------ shape
_TOKEN: Final = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_CJK: Final = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
_NO_SPACE: Final = re.compile("[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in NO_SPACE_SCRIPTS) + "]")
_NO_STOP: Final = re.compile(r"[\u0e00-\u0eff]")  # Thai and Lao end a sentence with no mark
_TERMINAL: Final = frozenset(".!?。！？")
_CLOSERS: Final = "”’\"')]）」』»"
_OPENERS: Final = "“‘\"'([（「『«"
_BULLETS: Final = frozenset("-–—•*·▪►▶●○■□◆◇>»›|#~=_+")
_URL: Final = re.compile(
    r"https?://|www\.|\b[\w-]+\.(?:com|org|net|in|pk|co|uk|de|nl|fr|es|it|jp|kr|cn|ru|id|gov|edu|info|news|tv)\b"
)
_EMAIL: Final = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}\.[\w.]{2,63}")
_HANDLE: Final = re.compile(r"(?<![\w.])@\w{2,}")
_PHONE: Final = re.compile(r"\+?\d[\d ()-]{7,18}\d")
# a bare number of five digits or more (no thousands separator, no decimals): an identifier, not a quantity
_ID_NUMBER: Final = re.compile(r"(?<![\d.,])\d{5,}(?![\d,]|\.\d)")
_HASHTAG: Final = re.compile(r"(?<!\w)#[^\W\d_]\w{1,60}")
_TIME: Final = re.compile(r"\b\d{1,2}[:.]\d{2}\b|\d{1,2}시|\d{1,2}時")
_MONTHS: Final = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|"
    "september|october|november|december|januar|februar|märz|mai|juni|juli|oktober|dezember|janvier|février|mars|"
    "avril|juin|juillet|août|septembre|octobre|novembre|décembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|"
    "septiembre|octubre|noviembre|diciembre|gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|"
    "janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|novembro|dezembro|januari|februari|maart|mei|augustus|"
    "januari|februari|juni|juli|agustus|desember|oktober|mart|января|февраля|марта|апреля|мая|июня|июля|августа|"
    "сентября|октября|ноября|декабря"
)
_MONTH: Final = trie_pattern(_MONTHS.split("|"))  # one character a level, not a hundred alternatives a place
_DATE: Final = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\.? {_MONTH}\b|{_MONTH}\.? \d{{1,2}}\b|\d{{4}}[-/.] ?\d{{1,2}}[-/.] ?\d{{1,2}}"
    rf"|\d{{1,2}}[-/.]\d{{1,2}}[-/.]\d{{2,4}}|\d{{4}}年|\d{{1,2}}月\d{{1,2}}日)",
    re.IGNORECASE,
)
_DIGIT: Final = re.compile(r"\d")
_DATE_LEAD: Final = max(len(m) for m in _MONTHS.split("|")) + 2  # "septiembre. 4"
# units of time, and the words that make a count of them a relative time, in the languages the
# cue lists cover ("8 months ago", "vor 4 Stunden", "il y a 2 jours", "hace 3 horas", "4 ore fa",
# "4 uur geleden", "14 saat önce", "2 часа назад", "3 jam yang lalu", "5 घंटे पहले")
_TIME_UNITS: Final = (
    r"sec|secs|second|seconds|sekunde|sekunden|seconde|seconden|secondes|segundo|segundos|secondo|secondi|"
    r"секунд|секунды|секунду|saniye|detik|min|mins|minute|minutes|minuten|minuut|minuto|minutos|minuti|минут|"
    r"минуты|минуту|мин|dakika|menit|मिनट|hr|hrs|hour|hours|stunde|stunden|std|uur|heure|heures|hora|horas|ora|"
    r"ore|час|часа|часов|saat|jam|घंटे|घंटा|day|days|tag|tage|tagen|dag|dagen|jour|jours|día|días|dia|dias|"
    r"giorno|giorni|день|дня|дней|gün|hari|दिन|week|weeks|woche|wochen|weken|semaine|semaines|semana|semanas|"
    r"settimana|settimane|неделю|недели|недель|hafta|minggu|month|months|monat|monate|monaten|maand|maanden|"
    r"mois|mes|meses|mese|mesi|месяц|месяца|месяцев|ay|bulan|year|years|jahr|jahre|jahren|jaar|an|ans|année|"
    r"années|año|años|ano|anos|anno|anni|год|года|лет|yıl|tahun"
)
_AGO_AFTER: Final = r"ago|geleden|fa|önce|назад|lalu|yang\s+lalu|पहले"
_AGO_BEFORE: Final = r"vor|il\s+y\s+a|hace|há"
_READING: Final = (
    r"reading\s+time|read\s+time|lesezeit|leestijd|leesduur|tempo\s+di\s+lettura|temps\s+de\s+lecture|"
    r"tiempo\s+de\s+lectura|tempo\s+de\s+leitura|время\s+чтения|okuma\s+süresi|waktu\s+baca"
)
_UNIT: Final = trie_pattern(_TIME_UNITS.split("|"))
_META: Final = re.compile(
    rf"\d(?:[\d,.]*\d)?\s*[km]?\s*(?:{_UNIT}\.?\s+(?:{_AGO_AFTER})"
    r"|(?:mins?|minutes?)\s+(?:read|watch|listen)"
    r"|(?:total\s+)?(?:views|reads|shares|comments|likes|reactions))\b"
    rf"|\b(?:{_AGO_BEFORE})\s+\d{{1,3}}\s*{_UNIT}\b"
    rf"|\b(?:{_READING})\s*:?\s*\d",
    re.IGNORECASE,
)
# the single words of those phrases: a line of nothing else (and digits) is metadata
_PHRASE_WORDS: Final = "|".join(
    sorted({w for p in f"{_AGO_AFTER}|{_AGO_BEFORE}|{_READING}".split("|") for w in p.split(r"\s+")})
)
_META_WORDS: Final = re.compile(
    rf"(?:{_TIME_UNITS}|{_PHRASE_WORDS}|read|watch|listen|total|views|reads|shares|comments|likes|reactions|today|k|m)",
    re.IGNORECASE,
)
_DATE_WORDS: Final = re.compile(
    rf"(?:{_MONTHS}|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|"
    r"sunday|am|pm|a\.m|p\.m|ist|gmt|utc|kst|jst|edt|est|pst|cet|cest|bst|pkt|updated|update|published|posted|"
    r"last|on|at|hrs|h|min|mins|read|ago|hours|hour|minutes|年|月|日|시|분|時|分)",
    re.IGNORECASE,
)
# the two run case-sensitively on a line's lower-case copy (:class:`~pipeline.core.scan.Folded`): under
# IGNORECASE the engine folds every character it compares, twice the cost on the lines the scorer reads
_DATE_FOLDED: Final = Folded(_DATE.pattern)
_META_FOLDED: Final = Folded(_META.pattern)
#: Tokens whose answer is remembered: date and metadata lines repeat their few words ("min",
#: "read", "ago", month names)
DATE_WORD_CACHE: Final = 4096


@lru_cache(maxsize=DATE_WORD_CACHE)
def _date_or_meta_word(t: str) -> bool:
    """Is the token a date or metadata word (``_DATE_WORDS`` or ``_META_WORDS``, whole)?"""
    return _DATE_WORDS.fullmatch(t) is not None or _META_WORDS.fullmatch(t) is not None


# a desk or slug code: one lower-case token of letters joined by dots or slashes ("hmd.tab.gb", "bur-sst/dhc")
_CODE: Final = re.compile(r"[a-z]{1,8}(?:[./-][a-z]{1,8}){1,5}")
_TLD: Final = re.compile(r"\.(?:com|org|net|in|pk|co|uk|de|nl|fr|es|it|jp|kr|cn|ru|id|gov|edu|info|news|tv)\b")
_QUOTE_CHARS: Final = re.compile(r"[“\"«„「]")
_CLOSING_GROUP: Final = re.compile(r"\s\(([^()]{2,40})\)$")
_SAID_NEAR_QUOTE: Final = re.compile(r"[“\"«„「][^”\"»“」]{12,400}[”\"»」]")


_FW_SCRIPTS: Final = frozenset(("LATIN", "CYRILLIC", "DEVANAGARI", "GREEK"))  # Arabic glues its function words on


def _words_of(text: str) -> tuple[list[str], int]:
    """Word tokens and a word count in which text without spaces counts one word per two characters
    (Chinese and Japanese) or three (Thai, Lao, Myanmar, Khmer: their vowel and tone signs are characters).

    >>> _words_of("Police said 12 people")[1], _words_of("県警は詐欺事件")[1], _words_of("รัฐบาลไทยอนุมัติงบประมาณ")[1]
    (4, 4, 8)
    """
    toks = _TOKEN.findall(text)
    if text.isascii():
        return toks, len(toks)
    cjk = len(_CJK.findall(text))
    other = len(_NO_SPACE.findall(text))
    if not cjk and not other:
        return toks, len(toks)
    spaced = [t for t in toks if not _CJK.search(t) and not _NO_SPACE.search(t)]
    return toks, len(spaced) + (cjk + 1) // 2 + (other + 2) // 3


def _bucket(n: int, edges: tuple[int, ...], name: str) -> str:
    for e in edges:
        if n <= e:
            return f"{name}:<={e}"
    return f"{name}:>{edges[-1]}"


def _script(text: str) -> str:
    for ch in text:
        if ch.isalpha():
            if ch.isascii():
                return "LATIN"
            name = unicodedata.name(ch, "")
            return name.split(" ", 1)[0] if name else "OTHER"
    return "NONE"


def _ends_terminal(text: str) -> bool:
    t = text.rstrip(_CLOSERS + " ")
    return bool(t) and t[-1] in _TERMINAL and not t.endswith("...")


_CLOSERS_OR_SPACE: Final = frozenset(_CLOSERS + " ")


def _ends_terminal_at(text: str, lo: int, hi: int) -> bool:
    """``_ends_terminal(text[lo:hi])``, read in place (a paragraph is not copied twice to tell).

    >>> [_ends_terminal_at(t, 1, len(t) - 1) for t in ("xSaid so.” x", "xWait... x", "x.. x", "x” x")]
    [True, False, True, False]
    """
    e = hi
    while e > lo and text[e - 1] in _CLOSERS_OR_SPACE:
        e -= 1
    return e > lo and text[e - 1] in _TERMINAL and not (e - lo >= 3 and text.startswith("...", e - 3))


#: Lines whose shape is remembered: chrome repeats from article to article of a source (a footer,
#: a promo, a desk line), and a line's shape depends on its text and the article's script alone.
SHAPE_CACHE: Final = 2048


def shape_features(text: str, f: dict[str, float], ctx_script: str) -> tuple[int, float, tuple[str, ...]]:
    """Add the shape features of ``text`` to ``f``; return (word count, function-word share, tokens)."""
    items, nw, fw, toks = _shape(text, ctx_script)
    f.update(items)
    return nw, fw, toks


@lru_cache(maxsize=SHAPE_CACHE)
def _shape(text: str, ctx_script: str) -> tuple[tuple[tuple[str, float], ...], int, float, tuple[str, ...]]:
    f: dict[str, float] = {}
    nw, fw, toks = _shape_of(text, f, ctx_script)
    return tuple(f.items()), nw, fw, tuple(toks)


def _shape_of(text: str, f: dict[str, float], ctx_script: str) -> tuple[int, float, list[str]]:
    toks, nw = _words_of(text)
    f[_bucket(nw, (1, 2, 4, 8, 15, 30), "w")] = 1.0
    stripped = text.strip()
    first = stripped[:1]
    last = stripped.rstrip(_CLOSERS)[-1:] if stripped.rstrip(_CLOSERS) else ""
    if stripped.endswith("...") or stripped.endswith("…"):
        f["end:ellipsis"] = 1.0
    elif _ends_terminal(stripped):
        f["end:stop"] = 1.0
    elif last == ":":
        f["end:colon"] = 1.0
    elif stripped.endswith(")"):
        f["end:paren"] = 1.0
    elif last.isalnum():
        f["end:word"] = 1.0
    else:
        f["end:symbol"] = 1.0
    if first in _OPENERS and first != "(":
        f["open:quote"] = 1.0
    elif first in "([":
        f["open:paren"] = 1.0
    elif first in _BULLETS:
        f["open:symbol"] = 1.0
    elif first.isdigit():
        f["open:digit"] = 1.0
    elif first.islower():
        f["open:lower"] = 1.0
    # one walk over the tokens: those opening with a letter ("letters"), the ASCII ones among them
    # ("latin"), and the cased ones after the first letter token
    letters = latin = latin_upper = cased = cased_lower = chars = 0
    all_caps = True  # every ASCII letter-only token is in capitals
    for t in toks:
        chars += len(t)
        c0 = t[0]
        if not c0.isalpha():
            continue
        letters += 1
        if t.isascii():
            latin += 1
            if c0.isupper():
                latin_upper += 1
            if all_caps and t.isalpha() and not t.isupper():
                all_caps = False
        if letters > 1:
            if c0.isupper():
                cased += 1
            elif c0.islower():
                cased += 1
                cased_lower += 1
    if letters >= 2 and latin > 0 and all_caps:
        f["caps:all"] = 1.0
    if latin >= 3 and latin_upper >= 0.75 * latin:
        f["caps:title"] = 1.0
    if cased >= 2 and cased_lower >= 0.6 * cased:
        f["lower:most"] = 1.0
    n = len(stripped) or 1
    digits = sum(map(stripped.count, "0123456789"))
    alpha = chars - digits  # letters, near enough (apostrophes inside words count)
    if digits / n >= 0.3:
        f["digits:30%"] = 1.0
    if alpha / n < 0.5:
        f["alpha:<50%"] = 1.0
    if alpha == 0:
        f["alpha:none"] = 1.0
    if sum(map(stripped.count, ".!?。！？")) >= 2:
        f["sents:2+"] = 1.0
    # the costlier patterns run only where their first literal occurs
    if ("//" in text or "www" in text or _TLD.search(text)) and _URL.search(text):
        f["url"] = 1.0
    if "@" in text:
        if _EMAIL.search(text):
            f["email"] = 1.0
        elif _HANDLE.search(text):
            f["handle"] = 1.0
    if digits >= 9 and _PHONE.search(text):
        f["phone"] = 1.0
    elif digits >= 5 and nw <= 8 and "phone" not in f and _ID_NUMBER.search(text):
        # "Registration Number: 130349", "License for publishing multimedia online 0108263"
        f["id:number"] = 1.0
    if "#" in text and _HASHTAG.search(text):
        f["hashtag"] = 1.0
    if "{{" in text or "[/" in text or ("]" in text and "[" in text):
        f["brackets"] = 1.0
    if stripped.startswith("(") and stripped.endswith(")"):
        f["paren:whole"] = 1.0
    elif stripped.endswith(")"):
        # "... on Friday. (Newsis)", "... central Seoul (Herald DB)": a credit in brackets closing the text
        m = _CLOSING_GROUP.search(stripped)
        if m and all(w[:1].isupper() or not w[:1].isalpha() for w in m.group(1).split()):
            f["end:credit_group"] = 1.0
    if "|" in text:
        f["pipe"] = 1.0
    if _CODE.fullmatch(stripped):
        f["code"] = 1.0
    has_date = has_time = False
    d = _DIGIT.search(text) if digits > 0 else None
    lowered: str | None = None
    if d is not None:
        lowered = lower_aligned(text)
        # every date holds a digit, at most _DATE_LEAD characters after the date's start; every time opens with one
        has_date = _DATE_FOLDED.found(text, lowered, max(0, d.start() - _DATE_LEAD))
        has_time = _TIME.search(text, d.start()) is not None
    if has_date:
        f["date"] = 1.0
    if has_time:
        f["time"] = 1.0
    # a line that is only a date, a time or a page's metadata (a relative time, a reading time, a
    # counter): "Published: Fri 7 Nov 2025", "8 months ago", "2 min read", "178 total views today"
    if nw <= 14 and (has_date or has_time or (digits > 0 and _META_FOLDED.found(text, lowered))):
        rest = [t for t in toks if not t.isdigit() and not _date_or_meta_word(t)]
        if len(rest) <= 2:
            f["date:only"] = 1.0
    script = _script(stripped) if stripped.isascii() else dominant_script(stripped)
    if script not in ("NONE", ctx_script) and any(c.isalpha() for c in stripped):
        f["script:other"] = 1.0
    low = [t.lower() for t in toks]
    words = cues().words
    fw = sum(map(words["fw"].__contains__, low)) / len(low) if low else 0.0
    if nw >= 4 and script in _FW_SCRIPTS and not _CJK.search(stripped):
        f["fw:<10%" if fw < 0.1 else "fw:<20%" if fw < 0.2 else "fw:>=20%"] = 1.0
    if not words["you"].isdisjoint(low):
        f["you"] = 1.0
    if not words["we"].isdisjoint(low):
        f["we"] = 1.0
    if _QUOTE_CHARS.search(text) and _SAID_NEAR_QUOTE.search(text):
        f["quote:speech"] = 1.0
    return nw, fw, toks


def storyish(text: str, nw: int, fw: float) -> bool:
    """Running prose: eight words or more ending in a full stop, with function words where the
    script has them (CJK: twenty characters or more ending in a full stop).

    >>> storyish("Police arrested two men on Monday after a long chase.", 10, 0.3)
    True
    >>> storyish("Follow us on Google News", 5, 0.2), storyish("県警は詐欺事件として捜査している。", 9, 0.0)
    (False, False)
    >>> storyish("คาดว่าโครงการจะแล้วเสร็จภายในปี 2570", 10, 0.0), storyish("อ่านเพิ่มเติม", 4, 0.0)
    (True, False)
    """
    if _NO_STOP.search(text.rstrip(" 0123456789" + _CLOSERS)[-1:]):
        return nw >= 8  # Thai and Lao: a sentence ends with no mark
    if not _ends_terminal(text):
        return False
    if _CJK.search(text):
        return len(text) >= 20
    return nw >= 8 and (fw >= 0.1 or dominant_script(text) not in _FW_SCRIPTS)


# ------------------------------------------------------------------ units
@dataclass(slots=True, init=False)
class Unit:
    """A paragraph, or a leading or trailing span of one, with its features and scores."""

    para: int
    lo: int
    hi: int
    kind: str  # "para" | "lead" | "trail"
    feats: dict[str, float]  # own evidence (first stage)
    ctx: dict[str, float]  # the first stage's score and the neighbours' (second)
    nw: int
    story: bool
    p1: float
    p2: float
    pmin: float | None  # the lowest first-stage score of its sentence-like pieces (several sentences only)

    # written out: the compiled build runs a written ``__init__`` natively, the one the dataclass
    # decorator generates as interpreted Python (dozens of units an article)
    def __init__(self, para: int, lo: int, hi: int, kind: str) -> None:
        self.para, self.lo, self.hi, self.kind = para, lo, hi, kind
        self.feats, self.ctx = {}, {}
        self.nw, self.story, self.p1, self.p2, self.pmin = 0, False, 0.0, 0.0, None


@dataclass(frozen=True)
class Model:
    """Two logistic models over named features, and the thresholds chosen for precision."""

    stage1: dict[str, float]  # dicts, not Mappings: compiled, a dict's lookups are direct calls
    stage2: dict[str, float]
    edge: float  # a run of units at the head or the tail holds one unit scoring this much...
    inner: float  # a paragraph between story paragraphs
    span: float  # a span glued inside a paragraph that stays
    meta: Mapping[str, Any] = field(default_factory=dict)
    run: float = 0.5  # ... and every unit of the run scores at least this much

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Model:
        t = d["thresholds"]
        return cls(
            d["stage1"],
            d["stage2"],
            float(t["edge"]),
            float(t["inner"]),
            float(t["span"]),
            d.get("meta", {}),
            float(t.get("run", t["edge"])),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "meta": dict(self.meta),
            "thresholds": {"edge": self.edge, "run": self.run, "inner": self.inner, "span": self.span},
            "stage1": dict(sorted(self.stage1.items())),
            "stage2": dict(sorted(self.stage2.items())),
        }


@cache
def shipped_model() -> Model:
    """The weights shipped in ``data/chrome_model.json``."""
    raw = resources.files("pipeline.data").joinpath("chrome_model.json").read_bytes()
    return Model.from_dict(orjson.loads(raw))


def linear(weights: dict[str, float], feats: dict[str, float]) -> float:
    """The linear score: every feature's weight times its value (the intercept is the feature "bias")."""
    z = 0.0
    for k, v in feats.items():
        w = weights.get(k)
        if w is not None:
            z += w * v
    return z


def sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def top_features(weights: dict[str, float], feats: dict[str, float], n: int = TOP_FEATURES) -> tuple[str, ...]:
    """The features that pushed a unit towards boilerplate most (weight × value, positive only).

    >>> top_features({"a": 2.0, "b": -1.0, "c": 0.5}, {"a": 1.0, "b": 1.0, "c": 1.0})
    ('a', 'c')
    """
    scored = sorted(((w * feats[k], k) for k, w in weights.items() if k in feats and w * feats[k] > 0), reverse=True)
    return tuple(k for _, k in scored[:n])


def _uninformative(name: str) -> bool:
    return name == "bias" or name.startswith("kind:")


def explain(model: Model, u: Unit) -> tuple[str, ...]:
    """Why a unit went: the own features that weighed most, then the neighbour feature that did."""
    own = top_features(model.stage1, {k: v for k, v in u.feats.items() if not _uninformative(k)}, TOP_FEATURES - 1)
    context = {k: v for k, v in u.ctx.items() if k not in ("bias", "s2:p1")}
    return own + top_features(model.stage2, context, 1)


@dataclass
class Article:
    """What the scorer knows about the whole document."""

    text: str
    low: str
    script: str
    headline: frozenset[str]
    occ: tuple[list[int], list[int], list[tuple[str, ...]]]
    repeats: dict[str, int]  # a plain dict: compiled, a Counter's methods run as interpreted Python
    own: dict[tuple[int, int, str], tuple[dict[str, float], int, bool, str]] = field(default_factory=dict)
    keys: dict[tuple[int, int], str] = field(default_factory=dict)
    # own features another document's scorer computed, by what they depend on (see carry_features)
    carried: dict[tuple[str, str, str, bool, bool], tuple[dict[str, float], int, bool, str]] = field(
        default_factory=dict
    )


def _reading(art: Article, lo: int, hi: int, kind: str) -> tuple[str, str, str, bool, bool]:
    """All a unit's own features depend on besides the article's script: its kind and text, and its
    lower-case text with the character on each side (whole-word tests look at them)."""
    n = len(art.text)
    return kind, art.text[lo:hi], art.low[max(lo - 1, 0) : hi + 1], lo == 0, hi >= n


def carry_features(old: Doc, new: Doc) -> None:
    """Hand the own features ``old``'s scorer computed to the scorer of ``new``, the same text with
    pieces cut out (``clean._rescore``): a unit that reads the same in both is not featurised again."""
    art = old.scratch.get("chrome")
    if isinstance(art, Article) and art.own:
        carried = {_reading(art, lo, hi, kind): own for (lo, hi, kind), own in art.own.items()}
        new.scratch["carried"] = (art.script, carried)


_NORM: Final = re.compile(r"[\W_]+")


@lru_cache(maxsize=SHAPE_CACHE)
def _key(text: str) -> str:
    """A short line's comparison key (remembered as its shape is: such lines come back)."""
    return _NORM.sub(" ", text.casefold()).strip()


#: a cue class -> its feature names (anywhere in the unit, at its opening), built as classes are met
_CUE_NAMES: Final[dict[str, tuple[str, str]]] = {}


def _cue_names(c: str) -> tuple[str, str]:
    names = _CUE_NAMES.get(c)
    if names is None:
        names = _CUE_NAMES[c] = (f"cue:{c}", f"cue:{c}@open")
    return names


def cue_features(art: Article, lo: int, hi: int, f: dict[str, float]) -> int:
    """Add the cue classes of the phrases in ``[lo, hi)`` and of the phrase the text opens with to
    ``f``; return where the text opens (after spaces, quotes, brackets and bullets)."""
    return _cue_features(art, lo, hi, f)[0]


def _cue_features(art: Article, lo: int, hi: int, f: dict[str, float]) -> tuple[int, bool]:
    """:func:`cue_features`, and whether a cue at the opening was found."""
    starts, ends, classes = art.occ
    text, low = art.text, art.low
    open_at = lo
    while open_at < hi and (text[open_at].isspace() or text[open_at] in _OPENERS or text[open_at] in _BULLETS):
        open_at += 1
    opened = False
    for k in range(bisect_left(starts, lo), len(starts)):
        s = starts[k]
        if s >= hi:
            break
        if ends[k] > hi:
            continue
        at_open = s <= open_at
        for c in classes[k]:
            name, open_name = _cue_names(c)
            f[name] = 1.0
            if at_open:
                f[open_name] = 1.0
                opened = True
    cq = cues()
    for phrase, name in cq.opening.get(low[open_at : open_at + 2], ()):
        e = open_at + len(phrase)
        if e <= hi and low.startswith(phrase, open_at) and _whole(low, open_at, e, False, _spaced(phrase[-1])):
            f[name] = 1.0
            opened = True
    if cq.opening_short:
        for phrase, name in cq.opening.get(low[open_at : open_at + 1], ()):
            if len(phrase) == 1 and open_at + 1 <= hi and _whole(low, open_at, open_at + 1, False, _spaced(phrase)):
                f[name] = 1.0
                opened = True
    return open_at, opened


def word_cue_features(art: Article, lo: int, open_at: int, hi: int, toks: tuple[str, ...], f: dict[str, float]) -> None:
    """The short cue words among a unit's tokens, and its reporting verbs (for units that are not prose)."""
    c = cues()
    short = c.short
    for k, t in enumerate(toks):
        classes = short.get(t.lower())
        if classes:
            for cls in classes:
                name, open_name = _cue_names(cls)
                f[name] = 1.0
                if k == 0:
                    f[open_name] = 1.0
    low = art.low
    for end, (n, before, after) in c.say.iter(low, lo, hi):
        if _whole(low, end + 1 - n, end + 1, before, after):
            f["cue:say"] = 1.0
            break


#: Signs of chrome besides the cue classes. A unit goes only if it carries a cue or one of these:
#: the scorer weighs evidence, it does not invent it (a short line with none is a crosshead, a
#: closing line, a standfirst).
_EVIDENCE: Final = frozenset(
    (
        "url",
        "email",
        "handle",
        "phone",
        "hashtag",
        "brackets",
        "alpha:none",
        "date:only",
        "repeat",
        "headline:echo",
        "pipe",
        "end:ellipsis",
        "end:credit_group",
        "code",
        "id:number",
    )
)


PROSE_CHARS: Final = 100  # a longer paragraph with a full stop and no strong cue is prose: its evidence is that


def unit_features(art: Article, u: Unit) -> None:
    """Fill ``u.feats`` (own evidence: no neighbours), ``u.nw`` and ``u.story``.

    A unit longer than :data:`MAX_UNIT_CHARS` is story text by length alone: it is never removed,
    and its features are not computed (a hostile body can be one paragraph of a megabyte); nor are
    those of prose (longer than :data:`PROSE_CHARS`, ending in a full stop, no strong cue inside),
    which the models see as the one feature "prose". What depends only on the text is computed once
    per article (``art.own``), whatever the number of scoring rounds.
    """
    if u.hi - u.lo > MAX_UNIT_CHARS:
        u.feats, u.nw, u.story = {"bias": 1.0, "long": 1.0}, MAX_UNIT_CHARS // 6, True
        return
    key3 = (u.lo, u.hi, u.kind)
    own = art.own.get(key3)
    if own is None:
        if art.carried:
            own = art.carried.get(_reading(art, u.lo, u.hi, u.kind))
        if own is None:
            own = _own_features(art, u)
        art.own[key3] = own
    f, nw, story, key = own
    f = dict(f)
    if key and art.repeats.get(key, 0) > 1:
        f["repeat"] = 1.0
    if art.headline and key:
        toks = set(key.split())
        if toks and len(toks & art.headline) >= 0.8 * max(len(toks), len(art.headline)):
            f["headline:echo"] = 1.0
    if "prose" not in f and not has_evidence(f):
        # nothing a chrome line carries: alone, and with the shapes chrome shares with story lines
        f["nocue"] = 1.0
        if nw <= 8:
            f["nocue&short"] = 1.0
        if "end:stop" in f:
            f["nocue&stop"] = 1.0
        if "lower:most" in f:
            f["nocue&lower"] = 1.0
    u.feats, u.nw, u.story = f, nw, story


def _own_features(art: Article, u: Unit) -> tuple[dict[str, float], int, bool, str]:
    """The features of a unit's text alone: (features, word count, story-like, comparison key)."""
    f: dict[str, float] = {"bias": 1.0, f"kind:{u.kind}": 1.0}
    open_at, opened = _cue_features(art, u.lo, u.hi, f)
    if (
        u.hi - u.lo > PROSE_CHARS
        and not opened
        and _ends_terminal_at(art.text, u.lo, u.hi)
        and _STRONG_CUES.isdisjoint(f)
    ):
        f["prose"] = 1.0  # most paragraphs: read where they stand, never copied
        nw = art.text.count(" ", u.lo, u.hi) + 1
        return f, nw, True, ""
    text = art.text[u.lo : u.hi]
    nw, fw, toks = shape_features(text, f, art.script)
    word_cue_features(art, u.lo, open_at, u.hi, toks, f)
    m = DATELINE.match(text)
    if (
        m is not None
        and m.group("sep")
        and (m.group("agency") or m.group("date") or m.group("place").isupper())
        and not _label_not_place(m.group("place"))
    ):
        f["dateline"] = 1.0
    return f, nw, storyish(text, nw, fw), _key(text)


def _label_not_place(place: str) -> bool:
    """Is a dateline's "place" a chrome label in capitals ("ALSO READ:", "SOMA PIA:", "LEES OOK:")?
    A cue phrase of a strong class names no place.

    >>> _label_not_place("ALSO READ"), _label_not_place("SOMA PIA"), _label_not_place("MULTAN")
    (True, True, False)
    """
    info = _phrase_info().get(place.strip().lower())
    return info is not None and any(f"cue:{c}" in _STRONG_CUES for c in info[1])


def position_features(units: list[Unit]) -> None:
    """Position features of the paragraph units: the ends, and where the story-like ones begin and end."""
    n = len(units)
    story = [k for k, u in enumerate(units) if u.story]
    first, last = (story[0], story[-1]) if story else (None, None)
    for k, u in enumerate(units):
        f = u.feats
        if k == 0:
            f["pos:first"] = 1.0
        if k == n - 1:
            f["pos:last"] = 1.0
        if k < 3:
            f["pos:head3"] = 1.0
        if n - k <= 3:
            f["pos:tail3"] = 1.0
        if first is None or last is None:
            f["zone:nostory"] = 1.0
        elif k < first:
            f["zone:head"] = 1.0
        elif k > last:
            f["zone:tail"] = 1.0
        else:
            f["zone:body"] = 1.0


def _strength(p: float) -> float:
    """The first stage's evidence as a feature of the second: its log-odds, scaled to about [-2, 2]."""
    p = min(max(p, 0.0025), 0.9975)
    return math.log(p / (1 - p)) / 3


_CLOSING_CUES: Final = ("cue:copyright", "cue:noredistrib", "cue:credit", "cue:end_marker", "cue:syndication")


_PREV: Final = ("s2:prev_none", "s2:prev_hi", "s2:prev_lo")
_NEXT: Final = ("s2:next_none", "s2:next_hi", "s2:next_lo")


def neighbour_features(units: list[Unit]) -> None:
    """Neighbour features from the first stage's scores ``p1`` (chrome comes in runs)."""
    m = len(units)
    p1 = [u.p1 for u in units]
    # runs: is every unit after this one (or before it) chrome-ish? (not at the article's edge)
    to_end = [False] * m
    run = True
    for r in range(m - 1, -1, -1):
        to_end[r] = run and r < m - 1
        run = run and p1[r] >= 0.5
    from_start = [False] * m
    run = True
    for r in range(m):
        from_start[r] = run and r > 0
        run = run and p1[r] >= 0.5
    # where the story is by the first stage's judgement: the first and last units it thinks story
    prose = [r for r in range(m) if p1[r] < 0.3]
    first_r, last_r = (prose[0], prose[-1]) if prose else (m, -1)
    marker = False  # a closing line (credit, copyright, end marker...) scored high before this unit
    for r, u in enumerate(units):
        f = u.ctx = {"bias": 1.0, "s2:p1": _strength(u.p1)}
        for names, q in ((_PREV, p1[r - 1] if r > 0 else None), (_NEXT, p1[r + 1] if r + 1 < m else None)):
            if q is None:
                f[names[0]] = 1.0
            elif q >= 0.7:
                f[names[1]] = 1.0
            elif q < 0.2:
                f[names[2]] = 1.0
        if u.pmin is not None and u.pmin >= 0.7:
            f["s2:pieces_hi"] = 1.0  # every sentence of it alone looks like chrome
        if to_end[r]:
            f["s2:run_to_end"] = 1.0
        if from_start[r]:
            f["s2:run_from_start"] = 1.0
        if marker:
            f["s2:after_marker"] = 1.0
        if r < first_r:
            f["s2:before_prose"] = 1.0
        elif r > last_r:
            f["s2:after_prose"] = 1.0
        if u.p1 >= 0.8 and any(c in u.feats for c in _CLOSING_CUES):
            marker = True
        elif u.story and u.p1 < 0.3:
            marker = False


# a sentence end the English splitter does not take: before a letter of another script, or
# before a lower-case word after a full word ("... in the city. from Sunrise Times via ...")
_MORE_STOPS: Final = re.compile(
    r"(?<=[^\W\d_]{3}[.!?؟।])\s+(?=[^\W\d_])|(?<=[.!?؟।])\s+(?=[^\x00-\x7f\W\d_])|(?<=[。！？])"
)


#: Abbreviations a full stop does not end a sentence after, besides the splitter's own: units and
#: weekdays of page metadata ("Fri., Feb. 24, 2023 1 min. read")
_PIECE_ABBREVIATIONS: Final = ABBREVIATIONS | frozenset(
    "min mins sec secs hr hrs mon tue tues wed thu thur thurs fri sat sun".split()
)
_WORD_STOP: Final = re.compile(r"([^\W\d_]+)[.]$")
_LEAD_BRACKET: Final = re.compile(r"\([^()]{1,80}\)\s")  # "(Photo: X) KARACHI: ..."
_TAIL_BRACKET: Final = re.compile(r"\s\([^()]{1,80}\)$")  # "... on Monday. (Reuters)"
_TAIL_DASH: Final = re.compile(r"\s(?:--|—|–|-)\s?[^\s.!?][^.!?]{0,40}$")  # "... said. -- PTI"


def sentence_pieces(text: str, base: int) -> list[tuple[int, int]]:
    """Sentence-like spans of a paragraph (absolute offsets), with glued brackets and dash credits split off.

    >>> t = "Police arrested two men. (Reporting by Jane Doe) (Photo: AP) KARACHI: Fire broke out. 화재가 났다."
    >>> [t[s:e] for s, e in sentence_pieces(t, 0)]
    ['Police arrested two men.', '(Reporting by Jane Doe)', '(Photo: AP)', 'KARACHI: Fire broke out.', '화재가 났다.']
    >>> t = "Fri., Feb. 24, 2023 1 min. read"
    >>> [t[s:e] for s, e in sentence_pieces(t, 0)]
    ['Fri., Feb. 24, 2023 1 min. read']
    """
    spans: list[tuple[int, int]] = []
    for s, e in sentence_spans(text):
        cut = s
        for stop in _MORE_STOPS.finditer(text, s, e):
            w = _WORD_STOP.search(text, max(s, stop.start() - 8), stop.start())
            if w is not None and w.group(1).lower() in _PIECE_ABBREVIATIONS:
                continue  # "1 min. read": an abbreviation, not a sentence's end
            if stop.start() > cut:
                spans.append((cut, stop.start()))
            cut = stop.end()
        spans.append((cut, e))
    out: list[tuple[int, int]] = []
    for s, e in spans:
        seg = text[s:e]
        # "(Photo: X) KARACHI: ..." / "... on Monday. (Reuters)": brackets glued to a sentence
        while (lead := _LEAD_BRACKET.match(seg)) and lead.end() < len(seg):
            out.append((s, s + lead.end() - 1))
            s, seg = s + lead.end(), seg[lead.end() :]
        tail = _TAIL_BRACKET.search(seg)
        if tail and tail.start() > 0:
            out.append((s, s + tail.start()))
            out.append((s + tail.start() + 1, e))
            continue
        dash = _TAIL_DASH.search(seg)
        if dash and dash.start() > 10 and _ends_terminal(seg[: dash.start()]):
            out.append((s, s + dash.start()))
            out.append((s + dash.start() + 1, e))
            continue
        out.append((s, e))
    return [(base + s, base + e) for s, e in out if e > s]


def build_units(doc: Doc, art: Article) -> list[Unit]:
    """One unit per live paragraph, own features filled.

    What earlier rules removed is not context: the scorer sees the article as its clean text
    reads, so that cleaning that text again judges every paragraph the same way.
    """
    units: list[Unit] = []
    for i, p in enumerate(doc.paras[:MAX_UNITS]):
        if not p.removed and p.hi > p.lo:
            u = Unit(i, p.lo, p.hi, "para")
            unit_features(art, u)
            units.append(u)
    return units


def article_of(doc: Doc) -> Article:
    """What the scorer knows about the document; the parts that depend only on its text are
    computed once per document (the scorer runs in rounds)."""
    cached = doc.scratch.get("chrome")
    if isinstance(cached, Article):
        art = cached
    else:
        text = doc.text
        # the lower-case text and the cue phrases in it, from the prefilter's pass (clean.prepare)
        low = doc.scratch.get("low")
        if not isinstance(low, str):
            low = lower_aligned(text)
        hits = doc.scratch.get("cue_hits")
        occ = cue_occurrences(low, hits if isinstance(hits, list) else None)
        headline = frozenset(_key(doc.headline).split()) if doc.headline else frozenset()
        art = Article(text, low, dominant_script(text), headline, occ, {})
        carried = doc.scratch.get("carried")
        if isinstance(carried, tuple) and carried[0] == art.script:
            art.carried = carried[1]
        doc.scratch["chrome"] = art
    repeats: dict[str, int] = {}
    keys = art.keys
    for p in doc.paras:
        if not p.removed and p.lo < p.hi <= p.lo + PROSE_CHARS:
            key = keys.get((p.lo, p.hi))
            if key is None:
                key = keys[(p.lo, p.hi)] = _key(doc.text[p.lo : p.hi])
            if key:
                repeats[key] = repeats.get(key, 0) + 1
    art.repeats = repeats
    return art


# ------------------------------------------------------------------ scoring and decoding
def score(model: Model, doc: Doc) -> tuple[list[Unit], Article]:
    """Units of ``doc`` with both stages' probabilities (no decision made)."""
    art = article_of(doc)
    units = build_units(doc, art)
    position_features(units)
    for u in units:
        u.p1 = sigmoid(linear(model.stage1, u.feats))
        u.pmin = pieces_min(art, u, model.stage1)
    neighbour_features(units)
    for u in units:
        u.p2 = sigmoid(linear(model.stage2, u.ctx))
    return units, art


def span_neighbour_features(s: Unit, p1: float, before: float | None, after: float | None) -> None:
    """The neighbour features of a span: the unit outside it (``before`` a leading span, ``after``
    a trailing one; None at the article's edge) and the rest of its paragraph, which is story."""
    s.p1 = p1
    f = s.ctx = {"bias": 1.0, "s2:p1": _strength(p1), f"s2:{s.kind}": 1.0}
    outer = before if s.kind == "lead" else after
    side = "prev" if s.kind == "lead" else "next"
    if outer is None:
        f[f"s2:{side}_none"] = 1.0
    elif outer >= 0.7:
        f[f"s2:{side}_hi"] = 1.0
    elif outer < 0.2:
        f[f"s2:{side}_lo"] = 1.0
    f["s2:next_lo" if s.kind == "lead" else "s2:prev_lo"] = 1.0


_GLUE_MARKS: Final = re.compile(r"[()\[\]—–|©@/#:]|--|\s-\s|www\.")


def _may_hold_glued(art: Article, lo: int, hi: int) -> bool:
    """Could ``[lo, hi)`` hold a span with evidence: a cue phrase, a mark, or a short cue word at its edges?"""
    starts = art.occ[0]
    k = bisect_left(starts, lo)
    if k < len(starts) and starts[k] < hi:
        return True
    if _GLUE_MARKS.search(art.text, lo, hi):
        return True
    short = cues().short
    edge_words = art.low[lo : lo + 12].split()[:1] + art.low[max(lo, hi - 12) : hi].split()[-1:]
    return any(w.strip(".,;:!?'\"”’") in short for w in edge_words)


_DATELINE_DASH: Final = re.compile(r"\s*(?:—|–|--?)\s")  # the separator after a dateline


def span_units(art: Article, units: list[Unit], k: int, model: Model) -> list[Unit]:
    """Scored leading and trailing spans of the paragraph unit ``units[k]`` (which stays).

    A span goes only with evidence of its own, so a paragraph with no cue phrase and none of the
    marks glued chrome carries (brackets, dashes, @, a URL, a pipe, ©) is not split at all. A
    leading span followed by a dash stands where a dateline does ("(AP) — Police said..."): it is
    the story's dateline without its place, and stays.
    """
    u = units[k]
    if not _may_hold_glued(art, u.lo, u.hi):
        return []
    if u.hi - u.lo > 2 * MAX_SPAN_CHARS + 200:  # a long paragraph: only its ends can hold a glued span
        head = sentence_pieces(art.text[u.lo : u.lo + MAX_SPAN_CHARS + 100], u.lo)[:1]
        tail = sentence_pieces(art.text[u.hi - MAX_SPAN_CHARS - 100 : u.hi], u.hi - MAX_SPAN_CHARS - 100)[-1:]
        spans = head + tail
    else:
        spans = sentence_pieces(art.text[u.lo : u.hi], u.lo)
    if len(spans) < 2:
        return []
    after = units[k + 1].p1 if k + 1 < len(units) else None
    before = units[k - 1].p1 if k > 0 else None
    out: list[Unit] = []
    for kind, (lo, hi) in (("lead", spans[0]), ("trail", spans[-1])):
        if hi - lo > MAX_SPAN_CHARS or (kind == "lead" and _DATELINE_DASH.match(art.text, hi)):
            continue
        s = Unit(u.para, lo, hi, kind)
        unit_features(art, s)
        for name in ("pos:first", "pos:last", "zone:head", "zone:tail", "zone:body"):
            if name in u.feats:
                s.feats[name] = 1.0
        span_neighbour_features(s, sigmoid(linear(model.stage1, s.feats)), before, after)
        s.p2 = sigmoid(linear(model.stage2, s.ctx))
        out.append(s)
    return out


MAX_SENTENCES: Final = 6  # a paragraph of more sentences is never removed whole
RUN_LABEL_WORDS: Final = 5  # a unit of a run with no evidence of its own is a label of this many words at most


def _protected(f: dict[str, float], story: bool) -> bool:
    """Story text by construction: a dateline; a sentence (story-like, or a short one in running
    lower case with its full stop) that reports or quotes speech, or that carries no strong cue
    ("Reuters could not independently verify the footage."), unless it opens with an imperative
    that sends the reader elsewhere on the site ("Watch more of our videos on Shots!"; an advisory,
    "Keep your children indoors.", stays)."""
    if "dateline" in f:
        return True
    if (
        "cue:imperative@open" in f
        and "cue:nav" in f
        and ("you" in f or "we" in f)
        and "cue:say" not in f
        and "quote:speech" not in f
    ):
        return False  # the outlet sending its reader elsewhere on the site ("Watch more of our videos"): no story
    sentence = story or ("end:stop" in f and "lower:most" in f and "w:<=2" not in f and "w:<=1" not in f)
    return sentence and ("cue:say" in f or "quote:speech" in f or _STRONG_CUES.isdisjoint(f))


#: Cue classes that are evidence wherever they occur; the others ("timestamp", "nav", "agency",
#: "byline", "say") only describe, and count as evidence only at the opening of the text.
_STRONG_CUES: Final = frozenset(
    f"cue:{c}"
    for c in (
        "copyright",
        "noredistrib",
        "syndication",
        "credit",
        "promo",
        "paywall",
        "related",
        "caption",
        "ad",
        "comment",
        "share",
        "donate",
        "disclaimer",
        "end_marker",
        "widget",
        "contact",
        "mt_notice",
    )
)


def has_evidence(f: dict[str, float]) -> bool:
    """Does the unit carry a sign of chrome of its own (a strong cue anywhere, a cue at its opening
    but for a reporting verb's, or a shape)?"""
    return not _evidence_names().isdisjoint(f)


@cache
def _evidence_names() -> frozenset[str]:
    """Every feature that is evidence: the strong cues, the shapes, and the opening feature of every
    cue class (the phrases', the short words' and the opening phrases'; not a reporting verb's)."""
    c = cues()
    classes = {cls for _n, cs, _b, _a in c.automaton.values() for cls in cs}
    classes.update(cls for cs in c.short.values() for cls in cs)
    opening = {_cue_names(cls)[1] for cls in classes} | {name for v in c.opening.values() for _ph, name in v}
    return _STRONG_CUES | _EVIDENCE | frozenset(opening - {"cue:say@open"})


_LOOSE_STOP: Final = re.compile(r"(?<=[.!?。！？])\s+(?=[\"“‘(]?[^\W\d_])")


def pieces_min(art: Article, u: Unit, stage1: dict[str, float]) -> float | None:
    """The lowest first-stage score of the sentence-like pieces of a paragraph of several sentences
    (None for one sentence, or prose): a paragraph whose every sentence alone looks like chrome
    ("This post was syndicated from X. Click here to read the full text.") reads as prose by its
    shape, and as chrome by its pieces."""
    if "sents:2+" not in u.feats:
        return None
    text = art.text[u.lo : u.hi]
    cuts = [m.start() for m in _LOOSE_STOP.finditer(text)]
    if not cuts or len(cuts) > MAX_PIECES:
        return None
    low = 1.0
    for a, b in pairwise([0, *cuts, len(text)]):
        piece = Unit(u.para, u.lo + a, u.lo + b, u.kind)
        unit_features(art, piece)
        low = min(low, sigmoid(linear(stage1, piece.feats)))
    return low


MAX_PIECES: Final = 4  # a paragraph of more sentences is read as a whole


def _pieces_chrome(art: Article, s: Unit, model: Model) -> bool:
    """Does each sentence-like piece of a span look like chrome on its own? (a span the sentence
    splitter did not split, "... on X. He called the practice ...", must not take story with it)"""
    text = art.text[s.lo : s.hi]
    cuts = [m.start() for m in _LOOSE_STOP.finditer(text)]
    if not cuts:
        return True
    bounds = [0, *cuts, len(text)]
    for a, b in pairwise(bounds):
        piece = Unit(s.para, s.lo + a, s.lo + b, s.kind)
        unit_features(art, piece)
        if sigmoid(linear(model.stage1, piece.feats)) < 0.5:
            return False
    return True


def decide(units: list[Unit], model: Model, art: Article | None = None) -> set[int]:
    """Which paragraph units go: runs at the head and tail (every unit above ``run``, reaching as far
    as the innermost unit above ``edge``), others above ``inner``.

    A story-like paragraph goes only when it sits in such a run; a paragraph between story
    paragraphs needs chrome evidence besides its score; a paragraph of several sentences goes only
    when each sentence alone looks like chrome (with ``art``; otherwise its glued spans are judged
    on their own); at least one story-like paragraph always stays, and so does any paragraph longer
    than :data:`MAX_UNIT_CHARS` or opening with a dateline.
    """
    live = list(range(len(units)))
    if not live:
        return set()

    out: set[int] = set()
    # the runs at the tail and the head: every unit scores at least ``run`` and one at least ``edge``
    for order in (list(reversed(live)), live):
        run: list[int] = []
        for k in order:
            u = units[k]
            if k in out or u.p2 < model.run or not _can_go(u, model, art):
                break
            if u.nw > RUN_LABEL_WORDS and not has_evidence(u.feats):
                break  # a line of running words with no sign of chrome (a standfirst) ends the run
            run.append(k)
        # the run ends with its innermost strong unit that carries evidence of its own
        while run and (units[run[-1]].p2 < model.edge or not has_evidence(units[run[-1]].feats)):
            run.pop()
        out.update(run)
    for k in live:
        u = units[k]
        if k not in out and u.p2 >= model.inner and not u.story and has_evidence(u.feats) and _can_go(u, model, art):
            out.add(k)
    if out and all(k in out for k in live if units[k].story):
        keep = [k for k in live if units[k].story] or live
        best = min(keep, key=lambda k: units[k].p2)
        out.discard(best)
    return out


# (module functions, not closures inside decide: a compiled closure and its environment hold each
# other, so every call would leave a cycle, with the article and its units, to the garbage collector)
def _can_go(u: Unit, model: Model, art: Article | None) -> bool:
    return u.hi - u.lo <= MAX_UNIT_CHARS and not _protected(u.feats, u.story) and _sentences_chrome(u, model, art)


def _sentences_chrome(u: Unit, model: Model, art: Article | None) -> bool:
    """Does each sentence of the unit alone look like chrome (True without ``art``)?"""
    if art is None:
        return True
    spans = sentence_pieces(art.text[u.lo : u.hi], u.lo)
    # a bracket glued to words that end no sentence belongs to them ("By Jane Doe (jd@x.com)")
    merged: list[tuple[int, int]] = []
    for lo, hi in spans:
        if merged and art.text[lo] == "(" and not _ends_terminal(art.text[merged[-1][0] : merged[-1][1]]):
            merged[-1] = (merged[-1][0], hi)
        else:
            merged.append((lo, hi))
    spans = merged
    if len(spans) < 2:
        return True
    if len(spans) > MAX_SENTENCES:
        return False
    for lo, hi in spans:
        s = Unit(u.para, lo, hi, "lead" if lo == u.lo else "trail")
        unit_features(art, s)
        if sigmoid(linear(model.stage1, s.feats)) < 0.5:
            return False
    return True


def strip_scored_boilerplate(doc: Doc, ctx: DocContext) -> None:
    """Remove paragraphs and glued edge spans the learned scorer judges boilerplate (score and top features recorded).

    >>> from pipeline.core.layout import paragraph_spans
    >>> t = ("KARACHI: Police arrested two men on Monday after a chase through the old city, officials said.\\n\\n"
    ...      "The men were later produced before a magistrate who remanded them in custody for a week.\\n\\n"
    ...      "Published in The Daily Ledger, March 3rd, 2024\\n\\nOpinion\\n\\nEditorial")
    >>> d = Doc.from_text(t, paragraph_spans(t))
    >>> d.run(SCORED_BOILERPLATE)
    >>> [(t[c.start:c.end], c.rule) for c in d.cuts]
    [('Published in The Daily Ledger, March 3rd, 2024', 'B200-scored-paragraph'), ('Opinion', 'B200-scored-paragraph'), ('Editorial', 'B200-scored-paragraph')]
    """
    model = ctx.chrome if isinstance(ctx.chrome, Model) else shipped_model()
    if not doc.live():
        return
    # until nothing more goes: a run or a span removed changes what its neighbours look like, and
    # cleaning the clean text again must find nothing more to remove
    for _ in range(ROUNDS):
        units, art = score(model, doc)
        gone = decide(units, model, art)
        for k in sorted(gone):
            u = units[k]
            doc.remove_para(u.para, PARA_RULE, round(u.p2, 4), explain(model, u))
        if gone:
            continue
        # glued spans at the edges of the paragraphs that stay (the first and last story paragraphs),
        # taken one after another until the next one is story
        cut = False
        for k in sorted({0, len(units) - 1} if units else set()):
            i = units[k].para
            for _ in range(MAX_SPAN_CUTS):
                p = doc.paras[i]
                if p.removed:
                    break
                units[k].lo, units[k].hi = p.lo, p.hi  # the unit shrinks with its cuts
                if not _cut_a_span(doc, art, units, k, model):
                    break
                cut = True
        if not cut or not doc.live():
            break


def _cut_a_span(doc: Doc, art: Article, units: list[Unit], k: int, model: Model) -> bool:
    """Cut the leading or trailing span of paragraph unit ``units[k]`` that the scorer judges chrome."""
    i = units[k].para
    for s in span_units(art, units, k, model):
        if (
            s.p2 >= model.span
            and has_evidence(s.feats)
            and not _protected(s.feats, s.story)
            and _pieces_chrome(art, s, model)
        ):
            why = (SPAN_RULE, round(s.p2, 4), explain(model, s))
            if s.kind == "trail":
                doc.cut_end(i, s.lo, *why)
                return True
            if s.hi < doc.paras[i].hi:
                doc.cut_start(i, s.hi, *why)
                return True
    return False


def _para_unit(art: Article, doc: Doc, i: int) -> Unit:
    """Paragraph ``i`` as a scorer unit, its own features filled."""
    p = doc.paras[i]
    u = Unit(i, p.lo, p.hi, "para")
    unit_features(art, u)
    return u


def protected_paragraphs(doc: Doc, paras: list[int]) -> set[int]:
    """Which of these live paragraphs are story by construction (see :func:`_protected`)."""
    art = article_of(doc)
    units = [_para_unit(art, doc, i) for i in paras]
    return {u.para for u in units if _protected(u.feats, u.story)}


#: Cue classes of a line that closes a story: its copyright, a no-redistribution notice, an end
#: marker, a syndication line ("Published in Dawn, ..."). Not a credit: a photo credit stands mid-story.
_SIGN_OFF_CUES: Final = ("cue:copyright", "cue:noredistrib", "cue:end_marker", "cue:syndication")


def strip_after_sign_off(doc: Doc, ctx: DocContext) -> None:
    """Remove what follows the story's sign-off: related teasers, author bios and portal chrome after the scorer removed the closing line.

    The marker is the last paragraph the scorer removed that carries a closing cue of its own (a
    copyright, a no-redistribution notice, an end marker, a syndication line), after at least two
    story paragraphs. Everything still standing after it goes, all or nothing, and nothing goes when
    any of it reports speech or opens with a dateline (the story may go on), or when it is longer
    than the story before the marker (the marker may not be the end).

    >>> from pipeline.core.layout import paragraph_spans
    >>> t = ("KARACHI: Police arrested two men on Monday after a chase through the old city, officials said.\\n\\n"
    ...      "The men were later produced before a magistrate who remanded them in custody for a week.\\n\\n"
    ...      "Published in The Daily Ledger, March 3rd, 2024\\n\\nRebuilding lives\\n\\n"
    ...      "With floodwaters surging yet again, the province faces an all too familiar crisis.")
    >>> d = Doc.from_text(t, paragraph_spans(t))
    >>> d.run(SCORED_BOILERPLATE); d.run(AFTER_SIGN_OFF)
    >>> [(t[c.start:c.end][:24], c.rule) for c in d.cuts]
    [('Published in The Daily L', 'B200-scored-paragraph'), ('Rebuilding lives', 'B202-after-sign-off'), ('With floodwaters surging', 'B202-after-sign-off')]
    """
    found = _after_marker(doc, lambda p: p.removed_by == PARA_RULE, _SIGN_OFF_CUES)
    if found is None:
        return
    art, cue, before, tail = found
    paras = doc.paras
    if sum(paras[i].hi - paras[i].lo for i in tail) > sum(paras[i].hi - paras[i].lo for i in before):
        return  # more text after the closing line than before it: the line may not end the story
    if any(_goes_on(art, doc, i) for i in tail):
        return  # it reports speech or opens with a dateline: the story may go on after the line
    for i in tail:
        doc.remove_para(i, features=("after_sign_off", cue))


def _after_marker(
    doc: Doc, eligible: Callable[[Para], bool], cues: Sequence[str]
) -> tuple[Article, str, list[int], list[int]] | None:
    """The last removed paragraph that passes ``eligible`` and carries one of ``cues`` (at its opening or
    anywhere), after at least two story paragraphs: (article, the cue, live paragraphs before it, after it)."""
    paras = doc.paras
    art: Article | None = None
    for k in range(len(paras) - 1, -1, -1):
        p = paras[k]
        if p.removed_by is None or p.hi <= p.lo or not eligible(p):
            continue
        if art is None:
            art = article_of(doc)
        feats = _para_unit(art, doc, k).feats
        cue = next((c for c in cues if c in feats or f"{c}@open" in feats), "")
        if not cue:
            continue
        before = [i for i in range(k) if not paras[i].removed]
        tail = [i for i in range(k + 1, len(paras)) if not paras[i].removed and paras[i].hi > paras[i].lo]
        if not tail or sum(1 for i in before if is_story(doc.ptext(i))) < 2:
            return None
        return art, cue, before, tail
    return None


def _goes_on(art: Article, doc: Doc, i: int, say_verb: bool = True) -> bool:
    """Paragraph ``i`` quotes speech, opens with a dateline or (``say_verb``) has a verb of saying: story, wherever it stands."""
    feats = _para_unit(art, doc, i).feats
    return (say_verb and "cue:say" in feats) or "quote:speech" in feats or "dateline" in feats


MAX_LABEL_CHARS: Final = 80  # a related-content label is a few words


def strip_after_related_label(doc: Doc, ctx: DocContext) -> None:
    """Remove the list a removed related-content label introduces: the lines after the last such label ("Trending", "You may also like", "Más noticias") when none of them is a sentence.

    The label itself goes by a data rule or the scorer; the headlines, tags and prompts under it
    carry no cue of their own and used to stay. All or nothing: at least two story paragraphs
    before the label, and every line after it title-like (no sentence end), no quoted speech, no dateline.

    >>> from pipeline.core.layout import paragraph_spans
    >>> t = ("Police arrested two men on Monday after a chase through the old city, officials said on Tuesday.\\n\\n"
    ...      "The men were later produced before a magistrate who remanded them in custody for a week.\\n\\n"
    ...      "You may also like\\n\\n- Council approves new budget for roads\\n\\n- Star striker signs three-year deal")
    >>> d = Doc.from_text(t, paragraph_spans(t))
    >>> d.remove_para(2, "B041-related-label"); d.run(AFTER_RELATED_LABEL)
    >>> [(t[c.start:c.end][:20], c.rule) for c in d.cuts]
    [('You may also like', 'B041-related-label'), ('- Council approves n', 'B203-after-related-label'), ('- Star striker signs', 'B203-after-related-label')]
    """
    found = _after_marker(doc, lambda p: p.hi - p.lo <= MAX_LABEL_CHARS, ("cue:related",))
    if found is None:
        return
    art, _cue, _before, tail = found
    for i in tail:
        text = doc.ptext(i)
        # a verb of saying alone does not count: headlines have them ("Police speak on ...")
        if is_story(text) or _ends_terminal(text) or _goes_on(art, doc, i, say_verb=False):
            return  # a sentence after the label: the story, or more than a list, goes on
    for i in tail:
        doc.remove_para(i, features=("after_related_label",))


SCORED_SPAN: Final = Rule(
    SPAN_RULE,
    "boilerplate",
    "scored",
    example="... on Monday. (Reporting by Jane Doe; Editing by John Roe)",
    description="A credit, caption or sign-off glued inside the first or last story paragraph, judged by the learned scorer.",
    source="pipeline.core.chrome.strip_scored_boilerplate",
)
SCORED_BOILERPLATE: Final = Rule(
    PARA_RULE,
    "boilerplate",
    "scored",
    strip_scored_boilerplate,
    example="Published in The Daily Ledger, March 3rd, 2024",
    description="A paragraph the learned scorer judges boilerplate: a run at the head or tail, or chrome between story paragraphs.",
    members=lambda: (SCORED_SPAN,),
)
AFTER_RELATED_LABEL: Final = Rule(
    "B203-after-related-label",
    "boilerplate",
    "scored",
    strip_after_related_label,
    where="tail",
    example="Trending / - Council approves new budget for roads / - Star striker signs three-year deal",
    description=(
        "Remove the lines after the last related-content label removed, when none is a sentence: "
        "the headlines, tags and prompts the label introduces."
    ),
)
AFTER_SIGN_OFF: Final = Rule(
    "B202-after-sign-off",
    "boilerplate",
    "scored",
    strip_after_sign_off,
    where="tail",
    example="Published in The Frontier Ledger, June 2nd, 2024 / Lost harvests / The failure to store...",
    description=(
        "Remove what still stands after the story's closing line (copyright, no-redistribution notice, end marker, "
        "syndication line) once the scorer removed it: related teasers, author bios, portal chrome."
    ),
)
