"""Cities to learn from: ahead in the weak dimension and of a similar size (issue 11)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pools import random_pool, records_for

from benchmark.peers import LEARN_SIZE_RANGE, LEARN_SIZE_STEPS, PeerFinder
from benchmark.privacy import shown_profile
from benchmark.profile import CityProfile
from benchmark.record import PoolRecord
from rules import CompiledRulebook, Rulebook, load_rulebook


@pytest.fixture(scope="module")
def book() -> Rulebook:
    return load_rulebook()


@pytest.fixture(scope="module")
def mixed(book: Rulebook) -> list[PoolRecord]:
    return random_pool(book, 300, seed=11, consent_share=0.4)


@pytest.fixture(scope="module")
def finder(mixed: list[PoolRecord]) -> PeerFinder:
    return PeerFinder(n_neighbors=8).fit(mixed)


def _level(record: PoolRecord, dimension: str) -> int:
    return record.scores.dimensions[dimension].level or 0


def _qualifying(
    pool: list[PoolRecord], city: PoolRecord, dimension: str, factor: float
) -> list[PoolRecord]:
    """Brute force: the other cities ahead in ``dimension`` within ``factor`` of its size
    (a city not named is of the size it is shown with, its band's midpoint)."""
    population = city.profile.population
    return [
        r
        for r in pool
        if r.id != city.id
        and _level(r, dimension) >= _level(city, dimension) + 1
        and population / factor <= shown_profile(r).population <= population * factor
    ]


@settings(max_examples=60, deadline=None)
@given(index=st.integers(0, 299), k=st.integers(1, 12), dimension=st.integers(0, 8))
def test_learn_from_peers_are_the_nearest_cities_ahead_in_the_narrowest_size_range(
    mixed, finder, index, k, dimension
):
    record = mixed[index]
    dims = finder.space_.dimension_ids
    target = dims[dimension]
    group = finder.learn_from(
        record.profile, record.scores, k, dimension=target, city_id=record.id
    )[0]
    # The narrowest range with k qualifying cities in the whole pool (or the widest).
    factor = (
        next(f for f in LEARN_SIZE_STEPS if len(_qualifying(mixed, record, target, f)) >= k)
        if len(_qualifying(mixed, record, target, np.inf)) >= k
        else np.inf
    )
    allowed = _qualifying(mixed, record, target, factor)
    assert len(group.peers) == min(k, len(allowed))
    # ... and among them the most comparable: the same order as comparable() over all cities.
    ranking = finder.comparable(record.profile, k=len(mixed) - 1, city_id=record.id).peers
    allowed_ids = {r.id for r in allowed}
    expected = [p.id for p in ranking if p.id in allowed_ids][:k]
    assert [p.id for p in group.peers] == expected
    widened = group.note is not None and "times your population" in group.note
    assert widened == (LEARN_SIZE_RANGE < factor < np.inf and bool(group.peers))


def test_a_city_learns_from_cities_of_its_size_not_from_the_largest_ones(book):
    """Ahead cities of every size: only those of ¼× to 4× the city's size are shown."""
    city = CityProfile(name="Here", country="PT", region="Southern Europe", population=250_000)
    sizes = [30_000, 50_000, 70_000, 120_000, 200_000, 300_000, 500_000, 900_000, 2_000_000]
    profiles = [
        city.model_copy(update={"name": f"City {i}", "population": size})
        for i, size in enumerate(sizes * 3)
    ]
    finder, records, scores = _pool_ahead_of(book, profiles)
    group = finder.learn_from(city, scores, 15, dimension="strategy")[0]
    shown = [_by_id(records, p.id).profile.population for p in group.peers]
    assert shown and all(62_500 <= size <= 1_000_000 for size in shown)
    assert len(shown) == 3 * 5  # the five sizes in range, three cities each
    assert group.note is None or "times your population" not in group.note


def test_the_size_range_widens_only_when_the_pool_has_too_few(book):
    city = CityProfile(name="Here", country="PT", region="Southern Europe", population=250_000)
    sizes = [200_000, 300_000, 1_500_000, 1_800_000, 3_000_000]  # two in range, two within 8×
    profiles = [
        city.model_copy(update={"name": f"City {i}", "population": size})
        for i, size in enumerate(sizes)
    ]
    finder, records, scores = _pool_ahead_of(book, profiles)
    group = finder.learn_from(city, scores, 4, dimension="strategy")[0]
    shown = sorted(_by_id(records, p.id).profile.population for p in group.peers)
    assert shown == [200_000, 300_000, 1_500_000, 1_800_000]  # not the 12× larger one
    assert group.note is not None and "1/8 to 8 times your population" in group.note


def test_learn_pool_factor_changes_the_time_never_the_answer(mixed):
    narrow = PeerFinder(n_neighbors=6, learn_pool_factor=1).fit(mixed)
    wide = PeerFinder(n_neighbors=6, learn_pool_factor=10).fit(mixed)
    for record in mixed[::15]:
        a = narrow.learn_from(record.profile, record.scores, city_id=record.id)
        b = wide.learn_from(record.profile, record.scores, city_id=record.id)
        assert [[p.id for p in g.peers] for g in a] == [[p.id for p in g.peers] for g in b]


def _pool_ahead_of(book: Rulebook, profiles: list[CityProfile], consent: list[bool] | None = None):
    """A pool of ``profiles`` all at level 4+ in strategy, and scores of a city at level 1.

    The cities are named unless ``consent`` says otherwise: sizes are then their own.
    """
    consent = [True] * len(profiles) if consent is None else consent
    compiled = CompiledRulebook.compile(book)
    rng = np.random.default_rng(0)
    codes = compiled.random_codes(len(profiles) * 40, rng)
    levels = compiled.score(codes).levels[:, [d.id for d in book.dimensions].index("strategy")]
    high = codes[levels >= 4][: len(profiles)]
    low = codes[levels == 1][:1]
    assert len(high) == len(profiles) and len(low) == 1
    records = records_for(book, profiles, high, consent=consent)
    here = records_for(book, [profiles[0]], low, prefix="here")[0]
    return PeerFinder().fit(records), records, here.scores


def _by_id(records: list[PoolRecord], record_id: str) -> PoolRecord:
    return next(r for r in records if r.id == record_id)
