"""Targets and the city's record of its action plan.

The actions themselves are computed from the scorecard and the targets
(:mod:`benchmark.plan`); what is stored is what the city decided: the target level per
dimension and the target date, and per action its owner, due date and status. One row per
action (an upsert), so two colleagues editing two actions at once both keep their edit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select

from web.storage.activity import log_change
from web.storage.engine import session as _session
from web.storage.engine import utcnow as _utcnow
from web.storage.tables import AssessmentRow, PlanActionRow

__all__ = ["StoredAction", "list_plan", "save_action", "save_targets"]


@dataclass(frozen=True)
class StoredAction:
    """What the city recorded about one action."""

    key: str
    owner: str | None
    due: str | None
    status: str


def save_targets(*, assessment_id: int, levels: Mapping[str, int], date: str | None) -> None:
    """Store the target level per dimension and the target date (ISO or None)."""
    session = _session()
    row = session.get(AssessmentRow, assessment_id)
    if row is None:
        raise LookupError(f"no assessment {assessment_id}")
    before = dict(row.targets or {})
    after = {"levels": dict(levels), "date": date}
    row.targets = after
    row.updated_at = _utcnow()
    log_change(
        assessment_id=assessment_id,
        at=row.updated_at,
        by=None,
        kind="targets",
        before=before or None,
        after=after,
    )
    session.commit()


def list_plan(*, assessment_id: int) -> dict[str, StoredAction]:
    """Action key → what the city recorded about it."""
    rows = _session().scalars(
        select(PlanActionRow).where(PlanActionRow.assessment_id == assessment_id)
    )
    return {r.key: StoredAction(r.key, r.owner, r.due, r.status) for r in rows}


def save_action(
    *, assessment_id: int, key: str, owner: str | None, due: str | None, status: str
) -> None:
    """Record an action's owner, due date and status (replacing what was recorded)."""
    session = _session()
    row = session.scalars(
        select(PlanActionRow).where(
            PlanActionRow.assessment_id == assessment_id, PlanActionRow.key == key
        )
    ).one_or_none()
    now = _utcnow()
    before = None if row is None else {"owner": row.owner, "due": row.due, "status": row.status}
    if row is None:
        row = PlanActionRow(assessment_id=assessment_id, key=key, status=status, updated_at=now)
        session.add(row)
    row.owner, row.due, row.status, row.updated_at = owner, due, status, now
    log_change(
        assessment_id=assessment_id,
        at=now,
        by=None,
        kind="action",
        subject=key[:64],
        before=before,
        after={"owner": owner, "due": due, "status": status},
    )
    session.commit()
