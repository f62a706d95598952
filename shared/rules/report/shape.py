"""The report as the API answers it and the exports lay it out. Money is whole yuan;
durations are whole seconds."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict


class Line(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Scope(Line):
    """Which report: a round's or a year's, and the filters on its applications."""

    kind: Literal["round", "year"]
    round_id: str | None = None
    year: int
    category: str | None = None
    level: str | None = None


class RoundLine(Line):
    round_id: str
    name: str
    year: int
    budget_yuan: int
    enterprise_cap_yuan: int
    policy_version: str
    closed_at: datetime | None
    finalised_at: datetime | None


class Money(Line):
    """Applications counted, and what they claimed (as priced by scoring), were proposed
    (the latest allocation), were awarded finally, were paid and was recovered."""

    applications: int
    claimed_yuan: int
    proposed_yuan: int
    final_yuan: int
    paid_yuan: int
    recovered_yuan: int


class CategoryLevelLine(Money):
    category: str
    level: str


class IndustryLine(Line):
    """Awards (proposed or final above zero) to enterprises of one industry."""

    industry: str
    priority: bool
    awards: int
    proposed_yuan: int
    final_yuan: int
    paid_yuan: int


class PriorityLine(Line):
    """Awards to enterprises of one of the policy's priority industries."""

    priority_industry: str
    awards: int
    proposed_yuan: int
    final_yuan: int


class ReasonLine(Line):
    code: str
    applications: int


class StepLine(Line):
    """One step of the process: how many applications took it, and its median time."""

    step: Literal["submission_to_review", "review_to_score", "close_to_final", "final_to_paid"]
    applications: int
    median_seconds: int | None


class RecipientLine(Line):
    """An enterprise's awards across the year (final where final, else proposed),
    against the enterprise cap (the lowest of the year's rounds)."""

    credit_code: str
    enterprise_name: str
    awarded_yuan: int
    final_yuan: int
    paid_yuan: int
    cap_yuan: int
    headroom_yuan: int


class Report(Line):
    """The office's report of a round or a year."""

    scope: Scope
    rounds: list[RoundLine]
    budget_yuan: int
    totals: Money
    by_category_level: list[CategoryLevelLine]
    by_industry: list[IndustryLine]
    by_priority_industry: list[PriorityLine]
    ineligibility_reasons: list[ReasonLine]
    non_award_reasons: list[ReasonLine]
    steps: list[StepLine]
    largest_recipients: list[RecipientLine]
