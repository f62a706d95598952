"""What program officers, applicants and reviewers ask the applications service to do."""

from __future__ import annotations

from dataclasses import dataclass

from .domain.application import Decision, Filing
from .domain.lead import LeadDecision
from .domain.rounds import RoundTerms


@dataclass(frozen=True)
class OpenRound(RoundTerms):
    """Open a funding round on these terms (the domain's own type: it knows no commands)."""


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
