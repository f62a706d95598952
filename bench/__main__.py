"""`make bench`: the event backbone's rates next to what the bare tools do.

1. sealing and verifying envelopes (CPU only);
2. the outbox relay draining PostgreSQL into Kafka, next to a bare aiokafka producer
   sending the same records to the same broker;
3. each consuming service's rate with its database work, next to a bare
   consume-and-produce loop on the same broker;
4. the auditor's verify over a generated history of a million events, next to a bare
   aiokafka consumer reading the same topics;
5. the whole pipeline over the real services: applications a second from submitted to
   scored and notified (bench/pipeline.py);
6. latency from submission to ApplicationScored at a steady rate (bench/latency.py);
7. scoring's throughput with 1, 2 and 4 instances in one group (bench/scaling.py);
8. HTTP intake next to a bare endpoint of the same server (bench/intake.py);
9. a register load of 100,000 rows as CSV: rows a second, CPU per row (bench/register.py);
10. official lists of 10,000 entries matched to a register of 100,000 enterprises:
    entries a second, CPU per entry (bench/lists.py);
11. an official list of 10,000 standards matched against a register of 100,000
    enterprises, proposed by the applications service: proposals a second, CPU per
    proposal (bench/proposals.py).

`python -m bench` runs every section; `python -m bench pipeline latency` only those named
(envelopes, relay, services, audit, pipeline, latency, scaling, intake, register,
lists, proposals).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
from collections.abc import Awaitable, Callable
from uuid import uuid4

from aiokafka import AIOKafkaProducer
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import create_async_engine

from bench.audit import bench_audit
from bench.intake import bench_intake
from bench.latency import bench_latency
from bench.lists import bench_lists
from bench.pipeline import bench_pipeline
from bench.proposals import bench_proposals
from bench.register import bench_register
from bench.scaling import bench_scaling
from bench.services import bench_services
from services.applications.adapters.tables import backbone
from shared.admin import ensure_topics
from shared.envelope import Envelope
from shared.hashchain import verify_chain
from shared.kafka import build_broker
from shared.publishing import BrokerPublisher
from shared.relay import OutboxRelay
from shared.topics import Topics
from tests.support.databases import fresh_database
from tests.support.events import reviewed, stream, submitted
from tests.support.infrastructure import infrastructure

EVENTS = int(os.environ.get("BENCH_EVENTS", "20000"))
PER_AGGREGATE = 10


def make_events() -> list[Envelope]:
    envelopes: list[Envelope] = []
    for _ in range(EVENTS // PER_AGGREGATE):
        app = submitted()
        rest = [reviewed(app.application_id, "returned") for _ in range(PER_AGGREGATE - 1)]
        envelopes.extend(stream([app, *rest]))
    return envelopes


def report(name: str, count: int, seconds: float, ceiling: float | None = None) -> float:
    rate = count / seconds
    ratio = f"  ({rate / ceiling:.2f} of the ceiling)" if ceiling else ""
    print(f"{name:<48} {rate:>12,.0f} /s{ratio}")
    return rate


async def bench_relay(bootstrap: str, server_url: str, envelopes: list[Envelope]) -> None:
    topics = Topics(f"bench{uuid4().hex[:8]}")
    await ensure_topics(bootstrap, [topics.applications, topics.name("raw")], partitions=12)
    records = [(e.aggregate_id.encode(), e.encode()) for e in envelopes]

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, linger_ms=5)
    await producer.start()
    started = time.perf_counter()
    sent = [await producer.send(topics.name("raw"), value=v, key=k) for k, v in records]
    await asyncio.gather(*sent)
    raw = report(
        "bare aiokafka producer (idempotent, acks=all)", len(records), time.perf_counter() - started
    )
    await producer.stop()

    url = await fresh_database(server_url, "applications")
    engine = create_async_engine(url)
    async with engine.begin() as db:
        await db.execute(
            insert(backbone.event),
            [
                {
                    "event_id": e.event_id,
                    "aggregate_type": e.aggregate_type,
                    "aggregate_id": e.aggregate_id,
                    "aggregate_version": e.aggregate_version,
                    "event_type": e.event_type,
                    "schema_version": e.schema_version,
                    "occurred_at": e.occurred_at,
                    "hash": e.hash,
                    "body": e.encode().decode(),
                }
                for e in envelopes
            ],
        )
    broker = build_broker(bootstrap, client_id="bench")
    await broker.start()
    relay = OutboxRelay(
        engine=engine,
        table=backbone.event,
        publisher=BrokerPublisher(broker),
        topic=topics.applications,
    )
    started = time.perf_counter()
    while await relay.publish_pending():
        pass
    report("outbox relay, PostgreSQL to Kafka", len(records), time.perf_counter() - started, raw)
    await broker.stop()
    await engine.dispose()


def bench_envelopes(envelopes: list[Envelope]) -> None:
    started = time.perf_counter()
    make_events()
    report("seal envelopes (hash chain)", EVENTS, time.perf_counter() - started)
    started = time.perf_counter()
    for i in range(0, len(envelopes), PER_AGGREGATE):
        assert verify_chain(envelopes[i : i + PER_AGGREGATE]) == []
    report("verify hash chains", len(envelopes), time.perf_counter() - started)


Section = Callable[[str, str], Awaitable[None]]
# Each needs the broker's bootstrap address and a PostgreSQL server URL.
SECTIONS: dict[str, Section] = {
    "services": bench_services,
    "audit": lambda bootstrap, _: bench_audit(bootstrap),
    "pipeline": bench_pipeline,
    "latency": bench_latency,
    "scaling": bench_scaling,
    "intake": bench_intake,
    "register": bench_register,
    "lists": bench_lists,
    "proposals": bench_proposals,
}
EVENT_SECTIONS = ("envelopes", "relay")
ALL = [*EVENT_SECTIONS, *SECTIONS]


async def main(chosen: list[str]) -> None:
    # Producing to topics created a moment ago retries until their leaders are elected;
    # aiokafka warns of each retry, which would bury the figures.
    logging.getLogger("aiokafka").setLevel(logging.ERROR)
    unknown = set(chosen) - set(ALL)
    if unknown:
        raise SystemExit(f"no such section: {', '.join(sorted(unknown))}; choose from {ALL}")
    envelopes = make_events() if set(chosen) & set(EVENT_SECTIONS) else []
    if envelopes:
        print(f"qsfund backbone benchmark, {EVENTS:,} events\n")
    if "envelopes" in chosen:
        bench_envelopes(envelopes)
    with infrastructure() as infra:
        print(f"(Kafka and PostgreSQL from {infra.origin})")
        if "relay" in chosen:
            await bench_relay(infra.kafka_bootstrap, infra.postgres_url, envelopes)
        for name in chosen:
            if name in SECTIONS:
                print()
                await SECTIONS[name](infra.kafka_bootstrap, infra.postgres_url)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:] or ALL))
