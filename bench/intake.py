"""Benchmark 6, HTTP intake: the CPU each request costs the applications process, and
submissions a second next to a bare endpoint of the same server, with the same client
and the same concurrency.

Three requests, each BENCH_INTAKE_REQUESTS times with BENCH_INTAKE_CONCURRENCY in
flight: `GET /health` (the server and framework alone: no token, no database), `GET
/v1/rounds/{id}` (a token verified and the round's figures read), and `POST
/v1/applications` (a token, validation and a write transaction). The applications
process's CPU per request shows what each layer costs, independently of how busy the
rest of the machine is.

The process also works while no request comes (the outbox relay's polls, the consumer's
fetches, the lag gauge): that idle rate is measured first, and each request's figure is
given with it and without it. On a shared machine the rate of requests moves a lot, and
the idle work spread over fewer requests would otherwise look like a dearer request.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable

from bench.cpu import CpuMeter
from bench.dbstats import DatabaseMeter
from bench.load import Api, Filings, client, closed_loop, open_round
from bench.profiling import profiled
from bench.stack import bench_stack

REQUESTS = int(os.environ.get("BENCH_INTAKE_REQUESTS", "5000"))
CONCURRENCY = int(os.environ.get("BENCH_INTAKE_CONCURRENCY", "32"))
IDLE_SECONDS = 3.0
# Issue 18's targets: the applications process's CPU milliseconds a request.
TARGETS = {"health": 0.15, "round": 1.0, "submit": 1.5}
# Some of the requests only (BENCH_INTAKE_ONLY=submit,round), to measure one change fast.
ONLY = [name for name in os.environ.get("BENCH_INTAKE_ONLY", "").split(",") if name]


def requests(api: Api, filings: Filings) -> dict[str, Callable[[], Awaitable[None]]]:
    async def health() -> None:
        (await api.get("/health")).raise_for_status()

    async def read_round() -> None:
        response = await api.get(f"/v1/rounds/{filings.round_id}", headers=filings.platform)
        response.raise_for_status()

    async def submit() -> None:
        await filings.submit(api)

    return {"health": health, "round": read_round, "submit": submit}


NAMES = {
    "health": "GET /health (bare endpoint)",
    "round": "GET /v1/rounds/{id} (token, reads)",
    "submit": "POST /v1/applications (token, validation, write)",
}


def ignoring_index(request: Callable[[], Awaitable[None]]) -> Callable[[int], Awaitable[None]]:
    async def work(_: int) -> None:
        await request()

    return work


async def idle_rate(server: int) -> float:
    """CPU seconds a second the server spends with no request in flight."""
    meter = CpuMeter({"server": server}).start()
    await asyncio.sleep(IDLE_SECONDS)  # the measurement window itself, not a wait for a state
    return meter.stop().used["server"] / meter.seconds


async def bench_intake(bootstrap: str, server_url: str) -> None:
    print(f"HTTP intake: {REQUESTS:,} requests each, {CONCURRENCY} in flight, one server process")
    async with (
        bench_stack(bootstrap, server_url, services=("applications",)) as stack,
        client(stack.api, CONCURRENCY) as api,
    ):
        filings = await open_round(api, stack.tokens)
        server = stack.pids()["applications"]
        rates: dict[str, float] = {}
        for key, request in requests(api, filings).items():
            if ONLY and key not in ONLY:
                continue
            name = NAMES[key]
            await closed_loop(CONCURRENCY, CONCURRENCY, ignoring_index(request))  # warm up
            idle = await idle_rate(server)
            database = DatabaseMeter(server_url, {"applications": stack.databases["applications"]})
            await database.start()
            meter = CpuMeter({"server": server, "client": os.getpid()}).start()
            with profiled(f"intake-{key}", {"applications": server}):
                seconds = await closed_loop(REQUESTS, CONCURRENCY, ignoring_index(request))
            meter.stop()
            await database.stop()
            counts = database.counts["applications"]
            rates[key] = REQUESTS / seconds
            gross = 1000 * meter.used["server"] / REQUESTS
            net = gross - 1000 * idle * meter.seconds / REQUESTS
            target = TARGETS[key]
            print(
                f"{name:<50} server {net:5.2f} ms CPU a request, target {target:.2f} "
                f"({net / target:.1f}x the target)"
            )
            print(
                f"{'':<50} ({gross:.2f} ms with the idle work of {1000 * idle:.0f} ms CPU a "
                f"second; PostgreSQL {1000 * meter.used['postgres'] / REQUESTS:.2f} ms)"
            )
            print(
                f"{'':<50} {rates[key]:,.0f} requests/s; the benchmark's client "
                f"{1000 * meter.used['client'] / REQUESTS:.2f} ms CPU a request (apart)"
            )
            print(
                f"{'':<50} database: {counts['xact_commit'] / REQUESTS:.1f} commits and "
                f"{counts['xact_rollback'] / REQUESTS:.1f} rollbacks a request"
            )
            print("\n".join(database.per_unit(REQUESTS, "a request")[1:]))
        if "submit" in rates and "health" in rates:
            ratio = rates["submit"] / rates["health"]
            print(f"{'submissions to the bare endpoint':<50} {ratio:.2f}")
        print(
            f"(the machine was {meter.used['machine'] / meter.seconds:.2f} of its cores busy "
            "during the submissions)"
        )
