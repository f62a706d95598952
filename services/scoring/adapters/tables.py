"""The scoring service's database: event store, inbox, claims and rounds as scoring sees them."""

from sqlalchemy import BigInteger, Column, DateTime, Integer, String, Table, Uuid
from sqlalchemy.dialects.postgresql import JSONB

from shared.db import backbone_tables, new_metadata
from shared.http.rate_limits import rate_limit_table
from shared.register_copy import register_tables

metadata = new_metadata()
backbone = backbone_tables(metadata)

claim = Table(
    "claim",
    metadata,
    Column("application_id", String(64), primary_key=True),
    Column("round_id", String(64), nullable=False, index=True),
    Column("credit_code", String(18), nullable=False),
    Column("industry", String(500), nullable=False),
    # GB/T 4754-2017, as the filing recorded it (the register's); None in older filings.
    Column("industry_code", String(6)),
    Column("claim", JSONB, nullable=False),
    Column("policy_version", String(40), nullable=False),
    # submitted; eligible, ineligible or returned (the review's decision); withdrawn; scored
    Column("state", String(20), nullable=False),
    Column("achievement_key", String(300)),
    Column("claimed_amount_yuan", BigInteger),
    Column("score", Integer),
    # The version of the application's stream last applied to this row.
    Column("seen_version", Integer, nullable=False, server_default="0"),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# One row per round, created by whichever event about it arrives first; its row lock
# serialises the allocation decision across scoring instances.
scoring_round = Table(
    "scoring_round",
    metadata,
    Column("round_id", String(64), primary_key=True),
    Column("year", Integer),
    Column("closed_at", DateTime(timezone=True)),
    Column("budget_yuan", BigInteger),
    Column("enterprise_cap_yuan", BigInteger),
    Column("policy_version", String(40)),
    Column("application_ids", JSONB),
    Column("application_versions", JSONB),
    # The RoundClosed event: every allocation decision names it as its cause.
    Column("closed_event_id", Uuid),
    Column("allocated_at", DateTime(timezone=True)),
    # How many times the round was allocated: 1, and one more after each upheld objection
    # that found an application ineligible on its second review.
    Column("allocation", Integer, nullable=False, server_default="0"),
)

allocation_outcome = Table(
    "allocation_outcome",
    metadata,
    Column("application_id", String(64), primary_key=True),
    Column("round_id", String(64), nullable=False, index=True),
    Column("year", Integer, nullable=False, index=True),
    Column("credit_code", String(18), nullable=False, index=True),
    Column("achievement_key", String(300), nullable=False, index=True),
    Column("rank", Integer, nullable=False),
    Column("claimed_amount_yuan", BigInteger, nullable=False),
    Column("awarded_yuan", BigInteger, nullable=False),
    Column("reason_code", String(40)),
    Column("allocation", Integer, nullable=False, server_default="1"),
)

# The district's enterprise register, as the register service published it
# (shared/register_copy.py): an allocation rewards no enterprise it holds as deregistered
# or on the serious-dishonesty list at the decision, nor one it does not hold.
register = register_tables(metadata)
# Requests counted per caller and window, shared by the instances (shared/http/rate_limits.py).
rate_limit = rate_limit_table(metadata)
