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
from typing import NamedTuple

_WORD = re.compile(r"[^\W_][\w'’-]*|[^\w\s]")

BE = frozenset("is are was were be been being am".split())
GET = frozenset("get gets got gotten getting".split())
HAVE = frozenset("has have had having".split())
DO = frozenset("do does did".split())
FUTURE = frozenset("will shall 'll".split())
POSSIBLE = frozenset("may might could can should must would ought".split())
NEGATORS = frozenset("not never n't cannot no-longer".split())
DETERMINERS = frozenset(
    "the a an this that these those his her its their our my your some any every each all both several "
    "many few no another other such".split()
)
PREPOSITIONS = frozenset(
    "of in on at by for with from to into onto over under against during after before since through across "
    "near amid amidst following despite toward towards about around between among without within outside "
    "inside upon via per off along behind beyond beside besides like than including".split()
)
SUBORDINATORS = frozenset(
    "that because although though while when whenever if unless whether as since after before once until where "
    "whereas so".split()
)
RELATIVES = frozenset("who which whom whose that".split())
PRONOUNS = frozenset("he she it they we i you him them us me".split())
CONJUNCTIONS = frozenset("and or but nor".split())
ADVERBS = frozenset(
    "also later then again still already just even now once first since soon reportedly allegedly jointly "
    "finally eventually subsequently immediately recently previously earlier today yesterday tonight overnight "
    "yet ever further too all both each not never".split()
)
PARTICLES = frozenset("down up out off back away over".split())
IRREGULAR_PARTICIPLES = frozenset(
    """shot hit struck held seized slain beaten stabbed thrown sent put set led caught brought taken given made
    found known shown seen told sold built bought fought won begun done gone drawn driven eaten fallen flown
    forbidden forgiven frozen hidden kept laid left lost meant met paid read run said sought spent stolen stood
    sworn torn understood withdrawn written bound broken chosen cut hurt let quit shut spread upheld overrun
    overthrown undertaken arisen""".split()
)
# simple past forms that do not end in -ed (a verb, never a noun after "the ... ")
IRREGULAR_PAST = frozenset(
    """heard met held sent took gave began fought struck shot hit led left sought told made threw withdrew drew
    broke froze swore wrote ran came went fled fell won lost kept paid put set said found brought bought caught
    taught stood spoke rode flew beat bit hid slid""".split()
)
SPEECH = frozenset("said says say told tells stated claimed reported announced added according".split())
# a governing word before "to" + verb: the act is asked for, promised, intended or refused, not done
_GOVERNED = {
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
_CONDITIONAL = frozenset("if unless whether".split())
_DET_ADVERBS = frozenset("all both each first".split())


class Word(NamedTuple):
    start: int
    end: int
    low: str


class Clause(NamedTuple):
    """What the clause around a trigger says about it (spans are sentence-relative, end exclusive)."""

    voice: str  # active | passive
    subject: tuple[int, int] | None  # the verb's grammatical subject (the recipient of a passive)
    obj: tuple[int, int] | None  # the first noun phrase after the verb group (active voice)
    agent: tuple[int, int] | None  # "by" + noun phrase after a passive verb
    negated: bool
    modality: str | None  # None (told as done) | future | possible | intended | requested | conditional
    nonfinite: bool  # "for stabbing", ", killing": the subject is the main clause's


def words(text: str, low: str | None = None) -> list[Word]:
    """The sentence's words and marks, lower-cased, with their offsets.

    >>> [w.low for w in words("Police didn't act.")]
    ['police', "didn't", 'act', '.']
    """
    src = low if low is not None else text.lower()
    return [Word(m.start(), m.end(), m.group()) for m in _WORD.finditer(src)]


def is_participle(w: str) -> bool:
    return w.endswith(("ed", "en")) or w in IRREGULAR_PARTICIPLES


def _neg(w: str) -> bool:
    return w in NEGATORS or w.endswith(("n't", "n’t"))


def _index(ws: list[Word], pos: int) -> int:
    """Index of the word that starts at or after ``pos``."""
    lo, hi = 0, len(ws)
    while lo < hi:
        mid = (lo + hi) // 2
        if ws[mid].start < pos:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _np_right(ws: list[Word], i: int, limit: int) -> tuple[int, int] | None:
    """The noun phrase starting at word ``i`` (a determiner, numbers, adjectives and nouns up to a
    preposition, a verb-like word, a conjunction or a mark)."""
    if i >= len(ws) or ws[i].start >= limit:
        return None
    j = i
    while j < len(ws) and ws[j].start < limit:
        w = ws[j].low
        if not w[0].isalnum() and w not in ("-", "'s", "’s"):
            break
        if j > i and (w in PREPOSITIONS or w in CONJUNCTIONS or w in RELATIVES or w in BE or w in HAVE or w in SPEECH):
            break
        if w in PREPOSITIONS and j == i:
            return None
        if j > i and (w in FUTURE or w in POSSIBLE or w in DO or (w in ADVERBS and w not in _DET_ADVERBS)):
            break
        if j > i and w in IRREGULAR_PAST:
            break  # "the drones launched by Russia fell": the main verb closes the phrase
        j += 1
    if j == i:
        return None
    return ws[i].start, ws[j - 1].end


def _np_word(ws: list[Word], k: int) -> bool:
    """Can word ``k`` sit inside a noun phrase (read backwards from a verb)?"""
    w = ws[k].low
    if not w[0].isalnum():
        return w in ("'s", "’s", "-")
    if w in PREPOSITIONS or w in CONJUNCTIONS or w in SUBORDINATORS or w in RELATIVES or w in SPEECH:
        return False
    if w in BE or w in HAVE or w in DO or w in FUTURE or w in POSSIBLE or _neg(w):
        return False
    if w.endswith("ed") and k > 0 and ws[k - 1].low not in DETERMINERS and not ws[k - 1].low[0].isdigit():
        return ws[k - 1].low in ADVERBS  # "lodged", "said": a verb ends the phrase ("well-armed" aside)
    return True


def _appositive_head(ws: list[Word], first: int, comma: int) -> tuple[int, int] | None:
    """The phrase before an appositive's comma ("Vladimir Zavadsky" in "Vladimir Zavadsky, the commander")."""
    e = comma - 1
    a = e
    while a >= first and _np_word(ws, a):
        a -= 1
    if a == e:
        return None
    if a >= first and ws[a].low in PREPOSITIONS:
        return None
    return ws[a + 1].start, ws[e].end


def _subject_left(ws: list[Word], first: int, verb: int) -> tuple[int, int] | None:
    """The subject noun phrase of a verb group starting at word ``verb``, read backwards from it
    within words ``first``..verb-1: prepositional phrases ("in Mumbai", "on Monday") are stepped
    over, an "of" phrase belongs to the head before it ("the unit of the ATS")."""
    j = verb - 1
    while j >= first and (ws[j].low in ADVERBS or (ws[j].low.endswith("ly") and len(ws[j].low) > 4)):
        j -= 1
    if j > first and ws[j].low == ",":
        j -= 1  # "Zavadsky, the deputy commander of the corps, was killed": the appositive closes
    while j >= first:
        if not _np_word(ws, j):
            return None
        a = j
        while a - 1 >= first and _np_word(ws, a - 1):
            a -= 1
        prev = ws[a - 1].low if a - 1 >= first else ""
        if prev == "of" and a - 2 >= first and _np_word(ws, a - 2):
            b = a - 2
            while b - 1 >= first and _np_word(ws, b - 1):
                b -= 1
            prev2 = ws[b - 1].low if b - 1 >= first else ""
            if prev2 == "," and ws[b].low in DETERMINERS:
                return _appositive_head(ws, first, b - 1) or (ws[b].start, ws[j].end)
            if prev2 not in PREPOSITIONS:
                return ws[b].start, ws[j].end
            j = b - 2
            continue
        if prev == "," and ws[a].low in DETERMINERS:
            return _appositive_head(ws, first, a - 1) or (ws[a].start, ws[j].end)
        if prev in ("and", "&") and ws[a].low not in PRONOUNS and a - 2 >= first and _np_word(ws, a - 2):
            b = a - 2
            while b - 1 >= first and _np_word(ws, b - 1):
                b -= 1
            if b == first or not ws[b - 1].low[0].isalnum() or ws[b - 1].low in SUBORDINATORS:
                return ws[b].start, ws[j].end  # "India and Japan signed": both conjuncts open the clause
        if prev in PREPOSITIONS and prev != "of":
            j = a - 2  # a prepositional phrase: the subject stands before it
            continue
        return ws[a].start, ws[j].end
    return None


def subject_before(ws: list[Word], pos: int) -> tuple[int, int] | None:
    """The subject phrase of the verb that starts at or after sentence offset ``pos``."""
    return _subject_left(ws, 0, _index(ws, pos))


def analyse(
    text: str, t_start: int, t_end: int, low: str | None = None, ws: list[Word] | None = None, lo: int = 0
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
    n = len(ws)
    h = _index(ws, t_start)
    if h >= n:
        return Clause("active", None, None, None, False, None, False)
    head = ws[h].low
    tail = _index(ws, t_end)
    # walk left through the verb group: adverbs, negators, auxiliaries, modals
    k = h - 1
    passive_aux = False
    negated = False
    modality: str | None = None
    while k >= 0:
        w = ws[k].low
        if w in BE or w in GET:
            passive_aux = passive_aux or (is_participle(head) and (w in BE or w in GET))
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
        elif w in ADVERBS or (w.endswith("ly") and len(w) > 4):
            pass
        else:
            break
        k -= 1
    group_start = k + 1
    before = ws[k].low if k >= 0 else ""
    # "to" + verb governed by a word of asking, promising, intending or refusing
    if before == "to":
        g = k - 1
        while g >= 0 and (ws[g].low in ADVERBS or ws[g].low.endswith("ly") or ws[g].low in ("on", "upon")):
            g -= 1  # "called on X to": skip back over the person asked, up to four words
        for _ in range(5):
            if g < 0:
                break
            gw = ws[g].low
            found = next((kind for kind, verbs in _GOVERNED.items() if gw in verbs), None)
            if found is not None:
                modality = modality or found
                break
            if gw in (",", ";", ".") or gw in SPEECH:
                break
            g -= 1
    passive = passive_aux
    # a reduced passive after a noun ("the drones launched by Russia"): a participle followed by "by"
    if not passive and is_participle(head) and tail < n and ws[tail].low == "by" and before not in HAVE:
        passive = before not in PRONOUNS
    nonfinite = False
    if head.endswith("ing") and not passive_aux and k >= 0 and (before in PREPOSITIONS or before == ","):
        nonfinite = True
    # conditionals and denials opening the clause
    clause_first = _index(ws, lo)
    for j in range(clause_first, group_start):
        w = ws[j].low
        if w in _CONDITIONAL:
            modality = modality or "conditional"
            break
    # the subject: the clause's opening phrase; a relative or non-finite clause takes the phrase
    # it attaches to, a non-finite one the main clause's subject
    subject: tuple[int, int] | None = None
    first = clause_first
    if nonfinite:
        subject = _subject_left(ws, 0, _main_verb(ws, h))
    elif group_start > first:
        if ws[group_start - 1].low in RELATIVES and group_start - 1 == first:
            pass
        subject = _subject_left(ws, first, group_start)
    if subject is None and not nonfinite:
        rel = group_start - 1
        if rel >= 0 and ws[rel].low in RELATIVES:
            j = rel - 1
            if j >= 0 and ws[j].low == ",":
                j -= 1
            start = j
            while start > 0 and ws[start - 1].low not in PREPOSITIONS and ws[start - 1].low[0].isalnum():
                start -= 1
            if j >= 0 and start <= j:
                subject = (ws[start].start, ws[j].end)
    if subject is not None and ws[_index(ws, subject[0])].low in ("no", "none", "nobody", "neither"):
        negated = True  # "no one was arrested", "none of the drones hit"
    # the object (active) or the agent (passive)
    j = tail
    while j < n and ws[j].low in PARTICLES:
        j += 1
    obj = agent = None
    if passive:
        stop = min(n, j + 8)
        while j < stop:
            w = ws[j].low
            if w == "by":
                agent = _np_right(ws, j + 1, len(text))
                break
            if w in (",", ";", ".") or w in SPEECH:
                break
            j += 1
    else:
        obj = _np_right(ws, j, len(text))
    return Clause("passive" if passive else "active", subject, obj, agent, negated, modality, nonfinite)


def _main_verb(ws: list[Word], h: int) -> int:
    """The first word of the main clause's verb group before word ``h`` (the subject ends there)."""
    for j in range(h):
        w = ws[j].low
        if w in BE or w in HAVE or w in DO or w in FUTURE or w in POSSIBLE:
            return j
        if j > 0 and (w.endswith("ed") or w in IRREGULAR_PARTICIPLES) and ws[j - 1].low not in DETERMINERS:
            return j
    return h
