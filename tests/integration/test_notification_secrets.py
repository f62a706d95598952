"""Webhook secrets at rest, attacked over the real PostgreSQL: whoever reads every table
of the notifications database finds no secret in clear, deliveries still verify with the
platform's secret, and a key rotation reseals everything so the old key can go."""

from __future__ import annotations

import base64
import os
import subprocess
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from services.notifications.adapters.tables import idempotency_key, webhook, webhook_secret
from shared.topics import Topics
from tests.integration.test_notification_delivery import (
    Notifications,
    all_sent,
    eventually,
    via,
)
from tests.support.events import stream, submitted
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import produce
from tests.support.notifications_receivers import SmtpServer, WebhookReceiver
from tests.support.processes import BIN, ServiceProcess
from tests.support.readme import readme_function
from tests.support.tokens import Tokens

LEGACY_SECRET = "whsec_stored_before_sealing_began_" + "x" * 12


def keys(*ids: str) -> dict[str, str]:
    return {i: base64.b64encode(os.urandom(32)).decode() for i in ids}


def key_list(named: dict[str, str]) -> str:
    return ",".join(f"{i}:{k}" for i, k in named.items())


@pytest.fixture
async def engine(notifications_db: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(notifications_db)
    yield engine
    await engine.dispose()


async def stored_in_clear(engine: AsyncEngine, secret: str) -> list[str]:
    """Every text, varchar and jsonb column of every table that holds `secret`."""
    async with engine.connect() as connection:
        columns = await connection.execute(
            text(
                "SELECT table_schema, table_name, column_name FROM information_schema.columns "
                "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') "
                "AND data_type IN ('text', 'character varying', 'jsonb', 'json', 'ARRAY')"
            )
        )
        found = []
        for schema, table, column in columns.all():
            where = f'"{schema}"."{table}"."{column}"'
            query = f'SELECT count(*) FROM "{schema}"."{table}" WHERE strpos({where}::text, :s) > 0'
            if await connection.scalar(text(query), {"s": secret}):
                found.append(where)
        return found


async def sealed_by(engine: AsyncEngine) -> set[str]:
    """The key ids of every stored secret and kept answer's secret ('' for one in clear)."""
    async with engine.connect() as connection:
        secrets = (
            await connection.scalars(
                webhook_secret.select().with_only_columns(webhook_secret.c.secret)
            )
        ).all()
        held = idempotency_key.c.response_body["secret"].astext
        answers = (
            await connection.scalars(
                idempotency_key.select().with_only_columns(held).where(held.is_not(None))
            )
        ).all()
    return {s.split(":")[1] if s.startswith("aesgcm:") else "" for s in [*secrets, *answers]}


async def store_a_secret_in_clear(engine: AsyncEngine) -> None:
    """A webhook and a kept answer as they were stored before sealing began."""
    hook_id, now = uuid4(), datetime.now(UTC)
    async with engine.begin() as connection:
        await connection.execute(
            webhook.insert().values(
                id=hook_id,
                platform="legacy-platform",
                url="https://legacy.example.cn/h",
                event_types=["ApplicationAwarded"],
                created_at=now,
            )
        )
        await connection.execute(
            webhook_secret.insert().values(webhook_id=hook_id, secret=LEGACY_SECRET, created_at=now)
        )
        await connection.execute(
            idempotency_key.insert().values(
                principal="legacy-platform",
                key="register-legacy",
                request_sha256="0" * 64,
                status=201,
                response_body={"id": str(hook_id), "secret": LEGACY_SECRET},
                created_at=now,
            )
        )


class Stack:
    """The notifications service as a process, started and stopped with given keys."""

    def __init__(
        self,
        infra: Infrastructure,
        topics: Topics,
        db: str,
        smtp: SmtpServer,
        platform: WebhookReceiver,
        tokens: Tokens,
        logs: Path,
    ) -> None:
        self.infra, self.topics, self.tokens, self.logs = infra, topics, tokens, logs
        self.platform, self.smtp = platform, smtp
        self.env = {
            "KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap,
            "QSFUND_TOPIC_NAMESPACE": topics.namespace,
            "NOTIFICATIONS_DATABASE_URL": db,
            "NOTIFICATIONS_SMTP_PORT": str(smtp.port),
            "NOTIFICATIONS_WEBHOOK_INSECURE_URLS": "true",  # the receiver is on loopback http
            "NOTIFICATIONS_POLL_SECONDS": "0.05",
            **tokens.env,
        }

    def reencrypt(self, secrets_keys: str) -> str:
        env = {**os.environ, **self.env, "NOTIFICATIONS_SECRETS_KEYS": secrets_keys}
        done = subprocess.run(
            [str(BIN / "qsfund-notifications"), "reencrypt"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        return done.stdout

    async def run(self, secrets_keys: str) -> AsyncIterator[Notifications]:
        env = {**self.env, "NOTIFICATIONS_SECRETS_KEYS": secrets_keys}
        service = ServiceProcess.service("notifications", env, self.logs).start()

        async def publish(topic: str, events: list[Any]) -> None:
            records = [(e.aggregate_id.encode(), e.encode()) for e in events]
            await produce(self.infra.kafka_bootstrap, topic, records)

        try:
            auditor = self.tokens.headers("auditor")
            async with httpx.AsyncClient(base_url=service.url, headers=auditor, timeout=5) as api:
                operator = self.tokens.headers("operator")
                yield Notifications(api, operator, self.smtp, self.platform, publish, self.tokens)
        finally:
            service.stop()


async def delivered(n: Notifications, topics: Topics) -> tuple[httpx.Headers, bytes]:
    count = len(n.platform.requests)
    application = via(submitted())
    await n.publish(topics.applications, stream([application]))
    await all_sent(n, application.application_id, count=2)
    (request,) = n.platform.requests[count:]
    return httpx.Headers(request.headers), request.body


async def test_no_table_holds_a_webhook_secret_in_clear_and_a_key_rotation_reseals(
    infra: Infrastructure,
    topics: Topics,
    notifications_db: str,
    engine: AsyncEngine,
    tokens: Tokens,
    tmp_path: Path,
) -> None:
    await store_a_secret_in_clear(engine)
    assert await stored_in_clear(engine, LEGACY_SECRET), "the attack finds a secret in clear"
    first, second = keys("2026-11"), keys("2026-12")
    verify = readme_function("verify")
    platform_headers = tokens.headers("platform")
    with SmtpServer() as smtp, WebhookReceiver() as receiver:
        stack = Stack(infra, topics, notifications_db, smtp, receiver, tokens, tmp_path)
        async for n in stack.run(key_list(first)):

            async def legacy_sealed() -> bool | None:
                return True if await sealed_by(engine) == {"2026-11"} else None

            await eventually(legacy_sealed)
            register = {**platform_headers, "Idempotency-Key": "register-1"}
            body = {"url": receiver.url, "event_types": ["ApplicationSubmitted"]}
            hook = (await n.api.post("/v1/webhooks", json=body, headers=register)).json()
            rotate = {**platform_headers, "Idempotency-Key": "rotate-1"}
            path = f"/v1/webhooks/{hook['id']}/rotate"
            rotated = (await n.api.post(path, json={"grace_seconds": 3600}, headers=rotate)).json()
            again = await n.api.post("/v1/webhooks", json=body, headers=register)
            assert again.json()["secret"] == hook["secret"], "a kept answer opens to the same"
            old, new = hook["secret"], rotated["secret"]
            for secret in (old, new, LEGACY_SECRET):
                assert await stored_in_clear(engine, secret) == [], "a secret in clear"
            headers, raw = await delivered(n, topics)
            assert verify(old, headers, raw)
            assert verify(new, headers, raw)

        # The new key first: it seals; the older still opens; then everything is resealed.
        printed = stack.reencrypt(key_list({**second, **first}))
        assert printed.startswith("resealed 3 webhook secrets and 3 kept answers under 2026-12")
        assert await sealed_by(engine) == {"2026-12"}
        async for n in stack.run(key_list(second)):  # the older key dropped
            headers, raw = await delivered(n, topics)
            assert verify(old, headers, raw)
            assert verify(new, headers, raw)
            replayed = await n.api.post(path, json={"grace_seconds": 3600}, headers=rotate)
            assert replayed.json()["secret"] == new
        for secret in (old, new, LEGACY_SECRET):
            assert await stored_in_clear(engine, secret) == []
