"""Reacting to the applications topic: keep claims current, score eligible ones, and
allocate a round once it is closed and every application in it is settled."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts import Contract
from shared.contracts.applications import (
    ApplicationAmended,
    ApplicationReviewed,
    ApplicationSubmitted,
    ApplicationWithdrawn,
    RoundClosed,
    RoundOpened,
)
from shared.contracts.scoring import ApplicationScored
from shared.envelope import Actor, Envelope
from shared.eventstore import Cause, EventStore
from shared.policy import policy_version

from .adapters.tables import claim, scoring_round
from .allocating import allocate_if_due, ensure_round
from .domain.pricing import assess


@dataclass
class ScoringHandlers:
    store: EventStore
    actor: Actor

    async def on_event(self, session: AsyncSession, envelope: Envelope, event: Contract) -> None:
        """Apply one applications event; then allocate its round if that may now be due."""
        if isinstance(event, ApplicationSubmitted | ApplicationAmended):
            await self.on_application_filed(session, event, envelope)
            return
        if isinstance(event, RoundOpened):
            await ensure_round(session, event.round_id)
            return
        if isinstance(event, ApplicationReviewed):
            await self.on_application_reviewed(session, event, envelope)
        elif isinstance(event, ApplicationWithdrawn):
            await _set_state(session, event.application_id, "withdrawn", envelope)
        elif isinstance(event, RoundClosed):
            await on_round_closed(session, event, envelope)
        else:
            return
        # Only a settled claim or a closing can make a round due for allocation.
        await allocate_if_due(session, self.store, event.round_id, envelope, self.actor)

    async def on_application_filed(
        self,
        session: AsyncSession,
        event: ApplicationSubmitted | ApplicationAmended,
        envelope: Envelope,
    ) -> None:
        values = {
            "credit_code": event.enterprise.credit_code,
            "industry": event.enterprise.industry,
            "claim": event.claim.model_dump(mode="json"),
            "state": "submitted",
            "updated_at": envelope.occurred_at,
        }
        if isinstance(event, ApplicationSubmitted):
            await session.execute(
                insert(claim).values(
                    application_id=event.application_id,
                    round_id=event.round_id,
                    policy_version=event.policy_version,
                    **values,
                )
            )
        else:
            await session.execute(
                update(claim).where(claim.c.application_id == event.application_id).values(**values)
            )

    async def on_application_reviewed(
        self, session: AsyncSession, event: ApplicationReviewed, envelope: Envelope
    ) -> None:
        if event.decision != "eligible":
            await _set_state(session, event.application_id, event.decision, envelope)
            return
        row = (
            (
                await session.execute(
                    select(claim).where(claim.c.application_id == event.application_id)
                )
            )
            .mappings()
            .one()
        )
        policy = policy_version(row["policy_version"])
        assessment = assess(row["claim"], row["credit_code"], row["industry"], policy)
        scored = ApplicationScored(
            application_id=event.application_id,
            round_id=event.round_id,
            enterprise_credit_code=row["credit_code"],
            achievement_key=assessment.achievement_key,
            policy_version=policy.version,
            policy_sha256=policy.sha256,
            claimed_amount_yuan=assessment.claimed_amount_yuan,
            score=assessment.score,
            breakdown=assessment.breakdown,
        )
        head = await self.store.head(session, event.application_id)
        await self.store.append(session, head, [scored], Cause.following(envelope, self.actor))
        await session.execute(
            update(claim)
            .where(claim.c.application_id == event.application_id)
            .values(
                state="scored",
                achievement_key=assessment.achievement_key,
                claimed_amount_yuan=assessment.claimed_amount_yuan,
                score=assessment.score,
                updated_at=envelope.occurred_at,
            )
        )


async def _set_state(
    session: AsyncSession, application_id: str, state: str, envelope: Envelope
) -> None:
    await session.execute(
        update(claim)
        .where(claim.c.application_id == application_id)
        .values(state=state, updated_at=envelope.occurred_at)
    )


async def on_round_closed(session: AsyncSession, event: RoundClosed, envelope: Envelope) -> None:
    await ensure_round(session, event.round_id)
    await session.execute(
        update(scoring_round)
        .where(scoring_round.c.round_id == event.round_id)
        .values(
            year=event.year,
            closed_at=event.closed_at,
            budget_yuan=event.budget_yuan,
            enterprise_cap_yuan=event.enterprise_cap_yuan,
            policy_version=event.policy_version,
            application_ids=event.application_ids,
            closed_event_id=envelope.event_id,
        )
    )
