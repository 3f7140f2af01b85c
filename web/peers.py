"""The peer finder of this process, fitted on the stored pool and refitted when it changes.

One :class:`PeerService` per app. Its finder is fitted on first use and kept; each peer query
compares the pool's signature (count, latest change; an index lookup) with the one the finder
was fitted on, so a submission with consent, in this process or another one, triggers a refit.

The service keeps no record objects: 100,000 of them would take over a gigabyte. It keeps the
pool as arrays — the peer features (:class:`~benchmark.features.PoolColumns`) and the facts the
network pages aggregate (:class:`~benchmark.pool_facts.PoolFacts`) — built chunk by chunk
from storage, with each record's id and change time; the finder reads the few records it
names and explains from storage when it needs them (:class:`StoredRecords`, which keeps a few
thousand). The refit is incremental. When the signature changes
it reads the pool's ids and the change times later than the latest it has seen (both from
indexes: about 7 ms at 10,000 cities), parses only the records that are new or stored again
(parsing costs about 0.1 ms a record: over a second for 10,000), drops those that are gone,
and fits a new finder on the records in memory (about 11 ms at 10,000). Queries running
meanwhile keep the finder they started with: nothing a finder holds changes after its fit.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
from flask import Flask, current_app
from numpy.typing import NDArray

from benchmark.advice import Advice, advise
from benchmark.explain import PeerGroup
from benchmark.features import PoolColumns
from benchmark.pool_facts import OVERALL, PoolFacts
from benchmark.profile import CityProfile
from benchmark.record import PoolRecord
from rules import Rulebook, Scorecard, text_in
from web import storage

if TYPE_CHECKING:  # scikit-learn, imported by the first fit, not by the app factory
    from benchmark.peers import OwnIds, PeerFinder

__all__ = [
    "PeerResults",
    "PeerService",
    "StoredRecords",
    "find_peers",
    "init_app",
    "others_in_pool",
    "peer_finder",
    "pool_facts",
    "warm_up_in_background",
]

#: How long a peer query waits for the start-up warm-up (demo pool, first fit) to finish.
WARM_UP_WAIT_S = 120

_EXTENSION = "citydip.peers"


@dataclass(frozen=True)
class PeerResults:
    """The three answers for one city, and advice; empty when the pool is empty."""

    #: cities in the pool other than the city itself
    pool_size: int
    comparable: PeerGroup | None = None
    same_stage: PeerGroup | None = None
    learn_from: list[PeerGroup] = field(default_factory=list)
    advice: Advice | None = None

    @property
    def any_demo(self) -> bool:
        """True when any peer shown is a fictional demo city."""
        groups = [self.comparable, self.same_stage, *self.learn_from]
        return any(p.demo for g in groups if g is not None for p in g.peers)


class PeerService:
    """Holds a fitted :class:`PeerFinder` and refits it when the pool changes."""

    def __init__(self, book: Rulebook, k: int) -> None:
        self.book = book
        self.k = k
        self._lock = threading.Lock()
        self._signature: tuple[int, datetime | None] | None = None
        self._finder: PeerFinder | None = None
        # What the finder was fitted on: ids (in row order), change times, the pool as arrays.
        self._ids: NDArray[np.object_] = np.empty(0, dtype=object)
        self._stamps: dict[str, datetime] = {}
        self._latest = datetime.min  # the latest change time among them
        self._columns: PoolColumns | None = None
        self._facts: PoolFacts | None = None
        #: cleared while a warm-up runs: queries wait for it rather than see a partial pool
        self.ready = threading.Event()
        self.ready.set()

    def finder(self) -> PeerFinder | None:
        """The finder fitted on the current pool, or None when the pool is empty.

        While a start-up warm-up runs (:func:`warm_up_in_background`), waits for it first.
        """
        if not self.ready.wait(WARM_UP_WAIT_S):
            raise TimeoutError(f"the peer pool was not ready within {WARM_UP_WAIT_S} s")
        return self.current_finder()

    def current_finder(self) -> PeerFinder | None:
        """As :meth:`finder`, without waiting for a warm-up (the warm-up itself calls it)."""
        return self._current()[1]

    def facts(self) -> tuple[tuple[int, datetime | None], PoolFacts | None]:
        """(the pool's signature, its facts) for the network pages, as fresh as
        :meth:`finder`; the facts are None when the pool is empty."""
        if not self.ready.wait(WARM_UP_WAIT_S):
            raise TimeoutError(f"the peer pool was not ready within {WARM_UP_WAIT_S} s")
        signature, finder = self._current()
        return signature, self._facts if finder is not None else None

    def _current(self) -> tuple[tuple[int, datetime | None], PeerFinder | None]:
        signature = storage.pool_signature()
        if signature[0] == 0:
            return signature, None
        with self._lock:
            if signature != self._signature or self._finder is None:
                # The signature is read before the pool: if the pool changes in between, the
                # next query sees another signature and refreshes again.
                self._refresh()
                self._signature = signature
            return signature, self._finder

    def _refresh(self) -> None:
        """Bring ids, arrays and finder up to date with the stored pool."""
        known = self._stamps
        chunks: Iterable[list[storage.PoolEntry]]
        if known:
            stored = storage.pool_ids()
            gone = known.keys() - stored
            # New ids are found whatever their change time (a record's time is taken before
            # its commit, and servers' clocks differ); a record stored again under an id
            # already known is found by its time, later than the latest one seen. (The app
            # stores an id again only when one draft is submitted twice at once: with the
            # same record, so an earlier time that goes unseen changes nothing.)
            later = storage.pool_stamps(after=self._latest)
            restamped = {i for i, stamp in later.items() if known.get(i, stamp) != stamp}
            changed = (stored - known.keys()) | restamped
            if not changed and not gone and self._finder is not None:
                return
            chunks = [storage.load_pool_entries(ids=changed)] if changed else []
            # Replaced; and a changed record deleted since the ids were read is just gone.
            dropped = gone | restamped
        else:  # nothing in memory yet: read the whole pool, a chunk at a time
            chunks, dropped = storage.iter_pool_entries(), set()
        keep = ~np.isin(self._ids, list(dropped)) if dropped else np.ones(len(self._ids), bool)
        columns, facts = _kept(self._columns, keep), _kept(self._facts, keep)
        ids: list[NDArray[np.object_]] = [self._ids[keep]]
        stamps = {i: t for i, t in known.items() if i not in dropped}
        latest = self._latest
        for chunk in chunks:  # arrays per chunk: the chunk's records are dropped after it
            records = [e.record for e in chunk]
            columns = _join(columns, records, self._dimension_ids)
            facts = _join_facts(facts, records, self._indicator_ids, self._fact_dimensions)
            ids.append(np.array([r.id for r in records], dtype=object))
            stamps.update((e.record.id, e.updated_at) for e in chunk)
            latest = max([latest, *(e.updated_at for e in chunk)])
        all_ids = np.concatenate(ids)
        finder = None
        if len(all_ids):
            from benchmark.peers import PeerFinder

            titles = {d.id: text_in(d.title) for d in self.book.dimensions}
            finder = PeerFinder(n_neighbors=self.k).fit(
                StoredRecords(all_ids), columns=columns, dimension_titles=titles
            )
        # Only now, once the fit has worked: a failed refresh leaves the last state in place.
        self._ids, self._stamps, self._latest = all_ids, stamps, latest
        self._columns, self._facts, self._finder = columns, facts, finder

    @property
    def _dimension_ids(self) -> list[str]:
        return [d.id for d in self.book.dimensions]

    @property
    def _fact_dimensions(self) -> list[str]:
        return [*self._dimension_ids, OVERALL]  # the trend counts overall levels too

    @property
    def _indicator_ids(self) -> list[str]:
        return [i.id for i in self.book.indicators]


class StoredRecords(Sequence[PoolRecord]):
    """The pool's records by row, read from storage only when asked for: the finder asks
    for the few peers it names and explains. The latest few thousand are kept."""

    def __init__(self, ids: NDArray[np.object_], keep: int = 4_096) -> None:
        self._ids = ids
        self._keep = keep
        self._cache: dict[str, PoolRecord] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._ids)

    def __getitem__(self, row: int) -> PoolRecord:  # type: ignore[override]
        record_id = str(self._ids[row])
        with self._lock:
            found = self._cache.get(record_id)
        if found is None:
            self.prefetch([row])
            with self._lock:
                found = self._cache.get(record_id)
        if found is None:  # deleted since the finder was fitted: the next query refits
            raise LookupError(f"pool record {record_id} is no longer stored")
        return found

    def prefetch(self, rows: Sequence[int]) -> None:
        """Read the records of ``rows`` that are not kept yet, in one query."""
        with self._lock:
            wanted = {str(self._ids[r]) for r in rows} - self._cache.keys()
        if not wanted:
            return
        records = storage.load_pool_records(ids=wanted)
        with self._lock:
            if len(self._cache) + len(records) > self._keep:
                self._cache.clear()
            self._cache.update((r.id, r) for r in records)


_Arrays = TypeVar("_Arrays", PoolColumns, PoolFacts)


def _kept(arrays: _Arrays | None, keep: NDArray[np.bool_]) -> _Arrays | None:
    """The rows of ``arrays`` marked in ``keep`` (None when none are)."""
    if arrays is None or not keep.any():
        return None
    if keep.all():
        return arrays
    if isinstance(arrays, PoolFacts):
        return arrays.take(keep)
    return _columnwise(lambda a: a[keep], arrays)


def _join(
    columns: PoolColumns | None, added: Sequence[PoolRecord], dimension_ids: Sequence[str]
) -> PoolColumns | None:
    """The rows of ``columns``, then those of ``added``."""
    if not added:
        return columns
    new = PoolColumns.from_records(added, list(dimension_ids))
    if columns is None:
        return new
    return _columnwise(lambda a, b: np.concatenate([a, b]), columns, new)


def _join_facts(
    facts: PoolFacts | None,
    added: Sequence[PoolRecord],
    indicator_ids: Sequence[str],
    dimension_ids: Sequence[str],
) -> PoolFacts | None:
    """The rows of ``facts``, then those of ``added``."""
    if not added:
        return facts
    new = PoolFacts.from_records(added, indicator_ids, dimension_ids)
    return new if facts is None else PoolFacts.concat([facts, new])


def _columnwise(
    combine: Callable[..., NDArray[Any]], first: PoolColumns, *others: PoolColumns
) -> PoolColumns:
    """``combine`` applied to each array of the columns (all but the dimension ids)."""
    arrays: dict[str, Any] = {
        f.name: combine(getattr(first, f.name), *(getattr(o, f.name) for o in others))
        for f in dataclasses.fields(PoolColumns)
        if f.name != "dimension_ids"
    }
    return dataclasses.replace(first, **arrays)


def others_in_pool(finder: PeerFinder, profile: CityProfile, city_id: OwnIds) -> int:
    """How many cities of the finder's pool are not the city itself (its records ``city_id``,
    or the later assessment of the same city that represents it)."""
    return finder.others(profile, city_id)


def pool_facts() -> tuple[tuple[int, datetime | None], PoolFacts | None]:
    """(the pool's signature, its facts as arrays) of the current app: what the network
    pages aggregate, kept with the peer index (None when the pool is empty)."""
    service: PeerService = current_app.extensions[_EXTENSION]
    return service.facts()


def peer_finder() -> PeerFinder | None:
    """The current app's finder, fitted on the stored pool; None when the pool is empty."""
    service: PeerService = current_app.extensions[_EXTENSION]
    return service.finder()


def init_app(app: Flask, *, book: Rulebook, k: int) -> None:
    """Give ``app`` its peer service."""
    app.extensions[_EXTENSION] = PeerService(book, k)


def warm_up_in_background(
    app: Flask,
    prepare: Callable[[], object],
    on_ready: Callable[[int], object] | None = None,
) -> threading.Thread:
    """Run ``prepare()`` (e.g. loading the demo pool), then fit the peer index, in a thread;
    ``on_ready`` gets the number of cities in the pool once it is done.

    The server can answer meanwhile; a peer query waits until the warm-up is done, so no
    visitor sees a pool that is still being loaded. An error in the warm-up is logged and
    the next query tries again.
    """
    service: PeerService = app.extensions[_EXTENSION]
    service.ready.clear()

    def run() -> None:
        try:
            with app.app_context():
                prepare()
                finder = service.current_finder()
            if on_ready is not None:
                on_ready(0 if finder is None else int(finder.n_samples_fit_))
        except Exception:
            app.logger.exception("warming up the peer pool failed; the next query retries")
        finally:
            service.ready.set()

    thread = threading.Thread(target=run, name="citydip-warm-up", daemon=True)
    thread.start()
    return thread


def find_peers(profile: CityProfile, card: Scorecard, *, city_id: OwnIds) -> PeerResults:
    """Comparable cities, cities at the same stage, cities to learn from, and advice.

    ``city_id`` are the city's own pool ids, so that it never appears as its own peer.
    """
    service: PeerService = current_app.extensions[_EXTENSION]
    finder = service.finder()
    if finder is None:
        return PeerResults(pool_size=0)
    comparable = finder.comparable(profile, card, city_id=city_id)
    learn_from = finder.learn_from(profile, card, city_id=city_id)
    return PeerResults(
        pool_size=others_in_pool(finder, profile, city_id),
        comparable=comparable,
        same_stage=finder.same_stage(profile, card, city_id=city_id),
        learn_from=learn_from,
        advice=advise(
            service.book,
            card,
            finder,
            profile,
            city_id=city_id,
            comparable=comparable,
            learning=learn_from,
        ),
    )
