"""Events the applications service emits: rounds opened and closed, applications
submitted, amended, reviewed and withdrawn."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar, Literal

from pydantic import AwareDatetime, Field

from shared.contracts.base import Contract
from shared.contracts.values import Claim, Contact, Enterprise, Evidence, Yuan


class RoundOpened(Contract):
    """A funding round was created with its window, budget, cap and pinned policy."""

    aggregate_type: ClassVar[str] = "round"

    round_id: str
    name: str
    year: int
    opens_at: AwareDatetime
    closes_at: AwareDatetime
    period_start: date
    period_end: date
    budget_yuan: Yuan
    enterprise_cap_yuan: Yuan
    policy_version: str
    # How long the proposed awards are published for objections, in working days of the
    # official calendar or in calendar days. Defaults read a round opened before either.
    publicity_days: int = Field(default=5, ge=1, le=30)
    publicity_day_kind: Literal["working", "calendar"] = "working"

    def aggregate_id(self) -> str:
        return self.round_id


class RoundClosed(Contract):
    """Intake ended; carries what allocation needs, including every application in it."""

    aggregate_type: ClassVar[str] = "round"

    round_id: str
    year: int
    closed_at: datetime
    budget_yuan: Yuan
    enterprise_cap_yuan: Yuan
    policy_version: str
    application_ids: list[str]
    # Each application's stream version when the round closed. Application events travel
    # on other partitions than the round's: allocation waits until scoring has seen each
    # application at least this far, so nothing decided before the closing is missed.
    application_versions: dict[str, int] = {}

    def aggregate_id(self) -> str:
        return self.round_id


class ApplicationSubmitted(Contract):
    """An enterprise applied for a reward in a round under the round's pinned policy."""

    aggregate_type: ClassVar[str] = "application"

    application_id: str
    round_id: str
    policy_version: str
    enterprise: Enterprise
    claim: Claim
    evidence: list[Evidence]
    contact: Contact
    # The applicant says the credit code is genuine though it fails the checksum (some
    # early codes do); only a reviewer's explicit acceptance makes it eligible.
    credit_code_exception_requested: bool = False
    # The municipal platform (its token's subject) that filed it; None when the enterprise
    # filed directly. Optional, so version 1 still reads every payload written before it.
    submitted_via: str | None = None
    # The proposal (from an official list) the enterprise confirmed; None when it applied
    # of its own accord. The proposal's events name the list entry it came from.
    proposal_id: str | None = None

    def aggregate_id(self) -> str:
        return self.application_id


class ApplicationAmended(Contract):
    """The applicant corrected an application that was returned to them."""

    aggregate_type: ClassVar[str] = "application"

    application_id: str
    enterprise: Enterprise
    claim: Claim
    evidence: list[Evidence]
    contact: Contact
    credit_code_exception_requested: bool = False

    def aggregate_id(self) -> str:
        return self.application_id


class ApplicationReviewed(Contract):
    """A reviewer decided on eligibility, with a reason code where not eligible."""

    aggregate_type: ClassVar[str] = "application"

    application_id: str
    round_id: str
    decision: Literal["eligible", "ineligible", "returned"]
    reason_code: str | None = None
    note: str = ""
    credit_code_exception_accepted: bool = False
    # A standard has one lead drafter: when other enterprises had already claimed to lead
    # the same standard, the reviewer decided whether this one is paid as lead.
    lead_decision: Literal["confirmed_lead", "participant"] | None = None
    lead_disputed_by: list[str] = []

    def aggregate_id(self) -> str:
        return self.application_id


class ApplicationWithdrawn(Contract):
    """The applicant withdrew an application before it was awarded."""

    aggregate_type: ClassVar[str] = "application"

    application_id: str
    round_id: str
    reason: str = ""

    def aggregate_id(self) -> str:
        return self.application_id


# Everything the applications service publishes, in the order of an application's life.
PUBLISHED: tuple[type[Contract], ...] = (
    RoundOpened,
    RoundClosed,
    ApplicationSubmitted,
    ApplicationAmended,
    ApplicationReviewed,
    ApplicationWithdrawn,
)
