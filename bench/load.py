"""Driving the applications API as a deadline peak does: a municipal platform filing for
many enterprises and a reviewer deciding each filing eligible, with tokens minted once
(signing one per request would measure the client, not the service)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from itertools import cycle
from typing import Any

import httpx

from tests.support.credit_codes import credit_codes
from tests.support.program import CLAIMS, Program, application
from tests.support.tokens import Tokens


def client(base_url: str, concurrency: int) -> httpx.AsyncClient:
    """One connection per concurrent request, kept alive, as a platform's client would.

    Idle connections are dropped well before uvicorn's 5 s keep-alive timeout: reusing
    one the server is closing at that moment fails the request with a ReadError."""
    limits = httpx.Limits(
        max_connections=concurrency, max_keepalive_connections=concurrency, keepalive_expiry=2
    )
    return httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60)


@dataclass
class Filings:
    """Bodies of distinct valid filings in one round, and the tokens that send them."""

    round_id: str
    tokens: Tokens
    retried: int = 0

    def __post_init__(self) -> None:
        # Enterprises file several achievements each: codes repeat, claims vary.
        pairs = zip(cycle(credit_codes(seed=5, count=500)), cycle(CLAIMS.values()), strict=False)
        self._pairs = pairs
        self.platform = self.tokens.headers("platform")
        self.reviewer = self.tokens.headers("reviewer")

    def body(self) -> dict[str, Any]:
        code, claim = next(self._pairs)
        return application(self.round_id, code, claim, industry="logistics")

    async def post(
        self, api: httpx.AsyncClient, url: str, body: Any, headers: dict[str, str]
    ) -> tuple[httpx.Response, bool]:
        """POST, and whether it had to be sent again: once more if the server closed the
        kept-alive connection as the request went out (seen now and then on a starved
        machine). Retries are counted: the first attempt may have arrived after all."""
        try:
            return await api.post(url, json=body, headers=headers), False
        except (httpx.ReadError, httpx.RemoteProtocolError):
            self.retried += 1
            return await api.post(url, json=body, headers=headers), True

    async def submit(self, api: httpx.AsyncClient) -> str:
        response, _ = await self.post(api, "/v1/applications", self.body(), self.platform)
        if response.status_code != 201:
            raise RuntimeError(f"submission refused: {response.status_code} {response.text}")
        return str(response.json()["id"])

    async def review(self, api: httpx.AsyncClient, application_id: str) -> None:
        url = f"/v1/applications/{application_id}/review"
        response, again = await self.post(api, url, {"decision": "eligible"}, self.reviewer)
        # A review sent again after the first was in fact recorded is refused as a second.
        if response.status_code != 202 and not (again and response.status_code < 500):
            raise RuntimeError(f"review refused: {response.status_code} {response.text}")


async def open_round(api: httpx.AsyncClient, tokens: Tokens) -> Filings:
    """A round open now, with a budget no peak exhausts, and filings for it."""
    round_id = await Program(api, tokens).open_round(budget=10**12, enterprise_cap_yuan=10**12)
    return Filings(round_id, tokens)


async def closed_loop(
    count: int, concurrency: int, work: Callable[[int], Awaitable[None]]
) -> float:
    """Run `work(0..count-1)` with at most `concurrency` in flight; the seconds it took."""
    next_index = iter(range(count))
    started = time.perf_counter()

    async def worker() -> None:
        for index in next_index:
            await work(index)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started
