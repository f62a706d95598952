"""Notification delivery over the real stack: the notifications service as a process,
Kafka and PostgreSQL, a real SMTP server and a real webhook receiver on loopback."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from shared.contracts.applications import ApplicationSubmitted
from shared.contracts.scoring import ApplicationScored
from shared.contracts.values import Contact
from shared.envelope import Envelope
from shared.topics import Topics
from tests.support.events import VALID_CREDIT_CODES, reviewed, stream, submitted
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import produce
from tests.support.notifications_receivers import SmtpServer, WebhookReceiver
from tests.support.processes import ServiceProcess
from tests.support.readme import readme_function
from tests.support.tokens import Tokens

SECRET = "platform-secret-7f3a9c2e41"
EMAIL = "quality@jinyu.example.cn"
T = TypeVar("T")


@dataclass
class Notifications:
    api: httpx.AsyncClient  # reads as an auditor
    operator: dict[str, str]  # the operator's token, for retries
    smtp: SmtpServer
    platform: WebhookReceiver
    publish: Callable[[str, list[Envelope]], Awaitable[None]]


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


@pytest.fixture
def platform() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as receiver:
        yield receiver


@pytest.fixture
async def notifications(
    infra: Infrastructure,
    topics: Topics,
    notifications_db: str,
    smtp: SmtpServer,
    platform: WebhookReceiver,
    tokens: Tokens,
    tmp_path: Path,
) -> AsyncIterator[Notifications]:
    """The service, told of the SMTP server and the platform's secret, retrying fast."""
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap,
        "QSFUND_TOPIC_NAMESPACE": topics.namespace,
        "NOTIFICATIONS_DATABASE_URL": notifications_db,
        "NOTIFICATIONS_SMTP_PORT": str(smtp.port),
        "NOTIFICATIONS_WEBHOOK_SECRETS": json.dumps({f"http://127.0.0.1:{platform.port}": SECRET}),
        "NOTIFICATIONS_RETRY_ATTEMPTS": "3",
        "NOTIFICATIONS_RETRY_BASE_SECONDS": "0.2",
        "NOTIFICATIONS_RETRY_CAP_SECONDS": "1",
        "NOTIFICATIONS_RECIPIENT_WAIT_SECONDS": "0.2",
        "NOTIFICATIONS_POLL_SECONDS": "0.05",
        **tokens.env,
    }

    async def publish(topic: str, events: list[Envelope]) -> None:
        records = [(e.aggregate_id.encode(), e.encode()) for e in events]
        await produce(infra.kafka_bootstrap, topic, records)

    service = ServiceProcess.service("notifications", env, tmp_path).start()
    try:
        auditor = tokens.headers("auditor")
        async with httpx.AsyncClient(base_url=service.url, headers=auditor, timeout=5) as api:
            yield Notifications(api, tokens.headers("operator"), smtp, platform, publish)
    finally:
        service.stop()


def with_webhook(event: ApplicationSubmitted, url: str) -> ApplicationSubmitted:
    return event.model_copy(update={"contact": Contact(email=EMAIL, webhook_url=url)})


def scored(application_id: str) -> ApplicationScored:
    return ApplicationScored(
        application_id=application_id,
        round_id="round-1",
        enterprise_credit_code=VALID_CREDIT_CODES[0],
        achievement_key="standard:GB/T 43210-2026",
        policy_version="2026.1",
        policy_sha256="b" * 64,
        claimed_amount_yuan=300000,
        score=80,
        breakdown=[],
    )


async def eventually(probe: Callable[[], Awaitable[T | None]], within: float = 20) -> T:
    """The probe's first non-None answer, asked every 0.1 s for up to `within` seconds."""
    deadline = time.monotonic() + within
    while True:
        answer = await probe()
        if answer is not None:
            return answer
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.1)


async def listed(n: Notifications, application_id: str) -> list[dict[str, Any]]:
    response = await n.api.get("/v1/notifications", params={"application_id": application_id})
    response.raise_for_status()
    rows: list[dict[str, Any]] = response.json()
    return rows


