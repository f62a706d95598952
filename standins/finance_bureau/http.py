"""The stand-in's routes: the contract's three, signed, and two of its own for tests and
the demo (`/stand-in/release`, `/stand-in/state`), unsigned, on a loopback address."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import timedelta
from hashlib import sha256
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from shared.clock import Clock
from shared.envelope import canonical_json
from shared.signing import signature_problem

from .bodies import Answer, Received
from .bureau import Bureau
from .callbacks import Backoff, CallbackSender
from .instruction import MAX_ID_LENGTH, InstructionBody
from .settings import StandInSettings


def build_app(settings: StandInSettings, clock: Clock) -> FastAPI:
    bureau = Bureau(late_after=timedelta(seconds=settings.late_callback_seconds))
    backoff = Backoff(
        settings.callback_backoff_base_seconds,
        settings.callback_backoff_cap_seconds,
        timedelta(hours=settings.callback_give_up_hours),
    )
    sender = CallbackSender(
        settings.callback_url,
        settings.outbound_secrets,
        clock,
        backoff,
        httpx.AsyncClient(timeout=httpx.Timeout(30.0, connect=5.0)),
    )

    async def send_late_callbacks() -> None:
        while True:
            await asyncio.sleep(settings.tick_seconds)
            sender.send(bureau.late_due(clock()))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        ticker = asyncio.create_task(send_late_callbacks())
        yield
        ticker.cancel()
        with suppress(asyncio.CancelledError):
            await ticker
        await sender.aclose()

    app = FastAPI(title="finance bureau stand-in", lifespan=lifespan)

    async def unsigned(request: Request) -> JSONResponse | None:
        problem = signature_problem(
            request.headers.get("X-Qsfund-Signature"),
            request.headers.get("X-Qsfund-Timestamp"),
            await request.body(),
            settings.inbound_secrets,
            clock(),
        )
        return None if problem is None else reply(Answer(401, {"error": "signature"}))

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/v1/payment-instructions")
    async def instruct(request: Request) -> JSONResponse:
        if refused := await unsigned(request):
            return refused
        try:
            body = InstructionBody.model_validate_json(await request.body())
        except ValidationError as error:
            return invalid(error)
        if request.headers.get("Idempotency-Key") != body.instruction_id:
            return refusal("Idempotency-Key", "the Idempotency-Key must be the instruction_id")
        answer = bureau.receive(received(body), clock())
        if answer.slow:
            await asyncio.sleep(settings.slow_seconds)
        return reply(answer)

    @app.get("/v1/payment-instructions/{instruction_id}")
    async def state(instruction_id: str, request: Request) -> JSONResponse:
        if refused := await unsigned(request) or too_long(instruction_id):
            return refused
        return reply(bureau.state(instruction_id))

    @app.post("/v1/payment-instructions/{instruction_id}/cancel")
    async def cancel(instruction_id: str, request: Request) -> JSONResponse:
        if refused := await unsigned(request) or too_long(instruction_id):
            return refused
        return reply(bureau.cancel(instruction_id))

    @app.post("/stand-in/release")
    async def release() -> dict[str, Any]:
        """Pay or fail everything accepted so far; their callbacks go in the background."""
        settled, callbacks = bureau.release(clock())
        callbacks += bureau.late_due(clock())
        sender.send(callbacks)
        return {
            "paid": sum(kept.status == "paid" for kept in settled),
            "failed": sum(kept.status == "failed" for kept in settled),
            "callbacks": len(callbacks),
        }

    @app.get("/stand-in/state")
    async def overview() -> dict[str, Any]:
        """How many instructions are in each state, and every callback with its answers."""
        return {
            "instructions": bureau.counts(),
            "late_pending": len(bureau.late),
            "callbacks": [delivery.view() for delivery in sender.deliveries],
        }

    return app


def received(body: InstructionBody) -> Received:
    # Idempotency by content, not bytes: the same instruction re-encoded is the same.
    digest = sha256(canonical_json(body.model_dump(mode="json"))).hexdigest()
    return Received(body.instruction_id, digest, body.amount_yuan, body.payee.account_number)


def invalid(error: ValidationError) -> JSONResponse:
    first = error.errors()[0]
    return refusal(".".join(str(part) for part in first["loc"]) or "body", first["msg"])


def too_long(instruction_id: str) -> JSONResponse | None:
    if len(instruction_id) <= MAX_ID_LENGTH:
        return None
    return refusal("instruction_id", f"an instruction id has at most {MAX_ID_LENGTH} characters")


def refusal(field: str, message: str) -> JSONResponse:
    """400: a body the contract does not allow; a bug on the caller's side, not retried."""
    return reply(Answer(400, {"error": "invalid_request", "field": field, "message": message}))


def reply(answer: Answer) -> JSONResponse:
    return JSONResponse(answer.body, status_code=answer.status)
