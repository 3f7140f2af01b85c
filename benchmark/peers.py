"""PeerFinder: comparable cities, cities at the same stage, and cities to learn from.

Built on :class:`~benchmark.neighbors.WeightedNeighbors`, one index per mode over the columns
that mode weighs (DESIGN §4). The hot path of a query is arrays only: the pool's records are
looked up after the neighbours are found, to name them and explain the match, and what can be
computed for all peers at once (contributions, distances, stage reasons) is.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from benchmark.explain import (
    LearnTarget,
    Peer,
    PeerGroup,
    QueryMode,
    context_reasons,
    positions,
    stage_reasons_many,
)
from benchmark.features import (
    Feature,
    FeatureSpace,
    Mode,
    PoolColumns,
    Preset,
    load_presets,
    score_arrays,
)
from benchmark.neighbors import Algorithm, WeightedNeighbors
from benchmark.privacy import display_name, shown_profile
from benchmark.profile import CityProfile
from benchmark.record import PoolRecord, ScoreSummary
from rules import Scorecard
from rules.locale import phrase
from rules.model import Text

__all__ = ["LEARN_SIZE_RANGE", "LEARN_SIZE_STEPS", "WEAK_LIMIT", "PeerFinder", "weak_dimensions"]

Scores = ScoreSummary | Scorecard
#: The asking city's own record ids: one, several (its assessments over time) or none.
OwnIds = str | Sequence[str] | None


@dataclass(frozen=True)
class _ModeIndex:
    """The search index of one mode and how its columns map back to features."""

    core: WeightedNeighbors
    columns: NDArray[np.intp]  # columns of the full matrix this index uses
    features: tuple[Feature, ...]  # features with a weight above 0, in column order
    starts: NDArray[np.intp]  # first column of each feature within ``columns``


@dataclass(frozen=True)
class _Query:
    """One city as the finder sees it, ready for the index of one mode.

    The row is weighted and split once, here: the search and the contributions both use it.
    """

    profile: CityProfile
    scores: NDArray[np.float64] | None  # per dimension, NaN when not assessed
    levels: NDArray[np.int8] | None  # per dimension, 0 when not assessed
    index: _ModeIndex
    point: NDArray[np.float32]  # (1, n) the row's weighted numeric columns in ``index``
    categories: NDArray[np.float64]  # (1, c) its category values (region, continent codes)


class PeerFinder(BaseEstimator):  # type: ignore[misc]
    """Find peer cities in a pool of scored assessments.

    A city that is not named is matched and explained by its size and team bands' midpoints
    (:func:`~benchmark.privacy.shown_profile`): its distance, contributions, reasons, rank and
    place in a learn-from size range are the same for every city of those bands.

    Parameters
    ----------
    preset : str or Preset, default="default"
        Name of a weight preset in ``benchmark/presets.yaml``, or a :class:`Preset`.
    n_neighbors : int, default=10
        Peers per query when ``k`` is not given.
    learn_pool_factor : int, default=3
        Cities to learn from are looked for first among the ``learn_pool_factor × k``
        context-nearest, and in the whole pool only when those hold too few: it changes the
        time a query takes, never its answer.
    algorithm : {"auto", "brute", "kd_tree", "ball_tree"}, default="auto"
        Search structure of each :class:`~benchmark.neighbors.WeightedNeighbors` index;
        ``auto`` takes a KD tree up to 15 numeric columns (context: 5, same stage: 14).
    weights : dict of str to float, default=None
        Feature weights that replace the preset's, e.g. ``{"population": 2.0}``.

    Attributes
    ----------
    preset_ : Preset
        The resolved preset.
    space_ : FeatureSpace
        Feature layout learned from the pool.
    indexes_ : dict of str to _ModeIndex
        One search index per mode (``comparable``, ``same_stage``).
    ids_ : ndarray of object
        Record ids in sorted order; index rows follow this order, so ties break by id.
    order_ : ndarray of int
        ``order_[i]`` is the position in the pool of the record with id ``ids_[i]``.
    levels_ : ndarray of shape (n_samples_fit_, n_dimensions), int8
        Level per dimension, 0 when not assessed, in ``ids_`` order.
    scores_ : ndarray of shape (n_samples_fit_, n_dimensions), float64
        Score per dimension, NaN when not assessed, in ``ids_`` order; float64 like the
        city's own scores, so that peer medians compare and print without float32 artefacts.
    population_ : ndarray of shape (n_samples_fit_,), float64
        Population of each city as other cities may see it (its size band's midpoint when it
        is not named, :func:`~benchmark.privacy.shown_profile`), in ``ids_`` order.
    n_samples_fit_ : int
        Number of cities kept: one per city key, its latest assessment (DESIGN §4, "one city,
        one peer"); a pool without keys keeps every record.

    Examples
    --------
    >>> finder = PeerFinder(n_neighbors=5).fit(records)  # doctest: +SKIP
    >>> finder.comparable(profile, scorecard, city_id="city-42").peers  # doctest: +SKIP
    """

    def __init__(
        self,
        preset: str | Preset = "default",
        n_neighbors: int = 10,
        learn_pool_factor: int = 3,
        algorithm: Algorithm = "auto",
        weights: Mapping[str, float] | None = None,
    ) -> None:
        self.preset = preset
        self.n_neighbors = n_neighbors
        self.learn_pool_factor = learn_pool_factor
        self.algorithm = algorithm
        self.weights = weights

    def fit(
        self,
        pool: Sequence[PoolRecord],
        y: Any = None,
        *,
        columns: PoolColumns | None = None,
        dimension_titles: Mapping[str, Text] | None = None,
    ) -> PeerFinder:
        """Index the pool.

        Parameters
        ----------
        pool : sequence of PoolRecord
            The pool's records, looked up (``pool[i]``) only to name and explain peers.
        y : Ignored
            Not used, present for API consistency.
        columns : PoolColumns, default=None
            The pool as arrays, in the order of ``pool``; built from ``pool`` when not given.
            Large pools pass it to avoid reading every record. Built by
            :meth:`PoolColumns.from_records`, it holds the band midpoints of cities that are
            not named, and so every peer figure of theirs depends on their bands only.
        dimension_titles : mapping of str to str or to {language: str}, default=None
            Human names of the dimensions for explanations (defaults to their ids). A
            rulebook text (language → text) is read in the language of each query, so one
            fitted finder serves readers of every language.

        Returns
        -------
        self : PeerFinder
            The fitted finder.
        """
        self._check_params()
        if not hasattr(pool, "__getitem__"):  # e.g. a generator; lazy sequences stay lazy
            pool = list(pool)
        if columns is None:
            columns = PoolColumns.from_records(pool) if len(pool) else None
        if columns is None or len(columns) == 0:
            raise ValueError("the pool is empty: add at least one scored city")
        if len(columns) != len(pool):
            raise ValueError(f"columns has {len(columns)} rows but the pool {len(pool)} records")
        self.preset_ = self._resolved_preset()
        _check_unique(np.sort(columns.ids))
        # One city, one peer: each city's latest assessment represents it.
        keep = _latest_per_city(columns)
        kept = columns if len(keep) == len(columns) else columns.take(keep)
        self.space_ = FeatureSpace.fit(kept, dimension_titles)
        by_id = np.argsort(kept.ids, kind="stable")
        self.order_ = keep[by_id]
        self.ids_ = kept.ids[by_id]
        matrix = self.space_.matrix(kept)[by_id]
        self.indexes_ = {m: self._index(matrix, m) for m in ("comparable", "same_stage")}
        self.levels_ = np.ascontiguousarray(kept.levels[by_id], dtype=np.int8)
        self.scores_ = np.ascontiguousarray(kept.scores[by_id], dtype=np.float64)
        self.population_ = np.ascontiguousarray(kept.population[by_id], dtype=np.float64)
        self.records_ = pool
        self.n_samples_fit_ = len(kept)
        return self

    def comparable(
        self,
        profile: CityProfile,
        scores: Scores | None = None,
        k: int | None = None,
        *,
        city_id: OwnIds = None,
    ) -> PeerGroup:
        """The ``k`` cities nearest by context: size, region, EU membership, capital, team.

        ``scores`` are optional; with them each peer group also shows where the city stands
        against the peer median. ``city_id`` (the city's own record id, or all of its ids:
        its assessments over time) leaves the city itself out of its results.
        """
        query = self._query(profile, scores, "comparable")
        found = self._search(query, self._k(k), city_id)
        return self._group("comparable", query, found)

    def same_stage(
        self,
        profile: CityProfile,
        scores: Scores,
        k: int | None = None,
        *,
        city_id: OwnIds = None,
    ) -> PeerGroup:
        """The ``k`` cities nearest by capacity profile (dimension scores)."""
        query = self._query(profile, scores, "same_stage")
        found = self._search(query, self._k(k), city_id)
        return self._group("same_stage", query, found)

    def learn_from(
        self,
        profile: CityProfile,
        scores: Scores,
        k: int | None = None,
        *,
        dimension: str | None = None,
        city_id: OwnIds = None,
    ) -> list[PeerGroup]:
        """Cities to learn from, one group per weak dimension (or for ``dimension`` only).

        In each group, the ``k`` most comparable cities (nearest by context) that are at least
        one level ahead of the city in the dimension **and** of a similar size: between
        1/:data:`LEARN_SIZE_RANGE` and :data:`LEARN_SIZE_RANGE` times its population (a peer
        that is not named counts with its size band's midpoint). Only when
        the pool holds fewer than ``k`` such cities does the range widen, step by step
        (:data:`LEARN_SIZE_STEPS`), and the group's note says so. The weak dimensions are those
        at the city's lowest level, unless that is already the top level reached in the pool.
        """
        query = self._query(profile, scores, "comparable")
        dims = self.space_.dimension_ids
        targets = [dimension] if dimension is not None else weak_dimensions(scores, dims)
        unknown = [t for t in targets if t not in dims]
        if unknown:
            raise ValueError(f"unknown dimension {unknown[0]!r}; known: {', '.join(dims)}")
        k = self._k(k)
        nearest = self._search(query, self.learn_pool_factor * k, city_id)
        own = self._left_out(profile, city_id)
        assert query.levels is not None  # scores are required here
        explained: dict[int, Peer] = {}
        groups = []
        for target in targets:
            d = dims.index(target)
            found, factor = self._learners(query, d, nearest, own, k)
            group = self._group("learn_from", query, found, target, explained)
            if factor > LEARN_SIZE_RANGE and found.size:
                group = group.model_copy(update={"note": _widened_note(factor, group.note)})
            groups.append(group)
        return groups

    def _learners(
        self,
        query: _Query,
        d: int,
        nearest: NDArray[np.intp],
        own: NDArray[np.intp],
        k: int,
    ) -> tuple[NDArray[np.intp], float]:
        """The ``k`` nearest rows ahead in dimension ``d``, within the narrowest size range of
        :data:`LEARN_SIZE_STEPS` that holds ``k`` of them (or all of them), and its factor.

        ``nearest`` are the context-nearest rows (``own`` already left out): when ``k`` rows
        ahead and within the first range are among them, they are the ``k`` nearest of all
        and nothing else is looked at; otherwise every row of the pool is considered.
        """
        assert query.levels is not None
        level = int(query.levels[d]) + 1
        population = query.profile.population

        def fits(rows: NDArray[np.intp] | slice, factor: float) -> NDArray[np.bool_]:
            ratio = self.population_[rows] / population
            ahead = self.levels_[rows, d] >= level
            return ahead & (ratio >= 1 / factor) & (ratio <= factor)

        found = nearest[fits(nearest, LEARN_SIZE_RANGE)][:k]
        if len(found) == k:  # the common case, answered from the context-nearest alone
            return found, LEARN_SIZE_RANGE
        for factor in LEARN_SIZE_STEPS:
            mask = fits(slice(None), factor)
            mask[own] = False
            count = int(np.count_nonzero(mask))
            if count >= k:
                break
        found = nearest[mask[nearest]][:k]
        if len(found) < min(k, count):
            core = query.index.core
            found = core._rank_rows(query.point, query.categories, np.flatnonzero(mask))[0][:k]
        return found, factor

    def others(self, profile: CityProfile, city_id: OwnIds) -> int:
        """How many cities of the pool are not the city asking (its records ``city_id``):
        the count its peers come from."""
        check_is_fitted(self)
        return int(self.n_samples_fit_) - len(self._left_out(profile, city_id))

    def record(self, record_id: str) -> PoolRecord:
        """The pool record with id ``record_id``; KeyError when the pool has none."""
        check_is_fitted(self)
        position = self._position(record_id)
        if position is None:
            raise KeyError(record_id)
        return self.records_[int(self.order_[position])]

    # -- internals -------------------------------------------------------------------------

    def _check_params(self) -> None:
        for name in ("n_neighbors", "learn_pool_factor"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")

    def _resolved_preset(self) -> Preset:
        if isinstance(self.preset, Preset):
            return self.preset
        return load_presets().get(self.preset)

    def _index(self, matrix: NDArray[np.float32], mode: Mode) -> _ModeIndex:
        weights = self.space_.column_weights(self.preset_, mode, self.weights)
        features = tuple(f for f in self.space_.features if weights[f.start] > 0)
        columns = np.concatenate([np.arange(f.start, f.stop) for f in features])
        widths = [f.stop - f.start for f in features]
        starts = np.concatenate([[0], np.cumsum(widths)[:-1]]).astype(np.intp)
        category = tuple(int(s) for f, s in zip(features, starts, strict=True) if f.categorical)
        core = WeightedNeighbors(
            algorithm=self.algorithm, weights=weights[columns], category_columns=category or None
        )
        core.fit(matrix[:, columns])
        return _ModeIndex(core, columns.astype(np.intp), features, starts)

    def _k(self, k: int | None) -> int:
        k = self.n_neighbors if k is None else k
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise ValueError(f"k must be a positive integer, got {k!r}")
        return k

    def _query(self, profile: CityProfile, scores: Scores | None, mode: Mode) -> _Query:
        check_is_fitted(self)
        dims = self.space_.dimension_ids
        values, levels = (None, None) if scores is None else score_arrays(scores, dims)
        index = self.indexes_[mode]
        row = self.space_.row_of(profile, values)[index.columns][None, :]
        point, categories = index.core._split(row)
        return _Query(profile, values, levels, index, point, categories)

    def _search(self, query: _Query, m: int, city_id: OwnIds) -> NDArray[np.intp]:
        """Index rows of the ``m`` nearest cities, nearest first, the city itself left out."""
        own = self._left_out(query.profile, city_id)
        available = self.n_samples_fit_ - len(own)
        want = min(m, available) + len(own)
        if min(m, available) == 0:
            return np.empty(0, dtype=np.intp)
        core = query.index.core
        found = core._search_rows(query.point, query.categories, want, leave_self=False)[1][0]
        return found[~np.isin(found, own)][:m] if len(own) else found[:m]

    def _left_out(self, profile: CityProfile, city_id: OwnIds) -> NDArray[np.intp]:
        """Index rows of the city asking: its own records ``city_id``, by id only. Never by
        name: anyone can type an anonymous city's name, and a peer that vanished for them
        would tell them it is that city (issue 12)."""
        del profile  # kept in the signature: callers describe the city asking
        ids = [city_id] if isinstance(city_id, str) else list(city_id or ())
        rows = [p for i in ids if (p := self._position(i)) is not None]
        return np.unique(np.array(rows, dtype=np.intp))

    def _position(self, city_id: str | None) -> int | None:
        if city_id is None:
            return None
        p = int(np.searchsorted(self.ids_, city_id))
        return p if p < len(self.ids_) and self.ids_[p] == city_id else None

    def _group(
        self,
        mode: QueryMode,
        query: _Query,
        found: NDArray[np.intp],
        target: str | None = None,
        explained: dict[int, Peer] | None = None,
    ) -> PeerGroup:
        """Explain the peers ``found`` as one group. ``explained`` caches peers across the
        groups of one query (learn-from groups share most of their cities)."""
        explained = {} if explained is None else explained
        self._explain(mode, query, found, explained)
        labels = self._dimension_labels()
        peers = [explained[i] for i in found.tolist()]
        if target is not None and query.levels is not None:
            d = self.space_.dimension_ids.index(target)
            peers = [_ahead(peer, target, labels[d], query.levels[d], d) for peer in peers]
        shown, note = positions(
            query.scores, self.scores_[found], self.space_.dimension_ids, labels
        )
        if target is not None and not peers:
            note = phrase("no comparable city is ahead in this dimension")
        name = self.preset if isinstance(self.preset, str) else "custom"
        return PeerGroup(
            mode=mode, preset=name, target=target, peers=peers, positions=shown, note=note
        )

    def _explain(
        self, mode: QueryMode, query: _Query, found: NDArray[np.intp], out: dict[int, Peer]
    ) -> None:
        """Add to ``out`` the explained peers of ``found`` it does not hold yet."""
        missing = np.array([i for i in found.tolist() if i not in out], dtype=np.intp)
        if not missing.size:
            return
        prefetch = getattr(self.records_, "prefetch", None)
        if prefetch is not None:  # a pool read lazily: its k records in one read, not k
            prefetch(self.order_[missing].tolist())
        index = query.index
        terms = index.core._terms(query.point, query.categories, missing[None, :])[0]
        by_feature = np.add.reduceat(terms, index.starts, axis=1)
        # The distance is rebuilt from the reported terms, added left to right as sum() would,
        # so that they add up to it exactly.
        squared = np.cumsum(by_feature, axis=1)[:, -1]
        labels = self._dimension_labels()
        feature_labels = [f.shown_label() for f in index.features]
        stage: list[list[str]] = [[] for _ in missing]
        if mode == "same_stage" and query.levels is not None:
            stage = stage_reasons_many(query.levels, self.levels_[missing], labels)
        distances = np.sqrt(squared)
        rows = zip(
            missing.tolist(),
            by_feature.tolist(),
            squared.tolist(),
            distances.tolist(),
            stage,
            strict=True,
        )
        for i, values, total, distance, reasons in rows:
            contributions = [
                {"feature": f.name, "label": label, "value": v}
                for f, label, v in zip(index.features, feature_labels, values, strict=True)
            ]
            out[i] = self._peer(query, i, contributions, total, distance, reasons)

    def _peer(
        self,
        query: _Query,
        i: int,
        contributions: list[dict[str, Any]],
        squared: float,
        distance: float,
        stage: list[str],
    ) -> Peer:
        """Peer ``i`` (an index row), named from its record, with the reasons of the match."""
        record = self.records_[int(self.order_[i])]
        # Explained as it was matched: a city not named by its bands (benchmark.privacy).
        shown = shown_profile(record)
        dims = self.space_.dimension_ids
        levels = self.levels_[i].tolist()
        return Peer(
            id=record.id,
            name=display_name(record),
            named=record.consent_named,
            demo=record.is_demo,
            distance=distance,
            squared_distance=squared,
            contributions=contributions,  # validated into Contribution models in one call
            reasons=stage + context_reasons(query.profile, shown, record.consent_named),
            levels={d: (v or None) for d, v in zip(dims, levels, strict=True)},
        )

    def _dimension_labels(self) -> list[str]:
        """The dimensions' titles in the language of the query."""
        return [f.shown_label() for f in self.space_.features if f.block == "capacity"]


def _ahead(peer: Peer, target: str, label: str, city_level: int, d: int) -> Peer:
    """``peer`` as a city to learn from in dimension ``target``."""
    city = int(city_level) or None
    learn = LearnTarget(
        dimension=target, label=label, peer_level=peer.levels[target] or 0, city_level=city
    )
    if city:
        lead = phrase(
            "level %(peer)s in %(dimension)s vs your %(city)s",
            peer=learn.peer_level,
            dimension=label,
            city=city,
        )
    else:
        lead = phrase(
            "level %(peer)s in %(dimension)s vs yours not assessed",
            peer=learn.peer_level,
            dimension=label,
        )
    return peer.model_copy(update={"target": learn, "reasons": [lead, *peer.reasons]})


#: At most this many weak dimensions get learning partners when none is asked for.
WEAK_LIMIT = 3

#: Cities to learn from are of a similar size: from 1/4 to 4 times the city's population, so
#: that what works there can work here (a city of 250,000 learns from cities of 62,500 to one
#: million, not from a capital of ten million).
LEARN_SIZE_RANGE = 4.0
#: The size ranges tried in turn, each only when the pool holds fewer than k cities ahead in
#: the dimension within the one before: 1/4–4×, 1/8–8×, 1/16–16×, then any size.
LEARN_SIZE_STEPS: tuple[float, ...] = (LEARN_SIZE_RANGE, 8.0, 16.0, math.inf)


def _widened_note(factor: float, note: str | None) -> str:
    """The note of a learn-from group whose size range had to widen to ``factor``."""
    if math.isinf(factor):
        said = phrase(
            "Few cities of a similar size are ahead here, so cities of any size are shown."
        )
    else:
        times = f"{factor:g}"
        said = phrase(
            "Few cities of a similar size are ahead here, so cities of "
            "1/%(factor)s to %(factor)s times your population are shown.",
            factor=times,
        )
    return f"{said} {note}" if note else said  # two sentences


def weak_dimensions(scores: Scores, dimension_ids: Sequence[str]) -> list[str]:
    """The city's weakest dimensions: those at its lowest level, lowest score first.

    At most :data:`WEAK_LIMIT`; dimensions not assessed are never weak.
    """
    values, levels = score_arrays(scores, dimension_ids)
    assessed = levels > 0
    if not assessed.any():
        return []
    floor = levels[assessed].min()
    weak = [d for d in range(len(dimension_ids)) if levels[d] == floor]
    weak.sort(key=lambda d: (values[d], d))
    return [dimension_ids[d] for d in weak[:WEAK_LIMIT]]


def _latest_per_city(columns: PoolColumns) -> NDArray[np.intp]:
    """Positions of the rows to keep, ascending: each city key's latest assessment (latest
    date, then greatest id, as :func:`benchmark.pool.latest_per_city`); all rows without keys."""
    if columns.city_keys is None:
        return np.arange(len(columns))
    if columns.assessed_on is None:
        raise ValueError("columns with city_keys need assessed_on, to keep each city's latest")
    # Sorted by key, then date, then id: the last row of each key is its latest assessment.
    order = np.lexsort((columns.ids, columns.assessed_on, columns.city_keys))
    keys = columns.city_keys[order]
    last = np.append(keys[1:] != keys[:-1], True)
    return np.sort(order[last])


def _check_unique(ids: NDArray[np.object_]) -> None:
    """``ids`` is sorted; a repeated id would make "leave the city itself out" ambiguous."""
    repeated = np.flatnonzero(ids[1:] == ids[:-1])
    if repeated.size:
        shown = ", ".join(sorted({str(ids[i]) for i in repeated})[:5])
        raise ValueError(f"record ids must be unique in the pool; repeated: {shown}")
