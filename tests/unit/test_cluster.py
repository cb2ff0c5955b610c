"""Duplicate clustering: one story from several outlets is one cluster; other stories of the same night are not.

The stories are written for these tests, in the style of overnight drone-attack reports.
"""

from __future__ import annotations

import orjson

from pipeline.cluster import Clusterer, containment, signature
from pipeline.inputs import Input
from pipeline.offline import clean_batch

ODESA = (
    "Russia attacked the Odesa region with 34 drones overnight, damaging port infrastructure and a grain "
    "terminal in Chornomorsk, the regional governor Oleh Kiper said on Tuesday.\n\n"
    "Air defences destroyed 29 of the drones, he said. A fire at the terminal was put out by morning and no "
    "casualties were reported.\n\n"
    "Ukraine's air force said Russia launched 71 drones and three missiles at the country in total, and that "
    "53 drones were shot down over eleven regions.\n\n"
    "The port of Chornomorsk handles a large share of Ukraine's grain exports and has been hit repeatedly "
    "since the summer."
)
KHARKIV = (
    "Russian drones struck an energy facility in the Kharkiv region overnight, cutting power to about 40,000 "
    "households, the regional governor Oleh Syniehubov said on Tuesday.\n\n"
    "Repair crews restored electricity to most homes by midday, he said. Two workers at the facility were "
    "lightly injured.\n\n"
    "Ukraine's air force said Russia launched 71 drones and three missiles overnight, and that air defences "
    "shot down 53 of the drones.\n\n"
    "Kharkiv, Ukraine's second-largest city, lies about 30 kilometres from the Russian border."
)
SUMY = (
    "A Russian drone hit a five-storey apartment building in the city of Sumy overnight, injuring six people, "
    "including two children, the regional military administration said on Tuesday.\n\n"
    "Rescuers evacuated 40 residents from the building, where the attack started a fire on the upper floors.\n\n"
    "Russia launched 71 drones and three missiles at Ukraine overnight, the air force said, and 53 drones were "
    "shot down.\n\n"
    "Sumy has come under near-daily attack since Ukrainian troops crossed into Russia's Kursk region."
)


def outlet_copy(story: str) -> str:
    """Another outlet's copy: its own dateline and boilerplate, the last paragraph dropped, a copy edit."""
    paras = story.split("\n\n")[:-1]
    paras[0] = "KYIV, Nov 12 (Agency) - " + paras[0].replace("said on Tuesday", "said Tuesday")
    return "\n\n".join(
        ["Follow our live coverage of the war in Ukraine.", *paras, "(Edited by the World Desk; more to follow.)"]
    )


def test_outlet_copy_is_contained_other_stories_are_not() -> None:
    a, na = signature(ODESA)
    b, nb = signature(outlet_copy(ODESA))
    assert containment(a, na, b, nb) >= 0.7
    for other in (KHARKIV, SUMY):
        c, nc = signature(other)
        assert containment(a, na, c, nc) < 0.2


def test_clusters_in_arrival_order_and_deterministic_under_redelivery() -> None:
    cl = Clusterer()
    first = cl.assign("odesa-1", ODESA, 1_000)
    assert first.cluster_id == "odesa-1" and first.duplicate_of is None
    copy = cl.assign("odesa-2", outlet_copy(ODESA), 2_000)
    assert copy.cluster_id == "odesa-1" and copy.duplicate_of == "odesa-1"
    assert copy.similarity is not None and copy.similarity >= 0.7
    assert cl.assign("kharkiv", KHARKIV, 3_000).cluster_id == "kharkiv"
    assert cl.assign("sumy", SUMY, 4_000).cluster_id == "sumy"
    # redelivery (even after later articles arrived) gives the same answer
    assert cl.assign("odesa-2", outlet_copy(ODESA), 9_000) == copy
    assert cl.assign("odesa-1", ODESA, 9_000) == first
    # a third outlet joins the cluster of the earliest copy
    third = cl.assign("odesa-3", "ODESA (Wire) - " + ODESA.split("\n\n", 1)[1], 5_000)
    assert third.cluster_id == "odesa-1"


def test_window_forgets_old_articles() -> None:
    store: dict[str, list[object]] = {}
    cl = Clusterer(store, window_s=3600)
    cl.assign("odesa-1", ODESA, 0)
    late = cl.assign("odesa-2", outlet_copy(ODESA), 2 * 3600 * 1000)
    assert late.cluster_id == "odesa-2" and "odesa-1" not in store
    # a new clusterer on the same store (a restarted worker) knows what the store holds
    again = Clusterer(store, window_s=3600)
    assert again.assign("odesa-3", ODESA, 2 * 3600 * 1000 + 5).cluster_id == "odesa-2"


def test_short_bodies_never_cluster() -> None:
    cl = Clusterer()
    cl.assign("a", "Markets closed higher on Monday.", 1)
    assert cl.assign("b", "Markets closed higher on Monday.", 2).cluster_id == "b"


def _item(id_: str, body: str, published: str) -> Input:
    return Input(
        id_, orjson.dumps({"id": id_, "source": id_.split("-", maxsplit=1)[0], "body": body, "published_at": published})
    )


def test_clean_clusters_a_batch_by_publication_time() -> None:
    inputs = [
        _item("courier-odesa", outlet_copy(ODESA), "2024-11-12T09:00:00Z"),
        _item("wire-odesa", ODESA, "2024-11-12T06:00:00Z"),  # published first, listed second
        _item("wire-kharkiv", KHARKIV, "2024-11-12T06:10:00Z"),
        _item("wire-sumy", SUMY, "2024-11-12T06:20:00Z"),
        _item("gazette-sumy", outlet_copy(SUMY), "2024-11-12T10:00:00Z"),
    ]
    arts = [d["article"] for d in clean_batch(inputs, events=False)]
    assert [(a["id"], a["cluster_id"]) for a in arts] == [
        ("courier-odesa", "wire-odesa"),
        ("wire-odesa", "wire-odesa"),
        ("wire-kharkiv", "wire-kharkiv"),
        ("wire-sumy", "wire-sumy"),
        ("gazette-sumy", "wire-sumy"),
    ]
    assert arts[0]["duplicate_of"]["id"] == "wire-odesa" and arts[1]["duplicate_of"] is None
