"""Wire formats in: detection, field mapping, not-for-publication removals, safe XML, multi-item documents.

The documents in tests/formats/ are written for these tests (no vendor sample is copied).
"""

from __future__ import annotations

import http.server
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from pipeline.formats import FormatError, Limits, detect, parse_document
from pipeline.inputs import Input, per_item, read_inputs
from pipeline.intake import Intake, decode_record
from pipeline.models import CleanArticle, ErrorCode
from pipeline.offline import clean_batch

DOCS = Path(__file__).resolve().parents[1] / "formats"


def doc(name: str) -> bytes:
    return (DOCS / name).read_bytes()


def drops(p: Any) -> list[tuple[str, str]]:
    body = p.fields["body"]
    return [(body[s:e], r) for s, e, r in p.drops]


@pytest.mark.parametrize(
    ("name", "media", "fmt"),
    [
        ("nitf_story.xml", None, "nitf"),
        ("g2_newsitem.xml", "application/xml", "g2"),
        ("g2_newsmessage.xml", None, "g2"),
        ("newsml12.xml", "text/xml", "newsml1"),
        ("ninjs1.json", None, "ninjs"),
        ("ninjs2.json", "application/json", "ninjs"),
        ("story.anpa", None, "anpa"),
        ("feed_rss.xml", "application/nitf+xml", "feed"),  # the content wins over a wrong label
        ("feed_atom.xml", None, "feed"),
    ],
)
def test_format_is_detected_from_content(name: str, media: str | None, fmt: str) -> None:
    assert detect(doc(name), media) == fmt


def test_detect_html_and_text() -> None:
    assert detect(b"<div><p>Kyiv said.</p></div>") == "html"
    assert detect(b"Prices rose < 2% in May.", "text/plain") == "text"
    with pytest.raises(FormatError) as e:
        detect(b"%PDF-1.7", "application/pdf")
    assert e.value.code == ErrorCode.UNSUPPORTED_MEDIA_TYPE


def test_nitf_mapping_and_removals() -> None:
    fmt, items = parse_document(doc("nitf_story.xml"))
    assert fmt == "nitf" and len(items) == 1
    f = items[0].fields
    assert f["id"] == "wwa-2024-0412-floods"
    assert (f["version"], f["slugline"], f["urgency"], f["pubstatus"]) == (2, "floods-town", 3, "usable")
    assert f["headline"] == "Floods cut off river town as café owners count losses"  # ISO-8859-1 and &eacute;
    assert (f["byline"], f["dateline"], f["language"]) == ("Mara Lind, Staff Correspondent", "MORVAL", "en")
    assert f["published_at"] == datetime(2024, 4, 12, 9, 15, tzinfo=UTC)
    assert f["credit"] == ["WWA", "Wirewash Agency"]
    assert drops(items[0]) == [
        ("Moves on regional wires only", "F001-format-ed-note"),
        ("Eds: Corrects water level in second paragraph.", "F001-format-ed-note"),
        ("(check with police)", "F001-format-ed-note"),
        ("A flooded street in Morval. (WWA Photo)", "F008-format-media"),
        ("Copyright 2024 Wirewash Agency. All rights reserved.", "F006-copyright-line"),
    ]


def test_g2_news_item_mapping() -> None:
    _, [p] = parse_document(doc("g2_newsitem.xml"), "application/vnd.iptc.g2.newsitem+xml")
    f = p.fields
    assert (f["id"], f["version"], f["pubstatus"], f["signal"], f["urgency"]) == (
        "urn:wwa:2024:ferry",
        3,
        "usable",
        "update",
        4,
    )
    assert (f["slugline"], f["headline"], f["byline"]) == (
        "ferry-strike",
        "Ferry crews walk out over rosters",
        "Tom Okafor",
    )
    assert (f["dateline"], f["language"], f["credit"]) == (
        "PORTHAVEN, May 2 (WWA) -",
        "en-GB",
        ["WWA", "Wirewash Agency"],
    )
    assert drops(p) == [
        ("Adds quote from the harbour master.", "F001-format-ed-note"),
        ("NOT FOR PUBLICATION: union figures to follow.", "F002-not-for-publication"),
    ]


