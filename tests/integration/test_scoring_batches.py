"""Scoring a batch at once must leave exactly what scoring its events one by one leaves:
the same claims and the same ApplicationScored events, on real PostgreSQL."""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from services.scoring.adapters.projection import project_many
from services.scoring.adapters.tables import backbone, claim
from services.scoring.handlers import ScoringHandlers
from shared.contracts import Contract, parse_payload
from shared.contracts.applications import ApplicationReviewed, ApplicationWithdrawn
from shared.envelope import Actor, Envelope
from shared.eventstore import EventStore
from tests.support.databases import fresh_database
from tests.support.events import reviewed, stream, submitted
from tests.support.infrastructure import Infrastructure


def lifecycle(kind: int) -> list[Contract]:
    app = submitted()
    later: list[list[Contract]] = [
        [reviewed(app.application_id)],
        [reviewed(app.application_id, "ineligible")],
        [reviewed(app.application_id, "returned")],
        [
            reviewed(app.application_id),
            ApplicationWithdrawn(application_id=app.application_id, round_id="round-1"),
        ],
        [],
        [
            ApplicationReviewed(
                application_id=app.application_id,
                round_id="round-1",
                decision="eligible",
                lead_decision="participant",
            )
        ],
    ]
    return [app, *later[kind % len(later)]]


def interleaved(count: int) -> list[Envelope]:
    """Many applications' events mixed the way one partition carries them: each
    application's in order, runs of one event type broken up by others."""
    streams = [stream(lifecycle(n)) for n in range(count)]
    rng, mixed = random.Random(7), []
    while any(streams):
        pending = rng.choice([s for s in streams if s])
        mixed.append(pending.pop(0))
    return mixed


async def score(engine: AsyncEngine, batches: list[list[Envelope]]) -> None:
    handlers = ScoringHandlers(
        EventStore("scoring", backbone.event), Actor(id="scoring", role="service")
    )
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    for batch in batches:
        async with sessions.begin() as session:
            await handlers.on_events(session, [(e, parse_payload(e)) for e in batch])


async def outcome(engine: AsyncEngine) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The claims, and each scoring event as its payload at its stream position; not the
    times, which are when each run scored."""
    async with engine.connect() as conn:
        rows = await conn.execute(select(claim).order_by(claim.c.application_id))
        claims = [{**row, "updated_at": None} for row in rows.mappings()]
        events = (await conn.execute(select(backbone.event.c.body))).scalars()
        scored = sorted(
            (
                {
                    "aggregate": e.aggregate_id,
                    "version": e.aggregate_version,
                    "type": e.event_type,
                    "payload": e.payload,
                    "causation": e.causation_id,
                }
                for e in map(Envelope.decode, events)
            ),
            key=lambda e: (e["aggregate"], e["version"]),
        )
    return claims, scored


async def test_a_batch_scores_exactly_as_its_events_one_by_one(infra: Infrastructure) -> None:
    events = interleaved(60)
    one_by_one = create_async_engine(await fresh_database(infra.postgres_url, "scoring"))
    in_batches = create_async_engine(await fresh_database(infra.postgres_url, "scoring"))
    try:
        await score(one_by_one, [[e] for e in events])
        await score(in_batches, [events[i : i + 37] for i in range(0, len(events), 37)])
        claims, scored = await outcome(one_by_one)
        assert await outcome(in_batches) == (claims, scored)
    finally:
        await one_by_one.dispose()
        await in_batches.dispose()
    states = {row["state"] for row in claims}
    assert states == {"scored", "ineligible", "returned", "withdrawn", "submitted"}
    # The eligible lifecycles: withdrawn or not, and paid as a participant, 10 of each.
    assert len(scored) == 30
    assert sum(row["claim"].get("role") == "participant" for row in claims) == 10


async def test_scoring_leaves_the_claims_a_replay_of_the_log_leaves(infra: Infrastructure) -> None:
    """Live scoring writes a claim's review and score in one UPDATE; a rebuild replays the
    review and the ApplicationScored one at a time: both must leave the same rows."""
    events = interleaved(60)
    live = create_async_engine(await fresh_database(infra.postgres_url, "scoring"))
    replayed = create_async_engine(await fresh_database(infra.postgres_url, "scoring"))
    try:
        await score(live, [events[i : i + 37] for i in range(0, len(events), 37)])
        async with live.connect() as conn:
            bodies = (await conn.execute(select(backbone.event.c.body))).scalars()
            answering = {e.causation_id: e for e in map(Envelope.decode, bodies)}
        log = []  # each score on the log after the review it answers, as a rebuild reads it
        for event in events:
            log.append(event)
            if event.event_id in answering:
                log.append(answering[event.event_id])
        async with async_sessionmaker(replayed).begin() as session:
            await project_many(session, [(e, parse_payload(e)) for e in log])
        claims, _ = await outcome(live)
        assert (await outcome(replayed))[0] == claims
    finally:
        await live.dispose()
        await replayed.dispose()


def eligible_lifecycle() -> list[Envelope]:
    app = submitted()
    return stream([app, reviewed(app.application_id)])


async def test_a_round_remembered_in_a_transaction_rolled_back_is_made_again(
    infra: Infrastructure,
) -> None:
    engine = create_async_engine(await fresh_database(infra.postgres_url, "scoring"))
    handlers = ScoringHandlers(
        EventStore("scoring", backbone.event), Actor(id="scoring", role="service")
    )
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    try:
        # The second batch finds the round's row the first made, and the instance
        # remembers it; then the transaction fails and the row is gone.
        async with sessions() as session:
            await session.begin()
            for batch in (eligible_lifecycle(), eligible_lifecycle()):
                await handlers.on_events(session, [(e, parse_payload(e)) for e in batch])
            assert "round-1" in handlers.rounds_known
            await session.rollback()
        last = eligible_lifecycle()
        async with sessions.begin() as session:
            await handlers.on_events(session, [(e, parse_payload(e)) for e in last])
        claims, scored = await outcome(engine)
    finally:
        await engine.dispose()
    assert [(c["application_id"], c["state"]) for c in claims] == [(last[0].aggregate_id, "scored")]
    assert [e["type"] for e in scored] == ["ApplicationScored"]
