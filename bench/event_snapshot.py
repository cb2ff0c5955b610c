"""Every field of every event on a fixed set of inputs, to check that an optimisation changes no output.

Inputs (cleaned once, so that a change to the cleaner does not show up as an extraction change):
the dev corpus (``../shared/corpus/dev``, when present), ``tests/cases/events.json``,
``tests/stories/stories.json`` and the bench records prepared by ``bench/instructions.py``::

    PYTHONPATH=. python bench/event_snapshot.py prepare /tmp/inputs.pickle /tmp/records.pickle
    PYTHONPATH=. python bench/event_snapshot.py dump /tmp/inputs.pickle /tmp/before.json
    ... change the extractor ...
    PYTHONPATH=. python bench/event_snapshot.py dump /tmp/inputs.pickle /tmp/after.json
    PYTHONPATH=. python bench/event_snapshot.py diff /tmp/before.json /tmp/after.json
"""

from __future__ import annotations

import dataclasses
import json
import pickle
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "corpus" / "dev"


def _cleaned(name: str, raw: str, published: Any, headline: str | None) -> dict[str, Any]:
    from pipeline.core.clean import clean_body

    r = clean_body(raw, "text/plain", headline)
    return {
        "name": name,
        "body": r.body,
        "published": published,
        "headline": r.headline,
        "subheads": [(x.start, x.end) for x in r.subheads],
        "dateline": r.dateline,
    }


def prepare(out: str, records: str | None) -> None:
    inputs: list[dict[str, Any]] = []
    if DEV.exists():
        for p in sorted(DEV.glob("*.json")):
            g = json.loads(p.read_text(encoding="utf-8"))
            pub = g.get("published")
            d = datetime(*date.fromisoformat(str(pub)[:10]).timetuple()[:3], 12, 0) if pub else None
            inputs.append(_cleaned(f"dev/{p.name}", g["raw_body"], d, g.get("headline")))
    cases = json.loads((ROOT / "tests" / "cases" / "events.json").read_text(encoding="utf-8"))
    pub = date.fromisoformat(cases["published"])
    for k, c in enumerate(cases["cases"]):
        inputs.append({"name": f"case/{k}", "body": c["sentence"], "published": pub})
    stories = json.loads((ROOT / "tests" / "stories" / "stories.json").read_text(encoding="utf-8"))
    spub = date.fromisoformat(stories["published"])
    for k, st in enumerate(stories["stories"]):
        inputs.append(_cleaned(f"story/{k}", st["body"], spub, None))
    if records:
        with open(records, "rb") as f:
            for k, c in enumerate(pickle.load(f)["cleaned"]):
                inputs.append({**c, "name": f"bench/{k}"})
    with open(out, "wb") as f:
        pickle.dump(inputs, f)


def _plain(x: Any) -> Any:
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return {f.name: _plain(getattr(x, f.name)) for f in dataclasses.fields(x)}
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, (date, datetime)):
        return x.isoformat()
    return x


def dump(inputs_path: str, out: str) -> None:
    from pipeline.core.events import extract_events

    with open(inputs_path, "rb") as f:
        inputs = pickle.load(f)
    result = {}
    for c in inputs:
        evs = extract_events(
            c["body"],
            c["published"],
            headline=c.get("headline"),
            subheads=c.get("subheads"),
            dateline=c.get("dateline"),
        )
        result[c["name"]] = [_plain(e) for e in evs]
    Path(out).write_text(json.dumps(result, indent=0, sort_keys=True), encoding="utf-8")
    print(f"{len(result)} inputs, {sum(map(len, result.values()))} events", file=sys.stderr)


def diff(a_path: str, b_path: str) -> None:
    a = json.loads(Path(a_path).read_text(encoding="utf-8"))
    b = json.loads(Path(b_path).read_text(encoding="utf-8"))
    changed = [k for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
    for k in changed:
        print(f"== {k}")
        ea, eb = a.get(k) or [], b.get(k) or []
        for e in ea:
            if e not in eb:
                print("  -", json.dumps({x: e[x] for x in e if x != "sentence"}, sort_keys=True))
                print("     ", e.get("sentence", "")[:200])
        for e in eb:
            if e not in ea:
                print("  +", json.dumps({x: e[x] for x in e if x != "sentence"}, sort_keys=True))
                print("     ", e.get("sentence", "")[:200])
    print(f"{len(changed)} of {len(set(a) | set(b))} inputs differ", file=sys.stderr)


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "prepare":
        prepare(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)
    elif cmd == "dump":
        dump(sys.argv[2], sys.argv[3])
    else:
        diff(sys.argv[2], sys.argv[3])
