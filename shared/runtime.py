"""Running a service: one asyncio process with its HTTP API, its consumers and its relay."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
from fastapi import APIRouter, FastAPI
from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

Background = Callable[[], Coroutine[Any, Any, None]]


def lifespan(
    broker: KafkaBroker, engine: AsyncEngine, background: list[Background]
) -> Callable[[FastAPI], Any]:
    """Start the broker and background loops with the HTTP server; on SIGTERM, stop
    taking work, let in-flight handlers finish and commit, then close connections."""

    @asynccontextmanager
    async def run(_: FastAPI) -> AsyncIterator[None]:
        await broker.start()
        tasks = [asyncio.create_task(job()) for job in background]
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


def configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")


def database(url: str) -> tuple[AsyncEngine, async_sessionmaker[AsyncSession]]:
    engine = create_async_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)
    return engine, async_sessionmaker(engine, expire_on_commit=False)


def health_router() -> APIRouter:
    router = APIRouter()

    @router.get("/health", include_in_schema=False)
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return router


def serve(app: FastAPI, host: str, port: int) -> None:
    configure_logging()
    uvicorn.run(app, host=host, port=port, log_config=None, timeout_graceful_shutdown=25)
