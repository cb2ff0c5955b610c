"""Learned boilerplate: paragraphs that repeat across one source's recent articles.

The core only decides *which* paragraphs are candidates and how they are fingerprinted;
the memory of what each source has published lives outside the core (a faust table in
the worker, a dict in ``wirewash clean``) and is passed in as a lookup function.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from typing import Final

from pipeline.core.doc import Doc, DocContext, LearnedLookup, is_story
from pipeline.core.rules import Rule
from pipeline.core.sentences import has_words

MAX_CANDIDATE_WORDS: Final = 60  # at the head or tail of an article
MAX_INNER_WORDS: Final = 15  # in the middle: labels, slots and promos are short
HEAD_TAIL: Final = 4
_URL: Final = re.compile(r"https?://\S+|www\.\S+")
_WORD: Final = re.compile(r"[^\W_]+")

__all__ = [
    "LEARNED_REPEAT",
    "LEARNED_TEMPLATE",
    "LearnedLookup",
    "candidates",
    "fingerprint",
    "strip_learned",
    "template_keys",
]


def fingerprint(text: str) -> str:
    """A short stable fingerprint of a paragraph: case, punctuation and URLs do not matter.

    >>> fingerprint("Follow us at https://t.co/abc!") == fingerprint("follow US at https://t.co/xyz")
    True
    """
    return _hash(_read(text)[1])


# ASCII bytes: a letter or a digit stays, anything else becomes a space (the separators of ``_WORD``)
_ASCII_SEPARATORS: Final = bytes(c if chr(c).isalnum() else 32 for c in range(128)) + bytes(range(128, 256))


def _read(text: str) -> tuple[list[str], str]:
    """A paragraph's words (URLs as "url") and those words case-folded, joined by spaces.

    >>> _read("Follow us: www.x.com/a_b -- it's 24/7!")
    (['Follow', 'us', 'url', 'it', 's', '24', '7'], 'follow us url it s 24 7')
    >>> _read("Straße 5, Köln")
    (['Straße', '5', 'Köln'], 'strasse 5 köln')
    """
    if "http" in text or "www." in text:
        text = _URL.sub(" url ", text)
    if text.isascii():
        # the words of ``_WORD`` by one byte translation and a split (twice as fast as the regex);
        # ASCII case-folds letter for letter, so the words of the folded text are the folded words
        toks = text.encode("ascii").translate(_ASCII_SEPARATORS).decode("ascii").split()
        return toks, " ".join(toks).lower()
    return _WORD.findall(text), " ".join(_WORD.findall(text.casefold()))


# an empty 80-bit BLAKE2b state, copied for each text: a third cheaper than a new object made
# with its keyword argument (the digests are the same)
_BLAKE2B_80: Final = hashlib.blake2b(digest_size=10)


def _hash(text: str) -> str:
    h = _BLAKE2B_80.copy()
    h.update(text.encode("utf-8"))
    return h.hexdigest()


BAND_MIN, BAND_MAX = 6, 40  # token counts of paragraphs that also get positional template keys
BANDS: Final = 3
_STOP: Final = frozenset("a an the of in on at to for and or by with from is are was our your this that more".split())
_NOT_SLOT: Final = _STOP | {"#", "N"}  # what a band's telling words are not


def template_keys(text: str) -> list[str]:
    """Fingerprints of a paragraph's template: ``m:`` the text with numbers, names, URLs and
    handles masked, and ``b0:``..``b2:`` three positional bands of it (every third token): two
    paragraphs of one template that differ in up to two words still share a band.

    >>> a = template_keys("For more cricket stories, visit our cricket page")
    >>> b = template_keys("For more business stories, visit our business page")
    >>> sorted(set(a) & set(b))[0][:3], len(a)
    ('b1:', 3)
    >>> template_keys("Copyright 2023 NPR.")[0] == template_keys("Copyright 2015 NPR.")[0]
    True
    """
    return _template_keys(_read(text)[0])


def _template_keys(toks: list[str], folded: list[str] | None = None) -> list[str]:
    """:func:`template_keys` of a paragraph's tokens (``folded``: the tokens case-folded, when the caller has them)."""
    # a token with a digit is a number; a capitalised one after the first a name or a title word
    if not toks:
        return ["m:" + _hash("")]
    if folded is None:
        folded = [t.casefold() for t in toks]
    masked = ["#" if not toks[0].isalpha() else folded[0]]
    for k in range(1, len(toks)):
        t = toks[k]
        masked.append("#" if not t.isalpha() else "N" if t[0].isupper() else folded[k])
    keys = ["m:" + _hash(" ".join(masked))]
    n = len(masked)
    if BAND_MIN <= n <= BAND_MAX:
        for j in range(BANDS):
            band = masked[j::BANDS]
            slots = 0  # the band's telling words: two are enough
            for t in band:
                if t not in _NOT_SLOT:
                    slots += 1
                    if slots == 2:
                        keys.append(f"b{j}:" + _hash(f"{n} " + " ".join(band)))
                        break
    return keys


