"""HTTP request and response bodies of the applications API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from shared.contracts import values
from shared.contracts.values import Claim, Contact, Evidence, Yuan
from shared.http.dates import CalendarDate
from shared.http.timestamps import Timestamp
from shared.rules.industries import industry_code_problem
from shared.rules.status import AwardStage, Status

from ..domain.application import Filing


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RoundRequest(Body):
    """A funding round to open."""

    name: Annotated[str, Field(min_length=1, max_length=200)]
    year: int = Field(ge=2000, le=2100)
    opens_at: Timestamp
    closes_at: Timestamp
    period_start: CalendarDate
    period_end: CalendarDate
    budget_yuan: Annotated[Yuan, Field(gt=0)]
    enterprise_cap_yuan: Annotated[Yuan, Field(gt=0)] | None = Field(
        default=None, description="defaults to the policy's enterprise cap"
    )
    policy_version: Annotated[str, Field(min_length=1, max_length=40)] | None = Field(
        default=None, description="defaults to the newest policy version; pinned at creation"
    )
    publicity_days: int | None = Field(
        default=None,
        ge=1,
        le=30,
        description="how long proposed awards are published for objections (policy default 5)",
    )
    publicity_day_kind: Literal["working", "calendar"] | None = Field(
        default=None,
        description="working days of the official Chinese calendar (the policy default) or "
        "calendar days",
    )


# The claims carry the contracts' names, so that the API's schema, and clients generated
# from it, keep them; what the API adds is that a day is sent as YYYY-MM-DD only (the
# events' own parsing stays as it was, so every event recorded still reads).
class QualityBrandClaim(values.QualityBrandClaim):
    """A quality-brand title the enterprise won or was nominated for, and when."""

    conferred_on: CalendarDate = Field(
        description="the day the title was conferred: it must fall in the round's period"
    )


class StandardClaim(values.StandardClaim):
    """A standard the enterprise led or joined the drafting of."""

    published_on: CalendarDate


class PilotProjectClaim(values.PilotProjectClaim):
    """A standardization pilot or demonstration project that passed acceptance."""

    accepted_on: CalendarDate


class StandardAdoptionClaim(values.StandardAdoptionClaim):
    """An international or advanced foreign standard adopted in products or services."""

    adopted_on: CalendarDate


# The contract's name, as QualityBrandClaim's: what the API adds is the classification.
class Enterprise(values.Enterprise):
    """The applying enterprise, identified by its unified social credit code."""

    industry_code: str | None = Field(
        default=None,
        description="its industry in GB/T 4754-2017 (GET /v1/register/industries): a section "
        "letter and 2 to 4 digits, e.g. G5930. Where the district's register holds the "
        "enterprise, the register's code is recorded (another code is refused, "
        "`matches_register`); a policy that names priority industries by code (2026.4 on) "
        "gives their points only to a filing with a code",
        examples=["G5930"],
    )

    @field_validator("industry_code")
    @classmethod
    def _in_the_classification(cls, value: str | None) -> str | None:
        problem = industry_code_problem(value) if value is not None else None
        if problem is not None:
            raise PydanticCustomError(*problem)
        return value

    def recorded(self) -> values.Enterprise:
        """As its event records it (the contract's own type)."""
        return values.Enterprise.model_validate(self.model_dump())


# What a filing claims: the contracts' claims, with what a new filing must say besides.
ClaimFiling = Annotated[
    QualityBrandClaim | StandardClaim | PilotProjectClaim | StandardAdoptionClaim,
    Field(discriminator="category"),
]


class AmendmentRequest(Body):
    """The corrected application, replacing what was returned."""

    enterprise: Enterprise
    claim: ClaimFiling
    evidence: list[Evidence] = Field(max_length=50)
    contact: Contact
    credit_code_exception: bool = Field(
        default=False,
        description="the credit code is genuine though it fails its checksum (some early "
        "codes do); a reviewer must accept it explicitly",
    )

    def filing(self) -> Filing:
        return Filing(
            enterprise=self.enterprise.recorded(),
            claim=_recorded(self.claim),
            evidence=self.evidence,
            contact=self.contact,
            credit_code_exception=self.credit_code_exception,
        )


_CONTRACT_OF: dict[type[Claim], type[Claim]] = {
    QualityBrandClaim: values.QualityBrandClaim,
    StandardClaim: values.StandardClaim,
    PilotProjectClaim: values.PilotProjectClaim,
    StandardAdoptionClaim: values.StandardAdoptionClaim,
}


def _recorded(claim: Claim) -> Claim:
    """The claim as its event records it (the contract's own type, not the request's)."""
    contract = _CONTRACT_OF.get(type(claim))
    return claim if contract is None else contract.model_validate(claim.model_dump())


class ApplicationRequest(AmendmentRequest):
    """An enterprise's application for one achievement."""

    round_id: str


class ReviewRequest(Body):
    """A reviewer's decision on eligibility."""

    decision: Literal["eligible", "ineligible", "returned"]
    reason_code: str | None = None
    note: Annotated[str, Field(max_length=2000)] = ""
    accept_credit_code: bool = False
    lead_decision: Literal["confirmed_lead", "participant"] | None = Field(
        default=None,
        description="for a claim to lead a standard that other enterprises already claim "
        "to lead: whether this one is paid as lead (required then, refused otherwise)",
    )


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
    award_stage: AwardStage | None = Field(
        description="for an awarded application: proposed, in_publicity (objections are "
        "taken) or final"
    )
    reason_code: str | None = Field(
        description="why it is not (or no longer) awarded: the review's or the allocation's "
        "reason code"
    )
    reason: str | None = Field(description="the same in words")
    open_objections: int = Field(description="objections lodged and not yet decided")
    proposal_id: str | None = Field(
        default=None,
        description="the proposal from an official list it was confirmed from; null when "
        "the enterprise applied of its own accord",
    )
    source: ProposalSource | None = Field(
        default=None, description="for one filed from a proposal: the list unit it came from"
    )


class ProposalSource(BaseModel):
    """The official list's unit a proposal (and the application filed from it) came from."""

    list_id: str
    entry: int
    unit: int
    document: str | None


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
    publicity_days: int
    publicity_day_kind: Literal["working", "calendar"]
    publicity_ends_at: datetime | None
    finalised_at: datetime | None
    closed_at: datetime | None
    applications_by_status: dict[str, int]
    applications_by_category: dict[str, int]
    applications_by_industry: dict[str, int]
    awarded_total_yuan: int


class RegisterCopyView(BaseModel):
    """A register load as intake's copy holds it: from now on filings are held to it."""

    load_id: str
    loaded_by: str
    rows: int
    accepted: int
    rejected: int
    accepted_at: datetime = Field(description="when the register service took the load")
