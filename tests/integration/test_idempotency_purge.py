"""Expired idempotency keys are purged, over the real PostgreSQL: the answers they kept
(a webhook's sealed secret among them) do not stay forever, and a key still within its
day, or taken over by a new request meanwhile, is kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from services.notifications.adapters.tables import idempotency_key
from shared.http.idempotency import LIFETIME, KeyClaim, claim, purge_expired

pytestmark = pytest.mark.integration
NOW = datetime(2027, 1, 6, 2, 0, tzinfo=UTC)


def row(key: str, age: timedelta) -> dict[str, object]:
    return {
        "principal": "platform:chongqing-gov-platform",
        "key": key,
        "request_sha256": "0" * 64,
        "status": 201,
        "response_body": {"secret": "aesgcm:k1:nonce:sealed"},
        "created_at": NOW - age,
    }


async def test_expired_keys_go_and_live_ones_stay(notifications_db: str) -> None:
    engine = create_async_engine(notifications_db)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                insert(idempotency_key),
                [row(f"old-{n}", LIFETIME + timedelta(minutes=n + 1)) for n in range(25)]
                + [row("fresh", LIFETIME - timedelta(minutes=1)), row("taken-over", LIFETIME * 2)],
            )
        # A new request takes the expired "taken-over" key before the purge reaches it.
        async with engine.begin() as connection:
            taken = KeyClaim("platform:chongqing-gov-platform", "taken-over", "1" * 64, 201)
            async with AsyncSession(bind=connection) as session:
                await claim(session, idempotency_key, taken, {"id": "new"}, NOW)

        assert await purge_expired(engine, idempotency_key, NOW, batch=10) == 25
        async with engine.connect() as connection:
            left = set((await connection.execute(select(idempotency_key.c.key))).scalars())
        assert left == {"fresh", "taken-over"}
        assert await purge_expired(engine, idempotency_key, NOW) == 0
    finally:
        await engine.dispose()
