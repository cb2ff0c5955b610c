"""Instruction counts of event extraction and of the whole core, for callgrind (deterministic on a
shared machine, where wall-clock is not).

Build one record set once, with any checkout on ``PYTHONPATH``; then run each checkout on the
same records under callgrind, with ``K`` records and with none, and divide the difference by ``K``::

    PYTHONPATH=. python bench/instructions.py prepare /tmp/records.pickle 1000
    PYTHONPATH=<tree> valgrind --tool=callgrind --callgrind-out-file=/dev/null \\
        python bench/instructions.py events /tmp/records.pickle 200      # and 0
    PYTHONPATH=<tree> valgrind ... python bench/instructions.py core /tmp/records.pickle 200

``events``: event extraction and the wire dictionaries on bodies already cleaned by the tree that
prepared the records (as ``make bench``'s "event extraction alone"); ``core``: the whole core,
cleaning included (``process_item``). Both warm up first (lexicons, automata, gc.freeze), so the
difference between K and 0 records is the per-record work alone.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from datetime import UTC, datetime
from typing import Any


def prepare(path: str, n: int) -> None:
    from bench.articles import build
    from pipeline.core.clean import clean_body
    from pipeline.models import FeedItem

    records, _mix = build(n)
    cleaned: list[dict[str, Any]] = []
    for _k, v in records:
        it = FeedItem.model_validate_json(v)
        r = clean_body(it.body, it.content_type, it.headline)
        cleaned.append(
            {
                "id": it.id,
                "published": it.published_at,
                "body": r.body,
                "headline": r.headline,
                "subheads": [(x.start, x.end) for x in r.subheads],
                "dateline": r.dateline,
            }
        )
    with open(path, "wb") as f:
        pickle.dump({"records": records, "cleaned": cleaned}, f)


def _collect(on: bool) -> None:
    """Under ``valgrind --tool=callgrind --instr-atstart=no`` with ``WW_CALLGRIND=1``: count only the
    records' own work (the start-up and warm-up run uninstrumented, which is also faster)."""
    if os.environ.get("WW_CALLGRIND") == "1":
        subprocess.run(
            ["callgrind_control", "-i", "on" if on else "off", str(os.getpid())], check=True, capture_output=True
        )


def run_events(data: dict[str, Any], k: int) -> int:
    from pipeline.core.events import extract_events
    from pipeline.process import event_dict, warm_up

    warm_up()
    _collect(True)
    n = 0
    for c in data["cleaned"][:k]:
        if not c["body"]:
            continue
        for ev in extract_events(
            c["body"], c["published"], headline=c["headline"], subheads=c["subheads"], dateline=c["dateline"]
        ):
            event_dict(c["id"], ev)
            n += 1
    _collect(False)
    return n


def run_core(data: dict[str, Any], k: int) -> int:
    from pipeline.models import FeedItem
    from pipeline.process import process_item, warm_up

    warm_up()
    now = datetime(2025, 1, 1, tzinfo=UTC)
    _collect(True)
    n = 0
    for _key, v in data["records"][:k]:
        n += len(process_item(FeedItem.model_validate_json(v), now).events)
    _collect(False)
    return n


def main() -> None:
    mode, path = sys.argv[1], sys.argv[2]
    k = int(sys.argv[3])
    if mode == "prepare":
        prepare(path, k)
        return
    with open(path, "rb") as f:
        data = pickle.load(f)
    n = run_events(data, k) if mode == "events" else run_core(data, k)
    import pipeline

    print(f"{mode}: {k} records, {n} events ({pipeline.__file__})", file=sys.stderr)


if __name__ == "__main__":
    main()
