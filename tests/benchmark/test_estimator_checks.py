"""scikit-learn estimator conventions: the numeric core passes sklearn's own checks; the
record-based PeerFinder follows the conventions those checks cannot reach.

``parametrize_with_checks`` runs under pytest's ``filterwarnings = error``; the core raises no
warning in any check, so no filter is needed. Should a future scikit-learn check warn, mark that
check by name with ``pytest.mark.filterwarnings`` rather than ignoring warnings wholesale.
"""

from __future__ import annotations

import functools
import inspect

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pools import random_pool
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.neighbors import NearestNeighbors
from sklearn.utils.estimator_checks import estimator_checks_generator

from benchmark.neighbors import WeightedNeighbors
from benchmark.peers import PeerFinder
from rules import load_rulebook

CORE_ESTIMATORS = [
    WeightedNeighbors(),
    WeightedNeighbors(n_neighbors=2, algorithm="brute"),
    WeightedNeighbors(n_neighbors=3, algorithm="kd_tree", leaf_size=5),
    WeightedNeighbors(n_neighbors=2, category_columns=0, algorithm="ball_tree"),
    WeightedNeighbors(n_neighbors=2, category_columns=(0, 1), algorithm="kd_tree"),
]

#: The core does not declare array-API support, so scikit-learn's array-API input check does not
#: apply (it would only skip itself); it is left out here rather than reported as a skip.
NOT_APPLICABLE = {"check_array_api_input"}


def _check_name(check) -> str:
    return (check.func if isinstance(check, functools.partial) else check).__name__


CORE_CHECKS = [
    pytest.param(estimator, check, id=f"{estimator!r}-{_check_name(check)}")
    for base in CORE_ESTIMATORS
    for estimator, check in estimator_checks_generator(base)
    if _check_name(check) not in NOT_APPLICABLE
]


@pytest.mark.parametrize(("estimator", "check"), CORE_CHECKS)
def test_core_is_a_scikit_learn_estimator(estimator, check):
    check(estimator)


@pytest.mark.parametrize("algorithm", ["brute", "kd_tree", "ball_tree"])
def test_core_matches_nearest_neighbors_on_scaled_columns(algorithm):
    rng = np.random.default_rng(0)
    X, Q = rng.random((300, 5)), rng.random((20, 5))
    weights = np.array([1.0, 2.0, 0.5, 0.0, 3.0])
    core = WeightedNeighbors(7, weights=weights, algorithm=algorithm).fit(X)
    plain = NearestNeighbors(n_neighbors=7).fit(X * weights)
    d, i = core.kneighbors(Q)
    d_ref, i_ref = plain.kneighbors(Q * weights)
    np.testing.assert_array_equal(i, i_ref)
    np.testing.assert_allclose(d, d_ref, rtol=1e-5)
    np.testing.assert_allclose(core.contributions(Q, i).sum(axis=2), d**2, rtol=1e-12)


@pytest.mark.parametrize("algorithm", ["brute", "kd_tree", "ball_tree"])
def test_core_orders_ties_by_index_even_beyond_the_candidate_list(algorithm):
    rng = np.random.default_rng(1)
    X = rng.integers(0, 2, (400, 3)).astype(float)  # 8 distinct rows, ~50 copies each
    Q = rng.integers(0, 2, (10, 3)).astype(float)
    d, i = WeightedNeighbors(20, algorithm=algorithm).fit(X).kneighbors(Q)
    for q, row_d, row_i in zip(Q, d, i, strict=True):
        exact = np.sum((X - q) ** 2, axis=1)
        order = np.lexsort((np.arange(len(X)), exact))[:20]
        np.testing.assert_array_equal(row_i, order)
        np.testing.assert_allclose(row_d**2, exact[order])


def _one_hot_reference(X, Q, weights, columns):
    """Exact squared distances with each categorical column one-hot, scaled by w/√2."""
    columns = [columns] if isinstance(columns, int) else list(columns)
    numeric = ~np.isin(np.arange(X.shape[1]), columns)
    total = np.sum((weights[numeric] * (X[:, None, numeric] - Q[None, :, numeric])) ** 2, axis=2)
    for column in columns:
        differ = X[:, None, column] != Q[None, :, column]
        total = total + np.where(differ, weights[column] ** 2, 0.0)
    return total.T  # (queries, rows)


