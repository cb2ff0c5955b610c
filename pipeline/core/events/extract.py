"""From a clean body to events: triggers, participants, quantities, places, dates and quotes."""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_right
from collections.abc import Iterable
from datetime import date, datetime
from functools import cache, lru_cache
from importlib import resources
from typing import Any, Final

from pipeline.core.automaton import Automaton
from pipeline.core.events.build import (
    Antecedents,
    Sentence,
    Trigger,
    detail,
    events_for_sentence,
    is_institution,
    is_participant,
)
from pipeline.core.events.gazetteer import gazetteer
from pipeline.core.events.mentions import (
    PRONOUNS,
    TITLE_WORDS,
    ArticleContext,
    build_context,
)
from pipeline.core.events.model import Entity, ExtractedEvent
from pipeline.core.events.quotes import Quote, attribute, find_quotes, is_pronoun
from pipeline.core.layout import paragraph_spans
from pipeline.core.scan import Folded, leading_literals
from pipeline.core.sentences import sentence_spans

MAX_EVENT_CHARS: Final = 100_000  # events are read from the first 100k characters (any real article fits)
MAX_SENTENCE_CHARS: Final = 1_200  # longer "sentences" are run-on garbage, not prose
MAX_QUOTE_PARA_CHARS: Final = 20_000


@cache
def _trigger_automaton() -> Any:
    """One Aho-Corasick automaton over every trigger's keywords and the literals that open its
    matches, and over the title words the article context looks for (all lower-cased): string ->
    (its length, indices of the triggers it is a keyword of, indices of the triggers whose matches
    it can open, the title words it is the lower case of).

    Fewer strings, the same answers: a keyword that extends another of the same trigger
    ("deployed" after "deploy") starts wherever that one does, so it is left out; an opening
    literal is replaced by the longest keyword it extends ("deployed " by "deploy": a superset of
    the places, which the pattern then checks), or by a shorter opening literal of its trigger.
    """
    auto: Automaton[tuple[int, frozenset[int], frozenset[int], tuple[str, ...]]] = Automaton()
    kw: dict[str, set[int]] = {}
    lead: dict[str, set[int]] = {}
    for i, t in enumerate(triggers()):
        for k in _prefix_free(t.keywords):
            kw.setdefault(k, set()).add(i)
    keys = sorted(kw, key=len, reverse=True)
    for i, t in enumerate(triggers()):
        for x in _prefix_free(x.lower() for x in t.leads or ()):
            x = next((k for k in keys if x.startswith(k)), x)
            lead.setdefault(x, set()).add(i)
    titles: dict[str, list[str]] = {}
    for w in TITLE_WORDS:
        titles.setdefault(w.lower(), []).append(w)
    for k in kw.keys() | lead.keys() | titles.keys():
        auto.add_word(k, (len(k), frozenset(kw.get(k, ())), frozenset(lead.get(k, ())), tuple(titles.get(k, ()))))
    auto.make_automaton()
    return auto


Hit = tuple[int, tuple[int, frozenset[int], frozenset[int], tuple[str, ...]]]  # an automaton hit: (end, value)


def scan_body(body: str, low: str) -> tuple[list[Hit], list[tuple[int, int]]]:
    """One automaton pass over the lower-cased body (``low``, of the body's length): the hits of
    trigger keywords and opening literals, in end order, and where the title words are, as
    :func:`pipeline.core.events.mentions._title_hits` gives them (a title word occurs where its
    lower case does and the body has the word as written).

    >>> body = "Chief Minister X said police fired 145 drones."
    >>> hits, titles = scan_body(body, body.lower())
    >>> titles, [body[end - length + 1 : end + 1] for end, (length, *_rest) in hits]
    ([(4, 5), (13, 8)], [' fire', 'fire', 'fired '])
    """
    hits: list[Hit] = []
    titles: list[tuple[int, int]] = []
    for hit in _trigger_automaton().iter(low):
        end, (length, kw, lead, words) = hit
        if words:
            p = end - length + 1
            for w in words:
                if body.startswith(w, p):
                    titles.append((end, length))
            if not kw and not lead:
                continue
        hits.append(hit)
    titles.sort()  # already in end order: no two title words end at one place
    return hits, titles