def test_g2_news_message_gives_one_item_per_text_item() -> None:
    _, items = parse_document(doc("g2_newsmessage.xml"))
    assert [p.fields["id"] for p in items] == ["urn:wwa:2024:bridge", "urn:wwa:2024:mayor"]  # the picture is not text
    assert items[1].fields["pubstatus"] == "canceled" and items[1].fields["signal"] == "kill"
    # each item alone is a document of its own (for one record per item)
    assert items[0].document is not None
    _, again = parse_document(items[0].document)
    assert [p.fields["id"] for p in again] == ["urn:wwa:2024:bridge"]


def test_newsml12_mapping() -> None:
    _, [p] = parse_document(doc("newsml12.xml"))
    f = p.fields
    assert f["id"] == "urn:newsml:wwa.example:20240303:harvest-77"  # every revision shares the id
    assert (f["version"], f["signal"], f["pubstatus"], f["urgency"]) == (2, "correction", "usable", 5)
    assert (f["headline"], f["byline"], f["dateline"], f["slugline"]) == (
        "Wheat harvest starts early after dry spring",
        "Ana Ruiz",
        "LLEIDA, March 3",
        "harvest-early",
    )
    assert drops(p) == [("Corrects yield figure.", "F001-format-ed-note"), ("(c) 2024 WWA", "F006-copyright-line")]


def test_ninjs_1_and_2() -> None:
    _, [one] = parse_document(doc("ninjs1.json"))
    assert one.fields["content_type"] == "text/html"
    assert (one.fields["version"], one.fields["dateline"], one.fields["byline"]) == (2, "HOLT", "Lena Park")
    assert drops(one) == [
        ("Embargoed until 1200 GMT", "F001-format-ed-note"),
        ("This article was machine translated from Dutch.", "F007-mt-disclaimer"),
    ]
    _, items = parse_document(doc("ninjs2.json"))
    assert [p.fields["id"] for p in items] == ["urn:wwa:2024:orchard"]
    assert items[0].fields["headline"] == "Late frost hits orchards"  # the main headline, not the first
    assert items[0].fields["body"].count("\n\n") == 1


def test_a_record_is_told_ninjs_or_feed_item_by_its_parsed_keys() -> None:
    # ninjs sent as plain JSON records (no content type) becomes its items
    [got] = decode_record(doc("ninjs2.json"))
    assert isinstance(got, Intake) and (got.item.id, got.format) == ("urn:wwa:2024:orchard", "ninjs")
    # a FeedItem whose text names a uri, a guid and ninjs is still a FeedItem
    body = 'The "uri" and "guid" fields of ninjs, the agency said, identify each story.'
    [item] = decode_record(orjson.dumps({"id": "f1", "source": "wwa", "body": body, "uri": "urn:x"}))
    assert isinstance(item, Intake) and (item.item.id, item.item.body, item.format) == ("f1", body, "json")
    # broken JSON stays an invalid_json dead letter, whatever it names
    [err] = decode_record(b'{"uri": "urn:x", "headline": ')
    assert not isinstance(err, Intake) and err.code is ErrorCode.INVALID_JSON


def test_anpa_story() -> None:
    _, [p] = parse_document(doc("story.anpa"))
    f = p.fields
    assert (f["id"], f["version"], f["signal"], f["urgency"]) == ("BC-EU--Ferry-Strike/05-02", 3, "update", 3)
    assert (f["headline"], f["byline"]) == ("Ferry strike strands island travellers", "TOM OKAFOR, Associated Writer")
    assert f["published_at"] == datetime(2024, 5, 2, 9, 15, tzinfo=UTC)
    assert "stranding “hundreds” of travellers" in f["body"] and "(WWA) — Ferry" in f["body"]
    assert drops(p) == [
        ("WWA Photo PTH101, PTH102", "F004-photo-line"),
        ("Eds: Updates with harbour master quote. With WWA Photos.", "F003-eds-line"),
        ("WWA-WF-05-02-24 0915GMT", "F005-desk-line"),
    ]


