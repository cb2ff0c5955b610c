"""Versions, corrections, kills and duplicate clusters through a real worker and broker.

Records of one story id are keyed by that id (one partition, one order). Older versions
published after newer ones are dropped; a kill leaves a tombstone on the compacted articles
topic and a retraction on the events topic; the version memory survives a worker restart;
two outlets' copies of one story share a cluster, another story of the same night does not.
"""

from __future__ import annotations

from typing import Any

import orjson

from tests.integration.conftest import Env, consume_until, produce, run

STORY = (
    "Russian forces launched 62 drones and two ballistic missiles at Ukraine overnight, the air force said on "
    "Sunday, and air defences shot down 48 of the drones over eight regions.\n\n"
    "In the Odesa region a drone hit a grain warehouse in the port of Izmail, starting a fire that burned for "
    "three hours before firefighters put it out, the regional governor said.\n\n"
    "No one was hurt in Izmail, he said, but the warehouse and about 1,500 tonnes of wheat were destroyed.\n\n"
    "In Kharkiv a missile struck an industrial site on the edge of the city, damaging two workshops and "
    "breaking windows in nearby homes, Mayor Ihor Terekhov wrote on Telegram."
)
OTHER = (
    "A Russian drone attack on the city of Sumy overnight damaged a school and an apartment block and injured "
    "four people, including a child, local authorities said on Sunday.\n\n"
    "The drones struck shortly after 2 a.m., the regional military administration said, adding that rescuers "
    "pulled two residents from the rubble of a collapsed stairwell.\n\n"
    "Sumy, about 30 kilometres from the Russian border, has come under frequent attack since the summer."
)


def item(id_: str, body: str, **kw: Any) -> tuple[bytes, bytes]:
    return id_.encode(), orjson.dumps({"id": id_, "source": kw.pop("source", "wire"), "body": body, **kw})


def versions_of(records: list[Any], key: bytes) -> list[Any]:
    return [None if m.value is None else orjson.loads(m.value).get("version") for m in records if m.key == key]


def test_versions_kills_and_clusters_through_the_worker(env: Env, worker) -> None:  # type: ignore[no-untyped-def]
    s = env.settings
    w = worker()
    dup = (
        "KYIV, Nov 10 (Reuters) - "
        + STORY.rsplit("\n\n", 1)[0]
        + "\n\n(Except for the headline, this story has not been edited by our staff.)"
    )
    records = [
        item("story-a", STORY.replace("62 drones", "60 drones"), version=2),
        item("story-a", STORY.replace("62 drones", "50 drones"), version=1),  # older: stale
        item("story-a", STORY, version=3, signal="correction"),
        item("story-a", STORY.replace("62 drones", "60 drones"), version=2),  # redelivered older: stale
        item("story-b", OTHER, version=1),
        item("story-b", "Withdrawn.", version=2, pubstatus="canceled"),
        item("outlet-2", dup, source="outlet2"),
    ]
    run(produce(s, records))

    def done(got: dict[str, list[Any]]) -> bool:
        keys = [m.key for m in got[s.topic_articles]]
        return keys.count(b"story-a") >= 2 and keys.count(b"story-b") >= 2 and b"outlet-2" in keys

    got = run(consume_until(s, [s.topic_articles, s.topic_events], done, timeout=120))
    arts = got[s.topic_articles]
    assert versions_of(arts, b"story-a") == [2, 3]
    assert versions_of(arts, b"story-b") == [1, None]  # a tombstone after the story
    tomb = next(m for m in arts if m.key == b"story-b" and m.value is None)
    assert dict(tomb.headers)["wirewash-retracted"] == b"canceled"
    last_a = orjson.loads([m for m in arts if m.key == b"story-a"][-1].value)
    assert last_a["signal"] == "correction" and "62 drones" in last_a["body"]
    by_id = {orjson.loads(m.value)["id"]: orjson.loads(m.value) for m in arts if m.value is not None}
    # the two partitions are read in either order: whichever copy came first roots the cluster
    pair = [by_id["outlet-2"], by_id["story-a"]]
    assert pair[0]["cluster_id"] == pair[1]["cluster_id"] in ("story-a", "outlet-2")
    later = next(a for a in pair if a["id"] != a["cluster_id"])
    assert later["duplicate_of"]["id"] == later["cluster_id"] and later["duplicate_of"]["similarity"] >= 0.7
    assert by_id["story-b"]["cluster_id"] == "story-b"  # another attack of the same night: its own cluster
    retractions = [
        orjson.loads(m.value) for m in got[s.topic_events] if orjson.loads(m.value).get("kind") == "retraction"
    ]
    assert [(r["article_id"], r["reason"]) for r in retractions] == [("story-a", "superseded"), ("story-b", "canceled")]
    # the superseded retraction of story-a comes before the events of version 3
    a_events = [orjson.loads(m.value) for m in got[s.topic_events] if m.key == b"story-a"]
    first_retraction = next(i for i, e in enumerate(a_events) if e.get("kind") == "retraction")
    assert all(e.get("kind") != "retraction" for e in a_events[first_retraction + 1 :])

    # the version memory is changelogged: a new worker still drops the stale version, and a newer one passes
    assert w.stop() == 0
    worker()
    run(produce(s, [item("story-a", STORY, version=1), item("story-a", STORY + "\n\nUpdated.", version=4)]))
    got = run(
        consume_until(
            s, [s.topic_articles], lambda g: versions_of(g[s.topic_articles], b"story-a")[-1:] == [4], timeout=120
        )
    )
    assert versions_of(got[s.topic_articles], b"story-a") == [2, 3, 4]
