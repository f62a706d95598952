"""An in-memory `Store` for the notifications service's unit tests: what the database
keeps, as plain rows, and a transaction that undoes everything when it raises."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from shared.http.idempotency import KeyClaim, KeyTaken


@dataclass
class Rows:
    webhooks: dict[UUID, dict[str, Any]] = field(default_factory=dict)
    secrets: list[dict[str, Any]] = field(default_factory=list)  # in the order made
    notifications: dict[UUID, dict[str, Any]] = field(default_factory=dict)
    attempts: list[dict[str, Any]] = field(default_factory=list)
    keys: dict[tuple[str, str], Any] = field(default_factory=dict)


class FakeStore:
    def __init__(self) -> None:
        self.rows = Rows()
        self.commits = 0

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[FakeStore]:
        before = copy.deepcopy(self.rows)
        try:
            yield self
        except BaseException:
            self.rows = before
            raise
        self.commits += 1

    async def claim_key(self, key: KeyClaim, now: datetime) -> None:
        if (key.principal, key.key) in self.rows.keys:
            raise KeyTaken(key)
        self.rows.keys[key.principal, key.key] = {}

    async def answer_key(self, key: KeyClaim, body: Any) -> None:
        self.rows.keys[key.principal, key.key] = body

    async def count_webhooks(self, platform: str) -> int:
        return len(self._live(platform))

    async def add_webhook(
        self, webhook_id: UUID, platform: str, url: str, event_types: list[str], now: datetime
    ) -> None:
        self.rows.webhooks[webhook_id] = {
            "id": webhook_id,
            "platform": platform,
            "url": url,
            "event_types": event_types,
            "created_at": now,
            "deleted_at": None,
        }

    async def lock_webhook(self, platform: str, webhook_id: UUID) -> bool:
        return webhook_id in {hook["id"] for hook in self._live(platform)}

    async def add_secret(self, webhook_id: UUID, secret: str, now: datetime) -> None:
        row = {"webhook_id": webhook_id, "secret": secret, "created_at": now, "retire_at": None}
        self.rows.secrets.append(row)

    async def retire_older_secrets(
        self, webhook_id: UUID, retire_at: datetime, now: datetime
    ) -> None:
        *older, _newest = [s for s in self.rows.secrets if s["webhook_id"] == webhook_id]
        for secret in older:
            if secret["retire_at"] is None or secret["retire_at"] > retire_at:
                secret["retire_at"] = retire_at

    async def delete_webhook(self, webhook_id: UUID, now: datetime) -> None:
        self.rows.webhooks[webhook_id]["deleted_at"] = now

    async def webhooks(
        self, platform: str, now: datetime, webhook_id: UUID | None = None
    ) -> list[dict[str, Any]]:
        hooks = [h for h in self._live(platform) if webhook_id in (None, h["id"])]
        return [{**hook, "secrets": self.valid_secrets(hook["id"], now)} for hook in hooks]

    def valid_secrets(self, webhook_id: UUID, now: datetime) -> list[dict[str, Any]]:
        """Newest first, as the service lists them."""
        return [
            {"created_at": s["created_at"], "retire_at": s["retire_at"]}
            for s in reversed(self.rows.secrets)
            if s["webhook_id"] == webhook_id and (s["retire_at"] is None or s["retire_at"] > now)
        ]

    async def retry_parked(self, notification_id: UUID) -> bool:
        found = self.rows.notifications.get(notification_id)
        if found is None or found["status"] != "parked":
            return False
        found.update(status="pending", attempts=0, recipient_waits=0)
        return True

    async def notification(self, notification_id: UUID) -> dict[str, Any] | None:
        return self.rows.notifications.get(notification_id)

    async def notifications_for(self, application_id: str) -> list[dict[str, Any]]:
        rows = self.rows.notifications.values()
        return [n for n in rows if n["application_id"] == application_id]

    async def dead_letters(self) -> list[dict[str, Any]]:
        return [n for n in self.rows.notifications.values() if n["status"] == "parked"]

    async def attempts(self, notification_id: UUID) -> list[dict[str, Any]]:
        return [a for a in self.rows.attempts if a["notification_id"] == notification_id]

    def _live(self, platform: str) -> list[dict[str, Any]]:
        hooks = self.rows.webhooks.values()
        return [h for h in hooks if h["platform"] == platform and h["deleted_at"] is None]
