"""The notifications HTTP API: what was sent about an application."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ..adapters.tables import notification

router = APIRouter(prefix="/v1")


class NotificationView(BaseModel):
    id: UUID
    event_id: UUID
    application_id: str
    event_type: str
    channel: str
    subject: str
    status: str
    created_at: datetime


@router.get("/notifications")
async def list_notifications(application_id: str, request: Request) -> list[NotificationView]:
    """Every notification recorded for one application, oldest first."""
    sessions: async_sessionmaker[AsyncSession] = request.app.state.sessions
    async with sessions() as session:
        rows = await session.execute(
            select(notification)
            .where(notification.c.application_id == application_id)
            .order_by(notification.c.created_at, notification.c.channel)
        )
        return [NotificationView(**row) for row in rows.mappings()]
