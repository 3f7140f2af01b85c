"""What the aggregates need of each city, as arrays: the pool without one object per city.

A network's pool can hold 100,000 cities. Kept as :class:`~benchmark.record.PoolRecord`
objects (answers, scores, profile), that is over a gigabyte per process, and aggregating it in
Python takes seconds per request. The aggregates (:mod:`benchmark.aggregates`) and the
publication plan (:mod:`benchmark.differencing`) need only a few facts per city, so
:class:`PoolFacts` keeps those as columns — about 40 bytes a city — built once from the
records (in chunks, by the caller, so the records need not all be in memory at once) and
then filtered and counted with numpy.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

from benchmark.record import PoolRecord

__all__ = ["NOT_SCORED", "OVERALL", "PoolFacts"]

#: ``indicators`` value of a city scored without the indicator (another rulebook).
NOT_SCORED = -1

#: A kind of city for the publication plan: (region, size band, EU member, demo, year), the
#: indicators it is scored with, the dimensions it has a level in.
Kind = tuple[tuple[str, str, bool, bool, int], tuple[str, ...], tuple[str, ...]]

#: A ``dimension_ids`` entry that stands for the overall level.
OVERALL = "overall"


@dataclass(frozen=True)
class PoolFacts:
    """Per city (one row each, in pool order): its group attributes and results."""

    ids: NDArray[np.object_]
    #: M49 sub-region (interned strings: one object per region, not per city)
    region: NDArray[np.object_]
    #: size band label, e.g. "0.5–1M"
    size_band: NDArray[np.object_]
    eu_member: NDArray[np.bool_]
    demo: NDArray[np.bool_]
    #: calendar year of the assessment
    year: NDArray[np.int16]
    indicator_ids: tuple[str, ...]
    #: (n, indicators) int8: 1 met, 0 not met, :data:`NOT_SCORED`
    indicators: NDArray[np.int8]
    dimension_ids: tuple[str, ...]
    #: (n, dimensions) int8: the level, 0 when not assessed (or no such dimension)
    levels: NDArray[np.int8]

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_records(
        cls,
        records: Sequence[PoolRecord],
        indicator_ids: Sequence[str] | None = None,
        dimension_ids: Sequence[str] | None = None,
    ) -> PoolFacts:
        """The facts of ``records``; indicators and dimensions as first seen unless given."""
        indicators = (
            tuple(indicator_ids)
            if indicator_ids is not None
            else _first_seen(r.scores.indicators for r in records)
        )
        dimensions = (
            tuple(dimension_ids)
            if dimension_ids is not None
            else _first_seen(r.scores.dimensions for r in records)
        )
        met = np.full((len(records), len(indicators)), NOT_SCORED, dtype=np.int8)
        levels = np.zeros((len(records), len(dimensions)), dtype=np.int8)
        for i, record in enumerate(records):
            for j, indicator in enumerate(indicators):
                value = record.scores.indicators.get(indicator)
                if value is not None:
                    met[i, j] = value
            for j, dimension in enumerate(dimensions):
                if dimension == OVERALL:
                    levels[i, j] = record.scores.overall_level or 0
                    continue
                summary = record.scores.dimensions.get(dimension)
                if summary is not None and summary.level is not None:
                    levels[i, j] = summary.level
        return cls(
            ids=np.array([r.id for r in records], dtype=object),
            region=np.array([sys.intern(r.profile.region) for r in records], dtype=object),
            size_band=np.array([sys.intern(r.profile.size_band) for r in records], dtype=object),
            eu_member=np.array([r.profile.eu_member for r in records], dtype=bool),
            demo=np.array([r.is_demo for r in records], dtype=bool),
            year=np.array([r.assessed_on.year for r in records], dtype=np.int16),
            indicator_ids=indicators,
            indicators=met,
            dimension_ids=dimensions,
            levels=levels,
        )

    @classmethod
    def concat(cls, parts: Sequence[PoolFacts]) -> PoolFacts:
        """The rows of ``parts`` one after the other (same indicators and dimensions)."""
        first = parts[0]
        arrays = {
            f.name: np.concatenate([getattr(p, f.name) for p in parts])
            for f in fields(cls)
            if f.name not in ("indicator_ids", "dimension_ids")
        }
        return cls(**arrays, indicator_ids=first.indicator_ids, dimension_ids=first.dimension_ids)

    def take(self, rows: NDArray[np.bool_] | NDArray[np.intp]) -> PoolFacts:
        """The rows ``rows`` (a mask or positions)."""
        arrays = {
            f.name: getattr(self, f.name)[rows]
            for f in fields(self)
            if f.name not in ("indicator_ids", "dimension_ids")
        }
        return PoolFacts(
            **arrays, indicator_ids=self.indicator_ids, dimension_ids=self.dimension_ids
        )

    def within(
        self,
        *,
        region: str | None = None,
        size_band: str | None = None,
        eu_member: bool | None = None,
        include_demo: bool = True,
    ) -> NDArray[np.bool_]:
        """The rows of the cities in ``region``, ``size_band`` and EU membership (None:
        any), demo cities only when ``include_demo``."""
        mask = np.ones(len(self), dtype=bool)
        if region is not None:
            mask &= self.region == region
        if size_band is not None:
            mask &= self.size_band == size_band
        if eu_member is not None:
            mask &= self.eu_member == eu_member
        if not include_demo:
            mask &= ~self.demo
        return mask

    def kinds(self) -> Counter[Kind]:
        """How many cities of each kind the pool holds (what the publication plan counts):
        found with ``np.unique`` over small integer codes, so Python sees only the few
        hundred kinds, never each city."""
        table: Counter[Kind] = Counter()
        if not len(self):
            return table
        regions, region_code = _factorize(self.region)
        bands, band_code = _factorize(self.size_band)
        years, year_code = _factorize(self.year.tolist())
        flags = np.concatenate([self.indicators != NOT_SCORED, self.levels > 0], axis=1)
        pattern = flags.astype(np.int64) @ (1 << np.arange(flags.shape[1], dtype=np.int64))
        # One integer per city: region, band, EU, demo, year and pattern, as digits of one
        # number.
        code = ((region_code * len(bands) + band_code) * 2 + self.eu_member) * 2 + self.demo
        code = (code * len(years) + year_code) * (1 << flags.shape[1]) + pattern
        kinds, counts = np.unique(code, return_counts=True)
        n_indicators = len(self.indicator_ids)
        for value, count in zip(kinds.tolist(), counts.tolist(), strict=True):
            value, bits = divmod(value, 1 << flags.shape[1])
            value, year = divmod(value, len(years))
            value, demo = divmod(value, 2)
            value, eu = divmod(value, 2)
            region, band = divmod(value, len(bands))
            on = [bool(bits >> j & 1) for j in range(flags.shape[1])]
            indicators = tuple(
                i for i, hit in zip(self.indicator_ids, on[:n_indicators], strict=True) if hit
            )
            dims = tuple(
                d for d, hit in zip(self.dimension_ids, on[n_indicators:], strict=True) if hit
            )
            atom = (str(regions[region]), str(bands[band]), bool(eu), bool(demo), int(years[year]))
            table[(atom, indicators, dims)] += count
        return table


def _factorize(values: Iterable[Any]) -> tuple[list[Any], NDArray[np.int64]]:
    """(distinct values, each value's code): a dict lookup per city, no sorting of strings."""
    index: dict[Any, int] = {}
    codes = np.fromiter((index.setdefault(v, len(index)) for v in values), np.int64)
    return list(index), codes


def _first_seen(mappings: Iterable[Iterable[str]]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for mapping in mappings:
        seen.update(dict.fromkeys(mapping))
    return tuple(seen)
