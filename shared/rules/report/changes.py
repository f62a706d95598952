"""What an event changes in the reporting facts: one row per application and one per
round. A change names the columns it sets, adds to, or lowers to an earlier moment, never
a whole row, so that the three topics, read in parallel and in any order relative to
each other, arrive at the same facts: each column is written by events of one topic,
where the order is the log's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from shared.contracts import Contract
from shared.contracts.applications import (
    ApplicationAmended,
    ApplicationReviewed,
    ApplicationSubmitted,
    ApplicationWithdrawn,
    RoundClosed,
    RoundOpened,
)
from shared.contracts.payments import PaymentSucceeded, RepaymentRecorded
from shared.contracts.publicity import AwardFinalised, RoundFinalised
from shared.contracts.scoring import (
    ApplicationAwarded,
    ApplicationNotAwarded,
    ApplicationScored,
    ProposedAwardWithdrawn,
)
from shared.contracts.values import Claim
from shared.envelope import Envelope

Table = Literal["application", "round"]

# A quality-brand title's level is the government that confers it.
_BRAND_LEVEL = {
    "china_quality_award": "national",
    "mayor_quality_award": "municipal",
    "district_quality_award": "district",
}


@dataclass(frozen=True)
class Change:
    """Set `set`, add `add` to what is there, and keep the earliest of `earliest`."""

    table: Table
    key: str
    set: dict[str, Any] = field(default_factory=dict)
    add: dict[str, int] = field(default_factory=dict)
    earliest: dict[str, datetime] = field(default_factory=dict)


def claim_level(claim: Claim) -> str:
    """The level a claim is reported under: the standard's or project's own; a title's
    conferring government; `adoption` for an adopted international standard."""
    if claim.category == "quality_brand":
        return _BRAND_LEVEL[claim.award]
    if claim.category == "standard_adoption":
        return "adoption"
    return claim.level


def _who(event: ApplicationSubmitted | ApplicationAmended) -> dict[str, Any]:
    return {
        "credit_code": event.enterprise.credit_code,
        "enterprise_name": event.enterprise.name,
        "industry": event.enterprise.industry,
        "industry_code": event.enterprise.industry_code or "",
        "category": event.claim.category,
        "level": claim_level(event.claim),
    }


def _app(key: str, **kinds: Any) -> list[Change]:
    return [Change("application", key, **kinds)]


def _submitted(e: Envelope, event: ApplicationSubmitted) -> list[Change]:
    values = {"round_id": event.round_id, **_who(event)}
    return _app(event.application_id, set=values, earliest={"submitted_at": e.occurred_at})


def _amended(_: Envelope, event: ApplicationAmended) -> list[Change]:
    return _app(event.application_id, set=_who(event))


def _reviewed(e: Envelope, event: ApplicationReviewed) -> list[Change]:
    if event.decision == "returned":
        return []  # not a decision on eligibility: the applicant amends and it comes back
    reason = event.reason_code if event.decision == "ineligible" else None
    # The latest decision stands (an upheld objection reviews again); the time to review
    # is to the first.
    values = {"round_id": event.round_id, "review": event.decision, "ineligible_reason": reason}
    return _app(event.application_id, set=values, earliest={"reviewed_at": e.occurred_at})


def _withdrawn(_: Envelope, event: ApplicationWithdrawn) -> list[Change]:
    return _app(event.application_id, set={"round_id": event.round_id, "withdrawn": True})


def _scored(e: Envelope, event: ApplicationScored) -> list[Change]:
    values = {"round_id": event.round_id, "claimed_yuan": event.claimed_amount_yuan}
    return _app(event.application_id, set=values, earliest={"scored_at": e.occurred_at})


def _awarded(_: Envelope, event: ApplicationAwarded) -> list[Change]:
    values = {"outcome": "awarded", "proposed_yuan": event.amount_yuan, "not_awarded_reason": None}
    return _app(event.application_id, set={"round_id": event.round_id, **values})


def _not_awarded(_: Envelope, event: ApplicationNotAwarded) -> list[Change]:
    values = {"outcome": "not_awarded", "proposed_yuan": 0, "not_awarded_reason": event.reason_code}
    return _app(event.application_id, set={"round_id": event.round_id, **values})


def _award_withdrawn(_: Envelope, event: ProposedAwardWithdrawn) -> list[Change]:
    values = {"outcome": "withdrawn", "proposed_yuan": 0, "not_awarded_reason": None}
    return _app(event.application_id, set={"round_id": event.round_id, **values})


def _final(e: Envelope, event: AwardFinalised) -> list[Change]:
    values = {"round_id": event.round_id, "final_yuan": event.amount_yuan}
    return _app(event.application_id, set=values, earliest={"final_at": e.occurred_at})


def _paid(_: Envelope, event: PaymentSucceeded) -> list[Change]:
    # The time to payment is to the first money moved: a later tranche waits on the
    # enterprise's milestone, not on the office.
    add = {"paid_yuan": event.amount_yuan}
    return _app(event.application_id, add=add, earliest={"paid_at": event.paid_at})


def _repaid(_: Envelope, event: RepaymentRecorded) -> list[Change]:
    return _app(event.application_id, add={"recovered_yuan": event.amount_yuan})


def _opened(_: Envelope, event: RoundOpened) -> list[Change]:
    values = {
        "name": event.name,
        "year": event.year,
        "budget_yuan": event.budget_yuan,
        "enterprise_cap_yuan": event.enterprise_cap_yuan,
        "policy_version": event.policy_version,
    }
    return [Change("round", event.round_id, set=values)]


def _closed(_: Envelope, event: RoundClosed) -> list[Change]:
    return [Change("round", event.round_id, earliest={"closed_at": event.closed_at})]


def _round_final(e: Envelope, event: RoundFinalised) -> list[Change]:
    return [Change("round", event.round_id, earliest={"finalised_at": e.occurred_at})]


CHANGES: dict[type[Contract], Callable[[Envelope, Any], list[Change]]] = {
    ApplicationSubmitted: _submitted,
    ApplicationAmended: _amended,
    ApplicationReviewed: _reviewed,
    ApplicationWithdrawn: _withdrawn,
    ApplicationScored: _scored,
    ApplicationAwarded: _awarded,
    ApplicationNotAwarded: _not_awarded,
    ProposedAwardWithdrawn: _award_withdrawn,
    AwardFinalised: _final,
    PaymentSucceeded: _paid,
    RepaymentRecorded: _repaid,
    RoundOpened: _opened,
    RoundClosed: _closed,
    RoundFinalised: _round_final,
}


def changes(envelope: Envelope, event: Contract) -> list[Change]:
    """What this event changes; nothing for events the report has no use for."""
    make = CHANGES.get(type(event))
    return make(envelope, event) if make else []
