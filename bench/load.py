"""Driving the applications API as a deadline peak does: a municipal platform filing for
many enterprises and a reviewer deciding each filing eligible, with tokens minted once
(signing one per request would measure the client, not the service).

The load goes through aiohttp: httpx, which the tests use, spent 1.7 ms of CPU a request
at 32 connections against 0.09 ms for aiohttp in the same loop, and on two cores a
client that dear takes the CPU the servers are measured on. Setting up (opening the
round) still goes through the tests' httpx helpers.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from itertools import cycle
from typing import Any

import aiohttp
import httpx

from tests.support.credit_codes import credit_codes
from tests.support.program import CLAIMS, Program, application
from tests.support.tokens import Tokens

# Idle connections are dropped well before uvicorn's 5 s keep-alive timeout: reusing one
# the server is closing at that moment fails the request.
KEEPALIVE_SECONDS = 2.0
TIMEOUT_SECONDS = 60.0
# What a kept-alive connection the server closed as the request went out raises.
CONNECTION_CLOSED = (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError)


@dataclass(frozen=True)
class Answer:
    status_code: int
    text: str

    def json(self) -> Any:
        return json.loads(self.text)

    def raise_for_status(self) -> None:
        if self.status_code >= 400:
            raise RuntimeError(f"HTTP {self.status_code}: {self.text}")


@dataclass(frozen=True)
class Api:
    """The load's client (aiohttp) and the set-up's (httpx), on the same server."""

    session: aiohttp.ClientSession
    setup: httpx.AsyncClient

    async def get(self, url: str, headers: dict[str, str] | None = None) -> Answer:
        async with self.session.get(url, headers=headers) as response:
            return Answer(response.status, await response.text())

    async def post(self, url: str, body: Any, headers: dict[str, str]) -> Answer:
        async with self.session.post(url, json=body, headers=headers) as response:
            return Answer(response.status, await response.text())


@asynccontextmanager
async def client(base_url: str, concurrency: int) -> AsyncIterator[Api]:
    """One connection per concurrent request, kept alive, as a platform's client would."""
    connector = aiohttp.TCPConnector(limit=concurrency, keepalive_timeout=KEEPALIVE_SECONDS)
    timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
    async with (
        aiohttp.ClientSession(base_url, connector=connector, timeout=timeout) as session,
        httpx.AsyncClient(base_url=base_url, timeout=TIMEOUT_SECONDS) as setup,
    ):
        yield Api(session, setup)


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
        self, api: Api, url: str, body: Any, headers: dict[str, str]
    ) -> tuple[Answer, bool]:
        """POST, and whether it had to be sent again: once more if the server closed the
        kept-alive connection as the request went out (seen now and then on a starved
        machine). Retries are counted: the first attempt may have arrived after all."""
        try:
            return await api.post(url, body, headers), False
        except CONNECTION_CLOSED:
            self.retried += 1
            return await api.post(url, body, headers), True

    async def submit(self, api: Api) -> str:
        response, _ = await self.post(api, "/v1/applications", self.body(), self.platform)
        if response.status_code != 201:
            raise RuntimeError(f"submission refused: {response.status_code} {response.text}")
        return str(response.json()["id"])

    async def review(self, api: Api, application_id: str) -> None:
        url = f"/v1/applications/{application_id}/review"
        response, again = await self.post(api, url, {"decision": "eligible"}, self.reviewer)
        # A review sent again after the first was in fact recorded is refused as a second.
        if response.status_code != 202 and not (again and response.status_code < 500):
            raise RuntimeError(f"review refused: {response.status_code} {response.text}")


async def open_round(api: Api, tokens: Tokens) -> Filings:
    """A round open now, with a budget no peak exhausts, and filings for it."""
    program = Program(api.setup, tokens)
    round_id = await program.open_round(budget=10**12, enterprise_cap_yuan=10**12)
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
