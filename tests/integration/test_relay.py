"""The outbox relay over real Kafka and PostgreSQL, SIGKILLed at random moments."""

from __future__ import annotations

import asyncio
import random
import sys
from collections import defaultdict
from pathlib import Path
from uuid import uuid4

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from services.applications.adapters.tables import backbone
from shared.envelope import Actor, Envelope
from shared.eventstore import Cause, EventStore, StreamHead
from shared.topics import Topics
from tests.support.events import reviewed, submitted
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import read_all
from tests.support.processes import ServiceProcess

STORE = EventStore("applications", backbone.event)
AGGREGATES, VERSIONS = 40, 25


async def fill_outbox(engine: AsyncEngine) -> int:
    cause = Cause(actor=Actor(id="reviewer-1", role="reviewer"), correlation_id=uuid4())
    for _ in range(AGGREGATES):
        app = submitted()
        async with engine.begin() as db:
            head = StreamHead()
            events = [app] + [reviewed(app.application_id, "returned") for _ in range(VERSIONS - 1)]
            await STORE.append(db, head, events, cause)
    return AGGREGATES * VERSIONS


async def unpublished(engine: AsyncEngine) -> int:
    async with engine.connect() as db:
        return int(
            await db.scalar(select(func.count()).where(backbone.event.c.published_at.is_(None)))
            or 0
        )


async def test_killing_the_relay_anywhere_loses_and_reorders_nothing(
    infra: Infrastructure,
    topics: Topics,
    applications_db: str,
    applications_engine: AsyncEngine,
    tmp_path: Path,
) -> None:
    total = await fill_outbox(applications_engine)
    relay = ServiceProcess(
        [sys.executable, "-m", "tests.support.relay_process"],
        {
            "RELAY_DATABASE_URL": applications_db,
            "KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap,
            "RELAY_TOPIC": topics.applications,
            "RELAY_BATCH_SIZE": "40",
        },
        tmp_path / "relay.log",
    )
    rng = random.Random(20261127)
    interrupted = 0
    for _ in range(6):
        relay.start()
        await asyncio.sleep(rng.uniform(0.3, 1.5))
        relay.kill()
        if await unpublished(applications_engine) == 0:
            break
        interrupted += 1
    relay.start()
    for _ in range(300):
        if await unpublished(applications_engine) == 0:
            break
        await asyncio.sleep(0.2)
    relay.kill()
    assert await unpublished(applications_engine) == 0

    records = await read_all(infra.kafka_bootstrap, topics.applications, expect=total)
    first_seen: dict[str, list[int]] = defaultdict(list)
    seen: set[str] = set()
    for record in records:
        event = Envelope.decode(record.value)
        assert record.key == event.aggregate_id.encode()
        if str(event.event_id) not in seen:
            seen.add(str(event.event_id))
            first_seen[event.aggregate_id].append(event.aggregate_version)
    assert len(seen) == total, "an event was lost"
    for versions in first_seen.values():
        assert versions == list(range(1, VERSIONS + 1)), "an aggregate's events were reordered"
    assert interrupted >= 1, "the relay was never killed with work left to do"
