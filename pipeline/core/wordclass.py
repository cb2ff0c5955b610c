"""Word classes for the artefact rules: English's closed classes and the shape of its verbs.

The artefact rules judge a word by its part of speech, not by a list of the shapes seen in
translated copy: "Was done.", "Will have gone." and "Had been arrested." are one shape (a
verb group with no subject). What decides the class of a word:

- the **closed classes** of English grammar (auxiliaries and modals, prepositions,
  conjunctions, determiners, pronouns): complete, short, and fixed by the grammar;
- the **irregular verbs** (their past and past-participle forms): a closed set too;
- **regular morphology** for every other verb: ``-ed`` on a stem that is itself a common
  English word (wordfreq's list, shipped in its wheel), with the spelling changes
  (``hoped``, ``stopped``, ``tried``).

Nothing is downloaded; the word lists are loaded once per process.
"""

from __future__ import annotations

from functools import cache
from typing import Final

#: Finite auxiliaries and modals: a verb group with no subject starts with one of these.
FINITE_AUX: Final = frozenset(
    "is are was were am has have had do does did will would shall should can could may might must".split()
)
#: Non-finite auxiliaries that continue a verb group ("has been", "will have", "is being").
NONFINITE_AUX: Final = frozenset("be been being have having".split())
#: Adverbs that sit inside a verb group ("was not done", "had already gone").
GROUP_ADVERBS: Final = frozenset("not never also already just still only even then again".split())
#: Particles that may close a verb group ("was called off", "has gone up").
PARTICLES: Final = frozenset("up down out off on in over away back through".split())

PREPOSITIONS: Final = frozenset(
    """about above across after against along amid among around as at before behind below beneath beside
    besides between beyond by despite during except for from in inside into like near of off on onto
    out outside over past since than through throughout till to toward towards under underneath unlike
    until unto upon via with within without""".split()
)
CONJUNCTIONS: Final = frozenset(
    """and but or nor so yet because although though whereas while whether if unless once lest that
    which who whom whose where when whenever wherever however therefore moreover furthermore meanwhile
    also then""".split()
)
DETERMINERS: Final = frozenset(
    """the a an this that these those his her its their our my your some any each every either neither
    no another other such more most many much few several all both""".split()
)
PRONOUNS: Final = frozenset("he she it they we you him them us me itself himself herself themselves ourselves".split())

#: The closed classes together (a capital on one of these inside a sentence is never a name's
#: own capital unless it stands in a Title Case run).
FUNCTION_WORDS: Final = PREPOSITIONS | CONJUNCTIONS | DETERMINERS | PRONOUNS | FINITE_AUX | NONFINITE_AUX

# past tense and past participle of the irregular verbs (base forms are not listed: "put",
# "cut", "set" and "hit" are both)
_IRREGULAR: Final = """
arose arisen awoke awoken bore borne born beat beaten became begun began bent bet bid bound bit bitten
bled blew blown broke broken bred brought built burnt burst bought cast caught chose chosen clung came
cost crept cut dealt dug did done drew drawn dreamt drank drunk drove driven ate eaten fell fallen fed
felt fought found fled flung flew flown forbade forbidden forgot forgotten forgave forgiven froze frozen
got gotten gave given went gone ground grew grown hung had heard hid hidden hit held hurt kept knelt
knew known laid led leant leapt learnt left lent let lay lain lit lost made meant met mistook mistaken
paid proved proven put quit read rode ridden rang rung rose risen ran run said saw seen sought sold sent
set shook shaken shed shone shot shown showed shrank shrunk shut sang sung sank sunk sat slept slid slung
spoke spoken sped spent spilt spun spat split spread sprang sprung stood stole stolen stuck stung stank
struck strove striven swore sworn swept swam swum swung took taken taught tore torn told thought threw
thrown thrust trod trodden understood undertook undertaken underwent undergone upset woke woken wore worn
wove woven wept won wound withdrew withdrawn withheld wrote written
"""
IRREGULAR_PAST: Final = frozenset(_IRREGULAR.split())

