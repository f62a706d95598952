"""`Idempotency-Key` on the POST routes: a retried request gets its first answer back and
causes nothing new; the key with another request is refused."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, FastAPI, Header, Request
from fastapi.responses import JSONResponse

from shared.auth.http import Caller

from ..adapters.idempotency import KeyClaim, KeyTaken, Remembered, recall
from ..handlers import ApplicationsService
from .errors import problem


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
        status=request.scope["route"].status_code,
    )
    service: ApplicationsService = request.app.state.service
    async with service.sessions() as session:
        remembered = await recall(session, key.principal, key.key, datetime.now(UTC))
    if remembered is not None:
        raise _Replay(_answer(key, remembered))
    return key


IdempotencyKey = Annotated[KeyClaim | None, Depends(_key)]


def install_idempotency(app: FastAPI) -> None:
    @app.exception_handler(_Replay)
    async def replay(_: Request, replay: _Replay) -> JSONResponse:
        return replay.answer

    @app.exception_handler(KeyTaken)
    async def taken(request: Request, taken: KeyTaken) -> JSONResponse:
        key = taken.claim
        service: ApplicationsService = request.app.state.service
        async with service.sessions() as session:
            remembered = await recall(session, key.principal, key.key, datetime.now(UTC))
        return _answer(key, remembered)


def _answer(key: KeyClaim, remembered: Remembered | None) -> JSONResponse:
    if remembered is None:
        return _refusal("idempotency_key_in_progress", "a request with this key is in progress")
    if remembered.request_sha256 != key.request_sha256:
        return _refusal("idempotency_key_reused", "this key was used for another request")
    return JSONResponse(remembered.body, status_code=remembered.status)


def _refusal(rule: str, message: str) -> JSONResponse:
    return problem(409, message, [{"field": "idempotency-key", "rule": rule, "message": message}])
