"""An application's own lifecycle: submission, amendment, review, withdrawal."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from shared.contracts import Contract
from shared.contracts.applications import (
    ApplicationAmended,
    ApplicationReviewed,
    ApplicationSubmitted,
    ApplicationWithdrawn,
)
from shared.contracts.values import Claim, Contact, Enterprise, Evidence

from .credit_code import credit_code_problem
from .errors import InvalidInput, NotAllowedNow
from .rounds import FundingRound

Decision = Literal["eligible", "ineligible", "returned"]
INELIGIBILITY_REASONS = frozenset(
    {
        "dishonesty_list",
        "major_accident",
        "evidence_missing",
        "outside_period",
        "not_in_district",
        "duplicate_claim",
        "lapsed",
        "other",
    }
)


@dataclass(frozen=True)
class Application:
    """What the applications service itself knows, folded from its own events."""

    id: str
    round_id: str
    stage: Literal["submitted", "returned", "eligible", "ineligible", "withdrawn"]

    @classmethod
    def replay(cls, events: Iterable[Contract]) -> Application:
        state: Application | None = None
        for event in events:
            state = _evolve(state, event)
        if state is None:
            raise ValueError("an application stream starts with ApplicationSubmitted")
        return state

    def review(
        self, decision: Decision, reason_code: str | None, note: str, accept_credit_code: bool
    ) -> ApplicationReviewed:
        if self.stage != "submitted":
            raise NotAllowedNow(
                "decision", "awaiting_review", f"application is {self.stage}, not awaiting review"
            )
        if decision == "ineligible" and reason_code not in INELIGIBILITY_REASONS:
            raise InvalidInput(
                "reason_code",
                "known_reason",
                f"ineligible needs a reason code, one of {sorted(INELIGIBILITY_REASONS)}",
            )
        if decision == "returned" and not note.strip():
            raise InvalidInput("note", "required", "say what the applicant must fix")
        return ApplicationReviewed(
            application_id=self.id,
            round_id=self.round_id,
            decision=decision,
            reason_code=reason_code if decision == "ineligible" else None,
            note=note,
            credit_code_exception_accepted=accept_credit_code,
        )

    def amend(
        self,
        enterprise: Enterprise,
        claim: Claim,
        evidence: list[Evidence],
        contact: Contact,
        round_: FundingRound,
    ) -> ApplicationAmended:
        if self.stage != "returned":
            raise NotAllowedNow(
                "application_id", "returned_only", "only a returned application can be amended"
            )
        check_claim(enterprise, claim, evidence, round_)
        return ApplicationAmended(
            application_id=self.id,
            enterprise=enterprise,
            claim=claim,
            evidence=evidence,
            contact=contact,
        )

    def withdraw(self, reason: str, awarded: bool) -> ApplicationWithdrawn:
        if self.stage == "withdrawn":
            raise NotAllowedNow(
                "application_id", "not_withdrawn", "application is already withdrawn"
            )
        if awarded:
            raise NotAllowedNow(
                "application_id", "not_awarded", "an awarded application cannot be withdrawn"
            )
        return ApplicationWithdrawn(application_id=self.id, round_id=self.round_id, reason=reason)


def submit(
    application_id: str,
    round_: FundingRound,
    enterprise: Enterprise,
    claim: Claim,
    evidence: list[Evidence],
    contact: Contact,
) -> ApplicationSubmitted:
    check_claim(enterprise, claim, evidence, round_)
    return ApplicationSubmitted(
        application_id=application_id,
        round_id=round_.id,
        policy_version=round_.policy_version,
        enterprise=enterprise,
        claim=claim,
        evidence=evidence,
        contact=contact,
    )


def check_claim(
    enterprise: Enterprise, claim: Claim, evidence: list[Evidence], round_: FundingRound
) -> None:
    problem = credit_code_problem(enterprise.credit_code)
    if problem:
        rule, _, message = problem.partition(": ")
        raise InvalidInput("enterprise.credit_code", rule, message)
    if not evidence:
        raise InvalidInput("evidence", "required", "attach at least one evidence document")
    field, achieved_on = _achievement_date(claim)
    if achieved_on is not None and not round_.period_start <= achieved_on <= round_.period_end:
        raise InvalidInput(
            f"claim.{field}",
            "within_round_period",
            f"{achieved_on} is outside the period {round_.period_start} to {round_.period_end} "
            "this round covers",
        )


def _achievement_date(claim: Claim) -> tuple[str, date | None]:
    if claim.category == "standard":
        return "published_on", claim.published_on
    if claim.category == "pilot_project":
        return "accepted_on", claim.accepted_on
    if claim.category == "standard_adoption":
        return "adopted_on", claim.adopted_on
    return "year", None


def _evolve(state: Application | None, event: Contract) -> Application:
    if isinstance(event, ApplicationSubmitted):
        return Application(event.application_id, event.round_id, "submitted")
    assert state is not None, f"{event.event_type} before ApplicationSubmitted"
    if isinstance(event, ApplicationAmended):
        return Application(state.id, state.round_id, "submitted")
    if isinstance(event, ApplicationReviewed):
        return Application(state.id, state.round_id, event.decision)
    if isinstance(event, ApplicationWithdrawn):
        return Application(state.id, state.round_id, "withdrawn")
    return state