def test_rss_in_windows_1252_and_atom() -> None:
    _, items = parse_document(doc("feed_rss.xml"), "application/rss+xml")
    assert [p.fields["id"] for p in items] == ["vc-1001", "vc-1002"]
    assert items[0].fields["byline"] == "Sam Reyes" and items[0].fields["published_at"] == datetime(
        2024, 6, 4, 8, 0, tzinfo=UTC
    )
    assert drops(items[0]) == [("Copyright © 2024 Valley Courier. All rights reserved.", "F006-copyright-line")]
    assert "Tuesday – a job" in items[1].fields["body"]
    _, [atom] = parse_document(doc("feed_atom.xml"))
    assert (atom.fields["id"], atom.fields["language"], atom.fields["byline"]) == (
        "urn:kreisbote:bus-7",
        "de",
        "Eva Roth",
    )
    assert "Dörfer" in atom.fields["body"]


def _clean(name: str) -> list[dict[str, Any]]:
    return list(clean_batch(list(read_inputs((str(DOCS / name),))), events=False))


@pytest.mark.parametrize(
    "name", ["nitf_story.xml", "g2_newsitem.xml", "newsml12.xml", "ninjs1.json", "story.anpa", "feed_rss.xml"]
)
def test_removals_index_the_received_body_exactly(name: str) -> None:
    inputs = list(read_inputs((str(DOCS / name),)))
    received = {
        got.item.id: got.item.body
        for inp in inputs
        for got in decode_record(inp.value, inp.headers, inp.key)
        if isinstance(got, Intake)
    }
    outs = _clean(name)
    assert outs and all("article" in o for o in outs)
    for o in outs:
        art = CleanArticle.model_validate(o["article"])
        body = received[art.id]
        for r in art.removed:
            assert body[r.start : r.end] == r.text
        for r in art.removed:
            if r.rule.startswith("F0") and len(r.text) > 12:
                assert r.text not in art.body


def test_clean_maps_format_fields_onto_the_article() -> None:
    [o] = _clean("nitf_story.xml")
    a = o["article"]
    assert (a["id"], a["source"], a["version"], a["urgency"], a["slugline"]) == (
        "wwa-2024-0412-floods",
        "WWA",
        2,
        3,
        "floods-town",
    )
    assert a["byline"] == "Mara Lind, Staff Correspondent" and a["dateline"] == "MORVAL"
    assert a["body"].startswith("MORVAL (WWA) — Floodwater closed")
    assert "Eds:" not in a["body"] and "check with police" not in a["body"] and "Copyright" not in a["body"]
    assert [r["rule"] for r in a["removed"] if r["rule"].startswith("F0")] == [
        "F001-format-ed-note",
        "F001-format-ed-note",
        "F001-format-ed-note",
        "F008-format-media",
        "F006-copyright-line",
    ]


def test_killed_item_in_a_news_message_is_retracted() -> None:
    outs = _clean("g2_newsmessage.xml")
    assert [next(iter(o)) for o in outs] == ["article", "retracted"]
    assert outs[1]["retracted"]["article_id"] == "urn:wwa:2024:mayor" and outs[1]["retracted"]["reason"] == "canceled"


def test_html_sent_as_plain_text_is_read_as_html() -> None:
    item = {
        "id": "h1",
        "source": "s",
        "content_type": "text/plain",
        "body": "<p>The council met on Monday to approve the budget for next year.</p><script>track('x')</script>",
    }
    [o] = clean_batch([Input("x", orjson.dumps(item))], events=False)
    assert o["article"]["body"] == "The council met on Monday to approve the budget for next year."
    assert [r["rule"] for r in o["article"]["removed"]] == ["H002-html-noise"]


