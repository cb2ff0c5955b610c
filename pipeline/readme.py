"""Keep the README's generated blocks (configuration table, rule catalogue, the records' fields and
the dead-letter codes) in sync with the code.

``python -m pipeline.readme`` rewrites them; a test fails when they drift.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path


def blocks() -> dict[str, Callable[[], str]]:
    from pipeline.core.clean import rules
    from pipeline.core.rules import catalogue_markdown
    from pipeline.models import CleanArticle, DeadLetter, Event, FeedItem, Retraction
    from pipeline.models.docs import error_code_table, record_tables
    from pipeline.settings import settings_table

    return {
        "config": settings_table,
        "rules": lambda: catalogue_markdown(rules()),
        "feeditem": lambda: record_tables(FeedItem),
        "cleanarticle": lambda: record_tables(CleanArticle),
        "retraction": lambda: record_tables(Retraction),
        "event": lambda: record_tables(Event),
        "deadletter": lambda: record_tables(DeadLetter),
        "errorcodes": error_code_table,
    }


def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- {name}:start -->\n)(.*?)(<!-- {name}:end -->)", re.S)


def render(text: str) -> str:
    """``text`` with every generated block replaced by its current content."""
    for name, make in blocks().items():
        pat = _pattern(name)
        if not pat.search(text):
            raise ValueError(f"README has no <!-- {name}:start --> ... <!-- {name}:end --> block")
        content = make()

        def replace(m: re.Match[str], c: str = content) -> str:
            return m.group(1) + c + "\n" + m.group(3)

        text = pat.sub(replace, text)
    return text


def main(path: str = "README.md") -> int:
    p = Path(path)
    old = p.read_text(encoding="utf-8")
    new = render(old)
    if new != old:
        p.write_text(new, encoding="utf-8")
        print(f"{path}: generated blocks updated")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
