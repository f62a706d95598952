"""The auditor's replay rate on a large generated history, next to the rate at which a
bare aiokafka consumer reads the same topics from the same broker in the same run."""

from __future__ import annotations

import asyncio
import os
import resource
import time
from uuid import uuid4

from aiokafka import AIOKafkaProducer

from bench.history import history
from services.audit import replay
from shared.admin import ensure_topics
from shared.log_reader import from_the_beginning
from shared.topics import Topics

EVENTS = int(os.environ.get("BENCH_AUDIT_EVENTS", "1000000"))
# verify's default is a process a CPU; set to compare with fewer.
WORKERS = int(os.environ.get("BENCH_AUDIT_WORKERS", "0")) or os.cpu_count() or 1


async def produce(bootstrap: str, topics: Topics) -> int:
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        acks=1,
        linger_ms=20,
        max_batch_size=1 << 20,
        compression_type=None,
    )
    await producer.start()
    sent, pending = 0, []
    try:
        for suffix, key, value in history(EVENTS):
            topic = topics.applications if suffix == "applications" else topics.scoring
            pending.append(await producer.send(topic, value, key=key))
            sent += 1
            if len(pending) >= 50_000:
                await asyncio.gather(*pending)
                pending.clear()
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    return sent


def cpu_seconds() -> tuple[float, float]:
    """CPU time of this process and of its finished children: figures that, unlike rates,
    hold on a machine others are busy on."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


async def raw_read(bootstrap: str, topics: list[str]) -> tuple[int, float]:
    """The ceiling: a bare consumer that only counts what it fetched."""
    async with from_the_beginning(bootstrap, topics) as (consumer, bounds):
        started, count = time.perf_counter(), 0
        remaining = {tp for tp, (first, last) in bounds.items() if last > first}
        while remaining:
            fetched = await consumer.getmany(*remaining, timeout_ms=1000, max_records=20_000)
            for tp, records in fetched.items():
                count += len(records)
                if records and records[-1].offset + 1 >= bounds[tp][1]:
                    remaining.discard(tp)
        return count, time.perf_counter() - started


async def verify(bootstrap: str, topics: list[str]) -> tuple[int, float, int]:
    """`qsfund-audit verify` as the command runs it: from asking the cluster for the
    partitions, through the workers' replay, to the merged findings."""
    started = time.perf_counter()
    # In a thread: verify runs event loops of its own (and forks its workers from there).
    verdict = await asyncio.to_thread(replay.verify, bootstrap, topics, None, WORKERS)
    return verdict.events_read, time.perf_counter() - started, len(verdict.findings)


def per_event(seconds: float, events: int) -> str:
    return f"{seconds / events * 1e6:.1f} µs"


async def bench_audit(bootstrap: str) -> None:
    topics = Topics(f"audit{uuid4().hex[:8]}")
    await ensure_topics(bootstrap, [topics.applications, topics.scoring], partitions=12)
    started = time.perf_counter()
    made = await produce(bootstrap, topics)
    print(f"generated and produced {made:,} events in {time.perf_counter() - started:.0f} s")
    names = [topics.applications, topics.scoring]
    # Bare read, verify, bare read, verify, bare read: on a shared machine one sample of
    # either can be far off, so each side is given its best, and every sample is shown.
    raws: list[tuple[int, float, float]] = []  # events, seconds, CPU seconds
    verifies: list[tuple[int, float, int, float, float]] = []  # and findings, CPU split
    for turn in range(5):
        before = cpu_seconds()
        if turn % 2 == 0:
            events, seconds = await raw_read(bootstrap, names)
            raws.append((events, seconds, cpu_seconds()[0] - before[0]))
        else:
            events, seconds, found = await verify(bootstrap, names)
            after = cpu_seconds()
            verifies.append((events, seconds, found, after[0] - before[0], after[1] - before[1]))
    ceiling = max(events / seconds for events, seconds, _ in raws)
    rate = max(events / seconds for events, seconds, *_ in verifies)
    print(
        "bare aiokafka reads:  "
        + ", ".join(f"{e / s:,.0f}/s ({per_event(c, e)} CPU an event)" for e, s, c in raws)
    )
    print(
        "qsfund-audit verify:  "
        + ", ".join(
            f"{e / s:,.0f}/s ({per_event(w, e)} CPU an event in the workers, "
            f"{per_event(p, e)} in the parent; {f} findings)"
            for e, s, f, p, w in verifies
        )
    )
    print(f"{'bare aiokafka read (best of three)':<48} {ceiling:>12,.0f} events/s")
    print(
        f"{'qsfund-audit verify (best of two)':<48} {rate:>12,.0f} events/s"
        f"  ({rate / ceiling:.2f} of the ceiling; target 0.50; "
        f"{WORKERS} worker processes on {os.cpu_count()} CPUs)"
    )
