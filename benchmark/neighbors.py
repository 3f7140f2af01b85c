"""A numeric k-nearest-neighbours core with per-feature weights and exact, ordered answers.

:class:`WeightedNeighbors` multiplies every column by its weight once, at fit time, so that
the search runs plain Euclidean distance on a compact float32 matrix: scikit-learn's
``KDTree`` or ``BallTree``, or one exhaustive pass over all rows (:class:`_Brute`). It adds
what peer explanations need on top:

* distances recomputed in float64 from the stored rows, so that the per-feature terms of
  :meth:`WeightedNeighbors.contributions` add up to the squared distance it reports;
* a deterministic order: by distance, then by row index — also across ties that straddle the
  k-th neighbour (the tree or brute search may cut a tie group anywhere);
* optionally **categorical columns** (the world sub-region and the continent): in each, equal
  values add 0 and different values add ``weight ** 2``, exactly what a one-hot block scaled by
  ``weight / sqrt(2)`` adds, without its 20-odd sparse columns, which make trees useless and
  brute force slow. Two such columns make a hierarchy: a city of another sub-region on the same
  continent adds the sub-region's term only, one on another continent both. Rows are grouped
  by their combination of category values (their *category*). With trees, each category gets
  its own index; a query searches the categories in order of what their mismatch adds, its own
  first, and stops when the next could no longer come closer than the k-th neighbour found.
  The exhaustive pass adds each category's mismatch to its rows as it goes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator
from sklearn.neighbors import BallTree, KDTree
from sklearn.utils.validation import check_is_fitted, validate_data

__all__ = ["WeightedNeighbors"]

Algorithm = Literal["auto", "brute", "kd_tree", "ball_tree"]
Floats = NDArray[np.float64]
Indices = NDArray[np.intp]

#: With more numeric columns than this, "auto" searches by brute force, as scikit-learn's
#: NearestNeighbors does: trees stop paying off in high dimension.
_AUTO_TREE_MAX_COLUMNS = 15

#: "auto" also takes brute force below ``_BRUTE_ROWS * 2 ** (columns / 3)`` rows. A tree query
#: has a fixed cost (scikit-learn validates its input: about 0.06 ms) and prunes less the more
#: columns there are, while one pass costs a few nanoseconds per row. Fitted to the crossovers
#: measured on perf/bench_peers.py pools (one query, k = 10): about 45,000 rows for the 5
#: comparable columns (with per-region trees) and 380,000 for the 14 same-stage ones (brute
#: force 0.46 ms against 0.81 ms for the tree at 100,000 rows; 2.6 against 2.1 ms at 500,000).
_BRUTE_ROWS = 15_000

#: Training rows sampled to decide whether per-category indexes pay off.
_SAMPLE_ROWS = 32

#: Slack between the float32 search distances and the exact float64 ones: a candidate list is
#: only trusted to hold every tie and every closer row when its margin exceeds this.
_SLACK = 1e-6

#: Rows sampled by a brute-force query to bound its k-th distance before the exact cut.
_BRUTE_SAMPLE_ROWS = 2048

#: Unit roundoff of float32, for the error bound of the brute-force pass.
_ROUNDOFF32 = float(np.finfo(np.float32).eps) / 2


def _resolved_algorithm(algorithm: str, n_rows: int, n_columns: int) -> str:
    """The search structure ``algorithm`` stands for on a matrix of this shape."""
    if algorithm not in ("auto", "brute", "kd_tree", "ball_tree"):
        raise ValueError(
            f"algorithm must be one of auto, brute, kd_tree, ball_tree; got {algorithm!r}"
        )
    if algorithm != "auto":
        return algorithm
    if n_columns > _AUTO_TREE_MAX_COLUMNS or n_rows < _BRUTE_ROWS * 2 ** (n_columns / 3):
        return "brute"
    return "kd_tree"


class _Tree:
    """A KD or ball tree: scikit-learn's own ``KDTree`` or ``BallTree``.

    They are the structures ``NearestNeighbors`` builds, queried directly: a one-row query
    through ``NearestNeighbors.kneighbors`` spends most of its time validating input and
    dispatching (about 0.3 ms), ten times the tree search itself.
    """

    def __init__(self, X: NDArray[np.float32], algorithm: str, leaf_size: int) -> None:
        self.algorithm = algorithm
        self.size = len(X)
        tree = KDTree if algorithm == "kd_tree" else BallTree
        self.tree: KDTree | BallTree = tree(X, leaf_size=leaf_size)

    def query(self, q: NDArray[np.float32], m: int) -> tuple[Floats, Indices]:
        return self.tree.query(q, k=m)

    def query_radius(self, q: NDArray[np.float32], radius: float) -> Indices:
        return self.tree.query_radius(q, r=radius)[0]

    def nbytes(self) -> int:
        """Bytes of the arrays this index keeps beyond the caller's matrix."""
        return sum(a.nbytes for a in self.tree.get_arrays())


