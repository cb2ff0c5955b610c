"""``text/html`` bodies to paragraphs, with every character traced back to the markup.

Uses the standard library's HTML parser (lenient, no network, no C extension) with
character references left undecoded, so that each text node and entity can be mapped
to its exact position in the received markup.
"""

from __future__ import annotations

import html as _html
import re
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any, Final

from pipeline.core.rules import Rule
from pipeline.core.textmap import SourceMap

BLOCK_TAGS: Final = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "header",
        "footer",
        "main",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "blockquote",
        "pre",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "td",
        "th",
        "hr",
        "address",
        "center",
        "details",
        "summary",
    ]
)
NOISE_TAGS: Final = frozenset(
    [
        "script",
        "style",
        "noscript",
        "iframe",
        "figcaption",
        "svg",
        "template",
        "object",
        "embed",
        "canvas",
        "video",
        "audio",
        "button",
        "select",
        "textarea",
        "map",
        "head",
        "title",
        "aside",  # related links, pull quotes that repeat the story, author boxes
    ]
)
# social-media embeds arrive as blockquotes carrying the platform's class
_EMBED_CLASSES: Final = (
    "twitter-tweet",
    "twitter-video",
    "instagram-media",
    "tiktok-embed",
    "reddit-embed",
    "fb-xfbml",
)
VOID_TAGS: Final = frozenset(
    ["br", "img", "hr", "meta", "link", "input", "source", "track", "wbr", "area", "base", "col", "embed", "param"]
)

_WS: Final = re.compile(r"\s+")
_ENTITY_EXTENT: Final = re.compile(r"&#?[A-Za-z0-9]+;?")


@dataclass
class HtmlResult:
    """Text extracted from markup, its map back to the markup, and what was dropped."""

    text: str
    map: SourceMap
    noise: list[tuple[int, int]] = field(default_factory=list)  # source spans of dropped noise text
    entities: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, decoded)


