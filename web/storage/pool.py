"""The peer pool: records of scored cities (submitted, imported or demo) and their changes."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Text, cast, func, select
from sqlalchemy.exc import IntegrityError

from benchmark.record import PoolRecord
from web.storage.engine import JsonText
from web.storage.engine import session as _session
from web.storage.engine import utcnow as _utcnow
from web.storage.tables import PoolRow

__all__ = [
    "PoolConflictError",
    "PoolEntry",
    "PoolListing",
    "add_pool_records",
    "import_pool_records",
    "iter_pool_entries",
    "load_pool",
    "load_pool_entries",
    "load_pool_records",
    "pool_ids",
    "pool_listing",
    "pool_row",
    "pool_signature",
    "pool_size",
    "pool_stamps",
    "pool_values",
    "seed_pool",
]


def pool_row(record: PoolRecord, *, assessment_id: int | None, now: datetime) -> PoolRow:
    """The row that stores ``record`` (for the assessment ``assessment_id``, if any)."""
    return PoolRow(**pool_values(record, assessment_id=assessment_id, now=now))


def pool_values(
    record: PoolRecord,
    *,
    assessment_id: int | None,
    now: datetime,
    key: str | None = None,
    as_json: JsonText | None = None,
) -> dict[str, object]:
    """The columns of :func:`pool_row`; for a bulk insert, the city key and the record's
    JSON when already known (``key``, ``as_json``)."""
    return {
        "id": record.id,
        "source": record.source,
        "region": record.profile.region,
        "country": record.profile.country,
        "population": record.profile.population,
        "consent_named": record.consent_named,
        "assessed_on": record.assessed_on,
        "rulebook_version": record.rulebook_version,
        "assessment_id": assessment_id,
        "updated_at": now,
        "record": as_json or record.model_dump(mode="json"),
        "city_key": key or record.city_key,
    }


def add_pool_records(*, records: Iterable[PoolRecord]) -> int:
    """Insert pool records (all or none); returns how many were added."""
    session = _session()
    now = _utcnow()
    rows = [pool_row(r, assessment_id=None, now=now) for r in records]
    session.add_all(rows)
    session.commit()
    return len(rows)


class PoolConflictError(ValueError):
    """An imported record's id is already in the pool (added since the ids were checked)."""


def import_pool_records(*, records: Iterable[PoolRecord]) -> int:
    """Insert records in one transaction, all or none; returns how many were added.

    Raises :class:`PoolConflictError` (and adds nothing) when an id is already taken.
    """
    try:
        return add_pool_records(records=records)
    except IntegrityError as exc:
        _session().rollback()
        raise PoolConflictError("an id of the file is already in the pool; nothing added") from exc


def pool_ids() -> set[str]:
    """The ids of every record in the peer pool."""
    # The table's column, not the ORM attribute: no ORM loading for thousands of strings.
    return set(_session().scalars(select(PoolRow.__table__.c.id)))


def seed_pool(*, make_records: Callable[[], Iterable[PoolRecord]]) -> int:
    """Fill an empty pool with ``make_records()``; returns how many were added.

    Does nothing when the pool has any record. When two processes start at once, the
    second one's insert hits the primary keys of the first and is rolled back: 0 added.
    """
    if pool_size():
        return 0
    try:
        return add_pool_records(records=make_records())
    except IntegrityError:
        _session().rollback()
        return 0


def pool_size() -> int:
    """Number of cities in the peer pool."""
    return _session().scalar(select(func.count()).select_from(PoolRow)) or 0


def pool_signature() -> tuple[int, datetime | None]:
    """(count, latest change) of the pool: when it changes, a fitted peer finder is stale.

    Two scalar subqueries, so that each takes its fast path: the maximum is one lookup in the
    ``updated_at`` index, and a bare ``count(*)`` needs no scan of the JSON records.
    """
    count, latest = (
        _session()
        .execute(
            select(
                select(func.count()).select_from(PoolRow).scalar_subquery(),
                select(func.max(PoolRow.updated_at)).scalar_subquery(),
            )
        )
        .one()
    )
    return int(count or 0), latest


