"""Known syndication boilerplate: data rules from ``data/boilerplate.toml`` plus a few structural ones.

Rules are matched per paragraph, never across the whole text: paragraph rules with one
combined ``fullmatch`` per paragraph, sign-off rules (scope ``end``) only at sentence
boundaries near the end of the last paragraphs, and prefix rules only at the start of
the first ones. Patterns use bounded quantifiers, so the cost per article is linear and
small no matter how hostile the input.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any, Final

import ahocorasick

from pipeline.core.doc import Doc, DocContext, is_headline_like, is_snippet, is_story
from pipeline.core.rules import Needs, Presence, Rule
from pipeline.core.sentences import has_words

HEAD_PARAS: Final = 3
TAIL_PARAS: Final = 3
END_WINDOW: Final = 400  # sign-offs are looked for in the last characters of a paragraph
MAX_PARA_CHARS: Final = 3000  # paragraph rules never look at longer paragraphs
ZONE_PASSES: Final = (
    4  # whole-paragraph passes; zones are recomputed between them, so a run of chrome cannot hide a tail-only line
)
_BULLET: Final = re.compile(r"^\s*(?:[-•*·▪►]|\d{1,2}[.)])\s?")
# where a sign-off may start: paragraph start, or after a sentence end / closing bracket
_SIGNOFF_START: Final = re.compile(r"[.!?…”\"’')\]]\s?(?=\S)")
_NAMED_GROUP: Final = re.compile(r"\(\?P<(\w+)>")


@dataclass(frozen=True)
class DataRule:
    """A boilerplate rule loaded from the rules file."""

    id: str
    family: str
    description: str
    where: str
    scope: str
    pattern: str
    flags: str
    credit: str | None
    syndicated: bool
    then: str | None
    then_max: int
    max_words: int | None
    caption: bool
    position: str | None
    example: str
    requires: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    max_chars: int | None = None

    @property
    def wrapped(self) -> str:
        """The pattern with flags scoped to it and its named groups anonymised (for combining)."""
        body = _NAMED_GROUP.sub("(?:", self.pattern)
        return f"(?{self.flags}:{body})" if self.flags else f"(?:{body})"

    @property
    def regex(self) -> re.Pattern[str]:
        return _compile(self.pattern, self.flags)


@cache
def _compile(pattern: str, flags: str) -> re.Pattern[str]:
    return re.compile(f"(?{flags}:{pattern})" if flags else pattern)


@cache
def known_rules() -> tuple[DataRule, ...]:
    """Load and validate the data rules (once per process)."""
    raw = resources.files("pipeline.data").joinpath("boilerplate.toml").read_text(encoding="utf-8")
    out = []
    seen = set()
    for entry in tomllib.loads(raw)["rule"]:
        r = DataRule(
            id=entry["id"],
            family=entry["family"],
            description=entry["description"],
            where=entry.get("where", "anywhere"),
            scope=entry.get("scope", "paragraph"),
            pattern=entry["pattern"],
            flags=entry.get("flags", ""),
            credit=entry.get("credit"),
            syndicated=bool(entry.get("syndicated", False)),
            then=entry.get("then"),
            then_max=int(entry.get("then_max", 12)),
            max_words=entry.get("max_words"),
            caption=bool(entry.get("caption", False)),
            position=entry.get("position"),
            example=entry["example"],
            requires=tuple(entry.get("requires", ())),
            keywords=tuple(k.lower() for k in entry["keywords"]),
            max_chars=entry.get("max_chars"),
        )
        if r.id in seen:
            raise ValueError(f"duplicate boilerplate rule {r.id}")
        if r.where not in ("head", "tail", "anywhere") or r.scope not in (
            "paragraph",
            "start",
            "end",
            "span",
        ):
            raise ValueError(f"bad where/scope in {r.id}")
        seen.add(r.id)
        re.compile(r.wrapped)  # fail fast on a bad pattern
        out.append(r)
    return tuple(out)


@cache
def data_rules() -> tuple[Rule, ...]:
    """The data rules as catalogue values (what B000 applies; each fires only on one of its keywords)."""
    return tuple(
        Rule(
            r.id,
            "boilerplate",
            r.family,
            example=r.example,
            where=r.where,
            needs=Needs(literals=r.keywords),
            description=r.description,
            source="data/boilerplate.toml",
        )
        for r in known_rules()
    )


@cache
def _keyword_index() -> dict[str, frozenset[int]]:
    """keyword -> indices of the data rules that name it."""
    index: dict[str, set[int]] = {}
    for i, r in enumerate(known_rules()):
        for k in r.keywords:
            index.setdefault(k, set()).add(i)
    return {k: frozenset(v) for k, v in index.items()}


@cache
def _automaton() -> Any:
    """One Aho-Corasick automaton over every rule's keywords: keyword -> indices of the rules to try."""
    auto = ahocorasick.Automaton()
    for k, ids in _keyword_index().items():
        auto.add_word(k, ids)
    auto.make_automaton()
    return auto


