"""A numeric k-nearest-neighbours core with per-feature weights and exact, ordered answers.

:class:`WeightedNeighbors` multiplies every column by its weight once, at fit time, so that
scikit-learn's search structures (``KDTree``, ``BallTree``, or a brute-force
``NearestNeighbors``) run plain Euclidean distance on a compact float32 matrix. It adds what
peer explanations need on top:

* distances recomputed in float64 from the stored rows, so that the per-feature terms of
  :meth:`WeightedNeighbors.contributions` add up to the squared distance it reports;
* a deterministic order: by distance, then by row index — also across ties that straddle the
  k-th neighbour (the tree or brute search may cut a tie group anywhere);
* optionally one **categorical column** (the world region): equal values add 0, different
  values add ``weight ** 2``, exactly what a one-hot block scaled by ``weight / sqrt(2)`` adds,
  without its 20-odd sparse columns, which make trees useless and brute force slow. Each
  category gets its own index; a query searches its own category first and looks at the others
  only when they could still come closer than the k-th neighbour found.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator
from sklearn.neighbors import BallTree, KDTree, NearestNeighbors
from sklearn.utils.validation import check_is_fitted, validate_data

__all__ = ["WeightedNeighbors"]

Algorithm = Literal["auto", "brute", "kd_tree", "ball_tree"]
Floats = NDArray[np.float64]
Indices = NDArray[np.intp]

#: With more numeric columns than this, "auto" searches by brute force, as scikit-learn's
#: NearestNeighbors does: trees stop paying off in high dimension.
_AUTO_TREE_MAX_COLUMNS = 15

#: Training rows sampled to decide whether per-category indexes pay off.
_SAMPLE_ROWS = 32

#: Slack between the float32 search distances and the exact float64 ones: a candidate list is
#: only trusted to hold every tie and every closer row when its margin exceeds this.
_SLACK = 1e-6


class _Index:
    """One search index: a KD or ball tree, or a brute-force NearestNeighbors.

    The trees are scikit-learn's own ``KDTree`` and ``BallTree``, the structures
    ``NearestNeighbors`` builds, queried directly: a one-row query through
    ``NearestNeighbors.kneighbors`` spends most of its time validating input and dispatching
    (about 0.3 ms), ten times the tree search itself.
    """

    def __init__(self, X: NDArray[np.float32], algorithm: str, leaf_size: int) -> None:
        if algorithm == "auto":
            algorithm = "kd_tree" if X.shape[1] <= _AUTO_TREE_MAX_COLUMNS else "brute"
        self.size = len(X)
        self.tree: KDTree | BallTree | None = None
        self.brute: NearestNeighbors | None = None
        if algorithm == "brute":
            self.brute = NearestNeighbors(algorithm="brute").fit(X)
        else:
            tree = KDTree if algorithm == "kd_tree" else BallTree
            self.tree = tree(X, leaf_size=leaf_size)

    def query(self, q: NDArray[np.float32], m: int) -> tuple[Floats, Indices]:
        if self.tree is not None:
            return self.tree.query(q, k=m)
        assert self.brute is not None
        return self.brute.kneighbors(q, m)

    def query_radius(self, q: NDArray[np.float32], radius: float) -> Indices:
        if self.tree is not None:
            return self.tree.query_radius(q, r=radius)[0]
        assert self.brute is not None
        return self.brute.radius_neighbors(q, radius)[1][0]

    def nbytes(self) -> int:
        """Bytes of the arrays this index keeps beyond the caller's matrix."""
        if self.tree is None:
            return 0  # brute force keeps a reference to the caller's matrix
        return sum(a.nbytes for a in self.tree.get_arrays())


