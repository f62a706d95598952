"""Reacting to the applications topic: keep the claims current, score eligible ones,
and allocate a round once it is closed and every application in it is settled."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.consumer import Delivered
from shared.contracts import Contract
from shared.contracts.applications import ApplicationReviewed, ApplicationWithdrawn, RoundClosed
from shared.contracts.scoring import ApplicationScored
from shared.envelope import Actor, Envelope
from shared.eventstore import Cause, EventStore
from shared.policy import policy_version

from .adapters.projection import project
from .adapters.tables import claim
from .allocating import allocate_if_due
from .domain.pricing import assess


@dataclass
class ScoringHandlers:
    store: EventStore
    actor: Actor

    async def on_event(self, session: AsyncSession, envelope: Envelope, event: Contract) -> None:
        """Apply one applications event; score an eligible review."""
        await project(session, envelope, event)
        if isinstance(event, ApplicationReviewed) and event.decision == "eligible":
            await self.on_application_found_eligible(session, event, envelope)

    async def after_events(self, session: AsyncSession, applied: Sequence[Delivered]) -> None:
        """Allocate each round these events may have made due, once however many touched it."""
        # Only a settled claim or a closing can make a round due. Rounds in a fixed order,
        # so two transactions never wait on each other's round rows the other way round.
        last_trigger: dict[str, Envelope] = {}
        for delivered in applied:
            event = delivered.contract
            if isinstance(event, ApplicationReviewed | ApplicationWithdrawn | RoundClosed):
                last_trigger[event.round_id] = delivered.envelope
        for round_id in sorted(last_trigger):
            await allocate_if_due(session, self.store, round_id, last_trigger[round_id], self.actor)

    async def on_application_found_eligible(
        self, session: AsyncSession, event: ApplicationReviewed, envelope: Envelope
    ) -> None:
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
        cause = Cause.following(envelope, self.actor)
        [sealed] = await self.store.append(session, head, [scored], cause)
        await project(session, sealed, scored)
