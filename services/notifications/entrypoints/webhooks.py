"""A municipal platform's own webhooks: register (the secret is ours, shown once), list,
rotate the secret with both valid for a grace period, retire the old one, delete. Each
platform sees only its own: another's webhook id answers 404."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, TypeVar
from uuid import UUID, uuid4

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.http import REFUSALS, Caller
from shared.http.idempotency import IdempotencyKey, KeyClaim, answered, claim
from shared.http.limits import within_limits
from shared.http.problems import INVALID, PROBLEM, Refused

from ..adapters import registrations
from ..adapters.tables import idempotency_key
from ..domain.webhook import another_webhook_problem, url_problem
from .http import SessionDep
from .schemas import RotationRequest, WebhookCreated, WebhookRequest, WebhookView

View = TypeVar("View", bound=BaseModel)
router = APIRouter(
    prefix="/v1",
    responses={**REFUSALS, **INVALID},
    dependencies=[Depends(within_limits)],
    tags=["webhooks"],
)
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: PROBLEM, 409: PROBLEM}


@dataclass(frozen=True)
class WebhookRules:
    """What a platform may register (NotificationsSettings.webhooks)."""

    insecure_urls: bool = False
    most_per_platform: int = 10


async def _rules(request: Request) -> WebhookRules:  # async: no thread hop
    rules: WebhookRules = request.app.state.webhook_rules
    return rules


Rules = Annotated[WebhookRules, Depends(_rules)]


def new_secret() -> str:
    """256 random bits: a secret we make cannot be weak or reused elsewhere."""
    return "whsec_" + secrets.token_urlsafe(32)


async def _keep(session: AsyncSession, key: KeyClaim | None, now: datetime) -> None:
    if key is not None:
        await claim(session, idempotency_key, key, {}, now)


async def _answer(session: AsyncSession, key: KeyClaim | None, view: View) -> View:
    if key is not None:
        await answered(session, idempotency_key, key, view.model_dump(mode="json"))
    return view


async def _view(session: AsyncSession, platform: str, webhook_id: UUID, now: datetime) -> Any:
    (found,) = await registrations.listed(session, platform, now, webhook_id)
    return found


async def _lock(session: AsyncSession, platform: str, webhook_id: UUID) -> None:
    if not await registrations.lock(session, platform, webhook_id):
        raise Refused(404, "webhook_id", "exists", f"no webhook {webhook_id}")


@router.post("/webhooks", status_code=201, responses=NOT_FOUND)
async def register_webhook(
    body: WebhookRequest, session: SessionDep, caller: Caller, key: IdempotencyKey, rules: Rules
) -> WebhookCreated:
    """Register a webhook for some event types; the answer holds its secret, shown once."""
    problem = url_problem(body.url, insecure_allowed=rules.insecure_urls)
    if problem is not None:
        raise Refused(422, "url", "webhook_url", problem)
    now, webhook_id, secret = datetime.now(UTC), uuid4(), new_secret()
    async with session.begin():
        await _keep(session, key, now)
        registered = await registrations.count(session, caller.subject)
        problem = another_webhook_problem(registered, rules.most_per_platform)
        if problem is not None:
            raise Refused(409, "url", "webhooks_per_platform", problem)
        await registrations.register(
            session,
            webhook_id=webhook_id,
            platform=caller.subject,
            url=body.url,
            event_types=sorted(set(body.event_types)),
            secret=secret,
            now=now,
        )
        view = WebhookCreated(
            **await _view(session, caller.subject, webhook_id, now), secret=secret
        )
        return await _answer(session, key, view)


@router.get("/webhooks")
async def list_webhooks(session: SessionDep, caller: Caller) -> list[WebhookView]:
    """The calling platform's webhooks, oldest first, with their valid secrets' dates."""
    rows = await registrations.listed(session, caller.subject, datetime.now(UTC))
    return [WebhookView(**row) for row in rows]


@router.post("/webhooks/{webhook_id}/rotate", status_code=201, responses=NOT_FOUND)
async def rotate_webhook_secret(
    webhook_id: UUID,
    body: RotationRequest,
    session: SessionDep,
    caller: Caller,
    key: IdempotencyKey,
) -> WebhookCreated:
    """A new secret, signing from now on; the one in use signs too until it retires."""
    now, secret = datetime.now(UTC), new_secret()
    async with session.begin():
        await _keep(session, key, now)
        await _lock(session, caller.subject, webhook_id)
        retire_at = now + timedelta(seconds=body.grace_seconds)
        await registrations.add_secret(session, webhook_id, secret, now)
        await registrations.retire_older(session, webhook_id, retire_at, now)
        view = WebhookCreated(
            **await _view(session, caller.subject, webhook_id, now), secret=secret
        )
        return await _answer(session, key, view)


@router.post("/webhooks/{webhook_id}/retire", responses=NOT_FOUND)
async def retire_webhook_secrets(
    webhook_id: UUID, session: SessionDep, caller: Caller, key: IdempotencyKey
) -> WebhookView:
    """End a rotation now: every secret but the newest stops signing."""
    now = datetime.now(UTC)
    async with session.begin():
        await _keep(session, key, now)
        await _lock(session, caller.subject, webhook_id)
        await registrations.retire_older(session, webhook_id, now, now)
        view = WebhookView(**await _view(session, caller.subject, webhook_id, now))
        return await _answer(session, key, view)


@router.delete("/webhooks/{webhook_id}", status_code=204, responses=NOT_FOUND)
async def delete_webhook(webhook_id: UUID, session: SessionDep, caller: Caller) -> Response:
    """Stop posting to this webhook; what was due to it is not sent."""
    async with session.begin():
        await _lock(session, caller.subject, webhook_id)
        await registrations.delete(session, webhook_id, datetime.now(UTC))
    return Response(status_code=204)
