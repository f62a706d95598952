"""The applications service folds the scoring service's events into its read side in
batches: that must leave exactly what folding them one by one leaves, on real PostgreSQL."""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from services.applications.adapters.projections import project, project_many
from services.applications.adapters.tables import application, application_history
from shared.contracts import Contract, parse_payload
from shared.contracts.applications import ApplicationWithdrawn
from shared.contracts.scoring import ApplicationAwarded, ApplicationNotAwarded, ApplicationScored
from shared.envelope import Envelope
from tests.support.databases import fresh_database
from tests.support.events import reviewed, stream, submitted
from tests.support.infrastructure import Infrastructure

POLICY = {"policy_version": "2026.1", "policy_sha256": "0" * 64}


def scored(application_id: str, score: int) -> ApplicationScored:
    return ApplicationScored(
        application_id=application_id,
        round_id="round-1",
        enterprise_credit_code="91110108551385082Q",
        achievement_key=f"standard:{application_id}",
        claimed_amount_yuan=500_000,
        score=score,
        breakdown=[],
        **POLICY,
    )


def decided(application_id: str, rank: int) -> Contract:
    if rank % 3:
        return ApplicationAwarded(
            application_id=application_id,
            round_id="round-1",
            amount_yuan=500_000 - rank,
            claimed_amount_yuan=500_000,
            rank=rank,
            allocation_mode="rank",
            basis="ranked within the budget",
            **POLICY,
        )
    return ApplicationNotAwarded(
        application_id=application_id,
        round_id="round-1",
        reason_code="budget_exhausted",
        note="the budget ran out before this rank",
        rank=rank,
        **POLICY,
    )


def histories(count: int) -> tuple[list[Envelope], list[Envelope]]:
    """Applications submitted and reviewed (ours), then the scoring service's events for
    them, mixed as they arrive: each application's in order."""
    ours, theirs = [], []
    for n in range(count):
        app = submitted()
        mine: list[Contract] = [app, reviewed(app.application_id)]
        if n % 5 == 0:  # withdrawn before its score arrived: it must stay withdrawn
            mine.append(ApplicationWithdrawn(application_id=app.application_id, round_id="round-1"))
        ours.extend(stream(mine))
        later = [scored(app.application_id, 100 - n), decided(app.application_id, n + 1)]
        theirs.append(stream(later[: 1 + n % 2], source="scoring"))
    rng, mixed = random.Random(11), []
    while any(theirs):
        mixed.append(rng.choice([s for s in theirs if s]).pop(0))
    return ours, mixed


async def fold(engine: AsyncEngine, ours: list[Envelope], batches: list[list[Envelope]]) -> None:
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    async with sessions.begin() as session:
        for envelope in ours:
            await project(session, envelope, parse_payload(envelope))
    for batch in batches:
        async with sessions.begin() as session:
            await project_many(session, [(e, parse_payload(e)) for e in batch])


async def read_side(engine: AsyncEngine) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    async with engine.connect() as conn:
        rows = await conn.execute(select(application).order_by(application.c.id))
        history = await conn.execute(
            select(application_history).order_by(
                application_history.c.application_id,
                application_history.c.source,
                application_history.c.aggregate_version,
            )
        )
        return [dict(r) for r in rows.mappings()], [dict(r) for r in history.mappings()]


async def test_a_batch_folds_exactly_as_its_events_one_by_one(infra: Infrastructure) -> None:
    ours, theirs = histories(40)
    one_by_one = create_async_engine(await fresh_database(infra.postgres_url, "applications"))
    in_batches = create_async_engine(await fresh_database(infra.postgres_url, "applications"))
    try:
        await fold(one_by_one, ours, [[e] for e in theirs])
        await fold(in_batches, ours, [theirs[i : i + 13] for i in range(0, len(theirs), 13)])
        expected = await read_side(one_by_one)
        assert await read_side(in_batches) == expected
    finally:
        await one_by_one.dispose()
        await in_batches.dispose()
    statuses = {row["status"] for row in expected[0]}
    assert statuses == {"scored", "awarded", "not_awarded", "withdrawn"}
    assert sum(1 for row in expected[0] if row["status"] == "withdrawn") == 8
