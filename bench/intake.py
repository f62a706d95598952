"""Benchmark 6, HTTP intake: submissions a second through the applications API, next to
a bare endpoint of the same server, with the same client and the same concurrency.

Three requests, each BENCH_INTAKE_REQUESTS times with BENCH_INTAKE_CONCURRENCY in
flight: `GET /health` (the server and framework alone: no token, no database), `GET
/v1/rounds/{id}` (a token verified and four queries for the round's figures), and `POST
/v1/applications` (a token, validation and a write transaction). The applications
process's CPU per request shows what each layer costs, independently of how busy the
rest of the machine is.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable

import httpx

from bench.cpu import CpuMeter
from bench.dbstats import DatabaseMeter
from bench.load import Filings, client, closed_loop, open_round
from bench.profiling import profiled
from bench.stack import bench_stack

REQUESTS = int(os.environ.get("BENCH_INTAKE_REQUESTS", "5000"))
CONCURRENCY = int(os.environ.get("BENCH_INTAKE_CONCURRENCY", "32"))


def requests(api: httpx.AsyncClient, filings: Filings) -> dict[str, Callable[[], Awaitable[None]]]:
    async def health() -> None:
        (await api.get("/health")).raise_for_status()

    async def read_round() -> None:
        response = await api.get(f"/v1/rounds/{filings.round_id}", headers=filings.platform)
        response.raise_for_status()

    async def submit() -> None:
        await filings.submit(api)

    return {
        "GET /health (bare endpoint)": health,
        "GET /v1/rounds/{id} (token, four queries)": read_round,
        "POST /v1/applications (token, validation, write)": submit,
    }


def ignoring_index(request: Callable[[], Awaitable[None]]) -> Callable[[int], Awaitable[None]]:
    async def work(_: int) -> None:
        await request()

    return work


async def bench_intake(bootstrap: str, server_url: str) -> None:
    print(f"HTTP intake: {REQUESTS:,} requests each, {CONCURRENCY} in flight, one server process")
    async with (
        bench_stack(bootstrap, server_url, services=("applications",)) as stack,
        client(stack.api, CONCURRENCY) as api,
    ):
        filings = await open_round(api, stack.tokens)
        server = stack.pids()["applications"]
        rates: dict[str, float] = {}
        for name, request in requests(api, filings).items():
            await closed_loop(CONCURRENCY, CONCURRENCY, ignoring_index(request))  # warm up
            database = DatabaseMeter(server_url, {"applications": stack.databases["applications"]})
            await database.start()
            meter = CpuMeter({"server": server, "client": os.getpid()}).start()
            with profiled(f"intake-{len(rates)}", {"applications": server}):
                seconds = await closed_loop(REQUESTS, CONCURRENCY, ignoring_index(request))
            meter.stop()
            counts = (await database.stop()).counts["applications"]
            rates[name] = REQUESTS / seconds
            server_ms = 1000 * meter.used["server"] / REQUESTS
            client_ms = 1000 * meter.used["client"] / REQUESTS
            print(
                f"{name:<50} {rates[name]:>8,.0f} /s   server {server_ms:5.2f} ms CPU, "
                f"client {client_ms:5.2f} ms CPU a request"
            )
            print(
                f"{'':<50} {'':>8}      database: "
                f"{counts['xact_commit'] / REQUESTS:.1f} commits and "
                f"{counts['xact_rollback'] / REQUESTS:.1f} rollbacks a request"
            )
        bare, *_, submissions = rates.values()
        print(f"{'submissions to the bare endpoint':<50} {submissions / bare:8.2f}")
        print(
            f"(the machine was {meter.used['machine'] / meter.seconds:.2f} of its cores busy "
            "during the submissions)"
        )
