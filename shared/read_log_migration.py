"""The read log's table and its append-only triggers, as every service's migration makes
them (shared/read_log.py says why): one definition, so the services' tables are alike."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from shared.read_log import APPEND_ONLY, DROP_APPEND_ONLY, TABLE


def create_read_log() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("client_address", sa.String(length=64), nullable=False),
        sa.Column("endpoint", sa.String(length=300), nullable=False),
        sa.Column("record_type", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.String(length=200), nullable=False),
        sa.Column("fields", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("correlation_id", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(f"ix_{TABLE}_record", TABLE, ["record_type", "record_id", "read_at"])
    op.create_index(f"ix_{TABLE}_subject", TABLE, ["subject", "read_at"])
    for statement in APPEND_ONLY:
        op.execute(statement)


def drop_read_log() -> None:
    for statement in DROP_APPEND_ONLY:
        op.execute(statement)
    op.drop_index(f"ix_{TABLE}_subject", table_name=TABLE)
    op.drop_index(f"ix_{TABLE}_record", table_name=TABLE)
    op.drop_table(TABLE)
