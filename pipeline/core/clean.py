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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from pipeline.core import artefacts as art
from pipeline.core.boilerplate import (
    CAPTION_ECHO,
    DUPLICATE_PARAGRAPH,
    HEADLINE_ECHO,
    KNOWN_BOILERPLATE,
    RELATED_HEADLINES,
    strip_exposed_boilerplate,
)
from pipeline.core.chrome import (
    AFTER_RELATED_LABEL,
    AFTER_SIGN_OFF,
    SCORED_BOILERPLATE,
    Model,
    carry_features,
    cue_phrases,
)
from pipeline.core.doc import Cut, Doc, DocContext, LearnedLookup
from pipeline.core.html import HTML_NOISE, HTML_TO_TEXT, html_to_text
from pipeline.core.language import detect, primary
from pipeline.core.layout import PARAGRAPHS, paragraph_spans
from pipeline.core.learned import LEARNED_REPEAT
from pipeline.core.normalize import (
    C0_CONTROLS,
    CONTROL_CHARS,
    INVISIBLE_CHARS,
    LINE_ENDINGS,
    MOJIBAKE,
    NFC,
    STRAY_ENTITIES,
    WHITESPACE,
    has_mojibake_hint,
)
from pipeline.core.results import Changed, CleanResult, Flag, Removed, Span
from pipeline.core.rules import NO_LITERALS, Presence, Rule, all_literals, catalogue
from pipeline.core.sentences import word_count
from pipeline.core.structure import CROSSHEAD, DATELINE_RULE
from pipeline.core.textmap import Edit, SourceMap
from pipeline.core.wirelines import WIRE_FORMAT

# ------------------------------------------------------------------ the run order, as data
#: HTML bodies first become text (H001), their noise recorded as removals (H002).
HTML: Final[tuple[Rule, ...]] = (HTML_TO_TEXT, HTML_NOISE)

#: Normalisers in the order they run, with how their edits are recorded ("removed",
#: "changed" or None for layout) and whether they run on text that came from HTML.
NORMALISE: Final[tuple[tuple[Rule, str | None, bool], ...]] = (
    (LINE_ENDINGS, None, True),
    (C0_CONTROLS, "removed", True),  # C0 controls could split a mojibake sequence
    (MOJIBAKE, "changed", True),  # before C1 controls: C1 bytes are part of mojibake
    (NFC, "changed", True),
    (CONTROL_CHARS, "removed", True),
    (INVISIBLE_CHARS, "removed", True),
    (STRAY_ENTITIES, "changed", False),  # plain text only
    (WHITESPACE, None, True),
    (PARAGRAPHS, None, True),
)

#: Document rules ``(doc, ctx) -> None``: boilerplate, learned repeats, then structure.
DOCUMENT: Final[tuple[Rule, ...]] = (
    KNOWN_BOILERPLATE,
    HEADLINE_ECHO,
    RELATED_HEADLINES,
    CAPTION_ECHO,
    DUPLICATE_PARAGRAPH,
    SCORED_BOILERPLATE,  # before the learned repeats: a repeated credit line is context for what follows it
    AFTER_SIGN_OFF,  # what still stands after the closing line the scorer removed
    AFTER_RELATED_LABEL,  # the list a removed related-content label introduces
    LEARNED_REPEAT,
    DATELINE_RULE,
    CROSSHEAD,
)

#: Artefact rules ``(view) -> [(paragraph, hit)]``: flags; only certain fragments are removed.
ARTEFACTS: Final[tuple[Rule, ...]] = (
    art.STRAY_AUXILIARY,
    art.HONORIFICS,
    art.QUOTE_GLYPHS,
    art.CASE_ANOMALIES,
    art.CAPITALISED_VERBS,
    art.DROPPED_COPULAS,
    art.PUNCTUATION_DEBRIS,
    art.REDUPLICATED_PAIRS,
    art.CALQUES,
    art.FOREIGN_SCRIPT,
    art.UNKNOWN_WORDS,
    art.BROKEN_CROSSHEAD,
    art.SUBJECTLESS,
    art.UNCLOSED_QUOTES,
    art.EARLY_CLOSED_QUOTES,
    art.REPORTED_INSTRUCTIONS,
    art.DUPLICATE_SENTENCES,
)

