"""A draft's team work as API responses: answers at their version, who gave them, open
disagreements, the review, the colleagues, the activity log.

Plain conversions of what :mod:`web.storage` returns; the storage keeps its times as naive
UTC (and ISO strings inside JSON columns), the API answers them with their time zone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from rules import Rulebook
from rules.index import RulebookIndex
from web import storage
from web.api.responses import (
    ActivityEntryOut,
    ActivityOut,
    AnswersOut,
    AuthorOut,
    ContributorOut,
    DisputeAnswerOut,
    DisputeOut,
    EvidenceOut,
    ReviewOut,
    ReviewRequestOut,
    VerdictOut,
)

__all__ = [
    "activity_out",
    "answers_out",
    "contributor_out",
    "dispute_list",
    "review_out",
    "review_state",
    "utc",
]


def utc(moment: datetime | str | None) -> datetime | None:
    """A stored time (naive UTC, or its ISO string) with its time zone."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.replace(tzinfo=UTC)


def _aware(moment: datetime | str) -> datetime:
    found = utc(moment)
    assert found is not None
    return found


def _evidence(stored: Mapping[str, Mapping[str, Any]]) -> dict[str, EvidenceOut]:
    return {
        qid: EvidenceOut(
            link=entry.get("link"),
            checked=date.fromisoformat(entry["checked"]) if entry.get("checked") else None,
        )
        for qid, entry in stored.items()
    }


def _authors(stored: Mapping[str, Mapping[str, Any]]) -> dict[str, AuthorOut]:
    return {
        qid: AuthorOut(by=meta.get("by"), at=_aware(meta["at"])) for qid, meta in stored.items()
    }


def dispute_list(book: Rulebook, disputes: Mapping[str, Any]) -> list[DisputeOut]:
    """The disagreements still open, each with every person's answer, in the rulebook's order."""
    order = {qid: i for i, qid in enumerate(RulebookIndex.of(book).order)}
    open_ids = sorted(storage.open_disputes(disputes), key=lambda q: order.get(q, len(order)))
    return [
        DisputeOut(
            question=qid,
            answers=[
                DisputeAnswerOut(by=a["by"], value=a["value"], at=_aware(a["at"]))
                for a in disputes[qid]["answers"]
            ],
        )
        for qid in open_ids
    ]


def answers_out(book: Rulebook, found: storage.StoredAssessment) -> AnswersOut:
    """The answers of ``found`` as stored, at their version."""
    return AnswersOut(
        version=found.version,
        answers=found.answers,
        notes=found.notes,
        evidence=_evidence(found.evidence),
        answered_by=_authors(found.answered_by),
        disputes=dispute_list(book, found.disputes),
    )


def contributor_out(contributor: storage.StoredContributor) -> ContributorOut:
    """A colleague as the owner sees them (never their token)."""
    return ContributorOut(
        id=contributor.id,
        name=contributor.name,
        role=contributor.role,
        dimensions=list(contributor.dimensions),
        reviewer=contributor.reviewer,
        invited_at=_aware(contributor.created_at),
        revoked_at=utc(contributor.revoked_at),
        active=contributor.active,
    )


def review_out(review: storage.StoredReview) -> ReviewOut:
    """A finished review with its verdicts and the owner's replies."""
    assert review.finished_at is not None
    return ReviewOut(
        reviewer_id=review.reviewer_id,
        requested_at=_aware(review.requested_at),
        finished_at=_aware(review.finished_at),
        verdicts={
            d: VerdictOut(
                verdict=v["verdict"],
                comment=v.get("comment") or "",
                reply=v.get("reply"),
                replied_at=utc(v.get("replied_at")),
            )
            for d, v in review.verdicts.items()
        },
        open_queries=review.open_queries,
    )


def review_state(assessment_id: int) -> tuple[ReviewRequestOut | None, ReviewOut | None]:
    """The review asked for and not finished yet, and the latest finished review."""
    latest = storage.latest_review(assessment_id=assessment_id)
    finished = storage.latest_review(assessment_id=assessment_id, finished=True)
    pending = None
    if latest is not None and latest.finished_at is None:
        pending = ReviewRequestOut(
            reviewer_id=latest.reviewer_id, requested_at=_aware(latest.requested_at)
        )
    return pending, None if finished is None else review_out(finished)


def activity_out(entries: Sequence[storage.StoredActivity]) -> ActivityOut:
    """The activity log, newest first."""
    return ActivityOut(
        entries=[
            ActivityEntryOut(
                at=_aware(e.at),
                by=e.contributor_id,
                kind=e.kind,
                subject=e.subject,
                before=e.before,
                after=e.after,
            )
            for e in entries
        ]
    )
