"""A proposal's own lifecycle: made (or withheld), then confirmed, declined, or lapsed
when its round closes. Only an open proposal moves on."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

from shared.contracts import Contract
from shared.contracts.proposals import (
    ApplicationProposed,
    ProposalConfirmed,
    ProposalDeclined,
    ProposalLapsed,
    ProposalWithheld,
)
from shared.contracts.values import Claim, Enterprise

from .errors import NotAllowedNow

State = Literal["open", "withheld", "confirmed", "declined", "lapsed"]


@dataclass(frozen=True)
class Proposal:
    """What a confirmation needs: the round, the enterprise and its claim, the state."""

    id: str
    round_id: str
    state: State
    enterprise: Enterprise | None = None
    claim: Claim | None = None

    @classmethod
    def replay(cls, events: Iterable[Contract]) -> Proposal:
        state: Proposal | None = None
        for event in events:
            state = _evolve(state, event)
        if state is None:
            raise ValueError("a proposal stream starts with ApplicationProposed or withheld")
        return state

    def confirm(self, application_id: str, confirmed_by: str) -> ProposalConfirmed:
        self._refuse_unless_open("confirmed")
        return ProposalConfirmed(
            proposal_id=self.id,
            round_id=self.round_id,
            application_id=application_id,
            confirmed_by=confirmed_by,
        )

    def decline(self, declined_by: str, reason: str) -> ProposalDeclined:
        self._refuse_unless_open("declined")
        return ProposalDeclined(
            proposal_id=self.id, round_id=self.round_id, declined_by=declined_by, reason=reason
        )

    def lapse(self) -> ProposalLapsed | None:
        """At closing an open proposal lapses; others are untouched."""
        if self.state != "open":
            return None
        return ProposalLapsed(proposal_id=self.id, round_id=self.round_id)

    def _refuse_unless_open(self, wanted: str) -> None:
        if self.state != "open":
            raise NotAllowedNow(
                "proposal_id",
                "proposal_open",
                f"proposal {self.id} is {self.state}: only an open proposal can be {wanted}",
            )


def _evolve(state: Proposal | None, event: Contract) -> Proposal:
    if isinstance(event, ApplicationProposed):
        return Proposal(event.proposal_id, event.round_id, "open", event.enterprise, event.claim)
    if isinstance(event, ProposalWithheld):
        return Proposal(event.proposal_id, event.round_id, "withheld")
    assert state is not None, f"{event.event_type} before the proposal was made"
    if isinstance(event, ProposalConfirmed):
        return replace(state, state="confirmed")
    if isinstance(event, ProposalDeclined):
        return replace(state, state="declined")
    if isinstance(event, ProposalLapsed):
        return replace(state, state="lapsed")
    return state
