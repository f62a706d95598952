"""Each consuming service's processing rate with its database work, next to the
ceiling: a bare aiokafka loop that consumes the same records and produces one record
for each, on the same broker, in the same run."""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path
from uuid import uuid4

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine

from bench.cpu import CpuMeter
from bench.dbstats import DatabaseMeter
from services.notifications.adapters.tables import backbone as notifications_tables
from services.scoring.adapters.tables import backbone as scoring_tables
from shared.admin import ensure_topics
from shared.settings import KafkaSettings
from shared.topics import Topics
from tests.support.databases import fresh_database
from tests.support.events import reviewed, stream, submitted
from tests.support.kafka import produce
from tests.support.processes import ServiceProcess

LIFECYCLES = int(os.environ.get("BENCH_SERVICE_LIFECYCLES", "10000"))
BATCH = KafkaSettings().consumer_batch_size  # what each service fetches at once


def records(count: int) -> list[tuple[bytes, bytes]]:
    made = []
    for _ in range(count):
        app = submitted()
        for envelope in stream([app, reviewed(app.application_id)]):
            made.append((envelope.aggregate_id.encode(), envelope.encode()))
    return made


async def ceiling(bootstrap: str, source: str, target: str, expect: int) -> float:
    """Consume-and-produce with nothing in between: what the broker and client allow.
    Timed as the services are, past the settling share (the group's join and the first
    fetches are left out of both sides of the ratio), in batches of the services' size."""
    consumer = AIOKafkaConsumer(
        source,
        bootstrap_servers=bootstrap,
        group_id=f"ceiling-{uuid4().hex[:6]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, linger_ms=5)
    await consumer.start()
    await producer.start()
    try:
        seen, window = 0, None
        while seen < expect:
            batch = await consumer.getmany(timeout_ms=1000, max_records=BATCH)
            sends = [
                await producer.send(target, record.value, key=record.key)
                for records_ in batch.values()
                for record in records_
            ]
            await asyncio.gather(*sends)
            await consumer.commit()
            seen += len(sends)
            if window is None and seen >= SETTLING * expect:
                window = (time.perf_counter(), seen)
        assert window is not None
        return (seen - window[1]) / (time.perf_counter() - window[0])
    finally:
        await consumer.stop()
        await producer.stop()


# The share of the backlog left out of the rate: the process's start, its imports and
# its joining the group, which would otherwise weigh more than the work on a short run.
SETTLING = 0.1
POLL_SECONDS = 0.05
TARGET = 0.25  # of the ceiling (issue 18)


async def service_rate(
    name: str,
    bootstrap: str,
    topics: Topics,
    database: str,
    count_done: object,
    expect: int,
    statements: DatabaseMeter,
) -> tuple[float, float, int]:
    """Start the service on a full topic; events a second it applies past the settling
    share, its CPU milliseconds an event over the same window (`statements` measures its
    database over it too) and the events in the window."""
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "QSFUND_TOPIC_NAMESPACE": topics.namespace,
        f"{name.upper()}_DATABASE_URL": database,
    }
    with tempfile.TemporaryDirectory() as logs:
        service = ServiceProcess.service(name, env, Path(logs)).start()
        assert service.process is not None
        meter = CpuMeter({name: service.process.pid})
        engine = create_async_engine(database, pool_size=1)
        window: tuple[float, int] | None = None
        try:
            while True:
                async with engine.connect() as conn:
                    done = int(await conn.scalar(count_done) or 0)  # type: ignore[call-overload]
                now = time.perf_counter()
                if window is None and done >= SETTLING * expect:
                    window = (now, done)
                    meter.start()
                    await statements.start()
                if window is not None and done >= expect:
                    meter.stop()
                    await statements.stop()
                    applied = expect - window[1]
                    rate = applied / (now - window[0])
                    return rate, 1000 * meter.used[name] / applied, applied
                await asyncio.sleep(POLL_SECONDS)
        finally:
            await engine.dispose()
            service.stop()


async def bench_services(bootstrap: str, server_url: str) -> None:
    topics = Topics(f"svc{uuid4().hex[:8]}")
    await ensure_topics(bootstrap, [*topics.all(), topics.name("ceiling")], partitions=12)
    events = records(LIFECYCLES)
    await produce(bootstrap, topics.applications, events)
    for name, tables in (("notifications", notifications_tables), ("scoring", scoring_tables)):
        # The bare loop just before each service: the other engineers' load on this
        # machine changes from minute to minute, and a ratio of two moments measures it.
        top = await ceiling(bootstrap, topics.applications, topics.name("ceiling"), len(events))
        print(f"{'ceiling: bare consume-and-produce':<48} {top:>12,.0f} events/s")
        database = await fresh_database(server_url, name)
        applied = select(func.count()).select_from(tables.inbox)
        statements = DatabaseMeter(server_url, {name: database})
        rate, cpu_ms, applied_in_window = await service_rate(
            name, bootstrap, topics, database, applied, len(events), statements
        )
        print(
            f"{name + ' (batches)':<48} {rate:>12,.0f} events/s"
            f"  ({rate / top:.2f} of the ceiling; target {TARGET}); {cpu_ms:.2f} ms CPU an event"
        )
        # An application is two events here (submitted, found eligible).
        print("\n".join(statements.per_unit(applied_in_window // 2, "an application")))


if __name__ == "__main__":
    asyncio.run(bench_services(sys.argv[1], sys.argv[2]))
