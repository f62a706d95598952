"""Benchmark 5, scaling out: scoring's throughput with 1, 2 and 4 instances in one
consumer group over the same pre-produced backlog on a 12-partition topic, and what
bounds it on this machine.

The backlog is bench/services.py's: BENCH_SCALING_LIFECYCLES applications, each
submitted and found eligible, all in one round as at a deadline peak. Each instance
count gets fresh topics and a fresh database; the instances start together, and the
rate is taken over the last 80% of the backlog, after joins and rebalances have settled.
While it runs, the CPU of every process and what scoring's database sessions are doing
(pg_stat_activity) are sampled: together they say whether more instances are held back
by the cores, by the database, or by transactions waiting on one another's row locks.
"""

from __future__ import annotations

import asyncio
import os
import time

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine

from bench.cpu import CORES, CpuMeter
from bench.dbstats import DatabaseMeter
from bench.profiling import profiled
from bench.services import records
from bench.stack import bench_stack
from bench.waits import WaitSampler
from services.scoring.adapters.tables import backbone

LIFECYCLES = int(os.environ.get("BENCH_SCALING_LIFECYCLES", "2000"))
INSTANCES = [int(n) for n in os.environ.get("BENCH_SCALING_INSTANCES", "1,2,4").split(",")]
SETTLING = 0.2  # the share of the backlog left out of the rate: joins and rebalances
POLL_SECONDS = 0.2
STALL_SECONDS = 60


async def scoring_rate(
    bootstrap: str, server_url: str, instances: int, backlog: list[tuple[bytes, bytes]]
) -> float:
    """Events a second the instances apply together, past the settling share."""
    expect = len(backlog)
    async with bench_stack(
        bootstrap, server_url, ("scoring",), scoring_instances=instances, backlog=backlog
    ) as stack:
        scorers = {name: pid for name, pid in stack.pids().items() if name != "mail sink"}
        engine = create_async_engine(stack.databases["scoring"], pool_size=1)
        applied = select(func.count()).select_from(backbone.inbox)
        meter = CpuMeter(scorers)
        waits = WaitSampler(server_url, [stack.databases["scoring"]])
        database = DatabaseMeter(server_url, {"scoring": stack.databases["scoring"]})
        window_start = window_count = 0.0
        last_change, last_done = time.perf_counter(), -1
        try:
            with profiled(f"scaling-{instances}", scorers):
                while True:
                    async with engine.connect() as conn:
                        done = int(await conn.scalar(applied) or 0)
                    now = time.perf_counter()
                    if not window_start and done >= SETTLING * expect:
                        window_start, window_count = now, done
                        meter.start()
                        waits.start()
                        await database.start()
                    if done >= expect:
                        meter.stop()  # while the processes still run
                        await database.stop()
                        break
                    if done != last_done:
                        last_change, last_done = now, done
                    elif now - last_change > STALL_SECONDS:
                        raise RuntimeError(f"scoring stalled at {done} of {expect} events")
                    await asyncio.sleep(POLL_SECONDS)
        finally:
            await waits.stop()
            await engine.dispose()
    rate = (expect - window_count) / (now - window_start)
    print(f"{instances} instance{'s' if instances > 1 else ''}: {rate:>8,.0f} events/s")
    print("\n".join(meter.lines()))
    events = int(expect - window_count)
    print("\n".join(meter.per_unit(events, "an event")))
    print("\n".join(database.per_unit(events, "an event")))
    report(meter, waits)
    return rate


def report(meter: CpuMeter, waits: WaitSampler) -> None:
    machine = meter.used["machine"] / meter.seconds
    print("  scoring's database sessions, on average:")
    print("\n".join(waits.lines()))
    locked = waits.share("waiting on a lock")
    waiting_for_python = waits.share("in a transaction")
    print(
        f"  bound: machine {machine:.2f} of {CORES} cores busy; of the sessions in use, "
        f"{locked:.0%} wait on a lock, {waiting_for_python:.0%} wait for scoring's Python"
    )


async def bench_scaling(bootstrap: str, server_url: str) -> None:
    backlog = records(LIFECYCLES)
    print(
        f"scoring scaled out: {len(backlog):,} events ({LIFECYCLES:,} applications in one "
        f"round), 12 partitions, instances {INSTANCES}"
    )
    rates: dict[int, float] = {}
    for instances in INSTANCES:
        rates[instances] = await scoring_rate(bootstrap, server_url, instances, backlog)
    first = rates[INSTANCES[0]]
    summary = ", ".join(f"{n}: {rate / first:.2f}x" for n, rate in rates.items())
    print(f"throughput relative to {INSTANCES[0]} instance(s): {summary}")
