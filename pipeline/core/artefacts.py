"""Machine-translation artefacts: flagging rules, kept apart from the rewriting rules.

A flag never changes the copy. Only stray auxiliary fragments ("Was done.", "Used to
do.", "Is." inside a closing quote) and immediately repeated sentences are certain
enough to be removed; everything else is flagged with a suggestion and a confidence.
Precision comes first: each rule is written so that it stays silent on good English.
"""

from __future__ import annotations

import bisect
import re
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from itertools import islice, pairwise
from typing import Any, Final

from pipeline.core import wordclass as wc
from pipeline.core.rules import ALWAYS, Needs, Rule
from pipeline.core.sentences import has_words, sentence_spans

REMOVE_AT: Final = 0.9  # findings at or above this confidence whose rule allows it are removed
MAX_HITS: Final = 200  # per rule and paragraph: past this a text is garbage, not translation debris
MAX_SENTENCES: Final = 2000  # sentence-level rules look at this many sentences per paragraph at most


@dataclass(frozen=True, slots=True)
class Hit:
    """One artefact found in a text (the runner stamps the id of the rule that found it)."""

    kind: str
    start: int
    end: int
    confidence: float
    suggestion: str | None = None
    removable: bool = False
    cut_start: int | None = None  # the span to delete when removed (may take a leading space)
    cut_end: int | None = None


# ------------------------------------------------------------------ stray verb fragments

# A sentence of one to four words, the first capitalised, after a sentence end (a closing quote
# may follow the stop, spaced or not) or a paragraph start, ending in a full stop (or the comma
# of "…process. Is,”") before a paragraph end, a new sentence or a closing quote. The stop is
# left to a lookahead so that fragments in a row ("Was. Had gone.") are all seen. Each scan
# opens with a literal (the engine then skips ahead at C speed); the rarer openings run only
# when their literal occurs.
_FRAGMENT_BODY: Final = (
    r"(?P<frag>[A-Z][a-z]*+(?: [a-z]++){0,3}+)"  # possessive: a longer sentence fails at once
    r"(?=(?P<punct>[.,])(?:[ \t]*(?:\n|$)|[ \t]+[“\"‘A-Z(]|[ \t]*[”\"’']))"
)
_FRAGMENT_AFTER_STOP: Final = re.compile(r"\.(?:[ \t]*[”\"’'])?[ \t]+" + _FRAGMENT_BODY)
_FRAGMENT_AFTER_MARK: Final = re.compile(r"[!?](?:[ \t]*[”\"’'])?[ \t]+" + _FRAGMENT_BODY)
_FRAGMENT_AT: Final = re.compile(_FRAGMENT_BODY)


def _fragment_candidates(text: str) -> list[re.Match[str]]:
    found = list(islice(_FRAGMENT_AFTER_STOP.finditer(text), MAX_SENTENCES))
    if "! " in text or "? " in text or "!" in text[-1:] or "?" in text[-1:]:
        found += islice(_FRAGMENT_AFTER_MARK.finditer(text), MAX_SENTENCES)
    i = text.find("\n")
    while i != -1 and len(found) < 2 * MAX_SENTENCES:
        if text[i + 1 : i + 2].isupper():
            m = _FRAGMENT_AT.match(text, i + 1)
            if m is not None:
                found.append(m)
        i = text.find("\n", i + 1)
    if len(found) > 1:
        found.sort(key=lambda m: m.start("frag"))
    return found


_BE: Final = frozenset("is are was were am be been being".split())
_HAVE: Final = frozenset("has have had having".split())
_DO: Final = frozenset("do does did".split())
_MODALS: Final = frozenset("will would shall should can could may might must".split())
_CLOSERS: Final = frozenset("”\"’'")
_PRONOUN_AFTER: Final = re.compile(r"\s(?:he|she|it|they|we|I|you|there|this|that)\b")


def verb_group(words: list[str]) -> str | None:
    """The class of a subject-less verb group, or None when ``words`` (lower case) are not one.

    ``"aux"``: it opens with a form of *be* or *have*, or "used to" ("was done", "had been
    arrested", "used to do"); ``"modal"``: with a modal or *do* ("will go", "did"); ``"verb"``:
    with a main verb's past or ``-ing`` form ("happened", "gone missing" is no group).
    Every word after the first must continue the group: an auxiliary, "not" and the like, a
    verb form the auxiliary before it governs, or a closing particle ("called off").

    >>> [verb_group(w.split()) for w in ("was done", "will have been taken", "used to do", "did", "happened")]
    ['aux', 'modal', 'aux', 'modal', 'verb']
    >>> [verb_group(w.split()) for w in ("was it", "will smith", "gone missing", "may", "used to", "said that")]
    [None, None, None, None, None, None]
    """
    first = words[0]
    if first == "used":
        if len(words) < 3 or words[1] != "to":
            return None
        cls, expect, rest = "aux", "base", words[2:]
    elif first in _BE or first in _HAVE:
        cls, expect, rest = "aux", ("part" if first in _BE else "perf"), words[1:]
    elif first in _MODALS or first in _DO:
        if first == "may" and (len(words) == 1 or words[1] not in ("be", "have", "not")):
            return None  # the month
        cls, expect, rest = "modal", "base", words[1:]
    elif wc.is_verb_form(first):
        cls, expect, rest = "verb", "end", words[1:]
    else:
        return None
    for k, w in enumerate(rest):
        last = k == len(rest) - 1
        if w in wc.GROUP_ADVERBS:
            continue
        if expect == "end":
            if not (last and w in wc.PARTICLES):
                return None
        elif expect == "base":
            if w in ("be", "been", "being"):
                expect = "part"
            elif w == "have":
                expect = "perf"
            elif w == "to" and not last:
                expect = "base"
            elif wc.is_base_verb(w):
                expect = "end"
            else:
                return None
        elif expect == "part":  # after a form of be: a participle, an -ing form, or "being"
            if w == "being":
                expect = "part"
            elif wc.is_verb_form(w):
                expect = "end"
            else:
                return None
        elif expect == "perf":  # after a form of have: a past participle, "been", or "to"
            if w == "been":
                expect = "part"
            elif w == "to" and not last:
                expect = "base"
            elif wc.is_past_form(w):
                expect = "end"
            else:
                return None
    if rest and rest[-1] in ("to", "not") and first != "used":
        return cls if rest[-1] == "not" else None
    return cls


def _previous_sentence_words(text: str, end: int) -> int:
    """How many words the sentence ending at ``end`` has (counted up to the sentence or paragraph before it)."""
    lo = max(0, end - 300)
    chunk = text[lo:end]
    cut = max(chunk.rfind(". "), chunk.rfind("? "), chunk.rfind("! "), chunk.rfind("\n"))
    return len(chunk[cut + 1 :].split())


@lru_cache(maxsize=8)
def _verb_fragments(text: str) -> tuple[tuple[str, Hit], ...]:
    """Every subject-less verb-group sentence after a complete one: (group class, hit). Shared by A001 and A018."""
    out: list[tuple[str, Hit]] = []
    for m in _fragment_candidates(text):
        if len(out) >= MAX_HITS:
            break
        frag, punct = m.group("frag"), m.group("punct")
        cls = verb_group(frag.lower().split(" "))
        if cls is None:
            continue
        words = frag.lower().split(" ")
        s, e = m.start("frag"), m.end("punct")
        # what precedes: a sentence end (optionally closed by a quote), or a paragraph end
        lead = s
        while lead > 0 and text[lead - 1] in " \t":
            lead -= 1
        if lead == 0:
            continue  # the text's first words: no sentence before them
        at_para = text[lead - 1] == "\n"
        stop = lead - 1
        if at_para:
            stop = lead - 1
            while stop > 0 and text[stop] in "\n \t":
                stop -= 1
        quoted_before = text[stop] in _CLOSERS
        if quoted_before:
            stop -= 1
            while stop > 0 and text[stop] in " \t":
                stop -= 1  # "done. ’ Is.": a quote spaced from its full stop
        if stop < 0 or text[stop] not in ".!?":
            continue
        if text[stop] == "?" and cls != "aux":
            continue  # an elliptic answer to a question ("Will they? Might.")
        after_fragment = bool(out) and out[-1][1].end == stop + 1  # "… night. Was. Had been done."
        if not after_fragment and _previous_sentence_words(text, stop) < 3:
            continue  # no complete sentence before it
        closes_quote = text[e : e + 3].lstrip(" \t")[:1] in _CLOSERS  # "…signs. Is.”" (a spaced mark too)
        if punct == ",":
            # "…process. Is,”": drop ". Is" so that the quote closes on the comma
            if cls != "aux" or at_para or text[stop] != "." or text[e : e + 1] not in _CLOSERS:
                continue
            out.append((cls, Hit("stray_fragment", stop, m.end("frag"), 0.95, "", True, stop, m.end("frag"))))
            continue
        cut_s = s if at_para else lead
        if cls == "aux":
            conf = 0.97 if len(words) == 1 or words[0] in ("used", "was", "were", "had", "has") else 0.95
            out.append((cls, Hit("stray_fragment", s, e, conf, "", True, cut_s, e)))
        elif cls == "modal":
            # "Will be done." is as certain as "Was done."; "Did." or "Can do." stays a flag
            sure = len(words) > 1 and any(w in ("be", "been", "have") for w in words[1:]) and not closes_quote
            out.append((cls, Hit("stray_fragment", s, e, 0.95 if sure else 0.8, "", True, cut_s, e)))
        elif not closes_quote and not _inside_quote(text, s) and not (at_para and words[0].endswith("ing")):
            out.append((cls, Hit("stray_fragment", s, e, 0.7, "delete, or give the sentence a subject")))
    return tuple(out)


def find_stray_auxiliaries(text: str) -> list[Hit]:
    """Find subject-less auxiliary fragments left by machine translation ("Was done.", "Is.”", "Will have gone.").

    Any verb group with no subject — a form of *be* or *have*, a modal or *do*, or "used to",
    and whatever verb forms it governs, 1–4 words — standing as a sentence after a complete one.

    >>> t = "He wants a deal. Used to do. “We saw positive signs. Is.” Is it true? It is, they said. Will be reviewed."
    >>> [(t[h.start:h.end], h.removable, h.confidence) for h in find_stray_auxiliaries(t)]
    [('Used to do.', True, 0.97), ('Is.', True, 0.97), ('Will be reviewed.', True, 0.95)]
    >>> t = "“I thank everyone, fair process. Is,” he said."
    >>> [(t[h.start:h.end], t[h.cut_start:h.cut_end]) for h in find_stray_auxiliaries(t)]
    [('. Is', '. Is')]
    >>> find_stray_auxiliaries("Was it worth it? The minister said it was. Did they win? Did.")
    []
    """
    return [h for cls, h in _verb_fragments(text) if cls != "verb"]


def stray_fragments_capped(text: str) -> bool:
    """True when the stray-fragment scan of ``text`` stopped at its limit (:data:`MAX_HITS`
    fragments, A001 and A002 together): any fragment after the last one found was neither
    removed nor flagged.

    >>> stray_fragments_capped("It was one of the plans. Was done. " * 3)
    False
    >>> stray_fragments_capped("".join(f"It was plan number {i}. Was done. " for i in range(MAX_HITS + 1)))
    True
    """
    return len(_verb_fragments(text)) >= MAX_HITS


def find_stray_verbs(text: str) -> list[Hit]:
    """Flag a sentence that is a bare main verb, with no subject, after a complete sentence ("Happened.").

    >>> t = "The bridge collapsed on Monday night. Happened. Rescue teams reached the site."
    >>> [(t[h.start:h.end], h.removable) for h in find_stray_verbs(t)]
    [('Happened.', False)]
    >>> find_stray_verbs("“We fought hard. Finished,” he said. Asked about it, he smiled. Confirmed.”")
    []
    """
    return [h for cls, h in _verb_fragments(text) if cls == "verb"]


