"""Other enterprises' claims to lead the same standard, as the projection knows them."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from .tables import application


async def rival_leads(session: AsyncSession, application_id: str) -> tuple[str, ...]:
    """Earlier claims by other enterprises to lead the standard this application claims
    to lead, still standing (not withdrawn, not ineligible, not decided a participant),
    in any round whose rules key the standard alike (projections.lead_key)."""
    own = (
        await session.execute(
            select(
                application.c.credit_code, application.c.lead_key, application.c.submitted_at
            ).where(application.c.id == application_id)
        )
    ).one()
    if own.lead_key is None:
        return ()
    rivals = await session.scalars(
        select(application.c.id)
        .where(
            application.c.lead_key == own.lead_key,
            application.c.credit_code != own.credit_code,
            application.c.submitted_at < own.submitted_at,
            application.c.review.not_in(("ineligible", "withdrawn")),
            func.coalesce(application.c.lead_decision, "") != "participant",
        )
        .order_by(application.c.submitted_at)
    )
    return tuple(rivals)