class _Extractor(HTMLParser):
    def __init__(self, source: str):
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0]
        for m in re.finditer("\n", source):
            self.line_starts.append(m.end())
        # runs: (dst_start, dst_len, src_start, src_len, copy)
        self.pieces: list[str] = []
        self.runs: list[tuple[int, int, int, int, bool]] = []
        self.out_len = 0
        self.noise_depth = 0
        self.pre_depth = 0
        self.noise: list[tuple[int, int]] = []
        self.embeds: list[bool] = []  # open blockquotes: is each a social-media embed?
        self.entities: list[tuple[int, int, str]] = []
        self.pending_break = ""  # "", "\n" or "\n\n"
        self._entity_run: list[Any] | None = None
        self.pending_space = False

    def _abs(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _entity_at(self, start: int, decoded: str) -> None:
        m = _ENTITY_EXTENT.match(self.source, start)
        end = m.end() if m else start + 1
        if self.noise_depth:
            return
        if decoded.isspace():
            self.pending_space = True
            return
        run = self._entity_run
        if run is not None and run[1] == start and not self.pending_space and not self.pending_break:
            # coalesce a run of adjacent entities into one recorded change
            run[1] = end
            run[2].append(decoded)
        else:
            self._flush_entities()
            self._entity_run = [start, end, [decoded]]
        self._emit(decoded, start, end - start, False)

    def _flush_entities(self) -> None:
        if self._entity_run is not None:
            s0, e0, parts = self._entity_run
            self.entities.append((s0, e0, "".join(parts)))
            self._entity_run = None

    def _emit(self, text: str, src: int, src_len: int, copy: bool) -> None:
        if not text:
            return
        if self.out_len:
            if self.pending_break:
                self._emit_sep(self.pending_break, src)
            elif self.pending_space:
                self._emit_sep(" ", src)
        self.pending_break = ""
        self.pending_space = False
        self.pieces.append(text)
        self.runs.append((self.out_len, len(text), src, src_len, copy))
        self.out_len += len(text)

    def _emit_sep(self, sep: str, src: int) -> None:
        self.pieces.append(sep)
        self.runs.append((self.out_len, len(sep), src, 0, False))
        self.out_len += len(sep)

    def _break(self, kind: str) -> None:
        if len(kind) > len(self.pending_break):
            self.pending_break = kind

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "blockquote":
            cls = " ".join(v for k, v in attrs if k == "class" and v)
            embed = any(c in cls for c in _EMBED_CLASSES)
            self.embeds.append(embed)
            if embed:
                self.noise_depth += 1
                return
        if tag in NOISE_TAGS:
            self.noise_depth += 1
        elif tag == "br":
            self._break("\n")
        elif tag in BLOCK_TAGS:
            self._break("\n\n")
            if tag == "pre":
                self.pre_depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._break("\n")
        elif tag in BLOCK_TAGS:
            self._break("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "blockquote" and self.embeds and self.embeds.pop():
            self.noise_depth = max(0, self.noise_depth - 1)
            return
        if tag in NOISE_TAGS:
            self.noise_depth = max(0, self.noise_depth - 1)
        elif tag in BLOCK_TAGS:
            self._break("\n\n")
            if tag == "pre":
                self.pre_depth = max(0, self.pre_depth - 1)

    def handle_data(self, data: str) -> None:
        start = self._abs()
        if self.noise_depth:
            if data.strip():
                self.noise.append((start, start + len(data)))
            return
        if self.pre_depth:
            self._emit(data, start, len(data), True)
            return
        pos = 0
        for m in _WS.finditer(data):
            if m.start() > pos:
                self._emit(data[pos : m.start()], start + pos, m.start() - pos, True)
            self.pending_space = True
            pos = m.end()
        if pos < len(data):
            self._emit(data[pos:], start + pos, len(data) - pos, True)

    def handle_entityref(self, name: str) -> None:
        self._entity_at(self._abs(), _unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        self._entity_at(self._abs(), _unescape(f"&#{name};"))


@lru_cache(maxsize=4096)
def _unescape(ref: str) -> str:
    return _html.unescape(ref)


def html_to_text(source: str) -> HtmlResult:
    """Turn an HTML fragment into paragraphs; decode entities; drop script, style and caption noise.

    >>> r = html_to_text("<p>Kyiv &amp; Moscow</p><script>x()</script><p>Next<br>line</p>")
    >>> r.text
    'Kyiv & Moscow\\n\\nNext\\nline'
    >>> r.noise, r.map.span(5, 6)
    ([(32, 35)], (8, 13))
    """
    parser = _Extractor(source)
    try:
        parser.feed(source)
        parser.close()
        parser._flush_entities()
    except (AssertionError, ValueError):  # pragma: no cover - the parser is lenient; belt and braces
        pass
    text = "".join(parser.pieces)
    return HtmlResult(
        text=text,
        map=SourceMap(parser.runs, len(text), len(source)),
        noise=parser.noise,
        entities=parser.entities,
    )


def drop_html_noise(result: HtmlResult) -> list[tuple[int, int]]:
    """Text inside script, style, iframe, figcaption, aside and social-media embeds is not story text.

    >>> drop_html_noise(html_to_text("<p>a</p><figcaption>Photo: AP</figcaption>"))
    [(20, 29)]
    """
    return result.noise


HTML_TO_TEXT: Final = Rule(
    "H001-html-to-text",
    "normalise",
    "html",
    html_to_text,
    example="<p>One &amp; two</p><p>Three</p>",
    description="Turn an HTML fragment into paragraphs; decode entities; drop script, style and caption noise.",
)
HTML_NOISE: Final = Rule(
    "H002-html-noise",
    "normalise",
    "html",
    drop_html_noise,
    example="<script>track()</script>",
    description="Text inside script, style, iframe, figcaption, aside and social-media embeds is not story text.",
)
