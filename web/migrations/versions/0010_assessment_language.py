"""The language an assessment was taken in.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04

``assessments.language``: the interface language (``en``, ``fr``, ``de``, ``es``, ``it``,
``pl``) of the request that started the assessment. Answers are option values and numbers,
the same in every language; the scorecard is stored in English and shown in the reader's
language; this records the city's own choice, for its results and exports. Existing rows
were all taken in English, the only language offered before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the column; existing rows read "en"."""
    # Plain ADD COLUMN, never a batch copy of "assessments": see migration 0007.
    op.add_column(
        "assessments",
        sa.Column("language", sa.String(length=8), nullable=False, server_default="en"),
    )


def downgrade() -> None:
    """Drop the column."""
    op.drop_column("assessments", "language")
