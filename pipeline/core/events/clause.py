"""The clause around a trigger: voice, subject, object and agent spans, negation and modality.

Read from general structure, not from per-case patterns: closed-class lexicons (auxiliaries,
modals, negators, determiners, prepositions, pronouns, subordinators) and English verb
morphology (participles in -ed/-en and the irregular ones, gerunds in -ing) tag the words of a
sentence coarsely; the verb group that holds the trigger is read leftwards through its
auxiliaries and adverbs, its subject is the noun phrase that opens the clause (or, for a relative
or non-finite clause, the phrase it attaches to), its object the phrase after it, and a passive's
agent the phrase after "by". No model, no download: a table lookup per word, and only sentences
with a trigger are read.

>>> c = analyse("A fuel depot was struck by missiles overnight.", 17, 23)
>>> c.voice, c.subject, c.agent
('passive', (0, 12), (27, 35))
>>> c = analyse("Police did not arrest the men.", 15, 21)
>>> c.voice, c.negated, c.subject, c.obj
('active', True, (0, 6), (22, 29))
>>> analyse("Russia will send troops to the border.", 12, 16).modality
'future'
"""

from __future__ import annotations

import re
from bisect import bisect_left
from itertools import accumulate
from typing import Final, NamedTuple

_WORD: Final = re.compile(r"[^\W_][\w'’-]*|[^\w\s]")
_SPLIT: Final = re.compile(f"({_WORD.pattern})")
# the same on ASCII text, its classes spelt out in ASCII (a bitmap test per character instead of
# Unicode category look-ups; \s on ASCII is these six and \x1c-\x1f)
_SPLIT_ASCII: Final = re.compile("([a-zA-Z0-9][a-zA-Z0-9_'-]*|[^a-zA-Z0-9_ \t\n\r\x0b\x0c\x1c-\x1f])")

BE: Final = frozenset("is are was were be been being am".split())
GET: Final = frozenset("get gets got gotten getting".split())
HAVE: Final = frozenset("has have had having".split())
DO: Final = frozenset("do does did".split())
FUTURE: Final = frozenset("will shall 'll".split())
POSSIBLE: Final = frozenset("may might could can should must would ought".split())
NEGATORS: Final = frozenset("not never n't cannot no-longer".split())
DETERMINERS: Final = frozenset(
    "the a an this that these those his her its their our my your some any every each all both several "
    "many few no another other such".split()
)
PREPOSITIONS: Final = frozenset(
    "of in on at by for with from to into onto over under against during after before since through across "
    "near amid amidst following despite toward towards about around between among without within outside "
    "inside upon via per off along behind beyond beside besides like than including".split()
)
SUBORDINATORS: Final = frozenset(
    "that because although though while when whenever if unless whether as since after before once until where "
    "whereas so".split()
)
RELATIVES: Final = frozenset("who which whom whose that".split())
PRONOUNS: Final = frozenset("he she it they we i you him them us me".split())
CONJUNCTIONS: Final = frozenset("and or but nor".split())
ADVERBS: Final = frozenset(
    "also later then again still already just even now once first since soon reportedly allegedly jointly "
    "finally eventually subsequently immediately recently previously earlier today yesterday tonight overnight "
    "yet ever further too all both each not never".split()
)
PARTICLES: Final = frozenset("down up out off back away over".split())
IRREGULAR_PARTICIPLES: Final = frozenset(
    """shot hit struck held seized slain beaten stabbed thrown sent put set led caught brought taken given made
    found known shown seen told sold built bought fought won begun done gone drawn driven eaten fallen flown
    forbidden forgiven frozen hidden kept laid left lost meant met paid read run said sought spent stolen stood
    sworn torn understood withdrawn written bound broken chosen cut hurt let quit shut spread upheld overrun
    overthrown undertaken arisen""".split()
)
# simple past forms that do not end in -ed (a verb, never a noun after "the ... ")
IRREGULAR_PAST: Final = frozenset(
    """heard met held sent took gave began fought struck shot hit led left sought told made threw withdrew drew
    broke froze swore wrote ran came went fled fell won lost kept paid put set said found brought bought caught
    taught stood spoke rode flew beat bit hid slid""".split()
)
SPEECH: Final = frozenset("said says say told tells stated claimed reported announced added according".split())
# a governing word before "to" + verb: the act is asked for, promised, intended or refused, not done
_GOVERNED: Final = {
    "requested": frozenset(
        "asked urged told ordered directed instructed called requested demanded pressed appealed begged".split()
    ),
    "future": frozenset(
        "promised promises pledged pledges offered offers agreed agrees vowed vows decided decides resolved "
        "undertook committed".split()
    ),
    "intended": frozenset(
        "plans planned planning plan wants wanted want aims aimed aim seeks sought seek intends intended intend "
        "hopes hoped hope expected expects likely unlikely ready preparing prepared going set due able "
        "threatened threatens threatening warned wishes wished".split()
    ),
    "negated": frozenset("refused refuses declined declines failed fails unable denied denies".split()),
}
_CONDITIONAL: Final = frozenset("if unless whether".split())
_DET_ADVERBS: Final = frozenset("all both each first".split())


