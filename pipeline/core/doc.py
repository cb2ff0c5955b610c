"""The working document: canonical text, its paragraphs, and every cut made so far.

Rules never edit text in place. They mark cuts (spans of the canonical text with the
rule that asked for them); the final body is assembled once at the end. This keeps
offsets stable for every rule and makes the record of removals exact by construction.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final

from pipeline.core.sentences import has_words

if TYPE_CHECKING:
    from pipeline.core.rules import Presence, Rule

#: Is this paragraph fingerprint learned boilerplate for the article's source?
LearnedLookup = Callable[[str], bool]

_TERMINAL_IN: Final = re.compile(r"[.!?…][\"”’')\]]*(?:\s|$)")
_HEADLINE_END_BAD: Final = frozenset(".!?:;,")
_OPEN_QUOTES: Final = frozenset("“‘\"'")
_INNER_SENTENCE_END: Final = re.compile(r"[a-z0-9][.!?][\"”’']?\s+[\"“‘']?[A-Z]")


@dataclass(slots=True, init=False)
class Para:
    """A paragraph of the canonical text; ``lo``/``hi`` shrink as inline cuts are made."""

    start: int
    end: int
    lo: int
    hi: int
    removed_by: str | None
    role: str  # body | subhead

    # written out: compiled, a written ``__init__`` runs natively, a generated one as interpreted Python
    def __init__(
        self, start: int, end: int, lo: int, hi: int, removed_by: str | None = None, role: str = "body"
    ) -> None:
        self.start, self.end, self.lo, self.hi, self.removed_by, self.role = start, end, lo, hi, removed_by, role

    @property
    def removed(self) -> bool:
        return self.removed_by is not None


@dataclass(slots=True)
class Cut:
    """A span of the canonical text to delete, and the rule that asked for it."""

    start: int
    end: int
    rule: str
    record: bool = True  # False for whitespace-only companions of a recorded cut
    score: float | None = None  # a scored rule's probability that the span is boilerplate
    features: tuple[str, ...] = ()  # ... and the features that weighed most


@dataclass
class DocContext:
    """What document rules may read besides the document, and what they hand back."""

    learned: LearnedLookup | None = None  # the source's learned-boilerplate memory
    presence: Presence | None = None  # literals and cue classes of the canonical text
    language: str | None = None
    # the boilerplate scorer's model (pipeline.core.chrome.Model); None: the shipped one (Any, not
    # object: mypyc's dataclasses look annotation names up in the module, where "object" is not)
    chrome: Any = None
    fingerprints: list[str] = field(default_factory=list)  # out: candidate paragraph fingerprints


@dataclass
class Doc:
    """Canonical text plus paragraphs, cuts and the facts recognised along the way."""

    text: str
    paras: list[Para]
    headline: str | None = None
    cuts: list[Cut] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)
    syndicated: bool = False
    dateline: str | None = None
    byline: str | None = None
    captions: dict[int, int] = field(default_factory=dict)  # para index -> start of its credit
    rule: str = ""  # the id of the rule the runner is running: stamped on every cut that names none
    memo: dict[tuple[int, int], tuple[int, ...]] = field(default_factory=dict)  # span -> data rules to try
    scratch: dict[str, object] = field(default_factory=dict)  # per-document caches of the rules that run in rounds

    @classmethod
    def from_text(cls, text: str, spans: list[tuple[int, int]], headline: str | None = None) -> Doc:
        return cls(text=text, paras=[Para(s, e, s, e) for s, e in spans], headline=headline)

    def run(self, rule: Rule, ctx: DocContext | None = None) -> None:
        """Run a document rule: every cut it makes without naming a rule is stamped with its id."""
        assert rule.fn is not None
        self.rule = rule.id
        try:
            rule.fn(self, ctx if ctx is not None else DocContext())
        finally:
            self.rule = ""

    def live(self) -> list[int]:
        """Indices of paragraphs not removed."""
        return [i for i, p in enumerate(self.paras) if p.removed_by is None and p.hi > p.lo]

    def ptext(self, i: int) -> str:
        p = self.paras[i]
        return self.text[p.lo : p.hi]

    def remove_para(
        self, i: int, rule: str | None = None, score: float | None = None, features: tuple[str, ...] = ()
    ) -> None:
        """Remove paragraph ``i`` (``rule``: a data rule's id; by default the running rule's;
        ``score`` and ``features``: a scored rule's probability and the features that weighed most)."""
        p = self.paras[i]
        if p.removed_by is not None:
            return
        rule = rule or self.rule
        p.removed_by = rule
        if p.hi > p.lo:
            self.cuts.append(Cut(p.lo, p.hi, rule, True, score, features))

    def cut_start(
        self, i: int, end: int, rule: str | None = None, score: float | None = None, features: tuple[str, ...] = ()
    ) -> None:
        """Cut ``[lo, end)`` from paragraph ``i`` (a prefix)."""
        p = self.paras[i]
        if end <= p.lo:
            return
        rule = rule or self.rule
        self.cuts.append(Cut(p.lo, end, rule, True, score, features))
        p.lo = end
        while p.lo < p.hi and self.text[p.lo].isspace():
            p.lo += 1
        if p.lo >= p.hi:
            p.removed_by = rule

    def cut_end(
        self, i: int, start: int, rule: str | None = None, score: float | None = None, features: tuple[str, ...] = ()
    ) -> None:
        """Cut ``[start, hi)`` from paragraph ``i`` (a suffix)."""
        p = self.paras[i]
        if start >= p.hi:
            return
        rule = rule or self.rule
        self.cuts.append(Cut(start, p.hi, rule, True, score, features))
        p.hi = start
        while p.hi > p.lo and self.text[p.hi - 1].isspace():
            p.hi -= 1
        if p.hi <= p.lo:
            p.removed_by = rule

    def cut_inside(self, start: int, end: int, rule: str | None = None, record: bool = True) -> None:
        """Cut a span inside a paragraph (its bounds stay)."""
        if end > start:
            self.cuts.append(Cut(start, end, rule or self.rule, record))

    def add_credit(self, credit: str | None) -> None:
        if not credit:
            return
        for name in split_credits(credit):
            if name not in self.credits:
                self.credits.append(name)


_AGENCY_NAMES: Final = {
    "pti": "PTI",
    "press trust of india": "PTI",
    "ians": "IANS",
    "ani": "ANI",
    "asian news international": "ANI",
    "uni": "UNI",
    "united news of india": "UNI",
    "reuters": "Reuters",
    "thomson reuters": "Reuters",
    "afp": "AFP",
    "agence france-presse": "AFP",
    "agence france presse": "AFP",
    "ap": "AP",
    "the associated press": "AP",
    "associated press": "AP",
    "xinhua": "Xinhua",
    "tass": "TASS",
    "bernama": "Bernama",
    "dpa": "dpa",
    "bloomberg": "Bloomberg",
    "cnn": "CNN",
    "bbc": "BBC",
    "nnn": "NNN",
    "yonhap": "Yonhap",
    "kyodo": "Kyodo",
    "efe": "EFE",
    "wam": "WAM",
    "spa": "SPA",
    "aap": "AAP",
    "agencies": "agencies",
    "agency": "agencies",
}
_CREDIT_SPLIT: Final = re.compile(r"\s*(?:,|;|\band\b|&)\s*")


def split_credits(credit: str) -> list[str]:
    """Canonical agency names in a credit phrase.

    >>> split_credits("The Associated Press, Agence France-Presse and Reuters")
    ['AP', 'AFP', 'Reuters']
    >>> split_credits("Arun Agarwal")
    ['Arun Agarwal']
    """
    out = []
    for part in _CREDIT_SPLIT.split(credit.strip().strip(".()")):
        part = part.strip()
        if not part:
            continue
        name = _AGENCY_NAMES.get(part.lower(), part)
        if name not in out:
            out.append(name)
    return out


@lru_cache(maxsize=8192)
def is_story(text: str) -> bool:
    """Looks like story text: a dozen words or more with a sentence end.

    >>> is_story("Russia launched a record 145 drones at Ukraine overnight, officials said on Sunday.")
    True
    >>> is_story("You may also like")
    False
    """
    return has_words(text, 12) and bool(_TERMINAL_IN.search(text))


def is_headline_like(text: str, min_words: int = 3, max_words: int = 25) -> bool:
    """A title-like line: a few words, starts with a capital, no sentence-final punctuation.

    >>> is_headline_like("Greggs to open new branch outside major football stadium")
    True
    >>> is_headline_like("The fire was brought under control.")
    False
    """
    t = text.strip()
    if not t:
        return False
    if len(t) > max_words * 40 or not has_words(t, min_words, max_words):
        return False
    first = t.lstrip("“‘\"'(")[:1]
    if not (first.isupper() or first.isdigit()):
        return False
    last = t.rstrip("”’\"'")[-1:]
    return last not in _HEADLINE_END_BAD and not _INNER_SENTENCE_END.search(t)


def is_snippet(text: str) -> bool:
    """A truncated teaser ending in an ellipsis.

    >>> is_snippet("US President Donald Trump has described the current state...")
    True
    """
    t = text.rstrip()
    return (t.endswith("...") or t.endswith("…")) and has_words(t, 0, 45)
