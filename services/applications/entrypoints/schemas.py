"""HTTP request and response bodies of the applications API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.contracts.values import Claim, Contact, Enterprise, Evidence

from ..domain.status import Status


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RoundRequest(Body):
    """A funding round to open."""

    name: Annotated[str, Field(min_length=1, max_length=200)]
    year: int = Field(ge=2000, le=2100)
    opens_at: AwareDatetime
    closes_at: AwareDatetime
    period_start: date
    period_end: date
    budget_yuan: int = Field(gt=0)
    enterprise_cap_yuan: int = Field(default=1_000_000, gt=0)
    policy_version: Annotated[str, Field(min_length=1, max_length=40)] = "2026.1"


class ApplicationRequest(Body):
    """An enterprise's application for one achievement."""

    round_id: str
    enterprise: Enterprise
    claim: Claim
    evidence: list[Evidence] = Field(max_length=50)
    contact: Contact


class AmendmentRequest(Body):
    """The corrected application, replacing what was returned."""

    enterprise: Enterprise
    claim: Claim
    evidence: list[Evidence] = Field(max_length=50)
    contact: Contact


class ReviewRequest(Body):
    """A reviewer's decision on eligibility."""

    decision: Literal["eligible", "ineligible", "returned"]
    reason_code: str | None = None
    note: Annotated[str, Field(max_length=2000)] = ""
    accept_credit_code: bool = False


class WithdrawalRequest(Body):
    """Why the applicant withdraws."""

    reason: Annotated[str, Field(max_length=2000)] = ""


class Created(BaseModel):
    id: str


class ApplicationView(BaseModel):
    id: str
    round_id: str
    credit_code: str
    enterprise_name: str
    industry: str
    category: str
    status: Status
    claimed_amount_yuan: int | None
    awarded_amount_yuan: int | None
    score: int | None
    submitted_at: datetime
    updated_at: datetime


class HistoryEntry(BaseModel):
    event_id: UUID
    event_type: str
    source: str
    aggregate_version: int
    occurred_at: datetime
    actor_id: str
    actor_role: str
    payload: dict[str, Any]


class RoundView(BaseModel):
    id: str
    name: str
    year: int
    opens_at: datetime
    closes_at: datetime
    period_start: date
    period_end: date
    budget_yuan: int
    enterprise_cap_yuan: int
    policy_version: str
    status: Literal["open", "closed"]
    closed_at: datetime | None
    applications_by_status: dict[str, int]
    awarded_total_yuan: int


class ProblemItem(BaseModel):
    field: str
    rule: str
    message: str


class Problem(BaseModel):
    title: str
    status: int
    errors: list[ProblemItem]
