"""Learned templates: a footer whose middle varies per article is learned per source (L002)."""

from __future__ import annotations

from pipeline.core.clean import clean_body
from pipeline.learning import LearnedMemory

STORIES = [
    "Police arrested two men on Monday after a chase through the old city, officials said.",
    "The city council approved a new budget for road repairs on Tuesday, the mayor's office said.",
    "Heavy rain flooded several low-lying areas of the city overnight, the weather office said.",
    "A new bridge over the river opened to traffic on Thursday after two years of work, officials said.",
]
# a template with two one-word slots and nothing the boilerplate scorer knows (no cue, no shape):
# only its repetition across one source's articles tells it apart
FOOTERS = [
    "Tomorrow in the paper: crime pages and the city diary",
    "Tomorrow in the paper: politics pages and the council diary",
    "Tomorrow in the paper: weather pages and the monsoon diary",
    "Tomorrow in the paper: transport pages and the roads diary",
]


def _body(k: int) -> str:
    return (
        f"{STORIES[k]}\n\nThe investigation continues, and more details are expected later this week.\n\n{FOOTERS[k]}"
    )


def test_a_template_footer_is_learned_in_a_stream() -> None:
    mem = LearnedMemory(min_articles=3)
    rules = []
    for k in range(4):
        r = clean_body(_body(k), learned=mem.lookup("daily", f"a{k}"))
        mem.record("daily", f"a{k}", r.fingerprints)
        rules.append([x.rule for x in r.removed if x.rule.startswith("L0")])
    # the third article is the third to carry the template: from there on it goes
    assert rules == [[], [], ["L002-learned-template"], ["L002-learned-template"]]


def test_a_batch_learns_from_all_its_items_first() -> None:
    mem = LearnedMemory(min_articles=2, batch=True)
    for k in range(2):
        mem.record("daily", f"a{k}", clean_body(_body(k), learned=lambda fp: False).fingerprints)
    for k in range(2):
        r = clean_body(_body(k), learned=mem.lookup("daily", f"a{k}"))
        assert [x.text for x in r.removed if x.rule == "L002-learned-template"] == [FOOTERS[k]]
        assert STORIES[k] in r.body


def test_other_sources_and_story_sentences_are_not_learned() -> None:
    mem = LearnedMemory(min_articles=2, batch=True)
    background = "The war began in February 2022 when Russian troops crossed the border, officials said."
    bodies = [f"{STORIES[k]}\n\n{background}" for k in range(3)]
    for k, b in enumerate(bodies):
        mem.record("wire", f"w{k}", clean_body(b, learned=lambda fp: False).fingerprints)
    # a repeated story sentence (it reports speech) stays, and another source learned nothing
    assert clean_body(bodies[0], learned=mem.lookup("wire", "w0")).body == bodies[0]
    assert clean_body(_body(0), learned=mem.lookup("other", "o0")).removed == []


# The keys live in the worker's changelogged table: a release that changed them would forget every
# learned footer. These are the values of the first release that stored them.
KEYS = {
    "For more cricket stories, visit our cricket page at https://x.com/c": [
        "16b731ad0183514e901e",
        "m:16b731ad0183514e901e",
        "b0:97ff26ac2eae59247b26",
        "b1:1622c48d650e6c23ab02",
    ],
    "Straße İstanbul: Folgen Sie uns auf Telegram für 24 Nachrichten": [
        "f775bbfe644b61a93242",
        "m:de2ecb0a6bbfd4dfd33e",
        "b1:7621d1e55cdcfeb6a0bc",
    ],
    "© 2024 The Daily Ledger. All rights reserved.": ["89ff7157a026dc9a6e6d", "m:f950baabb90f67ad0319"],
}


def test_the_stored_keys_do_not_change() -> None:
    from pipeline.core.learned import _keys, fingerprint, template_keys

    for text, keys in KEYS.items():
        assert _keys(text) == [fingerprint(text), *template_keys(text)] == keys
