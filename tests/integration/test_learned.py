"""Learned boilerplate: a footer repeated by one source is stripped after K articles, and the memory survives a restart."""

from __future__ import annotations

from tests.integration.conftest import Env, consume_until, item, produce, run, values

FOOTER = "Alpha Daily is reader funded, and every contribution keeps our newsroom independent."
STORIES = [
    "The city council voted on Monday to extend the night bus service to three new suburbs from next month.",
    "A new public library opened in the old market building on Tuesday after two years of renovation work.",
    "Police said on Wednesday that a missing hiker was found safe after spending a night on the northern ridge.",
    "The regional airport will add two daily flights to the capital from April, the operator announced on Thursday.",
    "Schools in the district will remain closed on Friday because of the heatwave, the education officer said.",
    "Farmers in the valley began harvesting a record wheat crop this week, the agriculture department said.",
    "The river ferry resumed service on Sunday after the water level dropped below the danger mark, officials said.",
]


def _body(i: int) -> str:
    return f"{STORIES[i]}\n\n{FOOTER}"


def test_repeated_footer_is_learned_per_source_and_survives_restart(env: Env, worker) -> None:  # type: ignore[no-untyped-def]
    s = env.settings
    extra = {"WIREWASH_LEARN_MIN_ARTICLES": "3"}
    w = worker(**extra)
    alpha = [item(f"alpha-{i}", _body(i), source="alpha") for i in range(5)]
    beta = [item(f"beta-{i}", _body(i), source="beta") for i in range(2)]
    run(produce(s, alpha + beta, partition=0))
    got = run(consume_until(s, [s.topic_articles], lambda g: len(g[s.topic_articles]) >= 7))
    arts = {a["id"]: a for a in values(got[s.topic_articles])}
    assert len(arts) == 7, w.log()[-3000:]
    for i in range(5):
        a = arts[f"alpha-{i}"]
        learned = [r for r in a["removed"] if r["rule"] == "L001-learned-repeat"]
        if i < 2:  # seen in fewer than K articles so far
            assert FOOTER in a["body"] and learned == []
        else:
            assert FOOTER not in a["body"], a
            assert [r["text"] for r in learned] == [FOOTER]
            assert a["body"] == STORIES[i]
    for i in range(2):  # another source is unaffected
        b = arts[f"beta-{i}"]
        assert FOOTER in b["body"]
        assert not [r for r in b["removed"] if r["rule"] == "L001-learned-repeat"]

    # restart: the learned state comes back from the table's changelog
    assert w.stop() == 0
    worker(**extra)
    run(produce(s, [item("alpha-6", _body(6), source="alpha")], partition=0))
    got = run(consume_until(s, [s.topic_articles], lambda g: any(b'"alpha-6"' in r.value for r in g[s.topic_articles])))
    a6 = next(a for a in values(got[s.topic_articles]) if a["id"] == "alpha-6")
    assert a6["body"] == STORIES[6]
    assert [r["rule"] for r in a6["removed"]] == ["L001-learned-repeat"]
