"""Who and where: named mentions (people, countries, organisations, places) and group nouns.

Names are normalised to the fullest form the article gives ("Putin" -> "Vladimir Putin"),
countries resolved from names, demonyms, seats of government and offices
("Russian President", "the Kremlin", "US national security adviser").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Final, NamedTuple

from pipeline.core.events.gazetteer import Gazetteer, gazetteer
from pipeline.core.events.model import Entity
from pipeline.core.scan import Twin, trie_pattern

TOKEN: Final = Twin(
    r"(?:[A-Z]\.){2,}|[A-Z]\.(?=\s?[A-Z])|[^\W\d_][\w'’-]*(?:\.(?=[A-Z]))?|\d[\d,.:]*\d|\d|[^\w\s]",
    re.UNICODE,
)
CONNECTORS: Final = frozenset(
    ["of", "for", "the", "and", "de", "del", "al", "bin", "von", "van", "der", "la", "du", "le"]
)
SENTENCE_STARTERS: Final = frozenset(
    [
        "The",
        "A",
        "An",
        "In",
        "On",
        "At",
        "After",
        "Before",
        "When",
        "While",
        "But",
        "And",
        "However",
        "Meanwhile",
        "Earlier",
        "Also",
        "This",
        "That",
        "These",
        "Those",
        "It",
        "He",
        "She",
        "They",
        "We",
        "I",
        "His",
        "Her",
        "Their",
        "Its",
        "Our",
        "My",
        "According",
        "Despite",
        "Although",
        "Though",
        "Since",
        "As",
        "For",
        "With",
        "From",
        "By",
        "To",
        "Of",
        "Last",
        "Next",
        "Today",
        "Yesterday",
        "Tonight",
        "Then",
        "Thus",
        "So",
        "Yet",
        "Now",
        "Later",
        "Even",
        "Still",
        "Both",
        "Some",
        "Many",
        "Several",
        "Most",
        "Such",
        "If",
        "Once",
        "Upon",
        "Following",
        "Amid",
        "During",
        "Under",
        "Over",
        "Elsewhere",
        "Speaking",
        "Providing",
        "Regarding",
        "Listening",
        "Thanking",
        "Irked",
        "Enraged",
        "Waving",
        "Moreover",
        "Furthermore",
        "Besides",
        "Instead",
        "Indeed",
        "Only",
        "Just",
        "Here",
        "There",
        "What",
        "Who",
        "Why",
        "How",
        "Where",
        "Further",
        "No",
        "All",
        "Another",
        "Other",
        "Each",
        "Every",
        "Whatever",
        "Whenever",
        "Two",
        "Three",
        "Four",
        "Five",
        "Six",
        "Seven",
        "Eight",
        "Nine",
        "Ten",
        "Hence",
        "Therefore",
        "Citing",
        "Addressing",
        "Asked",
        "Responding",
        "Reacting",
    ]
)
DAYS_MONTHS: Final = frozenset(
    [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "Jun",
        "Jul",
        "Aug",
        "Sept",
        "Sep",
        "Oct",
        "Nov",
        "Dec",
    ]
)
ORG_HEADS: Final = frozenset(
    [
        "Party",
        "Ministry",
        "Court",
        "Police",
        "Department",
        "Army",
        "Force",
        "Forces",
        "Council",
        "Commission",
        "Committee",
        "Club",
        "Institute",
        "University",
        "Bank",
        "Agency",
        "Squad",
        "Service",
        "Services",
        "Office",
        "Assembly",
        "House",
        "Government",
        "Administration",
        "Corporation",
        "Company",
        "Group",
        "Front",
        "Union",
        "Association",
        "Federation",
        "League",
        "Board",
        "Authority",
        "Bureau",
        "Directorate",
        "Secretariat",
        "Parliament",
        "Senate",
        "Congress",
        "Cabinet",
        "Guard",
        "Guards",
        "Brigade",
        "Corps",
        "Network",
        "TV",
        "News",
        "Post",
        "Times",
        "Channel",
        "Media",
        "Organisation",
        "Organization",
        "Foundation",
        "Trust",
        "Centre",
        "Center",
        "Fund",
        "Alliance",
        "Coalition",
        "Movement",
        "Ministry's",
        "Station",
        "Hospital",
        "School",
        "College",
        "Registry",
        "Bench",
        "Tribunal",
        "Navy",
        "Airlines",
        "Railways",
        "Department's",
    ]
)
PRONOUNS: Final = frozenset({"he", "she", "they", "it", "we", "i"})
PLACE_HEADS: Final = frozenset(
    """Nagar Colony District Road Street Chowk Market Village Town City Square Bridge Highway Station Airport Port
    Valley Hill Hills Lake River Sector Block Zone Region Province State Oblast Raion Tehsil Taluk Mandal""".split()
)
_POSSESSIVE: Final = re.compile(r"['’]s?$")
_GROUP_RE: re.Pattern[str] | None = None  # built lazily from the gazetteer


class Mention(NamedTuple):  # a tuple: built by the thousand, and cheap to build
    """A participant or place mention (offsets absolute in the clean body)."""

    start: int
    end: int
    text: str
    kind: str  # person | country | demonym | capital | place | org | group | unknown
    name: str
    country: str | None = None
    possessive: bool = False

    def entity(self, role: str = "actor") -> Entity:
        """As a participant: seats of government and places stand for their country when acting."""
        g = gazetteer()
        if role in ("actor", "recipient") and self.kind in ("capital", "demonym") and self.country:
            return Entity(self.text, g.country_name(self.country) or self.name, self.country)
        return Entity(self.text, self.name, self.country)


_TUPLE_NEW: Final = tuple.__new__


def mention(
    start: int,
    end: int,
    text: str,
    kind: str,
    name: str,
    country: str | None = None,
    possessive: bool = False,
) -> Mention:
    """``Mention(...)`` without the class call: a NamedTuple's ``__new__`` is Python, run by the
    interpreter even from compiled code; ``tuple.__new__`` is one C call. Every field is given."""
    return _TUPLE_NEW(Mention, (start, end, text, kind, name, country, possessive))


def _is_cap(tok: str) -> bool:
    return tok[:1].isupper()


def _strip_poss(tok: str) -> tuple[str, bool]:
    if tok.endswith(("'s", "’s")):
        return tok[:-2], True
    if tok.endswith(("s'", "s’")) and len(tok) > 2:
        return tok[:-1], True
    return tok, False


@dataclass
class ArticleContext:
    """What the whole article says about its people and organisations."""

    persons: dict[str, str] = field(default_factory=dict)  # token -> fullest name
    person_country: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # BJP -> Bharatiya Janata Party
    full_names: set[str] = field(default_factory=set)
    titles: dict[str, str] = field(default_factory=dict)  # "Chief Minister" -> "Yogi Adityanath"
    leaders: dict[str, str] = field(default_factory=dict)  # "RUS" -> "Vladimir Putin" (a head of state or government)
    # named mentions of each capitalised stretch already read ("Vladimir Putin" recurs): offsets
    # relative to the stretch, keyed by its text, whether it opens the sentence and the next word
    chunks: dict[tuple[str, bool, str], list[Mention]] = field(default_factory=dict, repr=False, compare=False)

    def title_holder(self, title: str) -> str | None:
        title = title.strip()
        if title in self.titles:
            return self.titles[title]
        for t, name in self.titles.items():
            if t.endswith(title) or title.endswith(t):
                return name
        return None

    def fullest(self, name: str) -> str:
        if name in self.aliases:
            return self.aliases[name]
        toks = name.split()
        if len(toks) == 1 and toks[0] in self.persons:
            return self.persons[toks[0]]
        if len(toks) >= 2:
            key = toks[-1]
            best = self.persons.get(key)
            if best and len(best) > len(name) and best.endswith(name):
                return best
        return name


_ALIAS: Final = re.compile(r"(?P<full>(?:[A-Z][\w'’-]+ ){1,6}?(?:[A-Z][\w'’-]+))\s?\((?P<abbr>[A-Z][A-Za-z&.-]{1,9})\)")
_TITLED: Final = Twin(
    r"\b(?P<title>(?:[A-Z][a-z]+[- ])?(?:President(?:-elect)?|Prime Minister|"
    r"Chief Minister|Minister|Governor|governor|spokesman|spokeswoman|spokesperson|Speaker|Justice|judge|Mayor|mayor|"
    r"Secretary|Ambassador|General|Chancellor|leader|adviser|Adviser|chief|Chief|Officer|officer|official|Senator|"
    r"Commissioner|Superintendent|Inspector|prosecutor|commander|Commander|counsel|advocate|Attorney General|MP|MLA)"
    r"(?: [a-z]+){0,3}) (?P<name>(?:[A-Z][\w'’.-]+ ){0,3}[A-Z][\w'’-]+)"
)
_PRE: Final = re.compile(r"(?:(?:[A-Z][\w-]+|US|UK|EU|UN)\s){0,2}$")


_ALIAS_TAIL: Final = re.compile(r"\((?=[A-Z][A-Za-z&.-]{1,9}\))")
TITLE_WORDS: Final = (
    "President Prime Chief Minister Governor governor spokesman spokeswoman spokesperson Speaker Justice judge "
    "Mayor mayor Secretary Ambassador General Chancellor leader adviser Adviser chief Officer officer official "
    "Senator Commissioner Superintendent Inspector prosecutor commander Commander counsel advocate Attorney MP MLA"
).split()


def _title_hits(text: str) -> list[tuple[int, int]]:
    """(end, length) of every title word in ``text``, in end order: what an Aho-Corasick pass
    over the words gives (no title word ends another, so no two share an end), from one C-speed
    ``str.find`` scan per word. Extraction reads them off its one automaton pass over the
    lower-cased body instead (:func:`pipeline.core.events.extract.scan_body`); this is for a body
    whose lower-case copy has another length.

    >>> _title_hits("Chief Minister X met the spokesman.")
    [(4, 5), (13, 8), (33, 9)]
    """
    hits: list[tuple[int, int]] = []
    for w in TITLE_WORDS:
        n = len(w)
        i = text.find(w)
        while i >= 0:
            hits.append((i + n - 1, n))
            i = text.find(w, i + 1)
    hits.sort()
    return hits


def _aliases(text: str) -> Iterator[re.Match[str]]:
    """``_ALIAS`` matches, tried only just before each "(ABBR)" instead of at every capital letter."""
    last = 0
    for paren in _ALIAS_TAIL.finditer(text):
        m = _ALIAS.search(text, max(last, paren.start() - 160), paren.end() + 12)
        if m is not None and m.start("abbr") == paren.end():
            last = m.end()
            yield m


def _titled(text: str, asc: bool, hits: list[tuple[int, int]] | None = None) -> Iterator[re.Match[str]]:
    """``_TITLED`` matches, tried only at the title words (``hits``: :func:`_title_hits` when the
    caller has them) and the capitalised word before one."""
    titled = _TITLED.ascii if asc else _TITLED.any
    last = 0
    for end, length in _title_hits(text) if hits is None else hits:
        p = end - length + 1
        if p < last or (p and (text[p - 1].isalnum() or text[p - 1] in "_")):
            continue
        starts = [p]
        q = p - 1
        if q > 0 and text[q] in " -":
            k = q
            while k > 0 and text[k - 1].isalpha():
                k -= 1
            if k < q and text[k].isupper() and (k == 0 or not text[k - 1].isalnum()):
                starts.insert(0, k)
        for st in starts:
            if st < last:
                continue
            m = titled.match(text, st)
            if m is not None:
                last = m.end()
                yield m
                break


# Whole-body patterns open with a capital letter and look behind only after it: a pattern that
# starts with a character class is skipped ahead in C, one that starts with ``\b`` or a
# look-behind is tried at every character of the article.
_ACRONYM: Final = Twin(r"[A-Z](?<!\w[A-Z])[A-Z]{1,5}(?!\w)")  # \b[A-Z]{2,6}\b
_SPELLED_OUT: Final = Twin(
    r"[A-Z](?<!\w[A-Z])[a-z]+(?: (?:of|for|and|the|[A-Z][a-z]+)){1,6}\b"
)  # "Press Club of India"
# "Rahul Gandhi", "R. K. Dutta", "AB Singh" (not after a letter or a full stop)
_UNTITLED_NAME: Final = Twin(
    r"[A-Z](?<![\w.][A-Z])(?:[a-z]+|\.(?: ?[A-Z]\.)?|[A-Z](?= [A-Z][a-z])| [A-Z](?= [A-Z][a-z])) "
    r"(?:[A-Z][a-z]+ )?[A-Z][a-z]{2,}(?:['’]s)?\b"
)


def build_context(text: str, title_hits: list[tuple[int, int]] | None = None) -> ArticleContext:
    """Scan the whole article for people's full names, their countries and abbreviations
    (``title_hits``: where the title words are, as :func:`_title_hits` gives them, when the caller has them).

    >>> ctx = build_context("Russian President Vladimir Putin spoke. Putin said. The Bharatiya Janata Party (BJP) left.")
    >>> ctx.fullest("Putin"), ctx.person_country["Vladimir Putin"], ctx.fullest("BJP")
    ('Vladimir Putin', 'RUS', 'Bharatiya Janata Party')
    """
    g = gazetteer()
    ctx = ArticleContext()
    for m in _aliases(text):
        ctx.aliases[m.group("abbr")] = m.group("full").removeprefix("The ").strip()
    # acronyms used without being introduced: "Press Club of India" ... "the PCI"
    asc = text.isascii()
    acronyms = set((_ACRONYM.ascii if asc else _ACRONYM.any).findall(text))
    if acronyms - ctx.aliases.keys():  # else every acronym is introduced: nothing to spell out
        for m in (_SPELLED_OUT.ascii if asc else _SPELLED_OUT.any).finditer(text):
            words = [w for w in m.group().removeprefix("The ").split() if w[0].isupper()]
            initials = "".join([w[0] for w in words])
            if len(initials) >= 2 and initials in acronyms and initials not in ctx.aliases:
                ctx.aliases[initials] = m.group().removeprefix("The ").strip()
    for m in _titled(text, asc, title_hits):
        name = m.group("name").strip()
        name, _ = _strip_poss(name)
        parts = name.split()
        if any([p in DAYS_MONTHS or p in ORG_HEADS for p in parts]) or not parts:
            continue
        if g.country_code(name) or name in g.places or name in g.metonyms:
            continue
        pm = _PRE.search(text, max(0, m.start() - 60), m.start())
        pre = pm.group().split() if pm else []
        country = None
        for w in pre + m.group("title").split():
            w, _ = _strip_poss(w)
            code = g.country_code(w) or g.metonyms.get(w) or g.metonyms.get(f"the {w}")
            if code:
                country = code
        if len(parts) >= 2:
            _register(ctx, name, country)
            title = " ".join(w for w in m.group("title").split() if w[:1].isupper())
            if title:
                ctx.titles.setdefault(title, name)
            if country and _LEADER_TITLE.search(m.group("title")):
                ctx.leaders.setdefault(country, name)
    # untitled two/three-word capitalised names that are not places or organisations
    for m in (_UNTITLED_NAME.ascii if asc else _UNTITLED_NAME.any).finditer(text):
        name, _ = _strip_poss(m.group())
        parts = name.split()
        if parts[0] in SENTENCE_STARTERS or any([p in DAYS_MONTHS or p in ORG_HEADS or p in g.titles for p in parts]):
            continue
        if parts[0].isupper() and (parts[0] in g.orgs or g.country_code(parts[0]) or parts[0] in ctx.aliases):
            continue
        if any(g.country_code(p) or p in g.places or p in g.metonyms or p in g.demonyms for p in parts):
            continue
        if g.country_code(name) or name in g.places or name in g.orgs:
            continue
        if name not in ctx.full_names and any(name in f for f in ctx.full_names):
            continue
        _register(ctx, name, None)
    return ctx


_LEADER_TITLE: Final = re.compile(
    r"\b(?:President(?:-elect)?|Prime Minister|Chancellor|Premier|King|Emperor|Supreme Leader)\b"
)
_EPITHET: Final = re.compile(
    r"\s(?:strongman|leader|president|premier|prime minister|chancellor|dictator|autocrat|head of state|monarch)\b"
)


def _leader_epithets(sentence: str, offset: int, ctx: ArticleContext, out: list[Mention]) -> None:
    """ "the Russian strongman", "the Israeli premier": the country's leader the article names.

    >>> ctx = build_context("Russian President Vladimir Putin spoke.")
    >>> [(m.text, m.kind, m.name) for m in find_mentions("Trump called the Russian strongman on Thursday.", 0, ctx)]
    [('Trump', 'unknown', 'Trump'), ('Russian strongman', 'person', 'Vladimir Putin')]
    """
    for k, men in enumerate(out):
        if men.kind != "demonym" or not men.country or men.country not in ctx.leaders:
            continue
        e = _EPITHET.match(sentence, men.end - offset)
        if e is not None:
            text = sentence[men.start - offset : e.end()]
            name = ctx.leaders[men.country]
            out[k] = mention(men.start, offset + e.end(), text, "person", name, men.country)


def _register(ctx: ArticleContext, name: str, country: str | None) -> None:
    ctx.full_names.add(name)
    for tok in name.split():
        if len(tok) < 3 or tok.endswith("."):
            continue
        current = ctx.persons.get(tok)
        if current is None or len(name) > len(current):
            ctx.persons[tok] = name
    if country:
        ctx.person_country[name] = country


# a modifier before a group head ("Pelhar", "unidentified", "state-run"): no spaces inside
_MOD: Final = (
    r"(?:[A-Z][\w-]+(?:['’]s)?|unidentified|unknown|armed|suspected|local|senior|"
    r"anti-terrorist|anti-terror|special|state|central|district|city|federal|national|military|Ukrainian|"
    r"Russian|Israeli|Palestinian|Pakistani|Indian|Chinese|American|masked|angry|irate|several|"
    r"[a-z]+-[a-z]+)"
)
_MOD_RE: Final = re.compile(_MOD)
# the lower-case words _MOD names; any other modifier has a capital or a hyphen (a test holds them together)
_MOD_WORDS: Final = frozenset(re.findall(r"(?<=[|(:])([a-z]+)(?=[|)])", _MOD))


def _group_regex(g: Gazetteer) -> re.Pattern[str]:
    global _GROUP_RE
    if _GROUP_RE is None:
        alt = trie_pattern(g.common_actors)
        _GROUP_RE = re.compile(
            rf"(?<![\w-])(?P<mods>(?:{_MOD} ){{0,3}})(?P<head>{alt})\b(?P<of> of (?:[A-Z][\w-]+ ?){{1,3}})?"
        )
    return _GROUP_RE


def _mod_starts(sentence: str, lo: int, p: int) -> list[int]:
    """Where a group match whose head starts at ``p`` can start, ascending (``p`` itself included,
    none before ``lo``): word starts from which one to three modifiers, each followed by one space,
    reach ``p``. The regex is tried only there; any other start it would reject.

    >>> s = "They said (Delhi police) and armed state police, not arrested police."
    >>> [s[i:s.index("police", i) + 6] for i in _mod_starts(s, 0, 17)]
    ['Delhi police', 'police']
    >>> [s[i:41 + 6] for i in _mod_starts(s, 0, 41)], _mod_starts(s, 0, 62)
    (['armed state police', 'state police', 'police'], [62])
    """
    out = [p]
    end = p - 1  # the space after the modifier before
    for _ in range(3):
        if end < lo or sentence[end] != " ":
            break
        b = sentence.rfind(" ", 0, end) + 1
        if b >= end:
            break  # two spaces: no modifier between them
        chunk = sentence[b:end]
        if chunk.isalnum():
            if chunk.islower() and chunk not in _MOD_WORDS:
                break  # a plain lower-case word that is none of _MOD's words ("the police"): no modifier
            words = [b]  # one plain word (after a space): its start is the only word start
        else:
            words = [m.start() for m in _WORD_START.finditer(sentence, b, end)]
        whole = False
        for w in words:
            if w >= lo and _MOD_RE.fullmatch(sentence, w, end):
                out.append(w)
                whole = whole or w == b
        if not whole:
            break  # the chunk is no modifier as a whole: nothing before it can reach p
        end = b - 1
    out.sort()
    return out


def find_mentions(sentence: str, offset: int, ctx: ArticleContext) -> list[Mention]:
    """Mentions in one sentence (``offset``: where the sentence starts in the body).

    >>> ctx = build_context("Russian President Vladimir Putin met US President-elect Donald Trump.")
    >>> s = "Zelensky said Russia fired 145 drones at Ukraine, and Putin warned the Pelhar police."
    >>> [(m.text, m.kind, m.name) for m in find_mentions(s, 0, ctx)]
    [('Zelensky', 'unknown', 'Zelensky'), ('Russia', 'country', 'Russia'), ('Ukraine', 'country', 'Ukraine'), ('Putin', 'person', 'Vladimir Putin'), ('Pelhar police', 'group', 'Pelhar police')]
    """
    g = gazetteer()
    out: list[Mention] = []
    asc = sentence.isascii()
    token = TOKEN.ascii if asc else TOKEN.any
    for cm in (_CAP_CHUNK.ascii if asc else _CAP_CHUNK.any).finditer(sentence):
        lo, hi = cm.span()
        next_tok = ""  # the word after a sentence-initial stretch: tells "Officials said" from "Putin said"
        if lo == 0 and hi + 1 < len(sentence) and sentence[hi] == " ":
            after = token.match(sentence, hi + 1)
            next_tok = after.group() if after else ""
        key = (cm.group(), lo == 0, next_tok)
        found = ctx.chunks.get(key)
        if found is None:
            found = ctx.chunks[key] = _chunk_mentions(key[0], key[1], next_tok, ctx, g)
        base = offset + lo
        for m in found:
            out.append(mention(base + m.start, base + m.end, m.text, m.kind, m.name, m.country, m.possessive))
    _group_mentions(sentence, offset, g, out)
    if ctx.leaders:
        _leader_epithets(sentence, offset, ctx, out)
    out.sort(key=lambda x: x.start)
    # drop named mentions swallowed by a group mention starting earlier ("Kerala Police's anti-terrorist squad")
    final: list[Mention] = []
    for men in out:
        prev = final[-1] if final else None
        if (
            prev is not None
            and prev.kind == men.kind == "group"
            and men.start == prev.end + 1
            and not prev.possessive
            and not men.name.endswith("ed")  # "the opposition accused…": a verb
        ):
            # "government forces", "police forces": one group named by two group nouns
            text = sentence[prev.start - offset : men.end - offset]
            final[-1] = mention(
                prev.start, men.end, text, "group", f"{prev.name} {men.name}", prev.country or men.country
            )
            continue
        if final and men.start < final[-1].end:
            if (men.end - men.start) > (final[-1].end - final[-1].start):
                final[-1] = men
            continue
        final.append(men)
    return final


# capitalised stretches (with the connectors that may sit inside names): only these can be named
# mentions. Both kinds ("U.S.-based…", "Vladimir Putin") open with the capital letter, written
# once in front so that the engine skips ahead to capitals in C
_CONNECTOR_RE: Final = "of|for|the|and|de|del|al|bin|von|van|der|la|du|le"
_CAP_CHUNK: Final = Twin(
    rf"[A-Z](?:\.(?:[A-Z]\.)+[\w'’-]*(?:(?: (?:{_CONNECTOR_RE}))* (?:[A-Z][\w'’.-]*|(?:[A-Z]\.)+))*"
    rf"|[\w'’.-]*(?:(?:(?: (?:{_CONNECTOR_RE}))* | ?- ?)(?:[A-Z][\w'’.-]*|(?:[A-Z]\.)+))*)"
)


def _chunk_mentions(chunk: str, initial: bool, next_tok: str, ctx: ArticleContext, g: Gazetteer) -> list[Mention]:
    """Named mentions inside one capitalised stretch (offsets relative to it; ``initial``: it opens
    the sentence, ``next_tok``: the word after it)."""
    out: list[Mention] = []
    toks = _tokens(chunk)
    i = 0
    n = len(toks)
    while i < n:
        tok, s, e = toks[i]
        if not _is_cap(tok) or tok in DAYS_MONTHS:
            i += 1
            continue
        j = i
        end = e
        poss = False
        while j < n:
            t, _, te = toks[j]
            base, is_poss = _strip_poss(t)
            if _is_cap(t) and t not in DAYS_MONTHS:
                end = te
                if is_poss:
                    poss = True
                    j += 1
                    break
                j += 1
                continue
            if t in CONNECTORS and j + 1 < n and _is_cap(toks[j + 1][0]) and j > i:
                if t == "and":
                    joined = chunk[toks[i][1] : toks[j + 1][2]]
                    if joined not in g.places and joined not in g.orgs and not joined.endswith(("Kashmir", "Tobago")):
                        break
                j += 1
                continue
            if t == "-" and j + 1 < n and _is_cap(toks[j + 1][0]) and j > i:
                j += 1
                continue
            break
        chunk_toks = [t for t, _, _ in toks[i:j]]
        start = s
        # drop sentence-initial function words ("The", "After") and leading connectors
        while chunk_toks and (chunk_toks[0] in SENTENCE_STARTERS or chunk_toks[0] in CONNECTORS):
            k = len(toks[i:j]) - len(chunk_toks)
            chunk_toks = chunk_toks[1:]
            start = toks[i + k + 1][1] if i + k + 1 < j else end
        while chunk_toks and chunk_toks[-1] in CONNECTORS:
            chunk_toks = chunk_toks[:-1]
        if len(chunk_toks) == 1 and chunk_toks[0] in _FUNCTION_CAPS:
            chunk_toks = []  # a stray capitalised function word ("Ukraine And directly"), not a name
        last = j - 1
        while len(chunk_toks) > 1 and chunk_toks[-1] in _FUNCTION_CAPS:
            # a name followed by a stray capitalised function word ("attack Ukraine More than")
            chunk_toks = chunk_toks[:-1]
            last -= 1
            while len(chunk_toks) > 1 and chunk_toks[-1] in CONNECTORS:
                chunk_toks = chunk_toks[:-1]
                last -= 1
            end = toks[last][2]
        nxt = toks[j][0] if j < n else next_tok
        if (
            chunk_toks
            and initial
            and start == 0
            and len(chunk_toks) == 1
            and nxt[:1].islower()
            and nxt not in _VERBS_AFTER_NAME
            and _sentence_initial_common(chunk_toks[0], ctx, g)
        ):
            chunk_toks = []
        if chunk_toks:
            out.extend(_classify(chunk, start, end, poss, 0, ctx, g))
        i = max(j, i + 1)
    return out


def _tokens(chunk: str) -> list[tuple[str, int, int]]:
    """The chunk's tokens (``TOKEN``) with their offsets; words of letters between single spaces
    ("Vladimir Putin", most chunks) are split without the regex: each such word is one token.

    >>> _tokens("Vladimir Putin"), _tokens("U.S.-based")[:2]
    ([('Vladimir', 0, 8), ('Putin', 9, 14)], [('U.S.', 0, 4), ('-', 4, 5)])
    """
    words = chunk.split(" ")
    if all(map(str.isalpha, words)):
        out = []
        at = 0
        for w in words:
            out.append((w, at, at + len(w)))
            at += len(w) + 1
        return out
    return [(m.group(), m.start(), m.end()) for m in TOKEN.on(chunk).finditer(chunk)]


_WORD_START: Final = re.compile(r"(?<![\w-])[^\W_]")


@lru_cache(maxsize=1)
def _head_automaton() -> Any:
    import ahocorasick

    auto = ahocorasick.Automaton()
    for h in gazetteer().common_actors:
        auto.add_word(h, len(h))
    auto.make_automaton()
    return auto


def _group_matches(sentence: str, g: Gazetteer) -> list[re.Match[str]]:
    """The group regex's matches, tried only where a head noun occurs (and up to 3 words before it)."""
    rx = _group_regex(g)
    out: list[re.Match[str]] = []
    last = 0
    n = len(sentence)
    heads = sorted(
        {
            end - length + 1
            for end, length in _head_automaton().iter(sentence)
            if end + 1 == n or not (sentence[end + 1].isalnum() or sentence[end + 1] == "_")  # a whole word
        }
    )
    for p in heads:
        if p < last or (p and (sentence[p - 1].isalnum() or sentence[p - 1] in "_-")):
            continue
        # where the regex may start (a word character not preceded by one or a hyphen) in the
        # stretch that up to three modifier words can cover, earliest first: the modifiers are
        # words joined by single spaces, so a match starts after the fourth space before the head
        for st in _mod_starts(sentence, max(last, p - 64), p):
            m = rx.match(sentence, st)
            if m is not None and m.start("head") == p:
                last = m.end()
                out.append(m)
                break
    return out


