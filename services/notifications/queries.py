"""Read-side questions the notifications service answers: what was sent, what is parked,
and every attempt."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .adapters.tables import delivery_attempt, notification
from .domain.delivery import PARKED


async def for_application(session: AsyncSession, application_id: str) -> list[dict[str, Any]]:
    rows = await session.execute(
        select(notification)
        .where(notification.c.application_id == application_id)
        .order_by(notification.c.created_at, notification.c.channel)
    )
    return [dict(row) for row in rows.mappings()]


async def dead_letters(session: AsyncSession) -> list[dict[str, Any]]:
    rows = await session.execute(
        select(notification)
        .where(notification.c.status == PARKED)
        .order_by(notification.c.created_at, notification.c.id)
    )
    return [dict(row) for row in rows.mappings()]


async def one(session: AsyncSession, notification_id: UUID) -> dict[str, Any] | None:
    row = (
        (await session.execute(select(notification).where(notification.c.id == notification_id)))
        .mappings()
        .first()
    )
    return dict(row) if row else None


async def attempts(session: AsyncSession, notification_id: UUID) -> list[dict[str, Any]]:
    rows = await session.execute(
        select(delivery_attempt)
        .where(delivery_attempt.c.notification_id == notification_id)
        .order_by(delivery_attempt.c.id)
    )
    return [dict(row) for row in rows.mappings()]
