"""Re-assessments: link an assessment to the one it was started from.

Revision ID: 0002
Revises: 0001
Create Date: 2025-02-01

A plain nullable column, without a foreign key: adding a foreign key on SQLite means
rebuilding the table (batch mode), and dropping the old ``assessments`` table with
``foreign_keys=ON`` would cascade into ``pool_records`` and delete every submitted city's
pool entry. A dangling ``previous_id`` is harmless: the app then shows no comparison.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the nullable ``assessments.previous_id``."""
    op.add_column("assessments", sa.Column("previous_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    """Drop ``assessments.previous_id`` (native ``DROP COLUMN``: SQLite 3.35 or later)."""
    op.drop_column("assessments", "previous_id")
