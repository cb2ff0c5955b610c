"""Building one event from one trigger match, in named stages.

``voice`` (the clause layer: active or passive, subject, object, agent, negation, modality) ->
``participants`` (actor and recipient from the clause's roles, resolved to named mentions) ->
``checks`` (type and mode: hypotheticals, denials, political attacks, future cooperation) ->
``circumstances`` (place, date, quantity, casualties) -> ``confidence``. Each event carries
the id of the trigger rule that produced it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Final

from pipeline.core.events.clause import (
    CONJUNCTIONS,
    IRREGULAR_PARTICIPLES,
    IRREGULAR_PAST,
    PREPOSITIONS,
    Clause,
    Words,
    analyse,
    subject_before,
    words,
)
from pipeline.core.events.dates import DateMention, find_dates
from pipeline.core.events.gazetteer import gazetteer
from pipeline.core.events.mentions import ArticleContext, Mention, find_mentions, mention
from pipeline.core.events.model import Entity, ExtractedEvent
from pipeline.core.events.quantities import QuantityMention, find_quantities
from pipeline.core.scan import Folded, matches, trie_pattern

WEAPONS: Final = (
    ("drone", Folded(r"(?i)\b(?:drones?|uavs?|shah[ei]ds?|kamikaze|martyr(?:s|-\d+)?)\b")),
    (
        "aerial",
        Folded(r"(?i)\b(?:air ?strikes?|airstrikes?|air raids?|missiles?|bombers?|warplanes?|fighter jets?|aerial)\b"),
    ),
    (
        "heavy-weapons",
        Folded(r"(?i)\b(?:shell(?:ing|ed|s)?|artillery|rockets?|mortars?|tanks?|howitzers?)\b"),
    ),
    (
        "explosives",
        Folded(r"(?i)\b(?:bombs?|ieds?|grenades?|explosives?|blasts?|landmines?|suicide bomb\w*)\b"),
    ),
    (
        "firearms",
        Folded(
            r"(?i)\b(?:shot|shoot|shooting|gun\w*|fire(?:d)? (?:at|upon|on)|opened fire|firing|bullets?|rifles?|pistols?|encounter)\b"
        ),
    ),
)
_LEFT_WORDS: Final = (
    "said says stated told reported claimed announced added that after while when despite before because whereas "
    "but which who where although though as"
).split()
_RIGHT_WORDS: Final = (
    *"after before while when because despite which who although though since said".split(),
    "according to",
)


def _boundary_words(words: Iterable[str]) -> str:
    r"""``\b(?:w1|w2|…)\b`` as one branch per first letter, each opening with its letter and looking
    behind after it ("a(?<!\wa)(?:fter|s)\b"): the engine skips in C to the few characters that can
    start a boundary, and there tries one branch, not every word. The words are whole words, so at
    most one matches at a place: the matches are those of the plain alternation.

    >>> _boundary_words(["as", "after", "said"])
    'a(?<!\\wa)(?:(?:fter|s))\\b|s(?<!\\ws)(?:aid)\\b'
    """
    by_letter: dict[str, list[str]] = {}
    for w in words:
        by_letter.setdefault(w[0], []).append(w[1:])
    return "|".join(rf"{c}(?<!\w{c}){trie_pattern(rest)}\b" for c, rest in sorted(by_letter.items()))


# (?:;|\b(?:said|says|…|as)\b|, (?:and|while|as)\b)
_CLAUSE_LEFT: Final = re.compile(";|" + _boundary_words(_LEFT_WORDS) + r"|, (?:and|while|as)\b")
_CLAUSE_RIGHT: Final = re.compile(
    ";|" + _boundary_words(_RIGHT_WORDS) + r"|, (?:and|but|while|as|who|which)\b|, [a-z]+ing\b"
)
_LIGHT_VERB_BEFORE: Final = re.compile(
    r"\b(?:carried out|carries out|carrying out|launched|launches|launching|conducted|conducts|mounted|staged|"
    r"unleashed|stepped up|intensified|began|started|resumed)(?: (?:a|an|the|new|fresh|more|massive|major|heavy|"
    r"several|multiple|overnight|deadly|wave of|series of|[\d,]+))* $"
)
_ATTRIBUTION_TAIL: Final = re.compile(
    r",\s(?:the |their |its |his |her |a |an )?(?:[\w'’-]+ ){0,3}(?:said|says|told|added|reported|stated)\b[^,]{0,40}[.!?”\"’]*$"
)
_DENIED: Final = Folded(
    r"(?i)\b(?:denied|denies|deny|denying|refuted|dismissed (?:reports|claims)) (?:that )?(?:[\w'’-]+ ){0,4}$"
)
_CONDITIONAL: Final = re.compile(r"(?i)\s*(?:if|unless)\b")
# the characters the case-insensitive "i" and "u" match (a test checks every code point): a sentence
# that opens with none of them needs no regex call
_CONDITIONAL_FIRST: Final = frozenset("iIıİuU")
_BY_AGENT: Final = re.compile(r"^\s*(?:\w+\s+){0,6}?(?:by|with)\s", re.IGNORECASE)
_MILITARY_HEADS: Final = frozenset(
    [
        "forces",
        "troops",
        "military",
        "army",
        "ministry",
        "government",
        "navy",
        "force",
        "defence",
        "defense",
        "soldiers",
    ]
)
_GOV_POSSESSED: Final = re.compile(
    r"^(?:Defen[cs]e Ministry|Foreign Ministry|Ministry of \w+|military|army|Army|Air Force|air force|forces|troops|"
    r"government|Government|navy|Navy|security service|military administration|air defen[cs]es?)$"
)
_NON_AGENT: Final = frozenset(
    [
        "quake",
        "earthquake",
        "fire",
        "blaze",
        "storm",
        "cyclone",
        "flood",
        "floods",
        "tremor",
        "tremors",
        "lightning",
        "accident",
        "crash",
        "virus",
        "disease",
        "heatwave",
        "landslide",
        "rain",
        "rains",
        "tsunami",
        "explosion",
    ]
)
_SPEECH_BOUNDARY: Final = re.compile(r"\b(?:said|says|stated|told|claimed|reported|announced|added)\s*(?:that\s*)?$")
_PRONOUN_START: Final = re.compile(r"\s*(?:that\s+)?(?:it|they|he|she|we)\b", re.IGNORECASE)
_REPORT_VERBS: Final = re.compile(
    r"^\s*(?:also |previously |earlier |later |on \w+ )?(?:said|says|claimed|reported|told|stated|announced|added)\b"
)


@dataclass(frozen=True)
class Trigger:
    id: str
    type: str
    mode: str | None
    pattern: re.Pattern[str]
    needs: Folded | None
    needs_any: Folded | None
    window: int
    blocks: Folded | None
    weapon_mode: bool
    modes: tuple[tuple[Folded, str], ...]  # case-insensitive
    preps: tuple[str, ...]
    recipient: str
    political: bool
    reverse: bool
    noun: bool
    confidence: float
    keywords: tuple[str, ...]
    leads: frozenset[str] | None = None  # one of these opens every match (:mod:`.starts`); None: unknown


_POLITICAL: Final = re.compile(
    r"(?i)\b(?:party|parties|congress|bjp|government|opposition|minister|chief minister|leader|cm|pm|"
    r"samajwadi|trinamool|aap|left|administration|centre|regime|spokesperson)\b"
)


def _weapon_mode(s: Sentence) -> str | None:
    """The kind of weapon the sentence names, if any (read once per sentence)."""
    if s.weapon == "?":
        s.weapon = next((mode for mode, rx in WEAPONS if rx.found(s.text, s.low)), None)
    return s.weapon


def is_participant(m: Mention) -> bool:
    return m.kind in ("person", "country", "demonym", "capital", "org", "group", "unknown")


def _preceded_by(sentence: str, rel_start: int, words: tuple[str, ...]) -> str | None:
    """The word before ``rel_start`` (lower-cased) when it is one of ``words``.

    >>> _preceded_by("attacks in  Kyiv", 12, ("in", "at")), _preceded_by("Kyiv", 0, ("in",))
    ('in', None)
    """
    before = _word_before(sentence, rel_start)
    return before if before in words else None


def _word_before(sentence: str, rel_start: int) -> str:
    """The word before ``rel_start``, lower-cased ("" at the sentence's start)."""
    end = rel_start
    while end and sentence[end - 1].isspace():
        end -= 1
    if not end:
        return ""
    return sentence[sentence.rfind(" ", 0, end) + 1 : end].lower()


_LOC_PREPS: Final = ("in", "at", "near", "from", "across", "outside", "inside", "around", "of", "over", "into", "to")


class Sentence:
    """A sentence of the body; mentions, dates and quantities are computed on first use."""

    __slots__ = (
        "_before",
        "_ctx",
        "_dates",
        "_mentions",
        "_pub",
        "_quantities",
        "_words",
        "end",
        "ignore_before",
        "low",
        "para",
        "start",
        "text",
        "weapon",
    )

    def __init__(
        self,
        start: int,
        end: int,
        text: str,
        para: int,
        ctx: ArticleContext | None,
        pub: date | None,
        low: str | None = None,
    ):
        self.start, self.end, self.text, self.para = start, end, text, para
        self.low = low  # text.lower() when it keeps every offset, else None (see :class:`Folded`)
        self._ctx, self._pub = ctx, pub
        self.ignore_before = 0  # body offset before which nothing is a participant (the dateline)
        self._mentions: list[Mention] | None = None if ctx is not None else []
        self._dates: list[DateMention] | None = None
        self._quantities: list[QuantityMention] | None = None
        self._words: Words | None = None
        self._before: dict[int, str] | None = None
        self.weapon: str | None = "?"  # the weapon mode, once read (see _weapon_mode)

    @property
    def mentions(self) -> list[Mention]:
        if self._mentions is None:
            assert self._ctx is not None
            found = find_mentions(self.text, self.start, self._ctx)
            self._mentions = [m for m in found if m.start >= self.ignore_before] if self.ignore_before else found
        return self._mentions

    def word_before(self, rel: int) -> str:
        """The lower-cased word before sentence offset ``rel`` (remembered: the stages ask again)."""
        if self._before is None:
            self._before = {}
        w = self._before.get(rel)
        if w is None:
            w = self._before[rel] = _word_before(self.text, rel)
        return w

    @property
    def words(self) -> Words:
        if self._words is None:
            self._words = words(self.text, self.low)
        return self._words

    @property
    def dates(self) -> list[DateMention]:
        if self._dates is None:
            self._dates = find_dates(self.text, self._pub, self.low)
        return self._dates

    @property
    def quantities(self) -> list[QuantityMention]:
        if self._quantities is None:
            self._quantities = find_quantities(self.text, self.low)
        return self._quantities


def _entity_for(m: Mention, sentence: Sentence, role: str) -> Entity:
    """Entity for a participant; a government body owned by a country or capital acts for it."""
    g = gazetteer()
    mentions = sentence.mentions
    idx = mentions.index(m) if m in mentions else 0
    if idx > 0:
        prev = mentions[idx - 1]
        gap = sentence.text[prev.end - sentence.start : m.start - sentence.start]
        if prev.possessive and not gap.strip() and prev.country and _GOV_POSSESSED.match(m.name):
            return Entity(f"{prev.text} {m.text}", g.country_name(prev.country) or prev.name, prev.country)
    if m.kind == "group" and m.country and m.name.split()[-1].lower() in _MILITARY_HEADS:
        return Entity(m.text, g.country_name(m.country) or m.name, m.country)
    return m.entity(role)


_WEAPON_NOUN: Final = (
    r"(?:drones?|missiles?|rifles?|pistols?|guns?|rockets?|tanks?|jets?|helicopters?|shells?|bombs?|launchers?)"
)
_WEAPON_AFTER: Final = re.compile(
    rf"\s+(?:(?:attack|kamikaze|combat|strike|assault|suicide|cruise|ballistic|sniper|machine|anti-tank)\s+)?"
    rf"{_WEAPON_NOUN}\b",
    re.IGNORECASE,
)
_WEAPON_NAME: Final = re.compile(
    rf"(?:\s{_WEAPON_NOUN}|-(?:made|built|designed|supplied|manufactured))$", re.IGNORECASE
)


_PREPOSITIONAL_BOUNDARY: Final = re.compile(
    r"\b(?:despite|after|before|since|amid|during|following|because|while|when|although|though|as|whereas)\s*$"
)
_OFFICE: Final = re.compile(r"(?i)\b(?:ministry|department|court|commission|office|council|agency|committee|board)\b")
_NOUN_AGENT: Final = re.compile(r"\bby\s+(?:the\s+)?$", re.IGNORECASE)  # right before the mention
_AND_BEFORE: Final = re.compile(r"\band\s+$")
_YEARS_AGO: Final = re.compile(r"(?i)\b(?:years?|decades?) ago$|^last year$")


def _years_ago(phrase: str) -> bool:
    """``_YEARS_AGO.search(phrase)``, searched only when the phrase can match: it ends in "ago" (a, g
    and o have no other case forms) or has the nine characters of "last year".

    >>> _years_ago("three years ago"), _years_ago("Last Year"), _years_ago("two days ago"), _years_ago("on Monday")
    (True, True, False, False)
    """
    return (phrase[-3:].lower() == "ago" or len(phrase) == 9) and _YEARS_AGO.search(phrase) is not None


_PAST_VERB: Final = re.compile(
    r"\b(?:[a-z]{2,}ed|took|seized|shot|hit|struck|held|caught|found|made|sent|led|began|won|gave|beat|fought|threw)\b"
)
_SUBSET_WORDS: Final = ("including", "especially", "mainly", "mostly", "notably")
_OBJECT_PREPS: Final = ("on", "against", "targeting")  # "Russia's attack on Kyiv killed…": Kyiv is no subject


def _weapon_name(m: Mention, sentence: str, rel_end: int) -> bool:
    """A model or maker's name describing a weapon ("AK rifle", "Shahed drones", "Iranian-made"), not a party.

    >>> men = Mention(0, 6, "Shahed", "unknown", "Shahed", None)
    >>> _weapon_name(men, "Shahed drones hit the city", 6), _weapon_name(men, "Shahed said so", 6)
    (True, False)
    >>> _weapon_name(Mention(0, 5, "Hamas", "org", "Hamas", None), "Hamas fired rockets", 5)
    False
    """
    if m.kind not in ("unknown", "org", "person"):
        return False  # "Russian drones": the owner is a party
    return bool(_WEAPON_NAME.search(m.text) or _WEAPON_AFTER.match(sentence, rel_end))


def _actor_candidates(s: Sentence, lo: int, hi: int, keep_preps: tuple[str, ...] = ()) -> list[Mention]:
    """Participant mentions between sentence-relative ``lo`` and ``hi`` (locations after in/at/near dropped)."""
    out = []
    for m in s.mentions:
        rs, re_ = m.start - s.start, m.end - s.start
        if rs < lo or re_ > hi or not is_participant(m):
            continue
        if m.name.lower() in _NON_AGENT or _weapon_name(m, s.text, re_):
            continue
        before = s.word_before(rs)
        if before in _SUBSET_WORDS:
            continue  # "protesters, including women,": a part of the party named just before
        prep = before if before in _LOC_PREPS else None
        if prep and prep not in keep_preps and m.kind in ("place", "capital", "country", "demonym", "unknown"):
            continue
        if _SOURCE_BEFORE.found_before(s.text, s.low, rs, 20):
            continue  # "reported by the Washington Post": a source, not a participant
        out.append(m)
    return out


def _clause_bounds(text: str, t_start: int, t_end: int) -> tuple[int, int]:
    left = 0
    for b in _CLAUSE_LEFT.finditer(text, 0, t_start):
        left = b.end()
    right = len(text)
    r = _CLAUSE_RIGHT.search(text, t_end)
    if r:
        right = r.start()
    return left, right


def _nearest_date(s: Sentence, pos: int, lo: int, hi: int, own_clause: bool = False) -> DateMention | None:
    """The date phrase nearest the trigger in its clause, else in the sentence (``own_clause``: the clause's only)."""
    if not s.dates:
        return None
    inside = [d for d in s.dates if lo <= d.start and d.end <= hi]  # sentence-relative offsets
    if not inside and own_clause:
        return None
    return min(inside or s.dates, key=lambda d: abs(d.start - pos))


def _quantity(
    s: Sentence, t_start: int, t_end: int, lo: int, hi: int, passive: bool, ttype: str
) -> QuantityMention | None:
    best = None
    for q in s.quantities:
        qs, qe = q.start, q.end  # sentence-relative offsets
        if q.unit in ("USD", "EUR", "GBP", "INR", "JPY") and ttype not in ("AID", "SANCTION", "COERCE"):
            continue
        if qs < t_end and qe > t_start:  # "34 Ukrainian attack drones targeting": the count is in the trigger
            return q
        if t_end <= qs <= t_end + 60 and qe <= max(hi, t_end + 60):
            if best is None or qs < best.start:
                best = q
        elif passive and lo <= qs and qe <= t_start and t_start - qe <= 60:
            best = best or q
    return best


_IN_PLACE: Final = frozenset(("in", "at", "near", "over", "across", "outside", "inside"))
_PLACE_WORD: Final = re.compile(
    r"(?i)(?:district|village|area|region|city|town|state|station|road|temple|assembly|nagar|square)\b"
)


def _location(s: Sentence, t_end: int, dateline_place: Entity | None) -> Entity | None:
    g = gazetteer()
    best = None
    for m in s.mentions:
        rs = m.start - s.start
        if m.kind in ("place", "capital", "country", "unknown", "org") and s.word_before(rs) in _IN_PLACE:
            if m.kind in ("org", "unknown") and not _PLACE_WORD.search(m.text):
                continue
            cand = Entity(m.text.rstrip("'’s"), m.name, m.country or g.place_country(m.name))
            if best is None or abs(rs - t_end) < best[0]:
                best = (abs(rs - t_end), cand)
    return best[1] if best else None


_BACKGROUND: Final = re.compile(r"(?i)\s*(?:background|context|previously|earlier in the (?:war|conflict|year))\s*:")
_DETERMINER_BEFORE: Final = Folded(
    r"(?i)\b(?:the|a|an|his|her|their|its|these|those|such|any|no|all|both|\d+|two|three|four|five|six|seven|eight|"
    r"nine|ten|several|many|some|(?!(?:he|she|it|that|who|what|there|here|where|one)['’]s)\w+['’]s"
    r"(?: (?:attempted|failed|planned|latest|biggest|new|first|second|overnight))?)\s+$"
)
_DETERMINER_ADJ_BEFORE: Final = Folded(r"(?i)\b(?:the|a|an|his|her|their|its|this|these|those|such|any|no)\s+\w+\s+$")
_NOUN_OK: Final = frozenset(
    {
        "assault-attack-noun",
        "assault-drones-targeting",
        "consult-phone",
        "consult-meet",
        "request-request-for",
        "accuse-investigate",
        "mobilize",
        "protest-strike",
        "protest-demo",
        "coerce-raid",
        "assault-capture",
    }
)


_REACH: Final = 160  # no trigger pattern matches more than this many characters before its keyword


def _past_form(word: str) -> bool:
    w = word.lower()
    return w.endswith("ed") or w in IRREGULAR_PAST or w in IRREGULAR_PARTICIPLES


def _inside(spans: list[tuple[int, int]], pos: int) -> bool:
    for a, b in spans:  # noqa: SIM110 - a loop, not any() over a generator: asked for every trigger match
        if a <= pos < b:
            return True
    return False


def events_for_sentence(
    s: Sentence,
    published: date | None,
    dateline_place: Entity | None,
    quoted: list[tuple[int, int]],
    antecedents: Antecedents | None,
    candidates: list[tuple[Trigger, int, list[int] | None]],
) -> list[ExtractedEvent]:
    """The events of one sentence from its candidate triggers, each with where its first keyword
    starts (a match contains a keyword, so the search starts a little before it) and where its
    matches can start (None: anywhere)."""
    text, low = s.text, s.low
    told: bool | None = None  # does the sentence tell a current act? decided when a trigger occurs
    best: dict[tuple[str, str | None], ExtractedEvent] = {}
    for trig, kw_at, starts in candidates:
        found = matches(trig.pattern, text, kw_at - _REACH if kw_at > _REACH else 0, starts)
        if not found:
            continue
        if told is None:
            told = not _untold(text, low)
        if not told:
            return []
        if trig.blocks is not None and trig.blocks.found(text, low):
            continue
        if trig.needs_any is not None and not trig.needs_any.found(text, low):
            continue
        for m in found:
            t_start, t_end = m.span()
            lo_need = max(0, t_start - 80) if trig.reverse else t_end  # "drones were downed": the weapon comes first
            if trig.needs is not None and not trig.needs.found(text, low, lo_need, min(len(text), t_end + trig.window)):
                continue
            if _DENIED.found_before(s.text, s.low, t_start, 60):
                continue  # "denied that they had arrested any journalists"
            if _inside(quoted, s.start + t_start):
                continue
            if trig.id not in _NOUN_OK and (
                _DETERMINER_BEFORE.found_before(s.text, s.low, t_start, 30)
                or (
                    (text.startswith(" of", t_end) or not _past_form(m.group().split(" ")[0]))
                    and _DETERMINER_ADJ_BEFORE.found_before(s.text, s.low, t_start, 40)
                )
            ):
                continue  # a noun ("the biggest attack targeting…"), not the verb
            ev = build_event(s, trig, m, published, dateline_place, antecedents)
            if ev is None:
                continue
            key = (ev.type, ev.mode)
            best[key] = _combine(best[key], ev) if key in best else ev
    return sorted(best.values(), key=lambda e: e.sentence.find(e.trigger))


_HABITUAL_CUES: Final = ("often", "usual", "rare", "routine", "regular", "frequent", "typical", "tend to")


def _untold(sentence: str, low: str | None = None) -> bool:
    """A sentence that reports no act of its own: a background label, a habit or a condition.

    >>> _untold("Background: Russia fired drones."), _untold("Police often arrest them."), _untold("Police arrested him.")
    (True, True, False)
    """
    conditional = sentence.lstrip()[:1] in _CONDITIONAL_FIRST and _CONDITIONAL.match(sentence) is not None
    if conditional or (":" in sentence and _BACKGROUND.match(sentence)):
        return True
    if low is None:
        low = sentence.lower()
    # the cue words let most sentences skip the case-insensitive search
    return any(map(low.__contains__, _HABITUAL_CUES)) and _HABITUAL.search(sentence) is not None


def _combine(a: ExtractedEvent, b: ExtractedEvent) -> ExtractedEvent:
    """Two triggers of one sentence telling one event: keep the fuller, completed from the other.

    "Israel carried out airstrikes on southern Lebanon, killing 12 people": the strike names the
    country attacked, the participle the count — one event with both.
    """
    win, other = (a, b) if _completeness(a) >= _completeness(b) else (b, a)
    if retyped(win) and not retyped(other):
        # "promised to send weapons": the promise is the AGREE, the embedded act completes it
        win, other = other, win
    if win.actor_name is None or win.actor_name != other.actor_name:
        return win
    if other.recipient is not None and other.recipient.country and (win.recipient is None or not win.recipient.country):
        win.recipient = other.recipient
    if win.quantity is None and other.quantity is not None:
        win.quantity = other.quantity
    for k, v in other.casualties.items():
        win.casualties.setdefault(k, v)
    return win


def retyped(ev: ExtractedEvent) -> bool:
    """Was the event's type changed from its rule's category (a future act read as an AGREE)?
    Rule ids open with their category in lower case (a test checks it)."""
    return ev.rule is not None and not ev.rule.upper().startswith(ev.type)


def detail(ev: ExtractedEvent) -> int:
    return (
        (ev.actor is not None)
        + (ev.recipient is not None)
        + (ev.date is not None)
        + (ev.quantity is not None)
        + (ev.location is not None)
    )


def _completeness(ev: ExtractedEvent) -> float:
    return (
        ev.confidence
        + 0.1 * (ev.actor is not None)
        + 0.1 * (ev.recipient is not None)
        + 0.05 * (ev.quantity is not None)
    )


_HABITUAL: Final = re.compile(
    r"(?i)\b(?:often|usually|rarely|routinely|regularly|frequently|typically|are rare|is rare|tend to)\b"
)
_SOURCE_BEFORE: Final = Folded(r"(?i)(?:reported by|according to|quoted by|told|citing)\s+(?:the\s+)?$")
_PRONOUN_SUBJECT: Final = re.compile(
    r"\s*(?:(?:but|and|then|also|later|earlier|meanwhile),?\s+)?(?P<p>[Hh]e|[Ss]he|[Ii]t|[Tt]hey)\b"
)


class Draft:
    """An event under construction, handed from stage to stage."""

    __slots__ = (
        "actor",
        "actor_m",
        "clause",
        "etype",
        "hi",
        "in_phrase",
        "left",
        "lo",
        "m",
        "mode",
        "passive",
        "recip_m",
        "recipient",
        "reverse_unowned",
        "right",
        "s",
        "t_end",
        "t_start",
        "trig",
    )

    def __init__(self, s: Sentence, trig: Trigger, m: re.Match[str]) -> None:
        self.s, self.trig, self.m = s, trig, m
        self.t_start, self.t_end = m.span()
        self.lo, self.hi = _clause_bounds(s.text, self.t_start, self.t_end)
        self.etype: str = trig.type
        self.mode: str | None = trig.mode
        self.clause: Clause | None = None
        self.passive = False
        self.in_phrase = False
        self.left: list[Mention] = []
        self.right: list[Mention] = []
        self.actor_m: Mention | None = None
        self.recip_m: Mention | None = None
        self.actor: Entity | None = None
        self.recipient: Entity | None = None
        self.reverse_unowned = False


def build_event(
    s: Sentence,
    trig: Trigger,
    m: re.Match[str],
    published: date | None,
    dateline_place: Entity | None,
    antecedents: Antecedents | None = None,
) -> ExtractedEvent | None:
    """One event from one trigger match, stage by stage; None when a stage rules it out."""
    d = Draft(s, trig, m)
    if not stage_voice(d):
        return None
    stage_participants(d, antecedents)
    if not stage_checks(d):
        return None
    return stage_circumstances(d, published, dateline_place)


def stage_voice(d: Draft) -> bool:
    """The clause layer: voice, roles, negation and modality; the mode the trigger's words fix."""
    s, text = d.s, d.s.text
    c = analyse(text, d.t_start, d.t_end, s.low, s.words, d.lo)
    d.clause = c
    if c.negated and d.etype != "REJECT":
        return False  # "did not launch", "no one was arrested"
    d.passive = c.voice == "passive" and not d.trig.noun
    after = min(len(text), d.t_end + 120)
    for rx, md in d.trig.modes:  # in the 120 characters after the trigger, or in it
        if rx.found_before(text, s.low, after, after - d.t_end) or rx.found_before(
            text, s.low, d.t_end, d.t_end - d.t_start
        ):
            d.mode = md
            break
    if d.trig.weapon_mode and d.mode is None:
        d.mode = _weapon_mode(s)
    # a phrase opened by "despite", "after"…: its own parties and its own time
    d.in_phrase = d.lo > 0 and bool(_PREPOSITIONAL_BOUNDARY.search(text, max(0, d.lo - 12), d.lo))
    return True


def _span_mentions(s: Sentence, span: tuple[int, int] | None) -> list[Mention]:
    if span is None:
        return []
    a, b = span
    return [x for x in s.mentions if a <= x.start - s.start and x.end - s.start <= b + 2 and is_participant(x)]


def stage_participants(d: Draft, antecedents: Antecedents | None) -> None:
    """Actor and recipient: the clause's roles (a passive's agent acts, its subject undergoes),
    resolved to the named mentions inside them; the trigger's prepositions name a recipient."""
    s, trig, text = d.s, d.trig, d.s.text
    t_start, t_end, lo, hi = d.t_start, d.t_end, d.lo, d.hi
    c = d.clause
    assert c is not None
    first_word = d.m.group().split(" ")[0].lower()
    passive = d.passive
    left = [x for x in _actor_candidates(s, lo, t_start) if s.word_before(x.start - s.start) not in _OBJECT_PREPS]
    if (
        left
        and not passive
        and "and" in text[max(0, t_start - 6) : t_start]
        and _AND_BEFORE.search(text, max(0, t_start - 6), t_start)
    ):
        # a second verb of one subject ("the ATS recovered 13 pistols from the accused and
        # arrested…", "It killed three militants and arrested two"): what stands just before
        # "and" is the first verb's object; the subject opens the clause
        if len(left) >= 2 and _PAST_VERB.search(text, left[0].end - s.start, left[-1].start - s.start):
            left = left[:1]
        elif _PRONOUN_SUBJECT.match(text, lo) and _PAST_VERB.search(text, lo, left[0].start - s.start):
            left = []
    subject = [x for x in _span_mentions(s, c.subject) if not _weapon_name(x, text, x.end - s.start)]
    if subject and not trig.noun and not c.nonfinite:
        # the clause's own subject phrase, not whatever named thing stands before the verb
        keep = [x for x in left if x.start - s.start >= (c.subject[0] if c.subject else 0)]
        left = keep or left
    right = _actor_candidates(s, t_end, hi, trig.preps)
    tail = _ATTRIBUTION_TAIL.search(text, t_end)
    source: Mention | None = None
    if tail is not None:
        # ", their union said": the source of the report, not the other party
        src = [r for r in right if r.start - s.start >= tail.start()]
        source = src[0] if src else None
        right = [r for r in right if r.start - s.start < tail.start()]
    if (
        not left
        and lo > 0
        and _SPEECH_BOUNDARY.search(text[max(0, lo - 12) : lo])
        and _PRONOUN_START.match(text[lo:t_start])
    ):
        # "Russia also said it had shot down…": the pronoun is the reporting subject
        left = _actor_candidates(s, 0, lo)[-1:]
    if not left and lo > 0 and _BARE_DETERMINER.fullmatch(text[lo:t_start] or "x") and not d.in_phrase:
        # "Police said the arrest…": the clause before names who did it (not after "despite a
        # phone call…", where the main clause's subject is no party to the call)
        left = _actor_candidates(s, 0, lo)[-1:]
    if not left and antecedents:
        pm = _PRONOUN_SUBJECT.match(text, lo)
        if pm and pm.end() <= t_start:
            pron = pm.group("p").lower()
            ante = antecedents.get("person" if pron in ("he", "she") else "org" if pron == "it" else "other")
            if ante is not None and pron == "it" and d.etype in ("ASSAULT", "COERCE") and _OFFICE.search(ante.name):
                ante = None  # "It … injured a woman": the attack, not the ministry that reported it
            if ante is not None:
                left = [
                    mention(
                        s.start + pm.start("p"),
                        s.start + pm.end("p"),
                        pm.group("p"),
                        ante.kind,
                        ante.name,
                        ante.country,
                    )
                ]
    if c.nonfinite and not trig.noun:
        # "was detained for stabbing…", ", killing 12 people": the main clause's subject acts
        left = subject[:1] if subject else left[:1]
    after_trigger = right
    if trig.preps:
        prepped = [r for r in right if s.word_before(r.start - s.start) in trig.preps or r.kind == "demonym"]
        right = prepped or [r for r in right if r.kind in ("person", "country", "capital", "org", "group")]
    actor_m: Mention | None = None
    recip_m: Mention | None = None
    if trig.noun:
        if not _LIGHT_VERB_BEFORE.search(text, max(0, t_start - 60), t_start):
            left = [x for x in left if t_start - (x.end - s.start) <= 25 and (x.possessive or x.kind == "demonym")]
        # else "Israel carried out airstrikes on…": the light verb's subject is the actor
    elif left and first_word.endswith("ing") and text[:t_start].rstrip().endswith(","):
        # ", killing 12 people": the participle's subject is the main clause's subject
        left = left[:1]
    if passive:
        recip_m = subject[-1] if subject else (left[-1] if left else None)
        agents = _span_mentions(s, c.agent)
        agent = [r for r in agents if not _weapon_name(r, text, r.end - s.start)][-1:]  # the phrase's head
        if not agent and c.agent is None:
            agent = [r for r in right if _BY_AGENT.match(text[t_end : r.start - s.start] + " ")]
        actor_m = agent[0] if agent else None
        if (
            actor_m is None
            and source is not None
            and d.etype in ("COERCE", "SANCTION")
            and _ENFORCER.search(source.name)
        ):
            actor_m = source  # "…was detained on Sunday, police said": the police state their own act
    else:
        actor_m = left[-1] if left else None
        recip_m = right[0] if right else None
        if actor_m is None:
            # "a phone call … by US President-elect Donald Trump": a noun's agent follows it
            agent = [r for r in after_trigger if _NOUN_AGENT.search(text, t_end, r.start - s.start)]
            if agent:
                actor_m = agent[0]
                recip_m = next((r for r in right if r is not actor_m and r.start > actor_m.start), None)
    if trig.reverse:
        if passive:
            # "three Ukrainian drones were downed over Moscow": the owner attacked the place's country
            owner = next(
                (
                    r
                    for r in reversed(s.mentions)
                    if r.kind in ("demonym", "country") and t_start - 60 <= r.end - s.start <= t_start
                ),
                None,
            )
            target = next(
                (
                    r
                    for r in s.mentions
                    if r.kind in ("place", "capital", "country") and t_end <= r.start - s.start <= t_end + 40
                ),
                None,
            )
            actor_m, recip_m = owner, target
        else:
            # "Russia shot down 34 Ukrainian drones": the drones' owner attacked the shooter
            owner = next(
                (
                    r
                    for r in s.mentions
                    if r.kind in ("demonym", "country") and t_end <= r.start - s.start <= t_end + 60
                ),
                None,
            )
            if owner is None:
                d.reverse_unowned = True  # "air defences shot down drones": whose, the sentence does not say
            actor_m, recip_m = owner, actor_m
    if (
        not passive
        and not trig.noun
        and trig.type in ("AGREE", "CONSULT", "COOPERATE", "ASSAULT")
        and len(left) >= 2
        and text[left[-2].end - s.start : left[-1].start - s.start].strip() == "and"
        and t_start - (left[-1].end - s.start) <= 40
    ):
        # "Israel and Hamas agreed…": the first is the actor, the second the other party
        actor_m, recip_m = left[-2], left[-1] if recip_m is None or recip_m.kind in ("group", "unknown") else recip_m
    if trig.recipient == "in-trigger":
        # "directed the authorities to…": the phrase itself names who is asked
        named = [
            r for r in s.mentions if t_start <= r.start - s.start and r.end - s.start <= t_end and is_participant(r)
        ]
        if named:
            recip_m = named[-1]
    if actor_m is not None and actor_m is recip_m:
        recip_m = None
    d.left, d.right, d.actor_m, d.recip_m = left, right, actor_m, recip_m
    d.actor = _entity_for(actor_m, s, "actor") if actor_m else None
    d.recipient = _entity_for(recip_m, s, "recipient") if recip_m else None
    if d.actor is None and not trig.reverse and not trig.noun:
        # no named party acts: an agentive common noun phrase may ("a shopkeeper … stabbing",
        # "the lawyer filed a plea"); "X said he would…": the reporting clause's subject
        span = c.agent if passive else c.subject
        reported = lo > 0 and _SPEECH_BOUNDARY.search(text[max(0, lo - 12) : lo])
        if not passive and reported and _PRONOUN_START.match(text[lo:t_start]):
            span = subject_before(s.words, text.rfind(" ", 0, lo - 1))
        d.actor = _phrase_entity(text, span, agentive=True)
    if d.recipient is None and not trig.noun and (d.etype == "ASSAULT" or (d.etype == "COERCE" and d.mode == "arrest")):
        # no named party undergoes it: the phrase that does ("a fuel depot was struck")
        if trig.reverse:
            span = _after_prep(text, s.words, t_end, ("over", "above", "near", "on", "at"))
        elif passive:
            span = c.subject
        else:
            span = c.obj if not trig.preps else None
        d.recipient = _phrase_entity(text, span, agentive=False)
    if d.actor is not None and d.recipient is not None and d.actor.name == d.recipient.name:
        d.recipient = None


_PHYSICAL: Final = frozenset(("ASSAULT", "COERCE"))
_BARE_DETERMINER: Final = re.compile(r"\s*(?:the|a|an)\s+")
_NEEDS_ACTOR: Final = frozenset(
    ("AGREE", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE", "REJECT", "THREATEN")
)
_CASUALTY: Final = re.compile(r"(?i)(?:killed|injured|wounded|dead|died|hurt)\b")


def _human(name: str) -> bool:
    head = name.lower().split()[-1] if name.split() else ""
    return head in _AGENT_NOUNS or head.endswith(_AGENT_SUFFIXES) or head in ("people", "persons", "civilians")


_ENFORCER: Final = re.compile(
    r"(?i)\b(?:police|policemen|cops|army|military|troops|forces|court|authorities|officials?|officers?|agency|"
    r"ministry|department|squad|prosecutors?|investigators|guards?|customs|administration|government)\b"
)
_WEAPON_WORDS: Final = frozenset(
    """drone drones uav uavs missile missiles rocket rockets shell shells bomb bombs mortar mortars artillery
    grenade grenades projectile projectiles shahed shaheds bullets bullet gunfire fire""".split()
)
_NOT_A_PARTY: Final = frozenset(
    """it this that which who what they them he she we i you one ones some any all both each none nothing
    something anything everything there here time times way people's number""".split()
)
_AGENT_SUFFIXES: Final = (
    "er",
    "ers",
    "or",
    "ors",
    "ist",
    "ists",
    "ant",
    "ants",
    "man",
    "men",
    "ian",
    "ians",
    "ee",
    "ees",
)
_AGENT_NOUNS: Final = frozenset(
    """man woman boy girl youth husband wife mother father son daughter brother sister uncle aunt neighbour neighbor
    neighbours neighbors mob crowd gang group groups relatives family men women youths boys girls"""
    # bodies that act as one, and the offices that speak for them
    """ jury bureau commission committee council court tribunal bench ministry agency agencies union unions party
    parties government authority authorities board panel regulator alliance coalition delegation club company
    firm network states nations countries country junta regime rebels guards army navy police department
    president minister governor mayor chief premier king queen leader official officials spokesman spokeswoman
    spokesperson judge prosecutor prosecutors commissioner secretary envoy ambassador chancellor general
    legislature parliament assembly senate cabinet presidency administration organisation organization
    federation association programme""".split()
)


def _after_prep(text: str, ws: Words, pos: int, preps: tuple[str, ...]) -> tuple[int, int] | None:
    """The phrase after the first of ``preps`` within a few words after ``pos``."""
    low, start = ws.low, ws.start
    n = ws.n
    for k in range(bisect_left(start, pos), n):
        w = low[k]
        if start[k] > pos + 40 or w in {",", ";", "."}:
            return None
        if w in preps and k + 1 < n:
            j = k + 1
            while j < n and low[j][0].isalnum() and low[j] not in PREPOSITIONS:
                j += 1
            return (start[k + 1], ws.end[j - 1]) if j > k + 1 else None
    return None


_LEADING: Final = re.compile(
    r"(?i)^(?:(?:the|a|an|his|her|their|its|our|my|this|that|these|those|some|several|two|three|four|five|six|seven|eight|nine|ten|\d[\d,]*|\d+-year-old|[a-z]+-year-old|local|unidentified|alleged|suspected)\s+)+"
)


def _phrase_entity(text: str, span: tuple[int, int] | None, agentive: bool) -> Entity | None:
    """A common noun phrase as a participant ("a shopkeeper", "a fuel depot"), when it can be one:
    not a pronoun, a weapon, a number or a time; an actor's head must name someone who acts."""
    if span is None:
        return None
    phrase = text[span[0] : span[1]].strip(" ,.;:'’\"“”")
    if not phrase or len(phrase) > 60:
        return None
    name = _LEADING.sub("", phrase).strip()
    ws_ = name.lower().split()
    if not ws_ or len(ws_) > 5:
        return None
    if ws_[0] in CONJUNCTIONS or ws_[0].endswith(("ed", "ing")) or ws_[0] in IRREGULAR_PAST:
        return None  # a verb phrase ("carried out", "and referring"), not a party
    head = ws_[-1]
    if head in _NOT_A_PARTY or head in _WEAPON_WORDS or not head[0].isalpha() or head in _TIME_WORDS:
        return None
    if any(w in _WEAPON_WORDS for w in ws_):
        return None
    if agentive and not (head in _AGENT_NOUNS or head.endswith(_AGENT_SUFFIXES)):
        return None
    return Entity(phrase, name, None)


_TIME_WORDS: Final = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday night day week month year morning evening overnight "
    "today yesterday".split()
)


def stage_checks(d: Draft) -> bool:
    """Type and mode: what the clause's modality makes of the act (PLOVER: a future cooperative
    act is an AGREE, a future retreat a CONCEDE, anything else unrealised is no event), attacks on
    a political target without weapons are verbal (ACCUSE), and an attack needs an attacker or a
    stated target."""
    c = d.clause
    assert c is not None
    modality = c.modality
    if modality is not None and d.etype != "THREATEN":
        if modality == "future" and d.etype in ("CONSULT", "SUPPORT", "COOPERATE", "AID"):
            d.etype, d.mode = "AGREE", None
        elif modality == "future" and d.etype == "RETREAT":
            d.etype, d.mode = "CONCEDE", None
        elif d.etype in ("AGREE",) and modality == "future":
            pass
        else:
            return False  # asked for, intended, possible, refused or conditional: not done
    trig, s = d.trig, d.s
    if d.etype == "ASSAULT" and trig.political and not _weapon_mode(s):
        target_text = d.recip_m.text if d.recip_m else s.text[d.t_end : d.t_end + 60]
        if _POLITICAL.search(target_text):
            d.etype, d.mode = "ACCUSE", "disapprove"
        elif trig.id == "assault-attack-verb" and d.recipient is None:
            # "attacked" without weapons or a political target: keep only when the target is concrete
            return False
    if d.etype == "ASSAULT" and d.actor is None:
        if d.reverse_unowned or d.recipient is None:
            return False
        if not (d.passive or trig.reverse) and (d.recip_m is None or d.recip_m.kind != "person"):
            return False  # an attack told without an attacker: only on a named person
        named = d.recip_m is not None and d.recip_m.kind in ("person", "org", "country", "capital", "place", "unknown")
        if not named and _CASUALTY.match(d.m.group()) and (d.recip_m is not None or _human(d.recipient.name)):
            return False  # "two people were injured": the toll of an attack told elsewhere, not an attack
    if d.actor is None and d.etype in _NEEDS_ACTOR and not (d.etype == "ACCUSE" and d.mode == "investigate"):
        return False  # a promise, request, refusal, accusation or gift with nobody making it is no event
    return not (d.actor is None and d.recipient is None)


def stage_circumstances(d: Draft, published: date | None, dateline_place: Entity | None) -> ExtractedEvent | None:
    """Place, date, quantity and casualties; then the confidence of the whole."""
    s, text = d.s, d.s.text
    t_start, t_end, lo, hi = d.t_start, d.t_end, d.lo, d.hi
    g = gazetteer()
    location = None
    recip_m, recipient = d.recip_m, d.recipient
    if recip_m is not None and recip_m.kind in ("place", "capital") and d.etype == "ASSAULT":
        # a city attacked: the recipient is its country, the city the location
        location = Entity(recip_m.text.rstrip("'’s"), recip_m.name, recip_m.country)
        if recip_m.country:
            recipient = Entity(recip_m.text, g.country_name(recip_m.country) or recip_m.name, recip_m.country)
    if location is None:
        location = _location(s, t_end, dateline_place) or dateline_place
    dm = _nearest_date(s, t_start, lo, hi, own_clause=d.in_phrase)  # the main clause's date is not a phrase's
    if dm is not None and published is not None and dm.date is not None and (published - dm.date).days > 60:
        return None  # background history, not an event of the reported period
    if dm is not None and dm.date is None and _years_ago(dm.text):
        return None  # "three years ago", "last year": history even when the publication date is unknown
    q = _quantity(s, t_start, t_end, lo, hi, d.passive, d.etype)
    casualties: dict[str, int] = {}
    for cq in s.quantities:
        if cq.unit != "people":
            continue
        near = text[cq.end : cq.end + 30].lower()
        before = text[max(0, cq.start - 25) : cq.start].lower()
        for word, key in (
            ("kill", "killed"),
            ("injur", "injured"),
            ("wound", "injured"),
            ("arrest", "arrested"),
            ("dead", "killed"),
        ):
            if word in near or word in before:
                casualties.setdefault(key, int(cq.value))
                break
    return ExtractedEvent(
        type=d.etype,
        mode=d.mode,
        sentence=text,
        start=s.start,
        end=s.end,
        trigger=d.m.group(),
        confidence=stage_confidence(d, recipient),
        actor=d.actor,
        recipient=recipient,
        location=location,
        date=dm.date if dm else None,
        date_text=dm.text if dm else None,
        date_precision=dm.precision if dm and dm.date else None,
        quantity=(q.value, q.unit) if q else None,
        casualties=casualties,
        rule=d.trig.id,
    )


def stage_confidence(d: Draft, recipient: Entity | None) -> float:
    """The trigger's base confidence, less for a missing party or a party read from a common noun."""
    conf = d.trig.confidence
    if d.actor is None:
        conf -= 0.15
    elif d.actor_m is None:
        conf -= 0.1  # an unnamed actor ("a shopkeeper")
    if recipient is None:
        conf -= 0.05
    return round(max(0.05, min(conf, 0.99)), 2)


def is_institution(m: Mention) -> bool:
    """A group mention that is one body ("the army", "state police"), which English calls "it"."""
    return m.kind == "group" and m.name.split()[-1].lower() in _INSTITUTION_HEADS


_INSTITUTION_HEADS: Final = frozenset(
    ("army", "military", "navy", "police", "government", "administration", "ministry")
)


class Antecedents:
    """Lazily found antecedents of a pronoun subject in sentence ``i`` (walks back, computing as needed)."""

    def __init__(self, sentences: list[Sentence], i: int, ctx: ArticleContext):
        self.sentences, self.i, self.ctx = sentences, i, ctx

    def get(self, kind: str) -> Mention | None:
        institution = None  # "it" for a body named by a group noun ("the army"), if no organisation is found
        for s in reversed(self.sentences[max(0, self.i - 6) : self.i]):
            for men in reversed(s.mentions):
                is_person = men.kind == "person" or (men.kind == "unknown" and men.name in self.ctx.full_names)
                if kind == "person" and is_person:
                    return men
                near_start = men.start - s.start < 40
                if kind == "org" and men.kind == "org" and near_start:
                    return men
                if kind == "org" and institution is None and near_start and is_institution(men):
                    institution = men
                if kind == "other" and men.kind in ("org", "country", "capital", "group") and near_start:
                    return men
        return institution

    def __bool__(self) -> bool:
        return self.i > 0
