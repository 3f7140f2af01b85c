"""Forgetting a city: deleting its assessments and pool record, and reading all of it first.

A city deletes from its results page; the secretariat deletes a pool record from the network
pages. Either way one transaction removes the assessment, the earlier assessments it was
started from (a re-assessment chain: what the city has told us over time) and the pool record,
so that the peer index, the aggregates and the exports no longer see it from the next read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select

from web.storage.engine import session as _session
from web.storage.tables import ActivityRow, AssessmentRow, ContributorRow, PoolRow, ReviewRow

__all__ = [
    "Deleted",
    "assessment_chain",
    "delete_assessments",
    "delete_pool_record",
    "own_pool_ids",
    "stored_about",
]


@dataclass(frozen=True)
class Deleted:
    """How many rows a deletion removed."""

    assessments: int
    pool_records: int


def assessment_chain(*, assessment_id: int) -> list[int]:
    """``assessment_id`` and every earlier assessment it was started from, newest first."""
    session = _session()
    chain: list[int] = []
    current: int | None = assessment_id
    while current is not None and current not in chain:
        row = session.get(AssessmentRow, current)
        if row is None:
            break
        chain.append(row.id)
        current = row.previous_id
    return chain


def own_pool_ids(*, assessment_id: int) -> list[str]:
    """The pool ids of the assessment's whole re-assessment chain (the ones it was started
    from and the ones started from it): a city's own records, never its own peers."""
    session = _session()
    chain = set(assessment_chain(assessment_id=assessment_id))
    while True:  # the later ones: a chain is a few assessments, one query per step
        later = set(
            session.scalars(
                select(AssessmentRow.id).where(AssessmentRow.previous_id.in_(chain))
            ).all()
        )
        if later <= chain:
            break
        chain |= later
    ids = session.scalars(select(AssessmentRow.pool_id).where(AssessmentRow.id.in_(chain)))
    return sorted(ids.all())


def delete_assessments(*, ids: list[int]) -> Deleted:
    """Delete the assessments ``ids`` and their pool records, in one commit."""
    if not ids:
        return Deleted(0, 0)
    session = _session()
    pool = session.execute(delete(PoolRow).where(PoolRow.assessment_id.in_(ids)))
    _delete_teams(session, ids)
    done = session.execute(delete(AssessmentRow).where(AssessmentRow.id.in_(ids)))
    session.commit()
    return Deleted(_count(done), _count(pool))


def _delete_teams(session: Any, ids: list[int]) -> None:
    """The team, its reviews and the activity log go with their assessments (the foreign
    keys cascade too; this does not depend on SQLite's foreign_keys pragma)."""
    for table in (ActivityRow, ReviewRow, ContributorRow):
        session.execute(delete(table).where(table.assessment_id.in_(ids)))


def delete_pool_record(*, pool_id: str) -> Deleted | None:
    """Delete a pool record and, when it came from an assessment here, that assessment and the
    ones it was started from; None when there is no such record."""
    session = _session()
    row = session.get(PoolRow, pool_id)
    if row is None:
        return None
    chain = assessment_chain(assessment_id=row.assessment_id) if row.assessment_id else []
    session.execute(delete(PoolRow).where(PoolRow.id == pool_id))
    _delete_teams(session, chain)
    done = session.execute(delete(AssessmentRow).where(AssessmentRow.id.in_(chain)))
    session.commit()
    return Deleted(_count(done) if chain else 0, 1)


def stored_about(*, assessment_id: int) -> dict[str, Any]:
    """Everything stored about the city of an assessment: the chain's rows and pool record,
    as JSON-ready dicts (the resume token itself is never stored, only its hash)."""
    session = _session()
    chain = assessment_chain(assessment_id=assessment_id)
    rows = session.scalars(select(AssessmentRow).where(AssessmentRow.id.in_(chain))).all()
    pool = session.scalars(select(PoolRow).where(PoolRow.assessment_id.in_(chain))).all()
    team = session.scalars(
        select(ContributorRow)
        .where(ContributorRow.assessment_id.in_(chain))
        .order_by(ContributorRow.id)
    ).all()
    reviews = session.scalars(
        select(ReviewRow).where(ReviewRow.assessment_id.in_(chain)).order_by(ReviewRow.id)
    ).all()
    log = session.scalars(
        select(ActivityRow).where(ActivityRow.assessment_id.in_(chain)).order_by(ActivityRow.id)
    ).all()
    by_id = {r.id: r for r in rows}
    return {
        "assessments": [_assessment(by_id[i]) for i in chain if i in by_id],
        "pool_records": [_pool(p) for p in pool],
        "contributors": [_contributor(c) for c in team],
        "reviews": [_review(r) for r in reviews],
        "activity": [_activity(a) for a in log],
    }


def _review(row: ReviewRow) -> dict[str, Any]:
    return {
        "assessment_id": row.assessment_id,
        "reviewer_id": row.reviewer_id,
        "requested_at": _when(row.requested_at),
        "finished_at": _when(row.finished_at),
        "verdicts": row.verdicts,
    }


def _activity(row: ActivityRow) -> dict[str, Any]:
    return {
        "assessment_id": row.assessment_id,
        "at": _when(row.at),
        "contributor_id": row.contributor_id,
        "kind": row.kind,
        "subject": row.subject,
        "before": row.before,
        "after": row.after,
    }


def _contributor(row: ContributorRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "assessment_id": row.assessment_id,
        "name": row.name,
        "role": row.role,
        "dimensions": row.dimensions,
        "reviewer": row.reviewer,
        "created_at": _when(row.created_at),
        "revoked_at": _when(row.revoked_at),
    }


def _assessment(row: AssessmentRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "status": row.status,
        "created_at": _when(row.created_at),
        "updated_at": _when(row.updated_at),
        "submitted_at": _when(row.submitted_at),
        "previous_id": row.previous_id,
        "rulebook": {"id": row.rulebook_id, "version": row.rulebook_version},
        "profile": row.profile,
        "sharing": row.sharing,
        "answers": row.answers,
        "notes": row.notes,
        "scorecard": row.scorecard,
        "original": row.original,
        "answered_by": row.answered_by,
        "evidence": row.evidence,
        "disputes": row.disputes,
    }


def _pool(row: PoolRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "updated_at": _when(row.updated_at),
        "record": row.record,
        "original": row.original,
    }


def _when(value: Any) -> str | None:
    return None if value is None else value.isoformat() + "Z"


def _count(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
