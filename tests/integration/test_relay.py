"""The outbox relay over real Kafka and PostgreSQL: SIGKILLed at random moments, woken
by commits, two of them relaying one outbox at once, and stopped as a service stops it
(woken in that very turn, or in the middle of a statement)."""

from __future__ import annotations

import asyncio
import contextlib
import random
import sys
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from uuid import uuid4

from sqlalchemy import func, insert, literal, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from services.applications.adapters.driver import transaction
from services.applications.adapters.projections import write_submissions
from services.applications.adapters.tables import backbone
from shared.envelope import Actor, Envelope
from shared.eventstore import Cause, EventStore, StreamHead, event_row
from shared.kafka import build_broker
from shared.publishing import BrokerPublisher
from shared.relay import OutboxRelay
from shared.topics import Topics
from tests.support.events import reviewed, stream, submitted
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import read_all
from tests.support.processes import ServiceProcess

STORE = EventStore("applications", backbone.event)
AGGREGATES, VERSIONS = 40, 25


CAUSE = Cause(actor=Actor(id="reviewer-1", role="reviewer"), correlation_id=uuid4())


async def fill_outbox(
    engine: AsyncEngine, aggregates: int = AGGREGATES, versions: int = VERSIONS
) -> int:
    for _ in range(aggregates):
        app = submitted()
        async with engine.begin() as db:
            head = StreamHead()
            events = [app] + [reviewed(app.application_id, "returned") for _ in range(versions - 1)]
            await STORE.append(db, head, events, CAUSE)
    return aggregates * versions


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


@asynccontextmanager
async def relaying(
    engine: AsyncEngine, bootstrap: str, topic: str, slow_poll: float
) -> AsyncIterator[tuple[OutboxRelay, asyncio.Task[None]]]:
    """A relay running in this process until the block ends, and the task running it."""
    broker = build_broker(bootstrap, client_id=f"relay-{uuid4().hex[:6]}")
    await broker.start()
    relay = OutboxRelay(
        engine=engine,
        table=backbone.event,
        publisher=BrokerPublisher(broker),
        topic=topic,
        batch_size=20,
        most_idle_seconds=slow_poll,
    )
    running = asyncio.create_task(relay.run())
    try:
        yield relay, running
    finally:
        await stopped(running)  # a relay that does not stop fails its test, not hangs it
        await broker.stop()


async def test_a_commit_wakes_the_relay_without_its_poll(
    infra: Infrastructure, topics: Topics, applications_engine: AsyncEngine
) -> None:
    # A slow poll of an hour: only the commit's signal can get these published in time.
    async with relaying(applications_engine, infra.kafka_bootstrap, topics.applications, 3600):
        # Once its first event is out, the relay has nothing left and waits.
        await fill_outbox(applications_engine, aggregates=1, versions=1)
        await read_all(infra.kafka_bootstrap, topics.applications, 1, within=30)
        total = 1 + await fill_outbox(applications_engine)
        records = await read_all(infra.kafka_bootstrap, topics.applications, total, within=30)
    assert len({Envelope.decode(r.value).event_id for r in records}) == total
    assert await unpublished(applications_engine) == 0


async def test_events_written_in_a_with_of_another_statement_wake_the_relay(
    infra: Infrastructure, topics: Topics, applications_engine: AsyncEngine
) -> None:
    # The applications service writes its events in a WITH of the statement that writes
    # the rows they change; with a slow poll of an hour, only their commit's signal can
    # get them published in time.
    async with relaying(applications_engine, infra.kafka_bootstrap, topics.applications, 3600):
        await fill_outbox(applications_engine, aggregates=1, versions=1)
        await read_all(infra.kafka_bootstrap, topics.applications, 1, within=30)
        [envelope] = stream([submitted()])
        written = insert(backbone.event).values(event_row(envelope)).cte("written_events")
        async with applications_engine.begin() as db:
            await db.execute(select(literal(1)).add_cte(written))
        records = await read_all(infra.kafka_bootstrap, topics.applications, 2, within=30)
    assert envelope.event_id in {Envelope.decode(r.value).event_id for r in records}


async def test_events_written_on_the_driver_underneath_wake_the_relay(
    infra: Infrastructure, topics: Topics, applications_engine: AsyncEngine
) -> None:
    # The intake writes a submission on the asyncpg connection itself, where the relay's
    # watch of SQLAlchemy's executions does not see it; with a slow poll of an hour, only
    # the transaction's word can get it published in time.
    async with relaying(applications_engine, infra.kafka_bootstrap, topics.applications, 3600):
        await fill_outbox(applications_engine, aggregates=1, versions=1)
        await read_all(infra.kafka_bootstrap, topics.applications, 1, within=30)
        app = submitted()
        [[envelope]] = STORE.seal_each([(StreamHead(), [app], CAUSE)])
        async with transaction(applications_engine, writes_events=True) as driver:
            await write_submissions(driver, applications_engine.dialect, [(envelope, app)])
        records = await read_all(infra.kafka_bootstrap, topics.applications, 2, within=30)
    assert envelope.event_id in {Envelope.decode(r.value).event_id for r in records}


