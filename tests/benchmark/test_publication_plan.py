"""The publication plan: no sum or difference of shown groups singles out 1 to 4 cities."""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from datetime import date

import pytest

from benchmark.differencing import GroupKey, Publication, plan_publication
from benchmark.privacy import MIN_GROUP_SIZE
from benchmark.profile import SIZE_BANDS, CityProfile
from benchmark.record import DimensionSummary, PoolRecord, ScoreSummary

BANDS = [label for _, label in SIZE_BANDS]
POPULATION = {"under 100k": 50_000, "100k–250k": 150_000, "0.5–1M": 600_000, "1–5M": 2_000_000}


def city(
    n: int,
    region: str = "Western Europe",
    band: str = "0.5–1M",
    *,
    eu: bool = True,
    demo: bool = False,
    office: bool = True,
    scored: bool = True,
) -> PoolRecord:
    """A city with one indicator and one dimension (both left out when not ``scored``)."""
    return PoolRecord(
        id=f"c{n}",
        profile=CityProfile(
            name=f"City {n}",
            country="DE",
            region=region,
            population=POPULATION[band],
            eu_member=eu,
        ),
        answers={},
        scores=ScoreSummary(
            dimensions={"strategy": DimensionSummary(score=50, level=2)} if scored else {},
            overall_score=None,
            overall_level=None,
            floor=None,
            indicators={"office": office} if scored else {},
            rulebook_hash="test",
        ),
        source="demo" if demo else "import",
        assessed_on=date(2025, 1, 1),
        rulebook_version="1.0.0",
    )


def cities(start: int, count: int, *args: str, **kwargs: bool) -> list[PoolRecord]:
    """``count`` cities alike, numbered from ``start``."""
    return [city(start + i, *args, **kwargs) for i in range(count)]  # type: ignore[arg-type]


def shown(plan: Publication, **group: str | bool | None) -> bool:
    return plan.shows(GroupKey(**group))  # type: ignore[arg-type]


def test_a_region_minus_its_eu_members_cannot_give_one_city() -> None:
    pool = cities(0, 5, "Western Europe", eu=True) + cities(5, 1, "Western Europe", eu=False)
    pool += cities(10, 6, "Northern Europe")
    plan = plan_publication(pool)
    assert shown(plan, region="Western Europe")
    assert not shown(plan, region="Western Europe", eu_member=True)
    assert not shown(plan, eu_member=True)  # all cities minus EU members: the same one city


def test_a_total_minus_all_other_rows_cannot_give_a_small_row() -> None:
    # regions 6, 7 and 3: showing the total and both big regions gives the small one
    pool = cities(0, 6, "Western Europe") + cities(10, 7, "Northern Europe")
    pool += cities(20, 3, "Southern Europe")
    plan = plan_publication(pool)
    assert shown(plan) and shown(plan, region="Northern Europe")  # the first in order
    assert not shown(plan, region="Western Europe")  # complementary suppression
    assert not shown(plan, region="Southern Europe")


def test_two_values_of_one_filter_cannot_be_set_against_their_total() -> None:
    # a region of 10 split 7/3 by size band
    pool = cities(0, 7, "Northern Europe", "0.5–1M") + cities(10, 3, "Northern Europe", "1–5M")
    pool += cities(20, 8, "Western Europe", "1–5M")
    plan = plan_publication(pool)
    assert shown(plan, region="Northern Europe")
    assert not shown(plan, region="Northern Europe", size_band="0.5–1M")
    assert not shown(plan, region="Northern Europe", size_band="1–5M")


def test_demo_cities_left_out_cannot_be_set_against_demo_cities_counted() -> None:
    # six real cities and two demo ones: with minus without would be the two demo cities
    pool = cities(0, 6) + cities(10, 2, demo=True)
    plan = plan_publication(pool)
    assert shown(plan, include_demo=True)
    assert not shown(plan, include_demo=False)
    # with five demo cities the difference is a group of five: both may be shown
    plan = plan_publication(cities(0, 6) + cities(10, 5, demo=True))
    assert shown(plan, include_demo=True) and shown(plan, include_demo=False)


