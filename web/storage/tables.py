"""The tables: SQLAlchemy declarative rows of assessments and of the peer pool.

Only constructs that work on SQLite and PostgreSQL are used: JSON columns through SQLAlchemy's
``JSON`` type, no SQLite-only SQL. The schema itself is made by the Alembic migrations in
``web/migrations/``; these classes must describe the same tables.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "ActivityRow",
    "AdminSessionRow",
    "AssessmentRow",
    "Base",
    "ContributorRow",
    "ImportBatch",
    "PoolHistoryRow",
    "PoolRow",
    "ReviewRow",
    "new_pool_id",
]


def new_pool_id() -> str:
    """A random peer-pool id for a city's assessment, e.g. ``city-3f9a0c…`` (80 bits)."""
    return f"city-{secrets.token_hex(10)}"


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
    #: its id in the peer pool: random, so that it tells nothing of when it came (0006)
    pool_id: Mapped[str] = mapped_column(String(64), default=new_pool_id)
    #: the rulebook version and hash, answers and scorecard before the first re-scoring
    #: under a newer rulebook (migration 0004); None when never re-scored
    original: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    #: per question id, who saved its answer and when: ``{"by": None (the owner) or a
    #: contributor id, "at": ISO time}`` (migration 0007)
    answered_by: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: counts the saves of answers: a page saved from an older version is refused (0007)
    version: Mapped[int] = mapped_column(Integer, default=0)
    #: per question id: ``{"link": http(s) URL or None, "checked": ISO date or None}``; the
    #: evidence note is in ``notes`` (migration 0008)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: per question id two people answered differently: ``{"answers": [{"by", "value",
    #: "at"}], "chosen": value or None, "resolved_at": ISO time or None}`` (0008)
    disputes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: ``{"levels": {dimension id: level}, "date": ISO date or None}``; empty until the city
    #: sets its targets (migration 0009)
    targets: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: the interface language it was taken in (migration 0010); answers do not depend on it
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")


class ContributorRow(Base):
    """A colleague the assessment's owner invited, with a personal link (migration 0007)."""

    __tablename__ = "contributors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    #: SHA-256 (hex) of the personal link's token; the link is shown once, to the owner
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(120))
    #: the dimensions they were asked to answer; None: no particular ones
    dimensions: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    #: invited as a reviewer: the owner can ask them to review the answers (migration 0008)
    reviewer: Mapped[bool] = mapped_column(Boolean, default=False)


class ReviewRow(Base):
    """The owner's request that a reviewer check the answers, and the verdicts (0008)."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("contributors.id", ondelete="CASCADE"))
    requested_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    #: per dimension id: ``{"verdict": "accepted" | "queried", "comment": str, "reply": str
    #: or None, "replied_at": ISO time or None}``
    verdicts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ActivityRow(Base):
    """One change to an assessment: who, what, from what to what, when (migration 0008)."""

    __tablename__ = "activity"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime)
    #: None: the owner
    contributor_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: "answer", "note", "evidence", "chosen", "review-asked", "review", "reply", "submitted"
    kind: Mapped[str] = mapped_column(String(16))
    #: the question or dimension id the change is about, if any
    subject: Mapped[str | None] = mapped_column(String(64), nullable=True)
    before: Mapped[Any] = mapped_column(JSON, nullable=True)
    after: Mapped[Any] = mapped_column(JSON, nullable=True)


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
    #: the record before the first re-scoring under a newer rulebook (migration 0004)
    original: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    #: the city's stable key (``PoolRecord.city_key``) and the import that last wrote the
    #: row (migration 0005)
    city_key: Mapped[str | None] = mapped_column(String(200), index=True, nullable=True)
    batch_id: Mapped[int | None] = mapped_column(Integer, index=True, nullable=True)


class AdminSessionRow(Base):
    """One admin sign-in, kept so that signing out ends it on the server (migration 0006)."""

    __tablename__ = "admin_sessions"

    #: SHA-256 (hex) of the random session id the browser's cookie carries
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ImportBatch(Base):
    """One import of a file into the pool, with what it did (migration 0005)."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    filename: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))
    new: Mapped[int] = mapped_column(Integer)
    updated: Mapped[int] = mapped_column(Integer)
    unchanged: Mapped[int] = mapped_column(Integer)
    rejected: Mapped[int] = mapped_column(Integer)
    undone_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class PoolHistoryRow(Base):
    """A record an import replaced, or an older assessment it brought (migration 0005)."""

    __tablename__ = "pool_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pool_id: Mapped[str] = mapped_column(String(64), index=True)
    batch_id: Mapped[int] = mapped_column(Integer, index=True)
    #: the batch that had written the replaced record (None: not an import)
    previous_batch_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: "replaced" (the current record before the batch) or "older" (an earlier assessment)
    kind: Mapped[str] = mapped_column(String(16))
    assessed_on: Mapped[date] = mapped_column(Date)
    stored_at: Mapped[datetime] = mapped_column(DateTime)
    record: Mapped[dict[str, Any]] = mapped_column(JSON)


class PlanActionRow(Base):
    """The city's record of one action of its plan: who, by when, how far (migration 0009)."""

    __tablename__ = "plan_actions"
    __table_args__ = (UniqueConstraint("assessment_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    #: the action's stable key: "dimension:question:option aimed at"
    key: Mapped[str] = mapped_column(String(200))
    owner: Mapped[str | None] = mapped_column(String(120), nullable=True)
    #: ISO date
    due: Mapped[str | None] = mapped_column(String(10), nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class ShareLinkRow(Base):
    """A read-only link to an assessment's results, report, plan and history (0009)."""

    __tablename__ = "share_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    #: SHA-256 (hex) of the link's token; the link is shown once, to the owner
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
