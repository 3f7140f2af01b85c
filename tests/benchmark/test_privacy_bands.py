"""A city that is not named is seen through its bands: nothing shown depends on its exact
population or team size (issue 12). The attack itself, over the API, is in
tests/web/api/test_reidentification.py."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pools import records_for

from benchmark.explain import context_reasons
from benchmark.peers import PeerFinder
from benchmark.privacy import BAND_POPULATION, BAND_TEAM_SIZE, shown_profile
from benchmark.profile import SIZE_BANDS, TEAM_BANDS, TEAM_QUESTION, CityProfile, team_band
from benchmark.record import PoolRecord
from rules import CompiledRulebook, Rulebook, load_rulebook
from rules.index import RulebookIndex

HERE = CityProfile(
    name="Here", country="DE", region="Western Europe", population=400_000, team_size=2.0
)


@pytest.fixture(scope="module")
def book() -> Rulebook:
    return load_rulebook()


def test_team_bands_are_the_options_of_the_team_question(book):
    # The bands a city that is not named is seen by are those its answer is scored by.
    question = RulebookIndex.of(book).questions[TEAM_QUESTION]
    assert [lower for lower, _ in TEAM_BANDS] == [o.min for o in question.options]


def test_each_band_is_seen_at_a_figure_inside_it():
    assert list(BAND_POPULATION) == [label for _, label in SIZE_BANDS]
    assert list(BAND_TEAM_SIZE) == [label for _, label in TEAM_BANDS]
    for label, population in BAND_POPULATION.items():
        assert CityProfile(
            name="X", country="DE", region="R", population=population
        ).size_band == (label)
    for label, team in BAND_TEAM_SIZE.items():
        assert team_band(team) == label
    assert BAND_POPULATION["0.5–1M"] == 707_000 and BAND_TEAM_SIZE["1–3 FTE"] == 1.83


def _record(profile: CityProfile, named: bool) -> PoolRecord:
    return PoolRecord.model_construct(profile=profile, consent_named=named)


def test_shown_profile_keeps_a_named_city_and_bands_the_others():
    city = HERE.model_copy(update={"population": 930_000, "team_size": 2.7})
    assert shown_profile(_record(city, True)) == city
    shown = shown_profile(_record(city, False))
    assert (shown.population, shown.team_size) == (707_000, 1.83)
    assert shown.model_copy(update={"population": 930_000, "team_size": 2.7}) == city
    unknown = city.model_copy(update={"team_size": None})
    assert shown_profile(_record(unknown, False)).team_size is None


@pytest.mark.parametrize(
    ("population", "team", "expected"),
    [
        (
            260_000,
            2.9,
            ["similar size 250k–500k vs 0.4M", "similar international team size (1–3 FTE)"],
        ),
        (
            490_000,
            1.0,
            ["similar size 250k–500k vs 0.4M", "similar international team size (1–3 FTE)"],
        ),
        (510_000, 3.0, ["larger: 0.5–1M vs 0.4M"]),
        (240_000, 0.9, ["smaller: 100k–250k vs 0.4M"]),
    ],
)
def test_reasons_about_a_city_not_named_compare_bands(population, team, expected):
    peer = HERE.model_copy(update={"name": "There", "population": population, "team_size": team})
    for profile in (peer, shown_profile(_record(peer, False))):
        reasons = context_reasons(HERE, profile, named=False)
        assert [r for r in reasons if r.startswith(("similar", "larger", "smaller"))] == expected


def test_reasons_about_a_named_city_keep_its_figures():
    peer = HERE.model_copy(update={"name": "There", "population": 510_000, "team_size": 2.5})
    reasons = context_reasons(HERE, peer, named=True)
    assert "similar size 0.51M vs 0.4M" in reasons
    assert "similar international team (2.5 vs 2 FTE)" in reasons


@pytest.fixture(scope="module")
def twins(book: Rulebook) -> tuple[PeerFinder, list[PoolRecord]]:
    """Pairs of cities alike in all but their exact figures within one size and team band
    (both not named), among named cities of every size."""
    profiles, consent = [], []
    pairs = [((120_000, 1.2), (240_000, 2.9)), ((600_000, 0.5), (990_000, 0.99))]
    pairs += [((1_000_000, 10.0), (4_900_000, 80.0))]
    for n, pair in enumerate(pairs):
        for m, (population, team) in enumerate(pair):
            update = {"name": f"Twin {n}{m}", "population": population, "team_size": team}
            profiles.append(HERE.model_copy(update=update))
            consent.append(False)
    for n, population in enumerate((50_000, 200_000, 700_000, 3_000_000, 9_000_000)):
        update = {"name": f"Named {n}", "population": population, "team_size": float(n * 4)}
        profiles.append(HERE.model_copy(update=update))
        consent.append(True)
    codes = CompiledRulebook.compile(book).random_codes(1, np.random.default_rng(3))
    records = records_for(book, profiles, np.repeat(codes, len(profiles), axis=0), consent=consent)
    return PeerFinder(n_neighbors=len(records)).fit(records), records


def _lowest(book: Rulebook):
    """Scores of a city at the first option everywhere: every pool city is ahead of it."""
    codes = CompiledRulebook.compile(book).random_codes(1, np.random.default_rng(0)) * 0
    return records_for(book, [HERE], codes, prefix="low")[0].scores


def _shown(peer) -> dict:
    return peer.model_dump(exclude={"id"})


@settings(max_examples=40, deadline=None)
@given(
    population=st.integers(10_000, 20_000_000),
    team=st.one_of(st.none(), st.floats(0, 200)),
    region=st.sampled_from(["Western Europe", "Southern Europe", "Eastern Asia"]),
)
def test_two_cities_of_one_band_are_shown_alike_whoever_asks(
    twins, book, population, team, region
):
    finder, records = twins
    city = HERE.model_copy(update={"population": population, "team_size": team, "region": region})
    scores = _lowest(book)
    groups = [finder.comparable(city, scores), finder.same_stage(city, scores)]
    groups += finder.learn_from(city, scores, dimension="strategy")
    assert groups[-1].peers, "the learn-from group has peers to compare"
    for group in groups:
        peers = {p.id: p for p in group.peers}
        ranked = [p.id for p in group.peers]
        for first, second in zip(records[0:6:2], records[1:6:2], strict=True):
            a, b = peers.get(first.id), peers.get(second.id)
            assert (a is None) == (b is None), "one of a band is in the group, not the other"
            if a is not None and b is not None:
                assert _shown(a) == _shown(b)
                assert ranked.index(b.id) == ranked.index(a.id) + 1  # tied: by id
                assert a.distance == pytest.approx(sum(c.value for c in a.contributions) ** 0.5)