_SUBJECTLESS: Final = re.compile(
    r"(?:Said that|Told that|Used to [a-z]+"
    # "On information reached the spot": Hindi "suchna par pahunchi" with its subject (police) dropped
    r"|On (?:getting |receiving )?(?:the )?information,? (?:reached|arrived|rushed|came)"
    r"|(?:Could|Would|Did|Does|Will|Can|Should|Must|Might|Has|Have|Had|Is|Are|Was|Were) not"
    r"|Had to|Has to|Have to|(?:Is|Are|Was|Were|Has|Have|Had) (?:being |been )?[a-z]{3,}(?:ed|en|ing))\b"
)
_SUBJECTLESS_GATE: Final = re.compile(
    r"(?:Said|Told|On|Used|Could|Would|Did|Does|Will|Can|Should|Must|Might|Has|Have|Had|Is|Are|Was|Were) "
)
_QUESTIONISH: Final = re.compile(r"[?]\W*$")
_NO_INVERSION: Final = frozenset(("Said", "Told", "Used", "On"))  # openers after which "that"/"this" is no subject


_CLOSING_APOSTROPHE: Final = re.compile(r"’(?![A-Za-z])")
_LONE_APOSTROPHE: Final = re.compile(r"(?<![A-Za-z])’|’(?![A-Za-z])")  # a closing quote, not one inside a word


def _inside_quote(text: str, pos: int) -> bool:
    before = text[:pos]
    opens = before.count("“") + before.count("‘")
    closes = before.count("”") + len(_CLOSING_APOSTROPHE.findall(before))
    straight = before.count('"')
    return opens > closes or straight % 2 == 1


def may_lack_subject(article: str) -> bool:
    """Could any sentence of ``article`` open with a bare verb (a cheap gate for :func:`find_subjectless_sentences`)?"""
    return _SUBJECTLESS_GATE.search(article) is not None


_VERB_OPENERS: Final = frozenset({"is", "are", "was", "were", "has", "have", "had", "used"} | _MODALS)
_CAPITALISED_BEFORE: Final = re.compile(r"(?:^|[.!?] )[A-Z][a-z]+$")


def _opens_with_word_that(text: str) -> bool:
    """Does a sentence open with one capitalised word and "that" ("Claimed that …")? (A gate: a
    literal search, then a look at the word before each "that".)"""
    i = text.find(" that ")
    while i != -1:
        if _CAPITALISED_BEFORE.search(text, max(0, i - 24), i):
            return True
        i = text.find(" that ", i + 6)
    return False


_NOT_SUBJECTLESS: Final = frozenset(("given", "provided", "granted", "supposing", "seeing", "assuming", "considering"))


def _opens_with_verb_group(sent: str) -> bool:
    """Does the sentence open with a verb group and no subject ("Was shot dead …", "Will visit …",
    "Claimed that …")? Judged by word class, for any verb.

    >>> [_opens_with_verb_group(s) for s in ("Was shot dead by gunmen.", "Will visit the camp.", "Claimed that it was.")]
    [True, True, True]
    >>> [_opens_with_verb_group(s) for s in ("Were rates to fall, sales rise.", "Given that it rained.", "May 5 was hot.")]
    [False, False, False]
    """
    sp = sent.find(" ")
    first = sent[:sp]
    if sp < 2 or not (first[0].isupper() and first[1:].islower()):
        return False
    low = first.lower()
    if low not in _VERB_OPENERS and not wc.is_past_form(low):
        return False
    words = sent.split(" ", 4)
    if len(words) < 3:
        return False
    rest = [w.strip(",;:").lower() for w in words[1:4]]
    while len(rest) > 1 and rest[0] in wc.GROUP_ADVERBS:
        rest.pop(0)
    nxt = rest[0]
    if low in ("is", "are", "was", "were"):
        return nxt == "being" or wc.is_verb_form(nxt)
    if low in ("has", "have", "had"):
        return nxt == "been" or wc.is_past_form(nxt)
    if low in _MODALS and low != "may":
        return nxt in ("be", "have") or wc.is_base_verb(nxt)
    if low == "used":
        return nxt == "to" and len(rest) > 1 and wc.is_base_verb(rest[1])
    return nxt == "that" and low not in _NOT_SUBJECTLESS and wc.is_past_form(low)


def find_subjectless_sentences(text: str) -> list[Hit]:
    """Flag sentences that open with a verb group and no subject, for any verb: translation dropped the subject.

    >>> t = "The villagers gathered. Could not get any information about them. Is it true?"
    >>> [t[h.start:h.end] for h in find_subjectless_sentences(t)]
    ['Could not get any information about them.']
    >>> find_subjectless_sentences("Had he known, he would have stayed.")
    []
    >>> t = "Said that those who doubted him now agree. On information reached under the leadership of the SHO."
    >>> [t[h.start:h.end] for h in find_subjectless_sentences(t)]
    ['Said that those who doubted him now agree.', 'On information reached under the leadership of the SHO.']
    """
    hits: list[Hit] = []
    if not _SUBJECTLESS_GATE.search(text) and not _opens_with_word_that(text):
        return hits
    for s, e in sentence_spans(text, limit=MAX_SENTENCES):
        if len(hits) >= MAX_HITS:
            break
        sent = text[s:e]
        m = _SUBJECTLESS.match(sent)
        if m is None:
            # the same shape for any verb (a paragraph that opens with "Will cut taxes" may be a
            # list item: a modal counts only after another sentence of the paragraph)
            if (
                (s > 0 or sent.split(" ", 1)[0].lower() not in _MODALS)  # a modal opens list items
                and _opens_with_verb_group(sent)
                and has_words(sent, 3)
                and not _QUESTIONISH.search(sent)
                and sent[-1:] not in _CLOSERS  # speech, whose quotation opened paragraphs before
                and not _inside_quote(text, s)
            ):
                hits.append(Hit("stray_fragment", s, e, 0.75, "add the missing subject", False))
            continue
        if _QUESTIONISH.search(sent) or not has_words(sent, 3):
            continue
        if _inside_quote(text, s):
            continue
        # an inverted auxiliary is a question or a condition ("Had he known"), not a dropped subject
        if m.group().split(" ", 1)[0] not in _NO_INVERSION and _PRONOUN_AFTER.match(
            sent, m.end() - len(m.group().split(" ")[-1]) - 1
        ):
            continue
        hits.append(Hit("stray_fragment", s, e, 0.75, "add the missing subject", False))
    return hits


# a subordinate clause (which needs a finite verb) that runs from its subject to a dash and one
# predicate word: the copula was dropped, as Telugu and Hindi nominal sentences have none
_DASH_COPULA: Final = re.compile(
    r"\b(?:that|because|since|although|though|whereas|while|if|when) "
    r"(?P<np>(?:the|this|these|those|its|his|her|their|our|such|every|each) (?:[\w’'-]+ ){0,4}?)[–—] "
    r"(?P<pred>(?:not |never |no longer )?(?:[a-z]+ly |very |so |too |quite |always |still )?[a-z]{3,})(?=[.!?](?:\s|$))"
)
_FINITE: Final = frozenset(
    "is are was were be been being has have had will would can could may might must shall should do does did".split()
)


def find_dropped_copulas(text: str) -> list[Hit]:
    """Flag a clause whose verb translation dropped, a dash standing in for it ("that this app – not reliable.").

    >>> t = "But it is well known that this Translate application – not completely reliable. It works."
    >>> [(t[h.start:h.end], h.suggestion) for h in find_dropped_copulas(t)]
    [('this Translate application – not completely reliable.', 'add the verb: this Translate application is not completely reliable.')]
    >>> find_dropped_copulas("He said that the plan – not the people – failed, and that the rule was – frankly – unfair.")
    []
    """
    hits: list[Hit] = []
    if "–" not in text and "—" not in text:
        return hits
    for m in islice(_DASH_COPULA.finditer(text), MAX_HITS):
        np = m.group("np").strip()
        if any(w.lower() in _FINITE for w in np.split(" ")):
            continue
        s, e = m.start("np"), m.end("pred") + 1
        verb = "are" if np.split(" ")[0] in ("these", "those") else "is"
        suggestion = f"add the verb: {np} {verb} {m.group('pred')}{text[e - 1]}"
        hits.append(Hit("stray_fragment", s, e, 0.6, suggestion))
    return hits


_IMPERATIVE: Final = re.compile(
    r"(?:Ensure|Make sure|Take|Provide|Complete|Resolve|Dispose of|Solve|Keep|Maintain|Prepare|Identify|Conduct"
    r"|Inspect|Check|Stop|Start|Remove|Give|Send|Pay|Inform|Deploy|Repair|Act|Expedite|Monitor|Do not|Don’t) [a-z]"
)
_INSTRUCTION: Final = re.compile(
    r"\b(?:direct(?:ed|s)|instruct(?:ed|s)|order(?:ed|s)|ask(?:ed|s)|urg(?:ed|es)|told|advis(?:ed|es)|warn(?:ed|s))\b"
    r".{0,80}\b(?:officials|officers|authorities|administration|department|police|staff|employees)\b"
)


_QUOTE_MARK: Final = re.compile(r"[“”\"‘]")
_REPORTED: Final = re.compile(r"\b(?:said|says|told|according to|asked|urged)\b")


def may_hold_imperative(article: str) -> bool:
    """Could ``article`` hold an instruction rendered as an imperative (a gate for :func:`find_reported_instructions`)?"""
    return _IMPERATIVE.search(article) is not None and _INSTRUCTION.search(article) is not None


def find_reported_instructions(text: str, before: str = "") -> list[Hit]:
    """Flag a bare imperative after an instruction to officials: translated indirect speech lost its subject.

    >>> t = "The minister directed the officials to act. Ensure quality work on every complaint. Officials agreed."
    >>> [t[h.start:h.end] for h in find_reported_instructions(t)]
    ['Ensure quality work on every complaint.']
    >>> find_reported_instructions("Ensure your seat belt is fastened. The airline said so.")
    []
    """
    hits: list[Hit] = []
    if _IMPERATIVE.search(text) is None:
        return hits
    prev = before[-400:]
    for s, e in sentence_spans(text, limit=MAX_SENTENCES):
        sent = text[s:e]
        if (
            _IMPERATIVE.match(sent)
            and _INSTRUCTION.search(prev) is not None
            and not _QUOTE_MARK.search(prev)  # the instruction carries its own (quoted) words
            and not _REPORTED.search(sent)  # "…, residents were told": attributed already
            and not _inside_quote(text, s)
            and has_words(sent, 4)
        ):
            hits.append(
                Hit(
                    "stray_fragment",
                    s,
                    e,
                    0.7,
                    "report the instruction: 'They should …' / 'He asked them to …'",
                )
            )
        prev = sent
    return hits


# ------------------------------------------------------------------------- lexicon


@dataclass(frozen=True)
class LexiconEntry:
    id: str
    kind: str
    pattern: re.Pattern[str]
    suggestion: str
    confidence: float
    context: re.Pattern[str] | None
    note: str
    hints: tuple[str, ...]  # lower-case substrings; every match contains one (a cheap pre-filter)
    standalone: bool = False  # not next to another capitalised word (there it is part of a name)


@cache
def lexicon() -> tuple[LexiconEntry, ...]:
    """The curated calque lexicon (``data/calques.toml``)."""
    raw = resources.files("pipeline.data").joinpath("calques.toml").read_text(encoding="utf-8")
    out = []
    for e in tomllib.loads(raw)["entry"]:
        flags = (re.IGNORECASE if e.get("flags", "") == "i" else 0) | re.MULTILINE
        out.append(
            LexiconEntry(
                id=e["id"],
                kind=e.get("kind", "calque"),
                pattern=re.compile(e["pattern"], flags),
                suggestion=e["suggestion"],
                confidence=float(e.get("confidence", 0.8)),
                context=re.compile(e["context"], re.IGNORECASE) if e.get("context") else None,
                note=e.get("note", ""),
                hints=tuple(h.lower() for h in (e["hint"] if isinstance(e["hint"], list) else [e["hint"]])),
                standalone=bool(e.get("standalone", False)),
            )
        )
    return tuple(out)


@lru_cache(maxsize=1)
def _hint_automaton() -> Any:
    """One Aho-Corasick automaton over every hint of the lexicon: hint -> entries that use it."""
    import ahocorasick

    index: dict[str, list[int]] = {}
    for n, entry in enumerate(lexicon()):
        for h in entry.hints:
            index.setdefault(h, []).append(n)
    auto = ahocorasick.Automaton()
    for h, entries in index.items():
        auto.add_word(h, (len(h), tuple(entries)))
    auto.make_automaton()
    return auto


