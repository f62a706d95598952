"""Each service's projection rebuilt from the topics equals the live one, and the live
service keeps running meanwhile."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from shared.topics import Topics
from tests.e2e.conftest import Stack, wait_for_status
from tests.support.credit_codes import credit_codes
from tests.support.infrastructure import Infrastructure
from tests.support.program import CLAIMS, Program
from tests.support.tokens import PLATFORM, Tokens

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
async def allocated_round(stack: Stack, tokens: Tokens) -> AsyncIterator[str]:
    codes = iter(credit_codes(seed=77))
    url, reader = stack.applications.url, tokens.headers("auditor")
    async with httpx.AsyncClient(base_url=url, headers=reader, timeout=10) as api:
        program = Program(api, tokens)
        round_id = await program.open_round(budget=700_000)
        ids = [await program.submit(round_id, next(codes), claim) for claim in CLAIMS.values()]
        returned = await program.submit(round_id, next(codes), CLAIMS["pilot"])
        withdrawn = await program.submit(round_id, next(codes), CLAIMS["adoption"], via=PLATFORM)
        for application_id in ids:
            await program.review(application_id)
        await program.review(returned, "returned", note="sign the commitment")
        await program.withdraw(withdrawn, "duplicate")
        await wait_for_status(api, ids, {"scored"})
        await program.close(round_id)
        await wait_for_status(api, ids, {"awarded", "not_awarded"})
        yield round_id


def rebuild(service: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / f"qsfund-{service}"), "rebuild"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("service", ["applications", "scoring", "notifications"])
async def test_a_rebuilt_projection_equals_the_live_one(
    service: str, stack: Stack, infra: Infrastructure, stack_topics: Topics, allocated_round: str
) -> None:
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap,
        "QSFUND_TOPIC_NAMESPACE": stack_topics.namespace,
        f"{service.upper()}_DATABASE_URL": stack.databases[service],
    }
    for _ in range(20):  # the live service may still be reading the last events
        result = rebuild(service, env)
        if result.returncode == 0:
            break
        await asyncio.sleep(0.5)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "DIFFERENT" not in result.stdout
    assert result.stdout.count("equal") >= 2
    print(result.stdout)
    async with httpx.AsyncClient(timeout=5) as client:
        for live in (stack.applications, *stack.scoring, stack.notifications):
            assert (await client.get(f"{live.url}/health")).status_code == 200
