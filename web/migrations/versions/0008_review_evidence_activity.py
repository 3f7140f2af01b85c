"""Evidence behind answers, disagreements, review and the activity log of an assessment.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04

* ``assessments.evidence``: per question id, the evidence link (http/https, shown as text,
  never fetched) and the date it was checked (``{"link": str | null, "checked": "YYYY-MM-DD"
  | null}``); the evidence note stays in ``notes``.
* ``assessments.disputes``: per question id where two people gave different answers, each
  person's answer and, once the owner chose, the one chosen (``{"answers": [{"by", "value",
  "at"}], "chosen": value | null, "resolved_at": ISO time | null}``).
* ``contributors.reviewer``: the colleague was invited as a reviewer.
* ``reviews``: the owner's request that a reviewer review the answers, and the reviewer's
  verdict (accepted or queried, with a comment) per dimension, with the owner's replies.
* ``activity``: who changed what, from what to what, and when; kept after submission.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the columns and the two tables."""
    # Plain ADD COLUMN, never a batch copy of "assessments": see migration 0007.
    for column in ("evidence", "disputes"):
        op.add_column(
            "assessments",
            sa.Column(column, sa.JSON, nullable=False, server_default=sa.text("'{}'")),
        )
    op.add_column(
        "contributors",
        sa.Column("reviewer", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "assessment_id",
            sa.Integer,
            sa.ForeignKey(
                "assessments.id", name="fk_reviews_assessment_id_assessments", ondelete="CASCADE"
            ),
            nullable=False,
            index=True,
        ),
        sa.Column(
            "reviewer_id",
            sa.Integer,
            sa.ForeignKey(
                "contributors.id", name="fk_reviews_reviewer_id_contributors", ondelete="CASCADE"
            ),
            nullable=False,
        ),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("verdicts", sa.JSON, nullable=False, server_default=sa.text("'{}'")),
    )
    op.create_table(
        "activity",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "assessment_id",
            sa.Integer,
            sa.ForeignKey(
                "assessments.id", name="fk_activity_assessment_id_assessments", ondelete="CASCADE"
            ),
            nullable=False,
            index=True,
        ),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("contributor_id", sa.Integer, nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("subject", sa.String(64), nullable=True),
        sa.Column("before", sa.JSON, nullable=True),
        sa.Column("after", sa.JSON, nullable=True),
    )


def downgrade() -> None:
    """Drop them again."""
    op.drop_table("activity")
    op.drop_table("reviews")
    op.drop_column("contributors", "reviewer")
    op.drop_column("assessments", "disputes")
    op.drop_column("assessments", "evidence")
