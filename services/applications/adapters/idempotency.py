"""Idempotency keys: claimed inside a command's transaction, recalled before and after."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from .tables import idempotency_key

LIFETIME = timedelta(hours=24)


@dataclass(frozen=True)
class KeyClaim:
    """A request that came with an Idempotency-Key, and the status it answers with."""

    principal: str
    key: str
    request_sha256: str
    status: int


@dataclass(frozen=True)
class Remembered:
    """The first answer given to a key."""

    request_sha256: str
    status: int
    body: dict[str, Any]


class KeyTaken(Exception):
    """Another request holds the key: committed meanwhile, or not yet."""

    def __init__(self, claim: KeyClaim) -> None:
        super().__init__(claim.key)
        self.claim = claim


async def claim(
    session: AsyncSession, claim: KeyClaim, body: dict[str, Any], now: datetime
) -> None:
    """Record the answer, or raise KeyTaken. A concurrent holder makes this wait for its
    commit (the primary key), so only one of two equal requests ever does the work."""
    row = {
        "principal": claim.principal,
        "key": claim.key,
        "request_sha256": claim.request_sha256,
        "status": claim.status,
        "response_body": body,
        "created_at": now,
    }
    new = insert(idempotency_key).values(row)
    taken_over = new.on_conflict_do_update(
        index_elements=[idempotency_key.c.principal, idempotency_key.c.key],
        set_={name: new.excluded[name] for name in row if name not in ("principal", "key")},
        where=idempotency_key.c.created_at < now - LIFETIME,  # an expired key is free
    )
    if (await session.execute(taken_over.returning(idempotency_key.c.key))).first() is None:
        raise KeyTaken(claim)


async def recall(
    session: AsyncSession, principal: str, key: str, now: datetime
) -> Remembered | None:
    row = (
        await session.execute(
            select(idempotency_key).where(
                idempotency_key.c.principal == principal,
                idempotency_key.c.key == key,
                idempotency_key.c.created_at >= now - LIFETIME,
            )
        )
    ).first()
    if row is None:
        return None
    return Remembered(row.request_sha256, row.status, row.response_body)
