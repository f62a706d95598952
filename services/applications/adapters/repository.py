"""What the applications service's use cases read of its projection tables before they
decide: a round with its lock, and the few facts about applications a rule needs. The
events themselves come from the event store."""

from __future__ import annotations

from typing import Literal

from sqlalchemy import Table, func, select

from shared.auth.principal import Principal
from shared.eventstore import Connectable

from ..domain.errors import NotFound
from ..domain.rounds import FundingRound
from ..scope import visible_to
from .tables import application, funding_round


async def load_round(
    session: Connectable, round_id: str, lock: Literal["share", "update"]
) -> FundingRound:
    """The round, locked: `share` among submissions and withdrawals, `update` to close,
    allocate or finalise it (which then waits for them, and they for it)."""
    query = select(funding_round).where(funding_round.c.id == round_id)
    query = query.with_for_update(read=lock == "share")
    row = (await session.execute(query)).mappings().first()
    if row is None:
        raise NotFound("round_id", "exists", f"no funding round {round_id}")
    return FundingRound(**{k: v for k, v in row.items() if k != "created_at"})


async def versions_in_round(session: Connectable, event: Table, round_id: str) -> dict[str, int]:
    """Each application of the round and the version its stream has reached."""
    rows = await session.execute(
        select(application.c.id, func.max(event.c.aggregate_version))
        .join(event, event.c.aggregate_id == application.c.id)
        .where(application.c.round_id == round_id)
        .group_by(application.c.id)
    )
    return {application_id: int(version) for application_id, version in rows.tuples()}


async def returned_in_round(session: Connectable, round_id: str) -> list[str]:
    """The round's applications returned to their applicant for a correction."""
    returned = await session.scalars(
        select(application.c.id).where(
            application.c.round_id == round_id, application.c.status == "returned"
        )
    )
    return list(returned)


async def status_of(session: Connectable, application_id: str) -> str | None:
    return await session.scalar(
        select(application.c.status).where(application.c.id == application_id)
    )


async def visible(session: Connectable, application_id: str, caller: Principal) -> bool:
    """Whether the caller may see the application (an applicant its own enterprise's, a
    platform what it filed)."""
    found = await session.scalar(
        select(application.c.id).where(application.c.id == application_id, visible_to(caller))
    )
    return found is not None
