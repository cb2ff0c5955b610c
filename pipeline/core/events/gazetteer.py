"""The gazetteer: countries (pycountry), demonyms, seats of government, places, organisations, titles.

Data lives in ``data/gazetteer.json``; this module only indexes it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

import pycountry

# short names editors use, where ISO's name is long or political
COMMON_NAMES: Final = {
    "RUS": "Russia", "USA": "United States", "GBR": "United Kingdom", "IRN": "Iran", "SYR": "Syria",
    "KOR": "South Korea", "PRK": "North Korea", "VNM": "Vietnam", "TWN": "Taiwan", "PSE": "Palestine",
    "BOL": "Bolivia", "VEN": "Venezuela", "TZA": "Tanzania", "MDA": "Moldova", "LAO": "Laos", "CZE": "Czech Republic",
    "TUR": "Turkey", "COD": "DR Congo", "COG": "Congo", "CIV": "Ivory Coast", "MKD": "North Macedonia",
    "FSM": "Micronesia", "BRN": "Brunei", "ARE": "United Arab Emirates", "NLD": "Netherlands", "PHL": "Philippines",
}  # fmt: skip
ALIASES: Final = {
    "us": "USA", "u.s.": "USA", "u.s": "USA", "usa": "USA", "america": "USA", "united states of america": "USA",
    "uk": "GBR", "u.k.": "GBR", "britain": "GBR", "great britain": "GBR", "england": "GBR", "scotland": "GBR",
    "wales": "GBR", "russia": "RUS", "iran": "IRN", "syria": "SYR", "south korea": "KOR", "north korea": "PRK",
    "vietnam": "VNM", "taiwan": "TWN", "palestine": "PSE", "bolivia": "BOL", "venezuela": "VEN",
    "tanzania": "TZA", "moldova": "MDA", "laos": "LAO", "czech republic": "CZE", "czechia": "CZE",
    "turkey": "TUR", "türkiye": "TUR", "ivory coast": "CIV", "uae": "ARE", "holland": "NLD",
    "the netherlands": "NLD", "the philippines": "PHL", "burma": "MMR", "myanmar": "MMR", "kosovo": None,
    "the united states": "USA", "the us": "USA", "the uk": "GBR", "the united kingdom": "GBR", "dr congo": "COD",
}  # fmt: skip


@dataclass(frozen=True)
class Gazetteer:
    countries: dict[str, str]  # lower-case name -> alpha-3
    demonyms: dict[str, str | None]
    metonyms: dict[str, str | None]
    places: dict[str, str]
    orgs: dict[str, tuple[str, str | None]]
    titles: frozenset[str]
    common_actors: frozenset[str]

    def country_code(self, name: str) -> str | None:
        """ISO alpha-3 for a country name, alias or demonym.

        >>> g = gazetteer(); g.country_code("Ukraine"), g.country_code("U.S."), g.country_code("Russian")
        ('UKR', 'USA', 'RUS')
        """
        low = name.lower().strip()
        if low in self.countries:
            return self.countries[low]
        if name in self.demonyms:
            return self.demonyms[name]
        return None

    def country_name(self, code: str | None) -> str | None:
        """The name editors use for a country code.

        >>> gazetteer().country_name("RUS")
        'Russia'
        """
        if code is None:
            return None
        if code in COMMON_NAMES:
            return COMMON_NAMES[code]
        c = pycountry.countries.get(alpha_3=code)
        if c is None:
            return None
        return getattr(c, "common_name", None) or c.name

    def place_country(self, name: str) -> str | None:
        if name in self.metonyms:
            return self.metonyms[name]
        return self.places.get(name)


@cache
def gazetteer() -> Gazetteer:
    raw = json.loads(resources.files("pipeline.data").joinpath("gazetteer.json").read_text(encoding="utf-8"))
    countries: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(c, attr, None)
            if value:
                countries[value.lower()] = c.alpha_3
    for alias, code in ALIASES.items():
        if code:
            countries[alias] = code
        else:
            countries.pop(alias, None)
    places = {}
    for code, names in raw["places"].items():
        for n in names:
            places[n] = code
    return Gazetteer(
        countries=countries,
        demonyms=raw["demonyms"],
        metonyms=raw["metonyms"],
        places=places,
        orgs={k: (v[0], v[1]) for k, v in raw["orgs"].items()},
        titles=frozenset(raw["titles"]),
        common_actors=frozenset(raw["common_actors"]),
    )
