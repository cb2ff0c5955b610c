"""Rules are values: a stable id, a kind, a family, the function that finds, and what it needs.

Rule ids are part of the output contract (they appear in ``removed`` and ``artefacts``),
so an id is never reused for a different behaviour, and it is written once: in the
:class:`Rule` value. Rule functions find; they never name themselves. The runner
(:mod:`pipeline.core.clean`) calls them in the order its stage tables give, stamps the
rule's id on every edit, cut and hit, and records the trail — ftfy's model of fixers and
their explanations. Kinds:

- ``normalise``: rewrites text (NFC, mojibake, HTML, invisible characters); recorded in
  ``changes`` (rewrites) or ``removed`` (deletions).
- ``layout``: whitespace and line structure only; not recorded per occurrence.
- ``structure``: recognises datelines, bylines and crossheads (may remove bylines).
- ``boilerplate``: removes syndication boilerplate (data rules in ``data/boilerplate.toml``,
  structural rules and the learned scorer).
- ``learned``: removes paragraphs that repeat across a source's recent articles.
- ``artefact``: flags machine-translation artefacts; removes only high-confidence ones.

Every rule declares what must occur in the text for it to fire (:class:`Needs`: lower-case
literals, or named cue classes). One multi-pattern pass over the article
(:class:`Presence`) finds all literals of all rules at once, so a rule whose needs are
absent is never called. A rule's needs are a *necessary* condition, never a guess: the
tests run every rule with and without the prefilter and compare.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Final

from pipeline.core.automaton import Automaton, lower_aligned

KINDS: Final = ("normalise", "layout", "structure", "boilerplate", "learned", "artefact")
WHERE: Final = ("head", "tail", "anywhere")


# ------------------------------------------------------------------ cue classes
def _unprintable(text: str) -> bool:
    return not text.replace("\n", "").isprintable()


def _non_ascii(text: str) -> bool:
    return not text.isascii()


def _curly_quote(text: str) -> bool:
    return "“" in text or "‘" in text or "”" in text or "’" in text


_GLUED_STOP: Final = re.compile(r"\.[A-Z][a-z]{2}")


def _any_quote(text: str) -> bool:
    return _curly_quote(text) or '"' in text or "'" in text


#: Named cue classes: a cheap predicate of the whole text each. Computed at most once per text.
CLASSES: Final[Mapping[str, Callable[[str], bool]]] = {
    "unprintable": _unprintable,  # control, invisible, odd-space or odd line-end characters
    "non_ascii": _non_ascii,
    "curly_quote": _curly_quote,
    "quote": _any_quote,
    "dash": lambda t: "–" in t or "—" in t,
    "glued_stop": lambda t: _GLUED_STOP.search(t) is not None,  # "roads.The": a full stop with no space after
    "cr": lambda t: "\r" in t,
}


@dataclass(frozen=True, slots=True)
class Needs:
    """What must occur in a text for a rule to fire: any of ``literals`` (lower-case
    substrings, matched in the lower-cased text), any of ``cased`` (substrings matched as
    written: "Was ", "Killed") or any of ``classes`` (names in :data:`CLASSES`). Empty: always runs."""

    literals: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    cased: tuple[str, ...] = ()
    strings: frozenset[str] = field(init=False, repr=False, compare=False)  # literals and cased, as one set

    def __post_init__(self) -> None:
        object.__setattr__(self, "strings", frozenset(self.literals) | frozenset(self.cased))
        for c in self.classes:
            if c not in CLASSES:
                raise ValueError(f"unknown cue class {c!r}")
        for lit in self.literals:
            if lit != lit.lower() or not lit:
                raise ValueError(f"literal {lit!r} must be non-empty lower case")
        if any(not lit for lit in self.cased):
            raise ValueError("a cased literal must not be empty")

    @property
    def always(self) -> bool:
        return not self.literals and not self.classes and not self.cased


ALWAYS: Final = Needs()


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule: its identity (id, kind, family, description, example, where) and behaviour.

    ``fn`` is the function the runner calls; its signature is the stage's (see
    :mod:`pipeline.core.clean`). Data rules (``data/boilerplate.toml``) have no function of
    their own: the engine rule that applies them lists them as its ``members``.
    """

    id: str
    kind: str
    family: str
    fn: Callable[..., Any] | None = field(default=None, compare=False, repr=False)
    example: str = ""
    where: str = "anywhere"
    needs: Needs = ALWAYS
    description: str = ""
    source: str = ""
    members: Callable[[], tuple[Rule, ...]] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"{self.id}: unknown rule kind {self.kind!r}")
        if self.where not in WHERE:
            raise ValueError(f"{self.id}: unknown where {self.where!r}")
        if not self.description:  # stated, never read from a docstring: the compiled build has none
            raise ValueError(f"{self.id}: a rule states its description")
        if not self.source and self.fn is not None:
            object.__setattr__(self, "source", f"{self.fn.__module__}.{self.fn.__qualname__}")

    def info(self) -> dict[str, str]:
        """The catalogue entry (what ``wirewash rules --json`` prints)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "family": self.family,
            "where": self.where,
            "description": self.description,
            "example": self.example,
            "function": self.source,
        }


def catalogue(stages: Iterable[Iterable[Rule]]) -> list[Rule]:
    """Every rule of the given stages and their members, once each, sorted by id.

    A rule may run in more than one pass (the C0 pass of N003 runs before mojibake repair):
    the same id must then describe the same rule.

    >>> a = Rule("X001-a", "layout", "whitespace", description="One.")
    >>> [r.id for r in catalogue([[a, Rule("X000-b", "layout", "whitespace", description="Two.")], [a]])]
    ['X000-b', 'X001-a']
    """
    seen: dict[str, Rule] = {}

    def add(r: Rule) -> None:
        old = seen.get(r.id)
        if old is None:
            seen[r.id] = r
        elif (old.kind, old.family, old.description) != (r.kind, r.family, r.description):
            raise ValueError(f"rule id {r.id} names two different rules")

    for stage in stages:
        for r in stage:
            add(r)
            if r.members is not None:
                for m in r.members():
                    add(m)
    return sorted(seen.values(), key=lambda r: r.id)


# line breaks and separators shown as symbols, so the table stays one row per rule in any editor
_VISIBLE: Final = str.maketrans(
    {
        **{chr(c): chr(0x2400 + c) for c in range(0x20)},  # control pictures: ␀ ␁ ...
        "\x7f": "␡",
        "\n": "⏎",
        "\u2028": "␤",
        "\u2029": "¶",
    }
)


def catalogue_markdown(rules: Iterable[Rule], kind: str | None = None) -> str:
    """The rule catalogue as a Markdown table (as in the README)."""
    rows = ["| id | kind | family | where | description | example |", "|---|---|---|---|---|---|"]
    for r in rules:
        if kind is not None and r.kind != kind:
            continue
        ex = r.example.replace("|", "\\|").replace("\r\n", "⏎").translate(_VISIBLE)[:70]
        desc = r.description.replace("|", "\\|")
        rows.append(f"| `{r.id}` | {r.kind} | {r.family} | {r.where} | {desc} | `{ex}` |")
    return "\n".join(rows)


# ------------------------------------------------------------------ the prefilter
@cache
def literal_pass(
    literals: frozenset[str],
    positional: frozenset[str],
    extra: frozenset[str] = frozenset(),
    cased: frozenset[str] = frozenset(),
) -> tuple[
    Automaton[None], tuple[str, ...], tuple[bool, ...], tuple[bool, ...], tuple[bool, ...], tuple[tuple[str, ...], ...]
]:
    """One automaton over the literals, the ``extra`` strings and the lower-case forms of the
    ``cased`` literals; its keys, and for each key whether its positions are kept, whether it is a
    literal, whether it is an extra string, and the cased literals it is the lower-case form of
    (each one letter for one letter, so that the hit's span in the text is where to compare)."""
    auto: Automaton[None] = Automaton()
    folded: dict[str, list[str]] = {}
    for lit in sorted(cased):
        low = lower_aligned(lit)
        if len(low) != len(lit) or "Σ" in lit:  # (a capital sigma lower-cases by what follows it)
            raise ValueError(f"a cased literal must lower-case letter for letter: {lit!r}")
        folded.setdefault(low, []).append(lit)
    for key in sorted(literals | positional | extra | frozenset(folded)):
        auto.add_word(key, None)
    auto.make_automaton()
    keys = auto.keys()
    lits = literals | positional
    return (
        auto,
        keys,
        tuple(k in positional for k in keys),
        tuple(k in lits for k in keys),
        tuple(k in extra for k in keys),
        tuple(tuple(folded.get(k, ())) for k in keys),
    )


@cache
def _caseless(literals: frozenset[str]) -> bool:
    """Are these a few literals whose characters no lower-casing makes or changes (so that the
    text holds one exactly where its lower-case form holds it)?

    >>> _caseless(frozenset({"&"})), _caseless(frozenset({"a&"})), _caseless(frozenset({"ⅻ"}))
    (True, False, False)
    """
    return len(literals) <= 4 and all(not c.isalpha() and c.lower() == c == c.upper() for lit in literals for c in lit)


@dataclass(frozen=True, slots=True)
class Literals:
    """The literals a prefilter pass looks for: lower-case ones and cased ones, and those of
    them whose positions are kept (the rest are only known to be present or absent)."""

    lower: frozenset[str] = frozenset()
    cased: frozenset[str] = frozenset()
    positional: frozenset[str] = frozenset()


NO_LITERALS: Final = Literals()


def all_literals(rules: Iterable[Rule]) -> Literals:
    """The literals of every rule given; those of member rules (applied paragraph by paragraph
    by their engine) are positional."""
    lower: set[str] = set()
    cased: set[str] = set()
    positional: set[str] = set()
    for r in rules:
        lower.update(r.needs.literals)
        cased.update(r.needs.cased)
        for m in r.members() if r.members is not None else ():
            positional.update(m.needs.literals)
    return Literals(frozenset(lower - positional), frozenset(cased), frozenset(positional))


class Presence:
    """Which literals and cue classes occur in one text: one automaton pass, classes on demand.

    Every occurrence of a positional literal is kept (start, end, literal), sorted by start, so
    that a rule that works paragraph by paragraph can ask which of them fall inside one
    paragraph without scanning it again (:meth:`literals_within`).

    >>> p = Presence("Follow us on X. ADVERTISEMENT", Literals(positional=frozenset({"follow us", "advertisement", "subscribe"})))
    >>> sorted(p.found), p.has_class("non_ascii")
    (['advertisement', 'follow us'], False)
    >>> p.fires(Needs(literals=("subscribe",))), p.fires(Needs(literals=("subscribe", "follow us"))), p.fires(ALWAYS)
    (False, True, True)
    """

    __slots__ = ("_classes", "_ends", "_lits", "_low", "_starts", "everything", "extra_hits", "found", "text")

    def __init__(
        self,
        text: str,
        literals: Literals = NO_LITERALS,
        low: str | None = None,
        everything: bool = False,
        extra: frozenset[str] = frozenset(),
    ) -> None:
        self.text = text
        self._low = low
        self.everything = everything  # every rule fires (the prefilter switched off, for tests)
        self._classes: dict[str, bool] = {}
        starts: list[int] = []
        ends: list[int] = []
        lits: list[str] = []
        found: set[str] = set()
        # every occurrence of an ``extra`` string (key, start, end) in end order, the longest first
        # at one end: another reader of the same lower-case text rides on this pass (the scorer's cues)
        self.extra_hits: list[tuple[str, int, int]] = []
        if not (literals.positional or extra or literals.cased) and _caseless(literals.lower):
            # a few literals no letter case can hide ("&"): looked for as they are
            found.update(lit for lit in literals.lower if lit in text)
        elif literals.lower or literals.positional or extra or literals.cased:
            # one pass over the lower-case text; positions are kept only where a rule asks for them;
            # a literal whose case matters is found by its lower-case form, then compared as written
            auto, keys, keep, is_lit, is_extra, cased = literal_pass(
                literals.lower, literals.positional, extra, literals.cased
            )
            extra_hits = self.extra_hits
            for k, s, e in auto.find(self.low):  # one loop over the hits (about 200 an article)
                if keep[k]:
                    starts.append(s)
                    ends.append(e)
                    lits.append(keys[k])
                if is_lit[k]:
                    found.add(keys[k])
                if is_extra[k]:
                    extra_hits.append((keys[k], s, e))
                for lit in cased[k]:
                    if text.startswith(lit, s):
                        found.add(lit)
        self._starts, self._ends, self._lits = starts, ends, lits
        self.found = frozenset(found)

    @property
    def low(self) -> str:
        """The text lower-cased letter for letter (:func:`~pipeline.core.automaton.lower_aligned`)."""
        if self._low is None:
            self._low = lower_aligned(self.text)
        return self._low

    def has_class(self, name: str) -> bool:
        v = self._classes.get(name)
        if v is None:
            v = self._classes[name] = CLASSES[name](self.text)
        return v

    def fires(self, needs: Needs) -> bool:
        """Could a rule with these needs fire on this text?"""
        if needs.always or self.everything:
            return True
        return not self.found.isdisjoint(needs.strings) or any(self.has_class(c) for c in needs.classes)

    def literals_within(self, lo: int, hi: int) -> set[str]:
        """The literals with an occurrence wholly inside ``[lo, hi)`` of the text.

        >>> Presence("ab. Follow us. cd", Literals(positional=frozenset({"follow us", "cd"}))).literals_within(0, 14)
        {'follow us'}
        """
        out = set()
        starts, ends, lits = self._starts, self._ends, self._lits
        for k in range(bisect_left(starts, lo), len(starts)):
            if starts[k] >= hi:
                break
            if ends[k] <= hi:
                out.add(lits[k])
        return out