def _prefix_free(strings: Iterable[str]) -> list[str]:
    """The strings that extend none of the others.

    >>> _prefix_free(["deployed", "deploy", "sent ", "deploys"])
    ['deploy', 'sent ']
    """
    out: list[str] = []
    for x in sorted(set(strings), key=len):
        if not any(x.startswith(k) for k in out):
            out.append(x)
    return sorted(out)


def candidate_triggers(text: str) -> list[Trigger]:
    """Triggers whose keywords occur in ``text`` (lower-cased), in lexicon order.

    >>> [t.id for t in candidate_triggers("Russia fired 145 drones")]
    ['assault-launch-fire']
    """
    found: set[int] = set()
    for _end, (_length, ids, _lead, _words) in _trigger_automaton().iter(text.lower()):
        found |= ids
    all_ = triggers()
    return [all_[i] for i in sorted(found)]


Candidates = list[tuple[Trigger, int, list[int] | None]]


def _triggers_by_sentence(hits: list[Hit] | None, sentences: list[Sentence]) -> list[Candidates] | None:
    """:func:`candidate_triggers` of every sentence from the hits of one pass over the lower-cased
    body (:func:`scan_body`), each with where its first keyword starts in the sentence and where
    its matches can start (None: no hits, use the per-sentence way).

    >>> body = "Russia fired 145 drones. Rain fell on."
    >>> ss = [Sentence(0, 24, body[:24], 0, None, None), Sentence(25, 38, body[25:], 0, None, None)]
    >>> [[(t.id, at, starts) for t, at, starts in ts] for ts in _triggers_by_sentence(scan_body(body, body.lower())[0], ss)]
    [[('assault-launch-fire', 6, [7])], []]
    """
    if hits is None:
        return None
    firsts = [s.start for s in sentences]
    per: dict[int, tuple[dict[int, int], dict[int, list[int]]]] = {}
    for end, (length, kw, lead, _words) in hits:
        start = end - length + 1
        k = bisect_right(firsts, start) - 1  # the sentence the hit starts in, if it ends there too
        if k < 0 or end >= sentences[k].end:
            continue
        rel = start - firsts[k]
        got = per.get(k)
        if got is None:
            got = per[k] = ({}, {})
        found = got[0]
        for i in kw:  # hits come in end order: keep each trigger's earliest start
            if i not in found or rel < found[i]:
                found[i] = rel
        if lead:
            starts = got[1]
            for i in lead:
                at = starts.get(i)
                if at is None:
                    starts[i] = [rel]
                else:
                    at.append(rel)
    all_ = triggers()
    out: list[Candidates] = [[] for _ in sentences]
    for k, (found, starts) in per.items():
        cands = out[k]
        for i in sorted(found):
            t = all_[i]
            if t.leads is None:
                cands.append((t, found[i], None))
                continue
            at = starts.get(i)
            if at is not None:  # else no match can start in the sentence
                cands.append((t, found[i], sorted(set(at)) if len(at) > 1 else at))
    return out


def _insensitive(pattern: str) -> Folded:
    if not pattern.startswith("(?i)"):
        raise ValueError(f"a trigger's mode pattern is case-insensitive: {pattern!r} should open with (?i)")
    return Folded(pattern)


@cache
def triggers() -> tuple[Trigger, ...]:
    """The trigger lexicon (``data/triggers.toml``)."""
    raw = resources.files("pipeline.data").joinpath("triggers.toml").read_text(encoding="utf-8")
    out = []
    for t in tomllib.loads(raw)["trigger"]:
        out.append(
            Trigger(
                id=t["id"],
                type=t["type"],
                mode=t.get("mode"),
                pattern=re.compile(t["pattern"]),
                needs=Folded(t["needs"]) if t.get("needs") else None,
                needs_any=Folded(t["needs_any"]) if t.get("needs_any") else None,
                window=int(t.get("window", 80)),
                blocks=Folded(t["blocks"]) if t.get("blocks") else None,
                weapon_mode=bool(t.get("weapon_mode", False)),
                modes=tuple((_insensitive(p), m) for p, m in t.get("modes", [])),
                preps=tuple(t.get("preps", [])),
                recipient=t.get("recipient", "object"),
                political=bool(t.get("political", False)),
                reverse=bool(t.get("reverse", False)),
                noun=bool(t.get("noun", False)),
                keywords=tuple(k.lower() for k in t["keywords"]),
                confidence=float(t.get("confidence", 0.7)),
                leads=leading_literals(t["pattern"]),
            )
        )
    return tuple(out)