def _hint_positions(low: str) -> dict[int, list[int]]:
    """Lexicon entry index -> start offsets of its hints in ``low`` (one pass over the text)."""
    where: dict[int, list[int]] = {}
    for end, (length, entries) in _hint_automaton().iter(low):
        for n in entries:
            spots = where.setdefault(n, [])
            if len(spots) < 1000:
                spots.append(end - length + 1)
    return where


def _find_all(hay: str, needle: str, limit: int = 1000) -> list[int]:
    out: list[int] = []
    i = hay.find(needle)
    while i != -1 and len(out) < limit:
        out.append(i)
        i = hay.find(needle, i + 1)
    return out


_NEXT_WORD: Final = re.compile(r"[ -]([A-Z])")
_PREV_WORD: Final = re.compile(r"([A-Z])[\w'’.-]*[ -]$")


def _beside_capitalised(text: str, s: int, e: int) -> bool:
    """The span touches another capitalised word: part of a name ("Parivartan Yatra", "Modi sarkar").

    >>> t = "This is Parivartan, not the Parivartan Yatra of Modi sarkar."
    >>> _beside_capitalised(t, 8, 18), _beside_capitalised(t, 28, 38), _beside_capitalised(t, 53, 59)
    (False, True, True)
    >>> _beside_capitalised("It rained. The sankalp failed.", 15, 22)
    False
    """
    if _NEXT_WORD.match(text, e):
        return True
    before = text[max(0, s - 40) : s]
    prev = _PREV_WORD.search(before)
    if prev is None:
        return False
    # a capitalised word that opens a sentence ("The sankalp…") is no name
    lead = before[: prev.start()].rstrip()
    return bool(lead) and lead[-1] not in '.!?:;"“‘('


def find_calques(text: str, article: str = "") -> list[Hit]:
    """Flag literal translations from the curated lexicon (e.g. 'martyr drones' for Shahed drones).

    >>> t = "Russia launched 145 martyr and other strike drones."
    >>> [(t[h.start:h.end], h.suggestion) for h in find_calques(t, t)]
    [('martyr', 'Shahed')]
    """
    hits = []
    taken: list[tuple[int, int]] = []
    low = text.lower()
    entries = lexicon()
    # lower() keeps offsets only when it keeps the length (it does for all but a few scripts)
    positions = _hint_positions(low) if len(low) == len(text) else None
    for n, entry in enumerate(entries):
        if positions is not None:
            where = positions.get(n)
        else:
            where = [i for h in entry.hints for i in _find_all(low, h)]
        if not where:
            continue
        # the pattern only needs to run around the places its hints occur
        matches = []
        seen_at: set[int] = set()
        for i in sorted(where)[:MAX_HITS]:
            for m in entry.pattern.finditer(text, max(0, i - 60), min(len(text), i + 120)):
                if m.start() not in seen_at:
                    seen_at.add(m.start())
                    matches.append(m)
        if not matches or (entry.context is not None and not entry.context.search(article or text)):
            continue
        for m in matches:
            s, e = m.span()
            if any(s < b and a < e for a, b in taken):
                continue
            if entry.standalone and _beside_capitalised(text, s, e):
                continue
            taken.append((s, e))
            hits.append(Hit(entry.kind, s, e, entry.confidence, entry.suggestion))
    return hits


_HONORIFIC: Final = re.compile(r"\b[A-Z][a-z]{2,} ji\b(?:-[a-z]+)?")


def find_honorifics(text: str) -> list[Hit]:
    """Flag the Hindi honorific 'ji' left after a name by translation ('Modi ji', 'Adityanath ji-led').

    >>> t = "Chief Minister Adityanath ji-led government and Narendra Modi ji said."
    >>> [(t[h.start:h.end], h.suggestion) for h in find_honorifics(t)]
    [('Adityanath ji-led', 'Adityanath-led'), ('Modi ji', 'Modi')]
    """
    if " ji" not in text:
        return []
    return [
        Hit("untranslated", m.start(), m.end(), 0.85, m.group().replace(" ji", ""))
        for m in islice(_HONORIFIC.finditer(text), MAX_HITS)
    ]


_SCRIPTS: Final = (
    "LATIN",
    "CYRILLIC",
    "DEVANAGARI",
    "ARABIC",
    "BENGALI",
    "TAMIL",
    "TELUGU",
    "GURMUKHI",
    "GUJARATI",
    "KANNADA",
    "MALAYALAM",
    "ORIYA",
    "GREEK",
    "HEBREW",
    "THAI",
    "HANGUL",
    "HIRAGANA",
    "KATAKANA",
    "CJK",
)


@cache
def _script_of(ch: str) -> str:
    """The script of a letter; Han, kana and Hangul are one writing system ("CJK": Japanese
    writes kana with kanji, Korean news writes Hanja with Hangul)."""
    name = unicodedata.name(ch, "")
    for s in _SCRIPTS:
        if name.startswith(s):
            return "CJK" if s in ("HANGUL", "HIRAGANA", "KATAKANA") else s
    return "OTHER"


# the combining marks of Indic and other scripts (vowel signs are marks, not letters): a word is
# letters and these
_MARK_CHARS: Final = frozenset(chr(cp) for cp in range(0x300, 0x10000) if unicodedata.category(chr(cp)).startswith("M"))


def _is_letter(c: str) -> bool:
    """``[^\\W\\d_]``: a word character that is no decimal digit and no underscore (a letter, or a
    numeral such as "²" or "Ⅻ")."""
    return c.isalnum() and not c.isdecimal() and c != "_"


def _non_ascii_words(text: str) -> list[tuple[int, int]]:
    """The spans of the words with a non-ASCII letter in them, as
    ``(?:[A-Za-z]|MARK)*[^\\W\\d_A-Za-z](?:[^\\W\\d_]|MARK)*`` finds them, without the regex: that
    pattern tries every start of every ASCII word, and tests each character against some
    hundreds of mark ranges (an ASCII word can hold no other script's letter).

    A match starts at the first non-ASCII letter after the previous match, reaches back over the
    ASCII letters and marks just before it, and runs on over letters and marks.

    >>> t = "naïve Kyivविस्तार x²_ 3é"
    >>> [t[s:e] for s, e in _non_ascii_words(t)]
    ['naïve', 'Kyivविस्तार', 'x²', 'é']
    """
    out: list[tuple[int, int]] = []
    n = len(text)
    pos = 0
    for run in _NON_ASCII_RUN.finditer(text):
        for q in range(run.start(), run.end()):
            if q < pos:
                continue
            c = text[q]
            if not _is_letter(c):
                continue
            p = q
            while p > pos and ((text[p - 1].isascii() and text[p - 1].isalpha()) or text[p - 1] in _MARK_CHARS):
                p -= 1
            e = q + 1
            while e < n and (_is_letter(text[e]) or text[e] in _MARK_CHARS):
                e += 1
            out.append((p, e))
            pos = e
    return out


def find_foreign_script(text: str, dominant: str = "LATIN") -> list[Hit]:
    """Flag words in another script left inside copy written in ``dominant`` script.

    >>> t = "He pressed the विस्तार button and Читать links."
    >>> [t[h.start:h.end] for h in find_foreign_script(t)]
    ['विस्तार', 'Читать']
    """
    if text.isascii() or not has_non_ascii_letter(text):
        return []
    hits: list[Hit] = []
    for ws, we in _non_ascii_words(text):
        if len(hits) >= MAX_HITS:
            break
        scripts = {_script_of(c) for c in text[ws:we] if c.isalpha()}
        scripts.discard("OTHER")
        if scripts and dominant not in scripts:
            if hits and hits[-1].end >= ws - 1 and text[hits[-1].end : ws].isspace():
                last = hits.pop()
                hits.append(Hit(last.kind, last.start, we, last.confidence, last.suggestion))
            else:
                hits.append(Hit("untranslated", ws, we, 0.8, "translate or remove"))
    return hits


# --------------------------------------------------------------- unknown words

_LOWER_RUN: Final = re.compile(r"\b[a-z]{4,30}\b")  # longer runs are no words (and would cost to judge)
# UTF-8 bytes: an ASCII character that is no word character becomes a space; the rest stay
_NON_WORD_TO_SPACE: Final = bytes(c if c >= 128 or c == 95 or chr(c).isalnum() else 32 for c in range(256))


def lower_runs(text: str) -> set[str]:
    """``set(_LOWER_RUN.findall(text))``: the words of four to thirty lower-case ASCII letters. A
    byte translation and a split cut the text at every ASCII character that is no word character
    (a word boundary either way); each distinct piece is read once: one that is all ASCII is a run
    or not as a whole, the regex reads only the pieces with other characters in them.

    >>> sorted(lower_runs("The karma kriyal’s U.S.-made drones, covid19 and ‘naïve’ aircraft_carrier drones"))
    ['drones', 'karma', 'kriyal', 'made']
    """
    out: set[str] = set()
    for t in set(text.encode("utf-8", "surrogatepass").translate(_NON_WORD_TO_SPACE).split()):
        if t.isascii():
            if 3 < len(t) < 31 and t.isalpha() and t.islower():
                out.add(t.decode("ascii"))
        else:
            out.update(_LOWER_RUN.findall(t.decode("utf-8", "surrogatepass")))
    return out


_SUFFIXES: Final = (
    "s", "es", "ed", "d", "ing", "er", "ers", "est", "ly", "ness", "ment", "ments", "ism", "isms", "ist", "ists",
    "ian", "ians", "ize", "ise", "ized", "ised", "izing", "ising", "ation", "ations", "ful", "less", "able",
    "ity", "ities", "ship", "wise", "like", "hood", "ward", "wards", "ic", "al", "ally",
)  # fmt: skip
_PREFIXES: Final = (
    "un", "re", "non", "pre", "post", "anti", "pro", "counter", "over", "under", "mis", "sub", "co", "de", "dis",
    "inter", "multi", "semi", "mega", "micro", "mini", "self", "super", "ultra", "cyber", "geo", "neo", "bio",
    "eco", "tele", "out", "up", "down", "mid", "ex", "pan", "trans", "hyper", "tri", "bi",
)  # fmt: skip
_LETTERS: Final = "abcdefghijklmnopqrstuvwxyz"
_WORD_CHARS: Final = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_QUOTE_WRAP: Final = frozenset("‘“'\"*_«")
_TOKEN_MARKS: Final = ("/", "@", "#", "www", "=", "_", "://")
MAX_UNKNOWN_SHARE: Final = 0.05  # more unknown words than this: the text is not English copy at all


def _english_form(w: str, known: frozenset[str], common: frozenset[str]) -> bool:
    """An inflection, derivation, compound or one-letter typo of an English word."""
    for suf in _SUFFIXES:
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            stem = w[: -len(suf)]
            if stem in known or stem + "e" in known or (stem[-1] == stem[-2] and stem[:-1] in known):
                return True
            if stem[-1] == "i" and stem[:-1] + "y" in known:
                return True
    for pre in _PREFIXES:
        if w.startswith(pre) and len(w) - len(pre) >= 3 and w[len(pre) :] in known:
            return True
    if any(w[:k] in common and w[k:] in common for k in range(3, len(w) - 2)):
        return True
    # one edit from a common word: a typo, not a foreign word
    n = len(w)
    for i in range(n):
        if w[:i] + w[i + 1 :] in common:
            return True
        if i < n - 1 and w[:i] + w[i + 1] + w[i] + w[i + 2 :] in common:
            return True
        for c in _LETTERS:
            if w[:i] + c + w[i + 1 :] in common or w[:i] + c + w[i:] in common:
                return True
    return any(w + c in common for c in _LETTERS)


def _standalone(text: str, s: int, e: int) -> bool:
    """The run ``text[s:e]`` is a whole word of running text (not part of a URL, handle, name or quoted term)."""
    before, after = text[s - 1 : s], text[e : e + 1]
    if before in _WORD_CHARS or after in _WORD_CHARS or before in "-’'" or after in "-’'":
        return False
    if before in _QUOTE_WRAP and after in ("’", "”", "'", '"', "*", "_", "»"):
        return False  # a term quoted on purpose
    ts = text.rfind(" ", 0, s) + 1
    te = text.find(" ", e)
    token = text[ts : te if te != -1 else len(text)]
    return not any(m in token for m in _TOKEN_MARKS) and not (after == "." and text[e + 1 : e + 2].isalnum())


