"""Building one event from one trigger match, in named stages.

``voice`` (the clause layer: active or passive, subject, object, agent, negation, modality) ->
``participants`` (actor and recipient from the clause's roles, resolved to named mentions) ->
``checks`` (type and mode: hypotheticals, denials, political attacks, future cooperation) ->
``circumstances`` (place, date, quantity, casualties) -> ``confidence``. Each event carries
the id of the trigger rule that produced it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from itertools import chain

from pipeline.core.events.dates import DateMention, find_dates
from pipeline.core.events.gazetteer import gazetteer
from pipeline.core.events.mentions import (
    ArticleContext,
    Mention,
    find_mentions,
)
from pipeline.core.events.model import Entity, ExtractedEvent
from pipeline.core.events.quantities import QuantityMention, find_quantities
from pipeline.core.scan import Folded

WEAPONS = (
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
_CLAUSE_LEFT = re.compile(
    r"(?:;|\b(?:said|says|stated|told|reported|claimed|announced|added|that|after|while|when|despite|"
    r"before|because|whereas|but|which|who|where|although|though|as)\b|, (?:and|while|as)\b)"
)
_RIGHT_WORDS = (*"after before while when because despite which who although though since said".split(), "according to")
# each word opens with its letter and looks behind after it ("a(?<!\wa)fter\b" for "\bafter\b"), so
# the engine skips in C to the few characters that can start a boundary
_CLAUSE_RIGHT = re.compile(
    ";|"
    + "|".join(rf"{w[0]}(?<!\w{w[0]}){w[1:]}\b" for w in _RIGHT_WORDS)
    + r"|, (?:and|but|while|as|who|which)\b|, [a-z]+ing\b"
)
_NEGATION = Folded(
    r"(?i)\b(?:not|never|no|n't|would|could|might|may|will|shall|should|must|can|cannot|"
    r"(?:plans?|planned|planning|wants?|wanted|aims?|seeks?|sought|intends?|intended|hopes?|hoped|expected|likely|"
    r"ready|preparing|prepared|going|set|due|able|unable|asked|urged|told|called on|ordered|directed|"
    r"promised|promises|pledged|pledges|offered|offers|agreed|agrees) to|plans? to|"
    r"threatened to|vowed to|denied|deny|if|unless|whether)\s+(?:\w+\s+){0,1}$"
)
_LIGHT_VERB_BEFORE = re.compile(
    r"\b(?:carried out|carries out|carrying out|launched|launches|launching|conducted|conducts|mounted|staged|"
    r"unleashed|stepped up|intensified|began|started|resumed)(?: (?:a|an|the|new|fresh|more|massive|major|heavy|"
    r"several|multiple|overnight|deadly|wave of|series of|[\d,]+))* $"
)
_ATTRIBUTION_TAIL = re.compile(
    r",\s(?:the |their |its |his |her |a |an )?(?:[\w'’-]+ ){0,3}(?:said|says|told|added|reported|stated)\b[^,]{0,40}[.!?”\"’]*$"
)
_DENIED = Folded(
    r"(?i)\b(?:denied|denies|deny|denying|refuted|dismissed (?:reports|claims)) (?:that )?(?:[\w'’-]+ ){0,4}$"
)
_CONDITIONAL = re.compile(r"(?i)\s*(?:if|unless)\b")
_PASSIVE = Folded(
    r"(?i)\b(?:was|were|been|being|is|are|be|got|get|gets)\s+"
    r"(?:(?:\w+ly|also|later|then|all|both|each|again|still|already|just|even|now|once|first|since|soon)\s+){0,2}$"
)
_BY_AGENT = re.compile(r"^\s*(?:\w+\s+){0,6}?(?:by|with)\s", re.IGNORECASE)
_MILITARY_HEADS = frozenset(
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
_GOV_POSSESSED = re.compile(
    r"^(?:Defen[cs]e Ministry|Foreign Ministry|Ministry of \w+|military|army|Army|Air Force|air force|forces|troops|"
    r"government|Government|navy|Navy|security service|military administration|air defen[cs]es?)$"
)
_NON_AGENT = frozenset(
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
_SPEECH_BOUNDARY = re.compile(r"\b(?:said|says|stated|told|claimed|reported|announced|added)\s*(?:that\s*)?$")
_PRONOUN_START = re.compile(r"\s*(?:that\s+)?(?:it|they|he|she|we)\b", re.IGNORECASE)
_REPORT_VERBS = re.compile(
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
    modes: tuple[tuple[re.Pattern[str], str], ...]
    preps: tuple[str, ...]
    recipient: str
    political: bool
    reverse: bool
    noun: bool
    confidence: float
    keywords: tuple[str, ...]


_POLITICAL = re.compile(
    r"(?i)\b(?:party|parties|congress|bjp|government|opposition|minister|chief minister|leader|cm|pm|"
    r"samajwadi|trinamool|aap|left|administration|centre|regime|spokesperson)\b"
)


def _weapon_mode(s: Sentence) -> str | None:
    for mode, rx in WEAPONS:
        if rx.found(s.text, s.low):
            return mode
    return None


def is_participant(m: Mention) -> bool:
    return m.kind in ("person", "country", "demonym", "capital", "org", "group", "unknown")


def _preceded_by(sentence: str, rel_start: int, words: tuple[str, ...]) -> str | None:
    """The word before ``rel_start`` (lower-cased) when it is one of ``words``.

    >>> _preceded_by("attacks in  Kyiv", 12, ("in", "at")), _preceded_by("Kyiv", 0, ("in",))
    ('in', None)
    """
    end = rel_start
    while end and sentence[end - 1].isspace():
        end -= 1
    if not end:
        return None
    before = sentence[sentence.rfind(" ", 0, end) + 1 : end].lower()
    return before if before in words else None


_LOC_PREPS = ("in", "at", "near", "from", "across", "outside", "inside", "around", "of", "over", "into", "to")


class Sentence:
    """A sentence of the body; mentions, dates and quantities are computed on first use."""

    __slots__ = (
        "_ctx",
        "_dates",
        "_mentions",
        "_pub",
        "_quantities",
        "end",
        "ignore_before",
        "low",
        "para",
        "start",
        "text",
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

    @property
    def mentions(self) -> list[Mention]:
        if self._mentions is None:
            assert self._ctx is not None
            found = find_mentions(self.text, self.start, self._ctx)
            self._mentions = [m for m in found if m.start >= self.ignore_before] if self.ignore_before else found
        return self._mentions

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
    idx = sentence.mentions.index(m) if m in sentence.mentions else 0
    if idx > 0:
        prev = sentence.mentions[idx - 1]
        gap = sentence.text[prev.end - sentence.start : m.start - sentence.start]
        if prev.possessive and not gap.strip() and prev.country and _GOV_POSSESSED.match(m.name):
            return Entity(f"{prev.text} {m.text}", g.country_name(prev.country) or prev.name, prev.country)
    if m.kind == "group" and m.country and m.name.split()[-1].lower() in _MILITARY_HEADS:
        return Entity(m.text, g.country_name(m.country) or m.name, m.country)
    return m.entity(role)


_WEAPON_NOUN = (
    r"(?:drones?|missiles?|rifles?|pistols?|guns?|rockets?|tanks?|jets?|helicopters?|shells?|bombs?|launchers?)"
)
_WEAPON_AFTER = re.compile(
    rf"\s+(?:(?:attack|kamikaze|combat|strike|assault|suicide|cruise|ballistic|sniper|machine|anti-tank)\s+)?"
    rf"{_WEAPON_NOUN}\b",
    re.IGNORECASE,
)
_WEAPON_NAME = re.compile(rf"(?:\s{_WEAPON_NOUN}|-(?:made|built|designed|supplied|manufactured))$", re.IGNORECASE)


_PREPOSITIONAL_BOUNDARY = re.compile(
    r"\b(?:despite|after|before|since|amid|during|following|because|while|when|although|though|as|whereas)\s*$"
)
_OFFICE = re.compile(r"(?i)\b(?:ministry|department|court|commission|office|council|agency|committee|board)\b")
_NOUN_AGENT = re.compile(r"\bby\s+(?:the\s+)?$", re.IGNORECASE)  # right before the mention
_AND_BEFORE = re.compile(r"\band\s+$")
_YEARS_AGO = re.compile(r"(?i)\b(?:years?|decades?) ago$|^last year$")
_PAST_VERB = re.compile(
    r"\b(?:[a-z]{2,}ed|took|seized|shot|hit|struck|held|caught|found|made|sent|led|began|won|gave|beat|fought|threw)\b"
)
_SUBSET_WORDS = ("including", "especially", "mainly", "mostly", "notably")
_OBJECT_PREPS = ("on", "against", "targeting")  # "Russia's attack on Kyiv killed…": Kyiv is no subject


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
        if _preceded_by(s.text, rs, _SUBSET_WORDS):
            continue  # "protesters, including women,": a part of the party named just before
        prep = _preceded_by(s.text, rs, _LOC_PREPS)
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


def _location(s: Sentence, t_end: int, dateline_place: Entity | None) -> Entity | None:
    g = gazetteer()
    best = None
    for m in s.mentions:
        rs = m.start - s.start
        if m.kind in ("place", "capital", "country", "unknown", "org") and _preceded_by(
            s.text, rs, ("in", "at", "near", "over", "across", "outside", "inside")
        ):
            if m.kind in ("org", "unknown") and not re.search(
                r"(?i)(?:district|village|area|region|city|town|state|"
                r"station|road|temple|assembly|nagar|square)\b",
                m.text,
            ):
                continue
            cand = Entity(m.text.rstrip("'’s"), m.name, m.country or g.place_country(m.name))
            if best is None or abs(rs - t_end) < best[0]:
                best = (abs(rs - t_end), cand)
    return best[1] if best else None


_BACKGROUND = re.compile(r"(?i)\s*(?:background|context|previously|earlier in the (?:war|conflict|year))\s*:")
_DETERMINER_BEFORE = Folded(
    r"(?i)\b(?:the|a|an|his|her|their|its|these|those|such|any|no|all|both|\d+|two|three|four|five|six|seven|eight|"
    r"nine|ten|several|many|some|(?!(?:he|she|it|that|who|what|there|here|where|one)['’]s)\w+['’]s"
    r"(?: (?:attempted|failed|planned|latest|biggest|new|first|second|overnight))?)\s+$"
)
_DETERMINER_ADJ_BEFORE = Folded(r"(?i)\b(?:the|a|an|his|her|their|its|this|these|those|such|any|no)\s+\w+\s+$")
_NOUN_OK = frozenset(
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


def _inside(spans: list[tuple[int, int]], pos: int) -> bool:
    return any(a <= pos < b for a, b in spans)


def events_for_sentence(
    s: Sentence,
    published: date | None,
    dateline_place: Entity | None,
    quoted: list[tuple[int, int]],
    antecedents: Antecedents | None,
    candidates: list[Trigger],
) -> list[ExtractedEvent]:
    text, low = s.text, s.low
    told: bool | None = None  # does the sentence tell a current act? decided when a trigger occurs
    best: dict[tuple[str, str | None], ExtractedEvent] = {}
    for trig in candidates:
        found = trig.pattern.finditer(text)
        first = next(found, None)
        if first is None:
            continue
        if told is None:
            told = not _untold(text)
        if not told:
            return []
        if trig.blocks is not None and trig.blocks.found(text, low):
            continue
        if trig.needs_any is not None and not trig.needs_any.found(text, low):
            continue
        for m in chain((first,), found):
            t_start, t_end = m.span()
            lo_need = max(0, t_start - 80) if trig.reverse else t_end  # "drones were downed": the weapon comes first
            if trig.needs is not None and not trig.needs.found(text, low, lo_need, min(len(text), t_end + trig.window)):
                continue
            if _NEGATION.found_before(s.text, s.low, t_start, 40) and trig.type not in ("THREATEN",):
                continue
            if _DENIED.found_before(s.text, s.low, t_start, 60):
                continue  # "denied that they had arrested any journalists"
            if _inside(quoted, s.start + t_start):
                continue
            if trig.id not in _NOUN_OK and (
                _DETERMINER_BEFORE.found_before(s.text, s.low, t_start, 30)
                or (
                    (text.startswith(" of", t_end) or not m.group().split(" ")[0].endswith("ed"))
                    and _DETERMINER_ADJ_BEFORE.found_before(s.text, s.low, t_start, 40)
                )
            ):
                continue  # a noun ("the biggest attack targeting…"), not the verb
            ev = _build(s, trig, m, published, dateline_place, antecedents)
            if ev is None:
                continue
            key = (ev.type, ev.mode)
            best[key] = _combine(best[key], ev) if key in best else ev
    return sorted(best.values(), key=lambda e: e.sentence.find(e.trigger))


_HABITUAL_CUES = ("often", "usual", "rare", "routine", "regular", "frequent", "typical", "tend to")


def _untold(sentence: str) -> bool:
    """A sentence that reports no act of its own: a background label, a habit or a condition.

    >>> _untold("Background: Russia fired drones."), _untold("Police often arrest them."), _untold("Police arrested him.")
    (True, True, False)
    """
    if _CONDITIONAL.match(sentence) or (":" in sentence and _BACKGROUND.match(sentence)):
        return True
    low = sentence.lower()  # the cue words let most sentences skip the case-insensitive search
    return any(c in low for c in _HABITUAL_CUES) and _HABITUAL.search(sentence) is not None


def _combine(a: ExtractedEvent, b: ExtractedEvent) -> ExtractedEvent:
    """Two triggers of one sentence telling one event: keep the fuller, completed from the other.

    "Israel carried out airstrikes on southern Lebanon, killing 12 people": the strike names the
    country attacked, the participle the count — one event with both.
    """
    win, other = (a, b) if _completeness(a) >= _completeness(b) else (b, a)
    if win.actor_name is None or win.actor_name != other.actor_name:
        return win
    if other.recipient is not None and other.recipient.country and (win.recipient is None or not win.recipient.country):
        win.recipient = other.recipient
    if win.quantity is None and other.quantity is not None:
        win.quantity = other.quantity
    for k, v in other.casualties.items():
        win.casualties.setdefault(k, v)
    return win


def detail(ev: ExtractedEvent) -> int:
    return sum(x is not None for x in (ev.actor, ev.recipient, ev.date, ev.quantity, ev.location))


def _completeness(ev: ExtractedEvent) -> float:
    return (
        ev.confidence
        + 0.1 * (ev.actor is not None)
        + 0.1 * (ev.recipient is not None)
        + 0.05 * (ev.quantity is not None)
    )


_IRREGULAR_PARTICIPLES = frozenset(
    "shot hit struck held seized slain beaten stabbed thrown sent put set led caught brought taken given made".split()
)
_HABITUAL = re.compile(
    r"(?i)\b(?:often|usually|rarely|routinely|regularly|frequently|typically|are rare|is rare|tend to)\b"
)
_SOURCE_BEFORE = Folded(r"(?i)(?:reported by|according to|quoted by|told|citing)\s+(?:the\s+)?$")
_PRONOUN_SUBJECT = re.compile(
    r"\s*(?:(?:but|and|then|also|later|earlier|meanwhile),?\s+)?(?P<p>[Hh]e|[Ss]he|[Ii]t|[Tt]hey)\b"
)


def _build(
    s: Sentence,
    trig: Trigger,
    m: re.Match[str],
    published: date | None,
    dateline_place: Entity | None,
    antecedents: Antecedents | None = None,
) -> ExtractedEvent | None:
    text = s.text
    t_start, t_end = m.span()
    lo, hi = _clause_bounds(text, t_start, t_end)
    first_word = m.group().split(" ")[0].lower()
    passive = _PASSIVE.found_before(s.text, s.low, t_start, 30) and (
        first_word.endswith(("ed", "en")) or first_word in _IRREGULAR_PARTICIPLES
    )
    etype, mode = trig.type, trig.mode
    after = text[t_end : min(len(text), t_end + 120)]
    for rx, md in trig.modes:
        if rx.search(after) or rx.search(m.group()):
            mode = md
            break
    if trig.weapon_mode and mode is None:
        mode = _weapon_mode(s)
    # a phrase opened by "despite", "after"…: its own parties and its own time
    in_phrase = lo > 0 and bool(_PREPOSITIONAL_BOUNDARY.search(text, max(0, lo - 12), lo))
    left = [x for x in _actor_candidates(s, lo, t_start) if not _preceded_by(text, x.start - s.start, _OBJECT_PREPS)]
    if left and not passive and _AND_BEFORE.search(text, max(0, t_start - 6), t_start):
        # a second verb of one subject ("the ATS recovered 13 pistols from the accused and
        # arrested…", "It killed three militants and arrested two"): what stands just before
        # "and" is the first verb's object; the subject opens the clause
        if len(left) >= 2 and _PAST_VERB.search(text, left[0].end - s.start, left[-1].start - s.start):
            left = left[:1]
        elif _PRONOUN_SUBJECT.match(text, lo) and _PAST_VERB.search(text, lo, left[0].start - s.start):
            left = []
    right = _actor_candidates(s, t_end, hi, trig.preps)
    tail = _ATTRIBUTION_TAIL.search(text, t_end)
    if tail is not None and not passive:
        # ", their union said": the source of the report, not the other party (in a passive
        # sentence it may be the agent: "…was arrested on Monday, police said")
        right = [r for r in right if r.start - s.start < tail.start()]
    if (
        not left
        and lo > 0
        and _SPEECH_BOUNDARY.search(text[max(0, lo - 12) : lo])
        and _PRONOUN_START.match(text[lo:t_start])
    ):
        # "Russia also said it had shot down…": the pronoun is the reporting subject
        left = _actor_candidates(s, 0, lo)[-1:]
    if not left and lo > 0 and re.fullmatch(r"\s*(?:the|a|an)\s+", text[lo:t_start] or "x") and not in_phrase:
        # "Police said the arrest…": the clause before names who did it (not after "despite a
        # phone call…", where the main clause's subject is no party to the call)
        left = _actor_candidates(s, 0, lo)[-1:]
    if not left and antecedents:
        pm = _PRONOUN_SUBJECT.match(text, lo)
        if pm and pm.end() <= t_start:
            pron = pm.group("p").lower()
            ante = antecedents.get("person" if pron in ("he", "she") else "org" if pron == "it" else "other")
            if ante is not None and pron == "it" and etype in ("ASSAULT", "COERCE") and _OFFICE.search(ante.name):
                ante = None  # "It … injured a woman": the attack, not the ministry that reported it
            if ante is not None:
                left = [
                    Mention(
                        s.start + pm.start("p"),
                        s.start + pm.end("p"),
                        pm.group("p"),
                        ante.kind,
                        ante.name,
                        ante.country,
                    )
                ]
    after_trigger = right
    if trig.preps:
        prepped = [r for r in right if _preceded_by(text, r.start - s.start, trig.preps) or r.kind == "demonym"]
        right = prepped or [r for r in right if r.kind in ("person", "country", "capital", "org", "group")]
    actor_m: Mention | None = None
    recip_m: Mention | None = None
    if trig.noun:
        if not _LIGHT_VERB_BEFORE.search(text, max(0, t_start - 60), t_start):
            left = [x for x in left if t_start - (x.end - s.start) <= 25 and (x.possessive or x.kind == "demonym")]
        # else "Israel carried out airstrikes on…": the light verb's subject is the actor
        passive = False
    elif left and first_word.endswith("ing") and text[:t_start].rstrip().endswith(","):
        # ", killing 12 people": the participle's subject is the main clause's subject
        left = left[:1]
    if passive:
        recip_m = left[-1] if left else None
        agent = [r for r in right if _BY_AGENT.match(text[t_end : r.start - s.start] + " ")]
        actor_m = agent[0] if agent else None
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
            actor_m, recip_m = owner, actor_m
        if actor_m is None:
            return None
    if actor_m is None and not passive and lo > 0:
        # reported speech: "Zelensky said Russia fired…" (subject after the speech verb) handled by lo;
        # a relative clause ("Manoj, who was arrested by…") has its subject before the boundary
        pass
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
        named = [r for r in s.mentions if t_start <= r.start - s.start and r.end - s.start <= t_end and is_participant(r)]
        if named:
            recip_m = named[-1]
    if actor_m is not None and actor_m is recip_m:
        recip_m = None
    if etype == "ASSAULT" and trig.political and not _weapon_mode(s):
        target_text = recip_m.text if recip_m else after[:60]
        if _POLITICAL.search(target_text):
            etype, mode = "ACCUSE", "disapprove"
        elif trig.id == "assault-attack-verb" and recip_m is None:
            # "attacked" without weapons or a political target: keep only when the target is concrete
            return None
    if etype == "ASSAULT" and actor_m is None and (recip_m is None or recip_m.kind != "person"):
        return None
    if actor_m is None and recip_m is None:
        return None
    actor = _entity_for(actor_m, s, "actor") if actor_m else None
    recipient = _entity_for(recip_m, s, "recipient") if recip_m else None
    if actor is not None and recipient is not None and actor.name == recipient.name:
        recipient = None
    location = None
    g = gazetteer()
    if recip_m is not None and recip_m.kind in ("place", "capital") and etype == "ASSAULT":
        # a city attacked: the recipient is its country, the city the location
        location = Entity(recip_m.text.rstrip("'’s"), recip_m.name, recip_m.country)
        if recip_m.country:
            recipient = Entity(recip_m.text, g.country_name(recip_m.country) or recip_m.name, recip_m.country)
    if location is None:
        location = _location(s, t_end, dateline_place) or dateline_place
    d = _nearest_date(s, t_start, lo, hi, own_clause=in_phrase)  # the main clause's date is not a phrase's
    if d is not None and published is not None and d.date is not None and (published - d.date).days > 60:
        return None  # background history, not an event of the reported period
    if d is not None and d.date is None and _YEARS_AGO.search(d.text):
        return None  # "three years ago", "last year": history even when the publication date is unknown
    q = _quantity(s, t_start, t_end, lo, hi, passive, etype)
    conf = trig.confidence
    if actor is None:
        conf -= 0.15
    if recipient is None:
        conf -= 0.05
    casualties: dict[str, int] = {}
    for cq in s.quantities:
        near = text[cq.end : cq.end + 30].lower()
        before = text[max(0, cq.start - 25) : cq.start].lower()
        if cq.unit != "people":
            continue
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
        type=etype,
        mode=mode,
        sentence=text,
        start=s.start,
        end=s.end,
        trigger=m.group(),
        confidence=round(max(0.05, min(conf, 0.99)), 2),
        actor=actor,
        recipient=recipient,
        location=location,
        date=d.date if d else None,
        date_text=d.text if d else None,
        date_precision=d.precision if d and d.date else None,
        quantity=(q.value, q.unit) if q else None,
        casualties=casualties,
    )


def _institution(m: Mention) -> bool:
    """A group mention that is one body ("the army", "state police"), which English calls "it"."""
    return m.kind == "group" and m.name.split()[-1].lower() in _INSTITUTION_HEADS


_INSTITUTION_HEADS = frozenset(("army", "military", "navy", "police", "government", "administration", "ministry"))


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
                if kind == "org" and institution is None and near_start and _institution(men):
                    institution = men
                if kind == "other" and men.kind in ("org", "country", "capital", "group") and near_start:
                    return men
        return institution

    def __bool__(self) -> bool:
        return self.i > 0


