"""Benchmark 3, the whole pipeline: applications a second from submitted to scored and
notified, over real processes of all three services.

A platform files BENCH_PIPELINE_APPLICATIONS applications in one open round (a deadline
peak lands in one round) with BENCH_PIPELINE_CONCURRENCY requests in flight, and a
reviewer finds each eligible as soon as it is filed. The run ends when every application
has its ApplicationScored in scoring's event store and all three of its notifications
(received, reviewed, scored) are recorded and sent to the mail sink. Each stage's figure
is read from the services' own databases. The CPU each application cost is given for the
server side (the services, PostgreSQL, Kafka) next to issue 18's target, with the
benchmark's HTTP client and the mail sink apart; each service's resident memory idle and
after the run.
"""

from __future__ import annotations

import asyncio
import os
import time

from bench.cpu import CpuMeter, resident_mib
from bench.dbstats import DatabaseMeter
from bench.load import client, closed_loop, open_round
from bench.profiling import profiled
from bench.progress import Counted, Progress, Stage
from bench.stack import bench_stack

APPLICATIONS = int(os.environ.get("BENCH_PIPELINE_APPLICATIONS", "20000"))
CONCURRENCY = int(os.environ.get("BENCH_PIPELINE_CONCURRENCY", "32"))
IDLE_SECONDS = 3.0
STALL_SECONDS = float(os.environ.get("BENCH_STALL_SECONDS", "60"))
TARGET = 1000
# Issue 18: CPU milliseconds an application on the server side: the services, PostgreSQL
# and Kafka; the benchmark's client and the mail sink stand for the outside world.
CPU_TARGET_MS = 15.0
OUTSIDE = ("bench (HTTP client)", "mail sink")
# Received, reviewed and scored: what an applicant is told for an eligible filing.
NOTIFICATIONS_EACH = 3


def counted_stages(databases: dict[str, str], n: int) -> list[Counted]:
    return [
        Counted(
            "scored (ApplicationScored, scoring's store)",
            n,
            database=databases["scoring"],
            query="SELECT count(*) FROM event WHERE event_type = 'ApplicationScored'",
        ),
        Counted(
            "status 'scored' in the applications API",
            n,
            database=databases["applications"],
            query="SELECT count(*) FROM application WHERE status = 'scored'",
        ),
        Counted(
            f"notifications recorded ({NOTIFICATIONS_EACH} an application)",
            n * NOTIFICATIONS_EACH,
            database=databases["notifications"],
            query="SELECT count(*) FROM notification",
        ),
        Counted(
            "emails sent to the mail sink",
            n * NOTIFICATIONS_EACH,
            database=databases["notifications"],
            query="SELECT count(*) FROM notification WHERE status = 'sent'",
        ),
    ]


async def bench_pipeline(bootstrap: str, server_url: str) -> None:
    n = APPLICATIONS
    print(f"pipeline: {n:,} applications, {CONCURRENCY} requests in flight, 1 scoring instance")
    async with bench_stack(bootstrap, server_url) as stack, client(stack.api, CONCURRENCY) as api:
        filings = await open_round(api, stack.tokens)
        submitted = Stage("submitted (HTTP 201)", n)
        reviewed = Stage("reviewed eligible (HTTP 202)", n)

        async def file_and_review(_: int) -> None:
            application_id = await filings.submit(api)
            submitted.saw(submitted.count + 1, time.perf_counter())
            await filings.review(api, application_id)
            reviewed.saw(reviewed.count + 1, time.perf_counter())

        counted = counted_stages(stack.databases, n)
        # Scored in scoring's store and every email sent end the run (issue 18: the CPU
        # an application costs includes its delivery); the applications API's view of it
        # is reported beside.
        ending = [counted[0], counted[2], counted[3]]
        progress = Progress(counted, ending=ending, stall_seconds=STALL_SECONDS)
        pids = {**stack.pids(), "bench (HTTP client)": os.getpid()}
        idle_memory = {name: resident_mib(pid) for name, pid in stack.pids().items()}
        # What the services spend with nothing to do (relays' polls, consumers' fetches,
        # the delivery loop's looks): at a low rate it weighs on each application.
        idle = CpuMeter(stack.pids()).start()
        await asyncio.sleep(IDLE_SECONDS)  # the measurement window itself
        idle.stop()
        databases = await DatabaseMeter(server_url, stack.databases).start()
        meter = CpuMeter(pids).start()
        started = time.perf_counter()
        with profiled("pipeline", stack.pids()):
            watching = asyncio.create_task(progress.watch())
            await closed_loop(n, CONCURRENCY, file_and_review)
            complete = await watching
        meter.stop()
        await databases.stop()
        after = {name: resident_mib(pid) for name, pid in stack.pids().items()}
    finished = max(stage.done_at or 0.0 for stage in ending) - started
    for stage in [submitted, reviewed, *counted]:
        print(stage.line(started))
    if complete:
        rate = n / finished
        print(
            f"{'end to end: submitted to scored and notified':<44} {rate:>10,.0f} applications/s"
            f"  ({rate / TARGET:.2f} of the target {TARGET:,}/s; {finished:.1f} s)"
        )
    else:
        print(f"end to end: stalled for {STALL_SECONDS:.0f} s before completing")
    if filings.retried:
        print(f"({filings.retried} requests sent again after the server closed the connection)")
    print("CPU while it ran:")
    print("\n".join(meter.lines()))
    print("each application cost (its emails included):")
    print("\n".join(meter.per_unit(n, "an application")))
    print("\n".join(databases.per_unit(n, "an application")))
    server_ms = 1000 * sum(
        used for name, used in meter.used.items() if name not in (*OUTSIDE, "machine")
    )
    server_ms /= n
    services = [name for name in stack.pids() if name not in OUTSIDE]
    idle_ms = sum(1000 * idle.used[name] / idle.seconds * meter.seconds for name in services) / n
    outside = ", ".join(f"{name} {1000 * meter.used[name] / n:.1f} ms" for name in OUTSIDE)
    print(
        f"server side (services, PostgreSQL, Kafka): {server_ms:.1f} ms CPU an application, "
        f"target {CPU_TARGET_MS:.0f} ({server_ms / CPU_TARGET_MS:.1f}x the target); "
        f"apart: {outside}"
    )
    print(
        f"  of which the services' idle work ({idle_ms:.1f} ms an application at this rate), "
        f"without it: {server_ms - idle_ms:.1f} ms"
    )
    print("resident memory, idle and after the run:")
    for name, resident in idle_memory.items():
        print(f"  {name:<34} {resident:6.0f} MiB idle, {after.get(name, 0.0):6.0f} MiB after")
