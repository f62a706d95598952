"""A round's events in the applications service's read side: the round's row and each
publication of its list."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, update

from shared.contracts import Contract
from shared.contracts.applications import RoundClosed, RoundOpened
from shared.contracts.publicity import PublicityOpened, PublishedList, RoundFinalised
from shared.contracts.scoring import RoundAllocated
from shared.envelope import Envelope
from shared.eventstore import Connectable

from .tables import application, funding_round, published_list


async def project_round_event(session: Connectable, envelope: Envelope, event: Contract) -> None:
    this_round = funding_round.c.id == getattr(event, "round_id", envelope.aggregate_id)
    if isinstance(event, RoundOpened):
        await _round_opened(session, envelope, event)
    elif isinstance(event, RoundClosed):
        await session.execute(
            update(funding_round).where(this_round).values(closed_at=event.closed_at)
        )
    elif isinstance(event, PublishedList):
        values: dict[str, Any] = {
            "list_revision": event.revision,
            "list_allocation": event.allocation,
        }
        if isinstance(event, PublicityOpened):
            values |= {
                "publicity_published_at": event.published_at,
                "publicity_ends_at": event.ends_at,
            }
        await session.execute(update(funding_round).where(this_round).values(**values))
        await session.execute(
            insert(published_list).values(
                round_id=event.round_id,
                revision=event.revision,
                event_id=envelope.event_id,
                published_at=envelope.occurred_at,
                body=event.model_dump(mode="json"),
            )
        )
    elif isinstance(event, RoundFinalised):
        await session.execute(
            update(funding_round).where(this_round).values(finalised_at=envelope.occurred_at)
        )
    elif isinstance(event, RoundAllocated) and event.excluded:
        await session.execute(
            update(application)
            .where(application.c.id.in_(event.excluded))
            .values(awaiting_reallocation=False)
        )


async def _round_opened(session: Connectable, envelope: Envelope, event: RoundOpened) -> None:
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
            publicity_days=event.publicity_days,
            publicity_day_kind=event.publicity_day_kind,
            created_at=envelope.occurred_at,
        )
    )