async def all_sent(n: Notifications, application_id: str, count: int) -> list[dict[str, Any]]:
    """The application's notifications once there are `count`, every one of them sent."""

    async def probe() -> list[dict[str, Any]] | None:
        rows = await listed(n, application_id)
        done = len(rows) == count and all(row["status"] == "sent" for row in rows)
        return rows if done else None

    return await eventually(probe)


async def attempts(n: Notifications, notification_id: str) -> list[dict[str, Any]]:
    response = await n.api.get(f"/v1/notifications/{notification_id}/attempts")
    response.raise_for_status()
    rows: list[dict[str, Any]] = response.json()
    return rows


def webhook_of(rows: list[dict[str, Any]]) -> dict[str, Any]:
    (row,) = [row for row in rows if row["channel"] == "webhook"]
    return row


async def test_the_applicant_is_emailed_at_each_step(
    notifications: Notifications, topics: Topics
) -> None:
    application = submitted()
    app_id = application.application_id
    await notifications.publish(topics.applications, stream([application, reviewed(app_id)]))

    rows = await all_sent(notifications, app_id, count=2)

    assert {row["channel"] for row in rows} == {"email"}
    mails = notifications.smtp.received
    assert sorted(mail.message["Subject"] for mail in mails) == [
        f"Application {app_id} found eligible",
        f"Application {app_id} received",
    ]
    assert all(mail.recipients == [EMAIL] and mail.message["To"] == EMAIL for mail in mails)
    for row in rows:
        (attempt,) = await attempts(notifications, row["id"])
        assert attempt["outcome"] == "sent"
        assert attempt["reply"]


async def test_the_platform_receives_a_webhook_whose_signature_verifies(
    notifications: Notifications, topics: Topics
) -> None:
    application = with_webhook(submitted(), notifications.platform.url)
    (event,) = stream([application])
    await notifications.publish(topics.applications, [event])

    await all_sent(notifications, application.application_id, count=2)

    (request,) = notifications.platform.requests
    assert request.path == "/qsfund/events"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["x-qsfund-event-id"] == str(event.event_id)
    # What an integrator does: exactly the few lines the README gives them.
    verify = readme_function("verify")
    headers = httpx.Headers(request.headers)
    assert verify(SECRET, headers, request.body)
    assert not verify("another platform's secret", headers, request.body)
    assert not verify(SECRET, headers, request.body + b" ")
    stale = httpx.Headers({**headers, "x-qsfund-timestamp": str(int(time.time()) - 3600)})
    assert not verify(SECRET, stale, request.body), "a replayed old delivery is refused"
    assert json.loads(request.body) == {
        "event_id": str(event.event_id),
        "event_type": "ApplicationSubmitted",
        "application_id": application.application_id,
        "occurred_at": event.occurred_at.isoformat(),
        "subject": f"Application {application.application_id} received",
        "summary": "Your application in round round-1 was received and awaits review.",
    }


async def test_a_platform_failing_twice_gets_the_third_try(
    notifications: Notifications, topics: Topics
) -> None:
    notifications.platform.fail_next = 2
    application = with_webhook(submitted(), notifications.platform.url)
    await notifications.publish(topics.applications, stream([application]))

    rows = await all_sent(notifications, application.application_id, count=2)

    log = await attempts(notifications, webhook_of(rows)["id"])
    assert [(a["attempt"], a["outcome"], a["http_status"]) for a in log] == [
        (1, "failed", 500),
        (2, "failed", 500),
        (3, "sent", 200),
    ]
    assert len(notifications.platform.requests) == 3