@lru_cache(maxsize=4096)
def _keyword_hits(text: str) -> tuple[int, ...]:
    """Indices of the rules whose keywords occur in ``text`` (cached: each paragraph is asked several times)."""
    found: set[int] = set()
    for _end, ids in _automaton().iter(text.lower()):
        found |= ids
    return tuple(sorted(found))


def _hits_of(keywords: set[str]) -> tuple[int, ...]:
    """Indices of the rules naming any of ``keywords`` (found by the article's one prefilter pass)."""
    index = _keyword_index()
    found: set[int] = set()
    for k in keywords:
        ids = index.get(k)
        if ids:
            found |= ids
    return tuple(sorted(found))


def candidate_rules(
    text: str, scope: str, head: bool, tail: bool, hits: tuple[int, ...] | None = None
) -> list[DataRule]:
    """Rules of ``scope`` allowed in this zone whose keywords occur in ``text``, in file order
    (``hits``: the indices of those rules when the caller knows them already).

    >>> [r.id for r in candidate_rules("(With inputs from agencies)", "end", False, True)]
    ['B020-with-inputs-from', 'B023-outlet-dated-credit', 'B030-ifttt-footer']
    >>> [r.id for r in candidate_rules("The council met on Monday and approved the budget.", "paragraph", False, False)]
    []
    """
    rules = known_rules()
    n = len(text)
    out = []
    for i in _keyword_hits(text) if hits is None else hits:
        r = rules[i]
        if r.scope != scope or (r.max_chars is not None and n > r.max_chars):
            continue
        zone_ok = r.where == "anywhere" or (r.where == "head" and head) or (r.where == "tail" and tail)
        if zone_ok and (not r.requires or any(q in text for q in r.requires)):
            out.append(r)
    return out


def _eligible(r: DataRule, text: str, is_last: bool) -> bool:
    if r.max_words is not None and not has_words(text, 0, r.max_words):
        return False
    return not (r.position == "not-last" and is_last)


def _first_match(rules: list[DataRule], text: str, pos: int, is_last: bool) -> tuple[DataRule, re.Match[str]] | None:
    """The first rule (in file order) matching ``text`` from ``pos`` to its end."""
    for r in rules:
        m = r.regex.fullmatch(text, pos)
        if m is not None and _eligible(r, text, is_last):
            return r, m
    return None


def _credits(doc: Doc, r: DataRule, m: re.Match[str]) -> None:
    if r.credit:
        doc.add_credit(r.credit)
    for name, value in m.groupdict().items():
        if value and name.startswith("credit"):
            doc.add_credit(value)
        elif value and name == "byline" and not doc.byline:
            doc.byline = value.strip()
    if r.syndicated:
        doc.syndicated = True


