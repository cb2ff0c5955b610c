"""Cross-outlet duplicate clustering: one-permutation MinHash over word 5-grams, LSH banding, windowed memory.

The same agency story reaches a monitoring team through many outlets, each with its own
boilerplate, a dropped last paragraph, another dateline or headline. The cleaner removes
most of the boilerplate; what is left is compared as sets of word 5-grams ("shingles") of
the clean body. Each body gets a 128-slot MinHash signature computed with *one* hash per
shingle (one-permutation hashing with optimal densification, Shrivastava 2017), so a
signature costs one blake2b per shingle. Signatures are banded (64 bands of 2 slots) to find
candidates; a candidate is a duplicate when its estimated *containment* (the share of the
smaller body's shingles found in the larger) reaches the threshold: a copy that lost its
last paragraphs still contains almost all of its shingles in the original, while two
different stories on one topic share few 5-grams even when they share every name.

:class:`Clusterer` keeps its memory in any mutable mapping (a faust GlobalTable in the
worker, a dict in ``wirewash clean``): one entry per article, ``id -> [seen_ms, cluster_id,
duplicate_of, similarity, size, signature]``, forgotten after the window. Re-processing an
article returns what it was given the first time (deterministic under redelivery); an
article is only compared with articles seen before it.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import re
import struct
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

SLOTS = 128
BANDS = 64
ROWS = SLOTS // BANDS
SHINGLE = 5
_MASK32 = 0xFFFFFFFF
_EMPTY = 1 << 62
_WORD = re.compile(r"\w+")
_PACK = struct.Struct(f"<{SLOTS}I")


def shingles(text: str, k: int = SHINGLE) -> set[bytes]:
    """Word k-grams of a body (lower-cased word characters only).

    >>> sorted(shingles("One two three four five six", 5))
    [b'one two three four five', b'two three four five six']
    """
    words = _WORD.findall(text.lower())
    if len(words) < k:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + k]).encode() for i in range(len(words) - k + 1)}


def _h64(b: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(b, digest_size=8).digest(), "little")


# optimal densification: an empty slot i borrows from the first filled slot of a fixed pseudo-random
# probe sequence of i (the same in every process); precomputed once
_PROBES = [[_h64(b"%d:%d" % (i, a)) & (SLOTS - 1) for a in range(64)] for i in range(SLOTS)]


def signature(text: str) -> tuple[list[int], int]:
    """The MinHash signature (SLOTS 32-bit values) of a body and its number of distinct shingles."""
    sh = shingles(text)
    if not sh:
        return [0] * SLOTS, 0
    slots = [_EMPTY] * SLOTS
    blake, frombytes = hashlib.blake2b, int.from_bytes
    for s in sh:
        h = frombytes(blake(s, digest_size=8).digest(), "little")
        i = h & (SLOTS - 1)
        v = h >> 7
        if v < slots[i]:  # noqa: PLR1730  (faster than min() in this loop)
            slots[i] = v
    filled = [v != _EMPTY for v in slots]
    if not all(filled):
        for i in range(SLOTS):
            if filled[i]:
                continue
            j = next((j for j in _PROBES[i] if filled[j]), None)
            if j is None:  # 64 probes all empty (a body of a few shingles): the first filled slot
                j = filled.index(True)
            slots[i] = slots[j]
    return [v & _MASK32 for v in slots], len(sh)


def pack(sig: list[int]) -> str:
    return base64.b64encode(_PACK.pack(*sig)).decode("ascii")


def unpack(data: str) -> list[int]:
    return list(_PACK.unpack(base64.b64decode(data)))


# a signature as one 4096-bit integer (slot i in bits 32i..32i+31): the slots two signatures agree
# on are counted with a few big-integer operations in C instead of a loop over 128 pairs
_LANE_MASKS = [sum(((1 << w) - 1) << (32 * i) for i in range(SLOTS)) for w in (16, 8, 4, 2, 1)]


def as_int(sig: list[int]) -> int:
    return int.from_bytes(_PACK.pack(*sig), "little")


def agreeing_slots(a: int, b: int) -> int:
    """How many slots of two signatures (as :func:`as_int`) hold the same value.

    >>> s, _ = signature("one two three four five six seven eight nine ten eleven")
    >>> t = list(s); t[3] ^= 1; t[70] ^= 1 << 31
    >>> agreeing_slots(as_int(s), as_int(t)), sum(map(int.__eq__, s, t))
    (126, 126)
    """
    x = a ^ b
    for shift, mask in zip((16, 8, 4, 2, 1), _LANE_MASKS, strict=True):
        x = (x | (x >> shift)) & mask  # fold each 32-bit lane onto its lowest bit, lanes kept apart
    return SLOTS - x.bit_count()


def containment_of(matches: int, size_a: int, size_b: int) -> float:
    """:func:`containment` from the number of agreeing slots."""
    if not size_a or not size_b:
        return 0.0
    j = matches / SLOTS
    inter = j * (size_a + size_b) / (1 + j)
    return min(1.0, inter / min(size_a, size_b))


def containment(a: list[int], size_a: int, b: list[int], size_b: int) -> float:
    """Estimated share of the smaller shingle set found in the larger (from the Jaccard estimate and sizes).

    >>> s1, n1 = signature(" ".join(f"w{i}" for i in range(400)))
    >>> s2, n2 = signature(" ".join(f"w{i}" for i in range(300)))
    >>> round(containment(s1, n1, s2, n2), 1)
    1.0
    """
    return containment_of(sum(map(int.__eq__, a, b)), size_a, size_b)


def bands(sig: list[int]) -> list[tuple[int, int, int]]:
    return [(k, sig[k * ROWS], sig[k * ROWS + 1]) for k in range(BANDS)]


@dataclass(frozen=True)
class Assignment:
    cluster_id: str
    duplicate_of: str | None = None
    similarity: float | None = None


class Clusterer:
    """Assigns each article to a cluster of earlier articles telling the same story."""

    def __init__(
        self,
        store: MutableMapping[str, Any] | None = None,
        window_s: float = 72 * 3600,
        threshold: float = 0.5,
        min_shingles: int = 8,
        index_now: bool = True,
    ):
        self.store: MutableMapping[str, Any] = store if store is not None else {}
        self.window_ms = int(window_s * 1000)
        self.threshold = threshold
        self.min_shingles = min_shingles
        self._buckets: dict[tuple[int, int, int], set[str]] = {}
        self._indexed: dict[str, list[int]] = {}  # id -> signature, for what is in the buckets
        self._meta: dict[str, tuple[int, int, int]] = {}  # id -> (seen_ms, size, as_int(signature)), per candidate
        self._order: list[tuple[int, str]] = []  # heap of (seen_ms, id), for expiry
        if index_now:  # a faust table is read after its recovery instead (StoryState.restore)
            self.sync()

    def sync(self) -> int:
        """Index entries that reached the store from elsewhere (other workers, a restored table)."""
        added = 0
        for key in list(self.store.keys()):
            if key not in self._indexed:
                entry = self.store.get(key)
                if entry:
                    self._index(key, entry)
                    added += 1
        return added

    def _index(self, key: str, entry: list[Any]) -> None:
        sig = unpack(entry[5])
        self._indexed[key] = sig
        self._meta[key] = (int(entry[0]), int(entry[4]), as_int(sig))
        heapq.heappush(self._order, (int(entry[0]), key))
        for b in bands(sig):
            self._buckets.setdefault(b, set()).add(key)

    def _unindex(self, key: str) -> None:
        sig = self._indexed.pop(key, None)
        self._meta.pop(key, None)
        if sig is None:
            return
        for b in bands(sig):
            members = self._buckets.get(b)
            if members is not None:
                members.discard(key)
                if not members:
                    del self._buckets[b]

    def expire(self, now_ms: int) -> int:
        """Forget articles seen before the window."""
        cutoff = now_ms - self.window_ms
        n = 0
        while self._order and self._order[0][0] < cutoff:
            _, key = heapq.heappop(self._order)
            entry = self.store.get(key)
            if entry is not None and int(entry[0]) >= cutoff:
                continue
            self._unindex(key)
            if entry is not None:
                del self.store[key]
            n += 1
        return n

    def assign(self, article_id: str, body: str, now_ms: int) -> Assignment:
        """The cluster of an article (computed once; redelivery returns the same answer)."""
        self.expire(now_ms)
        sig, size = signature(body)
        old = self.store.get(article_id)
        if old is not None and old[5] == pack(sig):
            return Assignment(old[1], old[2], old[3])
        seen = int(old[0]) if old is not None else now_ms
        best: tuple[float, int, str] | None = None
        if size >= self.min_shingles:
            candidates: set[str] = set()
            buckets = self._buckets
            for b in bands(sig):
                members = buckets.get(b)
                if members:
                    candidates.update(members)
            candidates.discard(article_id)
            meta = self._meta
            mine = as_int(sig)
            for cid in candidates:
                cseen, csize, theirs = meta[cid]
                if csize < self.min_shingles:
                    continue
                if (cseen, cid) >= (seen, article_id):  # only articles seen before this one
                    continue
                sim = containment_of(agreeing_slots(mine, theirs), size, csize)
                if sim < self.threshold or (best is not None and (sim, -cseen, cid) <= (best[0], -best[1], best[2])):
                    continue
                if cid in self.store:  # (another worker may have expired it): the store is read only here
                    best = (sim, cseen, cid)
        if best is None:
            result = Assignment(article_id)
        else:
            root = self.store[best[2]][1]
            result = Assignment(root, best[2], round(best[0], 3))
        if old is not None:
            self._unindex(article_id)
        entry = [seen, result.cluster_id, result.duplicate_of, result.similarity, size, pack(sig)]
        self.store[article_id] = entry
        self._index(article_id, entry)
        return result