@pytest.mark.parametrize("algorithm", ["brute", "kd_tree", "ball_tree"])
@pytest.mark.parametrize("mismatch_weight", [0.05, 0.5, 3.0])
def test_core_with_a_category_column_equals_the_one_hot_distance(algorithm, mismatch_weight):
    rng = np.random.default_rng(2)
    X = np.column_stack([rng.integers(0, 6, 500), rng.integers(0, 3, (500, 3)) / 2])
    X[:7, 0] = 9  # a category with fewer rows than k
    Q = np.column_stack([rng.integers(0, 6, 40), rng.integers(0, 3, (40, 3)) / 2])
    Q[:4, 0] = [9, 9, 42, -1]  # small category, and categories never seen in fit
    weights = np.array([mismatch_weight, 1.0, 0.7, 0.3])
    core = WeightedNeighbors(12, weights=weights, category_columns=0, algorithm=algorithm).fit(X)
    d, i = core.kneighbors(Q)
    exact = _one_hot_reference(X, Q, weights, 0)
    for row in range(len(Q)):
        order = np.lexsort((np.arange(len(X)), np.round(exact[row], 12)))[:12]
        np.testing.assert_array_equal(i[row], order)
        np.testing.assert_allclose(d[row] ** 2, exact[row][order], atol=1e-12)
    terms = core.contributions(Q, i)
    np.testing.assert_allclose(terms.sum(axis=2), d**2, rtol=1e-12, atol=1e-15)
    assert set(np.unique(terms[..., 0])) <= {0.0, mismatch_weight**2}


