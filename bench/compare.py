"""The core's cost at two commits, in one run, on the same records: ``make bench-compare REF=<commit>``.

Speed targets are stated against "before": a commit of this repository. This script builds the bench
records once (``bench/articles.py``, from this checkout), checks the other commit out into a
temporary directory (``git archive``: nothing of the work tree changes), and times the whole core
(``Handler.handle``: decode, clean, artefacts, events, encode, as ``make bench``'s (d) row) and the
cleaner alone at both commits, alternating, in fresh processes. It reports CPU time per article
(best of the rounds) and the ratios.

With ``--instructions`` it counts instructions with callgrind instead (deterministic, whatever else
the machine runs; about 50 times slower, so use fewer records). With ``--compiled`` it builds the
wheel ``pip install .`` builds (mypyc, ``bench/compiled.py``) at both commits and times those: the
core users run.
"""

from __future__ import annotations

import argparse
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# run inside the timed process, with the commit's checkout first on sys.path
_TIMER = r"""
import gc, pickle, sys, time
import orjson
records = pickle.load(open(sys.argv[1], "rb"))
what, reps = sys.argv[2], int(sys.argv[3])
if what == "core":
    from pipeline.codec import Source
    from pipeline.learning import LearnedMemory
    from pipeline.process import warm_up
    from pipeline.service.handler import Handler
    from pipeline.settings import Settings
    s = Settings()
    h = Handler(s, LearnedMemory({}, s.learn_min_articles))
    warm_up()
    def once():
        for i, (k, v) in enumerate(records):
            h.handle(Source("bench", 0, i, None, k), v)
else:
    from pipeline.core.clean import clean_body
    items = [orjson.loads(v) for _k, v in records]
    def once():
        for it in items:
            clean_body(it["body"], it.get("content_type", "text/plain"), it.get("headline"))
once()  # warm: lexicons, automata, models
gc.collect()
best = float("inf")
for _ in range(reps):
    t0 = time.process_time()
    once()
    best = min(best, time.process_time() - t0)
print(best / len(records))
"""


def checkout(ref: str, into: Path) -> None:
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)


def compiled_site(tree: Path, work: Path) -> Path:
    """Build the compiled wheel of the checkout at ``tree`` (with that checkout's own build script)."""
    code = "import sys; from pathlib import Path; from bench.compiled import build_site; print(build_site(Path(sys.argv[1]))[0])"
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run(
        [sys.executable, "-c", code, str(work)], check=True, capture_output=True, text=True, env=env, cwd=tree
    )
    return Path(out.stdout.strip().splitlines()[-1])


def per_article(tree: Path, records: Path, what: str, reps: int, instructions: bool) -> float:
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONHASHSEED": "0"}
    cmd = [sys.executable, "-c", _TIMER, str(records), what, str(reps)]
    if not instructions:
        out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env, cwd=tree).stdout
        return float(out.strip().splitlines()[-1])
    counts = []
    for n in (1, 2):  # the difference of two runs is the cost of one pass, set-up excluded
        cg = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd[:-1], str(n)]
        err = subprocess.run(cg, check=True, capture_output=True, text=True, env=env, cwd=tree).stderr
        line = next(ln for ln in err.splitlines() if "Collected" in ln)
        counts.append(int(line.split()[-1]))
    return (counts[1] - counts[0]) / len(pickle.loads(records.read_bytes()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("ref", help="the commit to compare with (e.g. the one before an issue)")
    ap.add_argument("--n", type=int, default=600, help="bench records (default 600)")
    ap.add_argument("--rounds", type=int, default=3, help="alternating rounds per commit (default 3)")
    ap.add_argument("--reps", type=int, default=3, help="timed passes per process, best kept (default 3)")
    ap.add_argument("--instructions", action="store_true", help="count instructions (callgrind) instead of CPU time")
    ap.add_argument("--compiled", action="store_true", help="time the compiled builds (mypyc) of both commits")
    args = ap.parse_args()

    from bench.articles import build

    records, info = build(args.n)
    with tempfile.TemporaryDirectory(prefix="wirewash-compare-") as tmp:
        base = Path(tmp) / "ref"
        base.mkdir()
        checkout(args.ref, base)
        tree = ROOT
        if args.compiled:
            base = compiled_site(base, Path(tmp) / "ref-build")
            tree = compiled_site(ROOT, Path(tmp) / "head-build")
        path = Path(tmp) / "records.pickle"
        path.write_bytes(pickle.dumps(records))
        unit = "instructions" if args.instructions else "ms CPU"
        build = "compiled builds" if args.compiled else "pure Python"
        print(f"{info['n']} records, mix {info['mix']}; {args.ref} against the work tree ({build}), {unit} per article")
        for what in ("core", "clean"):
            got: dict[str, list[float]] = {"ref": [], "head": []}
            for _ in range(1 if args.instructions else args.rounds):
                got["ref"].append(per_article(base, path, what, args.reps, args.instructions))
                got["head"].append(per_article(tree, path, what, args.reps, args.instructions))
            pick = min if not args.instructions else statistics.median
            ref, head = pick(got["ref"]), pick(got["head"])
            scale = 1.0 if args.instructions else 1e3
            print(
                f"{what:<6} {args.ref[:10]}: {ref * scale:,.3f}   work tree: {head * scale:,.3f}   "
                f"work tree / {args.ref[:10]} = {head / ref:.3f}"
            )


if __name__ == "__main__":
    main()
