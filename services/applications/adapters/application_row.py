"""How one event changes an application's row: pure, so a batch of events is folded in
memory between one read and one write (projections.py)."""

from __future__ import annotations

from typing import Any

from shared.contracts import Contract
from shared.contracts.applications import (
    ApplicationAmended,
    ApplicationReviewed,
    ApplicationWithdrawn,
)
from shared.contracts.publicity import AwardFinalised, ObjectionDecided, ObjectionLodged
from shared.contracts.scoring import (
    ApplicationAwarded,
    ApplicationNotAwarded,
    ApplicationScored,
    ProposedAwardWithdrawn,
)
from shared.envelope import Envelope
from shared.policy import policy_version
from shared.rules.achievements import achievement_key
from shared.rules.claims import ClaimRecord

OUTCOMES = (ApplicationAwarded, ApplicationNotAwarded, ProposedAwardWithdrawn)


def fold(row: dict[str, Any], envelope: Envelope, event: Contract) -> None:
    """One event's change to an application's row."""
    if isinstance(event, ApplicationAmended):
        row |= {
            "credit_code": event.enterprise.credit_code,
            "enterprise_name": event.enterprise.name,
            "industry": event.enterprise.industry,
            "category": event.claim.category,
            "claim": event.claim.model_dump(mode="json"),
            "review": "submitted",
        }
        row["lead_key"] = lead_key(row["claim"], row["policy_version"])
    elif isinstance(event, ApplicationReviewed):
        # Ineligible on a second review, after an upheld objection: the round is to be
        # allocated again without it.
        row["awaiting_reallocation"] = (
            event.decision == "ineligible" and row["review"] == "reopened"
        )
        row["review"] = event.decision
        row["lead_decision"] = event.lead_decision
        if event.decision == "ineligible":
            row |= {"reason_code": event.reason_code, "reason": event.note}
    elif isinstance(event, ApplicationWithdrawn):
        row["review"] = "withdrawn"
    elif isinstance(event, ObjectionLodged):
        row["open_objections"] += 1
    elif isinstance(event, ObjectionDecided):
        row["open_objections"] -= 1
        if event.decision == "upheld":
            row["review"] = "reopened"
    elif isinstance(event, AwardFinalised):
        row["final"] = True
    elif isinstance(event, ApplicationScored):
        row |= {"claimed_amount_yuan": event.claimed_amount_yuan, "score": event.score}
    elif isinstance(event, OUTCOMES) and envelope.aggregate_version > row["outcome_version"]:
        _outcome(row, event)
        row["outcome_version"] = envelope.aggregate_version


def _outcome(row: dict[str, Any], event: Contract) -> None:
    if isinstance(event, ApplicationAwarded):
        row |= {
            "outcome": "awarded",
            "awarded_amount_yuan": event.amount_yuan,
            "reason_code": None,
            "reason": None,
        }
    elif isinstance(event, ApplicationNotAwarded):
        row |= {
            "outcome": "not_awarded",
            "awarded_amount_yuan": None,
            "reason_code": event.reason_code,
            "reason": event.note,
        }
    elif isinstance(event, ProposedAwardWithdrawn):
        row |= {"outcome": "withdrawn", "awarded_amount_yuan": None}
        # The second review's own reason says why, whichever topic was read first.
        if row["review"] != "ineligible":
            row |= {
                "reason_code": "award_withdrawn",
                "reason": f"the proposed award of {event.withdrawn_yuan} yuan was withdrawn",
            }


def lead_key(claim: ClaimRecord, version: str | None) -> str | None:
    """The standard a claim to lead one is about, keyed by its round's policy rules."""
    if claim["category"] != "standard" or claim["role"] != "lead" or not version:
        return None
    return achievement_key(claim, policy_version(version).achievement_rules)
