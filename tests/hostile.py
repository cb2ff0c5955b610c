"""A corpus of hostile input records: each yields a clean article or a dead letter with a specific code.

Used offline (handler, `wirewash clean`) and against the running worker (integration).
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson

from pipeline.codec import frame

MB = 1024 * 1024


@dataclass(frozen=True)
class Hostile:
    name: str
    value: bytes | None
    expect: str  # "article" or an error code
    pathological: bool = False  # costs no more than a small multiple of ordinary copy per byte


def item(i: str, body: str, **kw: object) -> bytes:
    return orjson.dumps({"id": i, "source": "hostile", "body": body, **kw})


STORY = "Officials said the bridge would reopen to traffic next week after repairs were completed."
XML_BOMB = (
    '<?xml version="1.0"?><!DOCTYPE nitf [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
    + "]><nitf><body><body.content><p>&j;</p></body.content></body></nitf>"
).encode()
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE nitf [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b"<nitf><body><body.content><p>&x;</p></body.content></body></nitf>"
)


def corpus(include_huge: bool = True) -> list[Hostile]:
    c = [
        Hostile("not-json", b"this is not json", "invalid_json"),
        Hostile("truncated-json", b'{"id": "h-trunc", "source": "x", "body": "abc', "invalid_json"),
        Hostile("json-array", b"[1, 2, 3]", "not_an_object"),
        Hostile("json-string", b'"just a string"', "not_an_object"),
        Hostile("json-null", b"null", "not_an_object"),
        Hostile("missing-id", orjson.dumps({"source": "x", "body": STORY}), "missing_field"),
        Hostile("missing-body", orjson.dumps({"id": "h-nobody", "source": "x"}), "missing_field"),
        Hostile("missing-source", orjson.dumps({"id": "h-nosource", "body": STORY}), "missing_field"),
        Hostile("id-wrong-type", orjson.dumps({"id": 12345, "source": "x", "body": STORY}), "wrong_type"),
        Hostile("body-number", orjson.dumps({"id": "h-bodynum", "source": "x", "body": 42}), "wrong_type"),
        Hostile(
            "body-object",
            orjson.dumps({"id": "h-bodyobj", "source": "x", "body": {"text": STORY}}),
            "wrong_type",
        ),
        Hostile("meta-wrong-type", item("h-meta", STORY, meta={"n": 1}), "wrong_type"),
        Hostile("id-too-long", item("x" * 600, STORY), "id_too_long"),
        Hostile("empty-body", item("h-empty", ""), "empty_body"),
        Hostile("whitespace-body", item("h-ws", " \n\t\n "), "empty_body"),
        Hostile("bad-content-type", item("h-ctype", STORY, content_type="application/pdf"), "invalid_field"),
        Hostile("bad-date", item("h-date", STORY, published_at="last tuesday"), "invalid_field"),
        Hostile("bad-language", item("h-lang", STORY, language="not a tag!"), "invalid_field"),
        Hostile("schema-v2", item("h-v2", STORY, schema_version="2"), "unsupported_schema_version"),
        Hostile("invalid-utf8", b'{"id": "h-utf8", "source": "x", "body": "\xff\xfe\xfd"}', "invalid_utf8"),
        Hostile(
            "latin1-bytes",
            '{"id": "h-latin1", "source": "x", "body": "café"}'.encode("latin-1"),
            "invalid_utf8",
        ),
        Hostile("lone-surrogate", b'{"id": "h-surr", "source": "x", "body": "a \\udc80 b"}', "invalid_unicode"),
        Hostile("nested-10000", b"[" * 10000 + b"]" * 10000, "json_too_deep"),
        Hostile("nested-objects", b'{"a":' * 5000 + b"1" + b"}" * 5000, "json_too_deep"),
        Hostile("empty-value", b"", "empty_message"),
        Hostile("bad-frame", b"\x00\x00\x01", "invalid_framing"),
        Hostile("body-over-char-limit", item("h-longbody", "word " * 500_000), "body_too_large"),
        # records that must come out as articles
        Hostile(
            "boilerplate-only",
            item("h-bponly", "(With inputs from agencies)\n\nADVERTISEMENT\n\nFollow us on Twitter"),
            "article",
        ),
        Hostile("nul-bytes", item("h-nul", "Offi\x00cials said\x00 the bridge\x00 would reopen."), "article"),
        Hostile(
            "control-chars",
            item("h-ctrl", "Officials\x1b[31m said\x07 the bridge would reopen\x08."),
            "article",
        ),
        Hostile(
            "html-script-style-iframe",
            item(
                "h-html",
                "<style>p{}</style><p>" + STORY + "</p><script>alert(1)</script><iframe src=x>t</iframe>"
                "<p onclick='x()'>More &amp; more.</p>",
                content_type="text/html",
            ),
            "article",
        ),
        Hostile(
            "html-unclosed",
            item("h-html2", "<div><p>" + STORY + "<p><b>bold <i>italic", content_type="text/html"),
            "article",
        ),
        Hostile(
            "html-deep",
            item("h-html3", "<div>" * 20000 + STORY + "</div>" * 20000, content_type="text/html"),
            "article",
            True,
        ),
        Hostile("html-entity-flood", item("h-ent", "&amp;" * 200_000, content_type="text/html"), "article", True),
        Hostile(
            "million-char-line",
            item("h-1m", ("Officials said the bridge would reopen " * 25_000)[:1_000_000]),
            "article",
            True,
        ),
        Hostile("space-runs", item("h-spaces", "Officials" + " " * 500_000 + "said."), "article", True),
        Hostile("quote-runs", item("h-quotes", STORY + " " + "“" * 200_000 + "”" * 200_000), "article", True),
        Hostile("bracket-runs", item("h-brackets", STORY + "(" * 300_000 + ")" * 300_000), "article", True),
        Hostile("is-fragments", item("h-is", STORY + " Is." * 100_000), "article", True),
        Hostile("newline-runs", item("h-newlines", STORY + "\n" * 300_000 + STORY), "article", True),
        Hostile("dot-runs", item("h-dots", STORY + "." * 500_000), "article", True),
        Hostile("signoff-bait", item("h-bait", STORY + " -- " * 200_000 + "PTI"), "article", True),
        Hostile("word-soup", item("h-soup", ("Was done. Used to do. Is. ”“. " * 40_000)), "article", True),
        Hostile(
            "bidi-zero-width",
            item("h-bidi", "Offi\u200bcials\u202e said\u200f the\u2066 bridge\ufeff would reopen."),
            "article",
        ),
        Hostile(
            "mixed-scripts",
            item("h-mixed", STORY + " Официальные лица сказали. अधिकारियों ने कहा। 官员说。"),
            "article",
        ),
        Hostile("emoji", item("h-emoji", STORY + " 🚧🌉 👨\u200d👩\u200d👧 🇮🇳"), "article"),
        Hostile("bom-prefixed", b"\xef\xbb\xbf" + item("h-bom", STORY), "article"),
        Hostile("framed", frame(item("h-framed", STORY), 7), "article"),
        Hostile("unknown-fields", item("h-extra", STORY, extra={"deep": [1, 2, 3]}, priority=5), "article"),
        # wire documents (issue 19): hostile XML never expands, fetches or recurses; HTML sent as text is parsed
        Hostile("xml-entity-bomb", XML_BOMB, "xml_entities_forbidden", True),
        Hostile("xml-external-entity", XXE, "xml_entities_forbidden"),
        Hostile("xml-deep", b"<nitf><body><body.content>" + b"<block>" * 50_000 + b"</nitf>", "xml_too_deep", True),
        Hostile("xml-unknown-encoding", b'<?xml version="1.0" encoding="x-none"?><nitf/>', "unknown_encoding"),
        Hostile("xml-broken", b"<nitf><body><body.content><p>x</body></nitf>", "invalid_xml"),
        Hostile(
            "xml-wrapped-bomb",
            item("h-wrapbomb", XML_BOMB.decode(), content_type="application/nitf+xml"),
            "xml_entities_forbidden",
        ),
        Hostile(
            "feed-without-items", b'<rss version="2.0"><channel><title>t</title></channel></rss>', "empty_document"
        ),
        Hostile("html-as-plain-text", item("h-htmltext", f"<p>{STORY}</p><script>alert(1)</script>"), "article"),
    ]
    if include_huge:
        c.append(Hostile("body-20mb", item("h-20mb", "x" * (20 * MB)), "message_too_large"))
    return c
