"""delivery: notifications become a queue of pending sends, with a delivery log

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 11:26:36.519030
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "delivery_attempt",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("notification_id", sa.Uuid(), nullable=False),
        sa.Column("attempt", sa.SmallInteger(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.Column("http_status", sa.SmallInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            ["notification.id"],
            name=op.f("fk_delivery_attempt_notification_id_notification"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_attempt")),
    )
    op.create_index(
        op.f("ix_delivery_attempt_notification_id"),
        "delivery_attempt",
        ["notification_id"],
        unique=False,
    )
    # Rows recorded before this revision were never sent: they become pending, due now,
    # with the best values there are for what they did not keep.
    op.add_column("notification", sa.Column("occurred_at", sa.DateTime(timezone=True)))
    op.add_column("notification", sa.Column("summary", sa.Text()))
    op.execute(
        "UPDATE notification SET occurred_at = created_at, summary = subject, status = 'pending'"
    )
    op.alter_column("notification", "occurred_at", nullable=False)
    op.alter_column("notification", "summary", nullable=False)
    op.add_column(
        "notification",
        sa.Column("attempts", sa.SmallInteger(), server_default="0", nullable=False),
    )
    op.add_column(
        "notification",
        sa.Column("recipient_waits", sa.Integer(), server_default="0", nullable=False),
    )
    op.add_column(
        "notification",
        sa.Column(
            "due_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
    )
    op.add_column("notification", sa.Column("last_error", sa.Text(), nullable=True))
    op.add_column("notification", sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_notification_due",
        "notification",
        ["due_at"],
        unique=False,
        postgresql_where=sa.text("status = 'pending'"),
    )


def downgrade() -> None:
    op.drop_index(
        "ix_notification_due",
        table_name="notification",
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.execute("UPDATE notification SET status = 'recorded'")
    for column in (
        "sent_at",
        "last_error",
        "due_at",
        "recipient_waits",
        "attempts",
        "summary",
        "occurred_at",
    ):
        op.drop_column("notification", column)
    op.drop_index(op.f("ix_delivery_attempt_notification_id"), table_name="delivery_attempt")
    op.drop_table("delivery_attempt")
