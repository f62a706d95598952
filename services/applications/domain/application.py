"""An application's own lifecycle: submission, amendment, review, lapse, withdrawal."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

from shared.contracts import Contract
from shared.contracts.applications import (
    ApplicationAmended,
    ApplicationReviewed,
    ApplicationSubmitted,
    ApplicationWithdrawn,
)
from shared.contracts.publicity import ObjectionDecided, ObjectionLodged, Objector
from shared.contracts.values import Claim, Evidence

from .errors import InvalidInput, NotAllowedNow
from .filing import Filing as Filing  # re-exported: commands, routes, tests import it here
from .intake_rules import check_claim
from .lead import NO_LEAD_DISPUTE, LeadReview, check_lead
from .rounds import FundingRound

Decision = Literal["eligible", "ineligible", "returned"]
Stage = Literal["submitted", "returned", "eligible", "ineligible", "withdrawn", "reopened"]
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
LAPSE_NOTE = "returned for amendment and not resubmitted before the round closed"


@dataclass(frozen=True)
class Application:
    """What the applications service itself knows, folded from its own events."""

    id: str
    round_id: str
    stage: Stage
    credit_code_exception_requested: bool = False
    open_objections: frozenset[str] = frozenset()
    claims_lead: bool = False

    @classmethod
    def replay(cls, events: Iterable[Contract]) -> Application:
        state: Application | None = None
        for event in events:
            state = _evolve(state, event)
        if state is None:
            raise ValueError("an application stream starts with ApplicationSubmitted")
        return state

    def review(
        self,
        decision: Decision,
        reason_code: str | None,
        note: str,
        accept_credit_code: bool,
        lead: LeadReview = NO_LEAD_DISPUTE,
    ) -> ApplicationReviewed:
        if self.stage not in ("submitted", "reopened"):
            raise NotAllowedNow(
                "decision", "awaiting_review", f"application is {self.stage}, not awaiting review"
            )
        if self.stage == "reopened" and decision == "returned":
            raise InvalidInput(
                "decision",
                "eligible_or_ineligible",
                "an application sent back to review by an objection after the round closed "
                "cannot be amended: find it eligible or ineligible",
            )
        if decision == "ineligible" and reason_code not in INELIGIBILITY_REASONS - {"lapsed"}:
            known = sorted(INELIGIBILITY_REASONS - {"lapsed"})
            raise InvalidInput(
                "reason_code", "known_reason", f"ineligible needs a reason code, one of {known}"
            )
        if decision == "returned" and not note.strip():
            raise InvalidInput("note", "required", "say what the applicant must fix")
        if (
            decision == "eligible"
            and self.credit_code_exception_requested
            and not accept_credit_code
        ):
            raise InvalidInput(
                "accept_credit_code",
                "exception_needs_acceptance",
                "the credit code fails its checksum: accept it explicitly to find it eligible",
            )
        lead_decision = check_lead(decision, self.claims_lead, lead)
        return ApplicationReviewed(
            application_id=self.id,
            round_id=self.round_id,
            decision=decision,
            reason_code=reason_code if decision == "ineligible" else None,
            note=note,
            credit_code_exception_accepted=accept_credit_code
            and self.credit_code_exception_requested,
            lead_decision=lead_decision,
            lead_disputed_by=list(lead.rivals) if lead_decision else [],
        )

    def lapse(self) -> ApplicationReviewed | None:
        """At closing, a returned application becomes ineligible; others are untouched."""
        if self.stage != "returned":
            return None
        return ApplicationReviewed(
            application_id=self.id,
            round_id=self.round_id,
            decision="ineligible",
            reason_code="lapsed",
            note=LAPSE_NOTE,
        )

    def amend(self, filing: Filing, round_: FundingRound) -> ApplicationAmended:
        if self.stage != "returned":
            raise NotAllowedNow(
                "application_id", "returned_only", "only a returned application can be amended"
            )
        check_claim(filing, round_)
        return ApplicationAmended(
            application_id=self.id,
            enterprise=filing.enterprise,
            claim=filing.claim,
            evidence=filing.evidence,
            contact=filing.contact,
            credit_code_exception_requested=filing.credit_code_exception,
        )

    def object_to(
        self,
        objection_id: str,
        objector: Objector,
        grounds: str,
        evidence: list[Evidence],
    ) -> ObjectionLodged:
        """Anyone may object, by name, to an application in the published list."""
        if self.stage in ("withdrawn", "ineligible"):
            raise NotAllowedNow(
                "application_id",
                "in_published_list",
                f"application {self.id} is {self.stage}: it is not in the published list",
            )
        return ObjectionLodged(
            objection_id=objection_id,
            application_id=self.id,
            round_id=self.round_id,
            objector=objector,
            grounds=grounds,
            evidence=evidence,
        )

    def decide_objection(
        self, objection_id: str, decision: Literal["dismissed", "upheld"], reasons: str
    ) -> ObjectionDecided:
        """A reviewer's decision; upheld sends the application back to review."""
        if objection_id not in self.open_objections:
            raise NotAllowedNow(
                "objection_id",
                "objection_open",
                f"objection {objection_id} of application {self.id} is not open",
            )
        if not reasons.strip():
            raise InvalidInput("reasons", "required", "say why the objection is decided so")
        return ObjectionDecided(
            objection_id=objection_id,
            application_id=self.id,
            round_id=self.round_id,
            decision=decision,
            reasons=reasons,
        )

    def withdraw(self, reason: str, decided: bool) -> ApplicationWithdrawn:
        """`decided`: the round's allocation has already awarded or refused it."""
        if self.stage in ("withdrawn", "ineligible") or decided:
            raise NotAllowedNow(
                "application_id",
                "still_open",
                f"an application that is {self.stage if not decided else 'decided'} "
                "cannot be withdrawn",
            )
        return ApplicationWithdrawn(application_id=self.id, round_id=self.round_id, reason=reason)


