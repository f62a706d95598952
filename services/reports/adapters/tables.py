"""The reports service's database: its inbox, and the reporting facts (one row per
application and per round) that the topics decide, rebuilt from the log alike. Its event
table stays empty: the service decides nothing, it only counts."""

from sqlalchemy import BigInteger, Boolean, Column, DateTime, Integer, String, Table

from shared.db import backbone_tables, new_metadata
from shared.http.rate_limits import rate_limit_table

metadata = new_metadata()
backbone = backbone_tables(metadata)


def _text(name: str, length: int) -> Column[str]:
    # Any event may make the row, so every column has a value before its own event comes.
    return Column(name, String(length), nullable=False, server_default="")


def _yuan(name: str) -> Column[int]:
    return Column(name, BigInteger, nullable=False, server_default="0")


def _moment(name: str) -> Column[object]:
    return Column(name, DateTime(timezone=True))


report_application = Table(
    "report_application",
    metadata,
    Column("application_id", String(64), primary_key=True),
    Column("round_id", String(64), nullable=False, server_default="", index=True),
    _text("credit_code", 18),
    _text("enterprise_name", 500),
    _text("industry", 500),
    _text("industry_code", 6),
    _text("category", 40),
    _text("level", 40),
    Column("review", String(20)),
    Column("ineligible_reason", String(80)),
    Column("withdrawn", Boolean, nullable=False, server_default="false"),
    Column("outcome", String(20)),
    Column("not_awarded_reason", String(80)),
    _yuan("claimed_yuan"),
    _yuan("proposed_yuan"),
    _yuan("final_yuan"),
    _yuan("paid_yuan"),
    _yuan("recovered_yuan"),
    _moment("submitted_at"),
    _moment("reviewed_at"),
    _moment("scored_at"),
    _moment("final_at"),
    _moment("paid_at"),
)

report_round = Table(
    "report_round",
    metadata,
    Column("round_id", String(64), primary_key=True),
    _text("name", 500),
    Column("year", Integer, nullable=False, server_default="0", index=True),
    _yuan("budget_yuan"),
    _yuan("enterprise_cap_yuan"),
    _text("policy_version", 40),
    _moment("closed_at"),
    _moment("finalised_at"),
)

# Requests counted per caller and window, shared by the instances (shared/http/rate_limits.py).
rate_limit = rate_limit_table(metadata)
