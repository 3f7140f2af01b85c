"""PeerFinder: the three modes, explanations, privacy and deterministic order."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pools import planted_pool, random_pool, records_for

from benchmark.explain import population_text
from benchmark.features import PoolColumns
from benchmark.peers import PeerFinder, weak_dimensions
from benchmark.privacy import MIN_GROUP_SIZE, anonymous_label
from benchmark.profile import CityProfile
from rules import CompiledRulebook, Rulebook, load_rulebook, text_in


@pytest.fixture(scope="module")
def book() -> Rulebook:
    return load_rulebook()


@pytest.fixture(scope="module")
def planted(book):
    return planted_pool(book, per_group=20, seed=1)


@pytest.fixture(scope="module")
def finder(planted, book) -> PeerFinder:
    titles = {d.id: text_in(d.title) for d in book.dimensions}
    return PeerFinder().fit(planted[0], dimension_titles=titles)


@pytest.fixture(scope="module")
def mixed(book):
    return random_pool(book, 150, seed=7, consent_share=0.4)


@pytest.fixture(scope="module")
def mixed_finder(mixed) -> PeerFinder:
    return PeerFinder(n_neighbors=8).fit(mixed)


def test_comparable_cities_recover_the_planted_context_groups(planted, finder):
    records, group = planted
    precision = []
    for record in records:
        found = finder.comparable(record.profile, record.scores, 10, city_id=record.id)
        assert len(found.peers) == 10
        precision.append(np.mean([group[p.id] == group[record.id] for p in found.peers]))
    assert np.mean(precision) >= 0.9
    assert min(precision) >= 0.9


@pytest.mark.parametrize("mode", ["comparable", "same_stage", "learn_from"])
def test_the_city_itself_is_never_its_own_peer(mixed, mixed_finder, mode):
    for record in mixed[:40]:
        groups = _query(mixed_finder, mode, record)
        assert all(p.id != record.id for g in groups for p in g.peers)


def test_without_its_id_an_identical_city_comes_first(mixed, mixed_finder):
    record = next(r for r in mixed[12:] if r.consent_named)  # others are in by their bands
    found = mixed_finder.comparable(record.profile, record.scores)
    assert found.peers[0].id == record.id
    assert found.peers[0].distance == 0.0


@pytest.mark.parametrize("mode", ["comparable", "same_stage", "learn_from"])
def test_contributions_add_up_to_the_reported_distance(mixed, mixed_finder, mode):
    for record in mixed[:30]:
        for group in _query(mixed_finder, mode, record):
            for peer in group.peers:
                total = sum(c.value for c in peer.contributions)
                assert total == pytest.approx(peer.squared_distance, rel=1e-12, abs=1e-15)
                assert peer.distance**2 == pytest.approx(peer.squared_distance, rel=1e-9)
                assert all(c.value >= 0 for c in peer.contributions)


@pytest.mark.parametrize("mode", ["comparable", "same_stage"])
def test_peers_are_the_brute_force_nearest_in_distance_then_id_order(mixed, mixed_finder, mode):
    columns = PoolColumns.from_records(mixed)
    space = mixed_finder.space_
    weights = space.column_weights(mixed_finder.preset_, mode)
    matrix = space.matrix(columns).astype(np.float64)
    ids = np.array([r.id for r in mixed])
    categorical = [f.start for f in space.features if f.categorical]
    assert len(categorical) == 2  # the region and its continent
    numeric = ~np.isin(np.arange(matrix.shape[1]), categorical)
    for record in mixed[::10]:
        row = space.row(record.profile, record.scores)
        squared = np.sum((weights * (matrix - row))[:, numeric] ** 2, axis=1)
        # A different region (or continent) adds its weight squared (a scaled one-hot pair).
        for column in categorical:
            squared += np.where(matrix[:, column] != row[column], weights[column] ** 2, 0.0)
        keep = ids != record.id
        order = np.lexsort((ids[keep], np.round(squared[keep], 9)))[:8]
        group = _query(mixed_finder, mode, record)[0]
        assert [p.id for p in group.peers] == ids[keep][order].tolist()
        np.testing.assert_allclose(
            [p.squared_distance for p in group.peers], squared[keep][order], rtol=1e-5, atol=1e-9
        )


def test_ties_are_ordered_by_record_id_whatever_the_pool_order(book):
    profile = CityProfile(name="Twin", country="FR", region="Western Europe", population=500_000)
    codes = CompiledRulebook.compile(book).random_codes(30, np.random.default_rng(0))
    # Thirty cities of one context (distinct names: distinct cities, not one city 30 times).
    twins = [profile.model_copy(update={"name": f"Twin {i}"}) for i in range(30)]
    records = records_for(book, twins, codes, consent=[True] * 30)
    shuffled = records[:]
    random.Random(4).shuffle(shuffled)
    expected = [r.id for r in records if r.id != "city-0005"][:10]
    for pool in (records, shuffled, shuffled[::-1]):
        found = PeerFinder(algorithm="kd_tree").fit(pool).comparable(profile, city_id="city-0005")
        assert [p.id for p in found.peers] == expected
        assert all(p.distance == 0.0 for p in found.peers)


@settings(max_examples=60, deadline=None)
@given(index=st.integers(0, 149), k=st.integers(1, 12), dimension=st.integers(0, 8))
def test_every_learn_from_peer_is_ahead_in_its_target_dimension(
    mixed, mixed_finder, index, k, dimension
):
    record = mixed[index]
    dims = mixed_finder.space_.dimension_ids
    own = record.scores.dimensions[dims[dimension]].level or 0
    for target in (dims[dimension], None):
        for group in mixed_finder.learn_from(
            record.profile, record.scores, k, dimension=target, city_id=record.id
        ):
            assert len(group.peers) <= k
            level = record.scores.dimensions[group.target].level or 0
            for peer in group.peers:
                assert peer.levels[group.target] is not None
                assert peer.levels[group.target] >= level + 1
                assert peer.target is not None and peer.target.peer_level >= level + 1
            distances = [p.distance for p in group.peers]
            assert distances == sorted(distances)
    assert own >= 0


def test_weak_dimensions_are_the_lowest_levels_lowest_score_first(mixed):
    for record in mixed[:20]:
        dims = list(record.scores.dimensions)
        weak = weak_dimensions(record.scores, dims)
        levels = {d: s.level for d, s in record.scores.dimensions.items() if s.level}
        assert weak and all(levels[d] == min(levels.values()) for d in weak)
        scores = [record.scores.dimensions[d].score for d in weak]
        assert scores == sorted(scores)


def test_non_consenting_cities_are_never_named(mixed, mixed_finder):
    by_id = {r.id: r for r in mixed}
    seen = set()
    for record in mixed[:50]:
        for group in _query(mixed_finder, "all", record):
            for peer in group.peers:
                peer_record = by_id[peer.id]
                seen.add(peer_record.consent_named)
                assert peer.named == peer_record.consent_named
                if not peer_record.consent_named:
                    assert peer_record.profile.name not in peer.name
                    assert peer.name == anonymous_label(peer_record)
                    assert not any(peer_record.profile.name in r for r in peer.reasons)
                else:
                    assert peer.name == peer_record.profile.name
    assert seen == {True, False}


def test_demo_cities_are_marked(planted, finder):
    record = planted[0][0]
    for peer in finder.comparable(record.profile, record.scores, city_id=record.id).peers:
        assert peer.demo and peer.name.endswith("(demo data)")


def test_reasons_speak_plainly(planted, finder):
    record = planted[0][0]  # Western Europe, EU member, about 600k
    peer = finder.comparable(record.profile, record.scores, city_id=record.id).peers[0]
    assert "same region (Western Europe)" in peer.reasons
    assert "both EU members" in peer.reasons
    assert any(r.startswith("similar size ") for r in peer.reasons)


@pytest.mark.parametrize(
    ("population", "text"),
    [(85_000, "85k"), (450_000, "0.45M"), (500_000, "0.5M"), (999_999, "1M"), (1.2e6, "1.2M")],
)
def test_population_reads_short(population, text):
    assert population_text(population) == text


def test_position_against_the_peer_median(mixed, mixed_finder):
    record = mixed[20]
    group = mixed_finder.comparable(record.profile, record.scores, 8, city_id=record.id)
    by_id = {r.id: r for r in mixed}
    for position in group.positions:
        scores = [by_id[p.id].scores.dimensions[position.dimension].score for p in group.peers]
        scores = [s for s in scores if s is not None]
        city = record.scores.dimensions[position.dimension].score
        assert position.peers_assessed == len(scores)
        if len(scores) < MIN_GROUP_SIZE:
            assert position.peer_median is None
            continue
        assert position.peer_median == pytest.approx(np.median(scores), abs=1e-4)
        if city is None:
            assert position.position == "not assessed"
        elif abs(city - position.peer_median) <= 5:
            assert position.position == "at"
        else:
            assert position.position == ("above" if city > position.peer_median else "below")


def test_no_median_over_fewer_than_five_peers(mixed, mixed_finder):
    record = mixed[0]
    group = mixed_finder.comparable(record.profile, record.scores, MIN_GROUP_SIZE - 1)
    assert len(group.peers) == MIN_GROUP_SIZE - 1
    assert group.positions == [] and "fewer than 5 peers" in group.note


def test_without_scores_comparable_still_works_but_shows_no_position(mixed_finder):
    profile = CityProfile(name="Nowhere", country="PT", region="Southern Europe", population=9e5)
    group = mixed_finder.comparable(profile)
    assert len(group.peers) == 8 and group.positions == [] and group.note


def test_a_small_pool_gives_what_it_has(book):
    records = random_pool(book, 4, seed=2)
    finder = PeerFinder().fit(records)
    record = records[0]
    assert len(finder.comparable(record.profile, record.scores, city_id=record.id).peers) == 3
    single = PeerFinder().fit(records[:1])
    assert single.comparable(record.profile, record.scores, city_id=record.id).peers == []


def test_fit_refuses_an_empty_pool_and_repeated_ids(book):
    with pytest.raises(ValueError, match="the pool is empty"):
        PeerFinder().fit([])
    records = random_pool(book, 3, seed=2)
    with pytest.raises(ValueError, match=r"unique.*rnd-0000"):
        PeerFinder().fit([records[0], records[1], records[0]])


def test_bad_parameters_are_reported_at_fit_and_query(mixed, mixed_finder):
    with pytest.raises(ValueError, match="n_neighbors must be a positive integer"):
        PeerFinder(n_neighbors=0).fit(mixed)
    with pytest.raises(ValueError, match="unknown preset"):
        PeerFinder(preset="nope").fit(mixed)
    with pytest.raises(ValueError, match="unknown feature"):
        PeerFinder(weights={"size": 2.0}).fit(mixed)
    record = mixed[0]
    with pytest.raises(ValueError, match="k must be a positive integer"):
        mixed_finder.comparable(record.profile, record.scores, 0)
    with pytest.raises(ValueError, match="unknown dimension 'culture'"):
        mixed_finder.learn_from(record.profile, record.scores, dimension="culture")


def test_presets_and_weight_overrides_change_the_ranking(mixed):
    record = mixed[5]
    default = PeerFinder().fit(mixed).comparable(record.profile, city_id=record.id)
    context = {"region": 0.0, "continent": 0.0, "eu_member": 0.0, "capital": 0.0}
    sized = PeerFinder(weights=context).fit(mixed)
    by_size = sized.comparable(record.profile, city_id=record.id)
    assert [p.id for p in by_size.peers] != [p.id for p in default.peers]
    assert {c.feature for c in by_size.peers[0].contributions} == {"population", "team_size"}
    europe = PeerFinder(preset="europe_network").fit(mixed)
    assert europe.comparable(record.profile, city_id=record.id).preset == "europe_network"


def test_fit_on_columns_reads_records_only_for_the_peers_shown(mixed):
    columns = PoolColumns.from_records(mixed)
    touched: list[int] = []

    class Lazy:
        def __len__(self) -> int:
            return len(mixed)

        def __getitem__(self, i: int):
            touched.append(i)
            return mixed[i]

    finder = PeerFinder(n_neighbors=5).fit(Lazy(), columns=columns)  # type: ignore[arg-type]
    assert touched == []
    record = mixed[9]
    direct = PeerFinder(n_neighbors=5).fit(mixed)
    lazy = finder.comparable(record.profile, record.scores, city_id=record.id)
    assert len(touched) == 5
    assert lazy == direct.comparable(record.profile, record.scores, city_id=record.id)


def test_results_dump_to_json(mixed, mixed_finder):
    record = mixed[1]
    group = mixed_finder.same_stage(record.profile, record.scores, city_id=record.id)
    assert type(group).model_validate_json(group.model_dump_json()) == group


def _query(finder: PeerFinder, mode: str, record):
    args = (record.profile, record.scores)
    if mode == "comparable":
        return [finder.comparable(*args, city_id=record.id)]
    if mode == "same_stage":
        return [finder.same_stage(*args, city_id=record.id)]
    if mode == "learn_from":
        return finder.learn_from(*args, city_id=record.id)
    return [
        finder.comparable(*args, city_id=record.id),
        finder.same_stage(*args, city_id=record.id),
        *finder.learn_from(*args, city_id=record.id),
    ]
