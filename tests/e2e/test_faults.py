"""A burst of applications through the whole lifecycle while services are killed, the
broker and the database restart, and scoring is scaled in and out: afterwards every
application is exactly where it should be, nothing is duplicated, every projection
equals a rebuild from the log, and the auditor verifies the history."""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from shared.topics import Topics
from tests.e2e.conftest import Stack, wait_for_status
from tests.support.credit_codes import credit_codes
from tests.support.infrastructure import Infrastructure
from tests.support.processes import ServiceProcess
from tests.support.program import CLAIMS, Program
from tests.support.tokens import Tokens

BIN = Path(sys.executable).parent
APPLICATIONS = 240
T = TypeVar("T")


async def persistently(attempt: Callable[[], Awaitable[T]], tries: int = 60) -> T:
    """Retry a request the outage refused (connection refused, a 5xx): such a request
    changed nothing, so trying again cannot duplicate it."""
    for _ in range(tries - 1):
        try:
            return await attempt()
        except (httpx.TransportError, AssertionError):
            await asyncio.sleep(0.5)
    return await attempt()


async def chaos(infra: Infrastructure, stack: Stack, logs: Path) -> list[str]:
    """The faults, one after another, while the burst goes on; what was done."""
    assert infra.restart is not None
    rng, done = random.Random(5), []

    async def pause() -> None:
        await asyncio.sleep(rng.uniform(1.0, 3.0))

    await pause()
    stack.scoring[0].kill()
    stack.scoring[0].start()
    done.append("SIGKILL scoring-1, restarted")
    await pause()
    await asyncio.to_thread(infra.restart, "kafka")
    done.append("Kafka restarted")
    await pause()
    stack.notifications.kill()
    stack.notifications.start()
    done.append("SIGKILL notifications, restarted")
    await pause()
    await asyncio.to_thread(infra.restart, "postgres")
    done.append("PostgreSQL restarted")
    await pause()
    stack.scoring.pop().stop()
    for name in ("scoring-3", "scoring-4"):
        env = {**stack.scoring[0].env, "SCORING_INSTANCE": name}
        stack.scoring.append(ServiceProcess.service("scoring", env, logs).start())
    done.append("one scoring instance removed, two added")
    return done


def command(*argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / argv[0]), *argv[1:]],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


async def test_nothing_is_lost_or_doubled_through_kills_and_restarts(
    infra: Infrastructure, stack: Stack, stack_topics: Topics, tokens: Tokens, tmp_path: Path
) -> None:
    if infra.restart is None:
        pytest.skip(f"the servers came from {infra.origin}: this test restarts its own")
    codes = iter(credit_codes(seed=99, count=APPLICATIONS))
    reader = tokens.headers("auditor")
    async with httpx.AsyncClient(
        base_url=stack.applications.url, headers=reader, timeout=30
    ) as api:
        program = Program(api, tokens)
        round_id = await program.open_round(budget=100_000_000)
        faults = asyncio.create_task(chaos(infra, stack, tmp_path))
        kinds = list(CLAIMS.values())
        ids: list[str] = []
        for n in range(APPLICATIONS):
            claim, code = kinds[n % len(kinds)], next(codes)

            async def submit(claim: dict[str, Any] = claim, code: str = code) -> str:
                return await program.submit(round_id, code, claim)

            ids.append(await persistently(submit))
        ineligible = set(ids[::10])
        for application_id in ids:

            async def review(application_id: str = application_id) -> None:
                if application_id in ineligible:
                    await program.review(application_id, "ineligible", reason_code="other")
                else:
                    await program.review(application_id)

            await persistently(review)
        done = await faults
        eligible = [i for i in ids if i not in ineligible]
        await wait_for_status(api, eligible, {"scored"})

        async def close() -> None:
            await program.close(round_id)

        await persistently(close)
        final = await wait_for_status(api, eligible, {"awarded", "not_awarded"})
        for application_id in ineligible:
            assert (await program.status(application_id))["status"] == "ineligible"
    assert len(done) == 5
    assert all(view["status"] == "awarded" for view in final.values())  # the budget covers all

    env = {
        "KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap,
        "QSFUND_TOPIC_NAMESPACE": stack_topics.namespace,
    }
    verified = command("qsfund-audit", "verify", env=env)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    for service, url in stack.databases.items():
        for _ in range(30):  # let the consumers finish reading the tail of the log
            rebuilt = command(
                f"qsfund-{service}", "rebuild", env={**env, f"{service.upper()}_DATABASE_URL": url}
            )
            if rebuilt.returncode == 0:
                break
            await asyncio.sleep(1)
        assert rebuilt.returncode == 0, f"{service}: {rebuilt.stdout}{rebuilt.stderr}"
