"""Contributors: colleagues invited to an assessment, each with a personal link; who gave
each answer, and when.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04

* ``contributors``: one row per colleague the assessment's owner invited — name, role, the
  dimensions they were asked to answer (a JSON list, or null for any), the SHA-256 of their
  personal link's token (the link itself is shown once, to the owner), when the owner
  revoked it (a revoked link gives the 404 page).
* ``assessments.answered_by``: per question id, who saved its current answer and when
  (``{"by": null | contributor id, "at": ISO time}``; null is the owner). Assessments made
  before have ``{}``: their answers' author is not known.
* ``assessments.version``: counts the saves of answers; a page saved from an older version is
  refused (optimistic concurrency: two colleagues saving one page at once lose nothing).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the contributors table and add the answers' authorship."""
    op.create_table(
        "contributors",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "assessment_id",
            sa.Integer,
            sa.ForeignKey(
                "assessments.id",
                name="fk_contributors_assessment_id_assessments",
                ondelete="CASCADE",
            ),
            nullable=False,
            index=True,
        ),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("role", sa.String(120), nullable=False),
        sa.Column("dimensions", sa.JSON, nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
    )
    # A plain ADD COLUMN, not a batch operation: on SQLite a batch copies and drops the
    # table, and dropping "assessments" with foreign keys on deletes its pool records
    # (ON DELETE CASCADE); tests/web/test_upgrade_rulebook1.py caught it.
    op.add_column(
        "assessments",
        sa.Column("answered_by", sa.JSON, nullable=False, server_default=sa.text("'{}'")),
    )
    op.add_column(
        "assessments",
        sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("0")),
    )


def downgrade() -> None:
    """Drop them again."""
    op.drop_column("assessments", "version")  # SQLite 3.35+ drops a column in place
    op.drop_column("assessments", "answered_by")
    op.drop_table("contributors")
