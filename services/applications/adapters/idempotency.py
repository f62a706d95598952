"""Idempotency keys of the applications service, in its own table; the mechanism is
shared.http.idempotency's."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shared.eventstore import Connectable
from shared.http import idempotency
from shared.http.idempotency import KeyClaim, KeyTaken

from .tables import idempotency_key

__all__ = ["KeyClaim", "KeyTaken", "claim"]


async def claim(session: Connectable, claim: KeyClaim, body: dict[str, Any], now: datetime) -> None:
    """Record the answer, or raise KeyTaken; see shared.http.idempotency.claim."""
    await idempotency.claim(session, idempotency_key, claim, body, now)
