"""HTTP bodies of the proposals API: what an enterprise is offered, and its answer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from shared.contracts.proposals import PriorClaim
from shared.contracts.values import Contact, Enterprise, Evidence

from .schemas import Body

ProposalState = Literal["open", "withheld", "confirmed", "declined", "lapsed"]


class ConfirmRequest(Body):
    """The enterprise's confirmation: where it is told of each step, and its evidence."""

    contact: Contact
    commitment: Evidence = Field(
        description="the signed authenticity commitment (承诺书), referenced like any "
        "evidence: a confirmation without it is refused"
    )
    evidence: list[Evidence] = Field(
        default=[], max_length=49, description="further documents, if the enterprise has any"
    )

    def documents(self) -> list[Evidence]:
        """What the application files as its evidence: the commitment first."""
        return [self.commitment, *self.evidence]


class DeclineRequest(Body):
    """Why the enterprise declines (optional)."""

    reason: Annotated[str, Field(max_length=2000)] = ""


class Source(BaseModel):
    list_id: str
    entry: int = Field(description="the entry's number in the list, from 1")
    unit: int = Field(description="the unit's place in the entry, from 0 (0 is the lead)")
    document: str | None = Field(description="the list's source document")
    entry_as_listed: dict[str, Any] | None = Field(
        default=None, description="the entry as the list gave it (on a single proposal)"
    )


class ProposalView(BaseModel):
    id: str
    round_id: str
    state: ProposalState
    credit_code: str
    enterprise: Enterprise | None = Field(
        description="as the register holds it; null for a proposal withheld"
    )
    claim: dict[str, Any] = Field(description="the claim pre-filled from the list's entry")
    policy_version: str | None
    source: Source
    reason: str | None = Field(description="withheld: already_claimed, _rewarded or _proposed")
    covered_by: PriorClaim | None = Field(description="withheld: what already covers it")
    application_id: str | None = Field(description="confirmed: the application filed")
    decline_reason: str | None
    proposed_at: datetime
    updated_at: datetime


class ProposalPage(BaseModel):
    items: list[ProposalView]
    next_after: str | None = Field(
        description="pass as `after` for the next page; null on the last"
    )
