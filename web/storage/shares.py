"""Read-only share links: the results, report, plan and history for someone who may read
them and change nothing (a mayor's office, a council committee).

Separate from the owner's link and the contributors' links: a token of its own, only its
hash stored, revocable, optionally expiring. An expired or revoked link is as unknown as a
wrong one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from web.storage.engine import session as _session
from web.storage.engine import utcnow as _utcnow
from web.storage.tables import ShareLinkRow

__all__ = [
    "StoredShareLink",
    "add_share_link",
    "find_share_link",
    "list_share_links",
    "revoke_share_link",
]


@dataclass(frozen=True)
class StoredShareLink:
    """A share link as the owner's page lists it."""

    id: int
    assessment_id: int
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None

    def active(self, now: datetime) -> bool:
        """Neither revoked nor expired at ``now``."""
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


def _stored(row: ShareLinkRow) -> StoredShareLink:
    return StoredShareLink(
        row.id, row.assessment_id, row.created_at, row.expires_at, row.revoked_at
    )


def add_share_link(
    *, assessment_id: int, token_hash: str, expires_at: datetime | None
) -> StoredShareLink:
    """A new share link; ``token_hash`` is its token's hash."""
    row = ShareLinkRow(
        assessment_id=assessment_id,
        token_hash=token_hash,
        created_at=_utcnow(),
        expires_at=expires_at,
    )
    session = _session()
    session.add(row)
    session.commit()
    return _stored(row)


def find_share_link(*, token_hash: str) -> StoredShareLink | None:
    """The active share link whose token hashes to ``token_hash``."""
    row = (
        _session()
        .scalars(select(ShareLinkRow).where(ShareLinkRow.token_hash == token_hash))
        .one_or_none()
    )
    if row is None:
        return None
    found = _stored(row)
    return found if found.active(_utcnow()) else None


def list_share_links(*, assessment_id: int) -> list[StoredShareLink]:
    """The assessment's share links, oldest first (revoked and expired ones too)."""
    rows = _session().scalars(
        select(ShareLinkRow)
        .where(ShareLinkRow.assessment_id == assessment_id)
        .order_by(ShareLinkRow.id)
    )
    return [_stored(r) for r in rows]


def revoke_share_link(*, assessment_id: int, link_id: int) -> bool:
    """Revoke a share link; False when the assessment has no such link."""
    session = _session()
    row = session.get(ShareLinkRow, link_id)
    if row is None or row.assessment_id != assessment_id:
        return False
    if row.revoked_at is None:
        row.revoked_at = _utcnow()
        session.commit()
    return True
