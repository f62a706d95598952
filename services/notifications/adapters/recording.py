"""What the consumer writes: recipients and the notifications due, in its transaction."""

from __future__ import annotations

from sqlalchemy import String, any_, cast, func, literal, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.envelope import Envelope

from ..domain.delivery import PENDING
from ..domain.messages import Message
from .tables import notification, recipient, webhook


async def lock_application(session: AsyncSession, application_id: str) -> None:
    """Serialise this transaction with others about the same application until commit.

    The two topics are consumed concurrently; without this, a scoring event's email row
    and the ApplicationSubmitted that names a webhook could each miss the other.
    """
    await session.execute(
        select(func.pg_advisory_xact_lock(func.hashtextextended(application_id, 0)))
    )


async def remember_recipient(
    session: AsyncSession,
    application_id: str,
    email: str,
    webhook_url: str | None,
    platform: str | None,
) -> None:
    """The application's contact; its platform only from the submission (an amendment
    does not name it, and leaves it as it was)."""
    new = insert(recipient).values(
        application_id=application_id, email=email, webhook_url=webhook_url, platform=platform
    )
    await session.execute(
        new.on_conflict_do_update(
            index_elements=[recipient.c.application_id],
            set_={
                "email": new.excluded.email,
                "webhook_url": new.excluded.webhook_url,
                "platform": func.coalesce(new.excluded.platform, recipient.c.platform),
            },
        )
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
    """Give each of the application's email notifications a twin for every webhook its
    platform had registered, for that event type, when the event occurred.

    Comparing with the event's time, not this transaction's, makes the result the same
    whichever topic is consumed first, and the same again in a rebuild.
    """
    email = notification.alias("email")
    twins = (
        select(
            func.gen_random_uuid(),
            email.c.event_id,
            email.c.application_id,
            email.c.event_type,
            email.c.occurred_at,
            literal("webhook"),
            cast(webhook.c.id, String),
            email.c.subject,
            email.c.summary,
            literal(PENDING),
        )
        .join(recipient, recipient.c.application_id == email.c.application_id)
        .join(webhook, webhook.c.platform == recipient.c.platform)
        .where(
            email.c.application_id == application_id,
            email.c.channel == "email",
            email.c.event_type == any_(webhook.c.event_types),
            webhook.c.created_at <= email.c.occurred_at,
            or_(webhook.c.deleted_at.is_(None), webhook.c.deleted_at > email.c.occurred_at),
        )
    )
    columns = [
        "id",
        "event_id",
        "application_id",
        "event_type",
        "occurred_at",
        "channel",
        "target",
        "subject",
        "summary",
        "status",
    ]
    await session.execute(insert(notification).from_select(columns, twins).on_conflict_do_nothing())
