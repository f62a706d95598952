"""Notification delivery over the real stack: the notifications service as a process,
Kafka and PostgreSQL, a real SMTP server, and a municipal platform's real webhook
receiver on loopback, registered through the API as a platform registers it."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from shared.contracts.applications import ApplicationSubmitted
from shared.contracts.lists import UnitRef
from shared.contracts.payments import PayeeAccount, PaymentFailed, PaymentInstructed
from shared.contracts.proposals import ApplicationProposed
from shared.contracts.scoring import ApplicationScored
from shared.contracts.values import Contact, Enterprise, StandardClaim
from shared.envelope import Envelope
from shared.topics import Topics
from tests.support.events import (
    VALID_CREDIT_CODES,
    publicity_opened,
    reviewed,
    stream,
    submitted,
    withdrawn,
)
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import produce
from tests.support.notifications_receivers import SmtpServer, WebhookReceiver
from tests.support.processes import ServiceProcess
from tests.support.readme import readme_function
from tests.support.tokens import PLATFORM, Tokens

EMAIL = "quality@jinyu.example.cn"
ALL_EVENTS = [
    "ApplicationSubmitted",
    "ApplicationAmended",
    "ApplicationReviewed",
    "ApplicationWithdrawn",
    "ApplicationScored",
    "ApplicationAwarded",
    "ApplicationNotAwarded",
]
T = TypeVar("T")


@dataclass
class Notifications:
    api: httpx.AsyncClient  # reads as an auditor
    operator: dict[str, str]  # the operator's token, for retries
    smtp: SmtpServer
    platform: WebhookReceiver
    publish: Callable[[str, list[Envelope]], Awaitable[None]]
    tokens: Tokens

    async def register(
        self, url: str, events: list[str] = ALL_EVENTS, platform: str = PLATFORM
    ) -> dict[str, Any]:
        """Register a webhook as the platform does; the answer holds its secret."""
        headers = self.tokens.headers("platform", sub=platform)
        body = {"url": url, "event_types": events}
        response = await self.api.post("/v1/webhooks", json=body, headers=headers)
        assert response.status_code == 201, response.text
        registered: dict[str, Any] = response.json()
        return registered


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


@pytest.fixture
def platform() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as receiver:
        yield receiver


@pytest.fixture
def poll_seconds() -> str:
    return "0.05"


@pytest.fixture
async def notifications(
    poll_seconds: str,
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
        "NOTIFICATIONS_WEBHOOK_INSECURE_URLS": "true",  # the receiver is on loopback http
        "NOTIFICATIONS_RETRY_ATTEMPTS": "3",
        "NOTIFICATIONS_RETRY_BASE_SECONDS": "0.2",
        "NOTIFICATIONS_RETRY_CAP_SECONDS": "1",
        "NOTIFICATIONS_RECIPIENT_WAIT_SECONDS": "0.2",
        "NOTIFICATIONS_POLL_SECONDS": poll_seconds,
        **tokens.env,
    }

    async def publish(topic: str, events: list[Envelope]) -> None:
        records = [(e.aggregate_id.encode(), e.encode()) for e in events]
        await produce(infra.kafka_bootstrap, topic, records)

    service = ServiceProcess.service("notifications", env, tmp_path).start()
    try:
        auditor = tokens.headers("auditor")
        async with httpx.AsyncClient(base_url=service.url, headers=auditor, timeout=5) as api:
            yield Notifications(api, tokens.headers("operator"), smtp, platform, publish, tokens)
    finally:
        service.stop()


def via(event: ApplicationSubmitted, platform: str = PLATFORM) -> ApplicationSubmitted:
    """The application as the platform filed it: the submission names it."""
    return event.model_copy(update={"submitted_via": platform})


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


@pytest.mark.parametrize("poll_seconds", ["600"])
async def test_what_the_consumer_commits_is_sent_without_waiting_for_the_poll(
    notifications: Notifications, topics: Topics
) -> None:
    application = submitted()
    await notifications.publish(topics.applications, stream([application]))

    # Within all_sent's 20 s, where the first poll would come only after 600.
    await all_sent(notifications, application.application_id, count=1)


async def test_the_platform_receives_a_webhook_whose_signature_verifies(
    notifications: Notifications, topics: Topics
) -> None:
    secret = (await notifications.register(notifications.platform.url))["secret"]
    application = via(submitted())
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
    assert verify(secret, headers, request.body)
    assert not verify("another platform's secret", headers, request.body)
    assert not verify(secret, headers, request.body + b" ")
    stale = httpx.Headers({**headers, "x-qsfund-timestamp": str(int(time.time()) - 3600)})
    assert not verify(secret, stale, request.body), "a replayed old delivery is refused"
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
    await notifications.register(notifications.platform.url)
    application = via(submitted())
    await notifications.publish(topics.applications, stream([application]))

    rows = await all_sent(notifications, application.application_id, count=2)

    log = await attempts(notifications, webhook_of(rows)["id"])
    assert [(a["attempt"], a["outcome"], a["http_status"]) for a in log] == [
        (1, "failed", 500),
        (2, "failed", 500),
        (3, "sent", 200),
    ]
    assert len(notifications.platform.requests) == 3
    metrics = (await notifications.api.get("/metrics")).text
    assert "qsfund_webhook_failures_total 2.0" in metrics.splitlines(), "each failure counted"


async def test_a_platform_that_keeps_failing_is_parked_and_retried_by_the_operator(
    notifications: Notifications, topics: Topics
) -> None:
    notifications.platform.failing = True
    await notifications.register(notifications.platform.url)
    application = via(submitted())
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
    await notifications.register(notifications.platform.url)
    application = via(submitted())
    app_id = application.application_id
    *events, last = stream([application, reviewed(app_id), withdrawn(app_id)])
    # The last event after the duplicates, on their partition: once it is notified, the
    # consumer has moved past every duplicate, and any they caused would show.
    await notifications.publish(topics.applications, events + events + [last])

    rows = await all_sent(notifications, app_id, count=6)

    assert sorted(row["event_type"] for row in rows) == sorted(
        ["ApplicationSubmitted", "ApplicationReviewed", "ApplicationWithdrawn"] * 2
    )
    for row in rows:
        assert [a["outcome"] for a in await attempts(notifications, row["id"])] == ["sent"]
    assert len(notifications.smtp.received) == 3
    delivered = [r.headers["x-qsfund-event-id"] for r in notifications.platform.requests]
    assert sorted(delivered) == sorted(str(e.event_id) for e in [*events, last])


async def test_a_score_consumed_before_the_application_reaches_both_channels(
    notifications: Notifications, topics: Topics
) -> None:
    await notifications.register(notifications.platform.url)
    application = via(submitted())
    app_id = application.application_id
    await notifications.publish(topics.scoring, stream([scored(app_id)], source="scoring"))

    async def waiting() -> list[dict[str, Any]] | None:
        return await listed(notifications, app_id) or None

    (early,) = await eventually(waiting)

    async def moved_on() -> dict[str, Any] | None:
        (row,) = await listed(notifications, app_id)
        return row if row["due_at"] not in seen else None

    seen = {early["due_at"]}
    for _ in range(2):  # each look for the recipient moves due_at on: two looks
        seen.add((await eventually(moved_on))["due_at"])
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


async def test_a_url_named_in_the_application_is_never_posted_to(
    notifications: Notifications, topics: Topics
) -> None:
    # Anyone filing could name any URL: only webhooks a platform registered are posted to.
    named = submitted().model_copy(
        update={"contact": Contact(email=EMAIL, webhook_url=notifications.platform.url)}
    )
    await notifications.register(notifications.platform.url)
    # Its review after it, on its partition: once that is notified, any row for the URL
    # (recorded with the submission's own) would be listed.
    events = stream([named, reviewed(named.application_id)])
    await notifications.publish(topics.applications, events)

    rows = await all_sent(notifications, named.application_id, count=2)
    assert [row["channel"] for row in rows] == ["email", "email"]
    assert notifications.platform.requests == []


async def test_a_platform_hears_only_of_its_own_applications_and_chosen_events(
    notifications: Notifications, topics: Topics
) -> None:
    await notifications.register(notifications.platform.url, events=["ApplicationReviewed"])
    ours, theirs = via(submitted()), via(submitted(), platform="shanghai-gov-platform")
    for application in (ours, theirs):
        events = stream([application, reviewed(application.application_id)])
        await notifications.publish(topics.applications, events)

    rows = await all_sent(notifications, ours.application_id, count=3)
    await all_sent(notifications, theirs.application_id, count=2)

    assert webhook_of(rows)["event_type"] == "ApplicationReviewed"
    (request,) = notifications.platform.requests
    body = json.loads(request.body)
    assert (body["application_id"], body["event_type"]) == (
        ours.application_id,
        "ApplicationReviewed",
    )


async def test_a_secret_rotates_without_a_delivery_failing_verification(
    notifications: Notifications, topics: Topics
) -> None:
    platform = notifications.tokens.headers("platform")
    hook = await notifications.register(notifications.platform.url)
    old = hook["secret"]
    rotated = await notifications.api.post(
        f"/v1/webhooks/{hook['id']}/rotate", json={"grace_seconds": 3600}, headers=platform
    )
    assert rotated.status_code == 201, rotated.text
    new = rotated.json()["secret"]
    assert new != old
    assert [s["retire_at"] is None for s in rotated.json()["secrets"]] == [True, False]

    verify = readme_function("verify")

    async def delivered() -> Any:
        count = len(notifications.platform.requests)
        application = via(submitted())
        await notifications.publish(topics.applications, stream([application]))
        await all_sent(notifications, application.application_id, count=2)
        (request,) = notifications.platform.requests[count:]
        return httpx.Headers(request.headers), request.body

    headers, body = await delivered()
    assert verify(old, headers, body), "a receiver not yet on the new secret still verifies"
    assert verify(new, headers, body), "a receiver already on the new secret verifies"

    retired = await notifications.api.post(f"/v1/webhooks/{hook['id']}/retire", headers=platform)
    assert retired.status_code == 200, retired.text
    assert len(retired.json()["secrets"]) == 1
    headers, body = await delivered()
    assert verify(new, headers, body)
    assert not verify(old, headers, body), "a retired secret signs nothing"

    listed_hooks = (await notifications.api.get("/v1/webhooks", headers=platform)).json()
    assert [h["id"] for h in listed_hooks] == [hook["id"]]
    assert "secret" not in listed_hooks[0], "a secret is shown once, when it is made"
    deleted = await notifications.api.delete(f"/v1/webhooks/{hook['id']}", headers=platform)
    assert deleted.status_code == 204
    assert (await notifications.api.get("/v1/webhooks", headers=platform)).json() == []
    application = via(submitted())
    await notifications.publish(topics.applications, stream([application]))
    await all_sent(notifications, application.application_id, count=1)


async def test_a_platform_cannot_touch_another_platforms_webhook(
    notifications: Notifications,
) -> None:
    hook = await notifications.register(notifications.platform.url)
    stranger = notifications.tokens.headers("platform", sub="shanghai-gov-platform")
    for method, path in [
        ("POST", f"/v1/webhooks/{hook['id']}/rotate"),
        ("POST", f"/v1/webhooks/{hook['id']}/retire"),
        ("DELETE", f"/v1/webhooks/{hook['id']}"),
    ]:
        body: dict[str, Any] | None = {} if path.endswith("rotate") else None
        answer = await notifications.api.request(method, path, json=body, headers=stranger)
        assert answer.status_code == 404, (method, path, answer.text)
    assert (await notifications.api.get("/v1/webhooks", headers=stranger)).json() == []
    as_auditor = await notifications.api.get("/v1/webhooks")
    assert as_auditor.status_code == 403


async def test_a_retried_registration_gets_the_same_webhook_and_secret(
    notifications: Notifications,
) -> None:
    headers = {**notifications.tokens.headers("platform"), "Idempotency-Key": "register-1"}
    body = {"url": notifications.platform.url, "event_types": ["ApplicationAwarded"]}
    first = await notifications.api.post("/v1/webhooks", json=body, headers=headers)
    again = await notifications.api.post("/v1/webhooks", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201), again.text
    assert first.json() == again.json()
    listed_hooks = await notifications.api.get("/v1/webhooks", headers=headers)
    assert len(listed_hooks.json()) == 1
    other = {**body, "event_types": ["ApplicationScored"]}
    reused = await notifications.api.post("/v1/webhooks", json=other, headers=headers)
    assert reused.status_code == 409
    assert reused.json()["errors"][0]["rule"] == "idempotency_key_reused"

    private = {**body, "url": "ftp://127.0.0.1/hook"}
    refused = await notifications.api.post(
        "/v1/webhooks", json=private, headers=notifications.tokens.headers("platform")
    )
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["errors"][0]["field"] == "url"


async def _sent_email(n: Notifications, application_id: str) -> dict[str, Any] | None:
    rows = [r for r in await listed(n, application_id) if r["channel"] == "email"]
    return rows[0] if rows and rows[0]["status"] == "sent" else None


async def test_a_portal_hears_of_a_rounds_published_list_whatever_it_filed(
    notifications: Notifications, topics: Topics
) -> None:
    """The published list is public: a portal that registered for it hears of every
    round's, though it filed none of their applications."""
    await notifications.register(
        notifications.platform.url, events=["PublicityOpened"], platform="district-portal"
    )
    (event,) = stream([publicity_opened("round-7")])
    await notifications.publish(topics.applications, [event])

    async def posted() -> Any:
        return notifications.platform.requests[0] if notifications.platform.requests else None

    request = await eventually(posted)
    body = json.loads(request.body)
    assert body["event_type"] == "PublicityOpened"
    assert (body["round_id"], body["application_id"]) == ("round-7", "")
    assert "/v1/public/rounds/round-7/list" in body["summary"]
    assert event.payload["digest"] in body["summary"]
    assert request.path == "/qsfund/events"


