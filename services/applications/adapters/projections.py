"""Keeping the read side current, in the same transaction as the events that change it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts import Contract
from shared.contracts.applications import (
    ApplicationAmended,
    ApplicationReviewed,
    ApplicationSubmitted,
    RoundClosed,
    RoundOpened,
)
from shared.contracts.scoring import ApplicationAwarded, ApplicationScored
from shared.envelope import Envelope

from ..domain.status import Status, status_after
from .tables import application, application_history, funding_round


async def project(session: AsyncSession, envelope: Envelope, event: Contract) -> None:
    """Apply one event, ours or another service's, to every projection it touches."""
    if isinstance(event, RoundOpened):
        await _round_opened(session, envelope, event)
        return
    if isinstance(event, RoundClosed):
        await session.execute(
            update(funding_round)
            .where(funding_round.c.id == event.round_id)
            .values(closed_at=event.closed_at)
        )
        return
    await _record_history(session, envelope)
    if isinstance(event, ApplicationSubmitted):
        await _application_submitted(session, envelope, event)
        return
    # The latest event wins whatever order the two topics were read in (a rebuild).
    values: dict[str, Any] = {
        "updated_at": func.greatest(application.c.updated_at, envelope.occurred_at)
    }
    if isinstance(event, ApplicationAmended):
        values |= {
            "credit_code": event.enterprise.credit_code,
            "enterprise_name": event.enterprise.name,
            "industry": event.enterprise.industry,
            "category": event.claim.category,
        }
    if isinstance(event, ApplicationScored):
        values |= {"claimed_amount_yuan": event.claimed_amount_yuan, "score": event.score}
    if isinstance(event, ApplicationAwarded):
        values |= {"awarded_amount_yuan": event.amount_yuan}
    decision = event.decision if isinstance(event, ApplicationReviewed) else None
    current: Status | None = await session.scalar(
        select(application.c.status).where(application.c.id == envelope.aggregate_id)
    )
    values["status"] = status_after(current, envelope.event_type, decision)
    await session.execute(
        update(application).where(application.c.id == envelope.aggregate_id).values(**values)
    )


async def _round_opened(session: AsyncSession, envelope: Envelope, event: RoundOpened) -> None:
    await session.execute(
        insert(funding_round).values(
            id=event.round_id,
            name=event.name,
            year=event.year,
            opens_at=event.opens_at,
            closes_at=event.closes_at,
            period_start=event.period_start,
            period_end=event.period_end,
            budget_yuan=event.budget_yuan,
            enterprise_cap_yuan=event.enterprise_cap_yuan,
            policy_version=event.policy_version,
            created_at=envelope.occurred_at,
        )
    )


async def _application_submitted(
    session: AsyncSession, envelope: Envelope, event: ApplicationSubmitted
) -> None:
    await session.execute(
        insert(application).values(
            id=event.application_id,
            round_id=event.round_id,
            credit_code=event.enterprise.credit_code,
            enterprise_name=event.enterprise.name,
            industry=event.enterprise.industry,
            category=event.claim.category,
            status="submitted",
            submitted_via=event.submitted_via,
            submitted_at=envelope.occurred_at,
            updated_at=envelope.occurred_at,
        )
    )


async def _record_history(session: AsyncSession, envelope: Envelope) -> None:
    await session.execute(
        insert(application_history).values(
            application_id=envelope.aggregate_id,
            source=envelope.source,
            aggregate_version=envelope.aggregate_version,
            event_id=envelope.event_id,
            event_type=envelope.event_type,
            occurred_at=envelope.occurred_at,
            actor_id=envelope.actor.id,
            actor_role=envelope.actor.role,
            payload=envelope.payload,
        )
    )
