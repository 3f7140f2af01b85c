"""Pool aggregates: counts and shares per group, small groups suppressed, demo excludable."""

from __future__ import annotations

from datetime import date

import pytest

from benchmark.aggregates import aggregate_pool
from benchmark.profile import CityProfile
from benchmark.record import PoolRecord, ScoreSummary, Source

IDS = ["office", "training"]


def city(
    n: int,
    *,
    region: str = "Western Europe",
    population: int = 600_000,
    eu: bool = True,
    office: bool = True,
    training: bool | None = False,
    source: Source = "import",
) -> PoolRecord:
    """A record whose only scores that matter are its two indicators."""
    indicators = {"office": office} | ({} if training is None else {"training": training})
    return PoolRecord(
        id=f"c{n}",
        profile=CityProfile(
            name=f"City {n}", country="DE", region=region, population=population, eu_member=eu
        ),
        answers={},
        scores=ScoreSummary(
            dimensions={},
            overall_score=None,
            overall_level=None,
            floor=None,
            indicators=indicators,
            rulebook_hash="test",
        ),
        source=source,
        assessed_on=date(2025, 1, 1),
        rulebook_version="1.0.0",
    )


def test_overall_share_counts_cities_meeting_each_indicator() -> None:
    pool = [city(i, office=i < 4, training=i % 2 == 0) for i in range(6)]
    row = aggregate_pool(pool, IDS).row("overall", "all cities")
    assert (row.n, row.suppressed) == (6, False)
    office, training = row.indicators
    assert (office.indicator, office.met, office.n, office.share) == ("office", 4, 6, 4 / 6)
    assert (training.met, training.n, training.share) == (3, 6, 0.5)


def test_groups_below_five_cities_are_suppressed_not_counted() -> None:
    pool = [city(i, region="Western Europe") for i in range(6)]
    pool += [city(10 + i, region="Northern Europe", office=False) for i in range(3)]
    pool += [city(20 + i, region="Southern Europe", office=False) for i in range(2)]
    aggregates = aggregate_pool(pool, IDS)
    shown = aggregates.row("region", "Western Europe")
    hidden = aggregates.row("region", "Northern Europe")
    assert (shown.suppressed, shown.n, shown.indicators[0].share) == (False, 6, 1.0)
    assert (hidden.suppressed, hidden.n) == (True, None)
    assert all(c.suppressed and c.met is None and c.share is None for c in hidden.indicators)
    assert aggregates.row("region", "Southern Europe").suppressed
    assert aggregates.row("overall", "all cities").indicators[0].met == 6


def test_a_row_is_suppressed_when_the_total_minus_it_leaves_too_few_cities() -> None:
    # all cities (9) minus Western Europe (5) would give Northern Europe's 4 cities
    pool = [city(i, region="Western Europe") for i in range(5)]
    pool += [city(10 + i, region="Northern Europe", office=False) for i in range(4)]
    aggregates = aggregate_pool(pool, IDS)
    west = aggregates.row("region", "Western Europe")
    assert (west.suppressed, west.n, west.reason) == (True, None, "differencing")
    assert {cell.reason for cell in west.indicators} == {"differencing"}
    assert aggregates.row("region", "Northern Europe").reason == "too_few_cities"
    assert aggregates.row("overall", "all cities").indicators[0].met == 5


def test_filters_narrow_the_rows_and_keep_the_plan_of_the_whole_pool() -> None:
    pool = [city(i, region="Western Europe") for i in range(6)]
    pool += [city(10 + i, region="Northern Europe", eu=i < 5) for i in range(6)]
    within = aggregate_pool(pool, IDS, region="Northern Europe")
    assert within.cities == 6
    assert [(r.grouping, r.group) for r in within.rows][:2] == [
        ("overall", "all cities"),
        ("region", "Northern Europe"),
    ]
    assert within.row("overall", "all cities").n == 6
    # Northern Europe (6) minus its EU members (5) would be one city
    assert within.row("eu_member", "EU member").suppressed
    assert aggregate_pool(pool, IDS, region="Northern Europe", eu_member=True).rows[0].suppressed


def test_an_indicator_answered_by_too_few_cities_is_suppressed_in_a_shown_group() -> None:
    pool = [city(i, training=None if i < 3 else True) for i in range(7)]
    row = aggregate_pool(pool, IDS).row("overall", "all cities")
    office, training = row.indicators
    assert (row.n, office.n, office.suppressed) == (7, 7, False)
    assert (training.suppressed, training.n, training.share) == (True, None, None)


def test_rows_group_by_region_size_band_and_eu_membership_in_order() -> None:
    pool = [city(i, population=150_000, eu=False, region="Southern Europe") for i in range(5)]
    pool += [city(10 + i, population=2_000_000) for i in range(6)]
    aggregates = aggregate_pool(pool, IDS)
    assert [(r.grouping, r.group, r.n) for r in aggregates.rows] == [
        ("overall", "all cities", 11),
        ("region", "Southern Europe", 5),
        ("region", "Western Europe", 6),
        ("size_band", "100k–250k", 5),
        ("size_band", "1–5M", 6),
        ("eu_member", "EU member", 6),
        ("eu_member", "not an EU member", 5),
    ]


def test_demo_cities_can_be_left_out() -> None:
    pool = [city(i, source="demo", office=False) for i in range(6)]
    pool += [city(10 + i) for i in range(5)]
    with_demo = aggregate_pool(pool, IDS)
    without = aggregate_pool(pool, IDS, include_demo=False)
    assert (with_demo.cities, with_demo.demo_cities, with_demo.include_demo) == (11, 6, True)
    assert (without.cities, without.demo_cities, without.include_demo) == (5, 0, False)
    assert with_demo.row("overall", "all cities").indicators[0].met == 5
    assert without.row("overall", "all cities").indicators[0].share == 1.0


def test_an_empty_pool_reports_a_suppressed_overall_row() -> None:
    aggregates = aggregate_pool([], IDS)
    assert aggregates.cities == 0
    assert [(r.grouping, r.suppressed, r.n) for r in aggregates.rows] == [("overall", True, None)]


def test_indicators_default_to_those_in_the_records() -> None:
    pool = [city(i) for i in range(5)]
    assert aggregate_pool(pool).indicator_ids == ["office", "training"]
    with pytest.raises(KeyError):
        aggregate_pool(pool).row("region", "Atlantis")


def test_aggregates_serialise_to_json_with_suppression_explicit() -> None:
    data = aggregate_pool([city(i) for i in range(3)], IDS).model_dump()
    assert data["min_group_size"] == 5
    assert data["rows"][0]["suppressed"] is True
    assert data["rows"][0]["indicators"][0] == {
        "indicator": "office",
        "suppressed": True,
        "met": None,
        "n": None,
        "share": None,
        "reason": "too_few_cities",
    }