async def test_a_failed_payment_tells_the_applicant_and_platform_what_to_do_never_the_account(
    notifications: Notifications, topics: Topics
) -> None:
    await notifications.register(notifications.platform.url, events=["PaymentFailed"])
    application = via(submitted())
    app_id = application.application_id
    await notifications.publish(topics.applications, stream([application]))
    instructed, failed = payment_failed(app_id)
    # Instructed and failed on the award's stream, on the payments topic, as the payments
    # service publishes them; the instruction alone tells nobody.
    await notifications.publish(topics.payments, stream([instructed, failed], source="payments"))

    rows = await all_sent(notifications, app_id, count=3)

    assert sorted((row["event_type"], row["channel"]) for row in rows) == [
        ("ApplicationSubmitted", "email"),
        ("PaymentFailed", "email"),
        ("PaymentFailed", "webhook"),
    ]
    (mail,) = [m for m in notifications.smtp.received if "failed" in m.message["Subject"]]
    assert mail.recipients == [EMAIL]
    assert mail.message["Subject"] == (
        f"Payment of application {app_id}'s award failed: the account is closed"
    )
    text = mail.message.get_content()
    assert "tranche 1 of 2 of your award of 150000 yuan into the account ending 2345" in text
    assert (
        f"register a corrected account (another number or name) with PUT /v1/awards/{app_id}/payee"
        in text
    )
    (request,) = notifications.platform.requests
    body = json.loads(request.body)
    assert (body["event_type"], body["application_id"]) == ("PaymentFailed", app_id)
    assert body["summary"] in text
    for told in (text, request.body.decode()):
        assert ACCOUNT not in told
        assert ACCOUNT[-5:] not in told, "at most the last four digits"


