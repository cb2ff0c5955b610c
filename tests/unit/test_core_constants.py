"""The compiled core's module-level constants are Final.

mypyc keeps a Final module name in a C static; any other module-level name is looked up in the
module's globals dict at every use (a dict lookup, and a cache line the article's work evicts).
Every name a compiled module binds once, at its top level, to a value that is no type, is Final
(a name a function rebinds, ``global``, is not).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMPILED = re.findall(r'"(pipeline/core/[\w/]+\.py)"', (ROOT / "setup.py").read_text(encoding="utf-8"))
_TYPE_CALLS = {"TypeVar", "NewType", "ParamSpec"}
_TYPE_HEADS = {"Callable", "Union", "Optional", "Literal", "dict", "list", "tuple", "set", "frozenset", "type"}


def _is_type(value: ast.expr) -> bool:
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
        return value.func.id in _TYPE_CALLS
    return isinstance(value, ast.Subscript) and isinstance(value.value, ast.Name) and value.value.id in _TYPE_HEADS


def _bound_once(tree: ast.Module) -> dict[str, int]:
    """How often each name is bound at the top level (a name a function declares global: twice)."""
    counts: dict[str, int] = {}
    for n in ast.walk(tree):
        if isinstance(n, ast.Global):
            for name in n.names:
                counts[name] = counts.get(name, 0) + 1
    for node in tree.body:
        for n in ast.walk(node) if not isinstance(node, ast.FunctionDef | ast.ClassDef) else [node]:
            name = None
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
                name = n.id
            elif isinstance(n, ast.FunctionDef | ast.ClassDef):
                name = n.name
            if name is not None:
                counts[name] = counts.get(name, 0) + 1
    return counts


def test_the_compiled_modules_are_the_ones_setup_compiles() -> None:
    assert len(COMPILED) > 20
    assert "pipeline/core/chrome.py" in COMPILED


def test_every_module_level_constant_of_the_compiled_core_is_final() -> None:
    missing = []
    for rel in COMPILED:
        tree = ast.parse((ROOT / rel).read_text(encoding="utf-8"))
        counts = _bound_once(tree)
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                name, final = node.targets[0].id, False
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
                name = node.target.id
                final = ast.unparse(node.annotation).startswith("Final")
            else:
                continue
            if final or name.startswith("__") or counts.get(name) != 1 or _is_type(node.value):
                continue
            missing.append(f"{rel}:{node.lineno} {name}")
    assert missing == []
