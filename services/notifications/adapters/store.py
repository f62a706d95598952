"""The service's `Store` on PostgreSQL: one session, one transaction, the tables'
functions of registrations.py, queue.py and queries.py bound to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.http.idempotency import KeyClaim, answered, claim

from .. import queries
from . import queue, registrations
from .answers import seal_answer
from .sealing import SecretBox
from .tables import idempotency_key


class SqlStore:
    def __init__(self, session: AsyncSession, box: SecretBox) -> None:
        self.session = session
        self.box = box

    async def claim_key(self, key: KeyClaim, now: datetime) -> None:
        await claim(self.session, idempotency_key, key, {}, now)

    async def answer_key(self, key: KeyClaim, body: Any) -> None:
        # A registration's or rotation's answer holds the secret: kept sealed, opened
        # when the answer is given again (NotificationsKeys).
        await answered(self.session, idempotency_key, key, seal_answer(self.box, body))

    async def count_webhooks(self, platform: str) -> int:
        return await registrations.count(self.session, platform)

    async def add_webhook(
        self, webhook_id: UUID, platform: str, url: str, event_types: list[str], now: datetime
    ) -> None:
        await registrations.register(
            self.session,
            webhook_id=webhook_id,
            platform=platform,
            url=url,
            event_types=event_types,
            now=now,
        )

    async def lock_webhook(self, platform: str, webhook_id: UUID) -> bool:
        return await registrations.lock(self.session, platform, webhook_id)

    async def add_secret(self, webhook_id: UUID, secret: str, now: datetime) -> None:
        sealed = self.box.seal(secret, webhook_id)
        await registrations.add_secret(self.session, webhook_id, sealed, now)

    async def retire_older_secrets(
        self, webhook_id: UUID, retire_at: datetime, now: datetime
    ) -> None:
        await registrations.retire_older(self.session, webhook_id, retire_at, now)

    async def delete_webhook(self, webhook_id: UUID, now: datetime) -> None:
        await registrations.delete(self.session, webhook_id, now)

    async def webhooks(
        self, platform: str, now: datetime, webhook_id: UUID | None = None
    ) -> list[dict[str, Any]]:
        return await registrations.listed(self.session, platform, now, webhook_id)

    async def retry_parked(self, notification_id: UUID) -> bool:
        return await queue.retry_parked(self.session, notification_id)

    async def notification(self, notification_id: UUID) -> dict[str, Any] | None:
        return await queries.one(self.session, notification_id)

    async def notifications_for(self, application_id: str) -> list[dict[str, Any]]:
        return await queries.for_application(self.session, application_id)

    async def dead_letters(self) -> list[dict[str, Any]]:
        return await queries.dead_letters(self.session)

    async def attempts(self, notification_id: UUID) -> list[dict[str, Any]]:
        return await queries.attempts(self.session, notification_id)


def sql_transaction(
    sessions: async_sessionmaker[AsyncSession], box: SecretBox
) -> Callable[[], AbstractAsyncContextManager[SqlStore]]:
    @asynccontextmanager
    async def transaction() -> AsyncIterator[SqlStore]:
        async with sessions() as session, session.begin():
            yield SqlStore(session, box)

    return transaction