def find_unknown_words(text: str) -> list[Hit]:
    """Flag lower-case words that are no English word (nor an inflection or typo of one): transliterations.

    >>> t = "The fact means that we will change the karma kriyal in English, the convictes said."
    >>> [t[h.start:h.end] for h in find_unknown_words(t)]
    ['kriyal']
    >>> find_unknown_words("See https://example.com/kriyal and @kriyal, and the ‘kriyal’ rite.")
    []
    >>> find_unknown_words("ye sab log kal subah mandir gaye aur pooja karke lautey")  # not English copy at all
    []
    >>> find_unknown_words("the " + "x" * 100000 + " said")  # a run of letters that long is no word
    []
    """
    from pipeline.core.vocab import common_words, english_words

    distinct = lower_runs(text)
    if not distinct:
        return []
    known = english_words()
    unknown = distinct.difference(known)
    if not unknown or len(unknown) > max(20, 2 * MAX_UNKNOWN_SHARE * len(distinct)):
        return []  # none, or so many that this is no English copy (and judging each would cost)
    common = common_words()
    unknown = {w for w in unknown if not _english_form(w, known, common)}
    if not unknown or len(unknown) > max(3, MAX_UNKNOWN_SHARE * len(distinct)):
        return []
    hits: list[Hit] = []
    for m in _LOWER_RUN.finditer(text):
        if m.group() in unknown and _standalone(text, m.start(), m.end()):
            hits.append(Hit("untranslated", m.start(), m.end(), 0.6, "no English word: translate"))
            if len(hits) >= MAX_HITS:
                break
    return hits


_NON_ASCII_RUN: Final = re.compile(r"[^\x00-\x7f]+")
# beyond ASCII, Latin-1 punctuation, general punctuation (curly quotes, dashes, ellipsis) and currency signs
_BEYOND_PUNCT: Final = re.compile(r"[^\x00-\x7f\u00a0-\u00bf\u00d7\u00f7\u2000-\u206f\u20a0-\u20cf\u2100-\u214f]")


def has_non_ascii_letter(text: str) -> bool:
    """Is there a letter outside ASCII (not just curly quotes and dashes)?

    >>> has_non_ascii_letter("“Kyiv’s” — fine"), has_non_ascii_letter("Zelenskyy’s café")
    (False, True)
    """
    if text.isascii() or not _BEYOND_PUNCT.search(text):  # only punctuation, symbols and spaces beyond ASCII
        return False
    return any(any(c.isalpha() for c in m.group()) for m in _NON_ASCII_RUN.finditer(text))


_ASCII_LETTERS: Final = bytes(c for c in range(128) if chr(c).isalpha())


def dominant_script(text: str) -> str:
    """The script most letters of ``text`` are written in.

    >>> dominant_script("Kyiv said Читать")
    'LATIN'
    """
    sample = text[:20000]
    if sample.isascii() or not has_non_ascii_letter(sample):
        return "LATIN"
    # an ASCII letter is one byte of UTF-8, and no other character has such a byte (a byte
    # translation counts them; the ``str`` translation by a mapping looked up every character)
    data = sample.encode("utf-8", "surrogatepass")
    counts: dict[str, int] = {"LATIN": len(data) - len(data.translate(None, _ASCII_LETTERS))}
    # the other letters, counted per character first: a script is looked up once per character
    letters: dict[str, int] = {}
    for run in _NON_ASCII_RUN.finditer(sample):
        for ch in run.group():
            if _is_letter(ch):
                letters[ch] = letters.get(ch, 0) + 1
    for ch, k in letters.items():  # in the order of first use: a tie goes to the script met first
        s = _script_of(ch)
        counts[s] = counts.get(s, 0) + k
    return max(counts, key=counts.__getitem__)


# ------------------------------------------------------------------------- quotes

_OPEN: Final = "“‘"
_CLOSE: Final = "”’"


def _balance(text: str) -> tuple[int, int]:
    """(opening, closing) curly quotes, apostrophes inside words not counted."""
    opens = text.count("“") + text.count("‘")
    closes = text.count("”") + len(_LONE_APOSTROPHE.findall(text))
    return opens, closes


def _sentence_case(text: str) -> str:
    words = text.split(" ")
    out = [words[0][:1].upper() + words[0][1:]] + [
        w.lower() if w[:1].isupper() and w[1:].islower() and len(w) > 1 else w for w in words[1:]
    ]
    return " ".join(out)


def find_broken_crossheads(text: str) -> list[Hit]:
    """Flag a short crosshead whose quote is opened and never closed (case often garbled too).

    >>> [(h.suggestion, h.confidence) for h in find_broken_crossheads("‘massive Attack")]
    [('‘Massive attack’', 0.9)]
    >>> find_broken_crossheads("‘Positive signs’")
    []
    """
    t = text.strip()
    if not t or t[0] not in _OPEN or len(t) > 200 or not has_words(t, 0, 10) or t.rstrip()[-1:] in ".!?":
        return []
    opens, closes = _balance(t)
    if opens <= closes:
        return []
    inner = t[1:].strip()
    close = "’" if t[0] == "‘" else "”"
    return [
        Hit(
            "broken_quote",
            0,
            len(text.rstrip()),
            0.9,
            t[0] + _sentence_case(inner) + close,
        )
    ]


_QUOTE_CHARS: Final = re.compile(r"[“”\"]")
_CLUSTER: Final = re.compile(r"[”\"][.,]?[“\"][.,]?(?=\s|$)")


def find_quote_glyph_errors(text: str) -> list[Hit]:
    """Flag quote marks in impossible places: ". ”", a “ that closes a quote, ”.“ debris.

    >>> t = "to the ICU. ” He said “explosions”.“. Then the massacre of Munger. “"
    >>> [t[h.start:h.end] for h in find_quote_glyph_errors(t)]
    [' ”', '”.“.', '“']
    """
    hits: list[Hit] = []
    if "“" not in text and "”" not in text and '"' not in text:
        return hits
    n = len(text)
    taken_until = -1
    for m in islice(_QUOTE_CHARS.finditer(text), MAX_HITS * 4):
        i = m.start()
        if i < taken_until or len(hits) >= MAX_HITS:
            continue
        ch = text[i]
        prev = text[i - 1] if i else ""
        nxt = text[i + 1] if i + 1 < n else ""
        c = _CLUSTER.match(text, i)
        if c and ch in '”"' and (c.group().count("“") or c.group().count('"') >= 2) and len(c.group()) >= 3:
            hits.append(Hit("broken_quote", i, c.end(), 0.9, "”."))
            taken_until = c.end()
            continue
        if ch in '”"' and prev == " " and i >= 2 and text[i - 2] in ".!?," and (nxt == "" or nxt.isspace()):
            # space before a closing quote: "ICU. ”"
            hits.append(Hit("broken_quote", i - 1, i + 1, 0.85, "”"))
        elif ch == "“":
            at_end = nxt == "" or text[i + 1 : i + 2] == "\n" or not text[i + 1 :].strip(" \t")
            after_stop = prev in ".!?," or (prev == " " and i >= 2 and text[i - 2] in ".!?,")
            glued = prev.isalnum() and (at_end or nxt in ".,;:")
            if (after_stop and at_end) or glued:
                hits.append(Hit("broken_quote", i, i + 1, 0.85, "”"))
    return hits


# ------------------------------------------------------------------------- case

_FUNCTION_CAPS: Final = re.compile(r"(?P<w>And|Or|But|For|Of|To|With|From|More|The|In|On|At|By|As) (?P<next>[A-Za-z]+)")
_FUNCTION_CAP_WORDS: Final = frozenset(re.search(r"<w>([^)]*)", _FUNCTION_CAPS.pattern).group(1).split("|"))  # type: ignore[union-attr]
_DAYS: Final = frozenset(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"])
_NAME_STARTERS: Final = frozenset(("The", "Of", "In", "At", "By", "As"))


def find_case_anomalies(text: str) -> list[Hit]:
    """Flag a capitalised function word inside a sentence (leftover link text or title case from translation).

    The listed shapes below; :func:`find_mid_sentence_capitals` finds any closed-class word the
    article writes lower case, and both pass :func:`case_in_context`.

    >>> t = "paused some weapons shipment For Ukraine And directly criticised him. Narendra Modi On Thursday met them."
    >>> [t[h.start:h.end] for h in find_case_anomalies(t)]
    ['For', 'And', 'On']
    >>> find_case_anomalies("the Institute for the Study of War said, The Hindu reported. Bank Of America And Citi")
    []
    """
    hits: list[Hit] = []
    spaced = (m for m in _FUNCTION_CAPS.finditer(text) if m.start() and text[m.start() - 1] == " ")
    for m in islice(spaced, MAX_HITS * 2):
        word, nxt, s = m.group("w"), m.group("next"), m.start("w")
        before = text[s - 2 : s - 1] if s >= 2 else ""
        if not (before.isalpha() or before == ","):
            continue
        prev = text[:s].rstrip(" ").rsplit(" ", 1)[-1]
        next_cap = nxt[:1].isupper()
        prev_cap = prev[:1].isupper() and not prev.endswith(",")
        # a Title Case name ("Bank Of America", "The Hindu", "Minister For External Affairs")
        if next_cap and nxt not in _DAYS and (prev_cap or word in _NAME_STARTERS):
            continue
        if _inside_quote(text, s) and word in ("The", "Of"):
            continue
        hits.append(Hit("bad_case", s, s + len(word), 0.7, word.lower()))
    return hits


# past tenses of verbs that take a person or a thing as object, and that are no common part of a
# name or title ("Met Office", "the Left", "Won", "Blessed Virgin", "Lost" are left out)
_TITLED_VERBS: Final = frozenset(
    """killed attacked defeated murdered married kidnapped abducted arrested beat shot slapped insulted
    betrayed cheated cursed worshipped praised criticised criticized accused blamed thanked visited warned
    threatened helped saved rescued loved hated chased destroyed burnt burned looted robbed stabbed captured
    conquered hanged injured wounded punished embraced greeted welcomed invited defended supported opposed
    rejected refused slew ate drank gave took heard sent sold bought caught hugged scolded abused""".split()
)
_TITLED_VERB: Final = re.compile(r"(?<=[a-z’'.] )(?P<w>[A-Z][a-z]{2,11}) (?=[A-Z][a-z])")
_TITLE_WORDS: Final = frozenset("The A An Of Who In On And To For With At By From Is Was".split())
_CAP_TOKEN: Final = re.compile(r"[A-Z][\w’'.-]*")


def find_capitalised_verbs(text: str) -> list[Hit]:
    """Flag a capitalised verb mid-sentence: between two names ("Rama Killed Ravana"), or any the article writes lower case.

    >>> t = "The fact that Lord Rama killed Ravana becomes the Rama Killed Ravana in English."
    >>> [(t[h.start:h.end], h.suggestion) for h in find_capitalised_verbs(t)]
    [('Killed', 'killed')]
    >>> find_capitalised_verbs("He starred in The Man Who Killed Don Quixote. Then Rama. Killed Ravana said “Rama Killed Ravana”.")
    []
    """
    hits: list[Hit] = []
    if " " not in text:
        return hits
    for m in _TITLED_VERB.finditer(text):
        word = m.group("w")
        if word.lower() not in _TITLED_VERBS:
            continue
        s, e = m.span("w")
        # the runs of capitalised words on each side of the verb (a stop ends a run)
        left: list[str] = []
        for w in reversed(text[max(0, s - 80) : s].split(" ")[:-1]):
            if not _CAP_TOKEN.match(w) or not w[-1:].isalnum():
                break
            left.append(w)
        right: list[str] = []
        for w in text[e + 1 : e + 81].split(" "):
            if not _CAP_TOKEN.match(w):
                break
            right.append(w.rstrip(".,;:!?’'”"))
            if not w[-1:].isalnum():
                break
        if not left or not right or any(w in _TITLE_WORDS for w in left + right):
            continue  # no name on one side, or a title ("The Man Who Killed Don Quixote")
        if _inside_quote(text, s):
            continue  # a quoted title
        hits.append(Hit("bad_case", s, e, 0.7, word.lower()))
        if len(hits) >= MAX_HITS:
            break
    return hits


# --------------------------------------------------- mid-sentence capitals, from the article

# a capitalised word after a word (or a comma) and one space: not a sentence's first word
_MID_CAPITAL: Final = re.compile(r"(?<=[A-Za-z,] )[A-Z][a-z]{1,14}\b(?![’'-])")
_SPACED_CAPITAL: Final = re.compile(r" ([A-Z][a-z]{1,14}+)\b(?![’'-])")  # a literal first: a fast scan


@lru_cache(maxsize=8)
def mid_capitals(text: str) -> tuple[tuple[str, int], ...]:
    """Every capitalised word after a word (or a comma) and one space: (word, offset)."""
    out = []
    for m in _SPACED_CAPITAL.finditer(text):
        s = m.start(1)
        before = text[s - 2]
        if before.isalpha() or before == ",":
            out.append((m.group(1), s))
    return tuple(out)


_CALENDAR: Final = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday".split()
)
_TITLE_MINOR: Final = frozenset("a an the of and or in on at to for with by from as".split())
_LINKING: Final = (
    wc.PREPOSITIONS | frozenset("and but or nor because although though whereas while".split())
) - _TITLE_MINOR
_QUANTIFIERS: Final = frozenset(
    "more most many much few several both all no any some another other such each every".split()
)
_WORD: Final = re.compile(r"[A-Za-z’'-]+")
_TOKEN: Final = re.compile(r"[\w’'-]+")


