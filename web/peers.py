"""The peer finder of this process, fitted on the stored pool and refitted when it changes.

One :class:`PeerService` per app. Its finder is fitted on first use and kept; each peer query
compares the pool's signature (count, latest change; an index lookup) with the one the finder
was fitted on, so a submission with consent, in this process or another one, triggers a refit.

The refit is incremental. The service keeps the records it loaded, with their change times,
and the pool as arrays (:class:`~benchmark.features.PoolColumns`). When the signature changes
it reads the pool's ids and the change times later than the latest it has seen (both from
indexes: about 7 ms at 10,000 cities), parses only the records that are new or stored again
(parsing costs about 0.1 ms a record: over a second for 10,000), drops those that are gone,
and fits a new finder on the records in memory (about 11 ms at 10,000). Queries running
meanwhile keep the finder they started with: nothing a finder holds changes after its fit.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np
from flask import Flask, current_app
from numpy.typing import NDArray

from benchmark.advice import Advice, advise
from benchmark.explain import PeerGroup
from benchmark.features import PoolColumns
from benchmark.profile import CityProfile
from benchmark.record import PoolRecord
from rules import Rulebook, Scorecard, text_in
from web import storage

if TYPE_CHECKING:  # scikit-learn, imported by the first fit, not by the app factory
    from benchmark.peers import OwnIds, PeerFinder

__all__ = [
    "PeerResults",
    "PeerService",
    "find_peers",
    "init_app",
    "others_in_pool",
    "peer_finder",
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
        # What the finder was fitted on: records, their change times, the same as arrays.
        self._records: list[PoolRecord] = []
        self._stamps: dict[str, datetime] = {}
        self._latest = datetime.min  # the latest change time among them
        self._columns: PoolColumns | None = None
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
        signature = storage.pool_signature()
        if signature[0] == 0:
            return None
        with self._lock:
            if signature != self._signature or self._finder is None:
                # The signature is read before the pool: if the pool changes in between, the
                # next query sees another signature and refreshes again.
                self._refresh()
                self._signature = signature
            return self._finder

    def _refresh(self) -> None:
        """Bring records, arrays and finder up to date with the stored pool."""
        known = self._stamps
        if known:
            ids = storage.pool_ids()
            gone = known.keys() - ids
            # New ids are found whatever their change time (a record's time is taken before
            # its commit, and servers' clocks differ); a record stored again under an id
            # already known is found by its time, later than the latest one seen. (The app
            # stores an id again only when one draft is submitted twice at once: with the
            # same record, so an earlier time that goes unseen changes nothing.)
            later = storage.pool_stamps(after=self._latest)
            restamped = {i for i, stamp in later.items() if known.get(i, stamp) != stamp}
            changed = (ids - known.keys()) | restamped
            if not changed and not gone and self._finder is not None:
                return
            fetched = storage.load_pool_entries(ids=changed) if changed else []
            # Replaced; and a changed record deleted since the ids were read is just gone.
            dropped = gone | restamped
        else:  # nothing in memory yet: read the whole pool at once
            fetched, dropped = storage.load_pool_entries(), set()
        if dropped:
            keep = np.fromiter((r.id not in dropped for r in self._records), bool)
            records = [r for r, kept in zip(self._records, keep, strict=True) if kept]
        else:
            keep, records = np.ones(len(self._records), bool), self._records
        added = [e.record for e in fetched]
        columns = _join(self._columns, keep, added)
        stamps = dict(known)
        for record_id in dropped:
            del stamps[record_id]
        stamps.update((e.record.id, e.updated_at) for e in fetched)
        finder = None
        if records or added:
            from benchmark.peers import PeerFinder

            titles = {d.id: text_in(d.title) for d in self.book.dimensions}
            finder = PeerFinder(n_neighbors=self.k).fit(
                records + added, columns=columns, dimension_titles=titles
            )
        # Only now, once the fit has worked: a failed refresh leaves the last state in place.
        self._records = records + added
        self._stamps = stamps
        self._latest = max([self._latest, *(e.updated_at for e in fetched)])
        self._columns = columns
        self._finder = finder


def _join(
    columns: PoolColumns | None, keep: NDArray[np.bool_], added: Sequence[PoolRecord]
) -> PoolColumns | None:
    """The rows of ``columns`` marked in ``keep``, then the rows of ``added``."""
    kept = None
    if columns is not None and keep.any():
        kept = columns if keep.all() else _columnwise(lambda a: a[keep], columns)
    if not added:
        return kept
    # Dimensions in the order the pool has them already (else the first record's order).
    new = PoolColumns.from_records(added, None if kept is None else kept.dimension_ids)
    if kept is None:
        return new
    return _columnwise(lambda a, b: np.concatenate([a, b]), kept, new)


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
