"""Build hook: compile the core (the cleaner and the event extractor) with mypyc (pyproject.toml
holds all the metadata).

The modules below are plain, fully annotated Python. mypyc turns them into C extensions; the
compiled core runs about 1.3 to 1.4 times as fast (``make bench`` measures both in one run);
the compiled build gives the same events, the same cleaning and the same rule catalogue
(``tests/unit/test_compiled.py``).

- ``WIREWASH_COMPILE=0`` builds pure Python. ``make`` does so for its editable development
  install, so the doctests run and source edits apply without a rebuild.
- Without a C compiler, or if mypyc cannot compile the modules, the build warns and falls back to
  pure Python. The behaviour is the same, only slower; ``wirewash --version`` says which is installed.
- With gcc the build is profile-guided: the core is compiled instrumented, cleans and extracts the
  events of every body of the repository's own cases and seeds (``bench/pgo_train.py``, in the
  build, on the built modules), and is compiled again with that profile. gcc then lays the hot
  paths out together and optimises the cold ones for size: the core's machine code misses the
  per-core L2 less (``make bench-compare``). ``WIREWASH_PGO=0`` skips it; if the training inputs,
  the core's libraries or the profile run are missing or fail, the build says so and compiles
  without a profile. The profile changes code layout and inlining only, never behaviour
  (``tests/unit/test_compiled.py``).

Compiled functions lose their ``__doc__``: nothing may read one at run time (a rule states its
description, see :class:`pipeline.core.rules.Rule`). The result types callers receive
(``pipeline/core/results.py``, ``pipeline/core/events/model.py``) stay Python classes: orjson
reads a compiled class's unboxed fields (a ``float``) as object pointers and crashes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path
from typing import Any

from setuptools import setup
from setuptools.command.build_ext import build_ext

COMPILED = [
    "pipeline/core/artefacts.py",
    "pipeline/core/automaton.py",
    "pipeline/core/boilerplate.py",
    "pipeline/core/chrome.py",
    "pipeline/core/clean.py",
    "pipeline/core/doc.py",
    "pipeline/core/html.py",
    "pipeline/core/language.py",
    "pipeline/core/layout.py",
    "pipeline/core/learned.py",
    "pipeline/core/normalize.py",
    "pipeline/core/rules.py",
    "pipeline/core/scan.py",
    "pipeline/core/sentences.py",
    "pipeline/core/structure.py",
    "pipeline/core/textmap.py",
    "pipeline/core/vocab.py",
    "pipeline/core/wirelines.py",
    "pipeline/core/wordclass.py",
    "pipeline/core/events/build.py",
    "pipeline/core/events/clause.py",
    "pipeline/core/events/dates.py",
    "pipeline/core/events/extract.py",
    "pipeline/core/events/gazetteer.py",
    "pipeline/core/events/mentions.py",
    "pipeline/core/events/quantities.py",
    "pipeline/core/events/quotes.py",
]


HERE = Path(__file__).resolve().parent
TRAINER = HERE / "bench" / "pgo_train.py"
# the profile run imports the core, which imports these; an isolated build gets them as build
# requirements (only when compiling: the pure development install needs none), pinned as in
# pyproject.toml's dependencies (tests/unit/test_pgo_train.py checks the list against the imports)
CORE_LIBRARIES = ("ftfy", "pycountry", "pyahocorasick", "ahocorasick-rs", "orjson", "pycld2", "wordfreq")


def _requirements(names: tuple[str, ...]) -> list[str]:
    """pyproject.toml's requirement strings for these distributions."""
    with open(HERE / "pyproject.toml", "rb") as f:
        dependencies: list[str] = tomllib.load(f)["project"]["dependencies"]
    return [d for d in dependencies if re.split(r"[<>=!~\[ ;]", d, maxsplit=1)[0] in names]


def _off(name: str) -> bool:
    return os.environ.get(name, "1").strip().lower() in ("0", "false", "no", "off")


def ext_modules() -> list[Any]:
    if _off("WIREWASH_COMPILE"):
        return []
    try:
        from mypyc.build import mypycify

        # the modules alone, without the project's mypy settings (their pydantic plugin is no build dependency)
        flags = ["--config-file", "", "--ignore-missing-imports"]
        exts = mypycify([*flags, *COMPILED], opt_level="3", group_name="wirewash_core")
        if sys.platform != "win32":
            # the modules reach the shared library through a capsule, not by symbol: exporting only
            # its PyInit makes every call between compiled functions (and into mypyc's runtime) a
            # direct call the compiler may inline, not a jump through the PLT (1,921 exported symbols)
            for ext in exts:  # (the extensions may share one list)
                if "-fvisibility=hidden" not in ext.extra_compile_args:
                    ext.extra_compile_args.append("-fvisibility=hidden")
    except (SystemExit, Exception) as exc:  # mypy missing or a type error: build pure Python
        print(f"wirewash: not compiling the core ({exc!r}); installing pure Python", file=sys.stderr)
        return []
    return exts