def submit(
    application_id: str,
    round_: FundingRound,
    filing: Filing,
    submitted_via: str | None = None,
    proposal_id: str | None = None,
) -> ApplicationSubmitted:
    """`submitted_via` names the municipal platform that filed it; None if filed directly.
    `proposal_id`: the proposal it was confirmed from; None if applied for unprompted."""
    check_claim(filing, round_)
    return ApplicationSubmitted(
        application_id=application_id,
        round_id=round_.id,
        policy_version=round_.policy_version,
        enterprise=filing.enterprise,
        claim=filing.claim,
        evidence=filing.evidence,
        contact=filing.contact,
        credit_code_exception_requested=filing.credit_code_exception,
        submitted_via=submitted_via,
        proposal_id=proposal_id,
    )


def _evolve(state: Application | None, event: Contract) -> Application:
    if isinstance(event, ApplicationSubmitted):
        return Application(
            event.application_id,
            event.round_id,
            "submitted",
            event.credit_code_exception_requested,
            claims_lead=_claims_lead(event.claim),
        )
    assert state is not None, f"{event.event_type} before ApplicationSubmitted"
    if isinstance(event, ApplicationAmended):
        return replace(
            state,
            stage="submitted",
            credit_code_exception_requested=event.credit_code_exception_requested,
            claims_lead=_claims_lead(event.claim),
        )
    if isinstance(event, ApplicationReviewed):
        return replace(state, stage=event.decision)
    if isinstance(event, ApplicationWithdrawn):
        return replace(state, stage="withdrawn")
    if isinstance(event, ObjectionLodged):
        return replace(state, open_objections=state.open_objections | {event.objection_id})
    if isinstance(event, ObjectionDecided):
        return replace(
            state,
            open_objections=state.open_objections - {event.objection_id},
            stage="reopened" if event.decision == "upheld" else state.stage,
        )
    return state


def _claims_lead(claim: Claim) -> bool:
    return claim.category == "standard" and claim.role == "lead"