def _split(
    body: str,
    paras: list[tuple[int, int]],
    subheads: set[int],
    published: date | None,
    ctx: ArticleContext,
    low: str | None = None,
) -> list[Sentence]:
    out = []
    for pi, (ps, pe) in enumerate(paras):
        if pi in subheads:
            continue
        for ss, se in sentence_spans(body, ps, pe, limit=500):
            if se - ss > MAX_SENTENCE_CHARS:
                continue
            out.append(Sentence(ss, se, body[ss:se], pi, ctx, published, low[ss:se] if low is not None else None))
    return out


_CONTENT_WORD: Final = re.compile(r"[a-z0-9]{3,}")
_FUNCTION_WORDS: Final = frozenset(
    "the and that with from said says for was were has have had this its their which who also".split()
)


@lru_cache(maxsize=4096)
def _content_words(sentence: str) -> frozenset[str]:
    return frozenset(_CONTENT_WORD.findall(sentence.lower())) - _FUNCTION_WORDS


def _retold(a: ExtractedEvent, b: ExtractedEvent) -> bool:
    """Two sentences tell the same happening: the same count, or mostly the same words."""
    if a.quantity is not None and a.quantity == b.quantity:
        return True
    wa, wb = _content_words(a.sentence), _content_words(b.sentence)
    return bool(wa and wb) and len(wa & wb) >= 0.5 * min(len(wa), len(wb))


def _repeats(ev: ExtractedEvent, earlier: list[ExtractedEvent]) -> int | None:
    """Index of an earlier telling of the same event (same type, mode and participants), if any."""
    for k, e in enumerate(earlier):
        if e.type != ev.type or e.mode != ev.mode:
            continue
        same_parties = (
            ev.actor_name
            and e.actor_name == ev.actor_name
            and (ev.recipient_name is None or e.recipient_name is None or e.recipient_name == ev.recipient_name)
        ) or (
            ev.recipient_name
            and ev.recipient_name == e.recipient_name
            and (ev.actor_name is None or e.actor_name is None or ev.type in ("SANCTION", "COERCE"))
        )
        if not same_parties:
            continue
        if e.start != ev.start and not _retold(e, ev):
            continue  # the same parties, another act ("directed the officials…", later "directed police…")
        return k
    return None


_DEFINITE: Final = re.compile(
    r"(?i)^the (?P<noun>officer|official|spokesman|spokesperson|spokeswoman|minister|governor|leader|president|"
    r"chief|statement|police|commissioner|superintendent|prosecutor|source|mayor|judge|court|department|ministry|"
    r"agency|army|military|club|party|federation|union)$"
)
_SYNONYMS: Final = {"officer": ("officer", "official"), "official": ("official", "officer")}
_SAID_NP: Final = re.compile(
    r"(?P<np>\b(?:[Aa]n?|[Tt]he) [\w'’ .-]{3,70}?|\b[A-Z][\w'’.-]+(?: [A-Z][\w'’.-]+){0,4}) "
    r"(?:said|told|added|stated|announced|reported)\b"
)
_SAID_HINT: Final = re.compile(r"\b(?:said|told|added|stated|announced|reported)\b")


class _SpeakerPhrases:
    """Phrases that said things ("a Delhi Fire Services official said"), found only when a definite
    description ("the officer") needs one."""

    def __init__(self, sentences: list[Sentence], ctx: ArticleContext):
        self.sentences, self.ctx = sentences, ctx
        self.items: list[tuple[int, str, Entity]] = []
        self.scanned = False

    def add(self, pos: int, np_text: str, ent: Entity) -> None:
        self.items.append((pos, np_text, ent))

    def before(self, pos: int) -> list[tuple[int, str, Entity]]:
        if not self.scanned:
            self.scanned = True
            for s in self.sentences:
                if not _SAID_HINT.search(s.text):
                    continue
                for sm in _SAID_NP.finditer(s.text):
                    np_text = sm.group("np")
                    ent = _np_entity(np_text, s.start + sm.start("np"), s, self.ctx, prefer_first=False)
                    if ent is not None:
                        self.items.append((s.start + sm.start("np"), np_text, ent))
        return sorted((x for x in self.items if x[0] < pos), key=lambda x: x[0])


