"""Admin sessions kept on the server, and pool ids that say nothing about a submission.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03

* ``admin_sessions``: one row per admin sign-in (the SHA-256 of a random session id, and when
  it started). A browser's session cookie names its id; signing out deletes the row, so a
  copy of the cookie taken before stops working at once.
* ``assessments.pool_id``: the peer-pool id of a submitted assessment. It used to be
  ``submitted-<assessment id>``, which told a curious member how many cities had submitted
  and roughly when; every such id (in the pool, its history and here) becomes a random
  ``city-<20 hex digits>``, and every assessment gets one when it is created.
* ``pool_records.city_key`` of a submitted city becomes ``submitted:<its id>``: a city's own
  submission is never matched to another record by name, which anyone can type.
"""

from __future__ import annotations

import re
import secrets

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_SUBMITTED = re.compile(r"submitted-(\d+)")


def upgrade() -> None:
    """Create the session table, add the pool id column and replace the counted ids."""
    op.create_table(
        "admin_sessions",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    with op.batch_alter_table("assessments") as batch:
        batch.add_column(sa.Column("pool_id", sa.String(64), nullable=True))
    connection = op.get_bind()
    pool = sa.table("pool_records", sa.column("id", sa.String), sa.column("record", sa.JSON))
    history = sa.table(
        "pool_history",
        sa.column("id", sa.Integer),
        sa.column("pool_id", sa.String),
        sa.column("record", sa.JSON),
    )
    rows = connection.execute(sa.select(pool.c.id, pool.c.record)).all()
    for old, record in rows:
        match = _SUBMITTED.fullmatch(old)
        if match is None:
            continue
        new = f"city-{secrets.token_hex(10)}"
        # The record carries its id too: both must say the same.
        connection.execute(
            pool.update().where(pool.c.id == old).values(id=new, record={**record, "id": new})
        )
        for row_id, kept in connection.execute(
            sa.select(history.c.id, history.c.record).where(history.c.pool_id == old)
        ).all():
            connection.execute(
                history.update()
                .where(history.c.id == row_id)
                .values(pool_id=new, record={**kept, "id": new})
            )
        connection.execute(
            sa.text("UPDATE assessments SET pool_id = :new WHERE id = :id"),
            {"new": new, "id": int(match[1])},
        )
    # A city's own submission is keyed by its record, not its name (PoolRecord.city_key).
    connection.execute(
        sa.text("UPDATE pool_records SET city_key = 'submitted:' || id WHERE source = 'submitted'")
    )
    # Every other assessment (drafts, private cities) gets its random id too.
    missing = connection.execute(sa.text("SELECT id FROM assessments WHERE pool_id IS NULL"))
    for (assessment_id,) in missing.all():
        connection.execute(
            sa.text("UPDATE assessments SET pool_id = :new WHERE id = :id"),
            {"new": f"city-{secrets.token_hex(10)}", "id": assessment_id},
        )


def downgrade() -> None:
    """Drop the session table and the pool id column (the random ids stay)."""
    with op.batch_alter_table("assessments") as batch:
        batch.drop_column("pool_id")
    op.drop_table("admin_sessions")
