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

from services.notifications.adapters.tables import backbone as notifications_tables
from services.scoring.adapters.tables import backbone as scoring_tables
from shared.admin import ensure_topics
from shared.topics import Topics
from tests.support.databases import fresh_database
from tests.support.events import reviewed, stream, submitted
from tests.support.kafka import produce
from tests.support.processes import ServiceProcess

LIFECYCLES = int(os.environ.get("BENCH_SERVICE_LIFECYCLES", "2000"))


def records(count: int) -> list[tuple[bytes, bytes]]:
    made = []
    for _ in range(count):
        app = submitted()
        for envelope in stream([app, reviewed(app.application_id)]):
            made.append((envelope.aggregate_id.encode(), envelope.encode()))
    return made


async def ceiling(bootstrap: str, source: str, target: str, expect: int) -> float:
    """Consume-and-produce with nothing in between: what the broker and client allow."""
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
        seen, started = 0, time.perf_counter()
        while seen < expect:
            batch = await consumer.getmany(timeout_ms=1000, max_records=5000)
            sends = [
                await producer.send(target, record.value, key=record.key)
                for records_ in batch.values()
                for record in records_
            ]
            await asyncio.gather(*sends)
            await consumer.commit()
            seen += len(sends)
        return seen / (time.perf_counter() - started)
    finally:
        await consumer.stop()
        await producer.stop()


async def service_rate(
    name: str, bootstrap: str, topics: Topics, database: str, count_done: object, expect: int
) -> float:
    """Start the service on a full topic and time it until `expect` events are applied."""
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "QSFUND_TOPIC_NAMESPACE": topics.namespace,
        f"{name.upper()}_DATABASE_URL": database,
    }
    with tempfile.TemporaryDirectory() as logs:
        service = ServiceProcess.service(name, env, Path(logs)).start()
        engine = create_async_engine(database)
        try:
            started = time.perf_counter()
            while True:
                async with engine.connect() as conn:
                    done = await conn.scalar(count_done)  # type: ignore[call-overload]
                if done >= expect:
                    return expect / (time.perf_counter() - started)
                await asyncio.sleep(0.2)
        finally:
            await engine.dispose()
            service.stop()


async def bench_services(bootstrap: str, server_url: str) -> None:
    topics = Topics(f"svc{uuid4().hex[:8]}")
    await ensure_topics(bootstrap, [*topics.all(), topics.name("ceiling")], partitions=12)
    events = records(LIFECYCLES)
    await produce(bootstrap, topics.applications, events)
    top = await ceiling(bootstrap, topics.applications, topics.name("ceiling"), len(events))
    print(f"{'ceiling: bare consume-and-produce':<48} {top:>12,.0f} events/s")
    for name, tables in (("notifications", notifications_tables), ("scoring", scoring_tables)):
        database = await fresh_database(server_url, name)
        applied = select(func.count()).select_from(tables.inbox)
        rate = await service_rate(name, bootstrap, topics, database, applied, len(events))
        print(
            f"{name + ' (one transaction an event)':<48} {rate:>12,.0f} events/s"
            f"  ({rate / top:.2f} of the ceiling; target 0.25)"
        )


if __name__ == "__main__":
    asyncio.run(bench_services(sys.argv[1], sys.argv[2]))
