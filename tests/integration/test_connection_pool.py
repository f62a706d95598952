"""The pool checks a connection only after it sat idle, and a database restart still
costs no more than the statement that meets a dead connection: that one fails, the pool
is discarded, and the next checkout connects anew."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from shared.pool import ping_when_idle

PID = text("SELECT pg_backend_pid()")


async def backend(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(PID) or 0)


async def terminate(url: str, *pids: int) -> None:
    killer = create_async_engine(url, poolclass=NullPool)
    async with killer.connect() as connection:
        for pid in pids:
            await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    await killer.dispose()


async def test_a_connection_closed_while_idle_is_replaced_before_use(applications_db: str) -> None:
    engine = create_async_engine(applications_db, pool_size=1, max_overflow=0)
    ping_when_idle(engine, idle_seconds=0)
    first = await backend(engine)
    await terminate(applications_db, first)
    second = await backend(engine)  # no error: the check found it closed
    assert second != first
    await engine.dispose()


async def test_after_a_restart_one_statement_fails_and_the_next_connect_anew(
    applications_db: str,
) -> None:
    engine = create_async_engine(applications_db, pool_size=2, max_overflow=0)
    ping_when_idle(engine)  # 10 s: these connections are fresh, so never checked
    async with engine.connect() as one, engine.connect() as two:
        pids = [int(await c.scalar(PID) or 0) for c in (one, two)]
    await terminate(applications_db, *pids)  # as a restart of PostgreSQL would
    with pytest.raises(DBAPIError) as failed:
        await backend(engine)
    assert failed.value.connection_invalidated
    # The other pooled connection is as dead, but the pool was discarded with the first.
    assert await backend(engine) not in pids
    assert await backend(engine) not in pids
    await engine.dispose()
