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

Compiled functions lose their ``__doc__``: nothing may read one at run time (a rule states its
description, see :class:`pipeline.core.rules.Rule`). The result types callers receive
(``pipeline/core/results.py``, ``pipeline/core/events/model.py``) stay Python classes: orjson
reads a compiled class's unboxed fields (a ``float``) as object pointers and crashes.
"""

from __future__ import annotations

import os
import sys
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


def ext_modules() -> list[Any]:
    if os.environ.get("WIREWASH_COMPILE", "1").strip().lower() in ("0", "false", "no", "off"):
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
            for ext in exts:
                ext.extra_compile_args.append("-fvisibility=hidden")
    except (SystemExit, Exception) as exc:  # mypy missing or a type error: build pure Python
        print(f"wirewash: not compiling the core ({exc!r}); installing pure Python", file=sys.stderr)
        return []
    return exts


class AllOrNothing(build_ext):
    """Build every compiled module or none: a module compiled without the shared mypyc library
    (``wirewash_core__mypyc``) would fail to import, so one failure removes them all."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # no compiler, no Python headers, a compile error
            for ext in self.extensions:
                built = self.get_ext_fullpath(ext.name)
                if os.path.exists(built):
                    os.remove(built)
            print(f"wirewash: compiling failed ({exc}); installing pure Python", file=sys.stderr)


setup(ext_modules=ext_modules(), cmdclass={"build_ext": AllOrNothing})