def _without_article(text: str) -> str:
    """``text`` without an opening "the ", "a " or "an " in any case (``re.sub(r"(?i)^(?:the|a|an) ", "", text)``
    without a regex call: a group mention is made for nearly every sentence with an event).

    >>> _without_article("The police"), _without_article("an angry mob"), _without_article("Athens police")
    ('police', 'angry mob', 'Athens police')
    """
    head = text[:4].lower()  # none of t, h, e, a, n has another case form, so lower-casing is the regex's test
    if head == "the ":
        return text[4:]
    if head.startswith("a "):
        return text[2:]
    if head.startswith("an "):
        return text[3:]
    return text


_VERB_NEXT: Final = re.compile(r" (?:[A-Z]|(?:the|a|an|him|her|them|his|its|their|it|of|that)\b)")


def _group_mentions(sentence: str, offset: int, g: Gazetteer, out: list[Mention]) -> None:
    """Group nouns: "security forces", "Pelhar police", "unidentified assailants".

    A sentence-initial head is capitalised only because it opens the sentence ("Gunmen shot
    dead..."): it is matched as if lower-case, and reported as written.
    """
    probe = sentence
    if sentence[:1].isupper() and sentence[1:2].islower():
        probe = sentence[0].lower() + sentence[1:]
    for m in _group_matches(probe, g):
        s, e = m.span()
        head_at = offset + m.start("head")
        if any([o.start <= head_at < o.end for o in out]):
            # the head is inside a named mention already ("Kerala Police"): keep the named one
            continue
        if m.group("head").endswith("ed") and m.group("mods") and _VERB_NEXT.match(sentence, e):
            continue  # "The BJP accused Congress of…": a verb after a name, not "the accused"
        text = sentence[s:e].strip()
        mods = m.group("mods")
        if mods and mods.split()[0] in SENTENCE_STARTERS:
            s = s + len(mods.split()[0]) + 1
            text = sentence[s:e]
        name = _without_article(text)
        country = None
        for w in (mods or "").split():
            w, _ = _strip_poss(w)
            country = country or g.country_code(w) or g.place_country(w)
        out.append(mention(offset + s, offset + e, text, "group", name, country))


