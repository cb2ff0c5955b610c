"""Duplicate clustering: pairwise precision and recall on outlet-style republications of real stories.

Usage: python bench/cluster_eval.py ../shared/corpus/dev [--threshold 0.5] [--sweep]

Nothing of the corpus is stored: the variants are derived here, at run time. Each story
(a corpus file) is republished by three made-up outlets, the way syndication does it:
another outlet's boilerplate (passages annotated as boilerplate in *other* files of the
corpus) before and after the story, the last one or two paragraphs dropped, another
dateline, and a light copy edit. The originals (raw bodies, their own boilerplate) and
the variants go through the whole cleaner and then one batch clustering, exactly as
``wirewash clean`` does. A pair of articles is a true pair when both come from the same
corpus file; every other pair (different stories, many on the same topic) is a negative.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from datetime import UTC, datetime
from itertools import combinations
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.models import FeedItem  # noqa: E402
from pipeline.offline import cluster_articles  # noqa: E402
from pipeline.process import process_item  # noqa: E402

DATELINES = ["NEW DELHI, {d} (IANS):", "LONDON, {d} (AFP) -", "WASHINGTON, {d} /PRNewswire/ --", "KYIV, {d} (dpa) -"]
EDITS = [(r"\bsaid\b", "stated"), (r"\bon Monday\b", "Monday"), (r"\bthe\b", "the"), (r"\bpercent\b", "per cent")]
_DATELINE = re.compile(r"^[A-Z][A-Za-z .,'()\[\]-]{0,60}?(?:\([A-Za-z]+\)|\d{1,2})\s*(?:-|–|—|:)\s*")


def paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p.strip()]


def variant(gold: str, k: int, boiler: list[str], rng: random.Random) -> str:
    paras = paragraphs(gold)
    drop = min(k, max(0, len(paras) - 2))  # outlets cut the tail, never below two paragraphs
    paras = paras[: len(paras) - drop] if drop else paras
    first = _DATELINE.sub("", paras[0], count=1)
    paras[0] = DATELINES[k % len(DATELINES)].format(d="May 5") + " " + first
    if k >= 2:  # a light copy edit
        pat, rep = EDITS[rng.randrange(len(EDITS))]
        paras = [re.sub(pat, rep, p, count=1) for p in paras]
    head = [rng.choice(boiler)] if boiler and k % 2 == 0 else []
    tail = rng.sample(boiler, min(2, len(boiler))) if boiler else []
    return "\n\n".join(head + paras + tail)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--sweep", action="store_true", help="Also report other thresholds.")
    ap.add_argument("--seed", type=int, default=19)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    files = sorted(args.corpus.glob("*.json"))
    docs = [orjson.loads(f.read_bytes()) for f in files]
    docs = [d for d in docs if len(d.get("gold_clean_body", "").split()) >= 40]
    boiler_by_file = {d["id"]: [b for b in d.get("boilerplate", []) if 20 <= len(b) <= 400] for d in docs}
    items: list[tuple[str, FeedItem]] = []
    for d in docs:
        others = [b for fid, bs in boiler_by_file.items() if fid != d["id"] for b in bs]
        items.append((d["id"], FeedItem(id=f"{d['id']}/orig", source=d["family"], body=d["raw_body"])))
        for k in (1, 2, 3):
            body = variant(d["gold_clean_body"], k, others, rng)
            items.append((d["id"], FeedItem(id=f"{d['id']}/v{k}", source=f"outlet{k}", body=body)))
    t0 = time.perf_counter()
    now = datetime(2025, 1, 1, tzinfo=UTC)
    articles = [process_item(it, now, extract=False).article for _, it in items]
    clean_s = time.perf_counter() - t0
    story = {a["id"]: sid for a, (sid, _) in zip(articles, items, strict=True)}
    rows = []
    for th in [args.threshold] + ([0.3, 0.4, 0.6, 0.7, 0.8] if args.sweep else []):
        batch = [dict(a) for a in articles]
        t1 = time.perf_counter()
        cluster_articles(batch, threshold=th)
        cl_s = time.perf_counter() - t1
        tp = fp = fn = 0
        wrong = []
        for a, b in combinations(batch, 2):
            same = story[a["id"]] == story[b["id"]]
            together = a["cluster_id"] == b["cluster_id"]
            tp += same and together
            fp += (not same) and together
            fn += same and not together
            if (not same) and together and len(wrong) < 10:
                wrong.append((a["id"], b["id"]))
            if same and not together and len(wrong) < 10:
                wrong.append(("MISSED", a["id"], b["id"]))
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        rows.append((th, p, r, tp, fp, fn, cl_s, wrong))
    print(
        f"{len(docs)} stories, {len(items)} articles ({len(items) - len(docs)} outlet variants); cleaning {clean_s:.1f}s"
    )
    for th, p, r, tp, fp, fn, cl_s, wrong in rows:
        print(
            f"threshold {th:.2f}: pairwise precision {p:.4f} recall {r:.4f} (tp {tp}, fp {fp}, fn {fn}); clustering {cl_s * 1000:.0f} ms"
        )
        for w in wrong:
            print("   ", *w)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
