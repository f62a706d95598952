"""Webhook egress at delivery, attacked over the real PostgreSQL: a host that answered
a public address when it was registered and 127.0.0.1 when a delivery is due (DNS
rebinding) is refused, the refusal recorded and parked, and nothing reaches the
receiver on loopback. The sender's one resolver is backed by the test's own table."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from uuid import UUID, uuid4

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from services.notifications.adapters.sealing import development_box
from services.notifications.adapters.smtp import SmtpSender
from services.notifications.adapters.store import sql_transaction
from services.notifications.adapters.tables import delivery_attempt, notification
from services.notifications.adapters.webhook import WebhookSender, webhook_client
from services.notifications.delivery_loop import DeliveryLoop
from services.notifications.domain.delivery import RecipientWait, RetryPolicy
from services.notifications.domain.webhook import WebhookRules, egress_problem
from services.notifications.service import NotificationsService
from tests.support.notifications_receivers import WebhookReceiver

HOST = "hooks.rebinding.invalid"  # .invalid: no real DNS answers it, only the table
PUBLIC = "93.184.215.14"


class Dns:
    """The answers the sender gets: a table the test rewrites, as a rebinding server does."""

    def __init__(self) -> None:
        self.table: dict[str, list[str]] = {}
        self.asked: list[str] = []

    async def resolve(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        return list(self.table[host])


@pytest.fixture
async def sessions(notifications_db: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_async_engine(notifications_db)
    yield async_sessionmaker(engine, expire_on_commit=False)
    await engine.dispose()


async def registered(
    sessions: async_sessionmaker[AsyncSession], url: str, *, insecure: bool
) -> UUID:
    service = NotificationsService(
        transaction=sql_transaction(sessions, development_box()),
        rules=WebhookRules(insecure_urls=insecure),
        clock=lambda: datetime.now(UTC),
        new_id=uuid4,
        new_secret=lambda: "whsec_" + uuid4().hex,
    )
    created = await service.register_webhook(
        "chongqing-gov-platform", url, ["ApplicationAwarded"], None
    )
    return created.id


async def due_notification(sessions: async_sessionmaker[AsyncSession], webhook_id: UUID) -> UUID:
    notification_id = uuid4()
    async with sessions.begin() as session:
        await session.execute(
            notification.insert().values(
                id=notification_id,
                event_id=uuid4(),
                application_id="app-1",
                event_type="ApplicationAwarded",
                occurred_at=datetime.now(UTC),
                channel="webhook",
                target=str(webhook_id),
                subject="Awarded",
                summary="Your application was awarded.",
                status="pending",
            )
        )
    return notification_id


def delivery(
    sessions: async_sessionmaker[AsyncSession],
    dns: Dns,
    client: httpx.AsyncClient,
    *,
    public_only: bool,
) -> DeliveryLoop:
    return DeliveryLoop(
        sessions=sessions,
        smtp=SmtpSender(host="127.0.0.1", port=1, sender="qsfund@example.cn", timeout=1),
        webhooks=WebhookSender(client, resolver=dns.resolve, public_only=public_only),
        retry=RetryPolicy(attempts=6),
        recipient_wait=RecipientWait(),
        clock=lambda: datetime.now(UTC),
        box=development_box(),
    )


async def test_a_host_rebound_to_loopback_is_refused_at_delivery_and_parked(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    dns = Dns()
    dns.table[HOST] = [PUBLIC]
    with WebhookReceiver() as receiver:
        url = f"https://{HOST}:{receiver.port}/qsfund/events"
        # At registration the host is public and the URL passes every rule.
        hook = await registered(sessions, url, insecure=False)
        assert egress_problem(HOST, await dns.resolve(HOST, receiver.port)) is None
        notification_id = await due_notification(sessions, hook)
        dns.table[HOST] = ["127.0.0.1"]  # rebound before the delivery
        async with webhook_client(timeout=5, proxy=None) as client:
            assert await delivery(sessions, dns, client, public_only=True).deliver_due() == 1
        async with sessions() as session:
            row = (
                await session.execute(
                    select(notification).where(notification.c.id == notification_id)
                )
            ).one()
            (attempt,) = (await session.execute(select(delivery_attempt))).all()
    assert dns.asked[-1] == HOST, "delivery resolved the host anew"
    assert receiver.connections == 0, "no connection reached the loopback receiver"
    reason = f"{HOST} resolved to 127.0.0.1, not a public address: not sent"
    assert (row.status, row.attempts, row.last_error) == ("parked", 1, reason)
    assert (attempt.outcome, attempt.error) == ("failed", reason)


async def test_the_sender_connects_to_the_address_it_resolved_keeping_the_host(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """The control: with the development switch on, the same rebound host is posted to,
    at the table's address (no real DNS knows the host), under its own Host header."""
    dns = Dns()
    dns.table[HOST] = ["127.0.0.1"]
    with WebhookReceiver() as receiver:
        hook = await registered(
            sessions, f"http://{HOST}:{receiver.port}/qsfund/events", insecure=True
        )
        notification_id = await due_notification(sessions, hook)
        async with webhook_client(timeout=5, proxy=None) as client:
            assert await delivery(sessions, dns, client, public_only=False).deliver_due() == 1
        async with sessions() as session:
            status = await session.scalar(
                select(notification.c.status).where(notification.c.id == notification_id)
            )
    (request,) = receiver.requests
    assert receiver.connections == 1
    assert request.headers["host"] == f"{HOST}:{receiver.port}"
    assert status == "sent"
