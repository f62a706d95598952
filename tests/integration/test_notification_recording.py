"""What the consumer records for a batch of events, over the real PostgreSQL: the same
rows whether the events come together, in one statement, or one batch each."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from services.notifications.adapters.tables import notification, recipient, webhook
from services.notifications.handlers import on_events
from shared.contracts import parse_payload
from shared.contracts.applications import ApplicationAmended
from shared.contracts.values import Contact
from shared.envelope import Envelope
from tests.support.events import stream, submitted

PLATFORM = "chongqing-gov-platform"


@pytest.fixture
async def sessions(notifications_db: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_async_engine(notifications_db)
    yield async_sessionmaker(engine, expire_on_commit=False)
    await engine.dispose()


def filed_then_amended() -> list[Envelope]:
    """Filed through the platform, then amended by the applicant with a new address (an
    amendment names no platform)."""
    filed = submitted().model_copy(update={"submitted_via": PLATFORM})
    amended = ApplicationAmended(
        application_id=filed.application_id,
        enterprise=filed.enterprise,
        claim=filed.claim,
        evidence=filed.evidence,
        contact=Contact(email="new-office@jinyu.example.cn"),
    )
    return stream([filed, amended])


async def consumed(
    sessions: async_sessionmaker[AsyncSession], batches: list[list[Envelope]]
) -> None:
    for batch in batches:
        async with sessions.begin() as session:
            await on_events(session, [(e, parse_payload(e)) for e in batch])


async def recorded(sessions: async_sessionmaker[AsyncSession], application_id: str) -> object:
    async with sessions() as session:
        contact = (
            await session.execute(
                select(recipient.c.email, recipient.c.platform).where(
                    recipient.c.application_id == application_id
                )
            )
        ).one()
        rows = await session.execute(
            select(notification.c.event_type, notification.c.channel).where(
                notification.c.application_id == application_id
            )
        )
        return tuple(contact), sorted(tuple(row) for row in rows)


async def test_a_submission_and_its_amendment_together_are_recorded_as_one_at_a_time(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        await session.execute(
            webhook.insert().values(
                id=uuid4(),
                platform=PLATFORM,
                url="https://gov.example.cn/qsfund/events",
                event_types=["ApplicationSubmitted", "ApplicationAmended"],
                created_at=datetime.now(UTC) - timedelta(days=1),
            )
        )
    together, apart = filed_then_amended(), filed_then_amended()

    await consumed(sessions, [together])
    await consumed(sessions, [[event] for event in apart])

    expected = (
        ("new-office@jinyu.example.cn", PLATFORM),
        [
            ("ApplicationAmended", "email"),
            ("ApplicationAmended", "webhook"),
            ("ApplicationSubmitted", "email"),
            ("ApplicationSubmitted", "webhook"),
        ],
    )
    assert await recorded(sessions, together[0].aggregate_id) == expected
    assert await recorded(sessions, apart[0].aggregate_id) == expected
