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

SPEECH_VERBS = (
    r"said|says|added|adds|told|tells|stated|states|asked|asks|wrote|writes|tweeted|posted|remarked|noted|"
    r"explained|insisted|warned|declared|claimed|announced|replied|recalled|continued|argued|observed|"
    r"maintained|alleged|urged|quipped|admitted|acknowledged|emphasised|emphasized|stressed|pointed out|"
    r"went on to say|was quoted as saying|reiterated|assured|lamented|complained|questioned"
)
_AFTER_SUBJ_VERB = re.compile(
    rf"^\s*[,.]?\s*(?P<np>[^.!?“”\"‘]{{1,90}}?)\s(?:(?:has|had|also|then|later|further|again|previously)\s)?(?P<verb>{SPEECH_VERBS})\b"
)
_AFTER_VERB_SUBJ = re.compile(rf"^\s*[,.]?\s*(?:{SPEECH_VERBS})\s(?P<np>[^,.;!?“”\"]{{2,90}})")
_BEFORE = re.compile(
    rf"(?P<np>[^.!?“”\"]{{1,140}}?)\s(?:(?:has|had|also|then|later|further|again|previously|reportedly)\s)?"
    rf"(?P<verb>{SPEECH_VERBS}|described [^“\"‘]{{0,40}} as(?: an?)?(?: attempted)?|called (?:it|them|him|her|this)|"
    r"termed (?:it|this|the \w+)|labell?ed (?:it|this|the \w+)(?: as)?|saw|sees|demanded|accused \w+ of|"
    r"referred to|spoke of|with a caption suggesting|citing|describing|calling)"
    r"(?:\s(?:on|in|to|at|during)\s[^“\"‘]{0,60}?)?\s*(?:,|:|–|-|that|it saw)?\s*$"
)
_ACCORDING = re.compile(r"\baccording to (?P<np>(?:the )?[A-Z][\w'’.-]*(?: [A-Z\w][\w'’.-]*){0,5})")
_PRONOUN = re.compile(r"^(?:he|she|they|it|we|i)$", re.IGNORECASE)
_DETERMINER = re.compile(r"^(?:and|but|while|as|so|then|also)\s+", re.IGNORECASE)


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


def _pairs(text: str, base: int, para: int) -> list[Quote]:
    quotes: list[Quote] = []
    taken: list[tuple[int, int]] = []

    def add(o: int, c: int, closed: bool) -> None:
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

    # curly double quotes
    open_at = None
    for i, ch in enumerate(text):
        if ch == "“":
            if open_at is not None and i - open_at > 1 and text[i - 1] in ".!?,":
                # a “ used as a closing mark ("…of Munger. “")
                add(open_at, i, True)
                open_at = None
                continue
            open_at = i
        elif ch == "”" and open_at is not None:
            add(open_at, i, True)
            open_at = None
    if open_at is not None and (open_at == 0 or text[:open_at].rstrip().endswith((":", ",", "-", "–", "said"))):
        add(open_at, len(text), False)
    # straight double quotes
    positions = [i for i, ch in enumerate(text) if ch == '"']
    for k in range(0, len(positions) - 1, 2):
        add(positions[k], positions[k + 1], True)
    if len(positions) % 2 == 1 and positions[-1] == 0:
        add(0, len(text), False)
    # single quotes (curly or straight) used as quotation marks, not apostrophes
    for m in re.finditer(r"(?<![\w])[‘'](?=[\w“])(?P<inner>[^‘’'\n]{2,400}?[\w.,!?…])[’'](?![\w])", text):
        add(m.start(), m.end() - 1, True)
    return quotes


def find_quotes(body: str, paragraphs: list[tuple[int, int]], skip: set[int] | None = None) -> list[Quote]:
    """Quoted spans of a clean body (``skip``: paragraph indices to ignore, e.g. subheads).

    >>> body = "“The signs are positive,” Peskov said.\\n\\nHe said: “No concessions.”"
    >>> [(q.text, q.closed) for q in find_quotes(body, [(0, 38), (40, 66)])]
    [('The signs are positive,', True), ('No concessions.', True)]
    """
    out: list[Quote] = []
    for pi, (s, e) in enumerate(paragraphs):
        if skip and pi in skip:
            continue
        out.extend(_pairs(body[s:e], s, pi))
    out.sort(key=lambda q: q.start)
    return out


def _clean_np(np: str) -> str:
    np = np.strip(" ,;:–-")
    np = _DETERMINER.sub("", np)
    # keep the last clause: "…, Kremlin spokesman Dmitry Peskov" -> after the last comma when long
    if "," in np:
        tail = np.rsplit(",", 1)[1].strip()
        if tail and (tail[:1].isupper() or tail.split(" ")[0].lower() in ("a", "an", "the", "he", "she", "they")):
            np = tail
    return np.strip()


def attribute(body: str, quote: Quote, para_end: int, sent_start: int) -> None:
    """Fill ``speaker_np`` / ``speaker_how`` from the text around the quote."""
    after = body[quote.close_at + 1 : min(para_end, quote.close_at + 140)] if quote.closed else ""
    if after:
        m = _AFTER_VERB_SUBJ.match(after)
        if m:
            np = m.group("np")
            np = re.split(r"\s(?:on|in|at|during|while|after|adding|who|when|,)\s", np)[0]
            quote.speaker_np, quote.speaker_how = _clean_np(np), "after"
            return
        m = _AFTER_SUBJ_VERB.match(after)
        if m and "“" not in m.group("np") and len(m.group("np").split()) <= 12:
            quote.speaker_np, quote.speaker_how = _clean_np(m.group("np")), "after"
            return
    before = body[sent_start : quote.open_at]
    m = _BEFORE.search(before)
    if m:
        quote.speaker_np, quote.speaker_how = _clean_np(m.group("np")), "before"
        return
    sentence_after = body[quote.close_at + 1 : para_end]
    m = _ACCORDING.search(before) or _ACCORDING.search(sentence_after[:200])
    if m:
        quote.speaker_np, quote.speaker_how = _clean_np(m.group("np")), "according"
        return
    if before.strip():
        quote.speaker_np, quote.speaker_how = _clean_np(before), "subject"


def is_pronoun(np: str | None) -> bool:
    return bool(np and _PRONOUN.match(np.strip()))
