"""Hot statements run on the asyncpg connection under SQLAlchemy's: each compiled once,
its parameters converted as SQLAlchemy's would be (JSON encoded) and its row taken as
asyncpg gives it (JSON decoded by the codec SQLAlchemy's dialect registers on each
connection). SQLAlchemy's execution (its context, parameter and result processing) cost
more CPU than the rest of the round view's read did (about 0.12 of 0.3 ms, measured in
one process), and a submission's transaction through it about 0.25 ms more than on the
driver; fit for statements whose columns need no conversion."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any, Protocol, cast

from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

from shared.relay import events_written


class Driver(Protocol):
    """What these statements use of an asyncpg connection (asyncpg ships no types)."""

    async def fetchrow(self, query: str, *args: Any) -> Any: ...

    async def execute(self, query: str, *args: Any) -> str: ...


async def driver_of(conn: AsyncConnection) -> Any:
    """The asyncpg connection under `conn`: in its transaction, if one has begun."""
    raw = await conn.get_raw_connection()
    return raw.driver_connection


@asynccontextmanager
async def transaction(engine: AsyncEngine, *, writes_events: bool = False) -> AsyncIterator[Driver]:
    """A transaction on the driver alone, READ COMMITTED as SQLAlchemy's are begun here:
    only Compiled statements may run in it (SQLAlchemy's own would not see it).
    `writes_events`: the outbox relay, which watches SQLAlchemy's executions for them, is
    told, and woken once the connection goes back to the pool."""
    async with engine.connect() as conn:
        driver = await driver_of(conn)
        async with driver.transaction(isolation="read_committed"):
            yield driver
        if writes_events:
            events_written(conn)


class Compiled:
    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._compiled: tuple[str, list[tuple[str, Callable[[Any], Any] | None]]] | None = None

    def _args(self, dialect: Dialect, params: Mapping[str, Any]) -> tuple[str, list[Any]]:
        if self._compiled is None:
            compiled = cast(SQLCompiler, self.statement.compile(dialect=dialect))
            names = list(compiled.positiontup or ())
            processors = [compiled.binds[name].type.bind_processor(dialect) for name in names]
            self._compiled = (str(compiled), list(zip(names, processors, strict=True)))
        sql, converted = self._compiled
        return sql, [params[n] if p is None else p(params[n]) for n, p in converted]

    async def first_on(
        self, driver: Driver, dialect: Dialect, params: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        """The first row, or None."""
        sql, args = self._args(dialect, params)
        row = await driver.fetchrow(sql, *args)
        return None if row is None else dict(row)

    async def first(
        self, conn: AsyncConnection, params: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        """The first row, or None, on the connection under `conn` (in its transaction)."""
        return await self.first_on(await driver_of(conn), conn.dialect, params)

    async def execute_on(self, driver: Driver, dialect: Dialect, params: Mapping[str, Any]) -> None:
        sql, args = self._args(dialect, params)
        await driver.execute(sql, *args)