@lru_cache(maxsize=1 << 15)
def _word_class(low: str) -> str | None:
    if low in _CALENDAR or len(low) < 2:
        return None
    if low in wc.FINITE_AUX or low in wc.NONFINITE_AUX:
        return "aux"
    if low in wc.FUNCTION_WORDS:
        return "function"
    if wc.is_past_form(low):
        return "verb"
    return None


def _continues_title(text: str, e: int) -> bool:
    """After ``e``: minor words then a capitalised word ("Gone with the Wind", "Treaty On the Non-…")?"""
    for w in _WORD.findall(text, e, e + 40)[:3]:
        if w[:1].isupper():
            return True
        if w not in _TITLE_MINOR:
            return False
    return False


def _ends_title(text: str, s: int) -> bool:
    """Before ``s``: a capitalised word, then minor words ("Prosperity for All", "Bank of America")?"""
    words = _WORD.findall(text, max(0, s - 40), s)[-3:]
    k = len(words)
    while k and words[k - 1] in _TITLE_MINOR:
        k -= 1
    return 0 < k < len(words) and words[k - 1][:1].isupper()


def _title_case_around(text: str, s: int, e: int) -> bool:
    """Most words near the span are capitalised: a headline, a caption line or a name list."""
    words = _WORD.findall(text, max(0, s - 60), min(len(text), e + 60))
    longer = [w for w in words if len(w) > 3 and w.lower() not in _CALENDAR]
    return len(longer) >= 4 and sum(w[:1].isupper() for w in longer) >= 0.6 * len(longer)


def _used_as_name(text: str, word: str, at: int) -> bool:
    """Does the article write ``word`` capitalised mid-sentence elsewhere, or before another name?"""
    i = text.find(word)
    while i != -1:
        e = i + len(word)
        whole = (i == 0 or not text[i - 1].isalpha()) and (e == len(text) or not text[e].isalpha())
        if whole and i != at:
            before = text[i - 2 : i - 1] if i >= 2 else ""
            if before.isalpha() or before == ",":
                return True  # capitalised mid-sentence elsewhere
            if _MID_CAPITAL.match(text, e + 1) and text[e : e + 1] == " ":
                return True  # opens a name run elsewhere ("Will Hutton said")
        i = text.find(word, e)
    return False


def _lower_elsewhere(text: str, low: str) -> bool:
    i = text.find(low)
    while i != -1:
        e = i + len(low)
        if (i == 0 or not text[i - 1].isalpha()) and (e == len(text) or not text[e].isalpha()):
            return True
        i = text.find(low, e)
    return False


def _governs_verb(low: str, nxt: str) -> bool:
    """An auxiliary followed by what it governs ("Will visit", "Were launched", "Has not")."""
    if nxt in wc.GROUP_ADVERBS or nxt in ("been", "being", "be", "have", "to"):
        return True
    if low in wc.FINITE_AUX and low not in ("is", "are", "was", "were", "am", "has", "have", "had"):
        return wc.is_base_verb(nxt)
    return wc.is_verb_form(nxt)


def find_mid_sentence_capitals(text: str) -> list[Hit]:
    """Flag a capital inside a sentence on a word the article otherwise writes lower case.

    Judged from the article, not a list of shapes: the word is a function word, an
    auxiliary or a verb's past form (word classes, see :mod:`pipeline.core.wordclass`); the
    article uses it lower case elsewhere and never capitalised mid-sentence or before a name
    (a name's own capital); and it does not stand in a Title Case run (a name such as "Bank
    of America" or "Gone with the Wind", a headline, a caption). An auxiliary must govern the
    verb after it ("Modi Will visit"), so a surname such as "May" is left alone.

    >>> t = "The police Arrested three men and a boy, the police said And added that they were arrested near the market."
    >>> [(t[h.start:h.end], h.suggestion) for h in find_mid_sentence_capitals(t)]
    [('Arrested', 'arrested'), ('And', 'and')]
    >>> find_mid_sentence_capitals("Theresa May said she would go, a line May quoted in May. It may rain. The film Gone with the Wind was gone.")
    []
    """
    hits: list[Hit] = []
    for word, s in mid_capitals(text)[: MAX_HITS * 8]:
        cls = _word_class(word.lower())
        if cls is None:
            continue
        low = word.lower()
        e = s + len(word)
        prev_cap, nxt = _neighbours(text, s, e)
        next_cap = nxt[:1].isupper() or nxt[:1].isdigit()
        one_name = (
            nxt[:1].isupper() and nxt != "I" and not nxt.startswith(("I'", "I’")) and _capitalised_run(text, e) == 1
        )
        if next_cap and not (low in _LINKING and not prev_cap and one_name):
            # a name or title may open with any word ("No Way Out", "We Will Rock You"); a
            # preposition or conjunction before one name ("shipment For Ukraine") opens none
            continue
        if cls == "verb" and prev_cap:
            continue  # "Manchester United beat" (A015 judges "Rama Killed Ravana")
        if cls == "aux" and not _governs_verb(low, nxt):
            continue
        if cls == "function" and prev_cap and low in _QUANTIFIERS and nxt not in ("than", "of"):
            continue  # a surname ("Thomas More wrote")
        if not _lower_elsewhere(text, low) or not case_in_context(text, s, e):
            continue
        hits.append(Hit("bad_case", s, e, 0.7, low))
        if len(hits) >= MAX_HITS:
            break
    return hits


def _neighbours(text: str, s: int, e: int) -> tuple[bool, str]:
    """Is the word before ``s`` capitalised (a comma between breaks the run), and the word after ``e``."""
    prev_word = text[max(0, s - 30) : s - 1].rsplit(" ", 1)[-1].lstrip("([{“‘\"'")
    prev_cap = prev_word[:1].isupper() and text[s - 2] != ","
    nm = _TOKEN.match(text, e + 1) if text[e : e + 1] == " " else None
    return prev_cap, nm.group() if nm else ""


def _capitalised_run(text: str, e: int) -> int:
    """How many capitalised words follow ``e`` in a row (up to 3; a title ends on no "And")."""
    run: list[str] = []
    for w in text[e : e + 60].split(" ")[1:4]:
        if not w[:1].isupper():
            break
        run.append(w)
        if not w[-1:].isalnum():
            break
    while run and run[-1] in ("And", "Or", "But"):
        run.pop()
    return len(run)


def _after_heading(text: str, s: int) -> bool:
    """Do two words in capitals, the last with no punctuation, stand right before ``s``?"""
    words = text[max(0, s - 40) : s].split()
    return len(words) >= 2 and all(w.isupper() and w.isalpha() and len(w) > 1 for w in words[-2:])


def case_in_context(text: str, s: int, e: int) -> bool:
    """Is the capitalised word ``text[s:e]`` out of place in its context (every bad-case finding
    passes this)? Not when it stands in a Title Case run or a heading, ends a name ("Carry On",
    "Prosperity for All"), or the article capitalises it mid-sentence elsewhere (a name's capital).

    >>> t = "She starred in the Carry On films. Rowlands made nine Carry On films, and went on."
    >>> case_in_context(t, t.index("On"), t.index("On") + 2)
    False
    >>> t = "Narendra Modi On Thursday met them, and on Friday left."
    >>> case_in_context(t, t.index("On"), t.index("On") + 2)
    True
    """
    word = text[s:e]
    prev_cap, nxt = _neighbours(text, s, e)
    if prev_cap and nxt[:1].isupper() and nxt.lower() not in _CALENDAR:
        return False  # inside a Title Case run ("Modi On Thursday" is none)
    if nxt[:1].isdigit() and word in ("The", "No", "A", "An"):
        return False  # a name with a number ("The 10th District Court", "No 10")
    if nxt[:1].isupper() and nxt.lower() not in _CALENDAR and _capitalised_run(text, e) >= 2:
        return False  # a title that opens with it ("More Than A Woman", "For Your Eyes Only")
    if _after_heading(text, s):
        return False  # after a heading in capitals ("HOW IT STARTED The first…"; not "NDTV, The")
    if prev_cap and word.lower() in wc.PARTICLES and nxt.lower() not in _CALENDAR:
        return False  # a phrasal title ("Carry On", "Get On")
    if (not nxt[:1].isupper() and _continues_title(text, e)) or _ends_title(text, s):
        return False
    if _title_case_around(text, s, e) or (_inside_quote(text, s) and (prev_cap or nxt[:1].isupper())):
        return False
    return not _used_as_name(text, word, s)


# ------------------------------------------------------------------ quote pairing

# a quote mark; a doubled single mark (‘‘ ’’) is one double mark (a style of some outlets)
_MARK: Final = re.compile(r"‘‘|’’|[“”\"‘’']")
_LEFT_OF_OPENER: Final = frozenset("([{—–-/“‘\"'")
_RIGHT_OF_CLOSER: Final = frozenset(".,;:!?)]}—–-…”’\"'")
_SENTENCE_STOP: Final = frozenset(".!?,")


def _mark_role(text: str, i: int, j: int) -> str:
    """Where a mark stands: ``open`` (before a word), ``close`` (after one), ``inner`` (between
    two letters: an apostrophe) or ``both`` (neither or either: decided by the pairing state)."""
    prev = text[i - 1] if i else ""
    nxt = text[j] if j < len(text) else ""
    left = (prev == "" or prev.isspace() or prev in _LEFT_OF_OPENER) and nxt != "" and not nxt.isspace()
    right = prev != "" and not prev.isspace() and (nxt == "" or nxt.isspace() or nxt in _RIGHT_OF_CLOSER)
    if prev.isalnum() and nxt.isalnum():
        return "inner"
    if left and not right:
        return "open"
    if right and not left:
        return "close"
    return "both"


@dataclass(slots=True)
class _Open:
    at: int  # offset of the opening mark
    glyph: str


def _sentence_at(text: str, pos: int) -> tuple[int, int]:
    for s, e in sentence_spans(text, limit=MAX_SENTENCES):
        if s <= pos < e:
            return s, e
    return pos, len(text.rstrip())


def _word_and_mark(text: str, i: int, j: int) -> tuple[int, int]:
    """The span of a misplaced mark with the word it touches (what an editor looks at)."""
    s = i
    while s > 0 and not text[s - 1].isspace() and i - s < 40:
        s -= 1
    e = j
    while e < len(text) and text[e] in ".,;:!?" and e - j < 3:
        e += 1
    if s == i:  # a mark before a word: take the word after it
        while e < len(text) and not text[e].isspace() and e - j < 40:
            e += 1
    return s, e


def _after_stop(text: str, i: int) -> bool:
    """Does the mark at ``i`` open a sentence (a full stop, then blanks, before it)?"""
    j = i
    while j > 0 and text[j - 1] in " \t":
        j -= 1
    if j == i:
        return False
    while j > 0 and text[j - 1] in "”’\"'":  # "… interesting.’ “My …"
        j -= 1
    return j > 0 and text[j - 1] in ".!?…"


