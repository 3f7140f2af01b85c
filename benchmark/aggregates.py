"""The aggregate picture of a pool: how many cities meet each headline indicator.

Shares are given overall and by region, size band and EU membership, so that a network can
set its figures beside the published ones; optionally within a region, size band and EU
membership (the dashboard's filters). A group (or an indicator within a group) is
*suppressed* — reported as such, with neither its count nor its share — when it has fewer
than :data:`~benchmark.privacy.MIN_GROUP_SIZE` cities, or when showing it would let someone
subtract it from another published figure to read off fewer than that many cities
(:mod:`benchmark.differencing`). So no single city's answers can be read off.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict

from benchmark.differencing import GroupKey, Publication, plan_publication
from benchmark.pool_facts import NOT_SCORED, OVERALL, PoolFacts
from benchmark.privacy import MIN_GROUP_SIZE, suppressed
from benchmark.profile import SIZE_BANDS
from benchmark.record import PoolRecord
from benchmark.wording import N_, band_name, region_name
from rules.locale import phrase

__all__ = [
    "ALL_CITIES",
    "EU_LABELS",
    "GROUPINGS",
    "DimensionLevels",
    "GroupRow",
    "Grouping",
    "IndicatorCell",
    "PoolAggregates",
    "YearRow",
    "aggregate_pool",
    "filter_pool",
    "group_name",
    "level_distribution",
    "trend",
]

Grouping = Literal["overall", "region", "size_band", "eu_member", "year"]

#: Why a figure is suppressed: its group has too few cities, or showing it would let someone
#: subtract it from other published figures to read off too few (:mod:`benchmark.differencing`).
Reason = Literal["too_few_cities", "differencing"]

#: The rows' group labels are data, in English (the exports' and :meth:`PoolAggregates.row`'s
#: keys); :func:`group_name` shows one in the reader's language.
ALL_CITIES = N_("all cities")
EU_LABELS = {True: N_("EU member"), False: N_("not an EU member")}

#: The attribute a grouping's rows fix (None: the overall row fixes nothing).
GROUPING_ATTRIBUTE: dict[Grouping, str | None] = {
    "overall": None,
    "region": "region",
    "size_band": "size_band",
    "eu_member": "eu_member",
}

#: How records are grouped, in the order rows are reported.
GROUPINGS: dict[Grouping, Callable[[PoolRecord], str]] = {
    "overall": lambda r: ALL_CITIES,
    "region": lambda r: r.profile.region,
    "size_band": lambda r: r.profile.size_band,
    "eu_member": lambda r: EU_LABELS[r.profile.eu_member],
}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class IndicatorCell(_Frozen):
    """One indicator in one group; ``met``, ``n`` and ``share`` are None when suppressed."""

    indicator: str
    suppressed: bool
    met: int | None
    n: int | None
    share: float | None
    #: why it is suppressed; None when shown
    reason: Reason | None = None


class GroupRow(_Frozen):
    """One group of cities (e.g. region 'Southern Europe') and its indicator shares."""

    grouping: Grouping
    group: str
    suppressed: bool
    n: int | None
    indicators: list[IndicatorCell]
    #: why it is suppressed; None when shown
    reason: Reason | None = None


class PoolAggregates(_Frozen):
    """Indicator shares of a pool, overall and by group, with small groups suppressed."""

    cities: int
    demo_cities: int
    include_demo: bool
    min_group_size: int
    indicator_ids: list[str]
    rows: list[GroupRow]

    def row(self, grouping: Grouping, group: str) -> GroupRow:
        """The row of one group; raises KeyError if the pool has no such group."""
        for row in self.rows:
            if row.grouping == grouping and row.group == group:
                return row
        raise KeyError((grouping, group))


def aggregate_pool(
    records: Iterable[PoolRecord] | PoolFacts,
    indicator_ids: Sequence[str] | None = None,
    *,
    include_demo: bool = True,
    region: str | None = None,
    size_band: str | None = None,
    eu_member: bool | None = None,
    publication: Publication | None = None,
) -> PoolAggregates:
    """Share of cities meeting each headline indicator, overall and by group.

    Parameters
    ----------
    records:
        The whole pool, not a filtered part: what may be shown is decided over the whole
        pool, so that the figures of one filter cannot be set against those of another.
        Records, or their :class:`~benchmark.pool_facts.PoolFacts` (a large pool).
    indicator_ids:
        Indicators to report, in order (default: as first met in the records). A record
        scored without an indicator does not count towards that indicator's ``n``.
    include_demo:
        False leaves out demo (fictional) cities.
    region, size_band, eu_member:
        Report only the cities of this region, size band and EU membership (None: any).
    publication:
        The plan of :func:`~benchmark.differencing.plan_publication` for ``records``, when
        the caller already made it (default: made here).
    """
    facts = _facts(records, indicator_ids)
    plan = publication if publication is not None else plan_publication(facts)
    within = GroupKey(region, size_band, eu_member, include_demo)
    mask = facts.within(
        region=region, size_band=size_band, eu_member=eu_member, include_demo=include_demo
    )
    ids = list(indicator_ids) if indicator_ids is not None else _scored_in(facts, mask)
    columns = [facts.indicators[:, facts.indicator_ids.index(i)] for i in ids]
    rows = []
    for grouping in GROUPINGS:
        for group, value, members in _groups(facts, mask, grouping):
            key = within if value is None else within.narrowed(grouping, value)
            cells = [_counts(column, members) for column in columns]
            rows.append(_row(grouping, group, int(members.sum()), cells, ids, plan, key))
    if not mask.any():  # still say what "all cities" is, rather than leave the table empty
        rows.insert(0, _row("overall", ALL_CITIES, 0, [(0, 0)] * len(ids), ids, plan, within))
    return PoolAggregates(
        cities=int(mask.sum()),
        demo_cities=int((mask & facts.demo).sum()),
        include_demo=include_demo,
        min_group_size=MIN_GROUP_SIZE,
        indicator_ids=ids,
        rows=rows,
    )


def group_name(grouping: Grouping, group: str) -> str:
    """A row's ``group`` as a person reads it, in the context's language: "all cities",
    a region, a size band, "EU member" or "not an EU member"."""
    if grouping == "region":
        return region_name(group)
    if grouping == "size_band":
        return band_name(group)
    return phrase(group) if grouping in ("overall", "eu_member") else group


def _facts(
    records: Iterable[PoolRecord] | PoolFacts, indicator_ids: Sequence[str] | None = None
) -> PoolFacts:
    if isinstance(records, PoolFacts):
        return records
    return PoolFacts.from_records(list(records), indicator_ids)


def _scored_in(facts: PoolFacts, mask: NDArray[np.bool_]) -> list[str]:
    scored = (facts.indicators[mask] != NOT_SCORED).any(axis=0)
    return [i for i, on in zip(facts.indicator_ids, scored.tolist(), strict=True) if on]


def _groups(
    facts: PoolFacts, mask: NDArray[np.bool_], grouping: Grouping
) -> Iterator[tuple[str, str | bool | None, NDArray[np.bool_]]]:
    """(row label, the value the row fixes, its cities' mask) of each group with cities,
    in the order rows are reported."""
    if grouping == "overall":
        if mask.any():
            yield ALL_CITIES, None, mask
        return
    if grouping == "eu_member":
        for value, label in EU_LABELS.items():
            members = mask & (facts.eu_member == value)
            if members.any():
                yield label, value, members
        return
    column = facts.region if grouping == "region" else facts.size_band
    present = set(column[mask].tolist())
    order = sorted(present) if grouping == "region" else [b for _, b in SIZE_BANDS if b in present]
    for shown in order:
        yield shown, shown, mask & (column == shown)


def _counts(column: NDArray[np.int8], members: NDArray[np.bool_]) -> tuple[int, int]:
    """(cities scored with the indicator, cities meeting it) among ``members``."""
    values = column[members]
    return int((values != NOT_SCORED).sum()), int((values == 1).sum())


def _row(
    grouping: Grouping,
    group: str,
    n: int,
    cells: list[tuple[int, int]],
    ids: list[str],
    plan: Publication,
    key: GroupKey,
) -> GroupRow:
    reason = _reason(n, plan.shows(key))
    return GroupRow(
        grouping=grouping,
        group=group,
        suppressed=reason is not None,
        n=None if reason else n,
        indicators=[
            _cell(i, scored, met, reason, plan.shows_indicator(key, i))
            for i, (scored, met) in zip(ids, cells, strict=True)
        ],
        reason=reason,
    )


def _cell(
    indicator: str, scored: int, met: int, row_reason: Reason | None, planned: bool
) -> IndicatorCell:
    reason = row_reason or _reason(scored, planned)
    if reason is not None:
        return IndicatorCell(
            indicator=indicator, suppressed=True, met=None, n=None, share=None, reason=reason
        )
    return IndicatorCell(
        indicator=indicator, suppressed=False, met=met, n=scored, share=met / scored
    )


def _reason(count: int, planned: bool) -> Reason | None:
    """Why a figure over ``count`` cities is suppressed (None: it is shown); ``planned`` says
    whether the publication plan lets its group be shown."""
    if suppressed(count):
        return "too_few_cities"
    return None if planned else "differencing"


def filter_pool(
    records: Iterable[PoolRecord],
    *,
    region: str | None = None,
    size_band: str | None = None,
    eu_member: bool | None = None,
) -> list[PoolRecord]:
    """The records in ``region``, ``size_band`` and EU membership (None: any).

    For counting only: :func:`aggregate_pool` and :func:`level_distribution` take the whole
    pool and these filters, since what they may show is planned over the whole pool.
    """
    return [
        r
        for r in records
        if (region is None or r.profile.region == region)
        and (size_band is None or r.profile.size_band == size_band)
        and (eu_member is None or r.profile.eu_member == eu_member)
    ]


class DimensionLevels(_Frozen):
    """How many cities reach each level in one dimension; None when suppressed."""

    dimension: str
    suppressed: bool
    #: cities with a level in this dimension (not "not assessed")
    n: int | None
    #: level → number of cities, for every level asked for, in order
    counts: dict[int, int] | None
    #: why it is suppressed; None when shown
    reason: Reason | None = None


def level_distribution(
    records: Iterable[PoolRecord] | PoolFacts,
    dimension_ids: Sequence[str],
    levels: Sequence[int],
    *,
    include_demo: bool = True,
    region: str | None = None,
    size_band: str | None = None,
    eu_member: bool | None = None,
    publication: Publication | None = None,
) -> list[DimensionLevels]:
    """Per dimension, the number of cities at each of ``levels``.

    ``records`` is the whole pool (records or their facts), narrowed by ``include_demo``,
    ``region``, ``size_band`` and ``eu_member`` as in :func:`aggregate_pool`. A dimension is
    suppressed like a group of :func:`aggregate_pool`: with fewer than
    :data:`~benchmark.privacy.MIN_GROUP_SIZE` assessed cities, or when the plan
    (``publication``, default: made here) holds it back. Records without the dimension
    (scored by another rulebook) or not assessed in it do not count.
    """
    facts = records if isinstance(records, PoolFacts) else PoolFacts.from_records(list(records))
    plan = publication if publication is not None else plan_publication(facts)
    within = GroupKey(region, size_band, eu_member, include_demo)
    mask = facts.within(
        region=region, size_band=size_band, eu_member=eu_member, include_demo=include_demo
    )
    rows = []
    for dimension in dimension_ids:
        if dimension in facts.dimension_ids:
            reached = facts.levels[mask, facts.dimension_ids.index(dimension)]
        else:  # scored by another rulebook: no city has a level in it
            reached = np.zeros(0, dtype=np.int8)
        rows.append(_levels_row(dimension, reached, levels, plan, within))
    return rows


class YearRow(_Frozen):
    """The whole pool's figures for one year of assessment: a point of the trend."""

    year: int
    suppressed: bool
    n: int | None
    indicators: list[IndicatorCell]
    #: cities at each overall level that year
    levels: DimensionLevels
    #: why it is suppressed; None when shown
    reason: Reason | None = None


def trend(
    records: Iterable[PoolRecord] | PoolFacts,
    indicator_ids: Sequence[str],
    levels: Sequence[int],
    *,
    include_demo: bool = True,
    publication: Publication | None = None,
) -> list[YearRow]:
    """Per year of assessment, the share of cities meeting each headline indicator and the
    number at each overall level, for the whole pool (demo cities counted or not).

    Years are groups like any other: a year is suppressed when it has fewer than
    :data:`~benchmark.privacy.MIN_GROUP_SIZE` cities or when the plan holds it back (a year
    that could be subtracted from the other figures to single out a few cities). The
    overall level needs the facts' :data:`~benchmark.pool_facts.OVERALL` column.
    """
    facts = _facts(records, indicator_ids) if not isinstance(records, PoolFacts) else records
    if OVERALL not in facts.dimension_ids:
        raise ValueError(f"the facts need the {OVERALL!r} column for the trend")
    plan = publication if publication is not None else plan_publication(facts)
    mask = facts.within(include_demo=include_demo)
    overall = facts.levels[:, facts.dimension_ids.index(OVERALL)]
    columns = [facts.indicators[:, facts.indicator_ids.index(i)] for i in indicator_ids]
    rows = []
    for year in sorted(set(facts.year[mask].tolist())):
        key = GroupKey(include_demo=include_demo, year=year)
        members = mask & (facts.year == year)
        n = int(members.sum())
        reason = _reason(n, plan.shows(key))
        cells = [
            _cell(i, *_counts(column, members), reason, plan.shows_indicator(key, i))
            for i, column in zip(indicator_ids, columns, strict=True)
        ]
        rows.append(
            YearRow(
                year=year,
                suppressed=reason is not None,
                n=None if reason else n,
                indicators=cells,
                levels=_levels_row(OVERALL, overall[members], levels, plan, key, reason),
                reason=reason,
            )
        )
    return rows


def _levels_row(
    dimension: str,
    reached: NDArray[np.int8],
    levels: Sequence[int],
    plan: Publication,
    key: GroupKey,
    row_reason: Reason | None = None,
) -> DimensionLevels:
    """How many of ``reached`` (0: not assessed) are at each of ``levels``, or suppressed."""
    counts = np.bincount(reached, minlength=max([*levels, 0]) + 1)
    n = int(counts[1:].sum())
    reason = row_reason or _reason(n, plan.shows_levels(key, dimension))
    if reason is not None:
        return DimensionLevels(
            dimension=dimension, suppressed=True, n=None, counts=None, reason=reason
        )
    shown = {level: int(counts[level]) if level < len(counts) else 0 for level in levels}
    return DimensionLevels(dimension=dimension, suppressed=False, n=n, counts=shown)
