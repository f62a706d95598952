"""Idempotency keys in a service's own table: claimed inside the transaction of the work
a request does, recalled before it and after a conflict."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
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
    delete,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.eventstore import Connectable

log = logging.getLogger(__name__)
LIFETIME = timedelta(hours=24)


def idempotency_table(metadata: MetaData) -> Table:
    """A client's key and the answer its first request got. Rows older than a day may be
    taken over by a new request, and `purge_expired` deletes them."""
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
    session: Connectable, table: Table, claim: KeyClaim, body: Any, now: datetime
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


async def answered(session: Connectable, table: Table, claim: KeyClaim, body: Any) -> None:
    """Record the answer of a key claimed before the answer was known (same transaction)."""
    await session.execute(
        update(table)
        .where(table.c.principal == claim.principal, table.c.key == claim.key)
        .values(response_body=body)
    )


async def recall(
    session: Connectable, table: Table, principal: str, key: str, now: datetime
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


async def purge_expired(engine: AsyncEngine, table: Table, now: datetime, batch: int = 1000) -> int:
    """Delete the keys past their lifetime, `batch` at a time (short transactions: a purge
    never holds many rows locked against the requests it runs beside); how many went.

    A key taken over by a new request meanwhile is younger by then, and PostgreSQL checks
    the condition again on the row it locks: it stays."""
    removed = 0
    while True:
        expired = (
            select(table.c.principal, table.c.key)
            .where(table.c.created_at < now - LIFETIME)
            .limit(batch)
            .with_for_update(skip_locked=True)
        )
        async with engine.begin() as connection:
            result = await connection.execute(
                delete(table)
                .where(
                    tuple_(table.c.principal, table.c.key).in_(expired),
                    table.c.created_at < now - LIFETIME,
                )
                .returning(table.c.key)
            )
            gone = len(result.all())
        removed += gone
        if gone < batch:
            return removed


async def purge_expired_keys_every(
    engine: AsyncEngine,
    table: Table,
    clock: Callable[[], datetime],
    every: timedelta = timedelta(hours=1),
) -> None:
    """The purge as a service's background job. The answers kept with expired keys (a
    webhook's secret among them, sealed) go within an hour of their day."""
    while True:
        try:
            gone = await purge_expired(engine, table, clock())
            if gone:
                log.info("purged %d expired idempotency keys", gone)
        except Exception:  # the database restarting must not end the job
            log.exception("purging expired idempotency keys failed; trying again later")
        await asyncio.sleep(every.total_seconds())
