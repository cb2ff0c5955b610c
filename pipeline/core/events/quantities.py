"""Counts in digits or words, money, and the noun they count."""

from __future__ import annotations

import re
from typing import Final, NamedTuple

from pipeline.core.scan import finditer_at, prefix_automaton

WORD_NUMBERS: Final = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
    "dozens": 24, "hundreds": 200, "thousands": 2000,
}  # fmt: skip
SCALES: Final = {
    "thousand": 1e3,
    "lakh": 1e5,
    "lakhs": 1e5,
    "million": 1e6,
    "crore": 1e7,
    "crores": 1e7,
    "billion": 1e9,
    "trillion": 1e12,
    "mn": 1e6,
    "bn": 1e9,
    "k": 1e3,
}
CURRENCIES: Final = {
    "$": "USD",
    "US$": "USD",
    "€": "EUR",
    "£": "GBP",
    "₹": "INR",
    "Rs": "INR",
    "Rs.": "INR",
    "¥": "JPY",
}
HUMAN: Final = frozenset(
    [
        "people",
        "persons",
        "person",
        "civilians",
        "terrorists",
        "militants",
        "soldiers",
        "troops",
        "men",
        "women",
        "children",
        "students",
        "protesters",
        "protestors",
        "villagers",
        "workers",
        "officers",
        "policemen",
        "personnel",
        "accused",
        "suspects",
        "convicts",
        "passengers",
        "pilgrims",
        "residents",
        "farmers",
        "journalists",
        "members",
        "fighters",
        "rebels",
        "insurgents",
        "hostages",
        "prisoners",
        "individuals",
        "others",
        "youths",
        "boys",
        "girls",
        "infants",
        "victims",
        "labourers",
        "migrants",
        "tourists",
    ]
)
DRONES: Final = frozenset(["drones", "drone", "uavs", "uav", "shaheds", "shahed"])
_NUM: Final = r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
_WORDNUM: Final = "|".join(sorted((w for w in WORD_NUMBERS if w not in ("a", "an")), key=len, reverse=True))
QUANTITY: Final = re.compile(
    rf"(?P<cur>US\$|\$|€|£|₹|Rs\.?\s?)?(?P<num>{_NUM}|\b(?i:{_WORDNUM})\b)"
    rf"(?:\s?(?P<scale>(?i:thousand|lakhs?|million|crores?|billion|trillion|mn|bn))\b)?"
    r"(?:\s(?P<mods>(?:(?:more|other|unidentified|senior|suspected|unarmed|armed|local|injured|"
    r"[A-Z][a-z]+(?:-made|-designed)?(?=\s[A-Za-z])|[a-z]+-(?:made|old|designed|year-old)|attack|strike|kamikaze|combat|"
    r"additional|Shahed|martyr|decoy|guided|aerial|ballistic|cruise|hypersonic|military|young|unknown|"
    r"[a-z]+(?:ian|ese))\s){0,3}))?"
    r"(?P<unit>[a-z]{3,}s?|[A-Z]{2,5}s|Drones?|UAVs?|Shaheds?)?\b",
)
# every quantity starts with a currency sign, a digit or a number word
_QUANTITY_STARTS: Final = prefix_automaton(
    ["us$", "$", "€", "£", "₹", "rs", *"0123456789", *(w for w in WORD_NUMBERS if w not in ("a", "an"))]
)
_NOT_UNITS: Final = frozenset(
    [
        "per",
        "percent",
        "year",
        "years",
        "old",
        "month",
        "months",
        "day",
        "days",
        "hours",
        "hour",
        "minutes",
        "km",
        "kilometres",
        "kilometers",
        "miles",
        "am",
        "pm",
        "and",
        "or",
        "of",
        "the",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "with",
        "by",
        "a",
        "an",
    ]
)


class QuantityMention(NamedTuple):  # a tuple: built by the thousand, and cheap to build
    text: str
    start: int
    end: int
    value: int | float
    unit: str


_TUPLE_NEW: Final = tuple.__new__


def quantity_mention(text: str, start: int, end: int, value: int | float, unit: str) -> QuantityMention:
    """``QuantityMention(...)`` without the interpreted class call (why: :func:`pipeline.core.events.mentions.mention`)."""
    return _TUPLE_NEW(QuantityMention, (text, start, end, value, unit))


def _value(num: str) -> float:
    low = num.lower()
    if low in WORD_NUMBERS:
        return float(WORD_NUMBERS[low])
    return float(num.replace(",", ""))


def normalise_unit(unit: str) -> str:
    """Unit nouns as the corpus writes them: people for persons, drones for UAVs.

    >>> normalise_unit("civilians"), normalise_unit("UAVs"), normalise_unit("Drone"), normalise_unit("pistols")
    ('people', 'drones', 'drones', 'pistols')
    """
    low = unit.lower()
    if low in HUMAN:
        return "people"
    if low in DRONES:
        return "drones"
    if not low.endswith("s"):
        low += "s"
    return low


def find_quantities(sentence: str, low: str | None = None) -> list[QuantityMention]:
    """Counts with their unit noun, and money.

    >>> [(q.value, q.unit) for q in find_quantities("Russia fired 145 drones and 34 Ukrainian attack drones.")]
    [(145, 'drones'), (34, 'drones')]
    >>> [(q.value, q.unit) for q in find_quantities("its remaining $6 billion in funding; three airports")]
    [(6000000000, 'USD'), (3, 'airports')]
    >>> [(q.value, q.unit) for q in find_quantities("a 52-year-old woman in 2022, at 10 pm")]
    []
    """
    out = []
    for m in finditer_at(QUANTITY, sentence, _QUANTITY_STARTS, low):
        num, cur, scale, unit = m.group("num"), m.group("cur"), m.group("scale"), m.group("unit")
        if num is None:
            continue
        after = sentence[m.end("num") : m.end("num") + 1]
        if after == "-" and not cur:  # 52-year-old, 15-year-old
            continue
        value = _value(num)
        if scale:
            value *= SCALES[scale.lower()]
        if cur:
            v: int | float = int(value) if value.is_integer() else value
            out.append(quantity_mention(m.group(), m.start(), m.end(), v, CURRENCIES.get(cur.strip(), "USD")))
            continue
        if not unit or unit.lower() in _NOT_UNITS:
            continue
        if num.isdigit() and len(num) == 4 and 1800 <= int(num) <= 2100:
            continue
        v = int(value) if value.is_integer() else value
        out.append(quantity_mention(m.group(), m.start(), m.end(), v, normalise_unit(unit)))
    return out
