"""A standard has one lead drafter: the first unit its foreword names. When another
enterprise has already claimed to lead the same standard, a second claim is not paid as
lead on its word: the reviewer decides, and the decision is recorded with the review."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, NamedTuple

from .errors import InvalidInput, NotAllowedNow

LeadDecision = Literal["confirmed_lead", "participant"]


@dataclass(frozen=True)
class LeadReview:
    """What the reviewer decided of the lead role, and whose earlier lead claims to the
    same standard (other enterprises', still standing) made a decision necessary."""

    decision: LeadDecision | None = None
    rivals: tuple[str, ...] = ()


NO_LEAD_DISPUTE = LeadReview()


class LeadClaim(NamedTuple):
    """A claim to lead a standard, as far as the rule needs to know it."""

    application_id: str
    credit_code: str
    submitted_at: datetime
    review: str
    lead_decision: str | None


def rivals(own: LeadClaim, others: Iterable[LeadClaim]) -> tuple[str, ...]:
    """Earlier claims by other enterprises to lead the same standard, still standing:
    not withdrawn, not found ineligible, not decided a participant. Oldest first."""
    standing = [
        other
        for other in others
        if other.credit_code != own.credit_code
        and other.submitted_at < own.submitted_at
        and other.review not in ("ineligible", "withdrawn")
        and other.lead_decision != "participant"
    ]
    return tuple(c.application_id for c in sorted(standing, key=lambda c: c.submitted_at))


def check_lead(decision: str, claims_lead: bool, lead: LeadReview) -> LeadDecision | None:
    """The lead decision a finding of eligibility records; refused without one when the
    lead role is disputed, and refused for a claim that does not claim to lead."""
    if lead.decision is not None and not claims_lead:
        raise InvalidInput(
            "lead_decision",
            "lead_claims_only",
            "only a claim to lead the drafting of a standard takes a lead decision",
        )
    if decision != "eligible":
        return None
    if claims_lead and lead.rivals and lead.decision is None:
        raise NotAllowedNow(
            "lead_decision",
            "lead_disputed",
            f"application(s) {', '.join(lead.rivals)} of other enterprises already claim to "
            "lead this standard: decide 'confirmed_lead' (this enterprise leads it) or "
            "'participant' (paid as a participating drafter)",
        )
    return lead.decision
