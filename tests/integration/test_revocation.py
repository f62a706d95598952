"""Revocation attacked over a real broker and databases (issue 19, item 3): an operator
revokes one token, then all of a subject's tokens, at the applications service; every
service that takes tokens (applications, notifications, payments, register, reports:
scoring serves only its probes) refuses the revoked tokens within seconds, learning of
them from the topic alone, and goes on serving the tokens not revoked."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.applications.bootstrap import ApplicationsSettings
from services.applications.bootstrap import build_app as build_applications
from services.notifications.bootstrap import NotificationsSettings
from services.notifications.bootstrap import build_app as build_notifications
from services.payments.bootstrap import PaymentsSettings
from services.payments.bootstrap import build_app as build_payments
from services.register.bootstrap import RegisterSettings
from services.register.bootstrap import build_app as build_register
from services.reports.bootstrap import ReportsSettings
from services.reports.bootstrap import build_app as build_reports
from shared.topics import Topics
from tests.support.databases import fresh_database
from tests.support.infrastructure import Infrastructure
from tests.support.readiness import until_ready
from tests.support.tokens import Tokens

pytestmark = pytest.mark.integration
# What the README promises: refused by every instance of every service within seconds.
BOUND_SECONDS = 5.0


@pytest.fixture
async def services(
    infra: Infrastructure, topics: Topics, tokens: Tokens
) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    common: dict[str, Any] = {
        "kafka_bootstrap_servers": infra.kafka_bootstrap,
        "qsfund_topic_namespace": topics.namespace,
        "qsfund_auth_jwks_file": str(tokens.issuer.jwks_file),
        "qsfund_auth_issuer": tokens.env["QSFUND_AUTH_ISSUER"],
    }

    async def database(service: str) -> dict[str, Any]:
        return {f"{service}_database_url": await fresh_database(infra.postgres_url, service)}

    apps: dict[str, FastAPI] = {
        "applications": build_applications(
            ApplicationsSettings(**await database("applications"), **common)
        ),
        "notifications": build_notifications(
            NotificationsSettings(**await database("notifications"), **common)
        ),
        "payments": build_payments(PaymentsSettings(**await database("payments"), **common)),
        "register": build_register(RegisterSettings(**await database("register"), **common)),
        "reports": build_reports(ReportsSettings(**await database("reports"), **common)),
    }
    async with AsyncExitStack() as stack:
        clients = {}
        for name, app in apps.items():
            await stack.enter_async_context(app.router.lifespan_context(app))
            clients[name] = await stack.enter_async_context(
                httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url=f"http://{name}")
            )
            await until_ready(clients[name])
        yield clients


# A read an auditor may make of each service, and what it answers while the token holds.
READS = {
    "applications": ("/v1/rounds/none", 404),
    "notifications": ("/v1/notifications/dead-letters", 200),
    "payments": ("/v1/read-log", 200),
    "register": ("/v1/official-lists/none", 404),
    "reports": ("/v1/reports/rounds/none", 404),
}
SERVED = {service: status for service, (_, status) in READS.items()}


async def status(clients: dict[str, httpx.AsyncClient], headers: dict[str, str]) -> dict[str, int]:
    return {n: (await c.get(READS[n][0], headers=headers)).status_code for n, c in clients.items()}


async def refused_everywhere_within(
    clients: dict[str, httpx.AsyncClient], headers: dict[str, str]
) -> float:
    """Seconds until every service answers 401 token_revoked (polled: a positive signal)."""
    began = time.monotonic()
    while time.monotonic() - began < BOUND_SECONDS:
        answers = [await c.get(READS[n][0], headers=headers) for n, c in clients.items()]
        if all(
            a.status_code == 401 and a.json()["errors"][0]["rule"] == "token_revoked"
            for a in answers
        ):
            return time.monotonic() - began
        await asyncio.sleep(0.05)
    raise AssertionError(f"not refused by every service within {BOUND_SECONDS} s")


async def test_a_revoked_token_is_refused_by_every_service_and_its_siblings_are_not(
    services: dict[str, httpx.AsyncClient], tokens: Tokens
) -> None:
    stolen = tokens.mint("auditor", sub="auditor-qian")
    sibling = tokens.headers("auditor", sub="auditor-qian")
    jti = json.loads(base64.urlsafe_b64decode(stolen.split(".")[1] + "=="))["jti"]
    headers = {"Authorization": f"Bearer {stolen}"}
    # Served before (404 is the round's; 200 the dead letters'): the token works.
    assert await status(services, headers) == SERVED

    revoked = await services["applications"].post(
        "/v1/revocations",
        json={"token_id": jti, "reason": "laptop stolen on 30 November"},
        headers=tokens.headers("operator", sub="operator-zhou"),
    )
    assert revoked.status_code == 201, revoked.text
    assert revoked.json()["revocation"]["revoked_by"] == "operator-zhou (operator)"

    await refused_everywhere_within(services, headers)
    assert await status(services, sibling) == SERVED


async def test_a_subjects_tokens_issued_before_are_refused_and_a_new_one_is_served(
    services: dict[str, httpx.AsyncClient], tokens: Tokens
) -> None:
    now = datetime.now(UTC)
    old = tokens.headers("auditor", sub="auditor-sun", iat=int(now.timestamp()) - 60)
    revoked = await services["applications"].post(
        "/v1/revocations",
        json={
            "subject": "auditor-sun",
            "issued_before": (now - timedelta(seconds=30)).isoformat(),
            "reason": "left the audit office",
        },
        headers=tokens.headers("operator"),
    )
    assert revoked.status_code == 201, revoked.text
    await refused_everywhere_within(services, old)
    # Issued after the moment named: served.
    assert await status(services, tokens.headers("auditor", sub="auditor-sun")) == SERVED


async def test_only_an_operator_revokes(
    services: dict[str, httpx.AsyncClient], tokens: Tokens
) -> None:
    for role in ("auditor", "program_officer", "platform"):
        answer = await services["applications"].post(
            "/v1/revocations",
            json={"subject": "operator-zhou", "reason": "a takeover"},
            headers=tokens.headers(role),
        )
        assert answer.status_code == 403, (role, answer.text)
