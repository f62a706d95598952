"""`Idempotency-Key` on POST routes: a retried request gets its first answer back and
causes nothing new; the key with another request is refused (409).

Each service keeps its keys in a table of its own (`idempotency_table`), and claims the
key inside the transaction of the work the request does: the answer and the key commit
together or not at all, and a refused request (which rolls back) leaves no key behind.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, FastAPI, Header, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.auth.http import caller_of

from .idempotency_keys import (
    LIFETIME,
    KeyClaim,
    KeyTaken,
    Remembered,
    answered,
    claim,
    idempotency_table,
    purge_expired,
    purge_expired_keys_every,
    recall,
)
from .problems import problem

__all__ = [
    "LIFETIME",
    "IdempotencyKey",
    "KeyClaim",
    "KeyTaken",
    "Keys",
    "Remembered",
    "answered",
    "claim",
    "idempotency_table",
    "install_idempotency",
    "purge_expired",
    "purge_expired_keys_every",
    "recall",
]


@dataclass(frozen=True)
class Keys:
    """Where a service keeps its keys: what `install_idempotency` puts on the app."""

    sessions: async_sessionmaker[AsyncSession]
    table: Table

    async def recall(self, claim: KeyClaim) -> Remembered | None:
        async with self.sessions() as session:
            # One read: no transaction to open and roll back (shared/runtime.read_sessions).
            await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            return await recall(session, self.table, claim.principal, claim.key, _now())


class _Replay(Exception):
    def __init__(self, answer: JSONResponse) -> None:
        self.answer = answer


async def _key(
    request: Request,
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
    caller = await caller_of(request)
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
