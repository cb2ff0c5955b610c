"""The wire contract as Markdown tables, generated from the models (kept in the README).

Every field with its JSON type, whether it is required, its default and its description, for
the top-level records and the objects nested in them; and the dead-letter error codes. The
README's tables are these (``make readme`` rewrites them, a test fails when they drift), so
what the README says a record holds is what the model accepts and emits.
"""

from __future__ import annotations

import types
from datetime import date, datetime
from enum import Enum
from typing import Any, Literal, Union, get_args, get_origin

from annotated_types import Ge, Le, MaxLen, MinLen
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from pipeline.models.deadletter import ERROR_DESCRIPTIONS, ErrorCode


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "\\<").replace("\n", " ")


def _nested(annotation: Any) -> list[type[BaseModel]]:
    """The models an annotation refers to (``list[Removal]``, ``Participant | None``...)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _nested(arg)]


def json_type(annotation: Any) -> str:
    """How a field's type reads in JSON.

    >>> from typing import Literal
    >>> json_type(int | None), json_type(list[str]), json_type(Literal["a", "b"]), json_type(dict[str, str])
    ('integer or null', 'list of string', '`"a"` or `"b"`', 'object of string')
    """
    if annotation is Any:
        return "any JSON value"
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = get_args(annotation)
        real = [a for a in args if a is not type(None)]
        if set(real) == {int, float}:
            text = "number"
        else:
            text = " or ".join(json_type(a) for a in real)
        return f"{text} or null" if len(real) < len(args) else text
    if origin is Literal:
        return " or ".join(f'`"{v}"`' for v in get_args(annotation))
    if origin is list:
        return f"list of {json_type(get_args(annotation)[0])}"
    if origin is dict:
        value = get_args(annotation)[1]
        return "object" if value is Any else f"object of {json_type(value)}"
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return f"`{annotation.__name__}`"
        if issubclass(annotation, Enum):
            return "string (a code below)"
        if issubclass(annotation, bool):
            return "boolean"
        if issubclass(annotation, int):
            return "integer"
        if issubclass(annotation, float):
            return "number"
        if issubclass(annotation, str):
            return "string"
        if issubclass(annotation, datetime):
            return "date-time (ISO 8601)"
        if issubclass(annotation, date):
            return "date (YYYY-MM-DD)"
    raise TypeError(f"no JSON name for {annotation!r}")  # a new kind of field: name it here


def _bounds(f: FieldInfo) -> str:
    """The length or value bounds of a field, as prose."""
    lo: object = None
    hi: object = None
    length = False
    for m in f.metadata:
        if isinstance(m, MinLen):
            lo, length = m.min_length, True
        elif isinstance(m, MaxLen):
            hi, length = m.max_length, True
        elif isinstance(m, Ge):
            lo = m.ge
        elif isinstance(m, Le):
            hi = m.le
    unit = " chars" if length else ""
    if lo is not None and hi is not None:
        return f"{lo}–{hi}{unit}"
    if hi is not None:
        return f"≤ {hi}{unit}"
    if lo is not None and (length or lo != 0):
        return f"≥ {lo}{unit}"
    return ""


def _default(f: FieldInfo) -> str:
    if f.default_factory is not None:
        value: Any = f.default_factory()  # type: ignore[call-arg]
    else:
        value = f.default
    if value is None:
        return "`null`"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, str):
        return f'`"{value}"`'
    if isinstance(value, list):
        return "`[]`"
    if isinstance(value, dict):
        return "`{}`"
    return f"`{value}`"


def field_table(model: type[BaseModel]) -> str:
    """One model's fields: name, JSON type (and bounds), required, default, description."""
    rows = ["| field | type | required | default | description |", "|---|---|---|---|---|"]
    for name, f in model.model_fields.items():
        required = f.is_required()
        kind = json_type(f.annotation)
        bounds = _bounds(f)
        if bounds:
            kind = f"{kind}, {bounds}"
        default = "" if required else _default(f)
        rows.append(
            f"| `{name}` | {_cell(kind)} | {'**yes**' if required else 'no'} | {_cell(default)} | "
            f"{_cell(f.description or '')} |"
        )
    return "\n".join(rows)


def _summary(model: type[BaseModel]) -> str:
    return " ".join((model.__doc__ or "").strip().split("\n\n")[0].split())


def record_tables(model: type[BaseModel]) -> str:
    """A record's table, then one table per object nested in it, in order of first use."""
    nested: list[type[BaseModel]] = []
    todo = [model]
    while todo:
        m = todo.pop(0)
        for f in m.model_fields.values():
            for n in _nested(f.annotation):
                if n not in nested and n is not model:
                    nested.append(n)
                    todo.append(n)
    parts = [field_table(model)]
    for n in nested:
        parts.append(f"`{n.__name__}`: {_summary(n)}\n\n{field_table(n)}")
    return "\n\n".join(parts)


def error_code_table() -> str:
    """The dead-letter error codes and what each means."""
    rows = ["| error_code | meaning |", "|---|---|"]
    rows += [f"| `{c.value}` | {_cell(ERROR_DESCRIPTIONS[c])} |" for c in ErrorCode]
    return "\n".join(rows)
