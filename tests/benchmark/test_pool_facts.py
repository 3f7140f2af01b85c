"""The pool as arrays (:class:`PoolFacts`) gives the aggregates and the publication plan that
the records give, figure for figure: the network pages use the arrays at scale."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from pools import random_pool

from benchmark.aggregates import aggregate_pool, level_distribution
from benchmark.differencing import plan_publication
from benchmark.pool_facts import NOT_SCORED, PoolFacts
from rules import Rulebook, load_rulebook


@pytest.fixture(scope="module")
def book() -> Rulebook:
    return load_rulebook()


def _mixed_pool(book: Rulebook, seed: int):
    """Demo and real cities, some scored without an indicator, over several years."""
    pool = random_pool(book, 300, seed=seed)
    rng = np.random.default_rng(seed)
    changed = []
    for i, record in enumerate(pool):
        update: dict = {"assessed_on": date(2022 + int(rng.integers(0, 4)), 3, 1)}
        if i % 3 == 0:
            update["source"] = "import"
        if i % 17 == 0:  # an older rulebook's record: one indicator missing
            indicators = dict(record.scores.indicators)
            indicators.pop(next(iter(indicators)))
            update["scores"] = record.scores.model_copy(update={"indicators": indicators})
        changed.append(record.model_copy(update=update))
    return changed


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_facts_give_the_same_plan_and_figures_as_records(book: Rulebook, seed: int) -> None:
    pool = _mixed_pool(book, seed)
    indicators = [i.id for i in book.indicators]
    dimensions = [d.id for d in book.dimensions]
    facts = PoolFacts.from_records(pool, indicators, dimensions)
    assert plan_publication(facts) == plan_publication(pool)
    regions = sorted({r.profile.region for r in pool})
    for filters in (
        {},
        {"eu_member": True},
        {"region": regions[0]},
        {"size_band": "250k–500k", "include_demo": False},
    ):
        assert aggregate_pool(facts, indicators, **filters) == aggregate_pool(
            pool, indicators, **filters
        )
        assert level_distribution(facts, dimensions, [1, 2, 3, 4, 5], **filters) == (
            level_distribution(pool, dimensions, [1, 2, 3, 4, 5], **filters)
        )


def test_facts_hold_what_the_records_say(book: Rulebook) -> None:
    pool = _mixed_pool(book, 4)
    facts = PoolFacts.from_records(pool, [i.id for i in book.indicators])
    assert len(facts) == len(pool)
    assert facts.year.tolist() == [r.assessed_on.year for r in pool]
    assert (facts.indicators[::17, 0] == NOT_SCORED).all()
    halves = PoolFacts.concat([facts.take(np.arange(150)), facts.take(np.arange(150, 300))])
    assert halves.ids.tolist() == facts.ids.tolist()
    assert sum(facts.kinds().values()) == len(pool)
