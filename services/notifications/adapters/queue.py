"""The notification table as a work queue: claim what is due, log attempts, settle."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ..domain.delivery import PARKED, PENDING, SENT, Attempted
from .tables import delivery_attempt, notification, recipient


@dataclass(frozen=True)
class Due:
    """A claimed notification with what is known now of where it goes."""

    id: UUID
    event_id: UUID
    application_id: str
    event_type: str
    occurred_at: datetime
    channel: str
    subject: str
    summary: str
    attempts: int
    recipient_waits: int
    email: str | None
    webhook_url: str | None


async def claim_due(session: AsyncSession) -> Due | None:
    """Lock the notification due first, skipping those another worker holds."""
    n = notification
    row = (
        await session.execute(
            select(
                n.c.id,
                n.c.event_id,
                n.c.application_id,
                n.c.event_type,
                n.c.occurred_at,
                n.c.channel,
                n.c.subject,
                n.c.summary,
                n.c.attempts,
                n.c.recipient_waits,
                recipient.c.email,
                recipient.c.webhook_url,
            )
            .outerjoin(recipient, recipient.c.application_id == n.c.application_id)
            # The database's clock, the one that stamped due_at on rows the consumer wrote.
            .where(n.c.status == PENDING, n.c.due_at <= func.now())
            .order_by(n.c.due_at)
            .limit(1)
            .with_for_update(of=n, skip_locked=True)
        )
    ).first()
    return Due(**row._mapping) if row else None


async def log_attempt(
    session: AsyncSession,
    notification_id: UUID,
    attempt: int,
    started_at: datetime,
    finished_at: datetime,
    result: Attempted,
) -> None:
    await session.execute(
        delivery_attempt.insert().values(
            notification_id=notification_id,
            attempt=attempt,
            started_at=started_at,
            finished_at=finished_at,
            outcome=SENT if result.ok else "failed",
            error=result.error,
            reply=result.reply,
            http_status=result.http_status,
        )
    )


async def settle(session: AsyncSession, notification_id: UUID, **values: Any) -> None:
    """Set a claimed notification's status, counters and times."""
    await session.execute(
        update(notification).where(notification.c.id == notification_id).values(**values)
    )


async def sent(session: AsyncSession, notification_id: UUID, attempts: int, at: datetime) -> None:
    await settle(session, notification_id, status=SENT, attempts=attempts, sent_at=at)


async def parked(session: AsyncSession, notification_id: UUID, attempts: int, error: str) -> None:
    await settle(session, notification_id, status=PARKED, attempts=attempts, last_error=error)


async def retry_parked(session: AsyncSession, notification_id: UUID) -> bool:
    """Put a parked notification back to pending, due now, counters reset; False if it
    is not parked."""
    result = await session.execute(
        update(notification)
        .where(notification.c.id == notification_id, notification.c.status == PARKED)
        .values(status=PENDING, attempts=0, recipient_waits=0, due_at=func.now())
        .returning(notification.c.id)
    )
    return result.first() is not None