_LITERALS: Final = all_literals(DOCUMENT + ARTEFACTS)
_NORMALISE_LITERALS: Final = all_literals(r for r, _, _ in NORMALISE)
_ENCODING: Final = frozenset({C0_CONTROLS.id, MOJIBAKE.id, NFC.id, CONTROL_CHARS.id, INVISIBLE_CHARS.id})
_LAYOUT: Final = frozenset({WHITESPACE.id, PARAGRAPHS.id})
_MAX_ROUNDS: Final = 3


def rules() -> list[Rule]:
    """The catalogue: every rule the cleaner runs (data rules included), sorted by id.

    >>> [r.id for r in rules()][:3]
    ['A001-stray-auxiliary', 'A002-subjectless-sentence', 'A003-calque-lexicon']
    """
    return catalogue([HTML, WIRE_FORMAT, [r for r, _, _ in NORMALISE], DOCUMENT, ARTEFACTS])


#: Languages the artefact rules are written for (machine-translation debris in English).
ARTEFACT_LANGUAGES: Final = frozenset({"en"})


def _normalise(
    received: str,
    html: bool,
    removed: list[Removed],
    changes: list[Changed],
    prefilter: bool = True,
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
            removed.append(Removed(HTML_NOISE.id, received[s:e], s, e))
        for s, e, decoded in hr.entities:
            changes.append(Changed(HTML_TO_TEXT.id, s, e, received[s:e], decoded))
    else:
        text, smap = received, SourceMap.identity(len(received))
    # The encoding repairs interact (removing a control character can join a mojibake
    # sequence; repairing mojibake can expose a control character): repeat them until they
    # change nothing, so that cleaning clean text changes nothing. A second round runs only
    # when the first changed something, which is rare. What each rule needs is looked up
    # once per round.
    for _ in range(_MAX_ROUNDS):
        changed = False
        pres = Presence(text, _NORMALISE_LITERALS, everything=not prefilter)
        for rule, record, for_html in NORMALISE:
            if (html and not for_html) or not pres.fires(rule.needs):
                continue
            assert rule.fn is not None
            edits: list[Edit] = rule.fn(text)
            if not edits:
                continue
            # the layout steps can change what ftfy sees ("a  Â 0" is no mojibake, "a Â 0" is)
            changed = changed or rule.id in _ENCODING or (rule.id in _LAYOUT and has_mojibake_hint(text))
            if record == "removed":
                for ed in edits:
                    s, e = smap.span(ed.start, ed.end)
                    if e > s:
                        removed.append(Removed(rule.id, received[s:e], s, e))
            elif record == "changed":
                for ed in edits:
                    s, e = smap.span(ed.start, ed.end)
                    changes.append(Changed(rule.id, s, e, received[s:e], ed.repl))
            text, smap = smap.apply(text, edits)
        if not changed:
            break
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


_SPACE_BEFORE_PUNCT: Final = re.compile(r" +(?=[,.;:!?”’)\]](?:\s|$))")
_MULTI_SPACE: Final = re.compile(r" {2,}")


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


def _rescore(doc: Doc, ctx: DocContext) -> None:
    """Run the scorer again on the paragraphs as they read once fragments were removed from them.

    A removed fragment can leave a span the scorer cuts ("... on Monday. 0 0 >. Is." keeps
    "0 0 >." until "Is." is gone): scoring the text that is left, and cutting what it finds from
    the document, makes one cleaning what two would be.
    """
    live = doc.live()
    if not live:
        return
    cuts = sorted((c.start, c.end) for c in doc.cuts)
    chunks: list[str] = []
    where: list[int] = []  # position in the text that is left -> position in the canonical text (-1: a separator)
    spans: list[tuple[int, int]] = []
    for i in live:
        p = doc.paras[i]
        if chunks:
            chunks.append("\n\n")
            where.extend((-1, -1))
        start = len(where)
        pos = p.lo
        for s, e in cuts:
            if e <= pos or s >= p.hi:
                continue
            if s > pos:
                chunks.append(doc.text[pos:s])
                where.extend(range(pos, s))
            pos = max(pos, e)
        if pos < p.hi:
            chunks.append(doc.text[pos : p.hi])
            where.extend(range(pos, p.hi))
        spans.append((start, len(where)))
    left = Doc.from_text("".join(chunks), spans, doc.headline)
    for k, i in enumerate(live):
        left.paras[k].role = doc.paras[i].role
    left.dateline, left.byline = doc.dateline, doc.byline
    carry_features(doc, left)
    left.run(SCORED_BOILERPLATE, ctx)
    for c in left.cuts:
        run_start = prev = -2
        for j in range(c.start, c.end):
            at = where[j]
            if at < 0:
                continue
            if at != prev + 1:
                if run_start >= 0:
                    _recut(doc, run_start, prev + 1, c)
                run_start = at
            prev = at
        if run_start >= 0:
            _recut(doc, run_start, prev + 1, c)
    for k, i in enumerate(live):
        if left.paras[k].removed_by is not None:
            doc.paras[i].removed_by = left.paras[k].removed_by


def _recut(doc: Doc, start: int, end: int, like: Cut) -> None:
    record = bool(doc.text[start:end].strip())
    doc.cuts.append(Cut(start, end, like.rule, record, like.score if record else None, like.features if record else ()))


def _find_artefacts(
    doc: Doc, pres: Presence, limits: list[tuple[str, int, str]] | None = None
) -> list[tuple[int, str, art.Hit]]:
    """All artefact hits as (paragraph index, rule id, hit relative to the paragraph's live text);
    per-article limits the rules reached are appended to ``limits``."""
    live = doc.live()
    subheads = frozenset(k for k, i in enumerate(live) if doc.paras[i].role == "subhead")
    view = art.ArticleView.of([doc.ptext(i) for i in live], subheads)
    out: list[tuple[int, str, art.Hit]] = []
    for rule in ARTEFACTS:
        if pres.fires(rule.needs):
            assert rule.fn is not None
            out.extend((live[k], rule.id, h) for k, h in rule.fn(view))
    if limits is not None and pres.fires(art.STRAY_AUXILIARY.needs) and art.stray_fragments_capped(view.text):
        note = f"stray fragments after the first {art.MAX_HITS} were neither removed nor flagged"
        limits.append((art.STRAY_AUXILIARY.id, art.MAX_HITS, note))
    return _dedupe(out)


def _dedupe(hits: list[tuple[int, str, art.Hit]]) -> list[tuple[int, str, art.Hit]]:
    """One finding per stretch of text and kind: a removable hit wins over flags it overlaps.

    Hits are swept in text order, so only the last kept hit of each kind can overlap the next one.
    """
    hits.sort(key=lambda x: (x[0], x[2].start, -x[2].confidence))
    kept: list[tuple[int, str, art.Hit]] = []
    last: dict[tuple[int, str], int] = {}  # (paragraph, kind) -> index in kept
    for i, rule, h in hits:
        k = last.get((i, h.kind))
        if k is not None and h.start < kept[k][2].end:
            if h.removable and not kept[k][2].removable:
                kept[k] = (i, rule, h)
            continue
        last[(i, h.kind)] = len(kept)
        kept.append((i, rule, h))
    return kept


@dataclass
class Prepared:
    """A body after normalisation and the document rules up to a given one (what the scorer is trained on)."""

    doc: Doc
    smap: SourceMap
    ctx: DocContext
    presence: Presence
    removed: list[Removed]
    changes: list[Changed]


def prepare(
    body: str,
    content_type: str = "text/plain",
    headline: str | None = None,
    learned: LearnedLookup | None = None,
    *,
    until: Rule | None = None,
    chrome: Model | None = None,
    prefilter: bool = True,
    drops: Sequence[tuple[int, int, str]] = (),
) -> Prepared:
    """Normalise ``body`` and run the document rules in order, stopping before ``until`` (None: all);
    ``drops``: spans of the body a wire format marks as not for publication, with their rule ids."""
    html = content_type == "text/html"
    removed: list[Removed] = []
    changes: list[Changed] = []
    canonical, smap = _normalise(body, html, removed, changes, prefilter, drops)
    doc = Doc.from_text(canonical, paragraph_spans(canonical), normalise_headline(headline, html))
    # one multi-pattern pass decides which document and artefact rules run (``prefilter=False``
    # runs every rule on every text: the tests compare the two)
    # (the scorer's cue phrases ride on the same pass: the same lower-case text, one scan)
    pres = Presence(
        canonical,
        _LITERALS if prefilter else NO_LITERALS,
        everything=not prefilter,
        extra=cue_phrases() if prefilter else frozenset(),
    )
    if prefilter:
        doc.scratch["cue_hits"] = pres.extra_hits
        doc.scratch["low"] = pres.low
    ctx = DocContext(learned=learned, presence=pres if prefilter else None, chrome=chrome)
    for rule in DOCUMENT:
        if rule is until:
            break
        if not pres.fires(rule.needs):
            continue
        before = len(doc.cuts)
        doc.run(rule, ctx)
        if rule is SCORED_BOILERPLATE and len(doc.cuts) > before:
            # what the scorer removed can expose a known passage (a credit that now ends the text);
            # one more pass of both keeps cleaning idempotent
            before = len(doc.cuts)
            doc.run(KNOWN_BOILERPLATE, ctx)
            if len(doc.cuts) > before:
                doc.run(SCORED_BOILERPLATE, ctx)
    return Prepared(doc, smap, ctx, pres, removed, changes)


def clean_body(
    body: str,
    content_type: str = "text/plain",
    headline: str | None = None,
    learned: LearnedLookup | None = None,
    artefacts: bool = True,
    drops: Sequence[tuple[int, int, str]] = (),
    *,
    language: str | None = None,
    prefilter: bool = True,
    chrome: Model | None = None,
) -> CleanResult:
    """Clean one received body (``language``: the declared BCP-47 tag, detected when None;
    ``chrome``: the boilerplate scorer's weights, None for the shipped ones).

    Artefact rules (English machine-translation debris) run only on English text, or on text too
    short to tell.

    >>> r = clean_body("Kyiv said 145 drones hit overnight, the air force reported on Sunday. Was done.\\n"
    ...                "(Except for the headline, this story has not been edited by NDTV staff and is "
    ...                "published from a syndicated feed.)")
    >>> r.body, r.syndicated, [x.rule for x in r.removed], [(a.text, a.action) for a in r.artefacts]
    ('Kyiv said 145 drones hit overnight, the air force reported on Sunday.', True, ['A001-stray-auxiliary', 'B001-ndtv-syndicated'], [('Was done.', 'removed')])
    """
    prep = prepare(body, content_type, headline, learned, chrome=chrome, prefilter=prefilter, drops=drops)
    doc, smap, ctx, pres = prep.doc, prep.smap, prep.ctx, prep.presence
    removed, changes = prep.removed, prep.changes

    lang, detected = primary(language), False
    if lang is None:
        lang, detected = detect(doc.text).language, True
    flags: list[Flag] = []
    limits: list[tuple[str, int, str]] = []
    if artefacts and (lang is None or lang in ARTEFACT_LANGUAGES):
        cut_paras: set[int] = set()
        for i, rule_id, h in _find_artefacts(doc, pres, limits):
            base = doc.paras[i].lo
            s, e = smap.span(base + h.start, base + h.end)
            remove = h.removable and h.confidence >= art.REMOVE_AT
            if remove:
                cs = base + (h.cut_start if h.cut_start is not None else h.start)
                ce = base + (h.cut_end if h.cut_end is not None else h.end)
                doc.cut_inside(cs, ce, rule_id)
                cut_paras.add(i)
            flags.append(
                Flag(
                    rule_id,
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
        if cut_paras and pres.fires(SCORED_BOILERPLATE.needs):
            _rescore(doc, ctx)

    clean, subheads = _assemble(doc)
    for c in doc.cuts:
        if not c.record:
            continue
        s, e = smap.span(c.start, c.end)
        if e > s:
            removed.append(Removed(c.rule, body[s:e], s, e, c.score, c.features))
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
        fingerprints=ctx.fingerprints,
        word_count=word_count(clean),
        language=lang,
        language_detected=detected and lang is not None,
        limits=limits,
    )
