"""The peer finder of this process, on the stored pool, brought up to date when it changes.

One :class:`PeerService` per app. Each peer query compares the pool's signature (count, latest
change; an index lookup) with the one the service last read, so a submission with consent, in
this process or another one, brings the service up to date.

The service keeps no record objects: 100,000 of them would take over a gigabyte. It keeps the
pool as arrays — the peer features (:class:`~benchmark.features.PoolColumns`) and the facts the
network pages aggregate (:class:`~benchmark.pool_facts.PoolFacts`) — built chunk by chunk
from storage, with each record's id and change time; the finder reads the few records it
names and explains from storage when it needs them (:class:`StoredRecords`, which keeps a few
thousand). A refresh is incremental: it reads the pool's ids and the change times later than
the latest it has seen (both from indexes: about 7 ms at 10,000 cities), parses only the
records that are new or stored again (about 0.1 ms a record), and drops those that are gone.

The finder is fitted lazily, on the first peer query after a change, so a burst of imports or
a dashboard request does not pay for fits nobody uses. Queries running meanwhile keep the finder
they started with: nothing a finder holds changes after its fit.

The arrays are saved beside the database (:mod:`web.pool_snapshot`) after a refresh that read
many records, so a restart reads only what changed since; a snapshot made for another rulebook
or database, or torn by a crash, is ignored.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
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
from rules import Rulebook, Scorecard
from web import pool_snapshot, storage

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

#: A refresh that parsed at least this many records writes the snapshot (a restart then
#: reads arrays instead of parsing them again); smaller changes are cheap to read again.
SNAPSHOT_AFTER_RECORDS = 1_000

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

    def __init__(
        self, book: Rulebook, k: int, *, snapshot: Path | None = None, snapshot_key: str = ""
    ) -> None:
        self.book = book
        self.k = k
        #: where the arrays are kept between restarts (:mod:`web.pool_snapshot`), and its key
        self._snapshot = snapshot
        self._snapshot_key = snapshot_key
        self._lock = threading.Lock()
        self._fitting = threading.Lock()
        #: counts the refreshes: a fit started before the latest one is not kept
        self._version = 0
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
        #: cleared while a warm-up runs, set when all of it is done (the first finder fitted
        #: too, after ``ready``): what a stopping server or a test waits for
        self.warmed_up = threading.Event()
        self.warmed_up.set()

    def finder(self) -> PeerFinder | None:
        """The finder fitted on the current pool, or None when the pool is empty.

        While a start-up warm-up runs (:func:`warm_up_in_background`), waits for it first.
        """
        if not self.ready.wait(WARM_UP_WAIT_S):
            raise TimeoutError(f"the peer pool was not ready within {WARM_UP_WAIT_S} s")
        return self.current_finder()

    def current_finder(self) -> PeerFinder | None:
        """As :meth:`finder`, without waiting for a warm-up (the warm-up itself calls it).

        Fitted on the first peer query after a change, not by the refresh: the network pages
        need the arrays only, and a fit takes about a second at 100,000 cities.
        """
        if self._current()[1] is None:
            return None
        with self._fitting:  # one fit at a time; the network pages go on meanwhile
            with self._lock:
                finder, ids, columns, version = (
                    self._finder,
                    self._ids,
                    self._columns,
                    self._version,
                )
            if finder is None:
                finder = self._fit(ids, columns)
                with self._lock:
                    if self._version == version:  # else the pool changed: fit again next time
                        self._finder = finder
            return finder

    def facts(self) -> tuple[tuple[int, datetime | None], PoolFacts | None]:
        """(the pool's signature, its facts) for the network pages, as fresh as
        :meth:`finder`; the facts are None when the pool is empty."""
        if not self.ready.wait(WARM_UP_WAIT_S):
            raise TimeoutError(f"the peer pool was not ready within {WARM_UP_WAIT_S} s")
        return self._current()

    def facts_now(self) -> tuple[tuple[int, datetime | None], PoolFacts | None]:
        """As :meth:`facts`, without waiting for a warm-up (the warm-up itself calls it)."""
        return self._current()

    def _current(self) -> tuple[tuple[int, datetime | None], PoolFacts | None]:
        """The pool's signature and facts, the arrays brought up to date first."""
        signature = storage.pool_signature()
        if signature[0] == 0:
            if self._stamps:
                with self._lock:
                    self._forget_all()
            return signature, None
        with self._lock:
            if signature != self._signature or self._facts is None:
                # The signature is read before the pool: if the pool changes in between, the
                # next query sees another signature and refreshes again.
                self._refresh()
                self._signature = signature
            return signature, self._facts

    def _refresh(self) -> None:
        """Bring ids, arrays and finder up to date with the stored pool."""
        if not self._stamps and self._snapshot is not None:
            self._restore(self._snapshot)
        found = self._changes()
        if found is None:
            return
        chunks, dropped, gone = found
        known = self._stamps
        keep = ~np.isin(self._ids, list(dropped)) if dropped else np.ones(len(self._ids), bool)
        columns, facts = _kept(self._columns, keep), _kept(self._facts, keep)
        ids: list[NDArray[np.object_]] = [self._ids[keep]]
        stamps = {i: t for i, t in known.items() if i not in dropped}
        latest = self._latest
        read = 0
        for chunk in chunks:  # arrays per chunk: the chunk's records are dropped after it
            records = [e.record for e in chunk]
            read += len(records)
            columns = _join(columns, records, self._dimension_ids)
            facts = _join_facts(facts, records, self._indicator_ids, self._fact_dimensions)
            ids.append(np.array([r.id for r in records], dtype=object))
            stamps.update((e.record.id, e.updated_at) for e in chunk)
            latest = max([latest, *(e.updated_at for e in chunk)])
        # Only now, once all is read: a failed refresh leaves the last state in place.
        self._ids, self._stamps, self._latest = np.concatenate(ids), stamps, latest
        self._columns, self._facts, self._finder = columns, facts, None
        self._version += 1
        # A deleted city leaves the file at once too, not at the next large change.
        if self._snapshot is not None and (read >= SNAPSHOT_AFTER_RECORDS or gone):
            self._save(self._snapshot)

    def _changes(self) -> tuple[Iterable[list[storage.PoolEntry]], set[str], set[str]] | None:
        """(chunks of records to read, ids to drop, ids gone from storage) since the state
        held; None when nothing changed."""
        known = self._stamps
        if not known:  # nothing in memory yet: read the whole pool, a chunk at a time
            return storage.iter_pool_entries(), set(), set()
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
        if not changed and not gone and self._facts is not None:
            return None
        chunks = [storage.load_pool_entries(ids=changed)] if changed else []
        # Replaced; and a changed record deleted since the ids were read is just gone.
        return chunks, gone | restamped, gone

    def _fit(self, ids: NDArray[np.object_], columns: PoolColumns | None) -> PeerFinder | None:
        """A finder fitted on ``ids`` and ``columns`` (None when they are empty)."""
        if columns is None or not len(ids):
            return None
        from benchmark.peers import PeerFinder

        # The titles in every language: the finder serves readers of every language, and the
        # request that happens to fit it must not choose theirs for all of them.
        titles = {d.id: d.title for d in self.book.dimensions}
        return PeerFinder(n_neighbors=self.k).fit(
            StoredRecords(ids), columns=columns, dimension_titles=titles
        )

    def _forget_all(self) -> None:
        """The pool is empty: hold nothing of it, in memory or on disk."""
        self._ids, self._stamps, self._latest = np.empty(0, dtype=object), {}, datetime.min
        self._columns = self._facts = self._finder = None
        self._signature = None
        self._version += 1
        if self._snapshot is not None:
            self._snapshot.unlink(missing_ok=True)

    def _restore(self, path: Path) -> None:
        """Start from the snapshot at ``path``, if it is there and valid; the refresh that
        follows brings it up to date."""
        found = pool_snapshot.read_snapshot(path, self._snapshot_key)
        if found is None or not len(found.ids):
            return
        self._ids, self._stamps = found.ids, pool_snapshot.stamps_of(found)
        self._latest = max(self._stamps.values())
        self._columns, self._facts = found.columns, found.facts

    def _save(self, path: Path) -> None:
        if self._columns is None or self._facts is None:
            return
        stamps = np.array([self._stamps[i] for i in self._ids.tolist()], dtype="datetime64[us]")
        snapshot = pool_snapshot.Snapshot(self._ids, stamps, self._columns, self._facts)
        try:
            pool_snapshot.write_snapshot(path, self._snapshot_key, snapshot)
        except OSError as exc:  # a read-only instance folder: restarts are slower, that is all
            current_app.logger.warning("cannot write the peer pool snapshot %s: %s", path, exc)

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


def init_app(
    app: Flask, *, book: Rulebook, k: int, snapshot: Path | None = None, database_url: str = ""
) -> None:
    """Give ``app`` its peer service; ``snapshot`` is the file that keeps its arrays between
    restarts (none: every start parses the pool), for the database at ``database_url``."""
    key = pool_snapshot.snapshot_key(book.content_hash, database_url) if snapshot else ""
    app.extensions[_EXTENSION] = PeerService(book, k, snapshot=snapshot, snapshot_key=key)


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
    service.warmed_up.clear()

    def run() -> None:
        try:
            with app.app_context():
                prepare()
                service.facts_now()
                service.ready.set()  # the network pages need no more; peer queries fit
                finder = service.current_finder()
            if on_ready is not None:
                on_ready(0 if finder is None else int(finder.n_samples_fit_))
        except Exception:
            app.logger.exception("warming up the peer pool failed; the next query retries")
        finally:
            service.ready.set()
            service.warmed_up.set()

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
