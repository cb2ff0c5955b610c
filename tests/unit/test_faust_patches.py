"""The faust/aiokafka patches: pinned versions, one module, and what each patch does."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

from pipeline.service import faust_patches

ROOT = Path(__file__).resolve().parents[2]


def _pins() -> dict[str, str]:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    out = {}
    for dep in deps:
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*==\s*([0-9][0-9A-Za-z.]*)", dep)
        if m:
            out[m.group(1).lower()] = m.group(2)
    return out


def test_faust_and_aiokafka_are_pinned_to_the_versions_the_patches_were_tested_with() -> None:
    pins = _pins()
    assert {name: pins.get(name) for name in faust_patches.TESTED} == faust_patches.TESTED


def test_the_installed_versions_are_the_tested_ones() -> None:
    """A patch of a private method is only known to be right for the code it was read against."""
    assert faust_patches.version_mismatches() == [], (
        "faust-streaming/aiokafka differ from the versions faust_patches was tested with: re-read every patch "
        "against the new code, run the suite and `make soak`, then update TESTED and the pins"
    )


def test_version_mismatches_names_the_package_and_the_tested_version(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(
        faust_patches, "installed_versions", lambda: {"faust-streaming": "0.16.0", "aiokafka": "0.14.0"}
    )
    assert faust_patches.version_mismatches() == [
        "faust-streaming 0.16.0 (wirewash's patches of its internals are tested with 0.15.3)"
    ]


def test_no_other_module_reaches_into_faust_or_aiokafka_internals() -> None:
    """Private attributes of faust, mode and aiokafka objects are touched in faust_patches only.

    Heuristic but strict: outside faust_patches, no attribute access ``x._name`` in the
    package may name one of the private attributes these libraries define.
    """
    import aiokafka
    import faust
    import mode

    private: set[str] = set()
    for lib in (faust, mode, aiokafka):
        for path in Path(lib.__file__).parent.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(errors="replace"))):
                if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
                    private.add(node.attr)
                elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and re.match(r"_(?!_)", node.name):
                    private.add(node.name)
    offenders = []
    for path in sorted((ROOT / "pipeline").rglob("*.py")):
        if path.name == "faust_patches.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in private:
                if isinstance(node.value, ast.Name) and node.value.id == "self":
                    continue  # wirewash's own classes
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: .{node.attr}")
    assert offenders == []
