"""What program officers, applicants and reviewers ask the applications service to do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from shared.contracts.publicity import DayKind

from .domain.application import Decision, Filing
from .domain.lead import LeadDecision


@dataclass(frozen=True)
class OpenRound:
    name: str
    year: int
    opens_at: datetime
    closes_at: datetime
    period_start: date
    period_end: date
    budget_yuan: int
    enterprise_cap_yuan: int | None
    policy_version: str | None
    publicity_days: int | None = None
    publicity_day_kind: DayKind | None = None


@dataclass(frozen=True)
class SubmitApplication:
    round_id: str
    filing: Filing


@dataclass(frozen=True)
class AmendApplication:
    application_id: str
    filing: Filing


@dataclass(frozen=True)
class ReviewApplication:
    application_id: str
    decision: Decision
    reason_code: str | None
    note: str
    accept_credit_code: bool
    lead_decision: LeadDecision | None = None


@dataclass(frozen=True)
class WithdrawApplication:
    application_id: str
    reason: str