def zones(doc: Doc) -> tuple[set[int], set[int]]:
    """Head and tail zones: the first/last few live paragraphs and anything outside the story."""
    live = doc.live()
    if not live:
        return set(), set()
    # only the first and the last story paragraph matter: look from each end
    first = next((i for i in live if is_story(doc.ptext(i))), None)
    if first is None:
        first, last = live[-1], live[0]
    else:
        last = next(i for i in reversed(live) if is_story(doc.ptext(i)))
    head = {i for k, i in enumerate(live) if k < HEAD_PARAS or i <= first}
    tail = {i for k, i in enumerate(live) if k >= len(live) - TAIL_PARAS or i >= last}
    return head, tail


def _apply_then(doc: Doc, i: int, r: DataRule) -> None:
    live = doc.live()
    if r.then == "caption":
        before = [j for j in live if j < i]
        if before:
            j = before[-1]
            t = doc.ptext(j)
            if is_headline_like(t, min_words=2, max_words=20) and j not in doc.captions:
                doc.remove_para(j, r.id)
        return
    taken = 0
    for j in (j for j in live if j > i):
        if taken >= r.then_max:
            break
        t = doc.ptext(j)
        if t.isupper() or _first_match(candidate_rules(t, "paragraph", True, True), t, 0, False) is not None:
            break  # a label or another known passage: the main pass deals with it
        if r.then == "bullets":
            ok = bool(_BULLET.match(t)) and has_words(t, 0, 25)
        else:  # headlines and teaser snippets
            ok = (is_headline_like(t) or is_snippet(t)) and not is_story(t.rstrip(".…"))
            ok = ok or (is_snippet(t) and taken > 0)
        if not ok:
            break
        doc.remove_para(j, r.id)
        taken += 1  # noqa: SIM113 - counts removals, not iterations


def _prefiltered(doc: Doc, ctx: DocContext | None) -> Presence | None:
    """The article's prefilter pass, when it was made over this document's text."""
    pres = ctx.presence if ctx is not None else None
    if pres is None or pres.text is not doc.text:
        return None
    return pres


def _candidates(
    doc: Doc, pres: Presence | None, lo: int, hi: int, scope: str, head: bool, tail: bool
) -> list[DataRule]:
    """:func:`candidate_rules` for ``doc.text[lo:hi]``, from the prefilter's keyword positions when it ran."""
    if pres is None:
        return candidate_rules(doc.text[lo:hi], scope, head, tail)
    key = (lo, hi)
    hits = doc.memo.get(key)
    if hits is None:
        hits = doc.memo[key] = _hits_of(pres.literals_within(lo, hi))
    return candidate_rules(doc.text[lo:hi], scope, head, tail, hits) if hits else []