class _PersonsBefore:
    """People mentioned before a position, found lazily (only pronoun speakers need them)."""

    def __init__(self, sentences: list[Sentence], ctx: ArticleContext):
        self.sentences, self.ctx = sentences, ctx

    def last_before(self, pos: int) -> Entity | None:
        for s in reversed(self.sentences):
            if s.start >= pos:
                continue
            for men in reversed(s.mentions):
                if men.start < pos and (
                    men.kind == "person" or (men.kind == "unknown" and men.name in self.ctx.full_names)
                ):
                    return men.entity("actor")
        return None

    def last_body_before(self, pos: int) -> Entity | None:
        """The last organisation or institution named before ``pos`` ("it said")."""
        for s in reversed(self.sentences):
            if s.start >= pos:
                continue
            for men in reversed(s.mentions):
                if men.start < pos and (men.kind == "org" or is_institution(men)):
                    return men.entity("actor")
        return None


def _is_person(ent: Entity, ctx: ArticleContext) -> bool:
    """A speaker that is a person (the article names them as one), not a body."""
    name = ent.name
    if name in ctx.full_names or name in ctx.titles.values():
        return True
    toks = name.split()
    return bool(toks) and toks[-1] in ctx.persons and ctx.persons[toks[-1]] == name


_FROM: Final = re.compile(
    r"(?i)^(?:an?|the) (?:statement|report|press release|post|notice) (?:from|by|of) (?:the )?(?P<who>.+)$"
)


def _np_entity(np: str, at: int, s: Sentence | None, ctx: ArticleContext, prefer_first: bool) -> Entity | None:
    """The participant a noun phrase names: a mention inside it, else the phrase itself."""
    if s is not None and at >= 0:
        inside = [m for m in s.mentions if at <= m.start < at + len(np) and is_participant(m)]
        if inside:
            people = [c for c in inside if c.kind == "person" or (c.kind == "unknown" and c.name in ctx.full_names)]
            if prefer_first:  # the grammatical subject: the first participant, whatever its kind
                pick = inside[0]
            else:
                pick = people[-1] if people else inside[-1]
            if pick.kind == "unknown" and len(pick.name.split()) == 1:
                full = ctx.fullest(pick.name)
                return Entity(pick.text, full, ctx.person_country.get(full))
            bare = _ARTICLE.sub("", np).strip()
            if pick.kind in ("org", "group") and not prefer_first and len(bare.split()) > len(pick.text.split()):
                # "a Delhi Fire Services official": the whole phrase names the speaker
                return Entity(np, bare, pick.country)
            return pick.entity("actor")
    name = _ARTICLE.sub("", np).strip(" ,")
    if not name or len(name.split()) > 8 or name.lower() in PRONOUNS or name.lower() in ("what", "this", "that", "it"):
        return None
    holder = ctx.title_holder(name)
    if holder:
        return Entity(np, holder, ctx.person_country.get(holder))
    return Entity(np, ctx.fullest(name), None)


def _speaker_entity(
    q: Quote,
    s: Sentence | None,
    ctx: ArticleContext,
    persons_before: _PersonsBefore,
    last_speaker: tuple[int, Entity] | None,
    nps_before: _SpeakerPhrases,
) -> Entity | None:
    np = q.speaker_np
    if np is None:
        return None
    fm = _FROM.match(np.strip())
    if fm:  # "A statement from the military administration in Kiev"
        who = fm.group("who").strip()
        return Entity(who, who, None)
    if is_pronoun(np):
        # the nearest named speaker the pronoun can stand for: "he"/"she" a person, "it" a body
        low = np.strip().lower()
        personal = low in ("he", "she", "him", "her", "i")
        if (
            last_speaker
            and last_speaker[0] < q.open_at
            and (low in ("we", "they", "them") or _is_person(last_speaker[1], ctx) == personal)
        ):
            return last_speaker[1]
        if personal:
            return persons_before.last_before(q.open_at)
        if low == "it":
            return persons_before.last_body_before(q.open_at)
        return last_speaker[1] if last_speaker and last_speaker[0] < q.open_at else None
    dm = _DEFINITE.match(np.strip())
    if dm:
        noun = dm.group("noun").lower()
        syn = _SYNONYMS.get(noun, (noun,))
        for _pos, text, ent in reversed(nps_before.before(q.open_at)):
            if _DEFINITE.match(text.strip()):
                continue  # another bare "the statement": look further back for what it refers to
            if any(w in text.lower() for w in syn):
                fm = _FROM.match(text.strip())
                if fm:
                    who = fm.group("who").strip()
                    return Entity(who, who, ent.country)
                return ent
        holder = ctx.title_holder(noun.title())
        if holder:
            return Entity(np, holder, ctx.person_country.get(holder))
    found = _np_entity(np, q.speaker_at, s, ctx, prefer_first=q.speaker_how in ("subject",))
    if q.speaker_how == "subject" and last_speaker is not None:
        # a second quote in the same stretch of copy with no speaker of its own continues the last speaker
        named = s is not None and any(
            q.speaker_at <= m.start < q.speaker_at + len(np) and m.kind in ("person", "org") for m in s.mentions
        )
        if not named and q.open_at - last_speaker[0] < 1500:
            return last_speaker[1]
    return found


