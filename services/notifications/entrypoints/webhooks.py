"""A municipal platform's own webhooks: register (the secret is ours, shown once), list,
rotate the secret with both valid for a grace period, retire the old one, delete. Each
platform sees only its own: another's webhook id answers 404. Routes parse and delegate
to the service."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request, Response

from shared.auth.http import Caller
from shared.http.idempotency import IdempotencyKey
from shared.http.limits import within_limits
from shared.http.problems import INVALID, PROBLEM
from shared.read_log import reads, recorded

from ..views import WebhookCreated, WebhookView
from .http import ServiceDep
from .schemas import RotationRequest, WebhookRequest

router = APIRouter(
    prefix="/v1",
    responses=INVALID,
    dependencies=[Depends(within_limits)],
    tags=["webhooks"],
)
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: PROBLEM, 409: PROBLEM}


@router.post("/webhooks", status_code=201, responses=NOT_FOUND)
async def register_webhook(
    body: WebhookRequest, service: ServiceDep, caller: Caller, key: IdempotencyKey
) -> WebhookCreated:
    """Register a webhook for some event types; the answer holds its secret, shown once."""
    return await service.register_webhook(caller.subject, body.url, list(body.event_types), key)


@router.get("/webhooks")
async def list_webhooks(service: ServiceDep, caller: Caller, request: Request) -> list[WebhookView]:
    """The calling platform's webhooks, oldest first, with their valid secrets' dates.
    Each registration shown is recorded as read."""
    views = await service.list_webhooks(caller.subject)
    await recorded(request, caller, reads("webhook", (str(v.id) for v in views), ("url",)))
    return views


@router.post("/webhooks/{webhook_id}/rotate", status_code=201, responses=NOT_FOUND)
async def rotate_webhook_secret(
    webhook_id: UUID,
    body: RotationRequest,
    service: ServiceDep,
    caller: Caller,
    key: IdempotencyKey,
) -> WebhookCreated:
    """A new secret, signing from now on; the one in use signs too until it retires."""
    return await service.rotate_secret(caller.subject, webhook_id, body.grace_seconds, key)


@router.post("/webhooks/{webhook_id}/retire", responses=NOT_FOUND)
async def retire_webhook_secrets(
    webhook_id: UUID, service: ServiceDep, caller: Caller, key: IdempotencyKey
) -> WebhookView:
    """End a rotation now: every secret but the newest stops signing."""
    return await service.retire_secrets(caller.subject, webhook_id, key)


@router.delete("/webhooks/{webhook_id}", status_code=204, responses=NOT_FOUND)
async def delete_webhook(webhook_id: UUID, service: ServiceDep, caller: Caller) -> Response:
    """Stop posting to this webhook; what was due to it is not sent."""
    await service.delete_webhook(caller.subject, webhook_id)
    return Response(status_code=204)
