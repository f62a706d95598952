"""Recording the notifications due for every lifecycle event the applicant should hear of.

Nothing is sent here: the consumer's transaction only records `pending` rows, and the
delivery loop (delivery.py) sends them after commit. Which channels apply is settled so
that event order across the two topics does not matter: every notifying event gets an
email row at once, whose address is looked up when it is sent; and once the platform
that filed the application is known, every email row of that application gets a twin
for each webhook that platform registered for its event type, whether the event came
before or after the submission.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts import Contract
from shared.contracts.applications import ApplicationAmended, ApplicationSubmitted
from shared.envelope import Envelope

from .adapters import recording
from .domain.messages import message_for


async def on_event(session: AsyncSession, envelope: Envelope, event: Contract) -> None:
    """Remember where to reach the applicant, and record the notifications due."""
    message = message_for(event)
    contact = (
        event.contact if isinstance(event, ApplicationSubmitted | ApplicationAmended) else None
    )
    if message is None and contact is None:
        return
    application_id = envelope.aggregate_id
    await recording.lock_application(session, application_id)
    if contact is not None:
        via = event.submitted_via if isinstance(event, ApplicationSubmitted) else None
        await recording.remember_recipient(
            session, application_id, contact.email, contact.webhook_url, via
        )
    if message is not None:
        await recording.record_email(session, envelope, message)
    await recording.extend_to_webhook(session, application_id)