# -ed words that are no verb form (their stem is a word by accident)
_NOT_PAST: Final = frozenset(
    """hundred sacred naked wicked kindred rugged ragged crooked jagged beloved learned aged blessed
    dogged wretched bed red shed need speed seed feed greed breed creed weed deed indeed steed bred fled
    wed led reed heed""".split()
)


@cache
def _common() -> frozenset[str]:
    from pipeline.core.vocab import common_words

    return common_words()


@cache
def _known() -> frozenset[str]:
    from pipeline.core.vocab import english_words

    return english_words()


def is_past_form(word: str) -> bool:
    """Is ``word`` (lower case) the past tense or past participle of an English verb?

    >>> words = "killed hoped stopped tried died gone done taken inaugurated hundred red sacred seed table".split()
    >>> [w for w in words if is_past_form(w)]
    ['killed', 'hoped', 'stopped', 'tried', 'died', 'gone', 'done', 'taken', 'inaugurated']
    """
    if word in IRREGULAR_PAST:
        return True
    if len(word) < 4 or not word.endswith("ed") or word in _NOT_PAST:
        return False
    known = _known()
    if word not in known:
        return False
    common = _common()
    stem = word[:-2]
    if len(word) == 4:  # died, tied, used, owed
        return stem + "e" in common
    if stem in common or (stem + "e" in known and len(stem) >= 4):  # walked, hoped, inaugurated
        return True
    if stem[-1] == stem[-2] and stem[:-1] in common:  # stopped
        return True
    return stem.endswith("i") and stem[:-1] + "y" in common  # tried


def is_ing_form(word: str) -> bool:
    """Is ``word`` (lower case) an ``-ing`` form of an English verb?

    >>> [w for w in "going increasing running dying thing during king".split() if is_ing_form(w)]
    ['going', 'increasing', 'running', 'dying']
    """
    if len(word) < 5 or not word.endswith("ing") or word in ("during", "thing", "nothing", "something", "anything"):
        return False
    common = _common()
    stem = word[:-3]
    if stem in common or stem + "e" in common:
        return True
    if stem[-1] == stem[-2] and stem[:-1] in common:
        return True
    return stem.endswith("y") and stem[:-1] + "ie" in common  # dying, lying


def is_base_verb(word: str) -> bool:
    """Could ``word`` be the base form of a verb after a modal or "to" ("will go", "used to do")?
    Every common lower-case word that has an ``-ed``/``-ing`` form or is an irregular verb's base.

    >>> [w for w in "go do happen come table quickly".split() if is_base_verb(w)]
    ['go', 'do', 'happen', 'come']
    """
    if word in _IRREGULAR_BASE:
        return True
    common = _common()
    if word not in common:
        return False
    if word.endswith("e"):
        return word + "d" in common and word[:-1] + "ing" in common
    return word + "ed" in common and word + "ing" in common


_IRREGULAR_BASE: Final = frozenset(
    """arise awake bear beat become begin bend bet bid bind bite bleed blow break breed bring build burn burst
    buy cast catch choose cling come cost creep cut deal dig do draw dream drink drive eat fall feed feel
    fight find flee fling fly forbid forget forgive freeze get give go grind grow hang have hear hide hit
    hold hurt keep kneel know lay lead lean leap learn leave lend let lie light lose make mean meet pay
    prove put quit read ride ring rise run say see seek sell send set shake shed shine shoot show shrink
    shut sing sink sit sleep slide speak speed spend spin spit split spread spring stand steal stick sting
    strike swear sweep swim swing take teach tear tell think throw tread understand wake wear weep win wind
    withdraw write be""".split()
)


def is_verb_form(word: str) -> bool:
    """A past, participle or ``-ing`` form of a verb (lower case)."""
    return is_past_form(word) or is_ing_form(word)
