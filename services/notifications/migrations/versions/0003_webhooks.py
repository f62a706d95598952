"""webhooks: platforms register their webhooks and secrets; a notification per webhook;
idempotency keys

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "webhook",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("platform", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("event_types", postgresql.ARRAY(sa.String(length=80)), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook")),
        schema="public",
    )
    op.create_index(op.f("ix_public_webhook_platform"), "webhook", ["platform"], schema="public")
    op.create_table(
        "webhook_secret",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("webhook_id", sa.Uuid(), nullable=False),
        sa.Column("secret", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retire_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["webhook_id"],
            ["public.webhook.id"],
            name=op.f("fk_webhook_secret_webhook_id_webhook"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_secret")),
        schema="public",
    )
    op.create_index(
        op.f("ix_public_webhook_secret_webhook_id"),
        "webhook_secret",
        ["webhook_id"],
        schema="public",
    )
    op.create_table(
        "idempotency_key",
        sa.Column("principal", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("request_sha256", sa.String(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("response_body", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("principal", "key", name=op.f("pk_idempotency_key")),
    )
    op.add_column("recipient", sa.Column("platform", sa.String(length=200), nullable=True))
    # A notification per destination: existing rows are the email and the one
    # per-application webhook, each with the empty target.
    op.add_column(
        "notification",
        sa.Column("target", sa.String(length=64), server_default="", nullable=False),
    )
    op.drop_constraint("uq_notification_event_id_channel", "notification", type_="unique")
    op.create_unique_constraint(
        op.f("uq_notification_event_id_channel_target"),
        "notification",
        ["event_id", "channel", "target"],
    )


def downgrade() -> None:
    op.execute(
        "DELETE FROM delivery_attempt WHERE notification_id IN "
        "(SELECT id FROM notification WHERE target <> '')"
    )
    op.execute("DELETE FROM notification WHERE target <> ''")
    op.drop_constraint("uq_notification_event_id_channel_target", "notification", type_="unique")
    op.create_unique_constraint(
        op.f("uq_notification_event_id_channel"), "notification", ["event_id", "channel"]
    )
    op.drop_column("notification", "target")
    op.drop_column("recipient", "platform")
    op.drop_table("idempotency_key")
    op.drop_index(
        op.f("ix_public_webhook_secret_webhook_id"), table_name="webhook_secret", schema="public"
    )
    op.drop_table("webhook_secret", schema="public")
    op.drop_index(op.f("ix_public_webhook_platform"), table_name="webhook", schema="public")
    op.drop_table("webhook", schema="public")
