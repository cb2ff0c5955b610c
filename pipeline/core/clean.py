"""The cleaner: received body in, clean body and a full record of what was done out.

Stages (each rule is named and recorded):

1. ``text/html`` to text (H001/H002), then normalisation: line endings, control and
   invisible characters (recorded as removals), stray entities, mojibake, NFC (recorded
   as changes), whitespace and paragraph layout (layout only).
2. Structure and boilerplate on the canonical text: data rules, headline echoes,
   learned repeats, trailing related headlines, caption echoes, duplicate paragraphs,
   datelines and crossheads.
3. Translation artefacts: flagging rules; only certain fragments are removed.
4. Assembly: the cuts are applied once, offsets of every finding are mapped back to the
   received body through the :class:`~pipeline.core.textmap.SourceMap`.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pipeline.core import artefacts as art
from pipeline.core.boilerplate import (
    drop_duplicate_paragraphs,
    strip_caption_echoes,
    strip_exposed_boilerplate,
    strip_headline_echo,
    strip_known_boilerplate,
    strip_trailing_headlines,
)
from pipeline.core.doc import Doc
from pipeline.core.html import html_to_text
from pipeline.core.layout import paragraph_spans, plan_paragraphs
from pipeline.core.learned import LearnedLookup, strip_learned
from pipeline.core.normalize import (
    collapse_whitespace,
    compose_nfc,
    decode_stray_entities,
    has_mojibake_hint,
    normalise_line_endings,
    remove_c0_controls,
    remove_control_chars,
    remove_invisible_chars,
    repair_mojibake,
)
from pipeline.core.sentences import word_count
from pipeline.core.structure import find_crossheads, find_dateline
from pipeline.core.textmap import Edit, SourceMap


@dataclass(frozen=True, slots=True)
class Removed:
    rule: str
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Changed:
    rule: str
    start: int
    end: int
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class Flag:
    rule: str
    kind: str
    text: str
    start: int
    end: int
    action: str
    suggestion: str | None
    confidence: float


@dataclass(frozen=True, slots=True)
class Span:
    text: str
    start: int
    end: int


@dataclass
class CleanResult:
    """Everything the cleaner knows about one body."""

    body: str
    headline: str | None
    removed: list[Removed] = field(default_factory=list)
    changes: list[Changed] = field(default_factory=list)
    artefacts: list[Flag] = field(default_factory=list)
    subheads: list[Span] = field(default_factory=list)
    dateline: str | None = None
    byline: str | None = None
    credit: list[str] = field(default_factory=list)
    syndicated: bool = False
    fingerprints: list[str] = field(default_factory=list)
    word_count: int = 0


# (rule function, how its edits are recorded): "removed", "changed" or None (layout)
_NORMALISERS: tuple[tuple[Callable[[str], list[Edit]], str | None, bool], ...] = (
    (normalise_line_endings, None, True),
    (remove_c0_controls, "removed", True),  # C0 controls could split a mojibake sequence
    (repair_mojibake, "changed", True),  # before C1 controls: C1 bytes are part of mojibake
    (compose_nfc, "changed", True),
    (remove_control_chars, "removed", True),
    (remove_invisible_chars, "removed", True),
    (decode_stray_entities, "changed", False),  # plain text only
    (collapse_whitespace, None, True),
    (plan_paragraphs, None, True),
)


_ENCODING = frozenset({remove_c0_controls, repair_mojibake, compose_nfc, remove_control_chars, remove_invisible_chars})
_LAYOUT = frozenset({collapse_whitespace, plan_paragraphs})
_MAX_ROUNDS = 3
_NEED_UNPRINTABLE = frozenset(
    {normalise_line_endings, remove_c0_controls, remove_control_chars, remove_invisible_chars}
)


def _normalise(
    received: str,
    html: bool,
    removed: list[Removed],
    changes: list[Changed],
    drops: Sequence[tuple[int, int, str]] = (),
) -> tuple[str, SourceMap]:
    if drops:
        # spans the wire format marks as not for publication: recorded, then blanked (same length, so
        # every offset still indexes the received body) before any other stage sees them
        received = _blank(received, drops, removed)
    if html:
        hr = html_to_text(received)
        text, smap = hr.text, hr.map
        for s, e in hr.noise:
            removed.append(Removed("H002-html-noise", received[s:e], s, e))
        for s, e, decoded in hr.entities:
            changes.append(Changed("H001-html-to-text", s, e, received[s:e], decoded))
    else:
        text, smap = received, SourceMap.identity(len(received))
    # one C-speed check rules out control, invisible and odd space characters and odd line ends at once
    printable = text.replace("\n", "").isprintable()
    # The encoding repairs interact (removing a control character can join a mojibake
    # sequence; repairing mojibake can expose a control character): repeat them until they
    # change nothing, so that cleaning clean text changes nothing. A second round runs only
    # when the first changed something, which is rare.
    for _ in range(_MAX_ROUNDS):
        changed = False
        for fn, record, for_html in _NORMALISERS:
            if html and not for_html:
                continue
            if printable and fn in _NEED_UNPRINTABLE:
                continue
            edits = fn(text)
            if not edits:
                continue
            # the layout steps can change what ftfy sees ("a  Â 0" is no mojibake, "a Â 0" is)
            changed = changed or fn in _ENCODING or (fn in _LAYOUT and has_mojibake_hint(text))
            rule_id: str = fn.rule_id  # type: ignore[attr-defined]
            if record == "removed":
                for ed in edits:
                    s, e = smap.span(ed.start, ed.end)
                    if e > s:
                        removed.append(Removed(rule_id, received[s:e], s, e))
            elif record == "changed":
                for ed in edits:
                    s, e = smap.span(ed.start, ed.end)
                    changes.append(Changed(rule_id, s, e, received[s:e], ed.repl))
            text, smap = smap.apply(text, edits)
        if not changed:
            break
        printable = text.replace("\n", "").isprintable()
    return text, smap


def _blank(received: str, drops: Sequence[tuple[int, int, str]], removed: list[Removed]) -> str:
    pieces: list[str] = []
    pos = 0
    for s, e, rule_id in sorted(drops):
        s, e = max(s, pos), min(e, len(received))
        if e <= s:
            continue
        removed.append(Removed(rule_id, received[s:e], s, e))
        pieces.append(received[pos:s])
        pieces.append(re.sub(r"[^\n]", " ", received[s:e]))
        pos = e
    pieces.append(received[pos:])
    return "".join(pieces)


def normalise_headline(headline: str | None, html: bool = False) -> str | None:
    """The headline through the same normalisers (no record kept).

    >>> normalise_headline("  Trumpâ€™s  call\\u200b ")
    'Trump’s call'
    """
    if headline is None:
        return None
    text, _ = _normalise(headline, html, [], [])
    text = " ".join(text.split())
    return text or None


_SPACE_BEFORE_PUNCT = re.compile(r" +(?=[,.;:!?”’)\]](?:\s|$))")
_MULTI_SPACE = re.compile(r" {2,}")


def _assemble(doc: Doc) -> tuple[str, list[Span]]:
    inside: dict[int, list[tuple[int, int]]] = {}
    starts = [p.start for p in doc.paras]
    for c in doc.cuts:
        i = bisect.bisect_right(starts, c.start) - 1
        if i >= 0:
            inside.setdefault(i, []).append((c.start, c.end))
    parts: list[str] = []
    subheads: list[Span] = []
    pos = 0
    for i in doc.live():
        p = doc.paras[i]
        pieces = []
        cur = p.lo
        for s, e in sorted(inside.get(i, [])):
            s, e = max(s, p.lo), min(e, p.hi)
            if e <= cur or s >= p.hi:
                continue
            if s > cur:
                pieces.append(doc.text[cur:s])
            cur = max(cur, e)
        if cur < p.hi:
            pieces.append(doc.text[cur : p.hi])
        text = "".join(pieces)
        if len(pieces) > 1:
            text = _SPACE_BEFORE_PUNCT.sub("", _MULTI_SPACE.sub(" ", text))
        text = text.strip()
        if not text:
            continue
        if parts:
            pos += 2
        if p.role == "subhead":
            subheads.append(Span(text, pos, pos + len(text)))
        parts.append(text)
        pos += len(text)
    return "\n\n".join(parts), subheads


# rules that look at running text: run once over all paragraphs joined, hits mapped back
_TEXT_RULES = (
    art.find_stray_auxiliaries,
    art.find_honorifics,
    art.find_quote_glyph_errors,
    art.find_case_anomalies,
    art.find_capitalised_verbs,
    art.find_dropped_copulas,
    art.find_punctuation_debris,
    art.find_reduplicated_pairs,
)


def _find_artefacts(doc: Doc) -> list[tuple[int, art.Hit]]:
    """All artefact hits as (paragraph index, hit relative to the paragraph's live text)."""
    live = doc.live()
    texts = [doc.ptext(i) for i in live]
    article = "\n\n".join(texts)
    starts: list[int] = []
    pos = 0
    for t in texts:
        starts.append(pos)
        pos += len(t) + 2
    dominant = art.dominant_script(article)
    subhead = {k for k, i in enumerate(live) if doc.paras[i].role == "subhead"}
    out: list[tuple[int, art.Hit]] = []

    def place(h: art.Hit) -> None:
        k = bisect.bisect_right(starts, h.start) - 1
        if k < 0 or k in subhead or h.end > starts[k] + len(texts[k]):
            return
        base = starts[k]
        cut_s = max(h.cut_start, base) - base if h.cut_start is not None else None
        cut_e = h.cut_end - base if h.cut_end is not None else None
        out.append(
            (
                live[k],
                art.Hit(
                    h.rule, h.kind, h.start - base, h.end - base, h.confidence, h.suggestion, h.removable, cut_s, cut_e
                ),
            )
        )

    for rule_fn in _TEXT_RULES:
        for h in rule_fn(article):
            place(h)
    for h in art.find_calques(article, article):
        place(h)
    for h in art.find_foreign_script(article, dominant):
        place(h)
    if dominant == "LATIN":
        for h in art.find_unknown_words(article):
            place(h)
    # paragraph rules, each gated once on the whole article (one scan instead of one per paragraph)
    subjectless = art.may_lack_subject(article)
    quotes = "“" in article or "‘" in article
    imperatives = art.may_hold_imperative(article)
    for k, (i, text) in enumerate(zip(live, texts, strict=True)):
        if text[:1] in "“‘\"'" and len(text) <= 200:
            out.extend((i, h) for h in art.find_broken_crossheads(text))
        if k in subhead:
            continue
        if subjectless:
            out.extend((i, h) for h in art.find_subjectless_sentences(text))
        if quotes:
            following = texts[k + 1] if k + 1 < len(texts) and k + 1 not in subhead else ""
            out.extend((i, h) for h in art.find_unclosed_quotes(text, following))
            out.extend((i, h) for h in art.find_early_closed_quotes(text))
        if imperatives:
            out.extend((i, h) for h in art.find_reported_instructions(text, texts[k - 1] if k else ""))
    out.extend(
        (live[pi], h)
        for pi, h in art.find_duplicate_sentences([t if k not in subhead else "" for k, t in enumerate(texts)])
    )
    return _dedupe(out)


def _dedupe(hits: list[tuple[int, art.Hit]]) -> list[tuple[int, art.Hit]]:
    """One finding per stretch of text and kind: a removable hit wins over flags it overlaps.

    Hits are swept in text order, so only the last kept hit of each kind can overlap the next one.
    """
    hits.sort(key=lambda x: (x[0], x[1].start, -x[1].confidence))
    kept: list[tuple[int, art.Hit]] = []
    last: dict[tuple[int, str], int] = {}  # (paragraph, kind) -> index in kept
    for i, h in hits:
        k = last.get((i, h.kind))
        if k is not None and h.start < kept[k][1].end:
            if h.removable and not kept[k][1].removable:
                kept[k] = (i, h)
            continue
        last[(i, h.kind)] = len(kept)
        kept.append((i, h))
    return kept


def clean_body(
    body: str,
    content_type: str = "text/plain",
    headline: str | None = None,
    learned: LearnedLookup | None = None,
    artefacts: bool = True,
    drops: Sequence[tuple[int, int, str]] = (),
) -> CleanResult:
    """Clean one received body.

    >>> r = clean_body("Kyiv said 145 drones hit overnight, the air force reported on Sunday. Was done.\\n"
    ...                "(Except for the headline, this story has not been edited by NDTV staff and is "
    ...                "published from a syndicated feed.)")
    >>> r.body, r.syndicated, [x.rule for x in r.removed], [(a.text, a.action) for a in r.artefacts]
    ('Kyiv said 145 drones hit overnight, the air force reported on Sunday.', True, ['A001-stray-auxiliary', 'B001-ndtv-syndicated'], [('Was done.', 'removed')])
    """
    html = content_type == "text/html"
    removed: list[Removed] = []
    changes: list[Changed] = []
    canonical, smap = _normalise(body, html, removed, changes, drops)
    doc = Doc.from_text(canonical, paragraph_spans(canonical), normalise_headline(headline, html))

    strip_known_boilerplate(doc)
    strip_headline_echo(doc)
    fingerprints = strip_learned(doc, learned)
    strip_trailing_headlines(doc)
    strip_caption_echoes(doc)
    drop_duplicate_paragraphs(doc)
    find_dateline(doc)
    find_crossheads(doc)

    flags: list[Flag] = []
    if artefacts:
        cut_paras: set[int] = set()
        for i, h in _find_artefacts(doc):
            base = doc.paras[i].lo
            s, e = smap.span(base + h.start, base + h.end)
            remove = h.removable and h.confidence >= art.REMOVE_AT
            if remove:
                cs = base + (h.cut_start if h.cut_start is not None else h.start)
                ce = base + (h.cut_end if h.cut_end is not None else h.end)
                doc.cut_inside(cs, ce, h.rule)
                cut_paras.add(i)
            flags.append(
                Flag(
                    h.rule,
                    h.kind,
                    body[s:e],
                    s,
                    e,
                    "removed" if remove else "flagged",
                    h.suggestion,
                    h.confidence,
                )
            )

        strip_exposed_boilerplate(doc, cut_paras)

    clean, subheads = _assemble(doc)
    for c in doc.cuts:
        if not c.record:
            continue
        s, e = smap.span(c.start, c.end)
        if e > s:
            removed.append(Removed(c.rule, body[s:e], s, e))
    removed.sort(key=lambda r: (r.start, r.end))
    flags.sort(key=lambda f: (f.start, f.end))
    return CleanResult(
        body=clean,
        headline=doc.headline,
        removed=removed,
        changes=sorted(changes, key=lambda c: c.start),
        artefacts=flags,
        subheads=subheads,
        dateline=doc.dateline,
        byline=doc.byline,
        credit=doc.credits,
        syndicated=doc.syndicated,
        fingerprints=fingerprints,
        word_count=word_count(clean),
    )
