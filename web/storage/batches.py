"""Import batches: store a file's records idempotently, list the batches, undo one.

A city's stable key (``PoolRecord.city_key``) decides what a row is: a new city, an update
of an imported city already in the pool (a newer or same-day assessment: it becomes the
current record and the one it replaces goes to ``pool_history``), unchanged (the same record
again: re-importing a file changes nothing), or an older assessment, kept in the history
only. Rows of cities that took the assessment on this service are never overwritten by an
import: the peer pool already shows each city once, with its latest assessment.

Undoing a batch restores the pool exactly as it was before it: the rows it added are
deleted, the records it replaced come back. A batch whose rows a later batch changed again
is refused until that later batch is undone: all of a batch, or nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select

from benchmark.record import PoolRecord
from rules.locale import phrase, plural_phrase
from web.storage.engine import JsonText
from web.storage.engine import session as _session
from web.storage.engine import utcnow as _utcnow
from web.storage.pool import pool_row, pool_values
from web.storage.tables import ImportBatch, PoolHistoryRow, PoolRow

__all__ = [
    "BatchCounts",
    "StoredBatch",
    "UndoRefused",
    "import_batch",
    "list_batches",
    "undo_batch",
]

#: records stored per round trip: new cities go in one bulk insert per chunk
CHUNK = 2_000
#: what a record's comparison ignores: its id, and its date (a survey row without one is
#: dated on the day of the import, so the same file imported on another day is the same)
_IGNORED = ("id", "assessed_on")


@dataclass(frozen=True)
class BatchCounts:
    """What an import did, or would do on a dry run."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    #: of the unchanged: earlier assessments than the city's current record, kept in its
    #: history (the current record stays)
    older: int = 0
    #: the batch's id; None on a dry run or when nothing changed
    batch_id: int | None = None


@dataclass(frozen=True)
class StoredBatch:
    """A batch as the imports page lists it."""

    id: int
    created_at: datetime
    filename: str
    kind: str
    new: int
    updated: int
    unchanged: int
    rejected: int
    undone_at: datetime | None


class UndoRefused(ValueError):
    """The batch cannot be undone (as a whole); the message says why."""


def import_batch(
    *, records: Sequence[PoolRecord], filename: str, kind: str, dry_run: bool
) -> BatchCounts:
    """Store ``records`` as one batch (see the module doc), in one transaction; on a dry run,
    count what would happen and store nothing."""
    session = _session()
    now = _utcnow()
    batch = ImportBatch(
        created_at=now,
        filename=filename[:255],
        kind=kind,
        new=0,
        updated=0,
        unchanged=0,
        rejected=0,
    )
    session.add(batch)
    session.flush()  # the batch id, for the rows it writes
    counts = {"new": 0, "updated": 0, "unchanged": 0, "older": 0}
    # the latest ends up current; each city's key worked out once (it normalises the name)
    ordered = sorted(((r.city_key, r) for r in records), key=lambda kr: kr[1].assessed_on)
    for start in range(0, len(ordered), CHUNK):
        for outcome in _store_chunk(session, ordered[start : start + CHUNK], batch.id, now):
            counts[outcome] += 1
    counts["unchanged"] += counts["older"]
    batch.new, batch.updated = counts["new"], counts["updated"]
    batch.unchanged = counts["unchanged"]
    if dry_run or not (counts["new"] or counts["updated"] or counts["older"]):
        session.rollback()
        return BatchCounts(**counts)
    session.commit()
    return BatchCounts(**counts, batch_id=batch.id)


