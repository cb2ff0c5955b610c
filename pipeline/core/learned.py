"""Learned boilerplate: paragraphs that repeat across one source's recent articles.

The core only decides *which* paragraphs are candidates and how they are fingerprinted;
the memory of what each source has published lives outside the core (a faust table in
the worker, a dict in ``wirewash clean``) and is passed in as a lookup function.
"""

from __future__ import annotations

import hashlib
import re

from pipeline.core.doc import Doc, DocContext, LearnedLookup, is_story
from pipeline.core.rules import Rule
from pipeline.core.sentences import has_words

MAX_CANDIDATE_WORDS = 60  # at the head or tail of an article
MAX_INNER_WORDS = 15  # in the middle: labels, slots and promos are short
HEAD_TAIL = 4
_URL = re.compile(r"https?://\S+|www\.\S+")
_WORD = re.compile(r"[^\W_]+")

__all__ = ["LEARNED_REPEAT", "LearnedLookup", "candidates", "fingerprint", "strip_learned"]


def fingerprint(text: str) -> str:
    """A short stable fingerprint of a paragraph: case, punctuation and URLs do not matter.

    >>> fingerprint("Follow us at https://t.co/abc!") == fingerprint("follow US at https://t.co/xyz")
    True
    """
    if "http" in text or "www." in text:
        text = _URL.sub(" url ", text)
    folded = " ".join(_WORD.findall(text.casefold()))
    return hashlib.blake2b(folded.encode("utf-8"), digest_size=10).hexdigest()


def candidates(doc: Doc) -> dict[int, str]:
    """Paragraphs that could be a footer, promo or slot: short ones at the head or tail, very short ones anywhere."""
    live = doc.live()
    n = len(live)
    out = {}
    for k, i in enumerate(live):
        text = doc.ptext(i)
        edge = k < HEAD_TAIL or k >= n - HEAD_TAIL
        limit = MAX_CANDIDATE_WORDS if edge else MAX_INNER_WORDS
        # a cheap bound first: a paragraph with many more spaces than the limit has too many words
        if len(text) < limit * 30 and text.count(" ") < limit * 2 and has_words(text, 1, limit):
            out[i] = fingerprint(text)
    return out


def strip_learned(doc: Doc, ctx: DocContext) -> None:
    """Remove paragraphs this source has repeated in K or more recent articles; hand back candidate fingerprints.

    A paragraph that is the article's only story text is never removed.

    >>> from pipeline.core.layout import paragraph_spans
    >>> t = "Officials said on Monday that the bridge would reopen to traffic next week.\\n\\nGet the Daily Wire app"
    >>> d = Doc.from_text(t, paragraph_spans(t))
    >>> ctx = DocContext(learned={fingerprint("Get the Daily Wire app")}.__contains__)
    >>> d.run(LEARNED_REPEAT, ctx); [(t[c.start:c.end], c.rule) for c in d.cuts], len(ctx.fingerprints)
    ([('Get the Daily Wire app', 'L001-learned-repeat')], 2)
    """
    cands = candidates(doc)
    ctx.fingerprints.extend(cands.values())
    is_learned = ctx.learned
    if is_learned is None or not cands:
        return
    hits = [i for i, fp in cands.items() if is_learned(fp)]
    if hits:
        remaining_story = [i for i in doc.live() if i not in hits and is_story(doc.ptext(i))]
        if remaining_story:
            for i in hits:
                doc.remove_para(i)


LEARNED_REPEAT = Rule(
    "L001-learned-repeat", "learned", "learned", strip_learned, example="Get our weekly digest: sign up today"
)
