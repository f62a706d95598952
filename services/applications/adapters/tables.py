"""The applications service's database: its event store, inbox and read projections."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    Uuid,
)
from sqlalchemy.dialects.postgresql import JSONB

from shared.db import backbone_tables, new_metadata
from shared.http.idempotency import idempotency_table
from shared.http.rate_limits import rate_limit_table
from shared.read_log import read_log_table
from shared.register_copy import register_tables

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
    Column("publicity_days", Integer, nullable=False, server_default="5"),
    Column("publicity_day_kind", String(20), nullable=False, server_default="working"),
    Column("publicity_published_at", DateTime(timezone=True)),
    Column("publicity_ends_at", DateTime(timezone=True)),
    # The published list's latest revision, and which scoring allocation it shows.
    Column("list_revision", Integer, nullable=False, server_default="0"),
    Column("list_allocation", Integer, nullable=False, server_default="0"),
    Column("finalised_at", DateTime(timezone=True)),
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
    # The claim as filed (its latest amendment): what the published list describes.
    Column("claim", JSONB),
    # The parts status is derived from (shared/rules/status.py): the
    # review's stage from this service's events, the allocation's outcome from scoring's
    # (in the order of scoring's stream version), and whether the award is final.
    Column("review", String(20), nullable=False, server_default="submitted"),
    Column("outcome", String(20)),
    Column("outcome_version", Integer, nullable=False, server_default="0"),
    Column("final", Boolean, nullable=False, server_default="false"),
    # Why it is not (or no longer) awarded, wherever it is read.
    Column("reason_code", String(40)),
    Column("reason", String(2000)),
    Column("open_objections", Integer, nullable=False, server_default="0"),
    # Found ineligible after an upheld objection; cleared when scoring's re-allocation
    # without it arrives.
    Column("awaiting_reallocation", Boolean, nullable=False, server_default="false"),
    # The round's pinned policy: the rules the claim's achievement is keyed under.
    Column("policy_version", String(40)),
    # For a claim to lead a standard, the standard (its achievement key under those
    # rules): how a second enterprise's claim to lead it is found. Null for other claims.
    Column("lead_key", String(300), index=True),
    # A claim to lead a standard others also claim to lead: what the reviewer decided.
    Column("lead_decision", String(20)),
    # The proposal (from an official list) it was filed from: a reviewer sees the source.
    Column("proposal_id", String(64), index=True),
)

# Each publication of a round's list, exactly as its event carried it: what the public
# endpoints serve.
published_list = Table(
    "published_list",
    metadata,
    Column("round_id", String(64), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("event_id", Uuid, nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=False),
    Column("body", JSONB, nullable=False),
    PrimaryKeyConstraint("round_id", "revision"),
)

# Objections, with the objector's identity: read by reviewers, officers and auditors only.
objection = Table(
    "objection",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("application_id", String(64), nullable=False, index=True),
    Column("round_id", String(64), nullable=False, index=True),
    Column("objector", JSONB, nullable=False),
    Column("grounds", Text, nullable=False),
    Column("evidence", JSONB, nullable=False),
    Column("lodged_at", DateTime(timezone=True), nullable=False),
    Column("decision", String(20)),
    Column("reasons", Text),
    Column("decided_by", String(200)),
    Column("decided_at", DateTime(timezone=True)),
)

# Public objection intake counted per client address and per objector in fixed windows,
# in the database so every instance of the service shares one budget.
objection_intake = Table(
    "objection_intake",
    metadata,
    Column("bucket", String(300), nullable=False),
    Column("window_start", DateTime(timezone=True), nullable=False),
    Column("count", Integer, nullable=False),
    PrimaryKeyConstraint("bucket", "window_start"),
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

# Awards revoked (the payments service's AwardRevoked), by the enterprise awarded: what
# intake reads to refuse an enterprise barred from the program (shared/program_bar.py).
award_revocation = Table(
    "award_revocation",
    metadata,
    Column("application_id", String(64), primary_key=True),
    Column("credit_code", String(18), nullable=False, index=True),
    Column("reason", String(40), nullable=False),
    Column("document_reference", String(200), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=False),
    Column("paid_yuan", BigInteger, nullable=False),
    Column("cancelling", JSONB, nullable=False),
)

# The district's enterprise register, as the register service published it
# (shared/register_copy.py): intake refuses an enterprise it does not hold, or holds as
# on the serious-dishonesty list, once any load of it has been recorded.
register = register_tables(metadata)

# The entries of the official lists the register service received, as it published them
# (shared/contracts/lists.py): what a proposal's claim is made from, once the units are
# matched, and what a reader of a proposal sees as its source.
official_list_entry = Table(
    "official_list_entry",
    metadata,
    Column("list_id", String(64), nullable=False),
    Column("number", Integer, nullable=False),
    Column("entry", JSONB, nullable=False),
    PrimaryKeyConstraint("list_id", "number"),
)

# Each proposal made (or withheld) from a list unit for a round, and where it stands.
proposal = Table(
    "proposal",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("round_id", String(64), nullable=False, index=True),
    Column("credit_code", String(18), nullable=False, index=True),
    Column("enterprise_name", String(500)),
    Column("industry", String(500)),
    Column("category", String(40), nullable=False),
    Column("claim", JSONB, nullable=False),
    Column("policy_version", String(40)),
    # open, withheld, confirmed, declined or lapsed.
    Column("state", String(20), nullable=False),
    Column("source_list_id", String(64), nullable=False),
    Column("source_entry", Integer, nullable=False),
    Column("source_unit", Integer, nullable=False),
    Column("source_document", String(200)),
    # Withheld: why, and the application or proposal that already covers it.
    Column("reason", String(40)),
    Column("covered_by", JSONB),
    # Confirmed: the application filed; declined: the enterprise's reason.
    Column("application_id", String(64)),
    Column("decline_reason", String(2000)),
    Column("decided_by", String(200)),
    Column("proposed_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Who read which confidential fields (shared/read_log.py): append-only, not from the log.
read_log = read_log_table(metadata)

# Requests counted per caller and window, shared by the instances (shared/http/rate_limits.py).
rate_limit = rate_limit_table(metadata)