def candidates(doc: Doc) -> dict[int, tuple[str, ...]]:
    """Paragraphs that could be a footer, promo or slot (short ones at the head or tail, very short
    ones anywhere), with their keys: the exact fingerprint first, then its template keys."""
    live = doc.live()
    n = len(live)
    out = {}
    whole = doc.text
    for k, i in enumerate(live):
        p = doc.paras[i]
        edge = k < HEAD_TAIL or k >= n - HEAD_TAIL
        limit = MAX_CANDIDATE_WORDS if edge else MAX_INNER_WORDS
        # cheap bounds first, in place: a paragraph with many more spaces than the limit has too many words
        if p.hi - p.lo >= limit * 30 or whole.count(" ", p.lo, p.hi) >= limit * 2:
            continue
        text = whole[p.lo : p.hi]
        if has_words(text, 1, limit):
            out[i] = _remembered_keys(text)
    return out


#: Candidate paragraphs whose keys are remembered: the footers, promos and slots a source repeats
#: come back article after article (a fifth of the bench's candidates are such repeats)
KEY_CACHE: Final = 2048


@lru_cache(maxsize=KEY_CACHE)
def _remembered_keys(text: str) -> tuple[str, ...]:
    return tuple(_keys(text))


def _keys(text: str) -> list[str]:
    """``[fingerprint(text), *template_keys(text)]``, the text read once."""
    toks, folded = _read(text)
    # ASCII text: the folded text is the tokens lower-cased, one for one
    return [_hash(folded), *_template_keys(toks, folded.split() if text.isascii() else None)]


def strip_learned(doc: Doc, ctx: DocContext) -> None:
    """Remove paragraphs this source has repeated in K or more articles (L001), or whose template it has (L002).

    Hands back every candidate's keys (``ctx.fingerprints``) for the memory to record. A paragraph
    that is the article's only story text is never removed, nor one that is story by construction
    (a sentence reporting speech, or one carrying no strong chrome cue: see :mod:`pipeline.core.chrome`).

    >>> from pipeline.core.layout import paragraph_spans
    >>> t = "Officials said on Monday that the bridge would reopen to traffic next week.\\n\\nGet the Daily Wire app"
    >>> d = Doc.from_text(t, paragraph_spans(t))
    >>> ctx = DocContext(learned={fingerprint("Get the Daily Wire app")}.__contains__)
    >>> d.run(LEARNED_REPEAT, ctx); [(t[c.start:c.end], c.rule) for c in d.cuts], len(ctx.fingerprints)
    ([('Get the Daily Wire app', 'L001-learned-repeat')], 7)
    """
    is_learned = ctx.learned
    if is_learned is None:
        return  # no memory: nothing to look up, nothing will be recorded
    cands = candidates(doc)
    for keys in cands.values():
        ctx.fingerprints.extend(keys)
    if not cands:
        return
    hits: dict[int, str] = {}
    for i, keys in cands.items():
        if is_learned(keys[0]):
            hits[i] = LEARNED_REPEAT.id
        elif any(is_learned(k) for k in keys[1:]):
            hits[i] = LEARNED_TEMPLATE.id
    if not hits:
        return
    if not any(i not in hits and is_story(doc.ptext(i)) for i in doc.live()):
        return  # the article's only story text would go
    from pipeline.core.chrome import protected_paragraphs

    keep = protected_paragraphs(doc, list(hits))
    for i, rule_id in hits.items():
        if i not in keep:
            doc.remove_para(i, rule_id)


LEARNED_TEMPLATE: Final = Rule(
    "L002-learned-template",
    "learned",
    "learned",
    example="For more cricket stories, visit our cricket page",
    description=(
        "Remove paragraphs of a template this source has used in K or more articles "
        "(numbers, names and up to two words vary)."
    ),
    source="pipeline.core.learned.strip_learned",
)
LEARNED_REPEAT: Final = Rule(
    "L001-learned-repeat",
    "learned",
    "learned",
    strip_learned,
    example="Get our weekly digest: sign up today",
    description="Remove paragraphs this source has repeated in K or more articles (L001), or whose template it has (L002).",
    members=lambda: (LEARNED_TEMPLATE,),
)
