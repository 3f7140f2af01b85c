"""Keep the original result when a stored assessment or pool record is re-scored.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

A new rulebook version re-scores what an instance holds (``citydip db upgrade``, see
``web/rescoring.py``). The first result is not thrown away: ``original`` holds the rulebook
version and hash, the answers, notes and scorecard (assessments) or the record (pool) as they
were before the first re-scoring. Nullable: rows never re-scored have none.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``assessments.original`` and ``pool_records.original`` (JSON, nullable)."""
    with op.batch_alter_table("assessments") as batch:
        batch.add_column(sa.Column("original", sa.JSON(), nullable=True))
    with op.batch_alter_table("pool_records") as batch:
        batch.add_column(sa.Column("original", sa.JSON(), nullable=True))


def downgrade() -> None:
    """Drop both ``original`` columns."""
    with op.batch_alter_table("pool_records") as batch:
        batch.drop_column("original")
    with op.batch_alter_table("assessments") as batch:
        batch.drop_column("original")
