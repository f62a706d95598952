"""Recording a notification for every lifecycle event the applicant should hear of."""

from __future__ import annotations

from uuid import uuid4

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts import Contract
from shared.contracts.applications import ApplicationAmended, ApplicationSubmitted
from shared.envelope import Envelope

from .adapters.tables import notification, recipient
from .domain.messages import subject_for


async def on_event(session: AsyncSession, envelope: Envelope, event: Contract) -> None:
    """Remember where to reach the applicant, and record the notifications due."""
    if isinstance(event, ApplicationSubmitted | ApplicationAmended):
        values = {"email": event.contact.email, "webhook_url": event.contact.webhook_url}
        await session.execute(
            insert(recipient)
            .values(application_id=event.application_id, **values)
            .on_conflict_do_update(index_elements=[recipient.c.application_id], set_=values)
        )
    subject = subject_for(event)
    if subject is None:
        return
    channels = ["email"]
    webhook = await session.scalar(
        select(recipient.c.webhook_url).where(recipient.c.application_id == envelope.aggregate_id)
    )
    if webhook:
        channels.append("webhook")
    for channel in channels:
        await session.execute(
            insert(notification)
            .values(
                id=uuid4(),
                event_id=envelope.event_id,
                application_id=envelope.aggregate_id,
                event_type=envelope.event_type,
                channel=channel,
                subject=subject,
                status="recorded",
            )
            .on_conflict_do_nothing()
        )
