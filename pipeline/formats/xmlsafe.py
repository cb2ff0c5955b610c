"""Safe XML: declared encodings honoured; no entity expansion, no external fetch, bounded depth and size.

Documents are decoded here (byte-order mark, then the transport's charset, then the XML
declaration, then UTF-8) and parsed by lxml with entity resolution, DTD loading and network
access off. A document type that declares entities (entity-expansion bombs, external
entities) is refused before parsing; depth and element count are checked while parsing, so a
hostile document stops early.
"""

from __future__ import annotations

import codecs
import html.entities
import re

from lxml import etree

from pipeline.formats.base import FormatError, Limits
from pipeline.models import ErrorCode

_DECL = re.compile(rb"^\s*<\?xml\b[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9._:-]{1,40})[\"']")
_DECL_TEXT = re.compile(r"^\s*<\?xml\b[^>]*\?>")
_ENTITY_DECL = re.compile(r"<!ENTITY", re.IGNORECASE)
_ROOT_START = re.compile(r"<[A-Za-z_]")
_DOCTYPE_DECL = re.compile(r"<!DOCTYPE[^\[>]*(?:\[.*?\]\s*)?>", re.DOTALL | re.IGNORECASE)
_NAMED_REF = re.compile(r"&([A-Za-z][A-Za-z0-9]{1,31});")
_XML_NAMED = frozenset({"amp", "lt", "gt", "quot", "apos"})
_LATIN1 = frozenset({"iso8859-1", "latin-1", "ascii"})  # codec names; read as windows-1252 (as browsers do)
_C1 = re.compile(rb"[\x80-\x9f]")


def decode(data: bytes, charset: str | None = None) -> str:
    """Bytes of an XML document to text, by BOM, transport charset, XML declaration, else UTF-8.

    >>> decode('<?xml version="1.0" encoding="ISO-8859-1"?><p>caf\\xe9</p>'.encode("latin-1"))[-11:]
    '<p>café</p>'
    >>> decode(b'<?xml version="1.0" encoding="x-klingon"?><p/>')
    Traceback (most recent call last):
    ...
    pipeline.formats.base.FormatError: unknown encoding 'x-klingon' (declared by the document)
    """
    if data.startswith(codecs.BOM_UTF8):
        name, body, how = "utf-8", data[3:], "byte-order mark"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        name, body, how = "utf-16", data, "byte-order mark"
    else:
        m = _DECL.match(data[:512])
        if charset:
            name, how = charset, "content type"
        elif m:
            name, how = m.group(1).decode("ascii"), "document"
        else:
            name, how = "utf-8", "default"
        body = data
    try:
        codec = codecs.lookup(name)
    except LookupError:
        raise FormatError(ErrorCode.UNKNOWN_ENCODING, f"unknown encoding {name!r} (declared by the {how})") from None
    codec_name = codec.name
    if codec_name in _LATIN1 and not body.isascii():
        try:  # UTF-8 labelled as Latin-1 (common): multi-byte UTF-8 sequences are never meant as Latin-1 text
            return body.decode("utf-8")
        except UnicodeDecodeError:
            pass
    if codec_name in _LATIN1 and _C1.search(body):
        codec_name = "cp1252"  # ISO-8859-1 labels carry Windows-1252 quotes in practice
    try:
        return body.decode(codec_name)
    except UnicodeDecodeError as exc:
        if codec_name == "cp1252":
            return body.decode("latin-1")
        raise FormatError(
            ErrorCode.INVALID_ENCODING, f"not valid {codec.name} at byte {exc.start} (declared by the {how})"
        ) from None


def _html_refs(text: str) -> str:
    """Named HTML character references (``&nbsp;``, DTD-defined in NITF) as numeric ones XML knows.

    >>> _html_refs("caf&eacute; &amp; &nosuch; &lt;")
    'caf&#233; &amp; &amp;nosuch; &lt;'
    """

    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name in _XML_NAMED:
            return m.group(0)
        cp = html.entities.name2codepoint.get(name)
        return f"&#{cp};" if cp is not None else f"&amp;{name};"  # an unknown reference stays as text

    return _NAMED_REF.sub(sub, text) if "&" in text else text


