"""Limits per caller, attacked over a real PostgreSQL (issue 19, item 2): two instances of
the applications service share one database, and so one budget per caller. A flood from
one token gets 429s with Retry-After, on either instance, while another caller is
served; a flood on a public route from one address likewise, while another address is
served."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from services.applications.bootstrap import ApplicationsSettings, build_app
from shared.topics import Topics
from tests.support.databases import fresh_database
from tests.support.infrastructure import Infrastructure
from tests.support.tokens import Tokens

pytestmark = pytest.mark.integration
LIMIT = 5


@pytest.fixture
async def instances(
    infra: Infrastructure, topics: Topics, tokens: Tokens
) -> AsyncIterator[tuple[list[FastAPI], str]]:
    database = await fresh_database(infra.postgres_url, "applications")
    settings = ApplicationsSettings(
        applications_database_url=database,
        kafka_bootstrap_servers=infra.kafka_bootstrap,
        qsfund_topic_namespace=topics.namespace,
        qsfund_auth_jwks_file=str(tokens.issuer.jwks_file),
        qsfund_auth_issuer=tokens.env["QSFUND_AUTH_ISSUER"],
        qsfund_rate_limit_per_subject=LIMIT,
        qsfund_rate_limit_per_address=LIMIT,
        # An hour's window: the test cannot straddle two.
        qsfund_rate_limit_window_seconds=3600,
        qsfund_rate_limit_sync_seconds=0.05,
    )
    apps = [build_app(settings), build_app(settings)]
    async with apps[0].router.lifespan_context(apps[0]), apps[1].router.lifespan_context(apps[1]):
        for app in apps:
            # Not through /ready: a probe counts against its address's limit of 5 too.
            async with asyncio.timeout(60):
                await app.state.authorization.revocations.caught_up.wait()
        yield apps, database


def client(app: FastAPI, address: str = "10.0.0.1") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://apps")


async def shared_count(database: str, key: str, count: int, within: float = 10) -> None:
    """Wait until the instances' shared count of `key` reaches `count` (a sync happened:
    a positive signal, polled), or fail after `within` seconds."""
    connection = await asyncpg.connect(database.replace("postgresql+asyncpg", "postgresql"))
    query = "SELECT coalesce(sum(count), 0) FROM rate_limit_count WHERE key = $1"
    found = 0
    try:
        deadline = asyncio.get_running_loop().time() + within
        while asyncio.get_running_loop().time() < deadline:
            found = await connection.fetchval(query, key)
            if found >= count:
                return
            await asyncio.sleep(0.02)
    finally:
        await connection.close()
    raise AssertionError(f"{key} counted {found}, not {count}, after {within:.0f} s")


def refused(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert int(response.headers["Retry-After"]) >= 1
    [error] = response.json()["errors"]
    assert error["rule"] == "rate_limited"


async def test_a_flooding_token_is_refused_on_every_instance_while_another_is_served(
    instances: tuple[list[FastAPI], str], tokens: Tokens
) -> None:
    (first, second), database = instances
    flood = tokens.headers("auditor", sub="auditor-flood")
    calm = tokens.headers("auditor", sub="auditor-calm")
    async with client(first) as one, client(second) as two:
        answers = [await one.get("/v1/rounds/none", headers=flood) for _ in range(LIMIT)]
        # Admitted (the round does not exist: 404, but the request was taken).
        assert {a.status_code for a in answers} == {404}
        refused(await one.get("/v1/rounds/none", headers=flood))
        await shared_count(database, "subject:auditor-flood", LIMIT)
        # The other instance knows: the budget is the caller's, not the instance's.
        refused(await two.get("/v1/rounds/none", headers=flood))
        assert (await two.get("/v1/rounds/none", headers=calm)).status_code == 404
        assert (await one.get("/v1/rounds/none", headers=calm)).status_code == 404


async def test_a_flood_on_a_public_route_is_limited_by_address(
    instances: tuple[list[FastAPI], str],
) -> None:
    (first, second), database = instances
    path = "/v1/public/rounds/none/list"
    async with client(first, "203.0.113.9") as flood, client(second, "198.51.100.4") as other:
        for _ in range(LIMIT):
            assert (await flood.get(path)).status_code == 404
        refused(await flood.get(path))
        refused(await flood.get("/health"))
        assert (await other.get(path)).status_code == 404
        await shared_count(database, "address:203.0.113.9", LIMIT)
    async with client(second, "203.0.113.9") as flood_elsewhere:
        refused(await flood_elsewhere.get(path))
