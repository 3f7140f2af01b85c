"""Countries: UN M49 region and EU membership, from the tables in ``benchmark/data``.

The tables are read once and cached; see ``benchmark/data/README.md`` for their sources.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

__all__ = ["Country", "countries", "country", "eu_members"]


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


@cache
def countries() -> dict[str, Country]:
    """Every country of the region table, by ISO alpha-2 code."""
    eu = eu_members()
    return {
        row["country"]: Country(
            code=row["country"],
            region=row["region"],
            sub_region=row["sub_region"],
            intermediate_region=row["intermediate_region"],
            eu_member=row["country"] in eu,
        )
        for row in _read_table("regions.csv")
    }


def country(code: str) -> Country | None:
    """The country with ISO alpha-2 ``code`` (case-insensitive), or None if unknown."""
    return countries().get(code.strip().upper())
