"""Targets, the action plan and read-only share links of an assessment.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04

* ``assessments.targets``: the target level per dimension and the target date the city set
  on its results (``{"levels": {dimension id: level}, "date": "YYYY-MM-DD" | null}``); empty
  until the city sets them (the pages then offer defaults).
* ``plan_actions``: the city's own record of one action of its plan, keyed by the action's
  stable key (dimension, question, option aimed at): who does it, by when, and its status.
  One row per action, so two people editing two actions at once lose nothing.
* ``share_links``: read-only links to the results, report, plan and history; only the
  token's hash, revocable, optionally expiring.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _assessment_fk(table: str) -> sa.Column:
    return sa.Column(
        "assessment_id",
        sa.Integer,
        sa.ForeignKey(
            "assessments.id", name=f"fk_{table}_assessment_id_assessments", ondelete="CASCADE"
        ),
        nullable=False,
        index=True,
    )


def upgrade() -> None:
    """Add the column and the two tables."""
    # Plain ADD COLUMN, never a batch copy of "assessments": see migration 0007.
    op.add_column(
        "assessments",
        sa.Column("targets", sa.JSON, nullable=False, server_default=sa.text("'{}'")),
    )
    op.create_table(
        "plan_actions",
        sa.Column("id", sa.Integer, primary_key=True),
        _assessment_fk("plan_actions"),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("owner", sa.String(120), nullable=True),
        sa.Column("due", sa.String(10), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("assessment_id", "key", name=op.f("uq_plan_actions_assessment_id")),
    )
    op.create_table(
        "share_links",
        sa.Column("id", sa.Integer, primary_key=True),
        _assessment_fk("share_links"),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("token_hash", name=op.f("uq_share_links_token_hash")),
    )


def downgrade() -> None:
    """Drop them again."""
    op.drop_table("share_links")
    op.drop_table("plan_actions")
    op.drop_column("assessments", "targets")