def _gcc() -> str | None:
    """Why the C compiler cannot build profile-guided (None: it is gcc and can)."""
    cc = (os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc").split()
    try:
        version = subprocess.run([*cc, "--version"], capture_output=True, text=True, timeout=30, check=False).stdout
    except OSError as exc:
        return f"{cc[0]}: {exc}"
    # clang takes -fprofile-generate but writes a profile gcc's -fprofile-use cannot read
    return None if "Free Software Foundation" in version else f"{cc[0]} is not gcc"


class AllOrNothing(build_ext):
    """Build every compiled module or none: a module compiled without the shared mypyc library
    (``wirewash_core__mypyc``) would fail to import, so one failure removes them all."""

    def run(self) -> None:
        try:
            self._build()
        except Exception as exc:  # no compiler, no Python headers, a compile error
            for ext in self.extensions:
                built = self.get_ext_fullpath(ext.name)
                if os.path.exists(built):
                    os.remove(built)
            print(f"wirewash: compiling failed ({exc}); installing pure Python", file=sys.stderr)

    def _build(self) -> None:
        why = self._no_profile()
        if why is not None:
            if why:
                print(f"wirewash: compiling the core without a profile ({why})", file=sys.stderr)
            super().run()
            return
        compiler = self.compiler  # run() replaces the name (or None) with the compiler it made
        profile = Path(self.build_temp).resolve() / "wirewash-profile"
        shutil.rmtree(profile, ignore_errors=True)
        base = [(list(ext.extra_compile_args), list(ext.extra_link_args)) for ext in self.extensions]
        try:
            self._compile(compiler, base, ["-fprofile-generate", f"-fprofile-dir={profile}", "-fprofile-update=single"])
            trained = self._train(profile)
            # functions the training never ran keep the ordinary optimisation (not size)
            use = ["-fprofile-use", f"-fprofile-dir={profile}", "-fprofile-partial-training", "-Wno-missing-profile"]
            self._compile(compiler, base, use, link=False)
        except Exception as exc:  # any failure of the profile run: build without one
            print(f"wirewash: compiling the core without a profile ({exc})", file=sys.stderr)
            self._compile(compiler, base, [], link=False)
            return
        print(f"wirewash: compiled the core profile-guided ({trained})", file=sys.stderr)

    def _no_profile(self) -> str | None:
        """Why this build is not profile-guided: '' when switched off, a reason, or None (it is)."""
        if _off("WIREWASH_PGO") or not self.extensions:
            return ""
        if sys.platform == "win32" or self.inplace:
            return "profile-guided builds are made for wheels on POSIX systems"
        if not TRAINER.is_file() or not (HERE / "tests" / "cases").is_dir():
            return "the training inputs (bench/pgo_train.py, tests/cases) are not in this source tree"
        return _gcc()

    def _compile(
        self, compiler: Any, base: list[tuple[list[str], list[str]]], flags: list[str], link: bool = True
    ) -> None:
        """build_ext's run, again, with ``flags`` added to the compiler's (and to the linker's if ``link``)."""
        self.compiler = compiler
        for ext, (compile_args, link_args) in zip(self.extensions, base, strict=True):
            ext.extra_compile_args = [*compile_args, *flags]
            ext.extra_link_args = [*link_args, *(flags if link else [])]
        self.force = True  # the second pass rebuilds what the first built
        super().run()

    def _train(self, profile: Path) -> str:
        """Run the instrumented core on the training inputs; returns what it ran on."""
        (shared,) = (ext for ext in self.extensions if "." not in ext.name)  # mypyc's library, at the top
        top = Path(self.get_ext_fullpath(shared.name)).resolve().parent
        if not (top / "pipeline" / "__init__.py").is_file():
            raise RuntimeError(f"the built package is not in {top}")
        path = os.pathsep.join([str(top), *filter(None, [os.environ.get("PYTHONPATH")])])
        # no __pycache__ left in the package the wheel is made from
        env = {**os.environ, "PYTHONPATH": path, "PYTHONDONTWRITEBYTECODE": "1"}
        run = subprocess.run(
            [sys.executable, str(TRAINER), str(HERE)],
            cwd=top,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        if run.returncode != 0:
            last = (run.stderr.strip().splitlines() or [f"exit {run.returncode}"])[-1]
            raise RuntimeError(f"the profile run failed: {last}")
        if not any(profile.rglob("*.gcda")):
            raise RuntimeError(f"the profile run wrote no profile to {profile}")
        return run.stdout.strip().splitlines()[-1]


setup(
    ext_modules=ext_modules(),
    cmdclass={"build_ext": AllOrNothing},
    # the profile run's imports, for an isolated build (pip's default); setuptools' build backend
    # passes them to pip as build requirements (PEP 517 get_requires_for_build_wheel)
    setup_requires=[] if _off("WIREWASH_COMPILE") or _off("WIREWASH_PGO") else _requirements(CORE_LIBRARIES),
)
