"""Platforms' webhooks and their secrets: registered, listed, rotated, deleted. Each
function works in the caller's transaction and sees only the platform's own webhooks."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from .tables import webhook, webhook_secret


async def count(session: AsyncSession, platform: str) -> int:
    query = select(func.count()).where(
        webhook.c.platform == platform, webhook.c.deleted_at.is_(None)
    )
    return int(await session.scalar(query) or 0)


async def register(
    session: AsyncSession,
    *,
    webhook_id: UUID,
    platform: str,
    url: str,
    event_types: list[str],
    now: datetime,
) -> None:
    await session.execute(
        webhook.insert().values(
            id=webhook_id, platform=platform, url=url, event_types=event_types, created_at=now
        )
    )


async def add_secret(session: AsyncSession, webhook_id: UUID, secret: str, now: datetime) -> None:
    await session.execute(
        webhook_secret.insert().values(webhook_id=webhook_id, secret=secret, created_at=now)
    )


async def lock(session: AsyncSession, platform: str, webhook_id: UUID) -> bool:
    """Lock the platform's live webhook against concurrent rotations; False if it has none
    by that id (another platform's answers the same: it does not exist for this one)."""
    found = await session.scalar(
        select(webhook.c.id)
        .where(
            webhook.c.id == webhook_id,
            webhook.c.platform == platform,
            webhook.c.deleted_at.is_(None),
        )
        .with_for_update()
    )
    return found is not None


async def retire_older(
    session: AsyncSession, webhook_id: UUID, retire_at: datetime, now: datetime
) -> None:
    """Every valid secret but the newest stops being valid at `retire_at` (or sooner, if
    it was already to retire sooner)."""
    newest = (
        select(func.max(webhook_secret.c.id))
        .where(webhook_secret.c.webhook_id == webhook_id)
        .scalar_subquery()
    )
    await session.execute(
        update(webhook_secret)
        .where(
            webhook_secret.c.webhook_id == webhook_id,
            webhook_secret.c.id != newest,
            or_(webhook_secret.c.retire_at.is_(None), webhook_secret.c.retire_at > retire_at),
        )
        .values(retire_at=retire_at)
    )


async def delete(session: AsyncSession, webhook_id: UUID, now: datetime) -> None:
    await session.execute(update(webhook).where(webhook.c.id == webhook_id).values(deleted_at=now))
    await session.execute(
        update(webhook_secret)
        .where(
            webhook_secret.c.webhook_id == webhook_id,
            or_(webhook_secret.c.retire_at.is_(None), webhook_secret.c.retire_at > now),
        )
        .values(retire_at=now)
    )


async def listed(
    session: AsyncSession, platform: str, now: datetime, webhook_id: UUID | None = None
) -> list[dict[str, Any]]:
    """The platform's live webhooks, oldest first, each with its valid secrets' dates
    (never the secrets: they are shown once, when made)."""
    query = (
        select(webhook)
        .where(webhook.c.platform == platform, webhook.c.deleted_at.is_(None))
        .order_by(webhook.c.created_at, webhook.c.id)
    )
    if webhook_id is not None:
        query = query.where(webhook.c.id == webhook_id)
    hooks = [dict(row) for row in (await session.execute(query)).mappings()]
    secrets = await session.execute(
        select(webhook_secret.c.webhook_id, webhook_secret.c.created_at, webhook_secret.c.retire_at)
        .where(
            webhook_secret.c.webhook_id.in_([hook["id"] for hook in hooks]),
            or_(webhook_secret.c.retire_at.is_(None), webhook_secret.c.retire_at > now),
        )
        .order_by(webhook_secret.c.id.desc())
    )
    valid: dict[UUID, list[dict[str, Any]]] = {}
    for row in secrets.mappings():
        valid.setdefault(row["webhook_id"], []).append(
            {"created_at": row["created_at"], "retire_at": row["retire_at"]}
        )
    return [{**hook, "secrets": valid.get(hook["id"], [])} for hook in hooks]
