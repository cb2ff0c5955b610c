"""Benchmark messages: realistic 2-8 KB feed items built from seeds/, the test cases and synthetic
wire stories; real syndicated bodies from ../shared/corpus are mixed in when present (read at
bench time, never committed)."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import orjson

from tests.synth import story

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"


def _seed_bodies() -> list[tuple[str, str, str]]:
    out = []
    for p in sorted((ROOT / "seeds").glob("*.json")):
        d = json.loads(p.read_text(encoding="utf-8"))
        out.append((d["source"], d["body"], d.get("content_type", "text/plain")))
    return out


def _case_bodies() -> list[str]:
    out = []
    for p in sorted((ROOT / "tests" / "cases").glob("*.json")):
        for case in json.loads(p.read_text(encoding="utf-8")).get("cases", []):
            if isinstance(case.get("body"), str) and len(case["body"]) > 200:
                out.append(case["body"])
    return out


def _corpus_bodies() -> list[str]:
    if not CORPUS.exists():
        return []
    out = []
    for p in sorted(CORPUS.rglob("*.json")):
        try:
            d = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(d, dict) and isinstance(d.get("raw_body"), str):
            out.append(d["raw_body"])
    return out


def build(n: int, seed: int = 5, lo: int = 2000, hi: int = 8000) -> tuple[list[tuple[bytes, bytes]], dict[str, Any]]:
    """``n`` (key, value) feed items of ``lo``..``hi`` bytes of body, and a description of the mix."""
    rng = random.Random(seed)
    seeds, cases, corpus = _seed_bodies(), _case_bodies(), _corpus_bodies()
    out: list[tuple[bytes, bytes]] = []
    kinds = {"synthetic": 0, "seed": 0, "case": 0, "corpus": 0}
    for i in range(n):
        target = rng.randint(lo, hi)
        roll = rng.random()
        content_type = "text/plain"
        if roll < 0.15 and seeds:
            source, body, content_type = seeds[i % len(seeds)]
            kind = "seed"
        elif roll < 0.30 and cases:
            body = "\n\n".join(rng.sample(cases, k=min(len(cases), 3)))
            source, kind = "cases", "case"
        elif roll < 0.60 and corpus:
            body = corpus[rng.randrange(len(corpus))]
            source, kind = "corpus", "corpus"
        else:
            s = story(i, target, seed)
            body, source, kind = s["body"], s["source"], "synthetic"
        # pad or trim to the target size with paragraphs of a synthetic story (keeps the texture)
        while len(body) < target:
            extra = story(i + 7919 * len(body), target - len(body), seed)["body"]
            if content_type == "text/html":
                body += "".join(f"<p>{para}</p>" for para in extra.split("\n\n"))
            else:
                body += "\n\n" + extra
        if content_type == "text/plain" and len(body) > hi:
            cut = body.rfind("\n\n", lo, hi)
            body = body[: cut if cut > 0 else hi]
        kinds[kind] += 1
        item = {"id": f"bench-{seed}-{i}", "source": source, "body": body, "content_type": content_type}
        out.append((item["id"].encode(), orjson.dumps(item)))
    sizes = sorted(len(v) for _, v in out)
    info = {
        "n": n,
        "mix": kinds,
        "bytes_p50": sizes[len(sizes) // 2],
        "bytes_mean": sum(sizes) // len(sizes),
        "bytes_min": sizes[0],
        "bytes_max": sizes[-1],
        "total_mb": sum(sizes) / 1e6,
        "corpus_present": bool(corpus),
    }
    return out, info


def sized(n_bytes: int, seed: int = 9) -> bytes:
    """One feed item with a body of about ``n_bytes`` (for the cost-growth bench)."""
    parts, size, i = [], 0, 0
    while size < n_bytes:
        body = story(i, min(8000, n_bytes - size + 200), seed)["body"]
        parts.append(body)
        size += len(body) + 2
        i += 1
    body = "\n\n".join(parts)[:n_bytes]
    return orjson.dumps({"id": f"sized-{n_bytes}", "source": "bench", "body": body})
