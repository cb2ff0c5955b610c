"""The seed article: the exact record the worker must publish for it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pipeline.models import CleanArticle, Event, FeedItem
from pipeline.process import process_item

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_seed_is_cleaned_exactly(seed_item: dict[str, Any]) -> None:
    item = FeedItem.model_validate(seed_item)
    p = process_item(item, NOW)
    art = CleanArticle.model_validate(p.article)
    body = item.body
    # the NDTV disclaimer is removed, with its offsets in the received body
    disclaimer = [r for r in art.removed if r.rule == "B001-ndtv-syndicated"]
    assert len(disclaimer) == 1
    d = disclaimer[0]
    assert body[d.start : d.end] == d.text
    assert d.text.startswith("(Except for the headline") and d.text.endswith("syndicated feed.)")
    assert art.syndicated is True
    # the three stray fragments are removed and recorded as artefacts
    removed = [(a.text, a.kind, a.action) for a in art.artefacts if a.action == "removed"]
    assert removed == [
        ("Was done.", "stray_fragment", "removed"),
        ("Used to do.", "stray_fragment", "removed"),
        ("Is.", "stray_fragment", "removed"),
    ]
    for a in art.artefacts:
        assert body[a.start : a.end] == a.text
    # the calque and the broken crosshead are flagged, not changed
    flagged = {(a.kind, a.text, a.suggestion) for a in art.artefacts if a.action == "flagged"}
    assert ("calque", "martyr", "Shahed") in flagged
    assert ("broken_quote", "‘massive Attack", "‘Massive attack’") in flagged
    assert "145 martyr and other strike drones" in art.body
    # clean text: no fragments, quotes closed, crossheads on their own
    assert "Was done." not in art.body and "Used to do." not in art.body
    assert "strategic defeat on Russia — which differentiates him from the current administration.”" in art.body
    assert "“early resolution of the war in Ukraine”." in art.body
    assert "his chauvinistic leadership style.\n\n“The signs are positive,”" in art.body
    assert [s.text for s in art.subheads] == ["‘Positive signs’", "‘massive Attack"]
    for s in art.subheads:
        assert art.body[s.start : s.end] == s.text
    assert art.body.count("\n\n") == 31
    assert not art.body.endswith(")")
    assert art.word_count == 766  # whitespace-separated tokens with a letter or digit
    assert art.word_count == sum(1 for t in art.body.split() if any(c.isalnum() for c in t))


def test_seed_events_include_the_drone_attacks(seed_item: dict[str, Any]) -> None:
    p = process_item(FeedItem.model_validate(seed_item), NOW)
    events = [Event.model_validate(e) for e in p.events]
    attacks = {
        (
            e.actor.name if e.actor else None,
            e.recipient.name if e.recipient else None,
            e.quantity.value if e.quantity else None,
            str(e.date),
        )
        for e in events
        if e.type == "ASSAULT" and e.mode == "drone"
    }
    assert ("Russia", "Ukraine", 145, "2024-11-10") in attacks
    assert ("Ukraine", "Russia", 34, "2024-11-10") in attacks
    phone = [e for e in events if e.type == "CONSULT" and e.mode == "phone"]
    assert any(e.actor and e.actor.name == "Donald Trump" and str(e.date) == "2024-11-07" for e in phone)
    quotes = {(e.actor.name if e.actor else None, e.quote) for e in events if e.quote}
    assert ("Dmitry Peskov", "The signs are positive,") in quotes
    for e in events:
        assert p.article["body"][e.start : e.end] == e.sentence