ACCOUNT = "310066726018800012345"


def payment_failed(application_id: str) -> tuple[PaymentInstructed, PaymentFailed]:
    """The first of two tranches instructed, then failed: the account is closed."""
    instruction = f"{application_id}-t1-a1"
    payee = PayeeAccount(
        credit_code=VALID_CREDIT_CODES[0],
        account_name="Chongqing Jinyu Testing Co.",
        account_number=ACCOUNT,
        bank_name="Bank of Chongqing Yubei Branch",
        cnaps_code="313653000013",
    )
    instructed = PaymentInstructed(
        application_id=application_id,
        instruction_id=instruction,
        round_id="round-1",
        tranche=1,
        tranches=2,
        amount_yuan=150_000,
        final_award_yuan=300_000,
        payee=payee,
    )
    failed = PaymentFailed(
        application_id=application_id,
        instruction_id=instruction,
        reason="account_closed",
        failed_at=datetime.now(UTC),
    )
    return instructed, failed


def proposed(proposal_id: str, credit_code: str) -> ApplicationProposed:
    return ApplicationProposed(
        proposal_id=proposal_id,
        round_id="round-9",
        policy_version="2026.2",
        enterprise=Enterprise(
            credit_code=credit_code, name="重庆金宇检测有限公司", industry="道路运输业"
        ),
        claim=StandardClaim(
            category="standard",
            level="national",
            standard_number="GB/T 45001-2026",
            title="冷链物流服务质量",
            work="formulation",
            role="lead",
            published_on=date(2026, 2, 10),
        ),
        source=UnitRef(list_id="samr-2026-03", entry=1, unit=0),
        source_document="国家标准公告2026年第3号",
    )


