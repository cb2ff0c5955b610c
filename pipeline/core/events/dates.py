"""Relative and absolute date expressions, resolved against the article's publication date."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Final, NamedTuple

from pipeline.core.scan import Folded, finditer_at, prefix_automaton

MONTHS: Final = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
WEEKDAYS: Final = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
_MONTH_RE: Final = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_DAY_RE: Final = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_PART: Final = r"(?: (?:morning|afternoon|evening|night))?"

_COUNTS: Final = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "several": 3, "a few": 3, "few": 3,
}  # fmt: skip
_COUNT_RE: Final = r"(?:\d{1,3}|" + "|".join(sorted(_COUNTS, key=len, reverse=True)) + ")"

# case-insensitive: run on the sentence's lower-case copy when there is one (see Folded)
DATE_EXPR: Final = Folded(
    "|".join(
        [
            # on Wednesday, November 22, 2023 / November 22, 2023 / 22 November 2023
            rf"(?P<full>(?:(?:on|since|from|until|by) )?(?:{_DAY_RE},? )?(?:{_MONTH_RE} \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}|\d{{1,2}}(?:st|nd|rd|th)? {_MONTH_RE},? \d{{4}}))",
            # on March 3 / on 12 January
            rf"(?P<md>(?:on |since |from |by |until )?(?:the night of )?(?:{_MONTH_RE} \d{{1,2}}(?:st|nd|rd|th)?\b|\d{{1,2}}(?:st|nd|rd|th)? {_MONTH_RE}\b))(?!,? ?\d{{4}})",
            # since March 2022 / in October 2023
            rf"(?P<my>(?:in |since |from |by |until )?{_MONTH_RE},? \d{{4}})",
            # in October
            rf"(?P<m>(?:in|since|from|until|by|early|late|mid)[- ](?:{_MONTH_RE}))(?! \d)",
            # on Sunday morning / Saturday night / early Monday / late on Thursday evening
            rf"(?P<wd>(?:(?:early|late) (?:on )?|on |last |this |since |from |by )?{_DAY_RE}(?:'s|’s)?{_PART})",
            # three years ago / more than two months ago / last year
            r"(?P<ago>(?:(?:more than|nearly|almost|about|around|over|some|just|barely) )?"
            rf"{_COUNT_RE} (?:days?|weeks?|months?|years?|decades?) ago|last (?:month|year))",
            # relative words
            r"(?P<rel>overnight|last night|last evening|(?:late )?yesterday(?: morning| afternoon| evening)?|"
            r"today|tonight|this (?:morning|afternoon|evening|week)|earlier today|on the same day|"
            r"earlier this week|last week)",
        ]
    )
)


class DateMention(NamedTuple):  # a tuple: built by the thousand, and cheap to build
    text: str
    start: int
    end: int
    date: date | None
    precision: str | None


_TUPLE_NEW: Final = tuple.__new__


def date_mention(text: str, start: int, end: int, value: date | None, precision: str | None) -> DateMention:
    """``DateMention(...)`` without the interpreted class call (why: :func:`pipeline.core.events.mentions.mention`)."""
    return _TUPLE_NEW(DateMention, (text, start, end, value, precision))


def _weekday_on_or_before(anchor: date, weekday: int) -> date:
    return anchor - timedelta(days=(anchor.weekday() - weekday) % 7)


def _year_for(month: int, day: int, anchor: date) -> int:
    """The latest year in which month/day is not after the anchor."""
    try:
        candidate = date(anchor.year, month, day)
    except ValueError:
        return anchor.year
    return anchor.year if candidate <= anchor + timedelta(days=1) else anchor.year - 1


# compiled once: inline patterns go through re's cache of 512, which the lexicons fill
_DIGITS: Final = re.compile(r"\d+")
_YEAR: Final = re.compile(r"\d{4}")
_COUNTED: Final = re.compile(rf"({_COUNT_RE}) (day|week|month|year|decade)")
_SPACE_DIGIT: Final = re.compile(r"\s\d")
_DIGIT_END: Final = re.compile(r"\d\s?$")
_MONTH_WORD: Final = re.compile(r"\b(?:" + "|".join(MONTHS) + r")\b")


def _month_of(text: str) -> int:
    """The month of the first of :data:`MONTHS` (in its order) that ``text`` holds as a word
    (StopIteration when none does); one scan finds the words present (whole words cannot overlap).

    >>> _month_of("since march 2022"), _month_of("on 3 sept.")
    (3, 9)
    """
    present = set(_MONTH_WORD.findall(text))
    return next(v for k, v in MONTHS.items() if k in present)


def resolve(m: re.Match[str], published: date | None) -> tuple[date | None, str | None]:
    """Resolve one matched expression; ``(None, None)`` when it cannot be known."""
    text = m.group().lower()
    try:
        if m.group("full"):
            nums = _DIGITS.findall(text)
            day, year = int(nums[0]), int(nums[-1])
            month = _month_of(text)
            return date(year, month, day), "day"
        if m.group("my"):
            year = int(_YEAR.findall(text)[0])
            month = _month_of(text)
            return date(year, month, 1), "month"
        if published is None:
            return None, None
        if m.group("md"):
            day = int(_DIGITS.findall(text)[0])
            month = _month_of(text)
            return date(_year_for(month, day, published), month, day), "day"
        if m.group("m"):
            month = _month_of(text)
            year = published.year if month <= published.month else published.year - 1
            return date(year, month, 1), "month"
        if m.group("ago"):
            return _ago(text, published)
        if m.group("wd"):
            weekday = next(v for k, v in WEEKDAYS.items() if k in text)
            d = _weekday_on_or_before(published, weekday)
            if text.startswith("last ") and d == published:
                d -= timedelta(days=7)
            return d, "day"
        rel = m.group("rel").lower()
        if rel in ("last night", "last evening") or "yesterday" in rel:
            return published - timedelta(days=1), "day"
        if "week" in rel:
            return None, None
        return published, "day"
    except (ValueError, StopIteration):
        return None, None


def _ago(text: str, published: date) -> tuple[date | None, str | None]:
    """ "three years ago", "last month": a date as precise as the phrase (days and weeks only when counted).

    >>> p = date(2024, 11, 10)
    >>> _ago("more than three years ago", p), _ago("last month", p), _ago("two days ago", p), _ago("a few weeks ago", p)
    ((datetime.date(2021, 1, 1), 'year'), (datetime.date(2024, 10, 1), 'month'), (datetime.date(2024, 11, 8), 'day'), (None, None))
    """
    if text == "last year":
        return date(published.year - 1, 1, 1), "year"
    if text == "last month":
        first = published.replace(day=1) - timedelta(days=1)
        return first.replace(day=1), "month"
    m = _COUNTED.search(text)
    if m is None:
        return None, None
    word, unit = m.groups()
    n = int(word) if word.isdigit() else _COUNTS[word]
    counted = word.isdigit() or word not in ("several", "a few", "few")
    if unit == "day" and counted:
        return published - timedelta(days=n), "day"
    if unit == "week":
        return (published - timedelta(weeks=n), "day") if counted and n == 1 else (None, None)
    if unit == "month":
        back = published - timedelta(days=30 * n)
        return back.replace(day=1), "month"
    if unit in ("year", "decade"):
        years = n * (10 if unit == "decade" else 1)
        return date(published.year - years, 1, 1), "year"
    return None, None


# one cheap scan for the words every date phrase contains; the full patterns then run only around them
_CUE: Final = re.compile(
    r"(?i)(?:mon|tues|wednes|thurs|fri|satur|sun)day|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?|"
    r"overnight|last night|last evening|yesterday|today|tonight|this (?:morning|afternoon|evening|week)|"
    r"on the same day|last week|last month|last year|\bago\b"
)
_MONTH_WORDS: Final = frozenset(MONTHS)
# every cue starts with one of these (the automaton finds where, the pattern confirms)
_CUE_STARTS: Final = prefix_automaton(
    [f"{d}day" for d in ("mon", "tues", "wednes", "thurs", "fri", "satur", "sun")]
    + ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    + ["overnight", "last night", "last evening", "yesterday", "today", "tonight", "this ", "on the same day"]
    + ["last week", "last month", "last year", "ago"]
)


# a word starts after a space, a bracket, a dash or a quote mark (and is no space itself)
_AFTER_BREAK: Final = re.compile(r"(?<=[ (\u2014\u2013\-\"“‘'])\S")


def _word_starts(text: str, lo: int, cue: int) -> list[int]:
    """Offsets in ``[lo, cue]`` where a word starts (``cue`` itself always included), ascending.

    >>> t = "late on (Thursday) evening"
    >>> _word_starts(t, 0, t.index("Thursday"))
    [0, 5, 8, 9]
    """
    starts = [m.start() for m in _AFTER_BREAK.finditer(text, lo + 1, cue + 1)]
    if lo == 0 and text[:1].strip():
        starts.insert(0, 0)
    if not starts or starts[-1] != cue:
        starts.append(cue)
    return starts


def find_dates(sentence: str, published: date | None, low: str | None = None) -> list[DateMention]:
    """Date expressions in a sentence, resolved against ``published``.

    >>> p = date(2024, 11, 10)  # a Sunday
    >>> [(d.text, d.date.isoformat()) for d in find_dates("Trump called Putin on Thursday, the Post said on Sunday.", p)]
    [('on Thursday', '2024-11-07'), ('on Sunday', '2024-11-10')]
    >>> [(d.text, str(d.date), d.precision) for d in find_dates("gains in October since March 2022, overnight", p)]
    [('in October', '2024-10-01', 'month'), ('since March 2022', '2022-03-01', 'month'), ('overnight', '2024-11-10', 'day')]
    >>> [(d.text, d.date) for d in find_dates("on Monday evening", None)]
    [('on Monday evening', None)]
    """
    out: list[DateMention] = []
    taken = -1
    for cue in finditer_at(_CUE, sentence, _CUE_STARTS, low):
        if cue.start() < taken:
            continue
        word = cue.group().lower().rstrip(".")
        if word[:3] in ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec") and (
            word not in _MONTH_WORDS
        ):
            continue  # "market", "junior": not a month
        if (
            word == "may"
            and not _SPACE_DIGIT.match(sentence[cue.end() : cue.end() + 2])
            and not _DIGIT_END.search(sentence[max(0, cue.start() - 3) : cue.start()])
        ):
            continue  # the verb "may"
        # date phrases sit around their cue word and start at a word: try the patterns anchored at
        # the few word starts just before the cue (earliest first), not at every character
        lo = max(0, cue.start() - 32, taken)
        hi = min(len(sentence), cue.end() + 40)
        for start in _word_starts(sentence, lo, cue.start()):
            m = DATE_EXPR.match(sentence, low, start, hi)
            if m is None or m.end() <= cue.start():
                continue
            d, precision = resolve(m, published)
            out.append(date_mention(sentence[m.start() : m.end()], m.start(), m.end(), d, precision))
            taken = m.end()
            break
    return out