async def test_events_another_process_wrote_are_found_by_the_slow_poll(
    infra: Infrastructure, topics: Topics, applications_db: str, applications_engine: AsyncEngine
) -> None:
    # The relay's own engine writes nothing: as if another instance or a tool wrote.
    relay_engine = create_async_engine(applications_db)
    try:
        async with relaying(relay_engine, infra.kafka_bootstrap, topics.applications, 0.2):
            total = await fill_outbox(applications_engine)
            records = await read_all(infra.kafka_bootstrap, topics.applications, total)
    finally:
        await relay_engine.dispose()
    assert len({Envelope.decode(r.value).event_id for r in records}) == total


async def test_a_relay_publishes_while_requests_hold_every_connection_of_the_pool(
    infra: Infrastructure, topics: Topics, applications_db: str, applications_engine: AsyncEngine
) -> None:
    # The service's pool is one connection, held throughout as by a request; the relay
    # on it must still publish (within the pool's timeout it would not have had one).
    service_engine = create_async_engine(applications_db, pool_size=1, max_overflow=0)
    try:
        async with (
            service_engine.connect() as held,
            relaying(service_engine, infra.kafka_bootstrap, topics.applications, 0.2),
        ):
            await held.execute(text("SELECT 1"))
            total = await fill_outbox(applications_engine, aggregates=2, versions=3)
            records = await read_all(infra.kafka_bootstrap, topics.applications, total, within=10)
    finally:
        await service_engine.dispose()
    assert len({Envelope.decode(r.value).event_id for r in records}) == total


async def test_two_instances_relaying_at_once_send_each_event_once_and_in_order(
    infra: Infrastructure, topics: Topics, applications_db: str, applications_engine: AsyncEngine
) -> None:
    other_engine = create_async_engine(applications_db)
    try:
        async with (
            relaying(applications_engine, infra.kafka_bootstrap, topics.applications, 3600),
            relaying(other_engine, infra.kafka_bootstrap, topics.applications, 3600),
        ):
            # Both instances write, each waking its own relay while the other's may be
            # sending: the row locks make them take turns.
            written = await asyncio.gather(
                fill_outbox(applications_engine), fill_outbox(other_engine)
            )
            total = sum(written)
            records = await read_all(infra.kafka_bootstrap, topics.applications, total)
    finally:
        await other_engine.dispose()
    events = [Envelope.decode(record.value) for record in records]
    assert len(events) == total, "an event was sent twice (or lost)"
    versions: dict[str, list[int]] = defaultdict(list)
    for event in events:
        versions[event.aggregate_id].append(event.aggregate_version)
    for seen in versions.values():
        assert seen == list(range(1, VERSIONS + 1)), "an aggregate's events were reordered"


async def stopped(running: asyncio.Task[None]) -> bool:
    """Cancel the relay as a stopping service does; whether it stopped (a service's
    shutdown waits for it, so one that goes on hangs the shutdown)."""
    running.cancel()
    with contextlib.suppress(asyncio.CancelledError, TimeoutError):
        await asyncio.wait_for(asyncio.shield(running), 10)
    return running.cancelled()


async def test_a_relay_cancelled_as_a_commit_wakes_it_stops(
    infra: Infrastructure, topics: Topics, applications_engine: AsyncEngine
) -> None:
    one = relaying(applications_engine, infra.kafka_bootstrap, topics.applications, 3600)
    async with one as (relay, running):
        await fill_outbox(applications_engine, aggregates=1, versions=1)
        # Once its one event is out, the relay has nothing left and waits to be woken.
        await read_all(infra.kafka_bootstrap, topics.applications, 1, within=30)
        relay.written.set()  # a commit wakes it in the turn the service stops
        assert await stopped(running), "the relay went on after it was cancelled"


async def test_a_relay_cancelled_in_the_middle_of_a_statement_stops(
    infra: Infrastructure, topics: Topics, applications_engine: AsyncEngine
) -> None:
    await fill_outbox(applications_engine, aggregates=1, versions=1)
    async with applications_engine.connect() as other:
        # Another instance holds the batch: the relay's read waits on its row locks.
        await other.execute(select(backbone.event.c.position).with_for_update())
        one = relaying(applications_engine, infra.kafka_bootstrap, topics.applications, 3600)
        async with one as (_, running):
            await until_a_statement_waits_on_a_lock(applications_engine)
            # The driver cancels the statement and the connection is invalidated.
            assert await stopped(running), "the relay went on after it was cancelled"
        await other.rollback()


async def until_a_statement_waits_on_a_lock(engine: AsyncEngine) -> None:
    for _ in range(200):
        # A connection of its own each time: in a transaction, pg_stat_activity answers
        # the snapshot it took first.
        async with engine.connect() as db:
            waiting = await db.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            )
        if waiting:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the relay's read never waited on the held rows")
