"""Keeping the read side current, in the same transaction as the events that change it."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts import Contract
from shared.contracts.applications import (
    ApplicationAmended,
    ApplicationReviewed,
    ApplicationSubmitted,
    RoundClosed,
    RoundOpened,
)
from shared.contracts.scoring import ApplicationAwarded, ApplicationNotAwarded, ApplicationScored
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


# What the scoring service tells us: folded into each application's row, many at once.
FROM_SCORING = (ApplicationScored, ApplicationAwarded, ApplicationNotAwarded)

FOLD = (
    update(application)
    .where(application.c.id == bindparam("b_id"))
    .values(
        status=bindparam("b_status"),
        updated_at=func.greatest(
            application.c.updated_at, bindparam("b_at", type_=application.c.updated_at.type)
        ),
        claimed_amount_yuan=func.coalesce(
            bindparam("b_claimed", type_=application.c.claimed_amount_yuan.type),
            application.c.claimed_amount_yuan,
        ),
        score=func.coalesce(
            bindparam("b_score", type_=application.c.score.type), application.c.score
        ),
        awarded_amount_yuan=func.coalesce(
            bindparam("b_awarded", type_=application.c.awarded_amount_yuan.type),
            application.c.awarded_amount_yuan,
        ),
    )
)


async def project_many(session: AsyncSession, events: Sequence[tuple[Envelope, Contract]]) -> None:
    """What `project` does to each event in turn, with each run of the scoring service's
    events in three statements."""
    for from_scoring, grouped in groupby(
        events, key=lambda pair: isinstance(pair[1], FROM_SCORING)
    ):
        run = list(grouped)
        if from_scoring:
            await _fold_scoring(session, run)
        else:
            for envelope, event in run:
                await project(session, envelope, event)


async def _fold_scoring(session: AsyncSession, run: list[tuple[Envelope, Contract]]) -> None:
    await session.execute(insert(application_history), [_history(e) for e, _ in run])
    ids = {envelope.aggregate_id for envelope, _ in run}
    found = await session.execute(
        select(application.c.id, application.c.status).where(application.c.id.in_(ids))
    )
    statuses: dict[str, Status | None] = {row.id: row.status for row in found}
    folds = []
    for envelope, event in run:
        status = status_after(statuses.get(envelope.aggregate_id), envelope.event_type)
        statuses[envelope.aggregate_id] = status
        folds.append(
            {
                "b_id": envelope.aggregate_id,
                "b_status": status,
                "b_at": envelope.occurred_at,
                "b_claimed": event.claimed_amount_yuan
                if isinstance(event, ApplicationScored)
                else None,
                "b_score": event.score if isinstance(event, ApplicationScored) else None,
                "b_awarded": event.amount_yuan if isinstance(event, ApplicationAwarded) else None,
            }
        )
    await session.execute(FOLD, folds)


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
    await session.execute(insert(application_history), [_history(envelope)])


def _history(envelope: Envelope) -> dict[str, Any]:
    return {
        "application_id": envelope.aggregate_id,
        "source": envelope.source,
        "aggregate_version": envelope.aggregate_version,
        "event_id": envelope.event_id,
        "event_type": envelope.event_type,
        "occurred_at": envelope.occurred_at,
        "actor_id": envelope.actor.id,
        "actor_role": envelope.actor.role,
        "payload": envelope.payload,
    }
