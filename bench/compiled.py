"""Build the compiled wheel (setup.py, mypyc) from this checkout into a directory that can go on PYTHONPATH.

Used by ``make bench`` (the compiled core measured beside the pure one, in the same run) and by
``tests/unit/test_compiled.py`` (the compiled core gives the same events). The build runs on a
copy of the sources, without build isolation (setuptools and mypy come from the test extra, so
no network is needed), and never writes into the working tree.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class BuildError(RuntimeError):
    """The wheel did not build, or it built without its compiled modules."""


def build_site(work: Path) -> tuple[Path, list[str]]:
    """Build the wheel in ``work`` and unpack it to ``work/site``; returns that and the wheel's extension files.

    The build's output is kept in ``work/build.log``; setup.py's own lines start with ``wirewash:``
    (one says whether the build was profile-guided).
    """
    src = work / "src"
    src.mkdir(parents=True)
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "pipeline", src / "pipeline", ignore=shutil.ignore_patterns("__pycache__", "*.so"))
    # the profile-guided build's training run (setup.py): its script, the cases and the seeds
    (src / "bench").mkdir()
    shutil.copy(ROOT / "bench" / "pgo_train.py", src / "bench" / "pgo_train.py")
    shutil.copytree(ROOT / "tests" / "cases", src / "tests" / "cases")
    shutil.copytree(ROOT / "seeds", src / "seeds")
    build = subprocess.run(
        # -v: pip shows the build's own output (setup.py's messages) only when asked
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-v",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(work / "dist"),
            ".",
        ],
        cwd=src,
        # as on a machine that writes bytecode (this one may not): the wheel must hold none all the same
        env={**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, "WIREWASH_COMPILE": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=900,
        check=False,
    )
    log = build.stdout.decode(errors="replace")
    (work / "build.log").write_text(log)
    if build.returncode != 0 or "installing pure Python" in log:
        raise BuildError(log[-3000:])
    (wheel,) = (work / "dist").glob("wirewash-*.whl")
    site = work / "site"
    with zipfile.ZipFile(wheel) as z:
        z.extractall(site)
        extensions = sorted(n for n in z.namelist() if n.endswith(".so"))
        if any("__pycache__" in n for n in z.namelist()):  # the build's own runs wrote bytecode into it
            raise BuildError(f"the wheel holds bytecode: {[n for n in z.namelist() if '__pycache__' in n][:3]}")
    if not extensions:  # setup.py fell back to pure Python
        raise BuildError(f"the wheel holds no compiled module: {log[-2000:]}")
    return site, extensions
