"""The profile run of the profile-guided build (``setup.py``): run the instrumented core as the worker does.

``python bench/pgo_train.py SOURCE_DIR``, with the built package first on ``PYTHONPATH``. Every
body of ``SOURCE_DIR``'s own cases (``tests/cases``: case bodies, the boilerplate scorer's
synthetic stories, glued-credit paragraphs and event sentences) and seeds (``seeds/``) is cleaned
with a per-source learned-boilerplate memory and, when English, has its events extracted —
``pipeline.process.process_item``'s calls, without its pydantic models (an isolated build has only
the core's libraries). Every fifth story is also cleaned as HTML. Not the bench's articles: the
profile must not be fitted to what ``make bench-compare`` times.

gcc writes the profile when the process exits; the last line of output says what was run.
"""

from __future__ import annotations

import html
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pipeline
from pipeline.core.clean import clean_body
from pipeline.core.events import compiled, extract_events
from pipeline.learning import LearnedMemory

GROUP = 8  # single sentences and paragraphs of the cases, this many to a body
HTML_EVERY = 5  # every fifth story (the first, the sixth, ...) is cleaned as HTML too


class Item(NamedTuple):
    source: str
    body: str
    content_type: str
    headline: str | None
    language: str | None


def _objects(value: Any) -> Iterator[dict[str, Any]]:
    """Every object of a case file, outer ones first."""
    if isinstance(value, dict):
        yield value
        for v in value.values():
            yield from _objects(v)
    elif isinstance(value, list):
        for v in value:
            yield from _objects(v)


def _text(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    return value if isinstance(value, str) and value else None


def items(root: Path) -> list[Item]:
    """The training bodies of a source tree, in a fixed order."""
    out: list[Item] = []
    stories = 0
    for path in sorted((root / "tests" / "cases").rglob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        source = path.stem
        loose: dict[str, list[str]] = {"sentence": [], "paragraph": []}
        for obj in _objects(doc):
            for key, found in loose.items():
                if (one := _text(obj, key)) is not None:
                    found.append(one)
            headline, language = _text(obj, "headline"), _text(obj, "language")
            body = _text(obj, "body")
            paragraphs = obj.get("paragraphs")
            if body is None and isinstance(paragraphs, list) and all(isinstance(p, str) for p in paragraphs):
                body = "\n\n".join(paragraphs)
                if stories % HTML_EVERY == 0:
                    html_body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
                    out.append(Item(source, f"<div>{html_body}</div>", "text/html", headline, language))
                stories += 1
            if body is not None:
                out.append(Item(source, body, _text(obj, "content_type") or "text/plain", headline, language))
        for found in loose.values():
            for i in range(0, len(found), GROUP):
                out.append(Item(source, "\n\n".join(found[i : i + GROUP]), "text/plain", None, None))
    for path in sorted((root / "seeds").glob("*.json")):
        seed = json.loads(path.read_text(encoding="utf-8"))
        out.append(
            Item(
                str(seed.get("source") or "seeds"),
                str(seed["body"]),
                str(seed.get("content_type") or "text/plain"),
                seed.get("headline"),
                seed.get("language"),
            )
        )
    return out


def train(found: list[Item]) -> int:
    """Clean every item and extract its events as the worker would; returns the events found."""
    memory = LearnedMemory(min_articles=3)
    events = 0
    for i, item in enumerate(found):
        article_id = f"train-{i}"
        result = clean_body(
            item.body,
            item.content_type,
            item.headline,
            memory.lookup(item.source, article_id),
            language=item.language,
        )
        memory.record(item.source, article_id, result.fingerprints)
        if result.body and result.language in (None, "en"):
            subheads = [(s.start, s.end) for s in result.subheads]
            events += len(
                extract_events(result.body, None, headline=result.headline, subheads=subheads, dateline=result.dateline)
            )
    return events


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: pgo_train.py SOURCE_DIR", file=sys.stderr)
        return 2
    if not compiled():
        print(f"the core imported from {Path(pipeline.__file__).parent} is not compiled", file=sys.stderr)
        return 1
    found = items(Path(argv[1]))
    if not found:
        print(f"no training bodies under {argv[1]}", file=sys.stderr)
        return 1
    events = train(found)
    print(f"trained on {len(found)} bodies of the repository's cases and seeds, {events} events")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
