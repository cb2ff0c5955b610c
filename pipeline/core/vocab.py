"""English vocabulary: which lower-case words English copy uses, from wordfreq's word lists.

wordfreq (Apache-2.0 code, CC-BY-SA data) ships frequency lists built from subtitles, news,
books, Wikipedia and the web, in its wheel: nothing is downloaded. Only the lower-case ASCII
words are kept (about 290,000, ~30 MB as a frozenset), loaded once per process.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Final

_ASCII_WORD: Final = re.compile(r"[a-z]+\Z")
COMMON_FREQUENCY: Final = 1e-6  # Zipf 3: about one word in a million running words


@cache
def _lists() -> tuple[frozenset[str], frozenset[str]]:
    from wordfreq import get_frequency_dict

    freqs = get_frequency_dict("en", wordlist="large")
    ok = _ASCII_WORD.match
    known = frozenset(w for w in freqs if ok(w))
    common = frozenset(w for w in known if freqs[w] >= COMMON_FREQUENCY)
    return known, common


def english_words() -> frozenset[str]:
    """Every lower-case ASCII word in wordfreq's large English list.

    >>> "drones" in english_words(), "kriyal" in english_words()
    (True, False)
    """
    return _lists()[0]


def common_words() -> frozenset[str]:
    """The lower-case English words used at least once per million words (where typos come from).

    >>> "convicts" in common_words(), "kriya" in common_words()
    (True, False)
    """
    return _lists()[1]
