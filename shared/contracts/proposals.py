"""Events of the applications service about proposals (issue 17, part 2): the
pre-filled applications it offers an enterprise that an official list names, for each
open round whose period covers the achievement. A proposal is one stream (aggregate type
`proposal`): it is made or withheld, then confirmed (which files an application naming
the proposal), declined, or lapses when its round closes."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from shared.contracts.base import Contract
from shared.contracts.lists import UnitRef
from shared.contracts.values import Claim, Enterprise, Value


class ProposalEvent(Contract):
    aggregate_type: ClassVar[str] = "proposal"

    proposal_id: str
    round_id: str

    def aggregate_id(self) -> str:
        return self.proposal_id


class ApplicationProposed(ProposalEvent):
    """A pre-filled application offered to an enterprise: its record from the register,
    the claim the list entry makes for it, and the unit of the list it comes from."""

    policy_version: str
    enterprise: Enterprise
    claim: Claim
    source: UnitRef
    source_document: str


class PriorClaim(Value):
    """What already covers an achievement: an application (claimed, or rewarded) or an
    earlier proposal still open or confirmed."""

    kind: Literal["application", "proposal"]
    id: str
    state: Literal["claimed", "rewarded", "proposed", "confirmed"]


class ProposalWithheld(ProposalEvent):
    """No proposal was made for a unit in a round, and why: the same achievement is
    already claimed or rewarded at that level or higher (`covered_by` says by what)."""

    credit_code: str
    claim: Claim
    source: UnitRef
    reason: Literal["already_claimed", "already_rewarded", "already_proposed"]
    covered_by: PriorClaim


class ProposalConfirmed(ProposalEvent):
    """The enterprise (or its platform) confirmed: `application_id` is the application
    filed from the proposal, which goes to review like any other."""

    application_id: str
    confirmed_by: str


class ProposalDeclined(ProposalEvent):
    """The enterprise (or its platform) declined the proposal."""

    declined_by: str
    reason: str = Field(default="", max_length=2000)


class ProposalLapsed(ProposalEvent):
    """The round closed with the proposal neither confirmed nor declined."""


PUBLISHED: tuple[type[Contract], ...] = (
    ApplicationProposed,
    ProposalWithheld,
    ProposalConfirmed,
    ProposalDeclined,
    ProposalLapsed,
)
