"""Rows scored under another rulebook, and storing their new result beside the original.

The re-scoring itself (migrating answers, scoring) is ``web/rescoring.py``; this module only
finds the rows and writes each new result in one transaction, keeping the first result in
``original`` (migration 0004).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select

from benchmark.record import PoolRecord
from web.storage.assessments import StoredAssessment, _stored
from web.storage.engine import session as _session
from web.storage.engine import utcnow as _utcnow
from web.storage.tables import AssessmentRow, PoolRow

__all__ = [
    "count_outdated",
    "outdated_assessments",
    "outdated_pool_records",
    "store_rescored_assessment",
    "store_rescored_pool_record",
]


def count_outdated(*, rulebook_hash: str, rulebook_version: str) -> int:
    """Assessments scored with another rulebook content plus pool records of another version
    that belong to no assessment."""
    session = _session()
    assessments = session.scalar(
        select(func.count(AssessmentRow.id)).where(AssessmentRow.rulebook_hash != rulebook_hash)
    )
    records = session.scalar(
        select(func.count(PoolRow.id)).where(
            PoolRow.rulebook_version != rulebook_version, PoolRow.assessment_id.is_(None)
        )
    )
    return int(assessments or 0) + int(records or 0)


def outdated_assessments(
    *, rulebook_hash: str, after_id: int, limit: int
) -> list[StoredAssessment]:
    """Up to ``limit`` assessments (drafts too) not made with ``rulebook_hash``, by id."""
    rows = _session().scalars(
        select(AssessmentRow)
        .where(AssessmentRow.rulebook_hash != rulebook_hash, AssessmentRow.id > after_id)
        .order_by(AssessmentRow.id)
        .limit(limit)
    )
    return [_stored(row) for row in rows]


def store_rescored_assessment(
    *,
    assessment_id: int,
    rulebook_version: str,
    rulebook_hash: str,
    answers: dict[str, Any],
    notes: dict[str, str],
    scorecard: dict[str, Any] | None,
    update_record: Callable[[PoolRecord], PoolRecord],
) -> None:
    """Replace the answers, notes, rulebook and scorecard of an assessment, keep the first
    result in ``original``, and pass its pool entry (if any) through ``update_record``; one
    commit."""
    session = _session()
    row = session.get(AssessmentRow, assessment_id)
    if row is None:
        return  # deleted meanwhile: nothing to re-score
    now = _utcnow()
    if row.original is None:
        row.original = {
            "rulebook_version": row.rulebook_version,
            "rulebook_hash": row.rulebook_hash,
            "answers": row.answers,
            "notes": row.notes,
            "scorecard": row.scorecard,
        }
    row.answers, row.notes, row.scorecard = dict(answers), dict(notes), scorecard
    row.rulebook_version, row.rulebook_hash = rulebook_version, rulebook_hash
    pool = session.scalars(select(PoolRow).where(PoolRow.assessment_id == assessment_id)).first()
    if pool is not None:
        _replace_record(pool, update_record(PoolRecord.model_validate(pool.record)))
        pool.updated_at = now
    session.commit()


def outdated_pool_records(*, rulebook_version: str, after_id: str, limit: int) -> list[PoolRecord]:
    """Up to ``limit`` pool records of another rulebook version that belong to no assessment
    (imported and demo cities), by id."""
    rows = _session().scalars(
        select(PoolRow)
        .where(
            PoolRow.rulebook_version != rulebook_version,
            PoolRow.assessment_id.is_(None),
            PoolRow.id > after_id,
        )
        .order_by(PoolRow.id)
        .limit(limit)
    )
    return [PoolRecord.model_validate(row.record) for row in rows]


def store_rescored_pool_record(*, record: PoolRecord) -> None:
    """Replace a pool record by its re-scored version, keeping the first one in ``original``."""
    session = _session()
    row = session.get(PoolRow, record.id)
    if row is None:
        return
    _replace_record(row, record)
    row.updated_at = _utcnow()
    session.commit()


def _replace_record(row: PoolRow, record: PoolRecord) -> None:
    if row.original is None:
        row.original = row.record
    row.record = record.model_dump(mode="json")
    row.rulebook_version = record.rulebook_version
