"""The demo pool: fictional names, plausible contexts, calibrated headline indicators."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from benchmark.countries import countries
from benchmark.demo import demo_names, generate_demo_matrix, generate_demo_pool
from benchmark.demo_context import REGION_WEIGHTS
from benchmark.gazetteer import Gazetteer, default_gazetteer, normalise
from benchmark.record import PoolRecord
from rules import Answers, CompiledRulebook, Rulebook, load_rulebook, validate_answers
from rules.batch import NA_CODE

TOLERANCE = 0.03  # ±3 percentage points


@pytest.fixture(scope="module")
def book() -> Rulebook:
    return load_rulebook()


@pytest.fixture(scope="module")
def pool(book: Rulebook) -> list[PoolRecord]:
    return generate_demo_pool(300, 1, book)


def published(book: Rulebook) -> dict[str, float]:
    """The latest published share of each headline indicator."""
    return {
        i.id: max(i.references, key=lambda r: r.year).share
        for i in book.indicators
        if i.references
    }


def shares(records: list[PoolRecord], indicator_ids: list[str]) -> dict[str, float]:
    return {i: sum(r.scores.indicators[i] for r in records) / len(records) for i in indicator_ids}


def test_the_rulebook_publishes_the_four_headline_figures(book: Rulebook) -> None:
    assert published(book) == {
        "international_office": 0.84,
        "staff_training": 0.57,
        "network_influence": 0.73,
        "national_coordination_quarterly": 0.70,
    }


@pytest.mark.parametrize("seed", [1, 2, 17, 2024])
def test_headline_indicators_match_the_published_shares(book: Rulebook, seed: int) -> None:
    targets = published(book)
    records = generate_demo_pool(300, seed, book)
    measured = shares(records, list(targets))
    for indicator, target in targets.items():
        assert measured[indicator] == pytest.approx(target, abs=TOLERANCE), indicator


@pytest.mark.parametrize(("n", "seed"), [(1000, 3), (20_000, 4)])
def test_large_matrices_match_the_published_shares(book: Rulebook, n: int, seed: int) -> None:
    targets = published(book)
    scores = CompiledRulebook.compile(book).score(generate_demo_matrix(n, seed, book).codes)
    measured = scores.indicators.mean(axis=0)
    ids = [i.id for i in book.indicators]
    for indicator, target in targets.items():
        assert measured[ids.index(indicator)] == pytest.approx(target, abs=TOLERANCE)


def test_records_are_built_from_the_matrix_of_the_same_seed(
    book: Rulebook, pool: list[PoolRecord]
) -> None:
    matrix = generate_demo_matrix(300, 1, book)
    compiled = CompiledRulebook.compile(book)
    encoded = compiled.encode_many(
        [validate_answers(book, Answers(answers=r.answers)) for r in pool]
    )
    assert np.array_equal(encoded, matrix.codes)
    assert [r.profile.population for r in pool] == matrix.population.tolist()
    batch = compiled.score(matrix.codes)
    ids = [i.id for i in book.indicators]
    for row, record in enumerate(pool):
        assert record.scores.indicators == dict(
            zip(ids, batch.indicators[row].tolist(), strict=True)
        )


def test_no_demo_name_is_a_real_city_name(pool: list[PoolRecord]) -> None:
    gazetteer = default_gazetteer()
    names = [r.profile.name for r in pool]
    assert not [name for name in names if gazetteer.is_known_name(name)]
    assert len({normalise(n) for n in names}) == len(names)


class KnowsSome(Gazetteer):
    """A gazetteer that calls the given names real."""

    def __init__(self, known: set[str]) -> None:
        super().__init__()
        self.known = {normalise(n) for n in known}

    def is_known_name(self, name: str) -> bool:
        return normalise(name) in self.known


def test_names_that_collide_with_real_ones_are_drawn_again() -> None:
    free = demo_names(6, np.random.default_rng(5), KnowsSome(set()))
    clashing = {free[0], free[3]}
    again = demo_names(6, np.random.default_rng(5), KnowsSome(clashing))
    assert not clashing & set(again)
    assert [n for n in free if n not in clashing] == again[:4]
    assert len(set(again)) == 6


def test_records_are_marked_demo_and_well_formed(book: Rulebook, pool: list[PoolRecord]) -> None:
    assert {r.source for r in pool} == {"demo"}
    assert all(r.is_demo and r.consent_named for r in pool)
    assert [r.id for r in pool[:3]] == ["demo-0001", "demo-0002", "demo-0003"]
    assert len({r.id for r in pool}) == 300
    assert {r.rulebook_version for r in pool} == {book.version}
    assert all(date(2024, 1, 1) <= r.assessed_on <= date(2026, 12, 31) for r in pool)
    assert {r.scores.rulebook_hash for r in pool} == {book.content_hash}


def test_the_same_seed_gives_the_same_pool(book: Rulebook, pool: list[PoolRecord]) -> None:
    assert generate_demo_pool(300, 1, book) == pool
    assert generate_demo_pool(300, 2, book) != pool


def test_contexts_are_plausible(book: Rulebook) -> None:
    matrix = generate_demo_matrix(2000, 9, book)
    europe = [i for i, r in enumerate(matrix.regions) if r.endswith("Europe")]
    assert np.isin(matrix.region, europe).mean() == pytest.approx(0.65, abs=0.02)
    # One capital per country at most (issue 11): a share that falls as the pool grows.
    codes = [matrix.countries[c] for c in matrix.country]
    capitals = [code for code, capital in zip(codes, matrix.capital, strict=True) if capital]
    assert len(capitals) == len(set(capitals)) >= 0.4 * len(set(codes))
    population = matrix.population
    assert ((population >= 100_000) & (population < 1_000_000)).mean() > 0.6
    assert (population >= 5_000_000).any()
    table = countries()
    codes = [matrix.countries[c] for c in matrix.country]
    assert matrix.eu_member.tolist() == [table[c].eu_member for c in codes]
    assert [matrix.regions[r] for r in matrix.region] == [table[c].sub_region for c in codes]
    assert set(matrix.regions) == set(REGION_WEIGHTS)


def test_eu_questions_are_not_applicable_only_outside_the_eu(book: Rulebook) -> None:
    matrix = generate_demo_matrix(2000, 9, book)
    eu_dimension = next(d for d in book.dimensions if d.id == "eu")
    for question in (q for q in eu_dimension.questions if q.allow_na):
        na = matrix.codes[:, matrix.question_ids.index(question.id)] == NA_CODE
        assert not na[matrix.eu_member].any()
        assert na[~matrix.eu_member].mean() > 0.5


def test_capacity_grows_with_population(book: Rulebook) -> None:
    matrix = generate_demo_matrix(5000, 6, book)
    overall = CompiledRulebook.compile(book).score(matrix.codes).overall_score
    small = overall[matrix.population < 250_000].mean()
    large = overall[matrix.population >= 1_000_000].mean()
    assert large > small + 5


def test_team_size_fits_the_answered_band(pool: list[PoolRecord]) -> None:
    for record in pool:
        answer = record.answers.get("staff.team_size")
        if isinstance(answer, float):
            assert record.profile.team_size == answer > 0
        else:
            assert record.profile.team_size is None


def test_sizes_out_of_range_are_refused(book: Rulebook) -> None:
    assert generate_demo_pool(0, 1, book) == []
    with pytest.raises(ValueError, match="n must be 0 or more, not -1"):
        generate_demo_matrix(-1, 1, book)
