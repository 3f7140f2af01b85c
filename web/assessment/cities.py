"""City search and country facts for the profile page, through the benchmark gazetteer.

The gazetteer (``benchmark.gazetteer``) is built once per process, on the first search. A
city that is not in it can still be entered by hand on the profile page.
"""

from __future__ import annotations

from dataclasses import dataclass

from benchmark.countries import country
from benchmark.errors import GazetteerError
from benchmark.gazetteer import default_gazetteer
from benchmark.profile import CityProfile

__all__ = ["CityChoice", "city_profile", "country_facts", "search_cities"]

SEARCH_LIMIT = 10
MAX_QUERY = 100


@dataclass(frozen=True)
class CityChoice:
    """One search result, shown as a radio option."""

    geonameid: int
    label: str


@dataclass(frozen=True)
class CountryFacts:
    """What a profile takes from the country: its M49 sub-region and EU membership."""

    region: str
    eu_member: bool


def search_cities(query: str) -> list[CityChoice]:
    """Cities whose name starts with ``query``, most populous first."""
    hits = default_gazetteer().search(query.strip()[:MAX_QUERY], limit=SEARCH_LIMIT)
    return [CityChoice(geonameid=hit.geonameid, label=hit.label) for hit in hits]


def city_profile(geonameid: int) -> CityProfile | None:
    """The profile of the city with ``geonameid``, or None when the gazetteer lacks it."""
    try:
        return default_gazetteer().profile(geonameid)
    except GazetteerError:
        return None


def country_facts(code: str) -> CountryFacts | None:
    """Region and EU membership of the country with ISO alpha-2 ``code``, if known."""
    found = country(code)
    if found is None or not found.sub_region:
        return None
    return CountryFacts(region=found.sub_region, eu_member=found.eu_member)