def strip_known_boilerplate(doc: Doc, ctx: DocContext | None = None) -> None:
    """Apply the data rules of ``data/boilerplate.toml`` to every paragraph, in order.

    Zones are recomputed after each pass that removed a paragraph: a chrome line that looks
    like story text (a long promo sentence) no longer hides the lines before it from the tail.

    >>> from pipeline.core.layout import paragraph_spans
    >>> text = "NEW DELHI: Fire broke out in a hall, officials said. -- PTI\\n\\nADVERTISEMENT"
    >>> d = Doc.from_text(text, paragraph_spans(text))
    >>> d.run(KNOWN_BOILERPLATE)
    >>> [(text[c.start:c.end], c.rule) for c in d.cuts], d.credits
    ([('ADVERTISEMENT', 'B050-advertisement-slot'), ('-- PTI', 'B010-pti-signoff')], ['PTI'])
    """
    pres = _prefiltered(doc, ctx)
    # 1. whole-paragraph rules; after a pass that removed something, the paragraphs whose zone
    # (or last-ness) changed are tried again
    head, tail = zones(doc)
    live = doc.live()
    last = live[-1] if live else -1
    todo = live
    for _ in range(ZONE_PASSES):
        removed = False
        for i in todo:
            p = doc.paras[i]
            if p.removed or p.hi - p.lo > MAX_PARA_CHARS:
                continue
            text = doc.ptext(i)
            hit = _first_match(
                _candidates(doc, pres, p.lo, p.hi, "paragraph", i in head, i in tail), text, 0, i == last
            )
            if hit is None:
                continue
            r, m = hit
            if r.caption and "photo" in m.groupdict() and m.group("photo"):
                doc.captions[i] = p.lo + m.start("photo")
            doc.remove_para(i, r.id)
            removed = True
            _credits(doc, r, m)
            if r.then:
                _apply_then(doc, i, r)
        if not removed:
            break
        new_head, new_tail = zones(doc)
        live = doc.live()
        new_last = live[-1] if live else -1
        todo = [
            i
            for i in live
            if (i in new_head) != (i in head) or (i in new_tail) != (i in tail) or (i == new_last) != (i == last)
        ]
        head, tail, last = new_head, new_tail, new_last
        if not todo:
            break
    # 2. prefixes at the head (captions glued to datelines), spans
    for i in live:
        if i in head:
            p = doc.paras[i]
            text = doc.ptext(i)
            for r in _candidates(doc, pres, p.lo, p.hi, "start", True, i in tail):
                own = r.regex.match(text)
                if own is not None and own.end() < len(text):
                    doc.cut_start(i, doc.paras[i].lo + own.end(), r.id)
                    _credits(doc, r, own)
                    break
        p = doc.paras[i]
        for r in _candidates(doc, pres, p.lo, p.hi, "span", i in head, i in tail):
            text = doc.ptext(i)
            own = r.regex.search(text)
            if own is None:
                continue
            s, e = p.lo + own.start(), p.lo + own.end()
            if own.start() == 0:
                doc.cut_start(i, e, r.id)
            elif own.end() == len(text):
                doc.cut_end(i, s, r.id)
            else:
                doc.cut_inside(s, e, r.id)
                if e < p.hi and doc.text[e] == " ":
                    doc.cut_inside(e, e + 1, r.id, record=False)
            _credits(doc, r, own)
    # 3. sign-offs at the end of the tail paragraphs, repeatedly (several can be stacked)
    for i in sorted(tail, reverse=True):
        _strip_signoffs(doc, pres, i, i in head, i == last)


def _strip_signoffs(doc: Doc, pres: Presence | None, i: int, in_head: bool, is_last: bool) -> None:
    for _ in range(6):
        p = doc.paras[i]
        if p.removed:
            return
        window_lo = max(p.lo, p.hi - END_WINDOW)
        text = doc.text[window_lo : p.hi]
        rules = _candidates(doc, pres, window_lo, p.hi, "end", in_head, True)
        if not rules:
            return
        starts = [0] if window_lo == p.lo else []
        starts.extend(m.end() for m in _SIGNOFF_START.finditer(text))
        hit = None
        for pos in starts:
            hit = _first_match(rules, text, pos, is_last)
            if hit is not None:
                break
        if hit is None:
            return
        r, m = hit
        doc.cut_end(i, window_lo + m.start(), r.id)
        _credits(doc, r, m)


def strip_trailing_headlines(doc: Doc, ctx: DocContext | None = None) -> None:
    """Remove a trailing run of two or more unlabelled related-story headlines after the last story paragraph.

    >>> from pipeline.core.layout import paragraph_spans
    >>> text = ("Fire officials are inspecting the site to find the cause, and more details are awaited now.\\n\\n"
    ...         "Council approves new budget for road repairs in the city\\n\\n"
    ...         "Star striker signs three-year deal with local football club")
    >>> d = Doc.from_text(text, paragraph_spans(text))
    >>> d.run(RELATED_HEADLINES)
    >>> [text[c.start:c.end][:20] for c in d.cuts]
    ['Star striker signs t', 'Council approves new']
    """
    live = doc.live()
    if len(live) < 2:
        return
    run: list[int] = []
    for i in reversed(live):
        t = doc.ptext(i)
        if _DATA_LINE.match(t):
            break  # "Current share price: 412.50 pence, down 1.2%": a figures line of the story, no headline
        if is_headline_like(t, min_words=4, max_words=30) and not _quoted(t) and not is_story(t):
            run.append(i)
        else:
            break
    if not run or len(run) == len(live):
        return
    before = live[len(live) - len(run) - 1]
    if not is_story(doc.ptext(before)):
        return
    if len(run) < 2:
        return  # one title-like last line is as often a story's closing line without its full stop
    for i in run:
        doc.remove_para(i)


