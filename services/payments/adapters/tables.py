"""The payments service's database: its event store and inbox, the awards and
instructions as the log says they are (the projection), and two tables the log does
not decide: the payee accounts enterprises register, and the calls owed to the bureau."""

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Integer,
    String,
    Table,
    Text,
)

from shared.db import backbone_tables, new_metadata
from shared.http.rate_limits import rate_limit_table
from shared.read_log import read_log_table

metadata = new_metadata()
backbone = backbone_tables(metadata)

# One row per application the payments service has heard of, from its submission: who
# it is (for the payee check and scoping), and, once awarded and final, what is paid.
award = Table(
    "award",
    metadata,
    Column("application_id", String(64), primary_key=True),
    Column("round_id", String(64), nullable=False, index=True),
    Column("credit_code", String(18), nullable=False, index=True),
    Column("category", String(40), nullable=False),
    Column("submitted_via", String(200)),
    # From ApplicationAwarded: the policy whose payment terms split the award.
    Column("policy_version", String(40)),
    # From AwardFinalised: what the finance bureau may pay, and when it became final.
    Column("final_award_yuan", BigInteger),
    Column("finalised_at", DateTime(timezone=True)),
    # awarded_pending (not final), awaiting_account, paying, paid, revoked, settled
    Column("stage", String(20), nullable=False, server_default="submitted"),
    Column("paid_yuan", BigInteger, nullable=False, server_default="0"),
    Column("due_back_yuan", BigInteger, nullable=False, server_default="0"),
    Column("repaid_yuan", BigInteger, nullable=False, server_default="0"),
    Column("milestones", Text, nullable=False, server_default=""),
    Column("revocation_reason", String(40)),
    Column("revocation_reference", String(200)),
    Column("revoked_at", DateTime(timezone=True)),
)

instruction = Table(
    "instruction",
    metadata,
    Column("instruction_id", String(60), primary_key=True),
    Column("application_id", String(64), nullable=False, index=True),
    Column("tranche", Integer, nullable=False),
    Column("amount_yuan", BigInteger, nullable=False),
    Column("account_name", String(200), nullable=False),
    Column("account_number", String(30), nullable=False),
    Column("cnaps_code", String(12), nullable=False),
    Column("reissue_of", String(60)),
    # instructed, accepted, paid, failed, cancelled
    Column("status", String(20), nullable=False),
    Column("bureau_reference", String(200)),
    Column("bank_reference", String(200)),
    Column("failure_reason", String(40)),
    Column("failure_message", String(500)),
    Column("instructed_at", DateTime(timezone=True), nullable=False),
    Column("settled_at", DateTime(timezone=True)),
)

# Not from the log: the account an enterprise registered for its award. The instruction
# events carry the account each payment went to; this is only where the next one goes.
payee_account = Table(
    "payee_account",
    metadata,
    Column("application_id", String(64), primary_key=True),
    Column("credit_code", String(18), nullable=False),
    Column("account_name", String(200), nullable=False),
    Column("account_number", String(30), nullable=False),
    Column("bank_name", String(500), nullable=False),
    Column("cnaps_code", String(12), nullable=False),
    Column("registered_by", String(200), nullable=False),
    Column("registered_at", DateTime(timezone=True), nullable=False),
)

# Not from the log: the calls owed to the finance bureau, each retried with the same id
# until the bureau answers, then removed. A row is leased by pushing `next_try_at` past
# the call's timeout, so two instances never call at once.
bureau_call = Table(
    "bureau_call",
    metadata,
    Column("instruction_id", String(60), primary_key=True),
    Column("kind", String(10), primary_key=True),  # instruct, cancel
    Column("application_id", String(64), nullable=False),
    Column("first_tried_at", DateTime(timezone=True)),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_try_at", DateTime(timezone=True), nullable=False, index=True),
    # Set when the call needs a person: its retries ran out, or the bureau refused our
    # signature or saw a conflicting body. Parked calls are not tried again by themselves.
    Column("parked_at", DateTime(timezone=True)),
    Column("last_error", String(500)),
)

# Who read which confidential fields (shared/read_log.py): append-only, not from the log.
read_log = read_log_table(metadata)

# Requests counted per caller and window, shared by the instances (shared/http/rate_limits.py).
rate_limit = rate_limit_table(metadata)