async def test_a_platform_that_keeps_failing_is_parked_and_retried_by_the_operator(
    notifications: Notifications, topics: Topics
) -> None:
    notifications.platform.failing = True
    application = with_webhook(submitted(), notifications.platform.url)
    await notifications.publish(topics.applications, stream([application]))

    async def parked() -> list[dict[str, Any]] | None:
        letters: list[dict[str, Any]] = (
            await notifications.api.get("/v1/notifications/dead-letters")
        ).json()
        return letters or None

    (letter,) = await eventually(parked)
    assert (letter["channel"], letter["attempts"], letter["last_error"]) == (
        "webhook",
        3,
        "HTTP 500",
    )

    notifications.platform.failing = False
    retried = await notifications.api.post(
        f"/v1/notifications/{letter['id']}/retry", headers=notifications.operator
    )
    assert retried.status_code == 200
    assert (retried.json()["status"], retried.json()["attempts"]) == ("pending", 0)

    await all_sent(notifications, application.application_id, count=2)
    log = await attempts(notifications, letter["id"])
    assert [(a["attempt"], a["outcome"]) for a in log] == [
        (1, "failed"),
        (2, "failed"),
        (3, "failed"),
        (1, "sent"),
    ]
    assert (await notifications.api.get("/v1/notifications/dead-letters")).json() == []
    again = await notifications.api.post(
        f"/v1/notifications/{letter['id']}/retry", headers=notifications.operator
    )
    assert again.status_code == 409
    as_auditor = await notifications.api.post(f"/v1/notifications/{letter['id']}/retry")
    assert as_auditor.status_code == 403, "auditors change nothing"


async def test_redelivered_events_are_notified_once_per_channel(
    notifications: Notifications, topics: Topics
) -> None:
    application = with_webhook(submitted(), notifications.platform.url)
    events = stream([application, reviewed(application.application_id)])
    await notifications.publish(topics.applications, events + events)

    rows = await all_sent(notifications, application.application_id, count=4)
    await asyncio.sleep(1)  # time enough for a duplicate to show

    assert await listed(notifications, application.application_id) == rows
    for row in rows:
        assert [a["outcome"] for a in await attempts(notifications, row["id"])] == ["sent"]
    assert len(notifications.smtp.received) == 2
    delivered = [r.headers["x-qsfund-event-id"] for r in notifications.platform.requests]
    assert sorted(delivered) == sorted(str(e.event_id) for e in events)


async def test_a_score_consumed_before_the_application_reaches_both_channels(
    notifications: Notifications, topics: Topics
) -> None:
    application = with_webhook(submitted(), notifications.platform.url)
    app_id = application.application_id
    await notifications.publish(topics.scoring, stream([scored(app_id)], source="scoring"))

    async def waiting() -> list[dict[str, Any]] | None:
        return await listed(notifications, app_id) or None

    (early,) = await eventually(waiting)
    await asyncio.sleep(0.6)  # several looks for the recipient, none of them an attempt
    (early,) = await listed(notifications, app_id)
    assert (early["channel"], early["status"], early["attempts"]) == ("email", "pending", 0)
    assert await attempts(notifications, early["id"]) == []

    await notifications.publish(topics.applications, stream([application]))
    rows = await all_sent(notifications, app_id, count=4)

    assert sorted((row["event_type"], row["channel"]) for row in rows) == [
        ("ApplicationScored", "email"),
        ("ApplicationScored", "webhook"),
        ("ApplicationSubmitted", "email"),
        ("ApplicationSubmitted", "webhook"),
    ]
    assert len(notifications.smtp.received) == 2


async def test_a_webhook_of_a_platform_without_a_secret_is_parked_unsent(
    notifications: Notifications, topics: Topics
) -> None:
    stranger = "http://localhost:9/qsfund"
    application = with_webhook(submitted(), stranger)
    await notifications.publish(topics.applications, stream([application]))

    async def parked() -> list[dict[str, Any]] | None:
        letters: list[dict[str, Any]] = (
            await notifications.api.get("/v1/notifications/dead-letters")
        ).json()
        return letters or None

    (letter,) = await eventually(parked)
    assert letter["channel"] == "webhook"
    assert "no webhook secret" in letter["last_error"]
    assert await attempts(notifications, letter["id"]) == []
    email = await eventually(lambda: _sent_email(notifications, application.application_id))
    assert email["status"] == "sent"


async def _sent_email(n: Notifications, application_id: str) -> dict[str, Any] | None:
    rows = [r for r in await listed(n, application_id) if r["channel"] == "email"]
    return rows[0] if rows and rows[0]["status"] == "sent" else None