def _glyph_fix(text: str, i: int, j: int, glyph: str, confidence: float) -> Hit:
    """A wrong mark ``text[i:j]`` flagged with the word it touches; the suggestion is that span
    with the right mark (or none)."""
    s, e = _word_and_mark(text, i, j)
    return Hit("broken_quote", s, e, confidence, text[s:i] + glyph + text[j:e])


def _starts_quoted(text: str) -> bool:
    t = text.lstrip()
    return t[:1] in ("“", '"', "‘", "'") or t.startswith("’’")


def _closes_first(text: str) -> bool:
    """Does this paragraph close a quotation before it opens one (a quotation run on without its mark)?"""
    for m in islice(_MARK.finditer(text), 50):
        g = m.group()
        if g in ("”", "’’", '"') and _mark_role(text, m.start(), m.end()) == "close":
            return True
        if g in ("“", "‘‘") or (g == '"' and _mark_role(text, m.start(), m.end()) == "open"):
            return False
    return False


# a well-formed curly quotation: opened before a word, closed after one, nothing in between
_GOOD_PAIR: Final = re.compile(r"“(?<![^\s(\[—–-]“)[^“”\"‘\n]*[^\s“”\"‘]”(?=[\s.,;:!?)\]—–-]|$)")
# each opens with its literal mark (the engine then skips ahead at C speed); what stands before
# the mark is looked at after it
_INNER_APOSTROPHE: Final = re.compile(r"’(?<=[A-Za-z]’)(?=[A-Za-z])")
_GOOD_STRAIGHT: Final = re.compile(r"\"(?<![^\s(\[—–-]\")[^\"“”\n]*[^\s\"]\"(?=[\s.,;:!?)\]—–-]|$)")
_DETACHED: Final = re.compile(r"[“”\"‘’'](?<!\S[“”\"‘’'])(?:\s|$)")  # a mark that touches no word


def _well_paired(text: str) -> bool:
    """A paragraph whose every quote mark is in a well-formed pair (curly, or straight) or an
    apostrophe (the common case, decided without following the state mark by mark)."""
    if "‘" in text or "’’" in text or _DETACHED.search(text):
        return False
    if "’" in text:
        text = _INNER_APOSTROPHE.sub("", text)
        if "’" in text:
            return False
    if "“" in text or "”" in text:
        text = _GOOD_PAIR.sub("", text)
        if "“" in text or "”" in text:
            return False
    if '"' in text:
        return '"' not in _GOOD_STRAIGHT.sub("", text)
    return True  # straight single marks are apostrophes to the state


@lru_cache(maxsize=8)
def quote_pairing(paragraphs: tuple[str, ...], skip: frozenset[int] = frozenset()) -> tuple[tuple[str, int, Hit], ...]:
    """Follow the pairing state of quote marks through the paragraphs; report what breaks it.

    Each finding is (``"unclosed"`` or ``"glyph"``, paragraph index, hit). Curly and straight
    marks are read by where they stand (before a word they open, after one they close); a
    mark between letters is an apostrophe, and so is a right single mark nothing opened
    ("farmers’ union") and every straight single mark (too often an apostrophe to pair). The state runs across a paragraph and into the next: a quotation
    left open must be continued by the next paragraph opening with a mark (the wire
    convention). What breaks the state:

    - ``unclosed``: a quotation opened again before it was closed (flagged on the sentence
      that reopens it), or left open at a paragraph end and not continued;
    - ``glyph``: an opening glyph that closes (``drones“.``), a closing glyph that opens
      (``”the``, only when the article uses opening glyphs elsewhere: some outlets use
      ``”`` both ways), a closing mark nothing opened, a single quote closed by a double one
      or the reverse.

    >>> ps = ("He said, “The attack was repelled.’ Officials agreed.", "“We will rebuild, she said, “it takes time.”")
    >>> [(kind, k, ps[k][h.start:h.end]) for kind, k, h in quote_pairing(ps)]
    [('glyph', 0, 'repelled.’'), ('unclosed', 1, '“We will rebuild, she said, “it takes time.”')]
    >>> quote_pairing(("“We are ready. The talks go on.", "“But not for ever,” he said. The farmers’ ‘long march’ ended."))
    ()
    """
    out: list[tuple[str, int, Hit]] = []
    curly_openers = any("“" in p for p in paragraphs)
    double: _Open | None = None
    single: _Open | None = None
    carried = False  # the paragraph before left a quotation open and this one continues it
    for k, text in enumerate(paragraphs):
        if k in skip:
            double = single = None
            carried = False
            continue
        if len(out) >= MAX_HITS:
            break
        if double is None and single is None and not carried and _well_paired(text):
            continue
        for m in islice(_MARK.finditer(text), MAX_HITS * 4):
            g, i, j = m.group(), m.start(), m.end()
            if i and text[i - 1].isdigit() and g in ("’", "'"):
                continue  # feet, minutes, the 1990s’
            role = _mark_role(text, i, j)
            if role == "both" and text[i - 1 : i].isspace() and (j == len(text) or text[j].isspace()) and i:
                # a mark that touches no word ("the ICU. ” He said"): a closing mark belongs to the
                # word before it, an opening one to the word after it (the flag is the space to drop)
                if g in ("“", "‘", "‘‘") or (g == '"' and double is None):
                    out.append(("glyph", k, Hit("broken_quote", i, j + 1, 0.8, g)))
                else:
                    out.append(("glyph", k, Hit("broken_quote", i - 1, j, 0.8, g)))
            if g in ("“", "”", '"', "‘‘", "’’"):
                opening = g in ("“", "‘‘")
                if g == '"' or (g == "”" and not curly_openers):
                    # a straight mark, or the house style that writes ” both ways: the state decides
                    opening = role == "open" or (role != "close" and double is None)
                elif role == "close" and opening and double is not None:
                    out.append(("glyph", k, _glyph_fix(text, i, j, "”", 0.85)))
                    double = None
                    continue
                elif role == "close" and opening:
                    # “ after a word with nothing open: debris of a quotation already closed ("”.“.")
                    out.append(("glyph", k, _glyph_fix(text, i, j, "", 0.8)))
                    continue
                elif role == "open" and not opening:
                    out.append(("glyph", k, _glyph_fix(text, i, j, "“", 0.8)))
                    opening = True
                if opening:
                    carried = False
                    if double is not None and double.at < i and not _after_stop(text, i):
                        # reopened inside a sentence ("… he said, “…"): the first quotation never
                        # closed. Reopened after a full stop is the next paragraph of the same
                        # quotation with its paragraph break lost, not translation debris
                        s, e = _sentence_at(text, i)
                        out.append(("unclosed", k, Hit("broken_quote", s, e, 0.7, "close the quotation before")))
                    double = _Open(i, g)
                elif double is not None:
                    double = None
                elif single is not None and g == "”" and role == "close" and text[i - 1 : i] in _SENTENCE_STOP:
                    out.append(("glyph", k, _glyph_fix(text, i, j, "’", 0.8)))
                    single = None
                elif carried:
                    carried = False  # closes the quotation the paragraph before left open
                elif role == "close" and g != '"':
                    s, e = _word_and_mark(text, i, j)
                    out.append(("glyph", k, Hit("broken_quote", s, e, 0.7, "nothing opened this quotation")))
            elif g in ("‘", "’"):  # curly single marks (straight ones are read as apostrophes)
                if (
                    role == "inner"
                    or text[j : j + 1].isdigit()
                    or (text[j : j + 1] == "s" and not text[j + 1 : j + 2].isalpha())
                ):
                    continue  # an apostrophe: don’t, ’90s, a name’s glued ’s
                if g == "‘":
                    if role == "close":
                        continue
                    if (
                        single is not None
                        and role == "open"
                        and has_words(text[single.at : i], 4)
                        and not _after_stop(text, i)
                    ):
                        s, e = _sentence_at(text, i)  # ‘… ‘…: the first quotation never closed
                        out.append(("unclosed", k, Hit("broken_quote", s, e, 0.7, "close the quotation before")))
                    single = _Open(i, g)
                elif role != "open":
                    if single is not None:
                        single = None
                    elif (
                        double is not None
                        and double.glyph == "“"
                        and role == "close"
                        and text[i - 1 : i] in _SENTENCE_STOP
                        and (j == len(text) or text[j].isspace())
                    ):
                        # “… repelled.’ : a double quotation closed by a single mark
                        out.append(("glyph", k, _glyph_fix(text, i, j, "”", 0.8)))
                        double = None
        # the paragraph ends: what is still open must be continued by the next paragraph
        if double is None and single is None:
            carried = False
            continue
        nxt = paragraphs[k + 1] if k + 1 < len(paragraphs) and k + 1 not in skip else ""
        continued = carried = _starts_quoted(nxt) or _closes_first(nxt)
        for open_ in (double, single):
            if open_ is None or continued:
                continue
            s, e = _sentence_at(text, open_.at)
            if open_ is single and not has_words(text[open_.at : e], 4):
                continue  # a short scare-quoted word is no quotation
            if not out or out[-1][1] != k or out[-1][2].start != s:
                suggestion = f"close the quotation with {_close_of(open_.glyph)}"
                out.append(("unclosed", k, Hit("broken_quote", s, e, 0.7, suggestion)))
        double = single = None
    return tuple(out)


def _close_of(glyph: str) -> str:
    return {"“": "”", "‘": "’", '"': '"', "'": "'", "‘‘": "’’", "”": "”"}.get(glyph, "”")


# ----------------------------------------------------------------- unclosed quotes


def find_unclosed_quotes(text: str, next_text: str = "") -> list[Hit]:
    """Flag a quotation never closed (nor continued by the next paragraph), or reopened before it closed.

    A quote that runs on into the next paragraph is left open and that paragraph opens with
    a quote mark again (the wire convention), so only a quote nothing can close is flagged;
    a quotation opened again before it was closed is flagged where it reopens.

    >>> t = "He said, ‘I said earlier also that such tasks are difficult. But I came to serve."
    >>> [t[h.start:h.end] for h in find_unclosed_quotes(t, "The crowd cheered.")]
    ['He said, ‘I said earlier also that such tasks are difficult.']
    >>> find_unclosed_quotes("“We will rebuild,” she said. “It will take years.", "“But we will do it.”")
    []
    >>> find_unclosed_quotes("The farmers’ ‘long march’ ended on Sunday.")
    []
    """
    ps = (text, next_text) if next_text else (text,)
    return [h for kind, k, h in quote_pairing(ps) if kind == "unclosed" and k == 0]


# an appeal or an instruction quoted after a speech verb, then the speaker's promise left outside
_EARLY_CLOSE: Final = re.compile(
    r"\b(?:said|says|added|assured|appealed|urged|told (?:them|people|the people|reporters))[,:] "
    r"(?P<q>“(?:Don[’']t|Do not|Please|Rest assured|Have faith|Trust|Stay|Keep|Be|Let us|Let’s|Come) "
    r"[^“”\n]{0,100}?[.!?]”) (?P<next>"
    r"(?:We|Our|The (?:state |central |union )?government|The administration|The centre|The Centre) "
    r"(?:will|shall|must|should|would|cannot|can|are|is)\b[^“”\"\n]{5,200}?[.!?])(?=\s*$)"
)
_ATTRIBUTED: Final = re.compile(r"\b(?:said|says|told|according|added|stated|announced)\b")
_AS_SAID: Final = re.compile(
    r"\bAs [^,.;]{1,40}$"
)  # "As Gandhi said, “Be the change.”": a citation, not reported speech


