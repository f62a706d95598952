"""HTTP request and response bodies of the applications API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.contracts.values import Claim, Contact, Enterprise, Evidence, Yuan

from ..domain.application import Filing
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
    budget_yuan: Annotated[Yuan, Field(gt=0)]
    enterprise_cap_yuan: Annotated[Yuan, Field(gt=0)] | None = Field(
        default=None, description="defaults to the policy's enterprise cap"
    )
    policy_version: Annotated[str, Field(min_length=1, max_length=40)] | None = Field(
        default=None, description="defaults to the newest policy version; pinned at creation"
    )


class AmendmentRequest(Body):
    """The corrected application, replacing what was returned."""

    enterprise: Enterprise
    claim: Claim
    evidence: list[Evidence] = Field(max_length=50)
    contact: Contact
    credit_code_exception: bool = Field(
        default=False,
        description="the credit code is genuine though it fails its checksum (some early "
        "codes do); a reviewer must accept it explicitly",
    )

    def filing(self) -> Filing:
        return Filing(
            enterprise=self.enterprise,
            claim=self.claim,
            evidence=self.evidence,
            contact=self.contact,
            credit_code_exception=self.credit_code_exception,
        )


class ApplicationRequest(AmendmentRequest):
    """An enterprise's application for one achievement."""

    round_id: str


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
    submitted_via: str | None = Field(
        description="the municipal platform that filed it; null when the enterprise did"
    )
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
    applications_by_category: dict[str, int]
    applications_by_industry: dict[str, int]
    awarded_total_yuan: int
