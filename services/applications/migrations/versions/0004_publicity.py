"""publicity: rounds' publicity periods, published lists, objections, status parts

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 02:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSONB = postgresql.JSONB(astext_type=sa.Text())


def upgrade() -> None:
    tz = sa.DateTime(timezone=True)
    for column in (
        sa.Column("publicity_days", sa.Integer(), server_default="5", nullable=False),
        sa.Column(
            "publicity_day_kind", sa.String(length=20), server_default="working", nullable=False
        ),
        sa.Column("publicity_published_at", tz, nullable=True),
        sa.Column("publicity_ends_at", tz, nullable=True),
        sa.Column("list_revision", sa.Integer(), server_default="0", nullable=False),
        sa.Column("list_allocation", sa.Integer(), server_default="0", nullable=False),
        sa.Column("finalised_at", tz, nullable=True),
    ):
        op.add_column("funding_round", column)
    for column in (
        sa.Column("claim", JSONB, nullable=True),
        sa.Column("review", sa.String(length=20), server_default="submitted", nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("outcome_version", sa.Integer(), server_default="0", nullable=False),
        sa.Column("final", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("reason_code", sa.String(length=40), nullable=True),
        sa.Column("reason", sa.String(length=2000), nullable=True),
        sa.Column("open_objections", sa.Integer(), server_default="0", nullable=False),
        sa.Column("awaiting_reallocation", sa.Boolean(), server_default="false", nullable=False),
    ):
        op.add_column("application", column)
    # The parts of the status of applications projected before they existed; a rebuild
    # from the topics gives the same (and fills the claim).
    op.execute(
        "UPDATE application SET "
        "review = CASE WHEN status IN ('scored', 'awarded', 'not_awarded') THEN 'eligible' "
        "ELSE status END, "
        "outcome = CASE WHEN status IN ('awarded', 'not_awarded') THEN status END"
    )
    op.create_table(
        "published_list",
        sa.Column("round_id", sa.String(length=64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("published_at", tz, nullable=False),
        sa.Column("body", JSONB, nullable=False),
        sa.PrimaryKeyConstraint("round_id", "revision", name=op.f("pk_published_list")),
    )
    op.create_table(
        "objection",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("application_id", sa.String(length=64), nullable=False),
        sa.Column("round_id", sa.String(length=64), nullable=False),
        sa.Column("objector", JSONB, nullable=False),
        sa.Column("grounds", sa.Text(), nullable=False),
        sa.Column("evidence", JSONB, nullable=False),
        sa.Column("lodged_at", tz, nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=True),
        sa.Column("reasons", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", tz, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objection")),
    )
    op.create_index(op.f("ix_objection_application_id"), "objection", ["application_id"])
    op.create_index(op.f("ix_objection_round_id"), "objection", ["round_id"])
    op.create_table(
        "objection_intake",
        sa.Column("bucket", sa.String(length=300), nullable=False),
        sa.Column("window_start", tz, nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("bucket", "window_start", name=op.f("pk_objection_intake")),
    )


def downgrade() -> None:
    op.drop_table("objection_intake")
    op.drop_index(op.f("ix_objection_round_id"), table_name="objection")
    op.drop_index(op.f("ix_objection_application_id"), table_name="objection")
    op.drop_table("objection")
    op.drop_table("published_list")
    for name in (
        "awaiting_reallocation",
        "open_objections",
        "reason",
        "reason_code",
        "final",
        "outcome_version",
        "outcome",
        "review",
        "claim",
    ):
        op.drop_column("application", name)
    for name in (
        "finalised_at",
        "list_allocation",
        "list_revision",
        "publicity_ends_at",
        "publicity_published_at",
        "publicity_day_kind",
        "publicity_days",
    ):
        op.drop_column("funding_round", name)
