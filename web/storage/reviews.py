"""Review: the owner asks a reviewer to check the answers; the reviewer accepts or queries
each dimension with a comment; the owner replies to each query.

One review is open at a time; asking again after one finished starts a new one (the results
show the latest finished review). Every step is logged in the activity log, in its own
transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from web.storage.activity import log_change
from web.storage.engine import session as _session
from web.storage.engine import utcnow as _utcnow
from web.storage.tables import ReviewRow

__all__ = [
    "StoredReview",
    "finish_review",
    "latest_review",
    "reply_to_query",
    "request_review",
]


@dataclass(frozen=True)
class StoredReview:
    """A review request and, once finished, its verdicts."""

    id: int
    assessment_id: int
    reviewer_id: int
    requested_at: datetime
    finished_at: datetime | None
    #: per dimension id: ``{"verdict": "accepted" | "queried", "comment", "reply",
    #: "replied_at"}``
    verdicts: dict[str, Any]

    @property
    def open_queries(self) -> list[str]:
        """The dimensions queried and not yet answered by the owner."""
        return [
            d for d, v in self.verdicts.items() if v["verdict"] == "queried" and not v.get("reply")
        ]


def _stored(row: ReviewRow) -> StoredReview:
    return StoredReview(
        id=row.id,
        assessment_id=row.assessment_id,
        reviewer_id=row.reviewer_id,
        requested_at=row.requested_at,
        finished_at=row.finished_at,
        verdicts=dict(row.verdicts or {}),
    )


def latest_review(*, assessment_id: int, finished: bool = False) -> StoredReview | None:
    """The assessment's most recent review request, finished or not (with ``finished``:
    the most recent finished one)."""
    query = select(ReviewRow).where(ReviewRow.assessment_id == assessment_id)
    if finished:
        query = query.where(ReviewRow.finished_at.is_not(None))
    row = _session().scalars(query.order_by(ReviewRow.id.desc()).limit(1)).one_or_none()
    return None if row is None else _stored(row)


def request_review(*, assessment_id: int, reviewer_id: int) -> StoredReview:
    """Ask ``reviewer_id`` to review; an open request to anyone is replaced by this one."""
    session = _session()
    now = _utcnow()
    for row in session.scalars(
        select(ReviewRow).where(
            ReviewRow.assessment_id == assessment_id, ReviewRow.finished_at.is_(None)
        )
    ):
        session.delete(row)
    row = ReviewRow(
        assessment_id=assessment_id, reviewer_id=reviewer_id, requested_at=now, verdicts={}
    )
    session.add(row)
    log_change(
        assessment_id=assessment_id, at=now, by=None, kind="review-asked", after=reviewer_id
    )
    session.commit()
    return _stored(row)


def finish_review(*, review_id: int, verdicts: Mapping[str, Mapping[str, str]]) -> bool:
    """Store the reviewer's verdict per dimension (``{"verdict", "comment"}``); False when
    the review is not open any more."""
    session = _session()
    row = session.get(ReviewRow, review_id)
    if row is None or row.finished_at is not None:
        return False
    now = _utcnow()
    row.verdicts = {
        d: {"verdict": v["verdict"], "comment": v["comment"], "reply": None, "replied_at": None}
        for d, v in verdicts.items()
    }
    row.finished_at = now
    for dimension_id, verdict in row.verdicts.items():
        log_change(
            assessment_id=row.assessment_id,
            at=now,
            by=row.reviewer_id,
            kind="review",
            subject=dimension_id,
            after={"verdict": verdict["verdict"], "comment": verdict["comment"]},
        )
    session.commit()
    return True


def reply_to_query(*, review_id: int, dimension_id: str, reply: str) -> bool:
    """The owner's answer to the reviewer's query on ``dimension_id``; False when there is
    no such query."""
    session = _session()
    row = session.get(ReviewRow, review_id)
    verdict = None if row is None else (row.verdicts or {}).get(dimension_id)
    if row is None or verdict is None or verdict["verdict"] != "queried":
        return False
    now = _utcnow()
    stamp = now.isoformat(timespec="seconds")
    row.verdicts = {**row.verdicts, dimension_id: {**verdict, "reply": reply, "replied_at": stamp}}
    log_change(
        assessment_id=row.assessment_id,
        at=now,
        by=None,
        kind="reply",
        subject=dimension_id,
        before=verdict.get("reply"),
        after=reply,
    )
    session.commit()
    return True
