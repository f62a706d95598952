"""The claims to lead the standard an application claims to lead, as the projection knows
them: what domain/lead.py's `rivals` decides on."""

from __future__ import annotations

from sqlalchemy import select

from shared.eventstore import Connectable

from ..domain.lead import LeadClaim
from .tables import application

_CLAIM = (
    application.c.id,
    application.c.credit_code,
    application.c.submitted_at,
    application.c.review,
    application.c.lead_decision,
)


async def claims_to_lead_alike(
    session: Connectable, application_id: str
) -> tuple[LeadClaim, list[LeadClaim]] | None:
    """The application's own claim and every claim to lead the same standard (its
    achievement key under each round's rules, projections.lead_key); None when it does
    not claim to lead one. A standard has a handful of them: the index finds them."""
    own_key = await session.scalar(
        select(application.c.lead_key).where(application.c.id == application_id)
    )
    if own_key is None:
        return None
    rows = await session.execute(select(*_CLAIM).where(application.c.lead_key == own_key))
    claims = [LeadClaim(*row) for row in rows.tuples()]
    [own] = [c for c in claims if c.application_id == application_id]
    return own, [c for c in claims if c.application_id != application_id]
