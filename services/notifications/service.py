"""The notifications service's use cases behind its HTTP API: a platform's webhooks
(register, list, rotate and retire secrets, delete) and an operator's retry and reads.

Routes parse and delegate here. Each use case runs in one transaction of a `Store` (the
database, or a fake in tests), claims its Idempotency-Key in it, and stamps time, ids
and secrets with what `bootstrap.py` injects. A refusal (`Refused`) raised inside the
transaction rolls it back, key included.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar
from uuid import UUID

from pydantic import BaseModel

from shared.http.idempotency import KeyClaim
from shared.http.problems import Refused

from .domain.webhook import WebhookRules, another_webhook_problem, rotation_retires_at, url_problem
from .views import AttemptView, NotificationView, WebhookCreated, WebhookView

View = TypeVar("View", bound=BaseModel)


class Store(Protocol):
    """What the use cases read and write, all within one transaction."""

    async def claim_key(self, key: KeyClaim, now: datetime) -> None: ...
    async def answer_key(self, key: KeyClaim, body: Any) -> None: ...
    async def count_webhooks(self, platform: str) -> int: ...
    async def add_webhook(
        self, webhook_id: UUID, platform: str, url: str, event_types: list[str], now: datetime
    ) -> None: ...
    async def lock_webhook(self, platform: str, webhook_id: UUID) -> bool: ...
    async def add_secret(self, webhook_id: UUID, secret: str, now: datetime) -> None: ...
    async def retire_older_secrets(
        self, webhook_id: UUID, retire_at: datetime, now: datetime
    ) -> None: ...
    async def delete_webhook(self, webhook_id: UUID, now: datetime) -> None: ...
    async def webhooks(
        self, platform: str, now: datetime, webhook_id: UUID | None = None
    ) -> list[dict[str, Any]]: ...
    # Due "now" by the database's clock: the one the delivery loop compares due_at with.
    async def retry_parked(self, notification_id: UUID) -> bool: ...
    async def notification(self, notification_id: UUID) -> dict[str, Any] | None: ...
    async def notifications_for(self, application_id: str) -> list[dict[str, Any]]: ...
    async def dead_letters(self) -> list[dict[str, Any]]: ...
    async def attempts(self, notification_id: UUID) -> list[dict[str, Any]]: ...


Transaction = Callable[[], AbstractAsyncContextManager[Store]]


@dataclass(frozen=True)
class NotificationsService:
    transaction: Transaction
    rules: WebhookRules
    clock: Callable[[], datetime]
    new_id: Callable[[], UUID]
    new_secret: Callable[[], str]

    async def register_webhook(
        self, platform: str, url: str, event_types: list[str], key: KeyClaim | None
    ) -> WebhookCreated:
        problem = url_problem(url, insecure_allowed=self.rules.insecure_urls)
        if problem is not None:
            raise Refused(422, "url", "webhook_url", problem)
        now, webhook_id, secret = self.clock(), self.new_id(), self.new_secret()
        async with self.transaction() as store:
            await _claim(store, key, now)
            registered = await store.count_webhooks(platform)
            problem = another_webhook_problem(registered, self.rules.most_per_platform)
            if problem is not None:
                raise Refused(409, "url", "webhooks_per_platform", problem)
            await store.add_webhook(webhook_id, platform, url, sorted(set(event_types)), now)
            await store.add_secret(webhook_id, secret, now)
            view = WebhookCreated(**await _webhook(store, platform, webhook_id, now), secret=secret)
            return await _answer(store, key, view)

    async def list_webhooks(self, platform: str) -> list[WebhookView]:
        async with self.transaction() as store:
            return [WebhookView(**row) for row in await store.webhooks(platform, self.clock())]

    async def rotate_secret(
        self, platform: str, webhook_id: UUID, grace_seconds: int, key: KeyClaim | None
    ) -> WebhookCreated:
        now, secret = self.clock(), self.new_secret()
        async with self.transaction() as store:
            await _claim(store, key, now)
            await _lock(store, platform, webhook_id)
            await store.add_secret(webhook_id, secret, now)
            retire_at = rotation_retires_at(now, grace_seconds)
            await store.retire_older_secrets(webhook_id, retire_at, now)
            view = WebhookCreated(**await _webhook(store, platform, webhook_id, now), secret=secret)
            return await _answer(store, key, view)

    async def retire_secrets(
        self, platform: str, webhook_id: UUID, key: KeyClaim | None
    ) -> WebhookView:
        now = self.clock()
        async with self.transaction() as store:
            await _claim(store, key, now)
            await _lock(store, platform, webhook_id)
            await store.retire_older_secrets(webhook_id, now, now)
            view = WebhookView(**await _webhook(store, platform, webhook_id, now))
            return await _answer(store, key, view)

    async def delete_webhook(self, platform: str, webhook_id: UUID) -> None:
        now = self.clock()
        async with self.transaction() as store:
            await _lock(store, platform, webhook_id)
            await store.delete_webhook(webhook_id, now)

    async def retry(self, notification_id: UUID, key: KeyClaim | None) -> NotificationView:
        """Put a parked notification back to pending, due now, its attempts reset."""
        now = self.clock()
        async with self.transaction() as store:
            await _claim(store, key, now)
            retried = await store.retry_parked(notification_id)
            found = await store.notification(notification_id)
            if found is None:
                raise _no_notification(notification_id)
            if not retried:
                message = f"notification {notification_id} is {found['status']}, not parked"
                raise Refused(409, "status", "parked", message)
            return await _answer(store, key, NotificationView(**found))

    async def notifications_for(self, application_id: str) -> list[NotificationView]:
        async with self.transaction() as store:
            rows = await store.notifications_for(application_id)
        return [NotificationView(**row) for row in rows]

    async def dead_letters(self) -> list[NotificationView]:
        async with self.transaction() as store:
            return [NotificationView(**row) for row in await store.dead_letters()]

    async def attempts(self, notification_id: UUID) -> list[AttemptView]:
        async with self.transaction() as store:
            if await store.notification(notification_id) is None:
                raise _no_notification(notification_id)
            return [AttemptView(**row) for row in await store.attempts(notification_id)]


async def _claim(store: Store, key: KeyClaim | None, now: datetime) -> None:
    if key is not None:
        await store.claim_key(key, now)


async def _answer(store: Store, key: KeyClaim | None, view: View) -> View:
    if key is not None:
        await store.answer_key(key, view.model_dump(mode="json"))
    return view


async def _lock(store: Store, platform: str, webhook_id: UUID) -> None:
    # Another platform's webhook answers as a missing one: it does not exist for this one.
    if not await store.lock_webhook(platform, webhook_id):
        raise Refused(404, "webhook_id", "exists", f"no webhook {webhook_id}")


async def _webhook(store: Store, platform: str, webhook_id: UUID, now: datetime) -> Any:
    (found,) = await store.webhooks(platform, now, webhook_id)
    return found


def _no_notification(notification_id: UUID) -> Refused:
    return Refused(404, "notification_id", "exists", f"no notification {notification_id}")
