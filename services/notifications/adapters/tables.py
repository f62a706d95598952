"""The notifications service's database: inbox, recipients, notifications and the
delivery log."""

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
)

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
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("subject", String(500), nullable=False),
    Column("summary", Text, nullable=False),
    # pending (due_at says when), sent, or parked (a dead letter, last_error says why).
    Column("status", String(20), nullable=False),
    Column("attempts", SmallInteger, nullable=False, server_default="0"),
    # Looks for a recipient not known yet; these are not attempts.
    Column("recipient_waits", Integer, nullable=False, server_default="0"),
    Column("due_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("last_error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("sent_at", DateTime(timezone=True)),
    # One notification per event per channel, however often the event is redelivered.
    UniqueConstraint("event_id", "channel"),
)
# What the delivery loop polls: only the pending rows, in the order they fall due.
Index(
    "ix_notification_due",
    notification.c.due_at,
    postgresql_where=notification.c.status == "pending",
)

delivery_attempt = Table(
    "delivery_attempt",
    metadata,
    Column("id", BigInteger, Identity(always=True), primary_key=True),
    Column("notification_id", Uuid, ForeignKey(notification.c.id), nullable=False, index=True),
    # Counts from 1 again after an operator's retry; the id orders the whole log.
    Column("attempt", SmallInteger, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=False),
    Column("outcome", String(20), nullable=False),
    Column("error", Text),
    Column("reply", Text),
    Column("http_status", SmallInteger),
)
