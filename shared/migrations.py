"""Alembic, driven from code: each service keeps its own migrations folder and says where
(its package's MIGRATIONS)."""

from __future__ import annotations

import asyncio
from importlib.resources.abc import Traversable

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine


def alembic_config(migrations: Traversable, database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations))
    config.set_main_option("sqlalchemy.url", database_url)
    return config


def upgrade(migrations: Traversable, database_url: str) -> None:
    command.upgrade(alembic_config(migrations, database_url), "head")


def run_env(metadata: MetaData) -> None:
    """The body of a service's migrations/env.py: online migrations over asyncpg."""
    url = context.config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url is set by alembic_config"

    def migrate(connection: Connection) -> None:
        context.configure(connection=connection, target_metadata=metadata, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()

    async def run() -> None:
        engine = create_async_engine(url, poolclass=pool.NullPool)
        async with engine.connect() as connection:
            await connection.run_sync(migrate)
        await engine.dispose()

    asyncio.run(run())