_ARTICLE: Final = re.compile(r"(?i)^(?:a|an|the)\s+")
_LETTERS: Final = re.compile(r"[^\W\d_]{2,}")
_DATELINE_CUT: Final = re.compile(r"[,(\[:|—–-]")
_NAME_LIKE: Final = re.compile(
    r"^(?:[A-Z][\w'’.-]*|of|the|and|in|on|for|de|al)(?: (?:[A-Z][\w'’.-]*|of|the|and|in|on|for|de|al)){0,5}[.,]?$"
)


_MENTION_BEFORE: Final = re.compile(
    r"(?i)\b(?:in \w+ as|(?:known|referred to|renders?|rendered|translates?|translated|writes?|wrote|written|"
    r"spells?|spelt|spelled)(?: it| them| this| that)? as|called|calls|calling|termed|terms|titled|named|dubbed|"
    r"labelled|labeled|branded|word|words|phrase|slogan|hashtag|headline|means?|meaning|translates? (?:in)?to|"
    r"reads?)\s*[:,]?\s*$"
)


def _is_mentioned(body: str, open_at: int, text: str) -> bool:
    """Words quoted to name or cite them ("translated as “Vinayaka's death”", "the slogan “Jai Hind”"), not speech.

    >>> b = 'Give it in Telugu as “On the occasion of the festival”, and see. He said, “We will win.”'
    >>> _is_mentioned(b, b.index("“On"), "On the occasion of the festival"), _is_mentioned(b, b.index("“We"), "We will win.")
    (True, False)
    """
    return len(text.split()) <= 12 and bool(_MENTION_BEFORE.search(body, max(0, open_at - 40), open_at))


def _is_name_like(text: str) -> bool:
    """A title or name in quotes ("Zero Point", "Saffron Terror."), not speech."""
    t = text.strip(" …")
    return bool(_NAME_LIKE.match(t)) or len(_LETTERS.findall(t)) == 0