def test_feed_item_wrapper_carries_a_document() -> None:
    wrapper = {
        "id": "wrapped-1",
        "source": "partner",
        "content_type": "application/nitf+xml",
        "body": doc("nitf_story.xml").decode("latin-1"),  # text now: its declaration no longer applies
    }
    [got] = decode_record(orjson.dumps(wrapper))
    assert isinstance(got, Intake)
    assert (got.item.id, got.item.source, got.item.version) == ("wrapped-1", "partner", 2)
    assert got.item.headline == "Floods cut off river town as café owners count losses"


def test_raw_document_record_with_content_type_header() -> None:
    got = decode_record(doc("g2_newsmessage.xml"), [("content-type", b"application/vnd.iptc.g2.newsmessage+xml")])
    assert [g.item.id for g in got if isinstance(g, Intake)] == ["urn:wwa:2024:bridge", "urn:wwa:2024:mayor"]
    assert {g.item.source for g in got if isinstance(g, Intake)} == {"WWA"}
    [bad] = decode_record(b"%PDF-1.7 ...", [("content-type", b"application/pdf")])
    assert not isinstance(bad, Intake) and bad.code == ErrorCode.UNSUPPORTED_MEDIA_TYPE


def test_publish_splits_a_document_into_one_record_per_item() -> None:
    [inp] = list(read_inputs((str(DOCS / "g2_newsmessage.xml"),)))
    records = per_item(inp)
    assert [r.key for r in records] == [b"urn:wwa:2024:bridge", b"urn:wwa:2024:mayor"]
    for r in records:
        [got] = decode_record(r.value, r.headers, r.key)
        assert isinstance(got, Intake) and got.item.id == r.key.decode()


# ------------------------------------------------------------------ hostile documents

BOMB = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{"&lol{};".format(i - 1 if i > 1 else "") * 10}">' for i in range(1, 10))
    + "]><nitf><body><body.content><p>&lol9;</p></body.content></body></nitf>"
)


@pytest.mark.parametrize(
    ("data", "media", "code"),
    [
        (BOMB.encode(), None, "xml_entities_forbidden"),
        (
            b'<?xml version="1.0"?><!DOCTYPE nitf [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<nitf><body><body.content><p>&x;</p></body.content></body></nitf>",
            None,
            "xml_entities_forbidden",
        ),
        (
            b'<!DOCTYPE nitf [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p.dtd"> %p;]><nitf/>',
            "application/nitf+xml",
            "xml_entities_forbidden",
        ),
        (b"<nitf>" + b"<block>" * 300 + b"</block>" * 300 + b"</nitf>", None, "xml_too_deep"),
        (b'<?xml version="1.0" encoding="x-no-such"?><nitf/>', None, "unknown_encoding"),
        (b'<?xml version="1.0" encoding="utf-8"?><nitf><body>\xff\xfe</body></nitf>', None, "invalid_encoding"),
        (b"<nitf><body><body.content><p>open</body></nitf>", None, "invalid_xml"),
        (b'<rss version="2.0"><channel><title>t</title></channel></rss>', None, "empty_document"),
        (b"<nitf><head/><body><body.content/></body></nitf>", None, "empty_body"),
        (b"<catalog><entry/></catalog>", "application/xml", "unsupported_media_type"),
    ],
)
def test_hostile_and_broken_documents_are_dead_lettered(data: bytes, media: str | None, code: str) -> None:
    headers = [("content-type", media.encode())] if media else [("content-type", b"application/xml")]
    got = decode_record(data, headers, b"k")
    assert [g.code.value for g in got if not isinstance(g, Intake)] == [code]


def test_element_count_is_bounded() -> None:
    data = "<nitf><body><body.content>" + "<p>x</p>" * 50 + "</body.content></body></nitf>"
    with pytest.raises(FormatError) as e:
        parse_document(data.encode(), None, Limits(max_elements=40))
    assert e.value.code == ErrorCode.XML_TOO_LARGE


