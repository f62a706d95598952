"""A fresh, migrated database per service per test: no test sees another's rows."""

from __future__ import annotations

import asyncio
from uuid import uuid4

from sqlalchemy import Table, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from services.operations.cli import MIGRATIONS
from shared.migrations import upgrade


async def fresh_database(server_url: str, service: str) -> str:
    """Create an empty database, migrate it as `service`, and return its URL."""
    name = f"t_{service}_{uuid4().hex[:10]}"
    admin = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    await admin.dispose()
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    await asyncio.to_thread(upgrade, MIGRATIONS[service], url)
    return url


async def rows_reach(database: str, table: Table, count: int, within: float = 60) -> None:
    """Wait until `table` holds at least `count` rows (a consumer's projection caught up:
    a positive signal, polled), or fail after `within` seconds."""
    engine = create_async_engine(database)
    found = 0
    try:
        deadline = asyncio.get_running_loop().time() + within
        while asyncio.get_running_loop().time() < deadline:
            async with engine.connect() as connection:
                found = await connection.scalar(select(func.count()).select_from(table)) or 0
            if found >= count:
                return
            await asyncio.sleep(0.1)
    finally:
        await engine.dispose()
    raise AssertionError(f"{table.name} holds {found} rows, not {count}, after {within:.0f} s")
