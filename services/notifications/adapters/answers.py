"""Idempotency answers that hold a webhook's secret (a registration's, a rotation's):
kept sealed like the secret itself, opened only to give the answer again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from shared.http.idempotency import KeyClaim, Keys, Remembered

from .sealing import SecretBox


def seal_answer(box: SecretBox, body: Any) -> Any:
    if isinstance(body, dict) and isinstance(body.get("secret"), str):
        return {**body, "secret": box.seal(body["secret"], UUID(body["id"]))}
    return body


def open_answer(box: SecretBox, body: Any) -> Any:
    if isinstance(body, dict) and isinstance(body.get("secret"), str):
        return {**body, "secret": box.open(body["secret"], UUID(body["id"]))}
    return body


@dataclass(frozen=True)
class NotificationsKeys(Keys):
    """The service's idempotency keys, their answers opened when recalled."""

    box: SecretBox | None = None

    async def recall(self, claim: KeyClaim) -> Remembered | None:
        remembered = await super().recall(claim)
        if remembered is None or self.box is None:
            return remembered
        body = open_answer(self.box, remembered.body)
        return Remembered(remembered.request_sha256, remembered.status, body)
