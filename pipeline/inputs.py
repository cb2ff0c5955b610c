"""Files and standard input to input records, for ``wirewash clean``, ``publish`` and ``parse``.

A file is FeedItem JSON (``.json`` object or list, ``.jsonl``), a ninjs document, a wire
document recognised by its content (NITF, NewsML-G2, NewsML 1.2, ANPA 1312, RSS, Atom, with
or without a file name suffix), or else a plain-text or HTML body (wrapped into a FeedItem
whose id is the file name).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from pipeline.formats import FORMAT_MEDIA_TYPE, FormatError, is_ninjs, parse_document
from pipeline.formats.detect import sniff

SUFFIXES = (
    ".json", ".jsonl", ".txt", ".html", ".htm", ".xml", ".nitf", ".newsml", ".g2", ".rss", ".atom", ".tst", ".anpa",
    ".ninjs", "",  # wire files often have no suffix at all
)  # fmt: skip
DOCUMENTS = ("nitf", "g2", "newsml1", "feed", "anpa")


@dataclass
class Input:
    """One input record: where it came from, its value, key and headers."""

    where: str
    value: bytes
    key: bytes | None = None
    headers: list[tuple[str, bytes]] = field(default_factory=list)


class InputError(Exception):
    pass


def _paths(paths: tuple[str, ...]) -> Iterator[Path]:
    for p in map(Path, paths):
        if p.is_dir():
            for q in sorted(p.rglob("*")):
                if q.is_file() and not q.name.startswith(".") and (q.suffix.lower() in SUFFIXES or _is_document(q)):
                    yield q
        elif p.exists():
            yield p
        else:
            raise InputError(f"no such file or directory: {p}")


def _is_document(path: Path) -> bool:
    """A file of another suffix (``tag_reuters.com,2014_newsml_…``) that is a wire document by its content."""
    with path.open("rb") as f:
        return sniff(f.read(8192)) in DOCUMENTS


def _json_inputs(where: str, data: bytes, key: bytes | None) -> Iterator[Input]:
    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError:
        yield Input(where, data, key)
        return
    if isinstance(obj, list) and not (obj and is_ninjs(obj[0])):
        for n, it in enumerate(obj, 1):
            yield Input(f"{where}[{n}]", orjson.dumps(it))
    else:
        yield Input(where, data, key)


def read_inputs(paths: tuple[str, ...], source: str = "file") -> Iterator[Input]:
    """Every input record of the files (documents keep their bytes; a file name is the key)."""
    for path in _paths(paths):
        suffix = path.suffix.lower()
        data = path.read_bytes()
        key = path.stem.encode("utf-8")
        if suffix == ".jsonl":
            for n, line in enumerate(data.splitlines(), 1):
                if line.strip():
                    yield Input(f"{path}:{n}", line)
            continue
        found = sniff(data)
        if suffix == ".json" or found == "json":
            yield from _json_inputs(str(path), data, key)
        elif found in DOCUMENTS:
            yield Input(str(path), data, key, [("content-type", FORMAT_MEDIA_TYPE[found].encode())])
        elif found == "xml" or b"\x00" in data[:8192]:  # XML of no known format, or binary: dead-lettered
            kind = b"application/xml" if found == "xml" else b"application/octet-stream"
            yield Input(str(path), data, key, [("content-type", kind)])
        else:
            yield Input(str(path), _text_item(data, path.stem, source, suffix in (".html", ".htm") or found == "html"))


def _text_item(data: bytes, item_id: str, source: str, html: bool) -> bytes:
    """A FeedItem for plain text or HTML. Bytes that are not UTF-8 are passed on as they are: the
    handler makes them an ``invalid_utf8`` dead letter, as the worker does for such a record."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    item = {"id": item_id, "source": source, "body": text, "content_type": "text/html" if html else "text/plain"}
    return orjson.dumps(item)


def stdin_inputs(source: str = "file") -> Iterator[Input]:
    """Standard input: one JSON object or array, JSON lines, one wire document, or else plain text
    or HTML (one item, as a .txt or .html file would be)."""
    data = sys.stdin.buffer.read()
    stripped = data.strip()
    if not stripped:
        return
    found = sniff(stripped)
    if found in DOCUMENTS:
        yield Input("<stdin>", stripped)
        return
    if stripped.startswith((b"{", b"[")):
        if b"\n{" not in stripped:
            yield from _json_inputs("<stdin>", stripped, None)
            return
        lines = [ln for ln in data.splitlines() if ln.strip()]
        if all(ln.lstrip().startswith(b"{") for ln in lines):  # JSON lines (a bad one is a dead letter)
            for n, line in enumerate(data.splitlines(), 1):
                if line.strip():
                    yield Input(f"<stdin>:{n}", line)
            return
    yield Input("<stdin>", _text_item(data, "stdin", source, found == "html" or stripped[:1] == b"<"))


def per_item(inp: Input) -> list[Input]:
    """A wire document as one record per item (the item alone as a document, keyed by its id).

    FeedItem JSON and documents that cannot be split (a feed that is not well-formed XML) stay one record.
    """
    ctype = dict(inp.headers).get("content-type")
    if ctype is None and not (inp.value.lstrip()[:1] == b"{" and is_ninjs(_loads(inp.value))):
        return [inp]
    try:
        _fmt, items = parse_document(inp.value, ctype.decode() if ctype else "application/ninjs+json")
    except FormatError:
        return [inp]
    if any(p.document is None for p in items):
        only = items[0].fields.get("id") if len(items) == 1 else None
        return [Input(inp.where, inp.value, only.encode("utf-8") if only else inp.key, inp.headers)]
    out = []
    for n, p in enumerate(items, 1):
        assert p.document is not None
        key = p.fields.get("id")
        media = (p.media_type or "application/octet-stream").encode()
        out.append(
            Input(f"{inp.where}#{n}", p.document, key.encode("utf-8") if key else None, [("content-type", media)])
        )
    return out


def _loads(b: bytes) -> Any:
    try:
        return orjson.loads(b)
    except orjson.JSONDecodeError:
        return None


def now_ms() -> int:
    return int(datetime.now(UTC).timestamp() * 1000)
