"""Assessments: drafts saved page by page, submission with the pool entry, re-assessments.

Every function here that writes does so in one transaction (one commit): a process killed
mid-way leaves either the whole change or nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import delete, func, select, update

from benchmark.record import PoolRecord
from web.storage.activity import log_change
from web.storage.disputes import choose, updated_disputes
from web.storage.engine import session as _session
from web.storage.engine import utcnow as _utcnow
from web.storage.pool import pool_row
from web.storage.tables import AssessmentRow, PoolRow

if TYPE_CHECKING:
    from sqlalchemy import CursorResult

__all__ = [
    "AssessmentCounts",
    "StoredAssessment",
    "assessment_counts",
    "create_assessment",
    "create_reassessment",
    "create_submitted_assessment",
    "find_assessment",
    "get_assessment",
    "resolve_dispute",
    "save_answers",
    "save_profile",
    "submit_assessment",
]


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
    #: its id in the peer pool (random; the pool record's id when the city shares)
    pool_id: str = ""
    #: the assessment this one was started from (a re-assessment), if any
    previous_id: int | None = None
    #: before the first re-scoring under a newer rulebook: ``rulebook_version``,
    #: ``rulebook_hash``, ``answers``, ``notes`` and ``scorecard`` as they were; None if never
    #: re-scored
    original: dict[str, Any] | None = None
    #: per question id: ``{"by": None (the owner) or a contributor id, "at": ISO time}``
    answered_by: dict[str, Any] = field(default_factory=dict)
    #: how many times answers were saved: a page carries the version it was shown at
    version: int = 0
    #: per question id: ``{"link": URL or None, "checked": ISO date or None}``
    evidence: dict[str, Any] = field(default_factory=dict)
    #: per question id two people answered differently (see ``web.storage.disputes``)
    disputes: dict[str, Any] = field(default_factory=dict)
    #: ``{"levels": {dimension id: level}, "date": ISO date or None}``; empty: none set
    targets: dict[str, Any] = field(default_factory=dict)
    #: the interface language it was taken in
    language: str = "en"

    @property
    def submitted(self) -> bool:
        """True once the assessment was submitted and scored."""
        return self.status == "submitted"


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
        pool_id=row.pool_id,
        previous_id=row.previous_id,
        original=dict(row.original) if row.original is not None else None,
        answered_by=dict(row.answered_by or {}),
        version=row.version or 0,
        evidence=dict(row.evidence or {}),
        disputes=dict(row.disputes or {}),
        targets=dict(row.targets or {}),
        language=row.language or "en",
    )


def create_assessment(
    *,
    token_hash: str,
    rulebook_id: str,
    rulebook_version: str,
    rulebook_hash: str,
    language: str = "en",
) -> StoredAssessment:
    """Store a new, empty draft assessment found by ``token_hash``, taken in ``language``."""
    return _add_draft(
        token_hash=token_hash,
        answers={},
        notes={},
        rulebook_id=rulebook_id,
        rulebook_version=rulebook_version,
        rulebook_hash=rulebook_hash,
        language=language,
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


def later_assessment(*, assessment_id: int) -> StoredAssessment | None:
    """The latest submitted assessment started from this one (its re-assessment), if any."""
    row = (
        _session()
        .scalars(
            select(AssessmentRow)
            .where(AssessmentRow.previous_id == assessment_id, AssessmentRow.status == "submitted")
            .order_by(AssessmentRow.id.desc())
            .limit(1)
        )
        .one_or_none()
    )
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
    language: str = "en",
) -> StoredAssessment:
    """A new draft linked to ``previous_id``, with its profile and sharing choice copied and
    ``answers`` and ``notes`` (the caller keeps those that fit the current rulebook), taken
    in ``language``."""
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
        language=language,
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


def save_answers(
    *,
    assessment_id: int,
    answers: dict[str, Any],
    notes: dict[str, str],
    evidence: dict[str, Any] | None = None,
    by: int | None = None,
    shown_version: int | None = None,
) -> bool:
    """Replace the answers, notes and evidence of a draft (the caller merges page by page;
    ``evidence`` None keeps the stored evidence of questions still answered). Each answer
    that changed is recorded as given by ``by`` (a contributor id; None: the owner), in the
    activity log, and, if it replaced someone else's, as a disagreement.

    With ``shown_version`` (the version the page was shown at), the save happens only if
    no one saved answers since: one conditional UPDATE, so two processes cannot both win.
    Returns False when it was refused (nothing is stored).
    """
    row = _row(assessment_id)
    now = _utcnow()
    stamp = now.isoformat(timespec="seconds")
    evidence = dict(row.evidence or {}) if evidence is None else evidence
    evidence = {q: e for q, e in evidence.items() if q in answers}
    authors = {q: a for q, a in (row.answered_by or {}).items() if q in answers}
    for qid, value in answers.items():
        if qid not in row.answers or row.answers[qid] != value:
            authors[qid] = {"by": by, "at": stamp}
    disputes = updated_disputes(
        row.disputes or {}, row.answers, row.answered_by or {}, answers, by=by, at=stamp
    )
    changes = _changes(row, answers, notes, evidence)
    expected = row.version if shown_version is None else shown_version
    session = _session()
    done = session.execute(
        update(AssessmentRow)
        .where(AssessmentRow.id == assessment_id, AssessmentRow.version == expected)
        .values(
            answers=dict(answers),
            notes=dict(notes),
            evidence=evidence,
            disputes=disputes,
            answered_by=authors,
            updated_at=now,
            version=AssessmentRow.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if not cast("CursorResult[Any]", done).rowcount:
        session.rollback()
        return False
    for kind, qid, before, after in changes:
        log_change(
            assessment_id=assessment_id,
            at=now,
            by=by,
            kind=kind,
            subject=qid,
            before=before,
            after=after,
        )
    session.commit()
    return True


def _changes(
    row: AssessmentRow, answers: dict[str, Any], notes: dict[str, str], evidence: dict[str, Any]
) -> list[tuple[str, str, Any, Any]]:
    """(kind, question id, before, after) for every answer, note and evidence that changed."""
    changes = []
    for kind, old, new in (
        ("answer", row.answers, answers),
        ("note", row.notes, notes),
        ("evidence", row.evidence or {}, evidence),
    ):
        for qid in sorted(old.keys() | new.keys()):
            if old.get(qid) != new.get(qid):
                changes.append((kind, qid, old.get(qid), new.get(qid)))
    return changes


def resolve_dispute(
    *, assessment_id: int, question_id: str, choice: int, shown_version: int
) -> bool:
    """The owner settles a disagreement with its ``choice``-th answer, which becomes the
    answer (credited to whoever gave it). False, and nothing stored, when the answers changed
    since the page was shown or there is no such choice."""
    row = _row(assessment_id)
    dispute = (row.disputes or {}).get(question_id)
    if dispute is None or not 0 <= choice < len(dispute["answers"]):
        return False
    now = _utcnow()
    settled, value, given_by = choose(dispute, choice, at=now.isoformat(timespec="seconds"))
    author = next(a for a in dispute["answers"] if a["by"] == given_by)
    session = _session()
    done = session.execute(
        update(AssessmentRow)
        .where(AssessmentRow.id == assessment_id, AssessmentRow.version == shown_version)
        .values(
            answers={**row.answers, question_id: value},
            answered_by={
                **(row.answered_by or {}),
                question_id: {"by": given_by, "at": author["at"]},
            },
            disputes={**row.disputes, question_id: settled},
            updated_at=now,
            version=AssessmentRow.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if not cast("CursorResult[Any]", done).rowcount:
        session.rollback()
        return False
    log_change(
        assessment_id=assessment_id,
        at=now,
        by=None,
        kind="chosen",
        subject=question_id,
        before=row.answers.get(question_id),
        after=value,
    )
    session.commit()
    return True


def submit_assessment(
    *, assessment_id: int, scorecard: dict[str, Any], pool_record: PoolRecord | None
) -> None:
    """Mark an assessment submitted with its scorecard, in one transaction with the pool.

    ``pool_record`` is the city's entry in the peer pool when it agreed to share, else None
    (and any earlier entry of this assessment is removed). A re-assessment also removes the
    entry of the assessment it was started from: the pool holds each city once.
    """
    row = _row(assessment_id)
    _record_result(row, scorecard=scorecard, pool_record=pool_record)
    log_change(
        assessment_id=assessment_id, at=row.submitted_at or _utcnow(), by=None, kind="submitted"
    )
    _session().commit()


def create_submitted_assessment(
    *,
    token_hash: str,
    profile: dict[str, Any],
    sharing: str,
    answers: dict[str, Any],
    notes: dict[str, str],
    scorecard: dict[str, Any],
    pool_record: Callable[[StoredAssessment], PoolRecord | None],
    language: str = "en",
) -> StoredAssessment:
    """Store a complete, scored assessment (taken in ``language``) and its pool entry in one
    transaction.

    ``pool_record`` builds the city's pool entry from the stored assessment (it needs the new
    row's id), or returns None when the city does not share. A process killed before the
    commit leaves no row at all, not an unreachable draft.
    """
    now = _utcnow()
    row = AssessmentRow(
        token_hash=token_hash,
        created_at=now,
        updated_at=now,
        status="draft",
        profile=profile,
        sharing=sharing,
        answers=dict(answers),
        notes=dict(notes),
        rulebook_id=scorecard["rulebook_id"],
        rulebook_version=scorecard["rulebook_version"],
        rulebook_hash=scorecard["rulebook_hash"],
        language=language,
    )
    session = _session()
    session.add(row)
    session.flush()  # assigns the id, inside the transaction
    _record_result(row, scorecard=scorecard, pool_record=pool_record(_stored(row)))
    session.commit()
    return _stored(row)


def _record_result(
    row: AssessmentRow, *, scorecard: dict[str, Any], pool_record: PoolRecord | None
) -> None:
    # Changes the row and the pool in the session; the caller commits once.
    session = _session()
    now = _utcnow()
    row.scorecard = scorecard
    row.rulebook_id = scorecard["rulebook_id"]
    row.rulebook_version = scorecard["rulebook_version"]
    row.rulebook_hash = scorecard["rulebook_hash"]
    row.status = "submitted"
    row.submitted_at = now
    row.updated_at = now
    session.execute(delete(PoolRow).where(PoolRow.assessment_id == row.id))
    if row.previous_id is not None:  # the pool keeps a city's latest assessment only
        session.execute(delete(PoolRow).where(PoolRow.assessment_id == row.previous_id))
    if pool_record is not None:
        session.add(pool_row(pool_record, assessment_id=row.id, now=now))