def find_early_closed_quotes(text: str) -> list[Hit]:
    """Flag a quotation closed one sentence early: the speaker's next sentence (a promise, 'we…') is left outside.

    >>> t = "The minister met the flood victims and said, “Don’t panic.” The government will rebuild every house."
    >>> [t[h.start:h.end] for h in find_early_closed_quotes(t)]
    ['“Don’t panic.” The government will rebuild every house.']
    >>> find_early_closed_quotes("He said, “Don’t panic.” The government will rebuild, officials said.")
    []
    >>> find_early_closed_quotes("“Don’t panic,” he said. The government will rebuild every house.")
    []
    >>> find_early_closed_quotes("As Gandhi said, “Be the change.” We must all do our part.")
    []
    """
    if "“" not in text:
        return []
    hits: list[Hit] = []
    for m in islice(_EARLY_CLOSE.finditer(text), MAX_HITS):
        if len(m.group("q").split()) > 12 or _ATTRIBUTED.search(m.group("next")):
            continue
        if _AS_SAID.search(text, max(0, m.start() - 45), m.start()):
            continue
        hits.append(
            Hit(
                "broken_quote",
                m.start("q"),
                m.end("next"),
                0.55,
                "close the quotation after the next sentence",
            )
        )
    return hits


# ------------------------------------------------------------------- duplicates

_NORM: Final = re.compile(r"[\W_]+")
# rough sentence breaks: a stop and the space after it, or a blank line ("[.!?]\s+|\n\n"), written to
# open with one character class, so that the engine scans for the class in a tight loop and tries a
# match only where one occurs (an alternation of a class and a literal gets no such scan: twice the cost)
_ROUGH_SENTENCE: Final = re.compile(r"[.!?\n](?:(?<=\n)\n|(?<!\n)\s+)")


def find_duplicate_sentences(paragraphs: list[str], rough: list[list[str]] | None = None) -> list[tuple[int, Hit]]:
    """Find a sentence repeated verbatim; remove it when it repeats the sentence just before (near repeats are flagged).

    >>> ps = ["Kyiv denied it. Two drones were aimed at the Kremlin. Two drones were aimed at the Kremlin."]
    >>> [(i, ps[i][h.start:h.end], h.removable) for i, h in find_duplicate_sentences(ps)]
    [(0, 'Two drones were aimed at the Kremlin.', True)]
    >>> ps = ["Two drones were aimed at the Kremlin.", "", "Two drones were aimed at the Kremlin. Kyiv denied it."]
    >>> [(i, h.removable) for i, h in find_duplicate_sentences(ps)]
    [(2, True)]
    >>> ps = ["Two drones were aimed at the Kremlin. Kyiv denied it.", "Two drones were aimed at the Kremlin."]
    >>> [(i, h.removable, h.confidence) for i, h in find_duplicate_sentences(ps)]
    [(1, False, 0.8)]
    """
    hits: list[tuple[int, Hit]] = []
    # A duplicate sentence repeats a long chunk between sentence stops: find the chunks that
    # occur twice (one C-speed split); only paragraphs holding one are split into sentences.
    if rough is None:
        rough = [_ROUGH_SENTENCE.split(t.casefold()) for t in paragraphs]
    chunks = [[c.rstrip(".!?”\"’' ") for c in cs if len(c) > 30] for cs in rough]
    counts: dict[str, int] = {}  # not a Counter: compiled, its methods would run as interpreted Python
    for cs in chunks:
        for c in cs:
            counts[c] = counts.get(c, 0) + 1
    repeated = {c for c, n in counts.items() if n > 1}
    if not repeated:
        return hits
    seen: dict[str, int] = {}  # sentence key -> end offset (in the joined text) of its first occurrence
    last_end = -1  # end offset of the last sentence looked at
    base = 0
    for pi, text in enumerate(paragraphs):
        if not repeated.isdisjoint(chunks[pi]):
            for s, e in sentence_spans(text, limit=MAX_SENTENCES):
                sent = text[s:e]
                if not has_words(sent, 6):
                    last_end = base + e
                    continue
                key = _NORM.sub(" ", sent.casefold()).strip()
                first_end = seen.get(key)
                if first_end is not None:
                    # adjacent: the last sentence looked at was the first occurrence (a paragraph
                    # in between with sentences of its own resets last_end)
                    adjacent = first_end == last_end
                    cut_s = s
                    while cut_s > 0 and text[cut_s - 1] == " ":
                        cut_s -= 1
                    hit = Hit(
                        "duplicate_sentence",
                        s,
                        e,
                        0.95 if adjacent else 0.8,
                        "",
                        adjacent,
                        cut_s,
                        e,
                    )
                    hits.append((pi, hit))
                else:
                    seen[key] = base + e
                last_end = base + e
        elif text.strip():
            last_end = -1  # a paragraph in between that holds no duplicate
        base += len(text) + 2
    return hits


def find_near_duplicate_sentences(paragraphs: list[str], rough: list[list[str]] | None = None) -> list[tuple[int, Hit]]:
    """Flag a sentence that repeats the one before it with words added ("Two drones hit the
    Kremlin. According to the report, two drones hit the Kremlin."): one sentence translated twice.

    Only neighbours (in text order, across a paragraph break too) that share their first or last
    words are compared; every word of the shorter must be in the longer. Flagged, never removed.

    >>> ps = ["Two drones were aimed at the Kremlin overnight. According to the report, two drones were aimed at the Kremlin overnight."]
    >>> [(i, ps[i][h.start:h.end]) for i, h in find_near_duplicate_sentences(ps)]
    [(0, 'According to the report, two drones were aimed at the Kremlin overnight.')]
    >>> find_near_duplicate_sentences(["Shares of Apple rose 2 percent on Friday. Shares of Google rose 2 percent on Friday."])
    []
    """
    if rough is None:
        rough = [_ROUGH_SENTENCE.split(t.casefold()) for t in paragraphs]
    flat = [(pi, c) for pi, cs in enumerate(rough) for c in cs if len(c) > 40]
    hits: list[tuple[int, Hit]] = []
    for (_, c1), (p2, c2) in pairwise(flat):
        a, b = c1.rstrip(".!?”\"’' "), c2.rstrip(".!?”\"’' ")
        if a == b or (a[-24:] != b[-24:] and a[:24] != b[:24]):
            continue
        wa, wb = set(_NORM.split(a)) - {""}, set(_NORM.split(b)) - {""}
        short, long_ = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
        if len(short) < 8 or not short <= long_:
            continue
        text = paragraphs[p2]
        for s, e in sentence_spans(text, limit=MAX_SENTENCES):
            if text[s:e].casefold().startswith(b[:30]):
                hits.append((p2, Hit("duplicate_sentence", s, e, 0.7, "repeats the sentence before it")))
                break
        if len(hits) >= MAX_HITS:
            break
    return hits


# ---------------------------------------------------------------- punctuation debris

# each kind of debris has its own cheap gate (a substring) before its pattern runs
_DOTS: Final = re.compile(r"(?<![.\s])\.\.(?![.])")
_SAID_DASH: Final = re.compile(r"said\s?[-–](?=\s?[“\"])")
_HYPHEN_TAILS: Final = frozenset(
    "western eastern northern southern scale term based led made level owned run known old year time wide like free".split()
)
_TAIL_WORD: Final = re.compile(r"[a-z]+")
_HEAD_WORD: Final = re.compile(r"[a-z]{2,}$")
_GLUED: Final = re.compile(r"\.(?=[A-Z][a-z]{2,}\b)")
_WORD_BACK: Final = re.compile(r"[a-z]{3,}$")


def find_punctuation_debris(text: str) -> list[Hit]:
    """Flag translation punctuation debris: doubled full stops, "said-", "north -western", "roads.The".

    >>> t = "entered the airspace.. Surjewala said- “No.” A large -scale strike hit roads.The minister"
    >>> [t[h.start:h.end] for h in find_punctuation_debris(t)]
    ['..', 'said-', 'large -', 'roads.']
    >>> find_punctuation_debris("See www.example.com and the U.S. Army... wait.")
    []
    """
    hits: list[Hit] = []
    if ".." in text:
        hits += [Hit("other", m.start(), m.end(), 0.7, ".") for m in islice(_DOTS.finditer(text), MAX_HITS)]
    if "said" in text:
        hits += [
            Hit("other", m.start(), m.end(), 0.7, "said:")
            for m in islice(_SAID_DASH.finditer(text), MAX_HITS)
            if m.start() == 0 or not text[m.start() - 1].isalnum()
        ]
    i = text.find(" -")
    while i != -1 and len(hits) < MAX_HITS:
        tail = _TAIL_WORD.match(text, i + 2)
        head = _HEAD_WORD.search(text, max(0, i - 30), i)
        if tail and head and tail.group() in _HYPHEN_TAILS and not text[tail.end() : tail.end() + 1].isalpha():
            s0 = head.start()
            if s0 == 0 or not text[s0 - 1].isalpha():
                hits.append(Hit("other", s0, i + 2, 0.7, text[s0:i] + "-"))
        i = text.find(" -", i + 2)
    for m in islice(_GLUED.finditer(text), MAX_HITS * 4):
        if not text[m.start() - 1 : m.start()].islower():
            continue
        w = _WORD_BACK.search(text, max(0, m.start() - 30), m.start())
        if w is None:
            continue
        s = w.start()
        before = text[max(0, s - 12) : s]
        if "www" in before or "/" in before or "@" in before or (s and text[s - 1] in "./@"):
            continue
        hits.append(Hit("other", s, m.end(), 0.7, text[s : m.end()] + " "))
    hits.sort(key=lambda h: h.start)
    return hits[:MAX_HITS]


_IDIOMATIC_PAIRS: Final = frozenset(
    [
        "again",
        "more",
        "over",
        "round",
        "through",
        "less",
        "better",
        "worse",
        "bigger",
        "smaller",
        "higher",
        "lower",
        "further",
        "closer",
        "louder",
        "slowly",
        "little",
        "miles",
        "hours",
        "years",
        "days",
        "weeks",
        "months",
        "faster",
        "harder",
        "deeper",
        "longer",
        "stronger",
        "farther",
    ]
)


def find_reduplicated_pairs(text: str) -> list[Hit]:
    """Flag "X and X" where a translated synonym pair collapsed into one word twice.

    >>> t = "questioning the valor and valor of the army, again and again"
    >>> [t[h.start:h.end] for h in find_reduplicated_pairs(t)]
    ['valor and valor']
    """
    hits: list[Hit] = []
    i = text.find(" and ")
    while i != -1 and len(hits) < MAX_HITS:
        j = i
        while j > 0 and text[j - 1].isalpha():
            j -= 1
        w = text[j:i]
        k = i + 5
        same = len(w) >= 4 and w.islower() and text.startswith(w, k) and not text[k + len(w) : k + len(w) + 1].isalpha()
        if same and w not in _IDIOMATIC_PAIRS and not w.endswith("er") and (j == 0 or not text[j - 1].isalnum()):
            hits.append(Hit("other", j, k + len(w), 0.75, w))
        i = text.find(" and ", i + 5)
    return hits


# ------------------------------------------------------------------ the stage
@dataclass(frozen=True, slots=True)
class ArticleView:
    """What artefact rules read: the live paragraphs, joined by blank lines, and where each starts.

    Every artefact rule has one signature, ``(view) -> [(paragraph index, hit)]``, hits relative
    to their paragraph. Rules that read running text scan ``view.text`` once and :meth:`place`
    their hits; rules that read one paragraph at a time walk ``view.paragraphs``.
    """

    text: str
    paragraphs: tuple[str, ...]
    starts: tuple[int, ...]
    subheads: frozenset[int]
    dominant: str

    @classmethod
    def of(cls, paragraphs: list[str], subheads: frozenset[int] = frozenset()) -> ArticleView:
        """A view of these paragraphs (``subheads``: the indices of crossheads).

        >>> v = ArticleView.of(["It was one. Was done.", "Two."])
        >>> v.text, v.starts, [(k, v.paragraphs[k][h.start:h.end]) for k, h in STRAY_AUXILIARY.fn(v)]
        ('It was one. Was done.\\n\\nTwo.', (0, 23), [(0, 'Was done.')])
        """
        starts: list[int] = []
        pos = 0
        for t in paragraphs:
            starts.append(pos)
            pos += len(t) + 2
        text = "\n\n".join(paragraphs)
        return cls(text, tuple(paragraphs), tuple(starts), subheads, dominant_script(text))

    def place(self, hits: list[Hit]) -> list[tuple[int, Hit]]:
        """Hits on :attr:`text` as (paragraph index, hit relative to it); none in crossheads or across paragraphs."""
        out: list[tuple[int, Hit]] = []
        starts, paragraphs = self.starts, self.paragraphs
        for h in hits:
            k = bisect.bisect_right(starts, h.start) - 1
            if k < 0 or k in self.subheads or h.end > starts[k] + len(paragraphs[k]):
                continue
            base = starts[k]
            cut_s = max(h.cut_start, base) - base if h.cut_start is not None else None
            cut_e = h.cut_end - base if h.cut_end is not None else None
            out.append(
                (k, Hit(h.kind, h.start - base, h.end - base, h.confidence, h.suggestion, h.removable, cut_s, cut_e))
            )
        return out

    def body_paragraphs(self) -> list[tuple[int, str]]:
        """(index, text) of the paragraphs that are not crossheads."""
        return [(k, t) for k, t in enumerate(self.paragraphs) if k not in self.subheads]


