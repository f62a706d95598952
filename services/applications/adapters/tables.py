"""The applications service's database: its event store, inbox and read projections."""

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Uuid,
)
from sqlalchemy.dialects.postgresql import JSONB

from shared.db import backbone_tables, new_metadata
from shared.http.idempotency import idempotency_table

metadata = new_metadata()
backbone = backbone_tables(metadata)

funding_round = Table(
    "funding_round",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("year", Integer, nullable=False),
    Column("opens_at", DateTime(timezone=True), nullable=False),
    Column("closes_at", DateTime(timezone=True), nullable=False),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("budget_yuan", BigInteger, nullable=False),
    Column("enterprise_cap_yuan", BigInteger, nullable=False),
    Column("policy_version", String(40), nullable=False),
    Column("closed_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

application = Table(
    "application",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("round_id", String(64), nullable=False, index=True),
    Column("credit_code", String(18), nullable=False, index=True),
    Column("enterprise_name", String(500), nullable=False),
    Column("industry", String(500), nullable=False),
    Column("category", String(40), nullable=False),
    Column("status", String(20), nullable=False),
    Column("claimed_amount_yuan", BigInteger),
    Column("awarded_amount_yuan", BigInteger),
    Column("score", Integer),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # The platform that filed it (its token's subject), null when filed directly: what a
    # platform may see.
    Column("submitted_via", String(200)),
)

# Every event about an application, from any service, in the order it happened.
application_history = Table(
    "application_history",
    metadata,
    Column("application_id", String(64), nullable=False),
    Column("source", String(40), nullable=False),
    Column("aggregate_version", Integer, nullable=False),
    Column("event_id", Uuid, nullable=False, unique=True),
    Column("event_type", String(80), nullable=False),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("actor_id", String(200), nullable=False),
    Column("actor_role", String(50), nullable=False),
    Column("payload", JSONB, nullable=False),
    PrimaryKeyConstraint("application_id", "source", "aggregate_version"),
)

# A client's Idempotency-Key and the answer its first request got, written in the same
# transaction as that request's events.
idempotency_key = idempotency_table(metadata)
