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
from typing import TypeVar
from uuid import uuid4

import httpx
import pytest

from shared.topics import Topics
from tests.e2e.conftest import Stack
from tests.support.credit_codes import credit_codes
from tests.support.infrastructure import Infrastructure
from tests.support.processes import ServiceProcess
from tests.support.program import CLAIMS, Program
from tests.support.tokens import Tokens

BIN = Path(sys.executable).parent
# A few thousand by default; fewer where a quick look is all that is wanted.
APPLICATIONS = int(os.environ.get("QSFUND_FAULT_APPLICATIONS", "2000"))
IN_FLIGHT = 16  # requests a municipal platform keeps open at once
T = TypeVar("T")


async def persistently(attempt: Callable[[], Awaitable[T]], tries: int = 120) -> T:
    """Retry a request an outage interrupted (connection refused or reset, a 5xx). Every
    request carries an Idempotency-Key, so a retry of one that did land before the
    service died gets the first answer instead of filing twice."""
    for _ in range(tries - 1):
        try:
            return await attempt()
        except (httpx.TransportError, AssertionError):
            await asyncio.sleep(0.5)
    return await attempt()


async def chaos(infra: Infrastructure, stack: Stack, logs: Path) -> list[str]:
    """The faults, one after another at random moments while the burst goes on; each in a
    thread, so the burst's requests keep going while a process or a server restarts."""
    restart = infra.restart
    assert restart is not None

    def crash(process: ServiceProcess) -> Callable[[], object]:
        def kill_and_restart() -> None:
            process.kill()
            process.start()

        return kill_and_restart

    def rescale() -> None:
        stack.scoring.pop().stop()
        for name in ("scoring-3", "scoring-4"):
            env = {**stack.scoring[0].env, "SCORING_INSTANCE": name}
            stack.scoring.append(ServiceProcess.service("scoring", env, logs).start())

    faults: list[tuple[str, Callable[[], object]]] = [
        ("SIGKILL applications, restarted", crash(stack.applications)),
        ("SIGKILL scoring-1, restarted", crash(stack.scoring[0])),
        ("Kafka restarted", lambda: restart("kafka")),
        ("SIGKILL notifications, restarted", crash(stack.notifications)),
        ("PostgreSQL restarted", lambda: restart("postgres")),
        ("SIGKILL applications again, restarted", crash(stack.applications)),
        ("one scoring instance removed, two added", rescale),
    ]
    rng, done = random.Random(5), []
    for what, fault in faults:
        await asyncio.sleep(rng.uniform(1.5, 4.0))
        await asyncio.to_thread(fault)
        done.append(what)
    return done


async def all_at_once(calls: list[Callable[[], Awaitable[T]]]) -> list[T]:
    """Each call retried until it lands, IN_FLIGHT of them at a time, results in order."""
    gate = asyncio.Semaphore(IN_FLIGHT)

    async def one(call: Callable[[], Awaitable[T]]) -> T:
        async with gate:
            return await persistently(call)

    return list(await asyncio.gather(*(one(call) for call in calls)))


async def round_counts(api: httpx.AsyncClient, round_id: str) -> dict[str, int]:
    async def read() -> dict[str, int]:
        response = await api.get(f"/v1/rounds/{round_id}")
        assert response.status_code == 200, response.text
        return dict(response.json()["applications_by_status"])

    return await persistently(read)


async def wait_for_counts(
    api: httpx.AsyncClient, round_id: str, wanted: dict[str, int], within: float = 300
) -> None:
    counts: dict[str, int] = {}
    deadline = asyncio.get_running_loop().time() + within
    while asyncio.get_running_loop().time() < deadline:
        counts = await round_counts(api, round_id)
        if counts == wanted:
            return
        await asyncio.sleep(1)
    raise AssertionError(f"after {within:.0f} s the round has {counts}, not {wanted}")


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
    codes = credit_codes(seed=99, count=APPLICATIONS)
    kinds = list(CLAIMS.values())
    async with httpx.AsyncClient(
        base_url=stack.applications.url, headers=tokens.headers("auditor"), timeout=30
    ) as api:
        program = Program(api, tokens)
        round_id = await program.open_round(budget=1_000_000_000)
        faults = asyncio.create_task(chaos(infra, stack, tmp_path))

        def submission(n: int) -> Callable[[], Awaitable[str]]:
            key = f"submit-{uuid4()}"
            return lambda: program.submit(
                round_id, codes[n], kinds[n % len(kinds)], idempotency_key=key
            )

        ids = await all_at_once([submission(n) for n in range(APPLICATIONS)])
        ineligible = set(ids[::10])

        def review(application_id: str) -> Callable[[], Awaitable[None]]:
            key = f"review-{uuid4()}"
            if application_id in ineligible:
                return lambda: program.review(
                    application_id, "ineligible", reason_code="other", idempotency_key=key
                )
            return lambda: program.review(application_id, idempotency_key=key)

        await all_at_once([review(application_id) for application_id in ids])
        done = await faults
        eligible = APPLICATIONS - len(ineligible)
        assert len(set(ids)) == APPLICATIONS, "a retried submission filed a second application"
        await wait_for_counts(api, round_id, {"scored": eligible, "ineligible": len(ineligible)})
        closing = f"close-{uuid4()}"
        await persistently(lambda: program.close(round_id, idempotency_key=closing))
        await wait_for_counts(api, round_id, {"awarded": eligible, "ineligible": len(ineligible)})
    assert len(done) == 7

    env = {
        "KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap,
        "QSFUND_TOPIC_NAMESPACE": stack_topics.namespace,
    }
    verified = command("qsfund-audit", "verify", env=env)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    for service in ("applications", "scoring", "notifications"):  # what this stack runs
        url = stack.databases[service]
        rebuilt = await rebuild_until_equal(
            service, {**env, f"{service.upper()}_DATABASE_URL": url}
        )
        assert rebuilt.returncode == 0, f"{service}: {rebuilt.stdout}{rebuilt.stderr}"


async def rebuild_until_equal(
    service: str, env: dict[str, str], within: float = 90
) -> subprocess.CompletedProcess[str]:
    """Rebuild until it equals the live projection, or `within` seconds have passed: the
    consumers may still be reading the tail of the log."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        rebuilt = await asyncio.to_thread(command, f"qsfund-{service}", "rebuild", env=env)
        if rebuilt.returncode == 0 or asyncio.get_running_loop().time() > deadline:
            return rebuilt
        await asyncio.sleep(2)