def test_an_external_dtd_is_never_fetched() -> None:
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'<!ENTITY leak "LEAKED">')

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        data = (
            f'<?xml version="1.0"?><!DOCTYPE nitf SYSTEM "http://127.0.0.1:{port}/nitf.dtd">'
            "<nitf><body><body.content><p>The ferry ran again on Monday after the storm.</p></body.content></body></nitf>"
        ).encode()
        _, [p] = parse_document(data)
        assert p.fields["body"] == "The ferry ran again on Monday after the storm."
        assert hits == []
    finally:
        server.shutdown()


def test_versions_in_a_batch_stale_and_kill_without_memory() -> None:
    from pipeline.codec import Source
    from pipeline.service.handler import Handler
    from pipeline.settings import Settings

    story = "The harbour reopened on Monday after the storm, the port authority said in a statement."
    recs = [
        Input("a", orjson.dumps({"id": "s1", "source": "w", "body": story, "version": 3})),
        Input("b", orjson.dumps({"id": "s1", "source": "w", "body": story + " More.", "version": 2})),
    ]
    outs = list(clean_batch(recs, events=False))
    assert [next(iter(o)) for o in outs] == ["article", "stale"] and outs[1]["stale"]["id"] == "s1"
    # with versions off a kill still retracts (tombstone + retraction), it never publishes the kill notice
    h = Handler(Settings(track_versions=False, learn_boilerplate=False, extract_events=False))
    kill = orjson.dumps({"id": "s1", "source": "w", "body": "KILL this story.", "signal": "kill"})
    out = h.handle(Source(topic="t"), kill)
    assert [(r.topic, r.value is None) for r in out.records] == [("wire.articles.v1", True), ("wire.events.v1", False)]
    assert orjson.loads(out.records[1].value or b"")["reason"] == "killed"


def test_a_directory_yields_wire_files_whatever_their_names(tmp_path: Path) -> None:
    (tmp_path / "tag_wwa.com,2024_ferry_3").write_bytes(doc("g2_newsitem.xml"))  # no usable suffix
    (tmp_path / "STORY0412").write_bytes(doc("story.anpa"))  # no suffix at all
    (tmp_path / "notes.md").write_text("# not a wire file\n")
    (tmp_path / ".hidden.xml").write_bytes(doc("nitf_story.xml"))
    got = sorted(Path(i.where).name for i in read_inputs((str(tmp_path),)))
    assert got == ["STORY0412", "tag_wwa.com,2024_ferry_3"]


def test_unknown_named_entities_stay_text() -> None:
    data = b"<nitf><body><body.content><p>Prices &mdash; and &nosuch; things.</p></body.content></body></nitf>"
    _, [p] = parse_document(data)
    assert p.fields["body"] == "Prices — and &nosuch; things."


def test_redelivery_publishes_what_the_first_processing_did() -> None:
    from pipeline.codec import Source
    from pipeline.service.handler import Handler
    from pipeline.service.versions import VersionLedger
    from pipeline.settings import Settings

    h = Handler(Settings(learn_boilerplate=False, extract_events=False), versions=VersionLedger())
    first = orjson.dumps({"id": "u1", "source": "w", "body": "The harbour reopened on Monday after the storm."})
    changed = orjson.dumps({"id": "u1", "source": "w", "body": "The harbour reopened on Tuesday after the storm."})

    def kinds(value: bytes) -> list[str]:
        out = h.handle(Source(topic="t"), value)
        return [r.topic if r.value is None else orjson.loads(r.value).get("kind", r.topic) for r in out.records]

    assert kinds(first) == ["wire.articles.v1"]
    assert kinds(first) == ["wire.articles.v1"]  # redelivered: the same records, no retraction
    assert kinds(changed) == ["retraction", "wire.articles.v1"]  # an unversioned update supersedes
    assert kinds(changed) == ["retraction", "wire.articles.v1"]  # and its redelivery does the same again
