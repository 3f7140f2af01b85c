"""The aggregate picture of the pool that the dashboard shows and the exports publish.

Plain data from :mod:`benchmark.aggregates` (which applies the suppression rules), put beside
the rulebook's published reference figures. No requests or storage here. The figures are
always computed from the whole pool and the filters, never from a filtered list: which
groups may be shown is planned over the whole pool (:mod:`benchmark.differencing`).
"""

from __future__ import annotations

from dataclasses import dataclass

from benchmark.aggregates import (
    ALL_CITIES,
    DimensionLevels,
    IndicatorCell,
    PoolAggregates,
    YearRow,
    aggregate_pool,
    level_distribution,
    trend,
)
from benchmark.differencing import Publication, plan_publication
from benchmark.pool_facts import OVERALL, PoolFacts
from benchmark.record import PoolRecord
from rules import Rulebook, text_in
from rules.model import ReferenceFigure
from web.network.filters import Filters

__all__ = ["HeadlineRow", "PoolPicture", "pool_facts_of", "pool_picture"]


@dataclass(frozen=True)
class HeadlineRow:
    """One headline indicator: the pool's share beside the published figures."""

    id: str
    label: str
    cell: IndicatorCell
    #: published figures, oldest first, each with its year and source
    references: list[ReferenceFigure]

    @property
    def latest(self) -> ReferenceFigure | None:
        """The most recent published figure, if any."""
        return max(self.references, key=lambda r: r.year, default=None)


@dataclass(frozen=True)
class PoolPicture:
    """Everything the dashboard shows for one set of filters."""

    filters: Filters
    aggregates: PoolAggregates
    headline: list[HeadlineRow]
    distribution: list[DimensionLevels]
    levels: dict[int, str]
    dimension_titles: dict[str, str]
    #: per year of assessment, the whole pool's headline shares and overall levels
    trend: list[YearRow]


def pool_picture(
    book: Rulebook,
    records: list[PoolRecord] | PoolFacts,
    filters: Filters,
    *,
    publication: Publication | None = None,
) -> PoolPicture:
    """Aggregates, headline rows and level distribution of the whole pool ``records`` (or
    its facts) under ``filters``; ``publication`` is the pool's plan when already made."""
    if not isinstance(records, PoolFacts):
        records = pool_facts_of(book, records)
    if publication is None:
        publication = plan_publication(records)
    aggregates = aggregate_pool(
        records,
        [i.id for i in book.indicators],
        include_demo=not filters.exclude_demo,
        region=filters.region,
        size_band=filters.size_band,
        eu_member=filters.eu_member,
        publication=publication,
    )
    overall = aggregates.row("overall", ALL_CITIES)
    headline = [
        HeadlineRow(
            id=indicator.id,
            label=text_in(indicator.label),
            cell=cell,
            references=sorted(indicator.references, key=lambda r: r.year),
        )
        for indicator, cell in zip(book.indicators, overall.indicators, strict=True)
    ]
    levels = {level.level: text_in(level.name) for level in book.levels}
    distribution = level_distribution(
        records,
        [d.id for d in book.dimensions],
        list(levels),
        include_demo=not filters.exclude_demo,
        region=filters.region,
        size_band=filters.size_band,
        eu_member=filters.eu_member,
        publication=publication,
    )
    return PoolPicture(
        filters=filters,
        aggregates=aggregates,
        headline=headline,
        distribution=distribution,
        levels=levels,
        dimension_titles={d.id: text_in(d.title) for d in book.dimensions},
        trend=trend(
            records,
            [i.id for i in book.indicators],
            list(levels),
            include_demo=not filters.exclude_demo,
            publication=publication,
        ),
    )


def pool_facts_of(book: Rulebook, records: list[PoolRecord]) -> PoolFacts:
    """The facts the picture needs of ``records``: the rulebook's indicators, its dimensions
    and the overall level."""
    dimensions = [*(d.id for d in book.dimensions), OVERALL]
    return PoolFacts.from_records(records, [i.id for i in book.indicators], dimensions)