def parse(text: str, limits: Limits = Limits()) -> etree._Element:
    """Parse decoded XML text safely; raises :class:`FormatError` with the dead-letter code.

    >>> parse("<a><b>x</b></a>").findtext("b")
    'x'
    >>> parse('<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>')
    Traceback (most recent call last):
    ...
    pipeline.formats.base.FormatError: the document type declares entities; wirewash never expands them
    """
    text = _DECL_TEXT.sub("", text, count=1)
    root_at = _ROOT_START.search(text)
    prolog = text[: root_at.start()] if root_at else text
    if _ENTITY_DECL.search(prolog):
        raise FormatError(
            ErrorCode.XML_ENTITIES_FORBIDDEN, "the document type declares entities; wirewash never expands them"
        )
    if root_at is not None:
        # the document type is never read (no DTD is loaded, validated or fetched): drop it
        text = _DOCTYPE_DECL.sub("", prolog, count=1) + text[root_at.start() :]
    text = _html_refs(text)
    parser = etree.XMLPullParser(
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        strip_cdata=True,
        collect_ids=False,
    )
    depth = count = 0
    root: etree._Element | None = None
    try:
        for pos in range(0, max(len(text), 1), 65536):
            parser.feed(text[pos : pos + 65536])
            for event, el in parser.read_events():
                if event == "start":
                    depth += 1
                    count += 1
                    if root is None:
                        root = el
                    if depth > limits.max_depth:
                        raise FormatError(
                            ErrorCode.XML_TOO_DEEP, f"the XML nests deeper than {limits.max_depth} elements"
                        )
                    if count > limits.max_elements:
                        raise FormatError(
                            ErrorCode.XML_TOO_LARGE, f"the XML holds more than {limits.max_elements} elements"
                        )
                else:
                    depth -= 1
        closed = parser.close()
    except etree.XMLSyntaxError as exc:
        msg = str(exc)
        if "Excessive depth" in msg:
            raise FormatError(ErrorCode.XML_TOO_DEEP, f"the XML nests too deep: {msg}") from None
        raise FormatError(ErrorCode.INVALID_XML, f"not well-formed XML: {msg}") from None
    dtd = closed.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise FormatError(
            ErrorCode.XML_ENTITIES_FORBIDDEN, "the document type declares entities; wirewash never expands them"
        )
    return closed


def local(el: etree._Element) -> str:
    """An element's name without its namespace (comments and entities give "")."""
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2] if tag[:1] == "{" else tag.rpartition(":")[2]


def child(el: etree._Element | None, *names: str) -> etree._Element | None:
    """The first descendant along a path of local names (``child(e, "head", "title")``)."""
    cur = el
    for name in names:
        if cur is None:
            return None
        cur = next((c for c in cur if local(c) == name), None)
    return cur


def children(el: etree._Element | None, name: str) -> list[etree._Element]:
    return [] if el is None else [c for c in el if local(c) == name]


def descendants(el: etree._Element | None, name: str) -> list[etree._Element]:
    return [] if el is None else [c for c in el.iter() if local(c) == name]


def text_of(el: etree._Element | None) -> str | None:
    """All text of an element, whitespace collapsed; None when empty."""
    if el is None:
        return None
    t = " ".join("".join(el.itertext()).split())
    return t or None


def attr(el: etree._Element | None, name: str) -> str | None:
    if el is None:
        return None
    for k, v in el.attrib.items():
        if k == name or k.endswith("}" + name):
            v = v.strip()
            return v or None
    return None


def lang(el: etree._Element | None) -> str | None:
    return None if el is None else el.get("{http://www.w3.org/XML/1998/namespace}lang")


def standalone(el: etree._Element) -> bytes:
    """An element as a document of its own (namespaces it uses are declared on it)."""
    return bytes(etree.tostring(el, encoding="utf-8", xml_declaration=True))
