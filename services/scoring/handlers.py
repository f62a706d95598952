"""Reacting to the applications topic: keep claims current, score eligible ones, and
allocate a round once it is closed and every application in it is settled."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as upsert
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
from shared.contracts.scoring import ApplicationAwarded, ApplicationNotAwarded, ApplicationScored
from shared.envelope import Actor, Envelope
from shared.eventstore import Cause, EventStore
from shared.policy import policy_version

from .adapters.tables import allocation_outcome, claim, scoring_round
from .domain.allocation import Mode, Outcome, ScoredClaim, allocate
from .domain.pricing import assess

SETTLED = frozenset({"scored", "ineligible", "withdrawn"})


@dataclass
class ScoringHandlers:
    store: EventStore
    actor: Actor

    async def on_event(self, session: AsyncSession, envelope: Envelope, event: Contract) -> None:
        """Apply one applications event; then allocate its round if that is now due."""
        if isinstance(event, ApplicationSubmitted | ApplicationAmended):
            await self.on_application_filed(session, event, envelope)
        elif isinstance(event, ApplicationReviewed):
            await self.on_application_reviewed(session, event, envelope)
        elif isinstance(event, ApplicationWithdrawn):
            await _set_state(session, event.application_id, "withdrawn", envelope)
        elif isinstance(event, RoundOpened | RoundClosed):
            await _ensure_round(session, event.round_id)
        if isinstance(event, RoundClosed):
            await session.execute(
                update(scoring_round)
                .where(scoring_round.c.round_id == event.round_id)
                .values(
                    closed_at=event.closed_at,
                    budget_yuan=event.budget_yuan,
                    enterprise_cap_yuan=event.enterprise_cap_yuan,
                    policy_version=event.policy_version,
                    application_ids=event.application_ids,
                )
            )
        round_id = getattr(event, "round_id", None)
        if round_id is None:
            round_id = await session.scalar(
                select(claim.c.round_id).where(claim.c.application_id == envelope.aggregate_id)
            )
        if round_id is not None:
            await self.allocate_if_due(session, round_id, Cause.following(envelope, self.actor))

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
        assessment = assess(row["claim"], row["industry"], policy)
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

    async def allocate_if_due(self, session: AsyncSession, round_id: str, cause: Cause) -> None:
        """Allocate once: the round row lock makes concurrent instances take turns, and the
        later one sees the earlier one's commit."""
        await _ensure_round(session, round_id)
        round_ = (
            (
                await session.execute(
                    select(scoring_round)
                    .where(scoring_round.c.round_id == round_id)
                    .with_for_update()
                )
            )
            .mappings()
            .one()
        )
        if round_["closed_at"] is None or round_["allocated_at"] is not None:
            return
        ids = list(round_["application_ids"])
        claims = (
            (await session.execute(select(claim).where(claim.c.application_id.in_(ids))))
            .mappings()
            .all()
        )
        if len(claims) < len(ids) or any(c["state"] not in SETTLED for c in claims):
            return
        policy = policy_version(round_["policy_version"])
        outcomes = allocate(
            [
                ScoredClaim(
                    c["application_id"], c["credit_code"], c["claimed_amount_yuan"], c["score"]
                )
                for c in claims
                if c["state"] == "scored"
            ],
            budget=round_["budget_yuan"],
            cap=round_["enterprise_cap_yuan"],
            mode=policy.allocation_mode,
        )
        for outcome in outcomes:
            event = _outcome_event(
                outcome, round_id, policy.allocation_mode, policy.version, policy.sha256
            )
            head = await self.store.head(session, outcome.application_id)
            await self.store.append(session, head, [event], cause)
        if outcomes:
            await session.execute(
                insert(allocation_outcome),
                [
                    {
                        "application_id": o.application_id,
                        "round_id": round_id,
                        "rank": o.rank,
                        "claimed_amount_yuan": o.claimed_amount_yuan,
                        "awarded_yuan": o.awarded_yuan,
                        "reason_code": o.reason_code,
                    }
                    for o in outcomes
                ],
            )
        await session.execute(
            update(scoring_round)
            .where(scoring_round.c.round_id == round_id)
            .values(allocated_at=func.now())
        )


def _outcome_event(
    outcome: Outcome, round_id: str, mode: Mode, version: str, sha256: str
) -> Contract:
    if outcome.reason_code is None:
        return ApplicationAwarded(
            application_id=outcome.application_id,
            round_id=round_id,
            amount_yuan=outcome.awarded_yuan,
            claimed_amount_yuan=outcome.claimed_amount_yuan,
            rank=outcome.rank,
            allocation_mode=mode,
            policy_version=version,
            policy_sha256=sha256,
            basis=outcome.basis,
        )
    return ApplicationNotAwarded(
        application_id=outcome.application_id,
        round_id=round_id,
        reason_code=outcome.reason_code,
        note=outcome.basis,
        rank=outcome.rank,
        policy_version=version,
        policy_sha256=sha256,
    )


async def _ensure_round(session: AsyncSession, round_id: str) -> None:
    await session.execute(upsert(scoring_round).values(round_id=round_id).on_conflict_do_nothing())


async def _set_state(
    session: AsyncSession, application_id: str, state: str, envelope: Envelope
) -> None:
    await session.execute(
        update(claim)
        .where(claim.c.application_id == application_id)
        .values(state=state, updated_at=envelope.occurred_at)
    )