class WeightedNeighbors(BaseEstimator):  # type: ignore[misc]
    """Nearest neighbours under a weighted Euclidean distance, with exact ordered results.

    The squared distance between rows ``x`` and ``y`` is ``sum_j (w_j * (x_j - y_j)) ** 2``
    over the numeric columns, plus ``w_c ** 2`` when their values in the categorical column
    ``c`` differ. Results are sorted by distance, then by training row index.

    Parameters
    ----------
    n_neighbors : int, default=5
        Number of neighbours returned by :meth:`kneighbors` when none is given.
    weights : array-like of shape (n_features,), default=None
        Non-negative multiplier of each column; ``None`` weighs every column 1.
    category_column : int, default=None
        Index of a column holding category codes (any numbers; only equality matters).
    algorithm : {"auto", "brute", "kd_tree", "ball_tree"}, default="auto"
        ``kd_tree`` and ``ball_tree`` search scikit-learn's :class:`~sklearn.neighbors.KDTree`
        or :class:`~sklearn.neighbors.BallTree`; ``brute`` a brute-force
        :class:`~sklearn.neighbors.NearestNeighbors`; ``auto`` a KD tree up to 15 numeric
        columns and brute force beyond, like ``NearestNeighbors``.
    leaf_size : int, default=30
        Leaf size of the tree algorithms.

    Attributes
    ----------
    weights_ : ndarray of shape (n_features_in_,)
        The validated column weights.
    X_fit_ : ndarray of shape (n_samples_fit_, n_numeric), float32
        The numeric training columns multiplied by their weights.
    index_ : object
        Search index over all rows of ``X_fit_``.
    categories_ : ndarray of shape (n_categories,)
        Sorted category values; empty without a categorical column.
    codes_ : ndarray of shape (n_samples_fit_,), int32
        Index in ``categories_`` of each row's category.
    partitions_ : tuple of (ndarray, index)
        Per category: its training rows (ascending) and their search index; empty when
        the mismatch is small against typical neighbour distances, so that queries search
        all rows at once.
    mismatch_ : float
        What a category mismatch adds to the squared distance (``w_c ** 2``, or 0).
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
        category_column: int | None = None,
        algorithm: Algorithm = "auto",
        leaf_size: int = 30,
    ) -> None:
        self.n_neighbors = n_neighbors
        self.weights = weights
        self.category_column = category_column
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
        numeric = self._numeric_columns(data.shape[1])
        # Weights go into the matrix once: the search then runs plain Euclidean distance.
        self.X_fit_ = _padded(data[:, numeric] * self.weights_[numeric])
        self.n_samples_fit_ = data.shape[0]
        self.index_ = self._index(self.X_fit_)
        self._fit_categories(data)
        return self

    def _fit_categories(self, data: NDArray[np.floating]) -> None:
        self.partitions_: tuple[tuple[Indices, _Index], ...] = ()
        if self.category_column is None:
            self.categories_ = np.empty(0)
            self.codes_ = np.zeros(self.n_samples_fit_, dtype=np.int32)
            self.mismatch_ = 0.0
            return
        self.categories_, codes = np.unique(data[:, self.category_column], return_inverse=True)
        self.codes_ = codes.astype(np.int32)
        self.mismatch_ = float(self.weights_[self.category_column] ** 2)
        if self._partitions_pay_off():
            order = np.argsort(codes, kind="stable")
            groups = np.split(order, np.cumsum(np.bincount(codes))[:-1])
            self.partitions_ = tuple((rows, self._index(self.X_fit_[rows])) for rows in groups)

    def _partitions_pay_off(self) -> bool:
        """Whether a mismatch is large against typical k-th neighbour distances.

        Then most queries end in their own category's index (comparable cities: a different
        region outweighs any size difference). Otherwise the search runs over all rows, and
        per-category indexes would only cost memory and build time.
        """
        if self.mismatch_ == 0 or len(self.categories_) < 2:
            return False
        sample = self.X_fit_[:: max(1, self.n_samples_fit_ // _SAMPLE_ROWS)]
        k = min(self.n_samples_fit_, self.n_neighbors + 1)
        kth = np.array([self.index_.query(row[None, :], k)[0][0, -1] for row in sample])
        return bool(np.median(kth) ** 2 < self.mismatch_)

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
            squared, index = self._search_rows(self.X_fit_, self.codes_, k, leave_self=True)
        else:
            squared, index = self._kneighbors_trusted(self._validated(X), k)
        return (np.sqrt(squared), index) if return_distance else index

    def _kneighbors_trusted(self, X: NDArray[np.floating], k: int) -> tuple[Floats, Indices]:
        """:meth:`kneighbors` without input validation, returning squared distances.

        For callers in this package that build ``X`` themselves (PeerFinder): validating a
        one-row query costs more than searching a 100,000-row pool.
        """
        query, codes = self._split(X)
        return self._search_rows(query, codes, k, leave_self=False)

    def _search_rows(
        self, query: NDArray[np.float32], codes: NDArray[np.int32], k: int, *, leave_self: bool
    ) -> tuple[Floats, Indices]:
        squared = np.empty((len(query), k))
        index = np.empty((len(query), k), dtype=np.intp)
        for row in range(len(query)):
            own = row if leave_self else -1
            squared[row], index[row] = self._search(query[row], int(codes[row]), k, own)
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
        query, codes = self._split(X)
        index = np.asarray(index, dtype=np.intp)
        numeric = self._numeric_columns(self.n_features_in_)
        rows = self.X_fit_[index][..., : numeric.size].astype(np.float64)
        query = query[:, : numeric.size].astype(np.float64)
        terms = np.empty((*index.shape, self.n_features_in_))
        terms[..., numeric] = np.square(query[:, None, :] - rows)
        if self.category_column is not None:
            differ = self.codes_[index] != codes[:, None]
            terms[..., self.category_column] = np.where(differ, self.mismatch_, 0.0)
        return terms

    # -- search ----------------------------------------------------------------------------

    def _search(
        self, q: NDArray[np.float32], code: int, k: int, own: int
    ) -> tuple[Floats, Indices]:
        """The ``k`` nearest rows to ``q`` (category ``code``, -1 if unseen), ``own`` left out."""
        want = k + (own >= 0)
        if self.category_column is None:
            index, squared, _ = self._nearest(self.index_, None, q, want)
        else:
            index, squared = self._search_categories(q, code, want)
        keep = index != own
        return squared[keep][:k], index[keep][:k]

    def _search_categories(
        self, q: NDArray[np.float32], code: int, want: int
    ) -> tuple[Indices, Floats]:
        known_index, known_squared = np.empty(0, np.intp), np.empty(0)
        own_complete = code < 0  # every row of the query's category is among the known ones
        if code >= 0 and self.partitions_:
            rows, nn = self.partitions_[code]
            known_index, known_squared, lower = self._nearest(nn, rows, q, min(want, len(rows)))
            own_complete = lower == np.inf
            # Rows of other categories add the mismatch: none can beat a k-th nearer than it.
            if len(known_index) >= want and known_squared[want - 1] < self.mismatch_:
                return known_index, known_squared
        m = 2 * want
        while True:
            index, rest, lower = self._nearest(self.index_, None, q, min(m, self.n_samples_fit_))
            squared = rest + np.where(self.codes_[index] != code, self.mismatch_, 0.0)
            index, first = np.unique(np.concatenate([known_index, index]), return_index=True)
            squared = np.concatenate([known_squared, squared])[first]
            order = np.lexsort((index, squared))
            index, squared = index[order], squared[order]
            kth = squared[want - 1] if len(squared) >= want else np.inf
            unseen = lower**2 + (self.mismatch_ if own_complete else 0.0)
            if unseen > kth or lower == np.inf:
                return index, squared
            m *= 4

    def _nearest(
        self, nn: _Index, rows: Indices | None, q: NDArray[np.float32], m: int
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
        diff = q.astype(np.float64) - self.X_fit_[index].astype(np.float64)
        squared = np.square(diff).sum(axis=1)
        order = np.lexsort((index, squared))
        return index[order], squared[order], max(float(lower), 0.0)

    # -- helpers ---------------------------------------------------------------------------

    def _index(self, X: NDArray[np.float32]) -> _Index:
        if self.algorithm not in ("auto", "brute", "kd_tree", "ball_tree"):
            raise ValueError(
                f"algorithm must be one of auto, brute, kd_tree, ball_tree; got {self.algorithm!r}"
            )
        return _Index(X, self.algorithm, self.leaf_size)

    def _validated(self, X: ArrayLike) -> NDArray[np.floating]:
        return validate_data(self, X, reset=False, dtype=[np.float64, np.float32])

    def _split(self, X: NDArray[np.floating]) -> tuple[NDArray[np.float32], NDArray[np.int32]]:
        """Weighted numeric columns (float32, like the stored rows, so that identical rows tie
        exactly) and category codes (-1 for a category not seen in fit) of query rows."""
        numeric = self._numeric_columns(X.shape[1])
        query = _padded(X[:, numeric] * self.weights_[numeric])
        if self.category_column is None:
            return query, np.zeros(len(X), dtype=np.int32)
        values = X[:, self.category_column]
        found = np.minimum(np.searchsorted(self.categories_, values), len(self.categories_) - 1)
        codes = np.where(self.categories_[found] == values, found, -1)
        return query, codes.astype(np.int32)

    def _numeric_columns(self, n_features: int) -> Indices:
        columns = np.arange(n_features)
        column = self.category_column
        if column is None:
            return columns
        if isinstance(column, bool) or not isinstance(column, int | np.integer):
            raise ValueError(f"category_column must be a column index, got {column!r}")
        if not 0 <= column < n_features:
            raise ValueError(f"category_column {column} is not a column of X ({n_features})")
        return columns[columns != column]

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