async def test_a_proposal_reaches_the_enterprises_latest_contact_and_every_portal(
    notifications: Notifications, topics: Topics
) -> None:
    """The register holds no e-mail: a proposal is e-mailed to the contact the enterprise
    gave in its latest application, if it ever filed one, and posted to every portal
    that registered for proposals."""
    filed = submitted()
    await notifications.publish(topics.applications, stream([filed]))
    await all_sent(notifications, filed.application_id, count=1)
    await notifications.register(
        notifications.platform.url, events=["ApplicationProposed"], platform="district-portal"
    )
    known, unknown = (
        proposed("p-known", VALID_CREDIT_CODES[0]),
        proposed("p-unknown", VALID_CREDIT_CODES[1]),
    )
    await notifications.publish(topics.applications, [*stream([known]), *stream([unknown])])

    async def both_posted() -> Any:
        requests = notifications.platform.requests
        return requests if len(requests) == 2 else None

    bodies = [json.loads(r.body) for r in await eventually(both_posted)]
    assert {b["event_type"] for b in bodies} == {"ApplicationProposed"}
    assert {(b["round_id"], b["application_id"]) for b in bodies} == {("round-9", "")}
    assert any("/v1/proposals/p-known/confirm" in b["summary"] for b in bodies)

    (email,) = await all_sent(notifications, "p-known", count=1)
    assert email["channel"] == "email"
    (mail,) = [m for m in notifications.smtp.received if "p-known" in m.message["Subject"]]
    assert mail.recipients == [EMAIL]
    # Posted to the portal, so consumed: and no e-mail, since no contact is known.
    assert await listed(notifications, "p-unknown") == []