_DATA_LINE: Final = re.compile(r"[^:\n]{2,60}:[^:\n]{0,20}\d")


def _quoted(text: str) -> bool:
    return text.lstrip()[:1] in '“"' and text.rstrip()[-1:] in '”"'


_NORM: Final = re.compile(r"[\W_]+")


def _norm(text: str) -> str:
    return _NORM.sub(" ", text.lower()).strip()


def strip_caption_echoes(doc: Doc, ctx: DocContext | None = None) -> None:
    """Remove a caption printed again without its credit next to the credited copy.

    >>> from pipeline.core.layout import paragraph_spans
    >>> text = "A vigil in Tel Aviv for the hostages\\n\\nA vigil in Tel Aviv for the hostages | Photo Credit: AP"
    >>> d = Doc.from_text(text, paragraph_spans(text))
    >>> d.run(KNOWN_BOILERPLATE); d.run(CAPTION_ECHO)
    >>> sorted(c.rule for c in d.cuts)
    ['B060-image-photograph-credit', 'B091-caption-echo']
    """
    for i, credit_at in list(doc.captions.items()):
        caption = _norm(doc.text[doc.paras[i].start : credit_at])
        if not caption:
            continue
        for j in (i - 2, i - 1, i + 1, i + 2):
            if 0 <= j < len(doc.paras) and not doc.paras[j].removed:
                t = _norm(doc.ptext(j))
                if has_words(t, 4) and (caption == t or caption.startswith(t + " ")):
                    doc.remove_para(j)


def strip_headline_echo(doc: Doc, ctx: DocContext | None = None) -> None:
    """Remove the headline printed again as a paragraph at the head of the body.

    >>> from pipeline.core.layout import paragraph_spans
    >>> text = "Court jails 14 for murder\\n\\nAn Odisha court on Thursday jailed 14 people for a murder committed in 2009."
    >>> d = Doc.from_text(text, paragraph_spans(text), headline="Court jails 14 for murder")
    >>> d.run(HEADLINE_ECHO); [c.rule for c in d.cuts]
    ['S004-headline-echo']
    """
    if not doc.headline:
        return
    target = _norm(doc.headline)
    if not target:
        return
    head, _ = zones(doc)
    for i in sorted(head):
        t = doc.ptext(i)
        if _norm(t) == target and not is_story(t):
            doc.remove_para(i)


def _spaced_once(text: str) -> str:
    """``text`` with every run of white space one space, none at its ends.

    >>> _spaced_once(" a\\u00a0 b\\n\\tc "), _spaced_once("a b c")
    ('a b c', 'a b c')
    """
    # every white-space character but the ASCII space is unprintable: a printable text with no
    # double space and no space at its ends is already spaced so (the common case, no copy made)
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def drop_duplicate_paragraphs(doc: Doc, ctx: DocContext | None = None) -> None:
    """Drop exact repeats of an earlier paragraph (after whitespace and case folding).

    >>> from pipeline.core.layout import paragraph_spans
    >>> text = "Officials said the fire was out.\\n\\nNext.\\n\\nOfficials said the fire was out."
    >>> d = Doc.from_text(text, paragraph_spans(text))
    >>> d.run(DUPLICATE_PARAGRAPH); [(c.start, c.rule) for c in d.cuts]
    [(41, 'D001-duplicate-paragraph')]
    """
    seen: set[str] = set()
    for i in doc.live():
        key = _spaced_once(doc.ptext(i)).casefold()
        if key in seen and has_words(key, 2):
            doc.remove_para(i)
        else:
            seen.add(key)


