"""``make soak``: the SIGKILL, SIGTERM and broker-restart tests in a loop, with lost and duplicated counts.

    python -m tests.soak [--rounds 30] [--tests sigkill,sigterm,broker_restart]

Each round runs the same three tests ``make test`` runs once (tests/integration/test_faults.py),
in a fresh pytest process with its own embedded broker, and prints one line per round: per
test, the input records with no article (lost) and the article records published more than
once (duplicated). The tests write those counts through ``soak_report`` (tests/integration/
conftest.py) before they assert anything, so a failing round is counted too. Totals, and the
longest run of consecutive SIGKILL rounds with nothing lost, come at the end. Worker and
broker logs of every round are kept under .wirewash/soak/<start time>/round-N.

The broker-restart test kills the memory-only broker, which comes back with no topic, record
or committed offset; records it loses there are the broker's (see the test's docstring), so
they are reported but do not fail the soak. Exit status 1 when a SIGKILL or SIGTERM round lost
a record or any test failed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parents[1]
TESTS = {
    "sigkill": "tests/integration/test_faults.py::test_sigkill_mid_stream_loses_nothing",
    "sigterm": "tests/integration/test_faults.py::test_sigterm_finishes_commits_and_exits_0",
    "broker_restart": "tests/integration/test_faults.py::test_broker_restart_worker_resumes_on_new_input",
}
MUST_NOT_LOSE = ("sigkill", "sigterm")


def run_round(n: int, names: list[str], out_dir: Path) -> tuple[dict[str, dict[str, Any]], str, float]:
    """Run the tests once; returns (per-test counts, pytest's summary line, seconds)."""
    round_dir = out_dir / f"round-{n}"
    round_dir.mkdir(parents=True, exist_ok=True)
    report = round_dir / "report.jsonl"
    env = {**os.environ, "WIREWASH_SOAK_REPORT": str(report)}
    t0 = time.monotonic()
    with open(round_dir / "pytest.log", "wb") as log:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-s",
                "-p",
                "no:cacheprovider",
                f"--basetemp={round_dir / 'tmp'}",
                *(TESTS[name] for name in names),
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
        )
    seconds = time.monotonic() - t0
    counts: dict[str, dict[str, Any]] = {}
    if report.exists():
        for line in report.read_bytes().splitlines():
            row = orjson.loads(line)
            counts[row.pop("test")] = row
    tail = (round_dir / "pytest.log").read_text(errors="replace").strip().splitlines()
    summary = next((ln for ln in reversed(tail) if " passed" in ln or " failed" in ln or " error" in ln), "")
    if proc.returncode != 0 and not summary:
        summary = f"pytest exited {proc.returncode}"
    return counts, summary.strip("= "), seconds


def _cell(name: str, counts: dict[str, dict[str, Any]]) -> str:
    row = counts.get(name)
    if row is None:
        return f"{name}: no result"
    dup = "?" if row.get("duplicates") is None else row["duplicates"]
    return f"{name}: lost {row['lost']} dup {dup}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("ROUNDS", "30")))
    parser.add_argument("--tests", default=",".join(TESTS), help="comma-separated: " + ", ".join(TESTS))
    args = parser.parse_args(argv)
    names = [t.strip() for t in args.tests.split(",") if t.strip()]
    unknown = [t for t in names if t not in TESTS]
    if unknown:
        parser.error(f"unknown test(s): {', '.join(unknown)}")
    out_dir = ROOT / ".wirewash" / "soak" / time.strftime("%Y%m%d-%H%M%S")
    print(f"soak: {args.rounds} rounds of {', '.join(names)}; logs in {out_dir.relative_to(ROOT)}", flush=True)
    totals = {name: {"lost": 0, "duplicates": 0, "rounds": 0} for name in names}
    failed_rounds: list[int] = []
    streak = best = 0
    started = time.monotonic()
    for n in range(1, args.rounds + 1):
        counts, summary, seconds = run_round(n, names, out_dir)
        for name in names:
            row = counts.get(name)
            if row is None:
                continue
            totals[name]["rounds"] += 1
            totals[name]["lost"] += int(row["lost"])
            totals[name]["duplicates"] += int(row.get("duplicates") or 0)
        bad = (
            "failed" in summary
            or "error" in summary
            or any(counts.get(t) is None or counts[t]["lost"] for t in MUST_NOT_LOSE if t in names)
        )
        if bad:
            failed_rounds.append(n)
        if "sigkill" in names:
            ok = counts.get("sigkill") is not None and counts["sigkill"]["lost"] == 0
            streak = streak + 1 if ok else 0
            best = max(best, streak)
        cells = "  |  ".join(_cell(name, counts) for name in names)
        print(f"round {n:>3}/{args.rounds}  {cells}  |  {summary} ({seconds:.0f}s)", flush=True)
    print(f"total after {args.rounds} rounds ({(time.monotonic() - started) / 60:.0f} min):")
    for name in names:
        t = totals[name]
        print(f"  {name}: {t['rounds']} rounds with a result, lost {t['lost']}, duplicated {t['duplicates']}")
    if "sigkill" in names:
        print(f"  longest run of consecutive SIGKILL rounds with zero lost: {best}")
    print(f"  rounds with a failure: {failed_rounds or 'none'}")
    return 1 if failed_rounds else 0


if __name__ == "__main__":
    sys.exit(main())