class Words:
    """A sentence's words and marks as parallel lists: lower-cased text, start and end offsets.

    Made from one ``re.split`` and running sums of the pieces' lengths (both loops in C): a
    tokeniser with a match object per word cost more than the whole clause analysis.
    """

    __slots__ = ("end", "low", "n", "start")

    def __init__(self, low: list[str], start: list[int], end: list[int]) -> None:
        self.low, self.start, self.end = low, start, end
        self.n = len(low)


class Clause(NamedTuple):
    """What the clause around a trigger says about it (spans are sentence-relative, end exclusive)."""

    voice: str  # active | passive
    subject: tuple[int, int] | None  # the verb's grammatical subject (the recipient of a passive)
    obj: tuple[int, int] | None  # the first noun phrase after the verb group (active voice)
    agent: tuple[int, int] | None  # "by" + noun phrase after a passive verb
    negated: bool
    modality: str | None  # None (told as done) | future | possible | intended | requested | conditional
    nonfinite: bool  # "for stabbing", ", killing": the subject is the main clause's


_TUPLE_NEW: Final = tuple.__new__


def clause(
    voice: str,
    subject: tuple[int, int] | None,
    obj: tuple[int, int] | None,
    agent: tuple[int, int] | None,
    negated: bool,
    modality: str | None,
    nonfinite: bool,
) -> Clause:
    """``Clause(...)`` without the interpreted class call (why: :func:`pipeline.core.events.mentions.mention`)."""
    return _TUPLE_NEW(Clause, (voice, subject, obj, agent, negated, modality, nonfinite))


def words(text: str, low: str | None = None) -> Words:
    """The sentence's words and marks, lower-cased, with their offsets.

    >>> ws = words("Police didn't act.")
    >>> ws.low, ws.start, ws.end
    (['police', "didn't", 'act', '.'], [0, 7, 14, 17], [6, 13, 17, 18])
    """
    src = low if low is not None else text.lower()
    parts = (_SPLIT_ASCII if src.isascii() else _SPLIT).split(src)  # gap, word, gap, word, ..., gap
    ends = list(accumulate(map(len, parts)))
    toks = parts[1::2]
    n = len(toks)
    return Words(toks, ends[0 : 2 * n : 2], ends[1::2])


def is_participle(w: str) -> bool:
    return w.endswith(("ed", "en")) or w in IRREGULAR_PARTICIPLES


def _neg(w: str) -> bool:
    return w in NEGATORS or w.endswith(("n't", "n’t"))


# one set lookup for the tests the phrase readers make at every word
_NP_RIGHT_STOP: Final = (
    PREPOSITIONS | CONJUNCTIONS | RELATIVES | BE | HAVE | SPEECH | IRREGULAR_PAST | FUTURE | POSSIBLE | DO
)
_NP_RIGHT_ADVERBS: Final = ADVERBS - _DET_ADVERBS
_NP_LEFT_STOP: Final = (
    PREPOSITIONS | CONJUNCTIONS | SUBORDINATORS | RELATIVES | SPEECH | BE | HAVE | DO | FUTURE | POSSIBLE | NEGATORS
)
_NP_MARKS: Final = frozenset(("'s", "’s", "-"))


def _np_right(ws: Words, i: int, limit: int) -> tuple[int, int] | None:
    """The noun phrase starting at word ``i`` (a determiner, numbers, adjectives and nouns up to a
    preposition, a verb-like word, a conjunction or a mark)."""
    low, start = ws.low, ws.start
    n = ws.n
    if i >= n or start[i] >= limit:
        return None
    w = low[i]
    if (not w[0].isalnum() and w not in _NP_MARKS) or w in PREPOSITIONS:
        return None
    j = i + 1
    while j < n and start[j] < limit:
        w = low[j]
        if not w[0].isalnum() and w not in _NP_MARKS:
            break
        if w in _NP_RIGHT_STOP or w in _NP_RIGHT_ADVERBS:
            break  # "the drones launched by Russia fell": the main verb closes the phrase
        j += 1
    return start[i], ws.end[j - 1]


