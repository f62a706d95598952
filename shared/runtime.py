"""Running a service: one asyncio process with its HTTP API, its consumers and its relay."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import uvicorn
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from faststream.kafka import KafkaBroker
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from shared.auth.http import Authorization
from shared.auth.revocation import RevocationFeed
from shared.http.liveness import Liveness
from shared.logs import configure_logging
from shared.metrics import watch_consumer_lag
from shared.pool import ping_when_idle

Background = Callable[[], Coroutine[Any, Any, None]]


def lifespan(
    broker: KafkaBroker, engine: AsyncEngine, background: list[Background]
) -> Callable[[FastAPI], Any]:
    """Start the broker and background loops with the HTTP server; on SIGTERM, stop
    taking work, let in-flight handlers finish and commit, then close connections."""

    @asynccontextmanager
    async def run(app: FastAPI) -> AsyncIterator[None]:
        await broker.start()
        app.state.readiness = Readiness(broker, engine)
        tasks = [asyncio.create_task(job()) for job in background]
        tasks.append(asyncio.create_task(watch_consumer_lag(broker)))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await broker.stop()
            await engine.dispose()

    return run


def database(url: str) -> tuple[AsyncEngine, async_sessionmaker[AsyncSession]]:
    # As many connections as before at most (10 and 10 overflow), all kept: an overflow
    # connection is closed at every checkin, so a peak of more than 10 requests in flight
    # connected (and tried TLS) again for every other statement. Past 20, requests wait
    # for a connection rather than open one.
    engine = create_async_engine(url, pool_size=20, max_overflow=0)
    ping_when_idle(engine)
    return engine, async_sessionmaker(engine, expire_on_commit=False)


def read_sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for answering reads: no transaction, each statement on its own (what
    PostgreSQL's default READ COMMITTED gives a transaction's statements anyway), so a
    read costs no BEGIN and no ROLLBACK. Never for writes: nothing here is atomic."""
    return async_sessionmaker(
        engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False
    )


@dataclass(frozen=True)
class Readiness:
    """Whether this instance can do its work: its database and the broker answer."""

    broker: KafkaBroker
    engine: AsyncEngine

    async def problems(self) -> list[str]:
        found = []
        try:
            async with asyncio.timeout(2), self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as error:
            found.append(f"database: {type(error).__name__}")
        try:
            if not await self.broker.ping(timeout=2):
                found.append("kafka: no answer")
        except Exception as error:
            found.append(f"kafka: {type(error).__name__}")
        return found


def health_router() -> APIRouter:
    """Liveness, readiness and metrics, for the orchestrator and Prometheus."""
    router = APIRouter()

    @router.get("/health", include_in_schema=False)
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/ready", include_in_schema=False)
    async def ready(request: Request) -> JSONResponse:
        readiness: Readiness | None = getattr(request.app.state, "readiness", None)
        problems = await readiness.problems() if readiness else ["starting"]
        problems += _revocations_problems(request.app)
        status = 503 if problems else 200
        return JSONResponse({"ready": not problems, "problems": problems}, status_code=status)

    @router.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router


def _revocations_problems(app: FastAPI) -> list[str]:
    authorization: Authorization | None = getattr(app.state, "authorization", None)
    return revocations_problems(authorization.revocations if authorization else None)


def revocations_problems(feed: RevocationFeed | None) -> list[str]:
    """Until the instance has read which tokens are revoked it answers every request
    with a token 503, so it is not ready: an orchestrator sends it no traffic yet."""
    if feed is not None and feed.started and not feed.caught_up.is_set():
        return ["revocations: not yet read"]
    return []


def serve(app: FastAPI, host: str, port: int) -> None:
    configure_logging()
    # What import and build made (routes, schemas, tables, modules: most of the heap)
    # lives as long as the process: kept out of the collector's generations, so that the
    # collections requests and events trigger walk only what they allocate. In the
    # applications service it took a submission from about 1.6 to 1.3 ms of CPU.
    gc.freeze()
    # Named, not "auto": a missing uvloop or httptools fails the start instead of quietly
    # raising the CPU each request costs.
    uvicorn.run(
        Liveness(app),
        host=host,
        port=port,
        loop="uvloop",
        http="httptools",
        log_config=None,
        timeout_graceful_shutdown=25,
    )
