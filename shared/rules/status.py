"""The status a reader sees, derived from its parts: the review's stage (this service's
events), the allocation's outcome (the scoring service's) and whether the award is final.

Each part is kept in its own stream's order, so the status is the same whichever of the
two topics was read first (a rebuild reads them one after the other)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

Status = Literal[
    "submitted",
    "returned",
    "eligible",
    "ineligible",
    "scored",
    "under_review",
    "awarded",
    "not_awarded",
    "withdrawn",
]
Review = Literal["submitted", "returned", "eligible", "ineligible", "withdrawn", "reopened"]
Outcome = Literal["awarded", "not_awarded", "withdrawn"]
AwardStage = Literal["proposed", "in_publicity", "final"]
ListStage = Literal["in_publicity", "ended", "final"]


def derive_status(review: str, scored: bool, outcome: str | None, final: bool) -> Status:
    """A withdrawal or an ineligibility outweighs any allocation; an upheld objection puts
    the application back under review; otherwise the allocation's outcome speaks."""
    if review in ("withdrawn", "ineligible"):
        return review  # type: ignore[return-value]
    if review == "reopened":
        return "under_review"
    if final or outcome == "awarded":
        return "awarded"
    if outcome == "not_awarded":
        return "not_awarded"
    if scored and review == "eligible":
        return "scored"
    return review  # type: ignore[return-value]


def award_stage(
    status: str, final: bool, publicity_ends_at: datetime | None, now: datetime
) -> AwardStage | None:
    """How far an award has gone: proposed, in publicity (objections are taken), final.
    None for an application that is not awarded."""
    if status != "awarded":
        return None
    if final:
        return "final"
    if publicity_ends_at is not None and now < publicity_ends_at:
        return "in_publicity"
    return "proposed"


def list_stage(finalised: bool, publicity_ends_at: datetime, now: datetime) -> ListStage:
    """Where a published list stands: in publicity until its period ends, then ended,
    then final once the round's awards are."""
    if finalised:
        return "final"
    return "in_publicity" if now < publicity_ends_at else "ended"


class StatusParts:
    """The parts folded one event at a time, for a reader of the log (the auditor's as-of)."""

    def __init__(self) -> None:
        self.review, self.scored, self.final = "submitted", False, False
        self.outcome: str | None = None

    def after(self, event_type: str, payload: dict[str, object]) -> Status:
        if event_type in ("ApplicationSubmitted", "ApplicationAmended"):
            self.review = "submitted"
        elif event_type == "ApplicationReviewed":
            self.review = str(payload["decision"])
        elif event_type == "ApplicationWithdrawn":
            self.review = "withdrawn"
        elif event_type == "ObjectionDecided" and payload.get("decision") == "upheld":
            self.review = "reopened"
        elif event_type == "ApplicationScored":
            self.scored = True
        elif event_type in _OUTCOMES:
            self.outcome = _OUTCOMES[event_type]
        elif event_type == "AwardFinalised":
            self.final = True
        return derive_status(self.review, self.scored, self.outcome, self.final)


_OUTCOMES = {
    "ApplicationAwarded": "awarded",
    "ApplicationNotAwarded": "not_awarded",
    "ProposedAwardWithdrawn": "withdrawn",
}
