"""The notifications service's database: inbox, recipients, notifications, the
delivery log, platforms' webhooks and their secrets, and idempotency keys."""

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
from sqlalchemy.dialects.postgresql import ARRAY

from shared.db import backbone_tables, new_metadata
from shared.http.idempotency import idempotency_table
from shared.http.rate_limits import rate_limit_table
from shared.read_log import read_log_table

metadata = new_metadata()
backbone = backbone_tables(metadata)

recipient = Table(
    "recipient",
    metadata,
    Column("application_id", String(64), primary_key=True),
    Column("email", String(254), nullable=False),
    # The platform (its token's subject) that filed the application, if one did: whose
    # registered webhooks hear of it.
    Column("platform", String(200)),
    # The enterprise, and when its contact was last given: a proposal from an official
    # list is e-mailed to the contact of the enterprise's most recent application.
    # Null for a contact remembered before proposals existed.
    Column("credit_code", String(18), index=True),
    Column("given_at", DateTime(timezone=True)),
)

# Who objected to an application's proposed award, and where to tell them the outcome:
# kept apart from the applicant's contact, and never shown to the applicant.
objector = Table(
    "objector",
    metadata,
    Column("objection_id", String(64), primary_key=True),
    Column("application_id", String(64), nullable=False),
    Column("email", String(254), nullable=False),
)

# Each payment instruction's tranche, amount and the last four digits of its account: what
# its outcome (PaymentSucceeded, PaymentFailed names only the instruction) is told with.
# Never the whole account number: that stays in the payments service.
payment_tranche = Table(
    "payment_tranche",
    metadata,
    Column("instruction_id", String(60), primary_key=True),
    Column("application_id", String(64), nullable=False),
    Column("tranche", SmallInteger, nullable=False),
    Column("tranches", SmallInteger, nullable=False),
    Column("amount_yuan", BigInteger, nullable=False),
    Column("account_last_four", String(4), nullable=False),
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
    # Which of the channel's destinations: '' for the applicant's email, a registered
    # webhook's id, or 'objector:<objection id>' for an objector's email.
    Column("target", String(64), nullable=False, server_default=""),
    Column("subject", String(500), nullable=False),
    Column("summary", Text, nullable=False),
    # A round's event (its published list, its final awards) for a portal's webhook; its
    # application_id is then ''.
    Column("round_id", String(64)),
    # pending (due_at says when), sent, or parked (a dead letter, last_error says why).
    Column("status", String(20), nullable=False),
    Column("attempts", SmallInteger, nullable=False, server_default="0"),
    # Looks for a recipient not known yet; these are not attempts.
    Column("recipient_waits", Integer, nullable=False, server_default="0"),
    Column("due_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("last_error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("sent_at", DateTime(timezone=True)),
    # One notification per event per destination, however often the event is redelivered.
    UniqueConstraint("event_id", "channel", "target"),
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

# What platforms registered: not projected from the log, so named with their schema. A
# rebuild of the projection into another schema (shared/rebuild.py) then reads the live
# registrations, and the webhook rows it rebuilds are the ones the live service holds.
webhook = Table(
    "webhook",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("platform", String(200), nullable=False, index=True),
    Column("url", String(2000), nullable=False),
    Column("event_types", ARRAY(String(80)), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # Deleted webhooks are kept: notifications and their delivery logs name them.
    Column("deleted_at", DateTime(timezone=True)),
    schema="public",
)

# A webhook's signing secrets: one, or two during a rotation until the older retires.
webhook_secret = Table(
    "webhook_secret",
    metadata,
    Column("id", BigInteger, Identity(always=True), primary_key=True),
    Column("webhook_id", Uuid, ForeignKey(webhook.c.id), nullable=False, index=True),
    Column("secret", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("retire_at", DateTime(timezone=True)),
    schema="public",
)

idempotency_key = idempotency_table(metadata)

# Who read which confidential fields (shared/read_log.py): append-only, not from the log.
read_log = read_log_table(metadata)

# Requests counted per caller and window, shared by the instances (shared/http/rate_limits.py).
rate_limit = rate_limit_table(metadata)
