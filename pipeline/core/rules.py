"""The rule catalogue: every rule has a stable id, a kind, a family and a one-line description.

Rule ids are part of the output contract (they appear in ``removed`` and ``artefacts``),
so an id is never reused for a different behaviour. Kinds:

- ``normalise``: rewrites text (NFC, mojibake, HTML, invisible characters); recorded in
  ``changes`` (rewrites) or ``removed`` (deletions).
- ``layout``: whitespace and line structure only; not recorded per occurrence.
- ``structure``: recognises datelines, bylines and crossheads (may remove bylines).
- ``boilerplate``: removes syndication boilerplate (data rules in ``data/boilerplate.toml``).
- ``learned``: removes paragraphs that repeat across a source's recent articles.
- ``artefact``: flags machine-translation artefacts; removes only high-confidence ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

KINDS = ("normalise", "layout", "structure", "boilerplate", "learned", "artefact")


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """One entry of the catalogue."""

    id: str
    kind: str
    family: str
    description: str
    example: str = ""
    where: str = "anywhere"
    function: str = ""


CATALOGUE: dict[str, RuleInfo] = {}


def register(info: RuleInfo) -> RuleInfo:
    """Add a rule to the catalogue; ids are unique."""
    if info.kind not in KINDS:
        raise ValueError(f"unknown rule kind {info.kind!r}")
    existing = CATALOGUE.get(info.id)
    if existing is not None and existing != info:
        raise ValueError(f"duplicate rule id {info.id}")
    CATALOGUE[info.id] = info
    return info


def rule(rule_id: str, kind: str, family: str, example: str = "", where: str = "anywhere") -> Callable[[F], F]:
    """Decorator: register a rule function under ``rule_id`` (its docstring's first line describes it)."""

    def deco(fn: F) -> F:
        doc = (fn.__doc__ or "").strip().splitlines()
        register(
            RuleInfo(
                id=rule_id,
                kind=kind,
                family=family,
                description=doc[0] if doc else fn.__name__,
                example=example,
                where=where,
                function=f"{fn.__module__}.{fn.__qualname__}",
            )
        )
        fn.rule_id = rule_id  # type: ignore[attr-defined]
        return fn

    return deco


def catalogue() -> list[RuleInfo]:
    """All rules, sorted by id (imports the modules that define them)."""
    from pipeline.core import artefacts, boilerplate, html, layout, learned, normalize, structure, wirelines  # noqa: F401

    boilerplate.known_rules()
    return sorted(CATALOGUE.values(), key=lambda r: r.id)


# line breaks and separators shown as symbols, so the table stays one row per rule in any editor
_VISIBLE = str.maketrans(
    {
        **{chr(c): chr(0x2400 + c) for c in range(0x20)},  # control pictures: ␀ ␁ ...
        "\x7f": "␡",
        "\n": "⏎",
        "\u2028": "␤",
        "\u2029": "¶",
    }
)


def catalogue_markdown(kind: str | None = None) -> str:
    """The rule catalogue as a Markdown table (as in the README)."""
    rows = ["| id | kind | family | where | description | example |", "|---|---|---|---|---|---|"]
    for r in catalogue():
        if kind is not None and r.kind != kind:
            continue
        ex = r.example.replace("|", "\\|").replace("\r\n", "⏎").translate(_VISIBLE)[:70]
        desc = r.description.replace("|", "\\|")
        rows.append(f"| `{r.id}` | {r.kind} | {r.family} | {r.where} | {desc} | `{ex}` |")
    return "\n".join(rows)
