"""Import batches: idempotent, reversible imports, and each city's earlier records.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

* ``import_batches``: one row per import (file name, time, counts, when undone).
* ``pool_records.city_key`` (indexed): the city's stable key, which decides whether an
  imported row is a new city or a new record of one already in the pool; filled here for the
  rows already stored. ``pool_records.batch_id``: the import that last wrote the row.
* ``pool_history``: a record an import replaced (``replaced``), or an older assessment of a
  city that came after its current one (``older``), with the batch that put it there, so that
  a batch can be undone exactly.

The key is computed by ``benchmark.profile.city_key``, the one definition the peer pool uses;
a copy here could drift from it.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the batch and history tables, add and fill the pool's key and batch columns."""
    op.create_table(
        "import_batches",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("new", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
    )
    op.create_table(
        "pool_history",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("pool_id", sa.String(64), nullable=False, index=True),
        sa.Column("batch_id", sa.Integer(), nullable=False, index=True),
        sa.Column("previous_batch_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("stored_at", sa.DateTime(), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
    )
    with op.batch_alter_table("pool_records") as batch:
        batch.add_column(sa.Column("city_key", sa.String(200), nullable=True))
        batch.add_column(sa.Column("batch_id", sa.Integer(), nullable=True))
    op.create_index("ix_pool_records_city_key", "pool_records", ["city_key"])
    op.create_index("ix_pool_records_batch_id", "pool_records", ["batch_id"])
    _fill_city_keys()


def _fill_city_keys() -> None:
    from benchmark.profile import city_key

    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, record FROM pool_records")).fetchall()
    for pool_id, record in rows:
        profile = (json.loads(record) if isinstance(record, str) else record)["profile"]
        key = city_key(profile["name"], profile["country"], profile.get("geonameid"))
        bind.execute(
            sa.text("UPDATE pool_records SET city_key = :key WHERE id = :id"),
            {"key": key, "id": pool_id},
        )


def downgrade() -> None:
    """Drop what :func:`upgrade` added."""
    op.drop_index("ix_pool_records_batch_id", table_name="pool_records")
    op.drop_index("ix_pool_records_city_key", table_name="pool_records")
    with op.batch_alter_table("pool_records") as batch:
        batch.drop_column("batch_id")
        batch.drop_column("city_key")
    op.drop_table("pool_history")
    op.drop_table("import_batches")
