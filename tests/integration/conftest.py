from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from tests.support.databases import fresh_database
from tests.support.infrastructure import Infrastructure

pytestmark = pytest.mark.integration


@pytest.fixture
async def applications_db(infra: Infrastructure) -> str:
    return await fresh_database(infra.postgres_url, "applications")


@pytest.fixture
async def notifications_db(infra: Infrastructure) -> str:
    return await fresh_database(infra.postgres_url, "notifications")


@pytest.fixture
async def applications_engine(applications_db: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(applications_db)
    yield engine
    await engine.dispose()
