"""The delivery loop's batches over the real PostgreSQL and a real SMTP server: a batch is
claimed, sent and settled together, a send that fails costs only its own notification
an attempt, and loops sharing the queue never send one notification twice."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from uuid import UUID, uuid4

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from services.notifications.adapters.sealing import development_box
from services.notifications.adapters.smtp import SmtpSender
from services.notifications.adapters.tables import delivery_attempt, notification, recipient
from services.notifications.adapters.webhook import WebhookSender
from services.notifications.delivery_loop import DeliveryLoop
from services.notifications.domain.delivery import RecipientWait, RetryPolicy
from tests.support.notifications_receivers import SmtpServer


@pytest.fixture
async def sessions(notifications_db: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_async_engine(notifications_db)
    yield async_sessionmaker(engine, expire_on_commit=False)
    await engine.dispose()


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


async def emails_due(
    sessions: async_sessionmaker[AsyncSession], addresses: list[str]
) -> dict[str, UUID]:
    """One pending email a recipient, each of its own application; their ids by address."""
    ids = {address: uuid4() for address in addresses}
    async with sessions.begin() as session:
        for address, notification_id in ids.items():
            application_id = f"app-{notification_id}"
            await session.execute(
                recipient.insert().values(application_id=application_id, email=address)
            )
            await session.execute(
                notification.insert().values(
                    id=notification_id,
                    event_id=uuid4(),
                    application_id=application_id,
                    event_type="ApplicationSubmitted",
                    occurred_at=datetime.now(UTC),
                    channel="email",
                    subject=f"Application {application_id} received",
                    summary="Your application was received and awaits review.",
                    status="pending",
                )
            )
    return ids


def loop(
    sessions: async_sessionmaker[AsyncSession],
    smtp: SmtpServer,
    client: httpx.AsyncClient,
    batch: int,
) -> DeliveryLoop:
    return DeliveryLoop(
        sessions=sessions,
        smtp=SmtpSender(host="127.0.0.1", port=smtp.port, sender="qsfund@example.cn", timeout=5),
        webhooks=WebhookSender(client, public_only=False),
        retry=RetryPolicy(attempts=3, base_seconds=60),
        recipient_wait=RecipientWait(),
        clock=lambda: datetime.now(UTC),
        box=development_box(),
        batch=batch,
    )


async def test_a_send_that_fails_costs_only_its_own_notification_an_attempt(
    sessions: async_sessionmaker[AsyncSession], smtp: SmtpServer
) -> None:
    ids = await emails_due(sessions, ["a@jinyu.example.cn", "gone@jinyu.example.cn", "c@x.cn"])
    smtp.refused.add("gone@jinyu.example.cn")

    async with httpx.AsyncClient() as client:
        assert await loop(sessions, smtp, client, batch=10).deliver_due() == 3

    async with sessions() as session:
        rows = {
            row.id: row
            for row in await session.execute(
                select(notification).where(notification.c.id.in_(ids.values()))
            )
        }
        logged = {
            row.notification_id: row for row in await session.execute(select(delivery_attempt))
        }
    assert sorted(mail.recipients[0] for mail in smtp.received) == [
        "a@jinyu.example.cn",
        "c@x.cn",
    ]
    failed = ids.pop("gone@jinyu.example.cn")
    for sent in ids.values():
        assert (rows[sent].status, rows[sent].attempts) == ("sent", 1)
        assert (logged[sent].attempt, logged[sent].outcome) == (1, "sent")
    row = rows[failed]
    assert (row.status, row.attempts) == ("pending", 1), "tried again later, not parked"
    assert row.due_at > datetime.now(UTC), "at the policy's next try"
    assert "550" in row.last_error
    assert (logged[failed].outcome, logged[failed].error) == ("failed", row.last_error)


async def test_loops_sharing_the_queue_send_each_notification_once(
    sessions: async_sessionmaker[AsyncSession], smtp: SmtpServer
) -> None:
    addresses = [f"office-{i}@jinyu.example.cn" for i in range(40)]
    await emails_due(sessions, addresses)

    async with httpx.AsyncClient() as client:
        loops = [loop(sessions, smtp, client, batch=7) for _ in range(3)]

        async def drain(delivery: DeliveryLoop) -> int:
            sent = 0
            while claimed := await delivery.deliver_due():
                sent += claimed
            return sent

        shares = await asyncio.gather(*(drain(delivery) for delivery in loops))

    assert sum(shares) == len(addresses)
    assert sorted(mail.recipients[0] for mail in smtp.received) == sorted(addresses)
    async with sessions() as session:
        statuses = (await session.scalars(select(notification.c.status))).all()
    assert statuses == ["sent"] * len(addresses)
