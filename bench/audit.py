"""The auditor's replay rate on a large generated history, next to the rate at which a
bare aiokafka consumer reads the same topics from the same broker in the same run."""

from __future__ import annotations

import asyncio
import json
import os
import resource
import subprocess
import sys
import time
from typing import NamedTuple
from uuid import uuid4

from aiokafka import AIOKafkaProducer

from bench.history import history
from services.audit import verify_run
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


def verify(bootstrap: str, topics: list[str]) -> tuple[int, float, int]:
    """`qsfund-audit verify` as the command runs it: from asking the cluster for the
    partitions, through the workers' replay, to the merged findings."""
    started = time.perf_counter()
    verdict = verify_run.verify_history(bootstrap, topics, None, WORKERS)
    return verdict.events_read, time.perf_counter() - started, len(verdict.findings)


class Sample(NamedTuple):
    events: int
    seconds: float
    cpu_self: float  # this side's own process
    cpu_children: float  # and its worker processes
    findings: int


def sample(side: str, bootstrap: str, topics: list[str]) -> Sample:
    """One bare read or one verify, each in a process of its own, as the command runs.

    Not in this one: after generating and producing a million events its heap is large
    and full of holes, and verify's workers, forked from it, ran a tenth to a quarter
    slower (34,000 to 39,000 events/s against 44,000 to 45,000 from a fresh process, on
    the same topics, one after the other)."""
    run = subprocess.run(
        [sys.executable, "-m", "bench.audit", side, bootstrap, *topics],
        capture_output=True,
        text=True,
    )
    if run.returncode != 0:
        raise RuntimeError(f"the {side} sample failed ({run.returncode}):\n{run.stderr}")
    return Sample(*json.loads(run.stdout.splitlines()[-1]))


def _sample_here(side: str, bootstrap: str, topics: list[str]) -> Sample:
    before = cpu_seconds()
    if side == "raw":
        (events, seconds), found = asyncio.run(raw_read(bootstrap, topics)), 0
    else:
        events, seconds, found = verify(bootstrap, topics)
    after = cpu_seconds()
    return Sample(events, seconds, after[0] - before[0], after[1] - before[1], found)


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
    # Each sample in a process of its own (see `sample`), started from a thread: this
    # one's event loop stays free.
    turns = ["raw", "verify", "raw", "verify", "raw"]
    samples = [await asyncio.to_thread(sample, side, bootstrap, names) for side in turns]
    raws = [s for side, s in zip(turns, samples, strict=True) if side == "raw"]
    verifies = [s for side, s in zip(turns, samples, strict=True) if side == "verify"]
    ceiling = max(s.events / s.seconds for s in raws)
    rate = max(s.events / s.seconds for s in verifies)
    print(
        "bare aiokafka reads:  "
        + ", ".join(
            f"{s.events / s.seconds:,.0f}/s ({per_event(s.cpu_self, s.events)} CPU an event)"
            for s in raws
        )
    )
    print(
        "qsfund-audit verify:  "
        + ", ".join(
            f"{s.events / s.seconds:,.0f}/s ({per_event(s.cpu_children, s.events)} CPU an "
            f"event in the workers, {per_event(s.cpu_self, s.events)} in the parent; "
            f"{s.findings} findings)"
            for s in verifies
        )
    )
    print(f"{'bare aiokafka read (best of three)':<48} {ceiling:>12,.0f} events/s")
    print(
        f"{'qsfund-audit verify (best of two)':<48} {rate:>12,.0f} events/s"
        f"  ({rate / ceiling:.2f} of the ceiling; target 0.50; "
        f"{WORKERS} worker processes on {os.cpu_count()} CPUs)"
    )


if __name__ == "__main__":
    # python -m bench.audit raw|verify BOOTSTRAP TOPIC...: one sample, as a JSON line.
    side, bootstrap, *topics = sys.argv[1:]
    print(json.dumps(_sample_here(side, bootstrap, topics)))
