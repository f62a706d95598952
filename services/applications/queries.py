"""Read-side questions the applications service answers from its projections."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from .adapters.tables import application, application_history, funding_round
from .domain.errors import NotFound


async def application_view(session: AsyncSession, application_id: str) -> dict[str, Any]:
    row = (
        (await session.execute(select(application).where(application.c.id == application_id)))
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound("application_id", "exists", f"no application {application_id}")
    return dict(row)


async def application_events(session: AsyncSession, application_id: str) -> list[dict[str, Any]]:
    await application_view(session, application_id)
    rows = await session.execute(
        select(application_history)
        .where(application_history.c.application_id == application_id)
        .order_by(
            application_history.c.occurred_at,
            application_history.c.source,
            application_history.c.aggregate_version,
        )
    )
    return [dict(row) for row in rows.mappings()]


async def round_view(session: AsyncSession, round_id: str) -> dict[str, Any]:
    row = (
        (await session.execute(select(funding_round).where(funding_round.c.id == round_id)))
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound("round_id", "exists", f"no funding round {round_id}")
    counts = await session.execute(
        select(
            application.c.status,
            func.count(),
            func.coalesce(func.sum(application.c.awarded_amount_yuan), 0),
        )
        .where(application.c.round_id == round_id)
        .group_by(application.c.status)
    )
    by_status = {status: count for status, count, _ in counts}
    awarded = await session.scalar(
        select(func.coalesce(func.sum(application.c.awarded_amount_yuan), 0)).where(
            application.c.round_id == round_id, application.c.status == "awarded"
        )
    )
    return {
        **dict(row),
        "status": "closed" if row["closed_at"] else "open",
        "applications_by_status": by_status,
        "awarded_total_yuan": int(awarded or 0),
    }