def _store_chunk(
    session: Any, chunk: Sequence[tuple[str, PoolRecord]], batch_id: int, now: datetime
) -> list[str]:
    """Store a chunk of (city key, record) in date order; what happened to each.

    A city new to the pool is inserted in bulk, with the chunk's other new cities; every
    other record (an update, the same city again later in the chunk) goes row by row."""
    session.flush()  # rows written row by row so far are seen by the query below
    stored = _stored_by_key(session, {key for key, _ in chunk})
    fresh: dict[str, PoolRecord] = {}
    again: list[tuple[str, PoolRecord]] = []
    for key, record in chunk:
        if key in stored or key in fresh:
            again.append((key, record))
        else:
            fresh[key] = record
    if fresh:
        session.execute(  # Core, not the ORM: no object or event per row
            insert(cast(Table, PoolRow.__table__)),
            [
                pool_values(r, assessment_id=None, now=now, key=key, as_json=_json(r))
                | {"batch_id": batch_id}
                for key, r in fresh.items()
            ],
        )
    # Only cities whose record may change are loaded as ORM rows (a re-import of the same
    # file compares every row and changes none).
    changing = {key for key, r in again if key in fresh or not _unchanged(r, stored[key])}
    current = _current_by_key(session, changing)
    return ["new"] * len(fresh) + [
        _store_one(session, current, record, batch_id, now) if key in changing else "unchanged"
        for key, record in again
    ]


@dataclass(frozen=True)
class _Stored:
    """What a comparison needs of a stored row."""

    record: dict[str, Any]
    from_assessment: bool


def _stored_by_key(session: Any, keys: set[str]) -> dict[str, _Stored]:
    if not keys:
        return {}
    rows = session.execute(
        select(PoolRow.city_key, PoolRow.record, PoolRow.assessment_id).where(
            PoolRow.city_key.in_(keys)
        )
    )
    return {key: _Stored(record, assessment is not None) for key, record, assessment in rows}


def _unchanged(record: PoolRecord, stored: _Stored) -> bool:
    """True when storing ``record`` over ``stored`` would change nothing: the same record
    (ids and dates aside), or a city's own submission, which an import never overwrites."""
    return stored.from_assessment or _same(record.model_dump(mode="json"), stored.record)


def _json(record: PoolRecord) -> JsonText:
    """The record's JSON by pydantic (in Rust), several times faster than the standard
    library on a dumped dict."""
    return JsonText(record.model_dump_json())


def _current_by_key(session: Any, keys: set[str]) -> dict[str, PoolRow]:
    rows = session.scalars(select(PoolRow).where(PoolRow.city_key.in_(keys))).all() if keys else []
    return {row.city_key: row for row in rows if row.city_key is not None}


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return {k: v for k, v in a.items() if k not in _IGNORED} == {
        k: v for k, v in b.items() if k not in _IGNORED
    }


def _store_one(
    session: Any, current: dict[str, PoolRow], record: PoolRecord, batch_id: int, now: datetime
) -> str:
    row = current.get(record.city_key)
    if row is None:
        added = pool_row(record, assessment_id=None, now=now)
        added.batch_id = batch_id
        session.add(added)
        current[record.city_key] = added
        return "new"
    incoming = record.model_copy(update={"id": row.id}).model_dump(mode="json")
    if _same(incoming, row.record) or row.assessment_id is not None:
        return "unchanged"
    if record.assessed_on < row.assessed_on:
        return _keep_older(session, row, incoming, record, batch_id, now)
    # The record before the batch is kept once as "replaced" (what an undo restores); a row
    # this batch already wrote keeps its earlier version as an older assessment.
    session.add(
        PoolHistoryRow(
            pool_id=row.id,
            batch_id=batch_id,
            previous_batch_id=row.batch_id,
            kind="older" if row.batch_id == batch_id else "replaced",
            assessed_on=row.assessed_on,
            stored_at=now,
            record=row.record,
        )
    )
    replacement = PoolRecord.model_validate(incoming)
    fresh = pool_row(replacement, assessment_id=None, now=now)
    for column in ("source", "region", "country", "population", "consent_named", "assessed_on"):
        setattr(row, column, getattr(fresh, column))
    row.rulebook_version, row.record, row.updated_at = fresh.rulebook_version, incoming, now
    row.batch_id = batch_id
    return "updated"


