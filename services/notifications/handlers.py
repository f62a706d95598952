"""Recording the notifications due for every lifecycle event the applicant should hear of.

Nothing is sent here: the consumer's transaction only records `pending` rows, and the
delivery loop (delivery_loop.py) sends them after commit. Which channels apply is settled so
that event order across the topics does not matter: every notifying event gets an
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
from shared.contracts.payments import (
    AwardRevoked,
    ClawbackSettled,
    PaymentFailed,
    PaymentInstructed,
    PaymentSucceeded,
)
from shared.contracts.proposals import ApplicationProposed
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

from .adapters import broadcasts, recording, tranches
from .domain.messages import (
    Message,
    message_for,
    objector_message_for,
    proposal_message,
    round_message_for,
)
from .domain.payment_messages import Tranche, payment_message_for, tranche_of

# The events someone is told of (domain/messages.py, payment_messages.py), from the three
# topics (an instruction only to remember its tranche): the AsyncAPI
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
    PaymentInstructed,
    PaymentSucceeded,
    PaymentFailed,
    AwardRevoked,
    ClawbackSettled,
    ApplicationProposed,
)


async def on_events(session: AsyncSession, events: Sequence[tuple[Envelope, Contract]]) -> None:
    """Remember where to reach each applicant, and record the notifications due, in a
    few statements for all the events.

    The same as recording the events one at a time, because each step only adds or
    overwrites by key in event order, and webhook twins follow from the final rows
    whenever they are made.
    """
    known = await _tranches(session, events)
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
            recipients.append(
                recording.Recipient(
                    envelope.aggregate_id,
                    event.contact.email,
                    via,
                    event.enterprise.credit_code,
                    envelope.occurred_at,
                )
            )
        if (message := _message_for(event, known)) is not None:
            emails.append(recording.Email(envelope, message))
    rounds = [
        recording.Email(envelope, told)
        for envelope, event in events
        if (told := round_message_for(event)) is not None
    ]
    await broadcasts.record_round_webhooks(session, rounds)
    concerned = sorted(
        {r.application_id for r in recipients} | {e.envelope.aggregate_id for e in emails}
    )
    if concerned:
        await recording.record(session, concerned, recipients, objectors, emails)
        await recording.extend_to_webhooks(session, concerned)
    await _tell_enterprises(
        session, [(e, ev) for e, ev in events if isinstance(ev, ApplicationProposed)]
    )


async def _tell_enterprises(
    session: AsyncSession, proposed: Sequence[tuple[Envelope, ApplicationProposed]]
) -> None:
    """E-mail each proposal to the contact of its enterprise's most recent application, if
    qsfund has one (after this batch's own: a contact given in it counts). The proposal
    is remembered as its own recipient, so that its e-mail is sent like any other."""
    contacts = await broadcasts.latest_contacts(
        session, sorted({event.enterprise.credit_code for _, event in proposed})
    )
    told = [
        (envelope, event, contacts[event.enterprise.credit_code])
        for envelope, event in proposed
        if event.enterprise.credit_code in contacts
    ]
    if not told:
        return
    await recording.remember_recipients(
        session, [recording.Recipient(e.aggregate_id, email, None) for e, _, email in told]
    )
    await recording.record_emails(
        session, [recording.Email(e, proposal_message(event)) for e, event, _ in told]
    )


async def _tranches(
    session: AsyncSession, events: Sequence[tuple[Envelope, Contract]]
) -> dict[str, Tranche]:
    """Remember the batch's payment instructions, then read those its outcomes answer.
    An award's events share a partition, so its instruction is remembered before its
    outcome is read, in this batch or an earlier one."""
    instructed = [tranche_of(e) for _, e in events if isinstance(e, PaymentInstructed)]
    await tranches.remember_tranches(session, instructed)
    answered = [
        e.instruction_id for _, e in events if isinstance(e, PaymentSucceeded | PaymentFailed)
    ]
    return await tranches.tranches(session, answered)


def _message_for(event: Contract, known: dict[str, Tranche]) -> Message | None:
    if isinstance(event, PaymentSucceeded | PaymentFailed):
        return payment_message_for(event, known.get(event.instruction_id))
    return message_for(event) or payment_message_for(event)
