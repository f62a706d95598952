"""The notifications HTTP API: what was sent about an application, what was parked, and
the operator's retry. Routes parse and delegate to the service. Who may call which route
is access.py's."""

from __future__ import annotations

import logging
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request

from shared.auth.http import Caller
from shared.http.idempotency import IdempotencyKey
from shared.http.limits import within_limits
from shared.http.problems import INVALID, PROBLEM
from shared.read_log import reads, recorded

from ..service import NotificationsService
from ..views import AttemptView, NotificationView

log = logging.getLogger(__name__)
router = APIRouter(
    prefix="/v1",
    responses=INVALID,
    dependencies=[Depends(within_limits)],
    tags=["notifications"],
)


async def _service(request: Request) -> NotificationsService:  # async: no thread hop
    service: NotificationsService = request.app.state.service
    return service


ServiceDep = Annotated[NotificationsService, Depends(_service)]
# What a notification's view shows that the read log records as read.
CONTENTS = ("target", "subject", "summary")


@router.get("/notifications")
async def list_notifications(
    application_id: str, service: ServiceDep, caller: Caller, request: Request
) -> list[NotificationView]:
    """Every notification recorded for one application, oldest first. What each said,
    and to whom, is recorded as read."""
    views = await service.notifications_for(application_id)
    await recorded(request, caller, reads("notification", (str(v.id) for v in views), CONTENTS))
    return views


@router.get("/notifications/dead-letters")
async def list_dead_letters(
    service: ServiceDep, caller: Caller, request: Request
) -> list[NotificationView]:
    """Notifications parked after their last try, with the last error, oldest first."""
    views = await service.dead_letters()
    await recorded(request, caller, reads("notification", (str(v.id) for v in views), CONTENTS))
    return views


@router.get("/notifications/{notification_id}/attempts", responses={404: PROBLEM})
async def list_notification_attempts(
    notification_id: UUID, service: ServiceDep, _: Caller
) -> list[AttemptView]:
    """The delivery log of one notification: every attempt, in order, and how it ended."""
    return await service.attempts(notification_id)


@router.post("/notifications/{notification_id}/retry", responses={404: PROBLEM, 409: PROBLEM})
async def retry_notification(
    notification_id: UUID, service: ServiceDep, caller: Caller, key: IdempotencyKey
) -> NotificationView:
    """Put a parked notification back to pending, due now, with its attempts reset."""
    view = await service.retry(notification_id, key)
    log.info("notification %s retried by %s %s", notification_id, caller.role, caller.subject)
    return view
