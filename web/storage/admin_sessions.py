"""Admin sign-ins kept on the server, so that signing out ends one at once.

The browser's (signed) session cookie carries a random session id; the table keeps only its
SHA-256 (a database dump gives no usable session) and when it started. A sign-in is valid while
its row exists and is younger than the configured lifetime; signing out deletes the row, so a
copy of the cookie taken earlier is refused from the next request on.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select

from web.storage.engine import session as _session
from web.storage.tables import AdminSessionRow

__all__ = ["admin_session_valid", "end_admin_session", "start_admin_session"]


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def start_admin_session(*, lifetime: timedelta) -> str:
    """Record a new admin sign-in and return its session id (for the cookie); sign-ins older
    than ``lifetime`` are cleared on the way."""
    session_id = secrets.token_urlsafe(32)
    session = _session()
    session.execute(delete(AdminSessionRow).where(AdminSessionRow.created_at < _now() - lifetime))
    session.add(AdminSessionRow(id_hash=_hash(session_id), created_at=_now()))
    session.commit()
    return session_id


def admin_session_valid(session_id: str, *, lifetime: timedelta) -> bool:
    """True while the sign-in ``session_id`` was not ended and is younger than ``lifetime``."""
    started = _session().scalar(
        select(AdminSessionRow.created_at).where(AdminSessionRow.id_hash == _hash(session_id))
    )
    return started is not None and started >= _now() - lifetime


def end_admin_session(session_id: str) -> None:
    """End the sign-in ``session_id`` (nothing happens if it had ended already)."""
    session = _session()
    session.execute(delete(AdminSessionRow).where(AdminSessionRow.id_hash == _hash(session_id)))
    session.commit()