ArtefactFn = Callable[[ArticleView], list[tuple[int, Hit]]]


def _on_text(fn: Callable[[str], list[Hit]]) -> ArtefactFn:
    """Adapt a rule that scans running text to the stage signature."""

    def run(view: ArticleView) -> list[tuple[int, Hit]]:
        return view.place(fn(view.text))

    run.__qualname__ = fn.__qualname__
    run.__module__ = fn.__module__
    return run


def _mid_capitals(view: ArticleView) -> tuple[Hit, ...]:
    return _mid_capitals_of(view.text)


@lru_cache(maxsize=8)
def _mid_capitals_of(text: str) -> tuple[Hit, ...]:
    return tuple(find_mid_sentence_capitals(text))


def _case_anomalies(view: ArticleView) -> list[tuple[int, Hit]]:
    """A capitalised function word: the listed shapes, and any closed-class word the article writes lower case."""
    general = [h for h in _mid_capitals(view) if _word_class(h.suggestion or "") == "function"]
    if any(w in _FUNCTION_CAP_WORDS for w, _ in mid_capitals(view.text)):  # its every match is one
        # the listed shapes pass the same reading of their context as the general rule
        general += [h for h in find_case_anomalies(view.text) if case_in_context(view.text, h.start, h.end)]
    return view.place(general)


def _capitalised_verbs(view: ArticleView) -> list[tuple[int, Hit]]:
    """A capitalised verb: between two names, or any auxiliary or past form the article writes lower case."""
    general = [h for h in _mid_capitals(view) if _word_class(h.suggestion or "") in ("aux", "verb")]
    if any(w.lower() in _TITLED_VERBS for w, _ in mid_capitals(view.text)):  # its every match is one
        general += find_capitalised_verbs(view.text)
    return view.place(general)


def _calques(view: ArticleView) -> list[tuple[int, Hit]]:
    return view.place(find_calques(view.text, view.text))


def _foreign_script(view: ArticleView) -> list[tuple[int, Hit]]:
    # a paragraph wholly in another script is a passage (portal chrome, an original text), not
    # words translation left behind: only words inside copy of the article's own script count
    hits = view.place(find_foreign_script(view.text, view.dominant))
    own: dict[int, bool] = {}
    for k, _ in hits:
        if k not in own:
            own[k] = dominant_script(view.paragraphs[k]) == view.dominant
    return [(k, h) for k, h in hits if own[k]]


def _unknown_words(view: ArticleView) -> list[tuple[int, Hit]]:
    return view.place(find_unknown_words(view.text)) if view.dominant == "LATIN" else []


def _broken_crossheads(view: ArticleView) -> list[tuple[int, Hit]]:
    # crossheads included: a broken quote is most often a crosshead's
    return [
        (k, h)
        for k, t in enumerate(view.paragraphs)
        if t[:1] in "“‘\"'" and len(t) <= 200
        for h in find_broken_crossheads(t)
    ]


def _subjectless(view: ArticleView) -> list[tuple[int, Hit]]:
    # a sentence that opens with a verb phrase (A002's lexicon), or that is a bare verb ("Happened.")
    out = view.place(find_stray_verbs(view.text))
    if may_lack_subject(view.text):
        out += [(k, h) for k, t in view.body_paragraphs() for h in find_subjectless_sentences(t)]
    return out


def _unclosed_quotes(view: ArticleView) -> list[tuple[int, Hit]]:
    return [(k, h) for kind, k, h in quote_pairing(view.paragraphs, view.subheads) if kind == "unclosed"]


def _quote_glyphs(view: ArticleView) -> list[tuple[int, Hit]]:
    out = view.place(find_quote_glyph_errors(view.text))
    if any(q in view.text for q in "“”\"‘’'"):
        out += [(k, h) for kind, k, h in quote_pairing(view.paragraphs, view.subheads) if kind == "glyph"]
    return out


def _early_closed_quotes(view: ArticleView) -> list[tuple[int, Hit]]:
    return [(k, h) for k, t in view.body_paragraphs() for h in find_early_closed_quotes(t)]


def _reported_instructions(view: ArticleView) -> list[tuple[int, Hit]]:
    if not may_hold_imperative(view.text):
        return []
    ps = view.paragraphs
    return [(k, h) for k, t in view.body_paragraphs() for h in find_reported_instructions(t, ps[k - 1] if k else "")]


def _duplicates(view: ArticleView) -> list[tuple[int, Hit]]:
    paragraphs = [t if k not in view.subheads else "" for k, t in enumerate(view.paragraphs)]
    rough = [_ROUGH_SENTENCE.split(t.casefold()) for t in paragraphs]  # one split for both
    return find_duplicate_sentences(paragraphs, rough) + find_near_duplicate_sentences(paragraphs, rough)


def _words(pattern: str) -> tuple[str, ...]:
    """The words of the first ``(?:A|B|C)`` alternation of a pattern, as written, each with the space after it.

    >>> _words(r"(?:Said|Told that) [a-z]")
    ('Said ', 'Told that ')
    """
    m = re.search(r"\((?:\?:|\?P<\w+>)([^()]*)\)", pattern)
    assert m is not None, pattern
    return tuple(sorted({w + " " for w in m.group(1).split("|")}))


_QUOTE_OPENERS: Final = ("“", "‘")

STRAY_AUXILIARY: Final = Rule(
    "A001-stray-auxiliary",
    "artefact",
    "stray_fragment",
    _on_text(find_stray_auxiliaries),
    example="…leadership style. Used to do.",
    # any sentence may be a verb group's stray: no literal narrows it that is not in nearly every
    # article, and literals that frequent would cost the shared prefilter more than the rule costs
    needs=ALWAYS,
    description=(
        'Find subject-less auxiliary fragments left by machine translation ("Was done.", "Is.”", "Will have gone.").'
    ),
)
SUBJECTLESS: Final = Rule(
    "A002-subjectless-sentence",
    "artefact",
    "stray_fragment",
    _subjectless,
    example="Used to oppose the plan.",
    needs=ALWAYS,  # a bare verb of any kind (see A001)
    description=(
        "Flag sentences that open with a verb group and no subject, for any verb: translation dropped the subject."
    ),
)
CALQUES: Final = Rule(
    "A003-calque-lexicon",
    "artefact",
    "calque",
    _calques,
    example="145 martyr drones",
    needs=Needs(literals=tuple(sorted({h for e in lexicon() for h in e.hints}))),
    description="Flag literal translations from the curated lexicon (e.g. 'martyr drones' for Shahed drones).",
)
HONORIFICS: Final = Rule(
    "A004-honorific-ji",
    "artefact",
    "untranslated",
    _on_text(find_honorifics),
    example="Narendra Modi ji",
    needs=Needs(cased=(" ji",)),
    description="Flag the Hindi honorific 'ji' left after a name by translation ('Modi ji', 'Adityanath ji-led').",
)
FOREIGN_SCRIPT: Final = Rule(
    "A005-foreign-script",
    "artefact",
    "untranslated",
    _foreign_script,
    example="the विस्तार button",
    needs=Needs(classes=("non_ascii",)),
    description="Flag words in another script left inside copy written in ``dominant`` script.",
)
BROKEN_CROSSHEAD: Final = Rule(
    "A006-broken-crosshead-quote",
    "artefact",
    "broken_quote",
    _broken_crossheads,
    example="‘massive Attack",
    needs=Needs(classes=("quote",)),
    description="Flag a short crosshead whose quote is opened and never closed (case often garbled too).",
)
QUOTE_GLYPHS: Final = Rule(
    "A007-misplaced-quote-glyph",
    "artefact",
    "broken_quote",
    _quote_glyphs,
    example="into the ICU. ”",
    needs=Needs(classes=("quote",)),
    description="Flag quote marks that break the pairing state or stand where none can: a “ that closes, a ” that "
    'opens, ‘…” pairs, ". ”", ”.“ debris.',
)
CASE_ANOMALIES: Final = Rule(
    "A008-capitalised-function-word",
    "artefact",
    "bad_case",
    _case_anomalies,
    example="weapons shipment For Ukraine",
    needs=ALWAYS,  # any function word (see A001)
    description=(
        "Flag a capitalised function word inside a sentence (leftover link text or title case from translation)."
    ),
)
DUPLICATE_SENTENCES: Final = Rule(
    "A009-duplicate-sentence",
    "artefact",
    "duplicate_sentence",
    _duplicates,
    example="Two drones hit. Two drones hit.",
    description=(
        "Find a sentence repeated verbatim; remove it when it repeats the sentence just before (near "
        "repeats are flagged)."
    ),
)
PUNCTUATION_DEBRIS: Final = Rule(
    "A010-punctuation-debris",
    "artefact",
    "other",
    _on_text(find_punctuation_debris),
    example="airspace.. north -western",
    needs=Needs(literals=("..", " -", "said"), classes=("glued_stop",)),
    description='Flag translation punctuation debris: doubled full stops, "said-", "north -western", "roads.The".',
)
REDUPLICATED_PAIRS: Final = Rule(
    "A011-reduplicated-pair",
    "artefact",
    "other",
    _on_text(find_reduplicated_pairs),
    example="the valor and valor of our army",
    needs=Needs(literals=(" and ",)),
    description='Flag "X and X" where a translated synonym pair collapsed into one word twice.',
)
UNCLOSED_QUOTES: Final = Rule(
    "A012-unclosed-quote",
    "artefact",
    "broken_quote",
    _unclosed_quotes,
    example="He said, ‘I said earlier also that it is hard.",
    needs=Needs(classes=("quote",)),
    description="Flag a quotation never closed (nor continued by the next paragraph), or reopened before it closed.",
)
REPORTED_INSTRUCTIONS: Final = Rule(
    "A013-reported-instruction",
    "artefact",
    "stray_fragment",
    _reported_instructions,
    example="He directed the officials. Ensure quick action.",
    needs=Needs(cased=_words(_IMPERATIVE.pattern)),
    description=(
        "Flag a bare imperative after an instruction to officials: translated indirect speech lost its subject."
    ),
)
UNKNOWN_WORDS: Final = Rule(
    "A014-unknown-word",
    "artefact",
    "untranslated",
    _unknown_words,
    example="we will change the karma kriyal in English",
    description=(
        "Flag lower-case words that are no English word (nor an inflection or typo of one): transliterations."
    ),
)
CAPITALISED_VERBS: Final = Rule(
    "A015-capitalised-verb",
    "artefact",
    "bad_case",
    _capitalised_verbs,
    example="become the Rama Killed Ravana",
    needs=ALWAYS,  # any verb (see A001)
    description=(
        'Flag a capitalised verb mid-sentence: between two names ("Rama Killed Ravana"), or any the '
        "article writes lower case."
    ),
)
DROPPED_COPULAS: Final = Rule(
    "A016-dropped-copula",
    "artefact",
    "stray_fragment",
    _on_text(find_dropped_copulas),
    example="known that this application – not reliable.",
    needs=Needs(classes=("dash",)),
    description=(
        'Flag a clause whose verb translation dropped, a dash standing in for it ("that this app – not reliable.").'
    ),
)
EARLY_CLOSED_QUOTES: Final = Rule(
    "A017-quote-closed-early",
    "artefact",
    "broken_quote",
    _early_closed_quotes,
    example="He said, “Don’t panic.” The government will act on every problem.",
    needs=Needs(literals=_QUOTE_OPENERS),
    description=(
        "Flag a quotation closed one sentence early: the speaker's next sentence (a promise, 'we…') is left outside."
    ),
)