def extract_events(
    body: str,
    published: datetime | date | None = None,
    headline: str | None = None,
    subheads: list[tuple[int, int]] | None = None,
    dateline: str | None = None,
) -> list[ExtractedEvent]:
    """Events and quotes of a clean body, in body order.

    >>> evs = extract_events("Ukrainian President Volodymyr Zelensky said Russia fired 145 drones at Ukraine overnight.",
    ...                      date(2024, 11, 10))
    >>> [(e.type, e.mode, e.actor_name, e.recipient_name, e.quantity, str(e.date)) for e in evs]
    [('ASSAULT', 'drone', 'Russia', 'Ukraine', (145, 'drones'), '2024-11-10')]
    """
    pub = published.date() if isinstance(published, datetime) else published
    if len(body) > MAX_EVENT_CHARS:
        cut = body.rfind("\n\n", 0, MAX_EVENT_CHARS)
        body = body[: cut if cut > 0 else MAX_EVENT_CHARS]
    lowered = body.lower()
    low = lowered if len(lowered) == len(body) else None  # a few characters lower-case to two: offsets would shift
    hits, title_hits = scan_body(body, low) if low is not None else (None, None)
    ctx = build_context(body, title_hits)
    paras = paragraph_spans(body)
    sub_idx = {i for i, (ps, pe) in enumerate(paras) if subheads and any(ps <= a < pe for a, _ in subheads)}
    sentences = _split(body, paras, sub_idx, pub, ctx, low)
    if dateline and sentences and body.startswith(dateline) and sentences[0].start < len(dateline):
        sentences[0].ignore_before = len(dateline)  # "NEW DELHI:" places the story; it does nothing
    g = gazetteer()
    dateline_place = None
    if dateline:
        place = _DATELINE_CUT.split(dateline)[0].strip()
        if place:
            code = g.place_country(place.title()) or g.place_country(place) or g.country_code(place.title())
            dateline_place = Entity(place, place.title() if place.isupper() else place, code)
    events: list[ExtractedEvent] = []
    long_paras = {i for i, (ps, pe) in enumerate(paras) if pe - ps > MAX_QUOTE_PARA_CHARS}
    quotes = find_quotes(body, paras, sub_idx | long_paras)[:500]
    quoted = [(q.open_at, q.close_at + 1) for q in quotes]
    per_sentence = _triggers_by_sentence(hits, sentences)
    for i, s in enumerate(sentences):
        cands: list[tuple[Trigger, int, list[int] | None]] = (
            per_sentence[i] if per_sentence is not None else [(t, 0, None) for t in candidate_triggers(s.text)]
        )
        if not cands:
            continue
        for ev in events_for_sentence(s, pub, dateline_place, quoted, Antecedents(sentences, i, ctx), cands):
            k = _repeats(ev, events)
            if k is None:
                events.append(ev)
            elif detail(ev) > detail(events[k]):
                events[k] = ev
    persons_before = _PersonsBefore(sentences, ctx)
    nps_before = _SpeakerPhrases(sentences, ctx)
    last_speaker: tuple[int, Entity] | None = None
    last_para = -1
    for q in quotes:
        qs = next((x for x in sentences if x.start <= q.open_at < x.end + 1), None)
        sent_start = qs.start if qs else paras[q.para][0]
        attribute(body, q, paras[q.para][1], sent_start)
    for k, q in enumerate(quotes):
        qs = next((x for x in sentences if x.start <= q.open_at < x.end + 1), None)
        if _is_name_like(q.text) or _is_mentioned(body, q.open_at, q.text):
            continue
        ent = _speaker_entity(q, qs, ctx, persons_before, last_speaker, nps_before)
        starts_para = q.open_at == paras[q.para][0] or q.continued
        if ent is None and q.speaker_np is None and starts_para:
            # an open quote whose speaker is named where it closes, in a following paragraph
            # ("“… \n\n“… ,” the minister said.")
            nxt = quotes[k + 1] if k + 1 < len(quotes) else None
            if (
                nxt is not None
                and not q.closed
                and nxt.para - q.para <= 2
                and (nxt.continued or nxt.open_at == paras[nxt.para][0])
                and nxt.speaker_how in ("after", "according")
            ):
                nq = next((x for x in sentences if x.start <= nxt.open_at < x.end + 1), None)
                ent = _speaker_entity(nxt, nq, ctx, persons_before, last_speaker, nps_before)
        if ent is None and q.speaker_np is None and last_speaker is None:
            # a bare quote after a label ("Quote: ...") or at the top: the last person named so far
            ent = persons_before.last_before(q.open_at)
        if ent is None and last_speaker is not None:
            # a continuation paragraph of the previous speaker's quote (a paragraph that is all
            # quote, up to two paragraphs on, goes on with the last speaker, as wire copy does)
            near = q.para - last_para <= 1 or (starts_para and q.speaker_np is None and q.para - last_para <= 2)
            if near and (starts_para or q.speaker_how in (None, "subject")):
                ent = last_speaker[1]
        if ent is None:
            continue
        last_speaker, last_para = (q.open_at, ent), q.para
        if q.speaker_np:
            nps_before.add(q.open_at, q.speaker_np, ent)
        sent = qs or Sentence(
            paras[q.para][0], paras[q.para][1], body[paras[q.para][0] : paras[q.para][1]], q.para, None, pub
        )
        carrier = next(
            (e for e in events if e.start == sent.start and e.quote is None and e.actor_name == ent.name),
            None,
        )
        if carrier is not None:
            carrier.quote = q.text
            continue
        events.append(
            ExtractedEvent(
                type="STATEMENT",
                mode=None,
                sentence=sent.text,
                start=sent.start,
                end=sent.end,
                trigger=q.speaker_how or "quote",
                confidence=0.85 if q.speaker_how in ("after", "before") else 0.6,
                actor=ent,
                quote=q.text,
                rule=f"quote-{q.speaker_how or 'continued'}",
            )
        )
    events.sort(key=lambda e: (e.start, 0 if e.type != "STATEMENT" else 1))
    return events