def test_demo_cities_never_shield_a_real_city() -> None:
    # demo answers are no secret: 6 demo cities and 2 real ones would show the 2 real ones
    plan = plan_publication(cities(0, 2) + cities(10, 6, demo=True))
    assert not shown(plan, include_demo=True) and not shown(plan, include_demo=False)
    # a demo-only pool is shown as before, and so are 5 real cities beside demo ones
    assert shown(plan_publication(cities(10, 6, demo=True)))
    plan = plan_publication(cities(0, 5) + cities(10, 10, demo=True))
    assert shown(plan, include_demo=True) and shown(plan, include_demo=False)


def test_each_figure_is_planned_over_the_cities_it_counts() -> None:
    # 8 cities, 7 of them scored with the indicator and the dimension: all are shown over
    # the whole pool; Western Europe is not, since 8 minus its 6 would be Northern Europe's 2
    pool = cities(0, 5) + cities(5, 1, scored=False) + cities(10, 2, "Northern Europe")
    plan = plan_publication(pool)
    everyone = GroupKey()
    assert plan.shows(everyone) and plan.shows_indicator(everyone, "office")
    assert plan.shows_levels(everyone, "strategy")
    west = GroupKey(region="Western Europe")
    assert plan.shows(west) is False  # 8 − 6 = 2 Northern European cities
    assert plan.shows_indicator(west, "office") is False
    assert not plan.shows_indicator(everyone, "nowhere")


def test_the_plan_does_not_depend_on_answers() -> None:
    profiles = [("Western Europe", "0.5–1M", True)] * 6 + [("Western Europe", "1–5M", False)] * 3
    met = [city(i, r, b, eu=e, office=True) for i, (r, b, e) in enumerate(profiles)]
    unmet = [city(i, r, b, eu=e, office=i % 2 == 0) for i, (r, b, e) in enumerate(profiles)]
    assert plan_publication(met) == plan_publication(unmet)


def _random_pool(seed: int) -> list[PoolRecord]:
    rng = random.Random(seed)
    regions = ["Western Europe", "Northern Europe", "Southern Europe", "Eastern Europe"]
    return [
        city(
            i,
            rng.choice(regions),
            rng.choice(list(POPULATION)),
            eu=rng.random() < 0.7,
            demo=rng.random() < 0.2,
            scored=rng.random() < 0.9,
        )
        for i in range(rng.randint(10, 120))
    ]


def _all_groups(pool: list[PoolRecord]) -> list[GroupKey]:
    regions = sorted({r.profile.region for r in pool})
    return [
        GroupKey(region, band, eu, demo)
        for region, band, eu, demo in itertools.product(
            [None, *regions], [None, *BANDS], [None, True, False], [True, False]
        )
    ]


@pytest.mark.parametrize("seed", range(25))
def test_random_pools_leave_no_block_of_fewer_than_five_cities(seed: int) -> None:
    """Brute force, independent of the planner's bookkeeping: for each figure, the cities
    lying in exactly the same shown groups form blocks of at least five."""
    pool = _random_pool(seed)
    plan = plan_publication(pool)
    groups = _all_groups(pool)
    measures = [
        ("cities", plan.shows, lambda r: True),
        ("office", lambda g: plan.shows_indicator(g, "office"), lambda r: r.scores.indicators),
        ("levels", lambda g: plan.shows_levels(g, "strategy"), lambda r: r.scores.dimensions),
    ]
    for name, shows, counts in measures:
        published = [g for g in groups if shows(g)]
        blocks: dict[tuple[GroupKey, ...], int] = defaultdict(int)
        real: dict[tuple[GroupKey, ...], int] = defaultdict(int)
        for record in pool:
            if counts(record):
                signature = tuple(g for g in published if g.contains(record))
                if signature:
                    blocks[signature] += 1
                    real[signature] += not record.is_demo
        assert all(size >= MIN_GROUP_SIZE for size in blocks.values()), (seed, name)
        # even for someone who knows every demo city's answers
        assert all(n == 0 or n >= MIN_GROUP_SIZE for n in real.values()), (seed, name)
    assert shown(plan) == (len(pool) >= MIN_GROUP_SIZE)