def _sentence_initial_common(tok: str, ctx: ArticleContext, g: Gazetteer) -> bool:
    """A capitalised first word that is just an ordinary word ("Dock workers", "Officials said")."""
    base, _ = _strip_poss(tok)
    if base in g.orgs or base in g.metonyms or base in g.places or base in g.demonyms or g.country_code(base):
        return False
    # a lone capitalised first word that names nothing the article knows, before a non-verb
    return not (base in ctx.persons or base in ctx.aliases or base.isupper())


_FUNCTION_CAPS: Final = frozenset("And Or But For Of To With From More The In On At By As Than That This".split())
_VERBS_AFTER_NAME: Final = frozenset(
    """said says told tells added adds has had is was will would warned urged called announced denied accused met
    arrived left visited claimed insisted noted asked wrote tweeted posted launched attacked ordered signed agreed
    rejected refused demanded stated explained also later then again earlier on spoke speaks held holds phoned
    hosted sent withdrew deployed signed urged backed praised criticised criticized blamed threatened
    promised pledged vowed condemned slammed killed fired arrested detained seized struck bombed invaded
    approved declared thanked welcomed""".split()
)
_COMMON_WORDS: Final = frozenset(
    [
        "dock",
        "port",
        "police",
        "officials",
        "authorities",
        "residents",
        "villagers",
        "protesters",
        "workers",
        "farmers",
        "students",
        "doctors",
        "teachers",
        "troops",
        "soldiers",
        "security",
        "local",
        "state",
        "city",
        "district",
        "national",
        "federal",
        "several",
        "some",
        "many",
        "most",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "unidentified",
        "armed",
        "masked",
    ]
)