def _np_word(low: list[str], k: int) -> bool:
    """Can word ``k`` sit inside a noun phrase (read backwards from a verb)?"""
    w = low[k]
    if not w[0].isalnum():
        return w in {"'s", "’s", "-"}
    if w in _NP_LEFT_STOP or w.endswith(("n't", "n’t")):
        return False
    if k > 0 and w.endswith("ed"):
        prev = low[k - 1]
        if prev not in DETERMINERS and not prev[0].isdigit():
            return prev in ADVERBS  # "lodged", "said": a verb ends the phrase ("well-armed" aside)
    return True


def _appositive_head(ws: Words, first: int, comma: int) -> tuple[int, int] | None:
    """The phrase before an appositive's comma ("Vladimir Zavadsky" in "Vladimir Zavadsky, the commander")."""
    low = ws.low
    e = comma - 1
    a = e
    while a >= first and _np_word(low, a):
        a -= 1
    if a == e:
        return None
    if a >= first and low[a] in PREPOSITIONS:
        return None
    return ws.start[a + 1], ws.end[e]


def _adverb(w: str) -> bool:
    return w in ADVERBS or (len(w) > 4 and w.endswith("ly"))


def _subject_left(ws: Words, first: int, verb: int) -> tuple[int, int] | None:
    """The subject noun phrase of a verb group starting at word ``verb``, read backwards from it
    within words ``first``..verb-1: prepositional phrases ("in Mumbai", "on Monday") are stepped
    over, an "of" phrase belongs to the head before it ("the unit of the ATS")."""
    low, start, end = ws.low, ws.start, ws.end
    j = verb - 1
    while j >= first and _adverb(low[j]):
        j -= 1
    if j > first and low[j] == ",":
        j -= 1  # "Zavadsky, the deputy commander of the corps, was killed": the appositive closes
    while j >= first:
        if not _np_word(low, j):
            return None
        a = j
        while a - 1 >= first and _np_word(low, a - 1):
            a -= 1
        prev = low[a - 1] if a - 1 >= first else ""
        if prev == "of" and a - 2 >= first and _np_word(low, a - 2):
            b = a - 2
            while b - 1 >= first and _np_word(low, b - 1):
                b -= 1
            prev2 = low[b - 1] if b - 1 >= first else ""
            if prev2 == "," and low[b] in DETERMINERS:
                return _appositive_head(ws, first, b - 1) or (start[b], end[j])
            if prev2 not in PREPOSITIONS:
                return start[b], end[j]
            j = b - 2
            continue
        if prev == "," and low[a] in DETERMINERS:
            return _appositive_head(ws, first, a - 1) or (start[a], end[j])
        if (prev in {"and", "&"}) and low[a] not in PRONOUNS and a - 2 >= first and _np_word(low, a - 2):
            b = a - 2
            while b - 1 >= first and _np_word(low, b - 1):
                b -= 1
            if b == first or not low[b - 1][0].isalnum() or low[b - 1] in SUBORDINATORS:
                return start[b], end[j]  # "India and Japan signed": both conjuncts open the clause
        if prev in PREPOSITIONS and prev != "of":
            j = a - 2  # a prepositional phrase: the subject stands before it
            continue
        return start[a], end[j]
    return None


def subject_before(ws: Words, pos: int) -> tuple[int, int] | None:
    """The subject phrase of the verb that starts at or after sentence offset ``pos``."""
    return _subject_left(ws, 0, bisect_left(ws.start, pos))


_GOVERNING: Final[dict[str, str]] = {}
for _kind, _verbs in _GOVERNED.items():
    for _w in _verbs:
        _GOVERNING.setdefault(_w, _kind)  # the first kind listing a word wins
_CLAUSE_STOPS: Final = frozenset((",", ";", ".")) | SPEECH
_ACTIVE: Final = Clause("active", None, None, None, False, None, False)


