"""What an applicant is told about each step of their application."""

from __future__ import annotations

from dataclasses import dataclass

from shared.contracts import Contract
from shared.contracts.applications import (
    ApplicationAmended,
    ApplicationReviewed,
    ApplicationSubmitted,
    ApplicationWithdrawn,
)
from shared.contracts.proposals import ApplicationProposed
from shared.contracts.publicity import (
    AwardFinalised,
    ObjectionDecided,
    ObjectionLodged,
    PublicityOpened,
    PublishedList,
    RoundFinalised,
)
from shared.contracts.scoring import (
    ApplicationAwarded,
    ApplicationNotAwarded,
    ApplicationScored,
    ProposedAwardWithdrawn,
)


@dataclass(frozen=True)
class Message:
    """A notification's words: a subject line and a sentence or two of summary."""

    subject: str
    summary: str


def message_for(event: Contract) -> Message | None:
    """The message for an event the applicant should know about; None otherwise."""
    if isinstance(event, ApplicationSubmitted):
        return Message(
            f"Application {event.application_id} received",
            f"Your application in round {event.round_id} was received and awaits review.",
        )
    if isinstance(event, ApplicationAmended):
        return Message(
            f"Amended application {event.application_id} received",
            "Your amended application was received and awaits review again.",
        )
    if isinstance(event, ApplicationReviewed):
        return _reviewed(event)
    if isinstance(event, ApplicationWithdrawn):
        return Message(
            f"Application {event.application_id} withdrawn",
            "Your application was withdrawn and will not be considered further.",
        )
    if isinstance(event, ApplicationScored):
        return Message(
            f"Application {event.application_id} scored: claim of {event.claimed_amount_yuan} yuan",
            f"Your application scored {event.score} points under policy "
            f"{event.policy_version}; the award follows when the round closes.",
        )
    if isinstance(event, ApplicationAwarded):
        return Message(
            f"Application {event.application_id} awarded {event.amount_yuan} yuan",
            f"The round's allocation funded your application with {event.amount_yuan} yuan "
            f"of the {event.claimed_amount_yuan} yuan claimed (rank {event.rank}).",
        )
    if isinstance(event, ApplicationNotAwarded):
        return Message(
            f"Application {event.application_id} not awarded ({event.reason_code})",
            f"The round's allocation did not fund your application: {event.note}",
        )
    return _after_allocation(event)


def _after_allocation(event: Contract) -> Message | None:
    """Publicity, objections and the final decision, as the applicant hears of them.
    Who objected is never said."""
    if isinstance(event, ObjectionLodged):
        return Message(
            f"Objection to application {event.application_id}",
            "An objection to your proposed award was lodged during its publicity period; a "
            "reviewer will decide it.",
        )
    if isinstance(event, ObjectionDecided):
        outcome = (
            "dismissed: your proposed award stands"
            if event.decision == "dismissed"
            else "upheld: your application goes back to review"
        )
        return Message(
            f"Objection to application {event.application_id} {event.decision}",
            f"The objection was {outcome}. {event.reasons}",
        )
    if isinstance(event, ProposedAwardWithdrawn):
        return Message(
            f"Proposed award of application {event.application_id} withdrawn",
            f"The proposed award of {event.withdrawn_yuan} yuan was withdrawn after the "
            "application was found not eligible on its second review.",
        )
    if isinstance(event, AwardFinalised):
        return Message(
            f"Award of application {event.application_id} final: {event.amount_yuan} yuan",
            f"The award of {event.amount_yuan} yuan is final; the finance bureau pays it.",
        )
    return None


def _reviewed(event: ApplicationReviewed) -> Message:
    subject, summary = {
        "eligible": ("found eligible", "It will now be scored under the round's policy."),
        "ineligible": (
            f"found not eligible ({event.reason_code})",
            f"It was found not eligible ({event.reason_code}). {event.note}".strip(),
        ),
        "returned": (
            "returned to you for amendment",
            f"Please amend and resubmit it. {event.note}".strip(),
        ),
    }[event.decision]
    return Message(f"Application {event.application_id} {subject}", summary)


def email_text(summary: str, application_id: str) -> str:
    """The plain-text body of a notification email."""
    return (
        f"{summary}\n\n"
        f"Application: {application_id}\n"
        "The status and history of your application are on the municipal platform.\n"
    )


def objector_message_for(event: Contract) -> Message | None:
    """What an objector is told: that the objection was received, and how it was decided.
    Nothing of the application beyond its id and what the list published."""
    if isinstance(event, ObjectionLodged):
        return Message(
            f"Objection {event.objection_id} received",
            f"Your objection to application {event.application_id} in round "
            f"{event.round_id} was received; a reviewer will decide it.",
        )
    if isinstance(event, ObjectionDecided):
        outcome = (
            "dismissed: the proposed award stands"
            if event.decision == "dismissed"
            else "upheld: the application goes back to review"
        )
        return Message(
            f"Objection {event.objection_id} {event.decision}",
            f"Your objection to application {event.application_id} was {outcome}. {event.reasons}",
        )
    return None


def proposal_message(event: ApplicationProposed) -> Message:
    """What an enterprise (and a portal that serves enterprises) is told of a proposal:
    what is claimed for it, from which list, and how to answer."""
    claim = event.claim
    if claim.category == "standard":
        what = f"the {claim.role} drafting of standard {claim.standard_number}"
    elif claim.category == "quality_brand":
        what = f"the {claim.year} {claim.award} ({claim.tier})"
    elif claim.category == "pilot_project":
        what = f"the {claim.level} pilot project {claim.project_name}"
    else:
        what = f"the adoption of {claim.international_standard}"
    answer = f"/v1/proposals/{event.proposal_id}"
    return Message(
        f"Application proposed to {event.enterprise.name}: proposal {event.proposal_id}",
        f"Official list {event.source.list_id} ({event.source_document}) names "
        f"{event.enterprise.name} ({event.enterprise.credit_code}) for {what}. An "
        f"application to round {event.round_id} is pre-filled: confirm it with your contact "
        f"and the signed authenticity commitment ({answer}/confirm), or decline it "
        f"({answer}/decline), before the round closes.",
    )


def round_message_for(event: Contract) -> Message | None:
    """What a portal that mirrors a round's published list is told: where to read it.
    And what a portal serving enterprises is told of each proposal."""
    if isinstance(event, ApplicationProposed):
        return proposal_message(event)
    if isinstance(event, PublishedList):
        listed = f"/v1/public/rounds/{event.round_id}/list"
        if isinstance(event, PublicityOpened):
            return Message(
                f"Proposed awards of round {event.round_id} published for objections",
                f"{len(event.entries)} proposed awards, {event.total_yuan} yuan in all, in "
                f"publicity until {event.ends_at.isoformat()} (digest {event.digest}); the "
                f"list: {listed}",
            )
        return Message(
            f"Published list of round {event.round_id} revised (revision {event.revision})",
            f"After an upheld objection the round was allocated again: {len(event.entries)} "
            f"proposed awards, {event.total_yuan} yuan (digest {event.digest}); the list: "
            f"{listed}",
        )
    if isinstance(event, RoundFinalised):
        return Message(
            f"Awards of round {event.round_id} final",
            f"{len(event.awards)} awards, {event.total_yuan} yuan in all, are final.",
        )
    return None
