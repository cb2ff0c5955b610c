"""Deterministic synthetic wire stories for stream tests and benchmarks.

Every story is different (its id, numbers, places and sentences vary with the seed), so a
stream of them never trips the learned-boilerplate memory by accident, and each carries
the kinds of material the cleaner and the extractor work on: a dateline, quotes, numbers,
dates and an agency sign-off or syndication disclaimer.
"""

from __future__ import annotations

import random
from typing import Any

import orjson

CITIES = [
    ("NEW DELHI", "India"),
    ("MUMBAI", "India"),
    ("KYIV", "Ukraine"),
    ("MOSCOW", "Russia"),
    ("BEIRUT", "Lebanon"),
    ("NAIROBI", "Kenya"),
    ("LAGOS", "Nigeria"),
    ("JAKARTA", "Indonesia"),
    ("MANILA", "Philippines"),
    ("ISLAMABAD", "Pakistan"),
    ("DHAKA", "Bangladesh"),
    ("KATHMANDU", "Nepal"),
    ("CAIRO", "Egypt"),
    ("ANKARA", "Turkey"),
    ("BOGOTA", "Colombia"),
    ("LIMA", "Peru"),
]
ACTORS = [
    "the Health Ministry",
    "police",
    "the army",
    "the central bank",
    "the opposition alliance",
    "the state electricity board",
    "rescue teams",
    "the election commission",
    "port authorities",
    "the teachers' union",
    "the city council",
    "the foreign ministry",
]
PEOPLE = [
    ("Anita Rao", "a spokesperson for the ministry"),
    ("Oleksandr Hrytsenko", "the regional governor"),
    ("Maria Santos", "the mayor"),
    ("Ahmed Karimi", "a senior police officer"),
    ("Chen Wei", "an economist at the university"),
    ("Grace Otieno", "the union's general secretary"),
    ("Rahul Mehta", "the board's chairman"),
    ("Elena Petrova", "a spokeswoman for the agency"),
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
TOPICS = [
    ("floods", "displaced", "villages", "relief camps"),
    ("strike", "stopped work at", "factories", "talks"),
    ("storm", "damaged", "homes", "shelters"),
    ("protest", "marched through", "streets", "rallies"),
    ("outage", "left without power", "districts", "repairs"),
    ("landslide", "blocked", "roads", "clearing operations"),
    ("fire", "destroyed", "warehouses", "investigations"),
    ("drought", "hit", "farms", "water tankers"),
]
SENTENCES = [
    "{Actor} said {n} people had been affected by the {topic} in {city} by {day} evening.",
    "The {topic} {verb} at least {n2} {things} across the region, officials said.",
    '"We are doing everything we can to restore normal life," said {person}, {role}.',
    "{Actor} arrested {n3} people after clashes near the main market on {day}.",
    "Authorities announced compensation of {money} million rupees for affected families.",
    "The government deployed {n4} troops to help with {relief}, according to a statement.",
    "Schools and colleges in {city} will remain closed until {day}, the district administration said.",
    "{person}, {role}, told reporters that the situation was under control.",
    "Train services between {city} and {city2} were suspended for {n5} hours.",
    "Opposition leaders criticised the response and demanded an inquiry into the {topic}.",
    "The weather office forecast more rain over the next {n5} days in {city2}.",
    "Local traders said business had fallen by {pct} percent since the {topic} began.",
    "{Actor} met representatives of residents on {day} to discuss {relief}.",
    "Aid groups said {n} families still needed food, clean water and medicine.",
]
NUMERIC = [t for t in SENTENCES if "{n" in t or "{money}" in t or "{pct}" in t]
TAILS = [
    "(Reporting by {person}; Editing by {person2})",
    "(This story has not been edited by our staff and is auto-generated from a syndicated feed.)",
    "-- PTI",
    "(With inputs from agencies)",
    "Follow us on Twitter and Facebook for the latest news.",
    "",
]


def story(i: int, target_chars: int = 1500, seed: int = 7) -> dict[str, Any]:
    """Feed item ``i``: a unique wire story of about ``target_chars`` characters."""
    rng = random.Random(seed * 1_000_003 + i)
    city, _country = rng.choice(CITIES)
    city2, _ = rng.choice(CITIES)
    topic, verb, things, relief = rng.choice(TOPICS)
    person, role = rng.choice(PEOPLE)
    person2, _ = rng.choice(PEOPLE)

    def fill(t: str) -> str:
        actor = rng.choice(ACTORS)
        return t.format(
            Actor=actor[0].upper() + actor[1:],
            n=rng.randint(12, 9000),
            n2=rng.randint(20, 900),
            n3=rng.randint(2, 80),
            n4=rng.randint(100, 5000),
            n5=rng.randint(2, 72),
            pct=rng.randint(5, 60),
            money=rng.randint(2, 500),
            verb=verb,
            topic=topic,
            things=things,
            relief=relief,
            city=city.title(),
            city2=city2.title(),
            day=rng.choice(DAYS),
            person=person,
            person2=person2,
            role=role,
        )

    paras = [f"{city} (Wire) - " + fill(SENTENCES[0]) + f" Story reference {i}-{rng.randint(0, 1 << 30):x}."]
    size = len(paras[0])
    used: set[str] = set()
    while size < target_chars:
        # every paragraph carries a sentence with numbers drawn for this story, so no paragraph
        # repeats across stories (a repeated one would be learned as boilerplate)
        sentences = [fill(rng.choice(NUMERIC))]
        used.add(sentences[0])
        for _ in range(rng.randint(1, 3)):
            sentence = fill(rng.choice(SENTENCES))
            if sentence not in used:  # a repeated sentence is an artefact the cleaner flags
                used.add(sentence)
                sentences.append(sentence)
        para = " ".join(sentences)
        if para:
            paras.append(para)
            size += len(para) + 2
    tail = fill(rng.choice(TAILS))
    if tail:
        paras.append(tail)
    return {
        "id": f"syn-{seed}-{i}",
        "source": rng.choice(["wire-a", "wire-b", "wire-c"]),
        "headline": f"{topic.title()} in {city.title()}: {things} {verb}",
        "body": "\n\n".join(paras),
        "published_at": f"2026-0{rng.randint(1, 9)}-{rng.randint(10, 28)}T{rng.randint(10, 23)}:00:00Z",
        "language": "en",
    }


def records(n: int, target_chars: int = 1500, seed: int = 7) -> list[tuple[bytes, bytes]]:
    """``n`` (key, value) pairs ready to publish."""
    out = []
    for i in range(n):
        s = story(i, target_chars, seed)
        out.append((s["id"].encode(), orjson.dumps(s)))
    return out
