"""The core's cost at two commits, in one run, on the same records: ``make bench-compare REF=<commit>``.

Speed targets are stated against "before": a commit of this repository. This script builds the bench
records once (``bench/articles.py``, from this checkout), checks the other commit out into a
temporary directory (``git archive``: nothing of the work tree changes), and times the whole core
(``Handler.handle``: decode, clean, artefacts, events, encode, as ``make bench``'s (d) row) and the
cleaner alone at both commits, alternating, in fresh processes. It reports CPU time per article
(best of the rounds) and the ratios.

On a machine with two or more CPUs the two commits run **at the same time**, each pinned to a CPU of
its own, trading CPUs every round: whatever else the machine does in a round, both sides feel it, so
the ratio of a round is steadier than either time. On the shared VM this was written on, one
commit's time moved ±10% between back-to-back runs; the median ratio of two paired runs moved 0.7%
(1.147, 1.140). It reports each side's best time and the median of the rounds' ratios, with their
range; ``--sequential`` alternates in one CPU instead.

With ``--instructions`` it counts instructions with callgrind instead (deterministic, whatever else
the machine runs; about 50 times slower, so use fewer records). ``--cache`` adds cachegrind's
simulated cache misses an article, with a 1 MiB second level (the per-core L2 of this kind of
machine): most of what the core pays beyond its instructions is there. With ``--compiled`` it builds the
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
if len(sys.argv) > 4:  # paired runs: this process keeps to one CPU
    import os
    os.sched_setaffinity(0, {int(sys.argv[4])})
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


def _timer(tree: Path, records: Path, what: str, reps: int, cpu: int | None = None) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONHASHSEED": "0"}
    cmd = [sys.executable, "-c", _TIMER, str(records), what, str(reps), *([str(cpu)] if cpu is not None else [])]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env, cwd=tree)


def _seconds(proc: subprocess.Popen[str]) -> float:
    out, _ = proc.communicate()
    if proc.returncode:
        raise SystemExit(f"the timed process failed (exit {proc.returncode})")
    return float(out.strip().splitlines()[-1])


def paired_cpus() -> tuple[int, int] | None:
    """Two CPUs this process may run on, or None (one CPU, or no affinity calls on this system)."""
    if not hasattr(os, "sched_getaffinity"):
        return None
    cpus = sorted(os.sched_getaffinity(0))
    return (cpus[0], cpus[1]) if len(cpus) >= 2 else None


def paired(
    trees: tuple[Path, Path], records: Path, what: str, reps: int, rounds: int, cpus: tuple[int, int]
) -> tuple[list[float], list[float]]:
    """Both trees timed at once, one per CPU, the CPUs traded every round: (ref times, head times)."""
    got: tuple[list[float], list[float]] = ([], [])
    for r in range(rounds):
        order = cpus if r % 2 == 0 else (cpus[1], cpus[0])
        procs = [_timer(tree, records, what, reps, cpu) for tree, cpu in zip(trees, order, strict=True)]
        for side, proc in zip(got, procs, strict=True):
            side.append(_seconds(proc))
    return got


def cache_misses(tree: Path, records: Path, what: str) -> dict[str, float]:
    """Cachegrind's events an article (a 2-pass run less a 1-pass run), L2 as the last level."""
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONHASHSEED": "0"}
    totals = []
    with tempfile.TemporaryDirectory(prefix="wirewash-cg-") as tmp:
        for n in (1, 2):
            out = Path(tmp) / f"cg.{n}"
            cmd = [
                "valgrind", "--tool=cachegrind", "--cache-sim=yes", "--I1=32768,8,64", "--D1=49152,12,64",
                "--LL=1048576,8,64", f"--cachegrind-out-file={out}",
                sys.executable, "-c", _TIMER, str(records), what, str(n),
            ]  # fmt: skip
            subprocess.run(cmd, check=True, capture_output=True, env=env, cwd=tree)
            lines = out.read_text().splitlines()
            names = next(ln for ln in lines if ln.startswith("events:")).split()[1:]
            summary = next(ln for ln in lines if ln.startswith("summary:")).split()[1:]
            totals.append(dict(zip(names, map(int, summary), strict=True)))
    n_records = len(pickle.loads(records.read_bytes()))
    return {k: (totals[1][k] - totals[0][k]) / n_records for k in totals[0]}


def per_article(tree: Path, records: Path, what: str, reps: int, instructions: bool) -> float:
    if not instructions:
        return _seconds(_timer(tree, records, what, reps))
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONHASHSEED": "0"}
    cmd = [sys.executable, "-c", _TIMER, str(records), what, str(reps)]
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
    ap.add_argument("--sequential", action="store_true", help="alternate on one CPU, not both commits at once")
    ap.add_argument("--cache", action="store_true", help="also cachegrind's simulated cache misses an article")
    args = ap.parse_args()
    cpus = None if args.sequential or args.instructions else paired_cpus()
    if cpus is not None and args.rounds == 3:
        args.rounds = 6  # a paired round costs what one side's did: six trade the CPUs three times each way

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
        kind = "compiled builds" if args.compiled else "pure Python"
        how = f", paired on CPUs {cpus[0]} and {cpus[1]}, {args.rounds} rounds" if cpus else ""
        print(
            f"{info['n']} records, mix {info['mix']}; {args.ref} against the work tree ({kind}{how}), {unit} per article"
        )
        for what in ("core", "clean"):
            got: dict[str, list[float]] = {"ref": [], "head": []}
            if cpus is not None:
                got["ref"], got["head"] = paired((base, tree), path, what, args.reps, args.rounds, cpus)
            else:
                for _ in range(1 if args.instructions else args.rounds):
                    got["ref"].append(per_article(base, path, what, args.reps, args.instructions))
                    got["head"].append(per_article(tree, path, what, args.reps, args.instructions))
            pick = min if not args.instructions else statistics.median
            ref, head = pick(got["ref"]), pick(got["head"])
            scale = 1.0 if args.instructions else 1e3
            ratio = head / ref
            if cpus is not None:  # the ratio of each round: both sides ran under the same load
                ratios = [h / r for r, h in zip(got["ref"], got["head"], strict=True)]
                ratio = statistics.median(ratios)
                spread = f" (rounds {min(ratios):.3f}-{max(ratios):.3f}; best times' ratio {head / ref:.3f})"
            else:
                spread = ""
            print(
                f"{what:<6} {args.ref[:10]}: {ref * scale:,.3f}   work tree: {head * scale:,.3f}   "
                f"work tree / {args.ref[:10]} = {ratio:.3f}{spread}"
            )
            if args.cache:
                a, b = cache_misses(base, path, what), cache_misses(tree, path, what)
                for label, keys in (
                    ("instructions", ("Ir",)),
                    ("L1 misses", ("I1mr", "D1mr", "D1mw")),
                    ("L2 misses", ("ILmr", "DLmr", "DLmw")),
                ):
                    x, y = sum(a[k] for k in keys), sum(b[k] for k in keys)
                    print(f"       {label:<13} {x:>14,.0f} -> {y:>14,.0f}  ({y / x:.3f}x)")


if __name__ == "__main__":
    main()
