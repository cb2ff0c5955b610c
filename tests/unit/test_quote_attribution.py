"""Quote attribution across paragraphs, for speakers before or after the quote, bodies as speakers
and pronouns (pipeline/core/events/extract.py, quotes.py). Bodies written for these tests."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.core.events import extract_events

PUB = date(2024, 11, 10)


def _quotes(body: str) -> list[tuple[str | None, str]]:
    return [(e.actor_name, (e.quote or "")[:30]) for e in extract_events(body, PUB) if e.quote]


@pytest.mark.parametrize(
    ("body", "want"),
    [
        pytest.param(
            "“We will rebuild every school,” Mr. Ortega said on Monday.",
            [("Ortega", "We will rebuild every school,")],
            id="an honorific's full stop does not end the speaker phrase",
        ),
        pytest.param(
            "The Foreign Ministry said in a statement: “The visit is postponed. No new date has been set.”",
            [("Foreign Ministry", "The visit is postponed. No new")],
            id="a ministry speaks, a multi-sentence quote is one quote",
        ),
        pytest.param(
            "Defence Minister Lena Holt spoke at the base.\n\n"
            "“Our pilots flew through the night.\n\n"
            "“They did what was asked of them,” she said.",
            [("Lena Holt", "Our pilots flew through the ni"), ("Lena Holt", "They did what was asked of the")],
            id="an open quote takes the speaker named where it closes, a paragraph on",
        ),
        pytest.param(
            "Mayor Ana Ruiz said: “The water is back in every district.\n\n"
            "Crews will stay on until the last pipe is checked.”\n\nThe city has 40,000 residents.",
            [("Ana Ruiz", "The water is back in every dis"), ("Ana Ruiz", "Crews will stay on until the l")],
            id="a paragraph that closes an open quote with no opening mark continues it",
        ),
        pytest.param(
            "Opposition leader Karim Haddad addressed the rally. “This is our country too,” he said.",
            [("Karim Haddad", "This is our country too,")],
            id="he: the nearest person named",
        ),
        pytest.param(
            "The Health Ministry issued new guidance on Monday after Dr. Amal Saleh warned of shortages. "
            "“Stocks will last a month,” it said.",
            [("Health Ministry", "Stocks will last a month,")],
            id="it: the nearest body named, not the nearest person",
        ),
        pytest.param(
            "“The talks were useful,” said Nora Lind, the envoy.\n\nThe next round is in March.\n\n"
            "“We expect progress.”",
            [("Nora Lind", "The talks were useful,"), ("Nora Lind", "We expect progress.")],
            id="a paragraph that is all quote, two paragraphs on, goes on with the last speaker",
        ),
        pytest.param(
            "Union chief Dev Rao said, ‘We will not go back to work.\n\nThe strike stays.’",
            [("Dev Rao", "We will not go back to work.")],
            id="an unclosed single quote after 'said,' runs to the paragraph's end",
        ),
    ],
)
def test_attribution(body: str, want: list[tuple[str | None, str]]) -> None:
    assert _quotes(body) == want


def test_a_quoted_title_is_no_quote_and_no_speaker() -> None:
    assert _quotes("The film “Silent River” opened on Friday, the studio said.") == []
