"""The activity log of an assessment: who changed what, from what to what, and when.

Entries are written in the transaction of the change they describe (never a change without
its entry, or the reverse) and kept after submission; they go only with the assessment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from web.storage.engine import session as _session
from web.storage.tables import ActivityRow

__all__ = ["StoredActivity", "list_activity", "log_change"]


@dataclass(frozen=True)
class StoredActivity:
    """One entry of the log."""

    at: datetime
    #: None: the owner
    contributor_id: int | None
    #: "answer", "note", "evidence", "chosen", "review-asked", "review", "reply", "submitted"
    kind: str
    #: the question or dimension id, if any
    subject: str | None
    before: Any
    after: Any


def log_change(
    *,
    assessment_id: int,
    at: datetime,
    by: int | None,
    kind: str,
    subject: str | None = None,
    before: Any = None,
    after: Any = None,
) -> None:
    """Add an entry to the session; the caller's commit writes it with the change."""
    _session().add(
        ActivityRow(
            assessment_id=assessment_id,
            at=at,
            contributor_id=by,
            kind=kind,
            subject=subject,
            before=before,
            after=after,
        )
    )


def list_activity(*, assessment_id: int) -> list[StoredActivity]:
    """The assessment's log, newest first."""
    rows = _session().scalars(
        select(ActivityRow)
        .where(ActivityRow.assessment_id == assessment_id)
        .order_by(ActivityRow.id.desc())
    )
    return [
        StoredActivity(r.at, r.contributor_id, r.kind, r.subject, r.before, r.after) for r in rows
    ]
