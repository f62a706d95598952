"""The event store over the real PostgreSQL: versions, the chain, and stale writers."""

from __future__ import annotations

import asyncio
from uuid import uuid4

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from services.applications.adapters.tables import backbone
from services.applications.domain.application import Decision
from shared.envelope import Actor
from shared.eventstore import Cause, ConcurrencyError, EventStore, StreamHead
from shared.hashchain import verify_chain
from tests.support.events import reviewed, submitted

STORE = EventStore("applications", backbone.event)
CAUSE = Cause(actor=Actor(id="reviewer-3", role="reviewer"), correlation_id=uuid4())


async def test_appended_events_form_a_verifiable_chain(applications_engine: AsyncEngine) -> None:
    app = submitted()
    async with applications_engine.begin() as db:
        await STORE.append(db, StreamHead(), [app], CAUSE)
    async with applications_engine.begin() as db:
        head = await STORE.head(db, app.application_id)
        await STORE.append(db, head, [reviewed(app.application_id)], CAUSE)
    async with applications_engine.connect() as db:
        stream = await STORE.stream(db, app.application_id)
    assert [e.aggregate_version for e in stream] == [1, 2]
    assert [e.event_type for e in stream] == ["ApplicationSubmitted", "ApplicationReviewed"]
    assert verify_chain(stream) == []


async def test_a_stale_writer_gets_a_concurrency_error_not_an_overwrite(
    applications_engine: AsyncEngine,
) -> None:
    app = submitted()
    async with applications_engine.begin() as db:
        await STORE.append(db, StreamHead(), [app], CAUSE)
    async with applications_engine.connect() as db:
        read_by_both = await STORE.head(db, app.application_id)

    async with applications_engine.begin() as db:
        await STORE.append(db, read_by_both, [reviewed(app.application_id, "eligible")], CAUSE)
    with pytest.raises(ConcurrencyError, match="changed since version 1"):
        async with applications_engine.begin() as db:
            await STORE.append(
                db, read_by_both, [reviewed(app.application_id, "ineligible")], CAUSE
            )

    async with applications_engine.connect() as db:
        stream = await STORE.stream(db, app.application_id)
    assert [e.payload.get("decision") for e in stream] == [None, "eligible"]


async def test_concurrent_writers_one_wins_the_other_loses_cleanly(
    applications_engine: AsyncEngine,
) -> None:
    app = submitted()
    async with applications_engine.begin() as db:
        await STORE.append(db, StreamHead(), [app], CAUSE)
        head = await STORE.head(db, app.application_id)

    async def write(decision: Decision) -> str:
        try:
            async with applications_engine.begin() as db:
                await STORE.append(db, head, [reviewed(app.application_id, decision)], CAUSE)
                await asyncio.sleep(0.05)
            return "won"
        except ConcurrencyError:
            return "lost"

    results = await asyncio.gather(write("eligible"), write("returned"))
    assert sorted(results) == ["lost", "won"]
    async with applications_engine.connect() as db:
        count = await db.scalar(
            select(func.count()).where(backbone.event.c.aggregate_id == app.application_id)
        )
    assert count == 2
