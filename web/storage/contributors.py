"""Contributors: the colleagues an assessment's owner invites, each with a personal link.

A contributor's link is a token of its own (256 bits, only its hash stored, as the owner's):
it opens the assessment's questions and check page, never its owner's pages (invitations,
submission, results, deletion). The owner can revoke it; a revoked link is as unknown as a
wrong one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from web.storage.engine import session as _session
from web.storage.engine import utcnow as _utcnow
from web.storage.tables import AssessmentRow, ContributorRow

__all__ = [
    "StoredContributor",
    "add_contributor",
    "find_contributor",
    "list_contributors",
    "revoke_contributor",
]


@dataclass(frozen=True)
class StoredContributor:
    """A contributor as the pages show them."""

    id: int
    assessment_id: int
    name: str
    role: str
    #: the dimensions they were asked to answer; empty: no particular ones
    dimensions: tuple[str, ...]
    created_at: datetime
    revoked_at: datetime | None
    #: invited as a reviewer: the owner can ask them to review the answers
    reviewer: bool = False

    @property
    def active(self) -> bool:
        """True until the owner revokes the link."""
        return self.revoked_at is None


def _stored(row: ContributorRow) -> StoredContributor:
    return StoredContributor(
        id=row.id,
        assessment_id=row.assessment_id,
        name=row.name,
        role=row.role,
        dimensions=tuple(row.dimensions or ()),
        created_at=row.created_at,
        revoked_at=row.revoked_at,
        reviewer=bool(row.reviewer),
    )


def add_contributor(
    *,
    assessment_id: int,
    token_hash: str,
    name: str,
    role: str,
    dimensions: Sequence[str],
    reviewer: bool = False,
) -> StoredContributor:
    """Invite a contributor to the assessment; ``token_hash`` is their link's hash."""
    row = ContributorRow(
        assessment_id=assessment_id,
        token_hash=token_hash,
        name=name,
        role=role,
        dimensions=list(dimensions) or None,
        created_at=_utcnow(),
        reviewer=reviewer,
    )
    session = _session()
    session.add(row)
    session.commit()
    return _stored(row)


def list_contributors(*, assessment_id: int) -> list[StoredContributor]:
    """The assessment's contributors, in the order they were invited (revoked ones too)."""
    rows = _session().scalars(
        select(ContributorRow)
        .where(ContributorRow.assessment_id == assessment_id)
        .order_by(ContributorRow.id)
    )
    return [_stored(row) for row in rows]


def find_contributor(*, token_hash: str, submitted_too: bool = False) -> StoredContributor | None:
    """The contributor whose link hashes to ``token_hash``, unless it was revoked, and only
    while their assessment is a draft (``submitted_too``: also after, for the pages that
    only read what the team did, such as the history of changes)."""
    query = (
        select(ContributorRow)
        .join(AssessmentRow, AssessmentRow.id == ContributorRow.assessment_id)
        .where(ContributorRow.token_hash == token_hash, ContributorRow.revoked_at.is_(None))
    )
    if not submitted_too:
        query = query.where(AssessmentRow.status == "draft")
    row = _session().scalars(query).one_or_none()
    return None if row is None else _stored(row)


def revoke_contributor(*, assessment_id: int, contributor_id: int) -> bool:
    """Revoke a contributor's link; False when the assessment has no such contributor."""
    row = _session().get(ContributorRow, contributor_id)
    if row is None or row.assessment_id != assessment_id:
        return False
    if row.revoked_at is None:
        row.revoked_at = _utcnow()
        _session().commit()
    return True
