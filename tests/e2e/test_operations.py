"""What operators see of running services: liveness, readiness, and Prometheus metrics
that move with the work (a counter when its event happens, lag back to 0 after it)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import httpx

from tests.e2e.conftest import Stack
from tests.support.program import Program
from tests.support.readiness import until_ready
from tests.support.tokens import Tokens


async def metric(client: httpx.AsyncClient, url: str, name: str, **labels: str) -> float | None:
    """The sum of the samples of `name` with these labels; None while there is none."""
    text = (await client.get(f"{url}/metrics")).text
    samples = [
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith(name + "{") and all(f'{k}="{v}"' in line for k, v in labels.items())
    ]
    return sum(samples) if samples else None


async def until(read: Callable[[], Awaitable[float | None]], wanted: float) -> float | None:
    """Read until the value is `wanted` (at most 30 s); the last value read."""
    value = None
    for _ in range(120):
        value = await read()
        if value == wanted:
            break
        await asyncio.sleep(0.25)
    return value


async def test_every_service_is_live_and_ready(stack: Stack) -> None:
    for service in [stack.applications, *stack.scoring, stack.notifications]:
        async with httpx.AsyncClient(base_url=service.url, timeout=10) as client:
            assert (await client.get("/health")).status_code == 200
            # Live at once; ready once it has read which tokens are revoked.
            await until_ready(client)
            ready = await client.get("/ready")
            assert ready.json() == {"ready": True, "problems": []}


async def test_counters_move_with_their_events_and_lag_falls_to_zero_after(
    stack: Stack, tokens: Tokens
) -> None:
    apps, notes = stack.applications.url, stack.notifications.url
    consumed = {"consumer": "notifications", "event_type": "RoundOpened", "outcome": "applied"}
    async with (
        httpx.AsyncClient(timeout=10) as client,
        httpx.AsyncClient(base_url=apps, timeout=10) as api,
    ):
        published_before = await metric(client, apps, "qsfund_events_published_total") or 0
        consumed_before = await metric(client, notes, "qsfund_events_consumed_total", **consumed)
        await Program(api, tokens).open_round(budget=1_000_000)
        after = (consumed_before or 0) + 1

        async def consumed_now() -> float | None:
            return await metric(client, notes, "qsfund_events_consumed_total", **consumed)

        assert await until(consumed_now, after) == after, "notifications counted the event"
        published = await metric(client, apps, "qsfund_events_published_total") or 0
        assert published >= published_before + 1, "the relay counted what it published"

        async def lag() -> float | None:
            return await metric(client, notes, "qsfund_consumer_lag")

        # The gauge is refreshed every 5 s, per partition the instance owns.
        assert await until(lag, 0) == 0, "nothing left behind once the event is applied"

        async def backlog() -> float | None:
            return await metric(client, apps, "qsfund_outbox_backlog")

        assert await until(backlog, 0) == 0, "the relay published everything written"