def _keep_older(
    session: Any,
    row: PoolRow,
    incoming: dict[str, Any],
    record: PoolRecord,
    batch_id: int,
    now: datetime,
) -> str:
    """An earlier assessment than the current record: history only, once."""
    known = session.scalars(select(PoolHistoryRow.record).where(PoolHistoryRow.pool_id == row.id))
    if any(_same(incoming, old) for old in known):
        return "unchanged"
    session.add(
        PoolHistoryRow(
            pool_id=row.id,
            batch_id=batch_id,
            previous_batch_id=None,
            kind="older",
            assessed_on=record.assessed_on,
            stored_at=now,
            record=incoming,
        )
    )
    return "older"


def keys_of(*, ids: Sequence[str]) -> dict[str, str | None]:
    """The city key of each pool record among ``ids``."""
    if not ids:
        return {}
    rows = _session().execute(select(PoolRow.id, PoolRow.city_key).where(PoolRow.id.in_(ids)))
    return {pool_id: key for pool_id, key in rows}


def list_batches(*, limit: int = 50) -> list[StoredBatch]:
    """The latest batches, newest first."""
    rows = _session().scalars(select(ImportBatch).order_by(ImportBatch.id.desc()).limit(limit))
    return [
        StoredBatch(
            r.id,
            r.created_at,
            r.filename,
            r.kind,
            r.new,
            r.updated,
            r.unchanged,
            r.rejected,
            r.undone_at,
        )
        for r in rows
    ]


def undo_batch(*, batch_id: int) -> BatchCounts:
    """Undo batch ``batch_id`` exactly, in one transaction; raises :class:`UndoRefused`."""
    session = _session()
    batch = session.get(ImportBatch, batch_id)
    if batch is None:
        raise UndoRefused(phrase("there is no import batch %(n)s", n=batch_id))
    if batch.undone_at is not None:
        raise UndoRefused(phrase("import batch %(n)s was already undone", n=batch_id))
    history = session.scalars(
        select(PoolHistoryRow).where(PoolHistoryRow.batch_id == batch_id)
    ).all()
    replaced = {h.pool_id: h for h in history if h.kind == "replaced"}
    written = {
        r.id: r for r in session.scalars(select(PoolRow).where(PoolRow.batch_id == batch_id))
    }
    # Rows of this batch that a later batch wrote again: their history names this batch.
    overwritten = session.scalars(
        select(PoolHistoryRow.pool_id).where(
            PoolHistoryRow.previous_batch_id == batch_id, PoolHistoryRow.batch_id != batch_id
        )
    ).all()
    later = (replaced.keys() - written.keys()) | set(overwritten)
    if later:
        raise UndoRefused(
            plural_phrase(
                "a later import changed %(num)s of batch %(batch)s's cities again: "
                "undo the later batches first",
                "a later import changed %(num)s of batch %(batch)s's cities again: "
                "undo the later batches first",
                len(later),
                batch=batch_id,
            )
        )
    now = _utcnow()
    restored = 0
    for pool_id, row in written.items():
        old = replaced.get(pool_id)
        if old is None:
            session.delete(row)
            continue
        _restore(row, old, now)
        restored += 1
    session.execute(delete(PoolHistoryRow).where(PoolHistoryRow.batch_id == batch_id))
    batch.undone_at = now
    session.commit()
    return BatchCounts(new=len(written) - restored, updated=restored, batch_id=batch_id)


def _restore(row: PoolRow, old: PoolHistoryRow, now: datetime) -> None:
    record = PoolRecord.model_validate(old.record)
    fresh = pool_row(record, assessment_id=None, now=now)
    for column in ("source", "region", "country", "population", "consent_named", "assessed_on"):
        setattr(row, column, getattr(fresh, column))
    row.rulebook_version, row.record, row.updated_at = fresh.rulebook_version, old.record, now
    row.batch_id = old.previous_batch_id
