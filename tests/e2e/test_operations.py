"""What operators see of running services: liveness, readiness, Prometheus metrics."""

from __future__ import annotations

import asyncio

import httpx

from tests.e2e.conftest import Stack


async def metric(client: httpx.AsyncClient, url: str, name: str, **labels: str) -> float:
    text = (await client.get(f"{url}/metrics")).text
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + "{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


async def test_every_service_is_live_ready_and_measured(stack: Stack) -> None:
    services = [stack.applications, *stack.scoring, stack.notifications]
    async with httpx.AsyncClient(timeout=10) as client:
        for service in services:
            assert (await client.get(f"{service.url}/health")).status_code == 200
            ready = await client.get(f"{service.url}/ready")
            assert ready.status_code == 200, ready.text
            assert ready.json() == {"ready": True, "problems": []}
        # Lag is measured per owned partition once the consumers have their assignment.
        for _ in range(40):
            lag = await metric(client, stack.notifications.url, "qsfund_consumer_lag")
            text = (await client.get(f"{stack.notifications.url}/metrics")).text
            if "qsfund_consumer_lag{" in text:
                break
            await asyncio.sleep(0.5)
        assert "qsfund_consumer_lag{" in text
        assert lag >= 0
        for name in (
            "qsfund_events_consumed_total",
            "qsfund_handler_seconds",
            "qsfund_outbox_backlog",
            "qsfund_dead_letters_total",
        ):
            assert f"# TYPE {name}" in (await client.get(f"{stack.applications.url}/metrics")).text
