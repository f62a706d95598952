"""Read-side questions the applications service answers from its projections, each
within what the caller may see (services/applications/scope.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal

from .adapters.tables import application, application_history, funding_round
from .domain.errors import NotFound
from .scope import visible_to


async def application_view(
    session: AsyncSession, application_id: str, caller: Principal
) -> dict[str, Any]:
    query = select(application).where(application.c.id == application_id, visible_to(caller))
    row = (await session.execute(query)).mappings().first()
    if row is None:
        raise NotFound("application_id", "exists", f"no application {application_id}")
    return dict(row)


async def application_events(
    session: AsyncSession, application_id: str, caller: Principal
) -> list[dict[str, Any]]:
    await application_view(session, application_id, caller)
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
    in_round = application.c.round_id == round_id

    async def counts_by(column: Any) -> dict[str, int]:
        rows = await session.execute(
            select(column, func.count()).where(in_round).group_by(column).order_by(column)
        )
        return {str(key): int(count) for key, count in rows.tuples()}

    awarded = await session.scalar(
        select(func.coalesce(func.sum(application.c.awarded_amount_yuan), 0)).where(
            in_round, application.c.status == "awarded"
        )
    )
    return {
        **dict(row),
        "status": "closed" if row["closed_at"] else "open",
        "applications_by_status": await counts_by(application.c.status),
        "applications_by_category": await counts_by(application.c.category),
        "applications_by_industry": await counts_by(application.c.industry),
        "awarded_total_yuan": int(awarded or 0),
    }


async def enterprise_applications(
    session: AsyncSession, credit_code: str, caller: Principal
) -> list[dict[str, Any]]:
    """Another enterprise's code gives an applicant an empty list, not a refusal: credit
    codes are public, whether an enterprise applied is not."""
    rows = await session.execute(
        select(application)
        .where(application.c.credit_code == credit_code, visible_to(caller))
        .order_by(application.c.submitted_at)
    )
    return [dict(row) for row in rows.mappings()]
