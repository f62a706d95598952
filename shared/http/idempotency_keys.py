"""Idempotency keys in a service's own table: claimed inside the transaction of the work
a request does, recalled before it and after a conflict."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession

LIFETIME = timedelta(hours=24)


def idempotency_table(metadata: MetaData) -> Table:
    """A client's key and the answer its first request got. Rows older than a day may be
    taken over by a new request; nothing deletes them yet."""
    return Table(
        "idempotency_key",
        metadata,
        Column("principal", String(200), nullable=False),
        Column("key", String(200), nullable=False),
        Column("request_sha256", String(64), nullable=False),
        Column("status", Integer, nullable=False),
        Column("response_body", JSONB, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        PrimaryKeyConstraint("principal", "key"),
    )


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
    body: Any


class KeyTaken(Exception):
    """Another request holds the key: committed meanwhile, or not yet."""

    def __init__(self, claim: KeyClaim) -> None:
        super().__init__(claim.key)
        self.claim = claim


async def claim(
    session: AsyncSession, table: Table, claim: KeyClaim, body: Any, now: datetime
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
    new = insert(table).values(row)
    taken_over = new.on_conflict_do_update(
        index_elements=[table.c.principal, table.c.key],
        set_={name: new.excluded[name] for name in row if name not in ("principal", "key")},
        where=table.c.created_at < now - LIFETIME,  # an expired key is free
    )
    if (await session.execute(taken_over.returning(table.c.key))).first() is None:
        raise KeyTaken(claim)


async def answered(session: AsyncSession, table: Table, claim: KeyClaim, body: Any) -> None:
    """Record the answer of a key claimed before the answer was known (same transaction)."""
    await session.execute(
        update(table)
        .where(table.c.principal == claim.principal, table.c.key == claim.key)
        .values(response_body=body)
    )


async def recall(
    session: AsyncSession, table: Table, principal: str, key: str, now: datetime
) -> Remembered | None:
    row = (
        await session.execute(
            select(table).where(
                table.c.principal == principal,
                table.c.key == key,
                table.c.created_at >= now - LIFETIME,
            )
        )
    ).first()
    if row is None:
        return None
    return Remembered(row.request_sha256, row.status, row.response_body)
