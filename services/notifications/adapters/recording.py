"""What the consumer writes: recipients and the notifications due, in its transaction."""

from __future__ import annotations

from sqlalchemy import func, literal, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.envelope import Envelope

from ..domain.delivery import PENDING
from ..domain.messages import Message
from .tables import notification, recipient


async def lock_application(session: AsyncSession, application_id: str) -> None:
    """Serialise this transaction with others about the same application until commit.

    The two topics are consumed concurrently; without this, a scoring event's email row
    and the ApplicationSubmitted that names a webhook could each miss the other.
    """
    await session.execute(
        select(func.pg_advisory_xact_lock(func.hashtextextended(application_id, 0)))
    )


async def remember_recipient(
    session: AsyncSession, application_id: str, email: str, webhook_url: str | None
) -> None:
    values = {"email": email, "webhook_url": webhook_url}
    await session.execute(
        insert(recipient)
        .values(application_id=application_id, **values)
        .on_conflict_do_update(index_elements=[recipient.c.application_id], set_=values)
    )


async def record_email(session: AsyncSession, envelope: Envelope, message: Message) -> None:
    await session.execute(
        insert(notification)
        .values(
            id=func.gen_random_uuid(),
            event_id=envelope.event_id,
            application_id=envelope.aggregate_id,
            event_type=envelope.event_type,
            occurred_at=envelope.occurred_at,
            channel="email",
            subject=message.subject,
            summary=message.summary,
            status=PENDING,
        )
        .on_conflict_do_nothing()
    )


async def extend_to_webhook(session: AsyncSession, application_id: str) -> None:
    """Give each of the application's email notifications a webhook twin, if it names one."""
    email = notification.alias("email")
    twins = (
        select(
            func.gen_random_uuid(),
            email.c.event_id,
            email.c.application_id,
            email.c.event_type,
            email.c.occurred_at,
            literal("webhook"),
            email.c.subject,
            email.c.summary,
            literal(PENDING),
        )
        .join(recipient, recipient.c.application_id == email.c.application_id)
        .where(
            email.c.application_id == application_id,
            email.c.channel == "email",
            recipient.c.webhook_url.is_not(None),
        )
    )
    columns = [
        "id",
        "event_id",
        "application_id",
        "event_type",
        "occurred_at",
        "channel",
        "subject",
        "summary",
        "status",
    ]
    await session.execute(insert(notification).from_select(columns, twins).on_conflict_do_nothing())
