"""The notifications service's database: inbox, recipients and the notification log."""

from sqlalchemy import Column, DateTime, String, Table, UniqueConstraint, Uuid, func

from shared.db import backbone_tables, new_metadata

metadata = new_metadata()
backbone = backbone_tables(metadata)

recipient = Table(
    "recipient",
    metadata,
    Column("application_id", String(64), primary_key=True),
    Column("email", String(254), nullable=False),
    Column("webhook_url", String(2000)),
)

notification = Table(
    "notification",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("event_id", Uuid, nullable=False),
    Column("application_id", String(64), nullable=False, index=True),
    Column("event_type", String(80), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("subject", String(500), nullable=False),
    Column("status", String(20), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # One notification per event per channel, however often the event is redelivered.
    UniqueConstraint("event_id", "channel"),
)