def _classify(
    sentence: str, s: int, e: int, poss: bool, offset: int, ctx: ArticleContext, g: Gazetteer
) -> list[Mention]:
    text = sentence[s:e]
    base, _ = _strip_poss(text)
    base = base.strip()
    lead = base.split(" ")[0] if base else ""
    abs_s, abs_e = offset + s, offset + e
    if not base:
        return []
    if base in g.orgs or base in ctx.aliases:
        full = ctx.aliases.get(base) or g.orgs[base][0]
        country = g.orgs[base][1] if base in g.orgs else None
        return [mention(abs_s, abs_e, text, "org", full, country, poss)]
    if base in g.metonyms or f"the {base}" in g.metonyms:
        code = g.metonyms.get(base) or g.metonyms.get(f"the {base}")
        return [mention(abs_s, abs_e, text, "capital", base, code, poss)]
    code = g.country_code(base)
    if code and base not in g.demonyms:
        return [mention(abs_s, abs_e, text, "country", g.country_name(code) or base, code, poss)]
    if base in g.demonyms:
        return [mention(abs_s, abs_e, text, "demonym", base, g.demonyms[base], poss)]
    if base in g.places:
        return [mention(abs_s, abs_e, text, "place", base, g.places[base], poss)]
    words = base.split()
    # "Russian President Vladimir Putin", "US President-elect Donald Trump": title + person
    country = None
    k = 0
    while k < len(words) and (
        g.country_code(words[k])
        or words[k] in g.demonyms
        or words[k] in g.metonyms
        or words[k] in g.titles
        or words[k].rstrip("-")
        in ("President-elect", "Vice", "Deputy", "Chief", "Prime", "Foreign", "Defence", "Defense")
    ):
        country = country or g.country_code(words[k]) or g.metonyms.get(words[k])
        k += 1
    if 0 < k < len(words):
        # the name is the run of words after the last title or organisation word
        tail: list[str] = []
        for w in reversed(words[k:]):
            if w in g.titles or w in ORG_HEADS or w in CONNECTORS:
                break
            tail.insert(0, w)
        if tail and words[-1] not in ORG_HEADS:
            name = ctx.fullest(" ".join(tail))
            return [mention(abs_s, abs_e, text, "person", name, country or ctx.person_country.get(name), poss)]
    if k == len(words) and any([w in g.titles for w in words]):
        title = " ".join(w for w in words if w in g.titles or w in ("Chief", "Prime", "Deputy", "Vice"))
        holder = ctx.title_holder(title)
        if holder:
            return [mention(abs_s, abs_e, text, "person", holder, ctx.person_country.get(holder), poss)]
        return [mention(abs_s, abs_e, text, "group", base, country, poss)]
    if words[-1] in PLACE_HEADS and len(words) >= 2:
        return [mention(abs_s, abs_e, text, "place", base, country, poss)]
    if any([w in ORG_HEADS for w in words]):
        for w in words:
            country = country or g.country_code(w) or g.place_country(w)
        return [mention(abs_s, abs_e, text, "org", base, country, poss)]
    if base.isupper() and len(base) <= 6:
        return [mention(abs_s, abs_e, text, "org", base, None, poss)]
    full = ctx.fullest(base)
    if full in ctx.full_names or base in ctx.full_names:
        return [mention(abs_s, abs_e, text, "person", full, ctx.person_country.get(full), poss)]
    if lead in g.titles and len(words) > 1:
        name = ctx.fullest(" ".join(words[1:]))
        return [mention(abs_s, abs_e, text, "person", name, ctx.person_country.get(name), poss)]
    return [mention(abs_s, abs_e, text, "unknown", full, None, poss)]