class _Brute:
    """One exhaustive pass over all rows, the category mismatch included.

    The pass ranks rows by ``|x|² + mismatch - 2 x·q`` in float32 (``|q|²`` is the same for
    every row): one matrix-vector product, then partial sorts of a sample and of the few hundred
    rows it leaves. It keeps every row within twice the bound of its rounding error of the k-th:
    a superset of the k nearest and of every tie at the k-th, which the caller ranks by exact
    float64 distance.

    The rows are stored by category, so that each category takes its mismatch as one slice,
    and transposed, so that ``np.einsum`` runs the product over contiguous
    columns in one thread: BLAS runs it in several, which wait for each other on a busy
    machine (up to 2 ms instead of 0.25 ms at 100,000 rows on two loaded cores).
    """

    algorithm = "brute"

    def __init__(self, X: NDArray[np.float32], codes: NDArray[np.int32]) -> None:
        self.size, width = X.shape
        self.rows = np.argsort(codes, kind="stable")  # stored position -> training row
        self.starts = np.searchsorted(codes[self.rows], np.arange(codes.max(initial=0) + 2))
        stored = X[self.rows]
        self.columns = np.ascontiguousarray(stored.T)
        squares = np.square(stored.astype(np.float64)).sum(axis=1)
        self.base = squares.astype(np.float32)
        self.radius = math.sqrt(float(squares.max(initial=0.0)))  # largest row norm
        # Rounding error of the pass: the dot product (width terms), base, and three sums.
        self.error_factor = 2 * (width + 4) * _ROUNDOFF32
        self.stride = max(1, self.size // _BRUTE_SAMPLE_ROWS)

    def candidates(self, q: NDArray[np.float32], extra: Floats, want: int) -> Indices:
        """Training rows, ascending, among which are the ``want`` nearest to ``q`` and every
        row tied with the ``want``-th; ``extra[c]`` is what category ``c`` adds."""
        if want >= self.size:
            return np.arange(self.size)
        approx = np.einsum("ji,j->i", self.columns, -2 * q)
        approx += self.base
        for c in np.flatnonzero(extra).tolist():  # one slice per category: rows are by category
            approx[self.starts[c] : self.starts[c + 1]] += np.float32(extra[c])
        reach = self.radius + math.sqrt(float(np.dot(q, q)))
        margin = 2 * self.error_factor * (reach**2 + float(extra.max(initial=0.0)))
        near = self._near(approx, want, margin)
        kth = np.partition(approx[near], want - 1)[want - 1]
        return np.sort(self.rows[near[approx[near] <= kth + margin]])

    def _near(self, approx: NDArray[np.float32], want: int, margin: float) -> Indices:
        """Positions holding every value up to the ``want``-th smallest of ``approx`` plus
        ``margin``: a few hundred, found without partially sorting all of ``approx``.

        The ``want``-th smallest of a sample is no smaller than that of all values, so it
        bounds the values sought; a partial sort of the sample costs a fiftieth of one of all.
        """
        sample = approx[:: self.stride]
        if len(sample) <= want:
            return np.arange(len(approx))
        bound = np.partition(sample, want - 1)[want - 1]
        return np.flatnonzero(approx <= bound + margin)

    def nbytes(self) -> int:
        """Bytes of the arrays this index keeps beyond the caller's matrix."""
        return self.rows.nbytes + self.starts.nbytes + self.columns.nbytes + self.base.nbytes


_Index = _Tree | _Brute


class WeightedNeighbors(BaseEstimator):  # type: ignore[misc]
    """Nearest neighbours under a weighted Euclidean distance, with exact ordered results.

    The squared distance between rows ``x`` and ``y`` is ``sum_j (w_j * (x_j - y_j)) ** 2``
    over the numeric columns, plus ``w_c ** 2`` for each categorical column ``c`` in which
    their values differ. Results are sorted by distance, then by training row index.

    Parameters
    ----------
    n_neighbors : int, default=5
        Number of neighbours returned by :meth:`kneighbors` when none is given.
    weights : array-like of shape (n_features,), default=None
        Non-negative multiplier of each column; ``None`` weighs every column 1.
    category_columns : int or sequence of int, default=None
        Indices of columns holding category codes (any numbers; only equality matters). Two
        columns where the second is coarser (sub-region, continent) make a hierarchy.
    algorithm : {"auto", "brute", "kd_tree", "ball_tree"}, default="auto"
        ``kd_tree`` and ``ball_tree`` search scikit-learn's :class:`~sklearn.neighbors.KDTree`
        or :class:`~sklearn.neighbors.BallTree`; ``brute`` one pass over all rows; ``auto``
        brute force below ``15000 * 2 ** (n_numeric / 3)`` rows (about 48,000 with 5 numeric
        columns, 380,000 with 14) or beyond 15 numeric columns, a KD tree otherwise.
    leaf_size : int, default=30
        Leaf size of the tree algorithms.

    Attributes
    ----------
    weights_ : ndarray of shape (n_features_in_,)
        The validated column weights.
    X_fit_ : ndarray of shape (n_samples_fit_, n_numeric), float32
        The numeric training columns multiplied by their weights.
    index_ : object
        Search index over all rows of ``X_fit_``; its ``algorithm`` attribute names the
        structure ``auto`` chose.
    category_columns_ : ndarray of shape (n_category_columns,), int
        The validated categorical column indices.
    categories_ : ndarray of shape (n_categories, n_category_columns)
        Sorted distinct combinations of category values; one empty row without categorical
        columns.
    codes_ : ndarray of shape (n_samples_fit_,), int32
        Index in ``categories_`` of each row's category.
    partitions_ : tuple of (ndarray, index)
        Per category: its training rows (ascending) and their tree; empty with brute force
        (one pass sees every category), or when the smallest mismatch is small against
        typical neighbour distances, so that queries search all rows at once.
    mismatch_ : ndarray of shape (n_category_columns,)
        What a mismatch in each categorical column adds to the squared distance (``w_c ** 2``).
    n_features_in_ : int
        Number of columns seen in :meth:`fit`.
    n_samples_fit_ : int
        Number of training rows.

    Examples
    --------
    >>> import numpy as np
    >>> from benchmark.neighbors import WeightedNeighbors
    >>> X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    >>> nn = WeightedNeighbors(n_neighbors=2, weights=[1.0, 3.0]).fit(X)
    >>> distance, index = nn.kneighbors([[0.0, 0.0]])
    >>> index.tolist(), distance.round(3).tolist()
    ([[0, 1]], [[0.0, 1.0]])
    """

    def __init__(
        self,
        n_neighbors: int = 5,
        *,
        weights: ArrayLike | None = None,
        category_columns: int | Sequence[int] | None = None,
        algorithm: Algorithm = "auto",
        leaf_size: int = 30,
    ) -> None:
        self.n_neighbors = n_neighbors
        self.weights = weights
        self.category_columns = category_columns
        self.algorithm = algorithm
        self.leaf_size = leaf_size

    def fit(self, X: ArrayLike, y: Any = None) -> WeightedNeighbors:
        """Store the weighted training rows and build the search indexes.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training rows; finite numbers.
        y : Ignored
            Not used, present for API consistency.

        Returns
        -------
        self : WeightedNeighbors
            The fitted estimator.
        """
        data: NDArray[np.floating] = validate_data(self, X, dtype=[np.float64, np.float32])
        _check_int(self.n_neighbors, "n_neighbors")
        _check_int(self.leaf_size, "leaf_size")
        self.weights_ = self._validated_weights(data.shape[1])
        self.category_columns_ = self._validated_category_columns(data.shape[1])
        numeric = self._numeric_columns(data.shape[1])
        # Weights go into the matrix once: the search then runs plain Euclidean distance.
        self.X_fit_ = _padded(data[:, numeric] * self.weights_[numeric])
        self.n_samples_fit_ = data.shape[0]
        self._fit_categories(data)
        algorithm = _resolved_algorithm(self.algorithm, *self.X_fit_.shape)
        self.partitions_: tuple[tuple[Indices, _Tree], ...] = ()
        if algorithm == "brute":  # one pass sees every category: no per-category indexes
            self.index_: _Index = _Brute(self.X_fit_, self.codes_)
            return self
        self.index_ = tree = _Tree(self.X_fit_, algorithm, self.leaf_size)
        if self._partitions_pay_off(tree):
            self.partitions_ = self._partitions(algorithm)
        return self

    def _partitions(self, algorithm: str) -> tuple[tuple[Indices, _Tree], ...]:
        """Per category: its rows, ascending, and their tree."""
        order = np.argsort(self.codes_, kind="stable")
        groups = np.split(order, np.cumsum(np.bincount(self.codes_))[:-1])
        leaf = self.leaf_size
        return tuple((rows, _Tree(self.X_fit_[rows], algorithm, leaf)) for rows in groups)

    def _fit_categories(self, data: NDArray[np.floating]) -> None:
        columns = self.category_columns_
        values = data[:, columns].astype(np.float64)
        self.categories_, codes = np.unique(values, axis=0, return_inverse=True)
        self.codes_ = codes.reshape(-1).astype(np.int32)
        self.mismatch_ = np.square(self.weights_[columns])

    def _extra(self, values: Floats) -> Floats:
        """What each category adds to the squared distance of a query with category
        ``values`` (one per categorical column): the mismatches of the columns that differ."""
        return (self.categories_ != values).astype(np.float64) @ self.mismatch_

    def _partitions_pay_off(self, tree: _Tree) -> bool:
        """Whether the smallest mismatch is large against typical k-th neighbour distances.

        Then most queries end in their own category's index, or in the few categories nearest
        to it (comparable cities: a city of another continent is far, whatever its size).
        Otherwise the search runs over all rows, and per-category indexes would only cost
        memory and build time.
        """
        positive = self.mismatch_[self.mismatch_ > 0]
        if not positive.size or len(self.categories_) < 2:
            return False
        sample = self.X_fit_[:: max(1, self.n_samples_fit_ // _SAMPLE_ROWS)]
        k = min(self.n_samples_fit_, self.n_neighbors + 1)
        kth = np.array([tree.query(row[None, :], k)[0][0, -1] for row in sample])
        return bool(np.median(kth) ** 2 < positive.min())

    def kneighbors(
        self, X: ArrayLike | None = None, n_neighbors: int | None = None, return_distance=True
    ) -> tuple[Floats, Indices] | Indices:
        """Find the nearest training rows of each query row, in a deterministic order.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features), default=None
            Query rows. ``None`` queries every training row, leaving out the row itself.
        n_neighbors : int, default=None
            Neighbours per query; defaults to the ``n_neighbors`` parameter.
        return_distance : bool, default=True
            Also return the distances.

        Returns
        -------
        distance : ndarray of shape (n_queries, n_neighbors)
            Weighted Euclidean distances, float64, non-decreasing along each row.
        index : ndarray of shape (n_queries, n_neighbors)
            Training row indices; equal distances are ordered by index.
        """
        check_is_fitted(self)
        k = self.n_neighbors if n_neighbors is None else n_neighbors
        _check_int(k, "n_neighbors")
        leave_self = X is None
        available = self.n_samples_fit_ - leave_self
        if k > available:
            raise ValueError(
                f"Expected n_neighbors <= {available} (training rows"
                f"{' other than the query' if leave_self else ''}), got {k}"
            )
        if X is None:
            values = self.categories_[self.codes_]
            squared, index = self._search_rows(self.X_fit_, values, k, leave_self=True)
        else:
            squared, index = self._kneighbors_trusted(self._validated(X), k)
        return (np.sqrt(squared), index) if return_distance else index

    def _kneighbors_trusted(self, X: NDArray[np.floating], k: int) -> tuple[Floats, Indices]:
        """:meth:`kneighbors` without input validation, returning squared distances.

        For callers in this package that build ``X`` themselves (PeerFinder): validating a
        one-row query costs more than searching a 100,000-row pool. A caller that also wants
        the contributions splits ``X`` once (:meth:`_split`) and calls :meth:`_search_rows`
        and :meth:`_terms` on the parts.
        """
        return self._search_rows(*self._split(X), k, leave_self=False)

    def _search_rows(
        self, query: NDArray[np.float32], values: Floats, k: int, *, leave_self: bool
    ) -> tuple[Floats, Indices]:
        squared = np.empty((len(query), k))
        index = np.empty((len(query), k), dtype=np.intp)
        for row in range(len(query)):
            own = row if leave_self else -1
            squared[row], index[row] = self._search(query[row], values[row], k, own)
        return squared, index

    def contributions(self, X: ArrayLike, index: ArrayLike) -> Floats:
        """Per-column terms of the squared distance between query rows and training rows.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features)
            Query rows.
        index : array-like of int, shape (n_queries, k)
            Training rows to compare each query with, e.g. from :meth:`kneighbors`.

        Returns
        -------
        terms : ndarray of shape (n_queries, k, n_features)
            ``(w_j * (x_j - y_j)) ** 2`` per numeric column, and the mismatch term in the
            categorical column, in float64; summed over the last axis they give the squared
            distances :meth:`kneighbors` reports.
        """
        check_is_fitted(self)
        return self._contributions_trusted(self._validated(X), index)

    def _contributions_trusted(self, X: NDArray[np.floating], index: ArrayLike) -> Floats:
        """:meth:`contributions` without input validation (see :meth:`_kneighbors_trusted`)."""
        return self._terms(*self._split(X), np.asarray(index, dtype=np.intp))

    def _terms(self, query: NDArray[np.float32], values: Floats, index: Indices) -> Floats:
        """:meth:`contributions` of query rows already split by :meth:`_split`."""
        numeric = self._numeric_columns(self.n_features_in_)
        rows = self.X_fit_[index][..., : numeric.size].astype(np.float64)
        query = query[:, : numeric.size].astype(np.float64)
        terms = np.empty((*index.shape, self.n_features_in_))
        terms[..., numeric] = np.square(query[:, None, :] - rows)
        theirs = self.categories_[self.codes_[index]]  # (queries, k, category columns)
        for j, column in enumerate(self.category_columns_.tolist()):
            differ = theirs[..., j] != values[:, None, j]
            terms[..., column] = np.where(differ, self.mismatch_[j], 0.0)
        return terms

    def _rank_rows(
        self, query: NDArray[np.float32], values: Floats, rows: Indices
    ) -> tuple[Indices, Floats]:
        """Training ``rows`` by exact squared distance to one query row (split by
        :meth:`_split`), nearest first, ties by index: the search restricted to ``rows``."""
        return self._ranked(query[0], self._extra(values[0]), rows)

    # -- search ----------------------------------------------------------------------------

    def _search(
        self, q: NDArray[np.float32], values: Floats, k: int, own: int
    ) -> tuple[Floats, Indices]:
        """The ``k`` nearest rows to ``q`` (category ``values``), row ``own`` left out."""
        want = k + (own >= 0)
        nn = self.index_
        extra = self._extra(values)
        if isinstance(nn, _Brute):
            index, squared = self._ranked(q, extra, nn.candidates(q, extra, want))
        elif self.partitions_:
            index, squared = self._search_partitions(q, extra, want)
        else:
            index, squared = self._search_all(nn, q, extra, want)
        keep = index != own
        return squared[keep][:k], index[keep][:k]

    def _search_partitions(
        self, q: NDArray[np.float32], extra: Floats, want: int
    ) -> tuple[Indices, Floats]:
        """Search the categories' own indexes, the ones whose mismatch adds least first.

        A category's nearest rows by the numeric columns are its nearest overall (its mismatch
        is the same for all its rows), so each index is asked for ``want`` rows. The search
        stops at the first category whose mismatch alone exceeds the ``want``-th distance
        found: none of its rows, nor any of the categories after it, can come closer.
        """
        order = np.argsort(extra, kind="stable").tolist()
        found_index: list[Indices] = []
        found_squared: list[Floats] = []
        kth = np.inf
        for step, c in enumerate(order):
            if extra[c] > kth:
                break
            rows, nn = self.partitions_[c]
            index, squared, _ = self._nearest(nn, rows, q, min(want, len(rows)))
            squared = squared + extra[c]  # still nearest first, ties by index
            # The common case: the first category holds the answer, already in order.
            done = len(index) >= want and (len(order) == 1 or extra[order[1]] > squared[want - 1])
            if step == 0 and done:
                return index, squared
            found_index.append(index)
            found_squared.append(squared)
            if sum(map(len, found_index)) >= want:
                kth = float(np.partition(np.concatenate(found_squared), want - 1)[want - 1])
        index, squared = np.concatenate(found_index), np.concatenate(found_squared)
        ranked = np.lexsort((index, squared))
        return index[ranked], squared[ranked]

    def _search_all(
        self, tree: _Tree, q: NDArray[np.float32], extra: Floats, want: int
    ) -> tuple[Indices, Floats]:
        """Search the one index over all rows, adding each row's mismatch, until no row
        unseen could come closer than the ``want``-th found."""
        floor = float(extra.min(initial=0.0))  # the least any row adds
        m = 2 * want
        while True:
            index, rest, lower = self._nearest(tree, None, q, min(m, self.n_samples_fit_))
            squared = rest + extra[self.codes_[index]]
            order = np.lexsort((index, squared))
            index, squared = index[order], squared[order]
            kth = squared[want - 1] if len(squared) >= want else np.inf
            if lower**2 + floor > kth or lower == np.inf:
                return index, squared
            m *= 4

    def _nearest(
        self, nn: _Tree, rows: Indices | None, q: NDArray[np.float32], m: int
    ) -> tuple[Indices, Floats, float]:
        """The ``m`` nearest rows of one index by exact distance, with every tie at the m-th.

        Returns training row indices and squared distances, nearest first (ties by index),
        and a lower bound of the distance of every row of the index not returned (inf when
        none is left out).
        """
        size = nn.size
        query = q[None, :]
        approx, found = nn.query(query, min(size, 2 * m))  # room for most ties
        lower = approx[0, -1] * (1 - _SLACK) - _SLACK
        bound = approx[0, m - 1] * (1 + _SLACK) + _SLACK
        if approx.shape[1] < size and approx[0, -1] <= bound:
            found = nn.query_radius(query, bound)[None, :]
            lower = bound * (1 - _SLACK) - _SLACK
        if found.shape[1] == size:
            lower = np.inf
        index = found[0] if rows is None else rows[found[0]]
        index, squared = self._ranked(q, None, index)
        return index, squared, max(float(lower), 0.0)

    def _ranked(
        self, q: NDArray[np.float32], extra: Floats | None, index: Indices
    ) -> tuple[Indices, Floats]:
        """Rows ``index`` by exact float64 squared distance to ``q``, then by index.

        ``extra[c]``, what category ``c`` adds, is added unless ``extra`` is None (numeric
        part only).
        """
        diff = q.astype(np.float64) - self.X_fit_[index].astype(np.float64)
        squared = np.square(diff).sum(axis=1)
        if extra is not None:
            squared = squared + extra[self.codes_[index]]
        order = np.lexsort((index, squared))
        return index[order], squared[order]

    # -- helpers ---------------------------------------------------------------------------

    def _validated(self, X: ArrayLike) -> NDArray[np.floating]:
        return validate_data(self, X, reset=False, dtype=[np.float64, np.float32])

    def _split(self, X: NDArray[np.floating]) -> tuple[NDArray[np.float32], Floats]:
        """Weighted numeric columns (float32, like the stored rows, so that identical rows tie
        exactly) and category values (float64, one per categorical column) of query rows."""
        numeric = self._numeric_columns(X.shape[1])
        query = _padded(X[:, numeric] * self.weights_[numeric])
        return query, X[:, self.category_columns_].astype(np.float64)

    def _numeric_columns(self, n_features: int) -> Indices:
        columns = np.arange(n_features)
        return columns[~np.isin(columns, self.category_columns_)]

    def _validated_category_columns(self, n_features: int) -> Indices:
        given = self.category_columns
        if given is None:
            return np.empty(0, dtype=np.intp)
        columns = [given] if isinstance(given, int | np.integer) else list(given)
        for column in columns:
            if isinstance(column, bool) or not isinstance(column, int | np.integer):
                raise ValueError(f"category_columns must be column indices, got {column!r}")
            if not 0 <= column < n_features:
                raise ValueError(
                    f"category column {column} is not a column of X, which has "
                    f"{n_features} feature(s)"
                )
        if len(set(columns)) != len(columns):
            raise ValueError(f"category_columns repeats a column: {columns}")
        return np.array(columns, dtype=np.intp)

    def _validated_weights(self, n_features: int) -> Floats:
        if self.weights is None:
            return np.ones(n_features)
        weights = np.asarray(self.weights, dtype=np.float64)
        if weights.shape != (n_features,):
            raise ValueError(
                f"weights has shape {weights.shape}; expected ({n_features},), one per column"
            )
        if not np.all(np.isfinite(weights)) or np.any(weights < 0):
            raise ValueError("weights must be finite and non-negative")
        return weights


def _padded(X: NDArray[np.floating]) -> NDArray[np.float32]:
    """``X`` as contiguous float32; one zero column when only the category column counts."""
    if X.shape[1] == 0:
        return np.zeros((len(X), 1), dtype=np.float32)
    return np.ascontiguousarray(X, dtype=np.float32)


def _check_int(value: object, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