def strip_exposed_boilerplate(doc: Doc, paras: set[int]) -> None:
    """Remove what is left of paragraphs that an artefact removal reduced to boilerplate.

    A paragraph such as ``Is. ADVERTISEMENT`` is not an advertisement slot until the stray
    fragment is gone; checking what is left keeps cleaning idempotent.

    >>> from pipeline.core.layout import paragraph_spans
    >>> text = "Officials said the bridge would reopen on Monday.\\n\\nIs. ADVERTISEMENT"
    >>> d = Doc.from_text(text, paragraph_spans(text))
    >>> d.cut_inside(text.index("Is."), text.index("Is.") + 4, "A001-stray-auxiliary")
    >>> strip_exposed_boilerplate(d, {1})
    >>> [(text[c.start:c.end], c.rule) for c in d.cuts]
    [('Is. ', 'A001-stray-auxiliary'), ('ADVERTISEMENT', 'B050-advertisement-slot')]
    """
    if not paras:
        return
    head, tail = zones(doc)
    live = doc.live()
    last = live[-1] if live else -1
    for i in sorted(paras):
        p = doc.paras[i]
        if p.removed or p.hi <= p.lo:
            continue
        inside = sorted((c.start, c.end) for c in doc.cuts if p.lo <= c.start and c.end <= p.hi)
        pieces: list[tuple[int, int]] = []
        pos = p.lo
        for s, e in inside:
            if s > pos:
                pieces.append((pos, s))
            pos = max(pos, e)
        if pos < p.hi:
            pieces.append((pos, p.hi))
        rest = " ".join(" ".join(doc.text[s:e] for s, e in pieces).split())
        if not rest:
            continue
        hit = _first_match(candidate_rules(rest, "paragraph", i in head, i in tail), rest, 0, i == last)
        if hit is None:
            continue
        r, m = hit
        for s, e in pieces:
            while s < e and doc.text[s].isspace():
                s += 1
            while e > s and doc.text[e - 1].isspace():
                e -= 1
            doc.cut_inside(s, e, r.id)
        p.removed_by = r.id
        _credits(doc, r, m)


_KEYWORDS: Final = tuple(sorted({k for r in known_rules() for k in r.keywords}))
KNOWN_BOILERPLATE: Final = Rule(
    "B000-known-boilerplate",
    "boilerplate",
    "engine",
    strip_known_boilerplate,
    example="Follow us on Twitter for more.",
    needs=Needs(literals=_KEYWORDS),
    members=data_rules,
    description="Apply the data rules of ``data/boilerplate.toml`` to every paragraph, in order.",
)
HEADLINE_ECHO: Final = Rule(
    "S004-headline-echo",
    "boilerplate",
    "site-chrome",
    strip_headline_echo,
    example="Fire breaks out in PMO, no one injured",
    description="Remove the headline printed again as a paragraph at the head of the body.",
)
RELATED_HEADLINES: Final = Rule(
    "B090-related-headlines",
    "boilerplate",
    "promo",
    strip_trailing_headlines,
    example="Greggs to open new branch outside stadium",
    description=(
        "Remove a trailing run of two or more unlabelled related-story headlines after the last story paragraph."
    ),
)
CAPTION_ECHO: Final = Rule(
    "B091-caption-echo",
    "boilerplate",
    "image-credit",
    strip_caption_echoes,
    example="A lighting display in the square",
    description="Remove a caption printed again without its credit next to the credited copy.",
)
DUPLICATE_PARAGRAPH: Final = Rule(
    "D001-duplicate-paragraph",
    "boilerplate",
    "duplicate",
    drop_duplicate_paragraphs,
    example="Same paragraph twice.",
    description="Drop exact repeats of an earlier paragraph (after whitespace and case folding).",
)