def analyse(
    text: str, t_start: int, t_end: int, low: str | None = None, ws: Words | None = None, lo: int = 0
) -> Clause:
    """Voice, subject, object, agent, negation and modality of the clause whose verb is the trigger
    at ``text[t_start:t_end]`` (``lo``: where the trigger's clause starts, from its boundary words).

    >>> s = "A shopkeeper was detained for allegedly stabbing a neighbour on Sunday, police said."
    >>> c = analyse(s, s.index("stabbing"), s.index("stabbing") + 8)
    >>> c.nonfinite, s[slice(*c.subject)], s[slice(*c.obj)]
    (True, 'A shopkeeper', 'a neighbour')
    >>> c = analyse(s, s.index("detained"), s.index("detained") + 8)
    >>> c.voice, s[slice(*c.subject)], c.agent
    ('passive', 'A shopkeeper', None)
    >>> c = analyse("Eight rockets were intercepted over the city.", 19, 30)
    >>> c.voice, c.subject
    ('passive', (0, 13))
    >>> analyse("The ministry declined to comment.", 25, 32).modality
    'negated'
    """
    if ws is None:
        ws = words(text, low)
    wl, ws_start, ws_end = ws.low, ws.start, ws.end
    n = ws.n
    h = bisect_left(ws_start, t_start)
    if h >= n:
        return _ACTIVE
    head = wl[h]
    tail = bisect_left(ws_start, t_end, h)
    # walk left through the verb group: adverbs, negators, auxiliaries, modals
    k = h - 1
    passive_aux = False
    negated = False
    modality: str | None = None
    while k >= 0:
        w = wl[k]
        if w in BE or w in GET:
            passive_aux = passive_aux or is_participle(head)
        elif w in HAVE or w in DO:
            pass
        elif w in FUTURE or w.endswith("'ll"):
            modality = modality or "future"
        elif w in POSSIBLE:
            modality = modality or ("future" if w == "would" else "possible")
        elif _neg(w):
            negated = True
            if w.startswith(("won", "shan")):
                modality = modality or "future"
            elif w.startswith(("can", "could", "would", "should", "must", "might")):
                modality = modality or "possible"
        elif not _adverb(w):
            break
        k -= 1
    group_start = k + 1
    before = wl[k] if k >= 0 else ""
    # "to" + verb governed by a word of asking, promising, intending or refusing
    if before == "to":
        g = k - 1
        while g >= 0 and (wl[g] in ADVERBS or wl[g].endswith("ly") or wl[g] == "on" or wl[g] == "upon"):
            g -= 1  # "called on X to": skip back over the person asked, up to four words
        for _ in range(5):
            if g < 0:
                break
            gw = wl[g]
            found = _GOVERNING.get(gw)
            if found is not None:
                modality = modality or found
                break
            if gw in _CLAUSE_STOPS:
                break
            g -= 1
    passive = passive_aux
    # a reduced passive after a noun ("the drones launched by Russia"): a participle followed by "by"
    if not passive and tail < n and wl[tail] == "by" and before not in HAVE and is_participle(head):
        passive = before not in PRONOUNS
    nonfinite = head.endswith("ing") and not passive_aux and k >= 0 and (before in PREPOSITIONS or before == ",")
    # conditionals and denials opening the clause
    clause_first = bisect_left(ws_start, lo) if lo else 0
    for j in range(clause_first, group_start):
        if wl[j] in _CONDITIONAL:
            modality = modality or "conditional"
            break
    # the subject: the clause's opening phrase; a relative or non-finite clause takes the phrase
    # it attaches to, a non-finite one the main clause's subject
    subject: tuple[int, int] | None = None
    if nonfinite:
        subject = _subject_left(ws, 0, _main_verb(wl, h))
    else:
        if group_start > clause_first:
            subject = _subject_left(ws, clause_first, group_start)
        if subject is None:
            rel = group_start - 1
            if rel >= 0 and wl[rel] in RELATIVES:
                j = rel - 1
                if j >= 0 and wl[j] == ",":
                    j -= 1
                first = j
                while first > 0 and wl[first - 1] not in PREPOSITIONS and wl[first - 1][0].isalnum():
                    first -= 1
                if j >= 0 and first <= j:
                    subject = (ws_start[first], ws_end[j])
    if subject is not None and wl[bisect_left(ws_start, subject[0])] in ("no", "none", "nobody", "neither"):
        negated = True  # "no one was arrested", "none of the drones hit"
    # the object (active) or the agent (passive)
    j = tail
    while j < n and wl[j] in PARTICLES:
        j += 1
    obj = agent = None
    if passive:
        stop = min(n, j + 8)
        while j < stop:
            w = wl[j]
            if w == "by":
                agent = _np_right(ws, j + 1, len(text))
                break
            if w in _CLAUSE_STOPS:
                break
            j += 1
    else:
        obj = _np_right(ws, j, len(text))
    return clause("passive" if passive else "active", subject, obj, agent, negated, modality, nonfinite)


def _main_verb(low: list[str], h: int) -> int:
    """The first word of the main clause's verb group before word ``h`` (the subject ends there)."""
    for j in range(h):
        w = low[j]
        if w in BE or w in HAVE or w in DO or w in FUTURE or w in POSSIBLE:
            return j
        if j > 0 and (w.endswith("ed") or w in IRREGULAR_PARTICIPLES) and low[j - 1] not in DETERMINERS:
            return j
    return h
