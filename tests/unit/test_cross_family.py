"""`wirewash eval --cross-family`: each family is scored by a scorer trained without it, and the
events and quotes are read from the bodies that held-out scorer cleaned."""

from __future__ import annotations

from pathlib import Path

import orjson

from pipeline.evaluation import cross_family, format_cross_family

STORY_A = (
    "MUMBAI: Police arrested two men on Monday after a chase through the old city, officials said.\n\n"
    '"We will not allow anyone to break the law," said Commissioner Asha Rao.'
)
STORY_B = (
    "LAHORE: The provincial government announced relief of 40 million rupees for flood victims on Tuesday.\n\n"
    '"Every family will get help within a week," said Chief Minister Omar Baig.'
)


def _gold(path: Path, family: str, story: str, tail: str, event: dict[str, object], quote: dict[str, str]) -> None:
    path.write_bytes(
        orjson.dumps(
            {
                "id": path.stem,
                "family": family,
                "headline": "",
                "published": "2025-03-03",
                "raw_body": f"{story}\n\n{tail}",
                "boilerplate": [tail],
                "gold_clean_body": story,
                "events": [event],
                "quotes": [quote],
            }
        )
    )


def test_each_family_is_scored_and_its_events_and_quotes_reported(tmp_path: Path) -> None:
    _gold(
        tmp_path / "a.json",
        "alpha-wire",
        STORY_A,
        "Follow us on Telegram for the latest updates.",
        {
            "type": "COERCE",
            "actor": "Police",
            "recipient": "two men",
            "sentence": "Police arrested two men on Monday after a chase through the old city, officials said.",
        },
        {"speaker": "Asha Rao", "quote": "We will not allow anyone to break the law,"},
    )
    _gold(
        tmp_path / "b.json",
        "beta-desk",
        STORY_B,
        "(This story has not been edited by our staff and is published from a syndicated feed.)",
        {
            "type": "AID",
            "actor": "provincial government",
            "sentence": "The provincial government announced relief of 40 million rupees for flood victims on Tuesday.",
        },
        {"speaker": "Omar Baig", "quote": "Every family will get help within a week,"},
    )
    cf = cross_family(sorted(tmp_path.glob("*.json")))
    assert sorted(cf.families) == ["alpha-wire", "beta-desk"]
    assert [cf.families[f]["boilerplate"]["passages"] for f in sorted(cf.families)] == [1, 1]
    assert cf.mean["story_paragraphs_lost"] == 0
    text = format_cross_family(cf)
    lines = text.splitlines()
    assert lines[0].split() == ["family", "files", "bp", "recall", "tok", "P", "tok", "F1", "lost"]
    assert [ln.split()[0] for ln in lines[1:3]] == ["alpha-wire", "beta-desk"]
    # events and quotes, pooled and per family, from the bodies each held-out scorer cleaned
    at = lines.index("events P 1.0000 R 1.0000 F1 1.0000 (tp 2 fp 0 fn 0)")
    assert "quotes P 1.0000 R 1.0000 F1 1.0000 speaker accuracy 1.0000" in lines[at:]
    per_family = lines[lines.index("events and quotes by family (tp/fp/fn, F1):") + 1 :]
    assert [ln.split() for ln in per_family] == [
        [fam, "events", "1/0/0", "F1", "1.000", "quotes", "1/0/0", "F1", "1.000"] for fam in ("alpha-wire", "beta-desk")
    ]
