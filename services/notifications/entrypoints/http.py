"""The notifications HTTP API: what was sent about an application, what was parked, and
the operator's retry. Who may call which route is shared/auth/matrix.py's."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.auth.http import REFUSALS, Caller
from shared.http.idempotency import IdempotencyKey, answered, claim
from shared.http.limits import within_limits
from shared.http.problems import INVALID, PROBLEM, Refused

from .. import queries
from ..adapters import queue
from ..adapters.tables import idempotency_key
from .schemas import AttemptView, NotificationView

log = logging.getLogger(__name__)
router = APIRouter(
    prefix="/v1",
    responses={**REFUSALS, **INVALID},
    dependencies=[Depends(within_limits)],
    tags=["notifications"],
)


async def _session(request: Request) -> Any:
    sessions: async_sessionmaker[AsyncSession] = request.app.state.sessions
    async with sessions() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(_session)]


def _not_found(notification_id: UUID) -> Refused:
    return Refused(404, "notification_id", "exists", f"no notification {notification_id}")


@router.get("/notifications")
async def list_notifications(
    application_id: str, session: SessionDep, _: Caller
) -> list[NotificationView]:
    """Every notification recorded for one application, oldest first."""
    return [
        NotificationView(**row) for row in await queries.for_application(session, application_id)
    ]


@router.get("/notifications/dead-letters")
async def list_dead_letters(session: SessionDep, _: Caller) -> list[NotificationView]:
    """Notifications parked after their last try, with the last error, oldest first."""
    return [NotificationView(**row) for row in await queries.dead_letters(session)]


@router.get(
    "/notifications/{notification_id}/attempts",
    response_model=list[AttemptView],
    responses={404: PROBLEM},
)
async def list_notification_attempts(notification_id: UUID, session: SessionDep, _: Caller) -> Any:
    """The delivery log of one notification: every attempt, in order, and how it ended."""
    if await queries.one(session, notification_id) is None:
        raise _not_found(notification_id)
    return [AttemptView(**row) for row in await queries.attempts(session, notification_id)]


@router.post(
    "/notifications/{notification_id}/retry",
    response_model=NotificationView,
    responses={404: PROBLEM, 409: PROBLEM},
)
async def retry_notification(
    notification_id: UUID, session: SessionDep, caller: Caller, key: IdempotencyKey
) -> Any:
    """Put a parked notification back to pending, due now, with its attempts reset."""
    async with session.begin():
        if key is not None:
            await claim(session, idempotency_key, key, {}, datetime.now(UTC))
        retried = await queue.retry_parked(session, notification_id)
        found = await queries.one(session, notification_id)
        if found is None:
            raise _not_found(notification_id)
        if not retried:
            message = f"notification {notification_id} is {found['status']}, not parked"
            raise Refused(409, "status", "parked", message)
        view = NotificationView(**found)
        if key is not None:
            await answered(session, idempotency_key, key, view.model_dump(mode="json"))
    log.info("notification %s retried by %s %s", notification_id, caller.role, caller.subject)
    return view