def pool_stamps(*, after: datetime) -> dict[str, datetime]:
    """id → change time of the records stored later than ``after`` (read from the index)."""
    table = PoolRow.__table__
    query = select(table.c.id, table.c.updated_at).where(table.c.updated_at > after)
    return dict(_session().execute(query).all())


@dataclass(frozen=True)
class PoolEntry:
    """A record of the peer pool and the time it was last stored."""

    record: PoolRecord
    updated_at: datetime


#: ids per ``IN (...)`` list, well below SQLite's and PostgreSQL's limits on parameters
_IDS_PER_QUERY = 500


def load_pool_entries(*, ids: Collection[str] | None = None) -> list[PoolEntry]:
    """The records of the pool with their change times: those of ``ids`` (ids not in the
    pool are skipped), or all of them when None; in no particular order.

    Parsing a record is what costs (about 0.1 ms each): a caller that keeps the pool in
    memory asks for the records that changed only (see :func:`pool_ids`, :func:`pool_stamps`).
    """
    query = select(PoolRow.id, PoolRow.updated_at, PoolRow.record)
    if ids is None:
        batches = [query]
    else:
        # No stored id holds NUL, and PostgreSQL refuses it in a query: such an id is not there.
        wanted = sorted(i for i in ids if "\x00" not in i)
        batches = [
            query.where(PoolRow.id.in_(wanted[i : i + _IDS_PER_QUERY]))
            for i in range(0, len(wanted), _IDS_PER_QUERY)
        ]
    session = _session()
    return [
        PoolEntry(record=PoolRecord.model_validate(record), updated_at=updated_at)
        for batch in batches
        for _id, updated_at, record in session.execute(batch)
    ]


def iter_pool_entries(*, chunk: int = 5_000) -> Iterator[list[PoolEntry]]:
    """Every record of the pool with its change time, ``chunk`` at a time, in id order: a
    caller that turns the pool into arrays never holds it all as objects. The JSON is read
    as text and parsed by pydantic in one step (not decoded to dicts first)."""
    query = (
        select(PoolRow.updated_at, cast(PoolRow.record, Text))
        .order_by(PoolRow.id)
        .execution_options(yield_per=chunk)
    )
    for rows in _session().execute(query).partitions(chunk):
        yield [
            PoolEntry(record=PoolRecord.model_validate_json(text), updated_at=updated_at)
            for updated_at, text in rows
        ]


def load_pool_records(*, ids: Collection[str]) -> list[PoolRecord]:
    """The records of ``ids`` that are in the pool (to name and explain a few peers)."""
    return [entry.record for entry in load_pool_entries(ids=ids)]


@dataclass(frozen=True)
class PoolListing:
    """What the members and cities pages list of one pool record, read without parsing it."""

    id: str
    name: str
    country: str
    source: str
    assessed_on: date
    overall_level: int | None


def pool_listing(*, source: str | None = None) -> list[PoolListing]:
    """Name, country, source, date and overall level of every record (of ``source``): the
    name and level read from the JSON by the database (SQLite's ``json_extract``,
    PostgreSQL's ``->>``), so a 100,000-city pool is listed without parsing 100,000 records."""
    query = select(
        PoolRow.id,
        PoolRow.record["profile"]["name"].as_string(),
        PoolRow.country,
        PoolRow.source,
        PoolRow.assessed_on,
        PoolRow.record["scores"]["overall_level"].as_integer(),
    )
    if source:
        query = query.where(PoolRow.source == source)
    return [PoolListing(*row) for row in _session().execute(query)]


def load_pool() -> list[PoolRecord]:
    """Every record of the peer pool, in id order."""
    rows = _session().scalars(select(PoolRow.record).order_by(PoolRow.id))
    return [PoolRecord.model_validate(record) for record in rows]
