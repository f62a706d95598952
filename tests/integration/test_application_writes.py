"""The applications service writes its own events in the statements that write the
application's row: the stored event must be exactly the sealed one, and a stale stream
head must still be refused with nothing of it written."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

import pytest
from asyncpg.exceptions import LockNotAvailableError, UniqueViolationError
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from services.applications.adapters.driver import transaction
from services.applications.adapters.intake_facts import intake_facts
from services.applications.adapters.projections import write_submissions
from services.applications.adapters.tables import (
    application,
    application_history,
    backbone,
    funding_round,
)
from services.applications.handlers import ApplicationsService, head_of
from shared.envelope import Actor, Envelope
from shared.eventstore import Cause, ConcurrencyError, EventStore, StreamHead
from tests.support.events import reviewed, submitted

CAUSE = Cause(actor=Actor(id="reviewer-wang", role="reviewer"), correlation_id=uuid4())


def service(engine: AsyncEngine) -> ApplicationsService:
    clock = lambda: datetime.now(UTC)  # noqa: E731
    return ApplicationsService(
        sessions=async_sessionmaker(engine),
        store=EventStore("applications", backbone.event, clock),
        clock=clock,
        new_id=lambda: str(uuid4()),
        engine=engine,
    )


async def stored(engine: AsyncEngine, application_id: str) -> tuple[list[str], int, str]:
    """The application's stored event bodies, its history's length and its status."""
    async with engine.connect() as conn:
        bodies = await conn.scalars(
            select(backbone.event.c.body)
            .where(backbone.event.c.aggregate_id == application_id)
            .order_by(backbone.event.c.aggregate_version)
        )
        history = await conn.scalar(
            select(func.count()).where(application_history.c.application_id == application_id)
        )
        status = await conn.scalar(
            select(application.c.status).where(application.c.id == application_id)
        )
        return list(bodies), int(history or 0), str(status)


async def test_an_application_event_is_stored_exactly_as_sealed_with_its_history_and_row(
    applications_engine: AsyncEngine,
) -> None:
    apps = service(applications_engine)
    first = submitted()
    # Text JSON must escape (quotes, a backslash) and characters beyond ASCII.
    named = first.enterprise.model_copy(update={"name": 'Chongqing "Jinyu" 检测 Co. \\ 1'})
    first = first.model_copy(update={"enterprise": named})
    async with applications_engine.begin() as conn:
        sealed = await apps.save(conn, StreamHead(), [first], CAUSE)
    async with applications_engine.begin() as conn:
        sealed += await apps.save(conn, head_of(sealed), [reviewed(first.application_id)], CAUSE)

    bodies, history, status = await stored(applications_engine, first.application_id)
    assert bodies == [envelope.encode().decode("utf-8") for envelope in sealed]
    assert [Envelope.decode(body) for body in bodies] == sealed
    assert (history, status) == (2, "eligible")


async def test_a_stale_head_is_refused_and_nothing_of_the_write_is_stored(
    applications_engine: AsyncEngine,
) -> None:
    apps = service(applications_engine)
    first = submitted()
    async with applications_engine.begin() as conn:
        sealed = await apps.save(conn, StreamHead(), [first], CAUSE)
    async with applications_engine.begin() as conn:
        await apps.save(conn, head_of(sealed), [reviewed(first.application_id)], CAUSE)

    with pytest.raises(ConcurrencyError, match="changed since version 1 was read"):
        async with applications_engine.begin() as conn:
            # Read before the review was written: its version 2 is taken.
            await apps.save(
                conn, head_of(sealed), [reviewed(first.application_id, "ineligible")], CAUSE
            )

    bodies, history, status = await stored(applications_engine, first.application_id)
    assert (len(bodies), history, status) == (2, 2, "eligible")


async def test_a_submission_written_on_the_driver_is_stored_exactly_as_sealed(
    applications_engine: AsyncEngine,
) -> None:
    """The intake's path (adapters/driver.py): the statement's JSON parameters encoded as
    SQLAlchemy's would be, the event byte for byte, its history and its row."""
    apps = service(applications_engine)
    first = submitted()
    named = first.enterprise.model_copy(update={"name": 'Chongqing "Jinyu" 检测 Co. \\ 1'})
    first = first.model_copy(update={"enterprise": named})
    [sealed] = apps.store.seal_each([(StreamHead(), [first], CAUSE)])
    dialect = applications_engine.dialect
    async with transaction(applications_engine) as driver:
        await write_submissions(driver, dialect, [(sealed[0], first)])

    bodies, history, status = await stored(applications_engine, first.application_id)
    assert bodies == [sealed[0].encode().decode("utf-8")]
    assert Envelope.decode(bodies[0]) == sealed[0]
    assert (history, status) == (1, "submitted")
    async with applications_engine.connect() as conn:
        row = (
            await conn.execute(select(application).where(application.c.id == first.application_id))
        ).one()
    assert (row.enterprise_name, row.claim) == (named.name, first.claim.model_dump(mode="json"))
    assert row.submitted_at == sealed[0].occurred_at

    # The same event again (its id and version 1 taken): refused, and nothing more stored.
    with pytest.raises(UniqueViolationError):
        async with transaction(applications_engine) as driver:
            await write_submissions(driver, dialect, [(sealed[0], first)])
    assert await stored(applications_engine, first.application_id) == (bodies, 1, "submitted")


async def test_a_submission_on_the_driver_holds_its_round_until_it_commits(
    applications_engine: AsyncEngine,
) -> None:
    """Its read locks the round FOR SHARE inside the transaction (a read on the driver
    before a BEGIN would lock nothing): a closing's FOR UPDATE cannot take the round
    until the submission commits."""
    now = datetime.now(UTC)
    round_id = str(uuid4())
    async with applications_engine.begin() as conn:
        await conn.execute(
            funding_round.insert().values(
                id=round_id,
                name="2026",
                year=2026,
                opens_at=now,
                closes_at=now,
                period_start=date(2025, 7, 1),
                period_end=date(2026, 6, 30),
                budget_yuan=1_000_000,
                enterprise_cap_yuan=1_000_000,
                policy_version="2026.2",
                created_at=now,
            )
        )
    closing = select(funding_round.c.id).where(funding_round.c.id == round_id)
    async with transaction(applications_engine) as driver:
        facts = await intake_facts(driver, applications_engine.dialect, round_id, "X")
        assert facts.round.id == round_id
        with pytest.raises(DBAPIError) as refused:
            async with applications_engine.begin() as conn:
                await conn.execute(closing.with_for_update(nowait=True))
        assert isinstance(getattr(refused.value.orig, "__cause__", None), LockNotAvailableError)
    async with applications_engine.begin() as conn:
        assert (await conn.execute(closing.with_for_update(nowait=True))).scalar() == round_id
