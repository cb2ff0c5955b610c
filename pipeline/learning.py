"""Memory of what each source has published, for learned boilerplate.

The memory is a mapping ``"<source>\\x1f<fingerprint>" -> [article tags]`` holding up to K
distinct article tags per paragraph fingerprint, in the order the articles were first
seen. In the worker the mapping is a faust GlobalTable (changelog-backed, shared by all
workers of the group); in ``wirewash clean`` and in tests it is a plain dict. A paragraph
is learned boilerplate for an article when it has been seen in at least K distinct
articles of the source, counting this one.

Most paragraphs are story text that is never seen again, so a paragraph's *first* sighting
is kept in process memory only (a bounded, oldest-out dictionary); it enters the table —
one changelog record — when a second article carries it. This keeps the changelog to the
paragraphs that repeat (about one write per article instead of one per candidate
paragraph, which cost the worker about 1 ms per article). Decisions are the same as with
every sighting in the table, except that a first sighting does not survive a restart and
is not shared between workers: a new footer can then need up to one more article per
worker before it counts.

Reprocessing an article (at-least-once delivery after a crash) gives the same decision
as its first processing: an article that is among the first K to carry a paragraph is
judged by its own position in that list, not by the list's later length.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, MutableMapping
from typing import Any

SEP = "\x1f"


def article_tag(article_id: str) -> str:
    """A short stable tag for an article id (keeps table values small).

    >>> article_tag("ndtv-1")
    'b87b69cd'
    """
    return hashlib.blake2b(article_id.encode("utf-8"), digest_size=4).hexdigest()


class LearnedMemory:
    """Counts distinct articles per (source, paragraph fingerprint), bounded in size."""

    def __init__(
        self,
        store: MutableMapping[str, Any] | None = None,
        min_articles: int = 5,
        max_keys: int = 200_000,
        batch: bool = False,
    ):
        self.store: MutableMapping[str, Any] = store if store is not None else {}
        self.k = min_articles
        self.max_keys = max_keys
        # a batch (``wirewash clean``, ``wirewash eval``) records every item first and then judges
        # each by the count alone; a stream judges an article by its place among the first K
        self.batch = batch
        self.first_seen: dict[str, str] = {}  # key -> tag of the one article seen with it (insertion-ordered)

    def lookup(self, source: str, article_id: str) -> Callable[[str], bool]:
        """A predicate for the core: is this fingerprint learned boilerplate for ``source``?

        >>> mem = LearnedMemory(min_articles=3)
        >>> for aid in ("a1", "a2"):
        ...     _ = mem.record("pti", aid, ["f00"])
        >>> mem.lookup("pti", "a2")("f00"), mem.lookup("pti", "a3")("f00"), mem.lookup("ani", "a3")("f00")
        (False, True, False)
        >>> _ = mem.record("pti", "a3", ["f00"]); _ = mem.record("pti", "a4", ["f00"])
        >>> mem.lookup("pti", "a1")("f00"), mem.lookup("pti", "a3")("f00"), mem.lookup("pti", "a4")("f00")
        (False, True, True)
        >>> batch = LearnedMemory(min_articles=2, batch=True)
        >>> _ = batch.record("pti", "a1", ["f00"]); _ = batch.record("pti", "a2", ["f00"])
        >>> batch.lookup("pti", "a1")("f00"), batch.lookup("pti", "a9")("f01")
        (True, False)
        """
        tag = article_tag(article_id)
        k, batch = self.k, self.batch
        prefix = f"{source}{SEP}"
        stored, first_seen = self.store.get, self.first_seen.get

        def is_learned(fp: str) -> bool:
            key = prefix + fp
            tags = stored(key)
            if not tags:
                first = first_seen(key)
                if first is None:
                    return False
                tags = [first]
            if batch:
                return len(tags) + (tag not in tags) >= k
            if tag in tags:  # seen before: decide as the first time, from this article's place in the list
                return bool(tags.index(tag) + 1 >= k)
            return len(tags) + 1 >= k

        return is_learned

    def record(self, source: str, article_id: str, fingerprints: Iterable[str]) -> int:
        """Remember that ``article_id`` carried these paragraphs; returns how many table keys changed.

        >>> mem = LearnedMemory(min_articles=3)
        >>> mem.record("pti", "a1", ["f00", "f01"]), mem.store, len(mem.first_seen)
        (0, {}, 2)
        >>> mem.record("pti", "a2", ["f00"]), mem.store == {"pti\x1ff00": [article_tag("a1"), article_tag("a2")]}
        (1, True)
        >>> len(mem.first_seen)
        1
        """
        tag = article_tag(article_id)
        changed = 0
        first_seen = self.first_seen
        for fp in set(fingerprints):
            key = f"{source}{SEP}{fp}"
            tags = self.store.get(key)
            if tags is None:
                first = first_seen.get(key)
                if first is None:
                    first_seen[key] = tag
                    if len(first_seen) > self.max_keys:
                        del first_seen[next(iter(first_seen))]  # the oldest first sighting goes
                elif first != tag:
                    self.store[key] = [first, tag]  # the second article: now it repeats, remember it for good
                    del first_seen[key]
                    changed += 1
            elif tag not in tags and len(tags) < self.k:
                self.store[key] = [*tags, tag]
                changed += 1
        if changed and len(self.store) > self.max_keys:
            self.evict()
        return changed

    def evict(self) -> int:
        """Forget the oldest fingerprints seen only once until 90% of the bound is left."""
        target = int(self.max_keys * 0.9)
        excess = len(self.store) - target
        victims: list[str] = []
        for key in list(self.store.keys()):
            if len(victims) >= excess:
                break
            tags = self.store.get(key)
            if tags is not None and len(tags) < 2:
                victims.append(key)
        for key in victims:
            del self.store[key]
        return len(victims)

    def learned(self, source: str | None = None) -> int:
        """How many fingerprints have reached K (for one source or all)."""
        prefix = f"{source}{SEP}" if source else ""
        return sum(1 for k, v in self.store.items() if k.startswith(prefix) and v and len(v) >= self.k)
