"""What an applicant is told about each step of their application."""

from __future__ import annotations

from shared.contracts import Contract
from shared.contracts.applications import (
    ApplicationAmended,
    ApplicationReviewed,
    ApplicationSubmitted,
    ApplicationWithdrawn,
)
from shared.contracts.scoring import ApplicationAwarded, ApplicationNotAwarded, ApplicationScored


def subject_for(event: Contract) -> str | None:
    """The message subject for an event the applicant should know about; None otherwise."""
    if isinstance(event, ApplicationSubmitted):
        return f"Application {event.application_id} received"
    if isinstance(event, ApplicationAmended):
        return f"Amended application {event.application_id} received"
    if isinstance(event, ApplicationReviewed):
        wording = {
            "eligible": "found eligible",
            "ineligible": f"found not eligible ({event.reason_code})",
            "returned": "returned to you for amendment",
        }[event.decision]
        return f"Application {event.application_id} {wording}"
    if isinstance(event, ApplicationWithdrawn):
        return f"Application {event.application_id} withdrawn"
    if isinstance(event, ApplicationScored):
        return (
            f"Application {event.application_id} scored: claim of {event.claimed_amount_yuan} yuan"
        )
    if isinstance(event, ApplicationAwarded):
        return f"Application {event.application_id} awarded {event.amount_yuan} yuan"
    if isinstance(event, ApplicationNotAwarded):
        return f"Application {event.application_id} not awarded ({event.reason_code})"
    return None