@settings(max_examples=80, deadline=None)
@given(
    seed=st.integers(0, 10**6),
    n=st.integers(1, 60),
    k=st.integers(1, 15),
    categories=st.integers(1, 6),
    mismatch=st.sampled_from([0.0, 0.1, 0.7, 2.0]),
    coarse=st.sampled_from([None, 0.0, 0.3, 1.5]),
    algorithm=st.sampled_from(["brute", "kd_tree", "ball_tree"]),
)
def test_core_search_is_exact_on_any_small_pool(
    seed, n, k, categories, mismatch, coarse, algorithm
):
    """Against brute force over the one-hot distance; ``coarse`` adds a second categorical
    column that groups the first in pairs (continents of sub-regions), a hierarchy."""
    rng = np.random.default_rng(seed)
    # Coarse values: many exact ties, the hard case for a cut at the k-th neighbour.
    fine_x, fine_q = rng.integers(0, categories, n), rng.integers(0, categories + 1, 3)
    X = np.column_stack([fine_x, fine_x // 2, rng.integers(0, 3, (n, 2)) / 2])
    Q = np.column_stack([fine_q, fine_q // 2, rng.integers(0, 3, (3, 2)) / 2])
    columns = (0,) if coarse is None else (0, 1)
    weights = np.array([mismatch, coarse or 0.0, 1.0, 0.5])
    if coarse is None:  # the coarse column is then an ordinary numeric one, weighed 0
        weights[1] = 0.0
    k = min(k, n)
    core = WeightedNeighbors(k, weights=weights, category_columns=columns, algorithm=algorithm)
    i = core.fit(X).kneighbors(Q, return_distance=False)
    exact = _one_hot_reference(X, Q, weights, columns)
    for row in range(len(Q)):
        order = np.lexsort((np.arange(n), np.round(exact[row], 12)))[:k]
        np.testing.assert_array_equal(i[row], order)
    if n > k:
        i_self = core.kneighbors(return_distance=False)
        assert not np.any(i_self == np.arange(n)[:, None])


def test_core_with_only_the_category_column_counting():
    X = np.array([[0.0, 5.0], [1.0, 6.0], [0.0, 7.0], [2.0, 8.0]])
    core = WeightedNeighbors(3, weights=[1.0, 0.0], category_columns=0).fit(X)
    d, i = core.kneighbors([[0.0, 0.0]])
    assert i.tolist() == [[0, 2, 1]] and d.tolist() == [[0.0, 0.0, 1.0]]


def test_core_refuses_a_category_column_outside_x_or_twice():
    with pytest.raises(ValueError, match="category column 5 is not a column"):
        WeightedNeighbors(category_columns=5).fit(np.ones((3, 2)))
    with pytest.raises(ValueError, match="repeats a column"):
        WeightedNeighbors(category_columns=(1, 1)).fit(np.ones((3, 2)))


@pytest.mark.parametrize("algorithm", ["brute", "kd_tree", "ball_tree"])
def test_core_with_a_hierarchy_of_categories_on_a_large_pool(algorithm):
    """Sub-regions within continents, many rows: the partitioned tree search must still be
    exact, however many categories it has to visit."""
    rng = np.random.default_rng(5)
    n = 3000
    fine = rng.integers(0, 12, n)
    X = np.column_stack([fine, fine // 4, rng.random((n, 3))])
    fine_q = rng.integers(0, 13, 30)  # 12: a sub-region no row has
    Q = np.column_stack([fine_q, fine_q // 4, rng.random((30, 3))])
    weights = np.array([0.3, 0.6, 3.0, 0.5, 0.2])
    core = WeightedNeighbors(10, weights=weights, category_columns=(0, 1), algorithm=algorithm)
    d, i = core.fit(X).kneighbors(Q)
    exact = _one_hot_reference(X, Q, weights, (0, 1))
    for row in range(len(Q)):
        order = np.lexsort((np.arange(n), np.round(exact[row], 12)))[:10]
        np.testing.assert_array_equal(i[row], order)
        np.testing.assert_allclose(d[row] ** 2, exact[row][order], rtol=1e-5, atol=1e-9)
    terms = core.contributions(Q, i)
    np.testing.assert_allclose(terms.sum(axis=2), d**2, rtol=1e-12, atol=1e-15)
    assert set(np.unique(terms[..., 1])) <= {0.0, 0.36}


def test_core_without_queries_leaves_each_row_out():
    X = np.array([[0.0], [0.0], [1.0], [3.0]])
    d, i = WeightedNeighbors(2).fit(X).kneighbors()
    assert i.tolist() == [[1, 2], [0, 2], [0, 1], [2, 0]]
    assert d.tolist() == [[0.0, 1.0], [0.0, 1.0], [1.0, 1.0], [2.0, 3.0]]
    with pytest.raises(ValueError, match="n_neighbors <= 3"):
        WeightedNeighbors(4).fit(X).kneighbors()


def test_core_refuses_bad_weights():
    X = np.ones((4, 2))
    with pytest.raises(ValueError, match="one per column"):
        WeightedNeighbors(weights=[1.0]).fit(X)
    with pytest.raises(ValueError, match="non-negative"):
        WeightedNeighbors(weights=[1.0, -1.0]).fit(X)


def test_peer_finder_init_only_stores_its_parameters():
    signature = inspect.signature(PeerFinder.__init__)
    finder = PeerFinder(preset="size_first", n_neighbors=4, weights={"population": 2.0})
    params = finder.get_params()
    assert set(params) == set(signature.parameters) - {"self"}
    assert params["preset"] == "size_first" and params["weights"] == {"population": 2.0}
    assert not [name for name in vars(finder) if name.endswith("_")]
    PeerFinder(n_neighbors=-1, preset="nonexistent")  # validation waits for fit


def test_peer_finder_clones_and_sets_params():
    finder = PeerFinder(n_neighbors=4, weights={"population": 2.0})
    twin = clone(finder)
    assert twin is not finder and twin.get_params() == finder.get_params()
    assert twin.weights is not finder.weights
    assert twin.set_params(n_neighbors=6).n_neighbors == 6


def test_peer_finder_fit_returns_self_and_queries_need_a_fit():
    records = random_pool(load_rulebook(), 12, seed=0)
    finder = PeerFinder(n_neighbors=3)
    with pytest.raises(NotFittedError):
        finder.comparable(records[0].profile)
    with pytest.raises(NotFittedError):
        finder.record(records[0].id)
    assert finder.fit(records) is finder
    fitted = [name for name in vars(finder) if name.endswith("_")]
    assert {"preset_", "space_", "indexes_", "ids_", "order_", "n_samples_fit_"} <= set(fitted)
    unfitted = clone(finder)
    with pytest.raises(NotFittedError):
        unfitted.same_stage(records[0].profile, records[0].scores)
