"""Direct quotes and their speakers.

Quote marks are paired per paragraph (curly double, straight double, then single quotes
when they are not apostrophes); a paragraph that opens a quote and never closes it is a
multi-paragraph quote. Speakers come from the attribution around the quote ("…,” X said;
X said: “…”; said X; according to X), from the subject of a sentence that reports the
quote, or, for a pronoun or a continuation paragraph, from the last named speaker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

SPEECH_VERBS: Final = (
    r"said|says|added|adds|told|tells|stated|states|asked|asks|wrote|writes|tweeted|posted|remarked|noted|"
    r"explained|insisted|warned|declared|claimed|announced|replied|recalled|continued|argued|observed|"
    r"maintained|alleged|urged|quipped|admitted|acknowledged|emphasised|emphasized|stressed|pointed out|"
    r"went on to say|reiterated|assured|lamented|complained|questioned|commented|responded|retorted|opined|"
    r"asserted|countered|clarified|cautioned|underlined|underscored|mentioned|"
    r"(?:has been|had been|was|were|is) quoted(?: [^,.;“”\"]{1,40})? as saying"
)
# the full stop of an initial or an honorific ("R. K. Dutta", "Mr. Trump") does not end a speaker phrase
_ABBREV_DOT: Final = r"(?<=\b[A-Z])\.|(?<=\bMr)\.|(?<=\bMrs)\.|(?<=\bMs)\.|(?<=\bDr)\.|(?<=\bGen)\.|(?<=\bSen)\.|(?<=\bRep)\.|(?<=\bGov)\.|(?<=\bProf)\.|(?<=\bLt)\.|(?<=\bCol)\.|(?<=\bSt)\."
_NP_CUT: Final = re.compile(r"\s(?:on|in|at|during|while|after|adding|who|when|,)\s")
_AFTER_SUBJ_VERB: Final = re.compile(
    rf"^\s*[,.]?\s*(?P<np>(?:[^.!?“”\"‘]|{_ABBREV_DOT}){{1,120}}?)\s(?:(?:has|had|also|then|later|further|again|previously)\s)?(?P<verb>{SPEECH_VERBS})\b"
)
_AFTER_VERB_SUBJ: Final = re.compile(rf"^\s*[,.]?\s*(?:{SPEECH_VERBS})\s(?P<np>[^,.;!?“”\"]{{2,90}})")
# "X said:", "X told reporters on Sunday that": a speech verb ending the text before the quote
_BEFORE_VERB: Final = (
    rf"\s(?:(?:has|had|also|then|later|further|again|previously|reportedly)\s)?"
    rf"(?P<verb>{SPEECH_VERBS}|described [^“\"‘]{{0,40}} as(?: an?)?(?: attempted)?|called (?:it|them|him|her|this)|"
    r"termed (?:it|this|the \w+)|labell?ed [^“\"‘']{0,40}? as(?: an?)?|saw|sees|demanded|accused \w+ of|"
    r"referred to|spoke of|with a caption suggesting|citing|describing|calling)"
    r"(?:\s(?:on|in|to|at|during)\s[^“\"‘]{0,60}?)?\s*(?:,|:|–|-|that|it saw)?\s*$"
)
_BEFORE: Final = re.compile(rf"(?P<np>(?:[^.!?“”\"]|{_ABBREV_DOT}){{1,140}}?){_BEFORE_VERB}")
# the verb and its tail alone: a quick test that spares the phrase search (which tries every
# start and every length of the phrase) when no speech verb ends the text
_BEFORE_TAIL: Final = re.compile(_BEFORE_VERB)
_ACCORDING: Final = re.compile(r"\b[Aa]ccording to (?P<np>him|her|them|[^.;“”\"‘]{2,90})")
_PRONOUN: Final = re.compile(r"^(?:he|she|they|it|we|i|him|her|them)$", re.IGNORECASE)
_DETERMINER: Final = re.compile(r"^(?:and|but|while|as|so|then|also)\s+", re.IGNORECASE)


_SINGLE_OPEN: Final = re.compile(r"[‘']")
_SINGLE_CLOSE: Final = re.compile(r"[’']")
_CURLY: Final = re.compile(r"[“”]")


def _single_pairs(text: str, max_len: int = 1500) -> list[tuple[int, int]]:
    """Pairs of single quotation marks in one linear pass (apostrophes inside words are skipped).

    >>> t = "He said, ‘the country’s plan is ready.’ Then the farmers' union left 'at once'."
    >>> [t[o + 1 : c] for o, c in _single_pairs(t)]
    ['the country’s plan is ready.', 'at once']
    """
    if "'" not in text and "‘" not in text:
        return []
    n = len(text)
    openers = [
        i
        for i in (m.start() for m in _SINGLE_OPEN.finditer(text))
        if (i == 0 or not text[i - 1].isalnum()) and i + 1 < n and (text[i + 1].isalnum() or text[i + 1] == "“")
    ]
    if not openers:
        return []
    closers = [
        j
        for j in (m.start() for m in _SINGLE_CLOSE.finditer(text))
        if j > 0 and (text[j - 1].isalnum() or text[j - 1] in ".,!?…") and (j + 1 == n or not text[j + 1].isalnum())
    ]
    pairs: list[tuple[int, int]] = []
    k = 0
    last_close = -1
    for o in openers:
        if o <= last_close:
            continue
        while k < len(closers) and closers[k] <= o + 1:
            k += 1
        if k == len(closers):
            break
        c = closers[k]
        if c - o <= max_len and "\n" not in text[o:c]:
            pairs.append((o, c))
            last_close = c
    return pairs


@dataclass
class Quote:
    """A quoted span: ``start``/``end`` delimit the text between the marks (absolute offsets)."""

    start: int
    end: int
    text: str
    open_at: int
    close_at: int  # position of the closing mark, or the paragraph end when unclosed
    closed: bool
    para: int
    speaker_np: str | None = None
    speaker_how: str | None = None
    speaker_at: int = -1  # where speaker_np starts in the body
    continued: bool = False  # the paragraph continues a quote opened in an earlier one


def _add_quote(
    text: str, base: int, para: int, quotes: list[Quote], taken: list[tuple[int, int]], o: int, c: int, closed: bool
) -> None:
    """Add the quote between the marks at ``o`` and ``c`` (a module function, not a closure in
    :func:`_pairs`: a compiled closure and its environment hold each other, a cycle per call)."""
    inner_s, inner_e = o + 1, c
    while inner_s < inner_e and text[inner_s].isspace():
        inner_s += 1
    while inner_e > inner_s and text[inner_e - 1].isspace():
        inner_e -= 1
    if inner_e - inner_s < 2:
        return
    if any(a <= o < b for a, b in taken):
        return  # nested inside a longer quote
    taken.append((o, c + 1))
    quotes.append(Quote(base + inner_s, base + inner_e, text[inner_s:inner_e], base + o, base + c, closed, para))


def _pairs(text: str, base: int, para: int) -> list[Quote]:
    quotes: list[Quote] = []
    taken: list[tuple[int, int]] = []

    # curly double quotes
    open_at = None
    for cm in _CURLY.finditer(text) if "“" in text or "”" in text else ():
        i, ch = cm.start(), cm.group()
        if ch == "“":
            used_as_close = text[i - 1 : i] in (".", "!", "?", ",") or (
                text[i - 1 : i].isalnum() and (i + 1 == len(text) or text[i + 1] in ".,;:")
            )
            if open_at is not None and i - open_at > 1 and used_as_close:
                # a “ used as a closing mark ("…of Munger. “")
                _add_quote(text, base, para, quotes, taken, open_at, i, True)
                open_at = None
                continue
            open_at = i
        elif ch == "”" and open_at is not None:
            _add_quote(text, base, para, quotes, taken, open_at, i, True)
            open_at = None
    if open_at is not None and (open_at == 0 or text[:open_at].rstrip().endswith((":", ",", "-", "–", "said"))):
        _add_quote(text, base, para, quotes, taken, open_at, len(text), False)
    # straight double quotes
    positions: list[int] = []
    i = text.find('"')
    while i >= 0:  # the marks' offsets, found in C (not a Python step per character)
        positions.append(i)
        i = text.find('"', i + 1)
    for k in range(0, len(positions) - 1, 2):
        _add_quote(text, base, para, quotes, taken, positions[k], positions[k + 1], True)
    if len(positions) % 2 == 1:
        last = positions[-1]
        if last == 0 or text[:last].rstrip().endswith((":", ",", "said")):
            _add_quote(text, base, para, quotes, taken, last, len(text), False)
    # single quotes (curly or straight) used as quotation marks, not apostrophes (which sit between letters)
    pairs = _single_pairs(text)
    for o, c in pairs:
        _add_quote(text, base, para, quotes, taken, o, c, True)
    if not quotes and "‘" in text:
        # "Modi further said, ‘In 2014, …" and no closing mark in the paragraph: a multi-paragraph quote
        o = text.find("‘")
        if text[:o].rstrip().endswith((":", ",", "said", "–", "-")) and not any(a <= o <= b for a, b in pairs):
            _add_quote(text, base, para, quotes, taken, o, len(text), False)
    return quotes


def find_quotes(body: str, paragraphs: list[tuple[int, int]], skip: set[int] | None = None) -> list[Quote]:
    """Quoted spans of a clean body (``skip``: paragraph indices to ignore, e.g. subheads).

    >>> body = "“The signs are positive,” Peskov said.\\n\\nHe said: “No concessions.”"
    >>> [(q.text, q.closed) for q in find_quotes(body, [(0, 38), (40, 66)])]
    [('The signs are positive,', True), ('No concessions.', True)]
    """
    out: list[Quote] = []
    carried = False  # the previous paragraph left a quote open
    for pi, (s, e) in enumerate(paragraphs):
        if skip and pi in skip:
            carried = False
            continue
        text = body[s:e]
        found = _pairs(text, s, pi)
        if carried and text[:1] not in "“\"‘'" and (not found or found[0].open_at > s):
            # "…half were drones.\n\nThere are also results … I thank everyone.”": the paragraph goes on
            # with the open quote and closes it, with no opening mark of its own
            close = _first_close(text)
            if close > 1 and not any(q.open_at - s < close for q in found):
                inner = text[:close].rstrip()
                found.insert(0, Quote(s, s + len(inner), inner, s, s + close, True, pi, continued=True))
        out.extend(found)
        carried = bool(found) and not found[-1].closed
    out.sort(key=lambda q: q.start)
    return out


def _first_close(text: str) -> int:
    """Offset of the first closing double quotation mark in a paragraph with no opening one before it."""
    for i, ch in enumerate(text):
        if ch == "“":
            return -1
        if ch == "”" or (ch == '"' and i > 0 and not text[i - 1].isspace()):
            return i
    return -1


_APPOSITIVE: Final = re.compile(
    r"^(?P<name>(?:[A-Z][\w'’.-]+ ){0,4}[A-Z][\w'’-]+), (?:the|a|an|his|her|its|their) [^,]{2,100},?$"
)


def _clean_np(np: str) -> str:
    np = np.strip(" ,;:–-")
    np = _DETERMINER.sub("", np)
    m = _APPOSITIVE.match(np)
    if m:  # "Serhii Popko, the head of Kyiv's military administration" -> "Serhii Popko"
        return m.group("name")
    # keep the last clause: "…, Kremlin spokesman Dmitry Peskov" -> after the last comma when long
    if "," in np:
        tail = np.rsplit(",", 1)[1].strip()
        if tail and (tail[:1].isupper() or tail.split(" ")[0].lower() in ("a", "an", "the", "he", "she", "they")):
            np = tail
    return np.strip()


_LABELS: Final = frozenset({"quote", "details", "source", "background", "context", "update", "note"})
_QUOTED: Final = re.compile(r"“[^”]*”|\"[^\"]*\"")


def attribute(body: str, quote: Quote, para_end: int, sent_start: int) -> None:
    """Fill ``speaker_np`` / ``speaker_how`` / ``speaker_at`` from the text around the quote."""
    after_at = quote.close_at + 1
    after = body[after_at : min(para_end, after_at + 160)] if quote.closed else ""
    # "…,” X said" / "…” X said": an attribution after the quote only when the quote ends a clause
    # (a quote ending in a full stop ends its sentence: what follows is a new one, unless it is "he said")
    ends_clause = quote.text[-1:] in ",!?…—-" or after.lstrip()[:1] == "," or bool(_PRONOUN_SAID.match(after))
    if after and (ends_clause or _AFTER_VERB_SUBJ.match(after)):
        m = _AFTER_VERB_SUBJ.match(after)
        if m:
            np = _NP_CUT.split(m.group("np"))[0]
            _set(quote, _clean_np(np), "after", after_at + m.start("np"), m.group("np"))
            return
        m = _AFTER_SUBJ_VERB.match(after)
        if m and "“" not in m.group("np") and len(m.group("np").split()) <= 14 and not _PREP_START.match(m.group("np")):
            _set(quote, _clean_np(m.group("np")), "after", after_at + m.start("np"), m.group("np"))
            return
    before = body[sent_start : quote.open_at]
    m = _BEFORE.search(before) if _BEFORE_TAIL.search(before) else None
    if m and m.group("np").strip().rstrip(":").lower() not in _LABELS:
        np = m.group("np")
        _set(quote, _clean_np(np), "before", sent_start + m.start("np"), np)
        return
    sentence_after = body[after_at:para_end]
    m = _ACCORDING.search(before) or _ACCORDING.search(sentence_after[:200])
    if m:
        base = sent_start if m.string is before else after_at
        _set(quote, _clean_np(m.group("np")), "according", base + m.start("np"), m.group("np"))
        return
    outside = _QUOTED.sub(lambda q: " " * len(q.group()), before)
    if outside.strip() and outside.strip().rstrip(":").lower() not in _LABELS:
        matches = list(_SUBJ_SAID.finditer(outside))
        said = matches[-1] if matches else None
        if said is not None:
            _set(quote, _clean_np(said.group("np")), "subject-verb", sent_start + said.start("np"), said.group("np"))
        else:
            _set(quote, outside.strip(), "subject", sent_start + (len(outside) - len(outside.lstrip())))


_PRONOUN_SAID: Final = re.compile(rf"^\s*(?:he|she|they|it|we) (?:{SPEECH_VERBS})\b", re.IGNORECASE)
_SUBJ_SAID: Final = re.compile(
    rf"(?P<np>(?:\b[Aa]n?|\b[Tt]he) [\w'’ .-]{{2,60}}?|\b[A-Z][\w'’.-]+(?: [A-Z][\w'’.-]+){{0,4}}|\b(?:he|she|they)) "
    rf"(?:(?:also|then|further|later) )?(?:{SPEECH_VERBS}|warned|described|called|termed)\b"
)
_PREP_START: Final = re.compile(r"\s*(?:from|in|on|at|to|for|with|by|of|and|that|over|against|than|as)\b")


def _set(q: Quote, np: str, how: str, at: int, region: str | None = None) -> None:
    """Record the speaker phrase; ``at`` is where the uncleaned phrase starts, ``region`` its text."""
    if region is not None and np:
        k = region.find(np)
        if k >= 0:
            at += k
    q.speaker_np, q.speaker_how, q.speaker_at = np, how, at


def is_pronoun(np: str | None) -> bool:
    return bool(np and _PRONOUN.match(np.strip()))
