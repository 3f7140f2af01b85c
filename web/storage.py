"""All of the app's SQL: tables, engine, migrations and data-access functions.

Only this module (and the migration scripts in ``web/migrations/``) talks to SQLAlchemy; views
call the keyword-only functions below, which use one session per request (opened lazily,
closed on app-context teardown) and return plain frozen dataclasses, never ORM rows.

Only constructs that work on SQLite and PostgreSQL are used: JSON columns through SQLAlchemy's
``JSON`` type, no SQLite-only SQL. SQLite connections get ``journal_mode=WAL``,
``busy_timeout``, ``synchronous=NORMAL`` and ``foreign_keys=ON`` from a ``connect`` event.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from flask import Flask, current_app, g
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Engine,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    create_engine,
    delete,
    event,
    func,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from benchmark.record import PoolRecord

__all__ = [
    "MIGRATIONS",
    "AssessmentCounts",
    "PoolConflictError",
    "PoolEntry",
    "StoredAssessment",
    "add_pool_records",
    "assessment_counts",
    "create_assessment",
    "create_reassessment",
    "dispose",
    "find_assessment",
    "get_assessment",
    "import_pool_records",
    "init_app",
    "load_pool",
    "load_pool_entries",
    "pool_ids",
    "pool_signature",
    "pool_size",
    "pool_stamps",
    "save_answers",
    "save_profile",
    "seed_pool",
    "submit_assessment",
    "upgrade_database",
]

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 5000
_EXTENSION = "citydip.storage"


class Base(DeclarativeBase):
    """Declarative base; constraint names follow a convention so migrations can name them."""

    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_name)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class AssessmentRow(Base):
    """One city's assessment, draft or submitted; found by the hash of its resume token."""

    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    profile: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    sharing: Mapped[str | None] = mapped_column(String(16), nullable=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    notes: Mapped[dict[str, Any]] = mapped_column(JSON)
    rulebook_id: Mapped[str] = mapped_column(String(64))
    rulebook_version: Mapped[str] = mapped_column(String(32))
    rulebook_hash: Mapped[str] = mapped_column(String(64))
    scorecard: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    #: id of the assessment this one was started from (a re-assessment); no foreign key,
    #: see migration 0002
    previous_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class PoolRow(Base):
    """One city of the peer pool: a :class:`PoolRecord` as JSON plus columns to filter on."""

    __tablename__ = "pool_records"
    #: the pool's latest change time, and the records stored after a time, come from this
    #: index (migration 0003), not from a scan of the JSON records
    __table_args__ = (Index("ix_pool_records_updated_at", "updated_at", "id"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(String(16), index=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    country: Mapped[str] = mapped_column(String(2), index=True)
    population: Mapped[int] = mapped_column(Integer)
    consent_named: Mapped[bool] = mapped_column(Boolean)
    assessed_on: Mapped[date] = mapped_column(Date)
    rulebook_version: Mapped[str] = mapped_column(String(32))
    assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), unique=True, nullable=True
    )
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    record: Mapped[dict[str, Any]] = mapped_column(JSON)


@dataclass(frozen=True)
class StoredAssessment:
    """A read-only copy of an assessment row, safe to use after the session closes."""

    id: int
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    status: str
    profile: dict[str, Any] | None
    sharing: str | None
    answers: dict[str, Any]
    notes: dict[str, str]
    rulebook_id: str
    rulebook_version: str
    rulebook_hash: str
    scorecard: dict[str, Any] | None
    #: the assessment this one was started from (a re-assessment), if any
    previous_id: int | None = None

    @property
    def submitted(self) -> bool:
        """True once the assessment was submitted and scored."""
        return self.status == "submitted"


# --- engine, migrations, sessions -------------------------------------------------------------


def _utcnow() -> datetime:
    # Naive UTC: SQLite keeps no time zone, and the same value must round-trip on PostgreSQL.
    return datetime.now(UTC).replace(tzinfo=None)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def create_db_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite connections get the pragmas listed in the module doc."""
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def upgrade_database(engine: Engine) -> None:
    """Bring the schema to the latest Alembic revision (a no-op when it is current)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def init_app(app: Flask, url: str) -> None:
    """Create the engine, upgrade the schema and close each request's session on teardown."""
    engine = create_db_engine(url)
    upgrade_database(engine)
    app.extensions[_EXTENSION] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


def dispose(app: Flask) -> None:
    """Close every pooled connection of the app's engine (tests, shutdown)."""
    factory: sessionmaker[Session] = app.extensions[_EXTENSION]
    bind = factory.kw["bind"]
    bind.dispose()


def _session() -> Session:
    session: Session | None = g.get("_citydip_session")
    if session is None:
        session = current_app.extensions[_EXTENSION]()
        g._citydip_session = session
    return session


def _close_session(_exc: BaseException | None) -> None:
    session: Session | None = g.pop("_citydip_session", None)
    if session is not None:
        session.close()


# --- assessments ----------------------------------------------------------------------------


def _stored(row: AssessmentRow) -> StoredAssessment:
    return StoredAssessment(
        id=row.id,
        created_at=row.created_at,
        updated_at=row.updated_at,
        submitted_at=row.submitted_at,
        status=row.status,
        profile=dict(row.profile) if row.profile is not None else None,
        sharing=row.sharing,
        answers=dict(row.answers),
        notes=dict(row.notes),
        rulebook_id=row.rulebook_id,
        rulebook_version=row.rulebook_version,
        rulebook_hash=row.rulebook_hash,
        scorecard=dict(row.scorecard) if row.scorecard is not None else None,
        previous_id=row.previous_id,
    )


def create_assessment(
    *, token_hash: str, rulebook_id: str, rulebook_version: str, rulebook_hash: str
) -> StoredAssessment:
    """Store a new, empty draft assessment found by ``token_hash``."""
    return _add_draft(
        token_hash=token_hash,
        answers={},
        notes={},
        rulebook_id=rulebook_id,
        rulebook_version=rulebook_version,
        rulebook_hash=rulebook_hash,
    )


def _add_draft(**fields: Any) -> StoredAssessment:
    now = _utcnow()
    row = AssessmentRow(created_at=now, updated_at=now, status="draft", **fields)
    session = _session()
    session.add(row)
    session.commit()
    return _stored(row)


def find_assessment(*, token_hash: str) -> StoredAssessment | None:
    """The assessment whose resume token hashes to ``token_hash``, if any."""
    row = (
        _session()
        .scalars(select(AssessmentRow).where(AssessmentRow.token_hash == token_hash))
        .one_or_none()
    )
    return None if row is None else _stored(row)


def get_assessment(*, assessment_id: int) -> StoredAssessment | None:
    """The assessment with id ``assessment_id``, if any (e.g. the one a re-assessment follows)."""
    row = _session().get(AssessmentRow, assessment_id)
    return None if row is None else _stored(row)


def create_reassessment(
    *,
    previous_id: int,
    token_hash: str,
    answers: dict[str, Any],
    notes: dict[str, str],
    rulebook_id: str,
    rulebook_version: str,
    rulebook_hash: str,
) -> StoredAssessment:
    """A new draft linked to ``previous_id``, with its profile and sharing choice copied and
    ``answers`` and ``notes`` (the caller keeps those that fit the current rulebook)."""
    previous = _row(previous_id)
    return _add_draft(
        token_hash=token_hash,
        profile=previous.profile,
        sharing=previous.sharing,
        answers=dict(answers),
        notes=dict(notes),
        rulebook_id=rulebook_id,
        rulebook_version=rulebook_version,
        rulebook_hash=rulebook_hash,
        previous_id=previous_id,
    )


@dataclass(frozen=True)
class AssessmentCounts:
    """How many assessments this instance holds."""

    submitted: int
    drafts: int
    #: submitted assessments started from an earlier one
    reassessments: int


def assessment_counts() -> AssessmentCounts:
    """Submitted assessments, drafts and submitted re-assessments."""
    submitted = AssessmentRow.status == "submitted"
    count = func.count(AssessmentRow.id)
    total, done, again = (
        _session()
        .execute(
            select(
                count,
                count.filter(submitted),
                count.filter(submitted, AssessmentRow.previous_id.is_not(None)),
            )
        )
        .one()
    )
    return AssessmentCounts(submitted=done, drafts=total - done, reassessments=again)


def _row(assessment_id: int) -> AssessmentRow:
    row = _session().get(AssessmentRow, assessment_id)
    if row is None:
        raise LookupError(f"no assessment with id {assessment_id}")
    return row


def save_profile(*, assessment_id: int, profile: dict[str, Any], sharing: str | None) -> None:
    """Replace the city profile (JSON-ready dict) and sharing choice of a draft."""
    row = _row(assessment_id)
    row.profile = profile
    row.sharing = sharing
    row.updated_at = _utcnow()
    _session().commit()


def save_answers(*, assessment_id: int, answers: dict[str, Any], notes: dict[str, str]) -> None:
    """Replace the answers and notes of a draft (the caller merges page by page)."""
    row = _row(assessment_id)
    row.answers = dict(answers)
    row.notes = dict(notes)
    row.updated_at = _utcnow()
    _session().commit()


def submit_assessment(
    *, assessment_id: int, scorecard: dict[str, Any], pool_record: PoolRecord | None
) -> None:
    """Mark an assessment submitted with its scorecard, in one transaction with the pool.

    ``pool_record`` is the city's entry in the peer pool when it agreed to share, else None
    (and any earlier entry of this assessment is removed). A re-assessment also removes the
    entry of the assessment it was started from: the pool holds each city once.
    """
    session = _session()
    row = _row(assessment_id)
    now = _utcnow()
    row.scorecard = scorecard
    row.rulebook_id = scorecard["rulebook_id"]
    row.rulebook_version = scorecard["rulebook_version"]
    row.rulebook_hash = scorecard["rulebook_hash"]
    row.status = "submitted"
    row.submitted_at = now
    row.updated_at = now
    session.execute(delete(PoolRow).where(PoolRow.assessment_id == assessment_id))
    if row.previous_id is not None:  # the pool keeps a city's latest assessment only
        session.execute(delete(PoolRow).where(PoolRow.assessment_id == row.previous_id))
    if pool_record is not None:
        session.add(_pool_row(pool_record, assessment_id=assessment_id, now=now))
    session.commit()


# --- the peer pool --------------------------------------------------------------------------


def _pool_row(record: PoolRecord, *, assessment_id: int | None, now: datetime) -> PoolRow:
    return PoolRow(
        id=record.id,
        source=record.source,
        region=record.profile.region,
        country=record.profile.country,
        population=record.profile.population,
        consent_named=record.consent_named,
        assessed_on=record.assessed_on,
        rulebook_version=record.rulebook_version,
        assessment_id=assessment_id,
        updated_at=now,
        record=record.model_dump(mode="json"),
    )


def add_pool_records(*, records: Iterable[PoolRecord]) -> int:
    """Insert pool records (all or none); returns how many were added."""
    session = _session()
    now = _utcnow()
    rows = [_pool_row(r, assessment_id=None, now=now) for r in records]
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
        wanted = sorted(ids)
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


def load_pool() -> list[PoolRecord]:
    """Every record of the peer pool, in id order."""
    rows = _session().scalars(select(PoolRow.record).order_by(PoolRow.id))
    return [PoolRecord.model_validate(record) for record in rows]
