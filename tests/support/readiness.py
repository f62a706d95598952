"""Waiting for a service served in the test's process to be ready before calling it."""

from __future__ import annotations

import asyncio

import httpx


async def until_ready(api: httpx.AsyncClient, within: float = 60) -> None:
    """Until the service's `/ready` answers 200: its database and broker answer and it has
    read which tokens are revoked. Before that, on a loaded machine, a request with a
    token may be answered 503 (`revocations_unknown`) after waiting 5 s for them."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        answer = await api.get("/ready")
        if answer.status_code == 200:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not ready after {within:.0f} s: {answer.text}")
        await asyncio.sleep(0.1)
