"""The notification table as a work queue: claim what is due, log attempts, settle."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import case, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ..domain.delivery import PARKED, PENDING, SENT, Attempted, Endpoint
from .tables import (
    delivery_attempt,
    notification,
    objector,
    recipient,
    webhook,
    webhook_secret,
)


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
    round_id: str | None
    email: str | None
    # The registered webhook a webhook notification goes to; None for email (and for
    # rows of the retired per-application URLs).
    endpoint: Endpoint | None = None
    # Its id: the associated data its sealed secrets open with.
    webhook_id: UUID | None = None


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
                n.c.target,
                n.c.round_id,
                # An objector's email goes to the objector (never, lacking its address, to
                # the applicant), any other to the applicant.
                case(
                    (n.c.target.startswith("objector:"), objector.c.email),
                    else_=recipient.c.email,
                ).label("email"),
            )
            .outerjoin(recipient, recipient.c.application_id == n.c.application_id)
            .outerjoin(objector, n.c.target == "objector:" + objector.c.objection_id)
            # The database's clock, the one that stamped due_at on rows the consumer wrote.
            .where(n.c.status == PENDING, n.c.due_at <= func.now())
            .order_by(n.c.due_at)
            .limit(1)
            .with_for_update(of=n, skip_locked=True)
        )
    ).first()
    if row is None:
        return None
    values = dict(row._mapping)
    target = values.pop("target")
    webhook_id = _webhook_id(target) if values["channel"] == "webhook" else None
    endpoint = await _endpoint(session, webhook_id) if webhook_id is not None else None
    return Due(**values, endpoint=endpoint, webhook_id=webhook_id)


def _webhook_id(target: str) -> UUID | None:
    try:
        return UUID(target)
    except ValueError:
        return None  # '': a retired per-application URL


async def _endpoint(session: AsyncSession, webhook_id: UUID) -> Endpoint | None:
    """The webhook as it is now, with the secrets valid now (sealed), newest first."""
    found = (
        await session.execute(
            select(webhook.c.url, webhook.c.deleted_at).where(webhook.c.id == webhook_id)
        )
    ).first()
    if found is None:
        return None
    secrets = await session.scalars(
        select(webhook_secret.c.secret)
        .where(
            webhook_secret.c.webhook_id == webhook_id,
            or_(webhook_secret.c.retire_at.is_(None), webhook_secret.c.retire_at > func.now()),
        )
        .order_by(webhook_secret.c.id.desc())
    )
    return Endpoint(found.url, tuple(secrets), deleted=found.deleted_at is not None)


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
