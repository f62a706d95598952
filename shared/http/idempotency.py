"""`Idempotency-Key` on POST routes: a retried request gets its first answer back and
causes nothing new; the key with another request is refused (409).

Each service keeps its keys in a table of its own (`idempotency_table`), and claims the
key inside the transaction of the work the request does: the answer and the key commit
together or not at all, and a refused request (which rolls back) leaves no key behind.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Request
from fastapi.responses import JSONResponse
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
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.auth.http import Caller

from .problems import problem

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


@dataclass(frozen=True)
class Keys:
    """Where a service keeps its keys: what `install_idempotency` puts on the app."""

    sessions: async_sessionmaker[AsyncSession]
    table: Table

    async def recall(self, claim: KeyClaim) -> Remembered | None:
        async with self.sessions() as session:
            return await recall(session, self.table, claim.principal, claim.key, _now())


class _Replay(Exception):
    def __init__(self, answer: JSONResponse) -> None:
        self.answer = answer


async def _key(
    request: Request,
    caller: Caller,
    idempotency_key: Annotated[
        str | None,
        Header(
            min_length=1,
            max_length=200,
            pattern=r"^[\x20-\x7e]+$",
            description="Any 1 to 200 printable characters, new for each distinct request; "
            "a retry with the same key and body gets the first answer back (24 hours).",
        ),
    ] = None,
) -> KeyClaim | None:
    if idempotency_key is None:
        return None
    body = await request.body()
    digest = hashlib.sha256(f"{request.method} {request.url.path}\n".encode() + body)
    key = KeyClaim(
        principal=caller.subject,
        key=idempotency_key,
        request_sha256=digest.hexdigest(),
        status=request.scope["route"].status_code or 200,
    )
    keys: Keys = request.app.state.idempotency
    remembered = await keys.recall(key)
    if remembered is not None:
        raise _Replay(_answer(key, remembered))
    return key


IdempotencyKey = Annotated[KeyClaim | None, Depends(_key)]


def install_idempotency(app: FastAPI, keys: Keys) -> None:
    app.state.idempotency = keys

    @app.exception_handler(_Replay)
    async def replay(_: Request, replay: _Replay) -> JSONResponse:
        return replay.answer

    @app.exception_handler(KeyTaken)
    async def taken(_: Request, taken: KeyTaken) -> JSONResponse:
        return _answer(taken.claim, await keys.recall(taken.claim))


def _answer(key: KeyClaim, remembered: Remembered | None) -> JSONResponse:
    if remembered is None:
        return _refusal("idempotency_key_in_progress", "a request with this key is in progress")
    if remembered.request_sha256 != key.request_sha256:
        return _refusal("idempotency_key_reused", "this key was used for another request")
    return JSONResponse(remembered.body, status_code=remembered.status)


def _refusal(rule: str, message: str) -> JSONResponse:
    return problem(409, message, [{"field": "idempotency-key", "rule": rule, "message": message}])


def _now() -> datetime:
    return datetime.now(UTC)
