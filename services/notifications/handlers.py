"""Recording the notifications due for every lifecycle event the applicant should hear of.

Nothing is sent here: the consumer's transaction only records `pending` rows, and the
delivery loop (delivery_loop.py) sends them after commit. Which channels apply is settled so
that event order across the two topics does not matter: every notifying event gets an
email row at once, whose address is looked up when it is sent; and once the platform
that filed the application is known, every email row of that application gets a twin
for each webhook that platform registered for its event type, whether the event came
before or after the submission.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts import Contract
from shared.contracts.applications import (
    ApplicationAmended,
    ApplicationReviewed,
    ApplicationSubmitted,
    ApplicationWithdrawn,
)
from shared.contracts.publicity import (
    AwardFinalised,
    ObjectionDecided,
    ObjectionLodged,
    PublicityOpened,
    PublishedListRevised,
    RoundFinalised,
)
from shared.contracts.scoring import (
    ApplicationAwarded,
    ApplicationNotAwarded,
    ApplicationScored,
    ProposedAwardWithdrawn,
)
from shared.envelope import Envelope

from .adapters import recording
from .domain.messages import message_for, objector_message_for, round_message_for

# The events someone is told of (domain/messages.py), from both topics: the AsyncAPI
# document shows them as the subscriber's message.
CONSUMES: tuple[type[Contract], ...] = (
    ApplicationSubmitted,
    ApplicationAmended,
    ApplicationReviewed,
    ApplicationWithdrawn,
    ApplicationScored,
    ApplicationAwarded,
    ApplicationNotAwarded,
    ProposedAwardWithdrawn,
    PublicityOpened,
    PublishedListRevised,
    ObjectionLodged,
    ObjectionDecided,
    RoundFinalised,
    AwardFinalised,
)


async def on_events(session: AsyncSession, events: Sequence[tuple[Envelope, Contract]]) -> None:
    """Remember where to reach each applicant, and record the notifications due, in a
    few statements for all the events.

    The same as recording the events one at a time, because each step only adds or
    overwrites by key in event order, and webhook twins follow from the final rows
    whenever they are made.
    """
    recipients: list[recording.Recipient] = []
    objectors: list[recording.Objector] = []
    emails: list[recording.Email] = []
    for envelope, event in events:
        if isinstance(event, ObjectionLodged):
            objectors.append(
                recording.Objector(event.objection_id, event.application_id, event.objector.email)
            )
        if isinstance(event, ObjectionLodged | ObjectionDecided) and (
            told := objector_message_for(event)
        ):
            target = recording.objector_target(event.objection_id)
            emails.append(recording.Email(envelope, told, target))
        if isinstance(event, ApplicationSubmitted | ApplicationAmended):
            via = event.submitted_via if isinstance(event, ApplicationSubmitted) else None
            # contact.webhook_url stays in the events, never posted to: not kept here.
            recipients.append(recording.Recipient(envelope.aggregate_id, event.contact.email, via))
        if (message := message_for(event)) is not None:
            emails.append(recording.Email(envelope, message))
    rounds = [
        recording.Email(envelope, told)
        for envelope, event in events
        if (told := round_message_for(event)) is not None
    ]
    await recording.record_round_webhooks(session, rounds)
    concerned = sorted(
        {r.application_id for r in recipients} | {e.envelope.aggregate_id for e in emails}
    )
    if not concerned:
        return
    await recording.lock_applications(session, concerned)
    await recording.remember_recipients(session, recipients)
    await recording.remember_objectors(session, objectors)
    await recording.record_emails(session, emails)
    await recording.extend_to_webhooks(session, concerned)
