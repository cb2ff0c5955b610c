"""Language: detected when the item gives none; events and artefact rules only for English."""

from __future__ import annotations

from datetime import UTC, datetime

from pipeline.core.clean import clean_body
from pipeline.models import FeedItem
from pipeline.process import process_item

NOW = datetime(2026, 12, 3, tzinfo=UTC)
KOREAN = (
    "서울 영등포경찰서는 지난 25일 새벽 국회 본관 출입문 유리를 깬 혐의로 60대 남성을 체포했다고 밝혔다.\n\n"
    "경찰은 이 남성이 소화기를 던져 유리문을 부순 뒤 자전거를 타고 달아났다고 설명했다.\n\n"
    "Copyright © 한빛일보. 무단전재 및 재배포 금지."
)
ENGLISH = (
    "SEOUL, Oct 25 (Yonhap) -- Police detained a man in his 60s on Friday after he smashed a glass door "
    "of the National Assembly building with a fire extinguisher, officials said."
)


def test_korean_is_detected_cleaned_and_not_read_for_events() -> None:
    p = process_item(FeedItem(id="k1", source="portal", body=KOREAN), NOW)
    a = p.article
    assert (a["language"], a["language_detected"]) == ("ko", True)
    assert a["events_skipped"] == "language ko: event extraction reads English only"
    assert p.events == []
    assert "무단전재" not in a["body"]  # the no-redistribution line goes: cues are not English-only
    assert a["artefacts"] == []


def test_english_is_detected_and_read() -> None:
    p = process_item(FeedItem(id="e1", source="wire", body=ENGLISH), NOW)
    assert (p.article["language"], p.article["language_detected"], p.article["events_skipped"]) == ("en", True, None)
    assert [e["type"] for e in p.events] == ["COERCE"]


def test_a_declared_language_is_kept_and_decides() -> None:
    p = process_item(FeedItem(id="e2", source="wire", body=ENGLISH, language="de-CH"), NOW)
    assert (p.article["language"], p.article["language_detected"]) == ("de-CH", False)
    assert p.article["events_skipped"] == "language de: event extraction reads English only"
    assert p.events == []


def test_artefact_rules_run_on_english_only() -> None:
    body = "The court said the verdict was not yet final and the defence would appeal. Was done. A hearing is due."
    assert [(a.text, a.action) for a in clean_body(body, language="en").artefacts] == [("Was done.", "removed")]
    assert clean_body(body, language="de").artefacts == []  # a declared German item: English rules stay off
