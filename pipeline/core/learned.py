"""Learned boilerplate: paragraphs that repeat across one source's recent articles.

The core only decides *which* paragraphs are candidates and how they are fingerprinted;
the memory of what each source has published lives outside the core (a faust table in
the worker, a dict in ``wirewash clean``) and is passed in as a lookup function.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from pipeline.core.doc import Doc, is_story
from pipeline.core.rules import rule
from pipeline.core.sentences import has_words

MAX_CANDIDATE_WORDS = 60
_URL = re.compile(r"https?://\S+|www\.\S+")
_FOLD = re.compile(r"[\W_]+")

LearnedLookup = Callable[[str], bool]


def fingerprint(text: str) -> str:
    """A short stable fingerprint of a paragraph: case, punctuation and URLs do not matter.

    >>> fingerprint("Follow us at https://t.co/abc!") == fingerprint("follow US at https://t.co/xyz")
    True
    """
    folded = _FOLD.sub(" ", _URL.sub(" url ", text).casefold()).strip()
    return hashlib.blake2b(folded.encode("utf-8"), digest_size=10).hexdigest()


def candidates(doc: Doc) -> dict[int, str]:
    """Paragraphs short enough to be a footer or promo, with their fingerprints."""
    out = {}
    for i in doc.live():
        text = doc.ptext(i)
        if len(text) < MAX_CANDIDATE_WORDS * 30 and has_words(text, 1, MAX_CANDIDATE_WORDS):
            out[i] = fingerprint(text)
    return out


@rule("L001-learned-repeat", "learned", "learned", example="Get our weekly digest: sign up today")
def strip_learned(doc: Doc, is_learned: LearnedLookup | None) -> list[str]:
    """Remove paragraphs this source has repeated in K or more recent articles; return candidate fingerprints.

    A paragraph that is the article's only story text is never removed.

    >>> from pipeline.core.layout import paragraph_spans
    >>> t = "Officials said on Monday that the bridge would reopen to traffic next week.\\n\\nGet the Daily Wire app"
    >>> d = Doc.from_text(t, paragraph_spans(t))
    >>> seen = {fingerprint("Get the Daily Wire app")}
    >>> fps = strip_learned(d, seen.__contains__); [t[c.start:c.end] for c in d.cuts]
    ['Get the Daily Wire app']
    """
    cands = candidates(doc)
    if is_learned is None or not cands:
        return list(cands.values())
    hits = [i for i, fp in cands.items() if is_learned(fp)]
    if hits:
        remaining_story = [i for i in doc.live() if i not in hits and is_story(doc.ptext(i))]
        if remaining_story:
            for i in hits:
                doc.remove_para(i, "L001-learned-repeat")
    return list(cands.values())
