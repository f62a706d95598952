"""The reporting facts: one row per application and per round, as the changes leave
them. The reports service keeps them in PostgreSQL; `Facts` applies the same changes in
memory, for the auditor and for tests."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any

from .changes import Change


@dataclass(frozen=True)
class ApplicationFacts:
    """What the report needs of one application. Money is whole yuan."""

    application_id: str
    round_id: str = ""
    credit_code: str = ""
    enterprise_name: str = ""
    industry: str = ""
    industry_code: str = ""  # GB/T 4754-2017, the register's; "" in older filings
    category: str = ""
    level: str = ""
    # eligible or ineligible (the latest decision); None before any
    review: str | None = None
    ineligible_reason: str | None = None
    withdrawn: bool = False
    # awarded, not_awarded, withdrawn (an award taken back); None before allocation
    outcome: str | None = None
    not_awarded_reason: str | None = None
    claimed_yuan: int = 0
    proposed_yuan: int = 0
    final_yuan: int = 0
    paid_yuan: int = 0
    recovered_yuan: int = 0
    submitted_at: datetime | None = None
    reviewed_at: datetime | None = None
    scored_at: datetime | None = None
    final_at: datetime | None = None
    paid_at: datetime | None = None


@dataclass(frozen=True)
class RoundFacts:
    """What the report needs of one round."""

    round_id: str
    name: str = ""
    year: int = 0
    budget_yuan: int = 0
    enterprise_cap_yuan: int = 0
    policy_version: str = ""
    closed_at: datetime | None = None
    finalised_at: datetime | None = None


APPLICATION_COLUMNS = tuple(f.name for f in fields(ApplicationFacts))
ROUND_COLUMNS = tuple(f.name for f in fields(RoundFacts))


def applied(row: Any, change: Change) -> Any:
    """The row (an ApplicationFacts or RoundFacts) with the change applied."""
    values: dict[str, Any] = dict(change.set)
    for name, amount in change.add.items():
        values[name] = getattr(row, name) + amount
    for name, moment in change.earliest.items():
        now = getattr(row, name)
        values[name] = moment if now is None else min(now, moment)
    return replace(row, **values)


class Facts:
    """Every application's and round's facts, folded from changes in memory."""

    def __init__(self) -> None:
        self.applications: dict[str, ApplicationFacts] = {}
        self.rounds: dict[str, RoundFacts] = {}

    def apply(self, change: Change) -> None:
        if change.table == "application":
            row: Any = self.applications.get(change.key) or ApplicationFacts(change.key)
            self.applications[change.key] = applied(row, change)
        else:
            row = self.rounds.get(change.key) or RoundFacts(change.key)
            self.rounds[change.key] = applied(row, change)
